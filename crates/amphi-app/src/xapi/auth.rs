//! The credentials of an LRS request and the authority they give: an LRS client's key and
//! secret (HTTP Basic), or a short-lived token Amphi gives content for one learner (Basic
//! with the token's key and secret, or Bearer `key:secret`). The authority of a client is an
//! Agent `account {homePage: the tenant's site, name: the client's key}`; a learner token's
//! is the Group of Amphi and the learner (the spec's form for an application acting for a
//! person).

use super::{LrsError, LrsResult};
use crate::App;
use amphi_core::xapi::{allows, XapiNeed, XapiScope};
use amphi_core::{Result, TenantId, UserId};
use amphi_db::repo::xapi as repo;
use amphi_db::rows;
use base64::Engine;
use chrono::Duration;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

/// Prefix of learner token keys (they share the Basic auth form with client keys).
const TOKEN_PREFIX: &str = "amphi_xt_";

/// Who vouches for what is stored, and what the credentials may do.
#[derive(Debug, Clone)]
pub struct Authority {
    /// The `authority` set on statements stored with these credentials.
    pub agent: Value,
    /// The scopes.
    pub scopes: Vec<XapiScope>,
    /// The learner a token is bound to: their agent key (statements with another actor are
    /// refused, only theirs are read, only their documents reached).
    pub learner: Option<String>,
    /// The cmi5 session a token was fetched for: what it sends follows cmi5's rules.
    pub session: Option<uuid::Uuid>,
}

/// The agent of an Amphi account in the LRS: `account {homePage: the site, name: user id}`.
pub fn learner_agent(base_url: &str, user: UserId) -> Value {
    json!({"objectType": "Agent", "account": {
        "homePage": base_url.trim_end_matches('/'), "name": user.0.to_string()}})
}

/// Amphi itself as an agent of the site.
fn platform_agent(base_url: &str) -> Value {
    json!({"objectType": "Agent", "account": {
        "homePage": base_url.trim_end_matches('/'), "name": "amphi"}})
}

impl Authority {
    /// Amphi itself (its players record what learners do): every scope, no learner bound.
    pub fn platform(base_url: &str) -> Self {
        Authority {
            agent: platform_agent(base_url),
            scopes: vec![XapiScope::All],
            learner: None,
            session: None,
        }
    }

    /// Amphi acting for a learner: bound to that learner.
    pub fn learner(base_url: &str, user: UserId, scopes: Vec<XapiScope>) -> Self {
        let me = learner_agent(base_url, user);
        Authority {
            learner: amphi_xapi::agent::key(&me),
            agent: json!({"objectType": "Group",
                "member": [platform_agent(base_url), me]}),
            scopes,
            session: None,
        }
    }

    /// The key statements stored with this authority are read back by (`read/mine`).
    pub fn key(&self) -> String {
        amphi_xapi::agent::key(&self.agent)
            .unwrap_or_else(|| amphi_xapi::agent::keys_with_members(&self.agent).join("|"))
    }

    /// Refuses what the scopes do not allow.
    pub fn need(&self, need: XapiNeed) -> LrsResult<()> {
        if allows(&self.scopes, need) {
            Ok(())
        } else {
            Err(LrsError::Forbidden(
                "these credentials do not have the scope this needs".into(),
            ))
        }
    }
}

/// The key and secret of an `Authorization` header (Basic, or Bearer `key:secret`).
fn credentials(header: &str) -> Option<(String, String)> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    let raw = if scheme.eq_ignore_ascii_case("basic") {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .ok()?;
        String::from_utf8(bytes).ok()?
    } else if scheme.eq_ignore_ascii_case("bearer") {
        rest.trim().to_owned()
    } else {
        return None;
    };
    let (k, s) = raw.split_once(':')?;
    Some((k.to_owned(), s.to_owned()))
}

fn secret_matches(stored_hash: &str, secret: &str) -> bool {
    let h = amphi_auth::token::hash(secret);
    h.len() == stored_hash.len() && bool::from(h.as_bytes().ct_eq(stored_hash.as_bytes()))
}

/// The authority of a request's `Authorization` header, on the site of `tenant`.
pub async fn authenticate(
    app: &App,
    tenant: TenantId,
    base_url: &str,
    header: Option<&str>,
) -> LrsResult<Authority> {
    let (key, secret) = header.and_then(credentials).ok_or(LrsError::Unauthorized)?;
    if key.starts_with(TOKEN_PREFIX) {
        let t = repo::token(app.db.reader(), &key)
            .await?
            .filter(|t| t.tenant_id == tenant.0 && t.expires_at > app.now())
            .filter(|t| secret_matches(&t.secret_hash, &secret))
            .ok_or(LrsError::Unauthorized)?;
        let mut a = Authority::learner(base_url, UserId(t.user_id), scopes_of(&t.scopes));
        a.session = t.session_id;
        return Ok(a);
    }
    let c = super::clients::by_key(app, &key)
        .await?
        .filter(|c| c.tenant_id == tenant.0 && c.enabled)
        .filter(|c| secret_matches(&c.secret_hash, &secret))
        .ok_or(LrsError::Unauthorized)?;
    Ok(Authority {
        agent: json!({"objectType": "Agent", "account": {
            "homePage": base_url.trim_end_matches('/'), "name": c.key}}),
        scopes: scopes_of(&c.scopes),
        learner: None,
        session: None,
    })
}

/// Scopes stored comma-separated.
pub(crate) fn scopes_of(s: &str) -> Vec<XapiScope> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

/// The longest a learner token lives.
pub const MAX_TOKEN_TTL: Duration = Duration::hours(12);

/// Mints a token bound to `person` for content to send (`Authorization: Basic
/// base64(key:secret)` or `Bearer key:secret`), valid `ttl` (at most 12 hours); returns
/// `key:secret`.
pub async fn learner_token(
    app: &App,
    tenant: TenantId,
    person: UserId,
    scope: &[XapiScope],
    ttl: Duration,
) -> Result<String> {
    token_for(app, tenant, person, scope, ttl, None).await
}

/// Mints a learner token for one cmi5 session (see [`learner_token`]): what is sent with it
/// goes through cmi5's rules for that session.
pub async fn session_token(
    app: &App,
    tenant: TenantId,
    person: UserId,
    scope: &[XapiScope],
    ttl: Duration,
    session: uuid::Uuid,
) -> Result<String> {
    token_for(app, tenant, person, scope, ttl, Some(session)).await
}

async fn token_for(
    app: &App,
    tenant: TenantId,
    person: UserId,
    scope: &[XapiScope],
    ttl: Duration,
    session: Option<uuid::Uuid>,
) -> Result<String> {
    let key = format!("{TOKEN_PREFIX}{}", amphi_auth::token::random_hex(16));
    let secret = amphi_auth::token::generate("");
    let ttl = ttl.min(MAX_TOKEN_TTL);
    let row = rows::XapiToken {
        key: key.clone(),
        secret_hash: secret.hash.clone(),
        tenant_id: tenant.0,
        user_id: person.0,
        scopes: scope
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(","),
        expires_at: app.now() + ttl,
        session_id: session,
    };
    repo::insert_token(app.db.writer(), tenant, row).await?;
    Ok(format!("{key}:{}", secret.plaintext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_basic_and_bearer() {
        let b = base64::engine::general_purpose::STANDARD.encode("k:s:x");
        assert_eq!(
            credentials(&format!("Basic {b}")),
            Some(("k".into(), "s:x".into()))
        );
        assert_eq!(
            credentials("Bearer amphi_xt_1:abc"),
            Some(("amphi_xt_1".into(), "abc".into()))
        );
        assert_eq!(credentials("Digest x"), None);
        assert_eq!(credentials("Basic !!"), None);
    }

    #[test]
    fn learner_authority_is_bound() {
        let a = Authority::learner("https://s.example", UserId(uuid::Uuid::nil()), vec![]);
        assert_eq!(
            a.learner.as_deref(),
            Some("account::https://s.example::00000000-0000-0000-0000-000000000000")
        );
        assert_eq!(a.agent["objectType"], "Group");
        assert!(amphi_xapi::agent::check_group("a", &a.agent).is_ok());
    }
}
