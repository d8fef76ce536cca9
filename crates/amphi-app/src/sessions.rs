//! Server-side sessions: a random cookie, its hash in the database, idle and absolute expiry,
//! rotation on sign-in, and "sign out everywhere".

use crate::tenants::Tenant;
use crate::users::User;
use crate::{App, Caller, RequestMeta};
use amphi_auth::token;
use amphi_core::{Error, Result, TenantId, UserId};
use amphi_db::repo::sessions as repo_s;
use amphi_db::rows;
use amphi_db::Conn;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Name of the session cookie.
pub const COOKIE: &str = "amphi_session";

/// A signed-in user found from a session cookie.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// Hash of the cookie (the session's id).
    pub session_id: String,
    /// The account.
    pub user: User,
}

/// Where a session's sign-in came from when an identity provider made it: what a single
/// logout names (the SAML NameID, its format and the SessionIndex).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoOrigin {
    /// The provider.
    #[serde(rename = "p")]
    pub provider_id: Option<Uuid>,
    /// The subject as the provider named it (the SAML NameID).
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub name_id: Option<String>,
    /// The NameID format.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub name_id_format: Option<String>,
    /// The SAML SessionIndex.
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub session_index: Option<String>,
}

/// Opens a session for `user` and returns the cookie value. `sso` says which provider's
/// sign-in it came from, if any.
pub async fn start(
    c: &impl Conn,
    app: &App,
    tenant: TenantId,
    user: UserId,
    sso: Option<&SsoOrigin>,
    meta: &RequestMeta,
) -> Result<String> {
    let sso = sso.cloned().unwrap_or_default();
    let cap = |v: Option<String>, n: usize| v.map(|v| v.chars().take(n).collect::<String>());
    let t = token::generate("");
    let now = app.now();
    repo_s::insert(
        c,
        tenant,
        rows::Session {
            id: t.hash,
            tenant_id: tenant.0,
            user_id: user.0,
            ip: meta.ip.clone(),
            user_agent: meta
                .user_agent
                .as_deref()
                .map(|u| u.chars().take(400).collect()),
            created_at: now,
            last_seen_at: now,
            expires_at: now + Duration::hours(app.config.security.session_absolute_hours),
            sso_provider_id: sso.provider_id,
            sso_name_id: cap(sso.name_id, 512),
            sso_name_id_format: cap(sso.name_id_format, 256),
            sso_session_index: cap(sso.session_index, 256),
        },
    )
    .await?;
    Ok(t.plaintext)
}

/// The user behind a session cookie on this tenant, if the session is alive. One query; the
/// last-seen time is written at most once a minute.
pub async fn authenticate(app: &App, tenant: &Tenant, cookie: &str) -> Result<Option<SessionUser>> {
    if cookie.len() != 64 || !cookie.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let id = token::hash(cookie);
    let Some((s, u)) = repo_s::with_user(app.db.reader(), tenant.id, &id).await? else {
        return Ok(None);
    };
    let now = app.now();
    let idle = Duration::minutes(app.config.security.session_idle_minutes);
    if s.tenant_id != tenant.id.0
        || u.tenant_id != tenant.id.0
        || !u.active
        || s.expires_at <= now
        || s.last_seen_at + idle <= now
    {
        return Ok(None);
    }
    if now - s.last_seen_at > Duration::seconds(60) {
        let (id, tenant) = (id.clone(), tenant.id);
        app.write(move |app| async move { repo_s::touch(app.db.writer(), tenant, &id, now).await })
            .await?;
    }
    Ok(Some(SessionUser {
        session_id: id,
        user: u.into(),
    }))
}

/// Ends one session (sign out); returns it as it was, if it was still there.
pub async fn end(app: &App, session_id: &str) -> Result<Option<rows::Session>> {
    let id = session_id.to_owned();
    app.write(move |app| async move { repo_s::take(app.db.writer(), &id).await })
        .await
}

/// The browser a sign-in through a provider happens in: the session it already holds, if any,
/// and whether that session's person may prove the account for a first link. A cross-site post
/// (SAML) or a hand-off link could have been started by someone else, so it never links to
/// whoever is signed in; the session it replaces ends all the same.
#[derive(Clone, Copy, Debug, Default)]
pub struct Browser<'a> {
    session: Option<&'a SessionUser>,
    may_link: bool,
}

impl<'a> Browser<'a> {
    /// A sign-in this browser started itself (OIDC callback with its state cookie, the LDAP form).
    pub fn same_site(session: Option<&'a SessionUser>) -> Self {
        Self {
            session,
            may_link: true,
        }
    }

    /// A sign-in that reaches this browser from elsewhere (SAML post, partner hand-off).
    pub fn cross_site(session: Option<&'a SessionUser>) -> Self {
        Self {
            session,
            may_link: false,
        }
    }

    /// The person whose session proves the account for a first link, if any.
    pub fn linking_user(&self) -> Option<&'a User> {
        self.session.filter(|_| self.may_link).map(|s| &s.user)
    }

    /// The session to end once the new one is open.
    pub fn replaced_session(&self) -> Option<&'a str> {
        self.session.map(|s| s.session_id.as_str())
    }
}

/// Ends the session a browser held before it signed in again (password or single sign-on).
/// Failing to end it leaves a session nobody holds the new cookie of, so the sign-in still
/// stands: the failure is logged, not returned.
pub async fn end_replaced(app: &App, session_id: &str) {
    if let Err(e) = end(app, session_id).await {
        tracing::warn!(error = %e, "earlier session not ended at sign-in");
    }
}

/// Ends every session of the user, this one included.
pub async fn end_everywhere(app: &App, caller: &Caller) -> Result<u64> {
    let (user, meta) = (&caller.user, &caller.meta);
    let txn = app.db.begin().await?;
    let n = repo_s::delete_for_user(&txn, user.tenant_id, user.id, None).await?;
    amphi_db::repo::audit::Event::new("session.signed_out_everywhere", user.tenant_id)
        .actor(user.id)
        .target(user.email.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "sessions": n }))
        .record(&txn, app.now())
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(n)
}

/// A session as the account page lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SessionInfo {
    /// Whether it is the one making the request.
    pub current: bool,
    /// Client address at sign-in.
    pub ip: Option<String>,
    /// Browser at sign-in.
    pub user_agent: Option<String>,
    /// Sign-in time.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last activity (to the minute).
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
}

/// The user's open sessions.
pub async fn list(app: &App, caller: &Caller) -> Result<Vec<SessionInfo>> {
    let user = &caller.user;
    Ok(repo_s::for_user(app.db.reader(), user.tenant_id, user.id)
        .await?
        .into_iter()
        .map(|s| SessionInfo {
            current: caller.session_id.as_ref() == Some(&s.id),
            ip: s.ip,
            user_agent: s.user_agent,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
        })
        .collect())
}

/// Deletes expired sessions (housekeeping job).
pub async fn prune(app: &App) -> Result<u64> {
    let now = app.now();
    repo_s::delete_expired(
        app.db.writer(),
        now,
        now - Duration::minutes(app.config.security.session_idle_minutes),
    )
    .await
}
