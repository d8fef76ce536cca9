//! cmi5 pages of the course team: waiving an AU of a learner's attempt.

use super::PageResultExt;
use crate::ctx::Authed;
use crate::error::PageResult;
use crate::forms::CsrfForm;
use crate::path::Ids;
use amphi_app::packages::cmi5::waive;
use amphi_core::{ItemId, RunId};
use serde::Deserialize;
use uuid::Uuid;

/// The waiver form.
#[derive(Deserialize)]
pub struct WaiveForm {
    au: String,
    reason: String,
}

/// POST /teach/runs/{run}/items/{item}/package/attempts/{attempt}/waive
pub async fn waive(
    Authed(ctx, su): Authed,
    Ids((rid, iid, aid)): Ids<(RunId, ItemId, Uuid)>,
    CsrfForm(f): CsrfForm<WaiveForm>,
) -> PageResult {
    waive::waive(&ctx.state.app, &su, rid, iid, aid, &f.au, &f.reason)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(
        &format!("/teach/runs/{rid}/items/{iid}/package/attempts/{aid}"),
        "flash-cmi5-waived",
    ))
}
