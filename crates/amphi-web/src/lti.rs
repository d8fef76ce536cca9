//! LTI 1.3 on the wire: the platform's key set and OpenID configuration, the launch of an
//! external tool item (to the tool's login initiation URL), the authorization endpoint (its
//! answer a form the browser posts to the tool), the OAuth 2 token endpoint, and the
//! services tools call with a bearer token: line items, scores and results (AGS), memberships
//! (NRPS). Handlers parse, call one use case of `amphi_app::lti`, answer.

use crate::api::ApiVisitor;
use crate::ctx::{Authed, Ctx};
use crate::error::{ApiError, PageError, PageResult};
use crate::pages::PageResultExt;
use crate::path::Ids;
use crate::WebState;
use amphi_app::lti::ags::{self, ServiceError};
use amphi_app::lti::services::{self, ServiceCaller};
use amphi_app::lti::{deep_link, keys, launch, nrps};
use amphi_core::lti::{media, scope};
use amphi_core::{Error, ItemId, ModuleId, RunId};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use minijinja::context;
use serde_json::json;
use uuid::Uuid;

/// The routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/lti/jwks", get(jwks))
        .route("/lti/openid-configuration", get(openid_configuration))
        .route("/lti/authorize", get(authorize_get).post(authorize_post))
        .route("/lti/token", post(token))
        .route(
            "/lti/runs/{run}/lineitems",
            get(line_items).post(create_line_item),
        )
        .route(
            "/lti/runs/{run}/lineitems/{id}",
            get(line_item)
                .put(update_line_item)
                .delete(delete_line_item),
        )
        .route("/lti/runs/{run}/lineitems/{id}/scores", post(post_score))
        .route("/lti/runs/{run}/lineitems/{id}/results", get(results))
        .route("/lti/runs/{run}/memberships", get(memberships))
        .route("/learn/{run}/items/{item}/launch", get(launch_item))
        .route(
            "/teach/runs/{run}/modules/{module}/tools/{tool}/pick",
            get(pick_content),
        )
        .route("/lti/deep-link/return", post(deep_link_return))
        .route("/lti/register", post(register_tool))
}

fn json_as(media_type: &'static str, body: serde_json::Value) -> Response {
    let mut r = Json(body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    r
}

/// GET /lti/jwks — the tenant's public keys.
async fn jwks(State(s): State<WebState>, v: ApiVisitor) -> Result<Response, ApiError> {
    let set = keys::jwks(&s.app, v.tenant.id)
        .await
        .map_err(|e| v.err(e))?;
    let mut r = Json(set).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(r)
}

/// GET /lti/openid-configuration — the platform's OpenID configuration.
async fn openid_configuration(v: ApiVisitor) -> Response {
    Json(keys::openid_configuration(&v.meta.base_url, &v.tenant.name)).into_response()
}

/// GET /learn/{run}/items/{item}/launch — to the tool's login initiation URL.
async fn launch_item(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> PageResult {
    let start = launch::start(&ctx.state.app, &su, run, item)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to(&start.login_url).into_response())
}

/// GET /teach/runs/{run}/modules/{module}/tools/{tool}/pick — to the tool's content picker.
async fn pick_content(
    Authed(ctx, su): Authed,
    Ids((run, module, tool)): Ids<(RunId, ModuleId, Uuid)>,
) -> PageResult {
    let url = deep_link::start(&ctx.state.app, &su, run, module, tool)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to(&url).into_response())
}

/// The tool's deep linking answer, as the browser posts it.
#[derive(serde::Deserialize)]
struct DeepLinkAnswer {
    #[serde(rename = "JWT")]
    jwt: String,
}

/// POST /lti/deep-link/return — creates the items the tool picked, then back to the outline.
/// The signed answer (its `data` bound to the person and module) is the proof: it comes from
/// the tool's site, so no session cookie or CSRF token is expected.
async fn deep_link_return(ctx: Ctx, Form(f): Form<DeepLinkAnswer>) -> PageResult {
    let picked = deep_link::finish(
        &ctx.state.app,
        ctx.tenant.id,
        &ctx.meta.base_url,
        ctx.meta.ip.clone(),
        &f.jwt,
    )
    .await
    .or_page(&ctx)?;
    Ok(ctx.redirect_with(
        &format!(
            "/teach/runs/{}/outline#module-{}",
            picked.run, picked.module
        ),
        "flash-lti-added",
    ))
}

async fn authorize(ctx: Ctx, req: launch::AuthRequest) -> PageResult {
    let session = ctx.user.as_ref().map(|s| &s.user);
    let answer = launch::authorize(
        &ctx.state.app,
        ctx.tenant.id,
        &ctx.meta.base_url,
        ctx.meta.ip.clone(),
        session,
        req,
    )
    .await
    .or_page(&ctx)?;
    let origin = url::Url::parse(&answer.redirect_uri)
        .map(|u| u.origin().ascii_serialization())
        .map_err(|_| {
            PageError::from(
                ctx.error_page(&Error::BadRequest(amphi_core::codes::LTI_LAUNCH_INVALID)),
            )
        })?;
    let mut resp = ctx.page("lti/post.html", context! { answer => answer });
    // The form goes to the tool; this page shows inside the item page's frame.
    let csp = crate::middleware::CSP
        .replace("form-action 'self'", &format!("form-action {origin}"))
        .replace("frame-ancestors 'none'", "frame-ancestors 'self'");
    if let Ok(v) = HeaderValue::from_str(&csp) {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp.headers_mut().insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// GET /lti/authorize — the tool's authentication request (query string).
async fn authorize_get(ctx: Ctx, Query(req): Query<launch::AuthRequest>) -> PageResult {
    authorize(ctx, req).await
}

/// POST /lti/authorize — the same, as a form.
async fn authorize_post(ctx: Ctx, Form(req): Form<launch::AuthRequest>) -> PageResult {
    authorize(ctx, req).await
}

/// POST /lti/register — a tool's client registration (LTI Dynamic Registration).
async fn register_tool(
    State(s): State<WebState>,
    v: ApiVisitor,
    h: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let r = amphi_app::lti::registration::register(
        &s.app,
        v.tenant.id,
        &v.meta.base_url,
        v.meta.ip.clone(),
        bearer(&h),
        &body,
    )
    .await
    .map_err(|e| v.err(e))?;
    Ok(match r {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => (
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
            Json(json!({"error": e.error, "error_description": e.description})),
        )
            .into_response(),
    })
}

/// POST /lti/token — client credentials with a JWT client assertion.
async fn token(
    State(s): State<WebState>,
    v: ApiVisitor,
    Form(req): Form<services::TokenRequest>,
) -> Result<Response, ApiError> {
    let r = services::token(
        &s.app,
        v.tenant.id,
        &v.meta.base_url,
        v.meta.ip.clone(),
        req,
    )
    .await
    .map_err(|e| v.err(e))?;
    let mut resp = match r {
        Ok(grant) => Json(grant).into_response(),
        Err(e) => {
            let status = if e.error == "invalid_client" {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            };
            (
                status,
                Json(json!({"error": e.error, "error_description": e.description})),
            )
                .into_response()
        }
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

fn bearer(h: &HeaderMap) -> Option<&str> {
    h.get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The calling tool, its token checked for one of the scopes.
async fn caller(
    s: &WebState,
    v: &ApiVisitor,
    h: &HeaderMap,
    run: Uuid,
    any_of: &[&str],
) -> Result<ServiceCaller, Response> {
    services::service_caller(
        &s.app,
        v.tenant.id,
        &v.meta.base_url,
        bearer(h),
        run,
        any_of,
    )
    .await
    .map_err(|e| service_error(v, ServiceError::Other(e)))
}

/// What a service handler answers: the service's answer, or its refusal.
type Served = Result<Response, Response>;

fn service_error(v: &ApiVisitor, e: ServiceError) -> Response {
    match e {
        ServiceError::Invalid(m) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"code": "bad_request", "message": m}})),
        )
            .into_response(),
        ServiceError::Stale => (
            StatusCode::CONFLICT,
            Json(json!({"error": {"code": "conflict",
                "message": "a score with a later timestamp is already recorded"}})),
        )
            .into_response(),
        ServiceError::Other(Error::Unauthenticated) => {
            let mut r = v.err(Error::Unauthenticated).into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            r
        }
        ServiceError::Other(e) => v.err(e).into_response(),
    }
}

fn with_next(mut r: Response, next: Option<String>) -> Response {
    if let Some(n) = next {
        if let Ok(v) = HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")) {
            r.headers_mut().insert(header::LINK, v);
        }
    }
    r
}

const LINEITEM_READ: &[&str] = &[scope::LINEITEM, scope::LINEITEM_READONLY];
const LINEITEM_WRITE: &[&str] = &[scope::LINEITEM];

/// GET /lti/runs/{run}/lineitems
async fn line_items(
    State(s): State<WebState>,
    v: ApiVisitor,
    h: HeaderMap,
    Ids(run): Ids<Uuid>,
    Query(q): Query<ags::ListQuery>,
) -> Served {
    let sc = caller(&s, &v, &h, run, LINEITEM_READ).await?;
    let p = ags::list(&s.app, &sc, q)
        .await
        .map_err(|e| service_error(&v, e))?;
    Ok(with_next(
        json_as(media::LINEITEM_CONTAINER, json!(p.items)),
        p.next,
    ))
}

/// POST /lti/runs/{run}/lineitems
async fn create_line_item(
    State(s): State<WebState>,
    v: ApiVisitor,
    h: HeaderMap,
    Ids(run): Ids<Uuid>,
    body: Bytes,
) -> Served {
    let sc = caller(&s, &v, &h, run, LINEITEM_WRITE).await?;
    let l = ags::create(&s.app, &sc, &body)
        .await
        .map_err(|e| service_error(&v, e))?;
    let mut r = json_as(media::LINEITEM, json!(l));
    *r.status_mut() = StatusCode::CREATED;
    Ok(r)
}

/// GET /lti/runs/{run}/lineitems/{id}
async fn line_item(
    State(s): State<WebState>,
    v: ApiVisitor,
    h: HeaderMap,
    Ids((run, id)): Ids<(Uuid, Uuid)>,
) -> Served {
    let sc = caller(&s, &v, &h, run, LINEITEM_READ).await?;
    let l = ags::get(&s.app, &sc, id)
        .await
        .map_err(|e| service_error(&v, e))?;
    Ok(json_as(media::LINEITEM, json!(l)))
}

/// PUT /lti/runs/{run}/lineitems/{id}
async fn update_line_item(
    State(s): State<WebState>,
    v: ApiVisitor,
    h: HeaderMap,
    Ids((run, id)): Ids<(Uuid, Uuid)>,
    body: Bytes,
) -> Served {
    let sc = caller(&s, &v, &h, run, LINEITEM_WRITE).await?;
    let l = ags::update(&s.app, &sc, id, &body)
        .await
        .map_err(|e| service_error(&v, e))?;
    Ok(json_as(media::LINEITEM, json!(l)))
}

/// DELETE /lti/runs/{run}/lineitems/{id}
async fn delete_line_item(
    State(s): State<WebState>,
    v: ApiVisitor,
    h: HeaderMap,
    Ids((run, id)): Ids<(Uuid, Uuid)>,
) -> Served {
    let sc = caller(&s, &v, &h, run, LINEITEM_WRITE).await?;
    ags::delete(&s.app, &sc, id)
        .await
        .map_err(|e| service_error(&v, e))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// POST /lti/runs/{run}/lineitems/{id}/scores
async fn post_score(
    State(s): State<WebState>,
    v: ApiVisitor,
    h: HeaderMap,
    Ids((run, id)): Ids<(Uuid, Uuid)>,
    body: Bytes,
) -> Served {
    let sc = caller(&s, &v, &h, run, &[scope::SCORE]).await?;
    ags::score(&s.app, &sc, id, &body)
        .await
        .map_err(|e| service_error(&v, e))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// GET /lti/runs/{run}/lineitems/{id}/results
async fn results(
    State(s): State<WebState>,
    v: ApiVisitor,
    h: HeaderMap,
    Ids((run, id)): Ids<(Uuid, Uuid)>,
    Query(q): Query<ags::ResultQuery>,
) -> Served {
    let sc = caller(&s, &v, &h, run, &[scope::RESULT_READONLY]).await?;
    let p = ags::results(&s.app, &sc, id, q)
        .await
        .map_err(|e| service_error(&v, e))?;
    Ok(with_next(
        json_as(media::RESULT_CONTAINER, json!(p.items)),
        p.next,
    ))
}

/// GET /lti/runs/{run}/memberships
async fn memberships(
    State(s): State<WebState>,
    v: ApiVisitor,
    h: HeaderMap,
    Ids(run): Ids<Uuid>,
    Query(q): Query<nrps::MembersQuery>,
) -> Served {
    let sc = caller(&s, &v, &h, run, &[scope::NRPS]).await?;
    let p = nrps::members(&s.app, &sc, q)
        .await
        .map_err(|e| service_error(&v, ServiceError::Other(e)))?;
    let mut links = vec![format!("<{}>; rel=\"differences\"", p.differences)];
    if let Some(n) = p.next {
        links.insert(0, format!("<{n}>; rel=\"next\""));
    }
    let mut r = json_as(media::MEMBERSHIP_CONTAINER, p.body);
    if let Ok(v) = HeaderValue::from_str(&links.join(", ")) {
        r.headers_mut().insert(header::LINK, v);
    }
    Ok(r)
}
