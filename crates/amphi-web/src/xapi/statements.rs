//! `/xapi/statements`: PUT one, POST one or many (JSON or `multipart/mixed` with
//! attachments), GET (and HEAD) one or a page, answered as JSON or, with `attachments=true`,
//! as `multipart/mixed`.

use super::{error, pairs, Lrs};
use crate::WebState;
use amphi_app::packages::cmi5::lrs as cmi5;
use amphi_app::xapi::statements::{self, Answer};
use amphi_app::xapi::LrsError;
use amphi_xapi::multipart::{self, Part};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

const CONSISTENT: HeaderName = HeaderName::from_static("x-experience-api-consistent-through");

fn consistent(r: &mut Response, at: DateTime<Utc>) {
    if let Ok(v) = HeaderValue::from_str(&amphi_xapi::time::format(at)) {
        r.headers_mut().insert(CONSISTENT, v);
    }
}

/// Every answer of the Statements resource carries `X-Experience-API-Consistent-Through`
/// (Communication 2.1.3), refusals included: those of the credentials or the version header,
/// made before a handler runs, get the time they were made.
pub(super) async fn consistent_on_every_answer(
    State(s): State<WebState>,
    mut r: Response,
) -> Response {
    if !r.headers().contains_key(CONSISTENT) {
        consistent(&mut r, s.app.now());
    }
    r
}

/// The statements of a body (one or an array) and its attachments' parts.
fn body_of(headers: &HeaderMap, body: &Bytes) -> Result<(Vec<Value>, Vec<Part>), LrsError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let (json, parts) = if let Some(b) = multipart::boundary(ct) {
        multipart::parse(body, &b)?
    } else if ct
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    {
        (body.to_vec(), Vec::new())
    } else {
        return Err(LrsError::Bad(
            "statements are sent as application/json or multipart/mixed".into(),
        ));
    };
    let v: Value = serde_json::from_slice(&json)
        .map_err(|e| LrsError::Bad(format!("the body is not JSON: {e}")))?;
    let list = match v {
        Value::Array(a) => a,
        one => vec![one],
    };
    Ok((list, parts))
}

/// PUT /xapi/statements?statementId=… — stores one statement with that id.
pub(super) async fn put(
    State(s): State<WebState>,
    lrs: Lrs,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = s.app.now();
    let mut r = match put_one(&s, &lrs, q.as_deref(), &headers, &body).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(e),
    };
    consistent(&mut r, now);
    r
}

async fn put_one(
    s: &WebState,
    lrs: &Lrs,
    q: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(), LrsError> {
    let p = pairs(q)?;
    let id = match p.as_slice() {
        [(k, v)] if k == "statementId" => Uuid::parse_str(v)
            .ok()
            .filter(|_| v.len() == 36)
            .ok_or_else(|| LrsError::Bad("statementId must be a UUID".into()))?,
        _ => return Err(LrsError::Bad("PUT takes one parameter, statementId".into())),
    };
    let (list, parts) = body_of(headers, body)?;
    if list.len() != 1 || !list[0].is_object() {
        return Err(LrsError::Bad("PUT stores one statement".into()));
    }
    cmi5::store(
        &s.app,
        lrs.tenant,
        &lrs.origin,
        &lrs.auth,
        list,
        parts,
        Some(id),
    )
    .await?;
    Ok(())
}

/// POST /xapi/statements — stores one statement or an array; their ids.
pub(super) async fn post(
    State(s): State<WebState>,
    lrs: Lrs,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = s.app.now();
    let mut r = if q.as_deref().is_some_and(|q| !q.is_empty()) {
        error(LrsError::Bad("POST takes no parameter".into()))
    } else {
        match body_of(&headers, &body) {
            Err(e) => error(e),
            Ok((list, parts)) => {
                let (app, tenant) = (&s.app, lrs.tenant);
                match cmi5::store(app, tenant, &lrs.origin, &lrs.auth, list, parts, None).await {
                    Ok(ids) => Json(ids).into_response(),
                    Err(e) => error(e),
                }
            }
        }
    };
    consistent(&mut r, now);
    r
}

/// GET /xapi/statements — one statement (`statementId`, `voidedStatementId`) or a page.
pub(super) async fn get(State(s): State<WebState>, lrs: Lrs, RawQuery(q): RawQuery) -> Response {
    let now = s.app.now();
    let got = match pairs(q.as_deref()) {
        Ok(p) => statements::get(&s.app, lrs.tenant, &lrs.auth, p, &lrs.accepted).await,
        Err(e) => Err(e),
    };
    let mut r = match got {
        Ok(a) => answer(a),
        Err(e) => error(e),
    };
    if !r.headers().contains_key(CONSISTENT) {
        consistent(&mut r, now);
    }
    r
}

fn answer(a: Answer) -> Response {
    let json = a.body.to_string().into_bytes();
    let mut r = match &a.parts {
        Some(parts) => {
            let boundary = format!("xapi-{}", Uuid::new_v4().simple());
            let body = multipart::write(&boundary, &json, parts);
            let mut r = (StatusCode::OK, body).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("multipart/mixed; boundary={boundary}")) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            r
        }
        None => {
            let mut r = (StatusCode::OK, json).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
    };
    consistent(&mut r, a.consistent_through);
    if let Ok(v) = HeaderValue::from_str(
        &a.last_modified
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string(),
    ) {
        r.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    r
}
