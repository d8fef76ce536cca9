//! Unit tests that need no IdP (the real sign-ins are in `tests/pysaml2_idp.rs`).

use crate::response::check_in_response_to;
use crate::*;
use chrono::{Duration, Utc};

fn sp() -> SpConfig {
    SpConfig::new(
        "https://sp.example.test/metadata",
        "https://sp.example.test/acs",
        "https://sp.example.test/slo",
        KeyPair::generate_self_signed("sp", 1).unwrap(),
    )
}

#[test]
fn defaults_are_safe_and_bad_configurations_are_refused() {
    let sp = sp();
    assert!(sp.want_assertions_signed && !sp.allow_idp_initiated && sp.encryption.is_none());
    sp.check().unwrap();

    let mut none = sp.clone();
    none.want_assertions_signed = false;
    assert_eq!(none.check().unwrap_err().code(), "saml.config");
    let mut relative = sp.clone();
    relative.acs_url = "/acs".into();
    assert_eq!(relative.check().unwrap_err().code(), "saml.config");
    let mut empty = sp.clone();
    empty.entity_id = " ".into();
    assert_eq!(empty.check().unwrap_err().code(), "saml.config");
    let mut skewed = sp;
    skewed.clock_skew = Duration::hours(1);
    assert_eq!(skewed.check().unwrap_err().code(), "saml.config");
}

#[test]
fn in_response_to_matrix() {
    assert!(check_in_response_to(Some("_a"), Some("_a"), false).is_ok());
    assert_eq!(
        check_in_response_to(Some("_a"), Some("_b"), false).unwrap_err(),
        SamlError::InResponseTo
    );
    assert_eq!(
        check_in_response_to(Some("_a"), None, true).unwrap_err(),
        SamlError::InResponseTo
    );
    assert_eq!(
        check_in_response_to(None, Some("_a"), false).unwrap_err(),
        SamlError::Unsolicited
    );
    assert_eq!(
        check_in_response_to(None, None, false).unwrap_err(),
        SamlError::Unsolicited
    );
    assert!(check_in_response_to(None, None, true).is_ok());
    assert!(check_in_response_to(None, Some("_a"), true).is_ok());
}

#[test]
fn key_pairs_round_trip_and_mismatches_are_refused() {
    let a = KeyPair::generate_self_signed("a", 1).unwrap();
    let b = KeyPair::generate_self_signed("b", 1).unwrap();
    let again = KeyPair::from_pem(&a.key_pem().unwrap(), &a.certificate().to_pem()).unwrap();
    assert_eq!(again.certificate(), a.certificate());
    let err = KeyPair::from_pem(&a.key_pem().unwrap(), &b.certificate().to_pem()).unwrap_err();
    assert_eq!(err.code(), "saml.config");
    assert_eq!(
        KeyPair::from_pem("nope", "nope").unwrap_err().code(),
        "saml.config"
    );
    assert_eq!(
        Certificate::from_pem("nope").unwrap_err().code(),
        "saml.config"
    );
    assert_eq!(a.certificate().sha256_fingerprint().len(), 32 * 3 - 1);
    // The key never shows in Debug output.
    let debug = format!("{a:?}");
    assert!(debug.contains("redacted") && !debug.contains("PRIVATE"));
}

#[test]
fn sp_metadata_lists_both_keys_and_both_endpoints() {
    let mut sp = sp();
    sp.entity_id = "https://sp.example.test/metadata?a=1&b=<2>".into();
    sp.encryption = Some(KeyPair::generate_self_signed("enc", 1).unwrap());
    let xml = sp_metadata(&sp);
    assert!(xml.contains(r#"entityID="https://sp.example.test/metadata?a=1&amp;b=&lt;2&gt;""#));
    assert!(xml.contains(r#"<md:KeyDescriptor use="signing">"#));
    assert!(xml.contains(r#"<md:KeyDescriptor use="encryption">"#));
    assert!(xml.contains(&sp.signing.certificate().base64_der()));
    assert!(xml.contains(&sp.encryption.as_ref().unwrap().certificate().base64_der()));
    assert!(xml.contains(r#"Location="https://sp.example.test/acs""#));
    assert!(xml.contains(r#"Location="https://sp.example.test/slo""#));
    assert!(xml.contains(r#"WantAssertionsSigned="true""#));
}

#[test]
fn authn_requests_are_fresh_and_carry_the_relay_state() {
    let sp = sp();
    let idp = IdpConfig {
        entity_id: "https://idp.example.test".into(),
        sso_url: "https://idp.example.test/sso?tenant=1".into(),
        slo_url: None,
        signing_certificates: vec![sp.signing.certificate().clone()],
        want_authn_requests_signed: false,
    };
    let a = authn_request_redirect(&sp, &idp, "state-1", Utc::now()).unwrap();
    let b = authn_request_redirect(&sp, &idp, "state-1", Utc::now()).unwrap();
    assert_ne!(a.request_id, b.request_id);
    assert!(a.request_id.starts_with('_') && a.request_id.len() > 30);
    assert!(a
        .url
        .starts_with("https://idp.example.test/sso?tenant=1&SAMLRequest="));
    assert!(a.url.ends_with("&RelayState=state-1"));
    let long = "x".repeat(81);
    assert_eq!(
        authn_request_redirect(&sp, &idp, &long, Utc::now())
            .unwrap_err()
            .code(),
        "saml.config"
    );
    // No single logout endpoint: a clear configuration error.
    let err = logout_request_redirect(&sp, &idp, "u", None, None, "", Utc::now()).unwrap_err();
    assert_eq!(err.code(), "saml.config");
}

#[test]
fn error_codes_are_distinct_and_namespaced() {
    let all = [
        SamlError::Config(String::new()),
        SamlError::Metadata(String::new()),
        SamlError::Malformed(String::new()),
        SamlError::Signature(String::new()),
        SamlError::Decryption(String::new()),
        SamlError::Status {
            code: String::new(),
        },
        SamlError::Issuer,
        SamlError::Audience,
        SamlError::Destination,
        SamlError::Recipient,
        SamlError::Expired,
        SamlError::NotYetValid,
        SamlError::InResponseTo,
        SamlError::Unsolicited,
        SamlError::Subject(String::new()),
        SamlError::Internal(String::new()),
    ];
    let codes: std::collections::BTreeSet<_> = all.iter().map(SamlError::code).collect();
    assert_eq!(codes.len(), all.len());
    assert!(codes.iter().all(|c| c.starts_with("saml.")));
}

#[test]
fn unsigned_or_garbage_logout_queries_are_refused() {
    let sp = sp();
    let idp = IdpConfig {
        entity_id: "https://idp.example.test".into(),
        sso_url: "https://idp.example.test/sso".into(),
        slo_url: Some("https://idp.example.test/slo".into()),
        signing_certificates: vec![sp.signing.certificate().clone()],
        want_authn_requests_signed: false,
    };
    let now = Utc::now();
    for (query, code) in [
        ("", "saml.malformed"),
        ("SAMLRequest=abc", "saml.signature"),
        (
            "SAMLRequest=abc&SigAlg=http%3A%2F%2Fwww.w3.org%2F2000%2F09%2Fxmldsig%23rsa-sha1&Signature=AAAA",
            "saml.signature",
        ),
        ("SAMLRequest=a&SAMLRequest=b", "saml.malformed"),
        (
            "SAMLRequest=abc&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=%%%",
            "saml.malformed",
        ),
        (
            "SAMLRequest=abc&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=AAAA",
            "saml.signature",
        ),
    ] {
        let err = validate_logout_request(&sp, &idp, query, now).unwrap_err();
        assert_eq!(err.code(), code, "{query}: {err}");
    }
    // An SP-signed request is not an IdP-signed one unless the IdP's certificate verifies it;
    // here the "IdP" shares the SP's certificate, so the signature verifies but the issuer
    // (the SP's entity id) is not the IdP.
    let mine = logout_request_redirect(&sp, &idp, "u-1", None, Some("s-1"), "", now).unwrap();
    let query = mine.url.split_once('?').unwrap().1;
    let err = validate_logout_request(&sp, &idp, query, now).unwrap_err();
    assert_eq!(err.code(), "saml.issuer", "{err}");
}
