//! The HTML user interface. Handlers are short: extract, call a use case, render.

mod account;
mod admin;
mod admin_lti;
mod admin_sso;
mod admin_xapi;
mod assignments;
mod auth;
mod bank;
mod certificates;
mod cmi5;
pub(crate) mod files;
mod gradebook;
mod home;
mod labels;
mod learn;
mod packages;
mod quiz;
mod sso;
mod teach;

use crate::ctx::Ctx;
use crate::error::PageError;
use crate::WebState;
use amphi_core::codes;
use amphi_core::Error;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

/// The page routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(home::home))
        .route("/signup", get(auth::signup_form).post(auth::signup))
        .route("/signup/sent", get(auth::signup_sent))
        .route("/verify-email", get(auth::verify_form).post(auth::verify))
        .route("/signin", get(auth::signin_form).post(auth::signin))
        .route("/signin/mfa", get(auth::mfa_form).post(auth::mfa_submit))
        .route("/signout", post(auth::signout))
        .route("/sso/oidc/{provider}/login", get(sso::oidc_login))
        .route("/sso/oidc/{provider}/callback", get(sso::oidc_callback))
        .route("/sso/partner/{provider}", get(sso::partner))
        .route("/sso/ldap/{provider}", post(sso::ldap))
        .route("/sso/saml/{provider}/metadata", get(sso::saml_metadata))
        .route("/sso/saml/{provider}/login", get(sso::saml_login))
        .route("/sso/saml/{provider}/acs", post(sso::saml_acs))
        .route("/sso/saml/{provider}/slo", get(sso::saml_slo))
        .route("/sso/link", get(sso::link_form).post(sso::link_submit))
        .route("/admin/identity-providers", get(admin_sso::list))
        .route(
            "/admin/identity-providers/new",
            get(admin_sso::new_form).post(admin_sso::create),
        )
        .route(
            "/admin/identity-providers/{id}",
            get(admin_sso::edit_form).post(admin_sso::update),
        )
        .route(
            "/admin/identity-providers/{id}/enabled",
            post(admin_sso::set_enabled),
        )
        .route(
            "/admin/identity-providers/{id}/delete",
            post(admin_sso::delete),
        )
        .route("/admin/identity-providers/{id}/test", post(admin_sso::test))
        .route("/admin/lti", get(admin_lti::list))
        .route(
            "/admin/lti/new",
            get(admin_lti::new_form).post(admin_lti::create),
        )
        .route("/admin/lti/keys/rotate", post(admin_lti::rotate_key))
        .route("/admin/lti/register", post(admin_lti::register))
        .route(
            "/admin/lti/{id}",
            get(admin_lti::edit_form).post(admin_lti::update),
        )
        .route("/admin/lti/{id}/enabled", post(admin_lti::set_enabled))
        .route("/admin/lti/{id}/delete", post(admin_lti::delete))
        .route(
            "/admin/xapi",
            get(admin_xapi::list).post(admin_xapi::create),
        )
        .route("/admin/xapi/{id}/enabled", post(admin_xapi::set_enabled))
        .route("/admin/xapi/{id}/delete", post(admin_xapi::delete))
        .route(
            "/password/forgot",
            get(auth::forgot_form).post(auth::forgot),
        )
        .route("/password/reset", get(auth::reset_form).post(auth::reset))
        .route("/setup", get(auth::setup_form).post(auth::setup))
        .route("/lang", post(account::set_language))
        .route("/account", get(account::show).post(account::update_profile))
        .route("/account/password", post(account::change_password))
        .route("/account/mfa", get(account::mfa_page))
        .route("/account/mfa/start", post(account::mfa_start))
        .route("/account/mfa/confirm", post(account::mfa_confirm))
        .route("/account/mfa/disable", post(account::mfa_disable))
        .route("/account/sessions/end-all", post(account::end_all_sessions))
        .route(
            "/account/tokens",
            get(account::tokens).post(account::create_token),
        )
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin", get(admin::index))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/new", post(admin::add_user))
        .route("/admin/users/invite", post(admin::invite))
        .route("/admin/users/{id}", post(admin::update_user))
        .route(
            "/admin/site",
            get(admin::site_form).post(admin::site_update),
        )
        .route("/admin/site/logo", post(admin::upload_logo))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/audit.csv", get(admin::audit_csv))
        .route("/admin/tenants", get(admin::tenants))
        .route(
            "/admin/tenants/new",
            get(admin::tenant_new_form).post(admin::tenant_create),
        )
        .route(
            "/admin/tenants/{id}",
            get(admin::tenant_edit_form).post(admin::tenant_update),
        )
        .route("/catalog", get(learn::catalog_page))
        .route("/courses/{code}", get(learn::about))
        .route("/runs/{id}/enrol", post(learn::enrol_post))
        .route("/runs/{id}/unenrol", post(learn::unenrol_post))
        .route("/learn/{run}", get(learn::home))
        .route("/learn/{run}/items/{item}", get(learn::item))
        .route("/learn/{run}/items/{item}/complete", post(learn::complete))
        .route("/learn/{run}/items/{item}/attempts", post(quiz::start))
        .route("/learn/{run}/attempts/{attempt}", get(quiz::attempt))
        .route("/learn/{run}/attempts/{attempt}/save", post(quiz::save))
        .route("/learn/{run}/attempts/{attempt}/submit", post(quiz::submit))
        .route("/learn/{run}/grades", get(gradebook::my_grades))
        .route(
            "/teach/runs/{run}/items/{item}/quiz",
            get(quiz::quiz_settings).post(quiz::quiz_settings_save),
        )
        .route(
            "/teach/runs/{run}/items/{item}/quiz/questions",
            post(quiz::quiz_add_questions),
        )
        .route(
            "/teach/runs/{run}/items/{item}/quiz/draws",
            post(quiz::quiz_add_draw),
        )
        .route("/teach/runs/{run}/items/{item}/grading", get(quiz::grading))
        .route(
            "/teach/runs/{run}/attempts/{attempt}/grade",
            post(quiz::grade_attempt),
        )
        .route("/teach/runs/{run}/gradebook", get(gradebook::book))
        .route("/teach/runs/{run}/gradebook.csv", get(gradebook::book_csv))
        .route(
            "/teach/runs/{run}/gradebook/scheme",
            post(gradebook::scheme_save),
        )
        .route(
            "/teach/runs/{run}/gradebook/learners/{user}",
            get(gradebook::learner),
        )
        .route(
            "/teach/runs/{run}/gradebook/learners/{user}/items/{grade_item}",
            post(gradebook::override_item),
        )
        .route(
            "/teach/runs/{run}/gradebook/learners/{user}/total",
            post(gradebook::override_total),
        )
        .route("/teach", get(teach::courses::index))
        .route(
            "/teach/courses/new",
            get(teach::courses::course_new_form).post(teach::courses::course_create),
        )
        .route(
            "/teach/courses/{id}",
            get(teach::courses::course_page).post(teach::courses::course_update),
        )
        .route("/teach/courses/{id}/runs", post(teach::courses::run_create))
        .route("/teach/courses/{id}/questions", get(bank::list))
        .route(
            "/teach/courses/{id}/questions/import",
            post(bank::import).layer(axum::extract::DefaultBodyLimit::max(
                amphi_app::assessment::bank::MAX_GIFT_BYTES + 64 * 1024,
            )),
        )
        .route("/teach/courses/{id}/questions.gift", get(bank::export))
        .route(
            "/teach/courses/{id}/questions/{question}/delete",
            get(bank::delete_confirm).post(bank::delete),
        )
        .route("/teach/runs/{run}", post(teach::outline::run_update))
        .route("/teach/runs/{run}/outline", get(teach::outline::outline))
        .route(
            "/teach/runs/{run}/modules",
            post(teach::outline::module_add),
        )
        .route(
            "/teach/runs/{run}/modules/{module}",
            post(teach::outline::module_update),
        )
        .route(
            "/teach/runs/{run}/modules/{module}/move",
            post(teach::outline::module_move),
        )
        .route(
            "/teach/runs/{run}/modules/{module}/delete",
            get(teach::delete::module_confirm).post(teach::delete::module_delete),
        )
        .route(
            "/teach/runs/{run}/modules/{module}/items",
            post(teach::outline::item_add),
        )
        .route(
            "/teach/runs/{run}/items/{item}",
            get(teach::outline::item_form).post(teach::outline::item_update),
        )
        .route(
            "/teach/runs/{run}/items/{item}/move",
            post(teach::outline::item_move),
        )
        .route(
            "/teach/runs/{run}/items/{item}/module",
            post(teach::outline::item_to_module),
        )
        .route(
            "/teach/runs/{run}/items/{item}/delete",
            get(teach::delete::item_confirm).post(teach::delete::item_delete),
        )
        .route(
            "/teach/runs/{run}/learners",
            get(teach::people::learners_page),
        )
        .route(
            "/teach/runs/{run}/learners.csv",
            get(teach::people::learners_csv),
        )
        .route("/teach/runs/{run}/members", post(teach::people::member_add))
        .route("/teach/runs/{run}/invitations", post(teach::people::invite))
        .route("/teach/runs/{run}/vouchers", post(teach::people::vouchers))
        .route(
            "/teach/runs/{run}/editions",
            post(teach::outline::new_edition),
        )
        .route(
            "/teach/runs/{run}/imports",
            post(teach::people::import_start).layer(axum::extract::DefaultBodyLimit::max(
                amphi_app::courses::import::MAX_BYTES + 1024 * 1024,
            )),
        )
        .route(
            "/teach/runs/{run}/imports/{job}",
            get(teach::people::import_status),
        )
        .route(
            "/teach/runs/{run}/announcements",
            post(teach::people::announce),
        )
        .route(
            "/teach/runs/{run}/imports/{job}/apply",
            post(teach::people::import_apply),
        )
        .route(
            "/teach/runs/{run}/items/{item}/upload",
            post(files::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/teach/runs/{run}/items/{item}/files",
            get(files::item_files),
        )
        .route("/files/{run}/{file}", get(files::download))
        .merge(certificate_routes())
        .route("/learn/{run}/items/{item}/progress", post(files::progress))
        .merge(assignment_routes())
        .merge(package_routes())
}

/// Package items (pages/packages.rs).
fn package_routes() -> Router<WebState> {
    Router::new()
        .route(
            "/teach/runs/{run}/items/{item}/package",
            get(packages::page)
                .post(packages::upload)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/teach/runs/{run}/items/{item}/package/report",
            get(packages::results),
        )
        .route(
            "/teach/runs/{run}/items/{item}/package/report.csv",
            get(packages::results_csv),
        )
        .route(
            "/teach/runs/{run}/items/{item}/package/attempts/{attempt}",
            get(packages::attempt),
        )
        .route(
            "/teach/runs/{run}/items/{item}/package/attempts/{attempt}/waive",
            post(cmi5::waive),
        )
        .route(
            "/teach/runs/{run}/items/{item}/package/learners/{user}/reset",
            post(packages::reset_attempts),
        )
        .route(
            "/learn/{run}/items/{item}/package/attempts",
            post(packages::new_attempt),
        )
}

/// Assignments and peer assessment (pages/assignments.rs).
fn assignment_routes() -> Router<WebState> {
    Router::new()
        .route(
            "/learn/{run}/items/{item}/submission",
            post(assignments::submit),
        )
        .route(
            "/learn/{run}/items/{item}/volunteer",
            post(assignments::volunteer),
        )
        .route(
            "/learn/{run}/items/{item}/reviews/{sub}",
            get(assignments::review_form).post(assignments::review_submit),
        )
        .route(
            "/learn/{run}/items/{item}/self-assessment",
            post(assignments::self_assess),
        )
        .route("/learn/{run}/items/{item}/flags", post(assignments::flag))
        .route(
            "/learn/{run}/items/{item}/files",
            post(assignments::file_upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/learn/{run}/items/{item}/files/{file}",
            get(assignments::file_download),
        )
        .route(
            "/learn/{run}/items/{item}/files/{file}/delete",
            post(assignments::file_delete),
        )
        .route(
            "/teach/runs/{run}/items/{item}/assessment",
            get(assignments::settings_form).post(assignments::settings_update),
        )
        .route(
            "/teach/runs/{run}/items/{item}/submissions",
            get(assignments::queue),
        )
        .route(
            "/teach/runs/{run}/items/{item}/submissions/{sub}",
            get(assignments::grade_form).post(assignments::grade_submit),
        )
        .route(
            "/teach/runs/{run}/items/{item}/flags/{flag}",
            post(assignments::flag_decide),
        )
}

/// Certificates: the learner's, public verification, the course team's, the template.
fn certificate_routes() -> Router<WebState> {
    Router::new()
        .route("/certificates", get(certificates::mine))
        .route("/certificates/{id}/pdf", get(certificates::download))
        .route("/verify", get(certificates::verify_form))
        .route("/verify/{code}", get(certificates::verify_page))
        .route(
            "/teach/runs/{run}/certificates",
            get(certificates::run_page),
        )
        .route(
            "/teach/runs/{run}/certificates/settings",
            post(certificates::save_settings),
        )
        .route(
            "/teach/runs/{run}/certificates/{id}/revoke",
            post(certificates::revoke),
        )
        .route(
            "/teach/runs/{run}/certificates/{id}/reissue",
            post(certificates::reissue),
        )
        .route(
            "/admin/certificates",
            get(certificates::template).post(certificates::save_template),
        )
        .route(
            "/admin/certificates/images",
            post(certificates::upload_image).layer(axum::extract::DefaultBodyLimit::max(
                amphi_app::certificates::MAX_IMAGE_BYTES + 64 * 1024,
            )),
        )
        .route("/admin/certificates/preview", get(certificates::preview))
}

/// The 404 page for unknown paths.
pub async fn not_found(ctx: Ctx) -> Response {
    ctx.render(
        StatusCode::NOT_FOUND,
        "error.html",
        minijinja::context! { message => amphi_app::i18n::t(ctx.locale, "err-not_found") },
    )
}

/// Turns a use-case error into the error page of this request.
pub(crate) trait PageResultExt<T> {
    /// Maps the error to a rendered page.
    fn or_page(self, ctx: &Ctx) -> Result<T, PageError>;
}

impl<T> PageResultExt<T> for Result<T, Error> {
    fn or_page(self, ctx: &Ctx) -> Result<T, PageError> {
        self.map_err(|e| ctx.fail(&e))
    }
}

/// Parses an optional keyset cursor from a query string.
pub(crate) fn cursor(after: Option<&str>) -> Result<Option<uuid::Uuid>, Error> {
    match after.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| Error::BadRequest(codes::CURSOR_INVALID)),
    }
}

/// A CSV download streamed page by page: the first page (already fetched, so access errors
/// become pages before the stream starts), then `next_page(cursor)` until a page has no next
/// cursor. Never the whole result in memory.
pub(crate) fn csv_download<F, Fut>(
    filename: String,
    header: impl Into<String>,
    first: (String, Option<uuid::Uuid>),
    next_page: F,
) -> Response
where
    F: Fn(uuid::Uuid) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(String, Option<uuid::Uuid>), Error>> + Send + 'static,
{
    use axum::response::IntoResponse;
    let state = (Some(header.into() + &first.0), first.1);
    use futures::StreamExt;
    // Fused: a body layer may poll once more after the end, which a bare `unfold` forbids.
    let stream = futures::stream::unfold(state, move |(pending, next)| {
        let fut = next.map(&next_page);
        async move {
            if let Some(chunk) = pending {
                return Some((Ok::<_, std::io::Error>(chunk), (None, next)));
            }
            match fut?.await {
                Ok((chunk, n)) => Some((Ok(chunk), (None, n))),
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), (None, None))),
            }
        }
    });
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        axum::body::Body::from_stream(stream.fuse()),
    )
        .into_response()
}
