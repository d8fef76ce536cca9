//! `/api/v1` for assessment: quizzes (settings, attempts, answers, submission, essay grading)
//! and the gradebook (a learner's own grades, the course team's pages, overrides, the scheme,
//! and the grade event feed integrations read with a cursor).
//!
//! Token scopes: `read` for GET, `write` for a learner's own attempts, `admin` for course-team
//! actions (settings, grading, overrides, the scheme).

use super::courses::{optional_json, query};
use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::courses::gradebook::{
    self, BookFilters, BookPage, GradeEvent, LearnerGrades, OverrideForm, SchemeForm,
    TotalOverrideForm,
};
use amphi_app::courses::quiz::{self, AttemptView, QuizIntro, QuizSettings, Saved};
use amphi_core::{AttemptId, ItemId, RunId, UserId};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The assessment routes (nested under `/api/v1`).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/runs/{id}/items/{item}/quiz",
            get(get_quiz).put(put_quiz_settings),
        )
        .route("/runs/{id}/items/{item}/attempts", post(start_attempt))
        .route("/runs/{id}/attempts/{attempt}", get(get_attempt))
        .route("/runs/{id}/attempts/{attempt}/answers", put(save_answers))
        .route("/runs/{id}/attempts/{attempt}/submit", post(submit_attempt))
        .route("/runs/{id}/attempts/{attempt}/grade", post(grade_attempt))
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

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/quiz", tag = "quizzes",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Quiz item id")),
    responses((status = 200, body = QuizIntro), (status = 404, body = ErrorBody)))]
async fn get_quiz(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> Result<Json<QuizIntro>, ApiError> {
    api.need(Scope::Read)?;
    let (run, item) = (run.0, item.0);
    quiz::intro(&s.app, &api.caller.user, api.tenant.id, run, item)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(put, path = "/api/v1/runs/{id}/items/{item}/quiz", tag = "quizzes",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Quiz item id")),
    request_body = QuizSettings,
    responses((status = 200, body = QuizSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_quiz_settings(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    ApiJson(settings): ApiJson<QuizSettings>,
) -> Result<Json<QuizSettings>, ApiError> {
    api.need(Scope::Admin)?;
    let (run, item) = (run.0, item.0);
    let it = quiz::configure(&s.app, &api.caller.user, api.tenant.id, run, item, settings)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(QuizSettings::of(&it)))
}

/// A started attempt.
#[derive(Serialize, ToSchema)]
pub struct Started {
    /// The attempt id (an attempt in progress is returned rather than a new one).
    id: Uuid,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/attempts", tag = "quizzes",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Quiz item id")),
    responses((status = 201, body = Started), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`quiz_closed`, `quiz_not_open`, `quiz_no_attempts_left`, `quiz_empty`, `item_locked`")))]
async fn start_attempt(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> Result<(StatusCode, Json<Started>), ApiError> {
    api.need(Scope::Write)?;
    let (run, item) = (run.0, item.0);
    let id = quiz::start(&s.app, &api.caller.user, api.tenant.id, run, item)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(Started { id })))
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/attempts/{attempt}", tag = "quizzes",
    params(("id" = Uuid, Path, description = "Run id"), ("attempt" = Uuid, Path, description = "Attempt id")),
    responses((status = 200, body = AttemptView), (status = 404, body = ErrorBody)))]
async fn get_attempt(
    State(s): State<WebState>,
    api: Api,
    Ids((run, at)): Ids<(RunId, AttemptId)>,
) -> Result<Json<AttemptView>, ApiError> {
    api.need(Scope::Read)?;
    let (run, at) = (run.0, at.0);
    quiz::attempt(&s.app, &api.caller.user, api.tenant.id, run, at)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// Answers: question id -> response (`{"type": "single_choice", "chosen": 1}`, …).
#[derive(Deserialize, Default, ToSchema)]
pub struct AnswersBody {
    #[serde(default)]
    #[schema(value_type = Object)]
    answers: quiz::Answers,
}

#[utoipa::path(put, path = "/api/v1/runs/{id}/attempts/{attempt}/answers", tag = "quizzes",
    params(("id" = Uuid, Path, description = "Run id"), ("attempt" = Uuid, Path, description = "Attempt id")),
    request_body = AnswersBody,
    responses((status = 200, body = Saved), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`attempt_closed`, `attempt_expired`"),
        (status = 422, body = ErrorBody, description = "`question_unknown`, `answer_invalid`")))]
async fn save_answers(
    State(s): State<WebState>,
    api: Api,
    Ids((run, at)): Ids<(RunId, AttemptId)>,
    ApiJson(b): ApiJson<AnswersBody>,
) -> Result<Json<Saved>, ApiError> {
    api.need(Scope::Write)?;
    let (run, at) = (run.0, at.0);
    quiz::save(
        &s.app,
        &api.caller.user,
        api.tenant.id,
        run,
        at,
        quiz::Sent::Answers(b.answers),
    )
    .await
    .map(Json)
    .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/attempts/{attempt}/submit", tag = "quizzes",
    params(("id" = Uuid, Path, description = "Run id"), ("attempt" = Uuid, Path, description = "Attempt id")),
    request_body = AnswersBody,
    responses((status = 200, body = AttemptView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`attempt_already_submitted`, `attempt_expired`"),
        (status = 422, body = ErrorBody)))]
async fn submit_attempt(
    State(s): State<WebState>,
    api: Api,
    Ids((run, at)): Ids<(RunId, AttemptId)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<AttemptView>, ApiError> {
    api.need(Scope::Write)?;
    let (run, at) = (run.0, at.0);
    let answers = optional_json::<AnswersBody>(&api, &headers, &body)?.answers;
    quiz::submit(
        &s.app,
        &api.caller.user,
        api.tenant.id,
        run,
        at,
        quiz::Sent::Answers(answers),
    )
    .await
    .map_err(|e| api.err(e))?;
    quiz::attempt(&s.app, &api.caller.user, api.tenant.id, run, at)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// Essay grades: question id -> points.
#[derive(Deserialize, ToSchema)]
pub struct GradeBody {
    points: BTreeMap<Uuid, f64>,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/attempts/{attempt}/grade", tag = "quizzes",
    params(("id" = Uuid, Path, description = "Run id"), ("attempt" = Uuid, Path, description = "Attempt id")),
    request_body = GradeBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`attempt_not_pending`"), (status = 422, body = ErrorBody)))]
async fn grade_attempt(
    State(s): State<WebState>,
    api: Api,
    Ids((run, at)): Ids<(RunId, AttemptId)>,
    ApiJson(b): ApiJson<GradeBody>,
) -> Result<StatusCode, ApiError> {
    api.need(Scope::Admin)?;
    let (run, at) = (run.0, at.0);
    quiz::grading::grade(&s.app, &api.caller.user, api.tenant.id, run, at, &b.points)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
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
    let run = run.0;
    gradebook::my_grades(&s.app, &api.caller.user, api.tenant.id, run)
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
    let run = run.0;
    let p = query(&api, q)?;
    let f = BookFilters {
        q: p.q,
        grade: p.grade,
        after: p.after,
    };
    gradebook::book(
        &s.app,
        &api.caller.user,
        api.tenant.id,
        run,
        &f,
        p.limit.unwrap_or(50),
    )
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
    let run = run.0;
    gradebook::update_scheme(&s.app, &api.caller.user, api.tenant.id, run, &f, None)
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
    let (run, user) = (run.0, user.0);
    gradebook::learner_grades(&s.app, &api.caller.user, api.tenant.id, run, user)
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
    Ids((run, user, gi)): Ids<(RunId, UserId, ItemId)>,
    ApiJson(f): ApiJson<OverrideForm>,
) -> Result<Json<GradeAfter>, ApiError> {
    api.need(Scope::Admin)?;
    let (run, user) = (run.0, user.0);
    let gi = gi.0;
    let o = gradebook::set_override(
        &s.app,
        &api.caller.user,
        api.tenant.id,
        run,
        gi,
        user,
        &f,
        None,
    )
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
    let (run, user) = (run.0, user.0);
    let o =
        gradebook::set_total_override(&s.app, &api.caller.user, api.tenant.id, run, user, &f, None)
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
    let run = run.0;
    let p = query(&api, q)?;
    gradebook::events(
        &s.app,
        &api.caller.user,
        api.tenant.id,
        run,
        p.after.unwrap_or(0),
        p.limit.unwrap_or(100),
    )
    .await
    .map(Json)
    .map_err(|e| api.err(e))
}
