//! An item as typed, and the settings of each kind of item read from it (a link's address, a
//! video's player, an external tool's launch, a package's attempts and worth).

use crate::courses::content;
use crate::App;
use amphi_core::codes;
use amphi_core::course::ItemKind;
use amphi_core::error::Fields;
use amphi_core::validate;
use amphi_core::{Result, TenantId};
use serde::Deserialize;
use uuid::Uuid;

/// An item as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemForm {
    /// `page`, `video`, `file`, `link`, `quiz`, `assignment` or `peer` (creation only).
    pub kind: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Page text (Markdown), or the transcript of a video.
    pub body: Option<String>,
    /// Link address (`link`), or the video page address (`video`, YouTube/Vimeo/PeerTube).
    pub url: Option<String>,
    /// Visible to learners.
    pub published: Option<bool>,
    /// Available from (empty: always).
    pub available_from: Option<String>,
    /// Available after completing this earlier item (id; "" for none).
    pub requires_item_id: Option<String>,
    /// The registered tool (`tool`).
    pub tool_id: Option<String>,
    /// `iframe` or `window` (`tool`).
    pub presentation: Option<String>,
    /// When a `tool` item counts as completed: `launch`, `score` or `pass`.
    pub completion: Option<String>,
    /// Custom parameters of a `tool` item, one `name=value` a line.
    pub custom: Option<String>,
    /// Attempts a learner may make at a `package` item (0: no limit).
    pub max_attempts: Option<String>,
    /// What a `package` item's score is worth in the gradebook.
    pub max_points: Option<String>,
}

/// The settings of an external tool item: the tool (enabled, of the tenant), where it opens,
/// its completion rule, custom parameters and the launched address (`url`, else the tool's).
async fn tool_settings(
    app: &App,
    tenant: TenantId,
    f: &ItemForm,
    mut s: serde_json::Value,
    fields: &mut Fields,
) -> Result<serde_json::Value> {
    use amphi_core::lti::{parse_custom, Presentation, ToolCompletion};
    if let Some(raw) = f.tool_id.as_deref() {
        let tools = crate::lti::tools::choices(app, tenant).await?;
        match Uuid::parse_str(raw.trim())
            .ok()
            .filter(|id| tools.iter().any(|t| t.id == *id))
        {
            Some(id) => s["tool_id"] = serde_json::Value::String(id.to_string()),
            None => fields.push("tool_id", codes::CHOICE_INVALID),
        }
    } else if s.get("tool_id").is_none() {
        fields.push("tool_id", codes::REQUIRED);
    }
    if let Some(p) = f.presentation.as_deref() {
        if let Some(p) = fields.check(Presentation::parse("presentation", p)) {
            s["presentation"] = p.as_str().into();
        }
    }
    if let Some(c) = f.completion.as_deref() {
        if let Some(c) = fields.check(ToolCompletion::parse("completion", c)) {
            s["completion"] = c.as_str().into();
        }
    }
    if let Some(c) = f.custom.as_deref() {
        if parse_custom(c).is_ok() && c.len() <= 10_000 {
            s["custom"] = c.trim().into();
        } else {
            fields.push("custom", codes::LTI_CUSTOM_INVALID);
        }
    }
    if let Some(u) = f.url.as_deref() {
        if u.trim().is_empty() {
            if let Some(o) = s.as_object_mut() {
                o.remove("url");
            }
        } else if let Some(u) = fields.check(validate::http_url("url", u)) {
            s["url"] = serde_json::Value::String(u);
        }
    }
    Ok(s)
}

fn item_settings(
    app: &App,
    kind: Option<ItemKind>,
    url: Option<&str>,
    current: &serde_json::Value,
    fields: &mut Fields,
) -> serde_json::Value {
    let mut s = current.clone();
    match kind {
        Some(ItemKind::Link) => {
            if let Some(u) = url {
                if let Some(u) = fields.check(validate::http_url("url", u)) {
                    s["url"] = serde_json::Value::String(u);
                }
            }
            if s.get("url").is_none() {
                fields.push("url", codes::REQUIRED);
            }
        }
        Some(ItemKind::Video) => {
            if let Some(u) = url.map(str::trim).filter(|u| !u.is_empty()) {
                match content::video_embed(u, &app.config.content.peertube_hosts) {
                    Some(e) => {
                        s["url"] = serde_json::Value::String(u.to_owned());
                        s["embed_src"] = serde_json::Value::String(e.src);
                        s["embed_origin"] = serde_json::Value::String(e.origin);
                    }
                    None => fields.push("url", codes::VIDEO_HOST_NOT_ALLOWED),
                }
            }
        }
        _ => {}
    }
    s
}

/// The settings of an item of `kind` from the form, over the `current` ones; problems join
/// `fields`.
pub(super) async fn settings_for(
    app: &App,
    tenant: TenantId,
    kind: Option<ItemKind>,
    f: &ItemForm,
    current: &serde_json::Value,
    fields: &mut Fields,
) -> Result<serde_json::Value> {
    let s = item_settings(app, kind, f.url.as_deref(), current, fields);
    Ok(match kind {
        Some(ItemKind::Tool) => tool_settings(app, tenant, f, s, fields).await?,
        Some(ItemKind::Package) => package_settings(f, s, fields),
        _ => s,
    })
}

/// A package item's settings (`max_attempts`, `max_points`, `completion`) over the current
/// ones `s`.
fn package_settings(f: &ItemForm, s: serde_json::Value, fields: &mut Fields) -> serde_json::Value {
    use crate::packages::{Completion, PackageItem};
    let mut p: PackageItem = serde_json::from_value(s.clone()).unwrap_or_default();
    if let Some(raw) = f.max_attempts.as_deref() {
        match raw.trim().parse::<u32>() {
            Ok(n) if n <= 1000 => p.max_attempts = n,
            _ => fields.push("max_attempts", codes::NUMBER_OUT_OF_RANGE),
        }
    }
    if let Some(raw) = f.max_points.as_deref() {
        match raw.trim().replace(',', ".").parse::<f64>() {
            Ok(n) if n.is_finite() && n > 0.0 && n <= 10_000.0 => p.max_points = n,
            _ => fields.push("max_points", codes::NUMBER_OUT_OF_RANGE),
        }
    }
    if let Some(raw) = f.completion.as_deref() {
        match Completion::parse(raw) {
            Some(c) => p.completion = c,
            None => fields.push("completion", codes::CHOICE_INVALID),
        }
    }
    serde_json::to_value(&p).unwrap_or(s)
}
