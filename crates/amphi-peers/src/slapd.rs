//! Test peer: slapd (filled in by its owner).
