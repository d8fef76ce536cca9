//! Grade events: the outbox of grade changes that integrations read with a cursor.

use crate::courses::access;
use crate::{App, Caller};
use amphi_core::grades::GradeEventKind;
use amphi_core::policy::Action;
use amphi_core::{Result, RunId};
use amphi_db::repo::grades as repo;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// A grade change, for subscribers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GradeEvent {
    /// Cursor: pass as `after` to get the next ones.
    pub id: i64,
    /// Run.
    pub run_id: Uuid,
    /// Learner.
    pub user_id: Uuid,
    /// Column, for item and override events.
    pub grade_item_id: Option<Uuid>,
    /// `item`, `override` or `course`.
    #[schema(value_type = String)]
    pub kind: GradeEventKind,
    /// Before.
    pub before: Option<f64>,
    /// After.
    pub after: Option<f64>,
    /// Pass state, for course events.
    pub passed: Option<bool>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Grade events of a run after a cursor, oldest first (course team; for integrations).
pub async fn events(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    after: i64,
    limit: u64,
) -> Result<Vec<GradeEvent>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
    access(app, Some(&user.actor()), tenant, run_id, Action::List).await?;
    repo::events_after(
        app.db.reader(),
        tenant,
        Some(run_id),
        after,
        limit.clamp(1, 1000),
    )
    .await?
    .into_iter()
    .map(|e| {
        Ok(GradeEvent {
            kind: e.kind()?,
            id: e.id,
            run_id: e.run_id,
            user_id: e.user_id,
            grade_item_id: e.grade_item_id,
            before: e.before,
            after: e.after,
            passed: e.passed,
            at: e.at,
        })
    })
    .collect()
}
