//! Deleting a module or an item of the outline: a confirmation page first (it works without
//! JavaScript: a page with a POST form), saying what would go with it; learners' work stops a
//! deletion.

use super::outline::back_to_outline;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{CsrfForm, Empty};
use crate::pages::PageResultExt;
use crate::path::Ids;
use amphi_app::courses::authoring::{self, Deletion};
use amphi_core::{ItemId, ModuleId, RunId};
use minijinja::{context, Value};

fn confirm_page(
    ctx: &Ctx,
    rid: RunId,
    what: &str,
    d: &Deletion,
    action: String,
    back: String,
) -> PageResult {
    Ok(ctx.page(
        "teach/confirm_delete.html",
        context! {
            what, title => d.title, items => Value::from_serialize(&d.items), has_work => d.has_work(),
            run_id => rid.to_string(), action, back,
        },
    ))
}

/// GET /teach/runs/{run}/modules/{module}/delete — what deleting the module would take.
pub async fn module_confirm(
    Authed(ctx, su): Authed,
    Ids((rid, mid)): Ids<(RunId, ModuleId)>,
) -> PageResult {
    let d = authoring::module_deletion(&ctx.state.app, &su, rid, mid)
        .await
        .or_page(&ctx)?;
    let action = format!("/teach/runs/{rid}/modules/{mid}/delete");
    confirm_page(
        &ctx,
        rid,
        "module",
        &d,
        action,
        format!("/teach/runs/{rid}/outline#module-{mid}"),
    )
}

/// POST /teach/runs/{run}/modules/{module}/delete
pub async fn module_delete(
    Authed(ctx, su): Authed,
    Ids((rid, mid)): Ids<(RunId, ModuleId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    authoring::delete_module(&ctx.state.app, &su, rid, mid)
        .await
        .or_page(&ctx)?;
    Ok(back_to_outline(&ctx, rid, "", "flash-module-deleted"))
}

/// GET /teach/runs/{run}/items/{item}/delete — what deleting the item would take.
pub async fn item_confirm(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
) -> PageResult {
    let d = authoring::item_deletion(&ctx.state.app, &su, rid, iid)
        .await
        .or_page(&ctx)?;
    let action = format!("/teach/runs/{rid}/items/{iid}/delete");
    confirm_page(
        &ctx,
        rid,
        "item",
        &d,
        action,
        format!("/teach/runs/{rid}/items/{iid}"),
    )
}

/// POST /teach/runs/{run}/items/{item}/delete
pub async fn item_delete(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    authoring::delete_item(&ctx.state.app, &su, rid, iid)
        .await
        .or_page(&ctx)?;
    Ok(back_to_outline(&ctx, rid, "", "flash-item-deleted"))
}
