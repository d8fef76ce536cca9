//! The `lti_scores` table.

use sea_orm::entity::prelude::*;

/// One row of `lti_scores`: the last score a tool gave one learner on one line item.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "lti_scores")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub line_item_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub score_given: Option<f64>,
    pub score_maximum: Option<f64>,
    pub activity_progress: String,
    pub grading_progress: String,
    pub comment: Option<String>,
    pub scored_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
