//! The administration pages of external tools (LTI 1.3): a tenant administrator registers a
//! tool through the form, edits it, turns it off, replaces the platform's signing key and
//! deletes the tool; someone who does not administer the site sees neither the pages nor the
//! menu entry.

use crate::support::*;
use axum::http::StatusCode;

/// How a value appears in a page (the templates' HTML escaping).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// The registration form's fields, with the login initiation URL given.
fn fields(name: &'static str, login_url: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", name),
        ("login_url", login_url),
        ("target_link_uri", "https://tool.example/launch"),
        (
            "redirect_uris",
            "https://tool.example/launch\r\nhttps://tool.example/launch2",
        ),
        ("deep_link_url", ""),
        ("jwks_url", "https://tool.example/jwks"),
        ("public_key_pem", ""),
        ("custom", "level=2\r\nwho=$User.id"),
        ("ags", "true"),
        ("send_name", "true"),
        ("enabled", "true"),
    ]
}

/// The id of the tool the list links to by its name.
fn tool_id(list: &str, name: &str) -> String {
    let end = list
        .find(&format!("\">{name}</a>"))
        .unwrap_or_else(|| panic!("no {name} in:\n{list}"));
    let start = list[..end].rfind("/admin/lti/").unwrap() + "/admin/lti/".len();
    list[start..end].to_owned()
}

/// The keys of the site's published key set.
async fn published_keys(c: &mut Client) -> usize {
    let r = c.get("/lti/jwks").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["keys"].as_array().unwrap().len()
}

#[tokio::test]
async fn lti_admin_registers_edits_turns_off_and_deletes_a_tool() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;

    // The administration home leads to the tools.
    let home = root.get("/admin").await;
    assert!(home.text.contains("href=\"/admin/lti\""), "{}", home.text);
    assert!(home.text.contains("External tools"), "{}", home.text);

    // An empty list, with what a tool's developer must be given about this platform.
    let list = root.get("/admin/lti").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    for s in [
        "No tool is registered yet.",
        "Register a tool",
        "This platform",
        "OpenID configuration URL",
        "Launches in flight keep working",
    ] {
        assert!(list.text.contains(s), "{s}: {}", list.text);
    }
    for path in [
        "/lti/jwks",
        "/lti/openid-configuration",
        "/lti/authorize",
        "/lti/token",
    ] {
        assert!(list.text.contains(&esc(path)), "{path}: {}", list.text);
    }

    // A login URL that is not one: the form again, the error at its field, what was typed kept.
    let r = root
        .submit(
            "/admin/lti/new",
            "/admin/lti/new",
            &fields("Circuit lab", "not a url"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"f-login_url-error\""), "{}", r.text);
    assert!(r.text.contains("href=\"#f-login_url\""), "{}", r.text);
    assert!(r.text.contains("value=\"Circuit lab\""), "{}", r.text);
    assert!(r.text.contains("value=\"not a url\""), "{}", r.text);
    assert!(
        r.text.contains(&esc("https://tool.example/launch2")),
        "{}",
        r.text
    );
    assert!(r.text.contains("who=$User.id"), "{}", r.text);
    assert!(
        r.text.contains("name=\"ags\" value=\"true\" checked>")
            && r.text.contains("name=\"nrps\" value=\"true\">"),
        "{}",
        r.text
    );

    // Registered: listed, on, with the services and what it learns.
    let r = root
        .submit(
            "/admin/lti/new",
            "/admin/lti/new",
            &fields("Circuit lab", "https://tool.example/login"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/admin/lti");
    let list = root.get("/admin/lti").await;
    assert!(list.text.contains("The tool was saved."), "{}", list.text);
    assert!(
        list.text.contains("<span class=\"badge ok\">On</span>"),
        "{}",
        list.text
    );
    assert!(list.text.contains("<td>Grades</td>"), "{}", list.text);
    assert!(list.text.contains("<td>Name</td>"), "{}", list.text);
    let id = tool_id(&list.text, "Circuit lab");

    // Its page: the client id and deployment to give the tool, the form as saved.
    let edit = format!("/admin/lti/{id}");
    let page = root.get(&edit).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Client id"), "{}", page.text);
    assert!(page.text.contains("Deployment id"), "{}", page.text);
    assert!(
        page.text.contains(&esc("https://tool.example/login")),
        "{}",
        page.text
    );
    assert!(page.text.contains("Delete the tool"), "{}", page.text);

    // Edited: renamed, Assignment and Grade Services unticked (absent from the form), names
    // and roles ticked.
    let mut changed = fields("Circuit lab 2", "https://tool.example/login2");
    changed.retain(|(k, _)| *k != "ags");
    changed.push(("nrps", "true"));
    let r = root.submit(&edit, &edit, &changed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = root.get(&edit).await;
    assert!(
        page.text.contains("value=\"Circuit lab 2\""),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("name=\"ags\" value=\"true\">")
            && page.text.contains("name=\"nrps\" value=\"true\" checked>"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(&esc("https://tool.example/login2")),
        "{}",
        page.text
    );

    // A refused edit keeps the tool's identifiers on the page.
    let mut bad = changed.clone();
    bad.retain(|(k, _)| *k != "jwks_url");
    let r = root.submit(&edit, &edit, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"f-jwks_url-error\""), "{}", r.text);
    assert!(r.text.contains("Deployment id"), "{}", r.text);

    // Turned off: the list says so.
    let r = root
        .submit(
            "/admin/lti",
            &format!("{edit}/enabled"),
            &[("enabled", "false")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let list = root.get("/admin/lti").await;
    assert!(
        list.text.contains("The tool is turned off."),
        "{}",
        list.text
    );
    assert!(
        list.text.contains("<span class=\"badge warn\">Off</span>"),
        "{}",
        list.text
    );
    assert!(list.text.contains("Turn on"), "{}", list.text);
    assert!(list.text.contains("<td>Members</td>"), "{}", list.text);

    // A new signing key: the old one stays published.
    assert_eq!(published_keys(&mut root).await, 1);
    let r = root
        .submit("/admin/lti", "/admin/lti/keys/rotate", &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(published_keys(&mut root).await, 2);
    let list = root.get("/admin/lti").await;
    assert!(
        list.text.contains("The signing key was replaced."),
        "{}",
        list.text
    );

    // Deleted (it never reported a grade): gone from the list.
    let r = root.submit(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let list = root.get("/admin/lti").await;
    assert!(list.text.contains("The tool was deleted."), "{}", list.text);
    assert!(!list.text.contains("Circuit lab"), "{}", list.text);
    assert_eq!(root.get(&edit).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn lti_admin_pages_and_menu_entry_are_for_site_administrators() {
    let t = TestApp::new().await;
    let mut lea = t.member("lea@example.test", "Léa").await;
    for path in ["/admin/lti", "/admin/lti/new"] {
        let r = lea.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            r.text.contains("You do not have access to this page"),
            "{}",
            r.text
        );
        assert!(!r.text.contains("href=\"/admin/lti\""), "{}", r.text);
    }
    let home = lea.get("/").await;
    assert!(!home.text.contains("href=\"/admin/lti\""), "{}", home.text);
    let r = lea
        .submit(
            "/",
            "/admin/lti/new",
            &fields("Sneaky", "https://tool.example/login"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = lea.submit("/", "/admin/lti/keys/rotate", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // The pages speak French too.
    let mut root = t.platform_admin().await;
    let r = root
        .submit("/", "/lang", &[("locale", "fr"), ("next", "/admin/lti")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let list = root.get("/admin/lti").await;
    assert!(list.text.contains("Outils externes"), "{}", list.text);
    assert!(list.text.contains("Cette plateforme"), "{}", list.text);
}
