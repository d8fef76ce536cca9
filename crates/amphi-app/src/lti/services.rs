//! The services' door: the OAuth 2 token endpoint (client credentials with a JWT client
//! assertion signed by the tool, RFC 7523; its `jti` single use), and the check every service
//! request passes (a live token of this site, a tool still enabled, the scope the call needs,
//! and a run that holds an item of that tool). Refusals are audited with their reason.

use super::{ToolItem, Urls};
use crate::App;
use amphi_core::course::ItemKind;
use amphi_core::lti::scope;
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{audit, courses as repo_c, lti as repo};
use amphi_db::rows;
use amphi_lti::verify::{self, ToolKeys};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::jwk::JwkSet;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use uuid::Uuid;

/// How long an access token lives.
pub const TOKEN_LIFETIME_SECS: i64 = 3600;

/// A refused token request: the OAuth 2 error and what the tool is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `invalid_scope`,
    /// `unsupported_grant_type`.
    pub error: &'static str,
    /// Why, for the tool's developers (never a secret).
    pub description: String,
}

fn refused(error: &'static str, description: impl Into<String>) -> TokenError {
    TokenError {
        error,
        description: description.into(),
    }
}

/// A token request's form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TokenRequest {
    /// `client_credentials`.
    pub grant_type: Option<String>,
    /// `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
    pub client_assertion_type: Option<String>,
    /// The tool's signed JWT.
    pub client_assertion: Option<String>,
    /// Scopes asked for, space separated.
    pub scope: Option<String>,
}

/// A granted token.
#[derive(Debug, Clone, Serialize)]
pub struct TokenGrant {
    /// The bearer token.
    pub access_token: String,
    /// `Bearer`.
    pub token_type: &'static str,
    /// Seconds it lives.
    pub expires_in: i64,
    /// Scopes granted, space separated.
    pub scope: String,
}

/// The scopes a tool may be granted.
pub fn allowed_scopes(t: &rows::LtiTool) -> Vec<&'static str> {
    let mut s = Vec::new();
    if t.ags {
        s.extend_from_slice(scope::AGS);
    }
    if t.nrps {
        s.push(scope::NRPS);
    }
    s
}

/// Key sets by URL, with when they were fetched.
type KeySets = Mutex<HashMap<String, (DateTime<Utc>, JwkSet)>>;

/// Tools' key sets by URL, kept five minutes (fetched again at once for an unknown `kid`).
fn key_sets() -> &'static KeySets {
    static SETS: OnceLock<KeySets> = OnceLock::new();
    SETS.get_or_init(Default::default)
}

/// A tool's key set, from the cache unless `fresh` or stale.
pub(crate) async fn key_set(
    app: &App,
    url: &str,
    fresh: bool,
) -> std::result::Result<JwkSet, String> {
    let now = app.now();
    if !fresh {
        if let Ok(m) = key_sets().lock() {
            if let Some((at, set)) = m.get(url) {
                if now - *at < Duration::minutes(5) {
                    return Ok(set.clone());
                }
            }
        }
    }
    let client = amphi_auth::oidc::http_client().map_err(|e| e.to_string())?;
    let set = amphi_auth::partner::fetch_jwks(&client, url)
        .await
        .map_err(|e| e.to_string())?;
    if let Ok(mut m) = key_sets().lock() {
        if m.len() > 1000 {
            m.clear();
        }
        m.insert(url.to_owned(), (now, set.clone()));
    }
    Ok(set)
}

/// Verifies a JWT signed by a tool with its pasted key or its key set (fetched again once
/// when the `kid` is unknown).
pub(crate) async fn verify_tool_jwt<T>(
    app: &App,
    tool: &rows::LtiTool,
    check: impl Fn(ToolKeys<'_>) -> std::result::Result<T, amphi_lti::LtiError>,
) -> std::result::Result<T, amphi_lti::LtiError> {
    if let Some(pem) = &tool.public_key_pem {
        return check(ToolKeys::Pem(pem));
    }
    let url = tool
        .jwks_url
        .as_deref()
        .ok_or_else(|| amphi_lti::LtiError::Key("the tool has no keys".into()))?;
    let set = key_set(app, url, false)
        .await
        .map_err(amphi_lti::LtiError::Key)?;
    match check(ToolKeys::Set(&set)) {
        Err(amphi_lti::LtiError::Key(_)) => {
            let set = key_set(app, url, true)
                .await
                .map_err(amphi_lti::LtiError::Key)?;
            check(ToolKeys::Set(&set))
        }
        r => r,
    }
}

async fn audit_refusal(
    app: &App,
    tenant: TenantId,
    client: &str,
    reason: &str,
    ip: Option<String>,
) {
    let r = audit::Event::new("lti.token_refused", tenant)
        .target(client.to_owned())
        .ip(ip)
        .detail(serde_json::json!({ "reason": reason }))
        .record(app.db.writer(), app.now())
        .await;
    if let Err(e) = r {
        tracing::warn!(error = %e, "cannot audit a refused LTI token request");
    }
}

/// The token endpoint: checks the tool's client assertion and grants a bearer token for the
/// scopes asked that the tool may use.
pub async fn token(
    app: &App,
    tenant: TenantId,
    base_url: &str,
    ip: Option<String>,
    req: TokenRequest,
) -> Result<std::result::Result<TokenGrant, TokenError>> {
    if req.grant_type.as_deref() != Some("client_credentials") {
        return Ok(Err(refused(
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        )));
    }
    if req.client_assertion_type.as_deref()
        != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    {
        return Ok(Err(refused(
            "invalid_request",
            "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        )));
    }
    let Some(assertion) = req.client_assertion.as_deref().filter(|a| a.len() < 16_384) else {
        return Ok(Err(refused(
            "invalid_request",
            "client_assertion is missing",
        )));
    };
    // The client id names the tool whose keys check the signature.
    let Some(client) = amphi_lti::verify::unverified_issuer(assertion) else {
        return Ok(Err(refused(
            "invalid_client",
            "the client assertion is not a JWT",
        )));
    };
    let tool = match repo::tool_by_client(app.db.reader(), &client).await? {
        Some(t) if t.tenant_id == tenant.0 => t,
        _ => {
            audit_refusal(app, tenant, &client, "client_unknown", ip).await;
            return Ok(Err(refused("invalid_client", "unknown client")));
        }
    };
    if !tool.enabled {
        audit_refusal(app, tenant, &client, "tool_disabled", ip).await;
        return Ok(Err(refused("invalid_client", "this tool is turned off")));
    }
    let urls = Urls::of(base_url);
    let (token_url, issuer) = (urls.token(), urls.issuer.clone());
    let now = app.now();
    let checked = verify_tool_jwt(app, &tool, |keys| {
        verify::client_assertion(
            assertion,
            keys,
            &tool.client_id,
            &[&token_url, &issuer],
            now,
        )
    })
    .await;
    let a = match checked {
        Ok(a) => a,
        Err(e) => {
            audit_refusal(app, tenant, &client, e.code(), ip).await;
            return Ok(Err(refused("invalid_client", e.to_string())));
        }
    };
    let jti = amphi_auth::token::hash(&a.jti);
    if !repo::remember_jti(app.db.writer(), tool.id, &jti, a.expires_at).await? {
        audit_refusal(app, tenant, &client, "jti_replayed", ip).await;
        return Ok(Err(refused(
            "invalid_grant",
            "this client assertion was already used",
        )));
    }
    let allowed = allowed_scopes(&tool);
    let asked: Vec<&str> = req
        .scope
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let granted: Vec<&str> = if asked.is_empty() {
        allowed.clone()
    } else {
        asked.into_iter().filter(|s| allowed.contains(s)).collect()
    };
    if granted.is_empty() {
        audit_refusal(app, tenant, &client, "scope_not_granted", ip).await;
        return Ok(Err(refused(
            "invalid_scope",
            "no scope asked for is granted to this tool",
        )));
    }
    let plain = amphi_auth::token::random_hex(32);
    let scope = granted.join(" ");
    repo::insert_token(
        app.db.writer(),
        tenant,
        rows::LtiToken {
            token_hash: amphi_auth::token::hash(&plain),
            tenant_id: tenant.0,
            tool_id: tool.id,
            scopes: scope.clone(),
            expires_at: now + Duration::seconds(TOKEN_LIFETIME_SECS),
        },
    )
    .await?;
    Ok(Ok(TokenGrant {
        access_token: plain,
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME_SECS,
        scope,
    }))
}

/// A tool calling a service of one run, its token checked.
#[derive(Debug, Clone)]
pub struct ServiceCaller {
    /// The tool.
    pub tool: rows::LtiTool,
    /// The run.
    pub run: rows::CourseRun,
    /// The scopes its token holds.
    pub scopes: Vec<String>,
    /// The site's URLs.
    pub urls: Urls,
}

impl ServiceCaller {
    /// Whether the token holds one of these scopes.
    pub fn holds(&self, any_of: &[&str]) -> bool {
        self.scopes.iter().any(|s| any_of.contains(&s.as_str()))
    }
}

/// Checks a service request: a live token of this site (else `Unauthenticated`), an enabled
/// tool holding one of `any_of` (else `Forbidden`), a run of the tenant where the tool has an
/// item (else `NotFound`).
pub async fn service_caller(
    app: &App,
    tenant: TenantId,
    base_url: &str,
    bearer: Option<&str>,
    run: Uuid,
    any_of: &[&str],
) -> Result<ServiceCaller> {
    let bearer = bearer.ok_or(Error::Unauthenticated)?;
    let now = app.now();
    let t = repo::token(
        app.db.reader(),
        tenant,
        &amphi_auth::token::hash(bearer),
        now,
    )
    .await?
    .ok_or(Error::Unauthenticated)?;
    let tool = repo::tool(app.db.reader(), tenant, t.tool_id)
        .await?
        .filter(|x| x.enabled)
        .ok_or(Error::Unauthenticated)?;
    let scopes: Vec<String> = t.scopes.split_whitespace().map(str::to_owned).collect();
    if !scopes.iter().any(|s| any_of.contains(&s.as_str())) {
        return Err(Error::Forbidden);
    }
    let run = repo_c::run(app.db.reader(), tenant, run)
        .await?
        .ok_or(Error::NotFound)?;
    if !run_uses_tool(app, tenant, &run, tool.id).await? {
        return Err(Error::NotFound);
    }
    Ok(ServiceCaller {
        tool,
        run,
        scopes,
        urls: Urls::of(base_url),
    })
}

/// The run's items of the tool (from the cached structure).
pub(crate) async fn tool_items(
    app: &App,
    tenant: TenantId,
    run: &rows::CourseRun,
    tool: Uuid,
) -> Result<Vec<rows::CourseItem>> {
    let s = crate::courses::learn::structure_of(app, tenant, run).await?;
    Ok(s.items
        .iter()
        .filter(|i| i.kind().ok() == Some(ItemKind::Tool))
        .filter(|i| ToolItem::of(&i.settings).is_some_and(|t| t.tool_id == tool))
        .cloned()
        .collect())
}

async fn run_uses_tool(
    app: &App,
    tenant: TenantId,
    run: &rows::CourseRun,
    tool: Uuid,
) -> Result<bool> {
    Ok(!tool_items(app, tenant, run, tool).await?.is_empty())
}
