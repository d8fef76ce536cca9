//! The `xapi_statement_activities` table.

use sea_orm::entity::prelude::*;

/// One row of `xapi_statement_activities`: an activity a statement names (for `related_activities`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "xapi_statement_activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_h: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
