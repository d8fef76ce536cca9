//! Server-side sessions. The cookie holds a random secret; the table holds its SHA-256.
//! `delete` and `take` find a session by that hash alone: it is a 256-bit secret only the
//! browser holding the cookie knows, so it names one session of one tenant already.
//! `delete_expired` is the platform-wide housekeeping.

use crate::entities::{session, user};
use crate::shape::Shape;
use crate::DbResultExt;
use amphi_core::{Result, TenantId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Inserts a session.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut s: session::Model,
) -> Result<()> {
    s.tenant_id = tenant.0;
    let am: session::ActiveModel = s.into();
    am.insert(c).await.db()?;
    Ok(())
}

/// A session and its user in one query (the per-request cost).
pub async fn with_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id_hash: &str,
) -> Result<Option<(session::Model, user::Model)>> {
    // Every signed-in request runs this: its SQL is rendered once.
    static SHAPE: Shape = Shape::new();
    let row = SHAPE
        .one_two::<session::Model, user::Model, _>(c, &[id_hash.into(), tenant.0.into()], |p| {
            session::Entity::find()
                .filter(session::Column::Id.eq(p[0].clone()))
                .filter(session::Column::TenantId.eq(p[1].clone()))
                .find_also_related(user::Entity)
                .limit(1)
        })
        .await
        .db()?;
    Ok(row.and_then(|(s, u)| u.map(|u| (s, u))))
}

/// Records activity (the caller throttles this to once a minute per session).
pub async fn touch(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(id_hash))
        .filter(session::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Deletes one session.
pub async fn delete(c: &impl ConnectionTrait, id_hash: &str) -> Result<()> {
    session::Entity::delete_by_id(id_hash.to_owned())
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Deletes one session and returns it as it was (sign out).
pub async fn take(c: &impl ConnectionTrait, id_hash: &str) -> Result<Option<session::Model>> {
    let Some(s) = session::Entity::find_by_id(id_hash.to_owned())
        .one(c)
        .await
        .db()?
    else {
        return Ok(None);
    };
    let n = session::Entity::delete_by_id(id_hash.to_owned())
        .exec(c)
        .await
        .db()?
        .rows_affected;
    Ok((n == 1).then_some(s))
}

/// Deletes the sessions a provider's single logout names: its NameID, and among them only
/// those of the given SAML session indexes; returns the users whose sessions went.
pub async fn delete_for_sso(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    provider: uuid::Uuid,
    name_id: &str,
    session_indexes: &[String],
) -> Result<Vec<uuid::Uuid>> {
    let q = || {
        session::Entity::find()
            .filter(session::Column::TenantId.eq(tenant.0))
            .filter(session::Column::SsoProviderId.eq(provider))
            .filter(session::Column::SsoNameId.eq(name_id))
            .filter(session::Column::SsoSessionIndex.is_in(session_indexes.iter().cloned()))
    };
    let found = q().all(c).await.db()?;
    let mut users: Vec<uuid::Uuid> = found.iter().map(|s| s.user_id).collect();
    users.sort();
    users.dedup();
    session::Entity::delete_many()
        .filter(session::Column::Id.is_in(found.into_iter().map(|s| s.id)))
        .exec(c)
        .await
        .db()?;
    Ok(users)
}

/// Deletes every session of a user, but `keep` if given; returns how many went.
pub async fn delete_for_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    keep: Option<&str>,
) -> Result<u64> {
    let mut q = session::Entity::delete_many()
        .filter(session::Column::TenantId.eq(tenant.0))
        .filter(session::Column::UserId.eq(user.0));
    if let Some(k) = keep {
        q = q.filter(session::Column::Id.ne(k));
    }
    Ok(q.exec(c).await.db()?.rows_affected)
}

/// The sessions of a user, newest first.
pub async fn for_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
) -> Result<Vec<session::Model>> {
    session::Entity::find()
        .filter(session::Column::TenantId.eq(tenant.0))
        .filter(session::Column::UserId.eq(user.0))
        .order_by_desc(session::Column::LastSeenAt)
        .all(c)
        .await
        .db()
}

/// Removes sessions past their absolute expiry or idle since `idle_before`.
pub async fn delete_expired(
    c: &impl ConnectionTrait,
    now: DateTime<Utc>,
    idle_before: DateTime<Utc>,
) -> Result<u64> {
    Ok(session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(idle_before)),
        )
        .exec(c)
        .await
        .db()?
        .rows_affected)
}
