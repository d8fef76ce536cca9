//! The API's OpenAPI document: a snapshot of it (`snapshots/`), and the router's `/api/v1`
//! routes compared with it both ways, so that no route goes undocumented and no documented
//! route is missing.

use crate::support::*;
use axum::http::{Method, StatusCode};
use std::collections::BTreeSet;
use std::path::Path;

/// Routes the document leaves out on purpose: the document itself.
const UNDOCUMENTED: &[&str] = &["GET /api/v1/openapi.json"];

#[tokio::test]
async fn the_openapi_document_is_as_reviewed() {
    let t = TestApp::new().await;
    let r = t.client().get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    insta::assert_json_snapshot!("openapi", r.json());
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document_and_only_those() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let doc = c.get("/api/v1/openapi.json").await.json();
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();

    let mut paths = api_route_paths();
    // A documented path the route tables do not name is probed too: if the router answers
    // it, the scan of the tables missed a route.
    paths.extend(
        doc["paths"]
            .as_object()
            .unwrap()
            .keys()
            .map(|p| p.to_owned()),
    );
    let mut routed = BTreeSet::new();
    for path in &paths {
        for m in methods(&mut c, path).await {
            routed.insert(format!("{m} {path}"));
        }
    }
    for r in UNDOCUMENTED {
        assert!(
            routed.remove(*r),
            "{r} is no longer routed: drop it from UNDOCUMENTED"
        );
    }

    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "routes missing from the OpenAPI document (add their #[utoipa::path] to the doc's \
         paths): {undocumented:#?}\ndocumented routes the router does not answer: {unrouted:#?}"
    );
}

/// The path patterns of the router's `/api/v1` routes: axum cannot list a router's routes, so
/// they are read from the route tables (`.route("…", …)`) of `amphi-web/src/api/`, which
/// `api::routes()` nests under `/api/v1`.
fn api_route_paths() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../amphi-web/src/api");
    let mut out = BTreeSet::new();
    let mut files = vec![dir];
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let src = std::fs::read_to_string(&p).unwrap();
        for (i, _) in src.match_indices(".route(") {
            let rest = src[i + ".route(".len()..].trim_start();
            if let Some(lit) = rest.strip_prefix('"') {
                let end = lit.find('"').unwrap();
                out.insert(format!("/api/v1{}", &lit[..end]));
            }
        }
    }
    out
}

/// The methods the router answers on a path pattern (each `{param}` filled with an id): the
/// `Allow` header of its 405 answer to a method no route uses (HEAD aside, which axum adds to
/// every GET); none when no route matches the path (404).
async fn methods(c: &mut Client, pattern: &str) -> BTreeSet<String> {
    let path: String = pattern
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "0190a000-0000-7000-8000-000000000000"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let r = c.request(Method::TRACE, &path, None, Vec::new()).await;
    match r.status {
        StatusCode::NOT_FOUND => BTreeSet::new(),
        StatusCode::METHOD_NOT_ALLOWED => r
            .headers
            .get("allow")
            .unwrap_or_else(|| panic!("405 without Allow on {path}"))
            .to_str()
            .unwrap()
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty() && m != "HEAD")
            .collect(),
        other => panic!("TRACE {path}: {other}, expected 404 or 405: {}", r.text),
    }
}
