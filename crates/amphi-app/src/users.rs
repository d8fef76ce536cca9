//! Accounts as administrators see and manage them.

use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::policy::{require, Action, Actor, Resource};
use amphi_core::{Error, Result, TenantId, UserId};
use amphi_db::repo::users::UserChanges;
use amphi_db::repo::{audit, users as repo_u, Page};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An account as pages and the API show it.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct User {
    /// Id.
    #[schema(value_type = String, format = Uuid)]
    pub id: UserId,
    /// Tenant.
    #[schema(value_type = String, format = Uuid)]
    pub tenant_id: TenantId,
    /// Email address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Whether the address is proven.
    pub email_verified: bool,
    /// Preferred language, if chosen.
    pub locale: Option<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// Platform administrator.
    pub is_platform_admin: bool,
    /// Tenant administrator.
    pub is_tenant_admin: bool,
    /// Deactivated accounts cannot sign in.
    pub active: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Last successful sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// A second factor (TOTP) is on.
    pub mfa_enabled: bool,
}

impl From<rows::User> for User {
    fn from(m: rows::User) -> Self {
        User {
            id: UserId(m.id),
            tenant_id: TenantId(m.tenant_id),
            email: m.email,
            name: m.name,
            email_verified: m.email_verified_at.is_some(),
            locale: m.locale,
            time_zone: m.time_zone,
            is_platform_admin: m.is_platform_admin,
            is_tenant_admin: m.is_tenant_admin,
            active: m.active,
            created_at: m.created_at,
            last_sign_in_at: m.last_sign_in_at,
            mfa_enabled: m.mfa_enabled_at.is_some(),
        }
    }
}

impl User {
    /// The user as an actor for the permission policy.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            tenant_id: self.tenant_id,
            is_platform_admin: self.is_platform_admin,
            is_tenant_admin: self.is_tenant_admin,
        }
    }
}

/// Accounts of a tenant, searchable, a page at a time.
pub async fn list(
    app: &App,
    caller: &Caller,
    search: Option<&str>,
    after: Option<uuid::Uuid>,
    limit: u64,
) -> Result<Page<User>> {
    let (actor, tenant) = (&caller.actor(), caller.tenant);
    require(actor, Action::List, Resource::TenantUsers(tenant))?;
    let p = repo_u::list(app.db.reader(), tenant, search, after, limit.clamp(1, 200)).await?;
    Ok(Page {
        items: p.items.into_iter().map(User::from).collect(),
        next: p.next,
    })
}

/// One account.
pub async fn get(app: &App, caller: &Caller, id: UserId) -> Result<User> {
    let (actor, tenant) = (&caller.actor(), caller.tenant);
    require(
        actor,
        Action::View,
        Resource::User {
            tenant_id: tenant,
            user_id: id,
        },
    )?;
    repo_u::by_id(app.db.reader(), tenant, id)
        .await?
        .map(User::from)
        .ok_or(Error::NotFound)
}

/// What an administrator may change on an account.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// Activate or deactivate (deactivation ends every session).
    pub active: Option<bool>,
    /// Give or take tenant administration.
    pub is_tenant_admin: Option<bool>,
}

/// Applies an administrator's change to an account.
pub async fn patch(app: &App, caller: &Caller, id: UserId, p: UserPatch) -> Result<User> {
    let (actor, tenant, meta) = (&caller.actor(), caller.tenant, &caller.meta);
    let res = Resource::User {
        tenant_id: tenant,
        user_id: id,
    };
    if p.is_tenant_admin.is_some() {
        require(actor, Action::ManageRoles, res)?;
    }
    if p.active.is_some() {
        require(actor, Action::Update, res)?;
        if id == actor.user_id {
            return Err(Error::BadRequest(codes::CANNOT_DEACTIVATE_SELF));
        }
        // Deactivating someone is an administrator's act, not a self-service one.
        require(actor, Action::ManageRoles, res)?;
    }
    if p.active.is_none() && p.is_tenant_admin.is_none() {
        return Err(Error::BadRequest(codes::NOTHING_TO_CHANGE));
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    let before = repo_u::by_id(&txn, tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let changes = UserChanges {
        active: p.active,
        is_tenant_admin: p.is_tenant_admin,
        ..UserChanges::default()
    };
    repo_u::set(&txn, tenant, id, changes, now).await?;
    if p.active == Some(false) {
        amphi_db::repo::sessions::delete_for_user(&txn, tenant, id, None).await?;
    }
    if let Some(a) = p.is_tenant_admin.filter(|a| *a != before.is_tenant_admin) {
        audit::Event::new("user.role_changed", tenant)
            .actor(actor.user_id)
            .target(before.email.clone())
            .ip(meta.ip.clone())
            .detail(serde_json::json!({ "tenant_admin": a }))
            .record(&txn, now)
            .await?;
    }
    if let Some(a) = p.active.filter(|a| *a != before.active) {
        let action = if a {
            "user.reactivated"
        } else {
            "user.deactivated"
        };
        audit::Event::new(action, tenant)
            .actor(actor.user_id)
            .target(before.email.clone())
            .ip(meta.ip.clone())
            .record(&txn, now)
            .await?;
    }
    let after = repo_u::by_id(&txn, tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(after.into())
}
