//! Gradebook storage: settings, grade items, grades, the course grade on the enrolment, and
//! the grade event log.

use crate::entities::{enrolment, grade, grade_event, grade_item, gradebook_setting};
use crate::shape::Shape;
use crate::DbResultExt;
use amphi_core::grades::GradeEventKind;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, IntoCondition, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, JoinType, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

/// A run's gradebook settings, if any were saved.
pub async fn settings(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
) -> Result<Option<gradebook_setting::Model>> {
    gradebook_setting::Entity::find_by_id(run)
        .filter(gradebook_setting::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

// Every write to a run's settings or grade items bumps the run's version (scheme caches key on
// it), in the caller's transaction.

/// Saves a run's gradebook settings.
pub async fn save_settings(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: gradebook_setting::Model,
) -> Result<()> {
    m.tenant_id = tenant.0;
    let run = m.run_id;
    gradebook_setting::Entity::insert(gradebook_setting::ActiveModel::from(m))
        .on_conflict(
            OnConflict::column(gradebook_setting::Column::RunId)
                .update_columns([
                    gradebook_setting::Column::Categories,
                    gradebook_setting::Column::PassPercent,
                    gradebook_setting::Column::UpdatedAt,
                ])
                .action_and_where(
                    Expr::col((
                        gradebook_setting::Entity,
                        gradebook_setting::Column::TenantId,
                    ))
                    .eq(tenant.0),
                )
                .to_owned(),
        )
        .exec(c)
        .await
        .db()?;
    super::courses::bump_version(c, tenant, run).await
}

/// The grade items of a run, in order.
pub async fn items(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
) -> Result<Vec<grade_item::Model>> {
    static SHAPE: Shape = Shape::new();
    SHAPE
        .all(c, &[run.into(), tenant.0.into()], |p| {
            grade_item::Entity::find()
                .filter(grade_item::Column::RunId.eq(p[0].clone()))
                .filter(grade_item::Column::TenantId.eq(p[1].clone()))
                .order_by_asc(grade_item::Column::Position)
                .order_by_asc(grade_item::Column::CreatedAt)
        })
        .await
        .db()
}

/// The grade item of a course item, if it has one.
pub async fn item_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course_item: Uuid,
) -> Result<Option<grade_item::Model>> {
    grade_item::Entity::find()
        .filter(grade_item::Column::ItemId.eq(course_item))
        .filter(grade_item::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// One grade item of a run.
pub async fn item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    id: Uuid,
) -> Result<Option<grade_item::Model>> {
    grade_item::Entity::find_by_id(id)
        .filter(grade_item::Column::RunId.eq(run))
        .filter(grade_item::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// Inserts a grade item.
pub async fn insert_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: grade_item::Model,
) -> Result<()> {
    m.tenant_id = tenant.0;
    let run = m.run_id;
    grade_item::Entity::insert(grade_item::ActiveModel::from(m))
        .exec(c)
        .await
        .db()?;
    super::courses::bump_version(c, tenant, run).await
}

/// Gives a grade item a new maximum (its graded course item's changed); the run's scheme
/// changes with it.
pub async fn set_item_max(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: grade_item::Model,
    max_points: f64,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut am = item.into_active_model();
    am.max_points = Set(max_points);
    am.updated_at = Set(now);
    update_item(c, tenant, am).await
}

/// Renames a grade item and gives it a new maximum; returns it as stored.
pub async fn set_title_and_max(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: grade_item::Model,
    title: &str,
    max_points: f64,
    now: DateTime<Utc>,
) -> Result<grade_item::Model> {
    let mut out = item.clone();
    let mut am = item.into_active_model();
    am.title = Set(title.to_owned());
    am.max_points = Set(max_points);
    am.updated_at = Set(now);
    update_item(c, tenant, am).await?;
    out.title = title.to_owned();
    out.max_points = max_points;
    out.updated_at = now;
    Ok(out)
}

/// Places a grade item in the run's scheme: its category, weight and extra credit.
pub async fn place_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: grade_item::Model,
    (category, weight, extra_credit): (&str, f64, bool),
    now: DateTime<Utc>,
) -> Result<()> {
    let mut am = item.into_active_model();
    am.category = Set(category.to_owned());
    am.weight = Set(weight);
    am.extra_credit = Set(extra_credit);
    am.updated_at = Set(now);
    update_item(c, tenant, am).await
}

/// Writes the changed columns of a grade item (one UPDATE of its row) and bumps its run's
/// version, which keys the cached schemes.
async fn update_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    am: grade_item::ActiveModel,
) -> Result<()> {
    let m = grade_item::Entity::update(am)
        .filter(grade_item::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    super::courses::bump_version(c, tenant, m.run_id).await
}

/// One learner's grades in a run (index `grades_learner`).
pub async fn of_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
) -> Result<Vec<grade::Model>> {
    grade::Entity::find()
        .filter(grade::Column::RunId.eq(run))
        .filter(grade::Column::UserId.eq(user))
        .filter(grade::Column::TenantId.eq(tenant.0))
        .all(c)
        .await
        .db()
}

/// A learner's enrolment in a run and, in the same query, their grades in it: a LEFT JOIN
/// from the enrolment (one row per grade, or one without). Without an enrolment, the grades
/// are read on their own. What recording a grade reads before it writes.
pub async fn enrolment_with_grades(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
) -> Result<(Option<enrolment::Model>, Vec<grade::Model>)> {
    static SHAPE: Shape = Shape::new();
    let rows: Vec<(enrolment::Model, Option<grade::Model>)> = SHAPE
        .all_two(c, &[tenant.0.into(), run.into(), user.into()], |p| {
            enrolment::Entity::find()
                .filter(enrolment::Column::TenantId.eq(p[0].clone()))
                .filter(enrolment::Column::RunId.eq(p[1].clone()))
                .filter(enrolment::Column::UserId.eq(p[2].clone()))
                .select_also(grade::Entity)
                .join(
                    JoinType::LeftJoin,
                    enrolment::Entity::belongs_to(grade::Entity)
                        .from(enrolment::Column::RunId)
                        .to(grade::Column::RunId)
                        .on_condition(|l, r| {
                            Expr::col((l.clone(), enrolment::Column::UserId))
                                .equals((r.clone(), grade::Column::UserId))
                                .and(
                                    Expr::col((l, enrolment::Column::TenantId))
                                        .equals((r, grade::Column::TenantId)),
                                )
                                .into_condition()
                        })
                        .into(),
                )
        })
        .await
        .db()?;
    let mut rows = rows.into_iter();
    let Some((e, first)) = rows.next() else {
        return Ok((None, of_user(c, tenant, run, user).await?));
    };
    let grades = first
        .into_iter()
        .chain(rows.filter_map(|(_, g)| g))
        .collect();
    Ok((Some(e), grades))
}

/// The grades of some learners in a run (one page of the gradebook).
pub async fn of_users(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    users: &[Uuid],
) -> Result<Vec<grade::Model>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    grade::Entity::find()
        .filter(grade::Column::RunId.eq(run))
        .filter(grade::Column::UserId.is_in(users.iter().copied()))
        .filter(grade::Column::TenantId.eq(tenant.0))
        .all(c)
        .await
        .db()
}

/// One grade.
pub async fn one(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    grade_item: Uuid,
    user: Uuid,
) -> Result<Option<grade::Model>> {
    static SHAPE: Shape = Shape::new();
    SHAPE
        .one(c, &[grade_item.into(), user.into(), tenant.0.into()], |p| {
            grade::Entity::find()
                .filter(grade::Column::GradeItemId.eq(p[0].clone()))
                .filter(grade::Column::UserId.eq(p[1].clone()))
                .filter(grade::Column::TenantId.eq(p[2].clone()))
                .limit(1)
        })
        .await
        .db()
}

/// Inserts or replaces a grade's points and excused flag (the override is kept).
pub async fn upsert_points(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    m: grade::Model,
) -> Result<()> {
    upsert_grade(c, tenant, m, grade::Column::Points).await
}

/// Inserts or replaces a grade's override (points kept).
pub async fn upsert_override(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    m: grade::Model,
) -> Result<()> {
    upsert_grade(c, tenant, m, grade::Column::OverridePoints).await
}

/// Inserts a grade, or on the learner's grade of that item (if it is the tenant's) replaces
/// `points` (the points or the override), the excused flag and the time.
async fn upsert_grade(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: grade::Model,
    points: grade::Column,
) -> Result<()> {
    m.tenant_id = tenant.0;
    grade::Entity::insert(grade::ActiveModel::from(m))
        .on_conflict(
            OnConflict::columns([grade::Column::GradeItemId, grade::Column::UserId])
                .update_columns([points, grade::Column::Excused, grade::Column::UpdatedAt])
                .action_and_where(Expr::col((grade::Entity, grade::Column::TenantId)).eq(tenant.0))
                .to_owned(),
        )
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Stores a learner's course grade on their enrolment.
pub async fn set_course_grade(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    enrolment_id: Uuid,
    percent: Option<f64>,
    passed: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let grade = Some((percent, passed));
    let u = super::enrolments::Change {
        completed: None,
        grade,
    };
    super::enrolments::apply(c, tenant, enrolment_id, u, now).await
}

/// Stores (or clears) the course-total override on an enrolment.
pub async fn set_total_override(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    enrolment_id: Uuid,
    percent: Option<f64>,
) -> Result<()> {
    enrolment::Entity::update_many()
        .col_expr(
            enrolment::Column::GradeOverride,
            sea_orm::sea_query::Expr::value(percent),
        )
        .filter(enrolment::Column::Id.eq(enrolment_id))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// A grade change to log.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Tenant.
    pub tenant: TenantId,
    /// Run.
    pub run: Uuid,
    /// Learner.
    pub user: Uuid,
    /// The grade item, for item events.
    pub grade_item: Option<Uuid>,
    /// What changed the grade.
    pub kind: GradeEventKind,
    /// Value before (points or percent).
    pub before: Option<f64>,
    /// Value after.
    pub after: Option<f64>,
    /// Pass state after, for course events.
    pub passed: Option<bool>,
    /// Who changed it, when a person did.
    pub actor: Option<Uuid>,
}

/// Appends grade events in one statement, in order (their ids follow the order given).
/// Nothing to do for an empty list.
pub async fn log_events(
    c: &impl ConnectionTrait,
    events: Vec<NewEvent>,
    now: DateTime<Utc>,
) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    grade_event::Entity::insert_many(events.into_iter().map(|e| grade_event::ActiveModel {
        tenant_id: Set(e.tenant.0),
        run_id: Set(e.run),
        user_id: Set(e.user),
        grade_item_id: Set(e.grade_item),
        kind: Set(e.kind.as_str().to_owned()),
        before: Set(e.before),
        after: Set(e.after),
        passed: Set(e.passed),
        actor_id: Set(e.actor),
        at: Set(now),
        ..Default::default()
    }))
    .exec_without_returning(c)
    .await
    .db()?;
    Ok(())
}

/// Grade events of a tenant after a cursor, oldest first (for subscribers).
pub async fn events_after(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Option<Uuid>,
    after: i64,
    limit: u64,
) -> Result<Vec<grade_event::Model>> {
    use sea_orm::QuerySelect;
    let mut q = grade_event::Entity::find()
        .filter(grade_event::Column::TenantId.eq(tenant.0))
        .filter(grade_event::Column::Id.gt(after));
    if let Some(r) = run {
        q = q.filter(grade_event::Column::RunId.eq(r));
    }
    q.order_by_asc(grade_event::Column::Id)
        .limit(limit)
        .all(c)
        .await
        .db()
}
