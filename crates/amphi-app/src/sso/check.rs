//! "Test the connection" on a provider's page: what Amphi can check from its side before
//! anyone signs in. OIDC: the discovery document and its key set; LDAP: the service bind and
//! a read of the base DN (and the group base); SAML: the IdP metadata, fetched and read;
//! partner hand-off: the key or the key set. Each step says what it found, or why it failed.

use super::stored::stored_config;
use crate::{App, Caller};
use amphi_core::identity::ProviderKind;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::{Error, Result};
use amphi_db::repo::identity as repo;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// One step of a connection test.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Step {
    /// Message key of what was checked (`sso-test-discovery`, …).
    pub key: &'static str,
    /// Whether it worked.
    pub ok: bool,
    /// What was found (a count, an address) or the error as the other side gave it.
    pub detail: String,
}

/// The outcome of a connection test.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Report {
    /// Every step worked.
    pub ok: bool,
    /// The steps, in order; the first failure ends the test.
    pub steps: Vec<Step>,
}

fn step(key: &'static str, r: std::result::Result<String, String>) -> Step {
    match r {
        Ok(detail) => Step {
            key,
            ok: true,
            detail,
        },
        Err(detail) => Step {
            key,
            ok: false,
            detail,
        },
    }
}

fn text<'a>(c: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    c.get(k).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Tests a provider's configuration as saved (administrators of its tenant).
pub async fn connection(app: &App, caller: &Caller, id: Uuid) -> Result<Report> {
    require(
        &caller.user.actor(),
        Action::Update,
        Resource::Tenant(caller.tenant),
    )?;
    let p = repo::provider_by_id(app.db.reader(), caller.tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let c = super::config::open(app.secret(), &stored_config(&p))?;
    let steps = match p.kind()? {
        ProviderKind::Oidc => oidc(&c).await,
        ProviderKind::Ldap => ldap(&c).await,
        ProviderKind::Saml => saml(&c).await,
        ProviderKind::Partner => partner(&c).await,
    };
    Ok(Report {
        ok: steps.iter().all(|s| s.ok),
        steps,
    })
}

async fn oidc(c: &Map<String, Value>) -> Vec<Step> {
    let Some(issuer) = text(c, "issuer") else {
        return vec![step("sso-test-discovery", Err("issuer".into()))];
    };
    let client = match amphi_auth::oidc::http_client() {
        Ok(c) => c,
        Err(e) => return vec![step("sso-test-discovery", Err(e.to_string()))],
    };
    // Discovery reads the document, then the key set it names.
    match amphi_auth::oidc::discover(&client, issuer).await {
        Ok(meta) => {
            let keys = meta.jwks().keys().len();
            vec![
                step(
                    "sso-test-discovery",
                    Ok(meta.authorization_endpoint().url().to_string()),
                ),
                step(
                    "sso-test-keys",
                    if keys > 0 {
                        Ok(keys.to_string())
                    } else {
                        Err(meta.jwks_uri().url().to_string())
                    },
                ),
            ]
        }
        Err(e) => vec![step("sso-test-discovery", Err(e.to_string()))],
    }
}

async fn ldap(c: &Map<String, Value>) -> Vec<Step> {
    let cfg = match super::config::ldap_config(c) {
        Ok(cfg) => cfg,
        Err(e) => return vec![step("sso-test-ldap", Err(e))],
    };
    let base = cfg.base_dn.clone();
    vec![step(
        "sso-test-ldap",
        amphi_auth::ldap::check(&cfg)
            .await
            .map(|()| base)
            .map_err(|e| e.to_string()),
    )]
}

async fn fetch(url: &str) -> std::result::Result<String, String> {
    let client = amphi_auth::oidc::http_client().map_err(|e| e.to_string())?;
    let resp = client.get(url).send().await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("HTTP {}", resp.status().as_u16()));
    }
    resp.text().await.map_err(|e| e.to_string())
}

async fn saml(c: &Map<String, Value>) -> Vec<Step> {
    let mut steps = Vec::new();
    let xml = match (text(c, "idp_metadata_xml"), text(c, "idp_metadata_url")) {
        (Some(xml), _) => xml.to_owned(),
        (None, Some(url)) => match fetch(url).await {
            Ok(xml) => {
                steps.push(step("sso-test-metadata-fetch", Ok(url.to_owned())));
                xml
            }
            Err(e) => {
                steps.push(step("sso-test-metadata-fetch", Err(e)));
                return steps;
            }
        },
        (None, None) => {
            steps.push(step("sso-test-metadata", Err("idp_metadata_url".into())));
            return steps;
        }
    };
    steps.push(step(
        "sso-test-metadata",
        amphi_saml::IdpConfig::from_metadata_xml(&xml)
            .map(|idp| {
                format!(
                    "{} · {} · {}",
                    idp.entity_id,
                    idp.sso_url,
                    idp.signing_certificates.len()
                )
            })
            .map_err(|e| e.to_string()),
    ));
    steps
}

async fn partner(c: &Map<String, Value>) -> Vec<Step> {
    if let Some(url) = text(c, "jwks_url") {
        let r = match fetch(url).await {
            Ok(body) => match serde_json::from_str::<Value>(&body) {
                Ok(v) => match v.get("keys").and_then(Value::as_array) {
                    Some(keys) if !keys.is_empty() => Ok(keys.len().to_string()),
                    _ => Err("no \"keys\"".to_owned()),
                },
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e),
        };
        return vec![step("sso-test-keys", r)];
    }
    let alg = text(c, "algorithm").and_then(amphi_auth::partner::algorithm);
    let r = match (alg, text(c, "public_key_pem")) {
        (Some(alg), Some(pem)) => amphi_auth::partner::key_from_pem(alg, pem)
            .map(|_| "1".to_owned())
            .map_err(|e| e.to_string()),
        _ => Err("public_key_pem".into()),
    };
    vec![step("sso-test-keys", r)]
}
