//! `/api/v1` for courses: the catalog, authoring (courses, runs, editions, modules, items),
//! learning (course home, items, completion, dashboard) and the course team's list of learners.
//! The course team's members and enrolment are in `enrol`, the question bank in `bank`.
//!
//! Every handler calls one amphi-app use case; the permission policy lives there. Token scopes:
//! `read` for GET, `write` for what concerns the caller (enrol, leave, complete), `admin` for
//! authoring and course-team actions.

use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::courses::authoring::{self, CourseForm, ItemForm, ModuleForm, RunForm};
use amphi_app::courses::catalog::{self, About, CatalogCard, CatalogFilters};
use amphi_app::courses::learn::{self, CourseHome, DashboardEntry, ItemPage};
use amphi_app::courses::learners::{self, Learner, LearnerFilters};
use amphi_app::courses::{Course, Run};
use amphi_core::codes;
use amphi_core::Error;
use amphi_core::{CourseId, ItemId, ModuleId, RunId};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The course routes (nested under `/api/v1`).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/catalog", get(get_catalog))
        .route("/courses", post(create_course))
        .route("/courses/{course}", get(get_course).patch(patch_course))
        .route("/courses/{course}/runs", post(create_run))
        .route("/runs/{id}", patch(patch_run))
        .route("/runs/{id}/editions", post(new_edition))
        .route("/runs/{id}/outline", get(get_outline))
        .route("/runs/{id}/modules", post(add_module))
        .route(
            "/runs/{id}/modules/{module}",
            patch(patch_module).delete(delete_module),
        )
        .route("/runs/{id}/modules/{module}/move", post(move_module))
        .route("/runs/{id}/modules/{module}/items", post(add_item))
        .route(
            "/runs/{id}/items/{item}",
            get(open_item).patch(patch_item).delete(delete_item),
        )
        .route("/runs/{id}/items/{item}/move", post(move_item))
        .route("/runs/{id}/items/{item}/complete", post(complete_item))
        .route("/runs/{id}/home", get(home))
        .route("/runs/{id}/learners", get(list_learners))
        .route("/me/courses", get(my_courses))
}

/// Query strings whose errors come back in the API's error format.
pub(super) fn query<T>(api: &Api, q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(v)| v).map_err(|e| {
        api.err(Error::BadRequest("bad_request"))
            .with_detail(e.body_text())
    })
}

/// An optional JSON body: empty means the defaults; otherwise it must be JSON.
pub(super) fn optional_json<T: DeserializeOwned + Default>(
    api: &Api,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !is_json {
        return Err(api.err(Error::BadRequest(codes::JSON_EXPECTED)));
    }
    serde_json::from_slice(body).map_err(|e| {
        api.err(Error::BadRequest(codes::JSON_MALFORMED))
            .with_detail(e.to_string())
    })
}

pub(super) fn created<T: Serialize>(v: T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

pub(super) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

// ---------------------------------------------------------------------------------------------
// Catalog and courses

/// A page of the catalog.
#[derive(Serialize, ToSchema)]
pub struct CatalogPage {
    items: Vec<CatalogCard>,
    /// Cursor for the next page (`after`), null on the last page.
    next: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/catalog", tag = "courses", params(CatalogFilters),
    responses((status = 200, body = CatalogPage), (status = 422, body = ErrorBody)))]
async fn get_catalog(
    State(s): State<WebState>,
    api: Api,
    q: Result<Query<CatalogFilters>, QueryRejection>,
) -> Result<Json<CatalogPage>, ApiError> {
    api.need(Scope::Read)?;
    let f = query(&api, q)?;
    let page = catalog::catalog(&s.app, &api.tenant, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(CatalogPage {
        items: page.items,
        next: page.next,
    }))
}

#[utoipa::path(get, path = "/api/v1/courses/{course}", tag = "courses",
    params(("course" = String, Path, description = "Course code")),
    responses((status = 200, body = About), (status = 404, body = ErrorBody)))]
async fn get_course(
    State(s): State<WebState>,
    api: Api,
    Path(code): Path<String>,
) -> Result<Json<About>, ApiError> {
    api.need(Scope::Read)?;
    let a = catalog::about(&s.app, &api.tenant, &code, Some(&api.caller.user))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(a))
}

#[utoipa::path(post, path = "/api/v1/courses", tag = "courses", request_body = CourseForm,
    responses((status = 201, body = Course), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_course(
    State(s): State<WebState>,
    api: Api,
    ApiJson(body): ApiJson<CourseForm>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let c = authoring::create_course(&s.app, &api.caller, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(created(c))
}

#[utoipa::path(patch, path = "/api/v1/courses/{course}", tag = "courses", request_body = CourseForm,
    params(("course" = Uuid, Path, description = "Course id")),
    responses((status = 200, body = Course), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_course(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<CourseId>,
    ApiJson(body): ApiJson<CourseForm>,
) -> Result<Json<Course>, ApiError> {
    api.need(Scope::Admin)?;
    let c = authoring::update_course(&s.app, &api.caller, id, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(c))
}

// ---------------------------------------------------------------------------------------------
// Runs

#[utoipa::path(post, path = "/api/v1/courses/{course}/runs", tag = "runs", request_body = RunForm,
    params(("course" = Uuid, Path, description = "Course id")),
    responses((status = 201, body = Run), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_run(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<CourseId>,
    ApiJson(body): ApiJson<RunForm>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let r = authoring::create_run(&s.app, &api.caller, id, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(created(r))
}

#[utoipa::path(patch, path = "/api/v1/runs/{id}", tag = "runs", request_body = RunForm,
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = Run), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_run(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
    ApiJson(body): ApiJson<RunForm>,
) -> Result<Json<Run>, ApiError> {
    api.need(Scope::Admin)?;
    let r = authoring::update_run(&s.app, &api.caller, id, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(r))
}

/// A new edition of a run.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditionBody {
    /// Name of the new edition.
    name: String,
    /// When it starts (RFC 3339); the other dates move by the same amount.
    starts_at: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/editions", tag = "runs", request_body = EditionBody,
    params(("id" = Uuid, Path, description = "Run to copy")),
    responses((status = 201, body = Run), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn new_edition(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
    ApiJson(body): ApiJson<EditionBody>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let r = authoring::new_edition(
        &s.app,
        &api.caller,
        id,
        &body.name,
        body.starts_at.as_deref(),
    )
    .await
    .map_err(|e| api.err(e))?;
    Ok(created(r))
}

// ---------------------------------------------------------------------------------------------
// Outline: modules and items

/// A module as the course team edits it.
#[derive(Serialize, ToSchema)]
pub struct OutlineModule {
    /// Id.
    id: Uuid,
    /// Place in the run, from 1.
    position: i32,
    /// Title.
    title: String,
    /// Visible to learners.
    published: bool,
    /// Locked until this date.
    available_from: Option<DateTime<Utc>>,
}

/// An item as the course team edits it.
#[derive(Serialize, ToSchema)]
pub struct OutlineItem {
    /// Id.
    id: Uuid,
    /// Its module.
    module_id: Uuid,
    /// Place in the module, from 1.
    position: i32,
    /// `page`, `video`, `file` or `link`.
    kind: String,
    /// Title.
    title: String,
    /// Page text (Markdown) or video transcript.
    body: String,
    /// Kind-specific settings (`url`, `embed_src`, …).
    #[schema(value_type = Object)]
    settings: serde_json::Value,
    /// Visible to learners.
    published: bool,
    /// Locked until this date.
    available_from: Option<DateTime<Utc>>,
    /// Item to complete first.
    requires_item_id: Option<Uuid>,
}

// The use cases hand back stored rows; the web crate does not name amphi-db types, so the
// conversions are macros over the fields.
macro_rules! outline_module {
    ($m:expr) => {{
        let m = $m;
        OutlineModule {
            id: m.id,
            position: m.position,
            title: m.title,
            published: m.published,
            available_from: m.available_from,
        }
    }};
}

macro_rules! outline_item {
    ($i:expr) => {{
        let i = $i;
        OutlineItem {
            id: i.id,
            module_id: i.module_id,
            position: i.position,
            kind: i.kind,
            title: i.title,
            settings: serde_json::from_str(&i.settings).unwrap_or_default(),
            body: i.body,
            published: i.published,
            available_from: i.available_from,
            requires_item_id: i.requires_item_id,
        }
    }};
}

/// A run as its course team edits it.
#[derive(Serialize, ToSchema)]
pub struct OutlineView {
    /// The run.
    run: Run,
    /// Its course.
    course: Course,
    /// The enrolment code, for the `code` policy.
    enrolment_code: Option<String>,
    /// Modules in order.
    modules: Vec<OutlineModule>,
    /// Items in order (module, then position).
    items: Vec<OutlineItem>,
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/outline", tag = "outline",
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = OutlineView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_outline(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
) -> Result<Json<OutlineView>, ApiError> {
    api.need(Scope::Read)?;
    let o = authoring::outline(&s.app, &api.caller, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(OutlineView {
        run: o.run,
        course: o.course,
        enrolment_code: o.enrolment_code,
        modules: o.modules.into_iter().map(|m| outline_module!(m)).collect(),
        items: o.items.into_iter().map(|i| outline_item!(i)).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/modules", tag = "outline", request_body = ModuleForm,
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 201, body = OutlineModule), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_module(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
    ApiJson(body): ApiJson<ModuleForm>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let m = authoring::add_module(&s.app, &api.caller, id, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(created(outline_module!(m)))
}

#[utoipa::path(patch, path = "/api/v1/runs/{id}/modules/{module}", tag = "outline", request_body = ModuleForm,
    params(("id" = Uuid, Path, description = "Run id"), ("module" = Uuid, Path, description = "Module id")),
    responses((status = 200, body = OutlineModule), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_module(
    State(s): State<WebState>,
    api: Api,
    Ids((run, module)): Ids<(RunId, ModuleId)>,
    ApiJson(body): ApiJson<ModuleForm>,
) -> Result<Json<OutlineModule>, ApiError> {
    api.need(Scope::Admin)?;
    let m = authoring::update_module(&s.app, &api.caller, run, module, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(outline_module!(m)))
}

#[utoipa::path(delete, path = "/api/v1/runs/{id}/modules/{module}", tag = "outline",
    params(("id" = Uuid, Path, description = "Run id"), ("module" = Uuid, Path, description = "Module id")),
    responses((status = 204, description = "Deleted with its items"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_module(
    State(s): State<WebState>,
    api: Api,
    Ids((run, module)): Ids<(RunId, ModuleId)>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    authoring::delete_module(&s.app, &api.caller, run, module)
        .await
        .map_err(|e| api.err(e))?;
    Ok(no_content())
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/modules/{module}/move", tag = "outline", request_body = authoring::Move,
    params(("id" = Uuid, Path, description = "Run id"), ("module" = Uuid, Path, description = "Module id")),
    responses((status = 204, description = "Moved (or already first/last)"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn move_module(
    State(s): State<WebState>,
    api: Api,
    Ids((run, module)): Ids<(RunId, ModuleId)>,
    ApiJson(body): ApiJson<authoring::Move>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    authoring::move_module(&s.app, &api.caller, run, module, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(no_content())
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/modules/{module}/items", tag = "outline", request_body = ItemForm,
    params(("id" = Uuid, Path, description = "Run id"), ("module" = Uuid, Path, description = "Module id")),
    responses((status = 201, body = OutlineItem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_item(
    State(s): State<WebState>,
    api: Api,
    Ids((run, module)): Ids<(RunId, ModuleId)>,
    ApiJson(body): ApiJson<ItemForm>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let i = authoring::add_item(&s.app, &api.caller, run, module, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(created(outline_item!(i)))
}

#[utoipa::path(patch, path = "/api/v1/runs/{id}/items/{item}", tag = "outline", request_body = ItemForm,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Item id")),
    responses((status = 200, body = OutlineItem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_item(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    ApiJson(body): ApiJson<ItemForm>,
) -> Result<Json<OutlineItem>, ApiError> {
    api.need(Scope::Admin)?;
    let i = authoring::update_item(&s.app, &api.caller, run, item, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(outline_item!(i)))
}

#[utoipa::path(delete, path = "/api/v1/runs/{id}/items/{item}", tag = "outline",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Item id")),
    responses((status = 204, description = "Deleted with the learners' progress on it"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_item(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    authoring::delete_item(&s.app, &api.caller, run, item)
        .await
        .map_err(|e| api.err(e))?;
    Ok(no_content())
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/move", tag = "outline", request_body = authoring::Move,
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Item id")),
    responses((status = 204, description = "Moved within its module (or already first/last)"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn move_item(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    ApiJson(body): ApiJson<authoring::Move>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    authoring::move_item(&s.app, &api.caller, run, item, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(no_content())
}

// ---------------------------------------------------------------------------------------------
// Learning

#[utoipa::path(get, path = "/api/v1/runs/{id}/home", tag = "learning",
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = CourseHome), (status = 404, body = ErrorBody)))]
async fn home(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
) -> Result<Json<CourseHome>, ApiError> {
    api.need(Scope::Read)?;
    let h = learn::home(&s.app, &api.caller, id, false)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(h))
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}", tag = "learning",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Item id")),
    responses((status = 200, body = ItemPage), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "`item_locked`")))]
async fn open_item(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> Result<Json<ItemPage>, ApiError> {
    api.need(Scope::Read)?;
    let p = learn::open_item(&s.app, &api.caller, run, item)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(p))
}

/// Progress after completing an item.
#[derive(Serialize, ToSchema)]
pub struct CompleteResult {
    /// Completed share of the run, 0–100.
    percent: i64,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/complete", tag = "learning",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Item id")),
    responses((status = 200, body = CompleteResult), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "`item_locked`")))]
async fn complete_item(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> Result<Json<CompleteResult>, ApiError> {
    api.need(Scope::Write)?;
    let percent = learn::complete_item(&s.app, &api.caller, run, item)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(CompleteResult { percent }))
}

#[utoipa::path(get, path = "/api/v1/me/courses", tag = "learning",
    responses((status = 200, body = Vec<DashboardEntry>), (status = 401, body = ErrorBody)))]
async fn my_courses(
    State(s): State<WebState>,
    api: Api,
) -> Result<Json<Vec<DashboardEntry>>, ApiError> {
    api.need(Scope::Read)?;
    let d = learn::dashboard(&s.app, &api.caller)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(d))
}

// ---------------------------------------------------------------------------------------------
// The course team's view of learners

/// Search, filters and paging of a run's people.
#[derive(Deserialize, IntoParams)]
pub struct LearnerParams {
    /// Words in name or email.
    q: Option<String>,
    /// `learner`, `instructor`, `teaching_assistant` or `observer`.
    role: Option<String>,
    /// `active` or `waiting`.
    status: Option<String>,
    /// `done` or `not_done`.
    progress: Option<String>,
    /// Cursor from the previous page's `next`.
    after: Option<Uuid>,
    /// Page size, 1 to 1000 (default 50).
    limit: Option<u64>,
}

/// A page of a run's people.
#[derive(Serialize, ToSchema)]
pub struct LearnerPage {
    items: Vec<Learner>,
    /// Cursor for the next page (`after`), null on the last page.
    next: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/learners", tag = "enrolment",
    params(("id" = Uuid, Path, description = "Run id"), LearnerParams),
    responses((status = 200, body = LearnerPage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_learners(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<RunId>,
    q: Result<Query<LearnerParams>, QueryRejection>,
) -> Result<Json<LearnerPage>, ApiError> {
    api.need(Scope::Read)?;
    let p = query(&api, q)?;
    let f = LearnerFilters {
        q: p.q,
        role: p.role,
        status: p.status,
        progress: p.progress,
        after: p.after,
    };
    let page = learners::list(&s.app, &api.caller, id, &f, p.limit.unwrap_or(50))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(LearnerPage {
        items: page.items,
        next: page.next,
    }))
}
