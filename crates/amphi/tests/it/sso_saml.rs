//! Signing in through a real SAML 2.0 IdP (pysaml2 on loopback): SP metadata, the redirect
//! out, the IdP's login form, the posted response at our ACS; and broken responses refused.

use crate::sso_oidc::{admin_token, assert_refused, audit_reasons, user_by_email};
use crate::support::*;
use amphi_peers::saml_idp::SamlIdp;
use axum::http::{Method, StatusCode};
use serde_json::json;

/// The value of a form input named `name` in an HTML page.
fn input(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .or_else(|| html.find(&format!("name={name} ")))
        .unwrap_or_else(|| panic!("no input {name} in {html}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    let tag = &html[start..end];
    let v = tag
        .find("value=\"")
        .unwrap_or_else(|| panic!("no value in {tag}"))
        + 7;
    unescape(&tag[v..v + tag[v..].find('"').unwrap()])
}

/// Undoes HTML attribute escaping.
fn unescape(raw: &str) -> String {
    raw.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x2B;", "+")
        .replace("&#43;", "+")
        .replace("&#x2F;", "/")
        .replace("&#x2f;", "/")
        .replace("&#x3D;", "=")
}

fn query_param(url: &str, name: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}

async fn setup() -> (TestApp, SamlIdp, Client, String) {
    let t = TestApp::new().await;
    let (mut admin, token) = admin_token(&t).await;
    let r = admin
        .api(
            Method::POST,
            "/api/v1/identity-providers",
            &token,
            Some(
                json!({"kind": "saml", "slug": "school", "display_name": "School SAML",
                        "config": {"idp_metadata_url": "http://127.0.0.1:9/metadata"}}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert!(!r.text.contains("PRIVATE KEY"), "{}", r.text);
    let md = t.client().get("/sso/saml/school/metadata").await;
    assert_eq!(md.status, StatusCode::OK, "{}", md.text);
    assert!(
        md.text
            .contains("http://127.0.0.1:8080/sso/saml/school/acs"),
        "{}",
        md.text
    );
    let idp = SamlIdp::start(&md.text, false).expect("the pysaml2 IdP starts");
    let r = admin
        .api(
            Method::PATCH,
            &format!("/api/v1/identity-providers/{id}"),
            &token,
            Some(json!({"config": {"idp_metadata_xml": idp.metadata_xml()}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The SP keys survived the edit: the metadata is the same.
    let md2 = t.client().get("/sso/saml/school/metadata").await;
    assert_eq!(md.text, md2.text);
    (t, idp, admin, token)
}

async fn start(c: &mut Client, next: &str) -> String {
    let r = c.get(&format!("/sso/saml/school/login?next={next}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    r.location()
}

async fn request_id(t: &TestApp, relay: &str) -> String {
    use amphi_db::entities::sso_login_state;
    use sea_orm::EntityTrait;
    let row = sso_login_state::Entity::find_by_id(amphi_auth::token::hash(relay))
        .one(t.app.db.reader())
        .await
        .unwrap()
        .unwrap();
    let d: serde_json::Value = serde_json::from_str(&row.data).unwrap();
    d["request_id"].as_str().unwrap().to_owned()
}

/// Starts a sign-in on `c`, signs in at the IdP's form; returns the response and RelayState
/// the IdP's page would post to our ACS.
async fn at_idp(
    c: &mut Client,
    idp: &SamlIdp,
    next: &str,
    who: &str,
    pw: &str,
) -> (String, String) {
    let out = start(c, next).await;
    assert!(out.starts_with(idp.base_url()), "{out}");
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = http.get(&out).send().await.unwrap().text().await.unwrap();
    let key = input(&form, "key");
    let posted = http
        .post(format!("{}/login", idp.base_url()))
        .form(&[("key", key.as_str()), ("username", who), ("password", pw)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (input(&posted, "SAMLResponse"), input(&posted, "RelayState"))
}

/// A browser signed in through the IdP.
async fn signed_in(t: &TestApp, idp: &SamlIdp, who: &str, pw: &str) -> Client {
    let mut c = t.client();
    let (response, relay) = at_idp(&mut c, idp, "/", who, pw).await;
    let r = c
        .post_raw(
            "/sso/saml/school/acs",
            &[("SAMLResponse", &response), ("RelayState", &relay)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(c.get("/account").await.status, StatusCode::OK);
    c
}

/// The SAML session index this browser's session keeps.
async fn session_index(t: &TestApp, c: &Client) -> String {
    use amphi_db::entities::session;
    use sea_orm::EntityTrait;
    let id = amphi_auth::token::hash(&c.cookies["amphi_session"]);
    let s = session::Entity::find_by_id(id)
        .one(t.app.db.reader())
        .await
        .unwrap()
        .expect("the session exists");
    assert_eq!(s.sso_name_id.as_deref(), Some("u-alice-0001"), "{s:?}");
    s.sso_session_index
        .expect("the login's SessionIndex is kept")
}

#[tokio::test]
async fn saml_single_logout_from_this_site_and_from_the_idp_session_by_session() {
    let (t, idp, _admin, _) = setup().await;
    let mut a = signed_in(&t, &idp, "alice", "alicepw").await;
    let mut b = signed_in(&t, &idp, "alice", "alicepw").await;
    let (ia, ib) = (session_index(&t, &a).await, session_index(&t, &b).await);
    assert_ne!(ia, ib);

    // The IdP ends the session of its first login only.
    let logout = reqwest::get(idp.test_logout_request_url("alice", Some(&ia)))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = t.client().get(&path_of(logout.trim())).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(a.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/account").await.status, StatusCode::OK);

    // Signing out here ends the session here at once, then asks the IdP to end its own.
    let r = b.submit("/account", "/signout", &[]).await;
    // A page that goes on by itself (a form's redirect to another site would break our CSP).
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("School SAML"), "{}", r.text);
    let refresh = "http-equiv=\"refresh\" content=\"0; url=";
    let at = r.text.find(refresh).expect("a refresh") + refresh.len();
    let to_idp = unescape(&r.text[at..at + r.text[at..].find('"').unwrap()]);
    assert!(
        to_idp.starts_with(&format!("{}/slo/redirect?", idp.base_url())),
        "{to_idp}"
    );
    assert!(to_idp.contains("SAMLRequest=") && to_idp.contains("Signature="));
    assert_eq!(b.get("/account").await.status, StatusCode::SEE_OTHER);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = http.get(&to_idp).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 302, "{}", idp.log());
    let back = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        back.contains("/sso/saml/school/slo?SAMLResponse="),
        "{back}"
    );
    let r = b.get(&path_of(&back)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/");
    assert_eq!(
        b.cookies.get("amphi_flash").map(String::as_str),
        Some("flash-signed-out")
    );

    // The same answer again is not a confirmation of anything.
    let r = b.get(&path_of(&back)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        b.cookies.get("amphi_flash").map(String::as_str),
        Some("flash-signed-out-idp-unconfirmed")
    );
    let refused = audit_reasons(&t, "session.logout_refused").await;
    assert!(
        refused.iter().any(|d| d["reason"] == "state_invalid"),
        "{refused:?}"
    );
    // A password session signs out without going anywhere.
    let mut local = t.member("lou@example.test", "Lou").await;
    let r = local.submit("/account", "/signout", &[]).await;
    assert_eq!(r.location(), "/");
}

#[tokio::test]
async fn a_saml_sign_in_with_a_second_factor_keeps_its_single_logout() {
    let (t, idp, _admin, _) = setup().await;
    let mut a = signed_in(&t, &idp, "alice", "alicepw").await;
    let (secret, _) = crate::accounts::enable_mfa(&t, &mut a).await;
    let mut c = t.client();
    let (response, relay) = at_idp(&mut c, &idp, "/", "alice", "alicepw").await;
    let r = c
        .post_raw(
            "/sso/saml/school/acs",
            &[("SAMLResponse", &response), ("RelayState", &relay)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().starts_with("/signin/mfa"), "{}", r.location());
    assert!(!c.cookies.contains_key("amphi_session"));
    t.clock.advance(chrono::Duration::seconds(31));
    let code = amphi_auth::totp::code_at(&secret, t.app.now().timestamp() as u64);
    let r = c
        .submit(&r.location(), "/signin/mfa", &[("code", &code)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // The session opened after the code still knows the SAML login it came from.
    session_index(&t, &c).await;
    let r = c.submit("/account", "/signout", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        unescape(&r.text).contains("/slo/redirect?SAMLRequest="),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn saml_sign_in_through_a_real_idp_and_broken_responses() {
    let (t, idp, _admin, _) = setup().await;
    let mut c = t.client();
    assert!(c
        .get("/signin")
        .await
        .text
        .contains("/sso/saml/school/login"));
    let (response, relay) = at_idp(&mut c, &idp, "/catalog", "alice", "alicepw").await;
    let r = c
        .post_raw(
            "/sso/saml/school/acs",
            &[("SAMLResponse", &response), ("RelayState", &relay)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/catalog");
    assert!(c.cookies.contains_key("amphi_session"));
    let u = user_by_email(&t, "alice@example.test").await;
    assert_eq!(u.name, "Alice Martin");
    let (_, groups) = amphi_app::sso::memberships::of_user(
        &t.app,
        amphi_core::TenantId(u.tenant_id),
        amphi_core::UserId(u.id),
    )
    .await
    .unwrap();
    assert_eq!(groups, vec!["staff".to_owned(), "teachers".to_owned()]);

    // Single logout started at the IdP ends Alice's sessions here.
    let logout = reqwest::get(idp.test_logout_request_url("alice", None))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut from_idp = t.client();
    let r = from_idp.get(&path_of(logout.trim())).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().starts_with(idp.base_url()), "{}", r.location());
    assert!(r.location().contains("SAMLResponse="), "{}", r.location());
    let acct = c.get("/account").await;
    assert_eq!(
        acct.status,
        StatusCode::SEE_OTHER,
        "session ended: {}",
        acct.text
    );
    // A forged logout request (no signature) changes nothing.
    let r = from_idp
        .get("/sso/saml/school/slo?SAMLRequest=nZBBa8MwDIX%2FivE9")
        .await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.text);

    // The same response again: its sign-in is used up.
    let mut again = t.client();
    let r = again
        .post_raw(
            "/sso/saml/school/acs",
            &[("SAMLResponse", &response), ("RelayState", &relay)],
        )
        .await;
    assert_refused(&r, "saml_unsolicited", &again);
    // Unsolicited (no RelayState): IdP-initiated sign-in is off.
    let r = again
        .post_raw("/sso/saml/school/acs", &[("SAMLResponse", &response)])
        .await;
    assert_refused(&r, "saml_unsolicited", &again);

    // Broken responses to a real request of ours.
    let http = reqwest::Client::new();
    for (case, reason) in [
        ("unsigned", None),
        ("other_key", Some("signature_invalid")),
        ("expired", Some("token_expired")),
        ("wrong_audience", Some("audience_wrong")),
        ("wrong_issuer", None),
        ("wrong_destination", Some("saml_wrong_endpoint")),
        ("wrapped", None),
        ("wrapped_inside", None),
        ("status_error", Some("provider_error")),
    ] {
        let mut b = t.client();
        let out = start(&mut b, "/").await;
        let relay = query_param(&out, "RelayState");
        let rid = request_id(&t, &relay).await;
        let body = http
            .get(idp.test_response_url(case, "bob", Some(&rid)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let r = b
            .post_raw(
                "/sso/saml/school/acs",
                &[("SAMLResponse", body.trim()), ("RelayState", &relay)],
            )
            .await;
        match reason {
            Some(want) => assert_refused(&r, want, &b),
            None => {
                assert!(
                    r.status.is_client_error(),
                    "{case}: {} {}",
                    r.status,
                    r.text
                );
                assert!(r.text.contains("data-reason="), "{case}: {}", r.text);
                assert!(!b.cookies.contains_key("amphi_session"), "{case}");
            }
        }
    }
    let fails = audit_reasons(&t, "sign_in.failure").await;
    assert!(fails.len() >= 11, "{fails:?}");
    assert!(fails.iter().all(|d| d["provider"] == "school"));
    // Bob never got in.
    use amphi_db::entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    assert!(user::Entity::find()
        .filter(user::Column::Email.eq("bob@example.test"))
        .one(t.app.db.reader())
        .await
        .unwrap()
        .is_none());
}
