//! Single-use tokens sent by email: address verification, password reset, first-admin setup.

use crate::entities::email_token;
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Inserts a token (its hash).
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut t: email_token::Model,
) -> Result<()> {
    t.tenant_id = tenant.0;
    let am: email_token::ActiveModel = t.into();
    am.insert(c).await.db()?;
    Ok(())
}

/// A token by hash, whatever its state.
pub async fn find(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    hash: &str,
    purpose: &str,
) -> Result<Option<email_token::Model>> {
    email_token::Entity::find_by_id(hash.to_owned())
        .filter(email_token::Column::TenantId.eq(tenant.0))
        .filter(email_token::Column::Purpose.eq(purpose))
        .one(c)
        .await
        .db()
}

/// Marks the token used if it is unused and unexpired; returns it only if this call used it,
/// so two concurrent uses cannot both succeed.
pub async fn consume(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    hash: &str,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<Option<email_token::Model>> {
    let res = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(now))
        .filter(email_token::Column::TokenHash.eq(hash))
        .filter(email_token::Column::TenantId.eq(tenant.0))
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::UsedAt.is_null())
        .filter(email_token::Column::ExpiresAt.gt(now))
        .exec(c)
        .await
        .db()?;
    if res.rows_affected != 1 {
        return Ok(None);
    }
    find(c, tenant, hash, purpose).await
}

/// Invalidates every unused token of this purpose for a user (a new reset link voids older ones).
pub async fn void_for_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: uuid::Uuid,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(now))
        .filter(email_token::Column::TenantId.eq(tenant.0))
        .filter(email_token::Column::UserId.eq(user))
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Builds a row.
pub fn new_row(
    tenant: TenantId,
    user: Option<uuid::Uuid>,
    hash: String,
    purpose: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> email_token::Model {
    email_token::Model {
        token_hash: hash,
        tenant_id: tenant.0,
        user_id: user,
        purpose: purpose.to_owned(),
        expires_at,
        used_at: None,
        created_at: now,
    }
}
