//! Certificates end to end: the gradebook's call issues one through the job, the learner
//! downloads it, anyone verifies it, staff revoke and re-issue it; bad codes, other learners,
//! other tenants and learners who did not pass get nothing.

use crate::fixtures::*;
use crate::support::*;
use amphi_core::TenantId;
use axum::http::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

struct Setup {
    t: TestApp,
    root: Client,
    ada: Client,
    run: String,
    items: Vec<String>,
    tenant: Uuid,
}

impl Setup {
    async fn user_id(&self, email: &str) -> Uuid {
        amphi_db::repo::users::by_email(self.t.app.db.reader(), TenantId(self.tenant), email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    fn run_id(&self) -> Uuid {
        self.run.parse().unwrap()
    }

    async fn result(&self, email: &str, passed: bool, grade: Option<f64>) {
        let user = self.user_id(email).await;
        amphi_app::certificates::on_course_result(
            &self.t.app,
            self.tenant,
            self.run_id(),
            user,
            passed,
            grade,
        )
        .await
        .unwrap();
    }

    async fn settings(&mut self, enabled: bool, min: &str, show_grade: &str) {
        let page = format!("/teach/runs/{}/certificates", self.run);
        let mut f = vec![("min_completion_percent", min), ("show_grade", show_grade)];
        if enabled {
            f.push(("enabled", "on"));
        }
        let r = self
            .root
            .submit(&page, &format!("{page}/settings"), &f)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    }

    async fn complete(&mut self, who: &mut Client, n: usize) {
        for it in self.items.iter().take(n) {
            let page = format!("/learn/{}/items/{it}", self.run);
            let r = who.submit(&page, &format!("{page}/complete"), &[]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        }
    }

    /// Certificates of the run as the course team's API lists them.
    async fn listed(&mut self, token: &str) -> Vec<serde_json::Value> {
        let r = self
            .root
            .api(
                Method::GET,
                &format!("/api/v1/runs/{}/certificates", self.run),
                token,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()["items"].as_array().unwrap().clone()
    }
}

/// A published course with two pages, and Ada enrolled in it.
async fn setup() -> Setup {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let page = |title| PageItem {
        kind: "page",
        title,
        body: Some("Text."),
        published: true,
    };
    let course = page_course(
        &mut root,
        &PageCourse {
            code: "ds101",
            title: "Data Science",
            summary: Some("Numbers."),
            run: "Autumn 2026",
            items: &[page("One"), page("Two")],
        },
    )
    .await;
    let (run, items) = (course.run, course.items);
    let mut ada = t.member("ada@example.test", "Ada Lovelace").await;
    let r = ada
        .submit("/courses/DS101", &format!("/runs/{run}/enrol"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let tenant = amphi_app::tenants::resolve_host(&t.app, HOST)
        .await
        .unwrap()
        .unwrap()
        .id
        .0;
    Setup {
        t,
        root,
        ada,
        run,
        items,
        tenant,
    }
}

#[tokio::test]
async fn a_passed_learner_gets_a_certificate_that_verifies_until_revoked() {
    let mut s = setup().await;
    // The learner opens the course home before the run gives certificates (its structure is
    // cached then); saving the settings must make the home look for certificates.
    let mut ada = s.ada.clone();
    let before = ada.get(&format!("/learn/{}", s.run)).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!before.text.contains("cert-h"), "{}", before.text);
    s.settings(true, "100", "yes").await;
    s.complete(&mut ada, 2).await;

    s.result("ada@example.test", true, Some(87.5)).await;
    // Repeated grade changes queue nothing more; the newest grade is the one printed.
    s.result("ada@example.test", true, Some(91.25)).await;
    let course_home = ada.get(&format!("/learn/{}", s.run)).await;
    assert!(
        course_home.text.contains("being prepared"),
        "{}",
        course_home.text
    );
    s.t.run_jobs().await;
    let mail = s.t.last_mail_to("ada@example.test").await;
    assert!(mail.contains("Your certificate: Data Science"), "{mail}");
    let pdf_link = path_of(&link_in(&mail, "/pdf"));
    let verify_link = path_of(&link_in(&mail, "/verify/"));
    let code = verify_link.trim_start_matches("/verify/").to_owned();
    assert_eq!(code.len(), 14, "{code}");

    // The learner downloads it from the course home.
    let course_home = ada.get(&format!("/learn/{}", s.run)).await;
    assert!(course_home.text.contains(&pdf_link), "{}", course_home.text);
    let pdf = ada.get(&pdf_link).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.text.starts_with("%PDF-"));
    assert!(pdf.text.len() > 2000);
    let mine = ada.get("/certificates").await;
    assert!(mine.text.contains("Data Science") && mine.text.contains(&code));

    // Another learner, and anonymous visitors, cannot have it.
    let mut bob = s.t.member("bob@example.test", "Bob").await;
    assert_eq!(bob.get(&pdf_link).await.status, StatusCode::NOT_FOUND);
    let anon = s.t.client().get(&pdf_link).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    // The course team can.
    assert_eq!(s.root.get(&pdf_link).await.status, StatusCode::OK);

    // Anyone verifies it, with or without dashes, in any case.
    let mut anon = s.t.client();
    let v = anon.get(&verify_link).await;
    assert_eq!(v.status, StatusCode::OK);
    assert!(v.text.contains("This certificate is valid."), "{}", v.text);
    assert!(v.text.contains("Ada Lovelace") && v.text.contains("Data Science"));
    assert!(v.text.contains("Autumn 2026"));
    assert!(v.text.contains("91.3 %"), "{}", v.text);
    let lower = code.replace('-', "").to_lowercase();
    let v = anon.get(&format!("/verify?code={lower}")).await;
    assert_eq!(v.status, StatusCode::SEE_OTHER);
    assert_eq!(v.location(), verify_link);
    let api = anon.get(&format!("/api/v1/verify/{lower}")).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text);
    assert_eq!(api.json()["status"], "valid");
    assert_eq!(api.json()["learner_name"], "Ada Lovelace");
    assert_eq!(api.json()["grade_percent"], 91.25);

    // Staff revoke it with a reason: the page says so, the download is gone.
    let cert_id = between(&pdf_link, "/certificates/", "/pdf").to_owned();
    let page = format!("/teach/runs/{}/certificates", s.run);
    let r = s
        .root
        .submit(
            &page,
            &format!("{page}/{cert_id}/revoke"),
            &[("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "reason needed");
    let r = s
        .root
        .submit(
            &page,
            &format!("{page}/{cert_id}/revoke"),
            &[("reason", "Plagiarism found")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let v = anon.get(&verify_link).await;
    assert_eq!(v.status, StatusCode::OK);
    assert!(v.text.contains("was revoked on"), "{}", v.text);
    assert!(!v.text.contains("This certificate is valid."));
    assert_eq!(
        anon.get(&format!("/api/v1/verify/{code}")).await.json()["status"],
        "revoked"
    );
    assert_eq!(ada.get(&pdf_link).await.status, StatusCode::NOT_FOUND);
    let audit = s.root.get("/admin/audit?action=certificate").await;
    assert!(audit.text.contains("certificate.revoked"), "{}", audit.text);
    // A revoked certificate is not issued again by the next grade change.
    s.result("ada@example.test", true, Some(95.0)).await;
    assert_eq!(s.t.run_jobs().await, 0);

    // Re-issue: a new code that verifies; the old one stays revoked.
    let r = s
        .root
        .submit(&page, &format!("{page}/{cert_id}/reissue"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    s.t.run_jobs().await;
    let mail = s.t.last_mail_to("ada@example.test").await;
    let new_verify = path_of(&link_in(&mail, "/verify/"));
    assert_ne!(new_verify, verify_link);
    assert!(anon
        .get(&new_verify)
        .await
        .text
        .contains("This certificate is valid."));
    assert!(anon.get(&verify_link).await.text.contains("was revoked on"));
    let new_pdf = path_of(&link_in(&mail, "/pdf"));
    assert_eq!(ada.get(&new_pdf).await.status, StatusCode::OK);
    // Re-issuing the revoked one again is refused (it already has a replacement).
    let r = s
        .root
        .submit(&page, &format!("{page}/{cert_id}/reissue"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    // Re-issuing a valid certificate revokes it in favour of the new one.
    let new_id = between(&new_pdf, "/certificates/", "/pdf").to_owned();
    let r = s
        .root
        .submit(&page, &format!("{page}/{new_id}/reissue"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    s.t.run_jobs().await;
    assert!(anon.get(&new_verify).await.text.contains("was revoked on"));
    let third = path_of(&link_in(
        &s.t.last_mail_to("ada@example.test").await,
        "/verify/",
    ));
    assert_ne!(third, new_verify);
    assert!(anon
        .get(&third)
        .await
        .text
        .contains("This certificate is valid."));
}

#[tokio::test]
async fn no_certificate_without_a_pass_or_enough_completion() {
    let mut s = setup().await;
    let mut ada = s.ada.clone();
    s.complete(&mut ada, 1).await;
    let token = s.root.create_token(&["read", "admin"], "1").await;

    // The run gives none yet.
    s.result("ada@example.test", true, Some(90.0)).await;
    assert_eq!(s.t.run_jobs().await, 0);

    // 50 % done, 80 % required.
    s.settings(true, "80", "site").await;
    s.result("ada@example.test", true, Some(90.0)).await;
    s.t.run_jobs().await;
    assert!(s.listed(&token).await.is_empty());

    // Everything done but not passed.
    s.complete(&mut ada, 2).await;
    s.result("ada@example.test", false, Some(40.0)).await;
    assert_eq!(s.t.run_jobs().await, 0);
    assert!(s.listed(&token).await.is_empty());

    // Staff are never given one (only learners).
    let root_id = s.user_id("root@example.test").await;
    amphi_app::certificates::on_course_result(
        &s.t.app,
        s.tenant,
        s.run_id(),
        root_id,
        true,
        Some(100.0),
    )
    .await
    .unwrap();
    assert!(s.listed(&token).await.is_empty());

    // Passed: issued, with no grade printed when the run says so.
    s.settings(true, "80", "no").await;
    s.result("ada@example.test", true, Some(90.0)).await;
    s.t.run_jobs().await;
    let list = s.listed(&token).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["status"], "issued");
    assert_eq!(list[0]["show_grade"], false);
    let code = list[0]["code"].as_str().unwrap().to_owned();
    let v = s.t.client().get(&format!("/api/v1/verify/{code}")).await;
    assert_eq!(v.json()["grade_percent"], serde_json::Value::Null);

    // A later failing result leaves the issued certificate alone.
    s.result("ada@example.test", false, Some(10.0)).await;
    assert_eq!(s.listed(&token).await[0]["status"], "issued");

    // Bad settings are refused and change nothing.
    let page = format!("/teach/runs/{}/certificates", s.run);
    let r = s
        .root
        .submit(
            &page,
            &format!("{page}/settings"),
            &[("enabled", "on"), ("min_completion_percent", "150")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = s
        .root
        .api(
            Method::GET,
            &format!("/api/v1/runs/{}/certificate-settings", s.run),
            &token,
            None,
        )
        .await;
    assert_eq!(r.json()["min_completion_percent"], 80);
}

#[tokio::test]
async fn forged_codes_get_a_plain_404_and_are_rate_limited() {
    let mut s = setup().await;
    s.settings(true, "0", "yes").await;
    s.result("ada@example.test", true, Some(70.0)).await;
    s.t.run_jobs().await;
    let mut anon = s.t.client();
    for bad in [
        "/verify/ABCD-EFGH-JKMN",
        "/verify/not-a-code",
        "/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/verify/'%20OR%201=1--",
    ] {
        let r = anon.get(bad).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
        assert!(r.text.contains("Certificate not found"), "{}", r.text);
        assert!(!r.text.contains("Ada") && !r.text.contains("Data Science"));
        assert!(!r.text.contains("<script>alert"));
    }
    let r = anon.get("/api/v1/verify/ABCDEFGHJKMN").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
    // The French page too.
    anon.headers.push(("accept-language".into(), "fr".into()));
    let r = anon.get("/verify/ZZZZ-ZZZZ-ZZZZ").await;
    assert!(r.text.contains("Certificat introuvable"), "{}", r.text);
    anon.headers.clear();
    // Guessing is throttled per address: 30 failures a window, then 429 even for good codes.
    for _ in 0..30 {
        anon.get("/verify/ZZZZ-ZZZZ-ZZZZ").await;
    }
    let r = anon.get("/verify/ZZZZ-ZZZZ-ZZZZ").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert!(r.headers.contains_key("retry-after"));
    let list = amphi_app::certificates::mine(
        &s.t.app,
        &amphi_app::Caller::cli(
            amphi_app::users::User::from(
                amphi_db::repo::users::by_email(
                    s.t.app.db.reader(),
                    TenantId(s.tenant),
                    "ada@example.test",
                )
                .await
                .unwrap()
                .unwrap(),
            ),
            "http://localhost",
        ),
    )
    .await
    .unwrap();
    let good = list[0].verify_path.clone();
    assert_eq!(anon.get(&good).await.status, StatusCode::TOO_MANY_REQUESTS);
    // The form itself is there, labelled.
    let form = s.t.client().get("/verify").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("<label for=\"f-code\">"));
}

#[tokio::test]
async fn a_code_is_not_found_on_another_tenants_site() {
    let mut s = setup().await;
    s.settings(true, "0", "yes").await;
    s.result("ada@example.test", true, Some(70.0)).await;
    s.t.run_jobs().await;
    let token = s.root.create_token(&["read", "admin"], "1").await;
    let code = s.listed(&token).await[0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = s
        .root
        .api(
            Method::POST,
            "/api/v1/tenants",
            &token,
            Some(json!({"slug": "acme", "name": "Acme Academy", "hosts": ["acme.test"], "signup_policy": "open"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let mut acme = s.t.client_on("acme.test");
    assert_eq!(
        acme.get(&format!("/verify/{code}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        acme.get(&format!("/api/v1/verify/{code}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.t.client().get(&format!("/verify/{code}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_api_lists_revokes_and_reissues() {
    let mut s = setup().await;
    s.settings(true, "0", "yes").await;
    s.result("ada@example.test", true, Some(75.0)).await;
    s.t.run_jobs().await;
    let token = s.root.create_token(&["read", "admin"], "1").await;
    let list = s.listed(&token).await;
    assert_eq!(list.len(), 1);
    let id = list[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list[0]["learner_name"], "Ada Lovelace");
    assert_eq!(list[0]["grade_percent"], 75.0);

    // A learner's token sees their own, not the run's list, and cannot revoke.
    let mut ada = s.ada.clone();
    let ada_token = ada.create_token(&["read", "write"], "1").await;
    let mine = ada
        .api(Method::GET, "/api/v1/me/certificates", &ada_token, None)
        .await;
    assert_eq!(mine.json().as_array().unwrap().len(), 1);
    let r = ada
        .api(
            Method::GET,
            &format!("/api/v1/runs/{}/certificates", s.run),
            &ada_token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = ada
        .api(
            Method::POST,
            &format!("/api/v1/certificates/{id}/revoke"),
            &ada_token,
            Some(json!({"reason": "mine"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    let revoke = |reason: serde_json::Value| {
        let path = format!("/api/v1/certificates/{id}/revoke");
        let mut root = s.root.clone();
        let token = token.clone();
        async move { root.api(Method::POST, &path, &token, Some(reason)).await }
    };
    assert_eq!(
        revoke(json!({"reason": "  "})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        revoke(json!({"why": "x"})).await.status,
        StatusCode::BAD_REQUEST
    );
    let r = revoke(json!({"reason": "Identity fraud"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "revoked");
    assert_eq!(r.json()["revoke_reason"], "Identity fraud");
    assert_eq!(
        revoke(json!({"reason": "again"})).await.status,
        StatusCode::CONFLICT
    );
    let r = s
        .root
        .api(
            Method::POST,
            &format!("/api/v1/certificates/{id}/reissue"),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["status"], "pending");
    s.t.run_jobs().await;
    let list = s.listed(&token).await;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["status"], "issued");
    assert_eq!(list[1]["status"], "revoked");
    assert_eq!(list[1]["replaced_by"], list[0]["id"]);
    // Unknown ids are 404s; a certificate of another run's URL too.
    let r = s
        .root
        .api(
            Method::POST,
            &format!("/api/v1/certificates/{}/reissue", Uuid::now_v7()),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let filtered = s
        .root
        .api(
            Method::GET,
            &format!("/api/v1/runs/{}/certificates?status=revoked", s.run),
            &token,
            None,
        )
        .await;
    assert_eq!(filtered.json()["items"].as_array().unwrap().len(), 1);
    let doc = s.t.client().get("/api/v1/openapi.json").await;
    assert!(doc.text.contains("/api/v1/runs/{id}/certificates"));
    assert!(doc.text.contains("/api/v1/verify/{code}"));
}

#[tokio::test]
async fn tenant_admins_set_the_template_and_preview_it() {
    let mut s = setup().await;
    let page = s.root.get("/admin/certificates").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf();
    let r = s
        .root
        .submit(
            "/admin/certificates",
            "/admin/certificates",
            &[("colour", "blue"), ("signature1_name", "Dr Who")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Enter a colour"), "{}", r.text);
    let r = s
        .root
        .submit(
            "/admin/certificates",
            "/admin/certificates",
            &[
                ("colour", "#0a7d3b"),
                ("show_grade", "on"),
                ("signature1_name", "Grace Hopper"),
                ("signature1_title", "Dean"),
                ("signature2_name", "#panic(\"x\") ]"),
                ("signature2_title", "Director"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#0a7d3b"/></svg>"##;
    let (ct, body) = multipart(
        &[("csrf", &csrf), ("which", "logo")],
        Some(("logo.svg", "image/svg+xml", svg)),
    );
    let r = s
        .root
        .request(Method::POST, "/admin/certificates/images", Some(&ct), body)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // Not an image, and a PNG typst cannot read: refused, nothing kept.
    for (name, bytes) in [
        ("x.png", b"hello, world".as_slice()),
        ("y.png", b"\x89PNG\r\n\x1a\nbroken".as_slice()),
    ] {
        let (ct, body) = multipart(
            &[("csrf", &csrf), ("which", "signature1")],
            Some((name, "image/png", bytes)),
        );
        let r = s
            .root
            .request(Method::POST, "/admin/certificates/images", Some(&ct), body)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    }
    // Without the token first: refused.
    let (ct, body) = multipart(
        &[("which", "logo"), ("csrf", &csrf)],
        Some(("logo.svg", "image/svg+xml", svg)),
    );
    let r = s
        .root
        .request(Method::POST, "/admin/certificates/images", Some(&ct), body)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let page = s.root.get("/admin/certificates").await;
    assert!(page.text.contains("value=\"#0a7d3b\""), "{}", page.text);
    assert!(page.text.contains("Grace Hopper"));
    let preview = s.root.get("/admin/certificates/preview").await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    assert!(preview.text.starts_with("%PDF-"));

    // Certificates are printed with it.
    s.settings(true, "0", "site").await;
    s.result("ada@example.test", true, Some(64.0)).await;
    s.t.run_jobs().await;
    let token = s.root.create_token(&["read", "admin"], "1").await;
    let list = s.listed(&token).await;
    assert_eq!(list[0]["status"], "issued", "{list:?}");
    assert_eq!(list[0]["show_grade"], true);

    // Learners and anonymous visitors cannot touch the template.
    let mut ada = s.ada.clone();
    assert_eq!(
        ada.get("/admin/certificates").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        ada.get("/admin/certificates/preview").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_database_holds_one_valid_certificate_per_learner_and_run() {
    let mut s = setup().await;
    s.settings(true, "0", "yes").await;
    s.result("ada@example.test", true, Some(80.0)).await;
    let ada = s.user_id("ada@example.test").await;
    let tenant = TenantId(s.tenant);
    let rows =
        amphi_db::repo::certificates::of_learner(s.t.app.db.reader(), tenant, s.run_id(), ada)
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "pending");
    let now = s.t.app.now();
    let twin = |code: &str, status: &str| amphi_db::entities::certificate::Model {
        id: Uuid::now_v7(),
        code: code.into(),
        status: status.into(),
        created_at: now,
        updated_at: now,
        ..rows[0].clone()
    };
    // A second valid one is refused by the unique index, on either backend…
    let r = amphi_db::repo::certificates::insert(
        s.t.app.db.writer(),
        tenant,
        twin("BBBBCCCCDDDD", "issued"),
    )
    .await;
    assert!(matches!(r, Err(amphi_core::Error::Conflict(_))), "{r:?}");
    // …and so is a reused code, while a revoked one beside the valid one is fine.
    let r = amphi_db::repo::certificates::insert(
        s.t.app.db.writer(),
        tenant,
        twin(&rows[0].code, "revoked"),
    )
    .await;
    assert!(matches!(r, Err(amphi_core::Error::Conflict(_))), "{r:?}");
    amphi_db::repo::certificates::insert(
        s.t.app.db.writer(),
        tenant,
        twin("EEEEFFFFGGGG", "revoked"),
    )
    .await
    .unwrap();
    // The job ran once for the pending one, however often the result came in.
    s.result("ada@example.test", true, Some(81.0)).await;
    s.result("ada@example.test", true, Some(82.0)).await;
    s.t.run_jobs().await;
    let rows =
        amphi_db::repo::certificates::of_learner(s.t.app.db.reader(), tenant, s.run_id(), ada)
            .await
            .unwrap();
    assert_eq!(
        rows.iter().filter(|c| c.status == "issued").count(),
        1,
        "{rows:?}"
    );
    assert_eq!(
        rows.iter()
            .find(|c| c.status == "issued")
            .unwrap()
            .grade_percent,
        Some(82.0)
    );
    let mails =
        s.t.mails()
            .into_iter()
            .filter(|m| m.contains("Your certificate"))
            .count();
    assert_eq!(mails, 1);
}

/// Stores a course result on the enrolment as the gradebook does.
async fn graded(s: &Setup, email: &str, percent: f64, passed: bool) {
    let user = s.user_id(email).await;
    let e =
        amphi_db::repo::enrolments::of(s.t.app.db.reader(), TenantId(s.tenant), s.run_id(), user)
            .await
            .unwrap()
            .unwrap();
    amphi_db::repo::grades::set_course_grade(
        s.t.app.db.writer(),
        TenantId(s.tenant),
        e.id,
        Some(percent),
        passed,
        s.t.app.now(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn learners_who_passed_earlier_or_complete_later_get_theirs() {
    let mut s = setup().await;
    let token = s.root.create_token(&["read", "admin"], "1").await;
    let mut ada = s.ada.clone();
    let mut bob = s.t.member("bob@example.test", "Bob Kahn").await;
    let r = bob
        .submit("/courses/DS101", &format!("/runs/{}/enrol", s.run), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    s.complete(&mut ada, 1).await;
    graded(&s, "ada@example.test", 85.0, true).await;
    graded(&s, "bob@example.test", 77.0, true).await;

    // Turned on after they passed: those with enough done get one at once.
    s.settings(true, "50", "yes").await;
    s.t.run_jobs().await;
    let list = s.listed(&token).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["learner_name"], "Ada Lovelace");
    assert_eq!(list[0]["grade_percent"], 85.0);

    // Bob reaches the minimum by completing an item: his comes then.
    s.complete(&mut bob, 1).await;
    s.t.run_jobs().await;
    let list = s.listed(&token).await;
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["learner_name"], "Bob Kahn");
    assert_eq!(list[0]["status"], "issued");
    assert!(s
        .t
        .last_mail_to("bob@example.test")
        .await
        .contains("Your certificate: Data Science"));
}
