//! The course pages end to end through the HTML forms: an administrator builds and publishes
//! a course, a learner finds it, enrols, works through it, and the team sees the progress.

use crate::fixtures::*;
use crate::support::*;
use axum::http::StatusCode;

/// Builds a published MOOC with one module of two pages; returns (course code, run id).
async fn build_course(root: &mut Client) -> (String, String) {
    let course = page_course(
        root,
        &PageCourse {
            code: "pm101",
            title: "Project Management",
            summary: Some("Plan, run and **close** projects."),
            run: "Spring 2027",
            items: &[
                PageItem {
                    kind: "page",
                    title: "Welcome",
                    body: Some("# Welcome\n\nRead this first."),
                    published: true,
                },
                PageItem {
                    kind: "page",
                    title: "Planning",
                    body: Some("Make a **plan**."),
                    published: true,
                },
            ],
        },
    )
    .await;
    ("PM101".into(), course.run)
}

#[tokio::test]
async fn a_course_from_authoring_to_progress() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let (code, run_id) = build_course(&mut root).await;

    // The learner finds it by a word of the summary, reads the about page, enrols.
    let mut ada = t.member("ada@example.test", "Ada").await;
    let cat = ada.get("/catalog?q=close").await;
    assert!(cat.text.contains("Project Management"), "{}", cat.text);
    assert!(!ada
        .get("/catalog?q=astronomy")
        .await
        .text
        .contains("Project Management"));
    let about = ada.get(&format!("/courses/{code}")).await;
    assert!(
        about.text.contains("<strong>close</strong>"),
        "summary rendered"
    );
    let r = ada
        .submit(
            &format!("/courses/{code}"),
            &format!("/runs/{run_id}/enrol"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), format!("/learn/{run_id}"));

    let home = ada.get(&format!("/learn/{run_id}")).await;
    assert!(
        home.text.contains("Week 1") && home.text.contains("Welcome"),
        "{}",
        home.text
    );
    assert!(home.text.contains("0 % (0 of 2 items)"), "{}", home.text);
    let first = between(&home.text, &format!("/learn/{run_id}/items/"), "\"").to_owned();
    let item = ada.get(&format!("/learn/{run_id}/items/{first}")).await;
    assert!(item.text.contains("<h1>Welcome</h1>"), "{}", item.text);
    let r = ada
        .submit(
            &format!("/learn/{run_id}/items/{first}"),
            &format!("/learn/{run_id}/items/{first}/complete"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let home = ada.get(&format!("/learn/{run_id}")).await;
    assert!(home.text.contains("50 % (1 of 2 items)"), "{}", home.text);
    let dash = ada.get("/").await;
    assert!(
        dash.text.contains("Project Management") && dash.text.contains("value=\"50\""),
        "{}",
        dash.text
    );

    // The course team sees the learner and exports the list.
    let learners = root.get(&format!("/teach/runs/{run_id}/learners")).await;
    assert_eq!(learners.status, StatusCode::OK);
    assert!(
        learners.text.contains("ada@example.test") && learners.text.contains("50 %"),
        "{}",
        learners.text
    );
    let csv = root
        .get(&format!("/teach/runs/{run_id}/learners.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv
        .text
        .starts_with("name,email,role,status,completed_items,percent"));
    assert!(
        csv.text
            .contains("Ada,ada@example.test,learner,active,1,50"),
        "{}",
        csv.text
    );
    // A learner cannot see the team pages.
    assert_ne!(
        ada.get(&format!("/teach/runs/{run_id}/learners"))
            .await
            .status,
        StatusCode::OK
    );
    assert_ne!(
        ada.get(&format!("/teach/runs/{run_id}/outline"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn authoring_refuses_bad_input() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let (_, run_id) = build_course(&mut root).await;
    let r = root
        .submit(
            "/teach/courses/new",
            "/teach/courses/new",
            &[
                ("code", "pm101"),
                ("title", "Again"),
                ("language", "en"),
                ("format", "mooc"),
                ("visibility", "listed"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("already has this code"));
    let r = root
        .submit(
            "/teach/courses/new",
            "/teach/courses/new",
            &[
                ("code", "x y"),
                ("title", ""),
                ("summary", "<script>alert(1)</script>"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("letters, digits and dashes") && r.text.contains("Scripts, frames"));
    let outline = format!("/teach/runs/{run_id}/outline");
    let r = root
        .submit(
            &outline,
            &format!("/teach/runs/{run_id}"),
            &[
                ("name", "Spring 2027"),
                ("policy", "open"),
                ("starts_at", "2027-05-01T09:00"),
                ("ends_at", "2027-04-01T09:00"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("The end must come after the start."),
        "{}",
        r.text
    );
    let r = root
        .submit(
            &outline,
            &format!("/teach/runs/{run_id}"),
            &[
                ("name", "Spring 2027"),
                ("policy", "open"),
                ("starts_at", "next tuesday"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("2027-03-01T09:00"));
    // Nothing changed: the outline still shows the run as it was.
    let page = root.get(&outline).await;
    assert!(!page.text.contains("value=\"2027-05-01T09:00\""));
}

/// The bulk enrolment form's body: the CSRF token and a CSV file.
fn csv_upload(csrf: &str, csv: &str) -> (String, Vec<u8>) {
    multipart(
        &[("csrf", csrf)],
        Some(("people.csv", "text/csv", csv.as_bytes())),
    )
}

#[tokio::test]
async fn bulk_enrolment_from_csv() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let (_, run_id) = build_course(&mut root).await;
    t.member("known@example.test", "Known Person").await;
    let learners = format!("/teach/runs/{run_id}/learners");

    // A file with errors: a report, and nothing applied.
    let csrf = root.get(&learners).await.csrf();
    let bad = "email,name,role\nnew1@example.test,New One,\nnot-an-email,X,\nnew1@example.test,Again,\nknown@example.test,,observer\nnew2@example.test,New Two,emperor\n";
    let (ct, body) = csv_upload(&csrf, bad);
    let r = root
        .request(
            axum::http::Method::POST,
            &format!("/teach/runs/{run_id}/imports"),
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let status_page = r.location();
    let page = root.get(&status_page).await;
    assert!(
        page.text.contains("5 rows: 2 can be applied, 3 cannot."),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("<td>3</td><td>Enter an email address"),
        "line numbers name each bad row"
    );
    assert!(page.text.contains("This address already appears earlier"));
    assert!(page.text.contains("Unknown role"));
    assert_eq!(
        t.run_jobs().await,
        0,
        "a file with errors waits for a decision"
    );
    assert!(!root.get(&learners).await.text.contains("new1@example.test"));

    // The operator applies the valid rows.
    let apply = format!("{status_page}/apply");
    let r = root.submit(&status_page, &apply, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(t.run_jobs().await, 1);
    let page = root.get(&status_page).await;
    assert!(
        page.text
            .contains("Done: 2 enrolled, 1 account created, 0 already there."),
        "{}",
        page.text
    );
    let list = root.get(&learners).await;
    assert!(list.text.contains("new1@example.test") && list.text.contains("known@example.test"));
    assert!(list.text.contains("Observer"));
    // Applying twice is refused.
    assert_eq!(
        root.submit(&status_page, &apply, &[]).await.status,
        StatusCode::CONFLICT
    );

    // A valid file applies at once (as a job); a file that is not CSV is refused.
    let csrf = root.get(&learners).await.csrf();
    let (ct, body) = csv_upload(&csrf, "email\nnew3@example.test\nnew4@example.test\n");
    let r = root
        .request(
            axum::http::Method::POST,
            &format!("/teach/runs/{run_id}/imports"),
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(t.run_jobs().await, 1);
    assert!(root.get(&learners).await.text.contains("new4@example.test"));
    let (ct, body) = csv_upload(&csrf, "this is not, a csv with\nthe right header\n");
    let r = root
        .request(
            axum::http::Method::POST,
            &format!("/teach/runs/{run_id}/imports"),
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("must name the columns"));
    // Without the CSRF token first: refused before the file is read.
    let (ct, body) = csv_upload("forged", "email\nx@example.test\n");
    let r = root
        .request(
            axum::http::Method::POST,
            &format!("/teach/runs/{run_id}/imports"),
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Learners cannot import.
    let mut ada = t.member("ada@example.test", "Ada").await;
    let csrf = ada.get("/account").await.csrf();
    let (ct, body) = csv_upload(&csrf, "email\nx@example.test\n");
    let r = ada
        .request(
            axum::http::Method::POST,
            &format!("/teach/runs/{run_id}/imports"),
            Some(&ct),
            body,
        )
        .await;
    assert!(
        r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
        "{}",
        r.status
    );
}

#[tokio::test]
async fn announcements_reach_everyone_by_mail() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let (code, run_id) = build_course(&mut root).await;
    let mut learners = Vec::new();
    for i in 0..3 {
        let mut c = t
            .member(&format!("l{i}@example.test"), &format!("Learner {i}"))
            .await;
        let r = c
            .submit(
                &format!("/courses/{code}"),
                &format!("/runs/{run_id}/enrol"),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        learners.push(c);
    }
    t.run_jobs().await;
    let before = t.mails().len();
    let home = format!("/learn/{run_id}");
    let r = root
        .submit(
            &home,
            &format!("/teach/runs/{run_id}/announcements"),
            &[
                ("title", "Week 1 is open"),
                ("body", "Start with the **welcome** page."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // Bad input: nothing posted.
    let r = root
        .submit(
            &home,
            &format!("/teach/runs/{run_id}/announcements"),
            &[("title", ""), ("body", "<script>x</script>")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A learner cannot announce.
    let r = learners[0]
        .submit(
            &home,
            &format!("/teach/runs/{run_id}/announcements"),
            &[("title", "Spam"), ("body", "Buy now")],
        )
        .await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );

    let page = learners[1].get(&home).await;
    assert!(
        page.text.contains("Week 1 is open") && page.text.contains("<strong>welcome</strong>"),
        "{}",
        page.text
    );
    assert!(!page.text.contains("Spam"));
    t.run_jobs().await;
    let mails = t.mails();
    let sent: Vec<&String> = mails[before..]
        .iter()
        .filter(|m| m.contains("Subject: [Project Management] Week 1 is open"))
        .collect();
    assert_eq!(sent.len(), 4, "three learners and the instructor");
    assert!(sent
        .iter()
        .any(|m| m.contains("To: l2@example.test") && m.contains(&format!("/learn/{run_id}"))));
}

#[tokio::test]
async fn the_demo_seeds_a_living_platform_once() {
    let t = TestApp::new().await;
    let summary = amphi::seed::demo(&t.app).await.unwrap();
    assert!(summary.contains("Demo ready"), "{summary}");
    assert_eq!(
        amphi::seed::demo(&t.app).await.unwrap(),
        "The demo is already there."
    );
    let mut c = t.client();
    let cat = c.get("/catalog").await;
    for code in ["PM101", "DATA-FR", "ACME-SEC"] {
        assert!(cat.text.contains(&format!("/courses/{code}")), "{code}");
    }
    let r = c
        .sign_in("learner24@demo.example", amphi::seed::DEMO_PASSWORD)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let dash = c.get("/").await;
    assert!(
        dash.text.contains("Project Management Essentials") && dash.text.contains("value=\"100\""),
        "{}",
        dash.text
    );
}

/// The GIFT import form's body: the CSRF token and the pasted text.
fn gift_upload(csrf: &str, text: &str) -> (String, Vec<u8>) {
    multipart(&[("csrf", csrf), ("text", text)], None)
}

#[tokio::test]
async fn question_bank_imports_gift_all_or_nothing_and_exports_it() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    build_course(&mut root).await;
    let course_page = root.get("/teach").await;
    // The course's link (ids are UUIDv7: they start with 0), not "New course".
    let cid = format!(
        "0{}",
        between(&course_page.text, "<a href=\"/teach/courses/0", "\"")
    );
    let bank = format!("/teach/courses/{cid}/questions");
    let csrf = root.get(&bank).await.csrf();

    // One bad question: nothing imported, each problem named with its line.
    let bad =
        "::Q1::What is 2+2? {=4 ~3}\n\n::Q2::Broken {=a ~b\n\n::Q3::No right answer {~x ~y}\n";
    let (ct, body) = gift_upload(&csrf, bad);
    let r = root
        .request(
            axum::http::Method::POST,
            &format!("{bank}/import"),
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Nothing was imported"));
    assert!(r.text.contains("<strong>Line 3</strong>"), "{}", r.text);
    assert!(r.text.contains("No question yet."), "nothing imported");

    let good = "$CATEGORY: Week 1\n\n::Capital::The capital of France? {=Paris ~Lyon ~Nice}\n\n::Pi::Pi to two decimals? {#3.14:0.005}\n\n::Flat::The Earth is flat. {F}\n\n::Essay::Describe a project you led. {}\n";
    let (ct, body) = gift_upload(&csrf, good);
    let r = root
        .request(
            axum::http::Method::POST,
            &format!("{bank}/import"),
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = root.get(&r.location()).await;
    assert!(r.text.contains("4 questions imported."));
    for kind in ["Single choice", "Numeric", "True&#x2f;false", "Essay"] {
        assert!(r.text.contains(kind), "{kind}");
    }
    assert!(r.text.contains("Week 1 (4)"));
    let export = root
        .get(&format!("/teach/courses/{cid}/questions.gift"))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export.text.contains("$CATEGORY: Week 1") && export.text.contains("::Capital::"),
        "{}",
        export.text
    );
    // Learners have no access to the bank.
    let mut ada = t.member("ada@example.test", "Ada").await;
    assert_ne!(ada.get(&bank).await.status, StatusCode::OK);
    assert_ne!(
        ada.get(&format!("/teach/courses/{cid}/questions.gift"))
            .await
            .status,
        StatusCode::OK
    );
}
