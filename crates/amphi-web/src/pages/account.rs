//! The signed-in user's own account: profile, password, sessions, API tokens, language.

use super::PageResultExt;
use crate::ctx::{clear_session_cookie, safe_next, Authed, Ctx, LANG_COOKIE};
use crate::error::PageResult;
use crate::forms::{CsrfForm, Empty};
use crate::path::Ids;
use crate::templates::no_values;
use amphi_app::{accounts, api_tokens, sessions, Caller};
use amphi_core::codes;
use amphi_core::validate::{Locale, TimeZone};
use amphi_core::Error;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use minijinja::{context, Value};
use serde::Deserialize;

/// GET /account
pub async fn show(Authed(ctx, su): Authed) -> PageResult {
    render_account(
        &ctx,
        &su,
        StatusCode::OK,
        no_values(),
        no_values(),
        no_values(),
    )
    .await
}

async fn render_account(
    ctx: &Ctx,
    su: &Caller,
    status: StatusCode,
    profile_errors: Value,
    password_errors: Value,
    values: Value,
) -> PageResult {
    let list = sessions::list(&ctx.state.app, su).await.or_page(ctx)?;
    let zones: Vec<&str> = TimeZone::all_names().collect();
    Ok(ctx.render(
        status,
        "account.html",
        context! {
            me => Value::from_serialize(&su.user),
            sessions => Value::from_serialize(&list),
            zones,
            profile_errors,
            password_errors,
            values,
        },
    ))
}

/// The profile form.
#[derive(Deserialize)]
pub struct ProfileBody {
    name: Option<String>,
    locale: Option<String>,
    time_zone: Option<String>,
}

/// POST /account
pub async fn update_profile(
    Authed(ctx, su): Authed,
    CsrfForm(f): CsrfForm<ProfileBody>,
) -> PageResult {
    let form = accounts::ProfileForm {
        name: f.name.clone(),
        locale: f.locale.clone(),
        time_zone: f.time_zone.clone(),
    };
    match accounts::update_profile(&ctx.state.app, &su, form).await {
        Ok(_) => Ok(ctx.redirect_with("/account", "flash-profile-saved")),
        Err(e @ Error::Validation(_)) => {
            let values = context! { name => f.name, locale => f.locale, time_zone => f.time_zone };
            render_account(
                &ctx,
                &su,
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx.labelled_errors(&e, super::labels::ACCOUNT),
                no_values(),
                values,
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// The password change form.
#[derive(Deserialize)]
pub struct PasswordBody {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// POST /account/password
pub async fn change_password(
    Authed(ctx, su): Authed,
    CsrfForm(f): CsrfForm<PasswordBody>,
) -> PageResult {
    match accounts::change_password(&ctx.state.app, &su, &f.current_password, &f.new_password).await
    {
        Ok(()) => Ok(ctx.redirect_with("/account", "flash-password-changed")),
        Err(e @ Error::Validation(_)) => {
            render_account(
                &ctx,
                &su,
                StatusCode::UNPROCESSABLE_ENTITY,
                no_values(),
                ctx.labelled_errors(&e, super::labels::ACCOUNT),
                no_values(),
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /account/sessions/end-all — signs out every browser, this one too.
pub async fn end_all_sessions(
    Authed(ctx, su): Authed,
    jar: CookieJar,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    sessions::end_everywhere(&ctx.state.app, &su)
        .await
        .or_page(&ctx)?;
    Ok((
        jar.add(clear_session_cookie(&ctx.state)),
        ctx.redirect_with("/signin", "flash-signed-out-everywhere"),
    )
        .into_response())
}

/// GET /account/tokens
pub async fn tokens(Authed(ctx, su): Authed) -> PageResult {
    tokens_page(&ctx, &su, StatusCode::OK, None, no_values()).await
}

async fn tokens_page(
    ctx: &Ctx,
    su: &Caller,
    status: StatusCode,
    created: Option<String>,
    errors: Value,
) -> PageResult {
    let list = api_tokens::list(&ctx.state.app, su).await.or_page(ctx)?;
    Ok(ctx.render(
        status,
        "tokens.html",
        context! { tokens => Value::from_serialize(&list), created, errors, can_admin => amphi_app::rights::may_administer_site(su) },
    ))
}

/// POST /account/tokens — the secret is shown once, on this response only.
pub async fn create_token(
    Authed(ctx, su): Authed,
    CsrfForm(f): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let name = f
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let scopes: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "scopes")
        .map(|(_, v)| v.clone())
        .collect();
    let expires = match f
        .iter()
        .find(|(k, _)| k == "expires_in_days")
        .map(|(_, v)| v.trim().to_owned())
    {
        None => None,
        Some(v) if v.is_empty() => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => Some(-1),
        },
    };
    let form = api_tokens::NewTokenForm {
        name,
        scopes,
        expires_in_days: expires,
    };
    match api_tokens::create(&ctx.state.app, &su, form).await {
        Ok((secret, _)) => {
            tokens_page(&ctx, &su, StatusCode::CREATED, Some(secret), no_values()).await
        }
        Err(e @ Error::Validation(_)) => {
            tokens_page(
                &ctx,
                &su,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                ctx.labelled_errors(&e, super::labels::TOKEN),
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /account/tokens/{id}/revoke
pub async fn revoke_token(
    Authed(ctx, su): Authed,
    Ids(id): Ids<uuid::Uuid>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    api_tokens::revoke(&ctx.state.app, &su, id)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with("/account/tokens", "flash-token-revoked"))
}

/// The language switcher: the chosen language and the page to go back to.
#[derive(Deserialize)]
pub struct LangBody {
    #[serde(default)]
    locale: String,
    next: Option<String>,
}

/// POST /lang — the language switcher: saved on the account when signed in, in a cookie always.
pub async fn set_language(ctx: Ctx, jar: CookieJar, CsrfForm(f): CsrfForm<LangBody>) -> PageResult {
    let Some(locale) = Locale::from_tag(&f.locale) else {
        return Err(ctx.fail(&Error::BadRequest(codes::LOCALE_INVALID)));
    };
    if let Some(su) = ctx.caller() {
        accounts::set_locale(&ctx.state.app, &su, locale)
            .await
            .or_page(&ctx)?;
    }
    let c = Cookie::build((LANG_COOKIE, locale.tag()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(ctx.state.app.config.https())
        .max_age(cookie::time::Duration::days(365))
        .build();
    Ok((jar.add(c), Redirect::to(&safe_next(f.next.as_deref()))).into_response())
}

/// GET /account/mfa
pub async fn mfa_page(Authed(ctx, su): Authed) -> PageResult {
    let left = if su.user.mfa_enabled {
        Some(
            amphi_app::mfa::recovery_left(&ctx.state.app, &su)
                .await
                .or_page(&ctx)?,
        )
    } else {
        None
    };
    let required = amphi_app::mfa::required_but_missing(&ctx.tenant, &su.user);
    Ok(ctx.page("mfa.html", context! { enabled => su.user.mfa_enabled, recovery_left => left, required, errors => no_values() }))
}

/// POST /account/mfa/start — shows the QR code and asks for a first code.
pub async fn mfa_start(Authed(ctx, su): Authed, CsrfForm(_): CsrfForm<Empty>) -> PageResult {
    let e = amphi_app::mfa::start(&ctx.state.app, &su, &ctx.tenant)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "mfa_enrol.html",
        context! { secret => e.secret, qr_svg => e.qr_svg, errors => no_values() },
    ))
}

/// The first code from the authenticator app.
#[derive(Deserialize)]
pub struct CodeBody {
    #[serde(default)]
    code: String,
}

/// POST /account/mfa/confirm — turns it on and shows the recovery codes once.
pub async fn mfa_confirm(Authed(ctx, su): Authed, CsrfForm(f): CsrfForm<CodeBody>) -> PageResult {
    match amphi_app::mfa::confirm(&ctx.state.app, &su, &f.code).await {
        Ok(codes) => Ok(ctx.page("mfa_codes.html", context! { codes })),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "mfa_enrol.html",
            context! { errors => ctx.labelled_errors(&e, super::labels::ACCOUNT), retry => true },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// Turning the second factor off: the password and a current code.
#[derive(Deserialize)]
pub struct DisableBody {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    code: String,
}

/// POST /account/mfa/disable
pub async fn mfa_disable(
    Authed(ctx, su): Authed,
    CsrfForm(f): CsrfForm<DisableBody>,
) -> PageResult {
    match amphi_app::mfa::disable(&ctx.state.app, &su, &f.current_password, &f.code).await {
        Ok(()) => Ok(ctx.redirect_with("/account/mfa", "flash-mfa-disabled")),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "mfa.html",
            context! { enabled => true, recovery_left => None::<u64>, required => false, errors => ctx.labelled_errors(&e, super::labels::ACCOUNT) },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}
