//! Enrolment rows themselves: inserting them, finding a person's, changing their status, the
//! waiting list and the pages of a run's learners that batch jobs walk.

use crate::entities::enrolment;
use crate::shape::Shape;
use crate::DbResultExt;
use amphi_core::course::{CourseRole, EnrolmentStatus};
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Inserts an enrolment.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: enrolment::Model,
) -> Result<enrolment::Model> {
    m.tenant_id = tenant.0;
    let am: enrolment::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// A person's enrolment in a run (any status).
pub async fn of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
) -> Result<Option<enrolment::Model>> {
    static SHAPE: Shape = Shape::new();
    SHAPE
        .one(c, &[tenant.0.into(), run.into(), user.into()], |p| {
            enrolment::Entity::find()
                .filter(enrolment::Column::TenantId.eq(p[0].clone()))
                .filter(enrolment::Column::RunId.eq(p[1].clone()))
                .filter(enrolment::Column::UserId.eq(p[2].clone()))
                .limit(1)
        })
        .await
        .db()
}

/// Inserts enrolments in one statement.
pub async fn insert_many(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<enrolment::Model>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    enrolment::Entity::insert_many(rows.into_iter().map(|mut m| {
        m.tenant_id = tenant.0;
        enrolment::ActiveModel::from(m)
    }))
    .exec(c)
    .await
    .db()?;
    Ok(())
}

/// The enrolments in a run of the tenant of these people, by person.
pub async fn of_users(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    users: Vec<Uuid>,
) -> Result<HashMap<Uuid, enrolment::Model>> {
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::UserId.is_in(users))
        .all(c)
        .await
        .db()?
        .into_iter()
        .map(|e| (e.user_id, e))
        .collect())
}

/// Sets the status of one enrolment of the tenant, and its role when given (the caller keeps
/// the run's seat counts in step).
pub async fn set_status(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    status: EnrolmentStatus,
    role: Option<CourseRole>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut q = enrolment::Entity::update_many()
        .col_expr(enrolment::Column::Status, Expr::value(status.as_str()))
        .col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::Id.eq(id));
    if let Some(r) = role {
        q = q.col_expr(enrolment::Column::Role, Expr::value(r.as_str()));
    }
    q.exec(c).await.db()?;
    Ok(())
}

/// The oldest waiting enrolment of a run (promoted when a seat frees).
pub async fn first_waiting(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
) -> Result<Option<enrolment::Model>> {
    enrolment::Entity::find()
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::Waiting.as_str()))
        .order_by_asc(enrolment::Column::CreatedAt)
        .order_by_asc(enrolment::Column::Id)
        .one(c)
        .await
        .db()
}

/// A person's active or waiting enrolments across runs (their dashboard).
pub async fn for_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: Uuid,
) -> Result<Vec<enrolment::Model>> {
    enrolment::Entity::find()
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::UserId.eq(user))
        .filter(enrolment::Column::Status.is_in([
            EnrolmentStatus::Active.as_str(),
            EnrolmentStatus::Waiting.as_str(),
        ]))
        .order_by_desc(enrolment::Column::UpdatedAt)
        .all(c)
        .await
        .db()
}

/// Whether a person has an active place on some course team of the tenant (any role but
/// learner): what puts "Teaching" in their menu. One indexed lookup, at most one row.
pub async fn on_a_course_team(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: Uuid,
) -> Result<bool> {
    let found = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::Id)
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::UserId.eq(user))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::Active.as_str()))
        .filter(enrolment::Column::Role.ne(CourseRole::Learner.as_str()))
        .limit(1)
        .into_tuple::<Uuid>()
        .one(c)
        .await
        .db()?;
    Ok(found.is_some())
}

/// Active learner enrolments of a run after a cursor, in id order (batch jobs).
pub async fn page_of_run(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<enrolment::Model>> {
    let mut q = enrolment::Entity::find()
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::Active.as_str()))
        .filter(enrolment::Column::Role.eq("learner"))
        .order_by_asc(enrolment::Column::Id);
    if let Some(a) = after {
        q = q.filter(enrolment::Column::Id.gt(a));
    }
    q.limit(limit).all(c).await.db()
}
