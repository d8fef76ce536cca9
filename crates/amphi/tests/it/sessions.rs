//! Server-side sessions: cookie flags, rotation, expiry, sign out, sign out everywhere.

use crate::support::*;
use axum::http::StatusCode;

#[tokio::test]
async fn session_cookie_is_http_only_and_lax() {
    let t = TestApp::new().await;
    t.member("ada@example.test", "Ada").await;
    let mut c = t.client();
    let r = c.sign_in("ada@example.test", PASSWORD).await;
    let set = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("amphi_session="))
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http in tests");
}

#[tokio::test]
async fn secure_cookies_and_hsts_behind_https() {
    let t = TestApp::with_config(|c| {
        c.server.public_url = "https://learn.example.test".into();
    })
    .await;
    let mut c = t.client_on("learn.example.test");
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.get("strict-transport-security").is_some());
    let set = r.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(set.contains("Secure"), "{set}");
}

#[tokio::test]
async fn sign_in_rotates_the_session_and_sign_out_ends_it() {
    let t = TestApp::new().await;
    let mut c = t.member("ada@example.test", "Ada").await;
    let first = c.cookies["amphi_session"].clone();
    // Signing in again from a signed-in browser (the form posted from another page).
    let r = c
        .submit(
            "/account",
            "/signin",
            &[("email", "ada@example.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let second = c.cookies["amphi_session"].clone();
    assert_ne!(first, second, "a new session id on every sign-in");
    // The old cookie is dead.
    let mut stale = t.client();
    stale.cookies.insert("amphi_session".into(), first);
    assert!(stale.get("/").await.text.contains("Create an account"));

    let r = c.submit("/", "/signout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!c.cookies.contains_key("amphi_session"));
    let mut replay = t.client();
    replay.cookies.insert("amphi_session".into(), second);
    assert_eq!(
        replay.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "signed-out session cannot be replayed"
    );
}

#[tokio::test]
async fn idle_and_absolute_expiry() {
    let t = TestApp::with_config(|c| {
        c.security.session_idle_minutes = 30;
        c.security.session_absolute_hours = 2;
    })
    .await;
    let mut c = t.member("ada@example.test", "Ada").await;
    // Activity keeps the session alive…
    for _ in 0..5 {
        t.clock.advance(chrono::Duration::minutes(20));
        assert_eq!(c.get("/account").await.status, StatusCode::OK);
    }
    // …but not beyond the absolute limit.
    t.clock.advance(chrono::Duration::minutes(25));
    assert_eq!(c.get("/account").await.status, StatusCode::SEE_OTHER);

    let mut d = t.client();
    d.sign_in("ada@example.test", PASSWORD).await;
    t.clock.advance(chrono::Duration::minutes(31));
    let r = d.get("/account").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "idle session ended");
    assert_eq!(r.location(), "/signin?next=%2Faccount");
}

#[tokio::test]
async fn sign_out_everywhere() {
    let t = TestApp::new().await;
    let mut a = t.member("ada@example.test", "Ada").await;
    let mut b = t.client();
    b.sign_in("ada@example.test", PASSWORD).await;
    let page = a.get("/account").await;
    assert!(page.text.contains("this browser"));
    let r = a.submit("/account", "/account/sessions/end-all", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(a.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/account").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn deactivated_accounts_lose_their_sessions() {
    let t = TestApp::new().await;
    let mut admin = t.platform_admin().await;
    let mut ada = t.member("ada@example.test", "Ada").await;
    let page = admin.get("/admin/users?q=ada").await;
    // The first link to a user's page (the page also links to /admin/users/new and invite).
    let id = page
        .text
        .split("/admin/users/")
        .filter_map(|s| s.get(..36))
        .find(|s| uuid::Uuid::parse_str(s).is_ok())
        .unwrap()
        .to_owned();
    let r = admin
        .submit(
            "/admin/users?q=ada",
            &format!("/admin/users/{id}"),
            &[("active", "false")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(ada.get("/account").await.status, StatusCode::SEE_OTHER);
    let mut c = t.client();
    assert_eq!(
        c.sign_in("ada@example.test", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}
