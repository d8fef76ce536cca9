//! SCORM packages end to end, with Rustici's public golf examples from `../shared/fixtures`:
//! the course team uploads them (hostile zips are refused with every problem listed and nothing
//! stored), a learner plays one through the content origin's run-time calls (commits over a
//! revision, resume, a second tab refused), the result reaches the item's progress, the
//! gradebook and the course team's report and CSV; the content origin sets no cookie, trusts
//! only its signed token and lets only the launching site frame the player.

use crate::fixtures::*;
use crate::support::*;
use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};
use std::io::Write;

/// A fixture package of `../shared/fixtures/scorm` beside the checkout (or of
/// `$AMPHI_FIXTURES/scorm`): read there, never copied here.
fn fixture(name: &str) -> Vec<u8> {
    let root = std::env::var("AMPHI_FIXTURES").map_or_else(
        |_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
        std::path::PathBuf::from,
    );
    let path = root.join("scorm").join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "the SCORM fixtures are expected in {} ({e})",
            path.display()
        )
    })
}

/// A zip of `files` (name, bytes), built here for the hostile cases.
pub(crate) fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const MANIFEST_12: &str = r#"<?xml version="1.0"?>
<manifest identifier="m1" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
 <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
 <organizations default="o1"><organization identifier="o1"><title>T</title>
  <item identifier="i1" identifierref="r1"><title>One</title></item></organization></organizations>
 <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html"><file href="index.html"/></resource></resources>
</manifest>"#;

pub(crate) struct Setup {
    pub(crate) t: TestApp,
    pub(crate) a: Caller,
    pub(crate) run: String,
    pub(crate) item: String,
}

pub(crate) async fn setup(settings: Value) -> Setup {
    let t = TestApp::new().await;
    let mut a = admin(&t).await;
    let mut item =
        json!({"kind": "package", "title": "Golf", "body": "Learn golf.", "published": true});
    for (k, v) in settings.as_object().unwrap() {
        item[k] = v.clone();
    }
    let c = api_course(
        &mut a,
        json!({"code": "GOLF1", "title": "Golf", "summary": "Golf."}),
        json!({}),
        &[item],
    )
    .await;
    t.clock.advance(chrono::Duration::seconds(1));
    Setup {
        t,
        a,
        run: c.run,
        item: c.items[0].clone(),
    }
}

/// Uploads through the package page's form, with its CSRF token first.
pub(crate) async fn upload(
    c: &mut Client,
    run: &str,
    item: &str,
    name: &str,
    bytes: &[u8],
) -> Resp {
    let path = format!("/teach/runs/{run}/items/{item}/package");
    let page = c.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let csrf = page.csrf();
    let (ct, body) = multipart(
        &[("csrf", csrf.as_str())],
        Some((name, "application/zip", bytes)),
    );
    c.request(Method::POST, &path, Some(&ct), body).await
}

/// The launch token of the item's player, as a person opening it gets it.
pub(crate) async fn token_of(c: &mut Caller, run: &str, item: &str) -> String {
    let p = c.ok(&format!("/api/v1/runs/{run}/items/{item}")).await;
    let url = p["package"]["player_url"]
        .as_str()
        .unwrap_or_else(|| panic!("no player: {p}"));
    assert!(url.starts_with("http://localhost:8081/p/"), "{url}");
    url.trim_start_matches("http://localhost:8081/p/")
        .trim_end_matches('/')
        .to_owned()
}

/// The player's data of a launch.
pub(crate) async fn player(t: &TestApp, token: &str) -> (Resp, Value) {
    let mut cc = t.content_client();
    let r = cc.get(&format!("/p/{token}/")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let data = between(&r.text, "id=\"player-data\">", "</script>");
    let v: Value = serde_json::from_str(data).unwrap();
    (r, v)
}

pub(crate) async fn commit(t: &TestApp, token: &str, sco: &str, revision: i64, cmi: Value) -> Resp {
    let mut cc = t.content_client();
    let body = json!({"sco": sco, "revision": revision, "data": cmi});
    cc.request(
        Method::POST,
        &format!("/p/{token}/commit"),
        Some("text/plain;charset=UTF-8"),
        body.to_string().into_bytes(),
    )
    .await
}

#[tokio::test]
async fn a_scorm12_package_is_played_resumed_and_graded() {
    let mut s = setup(json!({"max_points": "20"})).await;
    let zip = fixture("singlesco_scorm12.zip");
    let r = upload(&mut s.a.c, &s.run, &s.item, "golf.zip", &zip).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page =
        s.a.c
            .get(&format!("/teach/runs/{}/items/{}/package", s.run, s.item))
            .await;
    assert!(
        page.text.contains("Golf Explained - CP Single SCO"),
        "{}",
        page.text
    );
    assert!(page.text.contains("SCORM 1.2"));

    let mut l = learner(&s.t, "lea@example.test", "Léa Martin").await;
    assert_eq!(l.enrol(&s.run, None).await.status, StatusCode::OK);
    let token = token_of(&mut l, &s.run, &s.item).await;
    let (r, d) = player(&s.t, &token).await;
    // The content origin: no cookie, framed only by the site that launched it, token not
    // needed to be guessed by anyone else.
    assert!(r.headers.get(header::SET_COOKIE).is_none());
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("frame-ancestors http://"), "{csp}");
    assert_eq!(r.headers[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(d["api"], "Scorm12");
    assert_eq!(d["preview"], false);
    let start = &d["start"];
    assert_eq!(start["sco"], "item_1");
    assert_eq!(start["cmi"]["cmi"]["core"]["entry"], "ab-initio");
    assert_eq!(start["cmi"]["cmi"]["core"]["student_name"], "Martin, Léa");
    let rev = start["revision"].as_i64().unwrap();

    // The launch page and its files come from the package.
    let mut cc = s.t.content_client();
    let f = cc
        .get(&format!("/p/{token}/f/shared/launchpage.html"))
        .await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(f.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(
        cc.get(&format!("/p/{token}/f/../x")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        cc.get(&format!("/p/{token}/f/nope.html")).await.status,
        StatusCode::NOT_FOUND
    );
    let forged = format!("{}x", token);
    assert_eq!(
        cc.get(&format!("/p/{forged}/")).await.status,
        StatusCode::UNAUTHORIZED
    );

    // The learner leaves half-way: suspended with a location and suspend data.
    let half = json!({"cmi": {"suspend_data": "page=3", "core": {"lesson_location": "p3", "lesson_status": "incomplete", "exit": "suspend", "session_time": "00:02:30"},
        "interactions": {"0": {"id": "q1", "type": "choice", "student_response": "b", "result": "correct", "time": "10:00:00"}}}});
    let c1 = commit(&s.t, &token, "item_1", rev, half).await;
    assert_eq!(c1.status, StatusCode::OK, "{}", c1.text);
    let rev1 = c1.json()["revision"].as_i64().unwrap();
    assert_eq!(rev1, rev + 1);

    // Back later: resumed exactly there, with the time so far.
    let (_, d2) = player(&s.t, &token).await;
    let core = &d2["start"]["cmi"]["cmi"]["core"];
    assert_eq!(core["entry"], "resume");
    assert_eq!(core["lesson_location"], "p3");
    assert_eq!(core["total_time"], "0000:02:30");
    assert_eq!(d2["start"]["cmi"]["cmi"]["suspend_data"], "page=3");
    let rev2 = d2["start"]["revision"].as_i64().unwrap();
    assert!(rev2 > rev1);

    // The first tab, still open on the old revision, cannot overwrite the second one.
    let stale = commit(
        &s.t,
        &token,
        "item_1",
        rev1,
        json!({"cmi": {"core": {"lesson_status": "failed"}}}),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert_eq!(stale.json()["code"], "package_conflict");

    // Bad data is refused and changes nothing.
    let long = commit(
        &s.t,
        &token,
        "item_1",
        rev2,
        json!({"cmi": {"suspend_data": "x".repeat(4097), "core": {}}}),
    )
    .await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST, "{}", long.text);
    let unknown = commit(&s.t, &token, "nope", rev2, json!({"cmi": {"core": {}}})).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let mut cc = s.t.content_client();
    let garbage = cc
        .request(
            Method::POST,
            &format!("/p/{token}/commit"),
            Some("application/json"),
            b"{not json".to_vec(),
        )
        .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);

    // Finished and passed with 85: the item is done, the gradebook has 17 / 20.
    let done = json!({"cmi": {"core": {"lesson_status": "passed", "score": {"raw": "85", "min": "0", "max": "100"}, "exit": "", "session_time": "00:01:00"},
        "interactions": {"0": {"id": "q1", "type": "choice", "student_response": "b", "result": "correct", "time": "10:00:00"}}}});
    let c2 = commit(&s.t, &token, "item_1", rev2, done).await;
    assert_eq!(c2.status, StatusCode::OK, "{}", c2.text);
    let it = l
        .ok(&format!("/api/v1/runs/{}/items/{}", s.run, s.item))
        .await;
    assert_eq!(it["entry"]["state"], "completed", "{it}");
    assert_eq!(
        it["can_complete"], false,
        "the package says when it is done"
    );
    assert_eq!(it["package"]["attempts"][0]["success"], "passed");
    assert_eq!(it["package"]["attempts"][0]["percent"], 85.0);
    let g = l.ok(&format!("/api/v1/runs/{}/grades/me", s.run)).await;
    assert!(g.to_string().contains("17"), "{g}");

    // The course team's report and its CSV, with the interaction.
    let rep =
        s.a.c
            .get(&format!(
                "/teach/runs/{}/items/{}/package/report",
                s.run, s.item
            ))
            .await;
    assert_eq!(rep.status, StatusCode::OK);
    assert!(
        rep.text.contains("Léa Martin") && rep.text.contains("85"),
        "{}",
        rep.text
    );
    let csv =
        s.a.c
            .get(&format!(
                "/teach/runs/{}/items/{}/package/report.csv",
                s.run, s.item
            ))
            .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text.starts_with("name,email,attempt"), "{}", csv.text);
    assert!(
        csv.text
            .contains("Léa Martin,lea@example.test,1,completed,passed,85,210"),
        "{}",
        csv.text
    );
    let csv_lines: Vec<&str> = csv.text.lines().collect();
    assert!(
        csv_lines[1].contains(",item_1,q1,choice,b,correct"),
        "{}",
        csv.text
    );
    // What the player did is in the tenant's learning record store, under the attempt.
    let mut lrs = crate::xapi::lrs_client_of(&s.t, &mut s.a, &["all/read"]).await;
    let attempted = lrs
        .query(&[("verb", "http://adlnet.gov/expapi/verbs/attempted")])
        .await;
    assert_eq!(attempted.len(), 1, "{attempted:?}");
    let passed = lrs
        .query(&[("verb", "http://adlnet.gov/expapi/verbs/passed")])
        .await;
    assert_eq!(passed.len(), 1, "{passed:?}");
    let p = &passed[0];
    assert_eq!(p["result"]["score"]["scaled"], 0.85);
    assert_eq!(p["result"]["success"], true);
    assert_eq!(
        p["context"]["registration"],
        attempted[0]["context"]["registration"]
    );
    assert!(
        p["object"]["id"].as_str().unwrap().ends_with("/item_1"),
        "{p}"
    );
    let users = s.a.ok("/api/v1/users?q=lea%40example.test").await;
    let lea = users["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(p["actor"]["account"]["name"], lea.as_str(), "{users}");
    // The same through the API.
    let api =
        s.a.ok(&format!(
            "/api/v1/runs/{}/items/{}/package/results",
            s.run, s.item
        ))
        .await;
    assert_eq!(api["items"][0]["success"], "passed", "{api}");
    assert_eq!(api["items"][0]["percent"], 85.0);
    // A learner sees none of it.
    let denied =
        l.c.get(&format!(
            "/teach/runs/{}/items/{}/package/report",
            s.run, s.item
        ))
        .await;
    assert_ne!(denied.status, StatusCode::OK);
}

#[tokio::test]
async fn the_course_team_previews_without_recording() {
    let mut s = setup(json!({})).await;
    let zip = fixture("RuntimeBasicCalls_SCORM20043rdEdition.zip");
    let r = upload(&mut s.a.c, &s.run, &s.item, "golf2004.zip", &zip).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let token = token_of(&mut s.a, &s.run, &s.item).await;
    let (_, d) = player(&s.t, &token).await;
    assert_eq!(d["api"], "Scorm2004");
    assert_eq!(d["preview"], true);
    assert_eq!(d["start"]["cmi"]["cmi"]["mode"], "browse");
    let c = commit(
        &s.t,
        &token,
        "item_1",
        0,
        json!({"cmi": {"completion_status": "completed"}}),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK);
    let rep =
        s.a.c
            .get(&format!(
                "/teach/runs/{}/items/{}/package/report",
                s.run, s.item
            ))
            .await;
    assert!(
        rep.text.contains("No learner has opened this package yet."),
        "a preview records nothing: {}",
        rep.text
    );
}

#[tokio::test]
async fn a_scorm2004_attempt_completes_and_a_new_attempt_follows_the_rule() {
    let mut s = setup(json!({"max_attempts": "2", "completion": "passed"})).await;
    let zip = fixture("RuntimeBasicCalls_SCORM20043rdEdition.zip");
    assert_eq!(
        upload(&mut s.a.c, &s.run, &s.item, "g.zip", &zip)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let mut l = learner(&s.t, "bob@example.test", "Bob").await;
    l.enrol(&s.run, None).await;
    let token = token_of(&mut l, &s.run, &s.item).await;
    let (_, d) = player(&s.t, &token).await;
    let rev = d["start"]["revision"].as_i64().unwrap();
    let c = commit(&s.t, &token, "item_1", rev, json!({"cmi": {"completion_status": "completed", "success_status": "failed", "score": {"scaled": "0.4"}, "session_time": "PT30S", "exit": "normal"}})).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let it = l
        .ok(&format!("/api/v1/runs/{}/items/{}", s.run, s.item))
        .await;
    assert_ne!(
        it["entry"]["state"], "completed",
        "done only when passed: {it}"
    );
    assert_eq!(it["package"]["can_start_new"], true);
    let form = l.c.get(&format!("/learn/{}/items/{}", s.run, s.item)).await;
    assert!(form.text.contains("package/attempts"), "{}", form.text);
    let r =
        l.c.submit(
            &format!("/learn/{}/items/{}", s.run, s.item),
            &format!("/learn/{}/items/{}/package/attempts", s.run, s.item),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let token2 = token_of(&mut l, &s.run, &s.item).await;
    assert_ne!(token, token2);
    let (_, d2) = player(&s.t, &token2).await;
    assert_eq!(
        d2["start"]["cmi"]["cmi"]["entry"], "ab-initio",
        "a new attempt starts afresh"
    );
    let rev = d2["start"]["revision"].as_i64().unwrap();
    let c = commit(&s.t, &token2, "item_1", rev, json!({"cmi": {"completion_status": "completed", "success_status": "passed", "score": {"scaled": "0.9"}}})).await;
    assert_eq!(c.status, StatusCode::OK);
    let it = l
        .ok(&format!("/api/v1/runs/{}/items/{}", s.run, s.item))
        .await;
    assert_eq!(it["entry"]["state"], "completed");
    assert_eq!(it["package"]["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(
        it["package"]["can_start_new"], false,
        "two attempts allowed"
    );
    // The old attempt's token still writes only its own attempt.
    let (_, d1) = player(&s.t, &token).await;
    assert_eq!(d1["start"]["sco"], "item_1");
}

#[tokio::test]
async fn hostile_and_broken_packages_are_refused_with_every_problem_and_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let t = TestApp::with_config(|c| c.storage.local_dir = files.display().to_string()).await;
    let mut a = admin(&t).await;
    let c = api_course(
        &mut a,
        json!({"code": "BAD1", "title": "Bad", "summary": "Bad."}),
        json!({}),
        &[json!({"kind": "package", "title": "P", "published": true})],
    )
    .await;
    let (run, item) = (c.run, c.items[0].clone());
    let count = |d: &std::path::Path| walk(d);
    fn walk(d: &std::path::Path) -> usize {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            walk(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    let before = count(&files);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "traversal",
            zip_of(&[
                ("imsmanifest.xml", MANIFEST_12.as_bytes()),
                ("index.html", b"<p>x"),
                ("../evil.html", b"x"),
            ]),
            "points outside the package",
        ),
        (
            "missing file",
            zip_of(&[("imsmanifest.xml", MANIFEST_12.as_bytes())]),
            "index.html is referenced but not in the zip",
        ),
        (
            "no manifest",
            zip_of(&[("index.html", b"<p>x")]),
            "no imsmanifest.xml",
        ),
        (
            "bad xml",
            zip_of(&[
                (
                    "imsmanifest.xml",
                    b"<manifest>\n<organizations>\n</manifest>",
                ),
                ("index.html", b"x"),
            ]),
            "line",
        ),
        ("not a zip", b"hello, not a zip".to_vec(), "not a zip"),
    ];
    for (what, bytes, says) in cases {
        let r = upload(&mut a.c, &run, &item, "p.zip", &bytes).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            r.text
        );
        assert!(
            r.text.contains(says),
            "{what}: expected {says:?} in {}",
            r.text
        );
    }
    // A zip bomb: one entry of 20 MB of zeros.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("imsmanifest.xml", o).unwrap();
    w.write_all(MANIFEST_12.as_bytes()).unwrap();
    w.start_file("index.html", o).unwrap();
    w.write_all(&vec![0u8; 20 * 1024 * 1024]).unwrap();
    let bomb = w.finish().unwrap().into_inner();
    let r = upload(&mut a.c, &run, &item, "bomb.zip", &bomb).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("zip bomb"), "{}", r.text);
    assert_eq!(count(&files), before, "nothing stored");
    let page =
        a.c.get(&format!("/teach/runs/{run}/items/{item}/package"))
            .await;
    assert!(page.text.contains("No package yet"), "{}", page.text);
    // Through the API: 422 with every problem, by code, file and line.
    let r = a
        .upload(
            &format!("/api/v1/runs/{run}/items/{item}/package?filename=p.zip"),
            "application/zip",
            zip_of(&[("imsmanifest.xml", MANIFEST_12.as_bytes())]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let e = &r.json()["error"];
    assert_eq!(e["code"], "package_invalid");
    assert_eq!(e["problems"][0]["code"], "package-missing-file", "{e}");
    assert_eq!(e["problems"][0]["file"], "imsmanifest.xml");
    assert!(e["problems"][0]["line"].as_u64().is_some());
    let ok = a
        .upload(
            &format!("/api/v1/runs/{run}/items/{item}/package?filename=golf.zip"),
            "application/zip",
            fixture("singlescobasic.zip"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.json()["standard"], "scorm12");
    assert_eq!(ok.json()["version"], 1);
    let stored = count(&files);
    assert_eq!(
        stored,
        before + 46,
        "the golf package's 46 files are stored"
    );
    let before = stored;
    // Without the token first, nothing is read.
    let (ct, body) = multipart(
        &[],
        Some(("p.zip", "application/zip", &fixture("singlescobasic.zip"))),
    );
    let r =
        a.c.request(
            Method::POST,
            &format!("/teach/runs/{run}/items/{item}/package"),
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(count(&files), before);
}

const MANIFEST_TWO: &str = r#"<?xml version="1.0"?>
<manifest identifier="m2" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
 <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
 <organizations default="o1"><organization identifier="o1"><title>Two parts</title>
  <item identifier="i1" identifierref="r1"><title>Part one</title></item>
  <item identifier="i2" identifierref="r2"><title>Part two</title></item></organization></organizations>
 <resources>
  <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="one.html"><file href="one.html"/></resource>
  <resource identifier="r2" type="webcontent" adlcp:scormtype="sco" href="two.html"><file href="two.html"/></resource>
 </resources>
</manifest>"#;

#[tokio::test]
async fn a_package_of_two_parts_is_done_when_both_are_and_resumes_at_the_next() {
    let mut s = setup(json!({})).await;
    let zip = zip_of(&[
        ("imsmanifest.xml", MANIFEST_TWO.as_bytes()),
        ("one.html", b"<p>one"),
        ("two.html", b"<p>two"),
    ]);
    let r = upload(&mut s.a.c, &s.run, &s.item, "two.zip", &zip).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut l = learner(&s.t, "kim@example.test", "Kim").await;
    l.enrol(&s.run, None).await;
    let token = token_of(&mut l, &s.run, &s.item).await;
    let (page, d) = player(&s.t, &token).await;
    assert!(
        page.text.contains("Part one") && page.text.contains("Part two"),
        "the table of contents"
    );
    assert_eq!(d["launches"].as_array().unwrap().len(), 2);
    assert_eq!(d["start"]["sco"], "i1");
    let rev = d["start"]["revision"].as_i64().unwrap();
    let c = commit(
        &s.t,
        &token,
        "i1",
        rev,
        json!({"cmi": {"core": {"lesson_status": "completed", "lesson_location": "end"}}}),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let it = l
        .ok(&format!("/api/v1/runs/{}/items/{}", s.run, s.item))
        .await;
    assert_ne!(it["entry"]["state"], "completed", "part two is left: {it}");
    assert_eq!(it["package"]["attempts"][0]["completion"], "incomplete");

    // Back: the player starts at the first part not done; part one can still be chosen.
    let (_, d) = player(&s.t, &token).await;
    assert_eq!(d["start"]["sco"], "i2");
    assert_eq!(d["states"][0][0], "i1");
    let mut cc = s.t.content_client();
    let one = cc.get(&format!("/p/{token}/sco/i1")).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    assert_eq!(
        one.json()["start"]["cmi"]["cmi"]["core"]["lesson_location"],
        "end"
    );
    assert_eq!(
        cc.get(&format!("/p/{token}/sco/nope")).await.status,
        StatusCode::NOT_FOUND
    );

    let (_, d) = player(&s.t, &token).await;
    let rev = d["start"]["revision"].as_i64().unwrap();
    let c = commit(
        &s.t,
        &token,
        "i2",
        rev,
        json!({"cmi": {"core": {"lesson_status": "passed", "score": {"raw": "60"}}}}),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let it = l
        .ok(&format!("/api/v1/runs/{}/items/{}", s.run, s.item))
        .await;
    assert_eq!(it["entry"]["state"], "completed", "{it}");
    assert_eq!(it["package"]["attempts"][0]["percent"], 60.0);
}
