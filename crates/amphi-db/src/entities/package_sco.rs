//! The `package_scos` table.

use sea_orm::entity::prelude::*;

/// One row of `package_scos`: the run-time data of one SCO in one attempt.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "package_scos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sco: String,
    pub tenant_id: Uuid,
    pub revision: i64,
    pub cmi: String,
    pub completion: String,
    pub success: String,
    pub score_scaled: Option<f64>,
    pub score_raw: Option<f64>,
    pub score_min: Option<f64>,
    pub score_max: Option<f64>,
    pub base_seconds: i64,
    pub session_seconds: i64,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
