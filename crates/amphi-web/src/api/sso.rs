//! `/api/v1/identity-providers`: the tenant's identity providers (admin scope).

use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::sso::{self, Provider, ProviderForm};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/identity-providers",
            get(list_providers).post(create_provider),
        )
        .route(
            "/identity-providers/{id}",
            get(get_provider)
                .patch(patch_provider)
                .delete(delete_provider),
        )
}

/// The tenant's providers.
#[derive(Serialize, ToSchema)]
pub struct ProviderList {
    items: Vec<Provider>,
}

#[utoipa::path(get, path = "/api/v1/identity-providers", tag = "identity-providers",
    responses((status = 200, body = ProviderList), (status = 403, body = ErrorBody)))]
pub(super) async fn list_providers(
    State(s): State<WebState>,
    api: Api,
) -> Result<Json<ProviderList>, ApiError> {
    api.need(amphi_app::api_tokens::Scope::Admin)?;
    let items = sso::providers::list(&s.app, &api.caller)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(ProviderList { items }))
}

#[utoipa::path(post, path = "/api/v1/identity-providers", tag = "identity-providers", request_body = ProviderForm,
    responses((status = 201, body = Provider), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_provider(
    State(s): State<WebState>,
    api: Api,
    ApiJson(body): ApiJson<ProviderForm>,
) -> Result<Response, ApiError> {
    api.need(amphi_app::api_tokens::Scope::Admin)?;
    let p = sso::providers::create(&s.app, &api.caller, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

#[utoipa::path(get, path = "/api/v1/identity-providers/{id}", tag = "identity-providers",
    params(("id" = Uuid, Path, description = "Provider id")),
    responses((status = 200, body = Provider), (status = 404, body = ErrorBody)))]
pub(super) async fn get_provider(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<Uuid>,
) -> Result<Json<Provider>, ApiError> {
    api.need(amphi_app::api_tokens::Scope::Admin)?;
    sso::providers::get(&s.app, &api.caller, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(patch, path = "/api/v1/identity-providers/{id}", tag = "identity-providers", request_body = ProviderForm,
    params(("id" = Uuid, Path, description = "Provider id")),
    responses((status = 200, body = Provider), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn patch_provider(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<Uuid>,
    ApiJson(body): ApiJson<ProviderForm>,
) -> Result<Json<Provider>, ApiError> {
    api.need(amphi_app::api_tokens::Scope::Admin)?;
    sso::providers::update(&s.app, &api.caller, id, body)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(delete, path = "/api/v1/identity-providers/{id}", tag = "identity-providers",
    params(("id" = Uuid, Path, description = "Provider id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_provider(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<Uuid>,
) -> Result<StatusCode, ApiError> {
    api.need(amphi_app::api_tokens::Scope::Admin)?;
    sso::providers::delete(&s.app, &api.caller, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
}
