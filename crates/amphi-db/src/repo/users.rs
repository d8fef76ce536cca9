//! User accounts, always within one tenant.

use crate::dialect;
use crate::entities::user;
use crate::repo::Page;
use crate::DbResultExt;
use amphi_core::{Result, TenantId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, LikeExpr, OnConflict, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Normalised email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Argon2id PHC string, or None for accounts that sign in through SSO only.
    pub password_hash: Option<String>,
    /// Set when the address is already proven (admin-created, SSO).
    pub email_verified_at: Option<DateTime<Utc>>,
    /// Preferred language, if chosen.
    pub locale: Option<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// Platform administrator.
    pub is_platform_admin: bool,
    /// Tenant administrator.
    pub is_tenant_admin: bool,
}

/// The row of a new account.
fn new_row(tenant: TenantId, u: NewUser, now: DateTime<Utc>) -> user::ActiveModel {
    user::ActiveModel {
        id: Set(UserId::new().0),
        tenant_id: Set(tenant.0),
        email: Set(u.email),
        name: Set(u.name),
        password_hash: Set(u.password_hash),
        email_verified_at: Set(u.email_verified_at),
        locale: Set(u.locale),
        time_zone: Set(u.time_zone),
        is_platform_admin: Set(u.is_platform_admin),
        is_tenant_admin: Set(u.is_tenant_admin),
        active: Set(true),
        last_sign_in_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        mfa_secret: Set(None),
        mfa_enabled_at: Set(None),
        mfa_last_step: Set(None),
    }
}

/// Inserts an account; a taken email in the tenant is a conflict.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    u: NewUser,
    now: DateTime<Utc>,
) -> Result<user::Model> {
    new_row(tenant, u, now).insert(c).await.db()
}

/// Inserts accounts in one statement, skipping those whose email the tenant already has (an
/// account created meanwhile by someone else wins).
pub async fn insert_many_new(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    users: Vec<NewUser>,
    now: DateTime<Utc>,
) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    user::Entity::insert_many(users.into_iter().map(|u| new_row(tenant, u, now)))
        .on_conflict(
            OnConflict::columns([user::Column::TenantId, user::Column::Email])
                .do_nothing()
                .to_owned(),
        )
        .do_nothing()
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// The ids of the tenant's accounts with these (normalised) emails, by email.
pub async fn ids_by_email(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    emails: Vec<String>,
) -> Result<HashMap<String, Uuid>> {
    Ok(user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant.0))
        .filter(user::Column::Email.is_in(emails))
        .all(c)
        .await
        .db()?
        .into_iter()
        .map(|u| (u.email, u.id))
        .collect())
}

/// An account of this tenant by id.
pub async fn by_id(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: UserId,
) -> Result<Option<user::Model>> {
    user::Entity::find_by_id(id.0)
        .filter(user::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// An account of this tenant by (normalised) email.
pub async fn by_email(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    email: &str,
) -> Result<Option<user::Model>> {
    user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant.0))
        .filter(user::Column::Email.eq(email))
        .one(c)
        .await
        .db()
}

/// What to change on one account: each field set is written, the others are left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    /// Display name.
    pub name: Option<String>,
    /// Preferred language (None inside: follow the browser).
    pub locale: Option<Option<String>>,
    /// IANA time zone.
    pub time_zone: Option<String>,
    /// A new Argon2id PHC string.
    pub password_hash: Option<String>,
    /// When the address was proven.
    pub email_verified_at: Option<DateTime<Utc>>,
    /// When the person last signed in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Whether the account may sign in.
    pub active: Option<bool>,
    /// Tenant administrator.
    pub is_tenant_admin: Option<bool>,
    /// The sealed TOTP secret (None inside: removed).
    pub mfa_secret: Option<Option<String>>,
    /// When the second factor was turned on (None inside: turned off).
    pub mfa_enabled_at: Option<Option<DateTime<Utc>>>,
    /// The last TOTP step accepted.
    pub mfa_last_step: Option<i64>,
}

impl UserChanges {
    /// The columns to set, in one UPDATE.
    fn columns(self) -> Vec<(user::Column, SimpleExpr)> {
        let mut v = Vec::new();
        let mut put = |col, e: Option<SimpleExpr>| {
            if let Some(e) = e {
                v.push((col, e));
            }
        };
        put(user::Column::Name, self.name.map(Expr::value));
        put(user::Column::Locale, self.locale.map(Expr::value));
        put(user::Column::TimeZone, self.time_zone.map(Expr::value));
        put(
            user::Column::PasswordHash,
            self.password_hash.map(Expr::value),
        );
        put(
            user::Column::EmailVerifiedAt,
            self.email_verified_at.map(Expr::value),
        );
        put(
            user::Column::LastSignInAt,
            self.last_sign_in_at.map(Expr::value),
        );
        put(user::Column::Active, self.active.map(Expr::value));
        put(
            user::Column::IsTenantAdmin,
            self.is_tenant_admin.map(Expr::value),
        );
        put(user::Column::MfaSecret, self.mfa_secret.map(Expr::value));
        put(
            user::Column::MfaEnabledAt,
            self.mfa_enabled_at.map(Expr::value),
        );
        put(
            user::Column::MfaLastStep,
            self.mfa_last_step.map(Expr::value),
        );
        v
    }
}

/// Changes one account of this tenant; returns whether it existed.
pub async fn set(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: UserId,
    changes: UserChanges,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut q = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::TenantId.eq(tenant.0))
        .filter(user::Column::Id.eq(id.0));
    for (col, v) in changes.columns() {
        q = q.col_expr(col, v);
    }
    Ok(q.exec(c).await.db()?.rows_affected == 1)
}

/// Moves the account's last accepted TOTP step forward to `step`, only if it is behind:
/// two concurrent sign-ins with the same code cannot both pass. Returns whether it moved.
pub async fn advance_mfa_step(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: UserId,
    step: i64,
) -> Result<bool> {
    let r = user::Entity::update_many()
        .col_expr(user::Column::MfaLastStep, Expr::value(step))
        .filter(user::Column::TenantId.eq(tenant.0))
        .filter(user::Column::Id.eq(id.0))
        .filter(
            Condition::any()
                .add(user::Column::MfaLastStep.is_null())
                .add(user::Column::MfaLastStep.lt(step)),
        )
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Accounts of a tenant in creation order, optionally filtered by words in email or name.
pub async fn list(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    search: Option<&str>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<user::Model>> {
    let mut q = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant.0))
        .order_by_asc(user::Column::Id);
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        // lower() on both sides: the same case-insensitive match on SQLite and PostgreSQL.
        let pattern = format!("%{}%", dialect::like_escape(&s.to_lowercase()));
        let like = |col: user::Column| {
            Expr::expr(Func::lower(Expr::col(col)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        q = q.filter(
            Condition::any()
                .add(like(user::Column::Email))
                .add(like(user::Column::Name)),
        );
    }
    if let Some(a) = after {
        q = q.filter(user::Column::Id.gt(a));
    }
    let items = q.limit(limit + 1).all(c).await.db()?;
    Ok(Page::of(items, limit, |u| u.id))
}

/// How many platform administrators exist (setup is open while there are none).
pub async fn count_platform_admins(c: &impl ConnectionTrait) -> Result<u64> {
    user::Entity::find()
        .filter(user::Column::IsPlatformAdmin.eq(true))
        .count(c)
        .await
        .db()
}
