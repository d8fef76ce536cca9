//! cmi5 AU sessions. A session's state only moves over the revision it was read at
//! (`move_session`), and its fetch URL gives out a token once (`take_fetch`), whatever the
//! number of nodes or requests racing.

use crate::entities::cmi5_session;
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

/// Inserts a session.
pub async fn insert_session(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut s: cmi5_session::Model,
) -> Result<cmi5_session::Model> {
    s.tenant_id = tenant.0;
    s.into_active_model().insert(c).await.db()
}

/// A session of the tenant.
pub async fn session(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<cmi5_session::Model>> {
    cmi5_session::Entity::find_by_id(id)
        .filter(cmi5_session::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// The sessions of a registration still open (`launched` or `initialized`), oldest first.
pub async fn open_sessions(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    registration: Uuid,
) -> Result<Vec<cmi5_session::Model>> {
    cmi5_session::Entity::find()
        .filter(cmi5_session::Column::TenantId.eq(tenant.0))
        .filter(cmi5_session::Column::Registration.eq(registration))
        .filter(cmi5_session::Column::State.is_in(["launched", "initialized"]))
        .order_by_asc(cmi5_session::Column::LaunchedAt)
        .all(c)
        .await
        .db()
}

/// Every session of a registration, oldest first.
pub async fn sessions_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    registration: Uuid,
) -> Result<Vec<cmi5_session::Model>> {
    cmi5_session::Entity::find()
        .filter(cmi5_session::Column::TenantId.eq(tenant.0))
        .filter(cmi5_session::Column::Registration.eq(registration))
        .order_by_asc(cmi5_session::Column::LaunchedAt)
        .all(c)
        .await
        .db()
}

/// Moves a session to `state` (with its last activity and end) if its revision is still
/// `expected`; false when another request moved it first.
pub async fn move_session(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    expected: i64,
    state: &str,
    last_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
) -> Result<bool> {
    use cmi5_session::Column as C;
    let r = cmi5_session::Entity::update_many()
        .col_expr(C::State, Expr::value(state))
        .col_expr(C::Revision, Expr::value(expected + 1))
        .col_expr(C::LastAt, Expr::value(last_at))
        .col_expr(C::EndedAt, Expr::value(ended_at))
        .filter(C::TenantId.eq(tenant.0))
        .filter(C::Id.eq(id))
        .filter(C::Revision.eq(expected))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Marks a session's fetch URL used; true only for the request that did so.
pub async fn take_fetch(c: &impl ConnectionTrait, tenant: TenantId, id: Uuid) -> Result<bool> {
    use cmi5_session::Column as C;
    let r = cmi5_session::Entity::update_many()
        .col_expr(C::Fetched, Expr::value(true))
        .filter(C::TenantId.eq(tenant.0))
        .filter(C::Id.eq(id))
        .filter(C::Fetched.eq(false))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}
