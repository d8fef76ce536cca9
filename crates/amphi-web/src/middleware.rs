//! Tower layers around every route: request ids, tracing, timeout, body limit, compression,
//! security headers, per-route metrics, and the anonymous CSRF anchor cookie.

use crate::ctx::{AnonAnchor, ANON_COOKIE};
use crate::WebState;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, Extensions, HeaderMap, HeaderName, HeaderValue, StatusCode, Version};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use std::time::{Duration, Instant};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
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
        // The LTI launch answer sets SAMEORIGIN: it shows in the item page's frame.
        .layer(SetResponseHeaderLayer::if_not_present(
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
    // Files answer byte ranges; compressing them would drop Content-Length and the ranges.
    let compress =
        DefaultPredicate::new().and(|_: StatusCode, _: Version, h: &HeaderMap, _: &Extensions| {
            !h.contains_key(header::ACCEPT_RANGES)
        });
    r.layer(CompressionLayer::new().compress_when(compress))
        .layer(DefaultBodyLimit::max(cfg.server.body_limit_bytes))
        .layer(from_fn_with_state(state.clone(), time_limit))
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
        && !req.uri().path().starts_with("/xapi/")
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

/// Cuts off a request that takes longer than `server.request_timeout_secs` with 408; uploads
/// (files, CSV imports) get `server.upload_timeout_secs` instead, as a large file on a slow
/// line takes minutes.
async fn time_limit(State(state): State<WebState>, req: Request, next: Next) -> Response {
    let p = req.uri().path();
    let upload = req.method() == axum::http::Method::POST
        && (p.ends_with("/upload") || p.ends_with("/imports"));
    let secs = if upload {
        state.app.config.server.upload_timeout_secs
    } else {
        state.app.config.server.request_timeout_secs
    };
    match tokio::time::timeout(Duration::from_secs(secs), next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "Request timeout").into_response(),
    }
}
