//! The `sso_grants` table: what an identity provider's group rules gave a person (tenant
//! administration, a place in a run), so that losing the group takes back exactly that.

use sea_orm::entity::prelude::*;

/// One row of `sso_grants`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sso_grants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// `tenant_admin` or `enrolment`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// The run id of an enrolment; empty for tenant administration.
    #[sea_orm(primary_key, auto_increment = false)]
    pub target: String,
    pub tenant_id: Uuid,
    /// The group whose rule made the grant.
    pub rule_group: String,
    pub created_at: DateTimeUtc,
    /// Set when the person lost the group and the grant was taken back; cleared when the
    /// group (and the grant) comes back.
    pub revoked_at: Option<DateTimeUtc>,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
