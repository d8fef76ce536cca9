//! Deep Linking 2.0: the course team opens a tool's content picker for a module (an
//! LtiDeepLinkingRequest launched like any launch, with the module bound in the signed
//! `data`), and the tool's signed LtiDeepLinkingResponse creates the items it picked, as
//! drafts: `ltiResourceLink` (an external tool item; its `lineItem` becomes a gradebook column
//! with its maximum), `link` and `file` (link items), `html` (a page, sanitised). The answer is
//! checked as the security framework asks (signature by the tool's keys, issuer, audience,
//! expiry, deployment, message type, version, nonce single use, our own `data` back); a
//! content type Amphi does not take refuses the whole answer, so nothing is half-created.

use super::launch::{self, Hint};
use super::{services, Urls};
use crate::courses::authoring::{self, ItemForm};
use crate::{App, Caller, RequestMeta};
use amphi_core::lti::{claim, message, LTI_VERSION};
use amphi_core::policy::Action;
use amphi_core::{codes, Error, ModuleId, Result, RunId, TenantId, UserId};
use amphi_db::repo::{audit, lti as repo, structure, users as repo_u};
use amphi_lti::verify::{self, Expect};
use serde_json::{json, Value};
use uuid::Uuid;

/// How long the course team has to pick content, in seconds.
pub const PICK_LIFETIME_SECS: i64 = 3600;

/// Most items one answer may create.
pub const MAX_ITEMS: usize = 50;

/// The tool's content picker for a module: its login initiation URL.
pub async fn start(
    app: &App,
    caller: &Caller,
    run: RunId,
    module: ModuleId,
    tool: Uuid,
) -> Result<String> {
    let a = crate::courses::access_for(app, caller, run.0, Action::Update).await?;
    structure::module(app.db.reader(), caller.tenant, a.run.id, module.0)
        .await?
        .ok_or(Error::NotFound)?;
    let t = repo::tool(app.db.reader(), caller.tenant, tool)
        .await?
        .filter(|t| t.deep_linking)
        .ok_or(Error::NotFound)?;
    if !t.enabled {
        return Err(Error::Conflict(codes::LTI_TOOL_DISABLED));
    }
    let hint = launch::sign_hint(
        app,
        &Hint {
            u: caller.user.id.0,
            r: run.0,
            i: None,
            m: Some(module.0),
            e: app.now().timestamp() + PICK_LIFETIME_SECS,
        },
    )?;
    let deployment = launch::deployment_id(app, caller.tenant, t.id).await?;
    super::login_initiation(
        &t,
        &caller.meta.base_url,
        caller.user.id.0,
        t.deep_link_url.as_deref().unwrap_or(&t.target_link_uri),
        &hint,
        &deployment,
    )
}

/// What an answer created.
#[derive(Debug, Clone)]
pub struct Picked {
    /// The run.
    pub run: Uuid,
    /// The module.
    pub module: Uuid,
    /// Titles of the items created.
    pub titles: Vec<String>,
    /// The tool's message to the person, if any.
    pub message: Option<String>,
}

async fn refuse(
    app: &App,
    tenant: TenantId,
    client: &str,
    reason: &str,
    ip: Option<String>,
) -> Result<Picked> {
    audit::Event::new("lti.deep_link_refused", tenant)
        .target(client.to_owned())
        .ip(ip)
        .detail(json!({ "reason": reason }))
        .record(app.db.writer(), app.now())
        .await?;
    Err(Error::BadRequest(codes::LTI_DEEP_LINK_INVALID))
}

/// One content item read into an item form (and the line item an `ltiResourceLink` asks for).
fn item_of(
    v: &Value,
    tool: Uuid,
) -> std::result::Result<(ItemForm, Option<amphi_lti::ags::LineItemIn>), String> {
    let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
    let text = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let title = text("title")
        .or_else(|| text("text"))
        .unwrap_or_else(|| kind.to_owned());
    let mut f = ItemForm {
        title: Some(title.chars().take(200).collect()),
        published: Some(false),
        ..ItemForm::default()
    };
    let mut line = None;
    match kind {
        "ltiResourceLink" => {
            f.kind = Some("tool".into());
            f.tool_id = Some(tool.to_string());
            f.url = text("url");
            if let Some(c) = v.get("custom").and_then(Value::as_object) {
                let lines: Vec<String> = c
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}")))
                    .collect();
                f.custom = Some(lines.join("\n"));
            }
            f.presentation = Some(
                if v.get("window").is_some() {
                    "window"
                } else {
                    "iframe"
                }
                .into(),
            );
            if let Some(li) = v.get("lineItem").filter(|l| l.is_object()) {
                let mut li = li.clone();
                if li.get("label").is_none() {
                    li["label"] = json!(title);
                }
                let parsed = amphi_lti::ags::line_item(li.to_string().as_bytes())
                    .map_err(|e| format!("{title}: lineItem {e}"))?;
                f.completion = Some("score".into());
                line = Some(parsed);
            }
        }
        "link" | "file" => {
            f.kind = Some("link".into());
            f.url = Some(text("url").ok_or_else(|| format!("{title}: url missing"))?);
            f.body = text("text");
        }
        "html" => {
            f.kind = Some("page".into());
            let html = text("html").ok_or_else(|| format!("{title}: html missing"))?;
            f.body = Some(crate::courses::content::sanitize_html(&html));
        }
        other => return Err(format!("content type {other:?} is not accepted")),
    }
    Ok((f, line))
}

/// The tool's answer, posted by the browser: creates the items it picked.
pub async fn finish(
    app: &App,
    tenant: TenantId,
    base_url: &str,
    ip: Option<String>,
    jwt: &str,
) -> Result<Picked> {
    let client = amphi_lti::verify::unverified_issuer(jwt).unwrap_or_default();
    let tool = match repo::tool_by_client(app.db.reader(), &client).await? {
        Some(t) if t.tenant_id == tenant.0 && t.enabled && t.deep_linking => t,
        _ => return refuse(app, tenant, &client, "client_unknown", ip).await,
    };
    let urls = Urls::of(base_url);
    let now = app.now();
    let issuer = urls.issuer.clone();
    let checked = services::verify_tool_jwt(app, &tool, |keys| {
        verify::verify(
            jwt,
            keys,
            &Expect {
                issuer: &tool.client_id,
                audiences: &[&issuer],
                now,
            },
        )
    })
    .await;
    let v = match checked {
        Ok(v) => v,
        Err(e) => return refuse(app, tenant, &client, e.code(), ip).await,
    };
    let deployment = launch::deployment_id(app, tenant, tool.id).await?;
    if v.str(claim::MESSAGE_TYPE) != Some(message::DEEP_LINKING_RESPONSE)
        || v.str(claim::VERSION) != Some(LTI_VERSION)
        || v.str(claim::DEPLOYMENT_ID) != Some(deployment.as_str())
    {
        return refuse(app, tenant, &client, "message_invalid", ip).await;
    }
    let Some(nonce) = v.str("nonce").filter(|n| n.len() <= 512) else {
        return refuse(app, tenant, &client, "nonce_missing", ip).await;
    };
    let Some(h) = v
        .str(claim::DL_DATA)
        .and_then(|d| launch::read_hint(app, d))
        .filter(|h| h.m.is_some())
    else {
        return refuse(app, tenant, &client, "data_invalid", ip).await;
    };
    let nonce_hash = amphi_auth::token::hash(&format!("dl-nonce:{nonce}"));
    if !repo::remember_jti(app.db.writer(), tool.id, &nonce_hash, v.expires_at).await? {
        return refuse(app, tenant, &client, "nonce_replayed", ip).await;
    }
    let items = v
        .claims
        .get(claim::DL_CONTENT_ITEMS)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if items.len() > MAX_ITEMS {
        return refuse(app, tenant, &client, "too_many_items", ip).await;
    }
    let mut forms = Vec::new();
    for it in &items {
        match item_of(it, tool.id) {
            Ok(f) => forms.push(f),
            Err(why) => {
                tracing::info!(client = %client, %why, "deep linking answer refused");
                audit::Event::new("lti.deep_link_refused", tenant)
                    .target(client.clone())
                    .ip(ip.clone())
                    .detail(json!({ "reason": "content_refused", "why": why }))
                    .record(app.db.writer(), now)
                    .await?;
                return Err(Error::BadRequest(codes::LTI_CONTENT_REFUSED));
            }
        }
    }
    let user = repo_u::by_id(app.db.reader(), tenant, UserId(h.u))
        .await?
        .filter(|u| u.active)
        .ok_or(Error::BadRequest(codes::LTI_DEEP_LINK_INVALID))?;
    let caller = Caller::new(
        user.into(),
        tenant,
        RequestMeta {
            ip: ip.clone(),
            user_agent: None,
            base_url: base_url.to_owned(),
        },
    );
    let (run, module) = (RunId(h.r), ModuleId(h.m.unwrap_or_default()));
    let mut titles = Vec::new();
    for (f, line) in forms {
        let title = f.title.clone().unwrap_or_default();
        let created = authoring::add_item(app, &caller, run, module, f).await?;
        if let Some(li) = line {
            let a = crate::courses::access_for(app, &caller, run.0, Action::Update).await?;
            super::ags::insert(app, &a.run, tool.id, &li, Some(created.id)).await?;
        }
        titles.push(title);
    }
    audit::Event::new("lti.deep_link_created", tenant)
        .actor(caller.user.id)
        .target(client)
        .ip(ip)
        .detail(json!({ "run": run.0, "module": module.0, "items": titles }))
        .record(app.db.writer(), now)
        .await?;
    Ok(Picked {
        run: run.0,
        module: module.0,
        titles,
        message: v.str(claim::DL_MSG).map(str::to_owned),
    })
}
