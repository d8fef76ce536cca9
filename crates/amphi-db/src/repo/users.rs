//! User accounts, always within one tenant.

use crate::dialect;
use crate::entities::user;
use crate::repo::Page;
use crate::DbResultExt;
use amphi_core::{Result, TenantId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, LikeExpr, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
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

/// Inserts an account; a taken email in the tenant is a conflict.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    u: NewUser,
    now: DateTime<Utc>,
) -> Result<user::Model> {
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
    .insert(c)
    .await
    .db()
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

/// Sets columns on one account of this tenant; returns whether it existed.
pub async fn set(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: UserId,
    changes: Vec<(user::Column, SimpleExpr)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut q = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::TenantId.eq(tenant.0))
        .filter(user::Column::Id.eq(id.0));
    for (col, v) in changes {
        q = q.col_expr(col, v);
    }
    Ok(q.exec(c).await.db()?.rows_affected == 1)
}

/// Saves a changed model (the caller loaded it within the tenant).
pub async fn update(c: &impl ConnectionTrait, m: user::ActiveModel) -> Result<user::Model> {
    m.update(c).await.db()
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
    let mut items = q.limit(limit + 1).all(c).await.db()?;
    let next = if items.len() as u64 > limit {
        items.truncate(limit as usize);
        items.last().map(|u| u.id)
    } else {
        None
    };
    Ok(Page { items, next })
}

/// How many platform administrators exist (setup is open while there are none).
pub async fn count_platform_admins(c: &impl ConnectionTrait) -> Result<u64> {
    user::Entity::find()
        .filter(user::Column::IsPlatformAdmin.eq(true))
        .count(c)
        .await
        .db()
}
