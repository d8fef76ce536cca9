//! The `external_identities` table.

use sea_orm::entity::prelude::*;

/// One row of `external_identities`: an account linked to a provider's subject.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "external_identities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub provider_id: Uuid,
    pub subject: String,
    pub user_id: Uuid,
    /// The email the provider gave last.
    pub email: Option<String>,
    /// JSON array of the groups brought at the last sign-in.
    pub groups: String,
    pub created_at: DateTimeUtc,
    pub last_sign_in_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
