//! The xAPI LRS, continued: State and profile documents with their concurrency rules,
//! attachments in `multipart/mixed`, signed statements, scopes, tenant isolation and the
//! tokens Amphi gives content for one learner.

use crate::fixtures::admin;
use crate::support::*;
use crate::xapi::{agent, basic, lrs_client, lrs_client_of, statement, statements_stored, Lrs};
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

fn enc(v: &str) -> String {
    serde_urlencoded::to_string([("x", v)]).unwrap()[2..].to_owned()
}

#[tokio::test]
async fn xapi_documents_with_concurrency() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    let act = enc("http://example.com/activities/game");
    let ann = enc(&agent("ann").to_string());
    let state = format!("/xapi/activities/state?activityId={act}&agent={ann}&stateId=progress");
    let json_ct = Some("application/json");

    // State: PUT, GET with ETag, POST merges JSON objects.
    let r = lrs
        .call(
            Method::PUT,
            &state,
            json_ct,
            br#"{"level":1,"lives":3}"#.to_vec(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = lrs.get(&state).await;
    assert_eq!(r.status, StatusCode::OK);
    let etag1 = r.headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        etag1,
        format!("\"{}\"", amphi_xapi::etag(br#"{"level":1,"lives":3}"#))
    );
    assert!(r.headers.contains_key("last-modified"));
    let r = lrs
        .call(
            Method::POST,
            &state,
            json_ct,
            br#"{"level":2}"#.to_vec(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        lrs.get(&state).await.json(),
        json!({"level": 2, "lives": 3})
    );
    // POST of something that is not a JSON object onto JSON: 400, unchanged.
    let r = lrs
        .call(
            Method::POST,
            &state,
            Some("text/plain"),
            b"hello".to_vec(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // If-Match with a stale ETag: 412; with the current one: stored.
    let r = lrs
        .call(
            Method::PUT,
            &state,
            json_ct,
            br#"{"level":9}"#.to_vec(),
            &[("if-match", &etag1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let current = lrs.get(&state).await.headers["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let r = lrs
        .call(
            Method::PUT,
            &state,
            json_ct,
            br#"{"level":9}"#.to_vec(),
            &[("if-match", &current)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // Two writers with the same ETag at once: one wins, the other is told (never a silent
    // overwrite).
    let tag = lrs.get(&state).await.headers["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let mut other_writer = Lrs {
        c: t.client(),
        auth: lrs.auth.clone(),
    };
    let with_tag = [("if-match", tag.as_str())];
    let (a, b) = tokio::join!(
        lrs.call(
            Method::PUT,
            &state,
            json_ct,
            br#"{"by":"a"}"#.to_vec(),
            &with_tag
        ),
        other_writer.call(
            Method::PUT,
            &state,
            json_ct,
            br#"{"by":"b"}"#.to_vec(),
            &with_tag
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::NO_CONTENT, StatusCode::PRECONDITION_FAILED]
    );
    let winner = if a.status == StatusCode::NO_CONTENT {
        "a"
    } else {
        "b"
    };
    assert_eq!(lrs.get(&state).await.json()["by"], winner);
    // Concurrent merges both land.
    let (a, b) = tokio::join!(
        lrs.call(Method::POST, &state, json_ct, br#"{"x":1}"#.to_vec(), &[]),
        other_writer.call(Method::POST, &state, json_ct, br#"{"y":2}"#.to_vec(), &[]),
    );
    assert_eq!(
        (a.status, b.status),
        (StatusCode::NO_CONTENT, StatusCode::NO_CONTENT)
    );
    let merged = lrs.get(&state).await.json();
    assert_eq!(
        (merged["x"].clone(), merged["y"].clone()),
        (json!(1), json!(2))
    );
    // Ids of the scope's documents, and since.
    let other = format!("/xapi/activities/state?activityId={act}&agent={ann}&stateId=bookmark");
    lrs.call(
        Method::PUT,
        &other,
        Some("text/plain"),
        b"page 4".to_vec(),
        &[],
    )
    .await;
    let list = lrs
        .get(&format!(
            "/xapi/activities/state?activityId={act}&agent={ann}"
        ))
        .await
        .json();
    let mut names: Vec<String> = serde_json::from_value(list).unwrap();
    names.sort();
    assert_eq!(names, vec!["bookmark", "progress"]);
    let r = lrs.get(&other).await;
    assert_eq!(r.text, "page 4");
    assert_eq!(r.headers["content-type"], "text/plain");
    // A registration is another scope.
    let with_reg = format!(
        "/xapi/activities/state?activityId={act}&agent={ann}&registration=0f8e4c1a-8f1e-4ae8-9d2c-6f0b7e0c0001&stateId=progress"
    );
    assert_eq!(lrs.get(&with_reg).await.status, StatusCode::NOT_FOUND);
    // DELETE all of the scope.
    let r = lrs
        .call(
            Method::DELETE,
            &format!("/xapi/activities/state?activityId={act}&agent={ann}"),
            None,
            vec![],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(lrs.get(&state).await.status, StatusCode::NOT_FOUND);
    // Missing parameters.
    let r = lrs
        .get(&format!(
            "/xapi/activities/state?activityId={act}&stateId=x"
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Activity profile: a PUT on an existing document without a precondition is a 409.
    let profile = format!("/xapi/activities/profile?activityId={act}&profileId=settings");
    let r = lrs
        .call(
            Method::PUT,
            &profile,
            json_ct,
            br#"{"a":1}"#.to_vec(),
            &[("if-none-match", "*")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = lrs
        .call(
            Method::PUT,
            &profile,
            json_ct,
            br#"{"a":2}"#.to_vec(),
            &[("if-none-match", "*")],
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = lrs
        .call(Method::PUT, &profile, json_ct, br#"{"a":2}"#.to_vec(), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(lrs.get(&profile).await.json(), json!({"a": 1}));
    let tag = lrs.get(&profile).await.headers["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let r = lrs
        .call(
            Method::DELETE,
            &profile,
            None,
            vec![],
            &[("if-match", "\"0000\"")],
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = lrs
        .call(
            Method::DELETE,
            &profile,
            None,
            vec![],
            &[("if-match", &tag)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    // Agent profile.
    let ap = format!("/xapi/agents/profile?agent={ann}&profileId=prefs");
    let r = lrs
        .call(
            Method::POST,
            &ap,
            json_ct,
            br#"{"lang":"fr"}"#.to_vec(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(lrs.get(&ap).await.json(), json!({"lang": "fr"}));
    assert_eq!(
        lrs.get(&format!("/xapi/agents/profile?agent={ann}"))
            .await
            .json(),
        json!(["prefs"])
    );
}

/// A `multipart/mixed` body: the statements, then each part.
pub(crate) fn multipart_body(statements: &Value, parts: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let parts: Vec<amphi_xapi::multipart::Part> = parts
        .iter()
        .map(|(ct, data)| amphi_xapi::multipart::Part {
            sha2: amphi_xapi::sha2(data),
            content_type: (*ct).into(),
            data: data.to_vec(),
        })
        .collect();
    let body = amphi_xapi::multipart::write("b0und4ry", statements.to_string().as_bytes(), &parts);
    ("multipart/mixed; boundary=b0und4ry".into(), body)
}

#[tokio::test]
async fn xapi_attachments_and_signed_statements() {
    let t = TestApp::new().await;
    let mut lrs = lrs_client(&t, &["all"]).await;
    let text = b"certificate of completion".as_slice();
    let mut s = statement("ann", "completed", "c1");
    s["attachments"] = json!([{"usageType": "http://id.tincanapi.com/attachment/certificate-of-completion",
        "display": {"en-US": "Certificate"}, "contentType": "text/plain",
        "length": text.len(), "sha2": amphi_xapi::sha2(text)}]);
    let (ct, body) = multipart_body(&s, &[("text/plain", text)]);
    let r = lrs
        .call(Method::POST, "/xapi/statements", Some(&ct), body, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()[0].as_str().unwrap().to_owned();

    // Read back with attachments=true: multipart/mixed with the content.
    let r = lrs
        .get(&format!(
            "/xapi/statements?statementId={id}&attachments=true"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ct = r.headers["content-type"].to_str().unwrap().to_owned();
    let boundary = amphi_xapi::multipart::boundary(&ct).expect("multipart answer");
    let (json_part, parts) = amphi_xapi::multipart::parse(r.text.as_bytes(), &boundary).unwrap();
    let got: Value = serde_json::from_slice(&json_part).unwrap();
    assert_eq!(got["id"], id.as_str());
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].data, text);
    // Without attachments=true: JSON.
    let r = lrs.get(&format!("/xapi/statements?statementId={id}")).await;
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));

    // A part whose hash does not match, and a part no statement names: 400, nothing stored.
    let before = statements_stored(&t).await;
    let (ct, mut body) = multipart_body(&s, &[("text/plain", text)]);
    let at = body.windows(text.len()).position(|w| w == text).unwrap();
    body[at] = b'C';
    let r = lrs
        .call(Method::POST, "/xapi/statements", Some(&ct), body, &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let (ct, body) = multipart_body(
        &statement("bob", "completed", "c1"),
        &[("text/plain", text)],
    );
    let r = lrs
        .call(Method::POST, "/xapi/statements", Some(&ct), body, &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(statements_stored(&t).await, before);

    // A signed statement: the JWS of the statement, in its signature attachment.
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(include_bytes!(
        "../../../amphi-xapi/tests/keys/signer.key"
    ))
    .unwrap();
    let cert: String = include_str!("../../../amphi-xapi/tests/keys/signer.crt")
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let sign = |payload: &Value| {
        let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        h.x5c = Some(vec![cert.clone()]);
        jsonwebtoken::encode(&h, payload, &key).unwrap()
    };
    let signed_post = |payload: Value, signed_as: Value| {
        let jws = sign(&signed_as);
        let mut s = payload;
        s["attachments"] = json!([{"usageType": amphi_xapi::SIGNATURE_USAGE,
            "display": {"en-US": "Signature"}, "contentType": "application/octet-stream",
            "length": jws.len(), "sha2": amphi_xapi::sha2(jws.as_bytes())}]);
        multipart_body(&s, &[("application/octet-stream", jws.as_bytes())])
    };
    let good = statement("sig", "passed", "exam");
    let (ct, body) = signed_post(good.clone(), good.clone());
    let r = lrs
        .call(Method::POST, "/xapi/statements", Some(&ct), body, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Signed, but the payload says something else: 400.
    let (ct, body) = signed_post(good.clone(), statement("sig", "failed", "exam"));
    let r = lrs
        .call(Method::POST, "/xapi/statements", Some(&ct), body, &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    // A signature that is not a JWS.
    let mut s = good.clone();
    let junk = b"not a signature".as_slice();
    s["attachments"] = json!([{"usageType": amphi_xapi::SIGNATURE_USAGE,
        "display": {"en-US": "Signature"}, "contentType": "application/octet-stream",
        "length": junk.len(), "sha2": amphi_xapi::sha2(junk)}]);
    let (ct, body) = multipart_body(&s, &[("application/octet-stream", junk)]);
    let r = lrs
        .call(Method::POST, "/xapi/statements", Some(&ct), body, &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn xapi_scopes_limit_clients() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let mut writer = lrs_client_of(&t, &mut a, &["statements/write"]).await;
    let mut mine = lrs_client_of(&t, &mut a, &["statements/write", "statements/read/mine"]).await;
    let mut reader = lrs_client_of(&t, &mut a, &["all/read"]).await;

    assert_eq!(
        writer
            .post(&statement("ann", "completed", "c1"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        writer.get("/xapi/statements").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        mine.post(&statement("bob", "completed", "c1")).await.status,
        StatusCode::OK
    );
    // `read/mine` reads only what these credentials stored.
    let v = mine.query(&[]).await;
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["actor"]["name"], "bob");
    assert_eq!(reader.query(&[]).await.len(), 2);
    assert_eq!(
        reader
            .post(&statement("cy", "completed", "c1"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let act = enc("http://example.com/activities/c1");
    let ann = enc(&agent("ann").to_string());
    let r = writer
        .call(
            Method::PUT,
            &format!("/xapi/activities/state?activityId={act}&agent={ann}&stateId=s"),
            Some("application/json"),
            b"{}".to_vec(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A client turned off is refused; deleted, too.
    let list = a.get("/api/v1/xapi/clients").await.json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let writer_id = items
        .iter()
        .find(|c| c["scopes"] == json!(["statements/write"]))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = a
        .patch(
            &format!("/api/v1/xapi/clients/{writer_id}"),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        writer
            .post(&statement("ann", "completed", "c1"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let r = a.delete(&format!("/api/v1/xapi/clients/{writer_id}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        a.get("/api/v1/xapi/clients").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The audit trail has it.
    let audit = a.get("/api/v1/audit").await.text;
    for action in [
        "xapi.client_created",
        "xapi.client_disabled",
        "xapi.client_deleted",
    ] {
        assert!(audit.contains(action), "{action}");
    }
}

#[tokio::test]
async fn xapi_tenants_see_nothing_of_each_other() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let r = a
        .post(
            "/api/v1/tenants",
            json!({"slug": "acme", "name": "Acme", "hosts": ["acme.test"], "signup_policy": "open"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let mut home = lrs_client_of(&t, &mut a, &["all"]).await;
    let id = home.post(&statement("ann", "completed", "c1")).await.json()[0]
        .as_str()
        .unwrap()
        .to_owned();
    let act = enc("http://example.com/activities/c1");
    let ann = enc(&agent("ann").to_string());
    let state = format!("/xapi/activities/state?activityId={act}&agent={ann}&stateId=s");
    home.call(
        Method::PUT,
        &state,
        Some("application/json"),
        b"{}".to_vec(),
        &[],
    )
    .await;

    // The home client's credentials are worthless on acme.test.
    let mut home_on_acme = Lrs {
        c: t.client_on("acme.test"),
        auth: home.auth.clone(),
    };
    assert_eq!(
        home_on_acme.get("/xapi/statements").await.status,
        StatusCode::UNAUTHORIZED
    );

    // An acme client (made by acme's own administrator) sees none of it.
    amphi_app::setup::create_user_cli(
        &t.app,
        amphi_app::setup::CliUser {
            tenant_slug: Some("acme".into()),
            email: "boss@acme.test".into(),
            name: "Acme Boss".into(),
            platform_admin: false,
            tenant_admin: true,
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .unwrap();
    let mut c = t.client_on("acme.test");
    assert_eq!(
        c.sign_in("boss@acme.test", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let tok = c.create_token(&["read", "write", "admin"], "30").await;
    let mut boss = crate::fixtures::Caller { c, tok };
    let mut acme = lrs_client_of(&t, &mut boss, &["all"]).await;
    assert!(acme.query(&[]).await.is_empty());
    assert_eq!(
        acme.get(&format!("/xapi/statements?statementId={id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(acme.get(&state).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        acme.get("/xapi/activities?activityId=http%3A%2F%2Fexample.com%2Factivities%2Fc1")
            .await
            .json()
            .get("definition"),
        None
    );
    // The same statement id may exist in both tenants.
    let mut same = statement("zoe", "completed", "c1");
    same["id"] = json!(id);
    assert_eq!(acme.post(&same).await.status, StatusCode::OK);
    assert_eq!(home.query(&[]).await.len(), 1);
    // Acme's clients are not listed at home.
    assert_eq!(
        a.get("/api/v1/xapi/clients").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn xapi_learner_tokens_reach_only_their_learner() {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let (user, _) = amphi_app::setup::create_user_cli(
        &t.app,
        amphi_app::setup::CliUser {
            tenant_slug: None,
            email: "ann@example.test".into(),
            name: "Ann".into(),
            platform_admin: false,
            tenant_admin: false,
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .unwrap();
    let token = amphi_app::xapi::learner_token(
        &t.app,
        user.tenant_id,
        user.id,
        &[
            amphi_core::xapi::XapiScope::StatementsWrite,
            amphi_core::xapi::XapiScope::StatementsReadMine,
            amphi_core::xapi::XapiScope::State,
        ],
        chrono::Duration::hours(1),
    )
    .await
    .unwrap();
    let me = amphi_app::xapi::learner_agent(&t.base_url(), user.id);
    let mut content = Lrs {
        c: t.client(),
        auth: format!("Bearer {token}"),
    };
    let (k, s) = token.split_once(':').unwrap();
    let mut content_basic = Lrs {
        c: t.client(),
        auth: basic(k, s),
    };

    // Statements about the learner are stored, with Amphi and the learner as authority.
    let mine = json!({"actor": me, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "http://example.com/activities/scene-1"}});
    let r = content.post(&mine).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = content_basic.post(&mine).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // About someone else: refused, nothing stored.
    let before = statements_stored(&t).await;
    let r = content.post(&statement("bob", "completed", "c1")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(statements_stored(&t).await, before);

    // A client stores a statement about someone else; the token reads only its learner's.
    let mut lrs = lrs_client_of(&t, &mut a, &["all"]).await;
    lrs.post(&statement("bob", "completed", "c1")).await;
    let v = content.query(&[]).await;
    assert_eq!(v.len(), 2);
    assert!(v.iter().all(|s| s["actor"] == me));
    assert_eq!(v[0]["authority"]["objectType"], "Group");
    assert_eq!(lrs.query(&[]).await.len(), 3);

    // State documents: the learner's own only.
    let act = enc("http://example.com/activities/scene-1");
    let own = format!(
        "/xapi/activities/state?activityId={act}&agent={}&stateId=bookmark",
        enc(&me.to_string())
    );
    let r = content
        .call(Method::PUT, &own, Some("text/plain"), b"p4".to_vec(), &[])
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let theirs = format!(
        "/xapi/activities/state?activityId={act}&agent={}&stateId=bookmark",
        enc(&agent("bob").to_string())
    );
    assert_eq!(content.get(&theirs).await.status, StatusCode::FORBIDDEN);

    // An expired token is refused.
    t.clock.advance(chrono::Duration::hours(2));
    assert_eq!(
        content.get("/xapi/statements").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn xapi_admin_pages_create_show_the_secret_once_turn_off_and_delete() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let r = root.get("/admin").await;
    assert!(
        r.text.contains("href=\"/admin/xapi\""),
        "the administration home links to it"
    );
    let page = root.get("/admin/xapi").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let endpoint = format!("{}/xapi/", t.base_url()).replace('/', "&#x2f;");
    assert!(page.text.contains(&endpoint), "{}", page.text);

    // No scope ticked: the form again with the error.
    let r = root
        .submit("/admin/xapi", "/admin/xapi", &[("name", "Game")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = root
        .submit(
            "/admin/xapi",
            "/admin/xapi",
            &[
                ("name", "Game"),
                ("scopes", "statements/write"),
                ("scopes", "statements/read/mine"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let grab = |id: &str| {
        let at = r.text.find(&format!("id=\"xapi-{id}\"")).unwrap();
        let v = &r.text[at..];
        let start = v.find("value=\"").unwrap() + 7;
        v[start..start + v[start..].find('"').unwrap()].to_owned()
    };
    let (key, secret) = (grab("key"), grab("secret"));
    let mut game = Lrs {
        c: t.client(),
        auth: basic(&key, &secret),
    };
    assert_eq!(
        game.post(&statement("ann", "completed", "c1")).await.status,
        StatusCode::OK
    );
    // The list shows the key, never the secret.
    let page = root.get("/admin/xapi").await;
    assert!(page.text.contains(&key) && !page.text.contains(&secret));

    let id_at = page.text.find("id=\"client-").unwrap() + "id=\"client-".len();
    let id = page.text[id_at..id_at + 36].to_owned();
    let r = root
        .submit(
            "/admin/xapi",
            &format!("/admin/xapi/{id}/enabled"),
            &[("enabled", "false")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        game.post(&statement("ann", "completed", "c1")).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = root
        .submit("/admin/xapi", &format!("/admin/xapi/{id}/delete"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!root.get("/admin/xapi").await.text.contains(&key));

    // Someone who does not administer the site: refused.
    let mut ann = t.member("ann@example.test", "Ann").await;
    assert_eq!(ann.get("/admin/xapi").await.status, StatusCode::FORBIDDEN);
}
