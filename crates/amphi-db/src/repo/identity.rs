//! Single sign-on storage: identity providers of a tenant, external identities linked to
//! accounts, one-time values remembered until they expire, and sign-ins in progress.
//!
//! Every function on the tenant's rows takes the tenant. Two do not: `remember_once` (the
//! `sso_replay` table has no tenant column; a value is scoped by its provider, whose id the
//! caller took from the tenant's providers) and `prune`, the platform-wide housekeeping of
//! expired values and states.

use crate::entities::{
    external_identity, identity_provider, sso_grant, sso_login_state, sso_replay,
};
use crate::repo::update_of_tenant;
use crate::DbResultExt;
use amphi_core::identity::{LoginStateKind, ReplayKind};
use amphi_core::{Result, TenantId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

/// Inserts a provider; a slug taken in the tenant is a conflict.
pub async fn insert_provider(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: identity_provider::Model,
) -> Result<identity_provider::Model> {
    m.tenant_id = tenant.0;
    m.into_active_model().insert(c).await.db()
}

/// Saves the fields in which `new` differs from `old` (a provider of the tenant as the caller
/// read it).
pub async fn update_provider(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    old: &identity_provider::Model,
    new: &identity_provider::Model,
) -> Result<identity_provider::Model> {
    update_of_tenant::<_, identity_provider::ActiveModel>(c, tenant, old.tenant_id, old, new).await
}

/// Deletes a provider of the tenant (its links, replay values and states go with it).
pub async fn delete_provider(c: &impl ConnectionTrait, tenant: TenantId, id: Uuid) -> Result<u64> {
    Ok(identity_provider::Entity::delete_many()
        .filter(identity_provider::Column::TenantId.eq(tenant.0))
        .filter(identity_provider::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?
        .rows_affected)
}

/// A provider of the tenant by id.
pub async fn provider_by_id(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<identity_provider::Model>> {
    identity_provider::Entity::find()
        .filter(identity_provider::Column::TenantId.eq(tenant.0))
        .filter(identity_provider::Column::Id.eq(id))
        .one(c)
        .await
        .db()
}

/// A provider of the tenant by slug.
pub async fn provider_by_slug(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    slug: &str,
) -> Result<Option<identity_provider::Model>> {
    identity_provider::Entity::find()
        .filter(identity_provider::Column::TenantId.eq(tenant.0))
        .filter(identity_provider::Column::Slug.eq(slug))
        .one(c)
        .await
        .db()
}

/// The tenant's providers in display order (a handful per tenant).
pub async fn providers(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    enabled_only: bool,
) -> Result<Vec<identity_provider::Model>> {
    let mut q = identity_provider::Entity::find()
        .filter(identity_provider::Column::TenantId.eq(tenant.0))
        .order_by_asc(identity_provider::Column::Position)
        .order_by_asc(identity_provider::Column::Slug);
    if enabled_only {
        q = q.filter(identity_provider::Column::Enabled.eq(true));
    }
    q.all(c).await.db()
}

/// The account linked to a provider's subject.
pub async fn identity_by_subject(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    provider: Uuid,
    subject: &str,
) -> Result<Option<external_identity::Model>> {
    external_identity::Entity::find()
        .filter(external_identity::Column::TenantId.eq(tenant.0))
        .filter(external_identity::Column::ProviderId.eq(provider))
        .filter(external_identity::Column::Subject.eq(subject))
        .one(c)
        .await
        .db()
}

/// Links an account to a provider's subject; an existing link is a conflict.
pub async fn insert_identity(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: external_identity::Model,
) -> Result<external_identity::Model> {
    m.tenant_id = tenant.0;
    m.into_active_model().insert(c).await.db()
}

/// Records a sign-in through a link: the email and groups the provider gave this time.
pub async fn touch_identity(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    email: Option<String>,
    groups_json: String,
    now: DateTime<Utc>,
) -> Result<()> {
    external_identity::Entity::update_many()
        .col_expr(external_identity::Column::Email, Expr::value(email))
        .col_expr(external_identity::Column::Groups, Expr::value(groups_json))
        .col_expr(external_identity::Column::LastSignInAt, Expr::value(now))
        .filter(external_identity::Column::Id.eq(id))
        .filter(external_identity::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// The links of an account with their providers (a few rows per person).
pub async fn identities_of_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
) -> Result<Vec<(external_identity::Model, identity_provider::Model)>> {
    let links = external_identity::Entity::find()
        .filter(external_identity::Column::TenantId.eq(tenant.0))
        .filter(external_identity::Column::UserId.eq(user.0))
        .all(c)
        .await
        .db()?;
    if links.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<Uuid> = links.iter().map(|l| l.provider_id).collect();
    let provs = identity_provider::Entity::find()
        .filter(identity_provider::Column::TenantId.eq(tenant.0))
        .filter(identity_provider::Column::Id.is_in(ids))
        .all(c)
        .await
        .db()?;
    Ok(links
        .into_iter()
        .filter_map(|l| {
            let p = provs.iter().find(|p| p.id == l.provider_id)?.clone();
            Some((l, p))
        })
        .collect())
}

/// Remembers a one-time value until it expires. False when it was already there (a replay).
pub async fn remember_once(
    c: &impl ConnectionTrait,
    provider: Uuid,
    kind: ReplayKind,
    value_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<bool> {
    let r = sso_replay::Entity::insert(sso_replay::ActiveModel {
        provider_id: Set(provider),
        kind: Set(kind.as_str().to_owned()),
        value: Set(value_hash.to_owned()),
        expires_at: Set(expires_at),
    })
    .on_conflict(
        OnConflict::columns([
            sso_replay::Column::ProviderId,
            sso_replay::Column::Kind,
            sso_replay::Column::Value,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(c)
    .await
    .db()?;
    Ok(r == 1)
}

/// Stores a sign-in in progress.
pub async fn insert_state(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: sso_login_state::Model,
) -> Result<()> {
    m.tenant_id = tenant.0;
    m.into_active_model().insert(c).await.db()?;
    Ok(())
}

/// A sign-in in progress of this kind, if it is alive, without using it up.
pub async fn peek_state(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id_hash: &str,
    kind: LoginStateKind,
    now: DateTime<Utc>,
) -> Result<Option<sso_login_state::Model>> {
    Ok(state(c, tenant, id_hash, kind)
        .await?
        .filter(|s| s.expires_at > now))
}

/// A sign-in in progress of the tenant, of this kind, alive or not.
async fn state(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id_hash: &str,
    kind: LoginStateKind,
) -> Result<Option<sso_login_state::Model>> {
    sso_login_state::Entity::find_by_id(id_hash.to_owned())
        .filter(sso_login_state::Column::TenantId.eq(tenant.0))
        .filter(sso_login_state::Column::Kind.eq(kind.as_str()))
        .one(c)
        .await
        .db()
}

/// Uses up a sign-in in progress: returns it once, if it is alive and of this kind.
pub async fn take_state(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id_hash: &str,
    kind: LoginStateKind,
    now: DateTime<Utc>,
) -> Result<Option<sso_login_state::Model>> {
    let Some(s) = state(c, tenant, id_hash, kind).await? else {
        return Ok(None);
    };
    // Deleting is the claim: of two concurrent uses, one deletes the row and the other nothing.
    let gone = sso_login_state::Entity::delete_many()
        .filter(sso_login_state::Column::IdHash.eq(id_hash))
        .exec(c)
        .await
        .db()?
        .rows_affected;
    Ok((gone == 1 && s.expires_at > now).then_some(s))
}

/// Forgets expired states and one-time values (housekeeping).
pub async fn prune(c: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    let a = sso_login_state::Entity::delete_many()
        .filter(sso_login_state::Column::ExpiresAt.lte(now))
        .exec(c)
        .await
        .db()?
        .rows_affected;
    let b = sso_replay::Entity::delete_many()
        .filter(sso_replay::Column::ExpiresAt.lte(now))
        .exec(c)
        .await
        .db()?
        .rows_affected;
    Ok(a + b)
}

/// What a provider's group rules gave a person, taken back ones included.
pub async fn grants_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    provider: Uuid,
    user: Uuid,
) -> Result<Vec<sso_grant::Model>> {
    sso_grant::Entity::find()
        .filter(sso_grant::Column::ProviderId.eq(provider))
        .filter(sso_grant::Column::UserId.eq(user))
        .filter(sso_grant::Column::TenantId.eq(tenant.0))
        .all(c)
        .await
        .db()
}

/// Records a grant made by a group rule (again in force if it had been taken back).
pub async fn hold_grant(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut g: sso_grant::Model,
) -> Result<()> {
    g.tenant_id = tenant.0;
    let am: sso_grant::ActiveModel = g.into();
    sso_grant::Entity::insert(am)
        .on_conflict(
            OnConflict::columns([
                sso_grant::Column::ProviderId,
                sso_grant::Column::UserId,
                sso_grant::Column::Kind,
                sso_grant::Column::Target,
            ])
            .update_columns([sso_grant::Column::RuleGroup, sso_grant::Column::RevokedAt])
            .action_and_where(
                Expr::col((sso_grant::Entity, sso_grant::Column::TenantId)).eq(tenant.0),
            )
            .to_owned(),
        )
        .exec_without_returning(c)
        .await
        .db()?;
    Ok(())
}

/// Marks a grant as taken back.
pub async fn revoke_grant(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    g: &sso_grant::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    sso_grant::Entity::update_many()
        .col_expr(sso_grant::Column::RevokedAt, Expr::value(now))
        .filter(sso_grant::Column::ProviderId.eq(g.provider_id))
        .filter(sso_grant::Column::UserId.eq(g.user_id))
        .filter(sso_grant::Column::Kind.eq(g.kind.as_str()))
        .filter(sso_grant::Column::Target.eq(g.target.as_str()))
        .filter(sso_grant::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Whether another provider's group rule still holds this grant for the person.
pub async fn held_elsewhere(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    g: &sso_grant::Model,
) -> Result<bool> {
    Ok(sso_grant::Entity::find()
        .filter(sso_grant::Column::UserId.eq(g.user_id))
        .filter(sso_grant::Column::Kind.eq(g.kind.as_str()))
        .filter(sso_grant::Column::Target.eq(g.target.as_str()))
        .filter(sso_grant::Column::ProviderId.ne(g.provider_id))
        .filter(sso_grant::Column::RevokedAt.is_null())
        .filter(sso_grant::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()?
        .is_some())
}
