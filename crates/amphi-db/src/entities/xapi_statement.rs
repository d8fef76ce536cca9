//! The `xapi_statements` table.

use sea_orm::entity::prelude::*;

/// One row of `xapi_statements`: a stored statement (its JSON in `body`) and what queries filter on (identifiers as 64-bit hashes).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "xapi_statements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub tenant_id: Uuid,
    pub statement_id: Uuid,
    pub stored_at: DateTimeUtc,
    pub timestamp: DateTimeUtc,
    pub verb_h: i64,
    pub actor_h: Option<i64>,
    pub activity_h: Option<i64>,
    pub object_agent_h: Option<i64>,
    pub authority_h: Option<i64>,
    pub object_statement: Option<Uuid>,
    pub registration: Option<Uuid>,
    pub voids: Option<Uuid>,
    pub voided: bool,
    #[sea_orm(column_type = "Text")]
    pub body: String,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
