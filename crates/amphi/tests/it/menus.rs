//! The site's menu shows each person the entries they may use, and a page they may not use
//! says what happened and what to do.

use crate::fixtures::*;
use crate::support::*;
use axum::http::StatusCode;

/// Whether the page's main menu links to `href`.
fn menu_has(page: &Resp, href: &str) -> bool {
    let nav = between(&page.text, "<ul class=\"nav\">", "</ul>");
    nav.contains(&format!("href=\"{href}\""))
}

#[tokio::test]
async fn each_person_sees_the_menu_entries_they_may_use() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let built = page_course(
        &mut root,
        &PageCourse {
            code: "MENU101",
            title: "Menus",
            summary: None,
            run: "2027",
            items: &[],
        },
    )
    .await;
    let home = root.get("/").await;
    assert!(
        menu_has(&home, "/teach") && menu_has(&home, "/admin"),
        "{}",
        home.text
    );

    // A learner: no Teaching, no Administration; the page behind Teaching says why not.
    let mut lea = t.member("lea@example.test", "Léa").await;
    let home = lea.get("/").await;
    assert!(menu_has(&home, "/account"), "{}", home.text);
    assert!(
        !menu_has(&home, "/teach") && !menu_has(&home, "/admin"),
        "{}",
        home.text
    );
    let r = lea.get("/teach").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.text.contains("You do not have access to this page"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("You are signed in as lea@example.test."),
        "{}",
        r.text
    );
    assert!(r.text.contains("ask them to add you"), "{}", r.text);
    assert!(
        // (`&#x2f;` is "/", escaped in the attribute)
        r.text.contains("href=\"/signin?next=&#x2f;teach\""),
        "{}",
        r.text
    );
    assert_eq!(lea.get("/admin").await.status, StatusCode::FORBIDDEN);

    // Added to the course team, she has Teaching on her next page (not Administration).
    let people = format!("/teach/runs/{}/learners", built.run);
    let r = root
        .submit(
            &people,
            &format!("/teach/runs/{}/members", built.run),
            &[
                ("email", "lea@example.test"),
                ("role", "teaching_assistant"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let home = lea.get("/").await;
    assert!(menu_has(&home, "/teach"), "{}", home.text);
    assert!(!menu_has(&home, "/admin"), "{}", home.text);
    let teach = lea.get("/teach").await;
    assert_eq!(teach.status, StatusCode::OK);
    assert!(teach.text.contains("Menus"), "{}", teach.text);

    // In French too.
    let mut fr = t.member("noe@example.test", "Noé").await;
    let r = fr
        .submit("/", "/lang", &[("locale", "fr"), ("next", "/teach")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = fr.get("/teach").await;
    assert!(
        r.text.contains("Vous n'avez pas accès à cette page")
            || r.text.contains("Vous n&#x27;avez pas accès à cette page"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn a_missing_page_says_so_and_leads_to_the_catalog() {
    let t = TestApp::new().await;
    let mut c = t.member("max@example.test", "Max").await;
    let r = c.get("/learn/01900000-0000-7000-8000-000000000000").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("Page not found"), "{}", r.text);
    assert!(r.text.contains("href=\"/catalog\""), "{}", r.text);
}
