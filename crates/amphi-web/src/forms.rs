//! Body extractors: HTML forms checked for CSRF, and JSON bodies whose errors come back in the
//! API's error format.

use crate::ctx::{csrf_anchor, csrf_token, Ctx};
use crate::error::ApiError;
use crate::WebState;
use amphi_auth::signed;
use amphi_core::codes;
use amphi_core::Error;
use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use futures::stream::{self, BoxStream, StreamExt};
use serde::de::DeserializeOwned;

/// A urlencoded form whose `csrf` field matched the request's anchor cookie. Anything else is
/// refused with 403 before the handler runs, so no state changes.
pub struct CsrfForm<T>(pub T);

fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The one CSRF check: the token sent must be the signature of this request's anchor (session
/// cookie, else the anonymous anchor). A failure is logged and answers 403 with the error page.
pub fn check_csrf(ctx: &Ctx, anchor: Option<&str>, sent: Option<&str>) -> Result<(), Response> {
    let ok = match (anchor, sent) {
        (Some(a), Some(t)) => signed::verify(ctx.state.app.secret(), "csrf", a, t),
        _ => false,
    };
    if ok {
        return Ok(());
    }
    tracing::warn!(path = %ctx.path, "CSRF check failed");
    Err(ctx.render(
        StatusCode::FORBIDDEN,
        "error.html",
        minijinja::context! { message => amphi_app::i18n::t(ctx.locale, &format!("err-{}", codes::CSRF)) },
    ))
}

impl<T: DeserializeOwned> FromRequest<WebState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(ctx.error_page(&Error::BadRequest(codes::FORM_EXPECTED)));
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let anchor = csrf_anchor(&parts, &jar);
        let bytes = match Bytes::from_request(Request::from_parts(parts, body), state).await {
            Ok(b) => b,
            Err(e) => return Err(e.into_response()),
        };
        let fields = form_fields(&bytes);
        let sent = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str());
        check_csrf(&ctx, anchor.as_deref(), sent)?;
        let without_csrf: Vec<(String, String)> =
            fields.into_iter().filter(|(k, _)| k != "csrf").collect();
        let encoded = serde_urlencoded::to_string(&without_csrf).unwrap_or_default();
        match serde_urlencoded::from_str::<T>(&encoded) {
            Ok(v) => Ok(CsrfForm(v)),
            Err(_) => Err(ctx.error_page(&Error::BadRequest(codes::FORM_MALFORMED))),
        }
    }
}

/// The same token `Ctx` puts in pages (exposed for tests).
pub fn token_for(state: &WebState, anchor: &str) -> String {
    csrf_token(state, anchor)
}

/// The value CSRF tokens of this request are bound to (see [`CsrfForm`]), for handlers that read
/// the multipart body themselves.
pub struct Anchor(pub Option<String>);

impl FromRequestParts<WebState> for Anchor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        Ok(Anchor(csrf_anchor(parts, &jar)))
    }
}

/// What a failed multipart read means: a body over its limit is too large a `file`, anything
/// else a malformed form.
pub fn multipart_error(e: &MultipartError) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::field("file", codes::FILE_TOO_LARGE)
    } else {
        Error::BadRequest(codes::FORM_MALFORMED)
    }
}

/// A small text field, at most `cap` bytes.
pub async fn read_text(field: &mut Field<'_>, cap: usize) -> Result<String, Error> {
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(&e))? {
        if out.len() + chunk.len() > cap {
            return Err(Error::BadRequest(codes::FORM_MALFORMED));
        }
        out.extend_from_slice(&chunk);
    }
    String::from_utf8(out).map_err(|_| Error::BadRequest(codes::FORM_MALFORMED))
}

/// Reads what is left of a field, so that the browser, still sending, gets the answer.
pub async fn drain(field: &mut Field<'_>) {
    while let Ok(Some(_)) = field.chunk().await {}
}

/// A multipart field's bytes as a stream (for storage), read errors as [`multipart_error`].
pub fn field_chunks<'a>(field: &'a mut Field<'_>) -> BoxStream<'a, Result<Bytes, Error>> {
    stream::unfold(field, |f| async move {
        match f.chunk().await {
            Ok(Some(b)) => Some((Ok(b), f)),
            Ok(None) => None,
            Err(e) => Some((Err(multipart_error(&e)), f)),
        }
    })
    .boxed()
}

/// A JSON body; malformed JSON or wrong fields give a 400 in the API error format.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        if !is_json {
            return Err(Error::BadRequest(codes::JSON_EXPECTED).into());
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::from(Error::BadRequest(codes::BODY_TOO_LARGE)))?;
        serde_json::from_slice::<T>(&bytes)
            .map(ApiJson)
            .map_err(|e| {
                ApiError::from(Error::BadRequest(codes::JSON_MALFORMED)).with_detail(e.to_string())
            })
    }
}

/// A multipart form (file uploads) whose FIRST field is `csrf` with a valid token; the rest of
/// the fields are left to the handler, so a large file is never read before the check.
pub struct CsrfMultipart(pub axum::extract::Multipart);

impl FromRequest<WebState> for CsrfMultipart {
    type Rejection = Response;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        let anchor = csrf_anchor(&parts, &jar);
        let mut mp =
            match axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
                .await
            {
                Ok(m) => m,
                Err(_) => return Err(ctx.error_page(&Error::BadRequest(codes::FORM_EXPECTED))),
            };
        let token = match mp.next_field().await {
            Ok(Some(f)) if f.name() == Some("csrf") => Some(f.text().await.unwrap_or_default()),
            _ => None,
        };
        check_csrf(&ctx, anchor.as_deref(), token.as_deref())?;
        Ok(CsrfMultipart(mp))
    }
}

/// A time as the value of an `<input type="datetime-local">` in the person's time zone (UTC
/// when the zone is unknown); empty for none.
pub fn datetime_local(dt: Option<chrono::DateTime<chrono::Utc>>, tz: &str) -> String {
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    dt.map(|d| d.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// A form that sends nothing but its CSRF token (a button: delete, revoke, sign out).
#[derive(serde::Deserialize)]
pub struct Empty {}

/// A form that turns something on or off (`enabled=true|false`).
#[derive(Debug, serde::Deserialize)]
pub struct OnOff {
    enabled: Option<String>,
}

impl OnOff {
    /// On (true) or off; anything else is a malformed form.
    pub fn value(&self) -> Result<bool, Error> {
        match self.enabled.as_deref() {
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            _ => Err(Error::BadRequest(codes::FORM_MALFORMED)),
        }
    }
}
