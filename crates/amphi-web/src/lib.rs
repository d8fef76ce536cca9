//! Amphi over HTTP: the HTML UI (minijinja + htmx) and the `/api/v1` JSON API, two routers
//! over the same use cases, plus operations endpoints and static files.

// Handlers return `Result<_, Response>` (an early answer), as axum does; boxing it buys nothing.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod assets;
pub mod content;
pub mod ctx;
pub mod error;
pub mod forms;
pub mod lti;
pub mod middleware;
pub mod ops;
pub mod pages;
pub mod path;
pub mod site;
pub mod templates;
pub mod theme;
pub mod xapi;

use amphi_app::App;
use axum::Router;
use std::sync::Arc;

/// Shared state of every handler.
#[derive(Clone)]
pub struct WebState {
    /// The use cases.
    pub app: App,
    /// Template environments.
    pub templates: Arc<templates::Templates>,
}

impl WebState {
    /// State over an app; templates load from the binary and the configured override folder.
    pub fn new(app: App) -> Self {
        let templates = Arc::new(templates::Templates::new(
            app.config.web.templates_dir.clone(),
        ));
        Self { app, templates }
    }
}

/// The whole HTTP surface with its middleware.
pub fn router(state: WebState) -> Router {
    let app_routes = Router::new()
        .merge(pages::routes())
        .merge(lti::routes())
        .merge(xapi::routes(state.clone()))
        .nest("/api/v1", api::routes())
        .merge(ops::routes())
        .merge(assets::routes())
        .fallback(pages::not_found)
        .with_state(state.clone());
    ops::metrics_handle();
    middleware::wrap(app_routes, state)
}
