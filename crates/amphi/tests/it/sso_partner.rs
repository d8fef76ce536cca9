//! The partner hand-off: JWTs signed with RS256 and ES256 keys made in the test, each way a
//! token must be refused (error page, audit entry, no session), enrolment in the named run,
//! and COOC restrictions fed by the provider and its groups.

use crate::sso_oidc::{add_provider, admin_token, assert_refused, audit_reasons, user_by_email};
use crate::support::*;
use axum::http::{Method, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::process::Command;

const AUD: &str = "http://127.0.0.1:8080";
const ISS: &str = "https://partner.example";

/// A key pair made with openssl: (private PEM, public PEM).
fn keypair(alg: Algorithm) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    let args: Vec<&str> = match alg {
        Algorithm::ES256 => vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        _ => vec!["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    };
    let st = Command::new("openssl")
        .arg("genpkey")
        .args(&args)
        .arg("-out")
        .arg(&key)
        .status()
        .expect("openssl is installed");
    assert!(st.success());
    let out = Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success());
    (
        std::fs::read_to_string(&key).unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn sign(alg: Algorithm, private_pem: &str, claims: &Value) -> String {
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(private_pem.as_bytes()).unwrap(),
        _ => EncodingKey::from_rsa_pem(private_pem.as_bytes()).unwrap(),
    };
    jsonwebtoken::encode(&Header::new(alg), claims, &key).unwrap()
}

fn claims(t: &TestApp, sub: &str, lifetime: i64, jti: &str) -> Value {
    let now = t.app.now().timestamp();
    json!({
        "iss": ISS, "aud": AUD, "sub": sub, "jti": jti,
        "iat": now, "exp": now + lifetime,
        "email": format!("{sub}@partner.example"), "name": format!("Partner {sub}"),
        "groups": ["acme-sales"],
    })
}

async fn partner_setup(alg: Algorithm) -> (TestApp, Client, String, String) {
    let t = TestApp::new().await;
    let (mut admin, token) = admin_token(&t).await;
    let (private, public) = keypair(alg);
    add_provider(
        &mut admin,
        &token,
        json!({
            "kind": "partner", "slug": "acme", "display_name": "ACME portal",
            "config": {"issuer": ISS, "audience": AUD,
                       "algorithm": if alg == Algorithm::ES256 { "ES256" } else { "RS256" },
                       "public_key_pem": public, "max_lifetime_secs": 300, "run_claim": "run"},
        }),
    )
    .await;
    (t, admin, token, private)
}

fn hand_off(token: &str, next: &str) -> String {
    let enc = |s: &str| -> String { url::form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    format!("/sso/partner/acme?token={}&next={}", enc(token), enc(next))
}

pub async fn run_for(admin: &mut Client, token: &str, code: &str, extra: Value) -> String {
    let r = admin
        .api(
            Method::POST,
            "/api/v1/courses",
            token,
            Some(json!({ "code": code, "title": "Partner course", "summary": "For partners." })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let course = r.json()["id"].as_str().unwrap().to_owned();
    let mut body = json!({ "name": "Spring", "published": true });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = admin
        .api(
            Method::POST,
            &format!("/api/v1/courses/{course}/runs"),
            token,
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_owned()
}

pub async fn enrolled(t: &TestApp, email: &str, run: &str) -> bool {
    use amphi_db::entities::enrolment;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let u = user_by_email(t, email).await;
    enrolment::Entity::find()
        .filter(enrolment::Column::UserId.eq(u.id))
        .filter(enrolment::Column::RunId.eq(run.parse::<uuid::Uuid>().unwrap()))
        .filter(enrolment::Column::Status.eq("active"))
        .one(t.app.db.reader())
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn partner_rs256_hand_off_creates_enrols_and_lands_on_next() {
    let (t, mut admin, token, private) = partner_setup(Algorithm::RS256).await;
    let run = run_for(&mut admin, &token, "PARTNER1", json!({})).await;
    let mut cl = claims(&t, "p-100", 120, "jti-1");
    cl["run"] = json!(run);
    let jwt = sign(Algorithm::RS256, &private, &cl);
    let mut c = t.client();
    let r = c.get(&hand_off(&jwt, &format!("/learn/{run}"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), format!("/learn/{run}"));
    assert!(c.cookies.contains_key("amphi_session"));
    assert_eq!(c.get("/account").await.status, StatusCode::OK);
    assert!(enrolled(&t, "p-100@partner.example", &run).await);
    let ok = audit_reasons(&t, "sign_in.success").await;
    assert!(
        ok.iter()
            .any(|d| d["provider"] == "acme" && d["kind"] == "partner"),
        "{ok:?}"
    );

    // A hand-off opened in someone else's signed-in browser (a planted link) never links the
    // partner identity to that account: it signs in as the token's own person.
    let mut victim = t.member("victim@example.test", "Vic").await;
    let planted = sign(
        Algorithm::RS256,
        &private,
        &claims(&t, "p-666", 120, "jti-planted"),
    );
    let before = victim.cookies["amphi_session"].clone();
    let r = victim.get(&hand_off(&planted, "/")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // The browser's earlier session ended with the sign-in: its cookie opens nothing now.
    assert_ne!(victim.cookies["amphi_session"], before);
    let mut stale = t.client();
    stale.cookies.insert("amphi_session".into(), before);
    assert_eq!(stale.get("/account").await.status, StatusCode::SEE_OTHER);
    let v = user_by_email(&t, "victim@example.test").await;
    let (links, _) = amphi_app::sso::memberships::of_user(
        &t.app,
        amphi_core::TenantId(v.tenant_id),
        amphi_core::UserId(v.id),
    )
    .await
    .unwrap();
    assert!(links.is_empty(), "{links:?}");
    let acct = victim.get("/account").await;
    assert!(acct.text.contains("p-666@partner.example"), "{}", acct.text);

    // The same person again (a new token) is the same account.
    let jwt = sign(
        Algorithm::RS256,
        &private,
        &claims(&t, "p-100", 120, "jti-2"),
    );
    let mut c2 = t.client();
    let r = c2.get(&hand_off(&jwt, "/")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(audit_reasons(&t, "account.created_by_sso").await.len(), 2);
}

#[tokio::test]
async fn partner_es256_hand_off_and_every_bad_token_is_refused() {
    let (t, _admin, _token, private) = partner_setup(Algorithm::ES256).await;
    let good = sign(
        Algorithm::ES256,
        &private,
        &claims(&t, "p-200", 120, "once"),
    );
    let mut c = t.client();
    let r = c.get(&hand_off(&good, "/catalog")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/catalog");

    // Each bad case: the sign-in error page, an audit entry, no session.
    let now = t.app.now().timestamp();
    let (other_private, _) = keypair(Algorithm::ES256);
    let mut expired = claims(&t, "p-201", 120, "e1");
    expired["iat"] = json!(now - 600);
    expired["exp"] = json!(now - 300);
    let long = claims(&t, "p-202", 3600, "l1");
    let mut wrong_aud = claims(&t, "p-203", 120, "a1");
    wrong_aud["aud"] = json!("https://elsewhere.example");
    let mut wrong_iss = claims(&t, "p-204", 120, "i1");
    wrong_iss["iss"] = json!("https://impostor.example");
    let mut no_jti = claims(&t, "p-205", 120, "x");
    no_jti.as_object_mut().unwrap().remove("jti");
    let cases: Vec<(String, &str, &str)> = vec![
        (
            sign(Algorithm::ES256, &private, &expired),
            "/",
            "token_expired",
        ),
        (
            sign(Algorithm::ES256, &private, &long),
            "/",
            "token_lifetime_too_long",
        ),
        (
            sign(Algorithm::ES256, &private, &wrong_aud),
            "/",
            "audience_wrong",
        ),
        (
            sign(Algorithm::ES256, &private, &wrong_iss),
            "/",
            "issuer_wrong",
        ),
        (
            sign(
                Algorithm::ES256,
                &other_private,
                &claims(&t, "p-206", 120, "k1"),
            ),
            "/",
            "signature_invalid",
        ),
        (good.clone(), "/", "token_replayed"),
        (
            sign(Algorithm::ES256, &private, &no_jti),
            "/",
            "claim_missing",
        ),
        (
            sign(Algorithm::ES256, &private, &claims(&t, "p-207", 120, "n1")),
            "//evil.example/",
            "next_invalid",
        ),
        (
            sign(Algorithm::ES256, &private, &claims(&t, "p-208", 120, "n2")),
            "https://evil.example/",
            "next_invalid",
        ),
        ("not.a.jwt".into(), "/", "token_malformed"),
    ];
    for (jwt, next, reason) in &cases {
        let mut c = t.client();
        let r = c.get(&hand_off(jwt, next)).await;
        assert_refused(&r, reason, &c);
    }
    // An RS256 token for an ES256 partner.
    let (rsa_private, _) = keypair(Algorithm::RS256);
    let mut c = t.client();
    let r = c
        .get(&hand_off(
            &sign(
                Algorithm::RS256,
                &rsa_private,
                &claims(&t, "p-209", 120, "r1"),
            ),
            "/",
        ))
        .await;
    assert_refused(&r, "algorithm_not_allowed", &c);

    let reasons: Vec<String> = audit_reasons(&t, "sign_in.failure")
        .await
        .iter()
        .filter(|d| d["provider"] == "acme")
        .map(|d| d["reason"].as_str().unwrap().to_owned())
        .collect();
    for (_, _, want) in &cases {
        assert!(reasons.iter().any(|r| r == want), "{want} in {reasons:?}");
    }
    // The refused people got no account.
    for who in ["p-201", "p-202", "p-203", "p-204", "p-206", "p-207"] {
        use amphi_db::entities::user;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let n = user::Entity::find()
            .filter(user::Column::Email.eq(format!("{who}@partner.example")))
            .one(t.app.db.reader())
            .await
            .unwrap();
        assert!(n.is_none(), "{who} has no account");
    }
}

#[tokio::test]
async fn restricted_runs_admit_people_by_provider_and_group() {
    let (t, mut admin, token, private) = partner_setup(Algorithm::RS256).await;
    let by_provider = run_for(
        &mut admin,
        &token,
        "COOC1",
        json!({ "policy": "restricted", "restrict_provider": "acme" }),
    )
    .await;
    let by_group = run_for(
        &mut admin,
        &token,
        "COOC2",
        json!({ "policy": "restricted", "restrict_group": "acme-sales" }),
    )
    .await;
    let other_group = run_for(
        &mut admin,
        &token,
        "COOC3",
        json!({ "policy": "restricted", "restrict_group": "acme-legal" }),
    )
    .await;
    let jwt = sign(Algorithm::RS256, &private, &claims(&t, "p-300", 120, "c1"));
    let mut c = t.client();
    assert_eq!(
        c.get(&hand_off(&jwt, "/")).await.status,
        StatusCode::SEE_OTHER
    );
    for (code, run, admitted) in [
        ("COOC1", &by_provider, true),
        ("COOC2", &by_group, true),
        ("COOC3", &other_group, false),
    ] {
        let r = c
            .submit(
                &format!("/courses/{code}"),
                &format!("/runs/{run}/enrol"),
                &[],
            )
            .await;
        if admitted {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{code}: {}", r.text);
        } else {
            assert_eq!(r.status, StatusCode::CONFLICT, "{code}: {}", r.text);
        }
        assert_eq!(
            enrolled(&t, "p-300@partner.example", run).await,
            admitted,
            "{code}"
        );
    }
    // A local member without the provider is not admitted.
    let mut local = t.member("lou@example.test", "Lou").await;
    let r = local
        .submit("/courses/COOC1", &format!("/runs/{by_provider}/enrol"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
}

#[tokio::test]
async fn group_rules_take_back_only_what_they_gave_when_the_group_is_lost() {
    let t = TestApp::new().await;
    let (mut admin, token) = admin_token(&t).await;
    let (private, public) = keypair(Algorithm::RS256);
    let by_rule = run_for(&mut admin, &token, "RULE1", json!({})).await;
    let by_hand = run_for(&mut admin, &token, "HAND1", json!({})).await;
    add_provider(
        &mut admin,
        &token,
        json!({
            "kind": "partner", "slug": "acme", "display_name": "ACME portal",
            "config": {"issuer": ISS, "audience": AUD, "algorithm": "RS256",
                       "public_key_pem": public, "max_lifetime_secs": 300},
            "group_rules": [
                {"group": "acme-admins", "tenant_role": "admin"},
                {"group": "acme-sales", "run": by_rule},
            ],
        }),
    )
    .await;
    let mut n = 0;
    let mut sign_in = |sub: &str, groups: Value| {
        n += 1;
        let mut cl = claims(&t, sub, 120, &format!("rules-{n}"));
        cl["groups"] = groups;
        let jwt = sign(Algorithm::RS256, &private, &cl);
        let mut c = t.client();
        async move {
            let r = c.get(&hand_off(&jwt, "/")).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
            c
        }
    };
    let ann = "p-500@partner.example";
    let mut c = sign_in("p-500", json!(["acme-sales", "acme-admins"])).await;
    assert!(enrolled(&t, ann, &by_rule).await);
    assert!(user_by_email(&t, ann).await.is_tenant_admin);
    // A place Ann took herself.
    let r = c
        .submit("/courses/HAND1", &format!("/runs/{by_hand}/enrol"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    // Ann leaves both groups: the rules take back what they gave, and only that.
    sign_in("p-500", json!([])).await;
    assert!(!enrolled(&t, ann, &by_rule).await);
    assert!(enrolled(&t, ann, &by_hand).await);
    assert!(!user_by_email(&t, ann).await.is_tenant_admin);
    let removed = audit_reasons(&t, "enrolment.removed").await;
    assert!(
        removed
            .iter()
            .any(|d| d["reason"] == "group_lost" && d["group"] == "acme-sales"),
        "{removed:?}"
    );
    let roles = audit_reasons(&t, "user.role_changed").await;
    assert!(
        roles
            .iter()
            .any(|d| d["is_tenant_admin"] == false && d["reason"] == "group_lost"),
        "{roles:?}"
    );

    // Back in the group: the same place comes back (one enrolment row, not two).
    sign_in("p-500", json!(["acme-sales"])).await;
    assert!(enrolled(&t, ann, &by_rule).await);
    assert!(!user_by_email(&t, ann).await.is_tenant_admin);
    {
        use amphi_db::entities::enrolment;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let rows = enrolment::Entity::find()
            .filter(enrolment::Column::UserId.eq(user_by_email(&t, ann).await.id))
            .filter(enrolment::Column::RunId.eq(by_rule.parse::<uuid::Uuid>().unwrap()))
            .count(t.app.db.reader())
            .await
            .unwrap();
        assert_eq!(rows, 1);
    }

    // Ben enrolled himself before the rule could: his place is his own and stays.
    let ben = "p-600@partner.example";
    let mut c = sign_in("p-600", json!([])).await;
    let r = c
        .submit("/courses/RULE1", &format!("/runs/{by_rule}/enrol"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    sign_in("p-600", json!(["acme-sales"])).await;
    sign_in("p-600", json!([])).await;
    assert!(enrolled(&t, ben, &by_rule).await);
}

#[tokio::test]
async fn provider_admin_api_validates_masks_secrets_and_audits() {
    let t = TestApp::new().await;
    let (mut admin, token) = admin_token(&t).await;
    // Every bad field is named.
    let r = admin
        .api(
            Method::POST,
            "/api/v1/identity-providers",
            &token,
            Some(
                json!({"kind": "oidc", "slug": "Bad Slug", "display_name": "",
                        "config": {"issuer": "nope", "client_secret": "", "extra": 1}}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let fields = r.json()["error"]["fields"].to_string();
    for f in [
        "slug",
        "display_name",
        "config.issuer",
        "config.client_id",
        "config.client_secret",
        "config.extra",
    ] {
        assert!(fields.contains(&format!("\"{f}\"")), "{f} in {fields}");
    }
    let created = add_provider(
        &mut admin,
        &token,
        json!({"kind": "oidc", "slug": "corp", "display_name": "Corp",
               "config": {"issuer": "https://id.example", "client_id": "c", "client_secret": "top-secret-value"}}),
    )
    .await;
    assert_eq!(created["config"]["client_secret"], "********");
    assert!(!created.to_string().contains("top-secret-value"));
    let id = created["id"].as_str().unwrap();
    // Not stored in clear either.
    use amphi_db::entities::identity_provider;
    use sea_orm::EntityTrait;
    let row = identity_provider::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(t.app.db.reader())
        .await
        .unwrap()
        .unwrap();
    assert!(!row.config.contains("top-secret-value"));
    // Same slug twice: a clear error.
    let r = admin
        .api(
            Method::POST,
            "/api/v1/identity-providers",
            &token,
            Some(json!({"kind": "oidc", "slug": "corp", "display_name": "Again",
                        "config": {"issuer": "https://id.example", "client_id": "c", "client_secret": "s"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("slug"), "{}", r.text);
    // An edit without the secret keeps it; the kind cannot change.
    let r = admin
        .api(
            Method::PATCH,
            &format!("/api/v1/identity-providers/{id}"),
            &token,
            Some(json!({"display_name": "Corp SSO", "config": {"issuer": "https://id2.example", "client_id": "c", "client_secret": "********"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let row2 = identity_provider::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(t.app.db.reader())
        .await
        .unwrap()
        .unwrap();
    let opened =
        amphi_app::sso::config::open(t.app.secret(), &serde_json::from_str(&row2.config).unwrap())
            .unwrap();
    assert_eq!(opened["client_secret"], "top-secret-value");
    let r = admin
        .api(
            Method::PATCH,
            &format!("/api/v1/identity-providers/{id}"),
            &token,
            Some(json!({"kind": "saml"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // A member cannot see or change providers.
    let mut m = t.member("mo@example.test", "Mo").await;
    let mt = m.create_token(&["read", "write"], "30").await;
    let r = m
        .api(Method::GET, "/api/v1/identity-providers", &mt, None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        m.get("/admin/identity-providers").await.status,
        StatusCode::FORBIDDEN
    );
    // Delete; every change is in the audit trail, without the secret.
    let r = admin
        .api(
            Method::DELETE,
            &format!("/api/v1/identity-providers/{id}"),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    for action in [
        "identity_provider.created",
        "identity_provider.updated",
        "identity_provider.deleted",
    ] {
        let evs = audit_reasons(&t, action).await;
        assert_eq!(evs.len(), 1, "{action}");
        assert!(!evs[0].to_string().contains("top-secret-value"));
    }
}

#[tokio::test]
async fn provider_admin_pages_and_hidden_local_passwords() {
    let t = TestApp::new().await;
    let mut admin = t.platform_admin().await;
    let page = admin.get("/admin/identity-providers/new?kind=oidc").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    // A bad configuration is shown next to the field, in the form.
    let r = admin
        .submit(
            "/admin/identity-providers/new?kind=oidc",
            "/admin/identity-providers/new",
            &[
                ("kind", "oidc"),
                ("slug", "corp"),
                ("display_name", "Corp"),
                ("config", "{\"issuer\": 3"),
                ("map_email", "email"),
                ("map_name", "name"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("not valid JSON"), "{}", r.text);
    let r = admin
        .submit(
            "/admin/identity-providers/new?kind=oidc",
            "/admin/identity-providers/new",
            &[
                ("kind", "oidc"),
                ("slug", "corp"),
                ("display_name", "Corp"),
                ("enabled", "true"),
                ("jit", "true"),
                ("config", "{\"issuer\": \"https://id.example\", \"client_id\": \"c\", \"client_secret\": \"s3\"}"),
                ("map_email", "email"),
                ("map_name", "name"),
                ("group_rules", "[]"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let edit = admin.get(&r.location()).await;
    assert!(
        edit.text
            .contains("127.0.0.1:8080&#x2f;sso&#x2f;oidc&#x2f;corp&#x2f;callback"),
        "{}",
        edit.text
    );
    assert!(edit.text.contains("********"), "{}", edit.text);
    assert!(
        !edit.text.contains("&quot;s3&quot;"),
        "secret not shown back"
    );
    let list = admin.get("/admin/identity-providers").await;
    assert!(list.text.contains("Corp"), "{}", list.text);

    // The tenant hides local passwords: the form goes, members cannot use it, the platform
    // administrator still can at /signin?local=1.
    let _m = t.member("ann@example.test", "Ann").await;
    let site = admin.get("/admin/site").await;
    assert_eq!(site.status, StatusCode::OK);
    let r = admin
        .submit(
            "/admin/site",
            "/admin/site",
            &[
                ("name", "Amphi"),
                ("default_locale", "en"),
                ("signup_policy", "open"),
                ("primary_colour", "#1d4ed8"),
                ("hide_local_passwords", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    t.app.tenant_cache.clear();
    let mut anon = t.client();
    let p = anon.get("/signin").await;
    assert!(!p.text.contains("name=\"password\""), "{}", p.text);
    assert!(p.text.contains("/sso/oidc/corp/login"));
    let p = anon.get("/signin?local=1").await;
    assert!(p.text.contains("name=\"password\""));
    let r = anon
        .submit(
            "/signin?local=1",
            "/signin",
            &[("email", "ann@example.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(!anon.cookies.contains_key("amphi_session"));
    let mut root = t.client();
    let r = root
        .submit(
            "/signin?local=1",
            "/signin",
            &[("email", "root@example.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let _ = admin;
}

/// The RSA public key of a private PEM as a JWK with a key id (modulus read by openssl).
fn rsa_jwk(private_pem: &str, kid: &str) -> Value {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    std::fs::write(&key, private_pem).unwrap();
    let out = Command::new("openssl")
        .args(["rsa", "-modulus", "-noout", "-in"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success());
    let hex_n = String::from_utf8(out.stdout).unwrap();
    let hex_n = hex_n.trim().trim_start_matches("Modulus=");
    let n: Vec<u8> = (0..hex_n.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex_n[i..i + 2], 16).unwrap())
        .collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    json!({ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": b64.encode(n), "e": b64.encode([1u8, 0, 1]) })
}

/// A loopback HTTP server answering every request with the JWK set held in `keys`.
async fn jwks_server(keys: std::sync::Arc<std::sync::Mutex<Value>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let body = keys.lock().unwrap().to_string();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}/jwks.json")
}

#[tokio::test]
async fn partner_keys_from_a_jwks_url_follow_a_key_rotation() {
    let t = TestApp::new().await;
    let (mut admin, token) = admin_token(&t).await;
    let (old_private, _) = keypair(Algorithm::RS256);
    let (new_private, _) = keypair(Algorithm::RS256);
    let keys = std::sync::Arc::new(std::sync::Mutex::new(
        json!({ "keys": [rsa_jwk(&old_private, "k-old")] }),
    ));
    let url = jwks_server(keys.clone()).await;
    add_provider(
        &mut admin,
        &token,
        json!({
            "kind": "partner", "slug": "acme", "display_name": "ACME portal",
            "config": {"issuer": ISS, "audience": AUD, "algorithm": "RS256",
                       "jwks_url": url, "max_lifetime_secs": 300},
        }),
    )
    .await;
    let signed = |private: &str, kid: &str, sub: &str, jti: &str| {
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some(kid.to_owned());
        let key = EncodingKey::from_rsa_pem(private.as_bytes()).unwrap();
        jsonwebtoken::encode(&h, &claims(&t, sub, 120, jti), &key).unwrap()
    };
    // The published key signs people in.
    let mut c = t.client();
    let r = c
        .get(&hand_off(&signed(&old_private, "k-old", "p-1", "j-1"), "/"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(c.cookies.contains_key("amphi_session"));
    // The partner rotates: a token with the new key id makes Amphi fetch the set again.
    *keys.lock().unwrap() = json!({ "keys": [rsa_jwk(&new_private, "k-new")] });
    let mut c = t.client();
    let r = c
        .get(&hand_off(&signed(&new_private, "k-new", "p-2", "j-2"), "/"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(c.cookies.contains_key("amphi_session"));
    // A key the partner does not publish (a forger's own key under a known id) is refused.
    let (forger, _) = keypair(Algorithm::RS256);
    let mut c = t.client();
    let r = c
        .get(&hand_off(&signed(&forger, "k-new", "p-3", "j-3"), "/"))
        .await;
    assert_refused(&r, "signature_invalid", &c);
}
