//! One error type for everything SAML can refuse, each with a stable code.

use thiserror::Error;

/// Why a SAML message or configuration was refused. Messages are safe to show to an
/// administrator and to log: they never contain keys, whole documents or attribute values.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SamlError {
    /// The SP or IdP configuration cannot work (bad key, missing certificate, no signature
    /// required…).
    #[error("SAML configuration: {0}")]
    Config(String),
    /// IdP metadata could not be read or lacks what the SP needs.
    #[error("IdP metadata: {0}")]
    Metadata(String),
    /// The message is not base64, not XML, or not a SAML message of the expected shape.
    #[error("malformed SAML message: {0}")]
    Malformed(String),
    /// A required signature is missing, does not verify with the IdP's certificates, uses a
    /// refused algorithm, or the document was rearranged around a signature.
    #[error("SAML signature refused: {0}")]
    Signature(String),
    /// The encrypted assertion could not be decrypted with the SP's key.
    #[error("SAML assertion could not be decrypted: {0}")]
    Decryption(String),
    /// The IdP answered with a status other than Success.
    #[error("the identity provider refused the sign-in (status {code})")]
    Status {
        /// The (innermost) SAML status code URI.
        code: String,
    },
    /// The Issuer is not the configured IdP.
    #[error("SAML issuer is not the configured identity provider")]
    Issuer,
    /// The assertion is not meant for this SP (AudienceRestriction).
    #[error("SAML assertion is meant for another service provider (audience)")]
    Audience,
    /// The response was sent to another endpoint (Destination).
    #[error("SAML message was addressed to another endpoint (destination)")]
    Destination,
    /// The bearer confirmation names another endpoint (Recipient).
    #[error("SAML subject confirmation names another endpoint (recipient)")]
    Recipient,
    /// The message or assertion is past its NotOnOrAfter (with clock skew).
    #[error("SAML message has expired")]
    Expired,
    /// The assertion is not valid yet (NotBefore, with clock skew).
    #[error("SAML assertion is not valid yet")]
    NotYetValid,
    /// InResponseTo does not match the request this SP sent.
    #[error("SAML response does not answer the request this sign-in started")]
    InResponseTo,
    /// An IdP-initiated (unsolicited) response, and this SP does not accept them.
    #[error("unsolicited SAML responses (IdP-initiated sign-in) are not accepted")]
    Unsolicited,
    /// The assertion has no usable subject (NameID, bearer confirmation).
    #[error("SAML assertion subject: {0}")]
    Subject(String),
    /// Building or signing an outgoing message failed.
    #[error("SAML message could not be built: {0}")]
    Internal(String),
}

impl SamlError {
    /// A stable machine-readable code (`saml.signature`, `saml.audience`, …) for audit entries,
    /// metrics and error pages.
    pub fn code(&self) -> &'static str {
        match self {
            SamlError::Config(_) => "saml.config",
            SamlError::Metadata(_) => "saml.metadata",
            SamlError::Malformed(_) => "saml.malformed",
            SamlError::Signature(_) => "saml.signature",
            SamlError::Decryption(_) => "saml.decryption",
            SamlError::Status { .. } => "saml.status",
            SamlError::Issuer => "saml.issuer",
            SamlError::Audience => "saml.audience",
            SamlError::Destination => "saml.destination",
            SamlError::Recipient => "saml.recipient",
            SamlError::Expired => "saml.expired",
            SamlError::NotYetValid => "saml.not_yet_valid",
            SamlError::InResponseTo => "saml.in_response_to",
            SamlError::Unsolicited => "saml.unsolicited",
            SamlError::Subject(_) => "saml.subject",
            SamlError::Internal(_) => "saml.internal",
        }
    }

    pub(crate) fn malformed(what: impl Into<String>) -> Self {
        SamlError::Malformed(what.into())
    }

    pub(crate) fn signature(what: impl Into<String>) -> Self {
        SamlError::Signature(what.into())
    }
}

/// Cuts a value that came from outside before it goes into an error message.
pub(crate) fn shorten(value: &str) -> String {
    const MAX: usize = 120;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let cut: String = value.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
