//! The `submissions` table: one learner's work for one assignment or peer-assessment item.

use sea_orm::entity::prelude::*;

/// One row of `submissions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "submissions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub item_id: Uuid,
    pub user_id: Uuid,
    pub body: String,
    pub draft: Option<String>,
    pub status: String,
    pub version: i32,
    pub submitted_at: Option<DateTimeUtc>,
    pub late_days: i32,
    pub extra_reviews: i32,
    pub needs_staff: bool,
    pub rubric_choices: Option<String>,
    pub raw_points: Option<f64>,
    pub penalty: f64,
    pub points: Option<f64>,
    pub max_points: f64,
    pub feedback: Option<String>,
    pub grade_source: Option<String>,
    pub graded_by: Option<Uuid>,
    pub graded_at: Option<DateTimeUtc>,
    pub override_points: Option<f64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
