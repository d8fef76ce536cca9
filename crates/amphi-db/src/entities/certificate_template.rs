//! The `certificate_templates` table.

use sea_orm::entity::prelude::*;

/// One row of `certificate_templates`: a tenant's certificate look.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    /// `#rrggbb`; None: the tenant's brand colour.
    pub colour: Option<String>,
    pub show_grade: bool,
    pub logo_key: Option<String>,
    /// `png`, `jpeg` or `svg`.
    pub logo_format: Option<String>,
    /// JSON array of `{name, title, image_key, image_format}`.
    pub signatures: String,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
