//! The `peer_assignments` table: one review to do (reviewer, submission).

use sea_orm::entity::prelude::*;

/// One row of `peer_assignments`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "peer_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub item_id: Uuid,
    pub submission_id: Uuid,
    pub reviewer_id: Uuid,
    pub assigned_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
