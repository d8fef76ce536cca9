//! Static files embedded in the binary (our stylesheet and the pinned htmx), and each tenant's
//! theme stylesheet with its brand colours (derived in `theme`).

use crate::site::tenant_of;
use crate::theme::Palette;
use crate::WebState;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../static");

/// A short hash of every static file: templates add it to asset URLs, so a new build busts
/// browser caches while unchanged builds keep them for a year.
pub static ASSET_VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut h = Sha256::new();
    let mut files: Vec<_> = STATIC.files().collect();
    files.sort_by_key(|f| f.path());
    for f in files {
        h.update(f.path().to_string_lossy().as_bytes());
        h.update(f.contents());
    }
    hex::encode(h.finalize())[..12].to_owned()
});

/// The static routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/static/{*path}", get(static_file))
        .route("/theme.css", get(theme))
        .route("/site/logo/{name}", get(logo))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

pub(crate) async fn static_file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(f) = STATIC.get_file(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(f.contents()))[..16]);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&path)),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
            (
                header::ETAG,
                HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"x\"")),
            ),
        ],
        f.contents(),
    )
        .into_response()
}

async fn theme(State(state): State<WebState>, req: Request) -> Result<Response, Response> {
    let (parts, _) = req.into_parts();
    let (tenant, _) = tenant_of(&state, &parts).await?;
    // The colour is validated as #rrggbb when saved, so it is safe inside CSS.
    let css = Palette::of(&tenant.primary_colour).css();
    Ok((
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        css,
    )
        .into_response())
}

/// An uploaded logo of the site of the Host header. Its name is new at each upload, so it is
/// cached for a year; an SVG runs nothing (a sandboxing policy of its own).
async fn logo(
    State(state): State<WebState>,
    Path(name): Path<String>,
    req: Request,
) -> Result<Response, Response> {
    let (parts, _) = req.into_parts();
    let (tenant, _) = tenant_of(&state, &parts).await?;
    match amphi_app::branding::logo(&state.app, tenant.id, &name).await {
        Ok((bytes, ct)) => Ok((
            [
                (header::CONTENT_TYPE, ct),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                ),
            ],
            bytes,
        )
            .into_response()),
        Err(amphi_core::Error::NotFound) => Err(StatusCode::NOT_FOUND.into_response()),
        Err(e) => {
            crate::error::log_if_internal(&e);
            Err(StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
    }
}
