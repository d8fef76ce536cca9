//! The `lti_line_items` table.

use sea_orm::entity::prelude::*;

/// One row of `lti_line_items`: a tool's line item in a run: the gradebook column it writes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lti_line_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub tool_id: Uuid,
    pub grade_item_id: Uuid,
    pub item_id: Option<Uuid>,
    pub resource_id: Option<String>,
    pub tag: Option<String>,
    pub start_at: Option<DateTimeUtc>,
    pub end_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
