//! Sign-ins against a real SAML IdP (pysaml2, `tests/peers/saml_idp/idp.py`) started on
//! loopback for each test, and every way a response can be wrong.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use amphi_peers::saml_idp::SamlIdp;
use amphi_saml::{
    authn_request_redirect, logout_request_redirect, logout_response_redirect, sp_metadata,
    validate_logout_request, validate_logout_response, validate_response, Certificate, IdpConfig,
    KeyPair, SamlError, SpConfig, ValidatedLogin,
};
use base64::Engine as _;
use chrono::{Duration, Utc};

const SP_ENTITY: &str = "https://sp.example.test/sso/saml/metadata";
const SP_ACS: &str = "https://sp.example.test/sso/saml/acs";
const SP_SLO: &str = "https://sp.example.test/sso/saml/slo";

struct Setup {
    peer: SamlIdp,
    sp: SpConfig,
    idp: IdpConfig,
}

fn sp_config(encrypt: bool) -> SpConfig {
    let signing = KeyPair::generate_self_signed("amphi-test-sp", 2).unwrap();
    let mut sp = SpConfig::new(SP_ENTITY, SP_ACS, SP_SLO, signing);
    if encrypt {
        sp.encryption = Some(KeyPair::generate_self_signed("amphi-test-sp-encryption", 2).unwrap());
    }
    sp
}

fn setup_with(encrypt: bool, tweak: impl FnOnce(&mut SpConfig)) -> Setup {
    let mut sp = sp_config(encrypt);
    tweak(&mut sp);
    let peer = SamlIdp::start(&sp_metadata(&sp), encrypt).unwrap_or_else(|e| panic!("{e}"));
    let idp = IdpConfig::from_metadata_xml(peer.metadata_xml()).unwrap();
    Setup { peer, sp, idp }
}

fn setup() -> Setup {
    setup_with(false, |_| {})
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of `<input name=NAME value=…>` in an HTML page, unescaped.
fn input_value(html: &str, name: &str) -> Option<String> {
    for tag in html.split("<input").skip(1) {
        let tag = &tag[..tag.find('>')?];
        let attr = |attr: &str| -> Option<String> {
            for quote in ['"', '\''] {
                let needle = format!("{attr}={quote}");
                if let Some(start) = tag.find(&needle) {
                    let rest = &tag[start + needle.len()..];
                    let end = rest.find(quote)?;
                    return Some(rest[..end].to_string());
                }
            }
            let needle = format!("{attr}=");
            let start = tag.find(&needle)?;
            let rest = &tag[start + needle.len()..];
            let end = rest.find([' ', '/', '>']).unwrap_or(rest.len());
            Some(rest[..end].to_string())
        };
        if attr("name").as_deref() == Some(name) {
            let value = attr("value")?;
            return Some(quick_xml::escape::unescape(&value).unwrap().into_owned());
        }
    }
    None
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    serializer.finish()
}

/// A browser's sign-in: follow the AuthnRequest redirect to the IdP, post its login form, and
/// take the SAMLResponse (and RelayState) from the auto-posting form it answers with.
async fn browser_sign_in(s: &Setup, user: &str, password: &str) -> (String, String, String) {
    let redirect = authn_request_redirect(&s.sp, &s.idp, "rs-42", Utc::now()).unwrap();
    assert!(redirect.url.starts_with(&s.idp.sso_url), "{}", redirect.url);
    let http = client();
    let page = http.get(&redirect.url).send().await.unwrap();
    assert_eq!(page.status(), 200, "IdP log:\n{}", s.peer.log());
    let page = page.text().await.unwrap();
    let key = input_value(&page, "key").expect("login form");
    let posted = http
        .post(format!("{}/login", s.peer.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("key", &key),
            ("username", user),
            ("password", password),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200, "IdP log:\n{}", s.peer.log());
    let html = posted.text().await.unwrap();
    assert!(html.contains(SP_ACS), "the form posts to the ACS: {html}");
    let response = input_value(&html, "SAMLResponse").expect("SAMLResponse in the form");
    let relay = input_value(&html, "RelayState").unwrap_or_default();
    (response, redirect.request_id, relay)
}

async fn test_response(s: &Setup, case: &str, in_response_to: Option<&str>) -> String {
    let url = s.peer.test_response_url(case, "alice", in_response_to);
    let reply = client().get(&url).send().await.unwrap();
    assert_eq!(reply.status(), 200, "IdP log:\n{}", s.peer.log());
    reply.text().await.unwrap()
}

fn decode(b64: &str) -> String {
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

fn encode(xml: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(xml)
}

fn refused(result: Result<ValidatedLogin, SamlError>) -> SamlError {
    match result {
        Ok(login) => panic!("accepted a bad response: {login:?}"),
        Err(e) => e,
    }
}

fn assert_alice(login: &ValidatedLogin) {
    assert_eq!(login.identity.subject, "u-alice-0001");
    assert_eq!(login.identity.first("mail"), Some("alice@example.test"));
    assert_eq!(
        login.identity.first("urn:oid:0.9.2342.19200300.100.1.3"),
        Some("alice@example.test"),
        "attributes are keyed by Name too"
    );
    assert_eq!(login.identity.first("displayName"), Some("Alice Martin"));
    assert_eq!(
        login
            .identity
            .attributes
            .get("groups")
            .cloned()
            .unwrap_or_default(),
        vec!["staff".to_string(), "teachers".to_string()]
    );
    assert!(!login.assertion_id.is_empty());
    assert!(login.session_index.is_some());
    assert!(login.not_on_or_after > Utc::now());
    assert!(login.replay_until > login.not_on_or_after);
}

#[tokio::test]
async fn signs_in_with_signed_response_and_signed_assertion() {
    let s = setup_with(false, |sp| sp.want_response_signed = true);
    let (response, request_id, relay) = browser_sign_in(&s, "alice", "alicepw").await;
    assert_eq!(relay, "rs-42");
    let xml = decode(&response);
    assert_eq!(
        xml.matches("SignatureValue>").count(),
        4,
        "response and assertion signed"
    );
    let login = validate_response(&s.sp, &s.idp, &response, Some(&request_id), Utc::now()).unwrap();
    assert_alice(&login);
    assert_eq!(login.in_response_to.as_deref(), Some(request_id.as_str()));
    assert_eq!(
        login.name_id_format.as_deref(),
        Some("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
    );
}

#[tokio::test]
async fn signs_in_with_an_encrypted_assertion() {
    let s = setup_with(true, |sp| sp.want_response_signed = true);
    let (response, request_id, _) = browser_sign_in(&s, "alice", "alicepw").await;
    let xml = decode(&response);
    assert!(
        xml.contains("EncryptedAssertion"),
        "the IdP encrypted the assertion"
    );
    assert!(!xml.contains("alice@example.test"), "no attribute in clear");
    let login = validate_response(&s.sp, &s.idp, &response, Some(&request_id), Utc::now()).unwrap();
    assert_alice(&login);

    // Without the SP's encryption key, nothing decrypts it.
    let mut other = s.sp.clone();
    other.encryption = Some(KeyPair::generate_self_signed("stranger", 1).unwrap());
    let err = refused(validate_response(
        &other,
        &s.idp,
        &response,
        Some(&request_id),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.decryption", "{err}");
}

#[tokio::test]
async fn a_second_user_gets_their_own_identity_and_a_wrong_password_gets_nothing() {
    let s = setup();
    let (response, request_id, _) = browser_sign_in(&s, "bob", "bobpw").await;
    let login = validate_response(&s.sp, &s.idp, &response, Some(&request_id), Utc::now()).unwrap();
    assert_eq!(login.identity.subject, "u-bob-0002");
    assert_eq!(login.identity.first("mail"), Some("bob@example.test"));

    let redirect = authn_request_redirect(&s.sp, &s.idp, "", Utc::now()).unwrap();
    let http = client();
    let page = http
        .get(&redirect.url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = input_value(&page, "key").unwrap();
    let posted = http
        .post(format!("{}/login", s.peer.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("key", &key),
            ("username", "alice"),
            ("password", "nope"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 401);
    assert!(input_value(&posted.text().await.unwrap(), "SAMLResponse").is_none());
}

#[tokio::test]
async fn the_same_response_twice_gives_the_same_assertion_id_for_the_replay_table() {
    let s = setup();
    let (response, request_id, _) = browser_sign_in(&s, "alice", "alicepw").await;
    let first = validate_response(&s.sp, &s.idp, &response, Some(&request_id), Utc::now()).unwrap();
    let again = validate_response(&s.sp, &s.idp, &response, Some(&request_id), Utc::now()).unwrap();
    assert_eq!(first.assertion_id, again.assertion_id);
    assert_eq!(first.replay_until, again.replay_until);
    // A new sign-in is a new assertion.
    let (other, other_id, _) = browser_sign_in(&s, "alice", "alicepw").await;
    let second = validate_response(&s.sp, &s.idp, &other, Some(&other_id), Utc::now()).unwrap();
    assert_ne!(first.assertion_id, second.assertion_id);
}

#[tokio::test]
async fn refuses_a_response_to_another_request() {
    let s = setup();
    let (response, _request_id, _) = browser_sign_in(&s, "alice", "alicepw").await;
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &response,
        Some("_another"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.in_response_to", "{err}");
    // A solicited response arriving where no request is pending is refused too.
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &response,
        None,
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.in_response_to", "{err}");
}

#[tokio::test]
async fn refuses_unsolicited_responses_unless_allowed() {
    let s = setup();
    let response = test_response(&s, "valid", None).await;
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &response,
        None,
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.unsolicited", "{err}");
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &response,
        Some("_pending"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.unsolicited", "{err}");

    let mut open = s.sp.clone();
    open.allow_idp_initiated = true;
    let login = validate_response(&open, &s.idp, &response, None, Utc::now()).unwrap();
    assert_alice(&login);
    assert_eq!(login.in_response_to, None);
}

#[tokio::test]
async fn refuses_an_unsigned_response() {
    let s = setup();
    let response = test_response(&s, "unsigned", Some("_req1")).await;
    assert!(!decode(&response).contains("Signature"));
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &response,
        Some("_req1"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.signature", "{err}");
    let mut lenient = s.sp.clone();
    lenient.want_assertions_signed = false;
    lenient.want_response_signed = true;
    let err = refused(validate_response(
        &lenient,
        &s.idp,
        &response,
        Some("_req1"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.signature", "{err}");
}

#[tokio::test]
async fn requires_the_signatures_the_sp_asks_for() {
    let s = setup();
    let assertion_only = test_response(&s, "assertion_only", Some("_r")).await;
    let response_only = test_response(&s, "response_only", Some("_r")).await;

    // Default: signed assertions required.
    assert_alice(
        &validate_response(&s.sp, &s.idp, &assertion_only, Some("_r"), Utc::now()).unwrap(),
    );
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &response_only,
        Some("_r"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.signature", "{err}");

    // Signed responses required.
    let mut response_wanted = s.sp.clone();
    response_wanted.want_response_signed = true;
    response_wanted.want_assertions_signed = false;
    assert_alice(
        &validate_response(
            &response_wanted,
            &s.idp,
            &response_only,
            Some("_r"),
            Utc::now(),
        )
        .unwrap(),
    );
    let err = refused(validate_response(
        &response_wanted,
        &s.idp,
        &assertion_only,
        Some("_r"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.signature", "{err}");

    // Both.
    let mut both = s.sp.clone();
    both.want_response_signed = true;
    for response in [&assertion_only, &response_only] {
        let err = refused(validate_response(
            &both,
            &s.idp,
            response,
            Some("_r"),
            Utc::now(),
        ));
        assert_eq!(err.code(), "saml.signature", "{err}");
    }

    // Neither is not a configuration.
    let mut none = s.sp.clone();
    none.want_assertions_signed = false;
    let err = refused(validate_response(
        &none,
        &s.idp,
        &assertion_only,
        Some("_r"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.config", "{err}");
}

#[tokio::test]
async fn refuses_a_response_signed_with_another_key_and_accepts_a_rolled_over_one() {
    let s = setup();
    let forged = test_response(&s, "other_key", Some("_r")).await;
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &forged,
        Some("_r"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.signature", "{err}");

    // Key rollover: the IdP lists its next certificate beside the current one.
    let valid = test_response(&s, "valid", Some("_r")).await;
    let mut rollover = s.idp.clone();
    let other = Certificate::from_pem(&s.peer.other_cert_pem().unwrap()).unwrap();
    rollover.signing_certificates.insert(0, other.clone());
    assert_alice(&validate_response(&s.sp, &rollover, &valid, Some("_r"), Utc::now()).unwrap());
    assert_alice(&validate_response(&s.sp, &rollover, &forged, Some("_r"), Utc::now()).unwrap());
    // Only the impostor's certificate: the real response is refused.
    let mut wrong = s.idp.clone();
    wrong.signing_certificates = vec![other];
    let err = refused(validate_response(
        &s.sp,
        &wrong,
        &valid,
        Some("_r"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.signature", "{err}");
}

#[tokio::test]
async fn refuses_expired_and_not_yet_valid_assertions() {
    let s = setup();
    let expired = test_response(&s, "expired", Some("_r")).await;
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &expired,
        Some("_r"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.expired", "{err}");

    let early = test_response(&s, "not_yet_valid", Some("_r")).await;
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &early,
        Some("_r"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.not_yet_valid", "{err}");

    // A valid response, seen from an hour later or an hour earlier.
    let valid = test_response(&s, "valid", Some("_r")).await;
    let later = Utc::now() + Duration::hours(1);
    let err = refused(validate_response(&s.sp, &s.idp, &valid, Some("_r"), later));
    assert_eq!(err.code(), "saml.expired", "{err}");
    let earlier = Utc::now() - Duration::hours(1);
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &valid,
        Some("_r"),
        earlier,
    ));
    assert_eq!(err.code(), "saml.not_yet_valid", "{err}");

    // Clock skew: accepted a minute past NotOnOrAfter with two minutes of skew, not with none.
    let login = validate_response(&s.sp, &s.idp, &valid, Some("_r"), Utc::now()).unwrap();
    let just_after = login.not_on_or_after + Duration::minutes(1);
    validate_response(&s.sp, &s.idp, &valid, Some("_r"), just_after).unwrap();
    let mut strict = s.sp.clone();
    strict.clock_skew = Duration::zero();
    let err = refused(validate_response(
        &strict,
        &s.idp,
        &valid,
        Some("_r"),
        just_after,
    ));
    assert_eq!(err.code(), "saml.expired", "{err}");
}

#[tokio::test]
async fn refuses_responses_for_another_audience_destination_recipient_or_issuer() {
    let s = setup();
    for (case, code) in [
        ("wrong_audience", "saml.audience"),
        ("wrong_destination", "saml.destination"),
        ("wrong_recipient", "saml.recipient"),
        ("wrong_issuer", "saml.issuer"),
        ("status_error", "saml.status"),
    ] {
        let response = test_response(&s, case, Some("_r")).await;
        let err = refused(validate_response(
            &s.sp,
            &s.idp,
            &response,
            Some("_r"),
            Utc::now(),
        ));
        assert_eq!(err.code(), code, "{case}: {err}");
    }
    // The same checks when the SP itself is configured elsewhere.
    let valid = test_response(&s, "valid", Some("_r")).await;
    let mut moved = s.sp.clone();
    moved.entity_id = "https://elsewhere.example.test/metadata".into();
    assert_eq!(
        refused(validate_response(
            &moved,
            &s.idp,
            &valid,
            Some("_r"),
            Utc::now()
        ))
        .code(),
        "saml.audience"
    );
    let mut moved = s.sp.clone();
    moved.acs_url = "https://elsewhere.example.test/acs".into();
    assert_eq!(
        refused(validate_response(
            &moved,
            &s.idp,
            &valid,
            Some("_r"),
            Utc::now()
        ))
        .code(),
        "saml.destination"
    );
    let mut other_idp = s.idp.clone();
    other_idp.entity_id = "https://other-idp.example.test/metadata".into();
    assert_eq!(
        refused(validate_response(
            &s.sp,
            &other_idp,
            &valid,
            Some("_r"),
            Utc::now()
        ))
        .code(),
        "saml.issuer"
    );
}

#[tokio::test]
async fn refuses_signature_wrapping() {
    // The only signature is the assertion's, so it verifies: only the wrapping is wrong.
    let s = setup();
    for case in ["wrapped", "wrapped_inside"] {
        let response = test_response(&s, case, Some("_r")).await;
        let xml = decode(&response);
        assert!(
            xml.contains("u-mallory-6666"),
            "{case}: the forged assertion is there"
        );
        assert!(
            xml.contains("u-alice-0001"),
            "{case}: the signed assertion is there"
        );
        let result = validate_response(&s.sp, &s.idp, &response, Some("_r"), Utc::now());
        if let Ok(login) = &result {
            assert_ne!(
                login.identity.subject, "u-mallory-6666",
                "{case}: forged subject accepted"
            );
        }
        let err = refused(result);
        assert_eq!(err.code(), "saml.signature", "{case}: {err}");
    }
}

#[tokio::test]
async fn refuses_a_tampered_attribute() {
    let s = setup();
    for case in ["valid", "assertion_only", "response_only"] {
        let response = test_response(&s, case, Some("_r")).await;
        let xml = decode(&response);
        assert!(xml.contains("alice@example.test"));
        let tampered = encode(&xml.replace("alice@example.test", "mallory@example.test"));
        let mut sp = s.sp.clone();
        sp.want_assertions_signed = case != "response_only";
        sp.want_response_signed = case == "response_only";
        let err = refused(validate_response(
            &sp,
            &s.idp,
            &tampered,
            Some("_r"),
            Utc::now(),
        ));
        assert_eq!(err.code(), "saml.signature", "{case}: {err}");
    }
}

#[tokio::test]
async fn refuses_malformed_input() {
    let s = setup();
    let valid = decode(&test_response(&s, "valid", Some("_r")).await);
    let doctype = valid.replacen(
        "<ns0:Response",
        "<!DOCTYPE r [<!ENTITY x \"alice\">]><ns0:Response",
        1,
    );
    let cases = [
        String::new(),
        "not base64 at all!".to_string(),
        encode("<ns0:Response xmlns:ns0=\"urn:oasis:names:tc:SAML:2.0:protocol\""),
        encode("just text"),
        encode("<foo xmlns=\"urn:example\"/>"),
        encode(&valid[..valid.len() / 2]),
        encode(&doctype),
        encode(&format!("{valid}<trailing/>")),
        base64::engine::general_purpose::STANDARD.encode([0xff, 0xfe, 0x00, 0x3c]),
    ];
    for (i, response) in cases.iter().enumerate() {
        let err = refused(validate_response(
            &s.sp,
            &s.idp,
            response,
            Some("_r"),
            Utc::now(),
        ));
        assert_eq!(err.code(), "saml.malformed", "case {i}: {err}");
    }
    // Messages never echo the document.
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &encode(&doctype),
        Some("_r"),
        Utc::now(),
    ));
    assert!(!err.to_string().contains("alice"), "{err}");
}

#[tokio::test]
async fn reads_the_idp_metadata_and_refuses_bad_metadata() {
    let s = setup();
    assert_eq!(s.idp.entity_id, s.peer.metadata_url());
    assert_eq!(s.idp.sso_url, format!("{}/sso/redirect", s.peer.base_url()));
    assert_eq!(
        s.idp.slo_url,
        Some(format!("{}/slo/redirect", s.peer.base_url()))
    );
    let cert = Certificate::from_pem(&s.peer.cert_pem().unwrap()).unwrap();
    assert_eq!(s.idp.signing_certificates, vec![cert]);

    for bad in [
        "",
        "not xml",
        "<html><body>Sign in</body></html>",
        sp_metadata(&s.sp).as_str(),
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>"#,
    ] {
        let err = IdpConfig::from_metadata_xml(bad).unwrap_err();
        assert_eq!(err.code(), "saml.metadata", "{bad}: {err}");
    }
    let no_cert = s
        .peer
        .metadata_xml()
        .split("<ns0:KeyDescriptor")
        .next()
        .unwrap()
        .to_string()
        + &s.peer.metadata_xml()[s.peer.metadata_xml().rfind("</ns0:KeyDescriptor>").unwrap()
            + "</ns0:KeyDescriptor>".len()..];
    let err = IdpConfig::from_metadata_xml(&no_cert).unwrap_err();
    assert_eq!(err.code(), "saml.metadata", "{err}");
    assert!(err.to_string().contains("certificate"), "{err}");
}

#[tokio::test]
async fn single_logout_started_by_the_sp() {
    let s = setup();
    let (response, request_id, _) = browser_sign_in(&s, "alice", "alicepw").await;
    let login = validate_response(&s.sp, &s.idp, &response, Some(&request_id), Utc::now()).unwrap();

    let logout = logout_request_redirect(
        &s.sp,
        &s.idp,
        &login.identity.subject,
        login.name_id_format.as_deref(),
        login.session_index.as_deref(),
        "back-1",
        Utc::now(),
    )
    .unwrap();
    assert!(logout.url.contains("Signature="));
    let reply = client().get(&logout.url).send().await.unwrap();
    assert_eq!(reply.status(), 302, "IdP log:\n{}", s.peer.log());
    let location = reply.headers()["location"].to_str().unwrap().to_string();
    let (target, query) = location.split_once('?').unwrap();
    assert_eq!(target, SP_SLO);
    validate_logout_response(&s.sp, &s.idp, query, &logout.request_id, Utc::now()).unwrap();

    let err = validate_logout_response(&s.sp, &s.idp, query, "_another", Utc::now()).unwrap_err();
    assert_eq!(err.code(), "saml.in_response_to", "{err}");
    let unsigned: Vec<&str> = query
        .split('&')
        .filter(|p| !p.starts_with("Signature=") && !p.starts_with("SigAlg="))
        .collect();
    let err = validate_logout_response(
        &s.sp,
        &s.idp,
        &unsigned.join("&"),
        &logout.request_id,
        Utc::now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "saml.signature", "{err}");
    let relayed = query.replace("RelayState=back-1", "RelayState=elsewhere");
    let err = validate_logout_response(&s.sp, &s.idp, &relayed, &logout.request_id, Utc::now())
        .unwrap_err();
    assert_eq!(
        err.code(),
        "saml.signature",
        "a changed RelayState breaks the signature: {err}"
    );

    // The IdP refuses a LogoutRequest signed by someone else.
    let mut impostor = s.sp.clone();
    impostor.signing = KeyPair::generate_self_signed("impostor", 1).unwrap();
    let forged = logout_request_redirect(
        &impostor,
        &s.idp,
        &login.identity.subject,
        None,
        None,
        "",
        Utc::now(),
    )
    .unwrap();
    let reply = client().get(&forged.url).send().await.unwrap();
    assert_ne!(reply.status(), 302);
}

#[tokio::test]
async fn single_logout_started_by_the_idp() {
    let s = setup();
    let url = s.peer.test_logout_request_url("alice", Some("session-7"));
    let location = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (target, query) = location.split_once('?').unwrap();
    assert_eq!(target, SP_SLO);
    let request = validate_logout_request(&s.sp, &s.idp, query, Utc::now()).unwrap();
    assert_eq!(request.name_id, "u-alice-0001");
    assert_eq!(request.session_indexes, vec!["session-7".to_string()]);

    let answer = logout_response_redirect(&s.sp, &s.idp, &request, Utc::now()).unwrap();
    assert!(answer.starts_with(&format!("{}?SAMLResponse=", s.idp.slo_url.clone().unwrap())));
    assert!(answer.contains("&Signature="));

    // Tampered, stale or foreign requests are refused.
    let tampered = query.replacen("SAMLRequest=", "SAMLRequest=AA", 1);
    let err = validate_logout_request(&s.sp, &s.idp, &tampered, Utc::now()).unwrap_err();
    assert_eq!(err.code(), "saml.signature", "{err}");
    let err =
        validate_logout_request(&s.sp, &s.idp, query, Utc::now() + Duration::hours(1)).unwrap_err();
    assert_eq!(err.code(), "saml.expired", "{err}");
    let mut other_idp = s.idp.clone();
    other_idp.signing_certificates =
        vec![Certificate::from_pem(&s.peer.other_cert_pem().unwrap()).unwrap()];
    let err = validate_logout_request(&s.sp, &other_idp, query, Utc::now()).unwrap_err();
    assert_eq!(err.code(), "saml.signature", "{err}");
}

#[tokio::test]
async fn decrypts_and_verifies_an_encrypted_signed_assertion_in_an_unsigned_response() {
    let s = setup_with(true, |_| {});
    let response = test_response(&s, "encrypted_assertion_only", Some("_r")).await;
    let xml = decode(&response);
    assert!(xml.contains("EncryptedAssertion") && !xml.contains("SignatureValue"));
    assert_alice(&validate_response(&s.sp, &s.idp, &response, Some("_r"), Utc::now()).unwrap());

    // The response itself is unsigned: refused when the SP wants it signed.
    let mut strict = s.sp.clone();
    strict.want_response_signed = true;
    let err = refused(validate_response(
        &strict,
        &s.idp,
        &response,
        Some("_r"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.signature", "{err}");
    // The signature inside the encryption is checked with the IdP's certificate.
    let mut wrong = s.idp.clone();
    wrong.signing_certificates =
        vec![Certificate::from_pem(&s.peer.other_cert_pem().unwrap()).unwrap()];
    let err = refused(validate_response(
        &s.sp,
        &wrong,
        &response,
        Some("_r"),
        Utc::now(),
    ));
    assert_eq!(err.code(), "saml.signature", "{err}");
    // A tampered ciphertext does not decrypt (or does not verify).
    let tampered = xml.replacen("<ns0:CipherValue>", "<ns0:CipherValue>AAAA", 2);
    let err = refused(validate_response(
        &s.sp,
        &s.idp,
        &encode(&tampered),
        Some("_r"),
        Utc::now(),
    ));
    assert!(
        ["saml.decryption", "saml.signature", "saml.malformed"].contains(&err.code()),
        "{err}"
    );
}

#[tokio::test]
async fn a_comment_inside_the_name_id_does_not_truncate_the_subject() {
    // Exclusive canonicalisation drops comments, so the signature still verifies; an SP that
    // read only the first text node would see `u-alice` (CVE-2017-11427 and friends).
    let s = setup();
    for case in ["valid", "assertion_only"] {
        let response = test_response(&s, case, Some("_r")).await;
        let xml = decode(&response).replace("u-alice-0001", "u-alice<!---->-0001");
        match validate_response(&s.sp, &s.idp, &encode(&xml), Some("_r"), Utc::now()) {
            Ok(login) => assert_eq!(login.identity.subject, "u-alice-0001", "{case}"),
            Err(err) => assert_eq!(err.code(), "saml.signature", "{case}: {err}"),
        }
    }
}

#[tokio::test]
async fn the_idp_refuses_an_unsigned_authn_request_when_it_wants_them_signed() {
    let s = setup();
    assert!(s.idp.want_authn_requests_signed);
    let signed = authn_request_redirect(&s.sp, &s.idp, "", Utc::now()).unwrap();
    assert!(signed.url.contains("&SigAlg=") && signed.url.contains("&Signature="));

    let mut lax = s.idp.clone();
    lax.want_authn_requests_signed = false;
    let unsigned = authn_request_redirect(&s.sp, &lax, "", Utc::now()).unwrap();
    assert!(!unsigned.url.contains("Signature="));
    let reply = client().get(&unsigned.url).send().await.unwrap();
    assert_ne!(
        reply.status(),
        200,
        "pysaml2 checks the SP's AuthnRequest signature"
    );
}
