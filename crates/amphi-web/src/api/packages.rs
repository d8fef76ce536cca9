//! `/api/v1/runs/{id}/items/{item}/package`: a package item's versions and upload, and the
//! learners' results (the course team).

use super::{Api, ErrorBody};
use crate::error::ApiError;
use crate::path::Ids;
use crate::WebState;
use amphi_app::api_tokens::Scope;
use amphi_app::packages::{report, upload};
use amphi_core::{codes, ItemId, RunId};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

/// The routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/runs/{id}/items/{item}/package",
            get(versions)
                .post(upload_package)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/runs/{id}/items/{item}/package/results", get(results))
}

/// The OpenAPI part of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(versions, upload_package, results),
    components(schemas(
        VersionList,
        report::Version,
        ResultPage,
        report::ReportRow,
        Refused,
        ProblemOut
    ))
)]
pub struct PackagesDoc;

/// An item's package versions, newest first.
#[derive(Serialize, ToSchema)]
pub struct VersionList {
    items: Vec<report::Version>,
}

/// A page of the learners' attempts.
#[derive(Serialize, ToSchema)]
pub struct ResultPage {
    items: Vec<report::ReportRow>,
    /// Pass as `after` for the next page.
    next: Option<Uuid>,
}

/// A package refused, with every problem found.
#[derive(Serialize, ToSchema)]
pub struct Refused {
    /// `package_invalid`.
    code: String,
    /// What happened, in the caller's language.
    message: String,
    /// Each problem with its file and line.
    problems: Vec<ProblemOut>,
}

/// One problem of a refused package.
#[derive(Serialize, ToSchema)]
pub struct ProblemOut {
    /// The zip entry or `imsmanifest.xml`.
    file: String,
    /// The line, for the manifest.
    line: Option<u32>,
    /// A stable code (`package-missing-file`, …).
    code: String,
    /// The problem in the caller's language.
    message: String,
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/package", tag = "outline",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Package item id")),
    responses((status = 200, body = VersionList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn versions(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> Result<Json<VersionList>, ApiError> {
    api.need(Scope::Read)?;
    let items = report::versions(&s.app, &api.caller, run, item)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(VersionList { items }))
}

/// The name of the uploaded zip.
#[derive(Deserialize, IntoParams)]
pub struct PackageParams {
    /// The file's name.
    filename: String,
}

#[utoipa::path(post, path = "/api/v1/runs/{id}/items/{item}/package", tag = "outline",
    request_body(content = Vec<u8>, description = "The zip's bytes", content_type = "application/zip"),
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Package item id"), PackageParams),
    responses((status = 201, body = report::Version), (status = 403, body = ErrorBody), (status = 422, body = Refused, description = "The package was refused: every problem with its file and line; nothing was stored")))]
async fn upload_package(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    q: Result<Query<PackageParams>, QueryRejection>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    api.need(Scope::Write)?;
    let (q, chunks) = super::raw_upload(&api, q, body)?;
    match upload::upload(&s.app, &api.caller, run, item, &q.filename, chunks)
        .await
        .map_err(|e| api.err(e))?
    {
        upload::Uploaded::Stored(p) => {
            // The upload made it the version learners get.
            Ok((StatusCode::CREATED, Json(report::Version::of(p, true))).into_response())
        }
        upload::Uploaded::Refused(problems) => {
            let locale = api.locale;
            let problems: Vec<ProblemOut> = problems
                .0
                .iter()
                .map(|p| ProblemOut {
                    file: p.file.clone(),
                    line: p.line,
                    code: p.kind.code().to_owned(),
                    message: amphi_app::i18n::t_args(locale, p.kind.code(), &p.kind.args()),
                })
                .collect();
            let body = json!({ "error": Refused {
                code: codes::PACKAGE_INVALID.into(),
                message: amphi_app::i18n::t(locale, &format!("err-{}", codes::PACKAGE_INVALID)),
                problems,
            }});
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
    }
}

/// The cursor of the results' next page.
#[derive(Deserialize, IntoParams)]
pub struct ResultParams {
    /// The `next` of the previous page.
    after: Option<Uuid>,
    /// Page size (default 100, at most 1000).
    limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/runs/{id}/items/{item}/package/results", tag = "outline",
    params(("id" = Uuid, Path, description = "Run id"), ("item" = Uuid, Path, description = "Package item id"), ResultParams),
    responses((status = 200, body = ResultPage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn results(
    State(s): State<WebState>,
    api: Api,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    Query(q): Query<ResultParams>,
) -> Result<Json<ResultPage>, ApiError> {
    api.need(Scope::Read)?;
    let page = report::attempts(
        &s.app,
        &api.caller,
        run,
        item,
        q.after,
        q.limit.unwrap_or(100),
    )
    .await
    .map_err(|e| api.err(e))?;
    Ok(Json(ResultPage {
        items: page.items,
        next: page.next,
    }))
}
