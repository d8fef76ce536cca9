//! Amphi's SAML 2.0 service provider, as a library: no database, no HTTP server. It takes
//! configuration, bytes and the current time, and returns URLs to send browsers to, the SP's
//! metadata, or verified identities and errors with stable codes.
//!
//! * [`sp_metadata`] — the SP's metadata (signing and encryption certificates, ACS, SLO).
//! * [`authn_request_redirect`] — SP-initiated sign-in (HTTP-Redirect AuthnRequest).
//! * [`validate_response`] — the ACS: a posted `SAMLResponse` to a [`ValidatedLogin`].
//! * [`logout_request_redirect`], [`validate_logout_response`], [`validate_logout_request`],
//!   [`logout_response_redirect`] — single logout over HTTP-Redirect.
//!
//! XML signatures are verified, and documents cut down to what the signatures cover, by
//! libxmlsec1 through samael; encrypted assertions are decrypted by samael (OpenSSL). This
//! crate never canonicalises or checks a signature itself. The caller keeps the request id
//! between [`authn_request_redirect`] and [`validate_response`], and remembers each
//! [`ValidatedLogin::assertion_id`] until [`ValidatedLogin::replay_until`] to refuse replays.

mod authn;
mod binding;
mod config;
mod decrypt;
mod error;
mod keys;
mod logout;
mod metadata;
mod response;
mod schema;
mod xml;

pub use authn::{authn_request_redirect, AuthnRedirect};
pub use config::{IdpConfig, SpConfig, BINDING_HTTP_POST, BINDING_HTTP_REDIRECT};
pub use error::SamlError;
pub use keys::{Certificate, KeyPair};
pub use logout::{
    logout_request_redirect, logout_response_redirect, validate_logout_request,
    validate_logout_response, IdpLogoutRequest, LogoutRedirect,
};
pub use metadata::sp_metadata;
pub use response::{validate_response, ValidatedLogin};

#[cfg(test)]
mod tests;
