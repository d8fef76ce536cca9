//! `/api/v1` for the course team and enrolment: members of a run's team, self-enrolment and
//! leaving, invitations, vouchers and the shop's webhook.
//!
//! Token scopes: `write` for what concerns the caller (enrol, leave), `admin` for course-team
//! actions; the webhook is open to anyone who signs it with the tenant's shop secret.

use super::courses::{created, no_content, optional_json};
use super::{Api, ApiVisitor, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::courses::authoring;
use amphi_app::courses::enrol::{self, EnrolStatus, ShopOrder, WebhookOutcome};
use amphi_core::codes;
use amphi_core::Error;
use amphi_core::RunId;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The course team and enrolment routes (nested under `/api/v1`).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/runs/{id}/members", post(add_member))
        .route("/runs/{id}/enrolment", post(enrol).delete(unenrol))
        .route("/runs/{id}/invitations", post(invite))
        .route("/runs/{id}/vouchers", post(vouchers))
        .route("/shop/webhook", post(shop_webhook))
}

/// Someone with an account joining the run in a role.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberBody {
    /// Email of an existing account of this tenant.
    email: String,
    /// `learner`, `instructor`, `teaching_assistant` or `observer`.
    role: String,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/members", tag = "enrolment", request_body = MemberBody,
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 204, description = "Member added or role changed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_member(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
    ApiJson(body): ApiJson<MemberBody>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    authoring::add_member(&s.app, &api.caller, id, &body.email, &body.role)
        .await
        .map_err(|e| api.err(e))?;
    Ok(no_content())
}

/// Asking to enrol.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct EnrolBody {
    /// The run's enrolment code (`code` policy) or a voucher code (`paid` policy).
    code: Option<String>,
}

/// Where the caller stands after asking to enrol.
#[derive(Serialize, ToSchema)]
pub struct EnrolResult {
    /// `enrolled` or `waiting`.
    status: EnrolStatus,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/enrolment", tag = "enrolment", request_body(content = Option<EnrolBody>, description = "May be omitted when no code is needed"),
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = EnrolResult), (status = 403, body = ErrorBody, description = "Invitation or purchase needed"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Full, closed or archived"), (status = 422, body = ErrorBody)))]
async fn enrol(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<EnrolResult>, ApiError> {
    api.need(Scope::Write)?;
    let body = body.map_err(|_| api.err(Error::BadRequest(codes::BODY_TOO_LARGE)))?;
    let b: EnrolBody = optional_json(&api, &headers, &body)?;
    let status = enrol::enrol(&s.app, &api.caller, id, b.code.as_deref())
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(EnrolResult { status }))
}

#[utoipa::path(delete, path = "/api/v1/runs/{id}/enrolment", tag = "enrolment",
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 204, description = "Left the run or its waiting list"), (status = 404, body = ErrorBody)))]
async fn unenrol(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
) -> Result<Response, ApiError> {
    api.need(Scope::Write)?;
    enrol::unenrol(&s.app, &api.caller, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(no_content())
}

/// Addresses to invite.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    /// Email addresses (up to 1000).
    emails: Vec<String>,
}

/// How many were invited.
#[derive(Serialize, ToSchema)]
pub struct InviteResult {
    /// Distinct addresses invited (each gets a mail).
    invited: usize,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/invitations", tag = "enrolment", request_body = InviteBody,
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = InviteResult), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn invite(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
    ApiJson(body): ApiJson<InviteBody>,
) -> Result<Json<InviteResult>, ApiError> {
    api.need(Scope::Admin)?;
    let invited = enrol::invite(&s.app, &api.caller, id, &body.emails.join("\n"))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(InviteResult { invited }))
}

/// How many vouchers to make.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoucherBody {
    /// 1 to 10 000.
    count: usize,
}

/// New voucher codes, shown once.
#[derive(Serialize, ToSchema)]
pub struct VoucherCodes {
    /// Single-use codes.
    codes: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/vouchers", tag = "enrolment", request_body = VoucherBody,
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 201, body = VoucherCodes), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn vouchers(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
    ApiJson(body): ApiJson<VoucherBody>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let codes = enrol::generate_vouchers(&s.app, &api.caller, id, body.count)
        .await
        .map_err(|e| api.err(e))?;
    Ok(created(VoucherCodes { codes }))
}

/// How a shop notification ended.
#[derive(Serialize, ToSchema)]
pub struct WebhookResult {
    /// `enrolled`, `recorded` or `duplicate`.
    outcome: WebhookOutcome,
}

/// The shop's purchase notification. No bearer token: the shop signs the body with the
/// tenant's shop secret (`X-Amphi-Signature`: hex HMAC-SHA256 of `timestamp + "." + body`).
#[utoipa::path(post, path = "/api/v1/shop/webhook", tag = "enrolment", request_body = ShopOrder, security(()),
    params(("X-Amphi-Timestamp" = String, Header, description = "Unix seconds, within five minutes"),
        ("X-Amphi-Signature" = String, Header, description = "Hex HMAC-SHA256 of timestamp, '.', body")),
    responses((status = 200, body = WebhookResult), (status = 400, body = ErrorBody, description = "Stale timestamp or bad body"),
        (status = 401, body = ErrorBody, description = "Bad signature"), (status = 422, body = ErrorBody)))]
async fn shop_webhook(
    State(s): State<WebState>,
    v: ApiVisitor,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<WebhookResult>, ApiError> {
    let Ok(body) = body else {
        return Err(v.err(Error::BadRequest(codes::BODY_TOO_LARGE)));
    };
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let outcome = enrol::shop_webhook(
        &s.app,
        v.tenant.id,
        &body,
        &h("x-amphi-timestamp"),
        &h("x-amphi-signature"),
        &v.meta,
    )
    .await
    .map_err(|e| v.err(e))?;
    Ok(Json(WebhookResult { outcome }))
}
