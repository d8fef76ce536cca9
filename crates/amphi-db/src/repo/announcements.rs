//! Announcements of a run, newest first.

use crate::entities::announcement;
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// Inserts an announcement.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: announcement::Model,
) -> Result<announcement::Model> {
    m.tenant_id = tenant.0;
    m.into_active_model().insert(c).await.db()
}

/// An announcement of the tenant by id.
pub async fn by_id(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<announcement::Model>> {
    announcement::Entity::find_by_id(id)
        .filter(announcement::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// The latest announcements of a run of the tenant.
pub async fn latest_of_run(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    limit: u64,
) -> Result<Vec<announcement::Model>> {
    announcement::Entity::find()
        .filter(announcement::Column::TenantId.eq(tenant.0))
        .filter(announcement::Column::RunId.eq(run))
        .order_by_desc(announcement::Column::Id)
        .limit(limit)
        .all(c)
        .await
        .db()
}
