//! Signing in through a SAML 2.0 identity provider: our SP metadata, the HTTP-Redirect
//! AuthnRequest (its id and where to go next kept server-side under the RelayState, ten
//! minutes), and the HTTP-POST response at the ACS: verified by the SAML library (signatures,
//! audience, recipient, destination, times, InResponseTo), its assertion id remembered until it
//! expires (no replay), then the common sign-in.

use super::signin::{complete_sign_in, refuse, Failure, Outcome};
use crate::sessions::{Browser, SsoOrigin};
use crate::tenants::Tenant;

use crate::{App, RequestMeta};
use amphi_auth::token;
use amphi_core::identity::LoginStateKind;
use amphi_core::identity::ProviderKind;
use amphi_core::identity::ReplayKind;
use amphi_core::{Error, TenantId};
use amphi_db::repo::identity as repo;
use amphi_db::rows;
use amphi_saml::{IdpConfig, KeyPair, SamlError, SpConfig};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

const STATE_MINUTES: i64 = 10;
const METADATA_TTL_SECS: u64 = 300;

fn base(meta: &RequestMeta, slug: &str) -> String {
    format!("{}/sso/saml/{}", meta.base_url, slug)
}

fn sp_config(
    app: &App,
    p: &rows::IdentityProvider,
    meta: &RequestMeta,
) -> Result<(SpConfig, Map<String, Value>), Failure> {
    let stored = super::stored::stored_config(p);
    let c = super::config::open(app.secret(), &stored)?;
    let text = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let pair = KeyPair::from_pem(&text("sp_private_key_pem"), &text("sp_certificate_pem"))
        .map_err(|e| Failure::Internal(Error::Internal(format!("SP keys: {e}"))))?;
    let b = base(meta, &p.slug);
    let entity_id = c
        .get("sp_entity_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{b}/metadata"));
    let mut sp = SpConfig::new(entity_id, format!("{b}/acs"), format!("{b}/slo"), pair);
    if let Some(v) = c.get("want_assertions_signed").and_then(Value::as_bool) {
        sp.want_assertions_signed = v;
    }
    if let Some(v) = c.get("want_response_signed").and_then(Value::as_bool) {
        sp.want_response_signed = v;
    }
    if let Some(v) = c.get("allow_idp_initiated").and_then(Value::as_bool) {
        sp.allow_idp_initiated = v;
    }
    if let Some(v) = c.get("clock_skew_secs").and_then(Value::as_i64) {
        sp.clock_skew = Duration::seconds(v);
    }
    Ok((sp, c))
}

type Cache = Mutex<HashMap<String, (Instant, IdpConfig)>>;

fn cache() -> &'static Cache {
    static C: OnceLock<Cache> = OnceLock::new();
    C.get_or_init(|| Mutex::new(HashMap::new()))
}

async fn idp_config(c: &Map<String, Value>) -> Result<IdpConfig, &'static str> {
    if let Some(xml) = c.get("idp_metadata_xml").and_then(Value::as_str) {
        return IdpConfig::from_metadata_xml(xml).map_err(|e| {
            tracing::warn!(error = %e, "SAML IdP metadata refused");
            "provider_config_invalid"
        });
    }
    let url = c
        .get("idp_metadata_url")
        .and_then(Value::as_str)
        .ok_or("provider_config_invalid")?;
    if let Ok(map) = cache().lock() {
        if let Some((at, idp)) = map.get(url) {
            if at.elapsed().as_secs() < METADATA_TTL_SECS {
                return Ok(idp.clone());
            }
        }
    }
    let client = amphi_auth::oidc::http_client().map_err(|_| "provider_unreachable")?;
    let resp = client.get(url).send().await.map_err(|e| {
        tracing::warn!(error = %e, "SAML IdP metadata unreachable");
        "provider_unreachable"
    })?;
    if !resp.status().is_success() {
        return Err("provider_unreachable");
    }
    let xml = resp.text().await.map_err(|_| "provider_unreachable")?;
    let idp = IdpConfig::from_metadata_xml(&xml).map_err(|e| {
        tracing::warn!(error = %e, "SAML IdP metadata refused");
        "provider_config_invalid"
    })?;
    if let Ok(mut map) = cache().lock() {
        if map.len() > 1000 {
            map.clear();
        }
        map.insert(url.to_owned(), (Instant::now(), idp.clone()));
    }
    Ok(idp)
}

/// Our SP metadata for a provider (signing and encryption certificates, ACS and SLO URLs).
pub async fn metadata(
    app: &App,
    tenant: TenantId,
    slug: &str,
    meta: &RequestMeta,
) -> Result<String, Error> {
    let p = repo::provider_by_slug(app.db.reader(), tenant, slug)
        .await?
        .filter(|p| matches!(p.kind(), Ok(ProviderKind::Saml)))
        .ok_or(Error::NotFound)?;
    let (sp, _) = sp_config(app, &p, meta).map_err(|f| match f {
        Failure::Internal(e) => e,
        Failure::Refused(_) => Error::NotFound,
    })?;
    Ok(amphi_saml::sp_metadata(&sp))
}

#[derive(Serialize, Deserialize)]
struct StateData {
    request_id: String,
    next: String,
}

/// The enabled SAML provider `slug` with our SP and its IdP configuration; an IdP
/// configuration that does not read is refused (and audited) like a failed sign-in.
async fn saml_provider(
    app: &App,
    tenant: &Tenant,
    slug: &str,
    meta: &RequestMeta,
) -> Result<(rows::IdentityProvider, SpConfig, IdpConfig), Failure> {
    let p = super::signin::provider(app, tenant.id, slug, ProviderKind::Saml, meta).await?;
    let (sp, c) = sp_config(app, &p, meta)?;
    match idp_config(&c).await {
        Ok(idp) => Ok((p, sp, idp)),
        Err(r) => Err(refuse(app, tenant.id, Some(&p), &p.slug, r, None, meta).await),
    }
}

/// Starts a sign-in: the IdP URL carrying our signed-if-asked AuthnRequest.
pub async fn begin(
    app: &App,
    tenant: &Tenant,
    slug: &str,
    next: &str,
    meta: &RequestMeta,
) -> Result<String, Failure> {
    let (owned, sp, idp) = saml_provider(app, tenant, slug, meta).await?;
    let p = &owned;
    // The RelayState is an opaque key to what we keep here (never a URL to trust).
    let relay = token::random_hex(32);
    let redirect = amphi_saml::authn_request_redirect(&sp, &idp, &relay, app.now())
        .map_err(|e| Failure::Internal(Error::Internal(format!("AuthnRequest: {e}"))))?;
    let data = StateData {
        request_id: redirect.request_id,
        next: next.to_owned(),
    };
    keep_state(app, tenant.id, p.id, &relay, LoginStateKind::Saml, &data).await?;
    Ok(redirect.url)
}

/// Keeps what a message sent to the IdP must be matched with, under the hash of its RelayState
/// (ten minutes, used once).
async fn keep_state<T: Serialize>(
    app: &App,
    tenant: TenantId,
    provider: uuid::Uuid,
    relay: &str,
    kind: LoginStateKind,
    data: &T,
) -> amphi_core::Result<()> {
    let now = app.now();
    repo::insert_state(
        app.db.writer(),
        tenant,
        rows::SsoLoginState {
            id_hash: token::hash(relay),
            tenant_id: tenant.0,
            provider_id: provider,
            kind: kind.as_str().into(),
            data: serde_json::to_string(data).map_err(Error::internal)?,
            expires_at: now + Duration::minutes(STATE_MINUTES),
            created_at: now,
        },
    )
    .await
}

fn reason(e: &SamlError) -> &'static str {
    match e {
        SamlError::Config(_) | SamlError::Metadata(_) => "provider_config_invalid",
        SamlError::Malformed(_) => "saml_malformed",
        SamlError::Signature(_) => "signature_invalid",
        SamlError::Decryption(_) => "saml_decryption_failed",
        SamlError::Status { .. } => "provider_error",
        SamlError::Issuer => "issuer_wrong",
        SamlError::Audience => "audience_wrong",
        SamlError::Destination | SamlError::Recipient => "saml_wrong_endpoint",
        SamlError::Expired => "token_expired",
        SamlError::NotYetValid => "token_not_yet_valid",
        SamlError::InResponseTo => "state_invalid",
        SamlError::Unsolicited => "saml_unsolicited",
        SamlError::Subject(_) => "subject_missing",
        SamlError::Internal(_) => "saml_malformed",
    }
}

/// The response posted to the ACS; returns the outcome and where to go next.
pub async fn acs(
    app: &App,
    tenant: &Tenant,
    slug: &str,
    saml_response: Option<&str>,
    relay_state: Option<&str>,
    browser: Browser<'_>,
    meta: &RequestMeta,
) -> Result<(Outcome, String), Failure> {
    let owned = super::signin::provider(app, tenant.id, slug, ProviderKind::Saml, meta).await?;
    let p = &owned;
    macro_rules! refused {
        ($r:expr) => {
            refuse(app, tenant.id, Some(p), &p.slug, $r, None, meta).await
        };
    }
    let Some(b64) = saml_response.filter(|r| !r.is_empty() && r.len() <= 2_000_000) else {
        return Err(refused!("saml_malformed"));
    };
    let (sp, c) = sp_config(app, p, meta)?;
    // The request this browser's sign-in started, used up now.
    let state = match relay_state.filter(|r| !r.is_empty() && r.len() <= 80) {
        Some(r) => repo::take_state(
            app.db.writer(),
            tenant.id,
            &token::hash(r),
            LoginStateKind::Saml,
            app.now(),
        )
        .await?
        .filter(|s| s.provider_id == p.id),
        None => None,
    };
    let data: Option<StateData> = match &state {
        Some(s) => Some(serde_json::from_str(&s.data).map_err(Error::internal)?),
        None => None,
    };
    if data.is_none() && (relay_state.is_some_and(|r| !r.is_empty()) || !sp.allow_idp_initiated) {
        return Err(refused!(if sp.allow_idp_initiated {
            "state_invalid"
        } else {
            "saml_unsolicited"
        }));
    }
    let idp = match idp_config(&c).await {
        Ok(i) => i,
        Err(r) => return Err(refused!(r)),
    };
    let login = match amphi_saml::validate_response(
        &sp,
        &idp,
        b64,
        data.as_ref().map(|d| d.request_id.as_str()),
        app.now(),
    ) {
        Ok(l) => l,
        Err(e) => {
            tracing::info!(provider = %p.slug, error = %e, "SAML response refused");
            return Err(refused!(reason(&e)));
        }
    };
    if !repo::remember_once(
        app.db.writer(),
        p.id,
        ReplayKind::Assertion,
        &token::hash(&login.assertion_id),
        login.replay_until,
    )
    .await?
    {
        return Err(refused!("token_replayed"));
    }
    let origin = SsoOrigin {
        provider_id: Some(p.id),
        name_id: Some(login.identity.subject.clone()),
        name_id_format: login.name_id_format.clone(),
        session_index: login.session_index.clone(),
    };
    let outcome = complete_sign_in(app, tenant, p, login.identity, origin, browser, meta).await?;
    Ok((outcome, data.map(|d| d.next).unwrap_or_else(|| "/".into())))
}

/// An IdP-initiated single logout (HTTP-Redirect `SAMLRequest`, signature checked): ends the
/// sessions of the account linked to the NameID and returns the IdP URL carrying our signed
/// LogoutResponse.
pub async fn idp_logout(
    app: &App,
    tenant: &Tenant,
    slug: &str,
    raw_query: &str,
    meta: &RequestMeta,
) -> Result<String, Failure> {
    let (owned, sp, idp) = saml_provider(app, tenant, slug, meta).await?;
    let p = &owned;
    let now = app.now();
    let req = match amphi_saml::validate_logout_request(&sp, &idp, raw_query, now) {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(provider = %p.slug, error = %e, "SAML logout request refused");
            let mut ev = amphi_db::repo::audit::Event::new("session.logout_refused", tenant.id)
                .ip(meta.ip.clone());
            ev = ev.detail(serde_json::json!({ "provider": p.slug, "reason": reason(&e) }));
            ev.record(app.db.writer(), now).await?;
            return Err(Failure::Refused(reason(&e)));
        }
    };
    let txn = app.db.begin().await?;
    let ended: Vec<uuid::Uuid> = if req.session_indexes.is_empty() {
        // No SessionIndex: every session of that person here ends.
        let link = repo::identity_by_subject(&txn, tenant.id, p.id, &req.name_id).await?;
        let mut users = Vec::new();
        if let Some(link) = link {
            let user = amphi_core::UserId(link.user_id);
            amphi_db::repo::sessions::delete_for_user(&txn, tenant.id, user, None).await?;
            users.push(link.user_id);
        }
        users
    } else {
        // Only the sessions those IdP sessions opened.
        amphi_db::repo::sessions::delete_for_sso(
            &txn,
            tenant.id,
            p.id,
            &req.name_id,
            &req.session_indexes,
        )
        .await?
    };
    for user in ended {
        amphi_db::repo::audit::Event::new("session.signed_out_by_idp", tenant.id)
            .actor(amphi_core::UserId(user))
            .ip(meta.ip.clone())
            .detail(serde_json::json!({ "provider": p.slug }))
            .record(&txn, now)
            .await?;
    }
    txn.commit().await.map_err(Error::internal)?;
    amphi_saml::logout_response_redirect(&sp, &idp, &req, now)
        .map_err(|e| Failure::Internal(Error::Internal(format!("LogoutResponse: {e}"))))
}

#[derive(Serialize, Deserialize)]
struct LogoutState {
    request_id: String,
}

/// After this site's own sign-out of a session that a SAML sign-in opened: the IdP URL
/// carrying our signed LogoutRequest (its NameID and SessionIndex), so that the person is
/// signed out there too, and the provider's display name. `None` when there is nothing to do there (another kind of sign-in,
/// a provider turned off or without a single logout endpoint, or a provider that cannot be
/// reached now); the session here is already gone either way.
pub async fn sign_out_redirect(
    app: &App,
    tenant: &Tenant,
    ended: &rows::Session,
    meta: &RequestMeta,
) -> amphi_core::Result<Option<(String, String)>> {
    let (Some(provider), Some(name_id)) = (ended.sso_provider_id, ended.sso_name_id.as_deref())
    else {
        return Ok(None);
    };
    let Some(p) = repo::provider_by_id(app.db.reader(), tenant.id, provider)
        .await?
        .filter(|p| p.enabled && matches!(p.kind(), Ok(ProviderKind::Saml)))
    else {
        return Ok(None);
    };
    let (sp, c) = match sp_config(app, &p, meta) {
        Ok(v) => v,
        Err(_) => return Ok(None),
    };
    let idp = match idp_config(&c).await {
        Ok(i) if i.slo_url.is_some() => i,
        Ok(_) => return Ok(None),
        Err(r) => {
            tracing::warn!(provider = %p.slug, reason = r, "SAML single logout skipped");
            return Ok(None);
        }
    };
    let relay = token::random_hex(32);
    let now = app.now();
    let out = match amphi_saml::logout_request_redirect(
        &sp,
        &idp,
        name_id,
        ended.sso_name_id_format.as_deref(),
        ended.sso_session_index.as_deref(),
        &relay,
        now,
    ) {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(provider = %p.slug, error = %e, "SAML LogoutRequest not made");
            return Ok(None);
        }
    };
    let data = LogoutState {
        request_id: out.request_id,
    };
    keep_state(
        app,
        tenant.id,
        p.id,
        &relay,
        LoginStateKind::SamlLogout,
        &data,
    )
    .await?;
    Ok(Some((out.url, p.display_name)))
}

/// The IdP's answer to our LogoutRequest (HTTP-Redirect `SAMLResponse` at the SLO URL;
/// signature, issuer, destination and InResponseTo checked). The session here ended before
/// the browser left; this says whether the IdP confirmed its side.
pub async fn sign_out_finished(
    app: &App,
    tenant: &Tenant,
    slug: &str,
    raw_query: &str,
    meta: &RequestMeta,
) -> Result<(), Failure> {
    let owned = super::signin::provider(app, tenant.id, slug, ProviderKind::Saml, meta).await?;
    let p = &owned;
    let now = app.now();
    let relay = url::form_urlencoded::parse(raw_query.as_bytes())
        .find(|(k, _)| k == "RelayState")
        .map(|(_, v)| v.into_owned())
        .filter(|r| !r.is_empty() && r.len() <= 80);
    let state = match relay {
        Some(r) => repo::take_state(
            app.db.writer(),
            tenant.id,
            &token::hash(&r),
            LoginStateKind::SamlLogout,
            now,
        )
        .await?
        .filter(|s| s.provider_id == p.id),
        None => None,
    };
    let outcome = match state {
        None => Err("state_invalid"),
        Some(s) => {
            let data: LogoutState = serde_json::from_str(&s.data).map_err(Error::internal)?;
            let (sp, c) = sp_config(app, p, meta)?;
            match idp_config(&c).await {
                Err(r) => Err(r),
                Ok(idp) => amphi_saml::validate_logout_response(
                    &sp,
                    &idp,
                    raw_query,
                    &data.request_id,
                    now,
                )
                .map_err(|e| {
                    tracing::info!(provider = %p.slug, error = %e, "SAML LogoutResponse refused");
                    reason(&e)
                }),
            }
        }
    };
    if let Err(r) = outcome {
        amphi_db::repo::audit::Event::new("session.logout_refused", tenant.id)
            .ip(meta.ip.clone())
            .detail(serde_json::json!({ "provider": p.slug, "reason": r }))
            .record(app.db.writer(), now)
            .await?;
        return Err(Failure::Refused(r));
    }
    Ok(())
}
