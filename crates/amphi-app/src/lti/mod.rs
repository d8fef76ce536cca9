//! Amphi as an LTI 1.3 Advantage platform: tools registered per tenant (`tools`), the
//! tenant's signing keys and what it publishes about itself (`keys`), launches of external
//! tool items (`launch`), the services' access tokens (`services`), Assignment and Grade
//! Services into the gradebook (`ags`) and Names and Role Provisioning (`nrps`).
//!
//! The platform's issuer is the tenant site's public address (`scheme://host`); a resource
//! link is a course item (its id), a context is a run (its id), a person's `sub` their user id.
//! Imports point one way: deep_link -> launch, ags -> services, registration -> tools.

pub mod ags;
pub mod deep_link;
pub mod keys;
pub mod launch;
pub mod nrps;
pub mod registration;
pub mod services;
pub mod tools;

use amphi_core::lti::{Presentation, ToolCompletion};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The settings of an external tool item (`course_items.settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolItem {
    /// The registered tool.
    pub tool_id: Uuid,
    /// The address launched (the tool's target link URI when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Custom parameters of this link, one `name=value` a line.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub custom: String,
    /// Inside the page or in a new window.
    #[serde(default = "iframe")]
    pub presentation: Presentation,
    /// When the item counts as completed.
    #[serde(default = "on_launch")]
    pub completion: ToolCompletion,
    /// Points of its gradebook column, when the tool reports a score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<f64>,
}

fn iframe() -> Presentation {
    Presentation::Iframe
}

fn on_launch() -> ToolCompletion {
    ToolCompletion::Launch
}

impl ToolItem {
    /// The settings of an item of kind `tool`, if they read.
    pub fn of(settings: &str) -> Option<ToolItem> {
        serde_json::from_str(settings).ok()
    }
}

/// How an external tool item shows on its page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ToolView {
    /// `iframe` or `window`.
    pub presentation: String,
    /// The tool's name.
    pub name: String,
    /// Whether the tool is turned off (the page says so instead of launching).
    pub disabled: bool,
    /// What the page's `frame-src` must allow: this site (the launch starts here) and the
    /// tool's origins.
    pub frame_src: String,
}

/// The view of an external tool item's settings.
pub async fn tool_view(
    app: &crate::App,
    tenant: amphi_core::TenantId,
    settings: &str,
) -> amphi_core::Result<Option<ToolView>> {
    let Some(ti) = ToolItem::of(settings) else {
        return Ok(None);
    };
    let Some(t) = amphi_db::repo::lti::tool(app.db.reader(), tenant, ti.tool_id).await? else {
        return Ok(None);
    };
    let mut origins = vec!["'self'".to_owned()];
    for u in [
        Some(t.login_url.as_str()),
        Some(t.target_link_uri.as_str()),
        ti.url.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        if let Ok(u) = url::Url::parse(u) {
            let o = u.origin().ascii_serialization();
            if !origins.contains(&o) {
                origins.push(o);
            }
        }
    }
    Ok(Some(ToolView {
        presentation: ti.presentation.as_str().to_owned(),
        name: t.name,
        disabled: !t.enabled,
        frame_src: origins.join(" "),
    }))
}

/// The tool's OIDC login initiation URL with the parameters of a launch (LTI 1.3 third-party
/// initiated login).
pub(crate) fn login_initiation(
    tool: &amphi_db::rows::LtiTool,
    base_url: &str,
    user: Uuid,
    target_link_uri: &str,
    message_hint: &str,
    deployment_id: &str,
) -> amphi_core::Result<String> {
    let mut url = url::Url::parse(&tool.login_url).map_err(amphi_core::Error::internal)?;
    url.query_pairs_mut()
        .append_pair("iss", &Urls::of(base_url).issuer)
        .append_pair("login_hint", &user.to_string())
        .append_pair("target_link_uri", target_link_uri)
        .append_pair("lti_message_hint", message_hint)
        .append_pair("client_id", &tool.client_id)
        .append_pair("lti_deployment_id", deployment_id);
    Ok(url.into())
}

/// A display name split at its last space into given and family names (one word: given).
pub(crate) fn split_name(name: &str) -> (&str, &str) {
    match name.trim().rsplit_once(' ') {
        Some((g, f)) => (g.trim(), f.trim()),
        None => (name.trim(), ""),
    }
}

/// The URLs the platform publishes, from the issuer (the site's `scheme://host`).
#[derive(Debug, Clone)]
pub struct Urls {
    /// The issuer.
    pub issuer: String,
}

impl Urls {
    /// For a site.
    pub fn of(base_url: &str) -> Self {
        Urls {
            issuer: base_url.trim_end_matches('/').to_owned(),
        }
    }
    /// OIDC authorization endpoint.
    pub fn authorize(&self) -> String {
        format!("{}/lti/authorize", self.issuer)
    }
    /// OAuth 2 token endpoint.
    pub fn token(&self) -> String {
        format!("{}/lti/token", self.issuer)
    }
    /// The key set.
    pub fn jwks(&self) -> String {
        format!("{}/lti/jwks", self.issuer)
    }
    /// The platform's OpenID configuration document.
    pub fn openid_configuration(&self) -> String {
        format!("{}/lti/openid-configuration", self.issuer)
    }
    /// A run's line item container.
    pub fn line_items(&self, run: Uuid) -> String {
        format!("{}/lti/runs/{run}/lineitems", self.issuer)
    }
    /// One line item.
    pub fn line_item(&self, run: Uuid, id: Uuid) -> String {
        format!("{}/lti/runs/{run}/lineitems/{id}", self.issuer)
    }
    /// A run's membership container.
    pub fn memberships(&self, run: Uuid) -> String {
        format!("{}/lti/runs/{run}/memberships", self.issuer)
    }
    /// Where deep linking answers are posted.
    pub fn deep_link_return(&self) -> String {
        format!("{}/lti/deep-link/return", self.issuer)
    }
    /// An item's page (the launch's return URL).
    pub fn item_page(&self, run: Uuid, item: Uuid) -> String {
        format!("{}/learn/{run}/items/{item}", self.issuer)
    }
}
