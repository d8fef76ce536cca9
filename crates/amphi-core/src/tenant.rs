//! Tenant rules: who may sign up.

use crate::validate::Email;
use serde::{Deserialize, Serialize};

/// Who may create an account on a tenant's site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "domains", rename_all = "snake_case")]
pub enum SignupPolicy {
    /// Anyone may sign up.
    Open,
    /// Accounts are created by administrators (or SSO) only.
    Closed,
    /// Only addresses at these domains (or their subdomains) may sign up.
    Domains(Vec<String>),
}

impl SignupPolicy {
    /// Whether this address may sign up.
    pub fn allows(&self, email: &Email) -> bool {
        match self {
            SignupPolicy::Open => true,
            SignupPolicy::Closed => false,
            SignupPolicy::Domains(ds) => {
                let d = email.domain();
                ds.iter().any(|allowed| {
                    let allowed = allowed.trim().trim_start_matches('@').to_lowercase();
                    d == allowed || d.ends_with(&format!(".{allowed}"))
                })
            }
        }
    }

    /// Stored name of the policy kind.
    pub fn kind(&self) -> &'static str {
        match self {
            SignupPolicy::Open => "open",
            SignupPolicy::Closed => "closed",
            SignupPolicy::Domains(_) => "domains",
        }
    }

    /// Rebuilds a policy from its stored kind and domain list.
    pub fn from_parts(kind: &str, domains: Vec<String>) -> Self {
        match kind {
            "open" => SignupPolicy::Open,
            "domains" => SignupPolicy::Domains(domains),
            _ => SignupPolicy::Closed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &str) -> Email {
        Email::parse("e", s).unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn domain_allow_list() {
        let p = SignupPolicy::Domains(vec!["acme.test".into(), "@school.test".into()]);
        assert!(p.allows(&e("a@acme.test")));
        assert!(p.allows(&e("a@eng.acme.test")));
        assert!(p.allows(&e("a@school.test")));
        assert!(!p.allows(&e("a@evilacme.test")));
        assert!(!p.allows(&e("a@acme.test.evil.test")));
        assert!(SignupPolicy::Open.allows(&e("a@x.test")));
        assert!(!SignupPolicy::Closed.allows(&e("a@x.test")));
    }
}
