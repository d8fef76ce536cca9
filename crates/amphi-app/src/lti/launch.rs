//! Launching an external tool item (LtiResourceLinkRequest), in two steps as LTI 1.3 asks:
//! 1. `start`: a person opens the item (release rules and prerequisites apply as for any
//!    item); they are sent to the tool's login initiation URL with `iss`, `login_hint` (their
//!    id), `target_link_uri` and `lti_message_hint`, an HMAC-signed value binding the person,
//!    the run and the item for ten minutes;
//! 2. `authorize`: the tool sends the browser back to the authorization endpoint; the client
//!    id, the exactly registered redirect URI, `response_type`, `response_mode=form_post`,
//!    the nonce and both hints are checked, then an `id_token` signed with the tenant's key
//!    carries the LTI claims to the tool in a form the browser posts.
//!
//! The signed hint identifies the person even when the browser sends no session cookie (a
//! tool in a frame of another site); a session of someone else is refused.

use super::{ToolItem, Urls};
use crate::users::User;
use crate::{App, Caller};
use amphi_core::course::{CourseRole, ItemKind};
use amphi_core::lti::{self, claim, message, scope, Presentation, Standing, ToolCompletion};
use amphi_core::policy::Action;
use amphi_core::{codes, Error, ItemId, Result, RunId, TenantId, UserId};
use amphi_db::repo::{audit, lti as repo, tenants as repo_t, users as repo_u};
use amphi_db::rows;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// How long the message hint of a launch is good for, in seconds.
pub const HINT_LIFETIME_SECS: i64 = 600;

/// How long an `id_token` is good for, in seconds.
pub const ID_TOKEN_LIFETIME_SECS: i64 = 300;

const HINT_PURPOSE: &str = "lti-message-hint";

/// What a launch's `lti_message_hint` binds: the person, the run, the item launched (a
/// resource link) or the module content is picked for (deep linking), and when it expires.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Hint {
    pub(crate) u: Uuid,
    pub(crate) r: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) i: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) m: Option<Uuid>,
    pub(crate) e: i64,
}

pub(crate) fn sign_hint(app: &App, h: &Hint) -> Result<String> {
    crate::sealed::seal(app, HINT_PURPOSE, h)
}

pub(crate) fn read_hint(app: &App, raw: &str) -> Option<Hint> {
    crate::sealed::open::<Hint>(app, HINT_PURPOSE, raw).filter(|h| h.e > app.now().timestamp())
}

/// Where to send the person to launch the tool, and how it is shown.
#[derive(Debug, Clone)]
pub struct LaunchStart {
    /// The tool's login initiation URL with its parameters.
    pub login_url: String,
    /// In the page or in a new window.
    pub presentation: Presentation,
}

/// An item's tool settings and the tool, enabled.
async fn item_tool(
    app: &App,
    tenant: TenantId,
    run: &rows::CourseRun,
    item: Uuid,
) -> Result<(rows::CourseItem, ToolItem, rows::LtiTool)> {
    let it = crate::courses::learn::cached_item(app, tenant, run, item)
        .await?
        .filter(|i| i.kind().ok() == Some(ItemKind::Tool))
        .ok_or(Error::NotFound)?;
    let ti = ToolItem::of(&it.settings).ok_or(Error::NotFound)?;
    let tool = repo::tool(app.db.reader(), tenant, ti.tool_id)
        .await?
        .ok_or(Error::Conflict(codes::LTI_TOOL_DISABLED))?;
    if !tool.enabled {
        return Err(Error::Conflict(codes::LTI_TOOL_DISABLED));
    }
    Ok((it, ti, tool))
}

pub(crate) async fn deployment_id(app: &App, tenant: TenantId, tool: Uuid) -> Result<String> {
    repo::deployments(app.db.reader(), tenant, tool)
        .await?
        .into_iter()
        .next()
        .map(|d| d.deployment_id)
        .ok_or_else(|| Error::Internal("a tool without a deployment".into()))
}

/// Step 1: the person opens an external tool item.
pub async fn start(app: &App, caller: &Caller, run: RunId, item: ItemId) -> Result<LaunchStart> {
    // Opening checks access, release dates and prerequisites, and records the view.
    crate::courses::learn::open_item(app, caller, run, item).await?;
    let a = crate::courses::access_for(app, caller, run.0, Action::View).await?;
    let (it, ti, tool) = item_tool(app, caller.tenant, &a.run, item.0).await?;
    let hint = sign_hint(
        app,
        &Hint {
            u: caller.user.id.0,
            r: run.0,
            i: Some(it.id),
            m: None,
            e: app.now().timestamp() + HINT_LIFETIME_SECS,
        },
    )?;
    let deployment = deployment_id(app, caller.tenant, tool.id).await?;
    let login_url = super::login_initiation(
        &tool,
        &caller.meta.base_url,
        caller.user.id.0,
        ti.url.as_deref().unwrap_or(&tool.target_link_uri),
        &hint,
        &deployment,
    )?;
    Ok(LaunchStart {
        login_url,
        presentation: ti.presentation,
    })
}

/// The authorization request, as the tool sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuthRequest {
    /// `openid`.
    pub scope: Option<String>,
    /// `id_token`.
    pub response_type: Option<String>,
    /// `form_post`.
    pub response_mode: Option<String>,
    /// `none`.
    pub prompt: Option<String>,
    /// The tool's client id.
    pub client_id: Option<String>,
    /// Where the answer goes: one of the tool's registered redirect URIs.
    pub redirect_uri: Option<String>,
    /// The person (as sent in step 1).
    pub login_hint: Option<String>,
    /// The signed launch (as sent in step 1).
    pub lti_message_hint: Option<String>,
    /// The tool's state, returned as is.
    pub state: Option<String>,
    /// The tool's nonce, put in the `id_token`.
    pub nonce: Option<String>,
}

/// The answer the browser posts to the tool.
#[derive(Debug, Clone, Serialize)]
pub struct AuthAnswer {
    /// The tool's redirect URI.
    pub redirect_uri: String,
    /// The signed message.
    pub id_token: String,
    /// The tool's state.
    pub state: Option<String>,
}

async fn refuse(
    app: &App,
    tenant: TenantId,
    client: &str,
    reason: &str,
    ip: Option<String>,
) -> Result<AuthAnswer> {
    audit::Event::new("lti.launch_refused", tenant)
        .target(client.to_owned())
        .ip(ip)
        .detail(json!({ "reason": reason }))
        .record(app.db.writer(), app.now())
        .await?;
    Err(Error::BadRequest(codes::LTI_LAUNCH_INVALID))
}

/// Step 2: checks the tool's authorization request and signs the launch. `session` is the
/// person signed in on this browser, if the cookie came.
pub async fn authorize(
    app: &App,
    tenant: TenantId,
    base_url: &str,
    ip: Option<String>,
    session: Option<&User>,
    req: AuthRequest,
) -> Result<AuthAnswer> {
    let client = req.client_id.clone().unwrap_or_default();
    let tool = match repo::tool_by_client(app.db.reader(), &client).await? {
        Some(t) if t.tenant_id == tenant.0 => t,
        _ => return refuse(app, tenant, &client, "client_unknown", ip).await,
    };
    if !tool.enabled {
        return refuse(app, tenant, &client, "tool_disabled", ip).await;
    }
    let registered: Vec<String> = serde_json::from_str(&tool.redirect_uris).unwrap_or_default();
    let Some(redirect_uri) = req.redirect_uri.clone().filter(|r| registered.contains(r)) else {
        return refuse(app, tenant, &client, "redirect_uri_unregistered", ip).await;
    };
    let protocol_ok = req
        .scope
        .as_deref()
        .is_some_and(|s| s.split(' ').any(|x| x == "openid"))
        && req.response_type.as_deref() == Some("id_token")
        && req.response_mode.as_deref() == Some("form_post")
        && req.prompt.as_deref().is_none_or(|p| p == "none");
    if !protocol_ok {
        return refuse(app, tenant, &client, "request_invalid", ip).await;
    }
    let Some(nonce) = req
        .nonce
        .clone()
        .filter(|n| !n.is_empty() && n.len() <= 512)
    else {
        return refuse(app, tenant, &client, "nonce_missing", ip).await;
    };
    let Some(h) = req
        .lti_message_hint
        .as_deref()
        .and_then(|m| read_hint(app, m))
    else {
        return refuse(app, tenant, &client, "message_hint_invalid", ip).await;
    };
    if req.login_hint.as_deref() != Some(h.u.to_string().as_str())
        || session.is_some_and(|s| s.id.0 != h.u)
    {
        return refuse(app, tenant, &client, "login_hint_mismatch", ip).await;
    }
    let user: User = repo_u::by_id(app.db.reader(), tenant, UserId(h.u))
        .await?
        .filter(|u| u.active)
        .ok_or(Error::BadRequest(codes::LTI_LAUNCH_INVALID))?
        .into();
    let caller = Caller::new(
        user,
        tenant,
        crate::RequestMeta {
            ip: ip.clone(),
            user_agent: None,
            base_url: base_url.to_owned(),
        },
    );
    if h.m.is_some() {
        // Deep linking: the course team picks content for a module.
        let a = crate::courses::access_for(app, &caller, h.r, Action::Update).await?;
        if !tool.deep_linking {
            return refuse(app, tenant, &client, "deep_linking_not_allowed", ip).await;
        }
        let urls = Urls::of(base_url);
        let settings = json!({
            "deep_link_return_url": urls.deep_link_return(),
            "accept_types": lti::CONTENT_TYPES,
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_multiple": true,
            "auto_create": true,
            "data": req.lti_message_hint.clone().unwrap_or_default(),
        });
        let target = Target::Picker(settings);
        let claims =
            id_token_claims(app, &caller, &tool, &a.run, &target, a.role(), &nonce).await?;
        return signed(app, tenant, claims, redirect_uri, req.state).await;
    }
    let item = h.i.ok_or(Error::BadRequest(codes::LTI_LAUNCH_INVALID))?;
    let a = crate::courses::access_for(app, &caller, h.r, Action::View).await?;
    let (it, ti, item_tool) = item_tool(app, tenant, &a.run, item).await?;
    if item_tool.id != tool.id {
        return refuse(app, tenant, &client, "item_of_another_tool", ip).await;
    }
    let role = a.role();
    let target = Target::Link(&it, &ti);
    let claims = id_token_claims(app, &caller, &tool, &a.run, &target, role, &nonce).await?;
    if role == Some(CourseRole::Learner) && ti.completion == ToolCompletion::Launch {
        match crate::courses::learn::complete_item(app, &caller, RunId(h.r), ItemId(item)).await {
            Ok(_) | Err(Error::Forbidden) => {}
            Err(e) => return Err(e),
        }
    }
    signed(app, tenant, claims, redirect_uri, req.state).await
}

async fn signed(
    app: &App,
    tenant: TenantId,
    claims: Map<String, Value>,
    redirect_uri: String,
    state: Option<String>,
) -> Result<AuthAnswer> {
    let (kid, pem) = super::keys::signing_key(app, tenant).await?;
    let id_token =
        amphi_lti::keys::sign(&Value::Object(claims), &kid, &pem).map_err(Error::internal)?;
    Ok(AuthAnswer {
        redirect_uri,
        id_token,
        state,
    })
}

/// What a message launches: an item (a resource link), or the tool's content picker with its
/// deep linking settings.
enum Target<'a> {
    Link(&'a rows::CourseItem, &'a ToolItem),
    Picker(Value),
}

#[allow(clippy::too_many_arguments)]
async fn id_token_claims(
    app: &App,
    caller: &Caller,
    tool: &rows::LtiTool,
    run: &rows::CourseRun,
    target: &Target<'_>,
    role: Option<CourseRole>,
    nonce: &str,
) -> Result<Map<String, Value>> {
    let link = match target {
        Target::Link(it, ti) => Some((*it, *ti)),
        Target::Picker(_) => None,
    };
    let u = &caller.user;
    let urls = Urls::of(&caller.meta.base_url);
    let now = app.now().timestamp();
    let course = crate::courses::learn::structure_of(app, caller.tenant, run)
        .await?
        .course
        .clone();
    let (tenant_name, tenant_locale) = repo_t::by_id(app.db.reader(), caller.tenant)
        .await?
        .map(|t| (t.name, t.default_locale))
        .unwrap_or_default();
    let locale = u.locale.clone().unwrap_or(tenant_locale);
    let standing = Standing {
        tenant_admin: u.is_tenant_admin,
        platform_admin: u.is_platform_admin,
    };
    let (given, family) = super::split_name(&u.name);
    let vars = lti::Variables {
        user_id: Some(u.id.0.to_string()),
        username: tool.send_email.then(|| u.email.clone()),
        name_full: tool.send_name.then(|| u.name.clone()),
        name_given: tool.send_name.then(|| given.to_owned()),
        name_family: tool.send_name.then(|| family.to_owned()),
        email: tool.send_email.then(|| u.email.clone()),
        context_id: Some(run.id.to_string()),
        context_title: Some(course.title.clone()),
        context_label: Some(course.code.clone()),
        resource_link_id: link.map(|(it, _)| it.id.to_string()),
        resource_link_title: link.map(|(it, _)| it.title.clone()),
        locale: Some(locale.clone()),
        tool_platform_guid: Some(caller.tenant.0.to_string()),
    };
    let mut custom = Map::new();
    for text in [Some(&tool.custom), link.map(|(_, ti)| &ti.custom)]
        .into_iter()
        .flatten()
    {
        for (k, v) in lti::parse_custom(text).unwrap_or_default() {
            custom.insert(k, Value::String(vars.substitute(&v)));
        }
    }
    let mut c = Map::new();
    let mut put = |k: &str, v: Value| {
        c.insert(k.to_owned(), v);
    };
    put("iss", json!(urls.issuer));
    put("aud", json!(tool.client_id));
    put("azp", json!(tool.client_id));
    put("sub", json!(u.id.0.to_string()));
    put("iat", json!(now));
    put("exp", json!(now + ID_TOKEN_LIFETIME_SECS));
    put("nonce", json!(nonce));
    put("locale", json!(locale));
    if tool.send_name {
        put("name", json!(u.name));
        put("given_name", json!(given));
        put("family_name", json!(family));
    }
    if tool.send_email {
        put("email", json!(u.email));
    }
    let message_type = match link {
        Some(_) => message::RESOURCE_LINK,
        None => message::DEEP_LINKING_REQUEST,
    };
    put(claim::MESSAGE_TYPE, json!(message_type));
    put(claim::VERSION, json!(lti::LTI_VERSION));
    put(
        claim::DEPLOYMENT_ID,
        json!(deployment_id(app, caller.tenant, tool.id).await?),
    );
    let target_link = match (link, &tool.deep_link_url) {
        (Some((_, ti)), _) => ti.url.as_deref().unwrap_or(&tool.target_link_uri),
        (None, Some(dl)) => dl.as_str(),
        (None, None) => tool.target_link_uri.as_str(),
    };
    put(claim::TARGET_LINK_URI, json!(target_link));
    match target {
        Target::Link(it, _) => put(
            claim::RESOURCE_LINK,
            json!({"id": it.id.to_string(), "title": it.title}),
        ),
        Target::Picker(settings) => put(claim::DL_SETTINGS, settings.clone()),
    }
    put(claim::ROLES, json!(lti::lis_roles(role, standing)));
    put(
        claim::CONTEXT,
        json!({
            "id": run.id.to_string(),
            "label": course.code,
            "title": course.title,
            "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"]
        }),
    );
    put(
        claim::TOOL_PLATFORM,
        json!({
            "guid": caller.tenant.0.to_string(),
            "name": tenant_name,
            "product_family_code": "amphi",
            "version": env!("CARGO_PKG_VERSION")
        }),
    );
    let presentation = match link {
        Some((it, ti)) => json!({
            "document_target": ti.presentation.as_str(),
            "locale": locale,
            "return_url": urls.item_page(run.id, it.id)
        }),
        None => json!({
            "document_target": "window",
            "locale": locale,
            "return_url": format!("{}/teach/runs/{}/outline", urls.issuer, run.id)
        }),
    };
    put(claim::LAUNCH_PRESENTATION, presentation);
    put(claim::CUSTOM, Value::Object(custom));
    put(
        claim::LIS,
        json!({
            "person_sourcedid": u.id.0.to_string(),
            "course_section_sourcedid": run.id.to_string()
        }),
    );
    if tool.ags {
        let mut ags = json!({"scope": scope::AGS, "lineitems": urls.line_items(run.id)});
        if let Some((it, _)) = link {
            if let Some((l, _)) =
                repo::line_item_of_item(app.db.reader(), caller.tenant, run.id, it.id).await?
            {
                ags["lineitem"] = json!(urls.line_item(run.id, l.id));
            }
        }
        put(claim::AGS_ENDPOINT, ags);
    }
    if tool.nrps {
        put(
            claim::NRPS,
            json!({"context_memberships_url": urls.memberships(run.id), "service_versions": ["2.0"]}),
        );
    }
    Ok(c)
}
