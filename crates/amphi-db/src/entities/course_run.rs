//! The `course_runs` table.

use sea_orm::entity::prelude::*;

/// One row of `course_runs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub course_id: Uuid,
    pub name: String,
    pub enrol_opens_at: Option<DateTimeUtc>,
    pub enrol_closes_at: Option<DateTimeUtc>,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub policy: String,
    pub enrolment_code: Option<String>,
    pub capacity: Option<i64>,
    pub waiting_list: bool,
    pub restrict_domains: String,
    pub restrict_provider: Option<String>,
    pub restrict_group: Option<String>,
    pub published: bool,
    pub sequential: bool,
    pub enrolled_count: i64,
    pub waiting_count: i64,
    pub item_count: i64,
    /// Bumped on every change of structure or announcements (the key of caches).
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
