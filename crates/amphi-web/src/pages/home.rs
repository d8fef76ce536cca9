//! The home page: a welcome for visitors, the "my courses" dashboard for learners.

use crate::ctx::Ctx;
use axum::response::Response;
use minijinja::context;

/// GET /
pub async fn home(ctx: Ctx) -> Response {
    if let Some(su) = &ctx.user {
        match amphi_app::courses::learn::dashboard(&ctx.state.app, &su.user, ctx.tenant.id).await {
            Ok(entries) => ctx.page(
                "dashboard.html",
                context! { courses => minijinja::Value::from_serialize(&entries) },
            ),
            Err(e) => ctx.error_page(&e),
        }
    } else {
        ctx.page("welcome.html", context! {})
    }
}
