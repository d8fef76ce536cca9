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

impl<'a> Event<'a> {
    /// An event of a tenant, with no actor, target, address or detail yet.
    pub fn new(action: &'a str, tenant: TenantId) -> Self {
        Event {
            tenant: Some(tenant),
            actor: None,
            action,
            target: None,
            ip: None,
            detail: serde_json::json!({}),
        }
    }

    /// Who did it.
    pub fn actor(mut self, user: UserId) -> Self {
        self.actor = Some(user);
        self
    }

    /// What it was done to.
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// From which client address.
    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }

    /// Extra facts (never secrets).
    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }

    /// Appends the event.
    pub async fn record(self, c: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<()> {
        record(c, self, now).await
    }
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
