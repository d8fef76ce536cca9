//! The xAPI Learning Record Store: clients and learner tokens, statements with the agents and
//! activities they name, attachments, activity definitions and documents.
//!
//! Identifiers that queries filter on (agent keys, activity and verb IRIs) are indexed as the
//! first 64 bits of their SHA-256 ([`hash`]): every index entry is a few bytes whatever the
//! length of an IRI. Two different identifiers sharing 64 bits is the one way a filter could
//! match a statement it should not (about one chance in 10^12 among a million identifiers).
//!
//! Every function on tenant rows takes the tenant. Two do not: `client_by_key` and `token`
//! (a request names only the key; the caller compares the row's tenant with the site's), and
//! `prune_tokens`, the platform-wide housekeeping of expired tokens.

use crate::entities::{xapi_activity, xapi_attachment, xapi_client, xapi_token};
use crate::repo::update_of_tenant;
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use sha2::Digest;
use uuid::Uuid;

mod documents;
mod statements;

pub use documents::*;
pub use statements::*;

/// The 64-bit hash an identifier is indexed by.
pub fn hash(s: &str) -> i64 {
    let d = sha2::Sha256::digest(s.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    i64::from_be_bytes(b)
}

pub(crate) fn hex_hash(parts: &[&str]) -> String {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

// ----- clients and tokens

/// Inserts a client.
pub async fn insert_client(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: xapi_client::Model,
) -> Result<xapi_client::Model> {
    m.tenant_id = tenant.0;
    m.into_active_model().insert(c).await.db()
}

/// The tenant's clients by name.
pub async fn clients(
    c: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<xapi_client::Model>> {
    xapi_client::Entity::find()
        .filter(xapi_client::Column::TenantId.eq(tenant.0))
        .order_by_asc(xapi_client::Column::Name)
        .order_by_asc(xapi_client::Column::Id)
        .all(c)
        .await
        .db()
}

/// A client of the tenant.
pub async fn client(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<xapi_client::Model>> {
    xapi_client::Entity::find()
        .filter(xapi_client::Column::TenantId.eq(tenant.0))
        .filter(xapi_client::Column::Id.eq(id))
        .one(c)
        .await
        .db()
}

/// A client by key, whatever its tenant (the caller compares it with the site's).
pub async fn client_by_key(
    c: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<xapi_client::Model>> {
    xapi_client::Entity::find()
        .filter(xapi_client::Column::Key.eq(key))
        .one(c)
        .await
        .db()
}

/// Saves what changed in a client of the tenant.
pub async fn update_client(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    old: &xapi_client::Model,
    new: &xapi_client::Model,
) -> Result<xapi_client::Model> {
    update_of_tenant::<_, xapi_client::ActiveModel>(c, tenant, old.tenant_id, old, new).await
}

/// Deletes a client of the tenant.
pub async fn delete_client(c: &impl ConnectionTrait, tenant: TenantId, id: Uuid) -> Result<u64> {
    Ok(xapi_client::Entity::delete_many()
        .filter(xapi_client::Column::TenantId.eq(tenant.0))
        .filter(xapi_client::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?
        .rows_affected)
}

/// Inserts a learner token.
pub async fn insert_token(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: xapi_token::Model,
) -> Result<()> {
    m.tenant_id = tenant.0;
    xapi_token::Entity::insert(m.into_active_model())
        .exec_without_returning(c)
        .await
        .db()?;
    Ok(())
}

/// A learner token by key, whatever its tenant (the caller compares it with the site's).
pub async fn token(c: &impl ConnectionTrait, key: &str) -> Result<Option<xapi_token::Model>> {
    xapi_token::Entity::find_by_id(key.to_owned())
        .one(c)
        .await
        .db()
}

/// Deletes the tokens expired before `now` (every tenant's).
pub async fn prune_tokens(c: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(xapi_token::Entity::delete_many()
        .filter(xapi_token::Column::ExpiresAt.lt(now))
        .exec(c)
        .await
        .db()?
        .rows_affected)
}

// ----- attachments

/// Stores attachments' content (one already stored is kept).
pub async fn insert_attachments(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<xapi_attachment::Model>,
) -> Result<()> {
    for r in rows {
        let mut r = r;
        r.tenant_id = tenant.0;
        xapi_attachment::Entity::insert(r.into_active_model())
            .on_conflict(
                OnConflict::columns([
                    xapi_attachment::Column::TenantId,
                    xapi_attachment::Column::Sha2,
                ])
                .do_nothing()
                .to_owned(),
            )
            .do_nothing()
            .exec_without_returning(c)
            .await
            .db()?;
    }
    Ok(())
}

/// The stored attachments among `sha2s`.
pub async fn attachments(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    sha2s: &[String],
) -> Result<Vec<xapi_attachment::Model>> {
    if sha2s.is_empty() {
        return Ok(Vec::new());
    }
    xapi_attachment::Entity::find()
        .filter(xapi_attachment::Column::TenantId.eq(tenant.0))
        .filter(xapi_attachment::Column::Sha2.is_in(sha2s.iter().cloned()))
        .all(c)
        .await
        .db()
}

// ----- activities

/// An activity's stored definition.
pub async fn activity(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: &str,
) -> Result<Option<xapi_activity::Model>> {
    xapi_activity::Entity::find()
        .filter(xapi_activity::Column::TenantId.eq(tenant.0))
        .filter(xapi_activity::Column::IdHash.eq(hex_hash(&[id])))
        .one(c)
        .await
        .db()
}

/// The stored definitions among the activities `ids`: (activity id, definition).
pub async fn activities(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[String],
) -> Result<Vec<(String, String)>> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    xapi_activity::Entity::find()
        .select_only()
        .column(xapi_activity::Column::ActivityId)
        .column(xapi_activity::Column::Definition)
        .filter(xapi_activity::Column::TenantId.eq(tenant.0))
        .filter(xapi_activity::Column::IdHash.is_in(ids.iter().map(|i| hex_hash(&[i]))))
        .into_tuple()
        .all(c)
        .await
        .db()
}

/// Saves an activity's (merged) definition.
pub async fn save_activity(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: &str,
    definition: String,
    now: DateTime<Utc>,
) -> Result<()> {
    let m = xapi_activity::ActiveModel {
        tenant_id: Set(tenant.0),
        id_hash: Set(hex_hash(&[id])),
        activity_id: Set(id.to_owned()),
        definition: Set(definition),
        updated_at: Set(now),
    };
    xapi_activity::Entity::insert(m)
        .on_conflict(
            OnConflict::columns([
                xapi_activity::Column::TenantId,
                xapi_activity::Column::IdHash,
            ])
            .update_columns([
                xapi_activity::Column::Definition,
                xapi_activity::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(c)
        .await
        .db()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_is_stable() {
        assert_eq!(super::hash("a"), super::hash("a"));
        assert_ne!(super::hash("a"), super::hash("b"));
    }
}
