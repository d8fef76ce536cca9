//! Stored files: the rows that name the objects in the object store. Rows of one run may share
//! an object (a new edition's copies keep the key of the original).

use crate::entities::stored_file;
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Records a stored file.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: stored_file::Model,
) -> Result<()> {
    m.tenant_id = tenant.0;
    stored_file::ActiveModel::from(m).insert(c).await.db()?;
    Ok(())
}

/// A file of a run of the tenant by id.
pub async fn by_id(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    id: Uuid,
) -> Result<Option<stored_file::Model>> {
    stored_file::Entity::find_by_id(id)
        .filter(stored_file::Column::TenantId.eq(tenant.0))
        .filter(stored_file::Column::RunId.eq(run))
        .one(c)
        .await
        .db()
}

/// The files of a run of the tenant with these ids (one query).
pub async fn in_run(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    ids: Vec<Uuid>,
) -> Result<Vec<stored_file::Model>> {
    stored_file::Entity::find()
        .filter(stored_file::Column::TenantId.eq(tenant.0))
        .filter(stored_file::Column::RunId.eq(run))
        .filter(stored_file::Column::Id.is_in(ids))
        .all(c)
        .await
        .db()
}

/// Deletes the row of a file of the tenant (not its object).
pub async fn delete(c: &impl ConnectionTrait, tenant: TenantId, id: Uuid) -> Result<()> {
    stored_file::Entity::delete_many()
        .filter(stored_file::Column::TenantId.eq(tenant.0))
        .filter(stored_file::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Whether a row of the tenant still names this object.
pub async fn key_in_use(c: &impl ConnectionTrait, tenant: TenantId, key: &str) -> Result<bool> {
    Ok(stored_file::Entity::find()
        .filter(stored_file::Column::TenantId.eq(tenant.0))
        .filter(stored_file::Column::StorageKey.eq(key))
        .one(c)
        .await
        .db()?
        .is_some())
}
