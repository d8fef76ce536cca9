//! Quizzes and the gradebook, through the JSON API and the pages: attempts, the server-side
//! time limit, autosave, submission and grading, feedback rules, the attempts allowed and the
//! grade kept, essays graded by hand, overrides with an audit trail, the scheme, the CSV export,
//! and every bad input the issue lists.

use crate::fixtures::{admin, api_course, error_code, field_code, id, learner, Caller};
use crate::support::*;
use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{json, Value};

const GIFT: &str = "$CATEGORY: Basics

::Capital::The capital of France? {=Paris ~London ~Berlin}

::Sky::The sky is blue. {T}

::Half::One half as a decimal? {#0.5:0.01}

$CATEGORY: Writing

::Essay::Explain photosynthesis. {}
";

struct Quiz {
    course: String,
    run: String,
    item: String,
    /// Question ids by title.
    q: std::collections::HashMap<String, String>,
}

/// A published run with a published quiz item and the GIFT bank above.
async fn quiz_run(a: &mut Caller, code: &str) -> Quiz {
    let c = api_course(
        a,
        json!({ "code": code, "title": format!("Course {code}"), "summary": "A course." }),
        json!({}),
        &[json!({ "kind": "quiz", "title": "Quiz 1", "body": "Good luck.", "published": true })],
    )
    .await;
    let (course, run) = (c.course, c.run);
    a.c.headers
        .push(("authorization".into(), format!("Bearer {}", a.tok)));
    let r =
        a.c.request(
            Method::POST,
            &format!("/api/v1/courses/{course}/questions/gift"),
            Some("text/plain"),
            GIFT.as_bytes().to_vec(),
        )
        .await;
    a.c.headers.pop();
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let list = a.ok(&format!("/api/v1/courses/{course}/questions")).await;
    let q = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["title"].as_str().unwrap().to_owned(), id(q)))
        .collect();
    Quiz {
        course,
        run,
        item: c.items[0].clone(),
        q,
    }
}

async fn configure(a: &mut Caller, z: &Quiz, settings: Value) -> Resp {
    a.put(
        &format!("/api/v1/runs/{}/items/{}/quiz", z.run, z.item),
        settings,
    )
    .await
}

/// A quiz run whose quiz has the settings made from it (they must be accepted).
async fn configured(a: &mut Caller, code: &str, settings: impl FnOnce(&Quiz) -> Value) -> Quiz {
    let z = quiz_run(a, code).await;
    let r = configure(a, &z, settings(&z)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    z
}

fn fixed(z: &Quiz, titles: &[&str]) -> Value {
    Value::Array(
        titles
            .iter()
            .map(|t| json!({ "type": "question", "question_id": z.q[*t] }))
            .collect(),
    )
}

async fn start(l: &mut Caller, z: &Quiz) -> Resp {
    l.post_empty(&format!("/api/v1/runs/{}/items/{}/attempts", z.run, z.item))
        .await
}

async fn started(l: &mut Caller, z: &Quiz) -> (String, Value) {
    let r = start(l, z).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let at = id(&r.json());
    let view = l.ok(&format!("/api/v1/runs/{}/attempts/{at}", z.run)).await;
    (at, view)
}

/// The option id of the choice whose text contains `text`, in a shown question.
fn choice(view: &Value, qid: &str, text: &str) -> u64 {
    let q = view["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == qid)
        .unwrap();
    q["choices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["html"].as_str().unwrap().contains(text))
        .unwrap()["id"]
        .as_u64()
        .unwrap()
}

async fn enrolled(t: &TestApp, z: &Quiz, email: &str) -> Caller {
    let mut l = learner(t, email, email).await;
    let r = l.enrol(&z.run, None).await;
    assert!(r.status.is_success(), "{}", r.text);
    l
}

#[tokio::test]
async fn quiz_attempt_saves_answers_submits_and_grades() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let z = configured(&mut a, "QZ1", |z| json!({ "slots": fixed(z, &["Capital", "Sky", "Half"]), "attempts": 2, "time_limit_minutes": 10 })).await;
    let mut l = enrolled(&t, &z, "ann@example.test").await;
    let intro = l
        .ok(&format!("/api/v1/runs/{}/items/{}/quiz", z.run, z.item))
        .await;
    assert_eq!(intro["question_count"], 3);
    assert_eq!(intro["max_points"], 3.0);
    assert!(intro["blocked"].is_null(), "{intro}");

    let (at, view) = started(&mut l, &z).await;
    assert_eq!(view["status"], "open");
    assert_eq!(view["questions"].as_array().unwrap().len(), 3);
    let left = view["seconds_left"].as_i64().unwrap();
    assert!((590..=600).contains(&left), "{left}");
    // Starting again resumes the same attempt.
    let (again, _) = started(&mut l, &z).await;
    assert_eq!(again, at);

    let paris = choice(&view, &z.q["Capital"], "Paris");
    let answers = format!("/api/v1/runs/{}/attempts/{at}/answers", z.run);
    let r = l.put(&answers,
        json!({ "answers": { z.q["Capital"].clone(): { "type": "single_choice", "chosen": paris } } }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["answered"], 1);

    // A tampered question id, or an answer that does not fit its question: 422, nothing kept.
    let stranger = uuid::Uuid::now_v7().to_string();
    let r = l
        .put(
            &answers,
            json!({ "answers": {
            z.q["Sky"].clone(): { "type": "true_false", "answer": true },
            stranger.clone(): { "type": "true_false", "answer": true } } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        field_code(&r, &format!("answers.{stranger}")),
        "question_unknown"
    );
    let r = l.put(&answers,
        json!({ "answers": { z.q["Capital"].clone(): { "type": "single_choice", "chosen": 999 } } }),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = l
        .put(
            &answers,
            json!({ "answers": { z.q["Capital"].clone(): { "type": "numeric", "value": 1 } } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let view = l.ok(&format!("/api/v1/runs/{}/attempts/{at}", z.run)).await;
    let saved: Vec<&Value> = view["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| !q["response"].is_null())
        .collect();
    assert_eq!(saved.len(), 1, "only the first save is kept: {view}");
    assert_eq!(saved[0]["response"]["chosen"], paris);

    // Submit with the last answers: Sky right, Pi wrong.
    let submit = format!("/api/v1/runs/{}/attempts/{at}/submit", z.run);
    let r = l
        .post(
            &submit,
            json!({ "answers": {
                z.q["Sky"].clone(): { "type": "true_false", "answer": true },
                z.q["Half"].clone(): { "type": "numeric", "value": 0.9, "unit": "" } } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let done = r.json();
    assert_eq!(done["status"], "submitted");
    assert_eq!(done["score"], 2.0);
    // Feedback is shown at once (the default); correct answers only after the quiz closes.
    let half = done["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == z.q["Half"].as_str())
        .unwrap();
    assert_eq!(half["result"]["points"], 0.0);
    assert!(half["correct_html"].is_null());

    // A submitted attempt is final.
    let r = l.post(&submit, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "attempt_already_submitted");
    let r = l
        .put(
            &answers,
            json!({ "answers": { z.q["Half"].clone(): { "type": "numeric", "value": 0.5 } } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "attempt_closed");

    // The grade reached the gradebook and the learner's own page; the quiz counts as done.
    let mine = l.ok(&format!("/api/v1/runs/{}/grades/me", z.run)).await;
    assert_eq!(mine["cells"][0]["points"], 2.0);
    assert_eq!(mine["percent"], 66.67);
    assert_eq!(mine["passed"], true);
    let book = a.ok(&format!("/api/v1/runs/{}/gradebook", z.run)).await;
    assert_eq!(book["columns"][0]["title"], "Quiz 1");
    assert_eq!(book["rows"][0]["percent"], 66.67);
    assert_eq!(book["rows"][0]["cells"][0]["points"], 2.0);
    let home = l.ok(&format!("/api/v1/runs/{}/home", z.run)).await;
    assert_eq!(home["percent"], 100);

    // The grade event feed saw the item and the course grade change.
    let events = a.ok(&format!("/api/v1/runs/{}/grade-events", z.run)).await;
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"item") && kinds.contains(&"course"),
        "{kinds:?}"
    );
    // Learners do not read the gradebook or the feed.
    let r = l.get(&format!("/api/v1/runs/{}/gradebook", z.run)).await;
    assert!(matches!(
        r.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    let r = l.get(&format!("/api/v1/runs/{}/grade-events", z.run)).await;
    assert!(matches!(
        r.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    // Another learner cannot see or answer this attempt.
    let mut b = enrolled(&t, &z, "bob@example.test").await;
    let r = b
        .get(&format!("/api/v1/runs/{}/attempts/{at}", z.run))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = b.put(&answers, json!({ "answers": {} })).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let _ = &z.course;
}

#[tokio::test]
async fn quiz_time_limit_is_enforced_by_the_server() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let z = configured(
        &mut a,
        "QZ2",
        |z| json!({ "slots": fixed(z, &["Capital", "Sky"]), "time_limit_minutes": 1 }),
    )
    .await;
    let mut l = enrolled(&t, &z, "ann@example.test").await;
    let (at, view) = started(&mut l, &z).await;
    let paris = choice(&view, &z.q["Capital"], "Paris");
    let answers = format!("/api/v1/runs/{}/attempts/{at}/answers", z.run);
    let r = l.put(&answers,
        json!({ "answers": { z.q["Capital"].clone(): { "type": "single_choice", "chosen": paris } } }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Two minutes later, an answer is refused and not counted.
    t.clock.advance(Duration::minutes(2));
    let r = l
        .put(
            &answers,
            json!({ "answers": { z.q["Sky"].clone(): { "type": "true_false", "answer": true } } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "attempt_expired");
    let r = l
        .post(
            &format!("/api/v1/runs/{}/attempts/{at}/submit", z.run),
            json!({ "answers": { z.q["Sky"].clone(): { "type": "true_false", "answer": true } } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let view = l.ok(&format!("/api/v1/runs/{}/attempts/{at}", z.run)).await;
    assert_eq!(view["status"], "submitted");
    assert_eq!(view["score"], 1.0, "only the answer saved in time counts");
    let book = a.ok(&format!("/api/v1/runs/{}/gradebook", z.run)).await;
    assert_eq!(book["rows"][0]["cells"][0]["points"], 1.0);

    // An attempt abandoned past its deadline is graded by the sweep, with what was saved.
    let mut b = enrolled(&t, &z, "bob@example.test").await;
    let (bat, view) = started(&mut b, &z).await;
    let paris = choice(&view, &z.q["Capital"], "Paris");
    let r = b.put(&format!("/api/v1/runs/{}/attempts/{bat}/answers", z.run),
        json!({ "answers": { z.q["Capital"].clone(): { "type": "single_choice", "chosen": paris } } }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    t.clock.advance(Duration::minutes(5));
    let n = amphi_app::assessment::quiz::closing::close_expired(&t.app, 100)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let book = a.ok(&format!("/api/v1/runs/{}/gradebook", z.run)).await;
    let bob = book["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == "bob@example.test")
        .unwrap();
    assert_eq!(bob["cells"][0]["points"], 1.0);
}

#[tokio::test]
async fn quiz_dates_attempts_allowed_and_grade_kept() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let z = quiz_run(&mut a, "QZ3").await;
    // Bad settings are refused with a field error and change nothing.
    let r = configure(
        &mut a,
        &z,
        json!({ "slots": [{ "type": "question", "question_id": uuid::Uuid::now_v7() }] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(field_code(&r, "slots[0]"), "question_unknown");
    let r = configure(
        &mut a,
        &z,
        json!({ "slots": [{ "type": "draw", "category": "Basics", "count": 9, "points": 1 }] }),
    )
    .await;
    assert_eq!(field_code(&r, "slots[0].count"), "not_enough_questions");
    let mut l = enrolled(&t, &z, "ann@example.test").await;
    let r = start(&mut l, &z).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "quiz_empty");

    // Two questions drawn from Basics, 5 points each, two attempts, average kept.
    let closes = t.app.now() + Duration::days(2);
    let r = configure(
        &mut a,
        &z,
        json!({ "slots": [{ "type": "draw", "category": "Basics", "count": 2, "points": 5 }],
                "attempts": 2, "keep": "average", "answers": "after_close",
                "closes_at": closes.to_rfc3339() }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut scores = Vec::new();
    for _ in 0..2 {
        let (at, view) = started(&mut l, &z).await;
        assert_eq!(view["questions"].as_array().unwrap().len(), 2);
        // Answer everything wrong on the first attempt, right on the second (where we can).
        let right = scores.len() == 1;
        let mut answers = serde_json::Map::new();
        for q in view["questions"].as_array().unwrap() {
            let qid = q["id"].as_str().unwrap().to_owned();
            let r = match (q["kind"].as_str().unwrap(), right) {
                ("single_choice", true) => {
                    json!({ "type": "single_choice", "chosen": choice(&view, &qid, "Paris") })
                }
                ("single_choice", false) => {
                    json!({ "type": "single_choice", "chosen": choice(&view, &qid, "Berlin") })
                }
                ("true_false", r) => json!({ "type": "true_false", "answer": r }),
                (_, r) => json!({ "type": "numeric", "value": if r { 0.5 } else { 9.0 } }),
            };
            answers.insert(qid, r);
        }
        let r = l
            .post(
                &format!("/api/v1/runs/{}/attempts/{at}/submit", z.run),
                json!({ "answers": answers }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let v = r.json();
        assert!(
            v["questions"][0]["correct_html"].is_null(),
            "answers hidden until close"
        );
        scores.push(v["score"].as_f64().unwrap());
        // Each submit updates the enrolment once: the quiz counts as completed once (the first
        // time), and the course grade follows the grade kept.
        let people = a
            .ok(&format!("/api/v1/runs/{}/learners?q=ann", z.run))
            .await;
        assert_eq!(people["items"][0]["completed"], 1, "{people}");
        let mine = l.ok(&format!("/api/v1/runs/{}/grades/me", z.run)).await;
        assert_eq!(mine["percent"], if right { 50.0 } else { 0.0 }, "{mine}");
    }
    assert_eq!(scores, vec![0.0, 10.0]);
    let r = start(&mut l, &z).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "quiz_no_attempts_left");
    let intro = l
        .ok(&format!("/api/v1/runs/{}/items/{}/quiz", z.run, z.item))
        .await;
    assert_eq!(intro["kept"], 5.0);
    assert_eq!(intro["blocked"], "quiz_no_attempts_left");
    let mine = l.ok(&format!("/api/v1/runs/{}/grades/me", z.run)).await;
    assert_eq!(mine["percent"], 50.0);

    // After the close date nobody starts, and the correct answers show.
    let mut b = enrolled(&t, &z, "bob@example.test").await;
    t.clock.advance(Duration::days(3));
    let r = start(&mut b, &z).await;
    assert_eq!(error_code(&r), "quiz_closed");
    let last = intro["attempts"][0]["id"].as_str().unwrap().to_owned();
    let v = l
        .ok(&format!("/api/v1/runs/{}/attempts/{last}", z.run))
        .await;
    assert!(v["questions"][0]["correct_html"].is_string(), "{v}");
}

#[tokio::test]
async fn essays_wait_for_a_grader_then_count() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let z = configured(&mut a, "QZ4", |z| {
        json!({ "slots": [{ "type": "question", "question_id": z.q["Sky"] },
                      { "type": "question", "question_id": z.q["Essay"], "points": 4 }] })
    })
    .await;
    let mut l = enrolled(&t, &z, "ann@example.test").await;
    let (at, _) = started(&mut l, &z).await;
    let r = l
        .post(
            &format!("/api/v1/runs/{}/attempts/{at}/submit", z.run),
            json!({ "answers": {
                z.q["Sky"].clone(): { "type": "true_false", "answer": true },
                z.q["Essay"].clone(): { "type": "essay", "text": "Light becomes sugar." } } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["pending"], true);
    assert_eq!(r.json()["score"], 1.0);
    let grade = format!("/api/v1/runs/{}/attempts/{at}/grade", z.run);
    // Out of range, or a question that is not an essay of this attempt: 422, nothing changes.
    let r = a
        .post(&grade, json!({ "points": { z.q["Essay"].clone(): 5 } }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = a
        .post(&grade, json!({ "points": { z.q["Sky"].clone(): 1 } }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // A learner cannot grade.
    let r = l
        .post(&grade, json!({ "points": { z.q["Essay"].clone(): 4 } }))
        .await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.text
    );
    let r = a
        .post(&grade, json!({ "points": { z.q["Essay"].clone(): 3 } }))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = a
        .post(&grade, json!({ "points": { z.q["Essay"].clone(): 3 } }))
        .await;
    assert_eq!(error_code(&r), "attempt_not_pending");
    let mine = l.ok(&format!("/api/v1/runs/{}/grades/me", z.run)).await;
    assert_eq!(mine["cells"][0]["points"], 4.0);
    assert_eq!(mine["percent"], 80.0);
}

#[tokio::test]
async fn gradebook_overrides_scheme_recompute_and_csv_export() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let z = configured(
        &mut a,
        "GB1",
        |z| json!({ "slots": fixed(z, &["Sky", "Half"]) }),
    )
    .await;
    let mut learners = Vec::new();
    for (i, right) in [true, false].iter().enumerate() {
        let mut l = enrolled(&t, &z, &format!("l{i}@example.test")).await;
        let (at, _) = started(&mut l, &z).await;
        let r = l
            .post(
                &format!("/api/v1/runs/{}/attempts/{at}/submit", z.run),
                json!({ "answers": { z.q["Sky"].clone(): { "type": "true_false", "answer": right } } }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        learners.push(l);
    }
    let book = a.ok(&format!("/api/v1/runs/{}/gradebook", z.run)).await;
    let col = book["columns"][0]["id"].as_str().unwrap().to_owned();
    let rows = book["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let passed = a
        .ok(&format!("/api/v1/runs/{}/gradebook?grade=passed", z.run))
        .await;
    assert_eq!(passed["rows"].as_array().unwrap().len(), 1);
    assert_eq!(passed["rows"][0]["email"], "l0@example.test");
    let r = a
        .get(&format!("/api/v1/runs/{}/gradebook?grade=maybe", z.run))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let l1 = rows
        .iter()
        .find(|r| r["email"] == "l1@example.test")
        .unwrap()["user_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Override: a reason is required, points within the column's maximum.
    let path = format!("/api/v1/runs/{}/gradebook/learners/{l1}/items/{col}", z.run);
    let r = a.put(&path, json!({ "points": "1.5" })).await;
    assert_eq!(field_code(&r, "reason"), "required");
    let r = a
        .put(&path, json!({ "points": "7", "reason": "Regrade" }))
        .await;
    assert_eq!(field_code(&r, "points"), "out_of_range");
    let r = a
        .put(
            &path,
            json!({ "points": "1.5", "reason": "Regrade after appeal" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["percent"], 75.0);
    assert_eq!(r.json()["passed"], true);
    let audit = a.ok("/api/v1/audit?action=grade.override").await;
    assert!(
        audit.to_string().contains("Regrade after appeal"),
        "{audit}"
    );
    let mine = learners[1]
        .ok(&format!("/api/v1/runs/{}/grades/me", z.run))
        .await;
    assert_eq!(mine["cells"][0]["points"], 1.5);
    assert_eq!(mine["cells"][0]["overridden"], true);

    // The scheme: a pass mark of 80 % fails both after the recompute job.
    let r = a.put(&format!("/api/v1/runs/{}/gradebook/scheme", z.run),
        json!({ "categories": [{ "id": "main", "name": "Quizzes", "weight": 1 }], "pass_percent": 180 }),
    )
    .await;
    assert_eq!(field_code(&r, "pass_percent"), "out_of_range");
    let r = a.put(&format!("/api/v1/runs/{}/gradebook/scheme", z.run),
        json!({ "categories": [{ "id": "main", "name": "Quizzes", "weight": 1 }], "pass_percent": 80 }),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    t.run_jobs().await;
    let passed = a
        .ok(&format!("/api/v1/runs/{}/gradebook?grade=passed", z.run))
        .await;
    assert_eq!(passed["rows"].as_array().unwrap().len(), 0, "{passed}");
    // A course-total override lifts one learner over it.
    let r = a
        .put(
            &format!("/api/v1/runs/{}/gradebook/learners/{l1}/total", z.run),
            json!({ "percent": "85", "reason": "Jury decision" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["passed"], true);

    // The CSV export, page by page, through the course team's page.
    let r =
        a.c.get(&format!("/teach/runs/{}/gradebook.csv", z.run))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let lines: Vec<&str> = r.text.lines().collect();
    assert_eq!(lines[0], "name,email,Quiz 1 (2),course_percent,passed");
    assert_eq!(lines.len(), 3, "{}", r.text);
    assert!(r.text.contains("l1@example.test,1.5,85,yes"), "{}", r.text);
    // A learner gets no export.
    let r = learners[0]
        .c
        .get(&format!("/teach/runs/{}/gradebook.csv", z.run))
        .await;
    assert_ne!(r.status, StatusCode::OK);
}

/// The scheme is cached per run version on each node: a change made on another node reaches
/// the next submission's course grade at once, before any recompute.
#[tokio::test]
async fn a_scheme_changed_on_another_node_counts_at_the_next_submit() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let z = configured(
        &mut a,
        "GBN",
        |z| json!({ "slots": fixed(z, &["Sky", "Half"]), "attempts": 2 }),
    )
    .await;
    let mut l = enrolled(&t, &z, "nodes@example.test").await;
    let passed_path = format!("/api/v1/runs/{}/gradebook?grade=passed", z.run);
    for round in 0..2 {
        let (at, _) = started(&mut l, &z).await;
        let r = l
            .post(
                &format!("/api/v1/runs/{}/attempts/{at}/submit", z.run),
                json!({ "answers": { z.q["Sky"].clone(): { "type": "true_false", "answer": true } } }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        if round == 0 {
            // 1 point of 2: 50 %, the default pass mark.
            assert_eq!(
                a.ok(&passed_path).await["rows"].as_array().unwrap().len(),
                1
            );
            // Another node raises the pass mark; no recompute runs here.
            let mut other = Caller {
                c: t.other_node(&a.c).await,
                tok: a.tok.clone(),
            };
            let r = other
                .put(
                    &format!("/api/v1/runs/{}/gradebook/scheme", z.run),
                    json!({ "categories": [{ "id": "main", "name": "Quizzes", "weight": 1 }],
                        "pass_percent": 80 }),
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        }
    }
    // The second submission on this node stored the course grade under the new pass mark.
    let rows = a.ok(&passed_path).await;
    assert_eq!(rows["rows"].as_array().unwrap().len(), 0, "{rows}");
}

#[tokio::test]
async fn quiz_pages_take_an_attempt_with_forms() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let z = quiz_run(&mut a, "QZP").await;
    // The course team sets the quiz up on its settings page.
    let staff = &mut a.c;
    let page = format!("/teach/runs/{}/items/{}/quiz", z.run, z.item);
    let (sky, capital) = (format!("q:{}", z.q["Sky"]), format!("q:{}", z.q["Capital"]));
    let r = staff
        .submit(
            &page,
            &page,
            &[
                ("slot", "q:not-a-question"),
                ("points", ""),
                ("attempts", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = staff
        .submit(
            &page,
            &page,
            &[
                ("slot", &sky),
                ("points", ""),
                ("slot", &capital),
                ("points", "2"),
                ("attempts", "1"),
                ("keep", "highest"),
                ("feedback", "immediately"),
                ("answers", "immediately"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    let mut l = t.member("pat@example.test", "Pat").await;
    let r = l
        .submit("/courses/QZP", &format!("/runs/{}/enrol", z.run), &[])
        .await;
    assert!(r.status.is_redirection(), "{}", r.text);
    let item = format!("/learn/{}/items/{}", z.run, z.item);
    let r = l.get(&item).await;
    assert!(r.text.contains("Start the quiz"), "{}", r.text);
    let csrf = l.get(&item).await.csrf();
    let before = t.app.db.statements_run();
    let r = l
        .post_raw(&format!("{item}/attempts"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let start = t.app.db.statements_run() - before;
    let attempt = r.location();
    let r = l.get(&attempt).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("The capital of France?"), "{}", r.text);
    // Find Paris's option id in the form.
    let name = format!("q.{}", z.q["Capital"]);
    let needle = format!("name=\"{name}\" value=\"");
    let paris = r
        .text
        .split(&needle)
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .find(|v| {
            let label = format!("for=\"{name}-{v}\"><p>Paris");
            r.text.contains(&label)
        })
        .expect("Paris option");
    let sky = format!("q.{}", z.q["Sky"]);
    let r = l
        .submit(&attempt, &format!("{attempt}/save"), &[(&name, &paris)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = l.get(&attempt).await;
    assert!(
        r.text.contains(&format!("value=\"{paris}\" checked")),
        "saved answer shown"
    );
    // A forged field naming another question: 422, attempt unchanged.
    let forged = format!("q.{}", uuid::Uuid::now_v7());
    let r = l
        .submit(&attempt, &format!("{attempt}/submit"), &[(&forged, "1")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let csrf = l.get(&attempt).await.csrf();
    let before = t.app.db.statements_run();
    let fields = [("csrf", csrf.as_str()), (&sky, "true"), (&name, &paris)];
    let r = l.post_raw(&format!("{attempt}/submit"), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let submit = t.app.db.statements_run() - before;
    let before = t.app.db.statements_run();
    let r = l.get(&attempt).await;
    assert!(r.text.contains("3 / 3"), "{}", r.text);
    let result = t.app.db.statements_run() - before;
    let before = t.app.db.statements_run();
    let r = l.get(&format!("/learn/{}", z.run)).await;
    assert_eq!(r.status, StatusCode::OK);
    let home = t.app.db.statements_run() - before;
    // Statement budgets (BEGIN, COMMIT and the pool's pings aside), paid by every learner of a
    // deadline burst. The submit: the session; the run, the enrolment and the attempt in one
    // read; the transaction (close the attempt, the enrolment with the learner's grades,
    // completion, the grade, the enrolment's update, the grade log); the run's certificate
    // settings for a learner who passes; and, only because the quiz's settings changed just
    // before, the run's gradebook scheme (2 reads, cached afterwards). The result page and the
    // course home: the session, then the run with what they show of the learner in one read.
    // The start: the session, the run with the enrolment and progress (release rules), the
    // learner's attempts, the questions drawn, the new attempt.
    assert!(start <= 5, "a quiz start ran {start} statements");
    assert!(submit <= 11, "a quiz submit ran {submit} statements");
    assert!(result <= 2, "an attempt page ran {result} statements");
    assert!(home <= 2, "the course home ran {home} statements");
    let r = l.get(&format!("/learn/{}/grades", z.run)).await;
    assert!(r.text.contains("100 %"), "{}", r.text);
    // The course team's gradebook page lists Pat.
    let r = staff.get(&format!("/teach/runs/{}/gradebook", z.run)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("Pat"), "{}", r.text);
}

#[tokio::test]
async fn passing_the_course_through_a_quiz_issues_a_certificate() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let z = configured(
        &mut a,
        "CRT",
        |z| json!({ "slots": fixed(z, &["Sky"]), "attempts": 2 }),
    )
    .await;
    let page = format!("/teach/runs/{}/certificates", z.run);
    let r =
        a.c.submit(
            &page,
            &format!("{page}/settings"),
            &[
                ("enabled", "on"),
                ("min_completion_percent", "0"),
                ("show_grade", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut l = enrolled(&t, &z, "cat@example.test").await;
    // A failed attempt: no certificate.
    let (at, _) = started(&mut l, &z).await;
    let r = l
        .post(
            &format!("/api/v1/runs/{}/attempts/{at}/submit", z.run),
            json!({ "answers": { z.q["Sky"].clone(): { "type": "true_false", "answer": false } } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    t.run_jobs().await;
    assert!(!t.mails().iter().any(|m| m.contains("Your certificate")));
    // A passing one: the gradebook asks for a certificate, the job issues it.
    let (at, _) = started(&mut l, &z).await;
    let r = l
        .post(
            &format!("/api/v1/runs/{}/attempts/{at}/submit", z.run),
            json!({ "answers": { z.q["Sky"].clone(): { "type": "true_false", "answer": true } } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    t.run_jobs().await;
    let mail = t.last_mail_to("cat@example.test").await;
    assert!(mail.contains("Your certificate"), "{mail}");
    let verify = path_of(&link_in(&mail, "/verify/"));
    let v = t.client().get(&verify).await;
    assert_eq!(v.status, StatusCode::OK);
    assert!(v.text.contains("This certificate is valid."), "{}", v.text);
    assert!(v.text.contains("100.0 %"), "{}", v.text);
}
