//! The content origin (`content.package_url`, its own listener): SCORM and cmi5 packages are
//! played here, never on a tenant's origin. It sets no cookie and reads none; every request
//! carries a launch token in its path, signed by Amphi and bound to one learner, item and
//! attempt. Its pages may be framed only by the Amphi origin that launched them; the package's
//! own files only by the player. Paths are logged without the token.

mod cmi5;

use crate::assets::static_file;
use crate::pages::files::{parse_range, send, set};
use crate::WebState;
use amphi_app::packages::{content, launch, runtime};
use amphi_core::validate::Locale;
use amphi_core::{codes, Error};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minijinja::{context, Value};
use serde_json::json;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// The policy of what the content origin answers by default: its own resources only, framed by
/// nothing else.
const FILE_CSP: &str = "default-src 'self'; frame-ancestors 'self'";

/// The policy of a package's files: the author's scripts, styles and media, from anywhere (web
/// fonts, videos, an external LRS; isolation comes from the origin, not from this policy),
/// shown only inside the player (this origin) inside the launching Amphi page (`ancestor`:
/// every ancestor is checked).
fn package_csp(ancestor: &str) -> String {
    format!(
        "default-src * 'unsafe-inline' 'unsafe-eval' data: blob:; \
         frame-ancestors 'self' {ancestor}; form-action 'self'; base-uri 'self'"
    )
}

/// The content origin's routes with their middleware.
pub fn router(state: WebState) -> Router {
    let limit = amphi_app::packages::cmi::MAX_CMI_BYTES + 64 * 1024;
    Router::new()
        .route("/p/{token}/", get(player))
        .route("/p/{token}/sco/{sco}", get(sco))
        .route(
            "/p/{token}/commit",
            post(commit).layer(DefaultBodyLimit::max(limit)),
        )
        .route(
            "/p/{token}/sequencing",
            post(save_sequencing).layer(DefaultBodyLimit::max(
                amphi_app::packages::sequencing::MAX_STATE_BYTES + 64 * 1024,
            )),
        )
        .route("/p/{token}/f/{*path}", get(file))
        .route("/p/{token}/cmi5/launch", post(cmi5::launch))
        .route("/p/{token}/cmi5/state", get(cmi5::status))
        .route(
            "/p/{token}/cmi5/fetch/{session}",
            post(cmi5::fetch).options(cmi5::fetch_preflight),
        )
        .route("/p/{token}/cmi5/returned", get(cmi5::returned))
        .route("/static/{*path}", get(static_file))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(state)
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FILE_CSP),
        ))
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            tracing::info_span!("content", method = %req.method(), path = %redact(req.uri().path()))
        }))
}

/// A path with its launch token left out (`/p/…/f/index.html`).
fn redact(path: &str) -> String {
    match path.strip_prefix("/p/").and_then(|r| r.split_once('/')) {
        Some((_, rest)) => format!("/p/…/{rest}"),
        None => path.to_owned(),
    }
}

/// An error of the content origin: a short text page (or JSON for the run-time calls).
fn fail(e: &Error, json_body: bool) -> Response {
    let (status, code) = match e {
        Error::NotFound => (StatusCode::NOT_FOUND, codes::NOT_FOUND),
        Error::Conflict(c) => (StatusCode::CONFLICT, *c),
        Error::BadRequest(c) if *c == codes::PACKAGE_SESSION_INVALID => {
            (StatusCode::UNAUTHORIZED, *c)
        }
        Error::BadRequest(c) => (StatusCode::BAD_REQUEST, *c),
        Error::Validation(_) => (StatusCode::BAD_REQUEST, codes::PACKAGE_DATA_INVALID),
        Error::Forbidden | Error::Unauthenticated => (StatusCode::FORBIDDEN, codes::FORBIDDEN),
        e => {
            tracing::error!(error = %e, "content origin");
            (StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL)
        }
    };
    let msg = amphi_app::i18n::t(Locale::En, &format!("err-{code}"));
    if json_body {
        (
            status,
            Json(json!({ "result": false, "code": code, "message": msg })),
        )
            .into_response()
    } else {
        (status, msg).into_response()
    }
}

/// GET /p/{token}/ — the player: table of contents, navigation, the run-time API and the SCO.
async fn player(State(state): State<WebState>, Path(token): Path<String>) -> Response {
    match amphi_app::packages::cmi5::launch::player(&state.app, &token).await {
        Ok(Some(p)) => return cmi5::player(&state, &token, p),
        Ok(None) => {}
        Err(e) => return fail(&e, false),
    }
    let p = match launch::player(&state.app, &token, None).await {
        Ok(p) => p,
        Err(e) => return fail(&e, false),
    };
    let locale = Locale::from_tag(&p.claims.l).unwrap_or(Locale::En);
    let t = |k: &str| amphi_app::i18n::t(locale, k);
    let labels = json!({
        "saved": t("package-saved"),
        "conflict": t("err-package_conflict"),
        "expired": t("err-package_session_invalid"),
        "failed": t("package-save-failed"),
        "ended": t("package-ended"),
        "refused": t("package-refused"),
        "courseEnded": t("package-course-ended"),
    });
    let data = json!({
        "api": p.api,
        "preview": p.claims.a.is_none(),
        "commit": format!("/p/{token}/commit"),
        "sco": format!("/p/{token}/sco/"),
        "files": format!("/p/{token}/f/"),
        "launches": p.structure.launches,
        "sequencing": p.structure.sequencing,
        "states": p.states,
        "start": p.start,
        "seq": p.sequencing,
        "state": format!("/p/{token}/sequencing"),
        "labels": labels,
    });
    let ctx = context! {
        locale => locale.tag(),
        title => p.title,
        api => Value::from_serialize(p.api),
        tree => Value::from_serialize(&p.structure.tree),
        several => p.structure.launches.len() > 1,
        sequenced => p.api == amphi_app::packages::Api::Scorm2004 && p.structure.sequencing.is_some(),
        // Inside a script element: no `<` may close it.
        data => data.to_string().replace('<', "\\u003c"),
        asset_version => crate::assets::ASSET_VERSION.as_str(),
    };
    let csp = player_csp("'self'", &p.claims.o);
    page(
        state.templates.render_platform("package/player.html", ctx),
        &csp,
        "package player",
    )
}

/// The policy of a player page: its own scripts and styles, frames from `frame_src`, framed
/// only by the launching Amphi origin.
fn player_csp(frame_src: &str, ancestor: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         frame-src {frame_src}; connect-src 'self'; frame-ancestors {ancestor}; base-uri 'none'; \
         form-action 'none'"
    )
}

/// A page of the content origin under `csp`, never cached; a template that fails is logged
/// and answers 500.
fn page(rendered: Result<String, minijinja::Error>, csp: &str, what: &str) -> Response {
    match rendered {
        Ok(html) => {
            let mut resp = Html(html).into_response();
            if let Ok(v) = HeaderValue::from_str(csp) {
                resp.headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, v);
            }
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => {
            tracing::error!(error = %e, "{what} template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// GET /p/{token}/sco/{sco} — what the player starts another SCO with (JSON).
async fn sco(
    State(state): State<WebState>,
    Path((token, sco)): Path<(String, String)>,
) -> Response {
    match launch::player(&state.app, &token, Some(&sco)).await {
        Ok(p) => {
            let mut resp = Json(json!({ "start": p.start, "states": p.states })).into_response();
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => fail(&e, true),
    }
}

/// POST /p/{token}/commit — a commit of the run-time API (JSON `{sco, revision, data}`; the
/// body of a closing tab's beacon may come as text/plain).
async fn commit(State(state): State<WebState>, Path(token): Path<String>, body: Bytes) -> Response {
    match runtime::commit(&state.app, &token, &body).await {
        Ok(c) => {
            Json(json!({ "result": true, "errorCode": 0, "revision": c.revision })).into_response()
        }
        Err(e) => fail(&e, true),
    }
}

/// POST /p/{token}/sequencing — the player's sequencing state (JSON `{revision, state}`).
async fn save_sequencing(
    State(state): State<WebState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    match amphi_app::packages::sequencing::save(&state.app, &token, &body).await {
        Ok(revision) => Json(json!({ "result": true, "revision": revision })).into_response(),
        Err(e) => fail(&e, true),
    }
}

/// GET /p/{token}/f/{path} — a file of the package (ranges for media).
async fn file(
    State(state): State<WebState>,
    Path((token, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_range);
    match content::file(&state.app, &token, &path, range).await {
        Ok((claims, f)) => {
            let mut h = HeaderMap::new();
            set(&mut h, header::CONTENT_TYPE, &f.content_type);
            set(
                &mut h,
                header::CONTENT_SECURITY_POLICY,
                &package_csp(&claims.o),
            );
            set(&mut h, header::ACCEPT_RANGES, "bytes");
            set(&mut h, header::CACHE_CONTROL, "private, max-age=3600");
            send(h, f.size, f.body)
        }
        Err(e) => fail(&e, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_paths_leave_the_token_out() {
        assert_eq!(redact("/p/abc.def/f/index.html"), "/p/…/f/index.html");
        assert_eq!(redact("/p/abc.def/"), "/p/…/");
        assert_eq!(redact("/static/x.js"), "/static/x.js");
    }
}
