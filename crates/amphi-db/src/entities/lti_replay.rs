//! The `lti_replay` table.

use sea_orm::entity::prelude::*;

/// One row of `lti_replay`: a tool's client assertion `jti` (SHA-256), single use until expiry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lti_replay")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tool_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
    pub expires_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
