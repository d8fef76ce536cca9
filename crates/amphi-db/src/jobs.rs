//! The durable job queue. Producers insert rows (inside their own transaction, so a job exists
//! exactly when the change that wants it commits); workers claim due rows with a lease, run them,
//! and mark them done, or failed with exponential backoff, or dead after the last attempt.
//! Kinds and statuses are stored by their names ([`JobKind::as_str`], [`JobStatus::as_str`]);
//! a job is made from a typed payload ([`JobPayload`]), so none is queued under another's kind.
//!
//! The queue is platform-wide: a job names its tenant in its row (`NewJob::tenant`), and the
//! worker that claims it passes that tenant on to the use case, so these functions take none.

use crate::entities::job;
use crate::{dialect, Db, DbResultExt};
use amphi_core::jobs::{JobKind, JobStatus};
use amphi_core::{Error, Result, TenantId};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set,
    Statement, Value,
};
use serde::Serialize;
use uuid::Uuid;

/// What a job carries. Each payload type names its kind, so a payload cannot be queued under
/// another kind; the worker reads it back as the same type.
pub trait JobPayload: Serialize {
    /// The kind stored with it.
    const KIND: JobKind;
    /// How many tries before the job is dead.
    const MAX_ATTEMPTS: i32;
    /// Whether the payload is blanked once the job is done (mail carries one-time links,
    /// imports carry people's data).
    const REDACT_WHEN_DONE: bool = false;
}

/// A job to enqueue, made from a typed payload by [`NewJob::new`].
#[derive(Debug, Clone)]
pub struct NewJob {
    tenant: Option<TenantId>,
    kind: JobKind,
    payload: serde_json::Value,
    max_attempts: i32,
    run_at: Option<DateTime<Utc>>,
}

impl NewJob {
    /// A job carrying `payload`, for `tenant` if it works for one, due at once.
    pub fn new<P: JobPayload>(tenant: Option<TenantId>, payload: &P) -> Result<Self> {
        Ok(Self {
            tenant,
            kind: P::KIND,
            payload: serde_json::to_value(payload).map_err(Error::internal)?,
            max_attempts: P::MAX_ATTEMPTS,
            run_at: None,
        })
    }

    /// The same job, not started before `at` (at once if `None`).
    pub fn at(self, at: Option<DateTime<Utc>>) -> Self {
        Self { run_at: at, ..self }
    }

    fn row(self, id: Uuid, now: DateTime<Utc>) -> job::ActiveModel {
        job::ActiveModel {
            id: Set(id),
            tenant_id: Set(self.tenant.map(|t| t.0)),
            kind: Set(self.kind.as_str().to_owned()),
            payload: Set(self.payload.to_string()),
            status: Set(JobStatus::Queued.as_str().to_owned()),
            attempts: Set(0),
            max_attempts: Set(self.max_attempts.max(1)),
            run_at: Set(self.run_at.unwrap_or(now)),
            locked_until: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            finished_at: Set(None),
            progress_done: Set(0),
            progress_total: Set(None),
            result: Set(None),
        }
    }
}

impl job::Model {
    /// The stored kind read back; an error for a name this build does not know.
    pub fn kind(&self) -> Result<JobKind> {
        JobKind::parse("kind", &self.kind)
    }

    /// The stored status read back; an error for a name this build does not know.
    pub fn status(&self) -> Result<JobStatus> {
        JobStatus::parse("status", &self.status)
    }
}

/// Inserts a job; returns its id.
pub async fn enqueue(c: &impl ConnectionTrait, j: NewJob, now: DateTime<Utc>) -> Result<Uuid> {
    let id = Uuid::now_v7();
    j.row(id, now).insert(c).await.db()?;
    Ok(id)
}

/// Claims up to `limit` due jobs (and jobs whose worker died: lease expired) for `lease`: the
/// other jobs first, then mail (the kind that comes in large backlogs, one job per mail;
/// migration `m0010_job_lanes` indexes the others), each lane oldest first. On PostgreSQL concurrent workers skip
/// each other's rows; on SQLite the single writer makes the claim exclusive.
pub async fn claim(
    db: &Db,
    limit: u64,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<job::Model>> {
    let mut got = claim_lane(db, limit, lease, now, false).await?;
    if (got.len() as u64) < limit {
        got.extend(claim_lane(db, limit - got.len() as u64, lease, now, true).await?);
    }
    Ok(got)
}

async fn claim_lane(
    db: &Db,
    limit: u64,
    lease: Duration,
    now: DateTime<Utc>,
    mail: bool,
) -> Result<Vec<job::Model>> {
    let backend = db.backend();
    let lane = if mail { "=" } else { "<>" };
    let (queued, running) = (JobStatus::Queued.as_str(), JobStatus::Running.as_str());
    let mail_kind = JobKind::MailSend.as_str();
    let sql = format!(
        "UPDATE jobs SET status = '{running}', attempts = attempts + 1, locked_until = $1, updated_at = $2 \
         WHERE id IN (SELECT id FROM jobs \
           WHERE ((status = '{queued}' AND run_at <= $2) OR (status = '{running}' AND locked_until < $2)) \
             AND kind {lane} '{mail_kind}' \
           ORDER BY run_at LIMIT $3 {}) \
         RETURNING *",
        dialect::skip_locked(backend)
    );
    let stmt = Statement::from_sql_and_values(
        backend,
        sql,
        [
            Value::from(now + lease),
            Value::from(now),
            Value::from(limit as i64),
        ],
    );
    job::Model::find_by_statement(stmt)
        .all(db.writer())
        .await
        .db()
}

/// Marks a job done; `redact` replaces its payload (mail bodies carry one-time links).
pub async fn complete(
    c: &impl ConnectionTrait,
    id: Uuid,
    redact: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut q = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Done.as_str()))
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(job::Column::Id.eq(id));
    if redact {
        q = q.col_expr(job::Column::Payload, Expr::value("{}"));
    }
    q.exec(c).await.db()?;
    Ok(())
}

/// Backoff before attempt `attempts + 1`: 10 s, 20 s, 40 s … capped at one hour.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 12) - 1;
    Duration::seconds((10i64 << exp).min(3600))
}

/// Records a failure: requeued with backoff, or dead after the last attempt. Returns the new status.
pub async fn fail(
    c: &impl ConnectionTrait,
    j: &job::Model,
    error: &str,
    now: DateTime<Utc>,
) -> Result<JobStatus> {
    let dead = j.attempts >= j.max_attempts;
    let status = if dead {
        JobStatus::Dead
    } else {
        JobStatus::Queued
    };
    let mut q = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(status.as_str()))
        .col_expr(job::Column::LastError, Expr::value(truncate(error, 2000)))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(job::Column::Id.eq(j.id));
    if dead {
        q = q.col_expr(job::Column::FinishedAt, Expr::value(now));
    } else {
        q = q.col_expr(job::Column::RunAt, Expr::value(now + backoff(j.attempts)));
    }
    q.exec(c).await.db()?;
    Ok(status)
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The statuses [`depth`] counts.
pub const DEPTH_STATUSES: [JobStatus; 3] = [JobStatus::Queued, JobStatus::Running, JobStatus::Dead];

/// Number of jobs per status (queued, running, dead), for metrics and the admin page.
pub async fn depth(c: &impl ConnectionTrait) -> Result<Vec<(JobStatus, i64)>> {
    #[derive(FromQueryResult)]
    struct Row {
        status: String,
        n: i64,
    }
    let listed = DEPTH_STATUSES
        .map(|s| format!("'{}'", s.as_str()))
        .join(", ");
    let stmt = Statement::from_string(
        c.get_database_backend(),
        format!(
            "SELECT status, COUNT(*) AS n FROM jobs WHERE status IN ({listed}) GROUP BY status"
        ),
    );
    Ok(Row::find_by_statement(stmt)
        .all(c)
        .await
        .db()?
        .into_iter()
        .filter_map(|r| Some((JobStatus::parse("status", &r.status).ok()?, r.n)))
        .collect())
}

/// A job by id (tests and the admin page).
pub async fn by_id(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<job::Model>> {
    job::Entity::find_by_id(id).one(c).await.db()
}

/// Deletes finished jobs older than `before` (housekeeping).
pub async fn prune_done(c: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64> {
    Ok(job::Entity::delete_many()
        .filter(job::Column::Status.eq(JobStatus::Done.as_str()))
        .filter(job::Column::FinishedAt.lt(before))
        .exec(c)
        .await
        .db()?
        .rows_affected)
}

/// Inserts a job held for a decision (not run until [`release`]d), with a result to show.
pub async fn hold(
    c: &impl ConnectionTrait,
    j: NewJob,
    result: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = enqueue(c, j, now).await?;
    job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Held.as_str()))
        .col_expr(job::Column::Result, Expr::value(result.to_string()))
        .filter(job::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?;
    Ok(id)
}

/// Queues a held job (with the payload it was held with); false if it was not held.
pub async fn release(c: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<bool> {
    let r = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Queued.as_str()))
        .col_expr(job::Column::RunAt, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::Status.eq(JobStatus::Held.as_str()))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Records progress (and optionally the total) of a running job.
pub async fn progress(
    c: &impl ConnectionTrait,
    id: Uuid,
    done: i64,
    total: Option<i64>,
) -> Result<()> {
    let mut q = job::Entity::update_many()
        .col_expr(job::Column::ProgressDone, Expr::value(done))
        .filter(job::Column::Id.eq(id));
    if let Some(t) = total {
        q = q.col_expr(job::Column::ProgressTotal, Expr::value(t));
    }
    q.exec(c).await.db()?;
    Ok(())
}

/// Stores a job's result for the people who wait on it.
pub async fn set_result(
    c: &impl ConnectionTrait,
    id: Uuid,
    result: &serde_json::Value,
) -> Result<()> {
    job::Entity::update_many()
        .col_expr(job::Column::Result, Expr::value(result.to_string()))
        .filter(job::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Deletes held jobs nobody decided on (housekeeping).
pub async fn prune_held(c: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64> {
    Ok(job::Entity::delete_many()
        .filter(job::Column::Status.eq(JobStatus::Held.as_str()))
        .filter(job::Column::CreatedAt.lt(before))
        .exec(c)
        .await
        .db()?
        .rows_affected)
}

/// Inserts many jobs in multi-row statements of 500 (fan-outs: one mail per learner).
pub async fn enqueue_many(
    c: &impl ConnectionTrait,
    list: Vec<NewJob>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let n = list.len();
    let models: Vec<job::ActiveModel> = list
        .into_iter()
        .map(|j| j.row(Uuid::now_v7(), now))
        .collect();
    for chunk in models.chunks(500) {
        job::Entity::insert_many(chunk.to_vec())
            .exec(c)
            .await
            .db()?;
    }
    Ok(n)
}

/// Enqueues a job unless an identical one (same kind and payload) still waits to run: bursts of
/// changes (an instructor editing ten items) then cost one run of the job, not ten.
pub async fn enqueue_unique(
    c: &impl ConnectionTrait,
    j: NewJob,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>> {
    let waiting = job::Entity::find()
        .filter(job::Column::Status.eq(JobStatus::Queued.as_str()))
        .filter(job::Column::Kind.eq(j.kind.as_str()))
        .filter(job::Column::Payload.eq(j.payload.to_string()))
        .one(c)
        .await
        .db()?;
    if waiting.is_some() {
        return Ok(None);
    }
    enqueue(c, j, now).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(1), Duration::seconds(10));
        assert_eq!(backoff(2), Duration::seconds(20));
        assert_eq!(backoff(3), Duration::seconds(40));
        assert_eq!(backoff(20), Duration::seconds(3600));
    }
}
