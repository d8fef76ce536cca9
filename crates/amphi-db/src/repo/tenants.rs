//! Tenants and the hosts they answer on: the platform's list of tenants, so its functions take
//! no tenant scope (the id they are given is the tenant itself).

use crate::entities::{tenant, tenant_host};
use crate::repo::changes;
use crate::repo::Page;
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

/// What a new tenant starts with.
#[derive(Debug, Clone)]
pub struct NewTenant {
    /// Subdomain-safe short name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// `en` or `fr`.
    pub default_locale: String,
    /// `open`, `closed` or `domains`.
    pub signup_policy: String,
    /// Allowed domains when the policy is `domains`.
    pub signup_domains: Vec<String>,
    /// Brand colour `#rrggbb`.
    pub primary_colour: String,
    /// The platform's default tenant.
    pub is_default: bool,
}

/// Inserts a tenant.
pub async fn insert(
    c: &impl ConnectionTrait,
    t: NewTenant,
    now: DateTime<Utc>,
) -> Result<tenant::Model> {
    tenant::ActiveModel {
        id: Set(TenantId::new().0),
        slug: Set(t.slug),
        name: Set(t.name),
        default_locale: Set(t.default_locale),
        signup_policy: Set(t.signup_policy),
        signup_domains: Set(
            serde_json::to_string(&t.signup_domains).unwrap_or_else(|_| "[]".into())
        ),
        logo_url: Set(None),
        primary_colour: Set(t.primary_colour),
        footer_text: Set(None),
        is_default: Set(t.is_default),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        require_mfa_admins: Set(false),
        hide_local_passwords: Set(false),
    }
    .insert(c)
    .await
    .db()
}

/// A tenant by id.
pub async fn by_id(c: &impl ConnectionTrait, id: TenantId) -> Result<Option<tenant::Model>> {
    tenant::Entity::find_by_id(id.0).one(c).await.db()
}

/// A tenant by slug.
pub async fn by_slug(c: &impl ConnectionTrait, slug: &str) -> Result<Option<tenant::Model>> {
    tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(c)
        .await
        .db()
}

/// The platform's default tenant, if created.
pub async fn default_tenant(c: &impl ConnectionTrait) -> Result<Option<tenant::Model>> {
    tenant::Entity::find()
        .filter(tenant::Column::IsDefault.eq(true))
        .one(c)
        .await
        .db()
}

/// The tenant that owns this exact host name.
pub async fn by_host(c: &impl ConnectionTrait, host: &str) -> Result<Option<tenant::Model>> {
    tenant::Entity::find()
        .join_rev(
            JoinType::InnerJoin,
            tenant_host::Entity::belongs_to(tenant::Entity)
                .from(tenant_host::Column::TenantId)
                .to(tenant::Column::Id)
                .into(),
        )
        .filter(tenant_host::Column::Host.eq(host))
        .one(c)
        .await
        .db()
}

/// Tenants in creation order, keyset-paginated.
pub async fn list(
    c: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<tenant::Model>> {
    let mut q = tenant::Entity::find().order_by_asc(tenant::Column::Id);
    if let Some(a) = after {
        q = q.filter(tenant::Column::Id.gt(a));
    }
    let items = q.limit(limit + 1).all(c).await.db()?;
    Ok(Page::of(items, limit, |t| t.id))
}

/// Saves the fields in which `new` differs from `old` (the tenant as the caller read it).
pub async fn update(
    c: &impl ConnectionTrait,
    old: &tenant::Model,
    new: &tenant::Model,
) -> Result<tenant::Model> {
    changes::<_, tenant::ActiveModel>(old, new)
        .update(c)
        .await
        .db()
}

/// The hosts of a tenant.
pub async fn hosts(c: &impl ConnectionTrait, tenant: TenantId) -> Result<Vec<String>> {
    Ok(tenant_host::Entity::find()
        .filter(tenant_host::Column::TenantId.eq(tenant.0))
        .order_by_asc(tenant_host::Column::Host)
        .all(c)
        .await
        .db()?
        .into_iter()
        .map(|h| h.host)
        .collect())
}

/// Replaces the hosts of a tenant; a host owned by another tenant is a conflict.
pub async fn set_hosts(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    hosts: &[String],
    now: DateTime<Utc>,
) -> Result<()> {
    tenant_host::Entity::delete_many()
        .filter(tenant_host::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    for h in hosts {
        tenant_host::ActiveModel {
            host: Set(h.clone()),
            tenant_id: Set(tenant.0),
            created_at: Set(now),
        }
        .insert(c)
        .await
        .db()?;
    }
    Ok(())
}

/// Marks a tenant updated (for cache invalidation across nodes).
pub async fn touch(c: &impl ConnectionTrait, tenant: TenantId, now: DateTime<Utc>) -> Result<()> {
    tenant::Entity::update_many()
        .col_expr(tenant::Column::UpdatedAt, Expr::value(now))
        .filter(tenant::Column::Id.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Parses the stored domain list.
pub fn signup_domains(t: &tenant::Model) -> Vec<String> {
    serde_json::from_str(&t.signup_domains).unwrap_or_default()
}
