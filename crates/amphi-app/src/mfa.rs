//! A second factor for local accounts: TOTP from an authenticator app, enrolled by QR code,
//! with ten single-use recovery codes; a code is never accepted twice. Tenants can require it
//! of their administrators.

use crate::tenants::Tenant;
use crate::users::User;
use crate::{blocking, App, Caller};
use amphi_auth::{password, token, totp};
use amphi_core::codes;
use amphi_core::{Error, Result, TenantId, UserId};
use amphi_db::repo::users::UserChanges;
use amphi_db::repo::{audit, mfa as repo_mfa, users as repo_u};
use amphi_db::{rows, Conn};

/// What the person needs to add the account to an authenticator app.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Enrolment {
    /// The secret to type by hand (base32).
    pub secret: String,
    /// The QR code (SVG) of the otpauth URL.
    pub qr_svg: String,
}

/// Starts enrolment: a new secret, kept sealed on the account but not active until confirmed.
pub async fn start(app: &App, caller: &Caller, tenant: &Tenant) -> Result<Enrolment> {
    let user = &caller.user;
    if user.mfa_enabled {
        return Err(Error::Conflict(codes::MFA_ALREADY_ENABLED));
    }
    let secret = totp::new_secret();
    let sealed = totp::seal(app.secret(), &secret)
        .ok_or_else(|| Error::Internal("cannot seal the secret".into()))?;
    let url = totp::otpauth_url(&secret, &tenant.name, &user.email)
        .ok_or_else(|| Error::Internal("cannot build otpauth url".into()))?;
    repo_u::set(
        app.db.writer(),
        user.tenant_id,
        user.id,
        UserChanges {
            mfa_secret: Some(Some(sealed)),
            ..UserChanges::default()
        },
        app.now(),
    )
    .await?;
    Ok(Enrolment {
        secret: totp::base32(&secret),
        qr_svg: totp::qr_svg(&url).unwrap_or_default(),
    })
}

fn secret_of(app: &App, u: &rows::User) -> Result<Vec<u8>> {
    let sealed = u
        .mfa_secret
        .as_deref()
        .ok_or(Error::Conflict(codes::MFA_NOT_STARTED))?;
    totp::open(app.secret(), sealed)
        .ok_or_else(|| Error::Internal("the MFA secret cannot be opened".into()))
}

/// Confirms enrolment with a first code; returns the ten recovery codes (shown once).
pub async fn confirm(app: &App, caller: &Caller, code: &str) -> Result<Vec<String>> {
    let (user, meta) = (&caller.user, &caller.meta);
    let u = repo_u::by_id(app.db.reader(), user.tenant_id, user.id)
        .await?
        .ok_or(Error::NotFound)?;
    if u.mfa_enabled_at.is_some() {
        return Err(Error::Conflict(codes::MFA_ALREADY_ENABLED));
    }
    let secret = secret_of(app, &u)?;
    let now = app.now();
    let step = totp::verify(
        &secret,
        code,
        now.timestamp().max(0) as u64,
        u.mfa_last_step,
    )
    .ok_or(Error::field("code", codes::MFA_CODE_WRONG))?;
    let codes: Vec<String> = (0..10).map(|_| recovery_code()).collect();
    let txn = app.db.begin().await?;
    repo_u::set(
        &txn,
        user.tenant_id,
        user.id,
        UserChanges {
            mfa_enabled_at: Some(Some(now)),
            mfa_last_step: Some(step),
            ..UserChanges::default()
        },
        now,
    )
    .await?;
    let hashes = codes.iter().map(|c| recovery_hash(user.id, c)).collect();
    repo_mfa::replace_recovery_codes(&txn, user.tenant_id, user.id, hashes, now).await?;
    audit::Event::of_person("mfa.enabled", user.tenant_id, &u)
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(codes)
}

fn recovery_code() -> String {
    let h = token::random_hex(5);
    format!("{}-{}", &h[..5], &h[5..])
}

fn recovery_hash(user: UserId, code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    token::hash(&format!("recovery:{user}:{norm}"))
}

/// Checks a second-factor code for a sign-in: a TOTP code (moving the last accepted step
/// forward) or an unused recovery code (using it up). Returns which kind matched.
pub(crate) async fn check(
    c: &impl Conn,
    app: &App,
    u: &rows::User,
    code: &str,
) -> Result<Option<&'static str>> {
    let now = app.now();
    let secret = secret_of(app, u)?;
    if let Some(step) = totp::verify(
        &secret,
        code,
        now.timestamp().max(0) as u64,
        u.mfa_last_step,
    ) {
        // Guarded update: two concurrent sign-ins with the same code cannot both pass.
        let moved = repo_u::advance_mfa_step(c, TenantId(u.tenant_id), UserId(u.id), step).await?;
        return Ok(moved.then_some("totp"));
    }
    let hash = recovery_hash(UserId(u.id), code);
    let used =
        repo_mfa::use_recovery_code(c, TenantId(u.tenant_id), UserId(u.id), &hash, now).await?;
    Ok(used.then_some("recovery_code"))
}

/// Turns the second factor off: the password and a current code (or recovery code) are needed.
pub async fn disable(app: &App, caller: &Caller, current_password: &str, code: &str) -> Result<()> {
    let (user, meta) = (&caller.user, &caller.meta);
    let u = repo_u::by_id(app.db.reader(), user.tenant_id, user.id)
        .await?
        .ok_or(Error::NotFound)?;
    if u.mfa_enabled_at.is_none() {
        return Err(Error::Conflict(codes::MFA_NOT_ENABLED));
    }
    let pw = current_password.to_owned();
    let ok = match u.password_hash.clone() {
        Some(h) => blocking(move || password::verify(&pw, &h)).await?,
        None => false,
    };
    if !ok {
        return Err(Error::field("current_password", codes::PASSWORD_WRONG));
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    if check(&txn, app, &u, code).await?.is_none() {
        return Err(Error::field("code", codes::MFA_CODE_WRONG));
    }
    repo_u::set(
        &txn,
        user.tenant_id,
        user.id,
        UserChanges {
            mfa_secret: Some(None),
            mfa_enabled_at: Some(None),
            ..UserChanges::default()
        },
        now,
    )
    .await?;
    repo_mfa::delete_recovery_codes(&txn, user.tenant_id, user.id).await?;
    audit::Event::of_person("mfa.disabled", user.tenant_id, &u)
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// Recovery codes left.
pub async fn recovery_left(app: &App, caller: &Caller) -> Result<u64> {
    let user = &caller.user;
    repo_mfa::recovery_codes_left(app.db.reader(), user.tenant_id, user.id).await
}

/// Whether the tenant asks this person for a second factor they have not set up yet.
pub fn required_but_missing(tenant: &Tenant, user: &User) -> bool {
    tenant.require_mfa_admins
        && (user.is_tenant_admin || user.is_platform_admin)
        && !user.mfa_enabled
}
