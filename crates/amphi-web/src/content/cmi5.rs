//! cmi5 on the content origin: the player (a table of contents of blocks and AUs, the AU in a
//! frame or a window of its own), the launch of an AU, the one-time fetch URL of its LRS
//! token (readable from any origin: remote AUs call it), the state the player refreshes, and
//! the `returnURL` an AU goes to when it terminates.

use super::{fail, page, player_csp};
use crate::WebState;
use amphi_app::packages::cmi5::launch::{self, Cmi5Player};
use amphi_core::validate::Locale;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minijinja::{context, Value};
use serde::Deserialize;
use serde_json::json;

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The cmi5 player page of a launch token.
pub(super) fn player(state: &WebState, token: &str, p: Cmi5Player) -> Response {
    let locale = Locale::from_tag(&p.claims.l).unwrap_or(Locale::En);
    let t = |k: &str| amphi_app::i18n::t(locale, k);
    let mut labels = json!({
        "opening": t("cmi5-opening"),
        "opened-window": t("cmi5-opened-window"),
        "returned": t("cmi5-returned"),
        "satisfied": t("cmi5-course-satisfied"),
        "failed": t("cmi5-launch-failed"),
    });
    for s in [
        "not_started",
        "started",
        "completed",
        "passed",
        "failed",
        "waived",
    ] {
        labels[format!("status-{s}")] = json!(t(&format!("cmi5-status-{s}")));
    }
    let data = json!({
        "launch": format!("/p/{token}/cmi5/launch"),
        "state": format!("/p/{token}/cmi5/state"),
        "next": if p.satisfied { None } else { p.next.clone() },
        "entries": p.entries,
        "labels": labels,
    });
    let ctx = context! {
        locale => locale.tag(),
        title => p.title,
        entries => Value::from_serialize(&p.entries),
        satisfied => p.satisfied,
        browse => p.mode != amphi_app::packages::cmi5::Mode::Normal,
        data => data.to_string().replace('<', "\\u003c"),
        asset_version => crate::assets::ASSET_VERSION.as_str(),
    };
    // Remote AUs are framed from wherever they live.
    page(
        state.templates.render_platform("package/cmi5.html", ctx),
        &player_csp("*", &p.claims.o),
        "cmi5 player",
    )
}

/// What the player asks to launch.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LaunchForm {
    au: String,
}

/// POST /p/{token}/cmi5/launch — opens a session of an AU; its launch URL (JSON).
pub(super) async fn launch(
    State(state): State<WebState>,
    Path(token): Path<String>,
    Json(f): Json<LaunchForm>,
) -> Response {
    match launch::launch(&state.app, &token, &f.au).await {
        Ok(l) => no_store(Json(l).into_response()),
        Err(e) => fail(&e, true),
    }
}

/// GET /p/{token}/cmi5/state — the table of contents as it stands (JSON).
pub(super) async fn status(State(state): State<WebState>, Path(token): Path<String>) -> Response {
    match launch::player(&state.app, &token).await {
        Ok(Some(p)) => no_store(
            Json(json!({"entries": p.entries, "satisfied": p.satisfied, "next": p.next}))
                .into_response(),
        ),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => fail(&e, true),
    }
}

/// POST /p/{token}/cmi5/fetch/{session} — the session's LRS token, once; always 200 with
/// JSON (cmi5 8.2), readable by any origin (the AU may live elsewhere; no cookie is involved).
pub(super) async fn fetch(
    State(state): State<WebState>,
    Path((token, session)): Path<(String, String)>,
) -> Response {
    let mut r = match launch::fetch(&state.app, &token, &session).await {
        Ok(f) => Json(f).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cmi5 fetch");
            Json(json!({"error-code": "3", "error-text": "the LMS could not answer"}))
                .into_response()
        }
    };
    cors(&mut r);
    no_store(r)
}

/// OPTIONS /p/{token}/cmi5/fetch/{session} — the preflight of a remote AU.
pub(super) async fn fetch_preflight() -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    cors(&mut r);
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type"),
    );
    r
}

fn cors(r: &mut Response) {
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
}

/// GET /p/{token}/cmi5/returned — where an AU goes when it terminates: tells the player (or
/// the window that opened it) and closes a window of its own.
pub(super) async fn returned(State(state): State<WebState>, Path(token): Path<String>) -> Response {
    let claims = match amphi_app::packages::launch::open_token(&state.app, &token) {
        Ok(c) => c,
        Err(e) => return fail(&e, false),
    };
    let locale = Locale::from_tag(&claims.l).unwrap_or(Locale::En);
    let ctx = context! {
        locale => locale.tag(),
        asset_version => crate::assets::ASSET_VERSION.as_str(),
    };
    // Shown in the player's frame, inside the Amphi page that launched it.
    let csp = format!(
        "default-src 'self'; frame-ancestors 'self' {}; base-uri 'none'; form-action 'none'",
        claims.o
    );
    page(
        state
            .templates
            .render_platform("package/cmi5-returned.html", ctx),
        &csp,
        "cmi5 returned",
    )
}
