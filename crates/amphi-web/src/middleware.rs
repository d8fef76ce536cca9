//! Tower layers around every route: request ids, tracing, timeout, body limit, compression,
//! security headers, per-route metrics, and the anonymous CSRF anchor cookie.

use crate::ctx::{AnonAnchor, ANON_COOKIE};
use crate::WebState;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::Response;
use axum::Router;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use std::time::{Duration, Instant};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The Content-Security-Policy: only our own scripts and styles, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; \
font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Wraps the routes with every layer.
pub fn wrap(router: Router, state: WebState) -> Router {
    let cfg = state.app.config.clone();
    let mut r = router
        .layer(from_fn_with_state(state.clone(), anon_anchor))
        .layer(from_fn(record_metrics))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ));
    if cfg.https() {
        r = r.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    r.layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(cfg.server.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(cfg.server.request_timeout_secs),
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // The query string may carry one-time tokens: log the path only.
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(CatchPanicLayer::new())
}

/// Gives every browser an anonymous CSRF anchor cookie on its first visit, so forms shown
/// before sign-in carry a token.
async fn anon_anchor(State(state): State<WebState>, mut req: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let needs = jar.get(ANON_COOKIE).is_none()
        && !req.uri().path().starts_with("/api/")
        && !req.uri().path().starts_with("/static/");
    let fresh = if needs {
        let v = amphi_auth::token::random_hex(24);
        req.extensions_mut().insert(AnonAnchor(v.clone()));
        Some(v)
    } else {
        None
    };
    let mut resp = next.run(req).await;
    if let Some(v) = fresh {
        let c = Cookie::build((ANON_COOKIE, v))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(state.app.config.https())
            .build();
        if let Ok(h) = HeaderValue::from_str(&c.to_string()) {
            resp.headers_mut().append(header::SET_COOKIE, h);
        }
    }
    resp
}

/// Counts requests and records latency by route template (never by raw path, which would
/// explode the number of series).
async fn record_metrics(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    metrics::counter!("amphi_http_requests_total", "route" => route.clone(), "method" => method.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("amphi_http_request_duration_seconds", "route" => route, "method" => method)
        .record(start.elapsed().as_secs_f64());
    resp
}
