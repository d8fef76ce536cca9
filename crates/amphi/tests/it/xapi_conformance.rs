//! The LRS against parts of the spec the first version missed: filters that reach statements
//! through their StatementRef (Communication 2.1.3), the canonical format from the merged
//! activity definitions, the Person object of the Agents resource, the consistent-through
//! header on every Statements answer, attachments of SubStatements, and `more` pages through
//! a batch stored in one instant.

use crate::support::*;
use crate::xapi::{agent, lrs_client, statement, Lrs};
use crate::xapi_more::multipart_body;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

const CONSISTENT: &str = "x-experience-api-consistent-through";

fn ids(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn post_one(lrs: &mut Lrs, s: &Value) -> String {
    let r = lrs.post(s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()[0].as_str().unwrap().to_owned()
}

fn statement_ref(actor: &str, verb: &str, target: &str) -> Value {
    json!({"actor": agent(actor),
        "verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}")},
        "object": {"objectType": "StatementRef", "id": target}})
}

#[tokio::test]
async fn xapi_filters_follow_statement_refs() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    let registration = "0ae2a4f1-3d8e-4a59-8d39-6d5b5b1d5c11";
    // "Ben passed explosives training", confirmed by Andrew, whose confirmation Carl reviewed.
    let mut passed = statement("ben", "passed", "explosives");
    passed["context"] = json!({"registration": registration});
    let ben = post_one(&mut lrs, &passed).await;
    t.clock.advance(chrono::Duration::seconds(1));
    let andrew = post_one(&mut lrs, &statement_ref("andrew", "confirmed", &ben)).await;
    t.clock.advance(chrono::Duration::seconds(1));
    let carl = post_one(&mut lrs, &statement_ref("carl", "reviewed", &andrew)).await;
    // Unrelated: another learner, and a reference to a statement that matches nothing.
    let dan = post_one(&mut lrs, &statement("dan", "failed", "chemistry")).await;
    post_one(&mut lrs, &statement_ref("erin", "confirmed", &dan)).await;

    let ben_agent = json!({"mbox": "mailto:ben@example.com"}).to_string();
    let expected = vec![carl.clone(), andrew.clone(), ben.clone()];
    for (k, v) in [
        ("agent", ben_agent.as_str()),
        ("activity", "http://example.com/activities/explosives"),
        ("verb", "http://adlnet.gov/expapi/verbs/passed"),
        ("registration", registration),
    ] {
        assert_eq!(ids(&lrs.query(&[(k, v)]).await), expected, "{k}");
    }
    // Several filters: the targeted statement must meet them all.
    assert_eq!(
        ids(&lrs
            .query(&[
                ("agent", ben_agent.as_str()),
                ("verb", "http://adlnet.gov/expapi/verbs/passed")
            ])
            .await),
        expected
    );
    assert!(lrs
        .query(&[
            ("agent", ben_agent.as_str()),
            ("verb", "http://adlnet.gov/expapi/verbs/failed")
        ])
        .await
        .is_empty());
    // Time and sequence apply to the targeting statement: `since` Ben's keeps the other two,
    // and pages of one see each once.
    let stored = lrs.query(&[("agent", ben_agent.as_str())]).await[2]["stored"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ids(&lrs
            .query(&[("agent", ben_agent.as_str()), ("since", stored.as_str())])
            .await),
        vec![carl.clone(), andrew.clone()]
    );
    let mut seen = Vec::new();
    let q = serde_urlencoded::to_string([
        ("agent", ben_agent.as_str()),
        ("limit", "1"),
        ("ascending", "true"),
    ])
    .unwrap();
    let mut next = format!("/xapi/statements?{q}");
    loop {
        let r = lrs.get(&next).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let v = r.json();
        seen.extend(ids(v["statements"].as_array().unwrap()));
        match v["more"].as_str() {
            Some(m) if !m.is_empty() => next = m.to_owned(),
            _ => break,
        }
    }
    assert_eq!(seen, vec![ben.clone(), andrew.clone(), carl.clone()]);

    // Voided: Ben's statement is no longer returned, but what targets it is, the voiding
    // statement included (Communication 2.1.4).
    let voiding = post_one(
        &mut lrs,
        &json!({"actor": agent("admin"),
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": ben}}),
    )
    .await;
    assert_eq!(
        ids(&lrs.query(&[("agent", ben_agent.as_str())]).await),
        vec![voiding, carl, andrew]
    );
}

#[tokio::test]
async fn xapi_canonical_format_uses_the_merged_definition() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    // The first statement names the activity in English; a later one adds French and a
    // description; a third carries no definition at all.
    let first = post_one(&mut lrs, &statement("ann", "completed", "course-9")).await;
    let mut later = statement("bob", "completed", "course-9");
    later["object"]["definition"] = json!({"name": {"fr-FR": "cours 9"},
        "description": {"en-US": "The ninth course"}});
    post_one(&mut lrs, &later).await;
    let bare = post_one(
        &mut lrs,
        &json!({"actor": agent("cy"), "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
            "object": {"id": "http://example.com/activities/course-9"}}),
    )
    .await;

    for id in [&first, &bare] {
        let r = lrs
            .call(
                Method::GET,
                &format!("/xapi/statements?statementId={id}&format=canonical"),
                None,
                vec![],
                &[("accept-language", "fr-FR")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let d = &r.json()["object"]["definition"];
        assert_eq!(d["name"], json!({"fr-FR": "cours 9"}), "{id}: {d}");
        assert_eq!(d["description"], json!({"en-US": "The ninth course"}));
    }
    // The exact format is the statement as sent.
    let r = lrs
        .get(&format!("/xapi/statements?statementId={first}"))
        .await;
    assert_eq!(
        r.json()["object"]["definition"],
        json!({"name": {"en-US": "course-9"}})
    );
    // The Activities resource answers the merged definition, every language.
    let r = lrs
        .get("/xapi/activities?activityId=http%3A%2F%2Fexample.com%2Factivities%2Fcourse-9")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json()["definition"]["name"],
        json!({"en-US": "course-9", "fr-FR": "cours 9"})
    );
}

#[tokio::test]
async fn xapi_person_gathers_what_the_store_knows() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    let mut s = statement("ann", "completed", "c1");
    s["actor"]["name"] = json!("Ann");
    post_one(&mut lrs, &s).await;
    s["actor"]["name"] = json!("Ann Smith");
    post_one(&mut lrs, &s).await;
    // As the object of a statement too.
    post_one(
        &mut lrs,
        &json!({"actor": agent("teacher"), "verb": {"id": "http://example.com/verbs/mentored"},
            "object": {"objectType": "Agent", "name": "A. Smith", "mbox": "mailto:ann@example.com"}}),
    )
    .await;
    let q = serde_urlencoded::to_string([(
        "agent",
        json!({"objectType": "Agent", "mbox": "mailto:ann@example.com"}).to_string(),
    )])
    .unwrap();
    let r = lrs.get(&format!("/xapi/agents?{q}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let p = r.json();
    assert_eq!(p["objectType"], "Person");
    assert_eq!(p["mbox"], json!(["mailto:ann@example.com"]));
    let mut names: Vec<String> = p["name"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["A. Smith", "Ann", "Ann Smith"], "{p}");
    // An agent the store has never seen: its identifier only.
    let q = serde_urlencoded::to_string([(
        "agent",
        json!({"name": "Nobody", "mbox": "mailto:nobody@example.com"}).to_string(),
    )])
    .unwrap();
    let p = lrs.get(&format!("/xapi/agents?{q}")).await.json();
    assert_eq!(
        p,
        json!({"objectType": "Person", "mbox": ["mailto:nobody@example.com"]})
    );
}

#[tokio::test]
async fn xapi_consistent_through_on_every_statements_answer() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["statements/read"]).await;
    // Refused before any handler: no credentials, no version header.
    let mut bare = t.client();
    bare.headers
        .push(("x-experience-api-version".into(), "1.0.3".into()));
    let r = bare
        .request(Method::GET, "/xapi/statements", None, vec![])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.headers.contains_key(CONSISTENT), "401");
    let mut no_version = t.client();
    no_version
        .headers
        .push(("authorization".into(), lrs.auth.clone()));
    let r = no_version
        .request(Method::GET, "/xapi/statements", None, vec![])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.headers.contains_key(CONSISTENT), "400 without version");
    // Refused by the use case: a bad parameter, a scope missing.
    let r = lrs.get("/xapi/statements?limit=many").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.headers.contains_key(CONSISTENT), "400");
    let r = lrs.post(&statement("ann", "completed", "c1")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.headers.contains_key(CONSISTENT), "403");
    // Answered.
    let r = lrs.get("/xapi/statements").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.contains_key(CONSISTENT), "200");
}

#[tokio::test]
async fn xapi_substatement_attachments_are_stored_and_returned() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    let text = b"what the learner planned".as_slice();
    let att = json!({"usageType": "http://example.com/attachment/plan",
        "display": {"en-US": "Plan"}, "contentType": "text/plain",
        "length": text.len(), "sha2": amphi_xapi::sha2(text)});
    let s = json!({"actor": agent("ann"), "verb": {"id": "http://example.com/verbs/planned"},
        "object": {"objectType": "SubStatement", "actor": agent("ann"),
            "verb": {"id": "http://example.com/verbs/will-visit"},
            "object": {"id": "http://example.com/activities/museum"},
            "attachments": [att]}});
    let (ct, body) = multipart_body(&s, &[("text/plain", text)]);
    let r = lrs
        .call(Method::POST, "/xapi/statements", Some(&ct), body, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()[0].as_str().unwrap().to_owned();
    let r = lrs
        .get(&format!(
            "/xapi/statements?statementId={id}&attachments=true"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ct = r.headers["content-type"].to_str().unwrap().to_owned();
    let boundary = amphi_xapi::multipart::boundary(&ct).expect("multipart answer");
    let (_, parts) = amphi_xapi::multipart::parse(r.text.as_bytes(), &boundary).unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].data, text);
    // The SubStatement's attachment without its part (and no fileUrl): refused.
    let r = lrs.post(&s).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
}

#[tokio::test]
async fn xapi_more_pages_see_a_batch_stored_in_one_instant_once() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    // 120 statements in one batch: one `stored` instant for all.
    let batch: Vec<Value> = (0..120)
        .map(|i| statement(&format!("p{}", i % 7), "experienced", &format!("page-{i}")))
        .collect();
    let r = lrs.post(&Value::Array(batch)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut stored: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    stored.sort();
    for ascending in ["true", "false"] {
        let mut seen = Vec::new();
        let mut next = format!("/xapi/statements?limit=7&ascending={ascending}");
        loop {
            let r = lrs.get(&next).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            let v = r.json();
            seen.extend(ids(v["statements"].as_array().unwrap()));
            match v["more"].as_str() {
                Some(m) if !m.is_empty() => next = m.to_owned(),
                _ => break,
            }
        }
        assert_eq!(seen.len(), 120, "ascending={ascending}");
        seen.sort();
        assert_eq!(seen, stored, "ascending={ascending}");
    }
}

#[tokio::test]
async fn xapi_since_and_until_compare_the_stored_instant_as_written() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    // A clock between two milliseconds: `stored` is written to the millisecond.
    t.clock.advance(chrono::Duration::microseconds(1_234));
    let id = post_one(&mut lrs, &statement("ann", "completed", "c1")).await;
    let stored = lrs.query(&[]).await[0]["stored"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ids(&lrs.query(&[("until", stored.as_str())]).await),
        vec![id]
    );
    assert!(lrs.query(&[("since", stored.as_str())]).await.is_empty());
}
