//! The `gradebook_settings` table.

use sea_orm::entity::prelude::*;

/// One row of `gradebook_settings`: a run's categories and pass mark.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "gradebook_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub run_id: Uuid,
    pub tenant_id: Uuid,
    /// JSON list of categories.
    pub categories: String,
    pub pass_percent: f64,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
