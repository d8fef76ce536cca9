//! A SCORM 2004 package with sequencing, Amphi's own (`tests/fixtures/scorm-sequenced`, zipped
//! here): the player gets the activity tree and the attempt's sequencing state, which is saved
//! over a revision (a stale save refused, bad ones answered 400, nothing stored for a preview)
//! and resumes where the engine was; the attempt rolls up by the package's own rules from the
//! SCOs' stored data (only the post-test counts, by measure); a commit may leave out the
//! suspend data the server already holds; the course team resets a learner's attempts.

use crate::fixtures::*;
use crate::packages::{commit, player, setup, token_of, upload, zip_of};
use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

/// The sequenced test package, zipped from its source in the repository.
pub(crate) fn sequenced_zip() -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/scorm-sequenced");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} ({e})", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_of(&refs)
}

async fn post(t: &TestApp, path: &str, body: Value) -> Resp {
    let mut cc = t.content_client();
    cc.request(
        Method::POST,
        path,
        Some("application/json"),
        body.to_string().into_bytes(),
    )
    .await
}

async fn item_of(l: &mut Caller, run: &str, item: &str) -> Value {
    l.ok(&format!("/api/v1/runs/{run}/items/{item}")).await
}

/// The start revision of a SCO, as the player gets it when the engine delivers it.
async fn start_of(t: &TestApp, token: &str, sco: &str) -> i64 {
    let mut cc = t.content_client();
    let r = cc.get(&format!("/p/{token}/sco/{sco}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["start"]["revision"].as_i64().unwrap()
}

fn scored(scaled: f64, success: &str) -> Value {
    json!({"cmi": {"completion_status": "completed", "success_status": success, "exit": "normal",
        "score": {"scaled": scaled.to_string(), "raw": (scaled * 100.0).to_string(), "min": "0", "max": "100"}}})
}

#[tokio::test]
async fn a_sequenced_package_keeps_its_state_and_rolls_up_by_its_own_rules() {
    let mut s = setup(json!({"max_points": "20"})).await;
    let r = upload(&mut s.a.c, &s.run, &s.item, "seq.zip", &sequenced_zip()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut l = learner(&s.t, "kim@example.test", "Kim Lee").await;
    l.enrol(&s.run, None).await;
    let token = token_of(&mut l, &s.run, &s.item).await;
    let (page, d) = player(&s.t, &token).await;
    let tree = &d["sequencing"]["activityTree"];
    assert_eq!(tree["id"], "course");
    assert_eq!(tree["children"][2]["attemptLimit"], 2, "{tree}");
    assert_eq!(
        tree["children"][1]["sequencingControls"]["forwardOnly"], true,
        "{tree}"
    );
    assert_eq!(d["seq"]["revision"], 1, "the page claims the state");
    assert!(d["seq"]["state"].is_null());
    assert!(
        page.text
            .contains(r#"class="toc-item toc-cluster" data-sco="lessons""#),
        "a cluster can be chosen: {}",
        page.text
    );
    assert_eq!(d["start"]["sco"], "pretest");

    // The engine's state is saved over the revision it read; a stale save is refused.
    let path = format!("/p/{token}/sequencing");
    let state = json!({"version": "1.0", "sequencing": {"currentActivity": "posttest",
        "suspendedActivity": null, "activityStates": {"posttest": {"isActive": true}}}})
    .to_string();
    let ok = post(&s.t, &path, json!({"revision": 1, "state": state})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.json()["revision"], 2);
    let stale = post(&s.t, &path, json!({"revision": 1, "state": state})).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    for bad in [
        json!({"revision": 2, "state": "not json"}),
        json!({"revision": 2, "state": "{}"}),
        json!({"revision": 2, "state": state, "extra": 1}),
        json!({"revision": -1, "state": state}),
    ] {
        let r = post(&s.t, &path, bad.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.text);
    }
    let r = post(
        &s.t,
        "/p/not-a-token/sequencing",
        json!({"revision": 1, "state": state}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A reload (or a new session) gets the state back and starts where the engine was; it
    // claims the state, so the page before it can no longer save (a late closing save).
    let (_, d) = player(&s.t, &token).await;
    assert_eq!(d["seq"]["revision"], 3);
    let late = post(&s.t, &path, json!({"revision": 2, "state": state})).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
    assert_eq!(d["seq"]["state"].as_str(), Some(state.as_str()));
    assert_eq!(d["start"]["sco"], "posttest");

    // The pretest passed: it does not count (rollupObjectiveSatisfied, weight 0).
    let rev = start_of(&s.t, &token, "pretest").await;
    let c = commit(&s.t, &token, "pretest", rev, scored(0.9, "passed")).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let it = item_of(&mut l, &s.run, &s.item).await;
    let a = &it["package"]["attempts"][0];
    assert_eq!(
        (a["completion"].as_str(), a["success"].as_str()),
        (Some("incomplete"), Some("unknown")),
        "{it}"
    );
    assert!(a["percent"].is_null(), "{it}");
    assert_ne!(it["entry"]["state"], "completed");

    // The post-test failed, then passed: satisfied by its measure (0.8), whatever it says.
    let rev = start_of(&s.t, &token, "posttest").await;
    let c = commit(&s.t, &token, "posttest", rev, scored(0.5, "failed")).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let it = item_of(&mut l, &s.run, &s.item).await;
    assert_eq!(it["package"]["attempts"][0]["success"], "failed", "{it}");
    assert_eq!(it["package"]["attempts"][0]["percent"], 50.0);
    let rev = start_of(&s.t, &token, "posttest").await;
    let c = commit(&s.t, &token, "posttest", rev, scored(0.85, "unknown")).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let it = item_of(&mut l, &s.run, &s.item).await;
    let a = &it["package"]["attempts"][0];
    assert_eq!(a["completion"], "completed", "{it}");
    assert_eq!(a["success"], "passed", "{it}");
    assert_eq!(a["percent"], 85.0);
    assert_eq!(it["entry"]["state"], "completed", "{it}");
    let g = l.ok(&format!("/api/v1/runs/{}/grades/me", s.run)).await;
    assert!(g.to_string().contains("17"), "85% of 20: {g}");

    // A commit may leave out the suspend data the server holds (a closing tab's small one).
    let long = "x".repeat(20_000);
    let c = commit(
        &s.t,
        &token,
        "lesson1",
        0,
        json!({"cmi": {"suspend_data": long, "location": "p1", "exit": "suspend"}}),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let mut cc = s.t.content_client();
    let body = json!({"sco": "lesson1", "revision": 1, "keep_suspend_data": true,
        "data": {"cmi": {"location": "p2", "exit": "suspend"}}});
    let kept = cc
        .request(
            Method::POST,
            &format!("/p/{token}/commit"),
            Some("text/plain;charset=UTF-8"),
            body.to_string().into_bytes(),
        )
        .await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text);
    let stale = cc
        .request(
            Method::POST,
            &format!("/p/{token}/commit"),
            Some("text/plain;charset=UTF-8"),
            body.to_string().into_bytes(),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    let back = cc.get(&format!("/p/{token}/sco/lesson1")).await;
    let cmi = &back.json()["start"]["cmi"]["cmi"];
    assert_eq!(cmi["location"], "p2");
    assert_eq!(cmi["entry"], "resume");
    assert_eq!(cmi["suspend_data"].as_str().map(str::len), Some(20_000));

    // The course team's preview saves no state.
    let team = token_of(&mut s.a, &s.run, &s.item).await;
    let r = post(
        &s.t,
        &format!("/p/{team}/sequencing"),
        json!({"revision": 7, "state": state}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["revision"], 7);
}

#[tokio::test]
async fn the_course_team_resets_a_learners_attempts() {
    let mut s = setup(json!({"max_points": "20"})).await;
    let r = upload(&mut s.a.c, &s.run, &s.item, "seq.zip", &sequenced_zip()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut l = learner(&s.t, "kim@example.test", "Kim Lee").await;
    l.enrol(&s.run, None).await;
    let token = token_of(&mut l, &s.run, &s.item).await;
    let rev = start_of(&s.t, &token, "posttest").await;
    let c = commit(&s.t, &token, "posttest", rev, scored(0.9, "passed")).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let it = item_of(&mut l, &s.run, &s.item).await;
    assert_eq!(it["entry"]["state"], "completed", "{it}");
    let g = l.ok(&format!("/api/v1/runs/{}/grades/me", s.run)).await;
    assert_eq!(g["cells"][0]["points"], 18.0, "{g}");
    let results =
        s.a.ok(&format!(
            "/api/v1/runs/{}/items/{}/package/results",
            s.run, s.item
        ))
        .await;
    let uid = results["items"][0]["user_id"].as_str().unwrap().to_owned();
    let report = format!("/teach/runs/{}/items/{}/package/report", s.run, s.item);
    let action = format!(
        "/teach/runs/{}/items/{}/package/learners/{uid}/reset",
        s.run, s.item
    );
    let page = s.a.c.get(&report).await;
    assert!(
        page.text.contains(&action) && page.text.contains("Reset the attempts of Kim Lee"),
        "{}",
        page.text
    );

    // Without the CSRF token, or by the learner: refused, nothing changes.
    let r = s.a.c.post_raw(&action, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r =
        l.c.submit(&format!("/learn/{}/items/{}", s.run, s.item), &action, &[])
            .await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );
    let it = item_of(&mut l, &s.run, &s.item).await;
    assert_eq!(it["entry"]["state"], "completed", "{it}");

    let r = s.a.c.submit(&report, &action, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), report);
    let page = s.a.c.get(&report).await;
    assert!(
        page.text
            .contains("attempts were reset: their next visit starts attempt 1"),
        "{}",
        page.text
    );
    let g = l.ok(&format!("/api/v1/runs/{}/grades/me", s.run)).await;
    assert!(
        g["cells"][0]["points"].is_null(),
        "the grade is cleared: {g}"
    );
    let audit = amphi_db::repo::audit::list(
        s.t.app.db.reader(),
        amphi_app::tenants::resolve_host(&s.t.app, HOST)
            .await
            .unwrap()
            .unwrap()
            .id,
        &Default::default(),
        None,
        100,
    )
    .await
    .unwrap();
    assert!(
        audit
            .items
            .iter()
            .any(|e| e.action == "package.attempts_reset"),
        "audited"
    );
    // Nothing left to reset: 404. The learner's next visit starts attempt 1 afresh.
    let r = s.a.c.submit(&report, &action, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let it = item_of(&mut l, &s.run, &s.item).await;
    assert_ne!(it["entry"]["state"], "completed", "{it}");
    let a = &it["package"]["attempts"];
    assert_eq!(a.as_array().map(Vec::len), Some(1), "{it}");
    assert_eq!(a[0]["completion"], "not_attempted");
}
