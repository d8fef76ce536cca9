//! Personal access tokens for `/api/v1`: created and revoked by their owner, stored hashed,
//! scoped and optionally expiring.

use crate::tenants::Tenant;
use crate::users::User;
use crate::{App, Caller};
use amphi_auth::token;
use amphi_core::codes;
use amphi_core::error::Fields;
use amphi_core::policy::Actor;
use amphi_core::{validate, Error, Result};
use amphi_db::repo::{api_tokens as repo_a, audit};
use amphi_db::rows;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Prefix of every token, so leaked tokens are easy to recognise and scan for.
pub const PREFIX: &str = "amphi_pat_";

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// GET requests.
    Read,
    /// Changes to one's own data and, for administrators, to what they administer.
    Write,
    /// Administration endpoints (tenants, users), still within the owner's role.
    Admin,
}

impl Scope {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(s: &str) -> Option<Scope> {
        match s.trim() {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }
}

/// A token as its owner sees it (never the secret, except once at creation).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    /// Id.
    pub id: Uuid,
    /// Name given by the owner.
    pub name: String,
    /// Scopes.
    pub scopes: Vec<Scope>,
    /// Expiry, if any.
    pub expires_at: Option<DateTime<Utc>>,
    /// Last use (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revocation time, if revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

fn scopes_of(s: &str) -> Vec<Scope> {
    s.split(',').filter_map(Scope::parse).collect()
}

impl From<rows::ApiToken> for ApiToken {
    fn from(m: rows::ApiToken) -> Self {
        ApiToken {
            id: m.id,
            name: m.name,
            scopes: scopes_of(&m.scopes),
            expires_at: m.expires_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
            created_at: m.created_at,
        }
    }
}

/// The creation form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewTokenForm {
    /// Name.
    pub name: String,
    /// Scope names.
    pub scopes: Vec<String>,
    /// Days until expiry (1 to 365); None or 0 for no expiry.
    pub expires_in_days: Option<i64>,
}

/// Creates a token for the actor; returns the secret (shown once) and the token.
pub async fn create(app: &App, caller: &Caller, form: NewTokenForm) -> Result<(String, ApiToken)> {
    let (user, meta) = (&caller.user, &caller.meta);
    let mut f = Fields::new();
    let name = f.check(validate::short_text("name", &form.name, 100));
    let mut scopes: Vec<Scope> = Vec::new();
    for s in &form.scopes {
        match Scope::parse(s) {
            Some(sc) if !scopes.contains(&sc) => scopes.push(sc),
            Some(_) => {}
            None => f.push("scopes", codes::CHOICE_INVALID),
        }
    }
    if scopes.is_empty() {
        f.push("scopes", codes::REQUIRED);
    }
    let expires = match form.expires_in_days {
        None | Some(0) => None,
        Some(d) if (1..=365).contains(&d) => Some(d),
        Some(_) => {
            f.push("expires_in_days", codes::OUT_OF_RANGE);
            None
        }
    };
    f.finish()?;
    let Some(name) = name else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let now = app.now();
    let t = token::generate(PREFIX);
    let txn = app.db.begin().await?;
    let m = repo_a::insert(
        &txn,
        user.tenant_id,
        rows::ApiToken {
            id: Uuid::now_v7(),
            tenant_id: user.tenant_id.0,
            user_id: user.id.0,
            name,
            token_hash: t.hash,
            scopes: scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(","),
            expires_at: expires.map(|d| now + Duration::days(d)),
            last_used_at: None,
            revoked_at: None,
            created_at: now,
        },
    )
    .await?;
    audit::Event::new("api_token.created", user.tenant_id)
        .actor(user.id)
        .target(m.name.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "scopes": m.scopes, "token_id": m.id }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok((t.plaintext, m.into()))
}

/// The actor's tokens.
pub async fn list(app: &App, caller: &Caller) -> Result<Vec<ApiToken>> {
    let user = &caller.user;
    Ok(repo_a::for_user(app.db.reader(), user.tenant_id, user.id)
        .await?
        .into_iter()
        .map(ApiToken::from)
        .collect())
}

/// Revokes one of the actor's tokens.
pub async fn revoke(app: &App, caller: &Caller, id: Uuid) -> Result<()> {
    let (user, meta) = (&caller.user, &caller.meta);
    let now = app.now();
    let txn = app.db.begin().await?;
    if !repo_a::revoke(&txn, user.tenant_id, user.id, id, now).await? {
        return Err(Error::NotFound);
    }
    audit::Event::new("api_token.revoked", user.tenant_id)
        .actor(user.id)
        .target(id.to_string())
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// A caller authenticated by a bearer token.
#[derive(Debug, Clone)]
pub struct TokenUser {
    /// The owner.
    pub user: User,
    /// What the token allows.
    pub scopes: Vec<Scope>,
}

impl TokenUser {
    /// The owner as an actor.
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }
}

/// Refuses if `scopes` (a token's) lack `scope`.
pub fn require_scope(scopes: &[Scope], scope: Scope) -> Result<()> {
    if scopes.contains(&scope) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// The owner of a bearer token presented on this tenant, if the token is valid here. One query.
pub async fn authenticate(app: &App, tenant: &Tenant, bearer: &str) -> Result<Option<TokenUser>> {
    if !bearer.starts_with(PREFIX) || bearer.len() > 200 {
        return Ok(None);
    }
    let Some((t, u)) = repo_a::with_user(app.db.reader(), tenant.id, &token::hash(bearer)).await?
    else {
        return Ok(None);
    };
    let now = app.now();
    let alive = t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now);
    if !alive || t.tenant_id != tenant.id.0 || u.tenant_id != tenant.id.0 || !u.active {
        return Ok(None);
    }
    if t.last_used_at
        .is_none_or(|l| now - l > Duration::seconds(60))
    {
        repo_a::touch(app.db.writer(), tenant.id, t.id, now).await?;
    }
    Ok(Some(TokenUser {
        scopes: scopes_of(&t.scopes),
        user: u.into(),
    }))
}
