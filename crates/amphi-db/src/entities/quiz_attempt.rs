//! The `quiz_attempts` table.

use sea_orm::entity::prelude::*;

/// One row of `quiz_attempts`: one learner's attempt at one quiz.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub item_id: Uuid,
    pub user_id: Uuid,
    pub number: i32,
    pub seed: i64,
    pub status: String,
    pub started_at: DateTimeUtc,
    pub deadline_at: Option<DateTimeUtc>,
    pub submitted_at: Option<DateTimeUtc>,
    /// JSON: the questions as drawn and shown, with their points in this quiz.
    pub questions: String,
    /// JSON: question id -> saved response.
    pub responses: String,
    pub saved_at: Option<DateTimeUtc>,
    pub score: Option<f64>,
    pub max_score: f64,
    pub pending: bool,
    /// JSON: question id -> scored outcome, once submitted.
    pub results: Option<String>,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
