//! The site a request is for: the tenant of its Host header. Pages, the API and the theme
//! stylesheet all start here.

use crate::error;
use crate::WebState;
use amphi_app::tenants::{self, Tenant};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// The host the client asked for.
pub fn host_of(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
}

/// Resolves the tenant or answers a plain 404 page (there is no branding to show yet).
pub async fn tenant_of(state: &WebState, parts: &Parts) -> Result<(Tenant, String), Response> {
    let Some(host) = host_of(parts) else {
        return Err(unknown_site());
    };
    match tenants::resolve_host(&state.app, &host).await {
        Ok(Some(t)) => Ok((t, host)),
        Ok(None) => Err(unknown_site()),
        Err(e) => {
            error::log_if_internal(&e);
            Err((StatusCode::SERVICE_UNAVAILABLE, "Service unavailable").into_response())
        }
    }
}

fn unknown_site() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Unknown site</title><main><h1>Unknown site</h1><p>No site is configured for this address. / Aucun site n'est configuré à cette adresse.</p></main></html>"),
    )
        .into_response()
}
