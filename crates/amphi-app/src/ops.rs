//! Facts for operators: readiness and queue depth.

use crate::App;
use amphi_core::jobs::JobStatus;
use amphi_core::Result;

/// Whether this node can serve: the database answers and its schema is the one we expect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Ready.
    Ready,
    /// Not ready, with the reason.
    NotReady(String),
}

/// Checks the database and the schema version.
pub async fn readiness(app: &App) -> Readiness {
    if !app.db.ping().await {
        return Readiness::NotReady("database unreachable".into());
    }
    match app.db.schema_status().await {
        Ok(amphi_db::SchemaStatus::Current) => Readiness::Ready,
        Ok(amphi_db::SchemaStatus::Pending(n)) => {
            Readiness::NotReady(format!("{n} migrations pending"))
        }
        Ok(amphi_db::SchemaStatus::NewerThanBinary(_)) => {
            Readiness::NotReady("database schema is newer than this binary".into())
        }
        Err(_) => Readiness::NotReady("cannot read schema version".into()),
    }
}

/// The statuses [`job_depth`] counts: queued, running, dead.
pub use amphi_db::jobs::DEPTH_STATUSES;

/// Jobs per status (queued, running, dead).
pub async fn job_depth(app: &App) -> Result<Vec<(JobStatus, i64)>> {
    amphi_db::jobs::depth(app.db.reader()).await
}

/// Pool sizes: (open, idle).
pub fn pool_stats(app: &App) -> (u32, usize) {
    app.db.pool_stats()
}
