//! The test database harness: each test gets a fresh, migrated database. SQLite by default (a
//! file in a temporary folder); PostgreSQL when `AMPHI_TEST_DATABASE_URL` is set, as a fresh
//! database cloned from a migrated template (made once per schema version, under an advisory
//! lock, so parallel test processes share it).

#![allow(clippy::expect_used, clippy::panic)]

use crate::{Db, DbOptions};
use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::{ConnectOptions, Connection, Executor, PgConnection};
use sha2::{Digest, Sha256};
use std::str::FromStr;

/// Source of every migration: the template's name hashes it, so editing a migration during
/// development never reuses a stale template.
const MIGRATION_SOURCES: &[&str] = &[
    include_str!("migration/m0001_foundation.rs"),
    include_str!("migration/m0002_courses.rs"),
    include_str!("migration/m0003_mfa.rs"),
    include_str!("migration/m0004_question_bank.rs"),
    include_str!("migration/m0005_assessment.rs"),
    include_str!("migration/m0006_certificates.rs"),
    include_str!("migration/m0007_identity.rs"),
    include_str!("migration/m0008_assignments_peer.rs"),
    include_str!("migration/m0009_sso_sessions.rs"),
    include_str!("migration/m0010_job_lanes.rs"),
    include_str!("migration/m0011_peer_assignment_index.rs"),
    include_str!("migration/m0012_lti.rs"),
    include_str!("migration/m0013_enrolments_run_order.rs"),
    include_str!("migration/m0014_packages.rs"),
    include_str!("migration/m0015_xapi.rs"),
    include_str!("migration/m0016_cmi5.rs"),
    include_str!("migration/m0017_xapi_speed.rs"),
    include_str!("migration/m0018_package_sequencing.rs"),
];

/// A fresh database for one test; dropped (on PostgreSQL) when the value is dropped.
pub struct TestDb {
    /// The connected database.
    pub db: Db,
    /// The URL, for tests that start a second process or pool on it.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl TestDb {
    /// Which backend tests run on.
    pub fn backend_name() -> &'static str {
        if std::env::var("AMPHI_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
            "postgres"
        } else {
            "sqlite"
        }
    }

    /// A fresh migrated database.
    pub async fn new() -> TestDb {
        match std::env::var("AMPHI_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => Self::postgres(&url).await,
            _ => Self::sqlite().await,
        }
    }

    async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("amphi.db").display()
        );
        let mut opts = DbOptions::new(url.clone());
        opts.max_connections = 4;
        let db = Db::connect(&opts).await.expect("open sqlite");
        db.migrate().await.expect("migrate sqlite");
        TestDb {
            db,
            url,
            _dir: Some(dir),
            pg_drop: None,
        }
    }

    async fn postgres(admin_url: &str) -> TestDb {
        let mut h = Sha256::new();
        for s in MIGRATION_SOURCES {
            h.update(s.as_bytes());
        }
        let template = format!("amphi_tpl_{}", &hex::encode(h.finalize())[..16]);
        let name = format!("amphi_t_{}", uuid::Uuid::new_v4().simple());
        let admin_opts = PgConnectOptions::from_str(admin_url)
            .expect("AMPHI_TEST_DATABASE_URL is not a PostgreSQL URL")
            .disable_statement_logging();
        let mut admin = PgConnection::connect_with(&admin_opts)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at AMPHI_TEST_DATABASE_URL: {e}"));
        admin
            .execute("SELECT pg_advisory_lock(727274)")
            .await
            .expect("advisory lock");
        let exists = admin
            .fetch_optional(
                sea_orm::sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
                    .bind(&template),
            )
            .await
            .expect("pg_database");
        if exists.is_none() {
            admin
                .execute(format!("CREATE DATABASE {template}").as_str())
                .await
                .expect("create template");
            let tpl_url = url_with_db(admin_url, &template);
            let mut o = DbOptions::new(tpl_url);
            o.max_connections = 1;
            let db = Db::connect(&o).await.expect("connect template");
            db.migrate().await.expect("migrate template");
            db.close().await;
        }
        admin
            .execute(format!("CREATE DATABASE {name} TEMPLATE {template}").as_str())
            .await
            .expect("clone template");
        admin
            .execute("SELECT pg_advisory_unlock(727274)")
            .await
            .expect("unlock");
        let _ = admin.close().await;
        let url = url_with_db(admin_url, &name);
        let mut opts = DbOptions::new(url.clone());
        opts.max_connections = 8;
        let db = Db::connect(&opts).await.expect("connect test database");
        TestDb {
            db,
            url,
            _dir: None,
            pg_drop: Some((admin_url.to_owned(), name)),
        }
    }
}

fn url_with_db(url: &str, db: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            u.set_path(&format!("/{db}"));
            u.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_drop.take() {
            // Drop runs outside async; use a short-lived runtime on its own thread.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    if let Ok(mut c) = PgConnection::connect(&admin_url).await {
                        let _ = c
                            .execute(
                                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                            )
                            .await;
                        let _ = c.close().await;
                    }
                });
            })
            .join();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_migration_is_hashed() {
        assert_eq!(
            super::MIGRATION_SOURCES.len(),
            crate::migration::known_migrations().len()
        );
    }
}
