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
//!
//! Files: `config` (what an administrator sets, and its validation), `connection` (one
//! connection and the LDAP operations sign-in needs), `error` (what can go wrong, and how
//! ldap3's answers map onto it), `tls` (trust roots and the rustls configuration), `syntax`
//! (URLs, DNs, attribute names and filter placeholders).

mod config;
mod connection;
mod error;
mod syntax;
mod tls;

pub use config::{LdapConfig, MAX_TIMEOUT, MIN_TIMEOUT};
pub use error::LdapError;
pub use syntax::{DN_PLACEHOLDER, USERNAME_PLACEHOLDER};

use amphi_core::identity::RawIdentity;
use connection::{values, Connection};
use ldap3::SearchEntry;
use std::collections::BTreeMap;
use syntax::first_rdn_value;

/// Attribute key of [`RawIdentity::attributes`] holding the person's DN.
pub const DN_ATTRIBUTE: &str = "dn";
/// Attribute key of [`RawIdentity::attributes`] holding the group names.
pub const GROUPS_ATTRIBUTE: &str = "groups";

/// Longest sign-in name sent to the directory; longer ones are refused as invalid credentials.
const MAX_USERNAME_BYTES: usize = 256;

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

#[cfg(test)]
mod tests;
