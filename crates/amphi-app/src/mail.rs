//! Outgoing mail is a job: use cases enqueue it in their transaction, the worker sends it.

use amphi_core::{Result, TenantId};
use amphi_db::jobs::{self, NewJob};
use amphi_db::Conn;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Job kind of a mail.
pub const MAIL_JOB: &str = amphi_db::jobs::MAIL_KIND;

/// A plain-text message ready to send.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutgoingMail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Body (plain text).
    pub text: String,
}

/// Queues a message; it is sent after the surrounding transaction commits.
pub async fn enqueue(
    c: &impl Conn,
    tenant: TenantId,
    m: OutgoingMail,
    now: DateTime<Utc>,
) -> Result<uuid::Uuid> {
    jobs::enqueue(
        c,
        NewJob {
            tenant: Some(tenant),
            kind: MAIL_JOB.into(),
            payload: serde_json::to_value(&m).map_err(amphi_core::Error::internal)?,
            max_attempts: 8,
            run_at: None,
        },
        now,
    )
    .await
}
