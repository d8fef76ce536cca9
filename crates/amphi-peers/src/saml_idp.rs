//! Test peer: saml_idp (filled in by its owner).
