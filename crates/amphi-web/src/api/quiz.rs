//! `/api/v1` for quizzes: settings, attempts, answers, submission, essay grading.
//!
//! Token scopes: `read` for GET, `write` for a learner's own attempts, `admin` for course-team
//! actions (settings, grading).

use super::courses::optional_json;
use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::assessment::quiz::{
    self, answers::Saved, attempts::QuizIntro, settings::QuizSettings, view::AttemptView,
};
use amphi_core::{AttemptId, ItemId, RunId};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// The quiz routes (nested under `/api/v1`).
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
    quiz::attempts::intro(&s.app, &api.caller, run, item)
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
    let it = quiz::authoring::configure(&s.app, &api.caller, run, item, settings)
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
    let id = quiz::attempts::start(&s.app, &api.caller, run, item)
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
    quiz::view::attempt(&s.app, &api.caller, run, at)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// Answers: question id -> response (`{"type": "single_choice", "chosen": 1}`, …).
#[derive(Deserialize, Default, ToSchema)]
pub struct AnswersBody {
    #[serde(default)]
    #[schema(value_type = Object)]
    answers: quiz::answers::Answers,
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
    quiz::answers::save(
        &s.app,
        &api.caller,
        run,
        at,
        quiz::answers::Sent::Answers(b.answers),
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
    let answers = optional_json::<AnswersBody>(&api, &headers, &body)?.answers;
    quiz::answers::submit(
        &s.app,
        &api.caller,
        run,
        at,
        quiz::answers::Sent::Answers(answers),
    )
    .await
    .map_err(|e| api.err(e))?;
    quiz::view::attempt(&s.app, &api.caller, run, at)
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
    quiz::grading::grade(&s.app, &api.caller, run, at, &b.points)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
}
