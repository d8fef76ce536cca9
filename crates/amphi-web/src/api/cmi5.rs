//! `/api/v1/runs/{id}/items/{item}/package/attempts/{attempt}/units`: the AUs of a learner's
//! cmi5 attempt and their state, and the course team's waiver of one.

use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::packages::cmi5::waive::{self, AuLine};
use amphi_core::{ItemId, RunId};
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/runs/{id}/items/{item}/package/attempts/{attempt}/units",
            get(units),
        )
        .route(
            "/runs/{id}/items/{item}/package/attempts/{attempt}/waive",
            post(waive_unit),
        )
}

/// The OpenAPI part of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(units, waive_unit),
    components(schemas(UnitList, AuLine, Waiver))
)]
pub struct Cmi5Doc;

/// The AUs of a cmi5 attempt.
#[derive(Serialize, ToSchema)]
pub struct UnitList {
    items: Vec<AuLine>,
}

/// A waiver: the AU and one of cmi5's reasons (`Tested Out`, `Equivalent AU`, `Equivalent
/// Outside Activity`, `Administrative`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The AU's id in the course structure.
    au: String,
    /// Why.
    reason: String,
}

async fn list(
    s: &WebState,
    api: &Api,
    ids: (RunId, ItemId, Uuid),
) -> Result<Json<UnitList>, ApiError> {
    let (run, item, attempt) = ids;
    let items = waive::units(&s.app, &api.caller, run, item, attempt)
        .await
        .map_err(|e| api.err(e))?
        .ok_or_else(|| api.err(amphi_core::Error::NotFound))?;
    Ok(Json(UnitList { items }))
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/package/attempts/{attempt}/units", tag = "outline",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Package item id"),
        ("attempt" = Uuid, Path, description = "Attempt (the cmi5 registration)")),
    responses((status = 200, body = UnitList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn units(
    State(s): State<WebState>,
    api: Api,
    Ids(ids): Ids<(RunId, ItemId, Uuid)>,
) -> Result<Json<UnitList>, ApiError> {
    api.need(Scope::Read)?;
    list(&s, &api, ids).await
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/package/attempts/{attempt}/waive", tag = "outline",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Package item id"),
        ("attempt" = Uuid, Path, description = "Attempt (the cmi5 registration)")),
    request_body = Waiver,
    responses((status = 200, body = UnitList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The AU already counts as done"), (status = 422, body = ErrorBody)))]
async fn waive_unit(
    State(s): State<WebState>,
    api: Api,
    Ids(ids): Ids<(RunId, ItemId, Uuid)>,
    ApiJson(body): ApiJson<Waiver>,
) -> Result<Json<UnitList>, ApiError> {
    api.need(Scope::Write)?;
    let (run, item, attempt) = ids;
    waive::waive(
        &s.app,
        &api.caller,
        run,
        item,
        attempt,
        &body.au,
        &body.reason,
    )
    .await
    .map_err(|e| api.err(e))?;
    list(&s, &api, ids).await
}
