//! The `xapi_documents` table.

use sea_orm::entity::prelude::*;

/// One row of `xapi_documents`: a State, Activity Profile or Agent Profile document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "xapi_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    /// SHA-256 of kind, activity, agent, registration and document id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key_hash: String,
    /// SHA-256 of kind, activity, agent and registration (the documents listed or deleted together).
    pub scope_hash: String,
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub activity_id: String,
    #[sea_orm(column_type = "Text")]
    pub agent_key: String,
    pub registration: String,
    #[sea_orm(column_type = "Text")]
    pub doc_id: String,
    pub content: Vec<u8>,
    pub content_type: String,
    pub etag: String,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
