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
    let raw = &tag[v..v + tag[v..].find('"').unwrap()];
    raw.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x2B;", "+")
        .replace("&#43;", "+")
        .replace("&#x2F;", "/")
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
    use amphi_db::sea_orm::EntityTrait;
    let row = sso_login_state::Entity::find_by_id(amphi_auth::token::hash(relay))
        .one(t.app.db.reader())
        .await
        .unwrap()
        .unwrap();
    let d: serde_json::Value = serde_json::from_str(&row.data).unwrap();
    d["request_id"].as_str().unwrap().to_owned()
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
    let out = start(&mut c, "/catalog").await;
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
        .form(&[
            ("key", key.as_str()),
            ("username", "alice"),
            ("password", "alicepw"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = input(&posted, "SAMLResponse");
    let relay = input(&posted, "RelayState");
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
    let (_, groups) = amphi_app::sso::memberships(
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
    use amphi_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    assert!(user::Entity::find()
        .filter(user::Column::Email.eq("bob@example.test"))
        .one(t.app.db.reader())
        .await
        .unwrap()
        .is_none());
}
