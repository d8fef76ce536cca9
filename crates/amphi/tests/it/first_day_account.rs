//! Everyone's first day (issue 28, items 11 and 12): messages that name their field and its
//! limit, character counters, the warning before a sign-in pause, dates in the reader's
//! language and time zone, audit actions by name, French agreement in filters.

use crate::first_day_admin::plain;
use crate::support::*;
use axum::http::StatusCode;

#[tokio::test]
async fn the_setup_form_names_each_missing_field() {
    let t = TestApp::new().await;
    let default = amphi_app::tenants::resolve_host(&t.app, HOST)
        .await
        .unwrap()
        .unwrap();
    let path = amphi_app::setup::setup_link(&t.app, &default)
        .await
        .unwrap()
        .unwrap();
    let token = path.split("token=").nth(1).unwrap().to_owned();
    let mut c = t.client();
    let r = c
        .submit(
            &path,
            "/setup",
            &[
                ("token", &token),
                ("email", ""),
                ("name", ""),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = plain(&r.text);
    assert!(
        !text.contains("<li><a href=\"#f-name\">This field is required."),
        "{text}"
    );
    for label in ["Full name", "Email address", "Password"] {
        assert!(
            text.contains(&format!("{label}: This field is required.")),
            "{label}: {text}"
        );
    }
    // In French, with the space French puts before a colon.
    c.cookies.insert("amphi_lang".into(), "fr".into());
    let r = c
        .submit(
            &path,
            "/setup",
            &[
                ("token", &token),
                ("email", "root@example.test"),
                ("name", &"é".repeat(130)),
                ("password", "x"),
            ],
        )
        .await;
    let text = plain(&r.text);
    assert!(
        text.contains("Nom complet\u{a0}: 120 caractères au maximum, vous en avez saisi 130."),
        "{text}"
    );
    assert!(
        text.contains("Mot de passe\u{a0}: Le mot de passe doit comporter au moins 10 caractères.")
    );
}

#[tokio::test]
async fn limited_fields_carry_a_counter_that_works_without_script() {
    let t = TestApp::new().await;
    let page = t.client().get("/signup").await;
    let text = plain(&page.text);
    assert!(text.contains("data-maxlength=\"120\""), "{text}");
    assert!(text.contains("aria-describedby=\"f-name-count\""), "{text}");
    assert!(text.contains("id=\"f-name-count\" aria-live=\"polite\""));
    assert!(text.contains("120 characters at most."));
    assert!(text.contains("/static/forms.js"));
    let js = t.client().get("/static/forms.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.text.contains("data-maxlength"));
}

#[tokio::test]
async fn sign_in_warns_before_the_pause_and_leads_to_the_password_reset() {
    let t = TestApp::new().await;
    t.member("ada@example.test", "Ada").await;
    let mut c = t.client();
    let r = c.sign_in("ada@example.test", "wrong one").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let text = plain(&r.text);
    assert!(text.contains("The email address or the password is incorrect."));
    assert!(!text.contains("tries left"), "no warning at the first try");
    let r = c.sign_in("ada@example.test", "wrong two").await;
    let text = plain(&r.text);
    assert!(
        text.contains(
            "You have 3 tries left before sign-in to this account is paused for up to 15 minutes."
        ),
        "{text}"
    );
    assert!(text.contains("href=\"/password/forgot\""));
    c.sign_in("ada@example.test", "wrong three").await;
    let r = c.sign_in("ada@example.test", "wrong four").await;
    assert!(plain(&r.text).contains("You have 1 try left"), "{}", r.text);
    let r = c.sign_in("ada@example.test", "wrong five").await;
    let text = plain(&r.text);
    assert!(
        text.contains("Sign-in to this account is paused for 15 minutes"),
        "{text}"
    );
    assert!(text.contains("Forgotten your password? Reset it by email"));
    // The next one is refused even with the right password, and says where to go.
    let r = c.sign_in("ada@example.test", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let text = plain(&r.text);
    assert!(
        text.contains("Sign-in to this account is paused for"),
        "{text}"
    );
    assert!(text.contains("href=\"/password/forgot\""));
    // Unknown addresses count the same way (nothing tells who has an account).
    let mut d = t.client();
    d.sign_in("nobody@example.test", "x1").await;
    let r = d.sign_in("nobody@example.test", "x2").await;
    assert!(plain(&r.text).contains("You have 3 tries left"));
}

#[tokio::test]
async fn dates_follow_the_readers_zone_and_language() {
    let t = TestApp::new().await;
    let mut ada = t.member("ada@example.test", "Ada").await;
    // No zone anywhere: UTC, said so.
    let page = ada.get("/account").await;
    assert!(page.text.contains(" UTC</td>"), "{}", page.text);
    // The browser's zone (set by the page's script) when the profile has none.
    ada.cookies.insert("amphi_tz".into(), "Asia/Tokyo".into());
    let page = ada.get("/account").await;
    assert!(page.text.contains(" JST</td>"), "{}", page.text);
    assert!(!page.text.contains(" UTC</td>"));
    // The profile's zone wins once chosen; French writes dates its way.
    let r = ada
        .submit(
            "/account",
            "/account",
            &[
                ("name", "Ada"),
                ("locale", "fr"),
                ("time_zone", "America/Sao_Paulo"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = ada.get("/account").await;
    assert!(page.text.contains(" -03</td>"), "{}", page.text);
    assert!(page.text.contains(" à "), "{}", page.text);
}

#[tokio::test]
async fn the_audit_trail_names_actions_in_the_readers_language() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    t.member("ada@example.test", "Ada").await;
    t.client().sign_in("ada@example.test", "not it").await;
    let page = root.get("/admin/audit").await;
    assert!(page.text.contains(">Sign-in failed<"), "{}", page.text);
    assert!(page
        .text
        .contains("<option value=\"sign_in\">Sign-ins</option>"));
    let r = root
        .submit(
            "/admin/audit",
            "/lang",
            &[("locale", "fr"), ("next", "/admin/audit")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = root.get("/admin/audit").await;
    assert!(page.text.contains(">Échec de connexion<"), "{}", page.text);
    let csv = root.get("/admin/audit.csv?action=sign_in").await;
    assert!(csv.text.starts_with("at,action,action_code,actor"));
    assert!(
        csv.text.contains("Échec de connexion,sign_in.failure"),
        "{}",
        csv.text
    );
}

#[tokio::test]
async fn french_filters_agree_with_feminine_nouns() {
    let t = TestApp::new().await;
    let mut c = t.client();
    c.cookies.insert("amphi_lang".into(), "fr".into());
    let page = c.get("/catalog").await;
    // "Langue" is feminine: Toutes; "Format" is masculine: Tous.
    assert!(
        page.text.contains("<option value=\"\">Toutes</option>"),
        "{}",
        page.text
    );
    assert!(page.text.contains("<option value=\"\">Tous</option>"));
}
