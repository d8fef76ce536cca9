//! What an external identity provider (LDAP, SAML, OIDC, a partner platform) says about a
//! person, before and after the tenant's attribute mapping. Protocol code produces a
//! [`RawIdentity`]; the sign-in framework maps it to an [`ExternalIdentity`] with the
//! provider's [`AttributeMapping`] and then links or creates the account.
//!
//! Accounts are linked by `(provider, subject)`, never by a mutable email alone.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a protocol handed us, as it came: a stable subject and named multi-valued attributes
/// (LDAP attributes, SAML attribute statements, OIDC claims flattened to strings).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawIdentity {
    /// The provider's stable identifier for the person (LDAP entry DN or `entryUUID`, SAML
    /// NameID, OIDC `sub`, partner JWT `sub`).
    pub subject: String,
    /// Attribute name -> values, in the order the provider gave them.
    pub attributes: BTreeMap<String, Vec<String>>,
}

impl RawIdentity {
    /// The first value of an attribute, if any (names compared exactly).
    pub fn first(&self, name: &str) -> Option<&str> {
        self.attributes
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }
}

/// Which attributes carry the email, the display name, the external id and the groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeMapping {
    /// Attribute holding the email address (for example `mail` or `email`).
    pub email: String,
    /// Attribute holding the display name (for example `displayName`, `cn` or `name`).
    pub name: String,
    /// Attribute holding a stable external id to use instead of the subject, if set.
    pub external_id: Option<String>,
    /// Attribute holding group names, if the provider sends them.
    pub groups: Option<String>,
}

/// A person as Amphi understands them after mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalIdentity {
    /// Stable subject used to link the account (the mapped external id, or the raw subject).
    pub subject: String,
    /// Email, when the provider gave one.
    pub email: Option<String>,
    /// Whether the provider vouches for the email (LDAP/SAML: by configuration; OIDC:
    /// `email_verified`).
    pub email_verified: bool,
    /// Display name, when the provider gave one.
    pub display_name: Option<String>,
    /// Group names (used by group -> role / enrolment rules and COOC restrictions).
    pub groups: Vec<String>,
}
