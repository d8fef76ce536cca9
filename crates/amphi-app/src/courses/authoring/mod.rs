//! Building courses: courses, runs (editions), new editions, modules and items, the course team.

mod course;
mod item_form;
mod outline;
mod runs;

pub(crate) use course::require_course_editor;
pub use course::{create_course, update_course, CourseForm};
pub use item_form::ItemForm;
pub use outline::{
    add_item, add_module, delete_item, delete_module, item_deletion, module_deletion, move_item,
    move_item_to, move_module, outline, update_item, update_module, DeletedItem, Deletion,
    Direction, ModuleForm, Move, Outline,
};
pub use runs::{add_member, create_run, new_edition, update_run, RunForm};

use crate::jobs::{Job, JobContext, JobError};
use crate::App;
use amphi_core::codes;
use amphi_core::jobs::JobKind;
use amphi_core::{Error, Result, TenantId};
use amphi_db::jobs::{self, JobPayload, NewJob};
use amphi_db::repo::{courses as repo_c, enrolments as repo_e, structure};
use amphi_db::Conn;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A date typed in a form (`2027-03-01T09:00`, in the person's time zone) or sent by the API
/// (RFC 3339). Empty means none.
pub fn parse_when(field: &str, raw: Option<&str>, tz: &str) -> Result<Option<DateTime<Utc>>> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(Some(d.with_timezone(&Utc)));
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        })
        .map_err(|_| Error::field(field, codes::DATE_INVALID))?;
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|d| Some(d.with_timezone(&Utc)))
        .ok_or_else(|| Error::field(field, codes::DATE_INVALID))
}

/// After any structure change: the run's published item count is updated and its
/// `updated_at` bumped (structure caches key on it), and a job recounts learners' progress
/// (one statement per run, off the request path).
pub(crate) async fn structure_changed(
    c: &impl Conn,
    app: &App,
    tenant: TenantId,
    run: Uuid,
) -> Result<()> {
    let now = app.now();
    let n = structure::countable_items(c, tenant, run).await?;
    repo_c::touch_run(c, tenant, run, Some(n), now).await?;
    jobs::enqueue_unique(c, NewJob::new(Some(tenant), &RecountRun { run })?, now).await?;
    Ok(())
}

/// Ends a structure change: [`structure_changed`] in the transaction, then commits it.
pub(crate) async fn commit_structure(
    txn: amphi_db::Tx,
    app: &App,
    tenant: TenantId,
    run: Uuid,
) -> Result<()> {
    structure_changed(&txn, app, tenant, run).await?;
    txn.commit().await.map_err(Error::internal)
}

/// The payload of a `run.recount` job: the run whose learners' progress is recounted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecountRun {
    /// The run.
    pub run: Uuid,
}

impl JobPayload for RecountRun {
    const KIND: JobKind = JobKind::RunRecount;
    const MAX_ATTEMPTS: i32 = 5;
}

impl Job for RecountRun {
    async fn run(self, cx: &JobContext<'_>) -> std::result::Result<(), JobError> {
        let tenant = cx
            .tenant
            .ok_or_else(|| JobError::new("run.recount job without a tenant"))?;
        Ok(recount(cx.app, tenant, self.run).await?)
    }
}

/// The recount job: completed counts from progress rows, then completion dates.
async fn recount(app: &App, tenant: TenantId, run: Uuid) -> Result<()> {
    let txn = app.db.begin().await?;
    let n = structure::countable_items(&txn, tenant, run).await?;
    repo_e::recount(&txn, tenant, run).await?;
    repo_e::settle_completion(&txn, tenant, run, n, app.now()).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}
