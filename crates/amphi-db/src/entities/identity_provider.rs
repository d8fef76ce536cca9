//! The `identity_providers` table.

use sea_orm::entity::prelude::*;

/// One row of `identity_providers`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_providers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// `ldap`, `saml`, `oidc` or `partner`.
    pub kind: String,
    pub slug: String,
    pub display_name: String,
    pub enabled: bool,
    pub position: i32,
    /// JSON configuration; secrets in it are sealed with the platform secret.
    pub config: String,
    /// JSON attribute mapping.
    pub attribute_mapping: String,
    /// Just-in-time account creation.
    pub jit: bool,
    /// JSON group rules.
    pub group_rules: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
