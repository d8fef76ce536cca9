//! LTI Dynamic Registration: an administrator gives the tool's registration URL; Amphi opens
//! it with its OpenID configuration URL and a registration token (HMAC-signed: the tenant, the
//! administrator, an expiry; one tool per token, by the unique hash kept on the tool); the
//! tool reads the configuration and posts its client registration, which becomes a tool of the
//! tenant (services from the scopes asked, privacy from the claims asked, deep linking from
//! the messages), answered with its client id and deployment id.

use super::tools::{self, store};
use super::Urls;
use crate::{App, Caller};
use amphi_core::lti::{message, scope};
use amphi_core::policy::{require, Action, Resource};
use amphi_core::{codes, Error, Result, TenantId, UserId};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// How long a registration token is good for, in seconds.
pub const TOKEN_LIFETIME_SECS: i64 = 3600;

/// The tool configuration claim of a registration.
pub const TOOL_CONFIGURATION: &str = "https://purl.imsglobal.org/spec/lti-tool-configuration";

const PURPOSE: &str = "lti-registration";

#[derive(Serialize, Deserialize)]
struct Grant {
    t: Uuid,
    u: Uuid,
    e: i64,
    n: String,
}

/// Where to send the administrator: the tool's registration URL with this platform's OpenID
/// configuration and a registration token.
pub async fn begin(app: &App, caller: &Caller, tool_url: &str) -> Result<String> {
    require(
        &caller.actor(),
        Action::Update,
        Resource::Tenant(caller.tenant),
    )?;
    let u = amphi_core::validate::http_url("registration_url", tool_url)?;
    let mut url = url::Url::parse(&u)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| Error::field("registration_url", codes::URL_INVALID))?;
    let grant = Grant {
        t: caller.tenant.0,
        u: caller.user.id.0,
        e: app.now().timestamp() + TOKEN_LIFETIME_SECS,
        n: amphi_auth::token::random_hex(16),
    };
    let token = crate::sealed::seal(app, PURPOSE, &grant)?;
    url.query_pairs_mut()
        .append_pair(
            "openid_configuration",
            &Urls::of(&caller.meta.base_url).openid_configuration(),
        )
        .append_pair("registration_token", &token);
    Ok(url.into())
}

/// A refused registration: the OAuth error and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// 401 for the token, 400 for the metadata.
    pub status: u16,
    /// `invalid_token` or `invalid_client_metadata`.
    pub error: &'static str,
    /// Why, for the tool's developers.
    pub description: String,
}

fn bad(description: impl Into<String>) -> Refused {
    Refused {
        status: 400,
        error: "invalid_client_metadata",
        description: description.into(),
    }
}

fn token_refused(description: &str) -> Refused {
    Refused {
        status: 401,
        error: "invalid_token",
        description: description.into(),
    }
}

fn read_grant(app: &App, tenant: TenantId, token: &str) -> Option<Grant> {
    crate::sealed::open::<Grant>(app, PURPOSE, token)
        .filter(|g| g.t == tenant.0 && g.e > app.now().timestamp())
}

fn url_of(m: &Map<String, Value>, name: &str) -> std::result::Result<String, Refused> {
    m.get(name)
        .and_then(Value::as_str)
        .and_then(|u| url::Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.as_str().len() <= 2000)
        .map(String::from)
        .ok_or_else(|| bad(format!("{name} must be an http(s) URL")))
}

/// The tool's client registration, with the registration token it was given.
pub async fn register(
    app: &App,
    tenant: TenantId,
    base_url: &str,
    ip: Option<String>,
    bearer: Option<&str>,
    body: &[u8],
) -> Result<std::result::Result<Value, Refused>> {
    let Some(token) = bearer else {
        return Ok(Err(token_refused("a registration token is required")));
    };
    let Some(grant) = read_grant(app, tenant, token) else {
        return Ok(Err(token_refused(
            "the registration token is invalid or has expired",
        )));
    };
    let m = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        _ => return Ok(Err(bad("the registration must be a JSON object"))),
    };
    match read(app, tenant, &m) {
        Ok(mut t) => {
            t.registration_hash = Some(amphi_auth::token::hash(token));
            let stored = store(app, tenant, Some(UserId(grant.u)), ip, t).await;
            let (t, d) = match stored {
                Ok(x) => x,
                Err(Error::Conflict(_)) => {
                    return Ok(Err(token_refused(
                        "this registration token was already used",
                    )))
                }
                Err(e) => return Err(e),
            };
            let granted = super::services::allowed_scopes(&t).join(" ");
            let mut conf = m.get(TOOL_CONFIGURATION).cloned().unwrap_or(json!({}));
            conf["deployment_id"] = json!(d.deployment_id);
            let mut answer = m.clone();
            answer.insert("client_id".into(), json!(t.client_id));
            answer.insert("scope".into(), json!(granted));
            answer.insert(
                "token_endpoint_auth_method".into(),
                json!("private_key_jwt"),
            );
            answer.insert(TOOL_CONFIGURATION.into(), conf);
            answer.insert(
                "registration_client_uri".into(),
                json!(format!(
                    "{}/lti/register/{}",
                    Urls::of(base_url).issuer,
                    t.client_id
                )),
            );
            Ok(Ok(Value::Object(answer)))
        }
        Err(r) => Ok(Err(r)),
    }
}

/// A registration read into a tool (not stored).
fn read(
    app: &App,
    tenant: TenantId,
    m: &Map<String, Value>,
) -> std::result::Result<amphi_db::rows::LtiTool, Refused> {
    let mut t = tools::blank(tenant, app.now());
    t.login_url = url_of(m, "initiate_login_uri")?;
    t.jwks_url = Some(url_of(m, "jwks_uri")?);
    let redirects: Vec<String> = m
        .get("redirect_uris")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter_map(|u| url::Url::parse(u).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .map(String::from)
                .take(20)
                .collect()
        })
        .unwrap_or_default();
    if redirects.is_empty() {
        return Err(bad("redirect_uris must list the tool's launch URLs"));
    }
    t.redirect_uris = json!(redirects).to_string();
    t.name = m
        .get("client_name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| bad("client_name is required"))?
        .chars()
        .take(200)
        .collect();
    if m.get("token_endpoint_auth_method")
        .and_then(Value::as_str)
        .is_some_and(|a| a != "private_key_jwt")
    {
        return Err(bad("token_endpoint_auth_method must be private_key_jwt"));
    }
    let conf = m
        .get(TOOL_CONFIGURATION)
        .and_then(Value::as_object)
        .ok_or_else(|| bad(format!("{TOOL_CONFIGURATION} is required")))?;
    t.target_link_uri = url_of(conf, "target_link_uri")?;
    let asked: Vec<&str> = m
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    t.ags = asked.iter().any(|s| scope::AGS.contains(s));
    t.nrps = asked.contains(&scope::NRPS);
    let claims: Vec<&str> = conf
        .get("claims")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    t.send_name = claims
        .iter()
        .any(|c| matches!(*c, "name" | "given_name" | "family_name"));
    t.send_email = claims.contains(&"email");
    t.send_picture = claims.contains(&"picture");
    let picker = conf
        .get("messages")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter().find(|x| {
                x.get("type").and_then(Value::as_str) == Some(message::DEEP_LINKING_REQUEST)
            })
        });
    t.deep_linking = picker.is_some();
    t.deep_link_url = picker
        .and_then(|p| p.as_object())
        .and_then(|p| url_of(p, "target_link_uri").ok())
        .or_else(|| picker.map(|_| t.target_link_uri.clone()));
    if let Some(c) = conf.get("custom_parameters").and_then(Value::as_object) {
        let lines: Vec<String> = c
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}")))
            .collect();
        let text = lines.join("\n");
        if amphi_core::lti::parse_custom(&text).is_err() {
            return Err(bad("custom_parameters must map names to text"));
        }
        t.custom = text;
    }
    Ok(t)
}
