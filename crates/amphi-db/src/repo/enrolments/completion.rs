//! What a learner's work changes on the enrolment: completed items, the course grade, the
//! resume point, and the recount after the run's structure changed.

use crate::entities::enrolment;
use crate::DbResultExt;
use amphi_core::course::ProgressState;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// What changes on an enrolment row after a learner's work: one more completed item, a new
/// course grade, or both in one statement (a quiz submit does both).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Change {
    /// An item newly completed, and the run's item count (for the completion date).
    pub completed: Option<(Uuid, i64)>,
    /// The new course grade: percent and passed.
    pub grade: Option<(Option<f64>, bool)>,
}

/// Applies a `Change` to an enrolment (nothing when it is empty). A completed item adds one
/// to the count and, in the same statement, sets or clears the completion date against the
/// run's item count.
pub async fn apply(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    enrolment: Uuid,
    u: Change,
    now: DateTime<Utc>,
) -> Result<()> {
    if u == Change::default() {
        return Ok(());
    }
    let mut q = enrolment::Entity::update_many();
    if let Some((item, item_count)) = u.completed {
        let count = Expr::col(enrolment::Column::CompletedCount).add(1);
        let none: Option<DateTime<Utc>> = None;
        // SET expressions see the row as it was: the new count is `completed_count + 1`.
        let completed_at = if item_count > 0 {
            Expr::case(
                count.clone().gte(item_count),
                Func::coalesce([
                    Expr::col(enrolment::Column::CompletedAt).into(),
                    Expr::value(now),
                ]),
            )
            .finally(Expr::value(none))
            .into()
        } else {
            Expr::value(none)
        };
        q = q
            .col_expr(enrolment::Column::CompletedCount, count)
            .col_expr(enrolment::Column::CompletedAt, completed_at)
            .col_expr(enrolment::Column::LastItemId, Expr::value(item));
    }
    if let Some((percent, passed)) = u.grade {
        q = q
            .col_expr(enrolment::Column::GradePercent, Expr::value(percent))
            .col_expr(enrolment::Column::GradePassed, Expr::value(passed));
    }
    q.col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
        .filter(enrolment::Column::Id.eq(enrolment))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Counts one more completed item on an enrolment (see `apply`).
pub async fn add_completed(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    enrolment: Uuid,
    item: Uuid,
    item_count: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let completed = Some((item, item_count));
    apply(
        c,
        tenant,
        enrolment,
        Change {
            completed,
            grade: None,
        },
        now,
    )
    .await
}

/// Counts one completed item less on an enrolment (its progress was reset): the run is no
/// longer completed.
pub async fn remove_completed(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    enrolment: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let none: Option<DateTime<Utc>> = None;
    enrolment::Entity::update_many()
        .col_expr(
            enrolment::Column::CompletedCount,
            Expr::case(
                Expr::col(enrolment::Column::CompletedCount).gt(0),
                Expr::col(enrolment::Column::CompletedCount).sub(1),
            )
            .finally(Expr::value(0))
            .into(),
        )
        .col_expr(enrolment::Column::CompletedAt, Expr::value(none))
        .col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
        .filter(enrolment::Column::Id.eq(enrolment))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Records where the learner is (resume), without changing counts.
pub async fn set_last_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    enrolment: Uuid,
    item: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    enrolment::Entity::update_many()
        .col_expr(enrolment::Column::LastItemId, Expr::value(item))
        .col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
        .filter(enrolment::Column::Id.eq(enrolment))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Marks a run's enrolments complete or not from their counts against the run's item count
/// (one statement, after the structure changed).
pub async fn settle_completion(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    item_count: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    if item_count > 0 {
        enrolment::Entity::update_many()
            .col_expr(enrolment::Column::CompletedAt, Expr::value(now))
            .filter(enrolment::Column::RunId.eq(run))
            .filter(enrolment::Column::TenantId.eq(tenant.0))
            .filter(enrolment::Column::CompletedAt.is_null())
            .filter(enrolment::Column::CompletedCount.gte(item_count))
            .exec(c)
            .await
            .db()?;
    }
    let mut undo = enrolment::Entity::update_many()
        .col_expr(
            enrolment::Column::CompletedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::CompletedAt.is_not_null());
    if item_count > 0 {
        undo = undo.filter(enrolment::Column::CompletedCount.lt(item_count));
    }
    undo.exec(c).await.db()?;
    Ok(())
}

/// Recounts every enrolment's completed items of a run from the progress rows, counting only
/// published items of published modules, as `structure::countable_items` does (one statement;
/// run after items or modules are published or unpublished).
pub async fn recount(c: &impl ConnectionTrait, tenant: TenantId, run: Uuid) -> Result<()> {
    let stmt = sea_orm::Statement::from_sql_and_values(
        c.get_database_backend(),
        "UPDATE enrolments SET completed_count = (\
           SELECT COUNT(*) FROM item_progress p JOIN course_items i ON i.id = p.item_id \
             JOIN course_modules m ON m.id = i.module_id \
           WHERE p.user_id = enrolments.user_id AND p.run_id = enrolments.run_id \
             AND p.state = $4 AND i.published = $2 AND m.published = $2) \
         WHERE run_id = $1 AND tenant_id = $3",
        [
            run.into(),
            true.into(),
            tenant.0.into(),
            ProgressState::Completed.as_str().into(),
        ],
    );
    c.execute(stmt).await.db()?;
    Ok(())
}
