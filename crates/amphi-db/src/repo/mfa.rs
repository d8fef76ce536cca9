//! Second-factor recovery codes. They belong to one account, by its id. The table has no
//! tenant column: the account's row in `users` already names the tenant, and a second copy
//! could only disagree with it. So every function takes the tenant too and reaches the codes
//! through the account's row (`user_id IN (SELECT id FROM users WHERE id = ? AND tenant_id =
//! ?)`): a user id from another tenant finds, changes and deletes nothing. The extra lookup is
//! on the users primary key, and these run only at sign-in and in the security settings.

use crate::entities::{mfa_recovery_code, user};
use crate::DbResultExt;
use amphi_core::{Error, Result, TenantId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

/// The account's id if it belongs to the tenant, as a subquery of `users`.
fn account(tenant: TenantId, user: UserId) -> SelectStatement {
    Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::Id.eq(user.0))
        .and_where(user::Column::TenantId.eq(tenant.0))
        .to_owned()
}

/// Replaces the account's recovery codes with these (SHA-256 hashes of the codes). An account
/// that is not the tenant's is not found.
pub async fn replace_recovery_codes(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    hashes: Vec<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    let known = user::Entity::find_by_id(user.0)
        .filter(user::Column::TenantId.eq(tenant.0))
        .count(c)
        .await
        .db()?;
    if known == 0 {
        return Err(Error::NotFound);
    }
    delete_recovery_codes(c, tenant, user).await?;
    let rows = hashes.into_iter().map(|h| mfa_recovery_code::ActiveModel {
        code_hash: Set(h),
        user_id: Set(user.0),
        used_at: Set(None),
        created_at: Set(now),
    });
    mfa_recovery_code::Entity::insert_many(rows)
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Uses up an unused recovery code of the account; returns whether there was one.
pub async fn use_recovery_code(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = mfa_recovery_code::Entity::update_many()
        .col_expr(mfa_recovery_code::Column::UsedAt, Expr::value(now))
        .filter(mfa_recovery_code::Column::CodeHash.eq(hash))
        .filter(mfa_recovery_code::Column::UserId.in_subquery(account(tenant, user)))
        .filter(mfa_recovery_code::Column::UsedAt.is_null())
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Deletes every recovery code of the account.
pub async fn delete_recovery_codes(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
) -> Result<()> {
    mfa_recovery_code::Entity::delete_many()
        .filter(mfa_recovery_code::Column::UserId.in_subquery(account(tenant, user)))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// How many unused recovery codes the account has left.
pub async fn recovery_codes_left(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
) -> Result<u64> {
    mfa_recovery_code::Entity::find()
        .filter(mfa_recovery_code::Column::UserId.in_subquery(account(tenant, user)))
        .filter(mfa_recovery_code::Column::UsedAt.is_null())
        .count(c)
        .await
        .db()
}
