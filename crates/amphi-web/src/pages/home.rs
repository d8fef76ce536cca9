//! The home page: a welcome for visitors, the "my courses" dashboard for learners.

use super::PageResultExt;
use crate::ctx::Ctx;
use crate::error::PageResult;
use minijinja::context;

/// GET /
pub async fn home(ctx: Ctx) -> PageResult {
    let Some(su) = ctx.caller() else {
        return Ok(ctx.page("welcome.html", context! {}));
    };
    let d = amphi_app::courses::dashboard::dashboard(&ctx.state.app, &su)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "dashboard.html",
        context! {
            courses => minijinja::Value::from_serialize(&d.courses),
            announcements => minijinja::Value::from_serialize(&d.announcements),
            deadlines => minijinja::Value::from_serialize(&d.deadlines),
        },
    ))
}
