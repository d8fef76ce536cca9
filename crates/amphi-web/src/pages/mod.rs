//! The HTML user interface. Handlers are short: extract, call a use case, render.

mod account;
mod admin;
mod auth;
mod home;

use crate::ctx::Ctx;
use crate::WebState;
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
        .route("/signout", post(auth::signout))
        .route(
            "/password/forgot",
            get(auth::forgot_form).post(auth::forgot),
        )
        .route("/password/reset", get(auth::reset_form).post(auth::reset))
        .route("/setup", get(auth::setup_form).post(auth::setup))
        .route("/lang", post(account::set_language))
        .route("/account", get(account::show).post(account::update_profile))
        .route("/account/password", post(account::change_password))
        .route("/account/sessions/end-all", post(account::end_all_sessions))
        .route(
            "/account/tokens",
            get(account::tokens).post(account::create_token),
        )
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin", get(admin::index))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/{id}", post(admin::update_user))
        .route(
            "/admin/site",
            get(admin::site_form).post(admin::site_update),
        )
        .route("/admin/tenants", get(admin::tenants))
        .route(
            "/admin/tenants/new",
            get(admin::tenant_new_form).post(admin::tenant_create),
        )
        .route(
            "/admin/tenants/{id}",
            get(admin::tenant_edit_form).post(admin::tenant_update),
        )
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
    fn or_page(self, ctx: &Ctx) -> Result<T, Response>;
}

impl<T> PageResultExt<T> for Result<T, Error> {
    fn or_page(self, ctx: &Ctx) -> Result<T, Response> {
        self.map_err(|e| ctx.error_page(&e))
    }
}

/// Parses an optional keyset cursor from a query string.
pub(crate) fn cursor(after: Option<&str>) -> Result<Option<uuid::Uuid>, Error> {
    match after.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| Error::BadRequest("cursor_invalid")),
    }
}
