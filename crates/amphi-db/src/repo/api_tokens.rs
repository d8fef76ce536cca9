//! Personal access tokens for the JSON API (stored as SHA-256).

use crate::entities::{api_token, user};
use crate::DbResultExt;
use amphi_core::{Result, TenantId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// Inserts a token.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut t: api_token::Model,
) -> Result<api_token::Model> {
    t.tenant_id = tenant.0;
    let am: api_token::ActiveModel = t.into();
    am.insert(c).await.db()
}

/// A token and its owner by hash, in one query.
pub async fn with_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    hash: &str,
) -> Result<Option<(api_token::Model, user::Model)>> {
    let row = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash))
        .filter(api_token::Column::TenantId.eq(tenant.0))
        .find_also_related(user::Entity)
        .one(c)
        .await
        .db()?;
    Ok(row.and_then(|(t, u)| u.map(|u| (t, u))))
}

/// The tokens of a user, newest first.
pub async fn for_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
) -> Result<Vec<api_token::Model>> {
    api_token::Entity::find()
        .filter(api_token::Column::TenantId.eq(tenant.0))
        .filter(api_token::Column::UserId.eq(user.0))
        .order_by_desc(api_token::Column::Id)
        .all(c)
        .await
        .db()
}

/// Revokes one of the user's tokens; false if it is not theirs or already revoked.
pub async fn revoke(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::TenantId.eq(tenant.0))
        .filter(api_token::Column::UserId.eq(user.0))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Records use (throttled by the caller).
pub async fn touch(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}
