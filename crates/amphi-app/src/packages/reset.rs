//! The course team resets a learner's attempts at a package item: every attempt and its SCOs'
//! data are deleted, the item's progress and grade are cleared (the enrolment's count of
//! completed items with them), and the learner's next visit starts attempt 1. Audited as
//! `package.attempts_reset`.

use super::PackageItem;
use crate::assessment::gradebook::updates::{self, GradeReport};
use crate::{courses, App, Caller};
use amphi_core::course::ItemKind;
use amphi_core::policy::Action;
use amphi_core::{Error, ItemId, Result, RunId, UserId};
use amphi_db::repo::{enrolments as repo_e, packages as repo, progress, structure};

/// Resets `learner`'s attempts at the package item; how many attempts were deleted. A learner
/// without attempts is not found (nothing changes).
pub async fn attempts(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    learner: UserId,
) -> Result<u64> {
    courses::access_for(app, caller, run.0, Action::Grade).await?;
    let tenant = caller.tenant;
    let it = structure::item(app.db.reader(), tenant, run.0, item.0)
        .await?
        .filter(|i| i.kind().ok() == Some(ItemKind::Package))
        .ok_or(Error::NotFound)?;
    let settings = PackageItem::of(&it.settings);
    let now = app.now();
    let txn = app.db.begin().await?;
    let n = repo::delete_attempts_of(&txn, tenant, it.id, learner.0).await?;
    if n == 0 {
        return Err(Error::NotFound);
    }
    if progress::clear(&txn, tenant, it.id, learner.0).await? && it.published {
        if let Some(e) = repo_e::of(&txn, tenant, run.0, learner.0).await? {
            repo_e::remove_completed(&txn, tenant, e.id, now).await?;
        }
    }
    amphi_db::repo::audit::Event::new("package.attempts_reset", tenant)
        .actor(caller.user.id)
        .target(it.id.to_string())
        .ip(caller.meta.ip.clone())
        .detail(serde_json::json!({ "run": run.0, "learner": learner.0, "attempts": n }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    if settings.package_id.is_some() {
        updates::record(
            app,
            GradeReport {
                tenant_id: tenant.0,
                run_id: run.0,
                item_id: it.id,
                user_id: learner.0,
                points: None,
                max_points: settings.max_points,
            },
        )
        .await?;
    }
    Ok(n)
}
