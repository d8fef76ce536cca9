//! The `enrolments` table.

use sea_orm::entity::prelude::*;

/// One row of `enrolments`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "enrolments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub user_id: Uuid,
    pub role: String,
    pub status: String,
    pub completed_count: i64,
    pub last_item_id: Option<Uuid>,
    pub completed_at: Option<DateTimeUtc>,
    pub grade_percent: Option<f64>,
    pub grade_passed: bool,
    pub grade_override: Option<f64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
