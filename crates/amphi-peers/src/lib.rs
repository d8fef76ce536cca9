//! Real identity servers (and an LTI tool) for tests, started on 127.0.0.1 with a free port and
//! stopped when the handle is dropped. Used as a dev-dependency by the crates whose tests sign in
//! through them.
//! Each module owns one peer; a peer that cannot start (its package is missing) fails the test
//! with a message that says what to install, never skips silently.

pub mod lti_tool;
pub mod oidc_provider;
mod process;
pub mod saml_idp;
pub mod slapd;
