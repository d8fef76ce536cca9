//! The `lti_deployments` table.

use sea_orm::entity::prelude::*;

/// One row of `lti_deployments`: where a tool is deployed (the whole tenant, or one course).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lti_deployments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub tool_id: Uuid,
    pub deployment_id: String,
    pub course_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
