//! The `grade_items` table.

use sea_orm::entity::prelude::*;

/// One row of `grade_items`: a column of a run's gradebook.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "grade_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    /// The course item graded (quiz, assignment, peer assessment), if any.
    pub item_id: Option<Uuid>,
    pub title: String,
    pub category: String,
    pub max_points: f64,
    pub weight: f64,
    pub extra_credit: bool,
    pub position: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
