//! The JSON API: tokens, scopes, errors, OpenAPI.

use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn token_reads_own_user() {
    let t = TestApp::new().await;
    let mut c = t.member("ada@example.test", "Ada Lovelace").await;
    let token = c.create_token(&["read"], "30").await;
    assert!(token.starts_with("amphi_pat_"));
    // The secret is shown once: the list only names the token.
    let list = c.get("/account/tokens").await;
    assert!(!list.text.contains(&token));
    assert!(list.text.contains("test token"));

    let r = c.api(Method::GET, "/api/v1/users/self", &token, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let me = r.json();
    assert_eq!(me["email"], "ada@example.test");
    assert_eq!(me["name"], "Ada Lovelace");
    assert!(me.get("password_hash").is_none());

    let r = c
        .api(Method::GET, "/api/v1/users/self", "amphi_pat_nope", None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["code"], "unauthenticated");
    assert!(r.headers.get("www-authenticate").is_some());

    // Read-only tokens cannot change anything.
    let r = c
        .api(
            Method::PATCH,
            "/api/v1/users/self",
            &token,
            Some(json!({"name": "Mallory"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "forbidden");
}

#[tokio::test]
async fn revoked_and_expired_tokens_stop_working() {
    let t = TestApp::new().await;
    let mut c = t.member("ada@example.test", "Ada").await;
    let keep = c.create_token(&["read"], "1").await;
    let revoke = c.create_token(&["read"], "0").await;
    let page = c.get("/account/tokens").await;
    // Revoke the newest (listed first).
    let id = page.text.split("/account/tokens/").nth(1).unwrap()[..36].to_owned();
    let r = c
        .submit(
            "/account/tokens",
            &format!("/account/tokens/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        c.api(Method::GET, "/api/v1/users/self", &revoke, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.api(Method::GET, "/api/v1/users/self", &keep, None)
            .await
            .status,
        StatusCode::OK
    );
    t.clock.advance(chrono::Duration::hours(25));
    assert_eq!(
        c.api(Method::GET, "/api/v1/users/self", &keep, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn token_form_rejects_bad_input() {
    let t = TestApp::new().await;
    let mut c = t.member("ada@example.test", "Ada").await;
    let r = c
        .submit(
            "/account/tokens",
            "/account/tokens",
            &[("name", ""), ("expires_in_days", "999")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("This field is required."));
    assert!(r.text.contains("out of range"));
    let r = c
        .submit(
            "/account/tokens",
            "/account/tokens",
            &[("name", "x"), ("scopes", "root"), ("expires_in_days", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!c.get("/account/tokens").await.text.contains("<td>x</td>"));
}

#[tokio::test]
async fn json_errors_are_clear_and_change_nothing() {
    let t = TestApp::new().await;
    let mut c = t.member("ada@example.test", "Ada").await;
    let token = c.create_token(&["read", "write"], "30").await;
    c.headers
        .push(("authorization".into(), format!("Bearer {token}")));
    let r = c
        .request(
            Method::PATCH,
            "/api/v1/users/self",
            Some("application/json"),
            b"{not json".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "json_malformed");
    let r = c
        .request(
            Method::PATCH,
            "/api/v1/users/self",
            Some("text/plain"),
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "json_expected");
    c.headers.pop();
    let r = c
        .api(
            Method::PATCH,
            "/api/v1/users/self",
            &token,
            Some(json!({"name": "A", "is_platform_admin": true})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "unknown fields are refused"
    );
    let r = c
        .api(
            Method::PATCH,
            "/api/v1/users/self",
            &token,
            Some(json!({"name": "", "time_zone": "Nowhere"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = r.json();
    assert_eq!(e["error"]["code"], "validation");
    assert_eq!(e["error"]["fields"]["name"]["code"], "required");
    assert_eq!(
        e["error"]["fields"]["time_zone"]["code"],
        "time_zone_invalid"
    );
    let me = c
        .api(Method::GET, "/api/v1/users/self", &token, None)
        .await
        .json();
    assert_eq!(me["name"], "Ada");

    let r = c
        .api(
            Method::PATCH,
            "/api/v1/users/self",
            &token,
            Some(json!({"name": "Ada L.", "locale": "fr"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["name"], "Ada L.");

    // Messages follow Accept-Language.
    c.headers.push(("accept-language".into(), "fr".into()));
    let r = c
        .api(Method::GET, "/api/v1/nothing-here", &token, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
    let r = c.api(Method::GET, "/api/v1/users", &token, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("autorisé"));
}

#[tokio::test]
async fn openapi_document_lists_the_endpoints() {
    let t = TestApp::new().await;
    let r = t.client().get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/users/self",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/tenants",
        "/api/v1/tenants/{id}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
