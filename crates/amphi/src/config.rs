//! Loads configuration: defaults, then the TOML file, then `AMPHI_*` environment variables
//! (sections separated by a double underscore: `AMPHI_SERVER__LISTEN`), then `DATABASE_URL`.

use amphi_app::Config;
use anyhow::bail;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use std::path::Path;

/// The sections of the configuration file.
const SECTIONS: [&str; 9] = [
    "server", "database", "mail", "security", "web", "worker", "log", "content", "storage",
];

/// Reads and validates the configuration. When `server.public_url` is not set, it is derived
/// from `server.listen` (`http://127.0.0.1:9000` for `127.0.0.1:9000`; a wildcard address such
/// as `0.0.0.0` reads as `127.0.0.1`), so that links printed and mailed point where Amphi
/// listens.
pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
    // What the operator wrote (file, environment), without the defaults.
    let mut fig = Figment::new();
    match path {
        Some(p) => {
            if !p.is_file() {
                bail!("configuration file {} does not exist", p.display());
            }
            fig = fig.merge(Toml::file(p));
        }
        None => {
            if Path::new("amphi.toml").is_file() {
                fig = fig.merge(Toml::file("amphi.toml"));
            }
        }
    }
    // Settings are AMPHI_<SECTION>__<KEY>. Other AMPHI_* variables (AMPHI_CONFIG, a tool's
    // AMPHI_BIN, …) are not settings, unless they name a section with a single underscore,
    // which is a typo we refuse rather than ignore.
    for (k, _) in std::env::vars() {
        if let Some(rest) = k.strip_prefix("AMPHI_") {
            let lower = rest.to_ascii_lowercase();
            if !rest.contains("__") && SECTIONS.iter().any(|s| lower.starts_with(&format!("{s}_")))
            {
                bail!("environment variable {k}: settings are written AMPHI_<SECTION>__<KEY> (two underscores), for example AMPHI_SERVER__LISTEN");
            }
        }
    }
    fig = fig.merge(
        Env::prefixed("AMPHI_")
            .filter(|k| k.as_str().contains("__"))
            .split("__"),
    );
    if let Ok(url) = std::env::var("DATABASE_URL") {
        fig = fig.merge(Serialized::default("database.url", url));
    }
    let public_url_set = fig.find_value("server.public_url").is_ok();
    let fig = Figment::from(Serialized::defaults(Config::default())).merge(fig);
    let mut cfg: Config = fig.extract().map_err(|e| {
        let mut msg = String::from("invalid configuration:");
        for err in e {
            msg.push_str(&format!("\n  {err}"));
        }
        anyhow::anyhow!(msg)
    })?;
    if !public_url_set {
        if let Some(url) = url_of_listen(&cfg.server.listen) {
            cfg.server.public_url = url;
        }
    }
    cfg.validate()
        .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
    Ok(cfg)
}

/// `http://host:port` for a listen address (`None` when it is not an address, which
/// validation then reports).
fn url_of_listen(listen: &str) -> Option<String> {
    let addr: std::net::SocketAddr = listen.parse().ok()?;
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    Some(format!("http://{host}:{}", addr.port()))
}

/// The configuration as TOML with passwords in URLs hidden.
pub fn redacted(cfg: &Config) -> anyhow::Result<String> {
    let mut c = cfg.clone();
    c.database.url = hide_password(&c.database.url);
    c.database.replica_url = c.database.replica_url.as_deref().map(hide_password);
    c.mail.smtp_url = c.mail.smtp_url.as_deref().map(hide_password);
    if c.storage.s3_secret_access_key.is_some() {
        c.storage.s3_secret_access_key = Some("***".into());
    }
    if c.server.metrics_token.is_some() {
        c.server.metrics_token = Some("***".into());
    }
    Ok(toml::to_string_pretty(&c)?)
}

fn hide_password(u: &str) -> String {
    match url::Url::parse(u) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => u.to_owned(),
    }
}
