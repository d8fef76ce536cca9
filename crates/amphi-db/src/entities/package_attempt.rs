//! The `package_attempts` table.

use sea_orm::entity::prelude::*;

/// One row of `package_attempts`: a learner's attempt at a package, with its rolled-up result.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "package_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub item_id: Uuid,
    pub user_id: Uuid,
    pub package_id: Uuid,
    pub number: i32,
    pub completion: String,
    pub success: String,
    pub score_scaled: Option<f64>,
    pub seconds: i64,
    pub sequencing_state: Option<String>,
    pub sequencing_revision: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
