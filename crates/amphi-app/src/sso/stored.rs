//! What a provider row holds, read back from its JSON columns: configuration, attribute
//! mapping, group rules. Administration, sign-in and every protocol read them.

use amphi_core::identity::{AttributeMapping, GroupRule, ProviderKind};
use amphi_db::rows;
use serde_json::{Map, Value};

/// The provider's configuration as stored (secrets still sealed).
pub(crate) fn stored_config(m: &rows::IdentityProvider) -> Map<String, Value> {
    serde_json::from_str(&m.config).unwrap_or_default()
}

/// Which attributes carry what; the kind's default when the column cannot be read.
pub(crate) fn stored_mapping(m: &rows::IdentityProvider) -> AttributeMapping {
    serde_json::from_str(&m.attribute_mapping).unwrap_or_else(|_| {
        m.kind()
            .map(ProviderKind::default_mapping)
            .unwrap_or_else(|_| ProviderKind::Oidc.default_mapping())
    })
}

/// The group rules (none when the column cannot be read).
pub(crate) fn stored_rules(m: &rows::IdentityProvider) -> Vec<GroupRule> {
    serde_json::from_str(&m.group_rules).unwrap_or_default()
}
