//! Who a use case runs for: the signed-in user, the tenant of the site the request came to and
//! the request's facts, built once per request by the web layer (or by the command line) and
//! passed by reference, instead of three loose arguments to every use case.

use crate::users::User;
use crate::RequestMeta;
use amphi_core::policy::Actor;
use amphi_core::TenantId;

/// A signed-in person acting through a request. Use cases open to visitors who are not signed
/// in take the tenant and the [`RequestMeta`] on their own.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account acting.
    pub user: User,
    /// The tenant of the site the request came to (for a session or a token, the user's own).
    pub tenant: TenantId,
    /// Where the request came from, for audit records and links in mails.
    pub meta: RequestMeta,
    /// The session the request came with (its id, the hash of the cookie); none for a bearer
    /// token or the command line.
    pub session_id: Option<String>,
}

impl Caller {
    /// A caller without a session: a bearer token, the command line, a test.
    pub fn new(user: User, tenant: TenantId, meta: RequestMeta) -> Self {
        Self {
            user,
            tenant,
            meta,
            session_id: None,
        }
    }

    /// The command line acting as `user` on the user's own tenant; `base_url` is the site's
    /// public address, for links in mails.
    pub fn cli(user: User, base_url: &str) -> Self {
        let tenant = user.tenant_id;
        Self::new(user, tenant, RequestMeta::cli(base_url))
    }

    /// The caller as an actor for the permission policy.
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }
}
