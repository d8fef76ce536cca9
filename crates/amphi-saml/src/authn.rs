//! SP-initiated sign-in: the AuthnRequest sent through the browser (HTTP-Redirect).

use crate::binding::{new_id, redirect_url};
use crate::config::{IdpConfig, SpConfig, BINDING_HTTP_POST};
use crate::SamlError;
use chrono::{DateTime, Utc};
use samael::schema::{AuthnRequest, Issuer, NameIdPolicy};
use samael::traits::ToXml;

/// Where to send the browser, and the request id to keep (in the session) for the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnRedirect {
    /// The IdP's SSO URL with `SAMLRequest` (and `RelayState`, `SigAlg`, `Signature`).
    pub url: String,
    /// The AuthnRequest's ID: pass it as `expected_request_id` to `validate_response`.
    pub request_id: String,
}

/// Builds an AuthnRequest for the HTTP-Redirect binding, asking for the answer by HTTP-POST
/// at the SP's ACS. Signed with the SP's key when the IdP wants signed requests.
/// `relay_state` travels back unchanged with the response (at most 80 bytes, SAML bindings
/// 3.4.3); keep it opaque (a key to server-side state), never a URL to trust as is.
pub fn authn_request_redirect(
    sp: &SpConfig,
    idp: &IdpConfig,
    relay_state: &str,
    now: DateTime<Utc>,
) -> Result<AuthnRedirect, SamlError> {
    sp.check()?;
    if relay_state.len() > 80 {
        return Err(SamlError::Config(
            "the RelayState is longer than 80 bytes".into(),
        ));
    }
    let request_id = new_id();
    let request = AuthnRequest {
        id: request_id.clone(),
        version: "2.0".into(),
        issue_instant: now,
        destination: Some(idp.sso_url.clone()),
        issuer: Some(Issuer {
            value: Some(sp.entity_id.clone()),
            ..Issuer::default()
        }),
        assertion_consumer_service_url: Some(sp.acs_url.clone()),
        protocol_binding: Some(BINDING_HTTP_POST.into()),
        name_id_policy: Some(NameIdPolicy {
            allow_create: Some(true),
            format: Some("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".into()),
            ..NameIdPolicy::default()
        }),
        ..AuthnRequest::default()
    };
    let xml = request
        .to_string()
        .map_err(|_| SamlError::Internal("the AuthnRequest could not be serialised".into()))?;
    let key = idp.want_authn_requests_signed.then_some(&sp.signing);
    let url = redirect_url(&idp.sso_url, "SAMLRequest", &xml, relay_state, key)?;
    Ok(AuthnRedirect { url, request_id })
}
