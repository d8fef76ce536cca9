//! Packaged content: the versions of a course item's package, learners' attempts, and each
//! SCO's run-time data. A SCO's data is written only over the revision it was read at
//! (`commit_sco`), so a second tab on the same attempt cannot overwrite it silently.

use crate::entities::{package, package_attempt, package_sco, user};
use crate::repo::{update_of_tenant, Page};
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// Inserts a package version.
pub async fn insert_package(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut p: package::Model,
) -> Result<package::Model> {
    p.tenant_id = tenant.0;
    p.into_active_model().insert(c).await.db()
}

/// A package of the tenant.
pub async fn package(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<package::Model>> {
    package::Entity::find_by_id(id)
        .filter(package::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// Every version of an item's package, newest first.
pub async fn versions(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
) -> Result<Vec<package::Model>> {
    package::Entity::find()
        .filter(package::Column::TenantId.eq(tenant.0))
        .filter(package::Column::ItemId.eq(item))
        .order_by_desc(package::Column::Version)
        .all(c)
        .await
        .db()
}

/// A learner's attempts at an item, oldest first.
pub async fn attempts_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    user: Uuid,
) -> Result<Vec<package_attempt::Model>> {
    package_attempt::Entity::find()
        .filter(package_attempt::Column::TenantId.eq(tenant.0))
        .filter(package_attempt::Column::ItemId.eq(item))
        .filter(package_attempt::Column::UserId.eq(user))
        .order_by_asc(package_attempt::Column::Number)
        .all(c)
        .await
        .db()
}

/// An attempt of the tenant.
pub async fn attempt(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<package_attempt::Model>> {
    package_attempt::Entity::find_by_id(id)
        .filter(package_attempt::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// Inserts an attempt (a number the learner already has is a conflict).
pub async fn insert_attempt(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut a: package_attempt::Model,
) -> Result<package_attempt::Model> {
    a.tenant_id = tenant.0;
    a.into_active_model().insert(c).await.db()
}

/// Saves what changed in an attempt.
pub async fn update_attempt(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    old: &package_attempt::Model,
    new: &package_attempt::Model,
) -> Result<package_attempt::Model> {
    update_of_tenant::<_, package_attempt::ActiveModel>(c, tenant, old.tenant_id, old, new).await
}

/// A page of an item's attempts in id order, with the learner's account.
pub async fn attempts_page(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<(package_attempt::Model, Option<user::Model>)>> {
    let mut q = package_attempt::Entity::find()
        .filter(package_attempt::Column::TenantId.eq(tenant.0))
        .filter(package_attempt::Column::ItemId.eq(item));
    if let Some(a) = after {
        q = q.filter(package_attempt::Column::Id.gt(a));
    }
    let rows = q
        .order_by_asc(package_attempt::Column::Id)
        .limit(limit + 1)
        .all(c)
        .await
        .db()?;
    let ids: Vec<Uuid> = rows.iter().map(|a| a.user_id).collect();
    let users: std::collections::HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant.0))
        .filter(user::Column::Id.is_in(ids))
        .all(c)
        .await
        .db()?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let rows = rows
        .into_iter()
        .map(|a| {
            let u = users.get(&a.user_id).cloned();
            (a, u)
        })
        .collect();
    Ok(Page::of(rows, limit, |(a, _)| a.id))
}

/// The run-time data of every SCO of an attempt.
pub async fn scos(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    attempt: Uuid,
) -> Result<Vec<package_sco::Model>> {
    package_sco::Entity::find()
        .filter(package_sco::Column::TenantId.eq(tenant.0))
        .filter(package_sco::Column::AttemptId.eq(attempt))
        .order_by_asc(package_sco::Column::Sco)
        .all(c)
        .await
        .db()
}

/// The run-time data of every SCO of these attempts (one query for a page of attempts).
pub async fn scos_of_attempts(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    attempts: Vec<Uuid>,
) -> Result<Vec<package_sco::Model>> {
    if attempts.is_empty() {
        return Ok(vec![]);
    }
    package_sco::Entity::find()
        .filter(package_sco::Column::TenantId.eq(tenant.0))
        .filter(package_sco::Column::AttemptId.is_in(attempts))
        .order_by_asc(package_sco::Column::AttemptId)
        .order_by_asc(package_sco::Column::Sco)
        .all(c)
        .await
        .db()
}

/// The run-time data of one SCO of an attempt.
pub async fn sco(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    attempt: Uuid,
    sco: &str,
) -> Result<Option<package_sco::Model>> {
    package_sco::Entity::find_by_id((attempt, sco.to_owned()))
        .filter(package_sco::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// Inserts a SCO's first run-time data.
pub async fn insert_sco(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut s: package_sco::Model,
) -> Result<package_sco::Model> {
    s.tenant_id = tenant.0;
    s.into_active_model().insert(c).await.db()
}

/// Writes a SCO's run-time data (every column of `s`, its revision included) if the stored
/// revision is still `expected`; false when another writer got there first.
pub async fn commit_sco(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    s: &package_sco::Model,
    expected: i64,
) -> Result<bool> {
    use package_sco::Column as C;
    let r = package_sco::Entity::update_many()
        .col_expr(C::Revision, Expr::value(s.revision))
        .col_expr(C::Cmi, Expr::value(s.cmi.clone()))
        .col_expr(C::Completion, Expr::value(s.completion.clone()))
        .col_expr(C::Success, Expr::value(s.success.clone()))
        .col_expr(C::ScoreScaled, Expr::value(s.score_scaled))
        .col_expr(C::ScoreRaw, Expr::value(s.score_raw))
        .col_expr(C::ScoreMin, Expr::value(s.score_min))
        .col_expr(C::ScoreMax, Expr::value(s.score_max))
        .col_expr(C::BaseSeconds, Expr::value(s.base_seconds))
        .col_expr(C::SessionSeconds, Expr::value(s.session_seconds))
        .col_expr(C::UpdatedAt, Expr::value(s.updated_at))
        .filter(C::TenantId.eq(tenant.0))
        .filter(C::AttemptId.eq(s.attempt_id))
        .filter(C::Sco.eq(s.sco.clone()))
        .filter(C::Revision.eq(expected))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Deletes one SCO's run-time data.
pub async fn delete_sco(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    attempt: Uuid,
    sco: &str,
) -> Result<()> {
    package_sco::Entity::delete_many()
        .filter(package_sco::Column::TenantId.eq(tenant.0))
        .filter(package_sco::Column::AttemptId.eq(attempt))
        .filter(package_sco::Column::Sco.eq(sco.to_owned()))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Writes an attempt's sequencing state (revision `expected + 1`) if its stored revision is
/// still `expected`; false when another writer got there first.
pub async fn save_sequencing(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    attempt: Uuid,
    expected: i64,
    state: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    use package_attempt::Column as C;
    let r = package_attempt::Entity::update_many()
        .col_expr(C::SequencingState, Expr::value(state.to_owned()))
        .col_expr(C::SequencingRevision, Expr::value(expected + 1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::TenantId.eq(tenant.0))
        .filter(C::Id.eq(attempt))
        .filter(C::SequencingRevision.eq(expected))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Deletes a learner's attempts at an item with their SCOs' data; how many attempts there were.
pub async fn delete_attempts_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    user: Uuid,
) -> Result<u64> {
    let ids: Vec<Uuid> = attempts_of(c, tenant, item, user)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    if ids.is_empty() {
        return Ok(0);
    }
    package_sco::Entity::delete_many()
        .filter(package_sco::Column::TenantId.eq(tenant.0))
        .filter(package_sco::Column::AttemptId.is_in(ids.clone()))
        .exec(c)
        .await
        .db()?;
    let r = package_attempt::Entity::delete_many()
        .filter(package_attempt::Column::TenantId.eq(tenant.0))
        .filter(package_attempt::Column::Id.is_in(ids))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected)
}

/// Moves an attempt's sequencing revision on (a new launch of the player claims the state, so
/// that a page or tab still open on an older launch cannot save over it) if it is still
/// `expected`; false when another writer got there first.
pub async fn claim_sequencing(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    attempt: Uuid,
    expected: i64,
) -> Result<bool> {
    use package_attempt::Column as C;
    let r = package_attempt::Entity::update_many()
        .col_expr(C::SequencingRevision, Expr::value(expected + 1))
        .filter(C::TenantId.eq(tenant.0))
        .filter(C::Id.eq(attempt))
        .filter(C::SequencingRevision.eq(expected))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}
