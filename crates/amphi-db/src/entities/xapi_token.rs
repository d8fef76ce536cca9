//! The `xapi_tokens` table.

use sea_orm::entity::prelude::*;

/// One row of `xapi_tokens`: a short-lived token bound to one learner, given to content.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "xapi_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub secret_hash: String,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    /// Scope names, comma-separated.
    pub scopes: String,
    pub expires_at: DateTimeUtc,
    /// The cmi5 session the token was fetched for, if any.
    pub session_id: Option<Uuid>,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
