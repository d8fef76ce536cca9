//! The `grade_overrides` table: grades set by the course team, newest wins, kept as a trail.

use sea_orm::entity::prelude::*;

/// One row of `grade_overrides`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "grade_overrides")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub submission_id: Uuid,
    pub points: f64,
    pub reason: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
