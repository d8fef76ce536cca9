//! Snapshots (`snapshots/`) of pages a visitor sees first, on a fresh platform: what a template,
//! a translation or the shell changes in them shows up in review. The CSRF token (new on every
//! run) and the static assets' version (a hash of their content, which changes with any CSS
//! edit) are redacted; the pages hold no ids or times.

use crate::fixtures::between;
use crate::support::*;
use axum::http::StatusCode;

/// The page's HTML with its CSRF tokens and the assets' version redacted.
async fn page(t: &TestApp, path: &str) -> String {
    let r = t.client().get(path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    let csrf = r.csrf();
    assert!(!csrf.is_empty(), "{path} has no CSRF token");
    let version = between(&r.text, "/static/amphi.css?v=", "\"");
    r.text
        .replace(&csrf, "[csrf]")
        .replace(&format!("?v={version}"), "?v=[assets]")
}

#[tokio::test]
async fn the_sign_in_page_is_as_reviewed() {
    let t = TestApp::new().await;
    insta::assert_snapshot!("signin", page(&t, "/signin").await);
}

#[tokio::test]
async fn the_sign_up_page_is_as_reviewed() {
    let t = TestApp::new().await;
    insta::assert_snapshot!("signup", page(&t, "/signup").await);
}

#[tokio::test]
async fn the_empty_catalog_is_as_reviewed() {
    let t = TestApp::new().await;
    insta::assert_snapshot!("catalog_empty", page(&t, "/catalog").await);
}
