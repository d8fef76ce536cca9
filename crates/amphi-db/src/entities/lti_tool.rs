//! The `lti_tools` table.

use sea_orm::entity::prelude::*;

/// One row of `lti_tools`: a tool registered by a tenant.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lti_tools")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub client_id: String,
    pub name: String,
    pub login_url: String,
    pub redirect_uris: String,
    pub target_link_uri: String,
    pub deep_link_url: Option<String>,
    pub jwks_url: Option<String>,
    pub public_key_pem: Option<String>,
    pub custom: String,
    pub ags: bool,
    pub nrps: bool,
    pub deep_linking: bool,
    pub send_name: bool,
    pub send_email: bool,
    pub send_picture: bool,
    pub enabled: bool,
    pub registration_hash: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
