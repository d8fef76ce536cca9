//! The tenant's signing keys: made on first use, rotated by an administrator (the new key
//! signs at once; the old ones stay in the key set for a day, so launches in flight and tools'
//! cached key sets still verify), the private half sealed with the platform secret. Also the
//! platform's OpenID configuration document.

use super::Urls;
use crate::{App, Caller};
use amphi_core::lti::scope;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{audit, lti as repo};
use amphi_db::rows;
use chrono::Duration;
use serde_json::{json, Value};
use uuid::Uuid;

/// How long a retired key stays published.
pub fn retired_published_for() -> Duration {
    Duration::hours(24)
}

fn seal(app: &App, pem: &str) -> Result<String> {
    amphi_auth::totp::seal(app.secret(), pem.as_bytes())
        .ok_or_else(|| Error::Internal("cannot seal an LTI key".into()))
}

fn new_row(app: &App, tenant: TenantId) -> Result<rows::LtiKey> {
    let k = amphi_lti::keys::generate().map_err(Error::internal)?;
    Ok(rows::LtiKey {
        id: Uuid::now_v7(),
        tenant_id: tenant.0,
        kid: k.kid,
        private_key: seal(app, &k.private_pem)?,
        public_jwk: k.public_jwk.to_string(),
        created_at: app.now(),
        retired_at: None,
    })
}

/// The key that signs now: its `kid` and private PEM. Made on first use.
pub async fn signing_key(app: &App, tenant: TenantId) -> Result<(String, String)> {
    let since = app.now() - retired_published_for();
    let keys = repo::published_keys(app.db.reader(), tenant, since).await?;
    let k = match keys.into_iter().find(|k| k.retired_at.is_none()) {
        Some(k) => k,
        None => {
            let row = new_row(app, tenant)?;
            repo::rotate_key(app.db.writer(), tenant, row, app.now()).await?
        }
    };
    let pem = amphi_auth::totp::open(app.secret(), &k.private_key)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Error::Internal("an LTI key does not open".into()))?;
    Ok((k.kid, pem))
}

/// The tenant's published key set.
pub async fn jwks(app: &App, tenant: TenantId) -> Result<Value> {
    let since = app.now() - retired_published_for();
    let mut keys = repo::published_keys(app.db.reader(), tenant, since).await?;
    if keys.is_empty() {
        signing_key(app, tenant).await?;
        keys = repo::published_keys(app.db.reader(), tenant, since).await?;
    }
    let jwks: Vec<Value> = keys
        .iter()
        .filter_map(|k| serde_json::from_str(&k.public_jwk).ok())
        .collect();
    Ok(amphi_lti::keys::jwks(&jwks))
}

/// Replaces the tenant's signing key (administrators); returns the new `kid`.
pub async fn rotate(app: &App, caller: &Caller) -> Result<String> {
    require(
        &caller.actor(),
        Action::Update,
        Resource::Tenant(caller.tenant),
    )?;
    let row = new_row(app, caller.tenant)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let k = repo::rotate_key(&txn, caller.tenant, row, now).await?;
    audit::Event::new("lti.key_rotated", caller.tenant)
        .actor(caller.user.id)
        .target(k.kid.clone())
        .ip(caller.meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(k.kid)
}

/// The platform's OpenID configuration (LTI Dynamic Registration reads it).
pub fn openid_configuration(base_url: &str, tenant_name: &str) -> Value {
    let u = Urls::of(base_url);
    json!({
        "issuer": u.issuer,
        "authorization_endpoint": u.authorize(),
        "token_endpoint": u.token(),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": u.jwks(),
        "registration_endpoint": format!("{}/lti/register", u.issuer),
        "scopes_supported": [
            "openid", scope::LINEITEM, scope::LINEITEM_READONLY, scope::RESULT_READONLY,
            scope::SCORE, scope::NRPS
        ],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email", "locale"],
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": "amphi",
            "version": env!("CARGO_PKG_VERSION"),
            "messages_supported": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest", "placements": ["ContentArea"]}
            ],
            "variables": [
                "User.id", "User.username", "Person.sourcedId", "Person.name.full",
                "Person.name.given", "Person.name.family", "Person.email.primary",
                "Context.id", "Context.title", "Context.label", "CourseSection.sourcedId",
                "ResourceLink.id", "ResourceLink.title", "Message.locale"
            ],
            "platform_name": tenant_name
        }
    })
}
