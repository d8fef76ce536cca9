//! Typed configuration: defaults, then `amphi.toml`, then `AMPHI_*` environment variables
//! (merged by the binary). Unknown keys are refused; `validate` names the key that is wrong.

use serde::{Deserialize, Serialize};

/// All settings.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// HTTP server.
    pub server: ServerConfig,
    /// Database.
    pub database: DatabaseConfig,
    /// Outgoing mail.
    pub mail: MailConfig,
    /// Sessions and sign-in protection.
    pub security: SecurityConfig,
    /// Templates and static files.
    pub web: WebConfig,
    /// Background jobs.
    pub worker: WorkerConfig,
    /// Logging.
    pub log: LogConfig,
    /// Course content.
    pub content: ContentConfig,
    /// Where uploaded files live.
    pub storage: StorageConfig,
}

/// Uploaded files (course files, videos, subtitles): a local folder by default, or an
/// S3-compatible bucket.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    /// `local` or `s3`.
    pub backend: String,
    /// Folder for `local`.
    pub local_dir: String,
    /// Bucket for `s3`.
    pub s3_bucket: Option<String>,
    /// Region for `s3`.
    pub s3_region: Option<String>,
    /// Endpoint for S3-compatible services (MinIO, Garage, Scaleway…); unset for AWS.
    pub s3_endpoint: Option<String>,
    /// Access key for `s3`.
    pub s3_access_key_id: Option<String>,
    /// Secret key for `s3` (never logged).
    pub s3_secret_access_key: Option<String>,
    /// Largest upload, in bytes.
    pub max_upload_bytes: u64,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            backend: "local".into(),
            local_dir: "amphi-data/files".into(),
            s3_bucket: None,
            s3_region: None,
            s3_endpoint: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            max_upload_bytes: 500 * 1024 * 1024,
        }
    }
}

/// Course content settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContentConfig {
    /// PeerTube instances whose videos may be embedded (YouTube and Vimeo always may).
    pub peertube_hosts: Vec<String>,
    /// Address the content origin listens on: SCORM and cmi5 packages are served there, never
    /// on a tenant's own origin, so their scripts cannot reach Amphi's pages or cookies.
    pub package_listen: String,
    /// The URL browsers reach the content origin at: another host, such as
    /// `https://content.example.com`. Browsers share cookies between the ports of one host, so
    /// on a single node the default is another host name of the loopback (`localhost`, while
    /// the site is reached at `127.0.0.1`).
    pub package_url: String,
    /// Hours a launch of a package stays valid (its files and its run-time calls).
    pub package_session_hours: u32,
}

impl Default for ContentConfig {
    fn default() -> Self {
        Self {
            peertube_hosts: vec![],
            package_listen: "127.0.0.1:8081".into(),
            package_url: "http://localhost:8081".into(),
            package_session_hours: 4,
        }
    }
}

/// HTTP server settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: String,
    /// The URL people reach the default tenant at; its scheme decides whether cookies are Secure.
    pub public_url: String,
    /// Tenants are also reached at `<slug>.<base_domain>` when set (for example `learn.example.com`).
    pub base_domain: Option<String>,
    /// Extra host names the default tenant answers on.
    pub default_hosts: Vec<String>,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a load balancer in front.
    pub behind_proxy: bool,
    /// Seconds before a request is cut off with 408.
    pub request_timeout_secs: u64,
    /// Largest request body, in bytes (uploads have their own limit, `storage.max_upload_bytes`).
    pub body_limit_bytes: usize,
    /// Seconds an upload (file, CSV import) may take.
    pub upload_timeout_secs: u64,
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <this token>`.
    pub metrics_token: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            public_url: "http://127.0.0.1:8080".into(),
            base_domain: None,
            default_hosts: vec!["localhost".into(), "127.0.0.1".into()],
            behind_proxy: false,
            request_timeout_secs: 30,
            body_limit_bytes: 2 * 1024 * 1024,
            upload_timeout_secs: 3600,
            metrics_token: None,
        }
    }
}

/// Database settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://path?mode=rwc` (default, embedded) or `postgres://user@host/db`.
    pub url: String,
    /// Optional PostgreSQL replica for reads that tolerate lag.
    pub replica_url: Option<String>,
    /// Pool size; 0 means sized to the machine.
    pub max_connections: u32,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://amphi-data/amphi.db?mode=rwc".into(),
            replica_url: None,
            max_connections: 0,
        }
    }
}

/// Outgoing mail settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// Sender address, `Name <address>` or `address`.
    pub from: String,
    /// `smtp://user:pass@host:587` (STARTTLS) or `smtps://…:465`; unset: write to the outbox.
    pub smtp_url: Option<String>,
    /// Folder where messages go when no SMTP server is set.
    pub outbox_dir: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            from: "Amphi <no-reply@localhost.localdomain>".into(),
            smtp_url: None,
            outbox_dir: "amphi-data/outbox".into(),
        }
    }
}

/// Session lifetimes and sign-in limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// A session unused this long ends.
    pub session_idle_minutes: i64,
    /// A session ends this long after sign-in, however active.
    pub session_absolute_hours: i64,
    /// Failed sign-ins allowed per account per window.
    pub login_attempts_per_account: i64,
    /// Failed sign-ins allowed per client address per window.
    pub login_attempts_per_ip: i64,
    /// Length of the rate-limit window.
    pub login_window_minutes: i64,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            session_idle_minutes: 24 * 60,
            session_absolute_hours: 24 * 30,
            login_attempts_per_account: 5,
            login_attempts_per_ip: 50,
            login_window_minutes: 15,
        }
    }
}

/// Templates and files.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// Folder whose templates override the built-in ones (`<dir>/<name>`, and
    /// `<dir>/tenants/<slug>/<name>` for one tenant).
    pub templates_dir: Option<String>,
}

/// Background work.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerConfig {
    /// Run a worker inside `amphi serve` (turn off when separate `amphi worker` processes run).
    pub in_process: bool,
    /// How often an idle worker looks for jobs, in milliseconds.
    pub poll_interval_ms: u64,
    /// Jobs run at once per worker.
    pub concurrency: usize,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            in_process: true,
            poll_interval_ms: 500,
            concurrency: 4,
        }
    }
}

/// Logging.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// JSON lines instead of human-readable text.
    pub json: bool,
    /// Filter in `tracing` syntax (`info`, `amphi=debug,info`, …).
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            json: false,
            level: "info".into(),
        }
    }
}

impl Config {
    /// Checks values that types alone cannot; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        let u = url::Url::parse(&self.server.public_url)
            .map_err(|e| format!("server.public_url: not a URL ({e})"))?;
        if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
            return Err("server.public_url: must be an http:// or https:// URL with a host".into());
        }
        self.server
            .listen
            .parse::<std::net::SocketAddr>()
            .map_err(|_| {
                format!(
                    "server.listen: `{}` is not an address such as 127.0.0.1:8080",
                    self.server.listen
                )
            })?;
        if let Some(d) = &self.server.base_domain {
            amphi_core::validate::HostName::parse("server.base_domain", d)
                .map_err(|_| format!("server.base_domain: `{d}` is not a host name"))?;
        }
        for h in &self.server.default_hosts {
            amphi_core::validate::HostName::parse("server.default_hosts", h)
                .map_err(|_| format!("server.default_hosts: `{h}` is not a host name"))?;
        }
        let c = url::Url::parse(&self.content.package_url)
            .map_err(|e| format!("content.package_url: not a URL ({e})"))?;
        if !matches!(c.scheme(), "http" | "https") || c.host_str().is_none() {
            return Err(
                "content.package_url: must be an http:// or https:// URL with a host".into(),
            );
        }
        if c.origin() == u.origin() {
            return Err(
                "content.package_url: must be another origin than server.public_url (packages \
                 run their own scripts)"
                    .into(),
            );
        }
        self.content
            .package_listen
            .parse::<std::net::SocketAddr>()
            .map_err(|_| {
                format!(
                    "content.package_listen: `{}` is not an address such as 127.0.0.1:8081",
                    self.content.package_listen
                )
            })?;
        if self.content.package_session_hours == 0 {
            return Err("content.package_session_hours: must be at least 1".into());
        }
        if self.server.request_timeout_secs == 0 {
            return Err("server.request_timeout_secs: must be at least 1".into());
        }
        if self.server.upload_timeout_secs == 0 {
            return Err("server.upload_timeout_secs: must be at least 1".into());
        }
        if self.server.body_limit_bytes < 1024 {
            return Err("server.body_limit_bytes: must be at least 1024".into());
        }
        let db = &self.database.url;
        if !(db.starts_with("sqlite:")
            || db.starts_with("postgres:")
            || db.starts_with("postgresql:"))
        {
            return Err("database.url: must start with sqlite: or postgres:".into());
        }
        if let Some(r) = &self.database.replica_url {
            if !r.starts_with("postgres") {
                return Err("database.replica_url: must be a postgres:// URL".into());
            }
        }
        if let Some(s) = &self.mail.smtp_url {
            let su = url::Url::parse(s).map_err(|e| format!("mail.smtp_url: not a URL ({e})"))?;
            if !matches!(su.scheme(), "smtp" | "smtps") {
                return Err("mail.smtp_url: must start with smtp:// or smtps://".into());
            }
        }
        if self.mail.from.trim().is_empty() || !self.mail.from.contains('@') {
            return Err(
                "mail.from: must be an address such as `Amphi <no-reply@example.com>`".into(),
            );
        }
        let s = &self.security;
        for (k, v) in [
            ("security.session_idle_minutes", s.session_idle_minutes),
            ("security.session_absolute_hours", s.session_absolute_hours),
            (
                "security.login_attempts_per_account",
                s.login_attempts_per_account,
            ),
            ("security.login_attempts_per_ip", s.login_attempts_per_ip),
            ("security.login_window_minutes", s.login_window_minutes),
        ] {
            if v < 1 {
                return Err(format!("{k}: must be at least 1"));
            }
        }
        match self.storage.backend.as_str() {
            "local" => {}
            "s3" => {
                if self.storage.s3_bucket.as_deref().is_none_or(str::is_empty) {
                    return Err("storage.s3_bucket: required when storage.backend = \"s3\"".into());
                }
            }
            other => return Err(format!("storage.backend: `{other}` is not `local` or `s3`")),
        }
        if self.storage.max_upload_bytes < 1024 {
            return Err("storage.max_upload_bytes: must be at least 1024".into());
        }
        if self.worker.concurrency == 0 {
            return Err("worker.concurrency: must be at least 1".into());
        }
        Ok(())
    }

    /// Whether cookies must be Secure (the site is served over https).
    pub fn https(&self) -> bool {
        self.server.public_url.starts_with("https://")
    }
}
