//! Test peer: oidc_provider (filled in by its owner).
