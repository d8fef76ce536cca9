//! The administrator's first day (issue 28, item 10): adding people and inviting them, the
//! first-run checklist, the uploaded logo, provider forms in plain fields with the addresses
//! to register and a connection test against real identity servers.

use crate::fixtures::{self, multipart};
use crate::support::*;
use amphi_peers::oidc_provider::OidcProvider;
use amphi_peers::saml_idp::SamlIdp;
use amphi_peers::slapd::Slapd;
use axum::http::{Method, StatusCode};
use serde_json::json;

/// Page text with the entities minijinja writes for `/`, quotes and ampersands turned back.
pub(crate) fn plain(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn an_administrator_adds_a_user_who_chooses_a_password_from_the_mail() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let page = root.get("/admin/users").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Add a user") && page.text.contains("Invite by email"));

    // Nothing typed: each message names its field, the form stays open.
    let r = root
        .submit(
            "/admin/users",
            "/admin/users/new",
            &[("name", ""), ("email", ""), ("role", "member")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = plain(&r.text);
    assert!(
        text.contains("Full name: This field is required."),
        "{text}"
    );
    assert!(text.contains("Email address: This field is required."));
    assert!(text.contains("id=\"add-user\" open"));
    // Too long: the limit and what was typed; what was typed is kept.
    let long = "x".repeat(2400);
    let r = root
        .submit(
            "/admin/users",
            "/admin/users/new",
            &[
                ("name", &long),
                ("email", "grace@example.test"),
                ("role", "tenant_admin"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = plain(&r.text);
    assert!(
        text.contains("Full name: 120 characters at most, you typed 2,400."),
        "{text}"
    );
    assert!(text.contains("value=\"grace@example.test\""));
    assert!(text.contains("<option value=\"tenant_admin\" selected>"));

    let r = root
        .submit(
            "/admin/users",
            "/admin/users/new",
            &[
                ("name", "Grace Hopper"),
                ("email", "Grace@Example.test"),
                ("role", "tenant_admin"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let list = root.get(&r.location()).await;
    assert!(list.text.contains("Grace Hopper") && list.text.contains("unverified"));
    assert!(list.text.contains("The account has been created"));
    // Added again: refused on the address.
    let r = root
        .submit(
            "/admin/users",
            "/admin/users/new",
            &[
                ("name", "Grace"),
                ("email", "grace@example.test"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(plain(&r.text).contains("Email address: An account already exists"));

    // The mail carries the link to choose a password; using it proves the address.
    let mail = t.last_mail_to("grace@example.test").await;
    assert!(
        mail.contains("Root Admin created an account for you"),
        "{mail}"
    );
    let link = link_in(&mail, "/password/reset?token=");
    let mut grace = t.client();
    let path = path_of(&link);
    let token = path.split("token=").nth(1).unwrap().to_owned();
    let r = grace
        .submit(
            &path,
            "/password/reset",
            &[("token", &token), ("password", "a brand new passphrase")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = grace
        .sign_in("grace@example.test", "a brand new passphrase")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // Added as an administrator of the site.
    assert_eq!(grace.get("/admin").await.status, StatusCode::OK);
    let audit = root.get("/admin/audit?action=user").await;
    assert!(
        audit.text.contains("Account created by an administrator"),
        "{}",
        audit.text
    );
    // Members cannot add anyone.
    let mut ada = t.member("ada@example.test", "Ada").await;
    let csrf = ada.get("/account").await.csrf();
    let r = ada
        .post_raw(
            "/admin/users/new",
            &[
                ("csrf", &csrf),
                ("name", "Eve"),
                ("email", "eve@example.test"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_administrator_invites_people_by_email() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    t.member("ada@example.test", "Ada").await;
    // One bad address: nothing is sent, the list typed is kept.
    let typed = "bob@example.test, not-an-address";
    let r = root
        .submit(
            "/admin/users",
            "/admin/users/invite",
            &[("emails", typed), ("role", "member")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = plain(&r.text);
    assert!(
        text.contains("Email addresses: Enter an email address"),
        "{text}"
    );
    assert!(text.contains(typed));
    assert!(text.contains("id=\"invite-users\" open"));

    let r = root
        .submit(
            "/admin/users",
            "/admin/users/invite",
            &[
                (
                    "emails",
                    "bob@example.test, cleo@example.test\nada@example.test\nbob@example.test",
                ),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/admin/users?invited=2&existing=1");
    let page = root.get(&r.location()).await;
    assert!(page.text.contains("2 invitations sent."), "{}", page.text);
    assert!(page.text.contains("1 address already had an account"));
    for who in ["bob@example.test", "cleo@example.test"] {
        let mail = t.last_mail_to(who).await;
        assert!(mail.contains("Root Admin invites you to join"), "{mail}");
        link_in(&mail, "/password/reset?token=");
    }
    // Ada's account is left as it is: no mail to her since her confirmation.
    let to_ada = t
        .mails()
        .into_iter()
        .filter(|m| m.contains("To: ada@example.test"))
        .count();
    assert_eq!(to_ada, 1);
    let audit = root.get("/admin/audit?action=user").await;
    assert!(audit.text.contains("Invited to create an account"));
}

#[tokio::test]
async fn the_admin_home_is_a_checklist_ticked_from_the_site() {
    let t = TestApp::new().await;
    let mut a = fixtures::admin(&t).await;
    let home = a.c.get("/admin").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text.contains("0 of 4 steps done."), "{}", home.text);
    for step in ["branding", "sign_in", "course", "mail"] {
        assert!(
            home.text
                .contains(&format!("class=\"todo\" id=\"step-{step}\"")),
            "{step}"
        );
    }
    // A brand colour and a closed sign-up.
    let r =
        a.c.submit(
            "/admin/site",
            "/admin/site",
            &[
                ("name", "Amphi"),
                ("default_locale", "en"),
                ("signup_policy", "closed"),
                ("primary_colour", "#0a7d3b"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    fixtures::api_course(
        &mut a,
        json!({"code": "C1", "title": "First course"}),
        json!({}),
        &[],
    )
    .await;
    let home = a.c.get("/admin").await;
    assert!(home.text.contains("3 of 4 steps done."), "{}", home.text);
    for step in ["branding", "sign_in", "course"] {
        assert!(
            home.text
                .contains(&format!("class=\"done\" id=\"step-{step}\"")),
            "{step}"
        );
    }
    // Mail is the operator's configuration: said so, with no link to a page.
    assert!(home.text.contains("class=\"todo\" id=\"step-mail\""));
    assert!(home.text.contains("mail.smtp_url"));
}

#[tokio::test]
async fn the_site_logo_is_uploaded_checked_and_served_from_the_site() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let page = root.get("/admin/site").await;
    assert!(page.text.contains("enctype=\"multipart/form-data\""));
    let csrf = page.csrf();
    // Not an image: refused next to the field.
    let (ct, body) = multipart(
        &[("csrf", &csrf)],
        Some(("logo.png", "image/png", b"hello")),
    );
    let r = root
        .request(Method::POST, "/admin/site/logo", Some(&ct), body)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(plain(&r.text).contains("Logo (file): "), "{}", r.text);
    // Too big: refused with its limit.
    let big = [b"\x89PNG\r\n\x1a\n".as_slice(), &vec![0u8; 1024 * 1024 + 1]].concat();
    let (ct, body) = multipart(&[("csrf", &csrf)], Some(("big.png", "image/png", &big)));
    let r = root
        .request(Method::POST, "/admin/site/logo", Some(&ct), body)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let (ct, body) = multipart(&[("csrf", &csrf)], Some(("logo.png", "image/png", png)));
    let r = root
        .request(Method::POST, "/admin/site/logo", Some(&ct), body)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let home = plain(&root.get("/").await.text);
    let i = home
        .find("src=\"/site/logo/")
        .expect("the logo in the header");
    let url = &home[i + 5..];
    let url = &url[..url.find('"').unwrap()];
    assert!(url.ends_with(".png"), "{url}");
    // Served to anyone, as a PNG, never as a page that runs scripts.
    let got = t.client().get(url).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers["content-type"], "image/png");
    assert!(got.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert_eq!(
        t.client().get("/site/logo/../../secret.png").await.status,
        StatusCode::NOT_FOUND
    );
    // The address stays the other way: the settings form shows it and takes another.
    let page = plain(&root.get("/admin/site").await.text);
    assert!(page.contains(&format!("value=\"{url}\"")), "{page}");
}

/// Adds a provider through the plain form; returns the page it lands on.
async fn add_on_page(root: &mut Client, kind: &str, fields: &[(&str, &str)]) -> Resp {
    let new = format!("/admin/identity-providers/new?kind={kind}");
    let mut all = vec![
        ("kind", kind),
        ("enabled", "true"),
        ("jit", "true"),
        ("map_email", "email"),
        ("map_name", "name"),
        ("group_rules", "[]"),
    ];
    all.extend_from_slice(fields);
    let r = root
        .submit(&new, "/admin/identity-providers/new", &all)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    root.get(&r.location()).await
}

/// Presses "Test the connection" on a provider's page.
async fn test_connection(root: &mut Client, page: &Resp) -> String {
    let text = plain(&page.text);
    let test = text
        .split("action=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/test"))
        .unwrap_or_else(|| panic!("no test button: {text}"))
        .to_owned();
    let csrf = page.csrf();
    let r = root.post_raw(&test, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    plain(&r.text)
}

#[tokio::test]
async fn an_oidc_provider_in_plain_fields_shows_its_redirect_uri_and_tests_its_connection() {
    let peer = OidcProvider::start(&["http://127.0.0.1:8080/sso/oidc/corp/callback"])
        .expect("oidc-provider starts");
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let form = plain(
        &root
            .get("/admin/identity-providers/new?kind=oidc")
            .await
            .text,
    );
    for label in [
        "Issuer or discovery URL",
        "Client id",
        "Client secret",
        "Scopes",
    ] {
        assert!(form.contains(label), "{label}");
    }
    assert!(!form.contains("Configuration (JSON)"));
    // A refused value is named next to its own field, and what was typed stays.
    let r = root
        .submit(
            "/admin/identity-providers/new?kind=oidc",
            "/admin/identity-providers/new",
            &[
                ("kind", "oidc"),
                ("slug", "corp"),
                ("display_name", "Corp ID"),
                ("cfg_issuer", "not a url"),
                ("cfg_client_id", "amphi"),
                ("map_email", "email"),
                ("map_name", "name"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = plain(&r.text);
    assert!(text.contains("id=\"f-cfg_issuer-error\""), "{text}");
    assert!(text.contains("Issuer or discovery URL: "), "{text}");
    assert!(
        text.contains("Client secret: This field is required."),
        "{text}"
    );
    assert!(text.contains("value=\"amphi\""));

    let issuer = peer.issuer();
    let page = add_on_page(
        &mut root,
        "oidc",
        &[
            ("slug", "corp"),
            ("display_name", "Corp ID"),
            ("cfg_issuer", &issuer),
            ("cfg_client_id", "amphi"),
            ("cfg_client_secret", "amphi-secret"),
            ("cfg_scopes", "email profile groups"),
            ("cfg_userinfo", "true"),
        ],
    )
    .await;
    let text = plain(&page.text);
    assert!(text.contains("http://127.0.0.1:8080/sso/oidc/corp/callback"));
    assert!(text.contains("data-copy=\"url-callback\""), "a copy button");
    assert!(
        !text.contains("amphi-secret"),
        "the secret is not shown back"
    );
    assert!(text.contains("A secret is saved."));
    assert!(text.contains("value=\"email profile groups\""));
    let report = test_connection(&mut root, &page).await;
    assert!(report.contains("The connection works."), "{report}");
    assert!(report.contains("Signing keys found"), "{report}");

    // Saving again without typing the secret keeps it: the test still passes.
    let csrf = page.csrf();
    // The provider's own form (the page also has the test button's form).
    let id_path = text
        .split("action=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.starts_with("/admin/identity-providers/") && !a.ends_with("/test"))
        .unwrap()
        .to_owned();
    let r = root
        .post_raw(
            &id_path,
            &[
                ("csrf", &csrf),
                ("kind", "oidc"),
                ("slug", "corp"),
                ("display_name", "Corp ID"),
                ("enabled", "true"),
                ("cfg_issuer", &issuer),
                ("cfg_client_id", "amphi"),
                ("cfg_client_secret", ""),
                ("map_email", "email"),
                ("map_name", "name"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = root.get(&r.location()).await;
    assert!(test_connection(&mut root, &page)
        .await
        .contains("The connection works."));

    // A provider that does not answer: the report says so and what went wrong.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let page = add_on_page(
        &mut root,
        "oidc",
        &[
            ("slug", "gone"),
            ("display_name", "Gone"),
            ("cfg_issuer", &dead),
            ("cfg_client_id", "x"),
            ("cfg_client_secret", "y"),
        ],
    )
    .await;
    let report = test_connection(&mut root, &page).await;
    assert!(
        report.contains("The connection does not work yet."),
        "{report}"
    );
    assert!(report.contains("Problem: "), "{report}");
}

#[tokio::test]
async fn ldap_and_saml_connection_tests_against_real_servers() {
    let s = Slapd::start().expect("slapd starts");
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let page = add_on_page(
        &mut root,
        "ldap",
        &[
            ("slug", "school"),
            ("display_name", "School directory"),
            ("cfg_url", &s.ldap_url),
            ("cfg_bind_dn", &s.service_dn),
            ("cfg_bind_password", &s.service_password),
            ("cfg_base_dn", &s.people_dn),
            (
                "cfg_user_filter",
                "(&(objectClass=inetOrgPerson)(uid={username}))",
            ),
            ("cfg_attributes", "mail cn displayName entryUUID"),
            ("cfg_timeout_ms", "3000"),
        ],
    )
    .await;
    let report = test_connection(&mut root, &page).await;
    assert!(report.contains("The connection works."), "{report}");
    assert!(report.contains(&s.people_dn), "{report}");
    // A wrong service password: a clear failure.
    let page = add_on_page(
        &mut root,
        "ldap",
        &[
            ("slug", "wrong"),
            ("display_name", "Wrong"),
            ("cfg_url", &s.ldap_url),
            ("cfg_bind_dn", &s.service_dn),
            ("cfg_bind_password", "not it"),
            ("cfg_base_dn", &s.people_dn),
            (
                "cfg_user_filter",
                "(&(objectClass=inetOrgPerson)(uid={username}))",
            ),
        ],
    )
    .await;
    let report = test_connection(&mut root, &page).await;
    assert!(
        report.contains("The connection does not work yet."),
        "{report}"
    );

    // SAML: the page gives the ACS and metadata addresses; the test reads the IdP metadata.
    let page = add_on_page(
        &mut root,
        "saml",
        &[
            ("slug", "uni"),
            ("display_name", "Uni"),
            ("cfg_idp_metadata_url", "http://127.0.0.1:9/metadata"),
        ],
    )
    .await;
    let text = plain(&page.text);
    assert!(text.contains("http://127.0.0.1:8080/sso/saml/uni/acs"));
    assert!(text.contains("http://127.0.0.1:8080/sso/saml/uni/metadata"));
    let report = test_connection(&mut root, &page).await;
    assert!(
        report.contains("The connection does not work yet."),
        "{report}"
    );
    let md = t.client().get("/sso/saml/uni/metadata").await;
    let idp = SamlIdp::start(&md.text, false).expect("the pysaml2 IdP starts");
    let page = add_on_page(
        &mut root,
        "saml",
        &[
            ("slug", "uni2"),
            ("display_name", "Uni 2"),
            ("cfg_idp_metadata_url", &idp.metadata_url()),
        ],
    )
    .await;
    let report = test_connection(&mut root, &page).await;
    assert!(report.contains("The connection works."), "{report}");
    assert!(report.contains("Metadata read"), "{report}");
}
