//! LDAP sign-in: search-then-bind against a school's or company's directory.
//!
//! [`authenticate`] binds with a service account, looks the person up with the configured filter
//! (the typed name RFC 4515-escaped, so it cannot change the filter), requires exactly one entry,
//! reads their attributes and groups, then binds as that entry with the typed password. Plain
//! `ldap://`, StartTLS and `ldaps://` are supported; TLS always checks the certificate chain (the
//! system roots plus an optional custom CA) and the host name. Every network step is bounded by
//! the configured timeout, and the connection is unbound and closed on every path.
//!
//! [`check`] is the administrator's "test connection": connect, service bind, and read the base
//! DN (and the group base DN).
//!
//! Errors never contain passwords. A wrong password, an unknown name and an ambiguous name are
//! all the same [`LdapError::InvalidCredentials`], so a caller cannot tell them apart.

use amphi_core::error::Fields;
use amphi_core::identity::RawIdentity;
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, Scope, SearchEntry, SearchOptions};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Placeholder in [`LdapConfig::user_filter`] (and [`LdapConfig::group_filter`]) for the typed
/// name, RFC 4515-escaped.
pub const USERNAME_PLACEHOLDER: &str = "{username}";
/// Placeholder in [`LdapConfig::group_filter`] for the person's DN, RFC 4515-escaped.
pub const DN_PLACEHOLDER: &str = "{dn}";
/// Attribute key of [`RawIdentity::attributes`] holding the person's DN.
pub const DN_ATTRIBUTE: &str = "dn";
/// Attribute key of [`RawIdentity::attributes`] holding the group names.
pub const GROUPS_ATTRIBUTE: &str = "groups";
/// Shortest accepted [`LdapConfig::timeout`].
pub const MIN_TIMEOUT: Duration = Duration::from_millis(100);
/// Longest accepted [`LdapConfig::timeout`].
pub const MAX_TIMEOUT: Duration = Duration::from_secs(60);

/// Longest sign-in name sent to the directory; longer ones are refused as invalid credentials.
const MAX_USERNAME_BYTES: usize = 256;
/// How long closing a connection may take (the unbind is a single message, no answer).
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// How to reach and search one directory. Stored as JSON by the provider framework;
/// `timeout` is serialised as `timeout_ms`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LdapConfig {
    /// `ldap://host:port` or `ldaps://host:port` (no path, query or user info).
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS before anything else is sent.
    #[serde(default)]
    pub starttls: bool,
    /// A custom CA (PEM, one or more certificates) added to the system trust roots. The
    /// certificate chain and host name are always checked.
    #[serde(default)]
    pub ca_pem: Option<String>,
    /// The service account's DN.
    pub bind_dn: String,
    /// The service account's password (sealed at rest by the caller; may be left out of the
    /// stored JSON and filled in before use).
    #[serde(default)]
    pub bind_password: String,
    /// Where people are searched (whole subtree).
    pub base_dn: String,
    /// The search filter; `{username}` is replaced by the typed name, RFC 4515-escaped, for
    /// example `(&(objectClass=inetOrgPerson)(uid={username}))`.
    pub user_filter: String,
    /// Attributes to read from the person's entry (`mail`, `cn`, `displayName`, `entryUUID`, …).
    #[serde(default)]
    pub attributes: Vec<String>,
    /// Where groups are searched (whole subtree), when groups are read by a search.
    #[serde(default)]
    pub group_base_dn: Option<String>,
    /// The group search filter; `{dn}` is the person's DN and `{username}` the typed name, both
    /// RFC 4515-escaped, for example `(&(objectClass=groupOfNames)(member={dn}))`.
    #[serde(default)]
    pub group_filter: Option<String>,
    /// The group entries' attribute that holds the group name (for example `cn`).
    #[serde(default = "default_group_name_attribute")]
    pub group_name_attribute: String,
    /// Alternatively (or as well), the person's attribute listing their groups' DNs (for example
    /// `memberOf`); a group's name is the value of the first RDN of its DN.
    #[serde(default)]
    pub member_of_attribute: Option<String>,
    /// Bound on every network step (connect with TLS, each bind, each search).
    #[serde(
        rename = "timeout_ms",
        with = "duration_ms",
        default = "default_timeout"
    )]
    pub timeout: Duration,
}

fn default_group_name_attribute() -> String {
    "cn".to_owned()
}

fn default_timeout() -> Duration {
    Duration::from_secs(10)
}

impl Default for LdapConfig {
    /// An OpenLDAP-style starting point: empty URL, DNs and password (to be filled in), people
    /// found by `uid`, common attributes read, groups not read.
    fn default() -> Self {
        Self {
            url: String::new(),
            starttls: false,
            ca_pem: None,
            bind_dn: String::new(),
            bind_password: String::new(),
            base_dn: String::new(),
            user_filter: "(&(objectClass=inetOrgPerson)(uid={username}))".to_owned(),
            attributes: ["mail", "cn", "displayName", "entryUUID"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            group_base_dn: None,
            group_filter: None,
            group_name_attribute: default_group_name_attribute(),
            member_of_attribute: None,
            timeout: default_timeout(),
        }
    }
}

impl std::fmt::Debug for LdapConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LdapConfig")
            .field("url", &self.url)
            .field("starttls", &self.starttls)
            .field("ca_pem", &self.ca_pem.as_ref().map(|_| "…"))
            .field("bind_dn", &self.bind_dn)
            .field("bind_password", &"[redacted]")
            .field("base_dn", &self.base_dn)
            .field("user_filter", &self.user_filter)
            .field("attributes", &self.attributes)
            .field("group_base_dn", &self.group_base_dn)
            .field("group_filter", &self.group_filter)
            .field("group_name_attribute", &self.group_name_attribute)
            .field("member_of_attribute", &self.member_of_attribute)
            .field("timeout", &self.timeout)
            .finish()
    }
}

mod duration_ms {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

impl LdapConfig {
    /// Checks every field, returning all the bad ones at once as field errors (codes:
    /// `required`, `ldap_url_invalid`, `starttls_needs_ldap_url`, `pem_invalid`, `dn_invalid`,
    /// `filter_invalid`, `filter_needs_username`, `filter_needs_placeholder`,
    /// `attribute_invalid`, `out_of_range`).
    pub fn validate(&self) -> amphi_core::Result<()> {
        let mut f = Fields::new();
        match parse_url(&self.url) {
            Ok(url) => {
                if self.starttls && url.scheme() == "ldaps" {
                    f.push("starttls", "starttls_needs_ldap_url");
                }
            }
            Err(_) if self.url.trim().is_empty() => f.push("url", "required"),
            Err(_) => f.push("url", "ldap_url_invalid"),
        }
        if let Some(pem) = &self.ca_pem {
            if !pem.trim().is_empty() && parse_ca(pem).is_err() {
                f.push("ca_pem", "pem_invalid");
            }
        }
        check_dn(&mut f, "bind_dn", &self.bind_dn);
        if self.bind_password.is_empty() {
            f.push("bind_password", "required");
        }
        check_dn(&mut f, "base_dn", &self.base_dn);
        if self.user_filter.trim().is_empty() {
            f.push("user_filter", "required");
        } else if !self.user_filter.contains(USERNAME_PLACEHOLDER) {
            f.push("user_filter", "filter_needs_username");
        } else if !filter_parses(&self.user_filter) {
            f.push("user_filter", "filter_invalid");
        }
        if self.attributes.iter().any(|a| !valid_attribute(a)) {
            f.push("attributes", "attribute_invalid");
        }
        let group_base = self
            .group_base_dn
            .as_deref()
            .filter(|s| !s.trim().is_empty());
        let group_filter = self
            .group_filter
            .as_deref()
            .filter(|s| !s.trim().is_empty());
        match (group_base, group_filter) {
            (None, None) => {}
            (Some(_), None) => f.push("group_filter", "required"),
            (None, Some(_)) => f.push("group_base_dn", "required"),
            (Some(base), Some(filter)) => {
                check_dn(&mut f, "group_base_dn", base);
                if !filter.contains(DN_PLACEHOLDER) && !filter.contains(USERNAME_PLACEHOLDER) {
                    f.push("group_filter", "filter_needs_placeholder");
                } else if !filter_parses(filter) {
                    f.push("group_filter", "filter_invalid");
                }
                if !valid_attribute(&self.group_name_attribute) {
                    f.push("group_name_attribute", "attribute_invalid");
                }
            }
        }
        if let Some(a) = self
            .member_of_attribute
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            if !valid_attribute(a) {
                f.push("member_of_attribute", "attribute_invalid");
            }
        }
        if self.timeout < MIN_TIMEOUT || self.timeout > MAX_TIMEOUT {
            f.push("timeout", "out_of_range");
        }
        f.finish()
    }

    fn groups_by_search(&self) -> Option<(&str, &str)> {
        let base = self
            .group_base_dn
            .as_deref()
            .filter(|s| !s.trim().is_empty())?;
        let filter = self
            .group_filter
            .as_deref()
            .filter(|s| !s.trim().is_empty())?;
        Some((base, filter))
    }

    fn member_of(&self) -> Option<&str> {
        self.member_of_attribute
            .as_deref()
            .filter(|s| !s.trim().is_empty())
    }
}

fn check_dn(f: &mut Fields, field: &str, dn: &str) {
    if dn.trim().is_empty() {
        f.push(field, "required");
    } else if !valid_dn(dn) {
        f.push(field, "dn_invalid");
    }
}

fn filter_parses(template: &str) -> bool {
    let sample = fill(template, "sample", "uid=sample,dc=example");
    ldap3::parse_filter(&sample).is_ok()
}

/// Why an LDAP sign-in or connection test failed. Only [`LdapError::InvalidCredentials`] is
/// the person's doing; every other variant is for the administrator (the detail says what went
/// wrong and never holds a password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LdapError {
    /// Wrong password, unknown or ambiguous name, or empty password: indistinguishable on
    /// purpose.
    #[error("invalid username or password")]
    InvalidCredentials,
    /// The directory could not be reached (connection refused, no route, name not found,
    /// connection dropped).
    #[error("the directory is unreachable: {0}")]
    Unreachable(String),
    /// A network step did not finish within the configured timeout.
    #[error("the directory did not answer in time: {0}")]
    Timeout(String),
    /// TLS failed: untrusted certificate, wrong host name, StartTLS refused, handshake failure.
    #[error("TLS failure: {0}")]
    Tls(String),
    /// The service account could not bind (wrong DN or password, account disabled).
    #[error("the service account could not bind: {0}")]
    ServiceBindFailed(String),
    /// The configuration is unusable (bad URL, filter, base DN).
    #[error("bad LDAP configuration: {0}")]
    Config(String),
    /// Any other answer from the directory.
    #[error("directory error: {0}")]
    Directory(String),
}

impl LdapError {
    /// Stable snake_case code, for messages and the audit trail.
    pub fn code(&self) -> &'static str {
        match self {
            LdapError::InvalidCredentials => "ldap_invalid_credentials",
            LdapError::Unreachable(_) => "ldap_unreachable",
            LdapError::Timeout(_) => "ldap_timeout",
            LdapError::Tls(_) => "ldap_tls",
            LdapError::ServiceBindFailed(_) => "ldap_service_bind_failed",
            LdapError::Config(_) => "ldap_config",
            LdapError::Directory(_) => "ldap_directory",
        }
    }

    /// True when the person typed something wrong; false when the directory or its
    /// configuration is at fault (show "sign-in through the directory is unavailable").
    pub fn is_invalid_credentials(&self) -> bool {
        matches!(self, LdapError::InvalidCredentials)
    }
}

/// Signs a person in: service bind, search, exactly one entry, bind as that entry with
/// `password`. Returns the entry as a [`RawIdentity`]: `subject` is the `entryUUID` when the
/// directory has one, else the DN; `attributes` holds the configured attributes (under the names
/// as configured), the DN under [`DN_ATTRIBUTE`] and the group names under [`GROUPS_ATTRIBUTE`].
pub async fn authenticate(
    cfg: &LdapConfig,
    username: &str,
    password: &str,
) -> Result<RawIdentity, LdapError> {
    // An empty password would make the final bind an unauthenticated one, which many
    // directories answer with success: refuse it before touching the network.
    if password.is_empty()
        || username.is_empty()
        || username.len() > MAX_USERNAME_BYTES
        || username.contains('\0')
    {
        return Err(LdapError::InvalidCredentials);
    }
    // A filter without the name would find the same entry whatever was typed.
    if !cfg.user_filter.contains(USERNAME_PLACEHOLDER) {
        return Err(LdapError::Config(format!(
            "the user filter does not contain {USERNAME_PLACEHOLDER}"
        )));
    }
    let mut conn = Connection::open(cfg).await?;
    let result = sign_in(&mut conn, cfg, username, password).await;
    conn.close().await;
    result
}

/// The administrator's "test connection": connect (with TLS as configured), bind as the service
/// account, and read the base DN and the group base DN.
pub async fn check(cfg: &LdapConfig) -> Result<(), LdapError> {
    let mut conn = Connection::open(cfg).await?;
    let result = async {
        conn.service_bind(cfg).await?;
        conn.read_base(&cfg.base_dn, "base DN").await?;
        if let Some((group_base, _)) = cfg.groups_by_search() {
            conn.read_base(group_base, "group base DN").await?;
        }
        Ok(())
    }
    .await;
    conn.close().await;
    result
}

async fn sign_in(
    conn: &mut Connection,
    cfg: &LdapConfig,
    username: &str,
    password: &str,
) -> Result<RawIdentity, LdapError> {
    conn.service_bind(cfg).await?;
    let entry = conn.find_person(cfg, username).await?;
    let mut groups = Vec::new();
    if let Some((base, filter)) = cfg.groups_by_search() {
        groups = conn
            .group_names(cfg, base, filter, username, &entry.dn)
            .await?;
    }
    if let Some(attr) = cfg.member_of() {
        for dn in values(&entry, attr) {
            if let Some(name) = first_rdn_value(dn) {
                groups.push(name);
            }
        }
    }
    // Re-bind as the person on the same connection: their password is checked last, after
    // every lookup, so a failure here says nothing more than "invalid credentials".
    conn.user_bind(&entry.dn, password).await?;
    Ok(identity_from(cfg, &entry, groups))
}

/// Builds the identity from the person's entry and their group names.
fn identity_from(cfg: &LdapConfig, entry: &SearchEntry, groups: Vec<String>) -> RawIdentity {
    let mut attributes = BTreeMap::new();
    for name in &cfg.attributes {
        let v: Vec<String> = values(entry, name).cloned().collect();
        if !v.is_empty() {
            attributes.insert(name.clone(), v);
        }
    }
    attributes.insert(DN_ATTRIBUTE.to_owned(), vec![entry.dn.clone()]);
    let mut unique = Vec::new();
    for g in groups {
        if !unique.contains(&g) {
            unique.push(g);
        }
    }
    attributes.insert(GROUPS_ATTRIBUTE.to_owned(), unique);
    let subject = values(entry, "entryUUID")
        .next()
        .filter(|s| !s.is_empty())
        .cloned()
        .unwrap_or_else(|| entry.dn.clone());
    RawIdentity {
        subject,
        attributes,
    }
}

/// An attribute's values, its name compared case-insensitively (directories answer with their
/// own spelling, `displayname` may come back as `displayName`).
fn values<'a>(entry: &'a SearchEntry, name: &'a str) -> impl Iterator<Item = &'a String> + 'a {
    entry
        .attrs
        .iter()
        .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| v.iter())
}

/// One open connection; the driver task is aborted when it drops, so the socket closes on every
/// path, including a cancelled future.
struct Connection {
    ldap: Ldap,
    driver: tokio::task::JoinHandle<()>,
    timeout: Duration,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Connection {
    async fn open(cfg: &LdapConfig) -> Result<Connection, LdapError> {
        let url = parse_url(&cfg.url)?;
        let tls = url.scheme() == "ldaps" || cfg.starttls;
        if cfg.starttls && url.scheme() == "ldaps" {
            return Err(LdapError::Config(
                "StartTLS applies to ldap:// URLs; ldaps:// is already TLS".to_owned(),
            ));
        }
        if cfg.timeout.is_zero() {
            return Err(LdapError::Config("the timeout is zero".to_owned()));
        }
        let mut settings = LdapConnSettings::new()
            .set_conn_timeout(cfg.timeout)
            .set_starttls(cfg.starttls);
        if tls {
            settings = settings.set_config(tls_config(cfg.ca_pem.as_deref())?);
        }
        let what = if cfg.starttls {
            "connecting and starting TLS"
        } else if tls {
            "connecting with TLS"
        } else {
            "connecting"
        };
        let opened = tokio::time::timeout(
            cfg.timeout,
            LdapConnAsync::from_url_with_settings(settings, &url),
        )
        .await
        .map_err(|_| timeout_error(what, cfg.timeout))?;
        let (conn, ldap) = opened.map_err(|e| connect_error(e, tls, cfg.timeout))?;
        let driver = tokio::spawn(async move {
            // Ends when the connection closes or every handle is gone.
            let _ = conn.drive().await;
        });
        Ok(Connection {
            ldap,
            driver,
            timeout: cfg.timeout,
        })
    }

    /// Unbinds (best effort, bounded) and closes.
    async fn close(mut self) {
        let _ = tokio::time::timeout(CLOSE_TIMEOUT.min(self.timeout), self.ldap.unbind()).await;
    }

    async fn step<T>(
        &self,
        what: &str,
        fut: impl Future<Output = ldap3::result::Result<T>>,
    ) -> Result<T, LdapError> {
        match tokio::time::timeout(self.timeout, fut).await {
            Err(_) => Err(timeout_error(what, self.timeout)),
            Ok(Err(e)) => Err(operation_error(e, what, self.timeout)),
            Ok(Ok(v)) => Ok(v),
        }
    }

    async fn service_bind(&mut self, cfg: &LdapConfig) -> Result<(), LdapError> {
        if cfg.bind_dn.trim().is_empty() || cfg.bind_password.is_empty() {
            // Either would be an anonymous or unauthenticated bind.
            return Err(LdapError::ServiceBindFailed(
                "the service account's DN or password is empty".to_owned(),
            ));
        }
        let mut ldap = self.ldap.clone();
        let res = self
            .step(
                "binding as the service account",
                ldap.simple_bind(&cfg.bind_dn, &cfg.bind_password),
            )
            .await?;
        if res.rc == 0 {
            Ok(())
        } else {
            Err(LdapError::ServiceBindFailed(describe(&res)))
        }
    }

    async fn user_bind(&mut self, dn: &str, password: &str) -> Result<(), LdapError> {
        if password.is_empty() {
            return Err(LdapError::InvalidCredentials);
        }
        let mut ldap = self.ldap.clone();
        let res = self
            .step("binding as the person", ldap.simple_bind(dn, password))
            .await?;
        match res.rc {
            0 => Ok(()),
            // invalidCredentials, inappropriateAuthentication, unwillingToPerform (disabled or
            // locked accounts on some servers): all "you cannot sign in with this".
            48 | 49 | 53 => Err(LdapError::InvalidCredentials),
            _ => Err(LdapError::Directory(describe(&res))),
        }
    }

    async fn find_person(
        &mut self,
        cfg: &LdapConfig,
        username: &str,
    ) -> Result<SearchEntry, LdapError> {
        let filter = fill(&cfg.user_filter, username, "");
        let mut attrs: Vec<&str> = cfg.attributes.iter().map(String::as_str).collect();
        attrs.push("entryUUID");
        if let Some(a) = cfg.member_of() {
            attrs.push(a);
        }
        let mut ldap = self.ldap.clone();
        // Two entries are enough to know the name is ambiguous.
        ldap.with_search_options(SearchOptions::new().sizelimit(2));
        let res = self
            .step(
                "searching for the person",
                ldap.search(&cfg.base_dn, Scope::Subtree, &filter, attrs),
            )
            .await?;
        let ldap3::SearchResult(entries, result) = res;
        match result.rc {
            // success, sizeLimitExceeded (more than one match)
            0 | 4 => {}
            32 => {
                return Err(LdapError::Config(format!(
                    "the base DN {} does not exist",
                    cfg.base_dn
                )))
            }
            _ => return Err(search_result_error(&result)),
        }
        let mut people: Vec<SearchEntry> = entries
            .into_iter()
            .filter(|e| !e.is_ref())
            .map(SearchEntry::construct)
            .collect();
        if people.len() != 1 || result.rc == 4 {
            // Unknown or ambiguous: the same answer as a wrong password.
            return Err(LdapError::InvalidCredentials);
        }
        people.pop().ok_or(LdapError::InvalidCredentials)
    }

    async fn group_names(
        &mut self,
        cfg: &LdapConfig,
        base: &str,
        filter: &str,
        username: &str,
        dn: &str,
    ) -> Result<Vec<String>, LdapError> {
        let filter = fill(filter, username, dn);
        let mut ldap = self.ldap.clone();
        let res = self
            .step(
                "searching for the person's groups",
                ldap.search(
                    base,
                    Scope::Subtree,
                    &filter,
                    vec![cfg.group_name_attribute.as_str()],
                ),
            )
            .await?;
        let ldap3::SearchResult(entries, result) = res;
        match result.rc {
            // A size limit on groups still leaves the groups it returned.
            0 | 4 => {}
            32 => {
                return Err(LdapError::Config(format!(
                    "the group base DN {base} does not exist"
                )))
            }
            _ => return Err(search_result_error(&result)),
        }
        let mut names = Vec::new();
        for e in entries.into_iter().filter(|e| !e.is_ref()) {
            let e = SearchEntry::construct(e);
            names.extend(values(&e, &cfg.group_name_attribute).cloned());
        }
        Ok(names)
    }

    /// Reads one entry with a base-scope search, to check it exists and is visible.
    async fn read_base(&mut self, dn: &str, what: &str) -> Result<(), LdapError> {
        let mut ldap = self.ldap.clone();
        let res = self
            .step(
                &format!("reading the {what}"),
                ldap.search(dn, Scope::Base, "(objectClass=*)", vec!["1.1"]),
            )
            .await?;
        let ldap3::SearchResult(entries, result) = res;
        match result.rc {
            0 if entries.iter().any(|e| !e.is_ref()) => Ok(()),
            0 | 32 => Err(LdapError::Config(format!(
                "the {what} {dn} does not exist or the service account cannot read it"
            ))),
            _ => Err(search_result_error(&result)),
        }
    }
}

fn search_result_error(result: &ldap3::LdapResult) -> LdapError {
    match result.rc {
        // filterError, invalidDNSyntax, noSuchAttribute (in the filter)
        87 | 34 | 17 => LdapError::Config(describe(result)),
        _ => LdapError::Directory(describe(result)),
    }
}

/// `name (code): diagnostic`, for an LDAP result code.
fn describe(result: &ldap3::LdapResult) -> String {
    let name = match result.rc {
        1 => "operations error",
        2 => "protocol error",
        3 => "time limit exceeded",
        4 => "size limit exceeded",
        8 => "stronger authentication required",
        10 => "referral",
        11 => "administrative limit exceeded",
        13 => "confidentiality required",
        17 => "undefined attribute type",
        32 => "no such object",
        34 => "invalid DN syntax",
        48 => "inappropriate authentication",
        49 => "invalid credentials",
        50 => "insufficient access rights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwilling to perform",
        80 => "other",
        87 => "filter error",
        _ => "error",
    };
    let mut s = format!("{name} ({})", result.rc);
    if !result.text.trim().is_empty() {
        s.push_str(": ");
        s.push_str(result.text.trim());
    }
    if result.rc == 10 && !result.refs.is_empty() {
        s.push_str(&format!(" (referred to {})", result.refs.join(", ")));
    }
    s
}

fn timeout_error(what: &str, timeout: Duration) -> LdapError {
    LdapError::Timeout(format!(
        "{what} took longer than {} ms",
        timeout.as_millis()
    ))
}

/// Maps an error from opening the connection (TCP, StartTLS, TLS handshake).
fn connect_error(e: ldap3::LdapError, tls: bool, timeout: Duration) -> LdapError {
    use ldap3::LdapError as E;
    match e {
        E::Timeout { .. } => timeout_error("connecting", timeout),
        E::Io { source } => io_error(source, tls),
        E::Rustls { source } => LdapError::Tls(tls_message(&source)),
        E::DNSName { source } => LdapError::Tls(format!(
            "the host name cannot be checked with TLS: {source}"
        )),
        // The StartTLS extended operation was refused.
        E::LdapResult { result } => LdapError::Tls(format!(
            "the server refused StartTLS: {}",
            describe(&result)
        )),
        E::UrlParsing { .. } | E::UnknownScheme(_) => LdapError::Config(e.to_string()),
        other => LdapError::Unreachable(other.to_string()),
    }
}

/// Maps an error from an operation on an open connection.
fn operation_error(e: ldap3::LdapError, what: &str, timeout: Duration) -> LdapError {
    use ldap3::LdapError as E;
    match e {
        E::Timeout { .. } => timeout_error(what, timeout),
        E::FilterParsing => LdapError::Config("the search filter is not valid".to_owned()),
        E::LdapResult { result } => LdapError::Directory(describe(&result)),
        E::Io { source } => io_error(source, false),
        // The connection went away while we were waiting.
        other => LdapError::Unreachable(format!("{what}: the connection was lost ({other})")),
    }
}

fn io_error(e: std::io::Error, tls: bool) -> LdapError {
    use std::io::ErrorKind as K;
    if let Some(inner) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return LdapError::Tls(tls_message(inner));
    }
    match e.kind() {
        K::TimedOut => LdapError::Timeout(format!("connecting: {e}")),
        K::ConnectionRefused
        | K::HostUnreachable
        | K::NetworkUnreachable
        | K::AddrNotAvailable
        | K::NotFound => LdapError::Unreachable(e.to_string()),
        _ if tls => LdapError::Tls(format!("the TLS handshake failed: {e}")),
        _ => LdapError::Unreachable(e.to_string()),
    }
}

fn tls_message(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let why = match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => "it is not signed by a trusted CA (add the directory's CA \
                 certificate to the configuration)"
                .to_owned(),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "it does not name the host in the URL".to_owned()
            }
            C::Expired | C::ExpiredContext { .. } => "it has expired".to_owned(),
            C::NotValidYet | C::NotValidYetContext { .. } => "it is not valid yet".to_owned(),
            C::Revoked => "it has been revoked".to_owned(),
            other => format!("{other:?}"),
        },
        other => return other.to_string(),
    };
    format!("the server's certificate was refused: {why}")
}

/// The system trust roots, loaded once.
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// Certificates from a PEM bundle; an error when there is none or one does not parse.
fn parse_ca(pem: &str) -> Result<Vec<CertificateDer<'static>>, LdapError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| LdapError::Config(format!("the CA certificate is not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(LdapError::Config(
            "the CA certificate holds no PEM certificate".to_owned(),
        ));
    }
    let mut store = RootCertStore::empty();
    for c in &certs {
        store
            .add(c.clone())
            .map_err(|e| LdapError::Config(format!("the CA certificate cannot be used: {e}")))?;
    }
    Ok(certs)
}

fn tls_config(ca_pem: Option<&str>) -> Result<Arc<ClientConfig>, LdapError> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(system_roots().iter().cloned());
    if let Some(pem) = ca_pem.filter(|p| !p.trim().is_empty()) {
        for c in parse_ca(pem)? {
            roots.add(c).map_err(|e| {
                LdapError::Config(format!("the CA certificate cannot be used: {e}"))
            })?;
        }
    }
    // An explicit provider: the process may have several compiled in, and then rustls cannot
    // pick a default on its own.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| LdapError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Parses and checks an LDAP URL: `ldap` or `ldaps`, a host, and nothing else but a port.
fn parse_url(s: &str) -> Result<url::Url, LdapError> {
    let bad = |why: &str| LdapError::Config(format!("the URL {s:?} is not usable: {why}"));
    let url = url::Url::parse(s.trim()).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "ldap" && url.scheme() != "ldaps" {
        return Err(bad("the scheme must be ldap or ldaps"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("a host is required"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "user info is not allowed; set the service account instead",
        ));
    }
    if !(url.path().is_empty() || url.path() == "/")
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(bad(
            "no path or query is allowed; set the base DN and filter instead",
        ));
    }
    Ok(url)
}

/// Replaces `{username}` and `{dn}` in one pass, both RFC 4515-escaped, so a value that itself
/// contains a placeholder is never expanded again.
fn fill(template: &str, username: &str, dn: &str) -> String {
    let mut out = String::with_capacity(template.len() + username.len() + dn.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix(USERNAME_PLACEHOLDER) {
            out.push_str(&ldap3::ldap_escape(username));
            rest = after;
        } else if let Some(after) = tail.strip_prefix(DN_PLACEHOLDER) {
            out.push_str(&ldap3::ldap_escape(dn));
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// An attribute description: a name (`mail`, `displayName`) or OID, with optional `;options`.
fn valid_attribute(s: &str) -> bool {
    let mut parts = s.split(';');
    let Some(name) = parts.next() else {
        return false;
    };
    valid_attribute_type(name)
        && parts.all(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn valid_attribute_type(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() => {
            b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        }
        Some(c) if c.is_ascii_digit() => s.split('.').all(|n| {
            !n.is_empty()
                && n.bytes().all(|c| c.is_ascii_digit())
                && (n == "0" || !n.starts_with('0'))
        }),
        _ => false,
    }
}

/// A distinguished name in RFC 4514 string form (spaces around separators tolerated, as most
/// servers do).
fn valid_dn(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && split_unescaped(s, b',').iter().all(|rdn| valid_rdn(rdn))
}

fn valid_rdn(rdn: &str) -> bool {
    split_unescaped(rdn, b'+').iter().all(|ava| {
        let Some((t, v)) = ava.split_once('=') else {
            return false;
        };
        valid_attribute_type(t.trim()) && valid_dn_value(v.trim())
    })
}

fn valid_dn_value(v: &str) -> bool {
    if let Some(hex) = v.strip_prefix('#') {
        return !hex.is_empty() && hex.len() % 2 == 0 && hex.bytes().all(|c| c.is_ascii_hexdigit());
    }
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let next = b.get(i + 1).copied();
                match next {
                    Some(c) if c.is_ascii_hexdigit() => {
                        if !b.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
                            return false;
                        }
                        i += 3;
                    }
                    Some(b'"' | b'+' | b',' | b';' | b'<' | b'>' | b'\\' | b' ' | b'#' | b'=') => {
                        i += 2
                    }
                    _ => return false,
                }
            }
            b'"' | b';' | b'<' | b'>' | 0 => return false,
            _ => i += 1,
        }
    }
    true
}

/// Splits at `sep` where it is not escaped by a backslash.
fn split_unescaped(s: &str, sep: u8) -> Vec<&str> {
    let b = s.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == sep {
            parts.push(&s[start..i]);
            start = i + 1;
        }
        i += 1;
    }
    parts.push(&s[start.min(s.len())..]);
    parts
}

/// The (unescaped) value of a DN's first RDN: `cn=staff,ou=groups,…` gives `staff`.
fn first_rdn_value(dn: &str) -> Option<String> {
    let rdn = split_unescaped(dn.trim(), b',').into_iter().next()?;
    let ava = split_unescaped(rdn, b'+').into_iter().next()?;
    let (_, value) = ava.split_once('=')?;
    let value = value.trim();
    if value.is_empty() || value.starts_with('#') {
        return None;
    }
    let b = value.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            let hex = b.get(i + 1..i + 3).and_then(|h| {
                std::str::from_utf8(h)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            });
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
            } else {
                out.push(*b.get(i + 1)?);
                i += 2;
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use amphi_core::error::Error;
    use std::collections::HashMap;

    fn valid_config() -> LdapConfig {
        LdapConfig {
            url: "ldaps://ldap.example.test:636".to_owned(),
            bind_dn: "cn=amphi,ou=services,dc=example,dc=test".to_owned(),
            bind_password: "secret".to_owned(),
            base_dn: "ou=people,dc=example,dc=test".to_owned(),
            group_base_dn: Some("ou=groups,dc=example,dc=test".to_owned()),
            group_filter: Some("(&(objectClass=groupOfNames)(member={dn}))".to_owned()),
            member_of_attribute: Some("memberOf".to_owned()),
            ..LdapConfig::default()
        }
    }

    fn codes(cfg: &LdapConfig) -> Vec<(String, String)> {
        match cfg.validate() {
            Ok(()) => vec![],
            Err(Error::Validation(v)) => v.into_iter().map(|f| (f.field, f.code)).collect(),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    fn has(cfg: &LdapConfig, field: &str, code: &str) -> bool {
        codes(cfg).contains(&(field.to_owned(), code.to_owned()))
    }

    #[test]
    fn a_good_configuration_validates() {
        assert_eq!(codes(&valid_config()), vec![]);
        let plain = LdapConfig {
            url: "ldap://127.0.0.1:1389".to_owned(),
            starttls: true,
            ..valid_config()
        };
        assert_eq!(codes(&plain), vec![]);
    }

    #[test]
    fn bad_urls_are_refused() {
        for url in [
            "",
            "http://ldap.example.test",
            "ldap://",
            "ldap://u:p@host",
            "ldap://host/dc=example",
            "ldap://host?x",
            "not a url",
        ] {
            let cfg = LdapConfig {
                url: url.to_owned(),
                ..valid_config()
            };
            let c = codes(&cfg);
            assert!(
                c.iter().any(|(f, _)| f == "url"),
                "{url:?} should be refused: {c:?}"
            );
        }
        let cfg = LdapConfig {
            starttls: true,
            ..valid_config()
        };
        assert!(has(&cfg, "starttls", "starttls_needs_ldap_url"));
    }

    #[test]
    fn bad_dns_filters_and_attributes_are_refused() {
        let cfg = LdapConfig {
            bind_dn: "not a dn".to_owned(),
            base_dn: "ou=people,,dc=x".to_owned(),
            bind_password: String::new(),
            user_filter: "(uid=alice)".to_owned(),
            attributes: vec!["mail".to_owned(), "bad attr".to_owned()],
            group_name_attribute: "".to_owned(),
            member_of_attribute: Some("member of".to_owned()),
            timeout: Duration::ZERO,
            ..valid_config()
        };
        let c = codes(&cfg);
        for (field, code) in [
            ("bind_dn", "dn_invalid"),
            ("base_dn", "dn_invalid"),
            ("bind_password", "required"),
            ("user_filter", "filter_needs_username"),
            ("attributes", "attribute_invalid"),
            ("group_name_attribute", "attribute_invalid"),
            ("member_of_attribute", "attribute_invalid"),
            ("timeout", "out_of_range"),
        ] {
            assert!(
                c.contains(&(field.to_owned(), code.to_owned())),
                "{field} {code} missing from {c:?}"
            );
        }
        let cfg = LdapConfig {
            user_filter: "(&(uid={username})".to_owned(),
            group_filter: Some("member={dn})".to_owned()),
            ..valid_config()
        };
        assert!(has(&cfg, "user_filter", "filter_invalid"));
        assert!(has(&cfg, "group_filter", "filter_invalid"));
        let cfg = LdapConfig {
            group_filter: Some("(objectClass=groupOfNames)".to_owned()),
            ..valid_config()
        };
        assert!(has(&cfg, "group_filter", "filter_needs_placeholder"));
        let cfg = LdapConfig {
            group_filter: None,
            ..valid_config()
        };
        assert!(has(&cfg, "group_filter", "required"));
        let cfg = LdapConfig {
            ca_pem: Some(
                "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n".to_owned(),
            ),
            ..valid_config()
        };
        assert!(has(&cfg, "ca_pem", "pem_invalid"));
        let cfg = LdapConfig {
            ca_pem: Some("just text".to_owned()),
            ..valid_config()
        };
        assert!(has(&cfg, "ca_pem", "pem_invalid"));
    }

    #[test]
    fn dns_are_checked_per_rfc_4514() {
        for ok in [
            "dc=example,dc=test",
            "cn=Doe\\, John,ou=people,dc=example",
            "uid=odd*)(name,ou=people,dc=example,dc=test",
            "cn=a+sn=b,dc=x",
            "ou=people, dc=example, dc=com",
            "1.3.6.1.4.1.1466.0=#04024869,dc=x",
            "cn=caf\\C3\\A9,dc=x",
        ] {
            assert!(valid_dn(ok), "{ok}");
        }
        for bad in [
            "",
            "example",
            "dc=example,",
            "=x",
            "cn=a;b",
            "cn=a\\",
            "cn=a\\zz",
            "9a=x",
            "cn=<x>",
        ] {
            assert!(!valid_dn(bad), "{bad}");
        }
    }

    #[test]
    fn placeholders_are_escaped_in_one_pass() {
        assert_eq!(
            fill("(&(uid={username})(x=1))", "a*)(uid=*", ""),
            "(&(uid=a\\2a\\29\\28uid=\\2a)(x=1))"
        );
        assert_eq!(
            fill(
                "(|(member={dn})(memberUid={username}))",
                "{dn}",
                "uid=x\\,y"
            ),
            "(|(member=uid=x\\5c,y)(memberUid={dn}))"
        );
        assert_eq!(fill("(a={b})", "u", "d"), "(a={b})");
        // NUL cannot sneak in either.
        assert_eq!(fill("(uid={username})", "a\0", ""), "(uid=a\\00)");
    }

    #[test]
    fn group_names_come_from_the_first_rdn() {
        assert_eq!(
            first_rdn_value("cn=staff,ou=groups,dc=example,dc=test").as_deref(),
            Some("staff")
        );
        assert_eq!(
            first_rdn_value("CN=Doe\\, Staff,OU=Groups,DC=corp").as_deref(),
            Some("Doe, Staff")
        );
        assert_eq!(
            first_rdn_value("cn=caf\\C3\\A9,dc=x").as_deref(),
            Some("café")
        );
        assert_eq!(first_rdn_value("garbage"), None);
    }

    fn entry(dn: &str, attrs: &[(&str, &[&str])]) -> SearchEntry {
        SearchEntry {
            dn: dn.to_owned(),
            attrs: attrs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
                .collect::<HashMap<_, _>>(),
            bin_attrs: HashMap::new(),
        }
    }

    #[test]
    fn the_subject_is_the_entry_uuid_else_the_dn() {
        let cfg = LdapConfig {
            attributes: vec!["mail".to_owned(), "displayname".to_owned()],
            ..valid_config()
        };
        let with = entry(
            "uid=a,dc=x",
            &[
                ("entryUUID", &["5494585c-7fb5-1041-81f9-ff08872ef579"]),
                ("mail", &["a@x"]),
                ("displayName", &["A"]),
            ],
        );
        let id = identity_from(&cfg, &with, vec!["g".to_owned(), "g".to_owned()]);
        assert_eq!(id.subject, "5494585c-7fb5-1041-81f9-ff08872ef579");
        assert_eq!(id.first("mail"), Some("a@x"));
        assert_eq!(id.first("displayname"), Some("A"), "keyed as configured");
        assert_eq!(id.first(DN_ATTRIBUTE), Some("uid=a,dc=x"));
        assert_eq!(id.attributes[GROUPS_ATTRIBUTE], vec!["g".to_owned()]);
        assert!(!id.attributes.contains_key("entryUUID"), "not configured");

        let without = entry("uid=b,dc=x", &[("mail", &["b@x"])]);
        let id = identity_from(&cfg, &without, vec![]);
        assert_eq!(id.subject, "uid=b,dc=x");
        assert_eq!(id.attributes[GROUPS_ATTRIBUTE], Vec::<String>::new());
    }

    #[test]
    fn the_configuration_round_trips_as_json_and_hides_the_password_in_debug() {
        let cfg = LdapConfig {
            bind_password: "hunter2".to_owned(),
            timeout: Duration::from_millis(2500),
            ..valid_config()
        };
        let json = serde_json::to_value(&cfg).unwrap();
        assert_eq!(json["timeout_ms"], 2500);
        let back: LdapConfig = serde_json::from_value(json).unwrap();
        assert_eq!(back, cfg);
        assert!(!format!("{cfg:?}").contains("hunter2"));
        // Optional fields may be left out; unknown ones are refused.
        let minimal: LdapConfig = serde_json::from_str(
            r#"{"url":"ldap://h","bind_dn":"cn=a","base_dn":"dc=x","user_filter":"(uid={username})"}"#,
        )
        .unwrap();
        assert_eq!(minimal.timeout, Duration::from_secs(10));
        assert_eq!(minimal.group_name_attribute, "cn");
        assert!(serde_json::from_str::<LdapConfig>(
            r#"{"url":"ldap://h","bind_dn":"cn=a","base_dn":"dc=x","user_filter":"(uid={username})","oops":1}"#
        )
        .is_err());
    }

    #[test]
    fn the_futures_can_run_on_any_worker_thread() {
        // Web handlers need Send futures.
        fn send<T: Send>(_: &T) {}
        let cfg = valid_config();
        send(&authenticate(&cfg, "a", "b"));
        send(&check(&cfg));
    }

    #[tokio::test]
    async fn empty_passwords_and_names_are_refused_without_the_network() {
        // Nothing listens on port 9 of a TEST-NET address: reaching the network would fail
        // differently (and slowly).
        let cfg = LdapConfig {
            url: "ldap://192.0.2.1:9".to_owned(),
            ..valid_config()
        };
        assert_eq!(
            authenticate(&cfg, "alice", "").await,
            Err(LdapError::InvalidCredentials)
        );
        assert_eq!(
            authenticate(&cfg, "", "pw").await,
            Err(LdapError::InvalidCredentials)
        );
        assert_eq!(
            authenticate(&cfg, &"a".repeat(300), "pw").await,
            Err(LdapError::InvalidCredentials)
        );
        let fixed = LdapConfig {
            user_filter: "(uid=alice)".to_owned(),
            ..cfg
        };
        assert!(matches!(
            authenticate(&fixed, "bob", "pw").await,
            Err(LdapError::Config(_))
        ));
    }
}
