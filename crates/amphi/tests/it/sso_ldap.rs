//! Signing in with a directory account against a real OpenLDAP slapd on loopback.

use crate::sso_oidc::{add_provider, admin_token, assert_refused, audit_reasons, user_by_email};
use crate::support::*;
use amphi_peers::slapd::{Slapd, ALICE, CAROL};
use axum::http::{Method, StatusCode};
use serde_json::json;

fn ldap_config(s: &Slapd, url: &str) -> serde_json::Value {
    json!({
        "url": url,
        "bind_dn": s.service_dn, "bind_password": s.service_password,
        "base_dn": s.people_dn,
        "user_filter": "(&(objectClass=inetOrgPerson)(uid={username}))",
        "attributes": ["mail", "cn", "displayName", "entryUUID"],
        "group_base_dn": s.groups_dn,
        "group_filter": "(&(objectClass=groupOfNames)(member={dn}))",
        "timeout_ms": 3000,
    })
}

#[tokio::test]
async fn ldap_sign_in_through_a_real_directory_and_its_failures() {
    let s = Slapd::start().expect("slapd starts");
    let t = TestApp::new().await;
    let (mut admin, token) = admin_token(&t).await;
    // A filter without {username} is named as a configuration error.
    let mut bad = ldap_config(&s, &s.ldap_url);
    bad["user_filter"] = json!("(objectClass=inetOrgPerson)");
    let r = admin
        .api(
            Method::POST,
            "/api/v1/identity-providers",
            &token,
            Some(
                json!({"kind": "ldap", "slug": "school", "display_name": "School", "config": bad}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("config.user_filter"), "{}", r.text);
    add_provider(
        &mut admin,
        &token,
        json!({"kind": "ldap", "slug": "school", "display_name": "School directory",
               "config": ldap_config(&s, &s.ldap_url), "position": 1,
               "group_rules": [{"group": "teachers", "tenant_role": "admin"}]}),
    )
    .await;
    // A second directory that is down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("ldap://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    add_provider(
        &mut admin,
        &token,
        json!({"kind": "ldap", "slug": "old", "display_name": "Old directory",
               "config": ldap_config(&s, &dead_url), "position": 2}),
    )
    .await;

    let mut c = t.client();
    let page = c.get("/signin").await;
    assert!(
        page.text.contains("action=\"/sso/ldap/school\""),
        "{}",
        page.text
    );
    let r = c
        .submit(
            "/signin",
            "/sso/ldap/school",
            &[
                ("username", ALICE.uid),
                ("password", ALICE.password),
                ("next", "/catalog"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/catalog");
    assert!(c.cookies.contains_key("amphi_session"));
    let u = user_by_email(&t, ALICE.mail).await;
    assert!(u.is_tenant_admin, "teachers -> admin");
    let (providers, groups) = amphi_app::sso::memberships::of_user(
        &t.app,
        amphi_core::TenantId(u.tenant_id),
        amphi_core::UserId(u.id),
    )
    .await
    .unwrap();
    assert!(providers.contains(&"school".to_owned()));
    assert_eq!(groups, vec!["staff".to_owned(), "teachers".to_owned()]);

    // Wrong password: refused, audited, no session.
    let mut c = t.client();
    let r = c
        .submit(
            "/signin",
            "/sso/ldap/school",
            &[("username", CAROL.uid), ("password", "wrong")],
        )
        .await;
    assert_refused(&r, "invalid_credentials", &c);
    // The directory that is down: a clear message, nothing else locked out.
    let r = c
        .submit(
            "/signin",
            "/sso/ldap/old",
            &[("username", CAROL.uid), ("password", CAROL.password)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{}", r.text);
    assert_refused(&r, "provider_unreachable", &c);
    let r = c
        .submit(
            "/signin",
            "/sso/ldap/school",
            &[("username", CAROL.uid), ("password", CAROL.password)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(!user_by_email(&t, CAROL.mail).await.is_tenant_admin);

    let reasons: Vec<String> = audit_reasons(&t, "sign_in.failure")
        .await
        .iter()
        .map(|d| d["reason"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        reasons.contains(&"invalid_credentials".to_owned()),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"provider_unreachable".to_owned()),
        "{reasons:?}"
    );
    // The bind password is never shown back.
    let list = admin
        .api(Method::GET, "/api/v1/identity-providers", &token, None)
        .await;
    assert!(!list.text.contains(&s.service_password), "{}", list.text);
}
