//! Signing in with a directory account: the username and password typed on our sign-in page
//! are checked by search-then-bind against the tenant's LDAP directory. Rate-limited like the
//! password form; a directory that is down gives a clear message and never blocks the other
//! ways in.

use super::signin::{complete_sign_in, refuse, Failure, Outcome};
use crate::rate_limit::{self, Bucket};
use crate::sessions::Browser;
use crate::tenants::Tenant;
use crate::{App, RequestMeta};
use amphi_auth::ldap::{self as dir, LdapError};
use amphi_core::identity::ProviderKind;
use amphi_core::Error;

fn reason(e: &LdapError) -> &'static str {
    match e {
        LdapError::InvalidCredentials => "invalid_credentials",
        LdapError::Unreachable(_) | LdapError::Timeout(_) => "provider_unreachable",
        _ => "provider_config_invalid",
    }
}

/// Checks the typed username and password against the directory and signs the person in.
pub async fn sign_in(
    app: &App,
    tenant: &Tenant,
    slug: &str,
    username: &str,
    password: &str,
    browser: Browser<'_>,
    meta: &RequestMeta,
) -> Result<Outcome, Failure> {
    let owned = super::signin::provider(app, tenant.id, slug, ProviderKind::Ldap, meta).await?;
    let p = &owned;
    let username = username.trim();
    let s = &app.config.security;
    let mut buckets = vec![Bucket {
        key: format!(
            "login:ldap:{}:{}:{}",
            tenant.id,
            p.slug,
            username.to_lowercase()
        ),
        max: s.login_attempts_per_account,
    }];
    if let Some(ip) = &meta.ip {
        buckets.push(Bucket {
            key: format!("login:ip:{ip}"),
            max: s.login_attempts_per_ip,
        });
    }
    if rate_limit::check(app, &buckets).await.is_err() {
        return Err(refuse(
            app,
            tenant.id,
            Some(p),
            &p.slug,
            "rate_limited",
            Some(username),
            meta,
        )
        .await);
    }
    let stored = super::stored::stored_config(p);
    let opened = super::config::open(app.secret(), &stored)?;
    let cfg = super::config::ldap_config(&opened)
        .map_err(|e| Failure::Internal(Error::Internal(format!("ldap config: {e}"))))?;
    let raw = match dir::authenticate(&cfg, username, password).await {
        Ok(raw) => raw,
        Err(e) => {
            if matches!(e, LdapError::InvalidCredentials) {
                rate_limit::hit(app, &buckets).await?;
            } else {
                tracing::warn!(provider = %p.slug, error = %e, "LDAP sign-in failed");
            }
            return Err(refuse(
                app,
                tenant.id,
                Some(p),
                &p.slug,
                reason(&e),
                Some(username),
                meta,
            )
            .await);
        }
    };
    rate_limit::clear(app, &buckets[0].key).await?;
    complete_sign_in(app, tenant, p, raw, Default::default(), browser, meta).await
}
