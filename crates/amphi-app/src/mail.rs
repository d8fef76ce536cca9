//! Outgoing mail is a job: use cases enqueue it in their transaction, the worker sends it.

use crate::jobs::{Job, JobContext, JobError};
use amphi_core::jobs::JobKind;
use amphi_core::{Result, TenantId};
use amphi_db::jobs::{self, JobPayload, NewJob};
use amphi_db::Conn;
use chrono::{DateTime, Utc};

/// A plain-text message ready to send; the payload of a `mail.send` job.
pub use crate::mailer::OutgoingMail;

impl JobPayload for OutgoingMail {
    const KIND: JobKind = JobKind::MailSend;
    const MAX_ATTEMPTS: i32 = 8;
    // The body carries one-time links.
    const REDACT_WHEN_DONE: bool = true;
}

impl Job for OutgoingMail {
    async fn run(self, cx: &JobContext<'_>) -> std::result::Result<(), JobError> {
        cx.mailer.send(&self).await.map_err(JobError::new)
    }
}

/// Queues a message; it is sent after the surrounding transaction commits.
pub async fn enqueue(
    c: &impl Conn,
    tenant: TenantId,
    m: OutgoingMail,
    now: DateTime<Utc>,
) -> Result<uuid::Uuid> {
    jobs::enqueue(c, NewJob::new(Some(tenant), &m)?, now).await
}
