//! xAPI 1.0.3 as a library (no database, no HTTP; the caller stores and answers):
//! - [`validate`]: every rule of the Data part a statement must follow (actors and their one
//!   inverse functional identifier, verbs, the five kinds of object, result, context,
//!   timestamp, version, attachments, voiding), read from the JSON as sent so that an unknown
//!   property is refused; [`validate::statement`] also normalises what the spec lets the LRS
//!   normalise (context activities as arrays, the object's `objectType`);
//! - [`agent`]: the key of an actor's identifier (what is indexed), agents read from query
//!   parameters, the Person object;
//! - [`compare`]: whether two statements with the same id are the same (Statement Comparison
//!   Requirements);
//! - [`format`](mod@format): the `ids`, `exact` and `canonical` forms of a statement returned;
//! - [`query`]: the Statements resource's GET parameters;
//! - [`multipart`]: `multipart/mixed` bodies, attachments matched by `sha2`;
//! - [`signature`]: signed statements (JWS, RS256/384/512, optional `x5c`).

pub mod agent;
mod common;
pub mod compare;
pub mod format;
pub mod lang;
pub mod multipart;
pub mod query;
pub mod signature;
pub mod time;
pub mod validate;

/// The verb that voids a statement.
pub const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

/// The usage type of the attachment carrying a statement's signature.
pub const SIGNATURE_USAGE: &str = "http://adlnet.gov/expapi/attachments/signature";

/// The versions of xAPI this library speaks, newest first (the About resource's list).
pub const VERSIONS: &[&str] = &["1.0.3", "1.0.2", "1.0.1", "1.0.0"];

/// The version a statement is stored with when it names none.
pub const VERSION: &str = "1.0.3";

/// Why a statement, a parameter or a body was refused: where (a JSON path such as
/// `statement.context.team`, or a parameter's name) and what is wrong, in English (the spec's
/// vocabulary; clients show it to developers, not learners).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct XapiError {
    /// Where.
    pub path: String,
    /// What.
    pub message: String,
}

impl XapiError {
    /// A refusal at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        XapiError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, XapiError>;

/// The ETag of a document: SHA-1 of its content, in hex (as the spec's examples).
pub fn etag(content: &[u8]) -> String {
    use sha1::Digest;
    hex::encode(sha1::Sha1::digest(content))
}

/// SHA-256 of an attachment's content, in hex (its `sha2`).
pub fn sha2(content: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_sha1_hex() {
        assert_eq!(etag(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn sha2_is_sha256_hex() {
        assert_eq!(
            sha2(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
