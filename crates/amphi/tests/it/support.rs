//! The integration-test harness: a fresh database per test (SQLite, or PostgreSQL when
//! AMPHI_TEST_DATABASE_URL is set), the real router driven in process, a cookie-keeping client
//! that reads CSRF tokens from pages like a browser, and the real worker delivering mail to a
//! temporary outbox.

use amphi_app::{App, Config};
use amphi_core::FixedClock;
use amphi_db::testing::TestDb;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

/// The default tenant's host in tests.
pub const HOST: &str = "127.0.0.1:8080";

pub struct TestApp {
    pub app: App,
    pub clock: FixedClock,
    pub outbox: tempfile::TempDir,
    _files: tempfile::TempDir,
    router: Router,
    /// The Host of the default tenant's clients.
    host: String,
    /// The server task when the app listens on a port ([`TestApp::listening`]).
    server: Option<tokio::task::JoinHandle<()>>,
    _db: TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = &self.server {
            s.abort();
        }
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(f: impl FnOnce(&mut Config)) -> TestApp {
        // Server-side errors show in the output of a failing test.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("warn,amphi=info")
            .try_init();
        let tdb = TestDb::new().await;
        let outbox = tempfile::tempdir().unwrap();
        // Stored files (certificates, uploads) go to a folder of this test, never the tree.
        let files = tempfile::tempdir().unwrap();
        let mut cfg = Config::default();
        cfg.mail.outbox_dir = outbox.path().display().to_string();
        cfg.storage.local_dir = files.path().display().to_string();
        f(&mut cfg);
        cfg.validate().expect("test config is valid");
        let clock = FixedClock::new(chrono::Utc::now());
        let app = App::new(tdb.db.clone(), cfg, Arc::new(clock.clone()))
            .await
            .unwrap();
        amphi_app::tenants::ensure_default(&app).await.unwrap();
        let router = amphi_web::router(amphi_web::WebState::new(app.clone()))
            .layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 10], 5555))));
        TestApp {
            app,
            clock,
            outbox,
            _files: files,
            router,
            host: HOST.into(),
            server: None,
            _db: tdb,
        }
    }

    /// The app also served on a loopback port (for peers that call it, such as an LTI tool),
    /// its public URL `http://127.0.0.1:PORT`: every client of this app uses that host.
    pub async fn listening() -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let host = format!("127.0.0.1:{}", addr.port());
        let url = format!("http://{host}");
        let mut t = Self::with_config(|c| c.server.public_url = url).await;
        t.host = host;
        let service = t
            .router
            .clone()
            .into_make_service_with_connect_info::<SocketAddr>();
        t.server = Some(tokio::spawn(async move {
            let _ = axum::serve(listener, service).await;
        }));
        t
    }

    /// `http://HOST` of the default tenant.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.host)
    }

    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            host: self.host.clone(),
            cookies: BTreeMap::new(),
            headers: vec![],
        }
    }

    /// A client of the content origin (packages), which has no cookies and no session.
    pub fn content_client(&self) -> Client {
        Client {
            router: amphi_web::content::router(amphi_web::WebState::new(self.app.clone())),
            host: "localhost:8081".into(),
            cookies: BTreeMap::new(),
            headers: vec![],
        }
    }

    /// A client of a second node over the same database: another `App` with caches of its
    /// own, holding `from`'s cookies and headers (its session).
    pub async fn other_node(&self, from: &Client) -> Client {
        let app = App::new(
            self.app.db.clone(),
            Config::clone(&self.app.config),
            Arc::new(self.clock.clone()),
        )
        .await
        .unwrap();
        Client {
            router: amphi_web::router(amphi_web::WebState::new(app))
                .layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 11], 5555)))),
            host: from.host.clone(),
            cookies: from.cookies.clone(),
            headers: from.headers.clone(),
        }
    }

    pub fn client_on(&self, host: &str) -> Client {
        Client {
            router: self.router.clone(),
            host: host.into(),
            cookies: BTreeMap::new(),
            headers: vec![],
        }
    }

    /// Runs every due job (mail delivery) with the real worker.
    pub async fn run_jobs(&self) -> usize {
        amphi_jobs::Worker::new(self.app.clone())
            .unwrap()
            .run_due()
            .await
            .unwrap()
    }

    /// All delivered messages as raw text, oldest first.
    pub fn mails(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.outbox.path())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    /// Delivers pending mail and returns the newest message to `to`.
    pub async fn last_mail_to(&self, to: &str) -> String {
        self.run_jobs().await;
        self.mails()
            .into_iter()
            .rev()
            .find(|m| {
                m.lines()
                    .any(|l| l.eq_ignore_ascii_case(&format!("To: {to}")))
            })
            .unwrap_or_else(|| panic!("no mail to {to}"))
    }

    /// Signs up, verifies and signs in a member of the default tenant; returns the client.
    pub async fn member(&self, email: &str, name: &str) -> Client {
        let mut c = self.client();
        c.sign_up(email, name, PASSWORD).await;
        let link = link_in(&self.last_mail_to(email).await, "/verify-email?token=");
        c.verify(&link).await;
        let r = c.sign_in(email, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        c
    }

    /// Creates a platform administrator from the command-line use case and signs in.
    pub async fn platform_admin(&self) -> Client {
        amphi_app::setup::create_user_cli(
            &self.app,
            amphi_app::setup::CliUser {
                tenant_slug: None,
                email: "root@example.test".into(),
                name: "Root Admin".into(),
                platform_admin: true,
                tenant_admin: true,
                password: Some(PASSWORD.into()),
            },
        )
        .await
        .unwrap();
        let mut c = self.client();
        let r = c.sign_in("root@example.test", PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        c
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// Finds the first URL containing `marker` in a text.
pub fn link_in(text: &str, marker: &str) -> String {
    text.split_whitespace()
        .find(|w| w.contains(marker))
        .map(|w| w.trim_end_matches(['.', ',', '>']).to_owned())
        .unwrap_or_else(|| panic!("no link with {marker} in:\n{text}"))
}

/// The path and query of a URL.
pub fn path_of(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    match u.query() {
        Some(q) => format!("{}?{}", u.path(), q),
        None => u.path().to_owned(),
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let i = self
            .text
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no csrf field in:\n{}", self.text));
        let rest = &self.text[i + 19..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

#[derive(Clone)]
pub struct Client {
    router: Router,
    pub host: String,
    pub cookies: BTreeMap<String, String>,
    pub headers: Vec<(String, String)>,
}

impl Client {
    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.host);
        if !self.cookies.is_empty() {
            let c = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            b = b.header(header::COOKIE, c);
        }
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        for (k, v) in &self.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let resp = self
            .router
            .clone()
            .oneshot(b.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        for sc in headers.get_all(header::SET_COOKIE) {
            let s = sc.to_str().unwrap();
            let (kv, attrs) = s.split_once(';').unwrap_or((s, ""));
            let (k, v) = kv.split_once('=').unwrap();
            let removed = attrs.to_ascii_lowercase().contains("max-age=0") || v.is_empty();
            if removed {
                self.cookies.remove(k.trim());
            } else {
                self.cookies
                    .insert(k.trim().to_owned(), v.trim().to_owned());
            }
        }
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.request(Method::GET, path, None, vec![]).await
    }

    /// Posts a form exactly as given (no CSRF added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.request(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    /// Loads `page` like a browser, then posts the form to `action` with its CSRF token.
    pub async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let p = self.get(page).await;
        assert!(p.status.is_success(), "GET {page}: {} {}", p.status, p.text);
        let csrf = p.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(action, &all).await
    }

    pub async fn api(
        &mut self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> Resp {
        let saved = std::mem::take(&mut self.cookies);
        self.headers
            .push(("authorization".into(), format!("Bearer {token}")));
        let r = match body {
            Some(b) => {
                self.request(
                    method,
                    path,
                    Some("application/json"),
                    serde_json::to_vec(&b).unwrap(),
                )
                .await
            }
            None => self.request(method, path, None, vec![]).await,
        };
        self.headers.pop();
        self.cookies = saved;
        r
    }

    pub async fn sign_up(&mut self, email: &str, name: &str, password: &str) -> Resp {
        self.submit(
            "/signup",
            "/signup",
            &[("email", email), ("name", name), ("password", password)],
        )
        .await
    }

    pub async fn verify(&mut self, link: &str) -> Resp {
        let path = path_of(link);
        let token = path.split("token=").nth(1).unwrap().to_owned();
        self.submit(&path, "/verify-email", &[("token", &token)])
            .await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Resp {
        self.submit(
            "/signin",
            "/signin",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Creates an API token through the account page and returns its secret.
    pub async fn create_token(&mut self, scopes: &[&str], days: &str) -> String {
        let mut fields: Vec<(&str, &str)> = vec![("name", "test token"), ("expires_in_days", days)];
        for s in scopes {
            fields.push(("scopes", s));
        }
        let r = self
            .submit("/account/tokens", "/account/tokens", &fields)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let i = r.text.find("amphi_pat_").expect("token shown");
        r.text[i..i + 10 + 64].to_owned()
    }
}

/// The single count a `SELECT COUNT(*) AS n …` query returns.
pub async fn count_of(db: &impl sea_orm::ConnectionTrait, sql: &str) -> i64 {
    db.query_one(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql,
    ))
    .await
    .unwrap()
    .expect("a COUNT(*) query returns one row")
    .try_get::<i64>("", "n")
    .unwrap()
}
