//! Tenant administration and tenant isolation.

use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

/// Creates tenant "acme" answering on acme.test through the API; returns its id.
async fn create_acme(t: &TestApp, root: &mut Client) -> String {
    let token = root.create_token(&["read", "write", "admin"], "1").await;
    let r = root
        .api(
            Method::POST,
            "/api/v1/tenants",
            &token,
            Some(json!({"slug": "acme", "name": "Acme Academy", "hosts": ["acme.test"], "primary_colour": "#aa0000", "signup_policy": "open"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let _ = t;
    r.json()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn learners_cannot_administer() {
    let t = TestApp::new().await;
    let mut ada = t.member("ada@example.test", "Ada").await;
    for p in [
        "/admin",
        "/admin/users",
        "/admin/site",
        "/admin/tenants",
        "/admin/tenants/new",
    ] {
        assert_eq!(ada.get(p).await.status, StatusCode::FORBIDDEN, "{p}");
    }
    let token = ada.create_token(&["read", "write"], "1").await;
    assert_eq!(
        ada.api(Method::GET, "/api/v1/users", &token, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Even if the form were forged, the admin scope is not granted to a learner's token use.
    assert_eq!(
        ada.api(Method::GET, "/api/v1/tenants", &token, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let anon = t.client().get("/admin/users").await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.location(), "/signin?next=%2Fadmin%2Fusers");
}

#[tokio::test]
async fn tenant_admin_searches_pages_and_manages_users() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    for i in 0..55 {
        amphi_app::setup::create_user_cli(
            &t.app,
            amphi_app::setup::CliUser {
                tenant_slug: None,
                email: format!("learner{i:02}@example.test"),
                name: format!("Learner {i:02}"),
                platform_admin: false,
                tenant_admin: false,
                password: None,
            },
        )
        .await
        .unwrap();
    }
    let page = root.get("/admin/users").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.text.matches("<tr>").count() - 1,
        50,
        "50 rows and a header"
    );
    assert!(page.text.contains("Show more"));
    let next = page.text.split("after=").nth(1).unwrap()[..36].to_owned();
    let p2 = root.get(&format!("/admin/users?after={next}")).await;
    assert!(p2.text.contains("learner54@example.test"));
    assert!(!p2.text.contains("learner00@example.test"));

    // Search, also as an htmx fragment.
    root.headers.push(("hx-request".into(), "true".into()));
    let frag = root.get("/admin/users?q=LEARNER07").await;
    root.headers.pop();
    assert!(!frag.text.contains("<html"));
    assert!(frag.text.contains("learner07@example.test"));
    assert!(!frag.text.contains("learner08@example.test"));
    // LIKE wildcards typed by a person are taken literally.
    assert!(root
        .get("/admin/users?q=%25")
        .await
        .text
        .contains("No user matches."));
    assert_eq!(
        root.get("/admin/users?after=not-a-cursor").await.status,
        StatusCode::BAD_REQUEST
    );

    // Make someone a tenant administrator through the API, then they can list users.
    let token = root.create_token(&["read", "write", "admin"], "1").await;
    let list = root
        .api(Method::GET, "/api/v1/users?q=learner03", &token, None)
        .await
        .json();
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let r = root
        .api(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            &token,
            Some(json!({"is_tenant_admin": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["is_tenant_admin"], true);
    let r = root
        .api(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            &token,
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = root
        .api(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            &token,
            Some(json!({"is_tenant_admin": "yes"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let me = root
        .api(Method::GET, "/api/v1/users/self", &token, None)
        .await
        .json();
    let my_id = me["id"].as_str().unwrap();
    let r = root
        .api(
            Method::PATCH,
            &format!("/api/v1/users/{my_id}"),
            &token,
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "cannot lock oneself out");
}

#[tokio::test]
async fn tenants_are_isolated() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let acme_id = create_acme(&t, &mut root).await;

    // A member of the default tenant…
    let mut ada = t.member("ada@example.test", "Ada").await;
    let ada_token = ada.create_token(&["read", "write"], "1").await;
    let ada_session = ada.cookies["amphi_session"].clone();

    // …is a stranger on acme.test: the session and the token give nothing there.
    let mut on_acme = t.client_on("acme.test");
    on_acme.cookies.insert("amphi_session".into(), ada_session);
    let home = on_acme.get("/").await;
    assert!(home.text.contains("Acme Academy"));
    assert!(!home.text.contains("Hello, Ada"));
    assert_eq!(on_acme.get("/account").await.status, StatusCode::SEE_OTHER);
    let r = on_acme
        .api(Method::GET, "/api/v1/users/self", &ada_token, None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // The same email can have a separate account on acme; the password of one does not open the other.
    let mut acme_user = t.client_on("acme.test");
    acme_user
        .sign_up("ada@example.test", "Ada at Acme", "an acme passphrase")
        .await;
    let link = link_in(
        &t.last_mail_to("ada@example.test").await,
        "/verify-email?token=",
    );
    assert!(
        link.starts_with("http://acme.test/"),
        "links point to the tenant's host: {link}"
    );
    acme_user.verify(&link).await;
    assert_eq!(
        acme_user.sign_in("ada@example.test", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        acme_user
            .sign_in("ada@example.test", "an acme passphrase")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // An acme administrator cannot reach default-tenant users or settings.
    let acme_admin_id = {
        let token = root.create_token(&["read", "write", "admin"], "1").await;
        let users = root
            .api(Method::GET, "/api/v1/users?q=ada", &token, None)
            .await
            .json();
        let ada_default_id = users["items"][0]["id"].as_str().unwrap().to_owned();
        ada_default_id
    };
    let acme_token = acme_user.create_token(&["read", "write"], "1").await;
    let me = acme_user
        .api(Method::GET, "/api/v1/users/self", &acme_token, None)
        .await
        .json();
    let acme_ada = me["id"].as_str().unwrap().to_owned();
    // Promote acme's Ada to tenant admin of acme via the platform admin's API call on acme's host.
    let root_token = root.create_token(&["read", "write", "admin"], "1").await;
    let r = root
        .api(
            Method::PATCH,
            &format!("/api/v1/users/{acme_ada}"),
            &root_token,
            Some(json!({"is_tenant_admin": true})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "users are addressed within the tenant of the host"
    );
    let mut root_on_acme = t.client_on("acme.test");
    let r = root_on_acme
        .api(Method::GET, "/api/v1/users/self", &root_token, None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the root token belongs to the default tenant"
    );

    // Tenant settings of another tenant are out of reach for a tenant admin.
    let admin_token = acme_user.create_token(&["read"], "1").await;
    let r = acme_user
        .api(
            Method::GET,
            &format!("/api/v1/tenants/{acme_id}"),
            &admin_token,
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a member does not see tenant settings"
    );
    let r = acme_user
        .api(
            Method::GET,
            &format!("/api/v1/users/{acme_admin_id}"),
            &admin_token,
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a user of another tenant does not exist here"
    );
}

#[tokio::test]
async fn audit_trail_is_searchable_and_exportable_by_tenant_admins_only() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    t.member("ada@example.test", "Ada").await;
    let mut c = t.client();
    c.sign_in("ada@example.test", "not the password").await;
    let page = root.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    for action in [
        "sign_in.failure",
        "sign_in.success",
        "account.signed_up",
        "account.email_verified",
    ] {
        assert!(page.text.contains(action), "{action}");
    }
    assert!(
        page.text.contains("192.0.2.10"),
        "the client address is recorded"
    );
    let failures = root.get("/admin/audit?action=sign_in").await;
    assert!(
        failures.text.contains("sign_in.failure") && !failures.text.contains("account.signed_up")
    );
    let search = root.get("/admin/audit?q=ADA%40example").await;
    assert!(search.text.contains("ada@example.test"));
    assert_eq!(
        root.get("/admin/audit?from=yesterday").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let csv = root.get("/admin/audit.csv?action=sign_in").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv
        .text
        .starts_with("at,action,action_code,actor,target,ip,detail\n"));
    assert!(csv.text.contains("sign_in.failure") && csv.text.contains("invalid_credentials"));
    // Members cannot read it.
    let mut ada = t.client();
    ada.sign_in("ada@example.test", PASSWORD).await;
    assert_eq!(ada.get("/admin/audit").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        ada.get("/admin/audit.csv").await.status,
        StatusCode::FORBIDDEN
    );
}
