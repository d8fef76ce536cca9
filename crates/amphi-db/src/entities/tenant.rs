//! The `tenants` table.

use sea_orm::entity::prelude::*;

/// One row of `tenants`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub default_locale: String,
    pub signup_policy: String,
    pub signup_domains: String,
    pub logo_url: Option<String>,
    pub primary_colour: String,
    pub footer_text: Option<String>,
    pub is_default: bool,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Administrators must use a second factor.
    pub require_mfa_admins: bool,
    /// The sign-in page offers single sign-on only (platform administrators keep a way in).
    pub hide_local_passwords: bool,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
