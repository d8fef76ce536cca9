//! `/api/v1`: JSON over the same use cases as the pages, authenticated by personal access tokens
//! (`Authorization: Bearer amphi_pat_…`), documented by an OpenAPI document built from the code.

use crate::ctx::meta;
use crate::error::{ApiError, JsonErrors};
use crate::forms::ApiJson;
use crate::path::Ids;
use crate::site::tenant_of;
use crate::WebState;
use amphi_app::accounts::ProfileForm;
use amphi_app::api_tokens::{self, Scope, TokenUser};
use amphi_app::tenants::{self, Tenant, TenantDetail, TenantForm};
use amphi_app::users::{self, User, UserPatch};
use amphi_app::{Caller, RequestMeta};
use amphi_core::validate::Locale;
use amphi_core::{Error, TenantId, UserId};
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use uuid::Uuid;

pub mod assignments;
pub mod bank;
pub mod certificates;
pub mod cmi5;
pub mod courses;
pub mod enrol;
pub mod gradebook;
pub mod lti;
pub mod packages;
pub mod quiz;
pub mod sso;
pub mod xapi;

/// The API routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/users/self", get(get_self).patch(patch_self))
        .route("/users", get(list_users))
        .route("/users/{id}", get(get_user).patch(patch_user))
        .route("/audit", get(list_audit))
        .route("/tenants", get(list_tenants).post(create_tenant))
        .route("/tenants/{id}", get(get_tenant).patch(patch_tenant))
        .merge(courses::routes())
        .merge(enrol::routes())
        .merge(bank::routes())
        .merge(quiz::routes())
        .merge(gradebook::routes())
        .merge(certificates::routes())
        .merge(sso::routes())
        .merge(lti::routes())
        .merge(packages::routes())
        .merge(cmi5::routes())
        .merge(xapi::routes())
        .merge(assignments::routes())
        .fallback(|| async { ApiError::from(Error::NotFound) })
        .layer(axum::Extension(JsonErrors))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Amphi API", version = "1", description = "The Amphi learning platform's JSON API. Authenticate with a personal access token created on your account page."),
    paths(sso::list_providers, sso::create_provider, sso::get_provider, sso::patch_provider, sso::delete_provider, list_audit, bank::list_questions, bank::import_gift, get_self, patch_self, list_users, get_user, patch_user, list_tenants, create_tenant, get_tenant, patch_tenant,
        courses::get_catalog, courses::get_course, courses::create_course, courses::patch_course,
        courses::create_run, courses::patch_run, courses::new_edition,
        courses::get_outline, courses::add_module, courses::patch_module, courses::delete_module, courses::move_module,
        courses::add_item, courses::patch_item, courses::delete_item, courses::move_item,
        enrol::add_member, enrol::enrol, enrol::unenrol, enrol::invite, enrol::vouchers, enrol::shop_webhook,
        courses::home, courses::open_item, courses::complete_item, courses::my_courses, courses::list_learners,
        quiz::get_quiz, quiz::put_quiz_settings, quiz::start_attempt, quiz::get_attempt, quiz::save_answers, quiz::submit_attempt, quiz::grade_attempt,
        gradebook::my_grades, gradebook::get_gradebook, gradebook::put_scheme, gradebook::get_learner, gradebook::put_override, gradebook::put_total_override, gradebook::grade_events),
    components(schemas(sso::ProviderList, amphi_app::sso::Provider, amphi_app::sso::ProviderForm, bank::QuestionPage, amphi_app::assessment::bank::BankQuestion, amphi_app::assessment::bank::ImportOutcome, AuditPage, amphi_app::audit::AuditEntry, User, UserPatch, ProfileForm, Tenant, TenantDetail, TenantBody, UserPage, TenantPage, ErrorBody, ErrorDetail, Scope,
        amphi_app::courses::Course, amphi_app::courses::Run,
        amphi_app::courses::catalog::CatalogCard, amphi_app::courses::catalog::About, amphi_app::courses::catalog::AboutRun, amphi_app::courses::catalog::RunAction,
        amphi_app::courses::learn::CourseHome, amphi_app::courses::learn::ModuleEntry, amphi_app::courses::learn::ItemEntry, amphi_app::courses::learn::ItemPage, amphi_app::courses::learn::DashboardEntry,
        amphi_app::courses::learners::Learner,
        amphi_app::courses::enrol::EnrolStatus, amphi_app::courses::enrol::WebhookOutcome, amphi_app::courses::enrol::ShopOrder,
        amphi_app::courses::authoring::CourseForm, amphi_app::courses::authoring::RunForm, amphi_app::courses::authoring::ModuleForm, amphi_app::courses::authoring::ItemForm, amphi_app::courses::authoring::Direction,
        courses::CatalogPage, courses::OutlineView, courses::OutlineModule, courses::OutlineItem, courses::EditionBody, amphi_app::courses::authoring::Move,
        enrol::MemberBody, enrol::EnrolBody, enrol::EnrolResult, enrol::InviteBody, enrol::InviteResult, enrol::VoucherBody, enrol::VoucherCodes,
        enrol::WebhookResult, courses::CompleteResult, courses::LearnerPage,
        quiz::Started, quiz::AnswersBody, quiz::GradeBody, gradebook::GradeAfter,
        amphi_app::assessment::quiz::attempts::QuizIntro, amphi_app::assessment::quiz::settings::QuizSettings, amphi_app::assessment::quiz::settings::Slot, amphi_app::assessment::quiz::settings::Keep, amphi_app::assessment::quiz::settings::Reveal,
        amphi_app::assessment::quiz::attempts::AttemptSummary, amphi_app::assessment::quiz::view::AttemptView, amphi_app::assessment::quiz::view::ShownQuestion, amphi_app::assessment::quiz::view::Choice, amphi_app::assessment::quiz::answers::Saved,
        amphi_app::assessment::gradebook::views::LearnerGrades, amphi_app::assessment::gradebook::views::Column, amphi_app::assessment::gradebook::views::Cell, amphi_app::assessment::gradebook::views::CategoryResult,
        amphi_app::assessment::gradebook::views::BookPage, amphi_app::assessment::gradebook::views::BookRow, amphi_app::assessment::gradebook::scheme::CategorySetting, amphi_app::assessment::gradebook::changes::SchemeForm,
        amphi_app::assessment::gradebook::changes::ColumnSetting, amphi_app::assessment::gradebook::changes::OverrideForm, amphi_app::assessment::gradebook::changes::TotalOverrideForm, amphi_app::assessment::gradebook::events::GradeEvent)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("amphi_pat_…")
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(certificates::CertificatesDoc::openapi());
    doc.merge(assignments::AssignmentsDoc::openapi());
    doc.merge(lti::LtiDoc::openapi());
    doc.merge(packages::PackagesDoc::openapi());
    doc.merge(cmi5::Cmi5Doc::openapi());
    doc.merge(xapi::XapiDoc::openapi());
    doc
}

async fn openapi() -> Response {
    Json(openapi_document()).into_response()
}

/// Error body of every failed call.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code (`not_found`, `forbidden`, `validation`, …).
    code: String,
    /// Human message in the language asked for by Accept-Language.
    message: String,
    /// Per-field problems for `validation`.
    #[schema(value_type = Object)]
    fields: serde_json::Value,
}

/// An API request before any token: the tenant of the Host header, the language of
/// Accept-Language and the request facts. Routes open to anyone (verification, the shop's
/// webhook) take this; the others take [`Api`]. Refusals are JSON.
pub struct ApiVisitor {
    /// The tenant of the Host header.
    pub tenant: Tenant,
    /// Language for messages.
    pub locale: Locale,
    /// Request facts.
    pub meta: RequestMeta,
}

impl ApiVisitor {
    /// An error in the visitor's language.
    pub fn err(&self, e: Error) -> ApiError {
        ApiError::in_locale(e, self.locale)
    }
}

impl FromRequestParts<WebState> for ApiVisitor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let locale = crate::error::client_locale(&parts.headers);
        let (tenant, host) = match tenant_of(state, parts).await {
            Ok(t) => t,
            // An unknown site is a JSON 404 here; a failure to look it up stays a 503.
            Err(r) if r.status() == StatusCode::NOT_FOUND => {
                return Err(ApiError::in_locale(Error::NotFound, locale).into_response())
            }
            Err(r) => return Err(r),
        };
        Ok(ApiVisitor {
            meta: meta(state, parts, &host),
            tenant,
            locale,
        })
    }
}

/// The caller of an API route: a valid token of this tenant.
pub struct Api {
    /// The token's owner, who the use cases run for (with the request facts).
    pub caller: Caller,
    /// What the token allows.
    pub scopes: Vec<Scope>,
    /// The tenant of the Host header.
    pub tenant: Tenant,
    /// Language for messages.
    pub locale: Locale,
}

impl Api {
    fn err(&self, e: Error) -> ApiError {
        ApiError::in_locale(e, self.locale)
    }

    fn need(&self, s: Scope) -> Result<(), ApiError> {
        api_tokens::require_scope(&self.scopes, s).map_err(|e| self.err(e))
    }
}

impl FromRequestParts<WebState> for Api {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let visitor = ApiVisitor::from_request_parts(parts, state).await?;
        let fail = |e: Error| visitor.err(e).into_response();
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let caller = match bearer {
            Some(b) => api_tokens::authenticate(&state.app, &visitor.tenant, b)
                .await
                .map_err(fail)?,
            None => None,
        };
        let Some(caller) = caller else {
            let mut r = fail(Error::Unauthenticated);
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"amphi\""),
            );
            return Err(r);
        };
        let TokenUser { user, scopes } = caller;
        Ok(Api {
            caller: Caller::new(user, visitor.tenant.id, visitor.meta),
            scopes,
            tenant: visitor.tenant,
            locale: visitor.locale,
        })
    }
}

/// A page of users.
#[derive(Serialize, ToSchema)]
pub struct UserPage {
    items: Vec<User>,
    /// Cursor for the next page (`after`), null on the last page.
    next: Option<Uuid>,
}

/// A page of tenants.
#[derive(Serialize, ToSchema)]
pub struct TenantPage {
    items: Vec<Tenant>,
    /// Cursor for the next page (`after`), null on the last page.
    next: Option<Uuid>,
}

/// Paging and search.
#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// Words to find in email or name.
    q: Option<String>,
    /// Cursor from the previous page's `next`.
    after: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/users/self", tag = "users",
    responses((status = 200, body = User), (status = 401, body = ErrorBody)))]
async fn get_self(api: Api) -> Result<Json<User>, ApiError> {
    api.need(Scope::Read)?;
    Ok(Json(api.caller.user))
}

#[utoipa::path(patch, path = "/api/v1/users/self", tag = "users", request_body = ProfileForm,
    responses((status = 200, body = User), (status = 422, body = ErrorBody)))]
async fn patch_self(
    State(s): State<WebState>,
    api: Api,
    ApiJson(body): ApiJson<ProfileForm>,
) -> Result<Json<User>, ApiError> {
    api.need(Scope::Write)?;
    amphi_app::accounts::update_profile(&s.app, &api.caller, body)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListParams),
    responses((status = 200, body = UserPage), (status = 403, body = ErrorBody)))]
async fn list_users(
    State(s): State<WebState>,
    api: Api,
    Query(p): Query<ListParams>,
) -> Result<Json<UserPage>, ApiError> {
    api.need(Scope::Admin)?;
    let page = users::list(
        &s.app,
        &api.caller,
        p.q.as_deref(),
        p.after,
        p.limit.unwrap_or(50),
    )
    .await
    .map_err(|e| api.err(e))?;
    Ok(Json(UserPage {
        items: page.items,
        next: page.next,
    }))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
async fn get_user(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<UserId>,
) -> Result<Json<User>, ApiError> {
    api.need(Scope::Read)?;
    let u = users::get(&s.app, &api.caller, id)
        .await
        .map_err(|e| api.err(hide_forbidden(e)))?;
    Ok(Json(u))
}

/// Someone who may not see a user should not learn that it exists.
fn hide_forbidden(e: Error) -> Error {
    match e {
        Error::Forbidden => Error::NotFound,
        e => e,
    }
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserPatch,
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn patch_user(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<UserId>,
    ApiJson(body): ApiJson<UserPatch>,
) -> Result<Json<User>, ApiError> {
    api.need(Scope::Admin)?;
    let u = users::patch(&s.app, &api.caller, id, body)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(u))
}

/// A tenant as the API takes it: lists as arrays.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct TenantBody {
    /// Subdomain-safe short name (creation only).
    slug: Option<String>,
    /// Display name.
    name: Option<String>,
    /// Host names the tenant answers on.
    hosts: Option<Vec<String>>,
    /// `en` or `fr`.
    default_locale: Option<String>,
    /// `open`, `closed` or `domains`.
    signup_policy: Option<String>,
    /// Allowed email domains with `domains`.
    signup_domains: Option<Vec<String>>,
    /// Brand colour `#rrggbb`.
    primary_colour: Option<String>,
    /// Logo URL ("" removes it).
    logo_url: Option<String>,
    /// Footer text ("" removes it).
    footer_text: Option<String>,
    /// Whether the tenant answers at all.
    active: Option<bool>,
    /// Administrators must use a second factor.
    require_mfa_admins: Option<bool>,
    /// The sign-in page offers single sign-on only (platform administrators keep `/signin?local=1`).
    hide_local_passwords: Option<bool>,
}

impl From<TenantBody> for TenantForm {
    fn from(b: TenantBody) -> Self {
        TenantForm {
            slug: b.slug,
            name: b.name,
            hosts: b.hosts.map(|h| h.join(",")),
            default_locale: b.default_locale,
            signup_policy: b.signup_policy,
            signup_domains: b.signup_domains.map(|d| d.join(",")),
            primary_colour: b.primary_colour,
            logo_url: b.logo_url,
            footer_text: b.footer_text,
            active: b.active,
            require_mfa_admins: b.require_mfa_admins,
            hide_local_passwords: b.hide_local_passwords,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/tenants", tag = "tenants", params(ListParams),
    responses((status = 200, body = TenantPage), (status = 403, body = ErrorBody)))]
async fn list_tenants(
    State(s): State<WebState>,
    api: Api,
    Query(p): Query<ListParams>,
) -> Result<Json<TenantPage>, ApiError> {
    api.need(Scope::Admin)?;
    let page = tenants::list(&s.app, &api.caller, p.after, p.limit.unwrap_or(50))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(TenantPage {
        items: page.items,
        next: page.next,
    }))
}

#[utoipa::path(post, path = "/api/v1/tenants", tag = "tenants", request_body = TenantBody,
    responses((status = 201, body = TenantDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_tenant(
    State(s): State<WebState>,
    api: Api,
    ApiJson(body): ApiJson<TenantBody>,
) -> Result<Response, ApiError> {
    api.need(Scope::Admin)?;
    let d = tenants::create(&s.app, &api.caller, body.into())
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

#[utoipa::path(get, path = "/api/v1/tenants/{id}", tag = "tenants", params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 200, body = TenantDetail), (status = 404, body = ErrorBody)))]
async fn get_tenant(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<TenantId>,
) -> Result<Json<TenantDetail>, ApiError> {
    api.need(Scope::Read)?;
    let d = tenants::get(&s.app, &api.caller, id)
        .await
        .map_err(|e| api.err(hide_forbidden(e)))?;
    Ok(Json(d))
}

#[utoipa::path(patch, path = "/api/v1/tenants/{id}", tag = "tenants", request_body = TenantBody,
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 200, body = TenantDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_tenant(
    State(s): State<WebState>,
    api: Api,
    Ids(id): Ids<TenantId>,
    ApiJson(body): ApiJson<TenantBody>,
) -> Result<Json<TenantDetail>, ApiError> {
    api.need(Scope::Admin)?;
    let d = tenants::update(&s.app, &api.caller, id, body.into())
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(d))
}

/// A page of the audit trail.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    items: Vec<amphi_app::audit::AuditEntry>,
    /// Cursor for the next (older) page (`before`), null on the last page.
    next: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(amphi_app::audit::AuditFilters),
    responses((status = 200, body = AuditPage), (status = 403, body = ErrorBody)))]
async fn list_audit(
    State(s): State<WebState>,
    api: Api,
    Query(f): Query<amphi_app::audit::AuditFilters>,
) -> Result<Json<AuditPage>, ApiError> {
    api.need(Scope::Admin)?;
    let page = amphi_app::audit::list(&s.app, &api.caller, &f, 100)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(AuditPage {
        items: page.items,
        next: page.next,
    }))
}

/// The query of a raw upload (its file name) and its body as chunks: what the API's upload
/// endpoints (assignment files, packages) read before calling their use case.
pub(crate) fn raw_upload<Q>(
    api: &Api,
    q: Result<axum::extract::Query<Q>, axum::extract::rejection::QueryRejection>,
    body: axum::body::Body,
) -> Result<
    (
        Q,
        futures::stream::BoxStream<'static, amphi_core::Result<axum::body::Bytes>>,
    ),
    ApiError,
> {
    use futures::stream::{StreamExt, TryStreamExt};
    let axum::extract::Query(q) = q.map_err(|e| {
        api.err(Error::BadRequest("bad_request"))
            .with_detail(e.body_text())
    })?;
    let chunks = body
        .into_data_stream()
        .map_err(|_| Error::BadRequest("bad_request"))
        .boxed();
    Ok((q, chunks))
}
