//! Single sign-on: the tenant's identity providers (managed by its administrators), and
//! signing people in through them. Protocol code (amphi-auth) turns what a provider sent into a
//! [`RawIdentity`](amphi_core::identity::RawIdentity); [`signin::complete_sign_in`] maps, links
//! or creates the account, applies group rules and opens the session.

pub mod check;
pub mod config;
pub mod ldap;
pub mod memberships;
pub mod oidc;
pub mod partner;
pub mod providers;
pub mod saml;
pub mod signin;
mod stored;

pub use providers::{Provider, ProviderForm, SignInOption};
pub use signin::{Failure, Outcome};

use crate::App;
use amphi_core::Result;
use amphi_db::repo::identity as repo;

/// A same-site path to land on after a sign-in: `/…`, never `//…`, no scheme, no backslash,
/// no control characters. Empty means the home page.
pub fn same_site_path(next: Option<&str>) -> Option<String> {
    let n = next.map(str::trim).unwrap_or("");
    if n.is_empty() {
        return Some("/".into());
    }
    let ok = n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.chars().any(char::is_control)
        && n.len() <= 2000;
    ok.then(|| n.to_owned())
}

/// Forgets expired sign-in states and one-time values.
pub async fn prune(app: &App) -> Result<u64> {
    repo::prune(app.db.writer(), app.now()).await
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn only_same_site_paths() {
        assert_eq!(same_site_path(None).as_deref(), Some("/"));
        assert_eq!(
            same_site_path(Some("/courses/x?a=1")).as_deref(),
            Some("/courses/x?a=1")
        );
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "javascript:alert(1)",
            "/\\evil.example",
            "evil",
            "/a\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(same_site_path(Some(bad)), None, "{bad}");
        }
    }
}
