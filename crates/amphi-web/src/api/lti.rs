//! `/api/v1/lti`: the tenant's LTI tools and signing keys (admin scope).

use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::lti::tools::{self, Tool, ToolForm};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/lti/tools", get(list_tools).post(create_tool))
        .route(
            "/lti/tools/{id}",
            get(get_tool).patch(patch_tool).delete(delete_tool),
        )
        .route("/lti/keys/rotate", post(rotate_key))
}

/// The OpenAPI part of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(list_tools, create_tool, get_tool, patch_tool, delete_tool, rotate_key),
    components(schemas(
        ToolList,
        Tool,
        ToolForm,
        amphi_app::lti::tools::PlatformDetails,
        RotatedKey
    ))
)]
pub struct LtiDoc;

/// The tenant's tools.
#[derive(Serialize, ToSchema)]
pub struct ToolList {
    items: Vec<Tool>,
}

/// The key that signs from now on.
#[derive(Serialize, ToSchema)]
pub struct RotatedKey {
    kid: String,
}

#[utoipa::path(get, path = "/api/v1/lti/tools", tag = "lti",
    responses((status = 200, body = ToolList), (status = 403, body = ErrorBody)))]
pub(super) async fn list_tools(
    State(s): State<WebState>,
    api: Api,
) -> Result<Json<ToolList>, ApiError> {
    api.need(Scope::Admin)?;
    let items = tools::list(&s.app, &api.caller)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(ToolList { items }))
}

#[utoipa::path(post, path = "/api/v1/lti/tools", tag = "lti", request_body = ToolForm,
    responses((status = 201, body = Tool), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_tool(
    State(s): State<WebState>,
    api: Api,
    ApiJson(body): ApiJson<ToolForm>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let t = tools::create(&s.app, &api.caller, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

#[utoipa::path(get, path = "/api/v1/lti/tools/{id}", tag = "lti",
    params(("id" = Uuid, Path, description = "Tool id")),
    responses((status = 200, body = Tool), (status = 404, body = ErrorBody)))]
pub(super) async fn get_tool(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<Uuid>,
) -> Result<Json<Tool>, ApiError> {
    api.need(Scope::Admin)?;
    tools::get(&s.app, &api.caller, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(patch, path = "/api/v1/lti/tools/{id}", tag = "lti", request_body = ToolForm,
    params(("id" = Uuid, Path, description = "Tool id")),
    responses((status = 200, body = Tool), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn patch_tool(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<Uuid>,
    ApiJson(body): ApiJson<ToolForm>,
) -> Result<Json<Tool>, ApiError> {
    api.need(Scope::Admin)?;
    tools::update(&s.app, &api.caller, id, body)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(delete, path = "/api/v1/lti/tools/{id}", tag = "lti",
    params(("id" = Uuid, Path, description = "Tool id")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn delete_tool(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<Uuid>,
) -> Result<StatusCode, ApiError> {
    api.need(Scope::Admin)?;
    tools::delete(&s.app, &api.caller, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/lti/keys/rotate", tag = "lti",
    responses((status = 200, body = RotatedKey), (status = 403, body = ErrorBody)))]
pub(super) async fn rotate_key(
    State(s): State<WebState>,
    api: Api,
) -> Result<Json<RotatedKey>, ApiError> {
    api.need(Scope::Admin)?;
    let kid = amphi_app::lti::keys::rotate(&s.app, &api.caller)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(RotatedKey { kid }))
}
