//! One connection to the directory, bounded by the configured timeout, and the operations
//! sign-in and the connection test need.

use super::config::LdapConfig;
use super::error::{
    connect_error, describe, operation_error, search_result_error, timeout_error, LdapError,
};
use super::syntax::{fill, parse_url};
use super::tls::tls_config;
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, Scope, SearchEntry, SearchOptions};
use std::future::Future;
use std::time::Duration;

/// How long closing a connection may take (the unbind is a single message, no answer).
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// One open connection; the driver task is aborted when it drops, so the socket closes on every
/// path, including a cancelled future.
pub(super) struct Connection {
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
    pub(super) async fn open(cfg: &LdapConfig) -> Result<Connection, LdapError> {
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
    pub(super) async fn close(mut self) {
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

    pub(super) async fn service_bind(&mut self, cfg: &LdapConfig) -> Result<(), LdapError> {
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

    pub(super) async fn user_bind(&mut self, dn: &str, password: &str) -> Result<(), LdapError> {
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

    pub(super) async fn find_person(
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
        subtree_searched(&result, "base DN", &cfg.base_dn)?;
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

    pub(super) async fn group_names(
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
        subtree_searched(&result, "group base DN", base)?;
        let mut names = Vec::new();
        for e in entries.into_iter().filter(|e| !e.is_ref()) {
            let e = SearchEntry::construct(e);
            names.extend(values(&e, &cfg.group_name_attribute).cloned());
        }
        Ok(names)
    }

    /// Reads one entry with a base-scope search, to check it exists and is visible.
    pub(super) async fn read_base(&mut self, dn: &str, what: &str) -> Result<(), LdapError> {
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

/// The result code of a subtree search: success and sizeLimitExceeded go on (more than one
/// person is then an ambiguous name; a size limit on groups still leaves the groups returned),
/// an unknown base (noSuchObject) is a configuration error naming it, the rest is mapped.
fn subtree_searched(result: &ldap3::LdapResult, what: &str, base: &str) -> Result<(), LdapError> {
    match result.rc {
        0 | 4 => Ok(()),
        32 => Err(LdapError::Config(format!(
            "the {what} {base} does not exist"
        ))),
        _ => Err(search_result_error(result)),
    }
}

/// An attribute's values, its name compared case-insensitively (directories answer with their
/// own spelling, `displayname` may come back as `displayName`).
pub(super) fn values<'a>(
    entry: &'a SearchEntry,
    name: &'a str,
) -> impl Iterator<Item = &'a String> + 'a {
    entry
        .attrs
        .iter()
        .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| v.iter())
}
