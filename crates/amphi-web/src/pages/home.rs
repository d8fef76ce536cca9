//! The home page: a welcome for visitors, the "my courses" dashboard for learners.

use crate::ctx::Ctx;
use axum::response::Response;
use minijinja::context;

/// GET /
pub async fn home(ctx: Ctx) -> Response {
    if ctx.user.is_some() {
        // Courses arrive with the courses capability; the dashboard already has its place.
        let courses: Vec<minijinja::Value> = Vec::new();
        ctx.page("dashboard.html", context! { courses })
    } else {
        ctx.page("welcome.html", context! {})
    }
}
