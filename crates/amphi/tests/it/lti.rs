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
                   "deep_link_url": tool.launch_url(),
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
    follow(s, who, &format!("/learn/{}/items/{}/launch", s.run, s.item)).await
}

/// Follows a launch that starts at `start` (an item, or a module's content picker).
async fn follow(s: &Setup, who: &mut Client, start: &str) -> (Value, String) {
    let r = who.get(start).await;
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
    // Done only when the tool says so: no "mark as done" of the learner's own.
    let page = ada
        .c
        .get(&format!("/learn/{}/items/{}", s.run, s.item))
        .await;
    assert!(!page.text.contains("/complete\""), "{}", page.text);
    let r = ada
        .post_empty(&format!("/api/v1/runs/{}/items/{}/complete", s.run, s.item))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
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
    let mut members = Vec::new();
    for n in 0..3 {
        let mut m = learner(&s.t, &format!("m{n}@example.test"), &format!("Member {n}")).await;
        assert!(m.enrol(&s.run, None).await.status.is_success());
        members.push(m);
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
    assert!(r["link"].as_str().unwrap().contains("rel=\"next\""), "{r}");
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
    // The differences link: what changed after the list was read, a member who left included.
    s.t.clock.advance(chrono::Duration::seconds(2));
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
    let link = r["link"].as_str().unwrap().to_owned();
    let diff = between(&link, "<", ">; rel=\"differences\"");
    let diff = diff.rsplit('<').next().unwrap().to_owned();
    s.t.clock.advance(chrono::Duration::seconds(2));
    let tok = members[0].tok.clone();
    let left = members[0]
        .c
        .api(
            axum::http::Method::DELETE,
            &format!("/api/v1/runs/{}/enrolment", s.run),
            &tok,
            None,
        )
        .await;
    assert!(left.status.is_success(), "{}", left.text);
    let mut late = learner(&s.t, "late@example.test", "Late Comer").await;
    assert!(late.enrol(&s.run, None).await.status.is_success());
    let r = tool_api(
        &s,
        "GET",
        &format!(
            "/api/members/page?launch_id={teacher_launch}&url={}",
            url_encode(&diff)
        ),
        None,
    )
    .await;
    let changed = r["body"]["members"].as_array().unwrap().clone();
    assert_eq!(changed.len(), 2, "{r}");
    assert!(
        changed
            .iter()
            .any(|m| m["status"] == "Deleted" && m["name"] == "Member 0"),
        "{r}"
    );
    assert!(
        changed
            .iter()
            .any(|m| m["status"] == "Active" && m["name"] == "Late Comer"),
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

// ---- Refusals: each one answered as the specs say, audited, changing nothing. ----

fn assertion(s: &Setup, pem: &str, kid: &str, f: impl FnOnce(&mut Value)) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({"iss": s.client_id, "sub": s.client_id,
        "aud": format!("{}/lti/token", s.t.base_url()), "iat": now, "exp": now + 60,
        "jti": format!("jti-{}", uuid::Uuid::new_v4())});
    f(&mut claims);
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    h.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &h,
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn good_assertion(s: &Setup) -> String {
    assertion(s, &s.tool.private_key_pem(), &s.tool.key_id(), |_| {})
}

async fn token_request(s: &Setup, assertion: &str, scope: &str) -> (u16, Value) {
    let r = s
        .http
        .post(format!("{}/lti/token", s.t.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
            ("scope", scope),
        ])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

const AGS_SCOPES: &str = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem https://purl.imsglobal.org/spec/lti-ags/scope/score https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly";
const NRPS_SCOPE: &str =
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly";

async fn token(s: &Setup, scope: &str) -> String {
    let (st, v) = token_request(s, &good_assertion(s), scope).await;
    assert_eq!(st, 200, "{v}");
    v["access_token"].as_str().unwrap().to_owned()
}

async fn refusals(a: &mut Caller) -> Vec<String> {
    let v = a.ok("/api/v1/audit?action=lti").await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "lti.token_refused")
        .map(|e| e["detail"]["reason"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn service(
    s: &Setup,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, String) {
    let mut r = s
        .http
        .request(method.parse().unwrap(), format!("{}{path}", s.t.base_url()));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r
            .header("content-type", "application/vnd.ims.lis.v1.score+json")
            .body(b.to_string());
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn lti_a_forged_client_assertion_gets_no_token() {
    let (s, mut a) = setup("launch").await;
    // Signed by a key the tool does not publish, under the tool's kid: the signature fails.
    let forged = assertion(
        &s,
        &s.tool.impostor_private_key_pem(),
        &s.tool.key_id(),
        |_| {},
    );
    let (st, v) = token_request(&s, &forged, AGS_SCOPES).await;
    assert_eq!(
        (st, v["error"].as_str()),
        (401, Some("invalid_client")),
        "{v}"
    );
    // Under an unknown kid: no key.
    let forged = assertion(&s, &s.tool.impostor_private_key_pem(), "other-kid", |_| {});
    let (st, _) = token_request(&s, &forged, AGS_SCOPES).await;
    assert_eq!(st, 401);
    let reasons = refusals(&mut a).await;
    assert!(
        reasons.contains(&"signature_invalid".to_owned()),
        "{reasons:?}"
    );
    assert!(reasons.contains(&"key_unknown".to_owned()), "{reasons:?}");
}

#[tokio::test]
async fn lti_an_expired_or_misaddressed_assertion_gets_no_token() {
    let (s, _a) = setup("launch").await;
    let (pem, kid) = (s.tool.private_key_pem(), s.tool.key_id());
    let now = chrono::Utc::now().timestamp();
    let expired = assertion(&s, &pem, &kid, |c| {
        c["iat"] = json!(now - 3600);
        c["exp"] = json!(now - 600)
    });
    assert_eq!(token_request(&s, &expired, AGS_SCOPES).await.0, 401);
    let elsewhere = assertion(&s, &pem, &kid, |c| {
        c["aud"] = json!("https://elsewhere.example/token")
    });
    assert_eq!(token_request(&s, &elsewhere, AGS_SCOPES).await.0, 401);
    let other_sub = assertion(&s, &pem, &kid, |c| c["sub"] = json!("someone-else"));
    assert_eq!(token_request(&s, &other_sub, AGS_SCOPES).await.0, 401);
}

#[tokio::test]
async fn lti_a_replayed_assertion_gets_no_second_token() {
    let (s, _a) = setup("launch").await;
    let one = good_assertion(&s);
    assert_eq!(token_request(&s, &one, AGS_SCOPES).await.0, 200);
    let (st, v) = token_request(&s, &one, AGS_SCOPES).await;
    assert_eq!(
        (st, v["error"].as_str()),
        (400, Some("invalid_grant")),
        "{v}"
    );
}

#[tokio::test]
async fn lti_an_unknown_client_gets_no_token() {
    let (s, mut a) = setup("launch").await;
    let stranger = assertion(&s, &s.tool.private_key_pem(), &s.tool.key_id(), |c| {
        c["iss"] = json!("no-such-client");
        c["sub"] = json!("no-such-client")
    });
    let (st, v) = token_request(&s, &stranger, AGS_SCOPES).await;
    assert_eq!(
        (st, v["error"].as_str()),
        (401, Some("invalid_client")),
        "{v}"
    );
    assert!(refusals(&mut a)
        .await
        .contains(&"client_unknown".to_owned()));
    // Not a JWT at all, or another grant: the OAuth errors.
    let (st, v) = token_request(&s, "garbage", AGS_SCOPES).await;
    assert_eq!(
        (st, v["error"].as_str()),
        (401, Some("invalid_client")),
        "{v}"
    );
}

#[tokio::test]
async fn lti_a_scope_not_granted_is_refused() {
    let (s, mut a) = setup("launch").await;
    let r = a
        .patch(
            &format!("/api/v1/lti/tools/{}", s.tool_id),
            json!({"nrps": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (st, v) = token_request(&s, &good_assertion(&s), NRPS_SCOPE).await;
    assert_eq!(
        (st, v["error"].as_str()),
        (400, Some("invalid_scope")),
        "{v}"
    );
    // A token for scores cannot list members, nor read line items without their scope.
    let t = token(&s, "https://purl.imsglobal.org/spec/lti-ags/scope/score").await;
    let (st, _) = service(
        &s,
        "GET",
        &format!("/lti/runs/{}/memberships", s.run),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(st, 403);
    let (st, _) = service(
        &s,
        "GET",
        &format!("/lti/runs/{}/lineitems", s.run),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(st, 403);
    // No token, or a made-up one.
    let (st, _) = service(
        &s,
        "GET",
        &format!("/lti/runs/{}/lineitems", s.run),
        None,
        None,
    )
    .await;
    assert_eq!(st, 401);
    let (st, _) = service(
        &s,
        "GET",
        &format!("/lti/runs/{}/lineitems", s.run),
        Some("nope"),
        None,
    )
    .await;
    assert_eq!(st, 401);
}

#[tokio::test]
async fn lti_scores_for_strangers_or_of_other_tools_change_nothing() {
    let (s, mut a) = setup("score").await;
    let mut ada = learner(&s.t, "ada@example.test", "Ada").await;
    assert!(ada.enrol(&s.run, None).await.status.is_success());
    let me = ada.ok("/api/v1/users/self").await;
    let ada_id = me["id"].as_str().unwrap().to_owned();
    let t = token(&s, AGS_SCOPES).await;
    let li = format!("/lti/runs/{}/lineitems", s.run);
    let r = s
        .http
        .post(format!("{}{li}", s.t.base_url()))
        .bearer_auth(&t)
        .header("content-type", "application/vnd.ims.lis.v2.lineitem+json")
        .body(json!({"label": "Lab", "scoreMaximum": 10, "resourceLinkId": s.item}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let li_url = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let scores = format!("{}/scores", path_of(&li_url));
    let score = |user: &str, given: f64| {
        json!({"userId": user, "scoreGiven": given, "scoreMaximum": 10,
        "activityProgress": "Completed", "gradingProgress": "FullyGraded",
        "timestamp": chrono::Utc::now().to_rfc3339()})
    };
    // Someone not enrolled, a made-up id, a bad body: 400, nothing recorded.
    let (st, body) = service(
        &s,
        "POST",
        &scores,
        Some(&t),
        Some(score(&uuid::Uuid::now_v7().to_string(), 5.0)),
    )
    .await;
    assert_eq!(st, 400, "{body}");
    let (st, _) = service(
        &s,
        "POST",
        &scores,
        Some(&t),
        Some(json!({"userId": ada_id, "scoreGiven": -1,
        "scoreMaximum": 10, "activityProgress": "Completed", "gradingProgress": "FullyGraded",
        "timestamp": "2026-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(st, 400);
    let g = ada.ok(&format!("/api/v1/runs/{}/grades/me", s.run)).await;
    assert!(!g.to_string().contains("\"points\":5"), "{g}");
    // A second tool, with its own item in the run, cannot see or write the first one's items.
    let other = LtiTool::start().unwrap();
    let reg = a
        .create(
            "/api/v1/lti/tools",
            json!({"name": "Other", "login_url": other.login_url(),
        "target_link_uri": other.launch_url(), "public_key_pem": other.public_key_pem()}),
        )
        .await;
    let outline = a.ok(&format!("/api/v1/runs/{}/outline", s.run)).await;
    let module = outline["modules"][0]["id"].as_str().unwrap().to_owned();
    a.create(
        &format!("/api/v1/runs/{}/modules/{module}/items", s.run),
        json!({"kind": "tool", "title": "Other", "tool_id": id(&reg), "published": true}),
    )
    .await;
    let cid = reg["client_id"].as_str().unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"iss": cid, "sub": cid, "aud": format!("{}/lti/token", s.t.base_url()),
        "iat": now, "exp": now + 60, "jti": "other-1"});
    let signed = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(other.private_key_pem().as_bytes()).unwrap(),
    )
    .unwrap();
    let (st, v) = token_request(&s, &signed, AGS_SCOPES).await;
    assert_eq!(st, 200, "{v}");
    let t2 = v["access_token"].as_str().unwrap().to_owned();
    let (st, _) = service(&s, "GET", &path_of(&li_url), Some(&t2), None).await;
    assert_eq!(st, 404);
    let (st, _) = service(&s, "POST", &scores, Some(&t2), Some(score(&ada_id, 9.0))).await;
    assert_eq!(st, 404);
    let (st, body) = service(&s, "GET", &li, Some(&t2), None).await;
    assert_eq!((st, body.as_str()), (200, "[]"));
    // The first tool's own score goes through.
    let (st, body) = service(&s, "POST", &scores, Some(&t), Some(score(&ada_id, 7.0))).await;
    assert_eq!(st, 204, "{body}");
}

#[tokio::test]
async fn lti_authorization_requests_are_checked() {
    let (s, mut a) = setup("launch").await;
    let mut ada = learner(&s.t, "ada@example.test", "Ada").await;
    assert!(ada.enrol(&s.run, None).await.status.is_success());
    let r = ada
        .c
        .get(&format!("/learn/{}/items/{}/launch", s.run, s.item))
        .await;
    let login = url::Url::parse(&r.location()).unwrap();
    let q: std::collections::HashMap<String, String> = login.query_pairs().into_owned().collect();
    let base = |over: &[(&str, &str)]| {
        let mut p: Vec<(String, String)> = vec![
            ("scope".into(), "openid".into()),
            ("response_type".into(), "id_token".into()),
            ("response_mode".into(), "form_post".into()),
            ("prompt".into(), "none".into()),
            ("client_id".into(), s.client_id.clone()),
            ("redirect_uri".into(), s.tool.launch_url()),
            ("login_hint".into(), q["login_hint"].clone()),
            ("lti_message_hint".into(), q["lti_message_hint"].clone()),
            ("state".into(), "st".into()),
            ("nonce".into(), "n-1".into()),
        ];
        for (k, v) in over {
            p.retain(|(x, _)| x != k);
            if !v.is_empty() {
                p.push(((*k).into(), (*v).into()));
            }
        }
        format!(
            "/lti/authorize?{}",
            serde_urlencoded::to_string(&p).unwrap()
        )
    };
    // The untouched request is answered with the signed launch.
    let ok = ada.c.get(&base(&[])).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert!(ok.text.contains("name=\"id_token\""));
    let tampered = format!("{}x", q["lti_message_hint"]);
    let mut bob = learner(&s.t, "bob@example.test", "Bob").await;
    let bob_id = bob.ok("/api/v1/users/self").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (case, over) in [
        (
            "redirect_uri",
            vec![("redirect_uri", "http://127.0.0.1:9/evil")],
        ),
        ("client", vec![("client_id", "nope")]),
        ("nonce", vec![("nonce", "")]),
        ("mode", vec![("response_mode", "fragment")]),
        ("hint", vec![("lti_message_hint", tampered.as_str())]),
        ("login_hint", vec![("login_hint", bob_id.as_str())]),
    ] {
        let r = ada.c.get(&base(&over)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{case}: {}", r.text);
        assert!(!r.text.contains("name=\"id_token\""), "{case}");
        assert!(
            r.text.contains("expired or was not made for you"),
            "{case}: {}",
            r.text
        );
    }
    // Someone else's browser cannot use Ada's launch.
    let r = bob.c.get(&base(&[])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let v = a.ok("/api/v1/audit?action=lti").await;
    assert!(v.to_string().contains("redirect_uri_unregistered"), "{v}");
}

#[tokio::test]
async fn lti_deep_linking_adds_items_and_their_gradebook_column() {
    let (s, mut a) = setup("launch").await;
    let outline = a.ok(&format!("/api/v1/runs/{}/outline", s.run)).await;
    let module = outline["modules"][0]["id"].as_str().unwrap().to_owned();
    // The outline offers the tool's content picker.
    let page = a.c.get(&format!("/teach/runs/{}/outline", s.run)).await;
    let pick = format!(
        "/teach/runs/{}/modules/{module}/tools/{}/pick",
        s.run, s.tool_id
    );
    assert!(page.text.contains(&pick), "{}", page.text);
    let (l, dl_launch) = follow(&s, &mut a.c, &pick).await;
    assert_eq!(l[format!("{LTI}message_type")], "LtiDeepLinkingRequest");
    let settings = &l["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"];
    assert!(settings["deep_link_return_url"]
        .as_str()
        .unwrap()
        .ends_with("/lti/deep-link/return"));
    assert!(l.get(format!("{LTI}resource_link")).is_none());
    // The tool answers with four kinds of content.
    let answer = tool_api(&s, "POST", "/api/deep-link-jwt", Some(json!({"launch_id": dl_launch,
        "resources": [
            {"type": "ltiResourceLink", "title": "Level 2", "custom": {"level": "3"}, "score_maximum": 50},
            {"type": "link", "title": "Manual", "url": "https://example.org/manual"},
            {"type": "html", "title": "Briefing", "html": "<p>Go <b>now</b></p><script>alert(1)</script>"},
            {"type": "file", "title": "Sheet", "url": "https://example.org/sheet.pdf"}
        ]}))).await;
    assert_eq!(answer["ok"], true, "{answer}");
    let (return_url, jwt) = (
        answer["return_url"].as_str().unwrap(),
        answer["jwt"].as_str().unwrap(),
    );
    assert_eq!(
        return_url,
        format!("{}/lti/deep-link/return", s.t.base_url())
    );
    // Posted by the browser from the tool's page: no Amphi cookie comes with it.
    let bare = http();
    let r = bare
        .post(return_url)
        .form(&[("JWT", jwt)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let outline = a.ok(&format!("/api/v1/runs/{}/outline", s.run)).await;
    let items = outline["items"].as_array().unwrap().clone();
    let find = |title: &str| {
        items
            .iter()
            .find(|i| i["title"] == title)
            .unwrap_or_else(|| panic!("{title} in {outline}"))
            .clone()
    };
    let level = find("Level 2");
    assert_eq!(level["kind"], "tool");
    assert_eq!(level["published"], false);
    assert_eq!(find("Manual")["kind"], "link");
    assert_eq!(find("Sheet")["kind"], "link");
    let brief = find("Briefing");
    assert_eq!(brief["kind"], "page");
    let b = a
        .ok(&format!("/api/v1/runs/{}/items/{}", s.run, id(&brief)))
        .await;
    assert!(b.to_string().contains("<b>now</b>"), "{b}");
    assert!(!b.to_string().contains("script"), "{b}");
    let book = a.ok(&format!("/api/v1/runs/{}/gradebook", s.run)).await;
    assert!(book.to_string().contains("Level 2"), "{book}");
    assert!(book.to_string().contains("50"), "{book}");
    // The same answer again is refused (its nonce is used), and creates nothing.
    let r = bare
        .post(return_url)
        .form(&[("JWT", jwt)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let n = a.ok(&format!("/api/v1/runs/{}/outline", s.run)).await["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(n, items.len());
    // A content type Amphi does not take refuses the whole answer.
    let (_, dl_launch) = follow(&s, &mut a.c, &pick).await;
    let answer = tool_api(
        &s,
        "POST",
        "/api/deep-link-jwt",
        Some(json!({"launch_id": dl_launch,
        "resources": [{"type": "link", "title": "Fine", "url": "https://example.org/"},
                      {"type": "image", "title": "Picture", "url": "https://example.org/p.png"}]})),
    )
    .await;
    let r = bare
        .post(answer["return_url"].as_str().unwrap())
        .form(&[("JWT", answer["jwt"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Nothing was added"));
    let n = a.ok(&format!("/api/v1/runs/{}/outline", s.run)).await["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(n, items.len());
    // A forged answer (signed by another key) is refused.
    let now = chrono::Utc::now().timestamp();
    let forged = assertion(
        &s,
        &s.tool.impostor_private_key_pem(),
        &s.tool.key_id(),
        |c| {
            c["aud"] = json!(s.t.base_url());
            c["nonce"] = json!("n-forged");
            c["iat"] = json!(now);
        },
    );
    let r = bare
        .post(return_url)
        .form(&[("JWT", forged.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // Published, the new tool item launches with its line item, and the tool's score lands there.
    let r = a
        .patch(
            &format!("/api/v1/runs/{}/items/{}", s.run, id(&level)),
            json!({"published": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut ada = learner(&s.t, "ada@example.test", "Ada").await;
    assert!(ada.enrol(&s.run, None).await.status.is_success());
    let (l, ada_launch) = follow(
        &s,
        &mut ada.c,
        &format!("/learn/{}/items/{}/launch", s.run, id(&level)),
    )
    .await;
    assert_eq!(l[format!("{LTI}custom")]["level"], "3");
    assert!(
        l["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]["lineitem"].is_string(),
        "{l}"
    );
    let r = tool_api(
        &s,
        "POST",
        "/api/score",
        Some(json!({"launch_id": ada_launch,
        "score_given": 40, "score_maximum": 50})),
    )
    .await;
    assert_eq!(r["ok"], true, "{r}");
    let g = ada.ok(&format!("/api/v1/runs/{}/grades/me", s.run)).await;
    assert!(
        g.to_string().contains("Level 2") && g.to_string().contains("40"),
        "{g}"
    );
    // The course team changes how the item opens and what it sends, on its edit page.
    let edit = format!("/teach/runs/{}/items/{}", s.run, id(&level));
    let page = a.c.get(&edit).await;
    assert!(page.text.contains("name=\"completion\""), "{}", page.text);
    let r =
        a.c.submit(
            &edit,
            &edit,
            &[
                ("title", "Level 2"),
                ("body", ""),
                ("url", ""),
                ("presentation", "window"),
                ("completion", "score"),
                ("custom", "level=4"),
                ("published", "true"),
                ("available_from", ""),
                ("requires_item_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let (l, _) = follow(
        &s,
        &mut ada.c,
        &format!("/learn/{}/items/{}/launch", s.run, id(&level)),
    )
    .await;
    assert_eq!(l[format!("{LTI}custom")]["level"], "4");
    assert_eq!(
        l[format!("{LTI}launch_presentation")]["document_target"],
        "window"
    );
    let r =
        a.c.submit(
            &edit,
            &edit,
            &[
                ("title", "Level 2"),
                ("custom", "no equals sign"),
                ("published", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
}

#[tokio::test]
async fn lti_dynamic_registration_makes_a_tool_that_launches() {
    let t = TestApp::listening().await;
    let tool = LtiTool::start().unwrap();
    let mut a = admin(&t).await;
    // The administrator gives the tool's registration URL: a bad one is refused on its field.
    let r =
        a.c.submit(
            "/admin/lti",
            "/admin/lti/register",
            &[("registration_url", "not a url")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let reg_url = format!("{}/register", tool.base_url());
    let r =
        a.c.submit(
            "/admin/lti",
            "/admin/lti/register",
            &[("registration_url", reg_url.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let href = between(
        &r.text.replace("&amp;", "&").replace("&#x2f;", "/"),
        "href=\"",
        "\" target=\"_blank\" rel=\"noopener\" id=\"lti-dr-open\"",
    );
    let href = href.rsplit("href=\"").next().unwrap().to_owned();
    assert!(href.starts_with(&reg_url), "{href}");
    let q: std::collections::HashMap<String, String> = url::Url::parse(&href)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    // What the tool does: read the configuration, post its registration with the token.
    let web = http();
    let conf: Value = web
        .get(&q["openid_configuration"])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(conf["issuer"], t.base_url());
    let endpoint = conf["registration_endpoint"].as_str().unwrap().to_owned();
    let registration = json!({
        "application_type": "web", "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": tool.login_url(), "redirect_uris": [tool.launch_url()],
        "client_name": "Registered lab", "jwks_uri": tool.jwks_url(),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": format!("{AGS_SCOPES} {NRPS_SCOPE}"),
        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
            "domain": "127.0.0.1", "target_link_uri": tool.launch_url(),
            "claims": ["iss", "sub", "name"],
            "custom_parameters": {"mode": "exam"},
            "messages": [{"type": "LtiDeepLinkingRequest", "target_link_uri": tool.launch_url()}]
        }
    });
    let post = |token: &str, body: &Value| web.post(&endpoint).bearer_auth(token).json(body).send();
    let mut broken = registration.clone();
    broken.as_object_mut().unwrap().remove("client_name");
    let r = post(&q["registration_token"], &broken).await.unwrap();
    assert_eq!(r.status(), 400);
    let r = post("forged.token", &registration).await.unwrap();
    assert_eq!(r.status(), 401);
    let r = post(&q["registration_token"], &registration).await.unwrap();
    assert_eq!(r.status(), 200);
    let answer: Value = r.json().await.unwrap();
    let client_id = answer["client_id"].as_str().unwrap().to_owned();
    let conf_claim = &answer["https://purl.imsglobal.org/spec/lti-tool-configuration"];
    let deployment = conf_claim["deployment_id"].as_str().unwrap().to_owned();
    // One tool per token.
    let r = post(&q["registration_token"], &registration).await.unwrap();
    assert_eq!(r.status(), 401);
    // Registered as asked: services from the scopes, privacy from the claims, the picker.
    let list = a.ok("/api/v1/lti/tools").await;
    let reg = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["client_id"] == client_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(reg["name"], "Registered lab");
    assert_eq!(
        (
            reg["ags"].as_bool(),
            reg["nrps"].as_bool(),
            reg["deep_linking"].as_bool()
        ),
        (Some(true), Some(true), Some(true))
    );
    assert_eq!(
        (reg["send_name"].as_bool(), reg["send_email"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(reg["custom"], "mode=exam");
    // And it launches.
    tool.register_platform(&PlatformRegistration {
        issuer: t.base_url(),
        client_id: client_id.clone(),
        auth_login_url: conf["authorization_endpoint"].as_str().unwrap().into(),
        auth_token_url: conf["token_endpoint"].as_str().unwrap().into(),
        key_set_url: conf["jwks_uri"].as_str().unwrap().into(),
        deployment_ids: vec![deployment],
    })
    .unwrap();
    let c = api_course(
        &mut a,
        json!({"code": "DR1", "title": "Registered", "summary": "S."}),
        json!({}),
        &[json!({"kind": "tool", "title": "Exam", "tool_id": id(&reg), "published": true})],
    )
    .await;
    let s = Setup {
        t,
        tool,
        tool_id: id(&reg),
        client_id,
        run: c.run,
        item: c.items[0].clone(),
        http: http(),
    };
    let mut ada = learner(&s.t, "ada@example.test", "Ada Lovelace").await;
    assert!(ada.enrol(&s.run, None).await.status.is_success());
    let (l, _) = launch(&s, &mut ada.c).await;
    assert_eq!(l[format!("{LTI}custom")]["mode"], "exam");
    assert_eq!(l["name"], "Ada Lovelace");
    assert!(l.get("email").is_none(), "{l}");
    let _ = (&s.tool_id, &s.client_id);
}
