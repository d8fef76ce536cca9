//! Tools registered by a tenant's administrators (manual registration): what the platform
//! needs to launch them and to check what they sign, which services they may use and what
//! they learn about people. Each registration gets its client id and one deployment for the
//! whole tenant. A tool that reported grades is turned off, never deleted. Every change is
//! audited.

use super::Urls;
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::error::Fields;
use amphi_core::lti::parse_custom;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{audit, lti as repo};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A tool as administrators see it, with what to give the tool about this platform.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Tool {
    /// Id.
    pub id: Uuid,
    /// The client id the tool is known by.
    pub client_id: String,
    /// Its deployments' ids (one for the whole site).
    pub deployment_ids: Vec<String>,
    /// Name shown to course teams.
    pub name: String,
    /// The tool's OIDC login initiation URL.
    pub login_url: String,
    /// Where launches may be sent.
    pub redirect_uris: Vec<String>,
    /// The tool's default launch address.
    pub target_link_uri: String,
    /// The tool's content picker (deep linking).
    pub deep_link_url: Option<String>,
    /// The tool's key set URL.
    pub jwks_url: Option<String>,
    /// The tool's public key, when pasted.
    pub public_key_pem: Option<String>,
    /// Custom parameters sent with every launch, one `name=value` a line.
    pub custom: String,
    /// May use Assignment and Grade Services.
    pub ags: bool,
    /// May list the course's members.
    pub nrps: bool,
    /// May be used to pick content.
    pub deep_linking: bool,
    /// Receives people's names.
    pub send_name: bool,
    /// Receives people's email addresses.
    pub send_email: bool,
    /// Receives people's pictures.
    pub send_picture: bool,
    /// Launches and services work.
    pub enabled: bool,
    /// This platform as the tool must know it.
    pub platform: PlatformDetails,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// What a tool must be told about this platform.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlatformDetails {
    /// Issuer.
    pub issuer: String,
    /// OIDC authorization endpoint.
    pub authorization_url: String,
    /// OAuth 2 token endpoint.
    pub token_url: String,
    /// Key set.
    pub jwks_url: String,
}

impl PlatformDetails {
    /// For a site.
    pub fn of(base_url: &str) -> Self {
        let u = Urls::of(base_url);
        PlatformDetails {
            authorization_url: u.authorize(),
            token_url: u.token(),
            jwks_url: u.jwks(),
            issuer: u.issuer,
        }
    }
}

fn view(m: rows::LtiTool, deployments: Vec<rows::LtiDeployment>, base_url: &str) -> Tool {
    Tool {
        id: m.id,
        client_id: m.client_id,
        deployment_ids: deployments.into_iter().map(|d| d.deployment_id).collect(),
        name: m.name,
        login_url: m.login_url,
        redirect_uris: serde_json::from_str(&m.redirect_uris).unwrap_or_default(),
        target_link_uri: m.target_link_uri,
        deep_link_url: m.deep_link_url,
        jwks_url: m.jwks_url,
        public_key_pem: m.public_key_pem,
        custom: m.custom,
        ags: m.ags,
        nrps: m.nrps,
        deep_linking: m.deep_linking,
        send_name: m.send_name,
        send_email: m.send_email,
        send_picture: m.send_picture,
        enabled: m.enabled,
        platform: PlatformDetails::of(base_url),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// A registration as typed (API body or the administration form); on an edit, absent fields
/// keep their value.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToolForm {
    /// Name shown to course teams.
    pub name: Option<String>,
    /// The tool's OIDC login initiation URL.
    pub login_url: Option<String>,
    /// Where launches may be sent (the target link URI when none is given).
    pub redirect_uris: Option<Vec<String>>,
    /// The tool's default launch address.
    pub target_link_uri: Option<String>,
    /// The tool's content picker (deep linking); empty for none.
    pub deep_link_url: Option<String>,
    /// The tool's key set URL; empty for none.
    pub jwks_url: Option<String>,
    /// The tool's public key (PEM); empty for none.
    pub public_key_pem: Option<String>,
    /// Custom parameters, one `name=value` a line.
    pub custom: Option<String>,
    /// May use Assignment and Grade Services.
    pub ags: Option<bool>,
    /// May list the course's members.
    pub nrps: Option<bool>,
    /// May be used to pick content.
    pub deep_linking: Option<bool>,
    /// Receives people's names.
    pub send_name: Option<bool>,
    /// Receives people's email addresses.
    pub send_email: Option<bool>,
    /// Receives people's pictures.
    pub send_picture: Option<bool>,
    /// Launches and services work.
    pub enabled: Option<bool>,
}

fn guard(caller: &Caller) -> Result<()> {
    require(
        &caller.actor(),
        Action::Update,
        Resource::Tenant(caller.tenant),
    )
}

/// An absolute http(s) address, or a field error.
fn absolute_url(f: &mut Fields, field: &str, raw: &str) -> Option<String> {
    let v = f.check(amphi_core::validate::http_url(field, raw))?;
    if v.starts_with("http://") || v.starts_with("https://") {
        Some(v)
    } else {
        f.push(field, codes::URL_INVALID);
        None
    }
}

fn optional_url(f: &mut Fields, field: &str, raw: &str) -> Option<Option<String>> {
    if raw.trim().is_empty() {
        Some(None)
    } else {
        absolute_url(f, field, raw).map(Some)
    }
}

/// Applies a form to a tool (a new one starts empty); field errors name what is wrong.
fn apply(form: &ToolForm, t: &mut rows::LtiTool, f: &mut Fields) {
    if let Some(n) = &form.name {
        let n = n.trim();
        if n.is_empty() {
            f.push("name", codes::REQUIRED);
        } else if n.chars().count() > 200 {
            f.too_long("name", 200, n.chars().count());
        } else {
            t.name = n.to_owned();
        }
    }
    if let Some(u) = &form.login_url {
        if let Some(u) = absolute_url(f, "login_url", u) {
            t.login_url = u;
        }
    }
    if let Some(u) = &form.target_link_uri {
        if let Some(u) = absolute_url(f, "target_link_uri", u) {
            t.target_link_uri = u;
        }
    }
    if let Some(list) = &form.redirect_uris {
        let mut ok = Vec::new();
        for u in list.iter().filter(|u| !u.trim().is_empty()).take(20) {
            if let Some(u) = absolute_url(f, "redirect_uris", u) {
                ok.push(u);
            }
        }
        t.redirect_uris = serde_json::Value::from(ok).to_string();
    }
    if let Some(u) = &form.deep_link_url {
        if let Some(u) = optional_url(f, "deep_link_url", u) {
            t.deep_link_url = u;
        }
    }
    if let Some(u) = &form.jwks_url {
        if let Some(u) = optional_url(f, "jwks_url", u) {
            t.jwks_url = u;
        }
    }
    if let Some(p) = &form.public_key_pem {
        let p = p.trim();
        if p.is_empty() {
            t.public_key_pem = None;
        } else if amphi_lti::verify::public_key_reads(p) {
            t.public_key_pem = Some(p.to_owned());
        } else {
            f.push("public_key_pem", codes::PEM_INVALID);
        }
    }
    if let Some(c) = &form.custom {
        if parse_custom(c).is_ok() && c.len() <= 10_000 {
            t.custom = c.trim().to_owned();
        } else {
            f.push("custom", codes::LTI_CUSTOM_INVALID);
        }
    }
    let flags = [
        (form.ags, &mut t.ags),
        (form.nrps, &mut t.nrps),
        (form.deep_linking, &mut t.deep_linking),
        (form.send_name, &mut t.send_name),
        (form.send_email, &mut t.send_email),
        (form.send_picture, &mut t.send_picture),
        (form.enabled, &mut t.enabled),
    ];
    for (v, slot) in flags {
        if let Some(v) = v {
            *slot = v;
        }
    }
    // Whole-tool rules, checked once the fields are applied.
    for (field, value) in [
        ("name", &t.name),
        ("login_url", &t.login_url),
        ("target_link_uri", &t.target_link_uri),
    ] {
        if value.is_empty() && !f.has(field) {
            f.push(field, codes::REQUIRED);
        }
    }
    if t.redirect_uris == "[]" && !t.target_link_uri.is_empty() {
        t.redirect_uris = serde_json::json!([t.target_link_uri]).to_string();
    }
    if t.jwks_url.is_none() && t.public_key_pem.is_none() && !f.has("public_key_pem") {
        f.push("jwks_url", codes::LTI_KEYS_REQUIRED);
    }
}

async fn deployments(app: &App, tenant: TenantId, id: Uuid) -> Result<Vec<rows::LtiDeployment>> {
    repo::deployments(app.db.reader(), tenant, id).await
}

/// The tenant's tools (administrators).
pub async fn list(app: &App, caller: &Caller) -> Result<Vec<Tool>> {
    guard(caller)?;
    let mut out = Vec::new();
    for t in repo::tools(app.db.reader(), caller.tenant).await? {
        let d = deployments(app, caller.tenant, t.id).await?;
        out.push(view(t, d, &caller.meta.base_url));
    }
    Ok(out)
}

/// One tool (administrators).
pub async fn get(app: &App, caller: &Caller, id: Uuid) -> Result<Tool> {
    guard(caller)?;
    let t = repo::tool(app.db.reader(), caller.tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let d = deployments(app, caller.tenant, id).await?;
    Ok(view(t, d, &caller.meta.base_url))
}

/// A tool course teams may put in a course.
#[derive(Debug, Clone, Serialize)]
pub struct ToolChoice {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Whether it has a content picker (deep linking).
    pub picker: bool,
}

/// The enabled tools course teams may put in a course, by name.
pub async fn choices(app: &App, tenant: TenantId) -> Result<Vec<ToolChoice>> {
    Ok(repo::tools(app.db.reader(), tenant)
        .await?
        .into_iter()
        .filter(|t| t.enabled)
        .map(|t| ToolChoice {
            id: t.id,
            name: t.name,
            picker: t.deep_linking && t.deep_link_url.is_some(),
        })
        .collect())
}

fn audit_detail(t: &rows::LtiTool) -> serde_json::Value {
    serde_json::json!({
        "name": t.name, "client_id": t.client_id, "enabled": t.enabled, "ags": t.ags,
        "nrps": t.nrps, "deep_linking": t.deep_linking, "send_name": t.send_name,
        "send_email": t.send_email, "send_picture": t.send_picture
    })
}

/// A tool not yet stored: a new client id, defaults a course team expects (services on,
/// only the name sent), the rest empty until a form or a registration fills it.
pub(crate) fn blank(tenant: TenantId, now: DateTime<Utc>) -> rows::LtiTool {
    rows::LtiTool {
        id: Uuid::now_v7(),
        tenant_id: tenant.0,
        client_id: amphi_auth::token::random_hex(16),
        name: String::new(),
        login_url: String::new(),
        redirect_uris: "[]".into(),
        target_link_uri: String::new(),
        deep_link_url: None,
        jwks_url: None,
        public_key_pem: None,
        custom: String::new(),
        ags: true,
        nrps: true,
        deep_linking: true,
        send_name: true,
        send_email: false,
        send_picture: false,
        enabled: true,
        registration_hash: None,
        created_at: now,
        updated_at: now,
    }
}

/// Stores a checked tool with a deployment for the whole site, audited (`actor`: the
/// administrator; none for a dynamic registration, which the registration token vouches for).
pub(crate) async fn store(
    app: &App,
    tenant: TenantId,
    actor: Option<amphi_core::UserId>,
    ip: Option<String>,
    t: rows::LtiTool,
) -> Result<(rows::LtiTool, rows::LtiDeployment)> {
    let now = app.now();
    let txn = app.db.begin().await?;
    let t = repo::insert_tool(&txn, tenant, t).await?;
    let d = repo::insert_deployment(
        &txn,
        tenant,
        rows::LtiDeployment {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            tool_id: t.id,
            deployment_id: Uuid::now_v7().to_string(),
            course_id: None,
            created_at: now,
        },
    )
    .await?;
    let mut e = audit::Event::new("lti.tool_created", tenant)
        .target(t.client_id.clone())
        .ip(ip)
        .detail(audit_detail(&t));
    if let Some(a) = actor {
        e = e.actor(a);
    }
    e.record(&txn, now).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok((t, d))
}

/// Registers a tool with its client id and a deployment for the whole site.
pub async fn create(app: &App, caller: &Caller, form: ToolForm) -> Result<Tool> {
    guard(caller)?;
    let mut t = blank(caller.tenant, app.now());
    let mut f = Fields::new();
    apply(&form, &mut t, &mut f);
    f.finish()?;
    let (t, d) = store(
        app,
        caller.tenant,
        Some(caller.user.id),
        caller.meta.ip.clone(),
        t,
    )
    .await?;
    Ok(view(t, vec![d], &caller.meta.base_url))
}

/// Changes a tool (only the fields given); turning it off stops launches and services and
/// keeps the grades it reported.
pub async fn update(app: &App, caller: &Caller, id: Uuid, form: ToolForm) -> Result<Tool> {
    guard(caller)?;
    let old = repo::tool(app.db.reader(), caller.tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut t = old.clone();
    let mut f = Fields::new();
    apply(&form, &mut t, &mut f);
    f.finish()?;
    let now = app.now();
    t.updated_at = now;
    let txn = app.db.begin().await?;
    let t = repo::update_tool(&txn, caller.tenant, &old, &t).await?;
    let action = match (old.enabled, t.enabled) {
        (true, false) => "lti.tool_disabled",
        (false, true) => "lti.tool_enabled",
        _ => "lti.tool_updated",
    };
    audit::Event::new(action, caller.tenant)
        .actor(caller.user.id)
        .target(t.client_id.clone())
        .ip(caller.meta.ip.clone())
        .detail(audit_detail(&t))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    let d = deployments(app, caller.tenant, id).await?;
    Ok(view(t, d, &caller.meta.base_url))
}

/// Deletes a tool that never reported a grade.
pub async fn delete(app: &App, caller: &Caller, id: Uuid) -> Result<()> {
    guard(caller)?;
    let t = repo::tool(app.db.reader(), caller.tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    if repo::tool_has_line_items(&txn, caller.tenant, id).await? {
        return Err(Error::Conflict(codes::LTI_TOOL_HAS_GRADES));
    }
    repo::delete_tool(&txn, caller.tenant, id).await?;
    audit::Event::new("lti.tool_deleted", caller.tenant)
        .actor(caller.user.id)
        .target(t.client_id.clone())
        .ip(caller.meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}
