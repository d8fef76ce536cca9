//! The `sso_replay` table: one-time values (partner `jti`, SAML assertion ids) until expiry.

use sea_orm::entity::prelude::*;

/// One row of `sso_replay`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sso_replay")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// SHA-256 of the value.
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
    pub expires_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
