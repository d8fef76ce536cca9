//! The document resources: `/xapi/activities/state`, `/xapi/activities/profile` and
//! `/xapi/agents/profile` (GET one or the ids, PUT, POST, DELETE), with ETag, Last-Modified
//! and the `If-Match` / `If-None-Match` preconditions.

use super::{error, pairs, Lrs};
use crate::WebState;
use amphi_app::xapi::documents::{self, DocAnswer, DocKind, DocWrite, Preconditions};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};

fn header_str(h: &HeaderMap, name: header::HeaderName) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn preconditions(h: &HeaderMap) -> Preconditions {
    Preconditions {
        if_match: header_str(h, header::IF_MATCH),
        if_none_match: header_str(h, header::IF_NONE_MATCH),
    }
}

fn last_modified(r: &mut Response, at: DateTime<Utc>) {
    if let Ok(v) = HeaderValue::from_str(&at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()) {
        r.headers_mut().insert(header::LAST_MODIFIED, v);
    }
}

fn etag(r: &mut Response, etag: &str) {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
}

async fn read(s: WebState, lrs: Lrs, kind: DocKind, q: Option<String>) -> Response {
    let got = match pairs(q.as_deref()) {
        Ok(p) => documents::get(&s.app, lrs.tenant, &lrs.auth, kind, &p).await,
        Err(e) => Err(e),
    };
    match got {
        Ok(DocAnswer::One(d)) => {
            let mut r = (StatusCode::OK, d.content).into_response();
            if let Ok(v) = HeaderValue::from_str(&d.content_type) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            etag(&mut r, &d.etag);
            last_modified(&mut r, d.updated);
            r
        }
        Ok(DocAnswer::Ids(ids, last)) => {
            let mut r = Json(ids).into_response();
            if let Some(t) = last {
                last_modified(&mut r, t);
            }
            r
        }
        Err(e) => error(e),
    }
}

async fn save(
    s: WebState,
    lrs: Lrs,
    kind: DocKind,
    q: Option<String>,
    headers: HeaderMap,
    body: Bytes,
    merge: bool,
) -> Response {
    let w = DocWrite {
        pre: preconditions(&headers),
        content_type: header_str(&headers, header::CONTENT_TYPE)
            .unwrap_or_else(|| "application/octet-stream".into()),
        content: body.to_vec(),
        merge,
    };
    let saved = match pairs(q.as_deref()) {
        Ok(p) => documents::save(&s.app, lrs.tenant, &lrs.auth, kind, &p, w).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(tag) => {
            let mut r = StatusCode::NO_CONTENT.into_response();
            etag(&mut r, &tag);
            r
        }
        Err(e) => error(e),
    }
}

async fn remove(
    s: WebState,
    lrs: Lrs,
    kind: DocKind,
    q: Option<String>,
    headers: HeaderMap,
) -> Response {
    let done = match pairs(q.as_deref()) {
        Ok(p) => {
            documents::delete(
                &s.app,
                lrs.tenant,
                &lrs.auth,
                kind,
                &p,
                &preconditions(&headers),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(e),
    }
}

/// Declares the four handlers of a document resource.
macro_rules! document_resource {
    ($kind:expr, $get:ident, $put:ident, $post:ident, $delete:ident) => {
        /// GET: one document, or the ids.
        pub(super) async fn $get(
            State(s): State<WebState>,
            lrs: Lrs,
            RawQuery(q): RawQuery,
        ) -> Response {
            read(s, lrs, $kind, q).await
        }
        /// PUT: stores or replaces a document.
        pub(super) async fn $put(
            State(s): State<WebState>,
            lrs: Lrs,
            RawQuery(q): RawQuery,
            headers: HeaderMap,
            body: Bytes,
        ) -> Response {
            save(s, lrs, $kind, q, headers, body, false).await
        }
        /// POST: stores a document, or merges JSON objects.
        pub(super) async fn $post(
            State(s): State<WebState>,
            lrs: Lrs,
            RawQuery(q): RawQuery,
            headers: HeaderMap,
            body: Bytes,
        ) -> Response {
            save(s, lrs, $kind, q, headers, body, true).await
        }
        /// DELETE: one document (or, for State, all of the scope).
        pub(super) async fn $delete(
            State(s): State<WebState>,
            lrs: Lrs,
            RawQuery(q): RawQuery,
            headers: HeaderMap,
        ) -> Response {
            remove(s, lrs, $kind, q, headers).await
        }
    };
}

document_resource!(
    DocKind::State,
    get_state,
    put_state,
    post_state,
    delete_state
);
document_resource!(
    DocKind::ActivityProfile,
    get_activity_profile,
    put_activity_profile,
    post_activity_profile,
    delete_activity_profile
);
document_resource!(
    DocKind::AgentProfile,
    get_agent_profile,
    put_agent_profile,
    post_agent_profile,
    delete_agent_profile
);
