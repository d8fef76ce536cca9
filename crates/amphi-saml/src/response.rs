//! The Assertion Consumer Service: from a posted `SAMLResponse` to a verified identity.
//!
//! Order of work: decode; look at the untrusted shape (one assertion only, no DOCTYPE);
//! let xmlsec (through samael) verify every signature with the IdP's certificates and cut
//! the document down to what the signatures cover; parse *that* output; then check issuer,
//! audience, destination, recipient, times and InResponseTo on it. Values from the unsigned
//! parts of a message are only ever used to refuse, never to accept.

use crate::config::{IdpConfig, SpConfig};
use crate::error::shorten;
use crate::schema::{EncryptedAssertionXml, ResponseXml};
use crate::xml::{root_name, scan, NS_ASSERTION, NS_PROTOCOL};
use crate::SamlError;
use amphi_core::identity::RawIdentity;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use samael::crypto::{AllowedSignatureAlgorithm, CryptoProvider, ReduceMode, XmlSec};
use samael::schema::Assertion;

const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
/// A posted response larger than this is refused before decoding.
const MAX_RESPONSE_BASE64: usize = 1_000_000;

/// Signature algorithms accepted from an IdP (SHA-1 and DSA are refused).
pub(crate) const ALLOWED_ALGORITHMS: &[AllowedSignatureAlgorithm] = &[
    AllowedSignatureAlgorithm::RsaSha256,
    AllowedSignatureAlgorithm::RsaSha384,
    AllowedSignatureAlgorithm::RsaSha512,
    AllowedSignatureAlgorithm::EcdsaSha256,
    AllowedSignatureAlgorithm::EcdsaSha384,
    AllowedSignatureAlgorithm::EcdsaSha512,
];

/// A sign-in the SP may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedLogin {
    /// Subject = the NameID; attributes from the verified assertion's AttributeStatements,
    /// keyed by their `Name` and also by their `FriendlyName` when it differs.
    pub identity: RawIdentity,
    /// The NameID `Format`, when given.
    pub name_id_format: Option<String>,
    /// The assertion's ID: remember it until `replay_until` and refuse it if seen again.
    pub assertion_id: String,
    /// The earliest NotOnOrAfter of the assertion's Conditions and bearer confirmation.
    pub not_on_or_after: DateTime<Utc>,
    /// `not_on_or_after` plus the clock skew: until then this SP would accept the assertion,
    /// so its id must stay in the replay table until then.
    pub replay_until: DateTime<Utc>,
    /// The AuthnStatement's SessionIndex (needed for single logout).
    pub session_index: Option<String>,
    /// The request this answers (`None` for an accepted IdP-initiated sign-in).
    pub in_response_to: Option<String>,
}

/// Validates a `SAMLResponse` posted to the ACS (the base64 form field as received).
///
/// `expected_request_id` is the id of the AuthnRequest this browser's sign-in started (kept
/// by the caller, for example in the session); `None` when there is none.
pub fn validate_response(
    sp: &SpConfig,
    idp: &IdpConfig,
    saml_response_b64: &str,
    expected_request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ValidatedLogin, SamlError> {
    sp.check()?;
    if idp.signing_certificates.is_empty() {
        return Err(SamlError::Config(
            "the IdP has no signing certificate".into(),
        ));
    }
    let xml = decode_response(saml_response_b64)?;
    let shape = scan(&xml)?;
    if shape.root != (NS_PROTOCOL.to_string(), "Response".to_string()) {
        return Err(SamlError::malformed(
            "the message is not a SAML 2.0 Response",
        ));
    }
    if shape.assertions + shape.encrypted_assertions > 1 {
        return Err(SamlError::signature(
            "the response holds more than one assertion (refused: possible signature wrapping)",
        ));
    }
    let raw: ResponseXml = quick_xml::de::from_str(&xml)
        .map_err(|_| SamlError::malformed("the Response does not follow the SAML schema"))?;
    // An IdP's error answer is often unsigned: say what it is rather than "unsigned".
    check_status(&raw)?;
    if shape.assertions + shape.encrypted_assertions == 0 {
        return Err(SamlError::malformed("the response holds no assertion"));
    }

    let certs = idp.samael_certs();
    let mut verified_response: Option<ResponseXml> = None;
    let mut verified_assertion: Option<Assertion> = None;
    if shape.signatures > 0 {
        let reduced = XmlSec::reduce_xml_to_signed_with_allowed_algorithms(
            &xml,
            &certs,
            ReduceMode::ValidateAndMarkNoAncestors,
            Some(ALLOWED_ALGORITHMS),
        )
        .map_err(|_| {
            SamlError::signature(
                "a signature does not verify with the IdP's certificate(s), or uses a refused algorithm",
            )
        })?;
        match root_name(&reduced) {
            Some((ns, local)) if ns == NS_PROTOCOL && local == "Response" => {
                let response: ResponseXml = quick_xml::de::from_str(&reduced).map_err(|_| {
                    SamlError::malformed("the signed Response does not follow the SAML schema")
                })?;
                if response.id != raw.id {
                    return Err(SamlError::signature(
                        "the signature covers another Response than the one received",
                    ));
                }
                verified_response = Some(response);
            }
            Some((ns, local)) if ns == NS_ASSERTION && local == "Assertion" => {
                let assertion: Assertion = reduced.parse().map_err(|_| {
                    SamlError::malformed("the signed Assertion does not follow the SAML schema")
                })?;
                verified_assertion = Some(assertion);
            }
            _ => {
                return Err(SamlError::signature(
                    "the signature covers neither the Response nor its Assertion",
                ))
            }
        }
    }
    let response_signed = verified_response.is_some();
    if sp.want_response_signed && !response_signed {
        return Err(SamlError::signature(
            "the Response is not signed by the IdP",
        ));
    }

    // Response-level checks: on the verified Response if there is one; otherwise on the
    // unsigned envelope, where they can only refuse.
    let envelope = verified_response.as_ref().unwrap_or(&raw);
    check_status(envelope)?;
    if let Some(issuer) = envelope.issuer.as_ref().and_then(|i| i.value.as_deref()) {
        if issuer != idp.entity_id {
            return Err(SamlError::Issuer);
        }
    }
    match envelope.destination.as_deref() {
        Some(d) if d == sp.acs_url => {}
        Some(_) => return Err(SamlError::Destination),
        // A signed response must name its destination (SAML bindings, 3.5.5.2).
        None if response_signed => return Err(SamlError::Destination),
        None => {}
    }
    check_in_response_to(
        envelope.in_response_to.as_deref(),
        expected_request_id,
        sp.allow_idp_initiated,
    )?;
    if envelope.issue_instant > now + sp.clock_skew {
        return Err(SamlError::NotYetValid);
    }

    // The assertion, and whether it carries a signature of its own.
    let (assertion, assertion_signed) = if let Some(response) = verified_response {
        if let Some(assertion) = response.assertion {
            let own = has_own_signature(&assertion);
            (assertion, own)
        } else if let Some(encrypted) = response.encrypted_assertion.as_ref() {
            decrypt_and_verify(sp, &certs, encrypted)?
        } else {
            return Err(SamlError::malformed("the response holds no assertion"));
        }
    } else if let Some(assertion) = verified_assertion {
        (assertion, true)
    } else if let Some(encrypted) = raw.encrypted_assertion.as_ref() {
        decrypt_and_verify(sp, &certs, encrypted)?
    } else {
        return Err(SamlError::signature("nothing in the response is signed"));
    };
    if !response_signed && !assertion_signed {
        return Err(SamlError::signature("nothing in the response is signed"));
    }
    if sp.want_assertions_signed && !assertion_signed {
        return Err(SamlError::signature(
            "the Assertion is not signed by the IdP",
        ));
    }

    check_assertion(sp, idp, &assertion, expected_request_id, now)
}

fn decode_response(b64: &str) -> Result<String, SamlError> {
    if b64.len() > MAX_RESPONSE_BASE64 {
        return Err(SamlError::malformed("the SAMLResponse is too large"));
    }
    let cleaned: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if cleaned.is_empty() {
        return Err(SamlError::malformed("the SAMLResponse is empty"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|_| SamlError::malformed("the SAMLResponse is not base64"))?;
    String::from_utf8(bytes).map_err(|_| SamlError::malformed("the SAMLResponse is not UTF-8 XML"))
}

fn check_status(response: &ResponseXml) -> Result<(), SamlError> {
    let code = response
        .status
        .as_ref()
        .and_then(|s| s.status_code.value.clone())
        .ok_or_else(|| SamlError::malformed("the Response has no Status"))?;
    if code != STATUS_SUCCESS {
        return Err(SamlError::Status {
            code: shorten(&code),
        });
    }
    Ok(())
}

/// InResponseTo against the request this browser started.
pub(crate) fn check_in_response_to(
    found: Option<&str>,
    expected: Option<&str>,
    allow_unsolicited: bool,
) -> Result<(), SamlError> {
    match (found, expected) {
        (Some(f), Some(e)) if f == e => Ok(()),
        (Some(_), _) => Err(SamlError::InResponseTo),
        (None, _) if allow_unsolicited => Ok(()),
        (None, _) => Err(SamlError::Unsolicited),
    }
}

/// Whether the assertion (already inside verified content) has a Signature of its own,
/// referencing this very assertion.
fn has_own_signature(assertion: &Assertion) -> bool {
    let target = format!("#{}", assertion.id);
    assertion.signature.as_ref().is_some_and(|s| {
        s.signed_info
            .reference
            .iter()
            .any(|r| r.uri.as_deref() == Some(target.as_str()))
    })
}

/// Decrypts an EncryptedAssertion with the SP's key(s) (samael / OpenSSL), then verifies the
/// decrypted assertion's own signature, if it has one, with xmlsec.
fn decrypt_and_verify(
    sp: &SpConfig,
    certs: &[samael::crypto::CertificateDer],
    encrypted: &EncryptedAssertionXml,
) -> Result<(Assertion, bool), SamlError> {
    let xml = crate::decrypt::decrypt_assertion_xml(sp, encrypted)?;
    let shape = scan(&xml).map_err(|_| SamlError::Decryption("the plaintext is not XML".into()))?;
    if shape.root != (NS_ASSERTION.to_string(), "Assertion".to_string()) || shape.assertions != 1 {
        return Err(SamlError::signature(
            "the encrypted content is not exactly one Assertion",
        ));
    }
    if shape.signatures == 0 {
        let assertion: Assertion = xml.parse().map_err(|_| {
            SamlError::malformed("the decrypted Assertion does not follow the SAML schema")
        })?;
        return Ok((assertion, false));
    }
    let reduced = XmlSec::reduce_xml_to_signed_with_allowed_algorithms(
        &xml,
        certs,
        ReduceMode::ValidateAndMarkNoAncestors,
        Some(ALLOWED_ALGORITHMS),
    )
    .map_err(|_| {
        SamlError::signature(
            "the encrypted assertion's signature does not verify with the IdP's certificate(s)",
        )
    })?;
    match root_name(&reduced) {
        Some((ns, local)) if ns == NS_ASSERTION && local == "Assertion" => {}
        _ => {
            return Err(SamlError::signature(
                "the encrypted assertion's signature does not cover the assertion",
            ))
        }
    }
    let assertion: Assertion = reduced.parse().map_err(|_| {
        SamlError::malformed("the decrypted Assertion does not follow the SAML schema")
    })?;
    Ok((assertion, true))
}

fn check_assertion(
    sp: &SpConfig,
    idp: &IdpConfig,
    assertion: &Assertion,
    expected_request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ValidatedLogin, SamlError> {
    let skew = sp.clock_skew;
    if assertion.issuer.value.as_deref() != Some(idp.entity_id.as_str()) {
        return Err(SamlError::Issuer);
    }
    if assertion.issue_instant > now + skew {
        return Err(SamlError::NotYetValid);
    }

    // Conditions: validity window and audience (both required by the Web SSO profile).
    let conditions = assertion
        .conditions
        .as_ref()
        .ok_or_else(|| SamlError::malformed("the Assertion has no Conditions"))?;
    if let Some(not_before) = conditions.not_before {
        if now + skew < not_before {
            return Err(SamlError::NotYetValid);
        }
    }
    let conditions_end = conditions
        .not_on_or_after
        .ok_or_else(|| SamlError::malformed("the Assertion's Conditions have no NotOnOrAfter"))?;
    if now >= conditions_end + skew {
        return Err(SamlError::Expired);
    }
    let restrictions = conditions.audience_restrictions.as_deref().unwrap_or(&[]);
    if restrictions.is_empty()
        || !restrictions
            .iter()
            .all(|r| r.audience.iter().any(|a| a == &sp.entity_id))
    {
        return Err(SamlError::Audience);
    }

    // Subject and bearer confirmation.
    let subject = assertion
        .subject
        .as_ref()
        .ok_or_else(|| SamlError::Subject("the Assertion has no Subject".into()))?;
    let name_id = subject
        .name_id
        .as_ref()
        .filter(|n| !n.value.trim().is_empty())
        .ok_or_else(|| SamlError::Subject("the Subject has no NameID".into()))?;
    let bearers: Vec<_> = subject
        .subject_confirmations
        .iter()
        .flatten()
        .filter(|c| c.method.as_deref() == Some(BEARER))
        .collect();
    if bearers.is_empty() {
        return Err(SamlError::Subject(
            "the Subject has no bearer SubjectConfirmation".into(),
        ));
    }
    let mut first_error = None;
    let mut confirmed = None;
    for bearer in bearers {
        let Some(data) = bearer.subject_confirmation_data.as_ref() else {
            first_error.get_or_insert(SamlError::Subject(
                "a bearer confirmation has no SubjectConfirmationData".into(),
            ));
            continue;
        };
        let result = (|| {
            let end = data.not_on_or_after.ok_or_else(|| {
                SamlError::Subject("the bearer confirmation has no NotOnOrAfter".into())
            })?;
            if now >= end + skew {
                return Err(SamlError::Expired);
            }
            if let Some(not_before) = data.not_before {
                if now + skew < not_before {
                    return Err(SamlError::NotYetValid);
                }
            }
            if data.recipient.as_deref() != Some(sp.acs_url.as_str()) {
                return Err(SamlError::Recipient);
            }
            check_in_response_to(
                data.in_response_to.as_deref(),
                expected_request_id,
                sp.allow_idp_initiated,
            )?;
            Ok((end, data.in_response_to.clone()))
        })();
        match result {
            Ok(ok) => {
                confirmed = Some(ok);
                break;
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let (confirmation_end, in_response_to) = match confirmed {
        Some(c) => c,
        None => {
            return Err(first_error.unwrap_or_else(|| {
                SamlError::Subject("no bearer confirmation could be checked".into())
            }))
        }
    };

    let mut identity = RawIdentity {
        subject: name_id.value.trim().to_string(),
        ..RawIdentity::default()
    };
    for statement in assertion.attribute_statements.iter().flatten() {
        for attribute in &statement.attributes {
            let Some(name) = attribute.name.as_deref().filter(|n| !n.is_empty()) else {
                continue;
            };
            let values: Vec<String> = attribute
                .values
                .iter()
                .filter_map(|v| v.value.clone())
                .collect();
            identity
                .attributes
                .entry(name.to_string())
                .or_default()
                .extend(values.iter().cloned());
            if let Some(friendly) = attribute.friendly_name.as_deref() {
                if !friendly.is_empty() && friendly != name {
                    identity
                        .attributes
                        .entry(friendly.to_string())
                        .or_default()
                        .extend(values);
                }
            }
        }
    }
    let session_index = assertion
        .authn_statements
        .iter()
        .flatten()
        .find_map(|s| s.session_index.clone());
    let not_on_or_after = conditions_end.min(confirmation_end);
    Ok(ValidatedLogin {
        identity,
        name_id_format: name_id.format.clone(),
        assertion_id: assertion.id.clone(),
        not_on_or_after,
        replay_until: not_on_or_after + skew,
        session_index,
        in_response_to,
    })
}
