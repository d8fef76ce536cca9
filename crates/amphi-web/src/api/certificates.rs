//! `/api/v1` for certificates: a run's certificates and settings (course team), revoke and
//! re-issue, the caller's own certificates, and the public verification endpoint (no token).
//!
//! Token scopes: `read` for GET, `admin` for course-team changes. Verification needs none and
//! is rate-limited per address on failed lookups.

use super::{Api, ApiVisitor, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::certificates::{self as certs, Certificate, RunSettings, Verification};
use amphi_core::Error;
use amphi_core::RunId;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

/// The certificate routes (nested under `/api/v1`).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/runs/{id}/certificates", get(list_for_run))
        .route(
            "/runs/{id}/certificate-settings",
            get(get_settings).put(put_settings),
        )
        .route("/certificates/{id}/revoke", post(revoke))
        .route("/certificates/{id}/reissue", post(reissue))
        .route("/me/certificates", get(mine))
        .route("/verify/{code}", get(verify))
}

/// The OpenAPI description of these routes (merged into the API's document).
#[derive(OpenApi)]
#[openapi(
    paths(
        list_for_run,
        get_settings,
        put_settings,
        revoke,
        reissue,
        mine,
        verify
    ),
    components(schemas(Certificate, CertificatePage, RunSettings, RevokeBody, Verification))
)]
pub struct CertificatesDoc;

/// Filters and paging of a run's certificates.
#[derive(Deserialize, IntoParams)]
pub struct CertificateParams {
    /// `pending`, `issued` or `revoked`.
    status: Option<String>,
    /// Cursor from the previous page's `next`.
    before: Option<Uuid>,
    /// Page size, 1 to 500 (default 50).
    limit: Option<u64>,
}

/// A page of certificates, newest first.
#[derive(Serialize, ToSchema)]
pub struct CertificatePage {
    items: Vec<Certificate>,
    /// Cursor for the next page (`before`), null on the last page.
    next: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/certificates", tag = "certificates",
    params(("id" = Uuid, Path, description = "Run id"), CertificateParams),
    responses((status = 200, body = CertificatePage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_for_run(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
    q: Result<Query<CertificateParams>, QueryRejection>,
) -> Result<Json<CertificatePage>, ApiError> {
    api.need(Scope::Read)?;
    let p = q.map(|Query(v)| v).map_err(|e| {
        api.err(Error::BadRequest("bad_request"))
            .with_detail(e.body_text())
    })?;
    let page = certs::list_for_run(
        &s.app,
        &api.caller,
        id,
        p.status.as_deref(),
        p.before,
        p.limit.unwrap_or(50),
    )
    .await
    .map_err(|e| api.err(e))?;
    Ok(Json(CertificatePage {
        items: page.items,
        next: page.next,
    }))
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/certificate-settings", tag = "certificates",
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = RunSettings), (status = 404, body = ErrorBody)))]
async fn get_settings(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
) -> Result<Json<RunSettings>, ApiError> {
    api.need(Scope::Read)?;
    certs::run_settings(&s.app, &api.caller, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(put, path = "/api/v1/runs/{id}/certificate-settings", tag = "certificates",
    params(("id" = Uuid, Path, description = "Run id")), request_body = RunSettings,
    responses((status = 200, body = RunSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_settings(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
    ApiJson(body): ApiJson<RunSettings>,
) -> Result<Json<RunSettings>, ApiError> {
    api.need(Scope::Admin)?;
    certs::save_run_settings(&s.app, &api.caller, id, &body)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// Why a certificate is revoked.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    /// Shown to staff and recorded in the audit trail (at most 500 characters).
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", tag = "certificates",
    params(("id" = Uuid, Path, description = "Certificate id")), request_body = RevokeBody,
    responses((status = 200, body = Certificate), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Already revoked"), (status = 422, body = ErrorBody)))]
async fn revoke(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<Uuid>,
    ApiJson(body): ApiJson<RevokeBody>,
) -> Result<Json<Certificate>, ApiError> {
    api.need(Scope::Admin)?;
    certs::revoke(&s.app, &api.caller, id, &body.reason)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/certificates/{id}/reissue", tag = "certificates",
    params(("id" = Uuid, Path, description = "Certificate id")),
    responses((status = 201, body = Certificate, description = "The new certificate, pending until the job has made its PDF"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn reissue(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<Uuid>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let c = certs::reissue(&s.app, &api.caller, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

#[utoipa::path(get, path = "/api/v1/me/certificates", tag = "certificates",
    responses((status = 200, body = [Certificate])))]
async fn mine(State(s): State<WebState>, api: Api) -> Result<Json<Vec<Certificate>>, ApiError> {
    api.need(Scope::Read)?;
    certs::mine(&s.app, &api.caller)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/verify/{code}", tag = "certificates", security(()),
    params(("code" = String, Path, description = "Verification code as printed (dashes optional)")),
    responses((status = 200, body = Verification), (status = 404, body = ErrorBody, description = "No certificate of this site has this code"),
        (status = 429, body = ErrorBody, description = "Too many failed lookups from this address")))]
async fn verify(
    State(s): State<WebState>,
    v: ApiVisitor,
    Path(code): Path<String>,
) -> Result<Json<Verification>, ApiError> {
    certs::verify(&s.app, v.tenant.id, &code, &v.meta)
        .await
        .map(Json)
        .map_err(|e| v.err(e))
}
