//! The content structure of a run: ordered modules holding ordered items.

use crate::entities::{course_item, course_module};
use crate::repo::update_of_tenant;
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

/// The modules of a run in order.
pub async fn modules(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
) -> Result<Vec<course_module::Model>> {
    course_module::Entity::find()
        .filter(course_module::Column::TenantId.eq(tenant.0))
        .filter(course_module::Column::RunId.eq(run))
        .order_by_asc(course_module::Column::Position)
        .order_by_asc(course_module::Column::Id)
        .all(c)
        .await
        .db()
}

/// The items of a run, by module and position.
pub async fn items(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
) -> Result<Vec<course_item::Model>> {
    course_item::Entity::find()
        .filter(course_item::Column::TenantId.eq(tenant.0))
        .filter(course_item::Column::RunId.eq(run))
        .order_by_asc(course_item::Column::Position)
        .order_by_asc(course_item::Column::Id)
        .all(c)
        .await
        .db()
}

/// One module of a run.
pub async fn module(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    id: Uuid,
) -> Result<Option<course_module::Model>> {
    course_module::Entity::find_by_id(id)
        .filter(course_module::Column::TenantId.eq(tenant.0))
        .filter(course_module::Column::RunId.eq(run))
        .one(c)
        .await
        .db()
}

/// One item of a run.
pub async fn item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    id: Uuid,
) -> Result<Option<course_item::Model>> {
    course_item::Entity::find_by_id(id)
        .filter(course_item::Column::TenantId.eq(tenant.0))
        .filter(course_item::Column::RunId.eq(run))
        .one(c)
        .await
        .db()
}

/// Inserts a module.
pub async fn insert_module(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: course_module::Model,
) -> Result<course_module::Model> {
    m.tenant_id = tenant.0;
    let am: course_module::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// Inserts an item.
pub async fn insert_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: course_item::Model,
) -> Result<course_item::Model> {
    m.tenant_id = tenant.0;
    let am: course_item::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// Saves the fields in which `new` differs from `old` (a module of the tenant as the caller
/// read it).
pub async fn update_module(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    old: &course_module::Model,
    new: &course_module::Model,
) -> Result<course_module::Model> {
    update_of_tenant::<_, course_module::ActiveModel>(c, tenant, old.tenant_id, old, new).await
}

/// Saves the fields in which `new` differs from `old` (an item of the tenant as the caller
/// read it).
pub async fn save_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    old: &course_item::Model,
    new: &course_item::Model,
) -> Result<course_item::Model> {
    update_of_tenant::<_, course_item::ActiveModel>(c, tenant, old.tenant_id, old, new).await
}

/// Deletes an item (its progress rows go with it).
pub async fn delete_item(c: &impl ConnectionTrait, tenant: TenantId, id: Uuid) -> Result<()> {
    course_item::Entity::delete_many()
        .filter(course_item::Column::TenantId.eq(tenant.0))
        .filter(course_item::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Deletes a module and its items.
pub async fn delete_module(c: &impl ConnectionTrait, tenant: TenantId, id: Uuid) -> Result<()> {
    course_module::Entity::delete_many()
        .filter(course_module::Column::TenantId.eq(tenant.0))
        .filter(course_module::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// How many items of the run count towards progress: published items in published modules.
pub async fn countable_items(c: &impl ConnectionTrait, tenant: TenantId, run: Uuid) -> Result<i64> {
    let published_modules: Vec<Uuid> = course_module::Entity::find()
        .filter(course_module::Column::RunId.eq(run))
        .filter(course_module::Column::TenantId.eq(tenant.0))
        .filter(course_module::Column::Published.eq(true))
        .all(c)
        .await
        .db()?
        .into_iter()
        .map(|m| m.id)
        .collect();
    if published_modules.is_empty() {
        return Ok(0);
    }
    let n = course_item::Entity::find()
        .filter(course_item::Column::RunId.eq(run))
        .filter(course_item::Column::TenantId.eq(tenant.0))
        .filter(course_item::Column::Published.eq(true))
        .filter(course_item::Column::ModuleId.is_in(published_modules))
        .count(c)
        .await
        .db()?;
    Ok(n as i64)
}

/// Replaces an item's settings (JSON text).
pub async fn set_item_settings(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    settings: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<course_item::Model> {
    course_item::Entity::update_many()
        .col_expr(
            course_item::Column::Settings,
            sea_orm::sea_query::Expr::value(settings),
        )
        .col_expr(
            course_item::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(course_item::Column::TenantId.eq(tenant.0))
        .filter(course_item::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?;
    course_item::Entity::find_by_id(id)
        .one(c)
        .await
        .db()?
        .ok_or(amphi_core::Error::NotFound)
}

/// Replaces the settings of an item just read (assignments and peer assessments, whose
/// settings are merged over the stored ones): one UPDATE of that row.
pub async fn replace_item_settings(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: course_item::Model,
    settings: String,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let mut am = sea_orm::IntoActiveModel::into_active_model(item);
    am.settings = sea_orm::ActiveValue::Set(settings);
    am.updated_at = sea_orm::ActiveValue::Set(now);
    course_item::Entity::update(am)
        .filter(course_item::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// The learners' work on each item of a run that has any: (item, quiz attempts, submissions).
/// Deleting an item deletes this work with it, so the course team is told before.
pub async fn work_by_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
) -> Result<Vec<(Uuid, i64, i64)>> {
    use crate::entities::{quiz_attempt, submission};
    use sea_orm::QuerySelect;
    let attempts: Vec<(Uuid, i64)> = quiz_attempt::Entity::find()
        .select_only()
        .column(quiz_attempt::Column::ItemId)
        .column_as(quiz_attempt::Column::Id.count(), "n")
        .filter(quiz_attempt::Column::TenantId.eq(tenant.0))
        .filter(quiz_attempt::Column::RunId.eq(run))
        .group_by(quiz_attempt::Column::ItemId)
        .into_tuple()
        .all(c)
        .await
        .db()?;
    let submissions: Vec<(Uuid, i64)> = submission::Entity::find()
        .select_only()
        .column(submission::Column::ItemId)
        .column_as(submission::Column::Id.count(), "n")
        .filter(submission::Column::TenantId.eq(tenant.0))
        .filter(submission::Column::RunId.eq(run))
        .group_by(submission::Column::ItemId)
        .into_tuple()
        .all(c)
        .await
        .db()?;
    let mut out: Vec<(Uuid, i64, i64)> = attempts.into_iter().map(|(i, n)| (i, n, 0)).collect();
    for (item, n) in submissions {
        match out.iter_mut().find(|w| w.0 == item) {
            Some(w) => w.2 = n,
            None => out.push((item, 0, n)),
        }
    }
    Ok(out)
}
