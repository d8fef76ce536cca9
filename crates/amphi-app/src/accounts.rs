//! Self-service accounts: sign up, verify the address, sign in and out, reset or change the
//! password, edit the profile.

use crate::i18n::t_args;
use crate::mail::{self, OutgoingMail};
use crate::rate_limit::{self, Bucket};
use crate::sessions;
use crate::tenants::Tenant;
use crate::users::User;
use crate::{blocking, App, Caller, RequestMeta};
use amphi_auth::{password, token};
use amphi_core::codes;
use amphi_core::error::Fields;
use amphi_core::tenant::SignupPolicy;
use amphi_core::validate::{DisplayName, Email, Locale, NewPassword, TimeZone};
use amphi_core::{Error, Result, TenantId, UserId};
use amphi_db::repo::users::UserChanges;
use amphi_db::repo::{audit, email_tokens, sessions as repo_s, users as repo_u};
use amphi_db::{rows, Conn};
use chrono::Duration;
use serde::Deserialize;

/// Purpose of email-verification tokens.
pub const VERIFY: &str = "verify_email";
/// Purpose of password-reset tokens.
pub const RESET: &str = "reset_password";

/// Makes a single-use emailed token and returns its secret (only the hash is stored).
pub(crate) async fn issue_token(
    c: &impl Conn,
    tenant: TenantId,
    user: Option<uuid::Uuid>,
    purpose: &str,
    now: chrono::DateTime<chrono::Utc>,
    ttl: Duration,
) -> Result<String> {
    let tok = token::generate("");
    email_tokens::insert(
        c,
        tenant,
        email_tokens::new_row(tenant, user, tok.hash, purpose, now, now + ttl),
    )
    .await?;
    Ok(tok.plaintext)
}

/// Uses up a token presented by a person: returns it only if it was valid and unused.
pub(crate) async fn consume_token(
    c: &impl Conn,
    tenant: TenantId,
    plain: &str,
    purpose: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<rows::EmailToken>> {
    email_tokens::consume(c, tenant, &token::hash(plain.trim()), purpose, now).await
}

/// The sign-up form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignupForm {
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

/// Creates an unverified account and mails a verification link.
pub async fn sign_up(
    app: &App,
    tenant: &Tenant,
    form: SignupForm,
    locale: Locale,
    meta: &RequestMeta,
) -> Result<()> {
    if tenant.signup_policy == SignupPolicy::Closed {
        return Err(Error::Forbidden);
    }
    let mut f = Fields::new();
    let email = f.check(Email::parse("email", &form.email));
    let name = f.check(DisplayName::parse("name", &form.name));
    let pw = f.check(NewPassword::parse("password", &form.password));
    if let Some(e) = &email {
        if !tenant.signup_policy.allows(e) {
            f.push("email", codes::SIGNUP_DOMAIN_NOT_ALLOWED);
        }
    }
    f.finish()?;
    let (Some(email), Some(name), Some(pw)) = (email, name, pw) else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    if repo_u::by_email(app.db.reader(), tenant.id, email.as_str())
        .await?
        .is_some()
    {
        return Err(Error::field("email", codes::EMAIL_TAKEN));
    }
    let hash = blocking(move || password::hash(pw.expose()))
        .await?
        .map_err(Error::internal)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let u = insert_account(
        &txn,
        tenant.id,
        repo_u::NewUser {
            email: email.as_str().to_owned(),
            name: name.as_str().to_owned(),
            password_hash: Some(hash),
            email_verified_at: None,
            locale: Some(locale.tag().to_owned()),
            time_zone: "UTC".into(),
            is_platform_admin: false,
            is_tenant_admin: false,
        },
        now,
    )
    .await?;
    send_verification(&txn, app, tenant, &u, locale, meta).await?;
    audit::Event::of_person("account.signed_up", tenant.id, &u)
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// Creates a person's account; an address already in use is an error of the email field.
pub(crate) async fn insert_account(
    c: &impl Conn,
    tenant: TenantId,
    new: repo_u::NewUser,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<rows::User> {
    repo_u::insert(c, tenant, new, now)
        .await
        .map_err(|e| match e {
            Error::Conflict(_) => Error::field("email", codes::EMAIL_TAKEN),
            e => e,
        })
}

/// Queues the mail `kind` (the messages `mail-{kind}-subject` and `mail-{kind}-body`, with
/// `args`) to the person, in `locale`.
pub(crate) async fn mail_person(
    c: &impl Conn,
    tenant: TenantId,
    (u, locale): (&rows::User, Locale),
    kind: &str,
    args: &[(&str, String)],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let mail = OutgoingMail {
        to: u.email.clone(),
        subject: t_args(locale, &format!("mail-{kind}-subject"), args),
        text: t_args(locale, &format!("mail-{kind}-body"), args),
    };
    mail::enqueue(c, tenant, mail, now).await?;
    Ok(())
}

async fn send_verification(
    c: &impl Conn,
    app: &App,
    tenant: &Tenant,
    u: &rows::User,
    locale: Locale,
    meta: &RequestMeta,
) -> Result<()> {
    let now = app.now();
    let tok_plain = issue_token(c, tenant.id, Some(u.id), VERIFY, now, Duration::hours(48)).await?;
    let link = format!("{}/verify-email?token={}", meta.base_url, tok_plain);
    let args = [
        ("name", u.name.clone()),
        ("site", tenant.name.clone()),
        ("link", link),
    ];
    mail_person(c, tenant.id, (u, locale), "verify", &args, now).await?;
    Ok(())
}

/// Proves the address with the emailed token. Single use.
pub async fn verify_email(
    app: &App,
    tenant: &Tenant,
    token_plain: &str,
    meta: &RequestMeta,
) -> Result<User> {
    let now = app.now();
    let txn = app.db.begin().await?;
    let Some(tok) = consume_token(&txn, tenant.id, token_plain, VERIFY, now).await? else {
        return Err(Error::BadRequest(codes::TOKEN_INVALID));
    };
    let uid = UserId(tok.user_id.ok_or(Error::BadRequest(codes::TOKEN_INVALID))?);
    repo_u::set(
        &txn,
        tenant.id,
        uid,
        UserChanges {
            email_verified_at: Some(now),
            ..UserChanges::default()
        },
        now,
    )
    .await?;
    let u = repo_u::by_id(&txn, tenant.id, uid)
        .await?
        .ok_or(Error::BadRequest(codes::TOKEN_INVALID))?;
    audit::Event::new("account.email_verified", tenant.id)
        .actor(uid)
        .target(u.email.clone())
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(u.into())
}

/// The sign-in form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignInForm {
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
}

fn login_buckets(app: &App, tenant: TenantId, email: &str, ip: Option<&str>) -> Vec<Bucket> {
    let s = &app.config.security;
    let mut v = vec![Bucket {
        key: format!("login:acct:{tenant}:{email}"),
        max: s.login_attempts_per_account,
    }];
    if let Some(ip) = ip {
        v.push(Bucket {
            key: format!("login:ip:{ip}"),
            max: s.login_attempts_per_ip,
        });
    }
    v
}

/// Checks the password and opens a new session (a fresh id: any earlier cookie is not reused,
/// and the session of the browser's `previous` cookie ends). Unknown email and wrong password
/// give the same error, in the same time.
pub async fn sign_in(
    app: &App,
    tenant: &Tenant,
    form: SignInForm,
    previous: Option<&str>,
    locale: Locale,
    meta: &RequestMeta,
) -> Result<SignIn> {
    let email_raw = form.email.trim().to_lowercase();
    if email_raw.is_empty() || form.password.is_empty() {
        let mut f = Fields::new();
        if email_raw.is_empty() {
            f.push("email", codes::REQUIRED);
        }
        if form.password.is_empty() {
            f.push("password", codes::REQUIRED);
        }
        f.finish()?;
    }
    if email_raw.len() > Email::MAX_LEN || form.password.chars().count() > NewPassword::MAX_CHARS {
        return Err(Error::Unauthenticated);
    }
    let buckets = login_buckets(app, tenant.id, &email_raw, meta.ip.as_deref());
    if let Err(e) = rate_limit::check(app, &buckets).await {
        record_failure(app, tenant, &email_raw, "rate_limited", meta).await?;
        return Err(e);
    }
    let found = repo_u::by_email(app.db.reader(), tenant.id, &email_raw).await?;
    let pw = form.password.clone();
    let ok = match found.as_ref().and_then(|u| u.password_hash.clone()) {
        Some(h) => blocking(move || password::verify(&pw, &h)).await?,
        None => {
            blocking(move || password::verify_dummy(&pw)).await?;
            false
        }
    };
    let Some(u) = found.filter(|u| ok && u.active) else {
        rate_limit::hit(app, &buckets).await?;
        record_failure(app, tenant, &email_raw, "invalid_credentials", meta).await?;
        // Counted for unknown addresses too, so it tells nothing about who has an account.
        let tries_left = rate_limit::left(app, &buckets[0]).await?;
        return Ok(SignIn::Refused {
            tries_left,
            window_minutes: app.config.security.login_window_minutes.max(1),
        });
    };
    // A tenant that signs its people in through its providers keeps local passwords for
    // platform administrators only (the break-glass way in).
    if tenant.hide_local_passwords && !u.is_platform_admin {
        record_failure(app, tenant, &email_raw, "local_passwords_hidden", meta).await?;
        return Err(Error::Conflict(codes::LOCAL_PASSWORDS_HIDDEN));
    }
    if u.email_verified_at.is_none() {
        let txn = app.db.begin().await?;
        send_verification(
            &txn,
            app,
            tenant,
            &u,
            u.locale
                .as_deref()
                .and_then(Locale::from_tag)
                .unwrap_or(locale),
            meta,
        )
        .await?;
        txn.commit().await.map_err(Error::internal)?;
        return Err(Error::Conflict(codes::EMAIL_NOT_VERIFIED));
    }
    if u.mfa_enabled_at.is_some() {
        // The password was right; the session waits for the second factor.
        return Ok(SignIn::SecondFactor(pending_token(
            app,
            tenant,
            UserId(u.id),
            None,
        )));
    }
    rate_limit::clear(app, &buckets[0].key).await?;
    let (cookie, user) = open_session(app, tenant, u, "password", None, meta).await?;
    // A cookie planted before sign-in cannot ride along: its session ends.
    if let Some(old) = previous {
        sessions::end_replaced(app, &token::hash(old)).await;
    }
    Ok(SignIn::Done(cookie, user))
}

/// How a sign-in with a correct password continues.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the session cookie and the account.
    Done(String, User),
    /// A second factor is needed: a short-lived token to carry to the code page.
    SecondFactor(String),
    /// The email address or the password is wrong (the same answer for both), and how many
    /// more tries the account takes before sign-in to it pauses for the rest of the window.
    Refused {
        /// Tries left in this window (0: the next one is refused until the window ends).
        tries_left: i64,
        /// Length of the counting window, in minutes.
        window_minutes: i64,
    },
}

/// How long the second-factor step may take.
const PENDING_SECS: i64 = 300;

/// The signed token that carries a sign-in to its second factor: the account, the tenant,
/// the expiry and, for a sign-in through a provider, where it came from (base64 JSON, so
/// that the session opened after the code still knows its single logout).
pub(crate) fn pending_token(
    app: &App,
    tenant: &Tenant,
    user: UserId,
    sso: Option<&sessions::SsoOrigin>,
) -> String {
    use base64::Engine;
    let mut value = format!(
        "{user}.{}.{}",
        tenant.id,
        app.now().timestamp() + PENDING_SECS
    );
    if let Some(o) = sso {
        let json = serde_json::to_vec(o).unwrap_or_default();
        value.push('.');
        value.push_str(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json));
    }
    let sig = amphi_auth::signed::sign(app.secret(), "mfa-pending", &value);
    format!("{value}.{sig}")
}

/// Finishes a sign-in with the second factor (a TOTP code or a recovery code).
pub async fn sign_in_second_factor(
    app: &App,
    tenant: &Tenant,
    pending: &str,
    code: &str,
    meta: &RequestMeta,
) -> Result<(String, User)> {
    let mut parts = pending.rsplitn(2, '.');
    let (Some(sig), Some(value)) = (parts.next(), parts.next()) else {
        return Err(Error::BadRequest(codes::MFA_PENDING_INVALID));
    };
    if !amphi_auth::signed::verify(app.secret(), "mfa-pending", value, sig) {
        return Err(Error::BadRequest(codes::MFA_PENDING_INVALID));
    }
    let fields: Vec<&str> = value.split('.').collect();
    let (user, t, exp, sso) = match fields.as_slice() {
        [user, t, exp] => (user, t, exp, None),
        [user, t, exp, sso] => {
            use base64::Engine;
            let origin: sessions::SsoOrigin = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(sso)
                .ok()
                .and_then(|j| serde_json::from_slice(&j).ok())
                .ok_or(Error::BadRequest(codes::MFA_PENDING_INVALID))?;
            (user, t, exp, Some(origin))
        }
        _ => return Err(Error::BadRequest(codes::MFA_PENDING_INVALID)),
    };
    let exp: i64 = exp
        .parse()
        .map_err(|_| Error::BadRequest(codes::MFA_PENDING_INVALID))?;
    if *t != tenant.id.to_string() || exp < app.now().timestamp() {
        return Err(Error::BadRequest(codes::MFA_PENDING_INVALID));
    }
    let uid = UserId(
        user.parse()
            .map_err(|_| Error::BadRequest(codes::MFA_PENDING_INVALID))?,
    );
    let u = repo_u::by_id(app.db.reader(), tenant.id, uid)
        .await?
        .filter(|u| u.active)
        .ok_or(Error::BadRequest(codes::MFA_PENDING_INVALID))?;
    let buckets = login_buckets(app, tenant.id, &u.email, meta.ip.as_deref());
    rate_limit::check(app, &buckets).await?;
    let txn = app.db.begin().await?;
    let kind = crate::mfa::check(&txn, app, &u, code).await?;
    txn.commit().await.map_err(Error::internal)?;
    let Some(kind) = kind else {
        rate_limit::hit(app, &buckets).await?;
        record_failure(app, tenant, &u.email, "mfa_invalid", meta).await?;
        return Err(Error::field("code", codes::MFA_CODE_WRONG));
    };
    rate_limit::clear(app, &buckets[0].key).await?;
    open_session(
        app,
        tenant,
        u,
        if kind == "totp" {
            "password+totp"
        } else {
            "password+recovery_code"
        },
        sso.as_ref(),
        meta,
    )
    .await
}

async fn open_session(
    app: &App,
    tenant: &Tenant,
    u: rows::User,
    provider: &str,
    sso: Option<&sessions::SsoOrigin>,
    meta: &RequestMeta,
) -> Result<(String, User)> {
    let now = app.now();
    let (tid, uid, email) = (tenant.id, UserId(u.id), u.email.clone());
    let (sso, meta, provider) = (sso.cloned(), meta.clone(), provider.to_owned());
    let cookie = app
        .write(move |app| async move {
            let txn = app.db.begin().await?;
            let cookie = sessions::start(&txn, &app, tid, uid, sso.as_ref(), &meta).await?;
            repo_u::set(
                &txn,
                tid,
                uid,
                UserChanges {
                    last_sign_in_at: Some(now),
                    ..UserChanges::default()
                },
                now,
            )
            .await?;
            audit::Event::new("sign_in.success", tid)
                .actor(uid)
                .target(email)
                .ip(meta.ip.clone())
                .detail(serde_json::json!({ "provider": provider }))
                .record(&txn, now)
                .await?;
            txn.commit().await.map_err(Error::internal)?;
            Ok(cookie)
        })
        .await?;
    Ok((cookie, u.into()))
}

async fn record_failure(
    app: &App,
    tenant: &Tenant,
    email: &str,
    reason: &str,
    meta: &RequestMeta,
) -> Result<()> {
    audit::Event::new("sign_in.failure", tenant.id)
        .target(email.chars().take(254).collect::<String>())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "provider": "password", "reason": reason }))
        .record(app.db.writer(), app.now())
        .await
}

/// Mails a single-use reset link if the account exists. Answers the same either way.
pub async fn request_password_reset(
    app: &App,
    tenant: &Tenant,
    email: &str,
    locale: Locale,
    meta: &RequestMeta,
) -> Result<()> {
    let email = Email::parse("email", email)?;
    // One reset mail per address per window at most, so the form cannot be used to spam.
    let bucket = [Bucket {
        key: format!("reset:{}:{}", tenant.id, email.as_str()),
        max: 3,
    }];
    if rate_limit::check(app, &bucket).await.is_err() {
        return Ok(());
    }
    rate_limit::hit(app, &bucket).await?;
    let Some(u) = repo_u::by_email(app.db.reader(), tenant.id, email.as_str()).await? else {
        return Ok(());
    };
    if !u.active {
        return Ok(());
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    email_tokens::void_for_user(&txn, tenant.id, u.id, RESET, now).await?;
    let tok_plain =
        issue_token(&txn, tenant.id, Some(u.id), RESET, now, Duration::hours(1)).await?;
    let locale = u
        .locale
        .as_deref()
        .and_then(Locale::from_tag)
        .unwrap_or(locale);
    let link = format!("{}/password/reset?token={}", meta.base_url, tok_plain);
    let args = [
        ("name", u.name.clone()),
        ("site", tenant.name.clone()),
        ("link", link),
    ];
    mail_person(&txn, tenant.id, (&u, locale), "reset", &args, now).await?;
    audit::Event::of_person("password.reset_requested", tenant.id, &u)
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// Whether a reset token is still usable (to show the form or a clear error first).
pub async fn reset_token_valid(app: &App, tenant: &Tenant, token_plain: &str) -> Result<bool> {
    let tok = email_tokens::find(
        app.db.reader(),
        tenant.id,
        &token::hash(token_plain.trim()),
        RESET,
    )
    .await?;
    Ok(tok.is_some_and(|t| t.used_at.is_none() && t.expires_at > app.now()))
}

/// Sets a new password with a reset token; ends every session of the account.
pub async fn reset_password(
    app: &App,
    tenant: &Tenant,
    token_plain: &str,
    new_password: &str,
    meta: &RequestMeta,
) -> Result<()> {
    let pw = NewPassword::parse("password", new_password)?;
    if !reset_token_valid(app, tenant, token_plain).await? {
        return Err(Error::BadRequest(codes::TOKEN_INVALID));
    }
    let hash = blocking(move || password::hash(pw.expose()))
        .await?
        .map_err(Error::internal)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let Some(tok) = consume_token(&txn, tenant.id, token_plain, RESET, now).await? else {
        return Err(Error::BadRequest(codes::TOKEN_INVALID));
    };
    let uid = UserId(tok.user_id.ok_or(Error::BadRequest(codes::TOKEN_INVALID))?);
    // The link came to the mailbox, so the address is proven too.
    let verified = repo_u::by_id(&txn, tenant.id, uid)
        .await?
        .and_then(|u| u.email_verified_at)
        .unwrap_or(now);
    repo_u::set(
        &txn,
        tenant.id,
        uid,
        UserChanges {
            password_hash: Some(hash),
            email_verified_at: Some(verified),
            ..UserChanges::default()
        },
        now,
    )
    .await?;
    repo_s::delete_for_user(&txn, tenant.id, uid, None).await?;
    audit::Event::new("password.reset", tenant.id)
        .actor(uid)
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// Changes the password after checking the current one; other sessions end.
pub async fn change_password(
    app: &App,
    caller: &Caller,
    current: &str,
    new_password: &str,
) -> Result<()> {
    let (user, meta) = (&caller.user, &caller.meta);
    let pw = NewPassword::parse("new_password", new_password)?;
    let u = repo_u::by_id(app.db.reader(), user.tenant_id, user.id)
        .await?
        .ok_or(Error::NotFound)?;
    let cur = current.to_owned();
    let ok = match u.password_hash.clone() {
        Some(h) => blocking(move || password::verify(&cur, &h)).await?,
        None => false,
    };
    if !ok {
        return Err(Error::field("current_password", codes::PASSWORD_WRONG));
    }
    let hash = blocking(move || password::hash(pw.expose()))
        .await?
        .map_err(Error::internal)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    repo_u::set(
        &txn,
        user.tenant_id,
        user.id,
        UserChanges {
            password_hash: Some(hash),
            ..UserChanges::default()
        },
        now,
    )
    .await?;
    repo_s::delete_for_user(&txn, user.tenant_id, user.id, caller.session_id.as_deref()).await?;
    audit::Event::new("password.changed", user.tenant_id)
        .actor(user.id)
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// The profile form as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileForm {
    /// Display name.
    pub name: Option<String>,
    /// `en` or `fr`; empty for "follow my browser".
    pub locale: Option<String>,
    /// IANA time zone.
    pub time_zone: Option<String>,
}

/// Updates one's own name, language and time zone.
pub async fn update_profile(app: &App, caller: &Caller, form: ProfileForm) -> Result<User> {
    let user = &caller.user;
    let mut f = Fields::new();
    let mut changes = UserChanges::default();
    if let Some(n) = &form.name {
        if let Some(n) = f.check(DisplayName::parse("name", n)) {
            changes.name = Some(n.as_str().to_owned());
        }
    }
    if let Some(l) = &form.locale {
        if l.trim().is_empty() {
            changes.locale = Some(None);
        } else if let Some(l) = f.check(Locale::parse("locale", l)) {
            changes.locale = Some(Some(l.tag().to_owned()));
        }
    }
    if let Some(tz) = &form.time_zone {
        if let Some(tz) = f.check(TimeZone::parse("time_zone", tz)) {
            changes.time_zone = Some(tz.as_str().to_owned());
        }
    }
    f.finish()?;
    let now = app.now();
    if changes != UserChanges::default() {
        repo_u::set(app.db.writer(), user.tenant_id, user.id, changes, now).await?;
    }
    repo_u::by_id(app.db.writer(), user.tenant_id, user.id)
        .await?
        .map(User::from)
        .ok_or(Error::NotFound)
}

/// Sets only the preferred language (the language switcher of a signed-in user).
pub async fn set_locale(app: &App, caller: &Caller, locale: Locale) -> Result<()> {
    let user = &caller.user;
    repo_u::set(
        app.db.writer(),
        user.tenant_id,
        user.id,
        UserChanges {
            locale: Some(Some(locale.tag().to_owned())),
            ..UserChanges::default()
        },
        app.now(),
    )
    .await?;
    Ok(())
}
