//! The xAPI 1.0.3 Learning Record Store of each tenant: its clients managed by the tenant's
//! administrators (`clients`), the credentials a request presents and the authority they give
//! (`auth`: an LRS client's key and secret, or a short-lived token bound to one learner),
//! statements (`statements`: store, query, pages), State / Activity Profile / Agent Profile
//! documents (`documents`), and the Activities, Agents and About resources (`resources`).
//! The rules of the spec live in `amphi_xapi`; the storage in `amphi_db::repo::xapi`.
//!
//! Amphi's own players (SCORM, cmi5) store statements with [`record`] and hand content a
//! [`learner_token`]. Imports point one way: statements -> auth, documents -> auth.

pub mod auth;
pub mod cache;
pub mod clients;
pub mod documents;
pub mod resources;
pub mod statements;

pub use auth::{learner_agent, learner_token, Authority};

use amphi_core::{Error, TenantId};
use amphi_xapi::XapiError;
use uuid::Uuid;

/// Why the LRS refused a request; each maps to one status (400, 401, 403, 404, 409, 412).
#[derive(Debug, Clone, PartialEq)]
pub enum LrsError {
    /// 400: what was wrong, in the spec's words.
    Bad(String),
    /// 401: no credentials, or credentials that are not valid here.
    Unauthorized,
    /// 403: the credentials do not allow this.
    Forbidden(String),
    /// 404.
    NotFound,
    /// 409: a statement with this id exists and differs, or a document exists and the
    /// request gave no precondition.
    Conflict(String),
    /// 412: `If-Match` / `If-None-Match` does not hold.
    PreconditionFailed(String),
    /// 500 (logged, not shown).
    Internal(String),
}

impl LrsError {
    /// The message answered.
    pub fn message(&self) -> String {
        match self {
            LrsError::Bad(m)
            | LrsError::Forbidden(m)
            | LrsError::Conflict(m)
            | LrsError::PreconditionFailed(m) => m.clone(),
            LrsError::Unauthorized => "valid credentials are required".into(),
            LrsError::NotFound => "not found".into(),
            LrsError::Internal(_) => "internal error".into(),
        }
    }
}

impl From<XapiError> for LrsError {
    fn from(e: XapiError) -> Self {
        LrsError::Bad(e.to_string())
    }
}

impl From<Error> for LrsError {
    fn from(e: Error) -> Self {
        match e {
            Error::NotFound => LrsError::NotFound,
            Error::Forbidden => LrsError::Forbidden("not allowed".into()),
            Error::Unauthenticated => LrsError::Unauthorized,
            Error::Conflict(c) => LrsError::Conflict(c.into()),
            Error::BadRequest(c) => LrsError::Bad(c.into()),
            Error::Validation(f) => LrsError::Bad(
                f.iter()
                    .map(|x| format!("{}: {}", x.field, x.code))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            other => LrsError::Internal(other.to_string()),
        }
    }
}

/// Results of the LRS.
pub type LrsResult<T> = std::result::Result<T, LrsError>;

/// Validates and stores one statement as a POST would, with `authority` as its authority
/// (Amphi's own players: SCORM, cmi5); its id.
pub async fn record(
    app: &crate::App,
    tenant: TenantId,
    statement: serde_json::Value,
    authority: Authority,
) -> amphi_core::Result<Uuid> {
    let ids = statements::store(app, tenant, &authority, vec![statement], Vec::new(), None)
        .await
        .map_err(|e| match e {
            LrsError::Internal(m) => Error::Internal(m),
            LrsError::Conflict(_) => Error::Conflict(amphi_core::codes::ALREADY_EXISTS),
            LrsError::Forbidden(_) => Error::Forbidden,
            LrsError::Unauthorized => Error::Unauthenticated,
            LrsError::Bad(m) => {
                tracing::info!(reason = %m, "statement refused");
                Error::BadRequest(amphi_core::codes::XAPI_STATEMENT_INVALID)
            }
            LrsError::NotFound | LrsError::PreconditionFailed(_) => Error::NotFound,
        })?;
    ids.into_iter()
        .next()
        .ok_or_else(|| Error::Internal("no statement stored".into()))
}
