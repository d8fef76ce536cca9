//! Jobs as typed values. Each kind of job is one payload type, declared next to its use case:
//! [`JobPayload`] (in `amphi-db`, which queues it) names its kind and its attempts, [`Job`]
//! says how it runs. The worker (`amphi-jobs`) reads a claimed job's kind, reads its payload
//! back as that kind's type and runs it.

use crate::mailer::Mailer;
use crate::App;
use amphi_core::TenantId;
use amphi_db::jobs::{self, JobPayload};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use uuid::Uuid;

/// A job the worker runs: its payload, read back from the queue.
pub trait Job: JobPayload + DeserializeOwned + Send + 'static {
    /// Does the work. An error fails this attempt: the job is tried again after a backoff, and
    /// is dead after its last attempt (see `amphi_db::jobs::fail`).
    fn run(self, cx: &JobContext<'_>) -> impl Future<Output = Result<(), JobError>> + Send;
}

/// What a running job works with: the app, the mailer, and its own row.
pub struct JobContext<'a> {
    /// The application.
    pub app: &'a App,
    /// Where mail goes.
    pub mailer: &'a Mailer,
    /// The job's id (for its progress and result).
    pub id: Uuid,
    /// The tenant the job was queued for, if any.
    pub tenant: Option<TenantId>,
}

impl JobContext<'_> {
    /// The tenant the job works for; a failure for a job queued without one.
    pub fn tenant(&self) -> Result<TenantId, JobError> {
        self.tenant
            .ok_or_else(|| JobError::new("job without tenant"))
    }

    /// Stores the job's result for the people who wait on it.
    pub async fn keep_result(&self, result: &impl Serialize) -> Result<(), JobError> {
        let value = serde_json::to_value(result).map_err(amphi_core::Error::internal)?;
        jobs::set_result(self.app.db.writer(), self.id, &value).await?;
        Ok(())
    }
}

/// Why an attempt failed, kept as the job's `last_error`. Every failure is retried the same
/// way, so the message is all it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError(String);

impl JobError {
    /// A failure with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<amphi_core::Error> for JobError {
    fn from(e: amphi_core::Error) -> Self {
        Self(e.to_string())
    }
}
