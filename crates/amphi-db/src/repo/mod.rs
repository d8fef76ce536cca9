//! Repositories: the only code that builds queries. Every function on tenant-owned rows takes
//! the tenant scope as an argument, so a query that forgets it does not compile.

pub mod announcements;
pub mod api_tokens;
pub mod audit;
pub mod certificates;
pub mod cmi5;
pub mod courses;
pub mod email_tokens;
pub mod enrolments;
pub mod files;
pub mod grades;
pub mod identity;
pub mod lti;
pub mod mfa;
pub mod packages;
pub mod peer;
pub mod progress;
pub mod questions;
pub mod quiz;
pub mod rate_limits;
pub mod sessions;
pub mod settings;
pub mod structure;
pub mod submissions;
pub mod tenants;
pub mod users;
pub mod xapi;

use crate::DbResultExt;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Iterable, ModelTrait};

/// An update of only the columns in which `new` differs from `old` (the row as the caller read
/// it), so a column another writer changed meanwhile (a counter, a version) is not written back.
/// With no difference it is a no-op, which sea-orm answers by reading the row.
pub(crate) fn changes<M, A>(old: &M, new: &M) -> A
where
    M: ModelTrait + IntoActiveModel<A> + Clone,
    A: ActiveModelTrait<Entity = M::Entity>,
{
    let mut am = old.clone().into_active_model();
    for col in <M::Entity as EntityTrait>::Column::iter() {
        let v = new.get(col);
        if old.get(col) != v {
            am.set(col, v);
        }
    }
    am
}

/// Inserts rows of `tenant` (its id written in each row's `tenant_column`) in multi-row
/// statements of `chunk` rows at the most.
pub(crate) async fn insert_many_of_tenant<M, A>(
    c: &impl sea_orm::ConnectionTrait,
    tenant: amphi_core::TenantId,
    tenant_column: <M::Entity as EntityTrait>::Column,
    rows: Vec<M>,
    chunk: usize,
) -> amphi_core::Result<()>
where
    M: ModelTrait + IntoActiveModel<A> + Clone,
    A: ActiveModelTrait<Entity = M::Entity> + Send,
{
    for chunk in rows.chunks(chunk) {
        let models: Vec<A> = chunk
            .iter()
            .cloned()
            .map(|m| {
                let mut a = m.into_active_model();
                a.set(tenant_column, tenant.0.into());
                a
            })
            .collect();
        <M::Entity as EntityTrait>::insert_many(models)
            .exec(c)
            .await
            .db()?;
    }
    Ok(())
}

/// Saves the columns in which `new` differs from `old`, a row of `tenant` as the caller read it
/// (`owner`: the tenant the row belongs to); another tenant's row is not found.
pub(crate) async fn update_of_tenant<M, A>(
    c: &impl sea_orm::ConnectionTrait,
    tenant: amphi_core::TenantId,
    owner: uuid::Uuid,
    old: &M,
    new: &M,
) -> amphi_core::Result<M>
where
    M: ModelTrait + IntoActiveModel<A> + Clone,
    M::Entity: EntityTrait<Model = M>,
    A: ActiveModelTrait<Entity = M::Entity> + sea_orm::ActiveModelBehavior + Send,
{
    if owner != tenant.0 {
        return Err(amphi_core::Error::NotFound);
    }
    changes::<M, A>(old, new).update(c).await.db()
}

/// A page of rows in keyset order and the key to ask for the next page.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; None on the last page.
    pub next: Option<uuid::Uuid>,
}

impl<T> Page<T> {
    /// The page of rows read with `limit + 1`: the extra row only says that a next page exists,
    /// whose cursor is the `id` of the last row kept.
    pub(crate) fn of(mut items: Vec<T>, limit: u64, id: impl Fn(&T) -> uuid::Uuid) -> Self {
        let next = if items.len() as u64 > limit {
            items.truncate(limit as usize);
            items.last().map(id)
        } else {
            None
        };
        Page { items, next }
    }
}

/// Like [`crate::db_err`], except that an update which matched no row (the row is not the
/// tenant's, or is gone) is `NotFound`.
pub(crate) fn unwritten_is_not_found(e: sea_orm::DbErr) -> amphi_core::Error {
    match e {
        sea_orm::DbErr::RecordNotUpdated => amphi_core::Error::NotFound,
        e => crate::db_err(e),
    }
}
