//! The `sso_login_states` table: a sign-in in progress, found by the hash of its key.

use sea_orm::entity::prelude::*;

/// One row of `sso_login_states`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sso_login_states")]
pub struct Model {
    /// SHA-256 of the state value handed to the browser.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_hash: String,
    pub tenant_id: Uuid,
    pub provider_id: Uuid,
    /// `oidc`, `saml` or `link`.
    pub kind: String,
    /// JSON; secrets in it are sealed.
    pub data: String,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
