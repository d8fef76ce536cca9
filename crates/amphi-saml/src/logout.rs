//! Single logout over HTTP-Redirect, both ways: the SP asks the IdP to end the session
//! (LogoutRequest out, LogoutResponse back), and the IdP asks the SP (LogoutRequest in,
//! LogoutResponse out). Every logout message is signed (query-string signature).

use crate::binding::{instant, new_id, redirect_url, verified_redirect};
use crate::config::{IdpConfig, SpConfig};
use crate::error::shorten;
use crate::response::check_in_response_to;
use crate::xml::{scan, NS_PROTOCOL};
use crate::SamlError;
use chrono::{DateTime, Duration, Utc};
use quick_xml::escape::escape;
use samael::schema::{Issuer, LogoutResponse, SubjectNameID};
use serde::Deserialize;

const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
/// A logout message older than this (plus skew) is refused.
const MAX_MESSAGE_AGE_MINUTES: i64 = 10;

/// A LogoutRequest to send the browser to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutRedirect {
    /// The IdP's SLO URL with the signed `SAMLRequest`.
    pub url: String,
    /// The request's ID: pass it to `validate_logout_response`.
    pub request_id: String,
}

/// A verified IdP-initiated LogoutRequest: end the SP sessions it names, then answer with
/// `logout_response_redirect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpLogoutRequest {
    /// The request's ID (the answer's InResponseTo).
    pub id: String,
    /// Whose sessions to end (the NameID the login returned as subject).
    pub name_id: String,
    /// Which sessions (the login's session index); empty means all of that person's.
    pub session_indexes: Vec<String>,
    /// RelayState to send back unchanged.
    pub relay_state: Option<String>,
}

/// Builds a signed LogoutRequest (HTTP-Redirect) for the person the IdP knows as
/// `name_id` (with its format, as the login returned it) and the login's session index.
pub fn logout_request_redirect(
    sp: &SpConfig,
    idp: &IdpConfig,
    name_id: &str,
    name_id_format: Option<&str>,
    session_index: Option<&str>,
    relay_state: &str,
    now: DateTime<Utc>,
) -> Result<LogoutRedirect, SamlError> {
    sp.check()?;
    let destination = idp
        .slo_url
        .as_deref()
        .ok_or_else(|| SamlError::Config("the IdP has no single logout endpoint".into()))?;
    let request_id = new_id();
    let format = name_id_format
        .map(|f| format!(r#" Format="{}""#, escape(f)))
        .unwrap_or_default();
    let session = session_index
        .map(|s| format!("<samlp:SessionIndex>{}</samlp:SessionIndex>", escape(s)))
        .unwrap_or_default();
    let xml = format!(
        concat!(
            r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion""#,
            r#" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{dest}" NotOnOrAfter="{until}">"#,
            "<saml:Issuer>{issuer}</saml:Issuer><saml:NameID{format}>{name_id}</saml:NameID>{session}",
            "</samlp:LogoutRequest>"
        ),
        id = request_id,
        now = instant(now),
        dest = escape(destination),
        until = instant(now + Duration::minutes(MAX_MESSAGE_AGE_MINUTES)),
        issuer = escape(sp.entity_id.as_str()),
        format = format,
        name_id = escape(name_id),
        session = session,
    );
    let url = redirect_url(
        destination,
        "SAMLRequest",
        &xml,
        relay_state,
        Some(&sp.signing),
    )?;
    Ok(LogoutRedirect { url, request_id })
}

/// Checks the IdP's LogoutResponse arriving at the SP's SLO URL (`query` is the raw query
/// string): signature, issuer, destination, InResponseTo = `expected_request_id`, Success.
pub fn validate_logout_response(
    sp: &SpConfig,
    idp: &IdpConfig,
    query: &str,
    expected_request_id: &str,
    now: DateTime<Utc>,
) -> Result<(), SamlError> {
    let message = verified_redirect(query, "SAMLResponse", idp)?;
    let shape = scan(&message.xml)?;
    if shape.root != (NS_PROTOCOL.to_string(), "LogoutResponse".to_string()) {
        return Err(SamlError::malformed("the message is not a LogoutResponse"));
    }
    let response: LogoutResponse = message
        .xml
        .parse()
        .map_err(|_| SamlError::malformed("the LogoutResponse does not follow the SAML schema"))?;
    check_issuer(response.issuer.as_ref(), idp)?;
    check_destination(response.destination.as_deref(), sp)?;
    check_age(response.issue_instant, sp, now)?;
    check_in_response_to(
        response.in_response_to.as_deref(),
        Some(expected_request_id),
        false,
    )?;
    let code = response
        .status
        .as_ref()
        .and_then(|s| s.status_code.value.clone())
        .ok_or_else(|| SamlError::malformed("the LogoutResponse has no Status"))?;
    if code != STATUS_SUCCESS {
        return Err(SamlError::Status {
            code: shorten(&code),
        });
    }
    Ok(())
}

#[derive(Deserialize)]
struct LogoutRequestXml {
    #[serde(rename = "@ID")]
    id: String,
    #[serde(rename = "@IssueInstant")]
    issue_instant: DateTime<Utc>,
    #[serde(rename = "@Destination")]
    destination: Option<String>,
    #[serde(rename = "@NotOnOrAfter")]
    not_on_or_after: Option<DateTime<Utc>>,
    #[serde(rename = "Issuer")]
    issuer: Option<Issuer>,
    #[serde(rename = "NameID")]
    name_id: Option<SubjectNameID>,
    #[serde(rename = "SessionIndex", default)]
    session_indexes: Vec<String>,
}

/// Checks an IdP-initiated LogoutRequest arriving at the SP's SLO URL (`query` is the raw
/// query string): signature, issuer, destination, age.
pub fn validate_logout_request(
    sp: &SpConfig,
    idp: &IdpConfig,
    query: &str,
    now: DateTime<Utc>,
) -> Result<IdpLogoutRequest, SamlError> {
    let message = verified_redirect(query, "SAMLRequest", idp)?;
    let shape = scan(&message.xml)?;
    if shape.root != (NS_PROTOCOL.to_string(), "LogoutRequest".to_string()) {
        return Err(SamlError::malformed("the message is not a LogoutRequest"));
    }
    // samael's LogoutRequest reads SessionIndex as an attribute; the schema has elements.
    let request: LogoutRequestXml = quick_xml::de::from_str(&message.xml)
        .map_err(|_| SamlError::malformed("the LogoutRequest does not follow the SAML schema"))?;
    check_issuer(request.issuer.as_ref(), idp)?;
    check_destination(request.destination.as_deref(), sp)?;
    check_age(Some(request.issue_instant), sp, now)?;
    if let Some(end) = request.not_on_or_after {
        if now >= end + sp.clock_skew {
            return Err(SamlError::Expired);
        }
    }
    let name_id = request
        .name_id
        .map(|n| n.value.trim().to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| SamlError::Subject("the LogoutRequest has no NameID".into()))?;
    Ok(IdpLogoutRequest {
        id: request.id,
        name_id,
        session_indexes: request
            .session_indexes
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        relay_state: message.relay_state,
    })
}

/// The signed LogoutResponse (HTTP-Redirect) answering an IdP-initiated logout.
pub fn logout_response_redirect(
    sp: &SpConfig,
    idp: &IdpConfig,
    request: &IdpLogoutRequest,
    now: DateTime<Utc>,
) -> Result<String, SamlError> {
    let destination = idp
        .slo_url
        .as_deref()
        .ok_or_else(|| SamlError::Config("the IdP has no single logout endpoint".into()))?;
    let xml = format!(
        concat!(
            r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion""#,
            r#" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{dest}" InResponseTo="{irt}">"#,
            "<saml:Issuer>{issuer}</saml:Issuer>",
            r#"<samlp:Status><samlp:StatusCode Value="{success}"/></samlp:Status>"#,
            "</samlp:LogoutResponse>"
        ),
        id = new_id(),
        now = instant(now),
        dest = escape(destination),
        irt = escape(request.id.as_str()),
        issuer = escape(sp.entity_id.as_str()),
        success = STATUS_SUCCESS,
    );
    redirect_url(
        destination,
        "SAMLResponse",
        &xml,
        request.relay_state.as_deref().unwrap_or(""),
        Some(&sp.signing),
    )
}

fn check_issuer(issuer: Option<&Issuer>, idp: &IdpConfig) -> Result<(), SamlError> {
    match issuer.and_then(|i| i.value.as_deref()) {
        Some(value) if value.trim() == idp.entity_id => Ok(()),
        _ => Err(SamlError::Issuer),
    }
}

fn check_destination(destination: Option<&str>, sp: &SpConfig) -> Result<(), SamlError> {
    // Signed redirect messages must name their destination (SAML bindings 3.4.5.2).
    match destination {
        Some(d) if d == sp.slo_url => Ok(()),
        _ => Err(SamlError::Destination),
    }
}

fn check_age(
    issued: Option<DateTime<Utc>>,
    sp: &SpConfig,
    now: DateTime<Utc>,
) -> Result<(), SamlError> {
    let issued = issued.ok_or_else(|| SamlError::malformed("the message has no IssueInstant"))?;
    if issued > now + sp.clock_skew {
        return Err(SamlError::NotYetValid);
    }
    if now >= issued + Duration::minutes(MAX_MESSAGE_AGE_MINUTES) + sp.clock_skew {
        return Err(SamlError::Expired);
    }
    Ok(())
}
