//! The HTTP-Redirect binding: DEFLATE + base64 in the query string, signed over the query
//! (SAML bindings 3.4.4.1). Signing and verification are samael's (OpenSSL).

use crate::config::IdpConfig;
use crate::keys::KeyPair;
use crate::SamlError;
use base64::Engine as _;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use samael::crypto::UrlVerifier;
use std::io::{Read, Write};
use url::Url;

const SIG_RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SIG_ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
/// An inflated message larger than this is refused (no inflation bombs).
const MAX_INFLATED: u64 = 256 * 1024;

/// `destination?<param>=<deflated message>&RelayState=…`, signed with `key` when given.
pub(crate) fn redirect_url(
    destination: &str,
    param: &str,
    xml: &str,
    relay_state: &str,
    key: Option<&KeyPair>,
) -> Result<String, SamlError> {
    let mut url = Url::parse(destination)
        .map_err(|_| SamlError::Config("the IdP endpoint is not a URL".into()))?;
    let mut deflated = Vec::new();
    {
        let mut encoder = DeflateEncoder::new(&mut deflated, Compression::default());
        encoder
            .write_all(xml.as_bytes())
            .map_err(|_| SamlError::Internal("deflate failed".into()))?;
        encoder
            .finish()
            .map_err(|_| SamlError::Internal("deflate failed".into()))?;
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(&deflated);
    url.query_pairs_mut().append_pair(param, &encoded);
    if !relay_state.is_empty() {
        url.query_pairs_mut().append_pair("RelayState", relay_state);
    }
    if let Some(key) = key {
        url = samael::crypto::sign_url(url, key.key())
            .map_err(|_| SamlError::Internal("the redirect could not be signed".into()))?;
    }
    Ok(url.to_string())
}

/// A message received through HTTP-Redirect whose signature verified with an IdP certificate.
pub(crate) struct RedirectMessage {
    pub xml: String,
    pub relay_state: Option<String>,
}

/// Verifies the query-string signature of a redirect message (`param` is `SAMLRequest` or
/// `SAMLResponse`) with the IdP's certificates, then inflates the message.
pub(crate) fn verified_redirect(
    query: &str,
    param: &str,
    idp: &IdpConfig,
) -> Result<RedirectMessage, SamlError> {
    let query = query.trim_start_matches('?');
    if query.len() > 200_000 {
        return Err(SamlError::malformed("the query string is too large"));
    }
    let mut message = None;
    let mut relay_state = None;
    let mut sig_alg = None;
    let mut signature = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match k.as_ref() {
            k if k == param => &mut message,
            "RelayState" => &mut relay_state,
            "SigAlg" => &mut sig_alg,
            "Signature" => &mut signature,
            _ => continue,
        };
        if slot.replace(v.into_owned()).is_some() {
            return Err(SamlError::malformed(format!(
                "the query string repeats {}",
                k.as_ref()
            )));
        }
    }
    let message = message.ok_or_else(|| SamlError::malformed(format!("no {param} parameter")))?;
    let (Some(sig_alg), Some(signature)) = (sig_alg, signature) else {
        return Err(SamlError::signature("the redirect message is not signed"));
    };
    // samael verifies only these two (and must not be handed another).
    if sig_alg != SIG_RSA_SHA256 && sig_alg != SIG_ECDSA_SHA256 {
        return Err(SamlError::signature(
            "the redirect signature algorithm is refused (RSA-SHA256 or ECDSA-SHA256 only)",
        ));
    }
    if base64::engine::general_purpose::STANDARD
        .decode(signature.as_bytes())
        .is_err()
    {
        return Err(SamlError::malformed(
            "the Signature parameter is not base64",
        ));
    }
    let url = Url::parse(&format!("http://sp.invalid/?{query}"))
        .map_err(|_| SamlError::malformed("the query string cannot be read"))?;
    let verified = idp.signing_certificates.iter().any(|cert| {
        UrlVerifier::from_x509(&cert.samael())
            .ok()
            .and_then(|verifier| {
                if param == "SAMLRequest" {
                    verifier.verify_signed_request_url(&url).ok()
                } else {
                    verifier.verify_signed_response_url(&url).ok()
                }
            })
            .unwrap_or(false)
    });
    if !verified {
        return Err(SamlError::signature(
            "the redirect signature does not verify with the IdP's certificate(s)",
        ));
    }
    let xml = inflate(&message)?;
    Ok(RedirectMessage { xml, relay_state })
}

fn inflate(value: &str) -> Result<String, SamlError> {
    let cleaned: String = value.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let deflated = base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|_| SamlError::malformed("the message is not base64"))?;
    let mut out = Vec::new();
    DeflateDecoder::new(deflated.as_slice())
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|_| SamlError::malformed("the message is not DEFLATE-compressed"))?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(SamlError::malformed("the message is too large"));
    }
    String::from_utf8(out).map_err(|_| SamlError::malformed("the message is not UTF-8 XML"))
}

/// A fresh message ID (an NCName: it must not start with a digit).
pub(crate) fn new_id() -> String {
    format!("_{}", uuid::Uuid::new_v4().simple())
}

/// SAML's dateTime form (UTC, `Z`).
pub(crate) fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
