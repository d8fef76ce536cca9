//! The xAPI 1.0.3 LRS on the wire, at `/xapi/` of each tenant's site: the version header
//! (required on requests but About, sent on every answer), CORS for content served from
//! another origin, the alternate request syntax (a POST with `method=` and a form carrying
//! headers and content, rewritten here into the request it stands for), credentials
//! (`Lrs`), and errors as JSON. Handlers (`statements`, `documents`) parse, call one use
//! case of `amphi_app::xapi`, answer.

mod documents;
mod statements;

use crate::api::ApiVisitor;
use crate::WebState;
use amphi_app::xapi::auth::{authenticate, Authority};
use amphi_app::xapi::{resources, LrsError};
use amphi_core::TenantId;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// The version this LRS answers with.
const VERSION: &str = "1.0.3";

const VERSION_HEADER: HeaderName = HeaderName::from_static("x-experience-api-version");

/// The routes, under `/xapi`, behind their own layers (version header, CORS, alternate
/// syntax). The layers wrap the routes as one service, so they run before routing: the
/// alternate syntax changes the method a route is chosen by.
pub fn routes(state: WebState) -> Router<WebState> {
    let inner = Router::new()
        .route(
            "/statements",
            get(statements::get)
                .put(statements::put)
                .post(statements::post)
                .layer(axum::middleware::map_response_with_state(
                    state.clone(),
                    statements::consistent_on_every_answer,
                )),
        )
        .route(
            "/activities/state",
            get(documents::get_state)
                .put(documents::put_state)
                .post(documents::post_state)
                .delete(documents::delete_state),
        )
        .route(
            "/activities/profile",
            get(documents::get_activity_profile)
                .put(documents::put_activity_profile)
                .post(documents::post_activity_profile)
                .delete(documents::delete_activity_profile),
        )
        .route(
            "/agents/profile",
            get(documents::get_agent_profile)
                .put(documents::put_agent_profile)
                .post(documents::post_agent_profile)
                .delete(documents::delete_agent_profile),
        )
        .route("/activities", get(activities))
        .route("/agents", get(agents))
        .route("/about", get(about))
        .fallback(|| async { error(LrsError::NotFound) })
        .with_state(state);
    let service = tower::ServiceBuilder::new()
        .layer(from_fn(cors_and_version))
        .layer(from_fn(alternate_syntax))
        .service(inner);
    Router::new().nest_service("/xapi", service)
}

/// An LRS error as its status and a JSON body.
pub(crate) fn error(e: LrsError) -> Response {
    let status = match &e {
        LrsError::Bad(_) => StatusCode::BAD_REQUEST,
        LrsError::Unauthorized => StatusCode::UNAUTHORIZED,
        LrsError::Forbidden(_) => StatusCode::FORBIDDEN,
        LrsError::NotFound => StatusCode::NOT_FOUND,
        LrsError::Conflict(_) => StatusCode::CONFLICT,
        LrsError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
        LrsError::Internal(m) => {
            tracing::error!(error = %m, "xAPI request failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let mut r = (
        status,
        Json(json!({"error": true, "code": status.as_u16(), "message": e.message()})),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"xAPI\""),
        );
    }
    r
}

/// The caller of an LRS resource: the tenant of the Host header, the authority of the
/// credentials, the client's languages, the site's origin.
pub(crate) struct Lrs {
    tenant: TenantId,
    auth: Authority,
    accepted: Vec<String>,
    origin: String,
}

impl FromRequestParts<WebState> for Lrs {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let v = ApiVisitor::from_request_parts(parts, state).await?;
        match parts.headers.get(VERSION_HEADER).map(|h| h.to_str()) {
            Some(Ok(s)) if amphi_xapi::validate::is_version(s.trim()) => {}
            Some(_) => {
                return Err(error(LrsError::Bad(
                    "X-Experience-API-Version must be 1.0.x".into(),
                )))
            }
            None => {
                return Err(error(LrsError::Bad(
                    "the X-Experience-API-Version header is required".into(),
                )))
            }
        }
        let auth = authenticate(
            &state.app,
            v.tenant.id,
            &v.meta.base_url,
            parts
                .headers
                .get(header::AUTHORIZATION)
                .and_then(|h| h.to_str().ok()),
        )
        .await
        .map_err(error)?;
        let accepted = amphi_xapi::lang::accepted(
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|h| h.to_str().ok()),
        );
        Ok(Lrs {
            tenant: v.tenant.id,
            auth,
            accepted,
            origin: v.meta.base_url,
        })
    }
}

/// The query string as name, value pairs.
pub(crate) fn pairs(query: Option<&str>) -> Result<Vec<(String, String)>, LrsError> {
    serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|_| LrsError::Bad("the query string does not read".into()))
}

/// Sends the version on every answer, answers CORS preflights, and lets other origins read.
async fn cors_and_version(req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut r = if req.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(req).await
    };
    let h = r.headers_mut();
    h.insert(VERSION_HEADER, HeaderValue::from_static(VERSION));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        origin.unwrap_or(HeaderValue::from_static("*")),
    );
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, HEAD, PUT, POST, DELETE, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(
            "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, Accept-Language",
        ),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(
            "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through",
        ),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    r
}

/// The alternate request syntax (Communication 1.3): `POST …?method=PUT` with a form body
/// whose fields are the headers (Authorization, X-Experience-API-Version, Content-Type,
/// Content-Length, If-Match, If-None-Match), `content` and the resource's parameters. The
/// request is rewritten into the one it stands for; any other query parameter is refused.
async fn alternate_syntax(req: Request, next: Next) -> Response {
    let Some(query) = req.uri().query() else {
        return next.run(req).await;
    };
    if req.method() != Method::POST || !query.contains("method=") {
        return next.run(req).await;
    }
    let q: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let method = match q.as_slice() {
        [(k, m)] if k == "method" => match m.to_ascii_uppercase().as_str() {
            "GET" => Method::GET,
            "PUT" => Method::PUT,
            "POST" => Method::POST,
            "DELETE" => Method::DELETE,
            "HEAD" => Method::HEAD,
            _ => {
                return error(LrsError::Bad(
                    "method must be GET, PUT, POST or DELETE".into(),
                ))
            }
        },
        _ => {
            return error(LrsError::Bad(
                "with method=, every other parameter goes in the form body".into(),
            ))
        }
    };
    let (parts, body) = req.into_parts();
    let form_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return error(LrsError::Bad(
            "the alternate request syntax needs an application/x-www-form-urlencoded body".into(),
        ));
    }
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return error(LrsError::Bad("the body does not read".into()));
    };
    let form: Vec<(String, String)> = match serde_urlencoded::from_bytes(&bytes) {
        Ok(f) => f,
        Err(_) => return error(LrsError::Bad("the form body does not read".into())),
    };
    match rewrite(parts, method, form) {
        Ok(req) => next.run(req).await,
        Err(r) => r,
    }
}

fn rewrite(
    mut parts: Parts,
    method: Method,
    form: Vec<(String, String)>,
) -> Result<Request, Response> {
    const HEADERS: [&str; 6] = [
        "authorization",
        "x-experience-api-version",
        "content-type",
        "content-length",
        "if-match",
        "if-none-match",
    ];
    let mut headers = HeaderMap::new();
    for (k, v) in parts.headers.iter() {
        if !HEADERS.contains(&k.as_str()) {
            headers.insert(k.clone(), v.clone());
        }
    }
    let mut content = String::new();
    let mut params = Vec::new();
    for (k, v) in form {
        let lower = k.to_ascii_lowercase();
        if lower == "content" {
            content = v;
        } else if HEADERS.contains(&lower.as_str()) {
            if lower == "content-length" {
                continue;
            }
            let (Ok(name), Ok(value)) = (
                HeaderName::try_from(lower.as_str()),
                HeaderValue::from_str(&v),
            ) else {
                return Err(error(LrsError::Bad(format!(
                    "the header {k} does not read"
                ))));
            };
            headers.insert(name, value);
        } else {
            params.push((k, v));
        }
    }
    if !content.is_empty() && !headers.contains_key(header::CONTENT_TYPE) {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(content.len()));
    let query = serde_urlencoded::to_string(&params).unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let uri = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    parts.uri = uri
        .parse()
        .map_err(|_| error(LrsError::Bad("the parameters do not read".into())))?;
    parts.method = method;
    parts.headers = headers;
    Ok(Request::from_parts(parts, Body::from(Bytes::from(content))))
}

/// GET /xapi/activities — an activity's full definition.
async fn activities(
    axum::extract::State(s): axum::extract::State<WebState>,
    lrs: Lrs,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Response {
    let r = match pairs(q.as_deref()) {
        Ok(p) => resources::activity(&s.app, lrs.tenant, &lrs.auth, &p).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => error(e),
    }
}

/// GET /xapi/agents — the Person object of an agent.
async fn agents(
    axum::extract::State(s): axum::extract::State<WebState>,
    lrs: Lrs,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Response {
    let r = match pairs(q.as_deref()) {
        Ok(p) => resources::person(&s.app, lrs.tenant, &lrs.auth, &p).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => error(e),
    }
}

/// GET /xapi/about — the versions spoken (open to anyone, without the version header).
async fn about() -> Response {
    Json(resources::about()).into_response()
}
