//! What a learner meets on the first day, through the pages: the course home says "Start"
//! before anything is done, item pages place the item in the course (position, outline with
//! checkmarks and locks), completing an item says so and leads on, the end of a module and of
//! the course lead to the next module and to the grades, and the dashboard gives every course a
//! button, the latest announcements and what is due soon.

use crate::fixtures::*;
use crate::support::*;
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::json;

/// What [`two_weeks`] built.
struct TwoWeeks {
    run: String,
    /// Items by title: "Welcome", "Planning" (Week 1), "Review" (Week 2), "Check" (a quiz
    /// in Week 2 that closes in three days).
    items: std::collections::HashMap<&'static str, String>,
}

/// A sequential run: Week 1 with two pages, Week 2 with a page and a quiz closing in 3 days.
async fn two_weeks(t: &TestApp, a: &mut Caller) -> TwoWeeks {
    let c = api_course(
        a,
        json!({ "code": "FD101", "title": "First Day", "summary": "A course." }),
        json!({ "sequential": true }),
        &[
            json!({ "kind": "page", "title": "Welcome", "body": "Hello.", "published": true }),
            json!({ "kind": "page", "title": "Planning", "body": "Plan.", "published": true }),
        ],
    )
    .await;
    let m = a
        .create(
            &format!("/api/v1/runs/{}/modules", c.run),
            json!({ "title": "Week 2", "published": true }),
        )
        .await;
    let mut items = std::collections::HashMap::new();
    items.insert("Welcome", c.items[0].clone());
    items.insert("Planning", c.items[1].clone());
    for (title, kind) in [("Review", "page"), ("Check", "quiz")] {
        let it = a
            .create(
                &format!("/api/v1/runs/{}/modules/{}/items", c.run, id(&m)),
                json!({ "kind": kind, "title": title, "body": "Text.", "published": true }),
            )
            .await;
        items.insert(title, id(&it));
    }
    let r = a
        .put(
            &format!("/api/v1/runs/{}/items/{}/quiz", c.run, items["Check"]),
            json!({ "slots": [], "closes_at": at(t, Duration::days(3)) }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    TwoWeeks { run: c.run, items }
}

#[tokio::test]
async fn items_show_their_place_in_the_course_and_lead_on() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let w = two_weeks(&t, &mut a).await;
    let run = &w.run;
    let item = |title: &str| format!("/learn/{run}/items/{}", w.items[title]);
    let mut l = learner(&t, "ada@example.test", "Ada").await;
    let r = l.enrol(run, None).await;
    assert!(r.status.is_success(), "{}", r.text);
    let ada = &mut l.c;

    // Nothing done yet: the course home and the dashboard say "Start", leading to the first item.
    let home = ada.get(&format!("/learn/{run}")).await;
    assert!(
        home.text
            .contains(&format!("href=\"{}\">Start</a>", item("Welcome"))),
        "{}",
        home.text
    );
    assert!(!home.text.contains(">Resume<"), "{}", home.text);
    let dash = ada.get("/").await;
    assert!(
        dash.text.contains(&format!(
            "href=\"{}\">Start<span class=\"visually-hidden\"> First Day</span>",
            item("Welcome")
        )),
        "{}",
        dash.text
    );

    // The first item: its position, the outline with the current item marked and the next
    // one locked (the run is sequential).
    let page = ada.get(&item("Welcome")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Item 1 of 2 · Week 1"), "{}", page.text);
    assert!(
        page.text.contains("<summary>Course outline"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(&format!(
            "href=\"{}\" aria-current=\"page\">Welcome</a>",
            item("Welcome")
        )),
        "{}",
        page.text
    );
    let outline = between(
        &page.text,
        "<details class=\"course-outline\">",
        "</details>",
    );
    let planning = between(outline, "Planning", "</li>");
    assert!(
        planning.contains("(locked: after the previous item)"),
        "{planning}"
    );
    // The pager does not lead to the locked item: it says it is locked.
    let pager = between(&page.text, "<nav class=\"pager\"", "</nav>");
    assert!(
        pager.contains("Next → (locked)") && !pager.contains("rel=\"next\""),
        "{pager}"
    );
    assert!(
        !outline.contains(&format!("href=\"{}\"", item("Planning"))),
        "a locked item is a link"
    );
    assert!(
        outline.contains("Week 2") && outline.contains("Review"),
        "{outline}"
    );

    // Completing it stays on the item, says so, checks it in the outline and offers the next.
    let r = ada
        .submit(
            &item("Welcome"),
            &format!("{}/complete", item("Welcome")),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), item("Welcome"));
    let page = ada.get(&item("Welcome")).await;
    assert!(
        page.text
            .contains("role=\"status\">Marked as complete. Well done!</div>"),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains(&format!("href=\"{}\">Next: Planning</a>", item("Planning"))),
        "{}",
        page.text
    );
    let welcome = between(&page.text, "aria-current=\"page\">Welcome</a>", "</li>");
    assert!(welcome.contains("(completed)"), "no checkmark: {welcome}");
    assert!(page.text.contains("1 of 4 items"), "{}", page.text);
    // A flash is shown once.
    assert!(!ada
        .get(&item("Welcome"))
        .await
        .text
        .contains("Marked as complete"));

    // Started: the course home and the dashboard now say "Resume".
    let home = ada.get(&format!("/learn/{run}")).await;
    assert!(
        home.text.contains(">Resume</a>") && !home.text.contains(">Start</a>"),
        "{}",
        home.text
    );
    assert!(ada.get("/").await.text.contains(">Resume<span"));

    // The last item of Week 1 ends with a card leading to Week 2.
    let page = ada.get(&item("Planning")).await;
    assert!(page.text.contains("Item 2 of 2 · Week 1"), "{}", page.text);
    assert!(page.text.contains("End of Week 1"), "{}", page.text);
    assert!(
        page.text.contains("Next up: Week 2 (2 items)."),
        "{}",
        page.text
    );
    // Week 2's first item waits for this one (sequential): the card says so, no link.
    assert!(
        page.text
            .contains("It opens once you have completed what comes before."),
        "{}",
        page.text
    );
    let r = ada
        .submit(
            &item("Planning"),
            &format!("{}/complete", item("Planning")),
            &[],
        )
        .await;
    assert_eq!(r.location(), item("Planning"));
    let page = ada.get(&item("Planning")).await;
    assert!(
        page.text
            .contains(&format!("href=\"{}\">Start Week 2</a>", item("Review"))),
        "{}",
        page.text
    );

    // The last item of the course leads to the grades.
    ada.submit(
        &item("Review"),
        &format!("{}/complete", item("Review")),
        &[],
    )
    .await;
    let page = ada.get(&item("Check")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Item 2 of 2 · Week 2"), "{}", page.text);
    assert!(
        page.text.contains("You have reached the end of the course"),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains("You have completed 3 of 4 items (75 %)."),
        "{}",
        page.text
    );
    assert!(page
        .text
        .contains(&format!("href=\"/learn/{run}/grades\">My grades</a>")));

    // In French.
    let r = ada
        .submit(
            &item("Check"),
            "/lang",
            &[("locale", "fr"), ("next", &item("Check"))],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.text);
    let page = ada.get(&item("Planning")).await;
    assert!(
        page.text.contains("Élément 2 sur 2 · Week 1"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Plan du cours") && page.text.contains("Fin de Week 1"));
    assert!(
        page.text.contains("Ensuite\u{a0}: Week 2 (2 éléments)."),
        "{}",
        page.text
    );
}

#[tokio::test]
async fn the_dashboard_gives_each_course_a_button_announcements_and_deadlines() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let w = two_weeks(&t, &mut a).await;
    let run = w.run.clone();
    // A second course, not started yet; a third one the learner waits for.
    let later = api_course(
        &mut a,
        json!({ "code": "LATER", "title": "Later Course", "summary": "Soon." }),
        json!({ "starts_at": at(&t, Duration::days(10)) }),
        &[json!({ "kind": "page", "title": "Intro", "body": "Hi.", "published": true })],
    )
    .await;
    // A third course with an assignment due in five days.
    let essay = api_course(
        &mut a,
        json!({ "code": "ESSAY", "title": "Essay Course", "summary": "Write." }),
        json!({}),
        &[json!({ "kind": "assignment", "title": "Essay", "body": "Write.", "published": true })],
    )
    .await;
    let essay_item = format!("/api/v1/runs/{}/items/{}", essay.run, essay.items[0]);
    let r = a
        .patch(
            &format!("{essay_item}/assignment-settings"),
            json!({ "due_at": at(&t, Duration::days(5)) }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The team announces something in the first course.
    let r =
        a.c.submit(
            &format!("/learn/{run}"),
            &format!("/teach/runs/{run}/announcements"),
            &[
                ("title", "Office hours moved"),
                ("body", "Now on **Tuesdays**."),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.text);

    let mut l = learner(&t, "bo@example.test", "Bo").await;
    for r in [&run, &later.run, &essay.run] {
        let resp = l.enrol(r, None).await;
        assert!(resp.status.is_success(), "{}", resp.text);
    }
    let bo = &mut l.c;
    bo.get("/").await;
    let before = t.app.db.statements_run();
    let dash = bo.get("/").await;
    let cost = t.app.db.statements_run() - before;
    assert_eq!(dash.status, StatusCode::OK);
    // Every card has its button: the started course "Start", the one to come "View".
    assert!(
        dash.text
            .contains(">Start<span class=\"visually-hidden\"> First Day</span>"),
        "{}",
        dash.text
    );
    assert!(
        dash.text.contains(&format!(
            "href=\"/learn/{}\">View<span class=\"visually-hidden\"> Later Course</span>",
            later.run
        )),
        "{}",
        dash.text
    );
    // The latest announcements of the learner's runs.
    assert!(dash.text.contains("Latest announcements"), "{}", dash.text);
    assert!(
        dash.text.contains("Office hours moved") && dash.text.contains("<strong>Tuesdays</strong>")
    );
    // Due soon: the quiz closing in three days, with its course.
    let due = between(&dash.text, "id=\"due-soon\"", "</section>");
    assert!(
        due.contains(&format!(
            "/learn/{run}/items/{}\">Check</a>",
            w.items["Check"]
        )),
        "{due}"
    );
    assert!(
        due.contains("First Day") && due.contains("Quiz closes"),
        "{due}"
    );
    // Said in words too, from now.
    assert!(
        due.contains("in 3 days") && due.contains("in 5 days"),
        "{due}"
    );
    let essay_link = format!("/learn/{}/items/{}\">Essay</a>", essay.run, essay.items[0]);
    assert!(due.contains(&essay_link) && due.contains("Due"), "{due}");
    assert!(
        due.find("Check").unwrap() < due.find("Essay").unwrap(),
        "soonest first: {due}"
    );
    // The session; the enrolments, their runs and courses; which deadlines are met (the
    // structures come from the cache).
    assert!(cost <= 6, "the dashboard ran {cost} statements");
    // The assignment's page places it in its course too.
    let page = bo
        .get(&format!("/learn/{}/items/{}", essay.run, essay.items[0]))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Item 1 of 1 · Week 1") && page.text.contains("Course outline"));
    assert!(
        page.text.contains("You have reached the end of the course"),
        "{}",
        page.text
    );
    // Handed in, the essay leaves the list.
    let r = l
        .post(
            &format!("{essay_item}/submission"),
            json!({ "text": "Rivers run." }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let bo = &mut l.c;
    let dash = bo.get("/").await;
    let due = between(&dash.text, "id=\"due-soon\"", "</section>");
    assert!(
        !due.contains(">Essay</a>") && due.contains(">Check</a>"),
        "{due}"
    );

    // A quiz closing in a month is not "due soon".
    let r = a
        .put(
            &format!("/api/v1/runs/{run}/items/{}/quiz", w.items["Check"]),
            json!({ "slots": [], "closes_at": at(&t, Duration::days(30)) }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let dash = bo.get("/").await;
    assert!(!dash.text.contains("id=\"due-soon\""), "{}", dash.text);

    // In French.
    let r = bo
        .submit("/", "/lang", &[("locale", "fr"), ("next", "/")])
        .await;
    assert!(r.status.is_redirection());
    let dash = bo.get("/").await;
    assert!(
        dash.text.contains(">Voir<span") && dash.text.contains(">Commencer<span"),
        "{}",
        dash.text
    );
    assert!(dash.text.contains("Dernières annonces"), "{}", dash.text);
}
