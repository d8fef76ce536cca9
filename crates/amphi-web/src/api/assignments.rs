//! `/api/v1` for assignments and peer assessment: settings, the learner's view, handing in,
//! reviews to do and giving them, self-assessment, volunteering, flags; for the course team the
//! grading queue (keyset pages), grading, overrides and flag decisions.
//!
//! Token scopes: `read` for GET, `write` for what concerns the caller, `admin` for the course
//! team's actions. The permission policy lives in the use cases.

use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::assessment::assignments::{
    self, AssignmentSettings, AssignmentSettingsForm, AssignmentView, GradeForm,
};
use amphi_app::assessment::grading_queue::{GradingView, QueueEntry};
use amphi_app::assessment::peer;
use amphi_app::assessment::peer::learner::{PeerView, ReceivedReview, ReviewTask};
use amphi_app::assessment::peer::reviews::{GivenReview, ReviewForm, ReviewPage};
use amphi_app::assessment::peer::settings::{PeerSettings, PeerSettingsForm};
use amphi_app::assessment::peer::staff::{FlagDecision, FlagEntry, OverrideForm};
use amphi_app::assessment::submissions::{SubmissionView, SubmitForm};
use amphi_app::assessment::{assignment_files, grading_queue, submission_files, submissions};
use amphi_core::course::ItemKind;
use amphi_core::{Error, ItemId, RunId, SubmissionId};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

/// The assessment routes (nested under `/api/v1`).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/runs/{id}/items/{item}/assignment-settings",
            patch(patch_assignment_settings),
        )
        .route(
            "/runs/{id}/items/{item}/peer-settings",
            patch(patch_peer_settings),
        )
        .route("/runs/{id}/items/{item}/assignment", get(get_assignment))
        .route("/runs/{id}/items/{item}/peer", get(get_peer))
        .route("/runs/{id}/items/{item}/submission", post(submit))
        .route(
            "/runs/{id}/items/{item}/files",
            post(upload_file).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/runs/{id}/items/{item}/reviews", get(my_reviews))
        .route(
            "/runs/{id}/items/{item}/reviews/{sub}",
            get(review_page).post(submit_review),
        )
        .route("/runs/{id}/items/{item}/self-assessment", post(self_assess))
        .route("/runs/{id}/items/{item}/volunteer", post(volunteer))
        .route("/runs/{id}/items/{item}/flags", get(list_flags).post(flag))
        .route("/runs/{id}/items/{item}/flags/{flag}", post(decide_flag))
        .route("/runs/{id}/items/{item}/submissions", get(grading_queue))
        .route(
            "/runs/{id}/items/{item}/submissions/{sub}",
            get(grading_view),
        )
        .route(
            "/runs/{id}/items/{item}/submissions/{sub}/grade",
            post(grade),
        )
        .route(
            "/runs/{id}/items/{item}/submissions/{sub}/override",
            post(override_grade),
        )
}

/// The OpenAPI part of these routes (merged into the API's document).
#[derive(OpenApi)]
#[openapi(
    paths(
        patch_assignment_settings,
        patch_peer_settings,
        get_assignment,
        get_peer,
        submit,
        upload_file,
        my_reviews,
        review_page,
        submit_review,
        self_assess,
        volunteer,
        flag,
        list_flags,
        decide_flag,
        grading_queue,
        grading_view,
        grade,
        override_grade
    ),
    components(schemas(
        AssignmentSettings,
        AssignmentSettingsForm,
        AssignmentView,
        SubmissionView,
        SubmitForm,
        PeerSettings,
        PeerSettingsForm,
        PeerView,
        ReviewTask,
        ReceivedReview,
        ReviewForm,
        GivenReview,
        ReviewPage,
        VolunteerBody,
        VolunteerResult,
        FlagBody,
        FlagEntry,
        FlagDecision,
        QueueEntry,
        QueuePage,
        GradingView,
        GradeForm,
        OverrideForm
    ))
)]
pub struct AssignmentsDoc;

#[utoipa::path(patch, path = "/api/v1/runs/{id}/items/{item}/assignment-settings", tag = "assessment", request_body = AssignmentSettingsForm,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Assignment item id")),
    responses((status = 200, body = AssignmentSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_assignment_settings(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    ApiJson(body): ApiJson<AssignmentSettingsForm>,
) -> Result<Json<AssignmentSettings>, ApiError> {
    api.need(Scope::Admin)?;
    assignments::update_settings(&s.app, &api.caller, run, item, body)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(patch, path = "/api/v1/runs/{id}/items/{item}/peer-settings", tag = "assessment", request_body = PeerSettingsForm,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id")),
    responses((status = 200, body = PeerSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_peer_settings(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    ApiJson(body): ApiJson<PeerSettingsForm>,
) -> Result<Json<PeerSettings>, ApiError> {
    api.need(Scope::Admin)?;
    peer::settings::update_settings(&s.app, &api.caller, run, item, body)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/assignment", tag = "assessment",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Assignment item id")),
    responses((status = 200, body = AssignmentView), (status = 404, body = ErrorBody)))]
async fn get_assignment(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> Result<Json<AssignmentView>, ApiError> {
    api.need(Scope::Read)?;
    assignments::view(&s.app, &api.caller, run, item)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/peer", tag = "assessment",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id")),
    responses((status = 200, body = PeerView), (status = 404, body = ErrorBody)))]
async fn get_peer(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> Result<Json<PeerView>, ApiError> {
    api.need(Scope::Read)?;
    peer::learner::view(&s.app, &api.caller, run, item)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/submission", tag = "assessment", request_body = SubmitForm,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Assignment or peer-assessment item id")),
    responses((status = 200, body = SubmissionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Deadline passed, already graded or locked"), (status = 422, body = ErrorBody)))]
async fn submit(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    ApiJson(body): ApiJson<SubmitForm>,
) -> Result<Json<SubmissionView>, ApiError> {
    api.need(Scope::Write)?;
    let kind = submissions::kind_of(&s.app, &api.caller, run, item)
        .await
        .map_err(|e| api.err(e))?;
    let r = if kind == ItemKind::Peer {
        peer::learner::submit(&s.app, &api.caller, run, item, body).await
    } else {
        assignments::submit(&s.app, &api.caller, run, item, body).await
    };
    r.map(Json).map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/reviews", tag = "assessment",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id")),
    responses((status = 200, body = Vec<ReviewTask>), (status = 404, body = ErrorBody)))]
async fn my_reviews(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> Result<Json<Vec<ReviewTask>>, ApiError> {
    api.need(Scope::Read)?;
    peer::reviews::my_reviews(&s.app, &api.caller, run, item)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/reviews/{sub}", tag = "assessment",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id"), ("sub" = Uuid, Path, description = "Submission to review")),
    responses((status = 200, body = ReviewPage), (status = 403, body = ErrorBody, description = "Not assigned to you"), (status = 404, body = ErrorBody)))]
async fn review_page(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item, sub)): Ids<(RunId, ItemId, SubmissionId)>,
) -> Result<Json<ReviewPage>, ApiError> {
    api.need(Scope::Read)?;
    peer::reviews::review_page(&s.app, &api.caller, run, item, sub)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/reviews/{sub}", tag = "assessment", request_body = ReviewForm,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id"), ("sub" = Uuid, Path, description = "Submission reviewed")),
    responses((status = 201, body = GivenReview), (status = 403, body = ErrorBody, description = "Your own work, or not assigned to you"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Already reviewed, or not the review phase"), (status = 422, body = ErrorBody, description = "A rubric level missing or out of range")))]
async fn submit_review(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item, sub)): Ids<(RunId, ItemId, SubmissionId)>,
    ApiJson(body): ApiJson<ReviewForm>,
) -> Result<Response, ApiError> {
    api.need(Scope::Write)?;
    let r = peer::reviews::submit_review(&s.app, &api.caller, run, item, sub, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/self-assessment", tag = "assessment", request_body = ReviewForm,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id")),
    responses((status = 201, body = GivenReview), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn self_assess(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    ApiJson(body): ApiJson<ReviewForm>,
) -> Result<Response, ApiError> {
    api.need(Scope::Write)?;
    let r = peer::reviews::self_assess(&s.app, &api.caller, run, item, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// An offer to review more.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VolunteerBody {
    /// Extra reviews offered (0 withdraws the offer).
    extra: u32,
}

/// The offer recorded.
#[derive(Serialize, ToSchema)]
pub struct VolunteerResult {
    /// Extra reviews offered.
    extra: i32,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/volunteer", tag = "assessment", request_body = VolunteerBody,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id")),
    responses((status = 200, body = VolunteerResult), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn volunteer(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    ApiJson(body): ApiJson<VolunteerBody>,
) -> Result<Json<VolunteerResult>, ApiError> {
    api.need(Scope::Write)?;
    peer::learner::volunteer(&s.app, &api.caller, run, item, body.extra)
        .await
        .map(|extra| Json(VolunteerResult { extra }))
        .map_err(|e| api.err(e))
}

/// A flag on a review of one's work.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagBody {
    /// The review.
    review_id: Uuid,
    /// Why it is unfair.
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/flags", tag = "assessment", request_body = FlagBody,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id")),
    responses((status = 204, description = "Flag recorded"), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn flag(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    ApiJson(body): ApiJson<FlagBody>,
) -> Result<Response, ApiError> {
    api.need(Scope::Write)?;
    peer::reviews::flag_review(&s.app, &api.caller, run, item, body.review_id, &body.reason)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/flags", tag = "assessment",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id")),
    responses((status = 200, body = Vec<FlagEntry>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_flags(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> Result<Json<Vec<FlagEntry>>, ApiError> {
    api.need(Scope::Admin)?;
    peer::staff::open_flags(&s.app, &api.caller, run, item)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/flags/{flag}", tag = "assessment", request_body = FlagDecision,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id"), ("flag" = Uuid, Path, description = "Flag id")),
    responses((status = 204, description = "Resolved"), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide_flag(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item, flag)): Ids<(RunId, ItemId, Uuid)>,
    ApiJson(body): ApiJson<FlagDecision>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    peer::staff::resolve_flag(&s.app, &api.caller, run, item, flag, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Filters and paging of the grading queue.
#[derive(Deserialize, IntoParams)]
pub struct QueueParams {
    /// `ungraded` (default), `graded`, `late`, `staff` or `all`.
    filter: Option<String>,
    /// Cursor from the previous page's `next`.
    after: Option<Uuid>,
    /// Page size, 1 to 500 (default 50).
    limit: Option<u64>,
}

/// A page of the grading queue.
#[derive(Serialize, ToSchema)]
pub struct QueuePage {
    items: Vec<QueueEntry>,
    /// Cursor for the next page (`after`), null on the last page.
    next: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/submissions", tag = "assessment",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Assignment or peer-assessment item id"), QueueParams),
    responses((status = 200, body = QueuePage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn grading_queue(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    q: Result<Query<QueueParams>, QueryRejection>,
) -> Result<Json<QueuePage>, ApiError> {
    api.need(Scope::Admin)?;
    let Query(q) = q.map_err(|e| {
        api.err(Error::BadRequest("bad_request"))
            .with_detail(e.body_text())
    })?;
    let query = grading_queue::QueueQuery {
        filter: q.filter,
        after: q.after,
        limit: q.limit.unwrap_or(50),
    };
    let page = grading_queue::queue(&s.app, &api.caller, run, item, &query)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(QueuePage {
        items: page.items,
        next: page.next,
    }))
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/submissions/{sub}", tag = "assessment",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Item id"), ("sub" = Uuid, Path, description = "Submission id")),
    responses((status = 200, body = GradingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn grading_view(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item, sub)): Ids<(RunId, ItemId, SubmissionId)>,
) -> Result<Json<GradingView>, ApiError> {
    api.need(Scope::Admin)?;
    grading_queue::grading_view(&s.app, &api.caller, run, item, sub)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/submissions/{sub}/grade", tag = "assessment", request_body = GradeForm,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Assignment item id"), ("sub" = Uuid, Path, description = "Submission id")),
    responses((status = 200, body = SubmissionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn grade(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item, sub)): Ids<(RunId, ItemId, SubmissionId)>,
    ApiJson(body): ApiJson<GradeForm>,
) -> Result<Json<SubmissionView>, ApiError> {
    api.need(Scope::Admin)?;
    assignments::grade(&s.app, &api.caller, run, item, sub, body)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/submissions/{sub}/override", tag = "assessment", request_body = OverrideForm,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Peer-assessment item id"), ("sub" = Uuid, Path, description = "Submission id")),
    responses((status = 200, body = SubmissionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn override_grade(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item, sub)): Ids<(RunId, ItemId, SubmissionId)>,
    ApiJson(body): ApiJson<OverrideForm>,
) -> Result<Json<SubmissionView>, ApiError> {
    api.need(Scope::Admin)?;
    peer::staff::override_grade(&s.app, &api.caller, run, item, sub, body)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// The name of an uploaded file.
#[derive(Deserialize, IntoParams)]
pub struct FileParams {
    /// The file's name (its extension must match its content).
    filename: String,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/files", tag = "assessment",
    request_body(content = Vec<u8>, description = "The file's bytes", content_type = "application/octet-stream"),
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Assignment item id"), FileParams),
    responses((status = 201, body = submission_files::SubmissionFile), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody, description = "Type not allowed, too large, too many files")))]
async fn upload_file(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    q: Result<Query<FileParams>, QueryRejection>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    api.need(Scope::Write)?;
    let (q, chunks) = super::raw_upload(&api, q, body)?;
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let f = assignment_files::upload_file(
        &s.app,
        &api.caller,
        run,
        item,
        (&q.filename, ct.as_deref()),
        chunks,
    )
    .await
    .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}
