//! First start: a one-time link to create the first platform administrator, and the same from
//! the command line.

use crate::accounts::RESET;
use crate::sessions;
use crate::tenants::Tenant;
use crate::users::User;
use crate::{blocking, App, RequestMeta};
use amphi_auth::{password, token};
use amphi_core::codes;
use amphi_core::error::Fields;
use amphi_core::validate::{DisplayName, Email, NewPassword};
use amphi_core::{Error, Result, UserId};
use amphi_db::repo::{audit, email_tokens, tenants as repo_t, users as repo_u};
use chrono::Duration;
use serde::Deserialize;

/// Purpose of setup tokens.
pub const SETUP: &str = "setup";

/// If no platform administrator exists yet, makes a setup token (valid 24 hours, single use)
/// and returns the path to open.
pub async fn setup_link(app: &App, default_tenant: &Tenant) -> Result<Option<String>> {
    if repo_u::count_platform_admins(app.db.reader()).await? > 0 {
        return Ok(None);
    }
    let now = app.now();
    let tok_plain = crate::accounts::issue_token(
        app.db.writer(),
        default_tenant.id,
        None,
        SETUP,
        now,
        Duration::hours(24),
    )
    .await?;
    Ok(Some(format!("/setup?token={}", tok_plain)))
}

/// Whether a setup token can still be used.
pub async fn setup_token_valid(app: &App, tenant: &Tenant, token_plain: &str) -> Result<bool> {
    if !tenant.is_default {
        return Ok(false);
    }
    let t = email_tokens::find(
        app.db.reader(),
        tenant.id,
        &token::hash(token_plain.trim()),
        SETUP,
    )
    .await?;
    Ok(t.is_some_and(|t| t.used_at.is_none() && t.expires_at > app.now()))
}

/// The setup form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SetupForm {
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Password.
    #[serde(default)]
    pub password: String,
}

/// Creates the first platform administrator with a setup token and signs them in.
pub async fn complete(
    app: &App,
    tenant: &Tenant,
    token_plain: &str,
    form: SetupForm,
    meta: &RequestMeta,
) -> Result<(String, User)> {
    if !setup_token_valid(app, tenant, token_plain).await? {
        return Err(Error::BadRequest(codes::TOKEN_INVALID));
    }
    let mut f = Fields::new();
    let email = f.check(Email::parse("email", &form.email));
    let name = f.check(DisplayName::parse("name", &form.name));
    let pw = f.check(NewPassword::parse("password", &form.password));
    f.finish()?;
    let (Some(email), Some(name), Some(pw)) = (email, name, pw) else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let hash = blocking(move || password::hash(pw.expose()))
        .await?
        .map_err(Error::internal)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    if crate::accounts::consume_token(&txn, tenant.id, token_plain, SETUP, now)
        .await?
        .is_none()
    {
        return Err(Error::BadRequest(codes::TOKEN_INVALID));
    }
    let u = crate::accounts::insert_account(
        &txn,
        tenant.id,
        repo_u::NewUser {
            email: email.as_str().to_owned(),
            name: name.as_str().to_owned(),
            password_hash: Some(hash),
            email_verified_at: Some(now),
            locale: None,
            time_zone: "UTC".into(),
            is_platform_admin: true,
            is_tenant_admin: true,
        },
        now,
    )
    .await?;
    let cookie = sessions::start(&txn, app, tenant.id, UserId(u.id), None, meta).await?;
    audit::Event::of_person("platform.admin_created", tenant.id, &u)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "via": "setup_link" }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok((cookie, u.into()))
}

/// What `amphi admin create-user` asks for.
#[derive(Debug, Clone)]
pub struct CliUser {
    /// Tenant slug (None: the default tenant).
    pub tenant_slug: Option<String>,
    /// Email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Platform administrator.
    pub platform_admin: bool,
    /// Tenant administrator.
    pub tenant_admin: bool,
    /// Password; None to print a one-time link that sets it.
    pub password: Option<String>,
}

/// Creates a verified account from the shell. Without a password, returns a link (valid 24
/// hours) where the person chooses one.
pub async fn create_user_cli(app: &App, req: CliUser) -> Result<(User, Option<String>)> {
    let tenant = match &req.tenant_slug {
        Some(s) => repo_t::by_slug(app.db.reader(), s).await?,
        None => repo_t::default_tenant(app.db.reader()).await?,
    }
    .ok_or(Error::BadRequest(codes::TENANT_NOT_FOUND))?;
    let tenant: Tenant = tenant.into();
    if req.platform_admin && !tenant.is_default {
        return Err(Error::BadRequest(
            codes::PLATFORM_ADMIN_MUST_BE_IN_DEFAULT_TENANT,
        ));
    }
    let mut f = Fields::new();
    let email = f.check(Email::parse("email", &req.email));
    let name = f.check(DisplayName::parse("name", &req.name));
    let pw = match &req.password {
        Some(p) => f.check(NewPassword::parse("password", p)),
        None => None,
    };
    f.finish()?;
    let (Some(email), Some(name)) = (email, name) else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let hash = match pw {
        Some(pw) => Some(
            blocking(move || password::hash(pw.expose()))
                .await?
                .map_err(Error::internal)?,
        ),
        None => None,
    };
    let now = app.now();
    let txn = app.db.begin().await?;
    let u = crate::accounts::insert_account(
        &txn,
        tenant.id,
        repo_u::NewUser {
            email: email.as_str().to_owned(),
            name: name.as_str().to_owned(),
            password_hash: hash.clone(),
            email_verified_at: Some(now),
            locale: None,
            time_zone: "UTC".into(),
            is_platform_admin: req.platform_admin,
            is_tenant_admin: req.tenant_admin || req.platform_admin,
        },
        now,
    )
    .await?;
    let link = if hash.is_none() {
        let tok_plain = crate::accounts::issue_token(
            &txn,
            tenant.id,
            Some(u.id),
            RESET,
            now,
            Duration::hours(24),
        )
        .await?;
        Some(format!("/password/reset?token={}", tok_plain))
    } else {
        None
    };
    audit::Event::new("user.created", tenant.id).target(u.email.clone()).detail(serde_json::json!({ "via": "cli", "platform_admin": req.platform_admin, "tenant_admin": u.is_tenant_admin })).record(&txn, now).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok((u.into(), link))
}
