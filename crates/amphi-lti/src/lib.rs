//! Amphi as an LTI 1.3 Advantage platform, as a library (no database, no HTTP; the caller
//! fetches tools' key sets and keeps single-use values):
//! - [`keys`]: the platform's RSA keys (made with aws-lc-rs), their public JWK with an RFC 7638
//!   thumbprint as `kid`, and RS256 signing of the messages a platform sends;
//! - [`verify`]: checks of what a tool signs (client assertions of RFC 7523, deep linking
//!   responses): signature by `kid` against the tool's key set or pasted key, issuer, audience,
//!   expiry, issued-at, lifetime;
//! - [`ags`]: the JSON of Assignment and Grade Services (line items, scores, results) read
//!   strictly, with the field each refusal names.

pub mod ags;
pub mod keys;
pub mod verify;

/// Why a tool's message or request was refused; [`LtiError::code`] is the stable code kept in
/// the audit trail and answered as the OAuth or service error.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LtiError {
    /// Not a JWT, or JSON that does not read.
    #[error("malformed: {0}")]
    Malformed(String),
    /// Signed with an algorithm we do not accept.
    #[error("algorithm not allowed")]
    Algorithm,
    /// No key of the tool fits (unknown `kid`, bad PEM).
    #[error("no key: {0}")]
    Key(String),
    /// The signature does not verify.
    #[error("signature invalid")]
    Signature,
    /// Wrong `iss`.
    #[error("issuer wrong")]
    Issuer,
    /// Wrong `aud`.
    #[error("audience wrong")]
    Audience,
    /// `exp` has passed.
    #[error("expired")]
    Expired,
    /// `iat` or `nbf` in the future.
    #[error("not yet valid")]
    NotYetValid,
    /// `exp - iat` too long, or `iat` missing.
    #[error("lifetime too long")]
    Lifetime,
    /// A required claim is missing or wrong.
    #[error("claim {0} missing or wrong")]
    Claim(&'static str),
    /// A field of a service's JSON is missing or wrong.
    #[error("field {0} missing or wrong")]
    Field(&'static str),
    /// A key could not be made or used.
    #[error("key failure: {0}")]
    Crypto(String),
}

impl LtiError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            LtiError::Malformed(_) => "malformed",
            LtiError::Algorithm => "algorithm_not_allowed",
            LtiError::Key(_) => "key_unknown",
            LtiError::Signature => "signature_invalid",
            LtiError::Issuer => "issuer_wrong",
            LtiError::Audience => "audience_wrong",
            LtiError::Expired => "token_expired",
            LtiError::NotYetValid => "token_not_yet_valid",
            LtiError::Lifetime => "token_lifetime_too_long",
            LtiError::Claim(_) => "claim_missing",
            LtiError::Field(_) => "field_invalid",
            LtiError::Crypto(_) => "key_failure",
        }
    }
}
