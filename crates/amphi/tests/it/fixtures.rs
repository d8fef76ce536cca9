//! Building what tests need: callers of the JSON API with a token, courses with a published run
//! and module built through the API or through the authoring pages, and the small helpers
//! their answers call for (ids, error codes, dates, text between markers, multipart bodies).

use crate::support::*;
use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{json, Value};

/// Someone calling the API with a token.
pub(crate) struct Caller {
    pub(crate) c: Client,
    pub(crate) tok: String,
}

impl Caller {
    pub(crate) async fn get(&mut self, path: &str) -> Resp {
        self.c.api(Method::GET, path, &self.tok, None).await
    }
    pub(crate) async fn post(&mut self, path: &str, body: Value) -> Resp {
        self.c.api(Method::POST, path, &self.tok, Some(body)).await
    }
    pub(crate) async fn post_empty(&mut self, path: &str) -> Resp {
        self.c.api(Method::POST, path, &self.tok, None).await
    }
    pub(crate) async fn put(&mut self, path: &str, body: Value) -> Resp {
        self.c.api(Method::PUT, path, &self.tok, Some(body)).await
    }
    pub(crate) async fn patch(&mut self, path: &str, body: Value) -> Resp {
        self.c.api(Method::PATCH, path, &self.tok, Some(body)).await
    }
    pub(crate) async fn delete(&mut self, path: &str) -> Resp {
        self.c.api(Method::DELETE, path, &self.tok, None).await
    }

    /// Uploads raw bytes through the API, with the token alone (no cookies).
    pub(crate) async fn upload(&mut self, path: &str, ct: &str, bytes: Vec<u8>) -> Resp {
        let saved = std::mem::take(&mut self.c.cookies);
        self.c
            .headers
            .push(("authorization".into(), format!("Bearer {}", self.tok)));
        let r = self.c.request(Method::POST, path, Some(ct), bytes).await;
        self.c.headers.pop();
        self.c.cookies = saved;
        r
    }

    /// Asks to enrol; returns the response.
    pub(crate) async fn enrol(&mut self, run: &str, code: Option<&str>) -> Resp {
        let path = format!("/api/v1/runs/{run}/enrolment");
        match code {
            Some(c) => self.post(&path, json!({ "code": c })).await,
            None => self.post_empty(&path).await,
        }
    }

    /// Creates something and returns its JSON, failing on anything but 201.
    pub(crate) async fn create(&mut self, path: &str, body: Value) -> Value {
        let r = self.post(path, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "POST {path}: {}", r.text);
        r.json()
    }

    /// Reads something and returns its JSON, failing on anything but 200.
    pub(crate) async fn ok(&mut self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.text);
        r.json()
    }
}

/// The platform (and default tenant) administrator with an all-scopes token.
pub(crate) async fn admin(t: &TestApp) -> Caller {
    let mut c = t.platform_admin().await;
    let tok = c.create_token(&["read", "write", "admin"], "30").await;
    Caller { c, tok }
}

/// A member of the default tenant with a read/write token.
pub(crate) async fn learner(t: &TestApp, email: &str, name: &str) -> Caller {
    let mut c = t.member(email, name).await;
    let tok = c.create_token(&["read", "write"], "30").await;
    Caller { c, tok }
}

/// A date `d` from the test clock's now, as RFC 3339.
pub(crate) fn at(t: &TestApp, d: Duration) -> String {
    (t.app.now() + d).to_rfc3339()
}

/// The code of the validation error on `field`, failing when there is none.
pub(crate) fn field_code(r: &Resp, field: &str) -> String {
    let j = r.json();
    assert_eq!(j["error"]["code"], "validation", "{}", r.text);
    j["error"]["fields"][field]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error on {field}: {}", r.text))
        .to_owned()
}

/// The code of an API error answer (empty when there is none).
pub(crate) fn error_code(r: &Resp) -> String {
    r.json()["error"]["code"].as_str().unwrap_or("").to_owned()
}

/// The `id` of a created thing.
pub(crate) fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// What [`api_course`] built.
pub(crate) struct ApiCourse {
    pub(crate) course: String,
    pub(crate) run: String,
    pub(crate) items: Vec<String>,
}

/// Builds through the API a course (`course`: its JSON), a run published by default (`run`
/// adds to or overrides `{"name": "Spring", "published": true}`), one published module
/// "Week 1", and `items` in it (each an item's JSON: kind, title, body, published).
pub(crate) async fn api_course(
    a: &mut Caller,
    course: Value,
    run: Value,
    items: &[Value],
) -> ApiCourse {
    let course = id(&a.create("/api/v1/courses", course).await);
    let mut body = json!({ "name": "Spring", "published": true });
    for (k, v) in run.as_object().unwrap() {
        body[k] = v.clone();
    }
    let run = id(&a
        .create(&format!("/api/v1/courses/{course}/runs"), body)
        .await);
    let m = a
        .create(
            &format!("/api/v1/runs/{run}/modules"),
            json!({ "title": "Week 1", "published": true }),
        )
        .await;
    let mut ids = Vec::new();
    for item in items {
        let it = a
            .create(
                &format!("/api/v1/runs/{run}/modules/{}/items", id(&m)),
                item.clone(),
            )
            .await;
        ids.push(id(&it));
    }
    ApiCourse {
        course,
        run,
        items: ids,
    }
}

/// A course to build through the authoring pages ([`page_course`]).
pub(crate) struct PageCourse<'a> {
    pub(crate) code: &'a str,
    pub(crate) title: &'a str,
    /// Left out of the form when None.
    pub(crate) summary: Option<&'a str>,
    /// The run's name; the run is open and published.
    pub(crate) run: &'a str,
    pub(crate) items: &'a [PageItem<'a>],
}

/// One item of a [`PageCourse`]'s only module.
pub(crate) struct PageItem<'a> {
    pub(crate) kind: &'a str,
    pub(crate) title: &'a str,
    /// Left out of the editor's form when None.
    pub(crate) body: Option<&'a str>,
    pub(crate) published: bool,
}

/// What [`page_course`] built: the run's id and the item ids in order.
pub(crate) struct BuiltCourse {
    pub(crate) run: String,
    pub(crate) items: Vec<String>,
}

/// Builds a MOOC through the authoring pages as `root`: the course (listed, in English), an
/// open published run, one published module "Week 1", and the items (created, then saved
/// from their editor).
pub(crate) async fn page_course(root: &mut Client, spec: &PageCourse<'_>) -> BuiltCourse {
    let mut fields = vec![("code", spec.code), ("title", spec.title)];
    if let Some(s) = spec.summary {
        fields.push(("summary", s));
    }
    fields.extend([
        ("language", "en"),
        ("format", "mooc"),
        ("visibility", "listed"),
    ]);
    let r = root
        .submit("/teach/courses/new", "/teach/courses/new", &fields)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let course_page = r.location();
    let course = course_page.trim_start_matches("/teach/courses/").to_owned();
    let r = root
        .submit(
            &course_page,
            &format!("/teach/courses/{course}/runs"),
            &[
                ("name", spec.run),
                ("policy", "open"),
                ("published", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let outline = r.location();
    let run = between(&outline, "/teach/runs/", "/outline").to_owned();
    let r = root
        .submit(
            &outline,
            &format!("/teach/runs/{run}/modules"),
            &[("title", "Week 1"), ("published", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = root.get(&outline).await;
    let module = between(&page.text, "id=\"module-", "\"").to_owned();
    let mut items = Vec::new();
    for item in spec.items {
        let r = root
            .submit(
                &outline,
                &format!("/teach/runs/{run}/modules/{module}/items"),
                &[("kind", item.kind), ("title", item.title)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let item_page = r.location();
        let mut fields = vec![("title", item.title)];
        if let Some(b) = item.body {
            fields.push(("body", b));
        }
        if item.published {
            fields.push(("published", "true"));
        }
        let r = root.submit(&item_page, &item_page, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        items.push(item_page.rsplit('/').next().unwrap().to_owned());
    }
    BuiltCourse { run, items }
}

/// The text between the first `start` and the next `end`, failing when either is missing.
pub(crate) fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let i = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in:\n{text}"))
        + start.len();
    let rest = &text[i..];
    &rest[..rest.find(end).unwrap()]
}

const BOUNDARY: &str = "----amphi-test-boundary-7MA4YWxkTrZu0gW";

/// A multipart/form-data body (content type, bytes): fields in the order given, then the file
/// part (file name, content type, bytes) if any, under the name `file`.
pub(crate) fn multipart(
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> (String, Vec<u8>) {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, ct, bytes)) = file {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), b)
}
