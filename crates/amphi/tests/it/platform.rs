//! Tenants and hosts, operations endpoints, security headers, static files, template overrides,
//! configuration and migrations.

use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn unknown_hosts_get_a_clear_404() {
    let t = TestApp::new().await;
    for host in ["evil.test", "127.0.0.1.evil.test", "bad host", ""] {
        let r = t.client_on(host).get("/").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{host:?}");
        assert!(r.text.contains("No site is configured for this address"));
    }
    // The port is optional on a known host.
    assert_eq!(
        t.client_on("localhost").get("/").await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.client_on("LOCALHOST:9999").get("/").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn platform_admin_creates_a_branded_tenant() {
    let t = TestApp::with_config(|c| c.server.base_domain = Some("amphi.test".into())).await;
    let mut root = t.platform_admin().await;
    let r = root
        .submit(
            "/admin/tenants/new",
            "/admin/tenants/new",
            &[
                ("slug", "acme"),
                ("name", "Acme Academy"),
                ("hosts", "learn.acme.test\nACADEMY.acme.test"),
                ("default_locale", "fr"),
                ("signup_policy", "domains"),
                ("signup_domains", "acme.test"),
                ("primary_colour", "#FDE047"),
                ("footer_text", "© Acme"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    for host in [
        "learn.acme.test",
        "academy.acme.test:443",
        "acme.amphi.test",
    ] {
        let mut c = t.client_on(host);
        let home = c.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "{host}");
        assert!(home.text.contains("Acme Academy"), "{host}");
        assert!(home.text.contains("© Acme"));
        assert!(
            home.text.contains("<html lang=\"fr\""),
            "tenant default language"
        );
        let css = c.get("/theme.css").await;
        assert!(css.text.contains("--brand: #fde047"));
        assert!(
            css.text.contains("--brand-contrast: #000000"),
            "readable text on a light brand"
        );
    }
    assert_eq!(
        t.client_on("nope.amphi.test").get("/").await.status,
        StatusCode::NOT_FOUND
    );

    // Bad input: a taken slug, a taken host, invalid values — 422 and nothing created.
    let r = root
        .submit(
            "/admin/tenants/new",
            "/admin/tenants/new",
            &[("slug", "acme"), ("name", "Again"), ("hosts", "other.test")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("already used by another site"));
    let r = root
        .submit(
            "/admin/tenants/new",
            "/admin/tenants/new",
            &[
                ("slug", "globex"),
                ("name", "Globex"),
                ("hosts", "learn.acme.test"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("host names is already used"));
    assert_eq!(
        t.client_on("globex.amphi.test").get("/").await.status,
        StatusCode::NOT_FOUND,
        "nothing half-created"
    );
    let r = root
        .submit(
            "/admin/tenants/new",
            "/admin/tenants/new",
            &[
                ("slug", "Bad Slug"),
                ("name", ""),
                ("hosts", "not_a_host!"),
                ("primary_colour", "red"),
                ("signup_policy", "maybe"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "lower-case letters",
        "This field is required.",
        "host names such as",
        "colour such as",
        "Choose one of the options.",
    ] {
        assert!(r.text.contains(msg), "{msg}");
    }
    let list = root.get("/admin/tenants").await;
    assert!(list.text.contains("Acme Academy"));
    assert!(!list.text.contains("Globex") && !list.text.contains("Again"));
}

#[tokio::test]
async fn inactive_tenants_answer_nothing() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let token = root.create_token(&["read", "write", "admin"], "1").await;
    let r = root
        .api(
            Method::POST,
            "/api/v1/tenants",
            &token,
            Some(json!({"slug": "old", "name": "Old", "hosts": ["old.test"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        t.client_on("old.test").get("/").await.status,
        StatusCode::OK
    );
    let r = root
        .api(
            Method::PATCH,
            &format!("/api/v1/tenants/{id}"),
            &token,
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        t.client_on("old.test").get("/").await.status,
        StatusCode::NOT_FOUND
    );
    // The default tenant cannot be switched off.
    let tenants = root
        .api(Method::GET, "/api/v1/tenants", &token, None)
        .await
        .json();
    let default_id = tenants["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["is_default"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = root
        .api(
            Method::PATCH,
            &format!("/api/v1/tenants/{default_id}"),
            &token,
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = root
        .api(
            Method::PATCH,
            &format!("/api/v1/tenants/{default_id}"),
            &token,
            Some(json!({"primary_colour": "blue"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"]["fields"]["primary_colour"]["code"],
        "colour_invalid"
    );
}

#[tokio::test]
async fn tenant_admins_edit_branding_but_not_hosts() {
    let t = TestApp::new().await;
    let mut root = t.platform_admin().await;
    let mut ada = t.member("ada@example.test", "Ada").await;
    let token = root.create_token(&["read", "write", "admin"], "1").await;
    let users = root
        .api(Method::GET, "/api/v1/users?q=ada", &token, None)
        .await
        .json();
    let ada_id = users["items"][0]["id"].as_str().unwrap().to_owned();
    root.api(
        Method::PATCH,
        &format!("/api/v1/users/{ada_id}"),
        &token,
        Some(json!({"is_tenant_admin": true})),
    )
    .await;

    let r = ada
        .submit(
            "/admin/site",
            "/admin/site",
            &[
                ("name", "Ada's School"),
                ("primary_colour", "#0f766e"),
                ("signup_policy", "open"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(t.client().get("/").await.text.contains("Ada&#x27;s School"));
    let ada_token = ada.create_token(&["read", "write", "admin"], "1").await;
    let me = ada
        .api(Method::GET, "/api/v1/users/self", &ada_token, None)
        .await
        .json();
    let tenant_id = me["tenant_id"].as_str().unwrap().to_owned();
    let r = ada
        .api(
            Method::PATCH,
            &format!("/api/v1/tenants/{tenant_id}"),
            &ada_token,
            Some(json!({"hosts": ["mine.test"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        ada.api(Method::GET, "/api/v1/tenants", &ada_token, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        ada.api(
            Method::POST,
            "/api/v1/tenants",
            &ada_token,
            Some(json!({"slug": "x", "name": "X"}))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn operations_endpoints_and_headers() {
    let t = TestApp::new().await;
    let mut c = t.client();
    assert_eq!(c.get("/healthz").await.text, "ok");
    let r = c.get("/readyz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text, "ready");
    c.get("/").await;
    let m = c.get("/metrics").await;
    assert!(m.text.contains("amphi_http_requests_total"), "{}", m.text);
    assert!(m.text.contains("route=\"/\""));
    assert!(m.text.contains("amphi_jobs_queue_depth"));
    assert!(m.text.contains("amphi_db_pool_connections"));

    let page = c.get("/signin").await;
    let h = |n: &str| {
        page.headers
            .get(n)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
    assert!(h("content-security-policy").contains("script-src 'self'"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "strict-origin-when-cross-origin");
    assert!(!h("x-request-id").is_empty());
    assert!(
        page.headers.get("strict-transport-security").is_none(),
        "no HSTS on plain http"
    );

    let css = c.get("/static/amphi.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css
        .headers
        .get("cache-control")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("immutable"));
    let etag = css
        .headers
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    c.headers.push(("if-none-match".into(), etag));
    assert_eq!(
        c.get("/static/amphi.css").await.status,
        StatusCode::NOT_MODIFIED
    );
    c.headers.pop();
    assert_eq!(
        c.get("/static/htmx-2.0.4.min.js").await.status,
        StatusCode::OK
    );
    assert_eq!(
        c.get("/static/../Cargo.toml").await.status,
        StatusCode::NOT_FOUND
    );

    let nf = c.get("/no/such/page").await;
    assert_eq!(nf.status, StatusCode::NOT_FOUND);
    assert!(nf.text.contains("does not exist"));
}

#[tokio::test]
async fn metrics_can_require_a_token() {
    let t = TestApp::with_config(|c| c.server.metrics_token = Some("s3cret-metrics".into())).await;
    let mut c = t.client();
    assert_eq!(c.get("/metrics").await.status, StatusCode::UNAUTHORIZED);
    c.headers
        .push(("authorization".into(), "Bearer wrong".into()));
    assert_eq!(c.get("/metrics").await.status, StatusCode::UNAUTHORIZED);
    c.headers.pop();
    c.headers
        .push(("authorization".into(), "Bearer s3cret-metrics".into()));
    assert_eq!(c.get("/metrics").await.status, StatusCode::OK);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let t = TestApp::with_config(|c| c.server.body_limit_bytes = 4096).await;
    let mut c = t.client();
    let csrf = c.get("/signup").await.csrf();
    let big = "x".repeat(10_000);
    let r = c
        .post_raw(
            "/signup",
            &[
                ("csrf", &csrf),
                ("email", "a@example.test"),
                ("name", &big),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    t.run_jobs().await;
    assert!(t.mails().is_empty());
}

#[tokio::test]
async fn templates_can_be_overridden_per_platform_and_per_tenant() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("welcome.html"),
        "{% extends \"layout.html\" %}{% block content %}<h1>Platform welcome</h1>{% endblock %}",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("tenants/acme")).unwrap();
    std::fs::write(
        dir.path().join("tenants/acme/welcome.html"),
        "{% extends \"layout.html\" %}{% block content %}<h1>Acme welcome</h1>{% endblock %}",
    )
    .unwrap();
    let d = dir.path().display().to_string();
    let t = TestApp::with_config(move |c| c.web.templates_dir = Some(d)).await;
    assert!(t.client().get("/").await.text.contains("Platform welcome"));
    let mut root = t.platform_admin().await;
    let token = root.create_token(&["admin"], "1").await;
    root.api(
        Method::POST,
        "/api/v1/tenants",
        &token,
        Some(json!({"slug": "acme", "name": "Acme", "hosts": ["acme.test"]})),
    )
    .await;
    let home = t.client_on("acme.test").get("/").await;
    assert!(home.text.contains("Acme welcome"), "{}", home.text);
    assert!(
        home.text.contains("Skip to content"),
        "the built-in layout still applies"
    );
}

#[tokio::test]
async fn migrations_go_down_and_up_again_and_newer_schemas_are_refused() {
    use amphi_db::migration::Migrator;
    use amphi_db::SchemaStatus;
    use sea_orm::{ConnectionTrait, Statement};
    use sea_orm_migration::MigratorTrait;
    let tdb = amphi_db::testing::TestDb::new().await;
    let db = &tdb.db;
    assert_eq!(db.schema_status().await.unwrap(), SchemaStatus::Current);
    Migrator::down(db.writer(), None).await.unwrap();
    assert!(matches!(
        db.schema_status().await.unwrap(),
        SchemaStatus::Pending(_)
    ));
    db.migrate().await.unwrap();
    assert_eq!(db.schema_status().await.unwrap(), SchemaStatus::Current);
    assert_eq!(db.migrate().await.unwrap(), 0, "idempotent");

    db.writer()
        .execute(Statement::from_string(
            db.backend(),
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_from_the_future', 0)",
        ))
        .await
        .unwrap();
    assert!(matches!(
        db.schema_status().await.unwrap(),
        SchemaStatus::NewerThanBinary(_)
    ));
    let err = db.migrate().await.unwrap_err().to_string();
    assert!(err.contains("newer than this amphi binary"), "{err}");
}

#[test]
fn configuration_refuses_unknown_keys_and_names_bad_values() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("amphi.toml");
    std::fs::write(
        &p,
        "[server]\nlisten = \"127.0.0.1:9000\"\nlistne = \"typo\"\n",
    )
    .unwrap();
    let e = format!("{:#}", amphi::config::load(Some(&p)).unwrap_err());
    assert!(e.contains("listne"), "{e}");
    std::fs::write(&p, "[server]\npublic_url = \"ftp://x\"\n").unwrap();
    let e = format!("{:#}", amphi::config::load(Some(&p)).unwrap_err());
    assert!(e.contains("server.public_url"), "{e}");
    std::fs::write(&p, "[security]\nsession_idle_minutes = \"soon\"\n").unwrap();
    let e = format!("{:#}", amphi::config::load(Some(&p)).unwrap_err());
    assert!(e.contains("session_idle_minutes"), "{e}");
    std::fs::write(
        &p,
        "[server]\nlisten = \"127.0.0.1:9000\"\n[mail]\nfrom = \"Acme <learn@acme.test>\"\n",
    )
    .unwrap();
    let cfg = amphi::config::load(Some(&p)).unwrap();
    assert_eq!(cfg.server.listen, "127.0.0.1:9000");
    assert_eq!(
        cfg.server.public_url, "http://127.0.0.1:9000",
        "links follow the listen address when no public URL is set"
    );
    assert_eq!(
        cfg.database.url, "sqlite://amphi-data/amphi.db?mode=rwc",
        "defaults fill the rest"
    );
    std::fs::write(&p, "[server]\nlisten = \"0.0.0.0:9001\"\n").unwrap();
    let cfg = amphi::config::load(Some(&p)).unwrap();
    assert_eq!(cfg.server.public_url, "http://127.0.0.1:9001");
    std::fs::write(
        &p,
        "[server]\nlisten = \"0.0.0.0:9001\"\npublic_url = \"https://learn.example.com\"\n",
    )
    .unwrap();
    let cfg = amphi::config::load(Some(&p)).unwrap();
    assert_eq!(
        cfg.server.public_url, "https://learn.example.com",
        "a set URL is kept"
    );
    let missing = dir.path().join("nope.toml");
    assert!(amphi::config::load(Some(&missing)).is_err());
}

#[test]
fn every_template_key_is_translated_in_both_languages() {
    use amphi_core::validate::Locale;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut keys = std::collections::BTreeSet::new();
    let mut scan = |text: &str| {
        for (i, _) in text.match_indices("t(\"") {
            // `t(` itself, not the end of another name such as `BadRequest(`.
            if i > 0
                && text[..i]
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            let rest = &text[i + 3..];
            if let Some(end) = rest.find('"') {
                let k = &rest[..end];
                if !k.is_empty()
                    && k.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                    })
                    && !k.ends_with('-')
                {
                    keys.insert(k.to_owned());
                }
            }
        }
        for (i, _) in text.match_indices("\"flash-") {
            let rest = &text[i + 1..];
            if let Some(end) = rest.find('"') {
                if !rest[..end].ends_with('-') {
                    keys.insert(rest[..end].to_owned());
                }
            }
        }
    };
    fn walk(d: &std::path::Path, f: &mut dyn FnMut(&str)) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, f);
            } else if p.extension().is_some_and(|x| x == "html" || x == "rs") {
                f(&std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    walk(&root.join("templates"), &mut scan);
    walk(&root.join("crates/amphi-web/src"), &mut scan);
    assert!(keys.len() > 100, "scanned {} keys", keys.len());
    for k in &keys {
        for l in Locale::ALL {
            assert!(amphi_app::i18n::has(l, k), "missing {k} in {}", l.tag());
        }
    }
    // Error codes: see the tests in amphi-app `i18n`, over `amphi_core::codes`.
}

/// A probe table for the write-path tests (same SQL on both databases).
async fn probe_table(db: &amphi_db::Db) {
    use sea_orm::{ConnectionTrait, Statement};
    db.writer()
        .execute(Statement::from_string(
            db.backend(),
            "CREATE TABLE write_probe (id BIGINT PRIMARY KEY, body TEXT NOT NULL)",
        ))
        .await
        .unwrap();
}

async fn probe_rows(db: &amphi_db::Db) -> i64 {
    count_of(db.reader(), "SELECT COUNT(*) AS n FROM write_probe").await
}

#[tokio::test]
async fn a_write_whose_caller_goes_away_is_done_whole_or_not_at_all() {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    let tdb = amphi_db::testing::TestDb::new().await;
    let db = tdb.db.clone();
    probe_table(&db).await;
    // A transaction of two inserts with a pause between them; the caller stops waiting during
    // the pause (a client that hangs up).
    let w = db.clone();
    let slow = db.write(async move {
        let txn = w.writer().begin().await.map_err(amphi_db::db_err)?;
        for id in [1, 2] {
            txn.execute(Statement::from_string(
                w.backend(),
                format!("INSERT INTO write_probe (id, body) VALUES ({id}, 'x')"),
            ))
            .await
            .map_err(amphi_db::db_err)?;
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        txn.commit().await.map_err(amphi_db::db_err)?;
        Ok(())
    });
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(100), slow)
            .await
            .is_err(),
        "the caller gave up first"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let n = probe_rows(&db).await;
    match db.backend() {
        // SQLite runs writes on its write thread: the write goes on to its commit.
        sea_orm::DbBackend::Sqlite => assert_eq!(n, 2, "the write was finished"),
        // PostgreSQL runs them in place: dropped with the request, rolled back.
        _ => assert_eq!(n, 0, "the write was rolled back"),
    }
    // The write path is free again for the next write.
    let w = db.clone();
    db.write(async move {
        w.writer()
            .execute(Statement::from_string(
                w.backend(),
                "INSERT INTO write_probe (id, body) VALUES (3, 'y')",
            ))
            .await
            .map_err(amphi_db::db_err)?;
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(probe_rows(&db).await, n + 1);
}

#[tokio::test]
async fn sqlite_commits_reach_the_database_file_without_the_writer_copying_them() {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    let tdb = amphi_db::testing::TestDb::new().await;
    if tdb.db.backend() != sea_orm::DbBackend::Sqlite {
        return; // PostgreSQL has no write-ahead log of ours to checkpoint.
    }
    let path = tdb
        .url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let db = tdb.db.clone();
    probe_table(&db).await;
    // Let the background checkpoint catch up with the migrations, then measure.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let before = std::fs::metadata(&path).unwrap().len();
    // About 4 MiB in one commit: 1,000 pages of log, far below the writer's own automatic
    // checkpoint (10,000 pages), so only the background checkpoint copies them.
    let w = db.clone();
    db.write(async move {
        let txn = w.writer().begin().await.map_err(amphi_db::db_err)?;
        for id in 0..400 {
            txn.execute(Statement::from_sql_and_values(
                w.backend(),
                "INSERT INTO write_probe (id, body) VALUES (?, ?)",
                [id.into(), "z".repeat(10_000).into()],
            ))
            .await
            .map_err(amphi_db::db_err)?;
        }
        txn.commit().await.map_err(amphi_db::db_err)?;
        Ok(())
    })
    .await
    .unwrap();
    let mut grown = 0;
    for _ in 0..50 {
        grown = std::fs::metadata(&path)
            .unwrap()
            .len()
            .saturating_sub(before);
        if grown >= 4_000_000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        grown >= 4_000_000,
        "the database file grew by {grown} bytes within 5 s of the commit"
    );
    assert_eq!(probe_rows(&db).await, 400);
}

/// One number read through `db.reader()`, or the database's error.
async fn read_n(db: &amphi_db::Db, sql: &str) -> Result<i64, sea_orm::DbErr> {
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .reader()
        .query_one(Statement::from_string(db.backend(), sql))
        .await?
        .expect("one row");
    row.try_get::<i64>("", "n")
}

#[tokio::test]
async fn a_read_whose_caller_goes_away_leaves_its_connection_sound() {
    let tdb = amphi_db::testing::TestDb::new().await;
    // One connection for reads, so that the next read takes the same one.
    let mut opts = amphi_db::DbOptions::new(tdb.url.clone());
    opts.max_connections = 1;
    let db = amphi_db::Db::connect(&opts).await.unwrap();
    let slow = match db.backend() {
        sea_orm::DbBackend::Postgres => "SELECT 41::bigint AS n FROM (SELECT pg_sleep(0.4)) AS s",
        _ => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) \
             SELECT 41 + 0 * COUNT(*) AS n FROM c"
        }
    };
    // The caller stops waiting while the statement runs (a client that hangs up).
    let gave_up =
        tokio::time::timeout(std::time::Duration::from_millis(50), read_n(&db, slow)).await;
    assert!(gave_up.is_err(), "the caller gave up first");
    // The next read on that connection gets its own answer, not the abandoned one's.
    assert_eq!(
        read_n(&db, "SELECT CAST(42 AS BIGINT) AS n").await.unwrap(),
        42
    );
    assert_eq!(
        read_n(&db, "SELECT CAST(43 AS BIGINT) AS n").await.unwrap(),
        43
    );
    if db.backend() == sea_orm::DbBackend::Postgres {
        // A connection the server ends fails one read at most, then is replaced.
        let pid = read_n(&db, "SELECT pg_backend_pid()::bigint AS n")
            .await
            .unwrap();
        count_of(
            tdb.db.writer(),
            &format!("SELECT COUNT(*) AS n FROM (SELECT pg_terminate_backend({pid})) AS t"),
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let first = read_n(&db, "SELECT CAST(44 AS BIGINT) AS n").await;
        if let Ok(n) = first {
            assert_eq!(n, 44);
        }
        assert_eq!(
            read_n(&db, "SELECT CAST(45 AS BIGINT) AS n").await.unwrap(),
            45
        );
        let new_pid = read_n(&db, "SELECT pg_backend_pid()::bigint AS n")
            .await
            .unwrap();
        assert_ne!(new_pid, pid, "a new connection");
    }
    db.close().await;
}
