//! What an external identity provider (LDAP, SAML, OIDC, a partner platform) says about a
//! person, before and after the tenant's attribute mapping. Protocol code produces a
//! [`RawIdentity`]; the sign-in framework maps it to an [`ExternalIdentity`] with the
//! provider's [`AttributeMapping`] and then links or creates the account.
//!
//! Accounts are linked by `(provider, subject)`, never by a mutable email alone.

use crate::str_enum::str_enum;
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

str_enum!(
    /// The kinds of identity provider a tenant can configure (`identity_providers.kind`).
    ProviderKind {
        /// An LDAP directory (search then bind).
        Ldap = "ldap",
        /// A SAML 2.0 identity provider.
        Saml = "saml",
        /// An OpenID Connect provider.
        Oidc = "oidc",
        /// A partner platform handing people over with a signed JWT.
        Partner = "partner",
    }
);

impl ProviderKind {
    /// Whether people start a sign-in from this kind of provider on the sign-in page
    /// (partners hand people over instead).
    pub fn signs_in(self) -> bool {
        !matches!(self, ProviderKind::Partner)
    }

    /// The attribute names each protocol usually uses.
    pub fn default_mapping(self) -> AttributeMapping {
        let (email, name, groups) = match self {
            ProviderKind::Ldap => ("mail", "cn", "groups"),
            ProviderKind::Saml => ("mail", "displayName", "groups"),
            ProviderKind::Oidc | ProviderKind::Partner => ("email", "name", "groups"),
        };
        AttributeMapping {
            email: email.into(),
            name: name.into(),
            external_id: None,
            groups: Some(groups.into()),
        }
    }
}

str_enum!(
    /// What a group rule of a provider granted a person (`sso_grants.kind`), so the grant can
    /// be taken back when the group goes.
    GrantKind {
        /// The tenant administrator role.
        TenantAdmin = "tenant_admin",
        /// An enrolment in a run.
        Enrolment = "enrolment",
    }
);

str_enum!(
    /// What a sign-in in progress is waiting for (`sso_login_states.kind`).
    LoginStateKind {
        /// The answer of an OpenID Connect provider (state, nonce, PKCE verifier).
        Oidc = "oidc",
        /// The SAML response to an AuthnRequest (the request id).
        Saml = "saml",
        /// The SAML answer to a single logout request.
        SamlLogout = "saml-logout",
        /// The person proving the local account an external identity is to be linked to.
        Link = "link",
    }
);

str_enum!(
    /// What a one-time value remembered until it expires is (`sso_replay.kind`).
    ReplayKind {
        /// A partner JWT's `jti`.
        Jti = "jti",
        /// A SAML assertion's id.
        Assertion = "assertion",
    }
);

/// Whether the email a provider gives is taken as proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailTrust {
    /// The provider vouches for its addresses (a company directory, a partner).
    Trusted,
    /// Addresses are not proven.
    Untrusted,
    /// Proven when this attribute says `true` (OIDC `email_verified`).
    Claim(String),
}

/// Longest subject kept.
pub const MAX_SUBJECT_LEN: usize = 512;

impl AttributeMapping {
    /// Maps what a provider said to an [`ExternalIdentity`]. Fails with a reason code when
    /// the stable subject is missing or unusable.
    pub fn apply(
        &self,
        raw: &RawIdentity,
        trust: &EmailTrust,
    ) -> Result<ExternalIdentity, &'static str> {
        let subject = match self.external_id.as_deref().filter(|s| !s.is_empty()) {
            Some(attr) => raw.first(attr).ok_or("subject_missing")?,
            None => raw.subject.as_str(),
        }
        .trim()
        .to_owned();
        if subject.is_empty() {
            return Err("subject_missing");
        }
        if subject.len() > MAX_SUBJECT_LEN {
            return Err("subject_too_long");
        }
        let email = raw
            .first(&self.email)
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty());
        let email_verified = email.is_some()
            && match trust {
                EmailTrust::Trusted => true,
                EmailTrust::Untrusted => false,
                EmailTrust::Claim(attr) => raw.first(attr) == Some("true"),
            };
        let display_name = raw
            .first(&self.name)
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        let mut groups: Vec<String> = self
            .groups
            .as_deref()
            .filter(|g| !g.is_empty())
            .and_then(|g| raw.attributes.get(g))
            .map(|v| {
                v.iter()
                    .map(|g| g.trim().to_owned())
                    .filter(|g| !g.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        groups.sort();
        groups.dedup();
        Ok(ExternalIdentity {
            subject,
            email,
            email_verified,
            display_name,
            groups,
        })
    }
}

/// What a group brings: a tenant role, or an enrolment in a course run with a course role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRule {
    /// The group name exactly as the provider sends it.
    pub group: String,
    /// `admin` makes members tenant administrators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_role: Option<String>,
    /// A course run (id) to enrol members in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    /// Their role in that run (`learner` when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_role: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::str_enum::tests::round_trips;

    #[test]
    fn stored_names_round_trip_and_fit_their_columns() {
        // Column widths from the migrations (m0007 providers, replay and login states, m0009
        // grants).
        round_trips::<ProviderKind>(16);
        round_trips::<GrantKind>(16);
        round_trips::<LoginStateKind>(16);
        round_trips::<ReplayKind>(16);
        assert_eq!(LoginStateKind::SamlLogout.as_str(), "saml-logout");
        assert_eq!(
            serde_json::to_string(&LoginStateKind::SamlLogout).unwrap(),
            "\"saml-logout\""
        );
    }

    #[test]
    fn partners_hand_people_over_instead_of_signing_them_in() {
        let signs_in: Vec<_> = ProviderKind::ALL.iter().filter(|k| k.signs_in()).collect();
        assert_eq!(
            signs_in,
            [
                &ProviderKind::Ldap,
                &ProviderKind::Saml,
                &ProviderKind::Oidc
            ]
        );
    }

    fn raw() -> RawIdentity {
        let mut attributes = BTreeMap::new();
        attributes.insert("email".into(), vec!["Ann@Example.TEST".into()]);
        attributes.insert("email_verified".into(), vec!["true".into()]);
        attributes.insert("name".into(), vec!["Ann".into()]);
        attributes.insert("groups".into(), vec!["b".into(), "a".into(), "a".into()]);
        attributes.insert("employeeId".into(), vec!["E-7".into()]);
        RawIdentity {
            subject: "sub-1".into(),
            attributes,
        }
    }

    #[test]
    fn maps_subject_email_name_and_groups() {
        let m = ProviderKind::Oidc.default_mapping();
        let e = m
            .apply(&raw(), &EmailTrust::Claim("email_verified".into()))
            .unwrap();
        assert_eq!(e.subject, "sub-1");
        assert_eq!(e.email.as_deref(), Some("ann@example.test"));
        assert!(e.email_verified);
        assert_eq!(e.display_name.as_deref(), Some("Ann"));
        assert_eq!(e.groups, vec!["a".to_owned(), "b".to_owned()]);
        assert!(
            !m.apply(&raw(), &EmailTrust::Untrusted)
                .unwrap()
                .email_verified
        );
    }

    #[test]
    fn external_id_attribute_replaces_the_subject_and_must_exist() {
        let mut m = ProviderKind::Oidc.default_mapping();
        m.external_id = Some("employeeId".into());
        assert_eq!(
            m.apply(&raw(), &EmailTrust::Trusted).unwrap().subject,
            "E-7"
        );
        m.external_id = Some("missing".into());
        assert_eq!(
            m.apply(&raw(), &EmailTrust::Trusted),
            Err("subject_missing")
        );
        let mut r = raw();
        r.subject = "  ".into();
        assert_eq!(
            ProviderKind::Oidc
                .default_mapping()
                .apply(&r, &EmailTrust::Trusted),
            Err("subject_missing")
        );
    }

    #[test]
    fn unverified_claim_is_not_trusted() {
        let mut r = raw();
        r.attributes
            .insert("email_verified".into(), vec!["false".into()]);
        let e = ProviderKind::Oidc
            .default_mapping()
            .apply(&r, &EmailTrust::Claim("email_verified".into()))
            .unwrap();
        assert!(!e.email_verified);
    }
}
