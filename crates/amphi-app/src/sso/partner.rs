//! Partner hand-off: `/sso/partner/{provider}?token=…&next=…`. The JWT is verified with the
//! partner's key (pasted PEM, or its JWKS fetched again once on an unknown key), its `jti` is
//! used up, the person is signed in (matched or created), optionally enrolled in the run the
//! token names, and sent to `next` when it is a path of this site.

use super::signin::{complete_sign_in, enrol_directly, refuse, Failure, Outcome};
use crate::sessions::Browser;
use crate::tenants::Tenant;
use crate::{App, RequestMeta};
use amphi_auth::partner::{self as hand, PartnerConfig, PartnerError};
use amphi_auth::token;
use amphi_core::course::CourseRole;
use amphi_core::identity::ProviderKind;
use amphi_core::identity::ReplayKind;
use amphi_core::{Error, UserId};
use amphi_db::repo::{identity as repo, users as repo_u};
use amphi_db::rows;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::DecodingKey;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

const JWKS_TTL_SECS: u64 = 300;

type Cache = Mutex<HashMap<String, (Instant, JwkSet)>>;

fn cache() -> &'static Cache {
    static C: OnceLock<Cache> = OnceLock::new();
    C.get_or_init(|| Mutex::new(HashMap::new()))
}

async fn jwks(url: &str, fresh: bool) -> Result<JwkSet, PartnerError> {
    if !fresh {
        if let Ok(map) = cache().lock() {
            if let Some((at, set)) = map.get(url) {
                if at.elapsed().as_secs() < JWKS_TTL_SECS {
                    return Ok(set.clone());
                }
            }
        }
    }
    let client = amphi_auth::oidc::http_client().map_err(|e| PartnerError::Jwks(e.to_string()))?;
    let set = hand::fetch_jwks(&client, url).await?;
    if let Ok(mut map) = cache().lock() {
        if map.len() > 1000 {
            map.clear();
        }
        map.insert(url.to_owned(), (Instant::now(), set.clone()));
    }
    Ok(set)
}

async fn key_for(cfg: &PartnerConfig, token: &str) -> Result<DecodingKey, PartnerError> {
    let alg = hand::algorithm(&cfg.algorithm).ok_or(PartnerError::Algorithm)?;
    if let Some(pem) = cfg.public_key_pem.as_deref().filter(|p| !p.is_empty()) {
        return hand::key_from_pem(alg, pem);
    }
    let url = cfg
        .jwks_url
        .as_deref()
        .ok_or_else(|| PartnerError::Key("no key configured".into()))?;
    let kid = hand::key_id(token)?;
    match hand::key_from_jwks(&jwks(url, false).await?, kid.as_deref()) {
        Ok(k) => Ok(k),
        // A key we have not seen: the partner may have rotated its keys.
        Err(PartnerError::Key(_)) => hand::key_from_jwks(&jwks(url, true).await?, kid.as_deref()),
        Err(e) => Err(e),
    }
}

/// Longest token read.
const MAX_TOKEN: usize = 16 * 1024;

/// Verifies a hand-off and signs the person in; returns the outcome and where to go.
pub async fn hand_off(
    app: &App,
    tenant: &Tenant,
    slug: &str,
    token_raw: Option<&str>,
    next: Option<&str>,
    browser: Browser<'_>,
    meta: &RequestMeta,
) -> Result<(Outcome, String), Failure> {
    let owned: rows::IdentityProvider =
        super::signin::provider(app, tenant.id, slug, ProviderKind::Partner, meta).await?;
    let p = &owned;
    macro_rules! refused {
        ($r:expr) => {
            refuse(app, tenant.id, Some(p), &p.slug, $r, None, meta).await
        };
    }
    let Some(next) = super::same_site_path(next) else {
        return Err(refused!("next_invalid"));
    };
    let Some(jwt) = token_raw
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN)
    else {
        return Err(refused!("token_malformed"));
    };
    let stored = super::stored::stored_config(p);
    let cfg: PartnerConfig = serde_json::from_value(serde_json::Value::Object(
        super::config::open(app.secret(), &stored)?,
    ))
    .map_err(|e| Failure::Internal(Error::Internal(format!("partner config: {e}"))))?;
    let verified = match key_for(&cfg, jwt).await {
        Ok(key) => hand::verify(&cfg, &key, jwt, app.now()),
        Err(e) => Err(e),
    };
    let h = match verified {
        Ok(h) => h,
        Err(e) => {
            tracing::info!(provider = %p.slug, error = %e, "partner hand-off refused");
            return Err(refused!(e.reason()));
        }
    };
    // One use per token: the jti is remembered until the token would have expired anyway.
    if !repo::remember_once(
        app.db.writer(),
        p.id,
        ReplayKind::Jti,
        &token::hash(&h.jti),
        h.expires_at + chrono::Duration::seconds(hand::LEEWAY_SECS),
    )
    .await?
    {
        return Err(refused!("token_replayed"));
    }
    let outcome = complete_sign_in(
        app,
        tenant,
        p,
        h.identity,
        Default::default(),
        browser,
        meta,
    )
    .await?;
    if let Some(run) = h.run.as_deref() {
        let user = match &outcome {
            Outcome::SignedIn(_, u) => Some(u.id),
            _ => None,
        };
        match (run.parse::<uuid::Uuid>(), user) {
            (Ok(run_id), Some(uid)) => {
                let published = amphi_db::repo::courses::run(app.db.reader(), tenant.id, run_id)
                    .await?
                    .is_some_and(|r| r.published);
                let u = repo_u::by_id(app.db.reader(), tenant.id, UserId(uid.0)).await?;
                if let Some(u) = u.filter(|_| published) {
                    let txn = app.db.begin().await?;
                    enrol_directly(
                        &txn,
                        app,
                        tenant.id,
                        run_id,
                        &u,
                        CourseRole::Learner,
                        &p.slug,
                        false,
                        meta,
                    )
                    .await?;
                    txn.commit().await.map_err(Error::internal)?;
                }
            }
            (Err(_), _) => {
                tracing::info!(provider = %p.slug, "partner token names a run that is not an id");
            }
            _ => {}
        }
    }
    Ok((outcome, next))
}
