//! `/api/v1/xapi/clients`: the tenant's LRS clients (admin scope). The secret is in the
//! answer of the creation only.

use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::xapi::clients::{self, ClientForm, LrsClient};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/xapi/clients", get(list_clients).post(create_client))
        .route(
            "/xapi/clients/{id}",
            axum::routing::patch(patch_client).delete(delete_client),
        )
}

/// The OpenAPI part of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(list_clients, create_client, patch_client, delete_client),
    components(schemas(ClientList, LrsClient, ClientForm, CreatedClient, ClientPatch))
)]
pub struct XapiDoc;

/// The tenant's LRS clients.
#[derive(Serialize, ToSchema)]
pub struct ClientList {
    items: Vec<LrsClient>,
}

/// A new client and its secret (shown this once).
#[derive(Serialize, ToSchema)]
pub struct CreatedClient {
    client: LrsClient,
    /// The secret (Basic auth password); not shown again.
    secret: String,
}

/// A change of a client.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientPatch {
    /// Whether its requests are accepted.
    enabled: bool,
}

#[utoipa::path(get, path = "/api/v1/xapi/clients", tag = "xapi",
    responses((status = 200, body = ClientList), (status = 403, body = ErrorBody)))]
pub(super) async fn list_clients(
    State(s): State<WebState>,
    api: Api,
) -> Result<Json<ClientList>, ApiError> {
    api.need(Scope::Admin)?;
    let items = clients::list(&s.app, &api.caller)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(ClientList { items }))
}

#[utoipa::path(post, path = "/api/v1/xapi/clients", tag = "xapi", request_body = ClientForm,
    responses((status = 201, body = CreatedClient), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_client(
    State(s): State<WebState>,
    api: Api,
    ApiJson(body): ApiJson<ClientForm>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let (client, secret) = clients::create(&s.app, &api.caller, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(CreatedClient { client, secret })).into_response())
}

#[utoipa::path(patch, path = "/api/v1/xapi/clients/{id}", tag = "xapi", request_body = ClientPatch,
    params(("id" = Uuid, Path, description = "Client id")),
    responses((status = 200, body = LrsClient), (status = 404, body = ErrorBody)))]
pub(super) async fn patch_client(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<Uuid>,
    ApiJson(body): ApiJson<ClientPatch>,
) -> Result<Json<LrsClient>, ApiError> {
    api.need(Scope::Admin)?;
    clients::set_enabled(&s.app, &api.caller, id, body.enabled)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(delete, path = "/api/v1/xapi/clients/{id}", tag = "xapi",
    params(("id" = Uuid, Path, description = "Client id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_client(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<Uuid>,
) -> Result<StatusCode, ApiError> {
    api.need(Scope::Admin)?;
    clients::delete(&s.app, &api.caller, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
}
