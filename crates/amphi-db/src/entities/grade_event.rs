//! The `grade_events` table: an append-only log of grade changes.

use sea_orm::entity::prelude::*;

/// One row of `grade_events`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "grade_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub user_id: Uuid,
    pub grade_item_id: Option<Uuid>,
    /// `item` (a score changed), `override` (staff set points), `course` (course grade changed).
    pub kind: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub passed: Option<bool>,
    pub actor_id: Option<Uuid>,
    pub at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
