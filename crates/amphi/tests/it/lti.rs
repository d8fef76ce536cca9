//! Amphi as an LTI 1.3 platform, against a real tool: pylti1p3 in a Flask app on loopback
//! (`amphi_peers::lti_tool`), with Amphi served on a port so the tool can fetch its keys and
//! call its services. Launches as learner and instructor, scores into the gradebook, line
//! items, memberships with paging, a disabled tool; then forged and replayed messages.

use crate::fixtures::*;
use crate::support::*;
use amphi_core::lti::role;
use amphi_peers::lti_tool::{LtiTool, PlatformRegistration};
use axum::http::StatusCode;
use serde_json::{json, Value};

struct Setup {
    t: TestApp,
    tool: LtiTool,
    tool_id: String,
    client_id: String,
    run: String,
    item: String,
    http: reqwest::Client,
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn setup(completion: &str) -> (Setup, Caller) {
    let t = TestApp::listening().await;
    let tool = LtiTool::start().expect("the pylti1p3 tool starts");
    let mut a = admin(&t).await;
    let reg = a
        .create(
            "/api/v1/lti/tools",
            json!({"name": "Circuit lab", "login_url": tool.login_url(),
                   "target_link_uri": tool.launch_url(), "jwks_url": tool.jwks_url(),
                   "custom": "level=2\nwho=$User.id", "send_email": true}),
        )
        .await;
    let client_id = reg["client_id"].as_str().unwrap().to_owned();
    let p = &reg["platform"];
    assert_eq!(p["issuer"], t.base_url());
    tool.register_platform(&PlatformRegistration {
        issuer: t.base_url(),
        client_id: client_id.clone(),
        auth_login_url: p["authorization_url"].as_str().unwrap().into(),
        auth_token_url: p["token_url"].as_str().unwrap().into(),
        key_set_url: p["jwks_url"].as_str().unwrap().into(),
        deployment_ids: vec![reg["deployment_ids"][0].as_str().unwrap().into()],
    })
    .unwrap();
    let tool_id = id(&reg);
    let c = api_course(
        &mut a,
        json!({"code": "LAB1", "title": "Circuits", "summary": "Build circuits."}),
        json!({}),
        &[
            json!({"kind": "page", "title": "Welcome", "body": "Hello.", "published": true}),
            json!({"kind": "tool", "title": "Lab", "body": "Build it.", "published": true,
                   "tool_id": tool_id, "completion": completion}),
        ],
    )
    .await;
    let s = Setup {
        t,
        tool,
        tool_id,
        client_id,
        run: c.run,
        item: c.items[1].clone(),
        http: http(),
    };
    (s, a)
}

/// Launches the item as `who` through the tool's login and Amphi's authorization endpoint;
/// returns the launch as the tool validated it and its launch id.
async fn launch(s: &Setup, who: &mut Client) -> (Value, String) {
    let r = who
        .get(&format!("/learn/{}/items/{}/launch", s.run, s.item))
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text);
    let login = r.location();
    assert!(login.starts_with(&s.tool.login_url()), "{login}");
    let r = s.http.get(&login).send().await.unwrap();
    assert_eq!(r.status(), 302, "{}", s.tool.log());
    let auth = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        auth.starts_with(&format!("{}/lti/authorize", s.t.base_url())),
        "{auth}"
    );
    let page = who.get(&path_of(&auth)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let unescaped = page.text.replace("&#x2f;", "/");
    assert!(
        unescaped.contains(&format!("action=\"{}\"", s.tool.launch_url())),
        "{}",
        page.text
    );
    let form = [
        ("id_token", input_value(&page.text, "id_token")),
        ("state", input_value(&page.text, "state")),
    ];
    let r = s
        .http
        .post(s.tool.launch_url())
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let html = r.text().await.unwrap();
    assert_eq!(status, 200, "{html}\n{}", s.tool.log());
    let launch_id = between(&html, "id=\"launch-id\">", "<");
    let data: Value =
        serde_json::from_str(&between(&html, "<pre id=\"launch\">", "</pre>")).unwrap();
    (data, launch_id)
}

fn input_value(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} in {html}"));
    let tag_end = at + html[at..].find('>').unwrap();
    let v = at + html[at..tag_end].find("value=\"").unwrap() + 7;
    html[v..v + html[v..].find('"').unwrap()]
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

fn between(s: &str, a: &str, b: &str) -> String {
    let i = s.find(a).unwrap_or_else(|| panic!("no {a} in {s}")) + a.len();
    s[i..i + s[i..].find(b).unwrap()].to_owned()
}

async fn tool_api(s: &Setup, method: &str, path: &str, body: Option<Value>) -> Value {
    let url = format!("{}{path}", s.tool.base_url());
    let r = match body {
        Some(b) => s.http.request(method.parse().unwrap(), url).json(&b),
        None => s.http.request(method.parse().unwrap(), url),
    }
    .send()
    .await
    .unwrap();
    let text = r.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{text}\n{}", s.tool.log()))
}

/// Items completed by anyone (only the learner of these tests can complete one).
async fn completed(t: &TestApp) -> i64 {
    count_of(
        t.app.db.reader(),
        "SELECT COUNT(*) AS n FROM item_progress WHERE state = 'completed'",
    )
    .await
}

const LTI: &str = "https://purl.imsglobal.org/spec/lti/claim/";

#[tokio::test]
async fn lti_launches_scores_and_members_with_a_real_tool() {
    let (s, mut a) = setup("score").await;
    let mut ada = learner(&s.t, "ada@example.test", "Ada Lovelace").await;
    assert!(ada.enrol(&s.run, None).await.status.is_success());

    // The learner's launch: the tool validated Amphi's signed id_token and sees its claims.
    let (l, ada_launch) = launch(&s, &mut ada.c).await;
    assert_eq!(l[format!("{LTI}message_type")], "LtiResourceLinkRequest");
    assert_eq!(l[format!("{LTI}version")], "1.3.0");
    assert_eq!(l[format!("{LTI}resource_link")]["id"], s.item.as_str());
    assert_eq!(l[format!("{LTI}resource_link")]["title"], "Lab");
    assert_eq!(l[format!("{LTI}context")]["id"], s.run.as_str());
    assert_eq!(l[format!("{LTI}context")]["title"], "Circuits");
    let roles: Vec<&str> = l[format!("{LTI}roles")]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(roles.contains(&role::LEARNER), "{roles:?}");
    assert!(!roles.contains(&role::INSTRUCTOR), "{roles:?}");
    assert_eq!(l["name"], "Ada Lovelace");
    assert_eq!(l["email"], "ada@example.test");
    let ada_id = l["sub"].as_str().unwrap().to_owned();
    assert_eq!(l[format!("{LTI}custom")]["level"], "2");
    assert_eq!(l[format!("{LTI}custom")]["who"], ada_id.as_str());
    assert_eq!(
        l[format!("{LTI}launch_presentation")]["document_target"],
        "iframe"
    );
    assert!(l[format!("{LTI}launch_presentation")]["return_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/learn/{}/items/{}", s.run, s.item)));
    let ags = &l["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"];
    assert!(ags["lineitems"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/lti/runs/{}/lineitems", s.run)));
    // Completion "on a score": opening the tool did not complete the item.
    assert_eq!(completed(&s.t).await, 0);

    // The instructor's launch (the course's creator).
    let (l, teacher_launch) = launch(&s, &mut a.c).await;
    let roles = l[format!("{LTI}roles")].to_string();
    assert!(roles.contains(role::INSTRUCTOR), "{roles}");
    assert!(!roles.contains("membership#Learner"), "{roles}");

    // The tool creates its line item for the resource link and posts Ada's score.
    let li = tool_api(
        &s,
        "POST",
        "/api/lineitem",
        Some(json!({"launch_id": ada_launch,
        "label": "Lab score", "score_maximum": 20, "tag": "lab", "resource_link_id": s.item})),
    )
    .await;
    assert_eq!(li["ok"], true, "{li}");
    let li_url = li["lineitem"]["id"].as_str().unwrap().to_owned();
    let r = tool_api(
        &s,
        "POST",
        "/api/score",
        Some(json!({"launch_id": ada_launch,
        "score_given": 15, "score_maximum": 20, "line_item": li_url})),
    )
    .await;
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["status"], 204, "{r}");
    // In Ada's grades and the gradebook, and the item now counts as completed.
    let g = ada.ok(&format!("/api/v1/runs/{}/grades/me", s.run)).await;
    assert!(g.to_string().contains("Lab score"), "{g}");
    assert!(g.to_string().contains("15"), "{g}");
    assert_eq!(completed(&s.t).await, 1);
    let csv =
        a.c.get(&format!("/teach/runs/{}/gradebook.csv", s.run))
            .await;
    assert!(csv.text.contains("Lab score"), "{}", csv.text);
    assert!(csv.text.contains("ada@example.test"), "{}", csv.text);
    // An older score never replaces a newer one.
    let r = tool_api(
        &s,
        "POST",
        "/api/score",
        Some(json!({"launch_id": ada_launch,
        "score_given": 2, "score_maximum": 20, "line_item": li_url,
        "timestamp": "2020-01-01T00:00:00+00:00"})),
    )
    .await;
    assert_eq!(r["ok"], false, "{r}");
    assert_eq!(r["status"], 409, "{r}");
    let g = ada.ok(&format!("/api/v1/runs/{}/grades/me", s.run)).await;
    assert!(g.to_string().contains("15"), "{g}");
    // Results and the line item container, filtered by tag.
    let r = tool_api(
        &s,
        "GET",
        &format!("/api/results?launch_id={ada_launch}&line_item={li_url}"),
        None,
    )
    .await;
    assert_eq!(r["count"], 1, "{r}");
    assert_eq!(r["results"][0]["resultScore"], 15.0, "{r}");
    let r = tool_api(
        &s,
        "GET",
        &format!("/api/lineitems?launch_id={ada_launch}"),
        None,
    )
    .await;
    assert_eq!(r["count"], 1, "{r}");
    assert_eq!(r["lineitems"][0]["resourceLinkId"], s.item.as_str(), "{r}");

    // Names and roles: everyone of the run, one page at a time when asked.
    for n in 0..3 {
        let mut m = learner(&s.t, &format!("m{n}@example.test"), &format!("Member {n}")).await;
        assert!(m.enrol(&s.run, None).await.status.is_success());
    }
    let r = tool_api(
        &s,
        "GET",
        &format!("/api/members?launch_id={teacher_launch}"),
        None,
    )
    .await;
    assert_eq!(r["count"], 5, "{r}");
    let ada_row = r["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == ada_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(ada_row["email"], "ada@example.test");
    assert_eq!(ada_row["roles"][0], role::LEARNER);
    let first = format!("{}/lti/runs/{}/memberships?limit=2", s.t.base_url(), s.run);
    let r = tool_api(
        &s,
        "GET",
        &format!(
            "/api/members/page?launch_id={teacher_launch}&url={}",
            url_encode(&first)
        ),
        None,
    )
    .await;
    assert_eq!(r["body"]["members"].as_array().unwrap().len(), 2, "{r}");
    let next = r["next"].as_str().unwrap().to_owned();
    assert!(r["link"].as_str().unwrap().ends_with("rel=\"next\""), "{r}");
    assert_eq!(next, next.to_lowercase());
    let r = tool_api(
        &s,
        "GET",
        &format!(
            "/api/members/page?launch_id={teacher_launch}&url={}",
            url_encode(&format!("{first}&role=Learner"))
        ),
        None,
    )
    .await;
    assert!(
        r["body"]["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["roles"][0] == role::LEARNER),
        "{r}"
    );

    // Its administration page refuses to delete it, says why and offers to turn it off.
    let page = format!("/admin/lti/{}", s.tool_id);
    let r = a.c.submit(&page, &format!("{page}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        r.text.contains("This tool has reported grades"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains(&format!("action=\"{page}/enabled\"")) && r.text.contains("Turn off"),
        "{}",
        r.text
    );

    // Turned off: no launch, no token, and the grades it reported stay.
    let r = a
        .patch(
            &format!("/api/v1/lti/tools/{}", s.tool_id),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = ada
        .c
        .get(&format!("/learn/{}/items/{}/launch", s.run, s.item))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("turned off"), "{}", r.text);
    let r = tool_api(
        &s,
        "POST",
        "/api/score",
        Some(json!({"launch_id": ada_launch,
        "score_given": 20, "score_maximum": 20, "line_item": li_url})),
    )
    .await;
    assert_eq!(r["ok"], false, "{r}");
    let g = ada.ok(&format!("/api/v1/runs/{}/grades/me", s.run)).await;
    assert!(g.to_string().contains("15"), "{g}");
    // A tool that reported grades is not deleted.
    let r = a.delete(&format!("/api/v1/lti/tools/{}", s.tool_id)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let _ = &s.client_id;
}

fn url_encode(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}
