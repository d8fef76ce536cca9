//! cmi5 end to end, as an AU does it: a course structure uploaded (a zip with its AUs, or
//! `cmi5.xml` alone with remote AUs), the launch URL's parameters, the one-time fetch of the
//! LRS token, `LMS.LaunchData` and the learner's preferences, the AU's statements checked
//! against cmi5's rules (refusals store nothing), `launched`, `satisfied` and `abandoned`
//! stated by Amphi, and the result in the item's progress and the gradebook.

use crate::fixtures::*;
use crate::packages::{setup, token_of, upload, zip_of};
use crate::support::*;
use crate::xapi::Lrs;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

const QUIZ: &str = "https://example.test/safety/au/quiz";
const INTRO: &str = "https://example.test/safety/au/intro";
const BLOCK: &str = "https://example.test/safety/block/1";
const COURSE: &str = "https://example.test/safety/course";

fn course_xml(quiz_url: &str, intro_url: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="{COURSE}">
    <title><langstring lang="en-US">Safety at work</langstring></title>
    <description><langstring lang="en-US">The basics.</langstring></description>
  </course>
  <au id="{INTRO}" moveOn="NotApplicable">
    <title><langstring lang="en-US">Welcome</langstring></title>
    <description><langstring lang="en-US">Read me.</langstring></description>
    <url>{intro_url}</url>
  </au>
  <block id="{BLOCK}">
    <title><langstring lang="en-US">Check</langstring></title>
    <description><langstring lang="en-US">The test.</langstring></description>
    <au id="{QUIZ}" moveOn="CompletedAndPassed" masteryScore="0.8">
      <title><langstring lang="en-US">Final quiz</langstring></title>
      <description><langstring lang="en-US">Ten questions.</langstring></description>
      <url>{quiz_url}</url>
      <launchParameters>{{"level":2}}</launchParameters>
    </au>
  </block>
</courseStructure>"#
    )
}

fn package() -> Vec<u8> {
    zip_of(&[
        (
            "cmi5.xml",
            course_xml("quiz/index.html?lang=en", "intro.html").as_bytes(),
        ),
        ("quiz/index.html", b"<!doctype html><title>Quiz</title>"),
        ("intro.html", b"<!doctype html><title>Intro</title>"),
    ])
}

/// What an AU reads from its launch URL.
struct Launch {
    url: url::Url,
    endpoint: String,
    fetch: String,
    actor: Value,
    registration: String,
    activity: String,
}

async fn launch(t: &TestApp, token: &str, au: &str) -> Launch {
    let mut cc = t.content_client();
    let r = cc
        .request(
            Method::POST,
            &format!("/p/{token}/cmi5/launch"),
            Some("application/json"),
            json!({"au": au}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let url = url::Url::parse(r.json()["url"].as_str().unwrap()).unwrap();
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    Launch {
        endpoint: q["endpoint"].clone(),
        fetch: q["fetch"].clone(),
        actor: serde_json::from_str(&q["actor"]).unwrap(),
        registration: q["registration"].clone(),
        activity: q["activityId"].clone(),
        url,
    }
}

/// POSTs the fetch URL as the AU does; its JSON.
async fn fetch(t: &TestApp, l: &Launch) -> Value {
    let path = l.fetch.trim_start_matches("http://localhost:8081");
    let r = t
        .content_client()
        .request(Method::POST, path, None, vec![])
        .await;
    assert_eq!(r.status, StatusCode::OK, "cmi5 8.2: always 200");
    assert_eq!(r.headers["access-control-allow-origin"], "*");
    r.json()
}

/// The AU's LRS client, with the fetched token.
async fn au_client(t: &TestApp, l: &Launch) -> Lrs {
    let f = fetch(t, l).await;
    let token = f["auth-token"].as_str().unwrap_or_else(|| panic!("{f}"));
    Lrs {
        c: t.client(),
        auth: format!("Basic {token}"),
    }
}

/// A statement of the AU: cmi5 defined (with the category and the template) or allowed.
fn statement(l: &Launch, session: &str, verb: &str, defined: bool, result: Value) -> Value {
    let mut category = vec![];
    if defined {
        category.push(json!({"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}));
    }
    if result.get("success").is_some() || result.get("completion").is_some() {
        category.push(json!({"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}));
    }
    let mut s = json!({
        "id": uuid::Uuid::new_v4(),
        "actor": l.actor,
        "verb": {"id": verb},
        "object": {"id": if defined { l.activity.clone() } else { "https://example.test/safety/q1".into() }},
        "context": {
            "registration": l.registration,
            "contextActivities": {"category": category, "grouping": [{"id": QUIZ}]},
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": session},
        },
        "timestamp": "2026-12-07T10:00:00Z",
    });
    if result.as_object().is_some_and(|o| !o.is_empty()) {
        s["result"] = result;
    }
    s
}

const V: &str = "http://adlnet.gov/expapi/verbs/";

async fn launch_data(lrs: &mut Lrs, l: &Launch) -> Value {
    let q = serde_urlencoded::to_string([
        ("activityId", l.activity.as_str()),
        ("agent", &l.actor.to_string()),
        ("registration", l.registration.as_str()),
        ("stateId", "LMS.LaunchData"),
    ])
    .unwrap();
    let r = lrs.get(&format!("/xapi/activities/state?{q}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

#[tokio::test]
async fn an_au_runs_the_launch_sequence_completes_and_passes() {
    let mut s = setup(json!({"max_points": "20"})).await;
    let r = upload(&mut s.a.c, &s.run, &s.item, "safety.zip", &package()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    let mut l = learner(&s.t, "lea@example.test", "Léa Martin").await;
    assert_eq!(l.enrol(&s.run, None).await.status, StatusCode::OK);
    let token = token_of(&mut l, &s.run, &s.item).await;
    let page = s.t.content_client().get(&format!("/p/{token}/")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Final quiz") && page.text.contains("Welcome"));
    let data: Value =
        serde_json::from_str(between(&page.text, "id=\"cmi5-data\">", "</script>")).unwrap();
    assert_eq!(
        data["next"], QUIZ,
        "the intro needs nothing: the quiz comes first"
    );

    let au = launch(&s.t, &token, QUIZ).await;
    assert!(
        au.url.as_str().starts_with(&format!(
            "http://localhost:8081/p/{token}/f/quiz/index.html?lang=en&"
        )),
        "{}",
        au.url
    );
    assert_eq!(au.endpoint, format!("{}/xapi/", s.t.base_url()));
    assert_eq!(au.actor["account"]["homePage"], s.t.base_url());
    assert_ne!(
        au.activity, QUIZ,
        "Amphi's activity id, not the publisher's"
    );

    // The fetch URL gives the token once.
    let mut lrs = au_client(&s.t, &au).await;
    let again = fetch(&s.t, &au).await;
    assert_eq!(again["error-code"], "1", "{again}");

    let ld = launch_data(&mut lrs, &au).await;
    assert_eq!(ld["launchMode"], "Normal");
    assert_eq!(ld["moveOn"], "CompletedAndPassed");
    assert_eq!(ld["masteryScore"], 0.8);
    assert_eq!(ld["launchParameters"], "{\"level\":2}");
    assert_eq!(
        ld["contextTemplate"]["contextActivities"]["grouping"][0]["id"],
        QUIZ
    );
    assert!(ld["returnURL"]
        .as_str()
        .unwrap()
        .ends_with("/cmi5/returned"));
    let session = ld["contextTemplate"]["extensions"]
        ["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = serde_urlencoded::to_string([
        ("agent", au.actor.to_string().as_str()),
        ("profileId", "cmi5LearnerPreferences"),
    ])
    .unwrap();
    let prefs = lrs.get(&format!("/xapi/agents/profile?{q}")).await;
    assert_eq!(prefs.status, StatusCode::OK, "{}", prefs.text);
    assert!(prefs.json()["languagePreference"]
        .as_str()
        .unwrap()
        .contains("en"));
    // The AU may read the launch data, never change it.
    let q = serde_urlencoded::to_string([
        ("activityId", au.activity.as_str()),
        ("agent", &au.actor.to_string()),
        ("registration", au.registration.as_str()),
        ("stateId", "LMS.LaunchData"),
    ])
    .unwrap();
    let put = lrs
        .call(
            Method::PUT,
            &format!("/xapi/activities/state?{q}"),
            Some("application/json"),
            b"{}".to_vec(),
            &[],
        )
        .await;
    assert_eq!(put.status, StatusCode::FORBIDDEN, "{}", put.text);

    // Out of order, or against the rules: 403, nothing stored.
    let allowed = statement(
        &au,
        &session,
        "http://adlnet.gov/expapi/verbs/experienced",
        false,
        json!({}),
    );
    let r = lrs.post(&allowed).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "before initialized: {}",
        r.text
    );
    assert!(r.text.contains("initialized"), "{}", r.text);
    let r = lrs
        .post(&statement(
            &au,
            &session,
            &format!("{V}initialized"),
            true,
            json!({}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = lrs.post(&allowed).await;
    assert_eq!(r.status, StatusCode::OK, "now allowed: {}", r.text);
    let no_time = statement(
        &au,
        &session,
        &format!("{V}completed"),
        true,
        json!({"completion": true}),
    );
    assert_eq!(lrs.post(&no_time).await.status, StatusCode::FORBIDDEN);
    let done = statement(
        &au,
        &session,
        &format!("{V}completed"),
        true,
        json!({"completion": true, "duration": "PT5M"}),
    );
    assert_eq!(lrs.post(&done).await.status, StatusCode::OK);
    let twice = statement(
        &au,
        &session,
        &format!("{V}completed"),
        true,
        json!({"completion": true, "duration": "PT5M"}),
    );
    let r = lrs.post(&twice).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "completed once per registration"
    );
    let low = statement(
        &au,
        &session,
        &format!("{V}passed"),
        true,
        json!({"success": true, "duration": "PT6M", "score": {"scaled": 0.5}}),
    );
    let r = lrs.post(&low).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("mastery"), "{}", r.text);
    let it = l
        .ok(&format!("/api/v1/runs/{}/items/{}", s.run, s.item))
        .await;
    assert_ne!(
        it["entry"]["state"], "completed",
        "completed alone is not enough: {it}"
    );
    let passed = statement(
        &au,
        &session,
        &format!("{V}passed"),
        true,
        json!({"success": true, "duration": "PT6M", "score": {"raw": 9, "min": 0, "max": 10}}),
    );
    assert_eq!(lrs.post(&passed).await.status, StatusCode::OK);
    let void = json!({"actor": au.actor, "verb": {"id": format!("{V}voided")},
        "object": {"objectType": "StatementRef", "id": passed["id"]}});
    assert_eq!(
        lrs.post(&void).await.status,
        StatusCode::FORBIDDEN,
        "no voiding"
    );
    let end = statement(
        &au,
        &session,
        &format!("{V}terminated"),
        true,
        json!({"duration": "PT7M"}),
    );
    assert_eq!(lrs.post(&end).await.status, StatusCode::OK);
    let r = lrs
        .post(&statement(
            &au,
            &session,
            "http://adlnet.gov/expapi/verbs/experienced",
            false,
            json!({}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "after terminated");

    // The item is done, the gradebook has 18 / 20, the course team's report shows it.
    let it = l
        .ok(&format!("/api/v1/runs/{}/items/{}", s.run, s.item))
        .await;
    assert_eq!(it["entry"]["state"], "completed", "{it}");
    assert_eq!(it["package"]["attempts"][0]["success"], "passed");
    assert_eq!(it["package"]["attempts"][0]["percent"], 90.0);
    let g = l.ok(&format!("/api/v1/runs/{}/grades/me", s.run)).await;
    assert!(g.to_string().contains("18"), "{g}");
    let rep =
        s.a.c
            .get(&format!(
                "/teach/runs/{}/items/{}/package/report",
                s.run, s.item
            ))
            .await;
    assert!(
        rep.text.contains("Léa Martin") && rep.text.contains("90"),
        "{}",
        rep.text
    );

    // The registration in the LRS, in order: what Amphi said and what the AU said.
    let mut reader = crate::xapi::lrs_client_of(&s.t, &mut s.a, &["statements/read"]).await;
    let all = reader
        .query(&[
            ("registration", au.registration.as_str()),
            ("ascending", "true"),
        ])
        .await;
    let verbs: Vec<&str> = all
        .iter()
        .map(|s| {
            s["verb"]["id"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(
        verbs,
        [
            "launched",
            "initialized",
            "experienced",
            "completed",
            "passed",
            "satisfied",
            "satisfied",
            "terminated"
        ],
    );
    let launched = &all[0];
    let ext = &launched["context"]["extensions"];
    assert_eq!(
        ext["https://w3id.org/xapi/cmi5/context/extensions/launchmode"],
        "Normal"
    );
    assert_eq!(
        ext["https://w3id.org/xapi/cmi5/context/extensions/moveon"],
        "CompletedAndPassed"
    );
    assert_eq!(
        ext["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"],
        0.8
    );
    assert!(
        !launched.to_string().contains(&token),
        "the launch token stays out of the LRS"
    );
    assert_eq!(
        all[5]["object"]["definition"]["type"],
        "https://w3id.org/xapi/cmi5/activitytype/block"
    );
    assert_eq!(
        all[5]["context"]["contextActivities"]["grouping"][0]["id"],
        BLOCK
    );
    assert_eq!(
        all[6]["object"]["definition"]["type"],
        "https://w3id.org/xapi/cmi5/activitytype/course"
    );
    assert_ne!(all[6]["object"]["id"], COURSE);
    assert_eq!(
        all[6]["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"],
        session
    );
}

#[tokio::test]
async fn a_new_launch_abandons_the_open_session_and_the_preview_browses() {
    let mut s = setup(json!({})).await;
    let r = upload(&mut s.a.c, &s.run, &s.item, "safety.zip", &package()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut l = learner(&s.t, "lea@example.test", "Léa Martin").await;
    assert_eq!(l.enrol(&s.run, None).await.status, StatusCode::OK);
    let token = token_of(&mut l, &s.run, &s.item).await;

    let first = launch(&s.t, &token, QUIZ).await;
    let mut lrs = au_client(&s.t, &first).await;
    let ld = launch_data(&mut lrs, &first).await;
    let session = ld["contextTemplate"]["extensions"]
        ["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]
        .as_str()
        .unwrap()
        .to_owned();
    let init = statement(
        &first,
        &session,
        &format!("{V}initialized"),
        true,
        json!({}),
    );
    assert_eq!(lrs.post(&init).await.status, StatusCode::OK);
    s.t.clock.advance(chrono::Duration::seconds(90));
    let again = launch(&s.t, &token, QUIZ).await;
    assert_eq!(
        again.registration, first.registration,
        "one registration per attempt"
    );
    assert_eq!(
        again.activity, first.activity,
        "the same activity id every launch"
    );
    let late = statement(
        &first,
        &session,
        "http://adlnet.gov/expapi/verbs/experienced",
        false,
        json!({}),
    );
    let r = lrs.post(&late).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the old session was abandoned: {}",
        r.text
    );
    let mut reader = crate::xapi::lrs_client_of(&s.t, &mut s.a, &["statements/read"]).await;
    let all = reader
        .query(&[
            ("registration", first.registration.as_str()),
            ("verb", "https://w3id.org/xapi/adl/verbs/abandoned"),
        ])
        .await;
    assert_eq!(all.len(), 1);
    assert_eq!(
        all[0]["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"],
        session
    );
    assert!(all[0]["result"]["duration"].is_string());

    // The course team's preview: Browse mode, where nothing counts.
    let admin_token = token_of(&mut s.a, &s.run, &s.item).await;
    let p = launch(&s.t, &admin_token, QUIZ).await;
    assert_ne!(p.registration, first.registration);
    let mut plrs = au_client(&s.t, &p).await;
    let pld = launch_data(&mut plrs, &p).await;
    assert_eq!(pld["launchMode"], "Browse");
    let psession = pld["contextTemplate"]["extensions"]
        ["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        plrs.post(&statement(
            &p,
            &psession,
            &format!("{V}initialized"),
            true,
            json!({})
        ))
        .await
        .status,
        StatusCode::OK
    );
    let done = statement(
        &p,
        &psession,
        &format!("{V}completed"),
        true,
        json!({"completion": true, "duration": "PT1M"}),
    );
    let r = plrs.post(&done).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("Browse"), "{}", r.text);
}

#[tokio::test]
async fn a_course_structure_alone_needs_remote_aus() {
    let mut s = setup(json!({})).await;
    let relative = course_xml("quiz/index.html", "https://aus.example.test/intro");
    let r = upload(&mut s.a.c, &s.run, &s.item, "cmi5.xml", relative.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text.contains("index.html is relative") && r.text.contains("cmi5.xml, line"),
        "{}",
        r.text
    );
    let remote = course_xml(
        "https://aus.example.test/quiz?x=1",
        "https://aus.example.test/intro",
    );
    let r = upload(&mut s.a.c, &s.run, &s.item, "cmi5.xml", remote.as_bytes()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut l = learner(&s.t, "lea@example.test", "Léa Martin").await;
    assert_eq!(l.enrol(&s.run, None).await.status, StatusCode::OK);
    let token = token_of(&mut l, &s.run, &s.item).await;
    let au = launch(&s.t, &token, QUIZ).await;
    assert!(
        au.url
            .as_str()
            .starts_with("https://aus.example.test/quiz?x=1&endpoint="),
        "{}",
        au.url
    );
    assert!(au.fetch.starts_with("http://localhost:8081/p/"));
    let pre =
        s.t.content_client()
            .request(
                Method::OPTIONS,
                au.fetch.trim_start_matches("http://localhost:8081"),
                None,
                vec![],
            )
            .await;
    assert_eq!(
        pre.headers["access-control-allow-origin"], "*",
        "a remote AU may fetch"
    );
}

#[tokio::test]
async fn the_course_team_waives_an_au_and_the_course_is_satisfied() {
    let mut s = setup(json!({"max_points": "20"})).await;
    let r = upload(&mut s.a.c, &s.run, &s.item, "safety.zip", &package()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut l = learner(&s.t, "lea@example.test", "Léa Martin").await;
    assert_eq!(l.enrol(&s.run, None).await.status, StatusCode::OK);
    let token = token_of(&mut l, &s.run, &s.item).await;
    let au = launch(&s.t, &token, QUIZ).await;
    let attempt = au.registration.clone();
    let page_path = format!(
        "/teach/runs/{}/items/{}/package/attempts/{attempt}",
        s.run, s.item
    );
    let page = s.a.c.get(&page_path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Assignable units") && page.text.contains("Final quiz"));
    let csrf = page.csrf();
    let waive = format!("{page_path}/waive");
    // A learner may not waive, nor may anyone with a reason cmi5 does not know.
    let lp = l.c.get(&format!("/learn/{}", s.run)).await;
    let r =
        l.c.post_raw(
            &waive,
            &[
                ("csrf", lp.csrf().as_str()),
                ("au", QUIZ),
                ("reason", "Administrative"),
            ],
        )
        .await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );
    let r =
        s.a.c
            .post_raw(
                &waive,
                &[("csrf", csrf.as_str()), ("au", QUIZ), ("reason", "Because")],
            )
            .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    let r =
        s.a.c
            .post_raw(
                &waive,
                &[
                    ("csrf", csrf.as_str()),
                    ("au", QUIZ),
                    ("reason", "Equivalent Outside Activity"),
                ],
            )
            .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = s.a.c.get(&page_path).await;
    assert!(
        page.text.contains("Equivalent activity elsewhere"),
        "{}",
        page.text
    );
    let again =
        s.a.c
            .post_raw(
                &waive,
                &[
                    ("csrf", csrf.as_str()),
                    ("au", QUIZ),
                    ("reason", "Administrative"),
                ],
            )
            .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "once per AU and registration"
    );

    // The item is done; waived, satisfied (block), satisfied (course) in the record.
    let it = l
        .ok(&format!("/api/v1/runs/{}/items/{}", s.run, s.item))
        .await;
    assert_eq!(it["entry"]["state"], "completed", "{it}");
    let mut reader = crate::xapi::lrs_client_of(&s.t, &mut s.a, &["statements/read"]).await;
    let all = reader
        .query(&[("registration", attempt.as_str()), ("ascending", "true")])
        .await;
    let verbs: Vec<&str> = all
        .iter()
        .map(|s| {
            s["verb"]["id"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(verbs, ["launched", "waived", "satisfied", "satisfied"]);
    let w = &all[1];
    assert_eq!(w["result"]["success"], true);
    assert_eq!(w["result"]["completion"], true);
    assert_eq!(
        w["result"]["extensions"]["https://w3id.org/xapi/cmi5/result/extensions/reason"],
        "Equivalent Outside Activity"
    );
    let sid = |s: &Value| {
        s["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]
            .clone()
    };
    assert_ne!(sid(w), sid(&all[0]), "a session of its own");
    assert_eq!(sid(&all[2]), sid(w));
    // The API: the units of the attempt; a second waiver answers 409, an unknown AU 422.
    let api = format!(
        "/api/v1/runs/{}/items/{}/package/attempts/{attempt}",
        s.run, s.item
    );
    let units = s.a.ok(&format!("{api}/units")).await;
    let quiz = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == QUIZ)
        .unwrap();
    assert_eq!(quiz["status"], "waived");
    assert_eq!(quiz["satisfied"], true);
    let r =
        s.a.post(
            &format!("{api}/waive"),
            json!({"au": QUIZ, "reason": "Administrative"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r =
        s.a.post(
            &format!("{api}/waive"),
            json!({"au": "https://nowhere.test/au", "reason": "Administrative"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        l.get(&format!("{api}/units")).await.status,
        StatusCode::FORBIDDEN,
        "a learner does not see the course team's view"
    );
    let audit = s.a.c.get("/admin/audit").await;
    assert!(audit.text.contains("cmi5 AU waived"), "in the audit trail");
}
