//! `/api/v1` for a course's question bank: listing it and importing a GIFT file (token scope
//! `admin`).

use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_core::codes;
use amphi_core::{CourseId, Error};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The question bank routes (nested under `/api/v1`).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/courses/{course}/questions", get(list_questions))
        .route(
            "/courses/{course}/questions/gift",
            post(import_gift).layer(axum::extract::DefaultBodyLimit::max(
                amphi_app::assessment::bank::MAX_GIFT_BYTES + 64 * 1024,
            )),
        )
}

/// A page of the question bank.
#[derive(Serialize, ToSchema)]
pub struct QuestionPage {
    items: Vec<amphi_app::assessment::bank::BankQuestion>,
    /// Cursor for the next page (`after`), null on the last page.
    next: Option<Uuid>,
}

/// Bank filters.
#[derive(Deserialize, IntoParams)]
pub struct BankParams {
    /// Only this category.
    category: Option<String>,
    /// Cursor from the previous page.
    after: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/courses/{course}/questions", tag = "question bank", params(("course" = Uuid, Path, description = "Course id"), BankParams),
    responses((status = 200, body = QuestionPage), (status = 404, body = ErrorBody)))]
async fn list_questions(
    State(s): State<WebState>,
    api: Api,
    Ids(course): Ids<CourseId>,
    Query(p): Query<BankParams>,
) -> Result<Json<QuestionPage>, ApiError> {
    api.need(Scope::Admin)?;
    let (page, _) = amphi_app::assessment::bank::list(
        &s.app,
        &api.caller,
        course,
        p.category.as_deref(),
        p.after,
    )
    .await
    .map_err(|e| api.err(e))?;
    Ok(Json(QuestionPage {
        items: page.items,
        next: page.next,
    }))
}

#[utoipa::path(post, path = "/api/v1/courses/{course}/questions/gift", tag = "question bank", params(("course" = Uuid, Path, description = "Course id")),
    request_body(content = String, content_type = "text/plain", description = "A Moodle GIFT file"),
    responses((status = 201, body = amphi_app::assessment::bank::ImportOutcome), (status = 422, body = ErrorBody, description = "Nothing imported; `fields` names each bad line (`line N`)")))]
async fn import_gift(
    State(s): State<WebState>,
    api: Api,
    Ids(course): Ids<CourseId>,
    body: Bytes,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| api.err(Error::field("file", codes::CSV_NOT_UTF8)))?;
    let out = amphi_app::assessment::bank::import_gift(&s.app, &api.caller, course, text)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}
