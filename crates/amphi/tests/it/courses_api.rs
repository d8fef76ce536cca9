//! The courses part of the JSON API: authoring, the catalog, enrolment policies, the shop
//! webhook, progress and the course team's view of learners.

use crate::fixtures::*;
use crate::support::*;
use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{json, Value};

/// A course with one published run, one published module and `items` published pages.
/// Returns (course id, run id, item ids).
async fn published_run(
    a: &mut Caller,
    code: &str,
    run: Value,
    items: usize,
) -> (String, String, Vec<String>) {
    let items: Vec<Value> = (0..items)
        .map(|i| json!({ "kind": "page", "title": format!("Page {i}"), "body": "Text.", "published": true }))
        .collect();
    let c = api_course(
        a,
        json!({ "code": code, "title": format!("Course {code}"), "summary": "A course." }),
        run,
        &items,
    )
    .await;
    (c.course, c.run, c.items)
}

async fn run_view(a: &mut Caller, run: &str) -> Value {
    a.ok(&format!("/api/v1/runs/{run}/outline")).await["run"].clone()
}

/// One text field of every item of a module of a course home.
fn item_fields<'a>(home: &'a Value, module: usize, field: &str) -> Vec<&'a str> {
    home["modules"][module]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap())
        .collect()
}

async fn my_runs(l: &mut Caller) -> Vec<(String, String)> {
    let d = l.ok("/api/v1/me/courses").await;
    d.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["run_id"].as_str().unwrap().to_owned(),
                e["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn courses_api_authoring_builds_and_reorders_a_run() {
    let t =
        TestApp::with_config(|c| c.content.peertube_hosts = vec!["tube.example.org".into()]).await;
    let mut a = admin(&t).await;

    // Courses: the code is checked and unique in the tenant.
    let r = a
        .post(
            "/api/v1/courses",
            json!({ "code": "bad code!", "title": "Project management" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(field_code(&r, "code"), "course_code_invalid");
    let course = a
        .create(
            "/api/v1/courses",
            json!({ "code": "pm101", "title": "Project management", "summary": "Plan **projects**.", "format": "mooc" }),
        )
        .await;
    assert_eq!(course["code"], "PM101");
    assert!(course["summary_html"]
        .as_str()
        .unwrap()
        .contains("<strong>projects</strong>"));
    let r = a
        .post(
            "/api/v1/courses",
            json!({ "code": "PM101", "title": "Another" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(field_code(&r, "code"), "course_code_taken");
    let course_id = id(&course);
    let r = a
        .patch(
            &format!("/api/v1/courses/{course_id}"),
            json!({ "title": "Project management basics" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["title"], "Project management basics");
    assert_eq!(
        a.patch("/api/v1/courses/not-a-uuid", json!({ "title": "x" }))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Runs: inverted dates name the field.
    let runs = format!("/api/v1/courses/{course_id}/runs");
    let r = a
        .post(
            &runs,
            json!({ "name": "Spring", "starts_at": at(&t, Duration::days(10)), "ends_at": at(&t, Duration::days(5)) }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(field_code(&r, "ends_at"), "date_before_start");
    let r = a
        .post(
            &runs,
            json!({ "name": "Spring", "enrol_opens_at": at(&t, Duration::days(3)), "enrol_closes_at": at(&t, Duration::days(1)) }),
        )
        .await;
    assert_eq!(field_code(&r, "enrol_closes_at"), "date_before_opening");
    let run = a
        .create(
            &runs,
            json!({ "name": "Spring", "starts_at": at(&t, Duration::days(-1)), "ends_at": at(&t, Duration::days(60)) }),
        )
        .await;
    assert_eq!(run["published"], false);
    assert_eq!(run["policy"], "open");
    let run_id = id(&run);

    // Modules and items.
    let m1 = a
        .create(
            &format!("/api/v1/runs/{run_id}/modules"),
            json!({ "title": "Getting started" }),
        )
        .await;
    let m2 = a
        .create(
            &format!("/api/v1/runs/{run_id}/modules"),
            json!({ "title": "Going further" }),
        )
        .await;
    assert_eq!(
        (m1["position"].clone(), m2["position"].clone()),
        (json!(1), json!(2))
    );
    let items1 = format!("/api/v1/runs/{run_id}/modules/{}/items", id(&m1));
    let page = a
        .create(
            &items1,
            json!({ "kind": "page", "title": "Welcome", "body": "# Welcome\n\nSome **bold** text." }),
        )
        .await;
    assert_eq!(page["kind"], "page");
    assert_eq!(page["position"], 1);
    let r = a
        .post(
            &items1,
            json!({ "kind": "page", "title": "Evil", "body": "Hi <script>alert(1)</script>" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(field_code(&r, "body"), "unsafe_html");
    for bad in [
        "https://videos.example.net/w/abc123",
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
    ] {
        let r = a
            .post(
                &items1,
                json!({ "kind": "video", "title": "Talk", "url": bad }),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.text
        );
        assert_eq!(field_code(&r, "url"), "video_host_not_allowed", "{bad}");
    }
    let video = a
        .create(
            &items1,
            json!({ "kind": "video", "title": "Talk", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "body": "Transcript." }),
        )
        .await;
    assert_eq!(
        video["settings"]["embed_src"],
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    );
    let peertube = a
        .create(
            &format!("/api/v1/runs/{run_id}/modules/{}/items", id(&m2)),
            json!({ "kind": "video", "title": "Federated", "url": "https://tube.example.org/w/abc123" }),
        )
        .await;
    assert_eq!(
        peertube["settings"]["embed_src"],
        "https://tube.example.org/videos/embed/abc123"
    );
    let r = a
        .post(&items1, json!({ "kind": "hologram", "title": "Not yet" }))
        .await;
    assert_eq!(field_code(&r, "kind"), "choice_invalid");

    // Reorder: the second module goes first, the video before the page.
    let r = a
        .post(
            &format!("/api/v1/runs/{run_id}/modules/{}/move", id(&m2)),
            json!({ "direction": "up" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = a
        .post(
            &format!("/api/v1/runs/{run_id}/items/{}/move", id(&video)),
            json!({ "direction": "up" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = a
        .post(
            &format!("/api/v1/runs/{run_id}/items/{}/move", id(&video)),
            json!({ "direction": "sideways" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&r), "json_malformed");

    // Publish the run, the first module and its two items.
    for (path, label) in [
        (format!("/api/v1/runs/{run_id}"), "run"),
        (
            format!("/api/v1/runs/{run_id}/modules/{}", id(&m1)),
            "module",
        ),
        (format!("/api/v1/runs/{run_id}/items/{}", id(&page)), "page"),
        (
            format!("/api/v1/runs/{run_id}/items/{}", id(&video)),
            "video",
        ),
    ] {
        let r = a.patch(&path, json!({ "published": true })).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.text);
        assert_eq!(r.json()["published"], true, "{label}");
    }
    let r = a
        .patch(
            &format!("/api/v1/runs/{run_id}/items/{}", id(&page)),
            json!({ "title": "Welcome aboard", "kind": "video" }),
        )
        .await;
    assert_eq!(field_code(&r, "kind"), "kind_fixed");

    let o = a.ok(&format!("/api/v1/runs/{run_id}/outline")).await;
    assert_eq!(o["course"]["code"], "PM101");
    assert_eq!(o["run"]["published"], true);
    assert_eq!(
        o["run"]["item_count"], 2,
        "published items of published modules"
    );
    let titles: Vec<&str> = o["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Going further", "Getting started"]);
    assert_eq!(o["modules"][0]["position"], 1);
    assert_eq!(o["modules"][1]["published"], true);
    let in_m1: Vec<(&str, i64)> = o["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["module_id"] == m1["id"])
        .map(|i| {
            (
                i["title"].as_str().unwrap(),
                i["position"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(in_m1, [("Talk", 1), ("Welcome", 2)]);
    let p = o["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == page["id"])
        .unwrap();
    assert_eq!(p["body"], "# Welcome\n\nSome **bold** text.");
    assert_eq!(p["published"], true);

    // The page renders its Markdown for the course team.
    let item = a
        .ok(&format!("/api/v1/runs/{run_id}/items/{}", id(&page)))
        .await;
    assert!(item["html"]
        .as_str()
        .unwrap()
        .contains("<strong>bold</strong>"));

    // A new edition copies the outline with shifted dates, unpublished.
    let ed = a
        .create(
            &format!("/api/v1/runs/{run_id}/editions"),
            json!({ "name": "Autumn", "starts_at": at(&t, Duration::days(99)) }),
        )
        .await;
    assert_eq!(ed["name"], "Autumn");
    assert_eq!(ed["published"], false);
    assert_eq!(ed["enrolled_count"], 0);
    let eo = a.ok(&format!("/api/v1/runs/{}/outline", id(&ed))).await;
    assert_eq!(eo["modules"].as_array().unwrap().len(), 2);
    assert_eq!(eo["items"].as_array().unwrap().len(), 3);
    assert_eq!(eo["modules"][0]["title"], "Going further");
    let r = a
        .post(
            &format!("/api/v1/runs/{run_id}/editions"),
            json!({ "name": "No date" }),
        )
        .await;
    assert_eq!(field_code(&r, "starts_at"), "required");

    // Deleting.
    let r = a
        .delete(&format!("/api/v1/runs/{run_id}/items/{}", id(&video)))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = a
        .delete(&format!("/api/v1/runs/{run_id}/modules/{}", id(&m2)))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let o = a.ok(&format!("/api/v1/runs/{run_id}/outline")).await;
    assert_eq!(o["modules"].as_array().unwrap().len(), 1);
    assert_eq!(o["items"].as_array().unwrap().len(), 1);
    assert_eq!(o["run"]["item_count"], 1);
    assert_eq!(
        a.delete(&format!("/api/v1/runs/{run_id}/items/{}", id(&video)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Bad input in general.
    assert_eq!(
        a.get("/api/v1/runs/not-a-uuid/outline").await.status,
        StatusCode::NOT_FOUND
    );
    a.c.headers
        .push(("authorization".into(), format!("Bearer {}", a.tok)));
    let r =
        a.c.request(
            Method::POST,
            "/api/v1/courses",
            Some("application/json"),
            b"{oops".to_vec(),
        )
        .await;
    a.c.headers.pop();
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&r), "json_malformed");

    // Scopes and roles: a read-only token and a learner cannot author.
    let ro = a.c.create_token(&["read"], "30").await;
    let r =
        a.c.api(
            Method::POST,
            "/api/v1/courses",
            &ro,
            Some(json!({ "code": "RO1", "title": "Read only" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut l = learner(&t, "lea@example.test", "Lea").await;
    let r = l
        .post(
            "/api/v1/courses",
            json!({ "code": "LEA1", "title": "Mine" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        l.get(&format!("/api/v1/runs/{}/outline", id(&ed)))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "an unpublished run does not exist for a learner"
    );

    // The OpenAPI document lists the course endpoints.
    let doc = t.client().get("/api/v1/openapi.json").await.json();
    for p in [
        "/api/v1/catalog",
        "/api/v1/courses",
        "/api/v1/courses/{course}",
        "/api/v1/courses/{course}/runs",
        "/api/v1/runs/{id}",
        "/api/v1/runs/{id}/editions",
        "/api/v1/runs/{id}/outline",
        "/api/v1/runs/{id}/modules",
        "/api/v1/runs/{id}/modules/{module}",
        "/api/v1/runs/{id}/modules/{module}/move",
        "/api/v1/runs/{id}/modules/{module}/items",
        "/api/v1/runs/{id}/items/{item}",
        "/api/v1/runs/{id}/items/{item}/move",
        "/api/v1/runs/{id}/items/{item}/complete",
        "/api/v1/runs/{id}/members",
        "/api/v1/runs/{id}/enrolment",
        "/api/v1/runs/{id}/invitations",
        "/api/v1/runs/{id}/vouchers",
        "/api/v1/runs/{id}/home",
        "/api/v1/runs/{id}/learners",
        "/api/v1/me/courses",
        "/api/v1/shop/webhook",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing");
    }
    for s in [
        "Course",
        "Run",
        "CatalogCard",
        "CourseHome",
        "OutlineView",
        "Learner",
    ] {
        assert!(doc["components"]["schemas"].get(s).is_some(), "{s} missing");
    }
}

#[tokio::test]
async fn courses_api_catalog_lists_searches_and_filters() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let add = |code: &'static str, summary: &'static str, extra: Value| {
        let mut body =
            json!({ "code": code, "title": format!("Course {code}"), "summary": summary });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let open_run = json!({ "name": "Now", "published": true, "policy": "open" });
    let specs = [
        (
            add(
                "DATA1",
                "Learn statistics with spreadsheets.",
                json!({ "format": "mooc" }),
            ),
            open_run.clone(),
        ),
        (
            add(
                "SPOC1",
                "Leadership for small teams.",
                json!({ "format": "spoc" }),
            ),
            json!({ "name": "Later", "published": true, "policy": "open", "enrol_opens_at": at(&t, Duration::days(5)) }),
        ),
        (
            add(
                "PRIV1",
                "Statistics for the board.",
                json!({ "visibility": "private" }),
            ),
            open_run.clone(),
        ),
        (
            add(
                "UNL1",
                "Statistics by link only.",
                json!({ "visibility": "unlisted" }),
            ),
            open_run.clone(),
        ),
        (
            add("DRAFT1", "Statistics not ready.", json!({})),
            json!({ "name": "Draft", "published": false }),
        ),
        (
            add("OLD1", "Statistics from last year.", json!({})),
            json!({ "name": "Past", "published": true, "starts_at": at(&t, Duration::days(-60)), "ends_at": at(&t, Duration::days(-1)) }),
        ),
    ];
    for (course, run) in specs {
        let c = a.create("/api/v1/courses", course).await;
        a.create(&format!("/api/v1/courses/{}/runs", id(&c)), run)
            .await;
    }
    let mut l = learner(&t, "lea@example.test", "Lea").await;
    let codes = |v: Value| -> Vec<String> {
        let mut out: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["course"]["code"].as_str().unwrap().to_owned())
            .collect();
        out.sort();
        out
    };
    let all = l.ok("/api/v1/catalog").await;
    assert_eq!(codes(all.clone()), ["DATA1", "SPOC1"]);
    assert!(all["next"].is_null());
    let data = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["course"]["code"] == "DATA1")
        .unwrap();
    assert_eq!(data["runs"].as_array().unwrap().len(), 1);
    assert_eq!(data["runs"][0]["enrolment_open"], true);

    assert_eq!(codes(l.ok("/api/v1/catalog?q=statistics").await), ["DATA1"]);
    assert_eq!(
        codes(l.ok("/api/v1/catalog?q=Spreadsheets").await),
        ["DATA1"]
    );
    assert!(codes(l.ok("/api/v1/catalog?q=astronomy").await).is_empty());
    assert_eq!(codes(l.ok("/api/v1/catalog?format=spoc").await), ["SPOC1"]);
    assert_eq!(codes(l.ok("/api/v1/catalog?when=open").await), ["DATA1"]);
    assert!(codes(l.ok("/api/v1/catalog?when=open&format=spoc").await).is_empty());
    let r = l.get("/api/v1/catalog?when=someday").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_code(&r, "when"), "choice_invalid");
    let r = l.get("/api/v1/catalog?after=nope").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "bad_request");

    // About pages: unlisted by address, private only for its team.
    let about = l.ok("/api/v1/courses/data1").await;
    assert_eq!(about["course"]["code"], "DATA1");
    assert_eq!(about["runs"][0]["action"], "enrol");
    assert_eq!(about["can_edit"], false);
    assert_eq!(l.ok("/api/v1/courses/UNL1").await["course"]["code"], "UNL1");
    assert_eq!(
        l.get("/api/v1/courses/PRIV1").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        l.get("/api/v1/courses/NOPE").await.status,
        StatusCode::NOT_FOUND
    );
    let admin_view = a.ok("/api/v1/courses/PRIV1").await;
    assert_eq!(admin_view["can_edit"], true);
}

#[tokio::test]
async fn courses_api_capacity_and_waiting_list() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (_, run, _) = published_run(
        &mut a,
        "CAP1",
        json!({ "name": "Small group", "capacity": "1", "waiting_list": true }),
        1,
    )
    .await;
    let mut ann = learner(&t, "ann@example.test", "Ann").await;
    let mut bob = learner(&t, "bob@example.test", "Bob").await;

    let r = ann.enrol(&run, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "enrolled");
    let r = bob.enrol(&run, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "waiting");
    // Asking again changes nothing.
    assert_eq!(ann.enrol(&run, None).await.json()["status"], "enrolled");
    assert_eq!(bob.enrol(&run, None).await.json()["status"], "waiting");
    let v = run_view(&mut a, &run).await;
    assert_eq!(
        (v["enrolled_count"].clone(), v["waiting_count"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(
        my_runs(&mut bob).await,
        [(run.clone(), "waiting".to_owned())]
    );
    assert_eq!(
        bob.get(&format!("/api/v1/runs/{run}/home")).await.status,
        StatusCode::NOT_FOUND,
        "waiting is not being in the course"
    );
    // A read-only token cannot enrol.
    let ro = bob.c.create_token(&["read"], "30").await;
    let r = bob
        .c
        .api(
            Method::DELETE,
            &format!("/api/v1/runs/{run}/enrolment"),
            &ro,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Ann leaves: Bob gets the seat and a mail.
    let r = ann.delete(&format!("/api/v1/runs/{run}/enrolment")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        my_runs(&mut bob).await,
        [(run.clone(), "active".to_owned())]
    );
    assert!(my_runs(&mut ann).await.is_empty());
    let mail = t.last_mail_to("bob@example.test").await;
    assert!(mail.contains("Small group"), "{mail}");
    let v = run_view(&mut a, &run).await;
    assert_eq!(
        (v["enrolled_count"].clone(), v["waiting_count"].clone()),
        (json!(1), json!(0))
    );
    assert_eq!(
        bob.get(&format!("/api/v1/runs/{run}/home")).await.status,
        StatusCode::OK
    );
    // Ann cannot come back: the run is full and has a waiting list, so she waits.
    assert_eq!(ann.enrol(&run, None).await.json()["status"], "waiting");

    // Without a waiting list, the second person is refused.
    let (_, full, _) = published_run(
        &mut a,
        "CAP2",
        json!({ "capacity": "1", "waiting_list": false }),
        1,
    )
    .await;
    assert_eq!(ann.enrol(&full, None).await.json()["status"], "enrolled");
    let r = bob.enrol(&full, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "run_full");
    let v = run_view(&mut a, &full).await;
    assert_eq!(v["enrolled_count"], 1);
    assert_eq!(v["waiting_count"], 0);
}

#[tokio::test]
async fn courses_api_code_and_invitation_policies() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let r = {
        let c = a
            .create(
                "/api/v1/courses",
                json!({ "code": "CODE1", "title": "Coded" }),
            )
            .await;
        a.post(
            &format!("/api/v1/courses/{}/runs", id(&c)),
            json!({ "name": "Coded", "policy": "code" }),
        )
        .await
    };
    assert_eq!(field_code(&r, "enrolment_code"), "required");
    let (_, coded, _) = published_run(
        &mut a,
        "CODE2",
        json!({ "policy": "code", "enrolment_code": "Spring-2027" }),
        1,
    )
    .await;
    let v = run_view(&mut a, &coded).await;
    assert_eq!(v["has_code"], true);
    assert!(v.get("enrolment_code").is_none());
    assert_eq!(
        a.ok(&format!("/api/v1/runs/{coded}/outline")).await["enrolment_code"],
        "SPRING-2027"
    );
    let mut ann = learner(&t, "ann@example.test", "Ann").await;
    let about = ann.ok("/api/v1/courses/CODE2").await;
    assert_eq!(about["runs"][0]["action"], "enrol_with_code");
    assert!(
        !about.to_string().contains("SPRING"),
        "the code is not shown"
    );
    for wrong in [None, Some("SPRING-2028")] {
        let r = ann.enrol(&coded, wrong).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{wrong:?}: {}",
            r.text
        );
        assert_eq!(field_code(&r, "code"), "enrolment_code_wrong");
    }
    assert!(my_runs(&mut ann).await.is_empty());
    let r = ann.enrol(&coded, Some("  spring 2027 ")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "enrolled");

    // Invitation only.
    let (_, inv, _) = published_run(&mut a, "INV1", json!({ "policy": "invitation" }), 1).await;
    let mut bob = learner(&t, "bob@example.test", "Bob").await;
    let r = bob.enrol(&inv, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = a
        .post(
            &format!("/api/v1/runs/{inv}/invitations"),
            json!({ "emails": ["bob@example.test", "not an address"] }),
        )
        .await;
    assert_eq!(field_code(&r, "emails"), "email_invalid");
    let r = a
        .post(
            &format!("/api/v1/runs/{inv}/invitations"),
            json!({ "emails": ["Bob@Example.test", "cleo@example.test", "bob@example.test"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["invited"], 2);
    let mail = t.last_mail_to("bob@example.test").await;
    assert!(mail.contains("/courses/INV1"), "{mail}");
    // Learners cannot invite.
    let r = bob
        .post(
            &format!("/api/v1/runs/{inv}/invitations"),
            json!({ "emails": ["dan@example.test"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = bob.enrol(&inv, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "enrolled");
    assert_eq!(
        my_runs(&mut bob).await,
        [(inv.clone(), "active".to_owned())]
    );
    assert_eq!(
        ann.enrol(&inv, None).await.status,
        StatusCode::FORBIDDEN,
        "Ann was not invited"
    );

    // The course team adds someone directly, in a role.
    let r = a
        .post(
            &format!("/api/v1/runs/{inv}/members"),
            json!({ "email": "ann@example.test", "role": "teaching_assistant" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = a
        .post(
            &format!("/api/v1/runs/{inv}/members"),
            json!({ "email": "nobody@example.test", "role": "learner" }),
        )
        .await;
    assert_eq!(field_code(&r, "email"), "no_such_account");
    let r = a
        .post(
            &format!("/api/v1/runs/{inv}/members"),
            json!({ "email": "ann@example.test", "role": "boss" }),
        )
        .await;
    assert_eq!(field_code(&r, "role"), "choice_invalid");
    let people = ann.ok(&format!("/api/v1/runs/{inv}/learners")).await;
    assert!(people["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["email"] == "bob@example.test"));
}

/// The shop's request: signed with `secret` unless a signature is given.
async fn webhook(t: &TestApp, secret: &str, body: &Value, ts: i64, sig: Option<&str>) -> Resp {
    let raw = serde_json::to_vec(body).unwrap();
    let mut msg = ts.to_string().into_bytes();
    msg.push(b'.');
    msg.extend_from_slice(&raw);
    let good = amphi_auth::signed::sign_hex(secret.as_bytes(), &msg);
    let mut c = t.client();
    c.headers.push(("x-amphi-timestamp".into(), ts.to_string()));
    c.headers
        .push(("x-amphi-signature".into(), sig.unwrap_or(&good).to_owned()));
    c.request(
        Method::POST,
        "/api/v1/shop/webhook",
        Some("application/json"),
        raw,
    )
    .await
}

#[tokio::test]
async fn courses_api_paid_runs_take_vouchers_and_shop_orders() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (_, paid, _) = published_run(&mut a, "PAID1", json!({ "policy": "paid" }), 1).await;
    let mut ann = learner(&t, "ann@example.test", "Ann").await;
    let mut bob = learner(&t, "bob@example.test", "Bob").await;
    let mut cleo = learner(&t, "cleo@example.test", "Cleo").await;

    assert_eq!(
        ann.enrol(&paid, None).await.status,
        StatusCode::FORBIDDEN,
        "a paid run needs a purchase or a voucher"
    );
    let r = a
        .post(
            &format!("/api/v1/runs/{paid}/vouchers"),
            json!({ "count": 0 }),
        )
        .await;
    assert_eq!(field_code(&r, "count"), "out_of_range");
    let r = ann
        .post(
            &format!("/api/v1/runs/{paid}/vouchers"),
            json!({ "count": 2 }),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "learners cannot make vouchers"
    );
    let codes = a
        .create(
            &format!("/api/v1/runs/{paid}/vouchers"),
            json!({ "count": 2 }),
        )
        .await["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(codes.len(), 2);
    assert_ne!(codes[0], codes[1]);
    let r = ann.enrol(&paid, Some("AAAA-BBBB-CCCC-DDDD")).await;
    assert_eq!(field_code(&r, "code"), "voucher_invalid");
    let r = ann.enrol(&paid, Some(&codes[0].to_lowercase())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "enrolled");
    let r = bob.enrol(&paid, Some(&codes[0])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        field_code(&r, "code"),
        "voucher_invalid",
        "a voucher works once"
    );
    assert!(my_runs(&mut bob).await.is_empty());
    assert_eq!(run_view(&mut a, &paid).await["enrolled_count"], 1);

    // The shop webhook, signed with the tenant's shop secret.
    let tenant = amphi_app::tenants::resolve_host(&t.app, HOST)
        .await
        .unwrap()
        .unwrap();
    let root = amphi_app::api_tokens::authenticate(&t.app, &tenant, &a.tok)
        .await
        .unwrap()
        .unwrap()
        .user;
    let root = amphi_app::Caller::cli(root, "http://localhost");
    let secret = amphi_app::courses::enrol::shop_secret(&t.app, &root)
        .await
        .unwrap();
    let order = json!({ "order_id": "ORD-1", "run_id": paid, "email": "Cleo@example.test", "name": "Cleo" });
    let now = t.app.now().timestamp();

    let r = webhook(&t, &secret, &order, now, Some(&"ab".repeat(32))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert_eq!(error_code(&r), "unauthenticated");
    let r = webhook(&t, "not the secret", &order, now, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert!(my_runs(&mut cleo).await.is_empty());
    let r = webhook(&t, &secret, &order, now - 301, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(error_code(&r), "webhook_timestamp_stale");
    assert!(my_runs(&mut cleo).await.is_empty());
    assert_eq!(run_view(&mut a, &paid).await["enrolled_count"], 1);

    let r = webhook(&t, &secret, &order, now - 60, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["outcome"], "enrolled");
    assert_eq!(
        my_runs(&mut cleo).await,
        [(paid.clone(), "active".to_owned())]
    );
    assert_eq!(run_view(&mut a, &paid).await["enrolled_count"], 2);
    // The shop retries: nothing changes.
    let r = webhook(&t, &secret, &order, now, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["outcome"], "duplicate");
    assert_eq!(run_view(&mut a, &paid).await["enrolled_count"], 2);
    assert_eq!(my_runs(&mut cleo).await.len(), 1);

    // A buyer without an account yet: recorded, enrolled when they sign up and enrol.
    let later = json!({ "order_id": "ORD-2", "run_id": paid, "email": "dan@example.test" });
    let r = webhook(&t, &secret, &later, now, None).await;
    assert_eq!(r.json()["outcome"], "recorded", "{}", r.text);
    let mut dan = learner(&t, "dan@example.test", "Dan").await;
    let r = dan.enrol(&paid, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "enrolled");

    // An order for a run that is not paid is refused with the field named.
    let (_, free, _) = published_run(&mut a, "FREE1", json!({}), 1).await;
    let r = webhook(
        &t,
        &secret,
        &json!({ "order_id": "ORD-3", "run_id": free, "email": "bob@example.test" }),
        now,
        None,
    )
    .await;
    assert_eq!(field_code(&r, "run_id"), "run_not_paid");
    // Unknown site.
    let mut elsewhere = t.client_on("unknown.test");
    let r = elsewhere
        .request(
            Method::POST,
            "/api/v1/shop/webhook",
            Some("application/json"),
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r), "not_found");
}

#[tokio::test]
async fn courses_api_enrolment_window_and_archived_runs() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (_, run, _) = published_run(
        &mut a,
        "WIN1",
        json!({
            "enrol_opens_at": at(&t, Duration::days(1)),
            "enrol_closes_at": at(&t, Duration::days(3)),
            "starts_at": at(&t, Duration::days(2)),
            "ends_at": at(&t, Duration::days(10)),
        }),
        1,
    )
    .await;
    let mut ann = learner(&t, "ann@example.test", "Ann").await;
    let mut bob = learner(&t, "bob@example.test", "Bob").await;
    let r = ann.enrol(&run, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "enrolment_closed");
    assert_eq!(
        ann.ok("/api/v1/courses/WIN1").await["runs"][0]["action"],
        json!({ "unavailable": "enrolment_closed" })
    );

    t.clock.advance(Duration::days(1) + Duration::hours(1));
    assert_eq!(ann.enrol(&run, None).await.json()["status"], "enrolled");
    // Enrolled before the start: the content is not open yet.
    let h = ann.ok(&format!("/api/v1/runs/{run}/home")).await;
    assert_eq!(h["not_started"], true);
    assert_eq!(h["modules"][0]["locked"], true);

    t.clock.advance(Duration::days(2));
    let r = bob.enrol(&run, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "enrolment_closed");

    t.clock.advance(Duration::days(8));
    let r = bob.enrol(&run, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "run_archived");
    // An archived run is read-only for its team too.
    let r = a
        .post(
            &format!("/api/v1/runs/{run}/modules"),
            json!({ "title": "Late" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "run_archived");
    let v = run_view(&mut a, &run).await;
    assert_eq!(v["archived"], true);
    // Ann still reads it, but cannot complete anything.
    let h = ann.ok(&format!("/api/v1/runs/{run}/home")).await;
    let item = h["modules"][0]["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = ann.ok(&format!("/api/v1/runs/{run}/items/{item}")).await;
    assert_eq!(page["can_complete"], false);
    assert_eq!(
        ann.post_empty(&format!("/api/v1/runs/{run}/items/{item}/complete"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn courses_api_progress_release_rules_and_recount() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (_, run, ids) = published_run(&mut a, "PROG1", json!({}), 1).await;
    let p1 = ids[0].clone();
    let o = a.ok(&format!("/api/v1/runs/{run}/outline")).await;
    let m1 = o["modules"][0]["id"].as_str().unwrap().to_owned();
    let items1 = format!("/api/v1/runs/{run}/modules/{m1}/items");
    let p2 = id(&a
        .create(
            &items1,
            json!({ "kind": "page", "title": "After P1", "published": true, "requires_item_id": p1 }),
        )
        .await);
    let p3 = id(&a
        .create(
            &items1,
            json!({ "kind": "link", "title": "In two days", "url": "https://example.org/read", "published": true, "available_from": at(&t, Duration::days(2)) }),
        )
        .await);
    let draft = id(&a
        .create(&items1, json!({ "kind": "page", "title": "Draft" }))
        .await);
    let m2 = id(&a
        .create(
            &format!("/api/v1/runs/{run}/modules"),
            json!({ "title": "Week 2", "published": true }),
        )
        .await);
    let q1 = id(&a
        .create(
            &format!("/api/v1/runs/{run}/modules/{m2}/items"),
            json!({ "kind": "page", "title": "Week 2 page", "published": true }),
        )
        .await);
    let r = a
        .post(
            &items1,
            json!({ "kind": "page", "title": "Bad", "requires_item_id": "0190a000-0000-7000-8000-000000000000" }),
        )
        .await;
    assert_eq!(field_code(&r, "requires_item_id"), "choice_invalid");
    assert_eq!(run_view(&mut a, &run).await["item_count"], 4);

    let mut ann = learner(&t, "ann@example.test", "Ann Learner").await;
    let mut bob = learner(&t, "bob@example.test", "Bob Other").await;
    assert_eq!(
        ann.get(&format!("/api/v1/runs/{run}/items/{p1}"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "not enrolled"
    );
    assert_eq!(ann.enrol(&run, None).await.json()["status"], "enrolled");
    assert_eq!(bob.enrol(&run, None).await.json()["status"], "enrolled");

    let h = ann.ok(&format!("/api/v1/runs/{run}/home")).await;
    assert_eq!(h["percent"], 0);
    assert_eq!(h["role"], "learner");
    assert_eq!(h["staff_view"], false);
    assert_eq!(h["resume_item"], json!(p1));
    assert_eq!(
        item_fields(&h, 0, "title"),
        ["Page 0", "After P1", "In two days"],
        "no draft"
    );
    assert_eq!(h["modules"][0]["items"][1]["locked"], "requires");
    assert_eq!(h["modules"][0]["items"][1]["requires_title"], "Page 0");
    assert_eq!(h["modules"][0]["items"][2]["locked"], "available_from");
    assert_eq!(
        ann.get(&format!("/api/v1/runs/{run}/items/{draft}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A locked item cannot be opened or completed.
    for path in [
        format!("/api/v1/runs/{run}/items/{p2}"),
        format!("/api/v1/runs/{run}/items/{p3}"),
    ] {
        let r = ann.get(&path).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{path}: {}", r.text);
        assert_eq!(error_code(&r), "item_locked");
        let r = ann.post_empty(&format!("{path}/complete")).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{path}: {}", r.text);
        assert_eq!(error_code(&r), "item_locked");
    }

    // Open, then complete (twice: counted once).
    let page = ann.ok(&format!("/api/v1/runs/{run}/items/{p1}")).await;
    assert_eq!(page["entry"]["state"], "viewed");
    assert_eq!(page["can_complete"], true);
    assert_eq!(page["next"], json!(p2));
    for _ in 0..2 {
        let r = ann
            .post_empty(&format!("/api/v1/runs/{run}/items/{p1}/complete"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json()["percent"], 25);
    }
    let h = ann.ok(&format!("/api/v1/runs/{run}/home")).await;
    assert_eq!(h["percent"], 25);
    assert_eq!(h["completed"], 1);
    assert_eq!(h["modules"][0]["percent"], 33);
    assert_eq!(h["modules"][1]["percent"], 0);
    assert_eq!(h["modules"][0]["items"][0]["state"], "completed");
    assert!(
        h["modules"][0]["items"][1]["locked"].is_null(),
        "P1 done, P2 opens"
    );

    // P2 is open now; P3 after two days.
    let r = ann
        .post_empty(&format!("/api/v1/runs/{run}/items/{p2}/complete"))
        .await;
    assert_eq!(r.json()["percent"], 50, "{}", r.text);
    t.clock.advance(Duration::days(2) + Duration::minutes(1));
    let link = ann.ok(&format!("/api/v1/runs/{run}/items/{p3}")).await;
    assert_eq!(link["url"], "https://example.org/read");
    // The home reads the three progress rows with the run: two completed, one viewed.
    let h = ann.ok(&format!("/api/v1/runs/{run}/home")).await;
    assert_eq!(
        item_fields(&h, 0, "state"),
        ["completed", "completed", "viewed"]
    );
    assert_eq!(h["completed"], 2);
    let r = ann
        .post_empty(&format!("/api/v1/runs/{run}/items/{p3}/complete"))
        .await;
    assert_eq!(r.json()["percent"], 75, "{}", r.text);
    let h = ann.ok(&format!("/api/v1/runs/{run}/home")).await;
    assert_eq!(h["modules"][0]["percent"], 100);
    assert_eq!(h["percent"], 75);
    let dash = ann.ok("/api/v1/me/courses").await;
    assert_eq!(dash[0]["percent"], 75);
    assert_eq!(dash[0]["course_code"], "PROG1");
    assert_eq!(dash[0]["completed"], false);
    // Bob's progress is his own.
    assert_eq!(
        bob.ok(&format!("/api/v1/runs/{run}/home")).await["percent"],
        0
    );

    // The course team's view.
    let people = a
        .ok(&format!("/api/v1/runs/{run}/learners?role=learner"))
        .await;
    let rows: Vec<(&str, i64)> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["email"].as_str().unwrap(), p["percent"].as_i64().unwrap()))
        .collect();
    assert_eq!(rows, [("ann@example.test", 75), ("bob@example.test", 0)]);
    let found = a
        .ok(&format!("/api/v1/runs/{run}/learners?q=learner"))
        .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["name"], "Ann Learner");
    let none = a.ok(&format!("/api/v1/runs/{run}/learners?q=zebra")).await;
    assert!(none["items"].as_array().unwrap().is_empty());
    let page1 = a
        .ok(&format!("/api/v1/runs/{run}/learners?role=learner&limit=1"))
        .await;
    assert_eq!(page1["items"].as_array().unwrap().len(), 1);
    let next = page1["next"].as_str().unwrap().to_owned();
    let page2 = a
        .ok(&format!(
            "/api/v1/runs/{run}/learners?role=learner&limit=1&after={next}"
        ))
        .await;
    assert_eq!(page2["items"][0]["email"], "bob@example.test");
    let r = a
        .get(&format!("/api/v1/runs/{run}/learners?progress=maybe"))
        .await;
    assert_eq!(field_code(&r, "progress"), "choice_invalid");
    // A learner of the run may not list the others.
    let r = ann.get(&format!("/api/v1/runs/{run}/learners")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let mut cleo = learner(&t, "cleo@example.test", "Cleo").await;
    let r = cleo.get(&format!("/api/v1/runs/{run}/learners")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);

    // Ann finishes week 2, then the course team unpublishes that page: after the recount job
    // her count follows the published items only.
    let r = ann
        .post_empty(&format!("/api/v1/runs/{run}/items/{q1}/complete"))
        .await;
    assert_eq!(r.json()["percent"], 100, "{}", r.text);
    let done = a
        .ok(&format!("/api/v1/runs/{run}/learners?progress=done"))
        .await;
    assert_eq!(done["items"].as_array().unwrap().len(), 1);
    assert!(done["items"][0]["completed_at"].is_string());
    let r = a
        .patch(
            &format!("/api/v1/runs/{run}/items/{p3}"),
            json!({ "published": false }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(run_view(&mut a, &run).await["item_count"], 3);
    t.run_jobs().await;
    let people = a.ok(&format!("/api/v1/runs/{run}/learners?q=ann")).await;
    assert_eq!(people["items"][0]["completed"], 3);
    assert_eq!(people["items"][0]["percent"], 100);
    assert_eq!(
        ann.ok(&format!("/api/v1/runs/{run}/home")).await["percent"],
        100
    );

    // A new item makes the run longer: Ann is no longer done.
    a.create(
        &format!("/api/v1/runs/{run}/modules/{m2}/items"),
        json!({ "kind": "page", "title": "Bonus", "published": true }),
    )
    .await;
    t.run_jobs().await;
    let people = a.ok(&format!("/api/v1/runs/{run}/learners?q=ann")).await;
    assert_eq!(people["items"][0]["percent"], 75);
    assert!(people["items"][0]["completed_at"].is_null());
    assert_eq!(
        ann.ok(&format!("/api/v1/runs/{run}/home")).await["percent"],
        75
    );

    // Unpublishing a whole module takes its items out of everyone's count.
    let r = a
        .patch(
            &format!("/api/v1/runs/{run}/modules/{m2}"),
            json!({ "published": false }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    t.run_jobs().await;
    assert_eq!(run_view(&mut a, &run).await["item_count"], 2);
    let people = a.ok(&format!("/api/v1/runs/{run}/learners?q=ann")).await;
    assert_eq!(people["items"][0]["completed"], 2);
    assert_eq!(people["items"][0]["percent"], 100);
    assert_eq!(
        ann.ok(&format!("/api/v1/runs/{run}/home")).await["percent"],
        100
    );
}

#[tokio::test]
async fn courses_api_other_tenants_see_nothing() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (course, run, ids) = published_run(&mut a, "HOME1", json!({}), 1).await;
    let item = ids[0].clone();
    let r = a
        .post(
            "/api/v1/tenants",
            json!({"slug": "acme", "name": "Acme Academy", "hosts": ["acme.test"], "signup_policy": "open"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    let mut acme = t.client_on("acme.test");
    acme.sign_up("zoe@example.test", "Zoe", PASSWORD).await;
    let link = link_in(
        &t.last_mail_to("zoe@example.test").await,
        "/verify-email?token=",
    );
    acme.verify(&link).await;
    assert_eq!(
        acme.sign_in("zoe@example.test", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let tok = acme.create_token(&["read", "write"], "30").await;
    let mut zoe = Caller { c: acme, tok };

    assert!(zoe.ok("/api/v1/catalog").await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    for path in [
        "/api/v1/courses/HOME1".to_owned(),
        format!("/api/v1/runs/{run}/home"),
        format!("/api/v1/runs/{run}/outline"),
        format!("/api/v1/runs/{run}/items/{item}"),
        format!("/api/v1/runs/{run}/learners"),
    ] {
        let r = zoe.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
    }
    assert_eq!(zoe.enrol(&run, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        zoe.post(
            &format!("/api/v1/courses/{course}/runs"),
            json!({ "name": "Mine" })
        )
        .await
        .status,
        StatusCode::FORBIDDEN,
        "an acme learner cannot create runs at all"
    );
    assert!(zoe
        .ok("/api/v1/me/courses")
        .await
        .as_array()
        .unwrap()
        .is_empty());
    // The default tenant's token is worthless on acme.test.
    let mut root_on_acme = Caller {
        c: t.client_on("acme.test"),
        tok: a.tok.clone(),
    };
    assert_eq!(
        root_on_acme.get("/api/v1/catalog").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        run_view(&mut a, &run).await["enrolled_count"],
        0,
        "nobody from acme got in"
    );
}

#[tokio::test]
async fn courses_api_restricted_runs_admit_the_client_companys_people_only() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (_, run, _) = published_run(
        &mut a,
        "ACME1",
        json!({ "policy": "restricted", "restrict_domains": "acme.test" }),
        1,
    )
    .await;
    let mut insider = learner(&t, "jo@eng.acme.test", "Jo").await;
    let mut outsider = learner(&t, "eve@acme.test.evil.test", "Eve").await;
    let r = insider.enrol(&run, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "enrolled");
    let r = outsider.enrol(&run, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(error_code(&r), "enrolment_restricted");
    // An invitation lets an outsider in (a partner of the client, say).
    let r = a
        .post(
            &format!("/api/v1/runs/{run}/invitations"),
            json!({ "emails": ["eve@acme.test.evil.test"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(outsider.enrol(&run, None).await.status, StatusCode::OK);
    assert_eq!(run_view(&mut a, &run).await["enrolled_count"], 2);
}

#[tokio::test]
async fn courses_api_sequential_runs_and_module_dates_lock_items() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (_, run, items) = published_run(&mut a, "SEQ1", json!({ "sequential": true }), 3).await;
    // A second module that opens in three days.
    let m2 = a.create(&format!("/api/v1/runs/{run}/modules"), json!({ "title": "Week 2", "published": true, "available_from": at(&t, Duration::days(3)) })).await;
    let later = a
        .create(
            &format!("/api/v1/runs/{run}/modules/{}/items", id(&m2)),
            json!({ "kind": "page", "title": "Later", "body": "x", "published": true }),
        )
        .await;
    t.run_jobs().await;
    let mut l = learner(&t, "seq@example.test", "Seq").await;
    assert_eq!(l.enrol(&run, None).await.status, StatusCode::OK);
    let h = l.ok(&format!("/api/v1/runs/{run}/home")).await;
    assert_eq!(h["modules"][0]["items"][0]["locked"], Value::Null);
    assert_eq!(h["modules"][0]["items"][1]["locked"], "sequential");
    assert_eq!(h["modules"][1]["locked"], true);
    let r = l
        .get(&format!("/api/v1/runs/{run}/items/{}", items[1]))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(error_code(&r), "item_locked");
    // Completing in order opens the next one.
    assert_eq!(
        l.post_empty(&format!("/api/v1/runs/{run}/items/{}/complete", items[0]))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        l.get(&format!("/api/v1/runs/{run}/items/{}", items[1]))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        l.get(&format!("/api/v1/runs/{run}/items/{}", items[2]))
            .await
            .status,
        StatusCode::CONFLICT
    );
    // The dated module opens on its date (and, sequential, after the earlier items).
    for it in &items[1..] {
        assert_eq!(
            l.post_empty(&format!("/api/v1/runs/{run}/items/{it}/complete"))
                .await
                .status,
            StatusCode::OK
        );
    }
    assert_eq!(
        l.get(&format!("/api/v1/runs/{run}/items/{}", id(&later)))
            .await
            .status,
        StatusCode::CONFLICT
    );
    t.clock.advance(Duration::days(3) + Duration::minutes(1));
    assert_eq!(
        l.get(&format!("/api/v1/runs/{run}/items/{}", id(&later)))
            .await
            .status,
        StatusCode::OK
    );
    let r = l
        .post_empty(&format!("/api/v1/runs/{run}/items/{}/complete", id(&later)))
        .await;
    assert_eq!(r.json()["percent"], 100);
}

#[tokio::test]
async fn courses_api_question_bank_gift_import() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (course, _, _) = published_run(&mut a, "QB1", json!({}), 0).await;
    let path = format!("/api/v1/courses/{course}/questions/gift");
    a.c.headers
        .push(("authorization".into(), format!("Bearer {}", a.tok)));
    let r =
        a.c.request(
            Method::POST,
            &path,
            Some("text/plain"),
            b"::A::One {=1 ~2}\n\n::B::Broken {=x\n".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let fields = r.json()["error"]["fields"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(fields, vec!["line 3".to_owned()]);
    let r =
        a.c.request(
            Method::POST,
            &path,
            Some("text/plain"),
            b"$CATEGORY: Basics\n\n::A::One {=1 ~2}\n\n::B::True? {T}\n".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["imported"], 2);
    a.c.headers.pop();
    let list = a.ok(&format!("/api/v1/courses/{course}/questions")).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_eq!(list["items"][0]["category"], "Basics");
    let mut l = learner(&t, "l@example.test", "L").await;
    assert_ne!(
        l.get(&format!("/api/v1/courses/{course}/questions"))
            .await
            .status,
        StatusCode::OK
    );
}
