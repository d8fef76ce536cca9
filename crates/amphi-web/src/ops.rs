//! Operations: liveness, readiness and Prometheus metrics.

use crate::WebState;
use amphi_app::ops::{self as app_ops, Readiness};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

/// The operations routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_page))
}

/// Installs the Prometheus recorder once per process and returns its handle.
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ])
            .map(|b| b.build_recorder())
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        // Another recorder may already be installed (several apps in one test process).
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(s): State<WebState>) -> Response {
    match app_ops::readiness(&s.app).await {
        Readiness::Ready => "ready".into_response(),
        Readiness::NotReady(why) => (StatusCode::SERVICE_UNAVAILABLE, why).into_response(),
    }
}

async fn metrics_page(State(s): State<WebState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(expected) = &s.app.config.server.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let ok: bool = subtle::ConstantTimeEq::ct_eq(given.as_bytes(), expected.as_bytes()).into();
        if !ok {
            return (
                StatusCode::UNAUTHORIZED,
                "metrics need the configured bearer token",
            )
                .into_response();
        }
    }
    let handle = metrics_handle();
    let (size, idle) = app_ops::pool_stats(&s.app);
    metrics::gauge!("amphi_db_pool_connections").set(size as f64);
    metrics::gauge!("amphi_db_pool_idle_connections").set(idle as f64);
    if let Ok(depth) = app_ops::job_depth(&s.app).await {
        for status in amphi_app::ops::DEPTH_STATUSES {
            let n = depth
                .iter()
                .find(|(st, _)| *st == status)
                .map_or(0, |(_, n)| *n);
            metrics::gauge!("amphi_jobs_queue_depth", "status" => status.as_str()).set(n as f64);
        }
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}
