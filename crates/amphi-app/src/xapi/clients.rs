//! LRS clients, managed by a tenant's administrators: a name, a key and a secret (shown once,
//! stored as SHA-256 like API tokens), scopes, on or off. Every change is audited.

use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::error::Fields;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::xapi::XapiScope;
use amphi_core::{validate, Error, Result};
use amphi_db::repo::{audit, xapi as repo};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An LRS client as administrators see it (never its secret, except once at creation).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LrsClient {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The key (Basic auth user name).
    pub key: String,
    /// Scopes (`statements/write`, `statements/read`, `statements/read/mine`, `state`,
    /// `define`, `profile`, `all/read`, `all`).
    pub scopes: Vec<String>,
    /// Whether its requests are accepted.
    pub enabled: bool,
    /// The LRS address to give the client.
    pub endpoint: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A new client as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientForm {
    /// Name.
    pub name: String,
    /// Scope names.
    pub scopes: Vec<String>,
}

/// The LRS endpoint of a site.
pub fn endpoint(base_url: &str) -> String {
    format!("{}/xapi/", base_url.trim_end_matches('/'))
}

fn view(m: rows::XapiClient, base_url: &str) -> LrsClient {
    LrsClient {
        id: m.id,
        name: m.name,
        key: m.key,
        scopes: m.scopes.split(',').map(str::to_owned).collect(),
        enabled: m.enabled,
        endpoint: endpoint(base_url),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn guard(caller: &Caller) -> Result<()> {
    require(
        &caller.actor(),
        Action::Update,
        Resource::Tenant(caller.tenant),
    )
}

/// The tenant's clients (administrators).
pub async fn list(app: &App, caller: &Caller) -> Result<Vec<LrsClient>> {
    guard(caller)?;
    Ok(repo::clients(app.db.reader(), caller.tenant)
        .await?
        .into_iter()
        .map(|c| view(c, &caller.meta.base_url))
        .collect())
}

/// Creates a client; returns it and its secret (shown once).
pub async fn create(app: &App, caller: &Caller, form: ClientForm) -> Result<(LrsClient, String)> {
    guard(caller)?;
    let mut f = Fields::new();
    let name = f.check(validate::short_text("name", &form.name, 200));
    let mut scopes: Vec<XapiScope> = Vec::new();
    for s in &form.scopes {
        match s.trim().parse::<XapiScope>() {
            Ok(sc) if !scopes.contains(&sc) => scopes.push(sc),
            Ok(_) => {}
            Err(_) => f.push("scopes", codes::CHOICE_INVALID),
        }
    }
    if scopes.is_empty() {
        f.push("scopes", codes::REQUIRED);
    }
    f.finish()?;
    let name = name.ok_or_else(|| Error::internal("checked name"))?;
    let now = app.now();
    let secret = amphi_auth::token::generate("");
    let row = rows::XapiClient {
        id: Uuid::now_v7(),
        tenant_id: caller.tenant.0,
        name,
        key: amphi_auth::token::random_hex(12),
        secret_hash: secret.hash.clone(),
        scopes: scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(","),
        enabled: true,
        created_at: now,
        updated_at: now,
    };
    let txn = app.db.begin().await?;
    let c = repo::insert_client(&txn, caller.tenant, row).await?;
    audit::Event::new("xapi.client_created", caller.tenant)
        .actor(caller.user.id)
        .target(c.key.clone())
        .ip(caller.meta.ip.clone())
        .detail(serde_json::json!({"name": c.name, "scopes": c.scopes}))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok((view(c, &caller.meta.base_url), secret.plaintext))
}

/// Turns a client on or off (off: its requests are refused).
pub async fn set_enabled(app: &App, caller: &Caller, id: Uuid, enabled: bool) -> Result<LrsClient> {
    guard(caller)?;
    let old = repo::client(app.db.reader(), caller.tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let now = app.now();
    let mut c = old.clone();
    c.enabled = enabled;
    c.updated_at = now;
    let txn = app.db.begin().await?;
    let c = repo::update_client(&txn, caller.tenant, &old, &c).await?;
    let action = if enabled {
        "xapi.client_enabled"
    } else {
        "xapi.client_disabled"
    };
    audit::Event::new(action, caller.tenant)
        .actor(caller.user.id)
        .target(c.key.clone())
        .ip(caller.meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    // After the commit: a request reading the row before it would keep the old one.
    app.xapi_cache.forget_client(&c.key);
    Ok(view(c, &caller.meta.base_url))
}

/// Deletes a client (the statements it stored stay, with it as their authority).
pub async fn delete(app: &App, caller: &Caller, id: Uuid) -> Result<()> {
    guard(caller)?;
    let c = repo::client(app.db.reader(), caller.tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    repo::delete_client(&txn, caller.tenant, id).await?;
    audit::Event::new("xapi.client_deleted", caller.tenant)
        .actor(caller.user.id)
        .target(c.key.clone())
        .ip(caller.meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    app.xapi_cache.forget_client(&c.key);
    Ok(())
}

/// A client by key, whatever its tenant (the caller compares it with the site's): as read
/// less than [`super::cache::TTL`] ago, else from the database.
pub(crate) async fn by_key(app: &App, key: &str) -> Result<Option<rows::XapiClient>> {
    if let Some(c) = app.xapi_cache.client(key) {
        return Ok(Some(c));
    }
    let found = repo::client_by_key(app.db.reader(), key).await?;
    if let Some(c) = &found {
        app.xapi_cache.put_client(c.clone());
    }
    Ok(found)
}
