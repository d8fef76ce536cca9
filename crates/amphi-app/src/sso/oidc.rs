//! Signing in through an OpenID Connect provider: the redirect out (state, nonce and PKCE
//! verifier kept server-side, hashed by state, ten minutes), and the way back (state checked
//! against the browser's cookie and used up, code exchanged, ID token verified).

use super::signin::{complete_sign_in, provider, refuse, Failure, Outcome};
use crate::sessions::Browser;
use crate::tenants::Tenant;
use crate::{App, RequestMeta};
use amphi_auth::oidc::{self as rp, OidcConfig, OidcError};
use amphi_auth::{token, totp};
use amphi_core::identity::LoginStateKind;
use amphi_core::identity::ProviderKind;
use amphi_core::Error;
use amphi_db::repo::identity as repo;
use amphi_db::rows;
use chrono::Duration;
use openidconnect::core::CoreProviderMetadata;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// How long a person may take at the provider.
const STATE_MINUTES: i64 = 10;

/// How long a discovery document is reused (keys are fetched again sooner on an unknown key).
const DISCOVERY_TTL_SECS: u64 = 300;

type Cache = Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>;

fn cache() -> &'static Cache {
    static C: OnceLock<Cache> = OnceLock::new();
    C.get_or_init(|| Mutex::new(HashMap::new()))
}

async fn metadata(
    client: &reqwest::Client,
    issuer: &str,
) -> Result<CoreProviderMetadata, OidcError> {
    if let Ok(map) = cache().lock() {
        if let Some((at, m)) = map.get(issuer) {
            if at.elapsed().as_secs() < DISCOVERY_TTL_SECS {
                return Ok(m.clone());
            }
        }
    }
    let m = rp::discover(client, issuer).await?;
    remember(issuer, &m);
    Ok(m)
}

fn remember(issuer: &str, m: &CoreProviderMetadata) {
    if let Ok(mut map) = cache().lock() {
        if map.len() > 1000 {
            map.clear();
        }
        map.insert(issuer.to_owned(), (Instant::now(), m.clone()));
    }
}

#[derive(Serialize, Deserialize)]
struct StateData {
    nonce: String,
    pkce: String,
    next: String,
}

fn config_of(app: &App, p: &rows::IdentityProvider) -> Result<OidcConfig, Failure> {
    let stored = super::stored::stored_config(p);
    let open = super::config::open(app.secret(), &stored)?;
    serde_json::from_value(serde_json::Value::Object(open))
        .map_err(|e| Failure::Internal(Error::Internal(format!("oidc config: {e}"))))
}

/// Where the provider sends people back.
pub fn callback_url(meta: &RequestMeta, slug: &str) -> String {
    format!("{}/sso/oidc/{}/callback", meta.base_url, slug)
}

/// Starts a sign-in: returns the provider URL to redirect to and the state to keep in the
/// browser's cookie.
pub async fn begin(
    app: &App,
    tenant: &Tenant,
    slug: &str,
    next: &str,
    meta: &RequestMeta,
) -> Result<(String, String), Failure> {
    let owned = provider(app, tenant.id, slug, ProviderKind::Oidc, meta).await?;
    let p = &owned;
    let cfg = config_of(app, p)?;
    // (A macro, not a closure returning a future: handlers' futures must stay Send.)
    macro_rules! oops {
        ($e:expr) => {{
            let e: OidcError = $e;
            tracing::warn!(provider = %p.slug, error = %e, "OIDC sign-in could not start");
            refuse(app, tenant.id, Some(p), &p.slug, e.reason(), None, meta).await
        }};
    }
    let client = match rp::http_client() {
        Ok(c) => c,
        Err(e) => return Err(oops!(e)),
    };
    let m = match metadata(&client, &cfg.issuer).await {
        Ok(m) => m,
        Err(e) => return Err(oops!(e)),
    };
    let start = match rp::start(&m, &cfg, &callback_url(meta, &p.slug)) {
        Ok(s) => s,
        Err(e) => return Err(oops!(e)),
    };
    let seal = |s: &str| {
        totp::seal(app.secret(), s.as_bytes())
            .ok_or_else(|| Failure::Internal(Error::Internal("cannot seal".into())))
    };
    let data = StateData {
        nonce: seal(&start.nonce)?,
        pkce: seal(&start.pkce_verifier)?,
        next: next.to_owned(),
    };
    let now = app.now();
    repo::insert_state(
        app.db.writer(),
        tenant.id,
        rows::SsoLoginState {
            id_hash: token::hash(&start.state),
            tenant_id: tenant.id.0,
            provider_id: p.id,
            kind: LoginStateKind::Oidc.as_str().into(),
            data: serde_json::to_string(&data).map_err(Error::internal)?,
            expires_at: now + Duration::minutes(STATE_MINUTES),
            created_at: now,
        },
    )
    .await?;
    Ok((start.url, start.state))
}

/// What the provider sent back to the callback.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Callback {
    /// Our state.
    pub state: Option<String>,
    /// The authorization code.
    pub code: Option<String>,
    /// An error code from the provider (the person cancelled …).
    pub error: Option<String>,
}

/// Finishes a sign-in on the way back; returns the outcome and where to go next.
pub async fn finish(
    app: &App,
    tenant: &Tenant,
    slug: &str,
    cb: Callback,
    cookie_state: Option<&str>,
    browser: Browser<'_>,
    meta: &RequestMeta,
) -> Result<(Outcome, String), Failure> {
    let owned = provider(app, tenant.id, slug, ProviderKind::Oidc, meta).await?;
    let p = &owned;
    macro_rules! refused {
        ($r:expr) => {
            refuse(app, tenant.id, Some(p), &p.slug, $r, None, meta).await
        };
    }
    let state = cb.state.as_deref().unwrap_or("");
    // The state must come back to the browser that started: its cookie holds the same value.
    let same_browser = !state.is_empty()
        && cookie_state.is_some_and(|c| {
            use subtle::ConstantTimeEq;
            c.len() == state.len() && bool::from(c.as_bytes().ct_eq(state.as_bytes()))
        });
    if !same_browser {
        return Err(refused!("state_invalid"));
    }
    let Some(row) = repo::take_state(
        app.db.writer(),
        tenant.id,
        &token::hash(state),
        LoginStateKind::Oidc,
        app.now(),
    )
    .await?
    .filter(|r| r.provider_id == p.id) else {
        return Err(refused!("state_invalid"));
    };
    if cb.error.is_some() {
        return Err(refused!("provider_error"));
    }
    let Some(code) = cb
        .code
        .as_deref()
        .filter(|c| !c.is_empty() && c.len() <= 2048)
    else {
        return Err(refused!("code_missing"));
    };
    let data: StateData = serde_json::from_str(&row.data).map_err(Error::internal)?;
    let open = |s: &str| {
        totp::open(app.secret(), s)
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| Failure::Internal(Error::Internal("cannot open state".into())))
    };
    let (nonce, pkce) = (open(&data.nonce)?, open(&data.pkce)?);
    let cfg = config_of(app, p)?;
    let client = rp::http_client().map_err(|e| Failure::Internal(Error::internal(e)))?;
    let done = async {
        let m = metadata(&client, &cfg.issuer).await?;
        rp::finish(
            &client,
            &m,
            &cfg,
            &callback_url(meta, &p.slug),
            code,
            &nonce,
            &pkce,
            app.now(),
        )
        .await
    }
    .await;
    let finished = match done {
        Ok(f) => f,
        Err(e) => {
            tracing::info!(provider = %p.slug, error = %e, "OIDC sign-in refused");
            return Err(refused!(e.reason()));
        }
    };
    if let Some(fresh) = &finished.refreshed {
        remember(&cfg.issuer, fresh);
    }
    let outcome = complete_sign_in(
        app,
        tenant,
        p,
        finished.identity,
        Default::default(),
        browser,
        meta,
    )
    .await?;
    Ok((outcome, data.next))
}
