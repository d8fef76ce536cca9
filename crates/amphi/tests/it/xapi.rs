//! The xAPI LRS at `/xapi/` as a client sees it: statements stored and read back with every
//! query parameter, voiding, conflicts and immutability, validation errors that store nothing,
//! the version header, CORS and the alternate request syntax. Documents, attachments,
//! signatures, tenants and learner tokens are in `xapi_more`.

use crate::fixtures::admin;
use crate::support::*;
use axum::http::{Method, StatusCode};
use base64::Engine;
use serde_json::{json, Value};

/// A client of the LRS with Basic credentials.
pub(crate) struct Lrs {
    pub(crate) c: Client,
    pub(crate) auth: String,
}

impl Lrs {
    /// A request with the credentials, the version header and `extra` headers.
    pub(crate) async fn call(
        &mut self,
        method: Method,
        path: &str,
        ct: Option<&str>,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Resp {
        let saved = self.c.headers.clone();
        self.c
            .headers
            .push(("authorization".into(), self.auth.clone()));
        self.c
            .headers
            .push(("x-experience-api-version".into(), "1.0.3".into()));
        for (k, v) in extra {
            self.c.headers.push(((*k).into(), (*v).into()));
        }
        let r = self.c.request(method, path, ct, body).await;
        self.c.headers = saved;
        r
    }
    pub(crate) async fn post(&mut self, v: &Value) -> Resp {
        self.call(
            Method::POST,
            "/xapi/statements",
            Some("application/json"),
            v.to_string().into_bytes(),
            &[],
        )
        .await
    }
    pub(crate) async fn get(&mut self, path: &str) -> Resp {
        self.call(Method::GET, path, None, vec![], &[]).await
    }
    /// GET of statements with these parameters; the statements answered.
    pub(crate) async fn query(&mut self, params: &[(&str, &str)]) -> Vec<Value> {
        let q = serde_urlencoded::to_string(params).unwrap();
        let r = self.get(&format!("/xapi/statements?{q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.text);
        r.json()["statements"].as_array().unwrap().clone()
    }
}

/// Basic credentials.
pub(crate) fn basic(key: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"))
    )
}

/// A new LRS client of the default tenant with these scopes, made through the API.
pub(crate) async fn lrs_client(t: &TestApp, scopes: &[&str]) -> Lrs {
    let mut a = admin(t).await;
    lrs_client_of(t, &mut a, scopes).await
}

/// A new LRS client made by this administrator.
pub(crate) async fn lrs_client_of(
    t: &TestApp,
    a: &mut crate::fixtures::Caller,
    scopes: &[&str],
) -> Lrs {
    let r = a
        .post(
            "/api/v1/xapi/clients",
            json!({"name": "Serious game", "scopes": scopes}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v = r.json();
    Lrs {
        c: t.client_on(&a.c.host),
        auth: basic(
            v["client"]["key"].as_str().unwrap(),
            v["secret"].as_str().unwrap(),
        ),
    }
}

pub(crate) fn agent(name: &str) -> Value {
    json!({"objectType": "Agent", "name": name, "mbox": format!("mailto:{name}@example.com")})
}

pub(crate) fn statement(actor: &str, verb: &str, activity: &str) -> Value {
    json!({
        "actor": agent(actor),
        "verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}"), "display": {"en-US": verb, "fr-FR": format!("{verb} (fr)")}},
        "object": {"id": format!("http://example.com/activities/{activity}"),
            "definition": {"name": {"en-US": activity}}},
    })
}

pub(crate) async fn statements_stored(t: &TestApp) -> i64 {
    count_of(
        t.app.db.writer(),
        "SELECT COUNT(*) AS n FROM xapi_statements",
    )
    .await
}

fn own(v: &[&String]) -> Vec<String> {
    v.iter().map(|s| (*s).clone()).collect()
}

fn ids(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn xapi_statements_round_trip_with_headers() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;

    let s = statement("ann", "completed", "course-1");
    let r = lrs.post(&s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers["x-experience-api-version"], "1.0.3");
    assert!(r
        .headers
        .contains_key("x-experience-api-consistent-through"));
    let id = r.json()[0].as_str().unwrap().to_owned();

    let r = lrs.get(&format!("/xapi/statements?statementId={id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.headers.contains_key("last-modified"));
    assert!(r
        .headers
        .contains_key("x-experience-api-consistent-through"));
    let got = r.json();
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["actor"], s["actor"]);
    assert_eq!(got["verb"], s["verb"]);
    assert_eq!(got["object"], s["object"]);
    assert!(got["stored"].is_string() && got["timestamp"].is_string());
    assert_eq!(got["version"], "1.0.0");
    // The authority is the client, on this site.
    assert_eq!(got["authority"]["account"]["homePage"], t.base_url());

    // PUT with an id.
    let pid = "5ee0d8ad-4d2b-4d0c-8e3b-8c6b7c2b0a11";
    let r = lrs
        .call(
            Method::PUT,
            &format!("/xapi/statements?statementId={pid}"),
            Some("application/json"),
            statement("bob", "attempted", "course-1")
                .to_string()
                .into_bytes(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = lrs
        .get(&format!("/xapi/statements?statementId={pid}"))
        .await;
    assert_eq!(r.json()["actor"]["name"], "bob");

    // HEAD answers the headers without a body.
    let r = lrs
        .call(
            Method::HEAD,
            &format!("/xapi/statements?statementId={pid}"),
            None,
            vec![],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.is_empty());

    // Without the version header: 400, and the answer still names the version.
    let mut bare = t.client();
    bare.headers
        .push(("authorization".into(), lrs.auth.clone()));
    let r = bare.get("/xapi/statements").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.headers["x-experience-api-version"], "1.0.3");
    assert!(r.json()["message"].as_str().unwrap().contains("Version"));
    // A version this LRS does not speak.
    bare.headers
        .push(("x-experience-api-version".into(), "2.0.0".into()));
    let r = bare.get("/xapi/statements").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // About needs neither credentials nor the version header.
    let r = t.client().get("/xapi/about").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["version"]
        .as_array()
        .unwrap()
        .contains(&json!("1.0.3")));

    // Without credentials, or with a wrong secret: 401.
    let mut nobody = Lrs {
        c: t.client(),
        auth: basic("nobody", "nothing"),
    };
    assert_eq!(
        nobody.get("/xapi/statements").await.status,
        StatusCode::UNAUTHORIZED
    );

    // CORS: a preflight from content elsewhere, and the answer readable there.
    let mut pre = t.client();
    pre.headers
        .push(("origin".into(), "https://content.example".into()));
    pre.headers
        .push(("access-control-request-method".into(), "PUT".into()));
    let r = pre
        .request(Method::OPTIONS, "/xapi/statements", None, vec![])
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        r.headers["access-control-allow-origin"],
        "https://content.example"
    );
    assert!(r.headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("X-Experience-API-Version"));
    assert!(!r.headers.contains_key("set-cookie"));
}

#[tokio::test]
async fn xapi_every_query_parameter() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    let reg = "0f8e4c1a-8f1e-4ae8-9d2c-6f0b7e0c0001";
    let since_start = amphi_xapi::time::format(t.app.now() - chrono::Duration::seconds(1));

    let mut a1 = statement("ann", "completed", "c1");
    a1["context"] = json!({"registration": reg,
        "contextActivities": {"parent": {"id": "http://example.com/activities/module"}},
        "instructor": agent("teacher")});
    let first = lrs.post(&a1).await.json()[0].as_str().unwrap().to_owned();
    t.clock.advance(chrono::Duration::seconds(10));
    let middle_time = amphi_xapi::time::format(t.app.now());
    t.clock.advance(chrono::Duration::seconds(10));
    let second = lrs.post(&statement("ann", "attempted", "c2")).await.json()[0]
        .as_str()
        .unwrap()
        .to_owned();
    let mut about_ann = json!({"actor": agent("bob"), "verb": {"id": "http://adlnet.gov/expapi/verbs/mentored"},
        "object": agent("ann")});
    about_ann["object"]["objectType"] = json!("Agent");
    let third = lrs.post(&about_ann).await.json()[0]
        .as_str()
        .unwrap()
        .to_owned();
    let fourth = lrs.post(&statement("bob", "completed", "c1")).await.json()[0]
        .as_str()
        .unwrap()
        .to_owned();

    let ann = agent("ann").to_string();
    let teacher = agent("teacher").to_string();
    // Newest first by default.
    assert_eq!(
        ids(&lrs.query(&[]).await),
        own(&[&fourth, &third, &second, &first])
    );
    assert_eq!(
        ids(&lrs.query(&[("ascending", "true")]).await),
        own(&[&first, &second, &third, &fourth])
    );
    // agent: actor or object.
    assert_eq!(
        ids(&lrs.query(&[("agent", &ann)]).await),
        own(&[&third, &second, &first])
    );
    // agent + activity (the indexed pair).
    assert_eq!(
        ids(&lrs
            .query(&[
                ("agent", &ann),
                ("activity", "http://example.com/activities/c1")
            ])
            .await),
        own(&[&first])
    );
    assert_eq!(
        ids(&lrs
            .query(&[("verb", "http://adlnet.gov/expapi/verbs/completed")])
            .await),
        own(&[&fourth, &first])
    );
    assert_eq!(
        ids(&lrs.query(&[("registration", reg)]).await),
        own(&[&first])
    );
    // related: the instructor, the parent activity.
    assert!(lrs.query(&[("agent", &teacher)]).await.is_empty());
    assert_eq!(
        ids(&lrs
            .query(&[("agent", &teacher), ("related_agents", "true")])
            .await),
        own(&[&first])
    );
    let module = "http://example.com/activities/module";
    assert!(lrs.query(&[("activity", module)]).await.is_empty());
    assert_eq!(
        ids(&lrs
            .query(&[("activity", module), ("related_activities", "true")])
            .await),
        own(&[&first])
    );
    // since (exclusive) and until (inclusive) on `stored`.
    assert_eq!(
        ids(&lrs.query(&[("since", &middle_time)]).await),
        own(&[&fourth, &third, &second])
    );
    assert_eq!(
        ids(&lrs.query(&[("until", &middle_time)]).await),
        own(&[&first])
    );
    assert_eq!(lrs.query(&[("since", &since_start)]).await.len(), 4);

    // limit and the `more` link, to the end.
    let r = lrs.get("/xapi/statements?limit=3").await;
    let page = r.json();
    assert_eq!(page["statements"].as_array().unwrap().len(), 3);
    let more = page["more"].as_str().unwrap().to_owned();
    assert!(more.starts_with("/xapi/statements?more="));
    let r = lrs.get(&more).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        ids(r.json()["statements"].as_array().unwrap()),
        own(&[&first])
    );
    assert_eq!(r.json()["more"], "");
    let mut paged = Vec::new();
    let mut next = "/xapi/statements?limit=1&ascending=true".to_owned();
    while !next.is_empty() {
        let v = lrs.get(&next).await.json();
        paged.extend(ids(v["statements"].as_array().unwrap()));
        next = v["more"].as_str().unwrap().to_owned();
    }
    assert_eq!(
        paged,
        vec![first.clone(), second.clone(), third.clone(), fourth.clone()]
    );
    // A `more` link is bound to its tenant and cannot be forged.
    let r = lrs.get(&format!("{more}x")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // format: ids keeps identifiers only; canonical one language.
    let r = lrs
        .get(&format!("/xapi/statements?statementId={first}&format=ids"))
        .await
        .json();
    assert_eq!(
        r["actor"],
        json!({"objectType": "Agent", "mbox": "mailto:ann@example.com"})
    );
    assert_eq!(
        r["verb"],
        json!({"id": "http://adlnet.gov/expapi/verbs/completed"})
    );
    let r = lrs
        .call(
            Method::GET,
            &format!("/xapi/statements?statementId={first}&format=canonical"),
            None,
            vec![],
            &[("accept-language", "fr-FR, en;q=0.5")],
        )
        .await
        .json();
    assert_eq!(r["verb"]["display"], json!({"fr-FR": "completed (fr)"}));

    // Refused parameters.
    for q in [
        "colour=red",
        "limit=-1",
        "agent=nope",
        "verb=completed",
        "since=yesterday",
        "ascending=maybe",
        &format!("statementId={first}&verb=http://x.example/v"),
        &format!("statementId={first}&voidedStatementId={first}"),
    ] {
        let r = lrs.get(&format!("/xapi/statements?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.text);
    }

    // The activity's definition, merged; the agent's Person object.
    let r = lrs
        .get("/xapi/activities?activityId=http%3A%2F%2Fexample.com%2Factivities%2Fc1")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["definition"]["name"]["en-US"], "c1");
    let r = lrs
        .get(&format!(
            "/xapi/agents?agent={}",
            serde_urlencoded::to_string([("", &ann)])
                .unwrap()
                .trim_start_matches('=')
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["objectType"], "Person");
    assert_eq!(r.json()["mbox"], json!(["mailto:ann@example.com"]));
}

#[tokio::test]
async fn xapi_voiding() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    let target = lrs.post(&statement("ann", "passed", "exam")).await.json()[0]
        .as_str()
        .unwrap()
        .to_owned();
    let void = json!({"actor": agent("admin"), "verb": {"id": amphi_xapi::VOIDED},
        "object": {"objectType": "StatementRef", "id": target}});
    let r = lrs.post(&void).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let voiding = r.json()[0].as_str().unwrap().to_owned();

    let r = lrs
        .get(&format!("/xapi/statements?statementId={target}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = lrs
        .get(&format!("/xapi/statements?voidedStatementId={target}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["id"], target.as_str());
    let r = lrs
        .get(&format!("/xapi/statements?voidedStatementId={voiding}"))
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "the voiding one is not voided"
    );
    // Lists leave out the voided statement and keep the voiding one.
    assert_eq!(ids(&lrs.query(&[]).await), vec![voiding.clone()]);

    // Voiding a voiding statement is refused and stores nothing.
    let before = statements_stored(&t).await;
    let r = lrs
        .post(
            &json!({"actor": agent("admin"), "verb": {"id": amphi_xapi::VOIDED},
            "object": {"objectType": "StatementRef", "id": voiding}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(statements_stored(&t).await, before);
    // A voiding statement must point at a statement.
    let r = lrs
        .post(
            &json!({"actor": agent("admin"), "verb": {"id": amphi_xapi::VOIDED},
            "object": {"id": "http://example.com/activities/exam"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn xapi_conflicts_and_immutability() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    let id = "6a0c4f0e-0d1b-4e0a-9a55-3f1d2b8e0c01";
    let mut s = statement("ann", "completed", "c1");
    s["id"] = json!(id);
    assert_eq!(lrs.post(&s).await.status, StatusCode::OK);
    let stored = lrs
        .get(&format!("/xapi/statements?statementId={id}"))
        .await
        .json();

    // The same statement again (another key order, an upper-case id): nothing changes.
    let mut again = s.clone();
    again["id"] = json!(id.to_uppercase());
    let r = lrs.post(&again).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = lrs
        .call(
            Method::PUT,
            &format!("/xapi/statements?statementId={id}"),
            Some("application/json"),
            s.to_string().into_bytes(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(statements_stored(&t).await, 1);

    // A different statement with the same id: 409, and the stored one is untouched.
    let mut other = s.clone();
    other["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/failed");
    let r = lrs.post(&other).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = lrs
        .call(
            Method::PUT,
            &format!("/xapi/statements?statementId={id}"),
            Some("application/json"),
            other.to_string().into_bytes(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        lrs.get(&format!("/xapi/statements?statementId={id}"))
            .await
            .json(),
        stored
    );

    // A batch with a conflict stores none of its statements.
    let r = lrs
        .post(&json!([statement("zed", "completed", "c9"), other]))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(statements_stored(&t).await, 1);
    // A batch repeating an id: 400, nothing stored.
    let mut a = statement("zed", "completed", "c9");
    a["id"] = json!("6a0c4f0e-0d1b-4e0a-9a55-3f1d2b8e0c02");
    let r = lrs.post(&json!([a.clone(), a])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(statements_stored(&t).await, 1);
    // PUT whose statement names another id.
    let r = lrs
        .call(
            Method::PUT,
            "/xapi/statements?statementId=6a0c4f0e-0d1b-4e0a-9a55-3f1d2b8e0c03",
            Some("application/json"),
            s.to_string().into_bytes(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn xapi_every_bad_statement_is_refused_and_nothing_stored() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    let base = statement("ann", "completed", "c1");
    let with = |path: &str, v: Value| {
        let mut s = base.clone();
        let (parent, key) = path.rsplit_once('/').unwrap();
        s.pointer_mut(parent).unwrap()[key] = v;
        s
    };
    let bad: Vec<(&str, Value)> = vec![
        ("unknown property", {
            let mut s = base.clone();
            s["colour"] = json!("red");
            s
        }),
        ("no actor", {
            let mut s = base.clone();
            s.as_object_mut().unwrap().remove("actor");
            s
        }),
        (
            "two identifiers",
            with("/actor/openid", json!("http://openid.example/ann")),
        ),
        (
            "mbox without mailto",
            with("/actor/mbox", json!("ann@example.com")),
        ),
        ("verb id not an IRI", with("/verb/id", json!("completed"))),
        (
            "display not a language map",
            with("/verb/display", json!({"en_US": "x"})),
        ),
        (
            "activity id not an IRI",
            with("/object/id", json!("not an iri")),
        ),
        (
            "bad interaction type",
            with("/object/definition", json!({"interactionType": "essay"})),
        ),
        ("id not a UUID", {
            let mut s = base.clone();
            s["id"] = json!("123");
            s
        }),
        ("scaled score out of range", {
            let mut s = base.clone();
            s["result"] = json!({"score": {"scaled": 2}});
            s
        }),
        ("raw above max", {
            let mut s = base.clone();
            s["result"] = json!({"score": {"raw": 5, "max": 3}});
            s
        }),
        ("bad duration", {
            let mut s = base.clone();
            s["result"] = json!({"duration": "an hour"});
            s
        }),
        ("team not a group", {
            let mut s = base.clone();
            s["context"] = json!({"team": agent("x")});
            s
        }),
        ("revision with an agent object", {
            let mut s = base.clone();
            s["object"] = agent("bob");
            s["context"] = json!({"revision": "2"});
            s
        }),
        ("timestamp without zone", {
            let mut s = base.clone();
            s["timestamp"] = json!("2026-12-07T10:00:00");
            s
        }),
        ("version 2.0", {
            let mut s = base.clone();
            s["version"] = json!("2.0.0");
            s
        }),
        ("nested substatement", {
            let mut s = base.clone();
            s["object"] = json!({"objectType": "SubStatement", "actor": agent("b"),
                "verb": {"id": "http://example.com/v"},
                "object": {"objectType": "SubStatement", "actor": agent("c"),
                    "verb": {"id": "http://example.com/v"}, "object": {"id": "http://example.com/a"}}});
            s
        }),
        ("attachment without part", {
            let mut s = base.clone();
            s["attachments"] = json!([{"usageType": "http://example.com/u", "display": {"en": "x"},
                "contentType": "text/plain", "length": 2, "sha2": amphi_xapi::sha2(b"hi")}]);
            s
        }),
        ("not JSON", json!("just a string")),
    ];
    for (why, s) in bad {
        let r = lrs.post(&s).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{why}: {}", r.text);
        assert!(
            !r.json()["message"].as_str().unwrap_or_default().is_empty(),
            "{why}: a message says what is wrong"
        );
        // In a batch with a good statement, the good one is not stored either.
        let r = lrs
            .post(&json!([statement("ok", "completed", "c1"), s]))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{why} (batch)");
    }
    let r = lrs
        .call(
            Method::POST,
            "/xapi/statements",
            Some("application/json"),
            b"{not json".to_vec(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(statements_stored(&t).await, 0);
}

#[tokio::test]
async fn xapi_alternate_request_syntax() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    let id = "7b1d5f1f-1e2c-4f1b-8b66-4f2e3c9f1d01";
    let form = serde_urlencoded::to_string([
        ("Authorization", lrs.auth.as_str()),
        ("X-Experience-API-Version", "1.0.3"),
        ("Content-Type", "application/json"),
        ("statementId", id),
        ("content", &statement("ann", "completed", "c1").to_string()),
    ])
    .unwrap();
    let mut c = t.client();
    let r = c
        .request(
            Method::POST,
            "/xapi/statements?method=PUT",
            Some("application/x-www-form-urlencoded"),
            form.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let form = serde_urlencoded::to_string([
        ("Authorization", lrs.auth.as_str()),
        ("X-Experience-API-Version", "1.0.3"),
        ("statementId", id),
    ])
    .unwrap();
    let r = c
        .request(
            Method::POST,
            "/xapi/statements?method=GET",
            Some("application/x-www-form-urlencoded"),
            form.clone().into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["id"], id);
    // Other parameters belong in the form.
    let r = c
        .request(
            Method::POST,
            &format!("/xapi/statements?method=GET&statementId={id}"),
            Some("application/x-www-form-urlencoded"),
            form.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(lrs.query(&[]).await.len(), 1);
}
