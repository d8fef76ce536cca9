//! The `cmi5_sessions` table.

use sea_orm::entity::prelude::*;

/// One row of `cmi5_sessions`: one launch of a cmi5 assignable unit for one registration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cmi5_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The cmi5 registration: the attempt, or a preview's own id.
    pub registration: Uuid,
    /// The attempt; none for the course team's preview (Browse mode).
    pub attempt_id: Option<Uuid>,
    pub item_id: Uuid,
    pub user_id: Uuid,
    pub package_id: Uuid,
    /// The AU's id in the course structure.
    pub au: String,
    /// `Normal`, `Browse` or `Review`.
    pub launch_mode: String,
    /// `launched`, `initialized`, `terminated`, `abandoned` or `waived`.
    pub state: String,
    /// Moves on every change of state, so two writers cannot both move it from one state.
    pub revision: i64,
    /// Whether the fetch URL has given out its token.
    pub fetched: bool,
    pub launched_at: DateTimeUtc,
    /// The last statement the AU sent (or the launch).
    pub last_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
}

/// No navigable relations: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
