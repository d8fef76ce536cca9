//! The `certificates` table.

use sea_orm::entity::prelude::*;

/// One row of `certificates`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub user_id: Uuid,
    /// Public verification code (unambiguous alphabet, unique).
    pub code: String,
    /// `pending` (the PDF is being made), `issued` or `revoked`.
    pub status: String,
    pub grade_percent: Option<f64>,
    /// Whether the grade is printed and shown on the verification page.
    pub show_grade: bool,
    /// `en` or `fr`.
    pub language: String,
    pub learner_name: String,
    pub course_title: String,
    pub run_name: String,
    /// Object-store key of the PDF, once made.
    pub pdf_key: Option<String>,
    pub issued_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<Uuid>,
    pub revoke_reason: Option<String>,
    /// The certificate issued in place of this one.
    pub replaced_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
