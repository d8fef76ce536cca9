//! The one error type of the domain. Each variant has a stable snake_case code that the API
//! returns and the UI translates; messages for people are looked up from the code.

use crate::codes;
use serde::Serialize;

/// Result with the domain error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One invalid field of a form or JSON body: the field name and a message code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Name of the field as submitted (`email`, `password`, …).
    pub field: String,
    /// Stable message code, translated by the web layer (`email_invalid`, …).
    pub code: String,
    /// The limit the value passed (`too_long`: the most characters allowed), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
    /// What was typed, measured like the limit (`too_long`: the characters typed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub got: Option<u64>,
}

impl FieldError {
    /// A field error.
    pub fn new(field: &str, code: &str) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            max: None,
            got: None,
        }
    }

    /// Text longer than allowed: the limit and what was typed, both in characters, so the
    /// message can say "200 characters at most, you typed 2,400".
    pub fn too_long(field: &str, max: usize, got: usize) -> Self {
        Self {
            max: Some(max as u64),
            got: Some(got as u64),
            ..Self::new(field, codes::TOO_LONG)
        }
    }
}

/// Everything that can go wrong in a use case, as seen by its caller.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist, or the caller may not know that it exists.
    #[error("not found")]
    NotFound,
    /// The caller is known but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// The caller must sign in (or present a valid token) first.
    #[error("unauthenticated")]
    Unauthenticated,
    /// The request conflicts with the current state; the code (one of [`codes::ALL`]) names how.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Input failed validation; one entry per bad field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The request itself is malformed or refers to something invalid; the code (one of
    /// [`codes::ALL`]) names how.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Too many attempts; retry after the given number of seconds.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until the window resets.
        retry_after_secs: u64,
    },
    /// Something broke on our side; the detail is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound => codes::NOT_FOUND,
            Error::Forbidden => codes::FORBIDDEN,
            Error::Unauthenticated => codes::UNAUTHENTICATED,
            Error::Conflict(_) => codes::CONFLICT,
            Error::Validation(_) => codes::VALIDATION,
            Error::BadRequest(_) => codes::BAD_REQUEST,
            Error::RateLimited { .. } => codes::RATE_LIMITED,
            Error::Internal(_) => codes::INTERNAL,
        }
    }

    /// A validation error on one field.
    pub fn field(field: &str, code: &str) -> Self {
        Error::Validation(vec![FieldError::new(field, code)])
    }

    /// Text longer than allowed on one field, with the limit and the length typed.
    pub fn too_long(field: &str, max: usize, got: usize) -> Self {
        Error::Validation(vec![FieldError::too_long(field, max, got)])
    }

    /// Wraps an infrastructure error; its text is logged, not shown.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Error::Internal(e.to_string())
    }
}

/// Collects field errors while validating a whole form, so the user sees them all at once.
#[derive(Debug, Default)]
pub struct Fields(Vec<FieldError>);

impl Fields {
    /// Empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the outcome of parsing one field, returning the value if it parsed.
    pub fn check<T>(&mut self, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(Error::Validation(mut v)) => {
                self.0.append(&mut v);
                None
            }
            Err(other) => {
                self.0.push(FieldError::new("_", other.code()));
                None
            }
        }
    }

    /// Adds one error.
    pub fn push(&mut self, field: &str, code: &str) {
        self.0.push(FieldError::new(field, code));
    }

    /// Adds a text-too-long error with its limit and the length typed.
    pub fn too_long(&mut self, field: &str, max: usize, got: usize) {
        self.0.push(FieldError::too_long(field, max, got));
    }

    /// Whether `field` already has an error.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// Ok if no field failed.
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.0))
        }
    }
}
