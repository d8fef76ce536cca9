//! Finishing a sign-in through a provider: map the attributes, find the account linked to the
//! provider's subject (or link, or create it), apply group rules, remember the groups, open the
//! session. Every success and every failure is audited with the provider and the reason.

use super::stored::{stored_config, stored_mapping, stored_rules};
use crate::sessions::{self, Browser, SsoOrigin};
use crate::tenants::Tenant;
use crate::users::User;
use crate::{blocking, App, RequestMeta};
use amphi_auth::{password, token};
use amphi_core::course::CourseRole;
use amphi_core::course::EnrolmentStatus;
use amphi_core::identity::GrantKind;
use amphi_core::identity::LoginStateKind;
use amphi_core::identity::{EmailTrust, ExternalIdentity, ProviderKind, RawIdentity};
use amphi_core::validate::{DisplayName, Email};
use amphi_core::{Error, Result, TenantId, UserId};
use amphi_db::repo::users::UserChanges;
use amphi_db::repo::{
    audit, courses as repo_c, enrolments as repo_e, identity as repo, users as repo_u,
};
use amphi_db::{rows, Conn};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A refused sign-in: a stable reason (shown translated, recorded in the audit trail).
#[derive(Debug)]
pub enum Failure {
    /// The provider or the person was refused for this reason.
    Refused(&'static str),
    /// Something broke on our side.
    Internal(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Internal(e)
    }
}

impl Failure {
    /// The reason code (`internal` for our own failures).
    pub fn reason(&self) -> &'static str {
        match self {
            Failure::Refused(r) => r,
            Failure::Internal(_) => "internal",
        }
    }
}

/// How a sign-in through a provider continues.
#[derive(Debug)]
pub enum Outcome {
    /// Signed in: the session cookie and the account.
    SignedIn(String, User),
    /// The account uses a second factor: a pending token for the code page.
    SecondFactor(String),
    /// A local account has this email: the person proves it with its password first. The
    /// value is the link token (kept hashed, ten minutes).
    NeedsLink(String),
}

/// How long a pending account link lives.
const LINK_MINUTES: i64 = 10;

/// Records a refused sign-in through a provider and returns the failure.
pub async fn refuse(
    app: &App,
    tenant: TenantId,
    provider: Option<&rows::IdentityProvider>,
    provider_slug: &str,
    reason: &'static str,
    target: Option<&str>,
    meta: &RequestMeta,
) -> Failure {
    let mut e = audit::Event::new("sign_in.failure", tenant)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({
            "provider": provider_slug,
            "kind": provider.map(|p| p.kind.as_str()),
            "reason": reason,
        }));
    if let Some(t) = target {
        e = e.target(t.chars().take(254).collect::<String>());
    }
    if let Err(err) = e.record(app.db.writer(), app.now()).await {
        return Failure::Internal(err);
    }
    Failure::Refused(reason)
}

fn trust(p: &rows::IdentityProvider, kind: ProviderKind) -> EmailTrust {
    let cfg = stored_config(p);
    match kind {
        ProviderKind::Oidc => EmailTrust::Claim("email_verified".into()),
        _ => {
            if cfg.get("trust_email").and_then(|v| v.as_bool()) == Some(false) {
                EmailTrust::Untrusted
            } else {
                EmailTrust::Trusted
            }
        }
    }
}

/// Finishes a sign-in for what a provider said about a person, in `browser`: the person
/// signed in there may prove the account for a first link (`Browser::linking_user`), and the
/// session it held ends once the new one is open (a fresh id on every sign-in, so that a cookie
/// planted before cannot ride along).
pub async fn complete_sign_in(
    app: &App,
    tenant: &Tenant,
    provider: &rows::IdentityProvider,
    raw: RawIdentity,
    origin: SsoOrigin,
    browser: Browser<'_>,
    meta: &RequestMeta,
) -> std::result::Result<Outcome, Failure> {
    let me = browser.linking_user();
    let outcome = sign_in_as(app, tenant, provider, raw, origin, me, meta).await?;
    if let (Outcome::SignedIn(..), Some(previous)) = (&outcome, browser.replaced_session()) {
        sessions::end_replaced(app, previous).await;
    }
    Ok(outcome)
}

/// The sign-in itself: link, account, group rules and the new session.
async fn sign_in_as(
    app: &App,
    tenant: &Tenant,
    provider: &rows::IdentityProvider,
    raw: RawIdentity,
    origin: SsoOrigin,
    current: Option<&User>,
    meta: &RequestMeta,
) -> std::result::Result<Outcome, Failure> {
    let slug = provider.slug.as_str();
    macro_rules! fail {
        ($r:expr, $t:expr) => {{
            let target: Option<String> = $t;
            refuse(
                app,
                tenant.id,
                Some(provider),
                slug,
                $r,
                target.as_deref(),
                meta,
            )
            .await
        }};
    }
    if !provider.enabled || provider.tenant_id != tenant.id.0 {
        return Err(fail!("provider_unknown", None));
    }
    let kind = provider.kind()?;
    let ext = match stored_mapping(provider).apply(&raw, &trust(provider, kind)) {
        Ok(e) => e,
        Err(reason) => return Err(fail!(reason, Some(raw.subject.clone()))),
    };
    let c = app.db.reader();
    if let Some(link) = repo::identity_by_subject(c, tenant.id, provider.id, &ext.subject).await? {
        let u = repo_u::by_id(c, tenant.id, UserId(link.user_id))
            .await?
            .ok_or_else(|| Failure::Internal(Error::Internal("linked account missing".into())))?;
        if !u.active {
            return Err(fail!("account_inactive", Some(u.email.clone())));
        }
        return finish(app, tenant, provider, &ext, Some(link.id), u, origin, meta).await;
    }
    if let Some(me) = current.filter(|u| u.tenant_id == tenant.id) {
        let u = repo_u::by_id(c, tenant.id, me.id)
            .await?
            .filter(|u| u.active)
            .ok_or(Failure::Refused("account_inactive"))?;
        return finish(app, tenant, provider, &ext, None, u, origin, meta).await;
    }
    let email = match ext.email.as_deref().map(|e| Email::parse("email", e)) {
        Some(Ok(e)) => Some(e),
        Some(Err(_)) => return Err(fail!("email_invalid", Some(ext.subject.clone()))),
        None => None,
    };
    if let Some(e) = &email {
        if repo_u::by_email(c, tenant.id, e.as_str()).await?.is_some() {
            // The provider's word is not enough to take over an account: the person proves the
            // local account too, on the link page.
            let tok = token::generate("");
            let now = app.now();
            repo::insert_state(
                app.db.writer(),
                tenant.id,
                rows::SsoLoginState {
                    id_hash: tok.hash,
                    tenant_id: tenant.id.0,
                    provider_id: provider.id,
                    kind: LoginStateKind::Link.as_str().into(),
                    data: serde_json::to_string(&LinkState {
                        ext: ext.clone(),
                        origin,
                    })
                    .map_err(Error::internal)?,
                    expires_at: now + Duration::minutes(LINK_MINUTES),
                    created_at: now,
                },
            )
            .await?;
            return Ok(Outcome::NeedsLink(tok.plaintext));
        }
    }
    if !provider.jit {
        return Err(fail!(
            "account_not_found",
            ext.email.clone().or(Some(ext.subject.clone()))
        ));
    }
    let Some(email) = email else {
        return Err(fail!("email_missing", Some(ext.subject.clone())));
    };
    let name = ext
        .display_name
        .as_deref()
        .and_then(|n| DisplayName::parse("name", n).ok())
        .map(|n| n.as_str().to_owned())
        .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_owned());
    let now = app.now();
    let u = repo_u::insert(
        app.db.writer(),
        tenant.id,
        repo_u::NewUser {
            email: email.as_str().to_owned(),
            name,
            password_hash: None,
            email_verified_at: ext.email_verified.then_some(now),
            locale: None,
            time_zone: "UTC".into(),
            is_platform_admin: false,
            is_tenant_admin: false,
        },
        now,
    )
    .await?;
    audit::Event::of_person("account.created_by_sso", tenant.id, &u)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "provider": slug, "kind": provider.kind }))
        .record(app.db.writer(), now)
        .await?;
    finish(app, tenant, provider, &ext, None, u, origin, meta).await
}

/// A sign-in waiting for the person to prove the local account it would link to.
#[derive(Serialize, Deserialize)]
struct LinkState {
    #[serde(flatten)]
    ext: ExternalIdentity,
    #[serde(default)]
    origin: SsoOrigin,
}

/// Links (when `link` is None), records the groups, applies the group rules and opens the
/// session, in one transaction.
#[allow(clippy::too_many_arguments)]
async fn finish(
    app: &App,
    tenant: &Tenant,
    provider: &rows::IdentityProvider,
    ext: &ExternalIdentity,
    link: Option<Uuid>,
    u: rows::User,
    mut origin: SsoOrigin,
    meta: &RequestMeta,
) -> std::result::Result<Outcome, Failure> {
    let now = app.now();
    origin.provider_id = Some(provider.id);
    let groups = serde_json::to_string(&ext.groups).map_err(Error::internal)?;
    let txn = app.db.begin().await?;
    match link {
        Some(id) => {
            repo::touch_identity(&txn, tenant.id, id, ext.email.clone(), groups, now).await?
        }
        None => {
            repo::insert_identity(
                &txn,
                tenant.id,
                rows::ExternalIdentity {
                    id: Uuid::now_v7(),
                    tenant_id: tenant.id.0,
                    provider_id: provider.id,
                    subject: ext.subject.clone(),
                    user_id: u.id,
                    email: ext.email.clone(),
                    groups,
                    created_at: now,
                    last_sign_in_at: now,
                },
            )
            .await
            .map_err(|e| match e {
                // Another sign-in linked this subject a moment ago.
                Error::Conflict(_) => Failure::Refused("identity_already_linked"),
                e => Failure::Internal(e),
            })?;
            audit::Event::of_person("identity.linked", tenant.id, &u)
                .ip(meta.ip.clone())
                .detail(serde_json::json!({ "provider": provider.slug, "kind": provider.kind }))
                .record(&txn, now)
                .await?;
        }
    }
    apply_group_rules(&txn, app, tenant.id, provider, &u, &ext.groups, meta).await?;
    if u.mfa_enabled_at.is_some() {
        txn.commit().await.map_err(Error::internal)?;
        return Ok(Outcome::SecondFactor(crate::accounts::pending_token(
            app,
            tenant,
            UserId(u.id),
            Some(&origin),
        )));
    }
    let cookie = sessions::start(&txn, app, tenant.id, UserId(u.id), Some(&origin), meta).await?;
    repo_u::set(
        &txn,
        tenant.id,
        UserId(u.id),
        UserChanges {
            last_sign_in_at: Some(now),
            ..UserChanges::default()
        },
        now,
    )
    .await?;
    audit::Event::of_person("sign_in.success", tenant.id, &u)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "provider": provider.slug, "kind": provider.kind }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    let fresh = repo_u::by_id(app.db.writer(), tenant.id, UserId(u.id))
        .await?
        .unwrap_or(u);
    Ok(Outcome::SignedIn(cookie, fresh.into()))
}

/// Enrols a person in a run of the tenant with a role, unless they already have a place in it;
/// `reactivate` also gives back a place that was removed (a group rule taking back what it
/// had taken away). Learners take a seat (none left: not enrolled, and said so in the audit
/// trail). Returns whether the person got the place now.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn enrol_directly(
    c: &impl Conn,
    app: &App,
    tenant: TenantId,
    run: Uuid,
    u: &rows::User,
    role: CourseRole,
    provider: &str,
    reactivate: bool,
    meta: &RequestMeta,
) -> Result<bool> {
    let Some((r, existing)) = repo_e::run_with_enrolment(c, tenant, run, Some(u.id)).await? else {
        return Ok(false);
    };
    let removed = match &existing {
        None => None,
        Some(e) if reactivate && e.status()? == EnrolmentStatus::Removed => Some(e.clone()),
        Some(_) => return Ok(false),
    };
    let now = app.now();
    if role == CourseRole::Learner && !repo_c::take_seat(c, tenant, r.id).await? {
        audit::Event::of_person("enrolment.refused", tenant, u)
            .ip(meta.ip.clone())
            .detail(serde_json::json!({ "run": r.id, "reason": "run_full", "provider": provider }))
            .record(c, now)
            .await?;
        return Ok(false);
    }
    match removed {
        // Back in the run with the progress and grades it kept.
        Some(e) => {
            repo_e::set_status(c, tenant, e.id, EnrolmentStatus::Active, Some(role), now).await?;
        }
        None => {
            repo_e::insert(
                c,
                tenant,
                crate::courses::enrol::new_enrolment(
                    tenant,
                    r.id,
                    u.id,
                    role,
                    EnrolmentStatus::Active,
                    now,
                ),
            )
            .await?;
        }
    }
    audit::Event::of_person("enrolment.created", tenant, u)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "run": r.id, "role": role.as_str(), "provider": provider }))
        .record(c, now)
        .await?;
    Ok(true)
}

/// Group rules at each sign-in: members of a rule's group become administrators of the tenant
/// or get a place in a run; what a rule gave is recorded, and taken back when the person is no
/// longer in any group that gives it (a place becomes "removed", its progress and grades kept;
/// it comes back with the group). What an administrator gave by hand is never touched.
async fn apply_group_rules(
    c: &impl Conn,
    app: &App,
    tenant: TenantId,
    provider: &rows::IdentityProvider,
    u: &rows::User,
    groups: &[String],
    meta: &RequestMeta,
) -> Result<()> {
    let now = app.now();
    let held = repo::grants_of(c, tenant, provider.id, u.id).await?;
    let prior = |kind: GrantKind, target: &str| {
        held.iter()
            .find(|g| g.kind().is_ok_and(|k| k == kind) && g.target == target)
    };
    let grant = |kind: GrantKind, target: String, group: &str| rows::SsoGrant {
        provider_id: provider.id,
        user_id: u.id,
        kind: kind.as_str().into(),
        target,
        tenant_id: tenant.0,
        rule_group: group.to_owned(),
        created_at: now,
        revoked_at: None,
    };
    let mut wanted: Vec<(GrantKind, String)> = Vec::new();
    for rule in stored_rules(provider)
        .iter()
        .filter(|r| groups.contains(&r.group))
    {
        if rule.tenant_role.as_deref() == Some("admin") {
            wanted.push((GrantKind::TenantAdmin, String::new()));
            if !u.is_tenant_admin {
                let why = serde_json::json!({ "provider": provider.slug, "group": rule.group });
                set_tenant_admin(c, tenant, u, true, why, meta, now).await?;
                repo::hold_grant(
                    c,
                    tenant,
                    grant(GrantKind::TenantAdmin, String::new(), &rule.group),
                )
                .await?;
            }
        }
        if let Some(run) = rule.run.as_deref().and_then(|r| r.parse::<Uuid>().ok()) {
            let role = rule
                .course_role
                .as_deref()
                .and_then(|r| CourseRole::parse("course_role", r).ok())
                .unwrap_or(CourseRole::Learner);
            let target = run.to_string();
            let reactivate = prior(GrantKind::Enrolment, &target).is_some();
            wanted.push((GrantKind::Enrolment, target.clone()));
            let slug = &provider.slug;
            if enrol_directly(c, app, tenant, run, u, role, slug, reactivate, meta).await? {
                repo::hold_grant(c, tenant, grant(GrantKind::Enrolment, target, &rule.group))
                    .await?;
            }
        }
    }
    for g in held.iter().filter(|g| {
        g.revoked_at.is_none()
            && !wanted
                .iter()
                .any(|(k, t)| g.kind().is_ok_and(|gk| gk == *k) && *t == g.target)
    }) {
        revoke(c, tenant, provider, u, g, meta, now).await?;
    }
    Ok(())
}

/// Makes a person a tenant administrator or not, on a group rule's word (audited, with `why`).
async fn set_tenant_admin(
    c: &impl Conn,
    tenant: TenantId,
    u: &rows::User,
    value: bool,
    mut why: serde_json::Value,
    meta: &RequestMeta,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    repo_u::set(
        c,
        tenant,
        UserId(u.id),
        UserChanges {
            is_tenant_admin: Some(value),
            ..UserChanges::default()
        },
        now,
    )
    .await?;
    why["is_tenant_admin"] = value.into();
    audit::Event::of_person("user.role_changed", tenant, u)
        .ip(meta.ip.clone())
        .detail(why)
        .record(c, now)
        .await
}

/// Takes back what a group rule gave once the person has left the group (unless another
/// provider's rule still gives it).
async fn revoke(
    c: &impl Conn,
    tenant: TenantId,
    provider: &rows::IdentityProvider,
    u: &rows::User,
    g: &rows::SsoGrant,
    meta: &RequestMeta,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    repo::revoke_grant(c, tenant, g, now).await?;
    if repo::held_elsewhere(c, tenant, g).await? {
        return Ok(());
    }
    let detail = |mut v: serde_json::Value| {
        v["provider"] = provider.slug.clone().into();
        v["group"] = g.rule_group.clone().into();
        v["reason"] = "group_lost".into();
        v
    };
    // A grant of a kind this build does not know was recorded and is taken back, with no
    // other effect (as before kinds were typed).
    match g.kind() {
        Ok(GrantKind::TenantAdmin) if u.is_tenant_admin => {
            let why = detail(serde_json::json!({}));
            set_tenant_admin(c, tenant, u, false, why, meta, now).await?;
        }
        Ok(GrantKind::Enrolment) => {
            let Ok(run) = g.target.parse::<Uuid>() else {
                return Ok(());
            };
            if let Some(e) = repo_e::of(c, tenant, run, u.id).await? {
                if crate::courses::enrol::remove_enrolment(c, tenant, e, now).await? {
                    audit::Event::of_person("enrolment.removed", tenant, u)
                        .ip(meta.ip.clone())
                        .detail(detail(serde_json::json!({ "run": run })))
                        .record(c, now)
                        .await?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The enabled provider of this kind a sign-in URL names; anything else is refused (and
/// audited) as unknown.
pub(crate) async fn provider(
    app: &App,
    tenant: TenantId,
    slug: &str,
    kind: ProviderKind,
    meta: &RequestMeta,
) -> Result<rows::IdentityProvider, Failure> {
    match repo::provider_by_slug(app.db.reader(), tenant, slug).await? {
        Some(p) if p.enabled && p.kind().is_ok_and(|k| k == kind) => Ok(p),
        other => Err(refuse(
            app,
            tenant,
            other.as_ref(),
            slug,
            "provider_unknown",
            None,
            meta,
        )
        .await),
    }
}

/// The pending link a token names, without using it up (to show the link page).
pub async fn pending_link(
    app: &App,
    tenant: &Tenant,
    link_token: &str,
) -> Result<Option<(String, String)>> {
    let hash = token::hash(link_token);
    let Some(s) = repo::peek_state(
        app.db.reader(),
        tenant.id,
        &hash,
        LoginStateKind::Link,
        app.now(),
    )
    .await?
    else {
        return Ok(None);
    };
    let LinkState { ext, .. } = serde_json::from_str(&s.data).map_err(Error::internal)?;
    let p = repo::provider_by_id(app.db.reader(), tenant.id, s.provider_id).await?;
    Ok(p.map(|p| (p.display_name, ext.email.unwrap_or_default())))
}

/// Proves the local account of a pending link with its password, then links and signs in.
pub async fn confirm_link(
    app: &App,
    tenant: &Tenant,
    link_token: &str,
    password_typed: &str,
    meta: &RequestMeta,
) -> std::result::Result<Outcome, Failure> {
    let hash = token::hash(link_token);
    let c = app.db.reader();
    let Some(state) =
        repo::peek_state(c, tenant.id, &hash, LoginStateKind::Link, app.now()).await?
    else {
        return Err(Failure::Refused("link_expired"));
    };
    let LinkState { ext, origin } = serde_json::from_str(&state.data).map_err(Error::internal)?;
    let provider = repo::provider_by_id(c, tenant.id, state.provider_id)
        .await?
        .filter(|p| p.enabled)
        .ok_or(Failure::Refused("provider_unknown"))?;
    let email = ext.email.clone().unwrap_or_default();
    let buckets = [crate::rate_limit::Bucket {
        key: format!("login:acct:{}:{}", tenant.id, email),
        max: app.config.security.login_attempts_per_account,
    }];
    if let Err(e) = crate::rate_limit::check(app, &buckets).await {
        return Err(Failure::Internal(e));
    }
    let found = repo_u::by_email(c, tenant.id, &email).await?;
    let pw = password_typed.to_owned();
    let ok = match found.as_ref().and_then(|u| u.password_hash.clone()) {
        Some(h) => blocking(move || password::verify(&pw, &h)).await?,
        None => {
            blocking(move || password::verify_dummy(&pw)).await?;
            false
        }
    };
    let Some(u) = found.filter(|u| ok && u.active) else {
        crate::rate_limit::hit(app, &buckets).await?;
        return Err(refuse(
            app,
            tenant.id,
            Some(&provider),
            &provider.slug,
            "link_password_wrong",
            Some(&email),
            meta,
        )
        .await);
    };
    // Used up only now: a mistyped password may be tried again.
    if repo::take_state(
        app.db.writer(),
        tenant.id,
        &hash,
        LoginStateKind::Link,
        app.now(),
    )
    .await?
    .is_none()
    {
        return Err(Failure::Refused("link_expired"));
    }
    crate::rate_limit::clear(app, &buckets[0].key).await?;
    finish(app, tenant, &provider, &ext, None, u, origin, meta).await
}
