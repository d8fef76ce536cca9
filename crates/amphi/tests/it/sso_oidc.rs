//! Signing in through a real OpenID Connect provider (node oidc-provider on loopback), and the
//! ways it must fail: wrong or replayed state, a used code, a provider that is turned off.

use crate::support::*;
use amphi_peers::oidc_provider::OidcProvider;
use axum::http::{Method, StatusCode};
use serde_json::json;

const CALLBACK: &str = "http://127.0.0.1:8080/sso/oidc/corp/callback";

pub async fn admin_token(t: &TestApp) -> (Client, String) {
    let mut admin = t.platform_admin().await;
    let token = admin.create_token(&["read", "write", "admin"], "30").await;
    (admin, token)
}

pub async fn add_provider(
    admin: &mut Client,
    token: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let r = admin
        .api(
            Method::POST,
            "/api/v1/identity-providers",
            token,
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()
}

async fn oidc_setup(jit: bool) -> (TestApp, OidcProvider, Client, String) {
    let peer = OidcProvider::start(&[CALLBACK]).expect("oidc-provider starts");
    let t = TestApp::new().await;
    let (mut admin, token) = admin_token(&t).await;
    add_provider(
        &mut admin,
        &token,
        json!({
            "kind": "oidc", "slug": "corp", "display_name": "Corp ID", "jit": jit,
            "config": {"issuer": peer.issuer(), "client_id": "amphi", "client_secret": "amphi-secret",
                       "scopes": ["email", "profile", "groups"]},
        }),
    )
    .await;
    (t, peer, admin, token)
}

/// Follows the provider's redirects and its login form like a browser with a cookie jar;
/// returns the callback URL the provider sends the browser back to.
pub async fn login_at_provider(issuer: &str, auth_url: &str, login: &str) -> String {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut url = auth_url.to_owned();
    let mut posted = false;
    for _ in 0..10 {
        if url.starts_with(CALLBACK) || url.starts_with("http://127.0.0.1:8080/") {
            return url;
        }
        let r = if url.contains("/interaction/") && !posted {
            posted = true;
            http.post(&url)
                .form(&[("prompt", "login"), ("login", login), ("password", "any")])
                .send()
                .await
                .unwrap()
        } else {
            http.get(&url).send().await.unwrap()
        };
        let status = r.status();
        let loc = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let Some(loc) = loc else {
            panic!(
                "provider answered {status} without a redirect at {url}: {}",
                r.text().await.unwrap()
            );
        };
        url = if loc.starts_with("http") {
            loc
        } else {
            format!("{issuer}{loc}")
        };
    }
    panic!("too many redirects at the provider");
}

async fn start_login(c: &mut Client, next: &str) -> String {
    let r = c
        .get(&format!("/sso/oidc/corp/login?next={}", urlenc(next)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(c.cookies.contains_key("amphi_sso_state"));
    r.location()
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub async fn audit_reasons(t: &TestApp, action: &str) -> Vec<serde_json::Value> {
    use amphi_db::entities::audit_event;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .order_by_asc(audit_event::Column::Id)
        .all(t.app.db.reader())
        .await
        .unwrap()
        .into_iter()
        .map(|e| serde_json::from_str(&e.detail).unwrap())
        .collect()
}

pub fn assert_refused(r: &Resp, reason: &str, c: &Client) {
    assert!(
        r.status.is_client_error() || r.status.is_server_error(),
        "{} {}",
        r.status,
        r.text
    );
    assert!(
        r.text.contains(&format!("data-reason=\"{reason}\"")),
        "expected {reason}: {}",
        r.text
    );
    assert!(
        !c.cookies.contains_key("amphi_session"),
        "no session after a refused sign-in"
    );
}

#[tokio::test]
async fn oidc_sign_in_creates_links_and_signs_in_again() {
    let (t, peer, _admin, _) = oidc_setup(true).await;
    let mut c = t.client();
    // The sign-in page lists the provider.
    let page = c.get("/signin").await;
    assert!(page.text.contains("/sso/oidc/corp/login"), "{}", page.text);
    let auth = start_login(&mut c, "/catalog").await;
    assert!(auth.starts_with(&peer.issuer()), "{auth}");
    assert!(auth.contains("code_challenge_method=S256"), "{auth}");
    assert!(auth.contains("nonce="), "{auth}");
    let back = login_at_provider(&peer.issuer(), &auth, "alice").await;
    let r = c.get(&path_of(&back)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/catalog");
    assert!(c.cookies.contains_key("amphi_session"));
    let acct = c.get("/account").await;
    assert_eq!(acct.status, StatusCode::OK);
    assert!(acct.text.contains("alice@example.test"), "{}", acct.text);

    let ok = audit_reasons(&t, "sign_in.success").await;
    assert!(
        ok.iter()
            .any(|d| d["provider"] == "corp" && d["kind"] == "oidc"),
        "{ok:?}"
    );
    assert_eq!(audit_reasons(&t, "identity.linked").await.len(), 1);

    // The groups came along (used by COOC restrictions).
    let u = user_by_email(&t, "alice@example.test").await;
    let (providers, groups) = amphi_app::sso::memberships::of_user(
        &t.app,
        amphi_core::TenantId(u.tenant_id),
        amphi_core::UserId(u.id),
    )
    .await
    .unwrap();
    assert!(providers.contains(&"corp".to_owned()));
    assert_eq!(
        groups,
        vec!["alice-group".to_owned(), "learners".to_owned()]
    );

    // A second sign-in finds the same account by subject.
    let mut c2 = t.client();
    let auth = start_login(&mut c2, "/").await;
    let back = login_at_provider(&peer.issuer(), &auth, "alice").await;
    let r = c2.get(&path_of(&back)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(audit_reasons(&t, "identity.linked").await.len(), 1);
    assert_eq!(audit_reasons(&t, "account.created_by_sso").await.len(), 1);
}

/// The key ids the provider publishes now.
async fn published_kids(peer: &OidcProvider) -> Vec<String> {
    let jwks: serde_json::Value = reqwest::get(format!("{}/jwks", peer.issuer()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn oidc_sign_in_goes_on_after_the_provider_rotates_its_signing_key() {
    let (t, mut peer, _admin, _) = oidc_setup(true).await;
    assert_eq!(published_kids(&peer).await, vec!["k1".to_owned()]);
    let mut c = t.client();
    let auth = start_login(&mut c, "/").await;
    let back = login_at_provider(&peer.issuer(), &auth, "alice").await;
    let r = c.get(&path_of(&back)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    // New key, new key id; the one Amphi has kept is gone from the provider's JWKS.
    peer.rotate_keys().expect("the provider starts again");
    assert_eq!(peer.key_id(), "k2");
    assert_eq!(published_kids(&peer).await, vec!["k2".to_owned()]);
    let mut c2 = t.client();
    let auth = start_login(&mut c2, "/catalog").await;
    let back = login_at_provider(&peer.issuer(), &auth, "alice").await;
    let r = c2.get(&path_of(&back)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/catalog");
    assert_eq!(c2.get("/account").await.status, StatusCode::OK);
    let ok = audit_reasons(&t, "sign_in.success").await;
    assert_eq!(
        ok.iter().filter(|d| d["provider"] == "corp").count(),
        2,
        "{ok:?}"
    );
    assert!(audit_reasons(&t, "sign_in.failure").await.is_empty());
}

#[tokio::test]
async fn oidc_wrong_state_replayed_callback_and_used_code_are_refused() {
    let (t, peer, _admin, _) = oidc_setup(true).await;
    let mut c = t.client();
    let auth = start_login(&mut c, "/").await;
    let back = login_at_provider(&peer.issuer(), &auth, "bob").await;
    let path = path_of(&back);

    // A state that is not this browser's.
    let forged = regex_replace_state(&path, "forged-state");
    let r = c.get(&forged).await;
    assert_refused(&r, "state_invalid", &c);

    // The genuine answer still works once…
    let mut ok = c.clone();
    let r = ok.get(&path).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    // …and never twice (a fresh browser holding the same state cookie value).
    let mut again = t.client();
    let state = state_of(&path);
    again.cookies.insert("amphi_sso_state".into(), state);
    let r = again.get(&path).await;
    assert_refused(&r, "state_invalid", &again);

    // A used code in a new sign-in is refused by the provider.
    let mut c3 = t.client();
    let _auth = start_login(&mut c3, "/").await;
    let new_state = c3.cookies["amphi_sso_state"].clone();
    let code = path
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("code="))
        .unwrap()
        .to_owned();
    let r = c3
        .get(&format!(
            "/sso/oidc/corp/callback?state={new_state}&code={code}"
        ))
        .await;
    assert_refused(&r, "code_rejected", &c3);

    // A provider error (the person cancelled) is refused too.
    let mut c4 = t.client();
    let _ = start_login(&mut c4, "/").await;
    let s = c4.cookies["amphi_sso_state"].clone();
    let r = c4
        .get(&format!(
            "/sso/oidc/corp/callback?state={s}&error=access_denied"
        ))
        .await;
    assert_refused(&r, "provider_error", &c4);

    let reasons: Vec<String> = audit_reasons(&t, "sign_in.failure")
        .await
        .iter()
        .map(|d| d["reason"].as_str().unwrap().to_owned())
        .collect();
    for want in ["state_invalid", "code_rejected", "provider_error"] {
        assert!(reasons.iter().any(|r| r == want), "{want} in {reasons:?}");
    }
}

pub async fn user_by_email(t: &TestApp, email: &str) -> amphi_db::entities::user::Model {
    use amphi_db::entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(t.app.db.reader())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no account {email}"))
}

fn state_of(path: &str) -> String {
    path.split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("state="))
        .unwrap()
        .to_owned()
}

fn regex_replace_state(path: &str, new: &str) -> String {
    path.replace(
        &format!("state={}", state_of(path)),
        &format!("state={new}"),
    )
}

#[tokio::test]
async fn oidc_without_jit_refuses_unknown_people_and_links_existing_accounts_with_proof() {
    let (t, peer, mut admin, token) = oidc_setup(false).await;
    // Nobody known: refused with a clear page, no account made.
    let mut c = t.client();
    let auth = start_login(&mut c, "/").await;
    let back = login_at_provider(&peer.issuer(), &auth, "carol").await;
    let r = c.get(&path_of(&back)).await;
    assert_refused(&r, "account_not_found", &c);
    assert!(r.text.contains("administrator"), "{}", r.text);

    // A local account with the same email: linked only after its password is given.
    let _dave = t.member("dave@example.test", "Dave").await;
    let mut c = t.client();
    let auth = start_login(&mut c, "/catalog").await;
    let back = login_at_provider(&peer.issuer(), &auth, "dave").await;
    let r = c.get(&path_of(&back)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().starts_with("/sso/link"), "{}", r.location());
    assert!(!c.cookies.contains_key("amphi_session"));
    let page = c.get(&r.location()).await;
    assert!(page.text.contains("dave@example.test"), "{}", page.text);
    let wrong = c
        .submit(
            &r.location(),
            "/sso/link",
            &[("password", "not the password"), ("next", "/catalog")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);
    assert!(!c.cookies.contains_key("amphi_session"));
    let ok = c
        .submit(
            &r.location(),
            "/sso/link",
            &[("password", PASSWORD), ("next", "/catalog")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    assert_eq!(ok.location(), "/catalog");
    assert!(c.cookies.contains_key("amphi_session"));
    assert_eq!(audit_reasons(&t, "identity.linked").await.len(), 1);

    // Next time the provider alone signs Dave in.
    let mut c2 = t.client();
    let auth = start_login(&mut c2, "/").await;
    let back = login_at_provider(&peer.issuer(), &auth, "dave").await;
    let r = c2.get(&path_of(&back)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/");

    // Disabled: the button goes and sign-ins are refused.
    let list = admin
        .api(Method::GET, "/api/v1/identity-providers", &token, None)
        .await
        .json();
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let r = admin
        .api(
            Method::PATCH,
            &format!("/api/v1/identity-providers/{id}"),
            &token,
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut c3 = t.client();
    assert!(!c3
        .get("/signin")
        .await
        .text
        .contains("/sso/oidc/corp/login"));
    let r = c3.get("/sso/oidc/corp/login").await;
    assert_refused(&r, "provider_unknown", &c3);
}

#[tokio::test]
async fn oidc_group_rules_make_administrators_and_enrol_at_each_sign_in() {
    use crate::sso_partner::{enrolled, run_for};
    let peer = OidcProvider::start(&[CALLBACK]).expect("oidc-provider starts");
    let t = TestApp::new().await;
    let (mut admin, token) = admin_token(&t).await;
    let run = run_for(&mut admin, &token, "GROUPS1", json!({})).await;
    // A rule naming a run of nowhere is refused with a clear error.
    let r = admin
        .api(
            Method::POST,
            "/api/v1/identity-providers",
            &token,
            Some(json!({
                "kind": "oidc", "slug": "corp", "display_name": "Corp ID",
                "config": {"issuer": peer.issuer(), "client_id": "amphi", "client_secret": "amphi-secret",
                           "scopes": "email profile groups"},
                "group_rules": [{"group": "learners", "run": uuid::Uuid::now_v7().to_string()}],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("group_rule_run_unknown"), "{}", r.text);
    add_provider(
        &mut admin,
        &token,
        json!({
            "kind": "oidc", "slug": "corp", "display_name": "Corp ID",
            "config": {"issuer": peer.issuer(), "client_id": "amphi", "client_secret": "amphi-secret",
                       "scopes": "email profile groups"},
            "group_rules": [
                {"group": "erin-group", "tenant_role": "admin"},
                {"group": "learners", "run": run, "course_role": "learner"},
            ],
        }),
    )
    .await;
    for who in ["erin", "frank"] {
        let mut c = t.client();
        let auth = start_login(&mut c, "/").await;
        let back = login_at_provider(&peer.issuer(), &auth, who).await;
        let r = c.get(&path_of(&back)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let email = format!("{who}@example.test");
        assert!(enrolled(&t, &email, &run).await, "{who} enrolled by group");
        let u = user_by_email(&t, &email).await;
        assert_eq!(u.is_tenant_admin, who == "erin", "{who}");
    }
    let changes = audit_reasons(&t, "user.role_changed").await;
    assert!(
        changes.iter().any(|d| d["group"] == "erin-group"),
        "{changes:?}"
    );
}
