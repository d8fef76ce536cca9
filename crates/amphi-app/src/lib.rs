//! Amphi use cases. Each public function is one thing a person or a job does: it checks the
//! permission policy, opens one transaction, applies core rules, calls repositories, records
//! audit events and enqueues jobs. The UI, the API, the CLI and the worker all call these.

pub mod accounts;
pub mod api_tokens;
pub mod assessment;
pub mod audit;
pub mod branding;
mod caller;
pub mod certificates;
pub mod config;
pub mod courses;
pub mod files;
pub mod first_run;
pub mod housekeeping;
pub mod i18n;
pub mod jobs;
pub mod localise;
pub mod lti;
pub mod mail;
pub mod mailer;
mod memo;
pub mod mfa;
pub mod onboarding;
pub mod ops;
pub mod packages;
pub mod rate_limit;
pub mod rights;
mod sealed;
pub mod sessions;
pub mod setup;
pub mod sso;
pub mod tenants;
pub mod users;
pub mod xapi;

use amphi_core::{Clock, Error, Result};
use amphi_db::Db;
use std::sync::Arc;

pub use caller::Caller;
pub use config::Config;

/// Everything a use case needs: the database, configuration, the clock and the platform secret.
/// Cloning it is one reference count: every request clones it several times (the state of
/// each middleware layer, the request context, work sent to the write path), and a copy of
/// its fields cost fifteen atomic counts up and as many down, 2 % of the server's time in the
/// course home benchmark (`perf`).
#[derive(Debug, Clone)]
pub struct App(Arc<AppParts>);

impl std::ops::Deref for App {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// What an [`App`] holds.
#[derive(Debug)]
pub struct AppParts {
    /// The database.
    pub db: Db,
    /// Configuration (validated).
    pub config: Arc<Config>,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    secret: Arc<Vec<u8>>,
    /// Tenant lookups by host, cached for a few seconds.
    pub tenant_cache: Arc<tenants::TenantCache>,
    /// Run structures (modules and items), keyed by run and its last change.
    pub structure_cache: Arc<courses::learn::StructureCache>,
    /// Gradebook schemes, keyed by run and its last change.
    pub scheme_cache: Arc<assessment::gradebook::scheme::SchemeCache>,
    /// Where uploaded files live (built from `[storage]` on first use).
    pub storage: Arc<files::Storage>,
    /// Who is on a course team, as this node last read it (the menu's "Teaching").
    pub team_cache: Arc<rights::TeamCache>,
    /// The LRS's clients and activity definitions, as this node last read them.
    pub xapi_cache: Arc<xapi::cache::LrsCache>,
}

impl App {
    /// Builds the application over a migrated database. The platform secret (for CSRF tokens
    /// and signed values) lives in the database so that every node shares it.
    pub async fn new(db: Db, config: Config, clock: Arc<dyn Clock>) -> Result<Self> {
        let fresh = amphi_auth::token::random_hex(32);
        let secret =
            amphi_db::repo::settings::get_or_init(db.writer(), "platform_secret", &fresh).await?;
        let secret = hex::decode(secret)
            .map_err(|_| Error::Internal("platform_secret is not hex".into()))?;
        let storage = Arc::new(files::Storage::new(&config.storage));
        Ok(Self(Arc::new(AppParts {
            db,
            config: Arc::new(config),
            clock,
            secret: Arc::new(secret),
            tenant_cache: Arc::new(tenants::TenantCache::default()),
            structure_cache: Arc::new(courses::learn::StructureCache::default()),
            scheme_cache: Arc::new(assessment::gradebook::scheme::SchemeCache::default()),
            storage,
            team_cache: Arc::default(),
            xapi_cache: Arc::default(),
        })))
    }

    /// Current time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Runs a write (a transaction, or a statement or two) on the database's write path
    /// ([`Db::write`]: on SQLite, the write thread), with a clone of the app it can own. Only
    /// the writing goes there: what can be read or computed before should be, outside `work`.
    pub async fn write<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnOnce(App) -> Fut,
        Fut: std::future::Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.db.write(work(self.clone())).await
    }

    /// The platform secret (HMAC key).
    pub fn secret(&self) -> &[u8] {
        &self.secret
    }
}

/// Facts about the request a use case runs for: where it came from, for audit and links.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// Client address.
    pub ip: Option<String>,
    /// Browser, truncated.
    pub user_agent: Option<String>,
    /// `scheme://host` of the tenant site the request came to, for links in mails.
    pub base_url: String,
}

impl RequestMeta {
    /// Metadata for the command line and jobs.
    pub fn cli(base_url: &str) -> Self {
        Self {
            ip: None,
            user_agent: Some("amphi-cli".into()),
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }
}

/// Password hashes computed at once: one per core. Each Argon2 hash takes 19 MiB and a core for
/// tens of milliseconds; without a bound, a burst of sign-ins starts one blocking thread and one
/// 19 MiB buffer per request (1.2 GB for 64 at once, measured by the scale benchmark) and gets
/// no more throughput. Waiting is fair (first come, first served).
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    })
}

/// Runs CPU-heavy work (password hashing) off the async threads, at most one per core at a
/// time.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let _permit = hashing_permits().acquire().await.map_err(Error::internal)?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(Error::internal)
}
