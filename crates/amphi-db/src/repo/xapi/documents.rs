//! State, Activity Profile and Agent Profile documents, by the hash of their scope and id.

use super::hex_hash;
use crate::entities::xapi_document;
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// Where a document lives: its kind (`state`, `activity_profile`, `agent_profile`), activity,
/// agent key and registration (empty when the kind has none).
#[derive(Debug, Clone, Default)]
pub struct DocScope {
    /// Kind.
    pub kind: &'static str,
    /// Activity id.
    pub activity: String,
    /// Agent key.
    pub agent: String,
    /// Registration.
    pub registration: String,
}

impl DocScope {
    fn hash(&self) -> String {
        hex_hash(&[self.kind, &self.activity, &self.agent, &self.registration])
    }
    fn key(&self, doc_id: &str) -> String {
        hex_hash(&[
            self.kind,
            &self.activity,
            &self.agent,
            &self.registration,
            doc_id,
        ])
    }
}

/// One document.
pub async fn document(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &DocScope,
    doc_id: &str,
) -> Result<Option<xapi_document::Model>> {
    xapi_document::Entity::find()
        .filter(xapi_document::Column::TenantId.eq(tenant.0))
        .filter(xapi_document::Column::KeyHash.eq(scope.key(doc_id)))
        .one(c)
        .await
        .db()
}

/// A document's content.
#[derive(Debug, Clone)]
pub struct DocContent {
    /// The bytes.
    pub content: Vec<u8>,
    /// Its Content-Type.
    pub content_type: String,
    /// Its ETag.
    pub etag: String,
}

/// What a document write expects to find, so that a write decided on what was read does not
/// overwrite a change made meanwhile.
#[derive(Debug, Clone)]
pub enum DocExpect {
    /// No document yet.
    Absent,
    /// The document with this ETag.
    Etag(String),
}

/// Writes a document if it is still as `expect` says (created, or replaced); false when it
/// is not (another writer came first: read again).
pub async fn save_document(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &DocScope,
    doc_id: &str,
    doc: DocContent,
    expect: DocExpect,
    now: DateTime<Utc>,
) -> Result<bool> {
    use xapi_document::Column as D;
    match expect {
        DocExpect::Etag(old) => Ok(xapi_document::Entity::update_many()
            .col_expr(D::Content, Expr::value(doc.content))
            .col_expr(D::ContentType, Expr::value(doc.content_type))
            .col_expr(D::Etag, Expr::value(doc.etag))
            .col_expr(D::UpdatedAt, Expr::value(now))
            .filter(D::TenantId.eq(tenant.0))
            .filter(D::KeyHash.eq(scope.key(doc_id)))
            .filter(D::Etag.eq(old))
            .exec(c)
            .await
            .db()?
            .rows_affected
            == 1),
        DocExpect::Absent => {
            let m = xapi_document::ActiveModel {
                tenant_id: Set(tenant.0),
                key_hash: Set(scope.key(doc_id)),
                scope_hash: Set(scope.hash()),
                kind: Set(scope.kind.to_owned()),
                activity_id: Set(scope.activity.clone()),
                agent_key: Set(scope.agent.clone()),
                registration: Set(scope.registration.clone()),
                doc_id: Set(doc_id.to_owned()),
                content: Set(doc.content),
                content_type: Set(doc.content_type),
                etag: Set(doc.etag),
                updated_at: Set(now),
            };
            let inserted = xapi_document::Entity::insert(m)
                .on_conflict(
                    OnConflict::columns([D::TenantId, D::KeyHash])
                        .do_nothing()
                        .to_owned(),
                )
                .do_nothing()
                .exec_without_returning(c)
                .await
                .db()?;
            Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(1)))
        }
    }
}

/// Deletes one document, or every document of the scope (`doc_id` None); how many.
pub async fn delete_documents(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &DocScope,
    doc_id: Option<&str>,
) -> Result<u64> {
    let mut q =
        xapi_document::Entity::delete_many().filter(xapi_document::Column::TenantId.eq(tenant.0));
    q = match doc_id {
        Some(d) => q.filter(xapi_document::Column::KeyHash.eq(scope.key(d))),
        None => q.filter(xapi_document::Column::ScopeHash.eq(scope.hash())),
    };
    Ok(q.exec(c).await.db()?.rows_affected)
}

/// The ids of the scope's documents updated after `since`.
pub async fn document_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &DocScope,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<(String, DateTime<Utc>)>> {
    let mut q = xapi_document::Entity::find()
        .select_only()
        .column(xapi_document::Column::DocId)
        .column(xapi_document::Column::UpdatedAt)
        .filter(xapi_document::Column::TenantId.eq(tenant.0))
        .filter(xapi_document::Column::ScopeHash.eq(scope.hash()));
    if let Some(t) = since {
        q = q.filter(xapi_document::Column::UpdatedAt.gt(t));
    }
    q.order_by_asc(xapi_document::Column::UpdatedAt)
        .into_tuple()
        .all(c)
        .await
        .db()
}
