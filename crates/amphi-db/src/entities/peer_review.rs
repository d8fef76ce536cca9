//! The `peer_reviews` table: a completed review (or self-assessment) with its rubric choices.

use sea_orm::entity::prelude::*;

/// One row of `peer_reviews`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "peer_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub item_id: Uuid,
    pub submission_id: Uuid,
    pub reviewer_id: Uuid,
    pub choices: String,
    pub score: f64,
    pub comment: String,
    pub is_self: bool,
    pub excluded: bool,
    pub created_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
