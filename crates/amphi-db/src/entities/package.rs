//! The `packages` table.

use sea_orm::entity::prelude::*;

/// One row of `packages`: one uploaded version of a course item's SCORM or cmi5 package.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "packages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub item_id: Uuid,
    pub version: i32,
    pub standard: String,
    pub title: String,
    pub filename: String,
    pub structure: String,
    pub file_count: i32,
    pub total_bytes: i64,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
