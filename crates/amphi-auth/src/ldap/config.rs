//! What an administrator sets to reach and search one directory, and its validation.

use super::syntax::{
    fill, parse_url, valid_attribute, valid_dn, DN_PLACEHOLDER, USERNAME_PLACEHOLDER,
};
use super::tls::parse_ca;
use amphi_core::codes;
use amphi_core::error::Fields;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Shortest accepted [`LdapConfig::timeout`].
pub const MIN_TIMEOUT: Duration = Duration::from_millis(100);
/// Longest accepted [`LdapConfig::timeout`].
pub const MAX_TIMEOUT: Duration = Duration::from_secs(60);

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
                    f.push("starttls", codes::STARTTLS_NEEDS_LDAP_URL);
                }
            }
            Err(_) if self.url.trim().is_empty() => f.push("url", codes::REQUIRED),
            Err(_) => f.push("url", codes::LDAP_URL_INVALID),
        }
        if let Some(pem) = &self.ca_pem {
            if !pem.trim().is_empty() && parse_ca(pem).is_err() {
                f.push("ca_pem", codes::PEM_INVALID);
            }
        }
        check_dn(&mut f, "bind_dn", &self.bind_dn);
        if self.bind_password.is_empty() {
            f.push("bind_password", codes::REQUIRED);
        }
        check_dn(&mut f, "base_dn", &self.base_dn);
        if self.user_filter.trim().is_empty() {
            f.push("user_filter", codes::REQUIRED);
        } else if !self.user_filter.contains(USERNAME_PLACEHOLDER) {
            f.push("user_filter", codes::FILTER_NEEDS_USERNAME);
        } else if !filter_parses(&self.user_filter) {
            f.push("user_filter", codes::FILTER_INVALID);
        }
        if self.attributes.iter().any(|a| !valid_attribute(a)) {
            f.push("attributes", codes::ATTRIBUTE_INVALID);
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
            (Some(_), None) => f.push("group_filter", codes::REQUIRED),
            (None, Some(_)) => f.push("group_base_dn", codes::REQUIRED),
            (Some(base), Some(filter)) => {
                check_dn(&mut f, "group_base_dn", base);
                if !filter.contains(DN_PLACEHOLDER) && !filter.contains(USERNAME_PLACEHOLDER) {
                    f.push("group_filter", codes::FILTER_NEEDS_PLACEHOLDER);
                } else if !filter_parses(filter) {
                    f.push("group_filter", codes::FILTER_INVALID);
                }
                if !valid_attribute(&self.group_name_attribute) {
                    f.push("group_name_attribute", codes::ATTRIBUTE_INVALID);
                }
            }
        }
        if let Some(a) = self
            .member_of_attribute
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            if !valid_attribute(a) {
                f.push("member_of_attribute", codes::ATTRIBUTE_INVALID);
            }
        }
        if self.timeout < MIN_TIMEOUT || self.timeout > MAX_TIMEOUT {
            f.push("timeout", codes::OUT_OF_RANGE);
        }
        f.finish()
    }

    pub(super) fn groups_by_search(&self) -> Option<(&str, &str)> {
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

    pub(super) fn member_of(&self) -> Option<&str> {
        self.member_of_attribute
            .as_deref()
            .filter(|s| !s.trim().is_empty())
    }
}

fn check_dn(f: &mut Fields, field: &str, dn: &str) {
    if dn.trim().is_empty() {
        f.push(field, codes::REQUIRED);
    } else if !valid_dn(dn) {
        f.push(field, codes::DN_INVALID);
    }
}

fn filter_parses(template: &str) -> bool {
    let sample = fill(template, "sample", "uid=sample,dc=example");
    ldap3::parse_filter(&sample).is_ok()
}
