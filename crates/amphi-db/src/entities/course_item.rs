//! The `course_items` table.

use sea_orm::entity::prelude::*;

/// One row of `course_items`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub module_id: Uuid,
    pub position: i32,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub settings: String,
    pub published: bool,
    pub available_from: Option<DateTimeUtc>,
    pub requires_item_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
