//! `/api/v1` for the gradebook: a learner's own grades, the course team's pages, overrides,
//! the scheme, and the grade event feed integrations read with a cursor.
//!
//! Token scopes: `read` for GET, `admin` for course-team actions (overrides, the scheme).

use super::courses::query;
use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::assessment::gradebook::{
    self, changes::OverrideForm, changes::SchemeForm, changes::TotalOverrideForm,
    events::GradeEvent, views::BookFilters, views::BookPage, views::LearnerGrades,
};
use amphi_core::{RunId, UserId};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The gradebook routes (nested under `/api/v1`).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/runs/{id}/grades/me", get(my_grades))
        .route("/runs/{id}/gradebook", get(get_gradebook))
        .route("/runs/{id}/gradebook/scheme", put(put_scheme))
        .route("/runs/{id}/gradebook/learners/{user}", get(get_learner))
        .route(
            "/runs/{id}/gradebook/learners/{user}/items/{grade_item}",
            put(put_override),
        )
        .route(
            "/runs/{id}/gradebook/learners/{user}/total",
            put(put_total_override),
        )
        .route("/runs/{id}/grade-events", get(grade_events))
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/grades/me", tag = "gradebook",
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = LearnerGrades), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn my_grades(
    State(s): State<WebState>,
    api: Api,
    Ids(run): Ids<RunId>,
) -> Result<Json<LearnerGrades>, ApiError> {
    api.need(Scope::Read)?;
    gradebook::views::my_grades(&s.app, &api.caller, run)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// Gradebook query.
#[derive(Deserialize, IntoParams)]
pub struct BookParams {
    /// Words in name or email.
    q: Option<String>,
    /// `passed`, `failed` or `ungraded`.
    grade: Option<String>,
    /// Cursor from the previous page's `next`.
    after: Option<Uuid>,
    /// Page size, 1 to 1000 (default 50).
    limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/gradebook", tag = "gradebook",
    params(("id" = Uuid, Path, description = "Run id"), BookParams),
    responses((status = 200, body = BookPage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_gradebook(
    State(s): State<WebState>,
    api: Api,
    Ids(run): Ids<RunId>,
    q: Result<Query<BookParams>, QueryRejection>,
) -> Result<Json<BookPage>, ApiError> {
    api.need(Scope::Read)?;
    let p = query(&api, q)?;
    let f = BookFilters {
        q: p.q,
        grade: p.grade,
        after: p.after,
    };
    gradebook::views::book(&s.app, &api.caller, run, &f, p.limit.unwrap_or(50))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(put, path = "/api/v1/runs/{id}/gradebook/scheme", tag = "gradebook",
    params(("id" = Uuid, Path, description = "Run id")),
    request_body = SchemeForm,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_scheme(
    State(s): State<WebState>,
    api: Api,
    Ids(run): Ids<RunId>,
    ApiJson(f): ApiJson<SchemeForm>,
) -> Result<StatusCode, ApiError> {
    api.need(Scope::Admin)?;
    gradebook::changes::update_scheme(&s.app, &api.caller, run, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/gradebook/learners/{user}", tag = "gradebook",
    params(("id" = Uuid, Path, description = "Run id"), ("user" = Uuid, Path, description = "Learner id")),
    responses((status = 200, body = LearnerGrades), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_learner(
    State(s): State<WebState>,
    api: Api,
    Ids((run, user)): Ids<(RunId, UserId)>,
) -> Result<Json<LearnerGrades>, ApiError> {
    api.need(Scope::Read)?;
    gradebook::views::learner_grades(&s.app, &api.caller, run, user)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// The course grade after a change.
#[derive(Serialize, ToSchema)]
pub struct GradeAfter {
    /// Course percent.
    percent: Option<f64>,
    /// Passed.
    passed: bool,
}

#[utoipa::path(put, path = "/api/v1/runs/{id}/gradebook/learners/{user}/items/{grade_item}", tag = "gradebook",
    params(("id" = Uuid, Path, description = "Run id"), ("user" = Uuid, Path, description = "Learner id"), ("grade_item" = Uuid, Path, description = "Gradebook column id")),
    request_body = OverrideForm,
    responses((status = 200, body = GradeAfter), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_override(
    State(s): State<WebState>,
    api: Api,
    Ids((run, user, gi)): Ids<(RunId, UserId, Uuid)>,
    ApiJson(f): ApiJson<OverrideForm>,
) -> Result<Json<GradeAfter>, ApiError> {
    api.need(Scope::Admin)?;
    let o = gradebook::changes::set_override(&s.app, &api.caller, run, gi, user, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(GradeAfter {
        percent: o.and_then(|o| o.percent),
        passed: o.is_some_and(|o| o.passed),
    }))
}

#[utoipa::path(put, path = "/api/v1/runs/{id}/gradebook/learners/{user}/total", tag = "gradebook",
    params(("id" = Uuid, Path, description = "Run id"), ("user" = Uuid, Path, description = "Learner id")),
    request_body = TotalOverrideForm,
    responses((status = 200, body = GradeAfter), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_total_override(
    State(s): State<WebState>,
    api: Api,
    Ids((run, user)): Ids<(RunId, UserId)>,
    ApiJson(f): ApiJson<TotalOverrideForm>,
) -> Result<Json<GradeAfter>, ApiError> {
    api.need(Scope::Admin)?;
    let o = gradebook::changes::set_total_override(&s.app, &api.caller, run, user, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(GradeAfter {
        percent: o.and_then(|o| o.percent),
        passed: o.is_some_and(|o| o.passed),
    }))
}

/// Grade event feed query.
#[derive(Deserialize, IntoParams)]
pub struct EventParams {
    /// Last event id seen (0 for the start).
    after: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/grade-events", tag = "gradebook",
    params(("id" = Uuid, Path, description = "Run id"), EventParams),
    responses((status = 200, body = Vec<GradeEvent>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn grade_events(
    State(s): State<WebState>,
    api: Api,
    Ids(run): Ids<RunId>,
    q: Result<Query<EventParams>, QueryRejection>,
) -> Result<Json<Vec<GradeEvent>>, ApiError> {
    api.need(Scope::Read)?;
    let p = query(&api, q)?;
    gradebook::events::events(
        &s.app,
        &api.caller,
        run,
        p.after.unwrap_or(0),
        p.limit.unwrap_or(100),
    )
    .await
    .map(Json)
    .map_err(|e| api.err(e))
}
