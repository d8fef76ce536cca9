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

    /// An event of a tenant that a person did to their own account: they are its actor and,
    /// by their address, its target.
    pub fn of_person(action: &'a str, tenant: TenantId, person: &crate::rows::User) -> Self {
        Event::new(action, tenant)
            .actor(UserId(person.id))
            .target(person.email.clone())
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

/// Filters of the audit trail.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Words in the action, the target or the address.
    pub search: Option<String>,
    /// Actions starting with this (`sign_in`, `user.`, …).
    pub action_prefix: Option<String>,
    /// Events at or after.
    pub from: Option<DateTime<Utc>>,
    /// Events before.
    pub to: Option<DateTime<Utc>>,
}

/// A tenant's events, newest first, keyset-paginated by id.
pub async fn list(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    q: &Query,
    before: Option<uuid::Uuid>,
    limit: u64,
) -> Result<crate::repo::Page<audit_event::Model>> {
    use sea_orm::sea_query::{Expr, Func, LikeExpr};
    use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let mut sel = audit_event::Entity::find()
        .filter(audit_event::Column::TenantId.eq(tenant.0))
        .order_by_desc(audit_event::Column::Id);
    if let Some(p) = q.action_prefix.as_deref().filter(|p| !p.is_empty()) {
        let pattern = LikeExpr::new(format!("{}%", crate::dialect::like_escape(p))).escape('\\');
        sel = sel.filter(Expr::col(audit_event::Column::Action).like(pattern));
    }
    if let Some(s) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!("%{}%", crate::dialect::like_escape(&s.to_lowercase()));
        let like = |col: audit_event::Column| {
            Expr::expr(Func::lower(Expr::col(col)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        sel = sel.filter(
            Condition::any()
                .add(like(audit_event::Column::Action))
                .add(like(audit_event::Column::Target))
                .add(like(audit_event::Column::Ip)),
        );
    }
    if let Some(f) = q.from {
        sel = sel.filter(audit_event::Column::CreatedAt.gte(f));
    }
    if let Some(t) = q.to {
        sel = sel.filter(audit_event::Column::CreatedAt.lt(t));
    }
    if let Some(b) = before {
        sel = sel.filter(audit_event::Column::Id.lt(b));
    }
    let items = sel.limit(limit + 1).all(c).await.db()?;
    Ok(crate::repo::Page::of(items, limit, |x| x.id))
}
