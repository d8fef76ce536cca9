//! Second-factor recovery codes. They belong to one account, by its id; the caller has found
//! the account within its tenant.

use crate::entities::mfa_recovery_code;
use crate::DbResultExt;
use amphi_core::{Result, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

/// Replaces the account's recovery codes with these (SHA-256 hashes of the codes).
pub async fn replace_recovery_codes(
    c: &impl ConnectionTrait,
    user: UserId,
    hashes: Vec<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    delete_recovery_codes(c, user).await?;
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
    user: UserId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = mfa_recovery_code::Entity::update_many()
        .col_expr(mfa_recovery_code::Column::UsedAt, Expr::value(now))
        .filter(mfa_recovery_code::Column::CodeHash.eq(hash))
        .filter(mfa_recovery_code::Column::UserId.eq(user.0))
        .filter(mfa_recovery_code::Column::UsedAt.is_null())
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Deletes every recovery code of the account.
pub async fn delete_recovery_codes(c: &impl ConnectionTrait, user: UserId) -> Result<()> {
    mfa_recovery_code::Entity::delete_many()
        .filter(mfa_recovery_code::Column::UserId.eq(user.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// How many unused recovery codes the account has left.
pub async fn recovery_codes_left(c: &impl ConnectionTrait, user: UserId) -> Result<u64> {
    mfa_recovery_code::Entity::find()
        .filter(mfa_recovery_code::Column::UserId.eq(user.0))
        .filter(mfa_recovery_code::Column::UsedAt.is_null())
        .count(c)
        .await
        .db()
}
