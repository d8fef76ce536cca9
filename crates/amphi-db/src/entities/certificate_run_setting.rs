//! The `certificate_run_settings` table.

use sea_orm::entity::prelude::*;

/// One row of `certificate_run_settings`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_run_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub run_id: Uuid,
    pub tenant_id: Uuid,
    pub enabled: bool,
    /// Share of the run's items to complete, 0–100.
    pub min_completion_percent: i32,
    /// None: the tenant template decides.
    pub show_grade: Option<bool>,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
