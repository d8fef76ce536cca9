//! A second factor for local accounts: TOTP from an authenticator app, enrolled by QR code,
//! with ten single-use recovery codes; a code is never accepted twice. Tenants can require it
//! of their administrators.

use crate::tenants::Tenant;
use crate::users::User;
use crate::{blocking, App, RequestMeta};
use amphi_auth::{password, token, totp};
use amphi_core::{Error, Result, UserId};
use amphi_db::entities::{mfa_recovery_code, user};
use amphi_db::repo::{audit, users as repo_u};
use amphi_db::DbResultExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// What the person needs to add the account to an authenticator app.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Enrolment {
    /// The secret to type by hand (base32).
    pub secret: String,
    /// The QR code (SVG) of the otpauth URL.
    pub qr_svg: String,
}

/// Starts enrolment: a new secret, kept sealed on the account but not active until confirmed.
pub async fn start(app: &App, user: &User, tenant: &Tenant) -> Result<Enrolment> {
    if user.mfa_enabled {
        return Err(Error::Conflict("mfa_already_enabled"));
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
        vec![(user::Column::MfaSecret, Expr::value(sealed))],
        app.now(),
    )
    .await?;
    Ok(Enrolment {
        secret: totp::base32(&secret),
        qr_svg: totp::qr_svg(&url).unwrap_or_default(),
    })
}

fn secret_of(app: &App, u: &user::Model) -> Result<Vec<u8>> {
    let sealed = u
        .mfa_secret
        .as_deref()
        .ok_or(Error::Conflict("mfa_not_started"))?;
    totp::open(app.secret(), sealed)
        .ok_or_else(|| Error::Internal("the MFA secret cannot be opened".into()))
}

/// Confirms enrolment with a first code; returns the ten recovery codes (shown once).
pub async fn confirm(
    app: &App,
    user: &User,
    code: &str,
    meta: &RequestMeta,
) -> Result<Vec<String>> {
    let u = repo_u::by_id(app.db.reader(), user.tenant_id, user.id)
        .await?
        .ok_or(Error::NotFound)?;
    if u.mfa_enabled_at.is_some() {
        return Err(Error::Conflict("mfa_already_enabled"));
    }
    let secret = secret_of(app, &u)?;
    let now = app.now();
    let step = totp::verify(
        &secret,
        code,
        now.timestamp().max(0) as u64,
        u.mfa_last_step,
    )
    .ok_or(Error::field("code", "mfa_code_wrong"))?;
    let codes: Vec<String> = (0..10).map(|_| recovery_code()).collect();
    let txn = app.db.begin().await?;
    repo_u::set(
        &txn,
        user.tenant_id,
        user.id,
        vec![
            (user::Column::MfaEnabledAt, Expr::value(now)),
            (user::Column::MfaLastStep, Expr::value(step)),
        ],
        now,
    )
    .await?;
    mfa_recovery_code::Entity::delete_many()
        .filter(mfa_recovery_code::Column::UserId.eq(user.id.0))
        .exec(&txn)
        .await
        .db()?;
    let rows: Vec<mfa_recovery_code::ActiveModel> = codes
        .iter()
        .map(|c| mfa_recovery_code::ActiveModel {
            code_hash: Set(recovery_hash(user.id, c)),
            user_id: Set(user.id.0),
            used_at: Set(None),
            created_at: Set(now),
        })
        .collect();
    mfa_recovery_code::Entity::insert_many(rows)
        .exec(&txn)
        .await
        .db()?;
    audit::Event::new("mfa.enabled", user.tenant_id)
        .actor(user.id)
        .target(user.email.clone())
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
    c: &impl ConnectionTrait,
    app: &App,
    u: &user::Model,
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
        let r = user::Entity::update_many()
            .col_expr(user::Column::MfaLastStep, Expr::value(step))
            .filter(user::Column::Id.eq(u.id))
            .filter(
                sea_orm::Condition::any()
                    .add(user::Column::MfaLastStep.is_null())
                    .add(user::Column::MfaLastStep.lt(step)),
            )
            .exec(c)
            .await
            .db()?;
        return Ok((r.rows_affected == 1).then_some("totp"));
    }
    let r = mfa_recovery_code::Entity::update_many()
        .col_expr(mfa_recovery_code::Column::UsedAt, Expr::value(now))
        .filter(mfa_recovery_code::Column::CodeHash.eq(recovery_hash(UserId(u.id), code)))
        .filter(mfa_recovery_code::Column::UserId.eq(u.id))
        .filter(mfa_recovery_code::Column::UsedAt.is_null())
        .exec(c)
        .await
        .db()?;
    Ok((r.rows_affected == 1).then_some("recovery_code"))
}

/// Turns the second factor off: the password and a current code (or recovery code) are needed.
pub async fn disable(
    app: &App,
    user: &User,
    current_password: &str,
    code: &str,
    meta: &RequestMeta,
) -> Result<()> {
    let u = repo_u::by_id(app.db.reader(), user.tenant_id, user.id)
        .await?
        .ok_or(Error::NotFound)?;
    if u.mfa_enabled_at.is_none() {
        return Err(Error::Conflict("mfa_not_enabled"));
    }
    let pw = current_password.to_owned();
    let ok = match u.password_hash.clone() {
        Some(h) => blocking(move || password::verify(&pw, &h)).await?,
        None => false,
    };
    if !ok {
        return Err(Error::field("current_password", "password_wrong"));
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    if check(&txn, app, &u, code).await?.is_none() {
        return Err(Error::field("code", "mfa_code_wrong"));
    }
    repo_u::set(
        &txn,
        user.tenant_id,
        user.id,
        vec![
            (user::Column::MfaSecret, Expr::value(Option::<String>::None)),
            (
                user::Column::MfaEnabledAt,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            ),
        ],
        now,
    )
    .await?;
    mfa_recovery_code::Entity::delete_many()
        .filter(mfa_recovery_code::Column::UserId.eq(user.id.0))
        .exec(&txn)
        .await
        .db()?;
    audit::Event::new("mfa.disabled", user.tenant_id)
        .actor(user.id)
        .target(user.email.clone())
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// Recovery codes left.
pub async fn recovery_left(app: &App, user: &User) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    mfa_recovery_code::Entity::find()
        .filter(mfa_recovery_code::Column::UserId.eq(user.id.0))
        .filter(mfa_recovery_code::Column::UsedAt.is_null())
        .count(app.db.reader())
        .await
        .db()
}

/// Whether the tenant asks this person for a second factor they have not set up yet.
pub fn required_but_missing(tenant: &Tenant, user: &User) -> bool {
    tenant.require_mfa_admins
        && (user.is_tenant_admin || user.is_platform_admin)
        && !user.mfa_enabled
}
