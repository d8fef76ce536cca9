//! The append-only audit trail of security events.

use crate::entities::audit_event;
use crate::DbResultExt;
use amphi_core::{Result, TenantId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

/// One security event.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Tenant where it happened (None for platform-level events).
    pub tenant: Option<TenantId>,
    /// Who did it, if known.
    pub actor: Option<UserId>,
    /// What happened (`sign_in.success`, `user.role_changed`, …).
    pub action: &'a str,
    /// What it was done to.
    pub target: Option<String>,
    /// Client address.
    pub ip: Option<String>,
    /// Extra facts as JSON (never secrets).
    pub detail: serde_json::Value,
}

/// Appends an event.
pub async fn record(c: &impl ConnectionTrait, e: Event<'_>, now: DateTime<Utc>) -> Result<()> {
    audit_event::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(e.tenant.map(|t| t.0)),
        actor_user_id: Set(e.actor.map(|u| u.0)),
        action: Set(e.action.to_owned()),
        target: Set(e.target),
        ip: Set(e.ip),
        detail: Set(e.detail.to_string()),
        created_at: Set(now),
    }
    .insert(c)
    .await
    .db()?;
    Ok(())
}
