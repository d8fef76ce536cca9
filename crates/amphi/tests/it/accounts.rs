//! Sign-up, verification, sign-in, password reset, profile and language.

use crate::support::*;
use axum::http::StatusCode;

#[tokio::test]
async fn sign_up_verify_and_sign_in() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let r = c
        .sign_up("Ada@Example.test", "Ada Lovelace", PASSWORD)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/signup/sent");

    // Not verified yet: sign-in is refused with a clear message, and a fresh link is sent.
    let r = c.sign_in("ada@example.test", PASSWORD).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("not confirmed yet"), "{}", r.text);

    let mail = t.last_mail_to("ada@example.test").await;
    assert!(
        mail.contains("Subject: Confirm your email address for Amphi"),
        "{mail}"
    );
    let link = link_in(&mail, "/verify-email?token=");
    assert!(
        link.starts_with("http://127.0.0.1:8080/verify-email?token="),
        "{link}"
    );

    // Following the link only shows a button: mail scanners must not use up the token.
    let page = c.get(&path_of(&link)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Confirm my address"));
    let r = c.verify(&link).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/signin");

    // The token works once.
    let again = c.verify(&link).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.text.contains("already been used"), "{}", again.text);

    let r = c.sign_in("ada@example.test", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(c.cookies.contains_key("amphi_session"));
    let home = c.get("/").await;
    assert!(home.text.contains("Hello, Ada Lovelace"), "{}", home.text);
    assert!(home.text.contains("not enrolled in any course yet"));
}

#[tokio::test]
async fn sign_up_bad_input_changes_nothing() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let r = c.sign_up("not-an-email", "", "short").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("Enter an email address such as"),
        "{}",
        r.text
    );
    assert!(r.text.contains("This field is required."));
    assert!(r.text.contains("at least 10 characters"));
    // What was typed is kept (but never the password).
    assert!(r.text.contains("value=\"not-an-email\""));
    assert!(!r.text.contains("value=\"short\""));

    let long_name = "x".repeat(500);
    let r = c.sign_up("ok@example.test", &long_name, PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The message names the field and the limit.
    assert!(
        r.text.contains("120 characters at most, you typed 500."),
        "{}",
        r.text
    );

    assert_eq!(t.run_jobs().await, 0, "no mail for refused sign-ups");
    let r = c.sign_in("ok@example.test", PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "no account was created");

    // Duplicate sign-up: a clear 4xx, nothing sent.
    c.sign_up("dup@example.test", "First", PASSWORD).await;
    t.run_jobs().await;
    let before = t.mails().len();
    let r = c.sign_up("DUP@example.test", "Second", PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text
        .contains("An account already exists with this email address"));
    t.run_jobs().await;
    assert_eq!(t.mails().len(), before);
}

#[tokio::test]
async fn sign_up_follows_the_tenant_policy() {
    let t = TestApp::new().await;
    let mut admin = t.platform_admin().await;
    let tid = {
        let p = admin.get("/admin/site").await;
        assert_eq!(p.status, StatusCode::OK);
        p
    };
    drop(tid);
    // Domain allow-list.
    let r = admin
        .submit(
            "/admin/site",
            "/admin/site",
            &[
                ("name", "Acme Academy"),
                ("default_locale", "en"),
                ("signup_policy", "domains"),
                ("signup_domains", "acme.test"),
                ("primary_colour", "#123456"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut c = t.client();
    let r = c.sign_up("eve@gmail.test", "Eve", PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text
        .contains("reserved for addresses at the allowed domains"));
    let r = c.sign_up("bob@eng.acme.test", "Bob", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // Closed.
    let r = admin
        .submit(
            "/admin/site",
            "/admin/site",
            &[("signup_policy", "closed"), ("name", "Acme Academy")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = c.get("/signup").await;
    assert!(page.text.contains("created by its administrators"));
    let r = c
        .submit(
            "/signin",
            "/signup",
            &[
                ("email", "x@acme.test"),
                ("name", "X"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let t = TestApp::new().await;
    t.member("ada@example.test", "Ada").await;
    let mut c = t.client();
    let a = c.sign_in("ada@example.test", "wrong password!").await;
    let b = c.sign_in("nobody@example.test", "wrong password!").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(b.status, StatusCode::UNAUTHORIZED);
    let msg = "The email address or the password is incorrect.";
    assert!(a.text.contains(msg) && b.text.contains(msg));
    assert!(!c.cookies.contains_key("amphi_session"));
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account() {
    let t = TestApp::new().await;
    t.member("ada@example.test", "Ada").await;
    let mut c = t.client();
    for _ in 0..5 {
        assert_eq!(
            c.sign_in("ada@example.test", "wrong password!")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused while the window lasts, with a clear message.
    let r = c.sign_in("ada@example.test", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.text.contains("Sign-in to this account is paused for ")
            && r.text.contains(" after too many tries."),
        "{}",
        r.text
    );
    assert!(r.text.contains("href=\"/password/forgot\""), "{}", r.text);
    assert!(r.headers.get("retry-after").is_some());
    // Another account from the same address is not blocked yet (per-IP ceiling is higher).
    t.member("bob@example.test", "Bob").await;
    // After the window, the right password works again.
    t.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        c.sign_in("ada@example.test", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_address() {
    let t = TestApp::with_config(|c| c.security.login_attempts_per_ip = 3).await;
    let mut c = t.client();
    for i in 0..3 {
        let r = c
            .sign_in(&format!("user{i}@example.test"), "wrong password!")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = c
        .sign_in("someone-else@example.test", "wrong password!")
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn password_reset_by_single_use_link() {
    let t = TestApp::new().await;
    let mut ada = t.member("ada@example.test", "Ada").await;
    let mut c = t.client();
    // Unknown address: the same answer, and no mail.
    let r = c
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "nobody@example.test")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("If an account exists"));
    let before = t.mails().len();
    t.run_jobs().await;
    assert_eq!(t.mails().len(), before);

    let r = c
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "ada@example.test")],
        )
        .await;
    assert!(r.text.contains("If an account exists"));
    let link = link_in(
        &t.last_mail_to("ada@example.test").await,
        "/password/reset?token=",
    );
    let path = path_of(&link);
    let token = path.split("token=").nth(1).unwrap().to_owned();

    // A too-short password is refused and the link stays usable.
    let r = c
        .submit(
            &path,
            "/password/reset",
            &[("token", &token), ("password", "short")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .submit(
            &path,
            "/password/reset",
            &[("token", &token), ("password", "a brand new passphrase")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    // Every session of the account ended; the old password no longer works, the new one does.
    assert!(ada.get("/").await.text.contains("Create an account"));
    assert_eq!(
        c.sign_in("ada@example.test", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.sign_in("ada@example.test", "a brand new passphrase")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Used link: refused.
    let mut d = t.client();
    assert_eq!(d.get(&path).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn reset_links_expire_and_newer_ones_void_older() {
    let t = TestApp::new().await;
    t.member("ada@example.test", "Ada").await;
    let mut c = t.client();
    c.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", "ada@example.test")],
    )
    .await;
    let first = path_of(&link_in(
        &t.last_mail_to("ada@example.test").await,
        "/password/reset?token=",
    ));
    c.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", "ada@example.test")],
    )
    .await;
    let second = path_of(&link_in(
        &t.last_mail_to("ada@example.test").await,
        "/password/reset?token=",
    ));
    assert_ne!(first, second);
    assert_eq!(
        c.get(&first).await.status,
        StatusCode::BAD_REQUEST,
        "older link voided"
    );
    assert_eq!(c.get(&second).await.status, StatusCode::OK);
    t.clock.advance(chrono::Duration::minutes(61));
    let r = c.get(&second).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text.contains("has expired"));
}

#[tokio::test]
async fn change_password_and_profile() {
    let t = TestApp::new().await;
    let mut web1 = t.member("ada@example.test", "Ada").await;
    let mut web2 = t.client();
    web2.sign_in("ada@example.test", PASSWORD).await;

    let r = web1
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", "another good passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("The current password is incorrect."));
    let r = web1
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "another good passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // This browser stays signed in; the other one is signed out.
    assert!(web1
        .get("/account")
        .await
        .text
        .contains("Your password has been changed"));
    assert_eq!(web2.get("/account").await.status, StatusCode::SEE_OTHER);

    let r = web1
        .submit(
            "/account",
            "/account",
            &[
                ("name", "Ada King"),
                ("locale", "fr"),
                ("time_zone", "Europe/Paris"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = web1.get("/account").await;
    assert!(
        page.text.contains("lang=\"fr\""),
        "preferred language applies"
    );
    assert!(page.text.contains("value=\"Ada King\""));
    assert!(
        page.text.contains("value=\"Europe&#x2f;Paris\""),
        "{}",
        page.text
    );

    let r = web1
        .submit(
            "/account",
            "/account",
            &[("name", "Ada"), ("time_zone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("Europe&#x2f;Paris"),
        "error explains what to enter"
    );
    assert!(
        web1.get("/account")
            .await
            .text
            .contains("value=\"Ada King\""),
        "nothing changed"
    );
}

#[tokio::test]
async fn language_negotiation_and_switcher() {
    let t = TestApp::new().await;
    let mut c = t.client();
    assert!(c.get("/").await.text.contains("<html lang=\"en\""));
    c.headers
        .push(("accept-language".into(), "fr-CA,fr;q=0.9,en;q=0.5".into()));
    let page = c.get("/signin").await;
    assert!(page.text.contains("<html lang=\"fr\""));
    assert!(page.text.contains("Connexion"));
    // The switcher wins over the browser for a visitor…
    let r = c
        .submit("/signin", "/lang", &[("locale", "en"), ("next", "/signin")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/signin");
    assert!(c.get("/signin").await.text.contains("<html lang=\"en\""));
    // …and refuses languages we do not have, and foreign redirects.
    let r = c.submit("/", "/lang", &[("locale", "xx")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = c
        .submit("/", "/lang", &[("locale", "fr"), ("next", "//evil.test/")])
        .await;
    assert_eq!(r.location(), "/");

    // A tenant whose default is French, for a browser that asks for neither.
    let mut admin = t.platform_admin().await;
    admin
        .submit(
            "/admin/site",
            "/admin/site",
            &[
                ("name", "Amphi"),
                ("default_locale", "fr"),
                ("signup_policy", "open"),
            ],
        )
        .await;
    let mut d = t.client();
    d.headers.push(("accept-language".into(), "de".into()));
    assert!(d.get("/").await.text.contains("<html lang=\"fr\""));
}

#[tokio::test]
async fn csrf_is_required_on_every_form() {
    let t = TestApp::new().await;
    t.member("ada@example.test", "Ada").await;
    let mut c = t.client();
    c.get("/signin").await;
    let r = c
        .post_raw(
            "/signin",
            &[("email", "ada@example.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("This form has expired"));
    let r = c
        .post_raw(
            "/signin",
            &[
                ("csrf", "forged"),
                ("email", "ada@example.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A token from another browser does not work in this one.
    let mut other = t.client();
    let foreign = other.get("/signin").await.csrf();
    let r = c
        .post_raw(
            "/signin",
            &[
                ("csrf", &foreign),
                ("email", "ada@example.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!c.cookies.contains_key("amphi_session"));

    // Signed-in forms too.
    let mut ada = t.client();
    ada.sign_in("ada@example.test", PASSWORD).await;
    let r = ada.post_raw("/account", &[("name", "Mallory")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(ada.get("/account").await.text.contains("value=\"Ada\""));
    let r = ada.post_raw("/signout", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(ada.get("/").await.text.contains("Hello, Ada"));
}

#[tokio::test]
async fn setup_link_creates_the_first_administrator_once() {
    let t = TestApp::new().await;
    let default = amphi_app::tenants::resolve_host(&t.app, HOST)
        .await
        .unwrap()
        .unwrap();
    let path = amphi_app::setup::setup_link(&t.app, &default)
        .await
        .unwrap()
        .unwrap();
    let mut c = t.client();
    let token = path.split("token=").nth(1).unwrap().to_owned();
    let r = c
        .submit(
            &path,
            "/setup",
            &[
                ("token", &token),
                ("email", "bad"),
                ("name", "Root"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .submit(
            &path,
            "/setup",
            &[
                ("token", &token),
                ("email", "root@example.test"),
                ("name", "Root"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/admin");
    assert!(c.get("/admin").await.text.contains("Sites (tenants)"));
    // Used once; and no new link while an administrator exists.
    assert_eq!(t.client().get(&path).await.status, StatusCode::BAD_REQUEST);
    assert!(amphi_app::setup::setup_link(&t.app, &default)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn setup_link_expires_after_a_day() {
    let t = TestApp::new().await;
    let default = amphi_app::tenants::resolve_host(&t.app, HOST)
        .await
        .unwrap()
        .unwrap();
    let path = amphi_app::setup::setup_link(&t.app, &default)
        .await
        .unwrap()
        .unwrap();
    t.clock.advance(chrono::Duration::hours(25));
    assert_eq!(t.client().get(&path).await.status, StatusCode::BAD_REQUEST);
}

/// Turns on two-step sign-in through the pages; returns the shared secret and recovery codes.
pub(crate) async fn enable_mfa(t: &TestApp, c: &mut Client) -> (Vec<u8>, Vec<String>) {
    let page = c.submit("/account/mfa", "/account/mfa/start", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("<svg"), "a QR code is shown");
    let key = page
        .text
        .split("id=\"mfa-secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let secret = amphi_auth::totp::decode_base32(&key).unwrap();
    let csrf = page.csrf();
    let wrong = c
        .post_raw(
            "/account/mfa/confirm",
            &[("csrf", &csrf), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = amphi_auth::totp::code_at(&secret, t.app.now().timestamp() as u64);
    let r = c
        .post_raw("/account/mfa/confirm", &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let codes: Vec<String> = r
        .text
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

#[tokio::test]
async fn two_step_sign_in_with_totp_and_recovery_codes() {
    let t = TestApp::new().await;
    let mut ada = t.member("ada@example.test", "Ada").await;
    let (secret, codes) = enable_mfa(&t, &mut ada).await;

    // The password alone no longer opens a session.
    let mut c = t.client();
    let r = c.sign_in("ada@example.test", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/signin/mfa"));
    assert!(!c.cookies.contains_key("amphi_session"));
    let r = c
        .submit("/signin/mfa", "/signin/mfa", &[("code", "123456")])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text.contains("not right"));
    t.clock.advance(chrono::Duration::seconds(31));
    let code = amphi_auth::totp::code_at(&secret, t.app.now().timestamp() as u64);
    let r = c
        .submit("/signin/mfa", "/signin/mfa", &[("code", &code)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(c.cookies.contains_key("amphi_session"));
    assert!(c.get("/").await.text.contains("Hello, Ada"));

    // The same code is refused a second time (replay), a recovery code works once.
    let mut d = t.client();
    d.sign_in("ada@example.test", PASSWORD).await;
    let r = d
        .submit("/signin/mfa", "/signin/mfa", &[("code", &code)])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "replayed code refused");
    let r = d
        .submit(
            "/signin/mfa",
            "/signin/mfa",
            &[("code", &codes[0].to_uppercase())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut e = t.client();
    e.sign_in("ada@example.test", PASSWORD).await;
    assert_eq!(
        e.submit("/signin/mfa", "/signin/mfa", &[("code", &codes[0])])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert!(ada
        .get("/account/mfa")
        .await
        .text
        .contains("Recovery codes left: 9."));

    // Without the pending step, the code page sends back to sign in; a forged one is refused.
    assert_eq!(t.client().get("/signin/mfa").await.location(), "/signin");
    let mut f = t.client();
    f.cookies
        .insert("amphi_mfa".into(), "forged.token.here".into());
    assert_eq!(
        f.submit("/signin/mfa", "/signin/mfa", &[("code", "123456")])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );

    // Turning it off needs the password and a code.
    t.clock.advance(chrono::Duration::seconds(31));
    let code = amphi_auth::totp::code_at(&secret, t.app.now().timestamp() as u64);
    let r = ada
        .submit(
            "/account/mfa",
            "/account/mfa/disable",
            &[("current_password", "wrong one!!"), ("code", &code)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = ada
        .submit(
            "/account/mfa",
            "/account/mfa/disable",
            &[("current_password", PASSWORD), ("code", &code)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut g = t.client();
    assert_eq!(
        g.sign_in("ada@example.test", PASSWORD).await.location(),
        "/"
    );
    let audit = amphi_db::repo::audit::list(
        t.app.db.reader(),
        ada_tenant(&t).await,
        &Default::default(),
        None,
        100,
    )
    .await
    .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"mfa.enabled") && actions.contains(&"mfa.disabled"));
}

async fn ada_tenant(t: &TestApp) -> amphi_core::TenantId {
    amphi_app::tenants::resolve_host(&t.app, HOST)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn a_tenant_can_require_two_step_sign_in_of_its_administrators() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let r = root
        .submit(
            "/admin/site",
            "/admin/site",
            &[
                ("name", "Amphi"),
                ("signup_policy", "open"),
                ("require_mfa_admins", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = root.get("/admin/users").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/account/mfa");
    assert!(root
        .get("/account/mfa")
        .await
        .text
        .contains("asks its administrators"));
    enable_mfa(&t, &mut root).await;
    assert_eq!(root.get("/admin/users").await.status, StatusCode::OK);
    // Members are not asked.
    let mut ada = t.member("ada@example.test", "Ada").await;
    assert!(ada.get("/").await.text.contains("Hello, Ada"));
}
