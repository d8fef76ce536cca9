//! Quiz attempts. Every change of an attempt is guarded by `status = 'open'`, so a double
//! submit, or a save racing a submit, changes nothing.

use crate::entities::quiz_attempt;
use crate::shape::Shape;
use crate::DbResultExt;
use amphi_core::assessment::AttemptStatus;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, UpdateMany,
};
use uuid::Uuid;

/// A learner's attempts at one quiz, oldest first (unique index on item, user, number).
pub async fn of_learner(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    user: Uuid,
) -> Result<Vec<quiz_attempt::Model>> {
    static SHAPE: Shape = Shape::new();
    SHAPE
        .all(c, &[item.into(), user.into(), tenant.0.into()], |p| {
            quiz_attempt::Entity::find()
                .filter(quiz_attempt::Column::ItemId.eq(p[0].clone()))
                .filter(quiz_attempt::Column::UserId.eq(p[1].clone()))
                .filter(quiz_attempt::Column::TenantId.eq(p[2].clone()))
                .order_by_asc(quiz_attempt::Column::Number)
        })
        .await
        .db()
}

/// One attempt of the tenant.
pub async fn by_id(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<quiz_attempt::Model>> {
    static SHAPE: Shape = Shape::new();
    SHAPE
        .one(c, &[id.into(), tenant.0.into()], |p| {
            quiz_attempt::Entity::find()
                .filter(quiz_attempt::Column::Id.eq(p[0].clone()))
                .filter(quiz_attempt::Column::TenantId.eq(p[1].clone()))
                .limit(1)
        })
        .await
        .db()
}

/// Inserts an attempt; `Conflict` if the learner's attempt number is taken (a concurrent
/// start).
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: quiz_attempt::Model,
) -> Result<()> {
    m.tenant_id = tenant.0;
    quiz_attempt::Entity::insert(quiz_attempt::ActiveModel::from(m))
        .exec_without_returning(c)
        .await
        .db()?;
    Ok(())
}

/// Replaces the saved responses of an open attempt; false if it is no longer open.
pub async fn save_responses(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    responses: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = quiz_attempt::Entity::update_many()
        .col_expr(quiz_attempt::Column::Responses, Expr::value(responses))
        .col_expr(quiz_attempt::Column::SavedAt, Expr::value(now));
    change_in(c, tenant, id, AttemptStatus::Open, update).await
}

/// Closes an open attempt with its final responses and grade (results, score, whether essays
/// wait for a grader); false if it was not open.
pub async fn close(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    responses: &str,
    (results, score, pending): (&str, f64, bool),
    at: DateTime<Utc>,
) -> Result<bool> {
    let update = quiz_attempt::Entity::update_many()
        .col_expr(
            quiz_attempt::Column::Status,
            Expr::value(AttemptStatus::Submitted.as_str()),
        )
        .col_expr(quiz_attempt::Column::Responses, Expr::value(responses))
        .col_expr(quiz_attempt::Column::Results, Expr::value(results))
        .col_expr(quiz_attempt::Column::Score, Expr::value(score))
        .col_expr(quiz_attempt::Column::Pending, Expr::value(pending))
        .col_expr(quiz_attempt::Column::SubmittedAt, Expr::value(at));
    change_in(c, tenant, id, AttemptStatus::Open, update).await
}

/// Stores the grade of a pending attempt once its essays are graded; false if it was not
/// pending.
pub async fn regrade(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    results: &str,
    score: f64,
) -> Result<bool> {
    let update = quiz_attempt::Entity::update_many()
        .col_expr(quiz_attempt::Column::Results, Expr::value(results))
        .col_expr(quiz_attempt::Column::Score, Expr::value(score))
        .col_expr(quiz_attempt::Column::Pending, Expr::value(false))
        .filter(quiz_attempt::Column::Pending.eq(true));
    change_in(c, tenant, id, AttemptStatus::Submitted, update).await
}

/// Applies `update` to the attempt `id` of the tenant if it is still in `status`; false if it
/// was not (the guard that makes a double submit, or a save racing a submit, change nothing).
async fn change_in(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    status: AttemptStatus,
    update: UpdateMany<quiz_attempt::Entity>,
) -> Result<bool> {
    let r = update
        .filter(quiz_attempt::Column::Id.eq(id))
        .filter(quiz_attempt::Column::TenantId.eq(tenant.0))
        .filter(quiz_attempt::Column::Status.eq(status.as_str()))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Open attempts whose deadline passed before `before` (index on status, deadline), in every
/// tenant: the worker's deadline sweep, which closes each in its own row's tenant.
pub async fn expired_open(
    c: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<quiz_attempt::Model>> {
    quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::Status.eq(AttemptStatus::Open.as_str()))
        .filter(quiz_attempt::Column::DeadlineAt.lt(before))
        .order_by_asc(quiz_attempt::Column::DeadlineAt)
        .limit(limit)
        .all(c)
        .await
        .db()
}

/// Submitted attempts of a quiz whose essays wait for a grader, by id after a cursor.
pub async fn pending(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<quiz_attempt::Model>> {
    let mut q = quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::ItemId.eq(item))
        .filter(quiz_attempt::Column::Pending.eq(true))
        .filter(quiz_attempt::Column::TenantId.eq(tenant.0))
        .order_by_asc(quiz_attempt::Column::Id);
    if let Some(a) = after {
        q = q.filter(quiz_attempt::Column::Id.gt(a));
    }
    q.limit(limit).all(c).await.db()
}
