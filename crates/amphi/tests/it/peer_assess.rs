//! Assignments and peer assessment through the JSON API and the pages: handing in and
//! resubmitting, deadlines and late penalties, the grading queue and grading, peer-review
//! allocation as a job (no self-review, late submitters), reviews and their bad inputs,
//! results (median), flags and overrides. Each test runs on SQLite and PostgreSQL.

use crate::fixtures::*;
use crate::support::*;
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{json, Value};
use std::collections::HashSet;

/// A learner enrolled in `run`.
async fn enrolled(t: &TestApp, n: usize, run: &str) -> Caller {
    let mut l = learner(
        t,
        &format!("learner{n}@example.test"),
        &format!("Learner {n}"),
    )
    .await;
    let r = l.enrol(run, None).await;
    assert!(r.status.is_success(), "enrol: {}", r.text);
    l
}

/// A published run with one published item of `kind`; returns (run, item).
async fn course_with(a: &mut Caller, code: &str, kind: &str) -> (String, String) {
    let c = api_course(
        a,
        json!({ "code": code, "title": "Writing", "summary": "Essays." }),
        json!({}),
        &[json!({ "kind": kind, "title": "Essay", "body": "Write about *rivers*.", "published": true })],
    )
    .await;
    (c.run, c.items[0].clone())
}

async fn submissions_count(t: &TestApp) -> i64 {
    count_of(t.app.db.reader(), "SELECT COUNT(*) AS n FROM submissions").await
}

/// The learner's gradebook cell for `item` (points, max), from the gradebook API.
async fn gradebook_cell(l: &mut Caller, run: &str, item: &str) -> Option<(f64, f64)> {
    let g = l.ok(&format!("/api/v1/runs/{run}/grades/me")).await;
    let cols = g["columns"].as_array().unwrap();
    let i = cols.iter().position(|c| c["item_id"] == item)?;
    Some((
        g["cells"][i]["points"].as_f64()?,
        cols[i]["max_points"].as_f64().unwrap(),
    ))
}

#[tokio::test]
async fn assignment_hand_in_resubmit_grade_late_penalty_and_hard_deadline() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (run, item) = course_with(&mut a, "ESS1", "assignment").await;
    let base = format!("/api/v1/runs/{run}/items/{item}");
    // Bad settings are refused as a whole.
    let r = a
        .patch(
            &format!("{base}/assignment-settings"),
            json!({ "due_at": at(&t, Duration::days(2)), "hard_deadline": at(&t, Duration::days(1)), "max_points": "-3" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let f = &r.json()["error"]["fields"];
    assert_eq!(f["hard_deadline"]["code"], "deadline_before_due");
    assert_eq!(f["max_points"]["code"], "out_of_range");
    let r = a
        .patch(
            &format!("{base}/assignment-settings"),
            json!({ "due_at": at(&t, Duration::days(1)), "hard_deadline": at(&t, Duration::days(3)),
                    "late_policy": "penalty", "late_penalty_percent": "10", "max_points": "20" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let mut l1 = enrolled(&t, 1, &run).await;
    // A draft keeps the text without handing it in.
    let r = l1
        .post(
            &format!("{base}/submission"),
            json!({ "text": "First thoughts", "draft": true }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "draft");
    let v = l1.ok(&format!("{base}/assignment")).await;
    assert_eq!(v["submission"]["draft"], "First thoughts");
    // Empty work is not handed in.
    let r = l1
        .post(&format!("{base}/submission"), json!({ "text": "  " }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = l1
        .post(
            &format!("{base}/submission"),
            json!({ "text": "Rivers run." }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["version"], 1);
    assert!(r.json()["draft"].is_null());
    let r = l1
        .post(
            &format!("{base}/submission"),
            json!({ "text": "Rivers run to the sea." }),
        )
        .await;
    assert_eq!(r.json()["version"], 2);
    assert_eq!(r.json()["late_days"], 0);

    // A learner may not grade.
    let sub1 = r.json()["id"].as_str().unwrap().to_owned();
    let r = l1
        .post(
            &format!("{base}/submissions/{sub1}/grade"),
            json!({ "points": 20 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // One and a half days after the due date: two started days late.
    let mut l2 = enrolled(&t, 2, &run).await;
    t.clock.advance(Duration::hours(60));
    let r = l2
        .post(
            &format!("{base}/submission"),
            json!({ "text": "Late rivers." }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["late_days"], 2);
    let sub2 = r.json()["id"].as_str().unwrap().to_owned();

    // The queue: keyset pages, filters.
    let q = a
        .ok(&format!("{base}/submissions?filter=ungraded&limit=1"))
        .await;
    assert_eq!(q["items"].as_array().unwrap().len(), 1);
    assert_eq!(q["items"][0]["id"], sub1.as_str());
    let next = q["next"].as_str().unwrap().to_owned();
    let q2 = a
        .ok(&format!(
            "{base}/submissions?filter=ungraded&limit=1&after={next}"
        ))
        .await;
    assert_eq!(q2["items"][0]["id"], sub2.as_str());
    assert!(q2["next"].is_null());
    let late = a.ok(&format!("{base}/submissions?filter=late")).await;
    assert_eq!(late["items"].as_array().unwrap().len(), 1);
    assert_eq!(late["items"][0]["late_days"], 2);
    let r = a.get(&format!("{base}/submissions?filter=bogus")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Grading: out of range refused, then a grade with feedback; the late one loses 20 %.
    let r = a
        .post(
            &format!("{base}/submissions/{sub1}/grade"),
            json!({ "points": 25 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = a
        .post(
            &format!("{base}/submissions/{sub1}/grade"),
            json!({ "points": 15, "feedback": "Good *flow*." }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = a
        .post(
            &format!("{base}/submissions/{sub2}/grade"),
            json!({ "points": 10 }),
        )
        .await;
    assert_eq!(r.json()["points"], 8.0);
    assert_eq!(r.json()["penalty"], 2.0);
    let v = l1.ok(&format!("{base}/assignment")).await;
    assert_eq!(v["submission"]["points"], 15.0);
    assert_eq!(
        gradebook_cell(&mut l1, &run, &item).await,
        Some((15.0, 20.0))
    );
    assert_eq!(
        gradebook_cell(&mut l2, &run, &item).await,
        Some((8.0, 20.0))
    );
    assert!(v["submission"]["feedback_html"]
        .as_str()
        .unwrap()
        .contains("<em>flow</em>"));
    assert_eq!(v["closed"], "already_graded");
    let r = l1
        .post(&format!("{base}/submission"), json!({ "text": "Changed." }))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(error_code(&r), "already_graded");
    let graded = a.ok(&format!("{base}/submissions?filter=graded")).await;
    assert_eq!(graded["items"].as_array().unwrap().len(), 2);

    // After the hard deadline nothing is stored, not even a draft.
    let mut l3 = enrolled(&t, 3, &run).await;
    t.clock.advance(Duration::days(1));
    let before = submissions_count(&t).await;
    for body in [
        json!({ "text": "Too late." }),
        json!({ "text": "Draft.", "draft": true }),
    ] {
        let r = l3.post(&format!("{base}/submission"), body).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
        assert_eq!(error_code(&r), "deadline_passed");
    }
    assert_eq!(submissions_count(&t).await, before);
    let v = l3.ok(&format!("{base}/assignment")).await;
    assert!(v["submission"].is_null());
    assert_eq!(v["closed"], "deadline_passed");
}

#[tokio::test]
async fn assignment_rubric_grading_and_refuse_policy() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (run, item) = course_with(&mut a, "ESS2", "assignment").await;
    let base = format!("/api/v1/runs/{run}/items/{item}");
    let r = a
        .patch(
            &format!("{base}/assignment-settings"),
            json!({ "rubric": "Ideas: weak = 0; strong" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"]["fields"]["rubric"]["code"],
        "rubric_format"
    );
    let r = a
        .patch(
            &format!("{base}/assignment-settings"),
            json!({ "rubric": "Ideas: weak = 0; good = 2; strong = 4\nStyle: plain = 0; clear = 1",
                    "late_policy": "refuse", "due_at": at(&t, Duration::hours(1)) }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut l = enrolled(&t, 1, &run).await;
    let r = l
        .post(&format!("{base}/submission"), json!({ "text": "On time." }))
        .await;
    let sub = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["max_points"], 5.0);
    for bad in [json!([0, 7]), json!([0]), json!([0, 1, 1])] {
        let r = a
            .post(
                &format!("{base}/submissions/{sub}/grade"),
                json!({ "choices": bad }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    }
    let r = a
        .post(
            &format!("{base}/submissions/{sub}/grade"),
            json!({ "choices": [2, 1] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["points"], 5.0);
    assert_eq!(r.json()["rubric_choices"], json!([2, 1]));
    // Refuse: after the due date nothing is accepted.
    let mut l2 = enrolled(&t, 2, &run).await;
    t.clock.advance(Duration::hours(2));
    let r = l2
        .post(&format!("{base}/submission"), json!({ "text": "Late." }))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(error_code(&r), "deadline_passed");
}

/// A peer assessment with `n` learners who hand in before the review phase opens in one hour,
/// which closes in a day; results the day after.
async fn peer_setup(
    t: &TestApp,
    code_: &str,
    n: usize,
    extra: Value,
) -> (Caller, String, String, Vec<Caller>, Vec<String>) {
    let mut a = admin(t).await;
    let (run, item) = course_with(&mut a, code_, "peer").await;
    let base = format!("/api/v1/runs/{run}/items/{item}");
    let mut body = json!({
        "submission_until": at(t, Duration::hours(2)),
        "review_from": at(t, Duration::hours(1)),
        "review_until": at(t, Duration::days(1)),
        "results_from": at(t, Duration::days(2)),
        "rubric": "Ideas: weak = 0; fair = 2; strong = 4\nStyle: plain = 0; clear = 2",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = a.patch(&format!("{base}/peer-settings"), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut ls = Vec::new();
    let mut subs = Vec::new();
    for i in 0..n {
        let mut l = enrolled(t, i, &run).await;
        let r = l
            .post(
                &format!("{base}/submission"),
                json!({ "text": format!("Essay {i}") }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        subs.push(r.json()["id"].as_str().unwrap().to_owned());
        ls.push(l);
    }
    (a, run, item, ls, subs)
}

#[tokio::test]
async fn peer_allocation_reviews_median_results() {
    let t = TestApp::new().await;
    let (mut a, run, item, mut ls, subs) = peer_setup(&t, "PEER1", 4, json!({})).await;
    let base = format!("/api/v1/runs/{run}/items/{item}");
    // Before the review phase: nothing allocated, reviews refused.
    t.run_jobs().await;
    assert!(ls[0]
        .ok(&format!("{base}/reviews"))
        .await
        .as_array()
        .unwrap()
        .is_empty());
    // The review phase opens: the scheduled job allocates.
    t.clock.advance(Duration::minutes(61));
    t.run_jobs().await;
    let mut reviewed_by: Vec<Vec<usize>> = vec![vec![]; 4];
    for (i, l) in ls.iter_mut().enumerate() {
        let tasks = l.ok(&format!("{base}/reviews")).await;
        let tasks = tasks.as_array().unwrap();
        assert_eq!(tasks.len(), 3, "learner {i}: {tasks:?}");
        let mine: HashSet<&str> = tasks
            .iter()
            .map(|x| x["submission_id"].as_str().unwrap())
            .collect();
        assert_eq!(mine.len(), 3);
        assert!(!mine.contains(subs[i].as_str()), "no self-review");
        for s in mine {
            let j = subs.iter().position(|x| x == s).unwrap();
            reviewed_by[j].push(i);
        }
        // The page shows the work, never the author.
        let p = l
            .ok(&format!(
                "{base}/reviews/{}",
                tasks[0]["submission_id"].as_str().unwrap()
            ))
            .await;
        assert!(p["body_html"].as_str().unwrap().contains("Essay"));
        assert!(p.get("user_id").is_none() && p.get("name").is_none());
    }
    assert!(reviewed_by.iter().all(|r| r.len() == 3));
    // A second run adds nothing.
    let again = amphi_app::assessment::peer::allocation::allocate_reviews(
        &t.app,
        amphi_app::tenants::ensure_default(&t.app).await.unwrap().id,
        run.parse().unwrap(),
        item.parse().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(again.new_assignments, 0);

    // Every reviewer gives submission 0 a different score: 0+0, 2+2, 4+2 → median 4.
    let scores = [[0, 0], [1, 1], [2, 1]];
    let mut k = 0;
    for (i, l) in ls.iter_mut().enumerate() {
        let tasks = l.ok(&format!("{base}/reviews")).await;
        for task in tasks.as_array().unwrap() {
            let s = task["submission_id"].as_str().unwrap();
            let choices = if s == subs[0] {
                k += 1;
                json!(scores[k - 1])
            } else {
                json!([1, 1])
            };
            let r = l
                .post(
                    &format!("{base}/reviews/{s}"),
                    json!({ "choices": choices, "comment": format!("From {i}") }),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        }
        assert!(l
            .ok(&format!("{base}/reviews"))
            .await
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["done"] == true));
    }
    assert_eq!(k, 3);
    // Results are not out before their date.
    let v = ls[0].ok(&format!("{base}/peer")).await;
    assert_eq!(v["phase"], "review");
    assert!(v["submission"]["points"].is_null());
    t.clock.advance(Duration::days(2));
    t.run_jobs().await;
    let v = ls[0].ok(&format!("{base}/peer")).await;
    assert_eq!(v["phase"], "results");
    assert_eq!(v["submission"]["points"], 4.0, "{v}");
    assert_eq!(v["submission"]["grade_source"], "peer");
    assert_eq!(v["received"].as_array().unwrap().len(), 3);
    let v = ls[1].ok(&format!("{base}/peer")).await;
    assert_eq!(v["submission"]["points"], 4.0);
    // The grades are in the gradebook (maximum: the rubric's best levels, 4 + 2).
    assert_eq!(
        gradebook_cell(&mut ls[0], &run, &item).await,
        Some((4.0, 6.0))
    );
    assert_eq!(
        gradebook_cell(&mut ls[3], &run, &item).await,
        Some((4.0, 6.0))
    );
    let q = a.ok(&format!("{base}/submissions?filter=graded")).await;
    assert_eq!(q["items"].as_array().unwrap().len(), 4);
}

async fn review_rows(t: &TestApp) -> i64 {
    count_of(t.app.db.reader(), "SELECT COUNT(*) AS n FROM peer_reviews").await
}

#[tokio::test]
async fn peer_review_bad_inputs_change_nothing() {
    let t = TestApp::new().await;
    // Five learners, three reviews each: everyone has one peer they were not given.
    let (_a, run, item, mut ls, subs) = peer_setup(&t, "PEER2", 5, json!({})).await;
    let base = format!("/api/v1/runs/{run}/items/{item}");
    let choices = json!({ "choices": [1, 1] });
    // Before the review phase.
    let r = ls[0]
        .post(&format!("{base}/reviews/{}", subs[1]), choices.clone())
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "not assigned yet: {}",
        r.text
    );
    t.clock.advance(Duration::minutes(61));
    t.run_jobs().await;
    let tasks = ls[0].ok(&format!("{base}/reviews")).await;
    let given: Vec<String> = tasks
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["submission_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(given.len(), 3);
    let other = subs[1..]
        .iter()
        .find(|s| !given.contains(s))
        .unwrap()
        .clone();

    // One's own work: 403; work not assigned: 403 (and its page too).
    let r = ls[0]
        .post(&format!("{base}/reviews/{}", subs[0]), choices.clone())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = ls[0]
        .post(&format!("{base}/reviews/{other}"), choices.clone())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = ls[0].get(&format!("{base}/reviews/{other}")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Levels out of range, missing, or too many: 422.
    for bad in [
        json!([9, 0]),
        json!([0]),
        json!([0, 0, 0]),
        json!([null, 1]),
    ] {
        let r = ls[0]
            .post(
                &format!("{base}/reviews/{}", given[0]),
                json!({ "choices": bad }),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.text
        );
    }
    let r = ls[0]
        .post(
            &format!("{base}/reviews/{}", given[0]),
            json!({ "choices": [9, 0] }),
        )
        .await;
    assert_eq!(
        r.json()["error"]["fields"]["criteria.0"]["code"],
        "rubric_level_invalid"
    );
    assert_eq!(review_rows(&t).await, 0);
    // A malformed body: 400.
    let r = ls[0]
        .post(
            &format!("{base}/reviews/{}", given[0]),
            json!({ "choices": "all good" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The review, then the same review again: 409, one row.
    let r = ls[0]
        .post(&format!("{base}/reviews/{}", given[0]), choices.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = ls[0]
        .post(
            &format!("{base}/reviews/{}", given[0]),
            json!({ "choices": [2, 1] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "review_already_submitted");
    assert_eq!(review_rows(&t).await, 1);
    // Work handed in during the review phase no longer changes.
    let r = ls[0]
        .post(&format!("{base}/submission"), json!({ "text": "Edited" }))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(error_code(&r), "submission_locked");
    // After the review phase: 409, nothing stored.
    t.clock.advance(Duration::days(1));
    let r = ls[0]
        .post(&format!("{base}/reviews/{}", given[1]), choices.clone())
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(error_code(&r), "review_closed");
    assert_eq!(review_rows(&t).await, 1);
    // A submission after its deadline: 409, nothing stored.
    let mut late = enrolled(&t, 9, &run).await;
    let before = submissions_count(&t).await;
    let r = late
        .post(&format!("{base}/submission"), json!({ "text": "Late" }))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(error_code(&r), "deadline_passed");
    assert_eq!(submissions_count(&t).await, before);
    // Someone outside the run sees nothing.
    let mut c = t.member("outsider@example.test", "Out Sider").await;
    let tok = c.create_token(&["read", "write"], "30").await;
    let mut out = Caller { c, tok };
    let r = out
        .post(&format!("{base}/reviews/{}", given[1]), choices)
        .await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.status
    );
}

#[tokio::test]
async fn peer_late_submitters_volunteers_shortfall_flags_and_overrides() {
    let t = TestApp::new().await;
    let (mut a, run, item, mut ls, subs) = peer_setup(
        &t,
        "PEER3",
        4,
        json!({ "missing_review_penalty": "10", "self_assessment": "true", "self_weight": "0",
                "reviews_per_reviewer": "4" }),
    )
    .await;
    let base = format!("/api/v1/runs/{run}/items/{item}");
    t.clock.advance(Duration::minutes(61));
    t.run_jobs().await;
    // A late submitter during the review phase is allocated by a job at once, and gets work.
    let mut late = enrolled(&t, 4, &run).await;
    let r = late
        .post(
            &format!("{base}/submission"),
            json!({ "text": "Late essay" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let late_sub = r.json()["id"].as_str().unwrap().to_owned();
    t.run_jobs().await;
    // m = 4 leaves the early submitters room for one more: the late work gets its 3 reviewers.
    let mut reviewers_of_late = 0;
    for l in ls.iter_mut() {
        let tasks = l.ok(&format!("{base}/reviews")).await;
        if tasks
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["submission_id"] == late_sub.as_str())
        {
            reviewers_of_late += 1;
        }
    }
    assert_eq!(reviewers_of_late, 3);
    let own = late.ok(&format!("{base}/reviews")).await;
    assert!(own
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["submission_id"] != late_sub.as_str()));
    // Volunteering beyond the limit is refused.
    let r = ls[1]
        .post(&format!("{base}/volunteer"), json!({ "extra": 99 }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = ls[1]
        .post(&format!("{base}/volunteer"), json!({ "extra": 2 }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The learner whose work learner 1 reviews (learner 1 reviews at least two of 0, 2, 3).
    let t1 = ls[1].ok(&format!("{base}/reviews")).await;
    let j = [0usize, 2, 3]
        .into_iter()
        .find(|&j| {
            t1.as_array()
                .unwrap()
                .iter()
                .any(|x| x["submission_id"] == subs[j].as_str())
        })
        .unwrap();
    let n0 = ls[j]
        .ok(&format!("{base}/reviews"))
        .await
        .as_array()
        .unwrap()
        .len() as f64;
    // Self-assessment: once.
    let r = ls[j]
        .post(
            &format!("{base}/self-assessment"),
            json!({ "choices": [2, 1] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = ls[j]
        .post(
            &format!("{base}/self-assessment"),
            json!({ "choices": [2, 1] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Only learner 1 reviews (all it was given, strong marks); the others review nothing.
    let tasks = ls[1].ok(&format!("{base}/reviews")).await;
    for task in tasks.as_array().unwrap() {
        let s = task["submission_id"].as_str().unwrap();
        let r = ls[1]
            .post(&format!("{base}/reviews/{s}"), json!({ "choices": [2, 1] }))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    t.clock.advance(Duration::days(2));
    t.run_jobs().await;
    // Staff queue rule: submissions with fewer than 3 reviews wait for the course team.
    let staff = a.ok(&format!("{base}/submissions?filter=staff")).await;
    assert_eq!(staff["items"].as_array().unwrap().len(), 5, "{staff}");
    let v = ls[0].ok(&format!("{base}/peer")).await;
    assert!(v["submission"]["points"].is_null());
    assert_eq!(v["submission"]["needs_staff"], true);

    // The rule "grade from what exists": rerun the results with it.
    let r = a
        .patch(
            &format!("{base}/peer-settings"),
            json!({ "shortfall": "grade_from_available" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let tenant = amphi_app::tenants::ensure_default(&t.app).await.unwrap().id;
    let rep = amphi_app::assessment::peer::results::compute_results(
        &t.app,
        tenant,
        run.parse().unwrap(),
        item.parse().unwrap(),
    )
    .await
    .unwrap();
    assert!(rep.graded >= 1, "{rep:?}");
    // Learner 1 reviewed everything: no penalty; its reviewed peers lose 10 % of 6 per missing review.
    let reviewed: Vec<String> = tasks
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["submission_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(reviewed.contains(&subs[j]));
    let v = ls[j].ok(&format!("{base}/peer")).await;
    {
        // Peer score 6, learner j did none of its n0 reviews: 6 - n0 × 0.6.
        let p = v["submission"]["points"].as_f64().unwrap();
        assert!((p - (6.0 - n0 * 0.6)).abs() < 1e-9, "{v}");
        // Flag the review as unfair; a second flag is a conflict; the own self-assessment cannot be flagged.
        let received = v["received"].as_array().unwrap();
        let peer_review = received.iter().find(|r| r["is_self"] == false).unwrap();
        let self_review = received.iter().find(|r| r["is_self"] == true).unwrap();
        let rid = peer_review["id"].as_str().unwrap();
        let r = ls[j]
            .post(
                &format!("{base}/flags"),
                json!({ "review_id": self_review["id"], "reason": "x" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = ls[j]
            .post(
                &format!("{base}/flags"),
                json!({ "review_id": rid, "reason": "" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = ls[j]
            .post(
                &format!("{base}/flags"),
                json!({ "review_id": rid, "reason": "Did not read it." }),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = ls[j]
            .post(
                &format!("{base}/flags"),
                json!({ "review_id": rid, "reason": "Again." }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        // The reviewer cannot flag it either.
        let r = ls[1]
            .post(
                &format!("{base}/flags"),
                json!({ "review_id": rid, "reason": "Mine?" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The course team upholds it: the review stops counting, the work goes to the staff queue.
        let flags = a.ok(&format!("{base}/flags")).await;
        let fid = flags[0]["id"].as_str().unwrap().to_owned();
        let r = a
            .post(
                &format!("{base}/flags/{fid}"),
                json!({ "decision": "maybe" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = a
            .post(
                &format!("{base}/flags/{fid}"),
                json!({ "decision": "uphold", "resolution": "Agreed" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = a
            .post(
                &format!("{base}/flags/{fid}"),
                json!({ "decision": "dismiss" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let v = ls[j].ok(&format!("{base}/peer")).await;
        assert!(v["submission"]["points"].is_null(), "{v}");
        assert_eq!(v["submission"]["needs_staff"], true);
    }
    // Override: out of range and without a reason refused; then it wins and is kept.
    let r = a
        .post(
            &format!("{base}/submissions/{}/override", subs[j]),
            json!({ "points": 7, "reason": "x" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = a
        .post(
            &format!("{base}/submissions/{}/override", subs[j]),
            json!({ "points": 5 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = ls[2]
        .post(
            &format!("{base}/submissions/{}/override", subs[j]),
            json!({ "points": 5, "reason": "me" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = a
        .post(
            &format!("{base}/submissions/{}/override", subs[j]),
            json!({ "points": 5.5, "reason": "Read it myself" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = amphi_app::assessment::peer::results::compute_results(
        &t.app,
        tenant,
        run.parse().unwrap(),
        item.parse().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(rep.overridden, 1);
    let v = ls[j].ok(&format!("{base}/peer")).await;
    assert_eq!(v["submission"]["points"], 5.5);
    assert_eq!(v["submission"]["grade_source"], "override");
    assert_eq!(
        gradebook_cell(&mut ls[j], &run, &item).await,
        Some((5.5, 6.0))
    );
    assert_eq!(v["submission"]["needs_staff"], false);
}

#[tokio::test]
async fn assessment_pages_for_learners_and_the_course_team() {
    let t = TestApp::new().await;
    let (mut a, run, item, mut ls, subs) = peer_setup(&t, "PEER4", 4, json!({})).await;
    let (_, aitem) = {
        // An assignment in the same run.
        let outline = a.ok(&format!("/api/v1/runs/{run}/outline")).await;
        let module = outline["modules"][0]["id"].as_str().unwrap().to_owned();
        let it = a
            .create(
                &format!("/api/v1/runs/{run}/modules/{module}/items"),
                json!({ "kind": "assignment", "title": "Report", "body": "Write.", "published": true }),
            )
            .await;
        (module, id(&it))
    };
    // The learner's assignment page: hand in through the form, see the work.
    let page = format!("/learn/{run}/items/{aitem}");
    let p = ls[0].c.get(&page).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("name=\"text\""));
    let r = ls[0]
        .c
        .submit(
            &page,
            &format!("{page}/submission"),
            &[("text", "My report"), ("action", "draft")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let p = ls[0].c.get(&page).await;
    assert!(p.text.contains("My report"));
    let r = ls[0]
        .c
        .submit(
            &page,
            &format!("{page}/submission"),
            &[("text", ""), ("action", "submit")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = ls[0]
        .c
        .submit(
            &page,
            &format!("{page}/submission"),
            &[("text", "My final report"), ("action", "submit")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Without the CSRF token: 403, nothing changes.
    let r = ls[0]
        .c
        .post_raw(&format!("{page}/submission"), &[("text", "forged")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The course team: settings, queue, grading form.
    let mut staff = t.client();
    staff.sign_in("root@example.test", PASSWORD).await;
    let sp = format!("/teach/runs/{run}/items/{aitem}/assessment");
    let p = staff.get(&sp).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    let r = staff
        .submit(
            &sp,
            &sp,
            &[
                ("max_points", "abc"),
                ("late_policy", "penalty"),
                ("rubric", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = staff
        .submit(
            &sp,
            &sp,
            &[
                ("max_points", "10"),
                ("late_policy", "penalty"),
                ("rubric", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let q = staff
        .get(&format!("/teach/runs/{run}/items/{aitem}/submissions"))
        .await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.text);
    assert!(q.text.contains("Learner 0"));
    let sub = a
        .ok(&format!("/api/v1/runs/{run}/items/{aitem}/submissions"))
        .await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let gp = format!("/teach/runs/{run}/items/{aitem}/submissions/{sub}");
    let p = staff.get(&gp).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("My final report"));
    let r = staff
        .submit(&gp, &gp, &[("points", "8"), ("feedback", "Nice")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let p = ls[0].c.get(&page).await;
    assert!(p.text.contains("Nice"), "feedback shown");
    // A learner cannot open the queue.
    let q = ls[1]
        .c
        .get(&format!("/teach/runs/{run}/items/{aitem}/submissions"))
        .await;
    assert_eq!(q.status, StatusCode::FORBIDDEN);

    // The peer pages: settings, the item page, a review through the form.
    let p = staff
        .get(&format!("/teach/runs/{run}/items/{item}/assessment"))
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    t.clock.advance(Duration::minutes(61));
    t.run_jobs().await;
    let ppage = format!("/learn/{run}/items/{item}");
    let p = ls[1].c.get(&ppage).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    let tasks = ls[1]
        .ok(&format!("/api/v1/runs/{run}/items/{item}/reviews"))
        .await;
    let s = tasks[0]["submission_id"].as_str().unwrap().to_owned();
    assert!(p.text.contains(&format!("/reviews/{s}")));
    let rp = format!("{ppage}/reviews/{s}");
    let p = ls[1].c.get(&rp).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(!p.text.contains("Learner "), "the author stays anonymous");
    let r = ls[1].c.submit(&rp, &rp, &[("c0", "1")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = ls[1]
        .c
        .submit(&rp, &rp, &[("c0", "1"), ("c1", "0"), ("comment", "Clear.")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let own = format!("{ppage}/reviews/{}", subs[1]);
    let p = ls[1].c.get(&own).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let q = staff
        .get(&format!(
            "/teach/runs/{run}/items/{item}/submissions?filter=all"
        ))
        .await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.text);
}

/// Allocation at MOOC scale: 100,000 submissions seeded in bulk, then the allocation job's use
/// case timed (and 500 late submitters on top). Run on PostgreSQL with a release build:
/// `AMPHI_TEST_DATABASE_URL=… cargo nextest run --release -p amphi --test it --run-ignored only
/// --no-capture peer_allocation_of_100000`.
#[tokio::test]
#[ignore = "a measurement: 100,000 learners, run by hand on PostgreSQL in release"]
async fn peer_allocation_of_100000_submissions() {
    use amphi_db::entities::{course, course_item, course_module, course_run, submission, user};
    use sea_orm_migration::sea_orm::{ConnectionTrait, EntityTrait};
    use std::time::Instant;

    let t = TestApp::new().await;
    let db = t.app.db.writer();
    let tenant = amphi_app::tenants::ensure_default(&t.app).await.unwrap().id;
    let now = t.app.now();
    let (course_id, run_id, module_id, item_id) = (
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
    );
    course::Entity::insert(course::ActiveModel::from(course::Model {
        id: course_id,
        tenant_id: tenant.0,
        code: "MOOC100K".into(),
        title: "Scale".into(),
        summary: String::new(),
        language: "en".into(),
        cover_url: None,
        format: "mooc".into(),
        visibility: "listed".into(),
        created_at: now,
        updated_at: now,
    }))
    .exec(db)
    .await
    .unwrap();
    course_run::Entity::insert(course_run::ActiveModel::from(course_run::Model {
        id: run_id,
        tenant_id: tenant.0,
        course_id,
        name: "2027".into(),
        enrol_opens_at: None,
        enrol_closes_at: None,
        starts_at: None,
        ends_at: None,
        policy: "open".into(),
        enrolment_code: None,
        capacity: None,
        waiting_list: false,
        restrict_domains: "[]".into(),
        restrict_provider: None,
        restrict_group: None,
        published: true,
        sequential: false,
        enrolled_count: 0,
        waiting_count: 0,
        item_count: 1,
        version: 1,
        created_at: now,
        updated_at: now,
    }))
    .exec(db)
    .await
    .unwrap();
    course_module::Entity::insert(course_module::ActiveModel::from(course_module::Model {
        id: module_id,
        tenant_id: tenant.0,
        run_id,
        position: 1,
        title: "Week 1".into(),
        available_from: None,
        published: true,
        created_at: now,
        updated_at: now,
    }))
    .exec(db)
    .await
    .unwrap();
    let settings = json!({ "review_from": (now - Duration::hours(1)).to_rfc3339(),
        "reviews_per_submission": 3, "reviews_per_reviewer": 3 });
    course_item::Entity::insert(course_item::ActiveModel::from(course_item::Model {
        id: item_id,
        tenant_id: tenant.0,
        run_id,
        module_id,
        position: 1,
        kind: "peer".into(),
        title: "Essay".into(),
        body: String::new(),
        settings: settings.to_string(),
        published: true,
        available_from: None,
        requires_item_id: None,
        created_at: now,
        updated_at: now,
    }))
    .exec(db)
    .await
    .unwrap();

    let app = &t.app;
    let seed = |from: usize, to: usize| async move {
        let users: Vec<user::Model> = (from..to)
            .map(|i| user::Model {
                id: uuid::Uuid::now_v7(),
                tenant_id: tenant.0,
                email: format!("learner{i}@scale.test"),
                name: format!("Learner {i}"),
                password_hash: None,
                email_verified_at: Some(now),
                locale: None,
                time_zone: "UTC".into(),
                is_platform_admin: false,
                is_tenant_admin: false,
                active: true,
                last_sign_in_at: None,
                created_at: now,
                updated_at: now,
                mfa_secret: None,
                mfa_enabled_at: None,
                mfa_last_step: None,
            })
            .collect();
        let subs: Vec<submission::Model> = users
            .iter()
            .enumerate()
            .map(|(i, u)| submission::Model {
                id: uuid::Uuid::now_v7(),
                tenant_id: tenant.0,
                run_id,
                item_id,
                user_id: u.id,
                body: format!("Essay {}", from + i),
                draft: None,
                status: "submitted".into(),
                version: 1,
                submitted_at: Some(
                    now - Duration::hours(2) + Duration::milliseconds((from + i) as i64),
                ),
                late_days: 0,
                extra_reviews: 0,
                needs_staff: false,
                rubric_choices: None,
                raw_points: None,
                penalty: 0.0,
                points: None,
                max_points: 3.0,
                feedback: None,
                grade_source: None,
                graded_by: None,
                graded_at: None,
                override_points: None,
                created_at: now,
                updated_at: now,
            })
            .collect();
        let txn = app.db.begin().await.unwrap();
        for c in users.chunks(1000) {
            user::Entity::insert_many(c.iter().cloned().map(user::ActiveModel::from))
                .exec_without_returning(&txn)
                .await
                .unwrap();
        }
        for c in subs.chunks(1000) {
            submission::Entity::insert_many(c.iter().cloned().map(submission::ActiveModel::from))
                .exec_without_returning(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    };
    let n = 100_000;
    let started = Instant::now();
    seed(0, n).await;
    let seeded = started.elapsed();
    let count = |sql: &'static str| count_of(db, sql);
    if db.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await.unwrap();
    }

    let started = Instant::now();
    let first =
        amphi_app::assessment::peer::allocation::allocate_reviews(&t.app, tenant, run_id, item_id)
            .await
            .unwrap();
    let first_took = started.elapsed();
    assert_eq!(first.submissions, n);
    assert_eq!(first.new_assignments, 3 * n);
    assert_eq!(first.short, 0);
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM peer_assignments").await,
        3 * n as i64
    );
    let self_reviews = count(
        "SELECT COUNT(*) AS n FROM peer_assignments a JOIN submissions s ON s.id = a.submission_id \
         WHERE s.user_id = a.reviewer_id",
    )
    .await;
    assert_eq!(self_reviews, 0);

    seed(n, n + 500).await;
    let started = Instant::now();
    let late =
        amphi_app::assessment::peer::allocation::allocate_reviews(&t.app, tenant, run_id, item_id)
            .await
            .unwrap();
    let late_took = started.elapsed();
    assert_eq!(late.new_assignments, 1500);
    let started = Instant::now();
    let again =
        amphi_app::assessment::peer::allocation::allocate_reviews(&t.app, tenant, run_id, item_id)
            .await
            .unwrap();
    let again_took = started.elapsed();
    assert_eq!(again.new_assignments, 0);
    eprintln!(
        "peer allocation on {}: seeding {n} users and submissions {seeded:?}; allocating {n} \
         submissions (k=3, m=3, {} assignments inserted) {first_took:?}; 500 late submitters on \
         top {late_took:?}; a run with nothing to add {again_took:?}",
        amphi_db_backend(&t),
        first.new_assignments,
    );
}

fn amphi_db_backend(t: &TestApp) -> &'static str {
    match t.app.db.backend() {
        sea_orm_migration::sea_orm::DbBackend::Postgres => "PostgreSQL",
        _ => "SQLite",
    }
}

#[tokio::test]
async fn assignment_files_upload_download_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().to_path_buf();
    let t = TestApp::with_config(|c| c.storage.local_dir = files.display().to_string()).await;
    let mut a = admin(&t).await;
    let (run, item) = course_with(&mut a, "FILES1", "assignment").await;
    let base = format!("/api/v1/runs/{run}/items/{item}");
    let mut l1 = enrolled(&t, 1, &run).await;
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    // Files are refused until the assignment takes them.
    let r = l1
        .upload(
            &format!("{base}/files?filename=essay.pdf"),
            "application/pdf",
            pdf.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(error_code(&r), "files_not_accepted");
    let r = a
        .patch(
            &format!("{base}/assignment-settings"),
            json!({ "accept_files": "true", "max_files": "2", "max_file_mb": "1" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // A type not allowed, a name that lies about the content, a file too large: 422, nothing kept.
    let r = l1
        .upload(
            &format!("{base}/files?filename=run.exe"),
            "application/octet-stream",
            b"MZ\x90\x00".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = l1
        .upload(
            &format!("{base}/files?filename=essay.pdf"),
            "application/pdf",
            b"\x89PNG\r\n\x1a\n0000".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = l1
        .upload(
            &format!("{base}/files?filename=notes.txt"),
            "text/plain",
            vec![b'a'; 1024 * 1024 + 10],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.json()["error"]["fields"]["file"]["code"],
        "file_too_large"
    );
    let v = l1.ok(&format!("{base}/assignment")).await;
    assert!(v["files"].as_array().unwrap().is_empty());
    // Two files, then a third is one too many.
    let r = l1
        .upload(
            &format!("{base}/files?filename=essay.pdf"),
            "application/pdf",
            pdf.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let url = r.json()["url"].as_str().unwrap().to_owned();
    let r = l1
        .upload(
            &format!("{base}/files?filename=notes.txt"),
            "text/plain",
            b"my notes".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = l1
        .upload(
            &format!("{base}/files?filename=more.txt"),
            "text/plain",
            b"more".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"]["fields"]["file"]["code"],
        "too_many_files"
    );
    // Files alone can be handed in.
    let r = l1
        .post(&format!("{base}/submission"), json!({ "text": "" }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "submitted");
    // The author and the course team download it; another learner is told it does not exist.
    let d = l1.c.get(&url).await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.text.as_bytes(), &pdf[..]);
    assert!(d.headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let d = a.c.get(&url).await;
    assert_eq!(d.status, StatusCode::OK);
    let mut l2 = enrolled(&t, 2, &run).await;
    let d = l2.c.get(&url).await;
    assert_eq!(d.status, StatusCode::NOT_FOUND);
    // Through the page: the list and a removal.
    let page = format!("/learn/{run}/items/{item}");
    let p = l1.c.get(&page).await;
    assert!(p.text.contains("essay.pdf") && p.text.contains("notes.txt"));
    let r = l1.c.submit(&page, &format!("{url}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let v = l1.ok(&format!("{base}/assignment")).await;
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
    assert_eq!(l1.c.get(&url).await.status, StatusCode::NOT_FOUND);
    let stored = walk(&files);
    assert_eq!(
        stored, 1,
        "refused uploads and the removed file leave no object behind"
    );
    // The grader sees the files on the grading form.
    let sub = v["submission"]["id"].as_str().unwrap().to_owned();
    let g = a.ok(&format!("{base}/submissions/{sub}")).await;
    assert_eq!(g["files"][0]["filename"], "notes.txt");
}

/// Files under a folder, recursively.
fn walk(p: &std::path::Path) -> usize {
    std::fs::read_dir(p)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        walk(&p)
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
