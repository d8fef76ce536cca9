//! Errors to responses: one mapping from the domain error to a status, then an HTML page or a
//! JSON body `{"error":{"code","message","fields"}}`. A 5xx logs its detail with the request id;
//! the client sees only the request id.

use amphi_app::i18n::t;
use amphi_core::validate::Locale;
use amphi_core::Error;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// HTTP status of a domain error.
pub fn status(e: &Error) -> StatusCode {
    match e {
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::Forbidden => StatusCode::FORBIDDEN,
        Error::Unauthenticated => StatusCode::UNAUTHORIZED,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::BadRequest(_) => StatusCode::BAD_REQUEST,
        Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The message key for an error (`err-<code>` or `err-<specific>`).
pub fn message_key(e: &Error) -> String {
    match e {
        Error::Conflict(c) | Error::BadRequest(c) => format!("err-{c}"),
        other => format!("err-{}", other.code()),
    }
}

/// The human message for an error in a locale.
pub fn message(e: &Error, locale: Locale) -> String {
    match e {
        Error::RateLimited { retry_after_secs } => amphi_app::i18n::t_with(
            locale,
            "err-rate_limited",
            &[("minutes", retry_after_secs.div_ceil(60).into())],
        ),
        _ => t(locale, &message_key(e)),
    }
}

/// Logs a server-side failure; returns whether it was one.
pub fn log_if_internal(e: &Error) -> bool {
    if let Error::Internal(detail) = e {
        tracing::error!(error = %detail, "internal error");
        true
    } else {
        false
    }
}

/// Why a page handler answered early: the response already made for this request (the error
/// page in its language, a sign-in redirect, a form shown again with its errors). Handlers
/// return [`PageResult`], so every early answer is a `?` or an `Err`.
#[derive(Debug)]
pub struct PageError(Response);

impl From<Response> for PageError {
    fn from(r: Response) -> Self {
        PageError(r)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0
    }
}

/// What a page handler returns.
pub type PageResult = Result<Response, PageError>;

/// The language of an API client: Accept-Language, else English (the API has no session to
/// take a preference from).
pub fn client_locale(headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::negotiate)
        .unwrap_or_default()
}

/// Marks the requests of the JSON API (an extension the API router adds), so extractors shared
/// with the pages answer their refusals in JSON there.
#[derive(Clone, Copy, Debug)]
pub struct JsonErrors;

/// An error for the JSON API.
#[derive(Debug)]
pub struct ApiError {
    /// The domain error.
    pub error: Error,
    /// Language of the message.
    pub locale: Locale,
    /// What exactly was wrong with the input (a JSON parser's message), if known.
    pub detail: Option<String>,
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        ApiError::in_locale(error, Locale::En)
    }
}

impl ApiError {
    /// An error with its message in a language.
    pub fn in_locale(error: Error, locale: Locale) -> Self {
        ApiError {
            error,
            locale,
            detail: None,
        }
    }

    /// An error in the language the client asked for.
    pub fn for_client(error: Error, headers: &HeaderMap) -> Self {
        ApiError::in_locale(error, client_locale(headers))
    }

    /// Adds what exactly was wrong.
    pub fn with_detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log_if_internal(&self.error);
        let st = status(&self.error);
        let code = match &self.error {
            Error::Conflict(c) | Error::BadRequest(c) => c,
            other => other.code(),
        };
        let fields: serde_json::Map<String, serde_json::Value> = match &self.error {
            Error::Validation(fs) => fs
                .iter()
                .map(|f| {
                    (
                        f.field.clone(),
                        json!({ "code": f.code, "message": amphi_app::i18n::field_message(self.locale, f) }),
                    )
                })
                .collect(),
            _ => Default::default(),
        };
        let mut msg = message(&self.error, self.locale);
        if let Some(d) = &self.detail {
            msg = format!("{msg} ({d})");
        }
        let body = json!({ "error": { "code": code, "message": msg, "fields": fields } });
        let mut resp = (st, axum::Json(body)).into_response();
        if let Error::RateLimited { retry_after_secs } = self.error {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}
