//! Per-learner item progress.

use crate::entities::item_progress;
use crate::DbResultExt;
use amphi_core::course::ProgressState;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// A learner's progress on one item.
pub async fn one(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    user: Uuid,
) -> Result<Option<item_progress::Model>> {
    item_progress::Entity::find_by_id((item, user))
        .filter(item_progress::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// A new progress row in `state`.
fn new_row(
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    user: Uuid,
    state: ProgressState,
    now: DateTime<Utc>,
) -> item_progress::ActiveModel {
    item_progress::ActiveModel {
        item_id: Set(item),
        user_id: Set(user),
        tenant_id: Set(tenant.0),
        run_id: Set(run),
        state: Set(state.as_str().into()),
        watched_seconds: Set(0),
        updated_at: Set(now),
    }
}

/// Records a view if the item has no progress yet.
pub async fn mark_viewed(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    item_progress::Entity::insert(new_row(tenant, run, item, user, ProgressState::Viewed, now))
        .on_conflict(
            OnConflict::columns([item_progress::Column::ItemId, item_progress::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .do_nothing()
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Marks the item completed; true only if it was not completed before (so counters move once).
/// One statement: insert the row completed, or complete the existing one unless it already is.
pub async fn mark_completed(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = item_progress::Entity::insert(new_row(
        tenant,
        run,
        item,
        user,
        ProgressState::Completed,
        now,
    ))
    .on_conflict(
        OnConflict::columns([item_progress::Column::ItemId, item_progress::Column::UserId])
            .update_columns([
                item_progress::Column::State,
                item_progress::Column::UpdatedAt,
            ])
            .action_and_where(
                Expr::col((item_progress::Entity, item_progress::Column::State))
                    .ne(ProgressState::Completed.as_str()),
            )
            .to_owned(),
    )
    .exec_without_returning(c)
    .await
    .db()?;
    Ok(n == 1)
}

/// Which of `items` the learner has completed (one query, for the dashboard's deadlines).
pub async fn completed_among(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: Uuid,
    items: &[Uuid],
) -> Result<Vec<Uuid>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let rows = item_progress::Entity::find()
        .filter(item_progress::Column::TenantId.eq(tenant.0))
        .filter(item_progress::Column::UserId.eq(user))
        .filter(item_progress::Column::ItemId.is_in(items.iter().copied()))
        .filter(item_progress::Column::State.eq(ProgressState::Completed.as_str()))
        .all(c)
        .await
        .db()?;
    Ok(rows.into_iter().map(|r| r.item_id).collect())
}

/// Raises the watched time of a video (never lowers it); returns the new value.
pub async fn watched(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    user: Uuid,
    seconds: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    mark_viewed(c, tenant, run, item, user, now).await?;
    item_progress::Entity::update_many()
        .col_expr(item_progress::Column::WatchedSeconds, Expr::value(seconds))
        .col_expr(item_progress::Column::UpdatedAt, Expr::value(now))
        .filter(item_progress::Column::ItemId.eq(item))
        .filter(item_progress::Column::UserId.eq(user))
        .filter(item_progress::Column::TenantId.eq(tenant.0))
        .filter(item_progress::Column::WatchedSeconds.lt(seconds))
        .exec(c)
        .await
        .db()?;
    Ok(one(c, tenant, item, user)
        .await?
        .map_or(0, |p| p.watched_seconds))
}

/// Forgets a learner's progress on an item (the course team reset their work); true when the
/// item was completed, so that the enrolment's count comes down once.
pub async fn clear(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    user: Uuid,
) -> Result<bool> {
    let was = one(c, tenant, item, user).await?;
    if was.is_none() {
        return Ok(false);
    }
    item_progress::Entity::delete_many()
        .filter(item_progress::Column::TenantId.eq(tenant.0))
        .filter(item_progress::Column::ItemId.eq(item))
        .filter(item_progress::Column::UserId.eq(user))
        .exec(c)
        .await
        .db()?;
    Ok(was.is_some_and(|p| p.state == ProgressState::Completed.as_str()))
}
