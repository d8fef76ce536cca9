//! LTI 1.3: the platform's keys, registered tools and their deployments, line items (each one
//! joined to the gradebook column it writes), the last score per learner, service access
//! tokens and single-use client assertion ids.
//!
//! Every function on tenant rows takes the tenant. Three do not: `tool_by_client` (a token
//! request names only the client id; the caller then checks the tool's tenant against the
//! site's), `remember_jti` (scoped by the tool, found in the tenant) and `prune`, the
//! platform-wide housekeeping of expired tokens and assertion ids.

use crate::entities::{
    grade_item, lti_deployment, lti_key, lti_line_item, lti_replay, lti_score, lti_token, lti_tool,
};
use crate::repo::{update_of_tenant, Page};
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

/// The tenant's keys still published: the signing one and those retired after `since`.
pub async fn published_keys(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    since: DateTime<Utc>,
) -> Result<Vec<lti_key::Model>> {
    lti_key::Entity::find()
        .filter(lti_key::Column::TenantId.eq(tenant.0))
        .filter(
            Condition::any()
                .add(lti_key::Column::RetiredAt.is_null())
                .add(lti_key::Column::RetiredAt.gt(since)),
        )
        .order_by_desc(lti_key::Column::CreatedAt)
        .all(c)
        .await
        .db()
}

/// Stores a new signing key and retires the tenant's others (they stay published for a while).
pub async fn rotate_key(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut k: lti_key::Model,
    now: DateTime<Utc>,
) -> Result<lti_key::Model> {
    lti_key::Entity::update_many()
        .col_expr(lti_key::Column::RetiredAt, Expr::value(now))
        .filter(lti_key::Column::TenantId.eq(tenant.0))
        .filter(lti_key::Column::RetiredAt.is_null())
        .exec(c)
        .await
        .db()?;
    k.tenant_id = tenant.0;
    k.into_active_model().insert(c).await.db()
}

/// Inserts a tool.
pub async fn insert_tool(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut t: lti_tool::Model,
) -> Result<lti_tool::Model> {
    t.tenant_id = tenant.0;
    t.into_active_model().insert(c).await.db()
}

/// Saves what changed in a tool of the tenant.
pub async fn update_tool(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    old: &lti_tool::Model,
    new: &lti_tool::Model,
) -> Result<lti_tool::Model> {
    update_of_tenant::<_, lti_tool::ActiveModel>(c, tenant, old.tenant_id, old, new).await
}

/// A tool of the tenant.
pub async fn tool(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<lti_tool::Model>> {
    lti_tool::Entity::find()
        .filter(lti_tool::Column::TenantId.eq(tenant.0))
        .filter(lti_tool::Column::Id.eq(id))
        .one(c)
        .await
        .db()
}

/// A tool by client id, whatever its tenant (the caller compares it with the site's).
pub async fn tool_by_client(
    c: &impl ConnectionTrait,
    client_id: &str,
) -> Result<Option<lti_tool::Model>> {
    lti_tool::Entity::find()
        .filter(lti_tool::Column::ClientId.eq(client_id))
        .one(c)
        .await
        .db()
}

/// The tenant's tools by name.
pub async fn tools(c: &impl ConnectionTrait, tenant: TenantId) -> Result<Vec<lti_tool::Model>> {
    lti_tool::Entity::find()
        .filter(lti_tool::Column::TenantId.eq(tenant.0))
        .order_by_asc(lti_tool::Column::Name)
        .order_by_asc(lti_tool::Column::Id)
        .all(c)
        .await
        .db()
}

/// Deletes a tool that never wrote a line item (those keep it: it is disabled instead).
pub async fn delete_tool(c: &impl ConnectionTrait, tenant: TenantId, id: Uuid) -> Result<u64> {
    Ok(lti_tool::Entity::delete_many()
        .filter(lti_tool::Column::TenantId.eq(tenant.0))
        .filter(lti_tool::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?
        .rows_affected)
}

/// Whether a tool of the tenant has line items (then it is kept: disabled, never deleted).
pub async fn tool_has_line_items(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    tool: Uuid,
) -> Result<bool> {
    Ok(lti_line_item::Entity::find()
        .filter(lti_line_item::Column::TenantId.eq(tenant.0))
        .filter(lti_line_item::Column::ToolId.eq(tool))
        .one(c)
        .await
        .db()?
        .is_some())
}

/// Inserts a deployment.
pub async fn insert_deployment(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut d: lti_deployment::Model,
) -> Result<lti_deployment::Model> {
    d.tenant_id = tenant.0;
    d.into_active_model().insert(c).await.db()
}

/// The deployments of a tool of the tenant, oldest first.
pub async fn deployments(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    tool: Uuid,
) -> Result<Vec<lti_deployment::Model>> {
    lti_deployment::Entity::find()
        .filter(lti_deployment::Column::TenantId.eq(tenant.0))
        .filter(lti_deployment::Column::ToolId.eq(tool))
        .order_by_asc(lti_deployment::Column::CreatedAt)
        .order_by_asc(lti_deployment::Column::Id)
        .all(c)
        .await
        .db()
}

/// A line item and its gradebook column.
pub type LineItemRow = (lti_line_item::Model, grade_item::Model);

/// Inserts a line item (its gradebook column is inserted first by the caller).
pub async fn insert_line_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut l: lti_line_item::Model,
) -> Result<lti_line_item::Model> {
    l.tenant_id = tenant.0;
    l.into_active_model().insert(c).await.db()
}

/// Saves what changed in a line item of the tenant.
pub async fn update_line_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    old: &lti_line_item::Model,
    new: &lti_line_item::Model,
) -> Result<lti_line_item::Model> {
    update_of_tenant::<_, lti_line_item::ActiveModel>(c, tenant, old.tenant_id, old, new).await
}

fn with_column() -> sea_orm::SelectTwo<lti_line_item::Entity, grade_item::Entity> {
    lti_line_item::Entity::find()
        .join(
            JoinType::InnerJoin,
            lti_line_item::Entity::belongs_to(grade_item::Entity)
                .from(lti_line_item::Column::GradeItemId)
                .to(grade_item::Column::Id)
                .into(),
        )
        .select_also(grade_item::Entity)
}

fn both(r: Option<(lti_line_item::Model, Option<grade_item::Model>)>) -> Option<LineItemRow> {
    r.and_then(|(l, g)| g.map(|g| (l, g)))
}

/// A line item of a tool in a run, with its column.
pub async fn line_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    tool: Uuid,
    id: Uuid,
) -> Result<Option<LineItemRow>> {
    let r = with_column()
        .filter(lti_line_item::Column::TenantId.eq(tenant.0))
        .filter(lti_line_item::Column::RunId.eq(run))
        .filter(lti_line_item::Column::ToolId.eq(tool))
        .filter(lti_line_item::Column::Id.eq(id))
        .one(c)
        .await
        .db()?;
    Ok(both(r))
}

/// The first line item of a resource link (the external tool item's own column), if any.
pub async fn line_item_of_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
) -> Result<Option<LineItemRow>> {
    let r = with_column()
        .filter(lti_line_item::Column::TenantId.eq(tenant.0))
        .filter(lti_line_item::Column::RunId.eq(run))
        .filter(lti_line_item::Column::ItemId.eq(item))
        .order_by_asc(lti_line_item::Column::Id)
        .one(c)
        .await
        .db()?;
    Ok(both(r))
}

/// Filters of a line item list.
#[derive(Debug, Clone, Default)]
pub struct LineItemFilter {
    /// Only those of this resource link (course item).
    pub item: Option<Uuid>,
    /// Only those with this `resourceId`.
    pub resource_id: Option<String>,
    /// Only those with this tag.
    pub tag: Option<String>,
}

/// A tool's line items in a run, keyset-paginated by id.
pub async fn line_items(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    tool: Uuid,
    f: &LineItemFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<LineItemRow>> {
    let mut sel = with_column()
        .filter(lti_line_item::Column::TenantId.eq(tenant.0))
        .filter(lti_line_item::Column::RunId.eq(run))
        .filter(lti_line_item::Column::ToolId.eq(tool))
        .order_by_asc(lti_line_item::Column::Id);
    if let Some(i) = f.item {
        sel = sel.filter(lti_line_item::Column::ItemId.eq(i));
    }
    if let Some(r) = &f.resource_id {
        sel = sel.filter(lti_line_item::Column::ResourceId.eq(r.as_str()));
    }
    if let Some(t) = &f.tag {
        sel = sel.filter(lti_line_item::Column::Tag.eq(t.as_str()));
    }
    if let Some(a) = after {
        sel = sel.filter(lti_line_item::Column::Id.gt(a));
    }
    let rows: Vec<LineItemRow> = sel
        .limit(limit + 1)
        .all(c)
        .await
        .db()?
        .into_iter()
        .filter_map(|r| both(Some(r)))
        .collect();
    Ok(Page::of(rows, limit, |r| r.0.id))
}

/// Deletes a line item and its gradebook column (grades included).
pub async fn delete_line_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    row: &LineItemRow,
) -> Result<()> {
    grade_item::Entity::delete_many()
        .filter(grade_item::Column::TenantId.eq(tenant.0))
        .filter(grade_item::Column::Id.eq(row.1.id))
        .exec(c)
        .await
        .db()?;
    // SQLite without foreign keys enforced would keep the line item: delete it too.
    lti_line_item::Entity::delete_many()
        .filter(lti_line_item::Column::TenantId.eq(tenant.0))
        .filter(lti_line_item::Column::Id.eq(row.0.id))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// A learner's last score on a line item.
pub async fn score(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    line_item: Uuid,
    user: Uuid,
) -> Result<Option<lti_score::Model>> {
    lti_score::Entity::find()
        .filter(lti_score::Column::TenantId.eq(tenant.0))
        .filter(lti_score::Column::LineItemId.eq(line_item))
        .filter(lti_score::Column::UserId.eq(user))
        .one(c)
        .await
        .db()
}

/// Stores a learner's score on a line item, replacing the one before.
pub async fn put_score(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut s: lti_score::Model,
) -> Result<()> {
    s.tenant_id = tenant.0;
    let am: lti_score::ActiveModel = s.into_active_model();
    lti_score::Entity::insert(am.reset_all())
        .on_conflict(
            OnConflict::columns([lti_score::Column::LineItemId, lti_score::Column::UserId])
                .update_columns([
                    lti_score::Column::ScoreGiven,
                    lti_score::Column::ScoreMaximum,
                    lti_score::Column::ActivityProgress,
                    lti_score::Column::GradingProgress,
                    lti_score::Column::Comment,
                    lti_score::Column::ScoredAt,
                    lti_score::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(c)
        .await
        .db()?;
    Ok(())
}

/// The scores of a line item, keyset-paginated by learner id; one learner's with `user`.
pub async fn scores(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    line_item: Uuid,
    user: Option<Uuid>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<lti_score::Model>> {
    let mut sel = lti_score::Entity::find()
        .filter(lti_score::Column::TenantId.eq(tenant.0))
        .filter(lti_score::Column::LineItemId.eq(line_item))
        .order_by_asc(lti_score::Column::UserId);
    if let Some(u) = user {
        sel = sel.filter(lti_score::Column::UserId.eq(u));
    }
    if let Some(a) = after {
        sel = sel.filter(lti_score::Column::UserId.gt(a));
    }
    let rows = sel.limit(limit + 1).all(c).await.db()?;
    Ok(Page::of(rows, limit, |s| s.user_id))
}

/// Stores a service access token.
pub async fn insert_token(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut t: lti_token::Model,
) -> Result<()> {
    t.tenant_id = tenant.0;
    t.into_active_model().insert(c).await.db()?;
    Ok(())
}

/// A service access token of the tenant by hash, unexpired.
pub async fn token(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<lti_token::Model>> {
    lti_token::Entity::find()
        .filter(lti_token::Column::TokenHash.eq(hash))
        .filter(lti_token::Column::TenantId.eq(tenant.0))
        .filter(lti_token::Column::ExpiresAt.gt(now))
        .one(c)
        .await
        .db()
}

/// Remembers a tool's assertion id until it expires; false when it was already used.
pub async fn remember_jti(
    c: &impl ConnectionTrait,
    tool: Uuid,
    value_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<bool> {
    let r = lti_replay::Entity::insert(lti_replay::ActiveModel {
        tool_id: Set(tool),
        value: Set(value_hash.to_owned()),
        expires_at: Set(expires_at),
    })
    .on_conflict(
        OnConflict::columns([lti_replay::Column::ToolId, lti_replay::Column::Value])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await
    .db()?;
    Ok(r == 1)
}

/// Deletes expired tokens and assertion ids (housekeeping, all tenants).
pub async fn prune(c: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    let a = lti_token::Entity::delete_many()
        .filter(lti_token::Column::ExpiresAt.lte(now))
        .exec(c)
        .await
        .db()?
        .rows_affected;
    let b = lti_replay::Entity::delete_many()
        .filter(lti_replay::Column::ExpiresAt.lte(now))
        .exec(c)
        .await
        .db()?
        .rows_affected;
    Ok(a + b)
}
