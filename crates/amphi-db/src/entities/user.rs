//! The `users` table.

use sea_orm::entity::prelude::*;

/// One row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub email_verified_at: Option<DateTimeUtc>,
    pub locale: Option<String>,
    pub time_zone: String,
    pub is_platform_admin: bool,
    pub is_tenant_admin: bool,
    pub active: bool,
    pub last_sign_in_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The TOTP secret, sealed with the platform key (set while enrolling and once enabled).
    pub mfa_secret: Option<String>,
    /// When the second factor was turned on.
    pub mfa_enabled_at: Option<DateTimeUtc>,
    /// The last TOTP step accepted (a code is never accepted twice).
    pub mfa_last_step: Option<i64>,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
