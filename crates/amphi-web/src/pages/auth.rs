//! Sign up, email verification, sign in and out, password reset, first-admin setup.

use super::PageResultExt;
use crate::ctx::{clear_session_cookie, safe_next, session_cookie, Ctx};
use crate::error::PageResult;
use crate::forms::{CsrfForm, Empty};
use amphi_app::{accounts, sessions, setup};
use amphi_core::codes;
use amphi_core::tenant::SignupPolicy;
use amphi_core::Error;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use minijinja::{context, Value};
use serde::Deserialize;

/// Where to go after signing in; `local=1` shows the password form where the tenant hides it.
#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
    /// `1` shows the password form even where the tenant hides it (platform administrators'
    /// way in).
    local: Option<String>,
}

/// The tenant's single sign-on buttons, and whether to show the password form.
async fn sign_in_options(ctx: &Ctx, local: bool) -> (minijinja::Value, bool) {
    let options = amphi_app::sso::providers::sign_in_options(&ctx.state.app, ctx.tenant.id)
        .await
        .unwrap_or_else(|e| {
            crate::error::log_if_internal(&e);
            vec![]
        });
    (
        minijinja::Value::from_serialize(&options),
        local || !ctx.tenant.hide_local_passwords,
    )
}

/// A one-time token from a mail link.
#[derive(Deserialize, Default)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn signup_open(ctx: &Ctx) -> bool {
    ctx.tenant.signup_policy != SignupPolicy::Closed
}

/// GET /signup
pub async fn signup_form(ctx: Ctx) -> PageResult {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(ctx.page(
        "signup.html",
        context! { open => signup_open(&ctx), values => context!{}, errors => context!{} },
    ))
}

/// The sign-up form.
#[derive(Deserialize)]
pub struct SignupBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// POST /signup
pub async fn signup(ctx: Ctx, CsrfForm(f): CsrfForm<SignupBody>) -> PageResult {
    let values = context! { email => f.email, name => f.name };
    let form = accounts::SignupForm {
        email: f.email.clone(),
        name: f.name.clone(),
        password: f.password,
    };
    match accounts::sign_up(&ctx.state.app, &ctx.tenant, form, ctx.locale, &ctx.meta).await {
        Ok(()) => Ok(Redirect::to("/signup/sent").into_response()),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "signup.html",
            context! { open => true, values, errors => ctx.labelled_errors(&e, super::labels::PERSON) },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /signup/sent
pub async fn signup_sent(ctx: Ctx) -> PageResult {
    Ok(ctx.page(
        "message.html",
        context! { title_key => "signup-sent-title", body_key => "signup-sent-body" },
    ))
}

/// GET /verify-email?token=… shows a button: mail scanners that fetch links must not use up the token.
pub async fn verify_form(ctx: Ctx, Query(q): Query<TokenQuery>) -> PageResult {
    Ok(ctx.page("verify.html", context! { token => q.token }))
}

/// A one-time token from a mail.
#[derive(Deserialize)]
pub struct TokenBody {
    #[serde(default)]
    token: String,
}

/// POST /verify-email
pub async fn verify(ctx: Ctx, CsrfForm(f): CsrfForm<TokenBody>) -> PageResult {
    accounts::verify_email(&ctx.state.app, &ctx.tenant, &f.token, &ctx.meta)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with("/signin", "flash-email-verified"))
}

/// GET /signin
pub async fn signin_form(ctx: Ctx, Query(q): Query<NextQuery>) -> PageResult {
    if ctx.user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let (providers, show_local) = sign_in_options(&ctx, q.local.as_deref() == Some("1")).await;
    Ok(ctx.page(
        "signin.html",
        context! { next => safe_next(q.next.as_deref()), values => context!{}, error => None::<String>, signup_open => signup_open(&ctx) && show_local, providers, show_local },
    ))
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SigninBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// POST /signin
pub async fn signin(ctx: Ctx, jar: CookieJar, CsrfForm(f): CsrfForm<SigninBody>) -> PageResult {
    let next = safe_next(f.next.as_deref());
    let form = accounts::SignInForm {
        email: f.email.clone(),
        password: f.password,
    };
    let previous = jar.get(sessions::COOKIE).map(|c| c.value().to_owned());
    let app = &ctx.state.app;
    match accounts::sign_in(
        app,
        &ctx.tenant,
        form,
        previous.as_deref(),
        ctx.locale,
        &ctx.meta,
    )
    .await
    {
        Ok(accounts::SignIn::Done(cookie, _user)) => Ok((
            jar.add(session_cookie(&ctx.state, cookie)),
            Redirect::to(&next),
        )
            .into_response()),
        Ok(accounts::SignIn::SecondFactor(pending)) => {
            let c = axum_extra::extract::cookie::Cookie::build((MFA_COOKIE, pending))
                .path("/signin/mfa")
                .http_only(true)
                .same_site(axum_extra::extract::cookie::SameSite::Lax)
                .secure(ctx.state.app.config.https())
                .max_age(cookie::time::Duration::minutes(5))
                .build();
            Ok((
                jar.add(c),
                Redirect::to(&format!(
                    "/signin/mfa?next={}",
                    crate::ctx::urlencode(&next)
                )),
            )
                .into_response())
        }
        Ok(accounts::SignIn::Refused {
            tries_left,
            window_minutes,
        }) => {
            let mut message =
                amphi_app::i18n::t(ctx.locale, &format!("err-{}", codes::INVALID_CREDENTIALS));
            // Warn while there is still time to stop and reset the password instead.
            let warning = (tries_left <= 3).then(|| {
                amphi_app::i18n::t_with(
                    ctx.locale,
                    "signin-tries-left",
                    &[
                        ("count", tries_left.into()),
                        ("minutes", window_minutes.into()),
                    ],
                )
            });
            if tries_left == 0 {
                message = amphi_app::i18n::t_with(
                    ctx.locale,
                    "signin-locked",
                    &[("minutes", window_minutes.into())],
                );
            }
            let status = StatusCode::UNAUTHORIZED;
            Ok(signin_refused(
                &ctx,
                status,
                next,
                &f.email,
                message,
                warning,
                tries_left == 0,
                None,
            )
            .await)
        }
        Err(e) => {
            if matches!(e, Error::Internal(_)) {
                return Err(ctx.fail(&e));
            }
            let status = crate::error::status(&e);
            let locked = matches!(e, Error::RateLimited { .. });
            let message = match &e {
                Error::Unauthenticated => {
                    amphi_app::i18n::t(ctx.locale, &format!("err-{}", codes::INVALID_CREDENTIALS))
                }
                Error::RateLimited { retry_after_secs } => amphi_app::i18n::t_with(
                    ctx.locale,
                    "signin-locked",
                    &[("minutes", retry_after_secs.div_ceil(60).into())],
                ),
                _ => crate::error::message(&e, ctx.locale),
            };
            let mut resp = signin_refused(
                &ctx,
                status,
                next,
                &f.email,
                message,
                None,
                locked,
                Some(ctx.labelled_errors(&e, super::labels::SIGN_IN)),
            )
            .await;
            if let Error::RateLimited { retry_after_secs } = e {
                if let Ok(v) = axum::http::HeaderValue::from_str(&retry_after_secs.to_string()) {
                    resp.headers_mut()
                        .insert(axum::http::header::RETRY_AFTER, v);
                }
            }
            Ok(resp)
        }
    }
}

/// The sign-in form again after a refusal: what went wrong, a warning before the account's
/// sign-in pauses, and when it has paused, the way to reset the password.
#[allow(clippy::too_many_arguments)]
async fn signin_refused(
    ctx: &Ctx,
    status: StatusCode,
    next: String,
    email: &str,
    message: String,
    warning: Option<String>,
    locked: bool,
    errors: Option<minijinja::Value>,
) -> Response {
    let (providers, _) = sign_in_options(ctx, true).await;
    ctx.render(
        status,
        "signin.html",
        context! {
            next,
            values => context! { email },
            error => message,
            warning,
            locked,
            errors,
            signup_open => signup_open(ctx) && !ctx.tenant.hide_local_passwords,
            providers,
            show_local => true,
        },
    )
}

/// POST /signout — ends the session here; when a SAML sign-in opened it, goes on to the
/// identity provider's single logout (which sends the browser back to our SLO URL).
pub async fn signout(ctx: Ctx, jar: CookieJar, CsrfForm(_): CsrfForm<Empty>) -> PageResult {
    let mut idp = None;
    if let Some(su) = &ctx.user {
        let app = &ctx.state.app;
        let ended = sessions::end(app, &su.session_id).await.or_page(&ctx)?;
        if let Some(s) = ended {
            match amphi_app::sso::saml::sign_out_redirect(app, &ctx.tenant, &s, &ctx.meta).await {
                Ok(url) => idp = url,
                Err(e) => tracing::warn!(error = %e, "single logout not started"),
            }
        }
    }
    let jar = jar.add(clear_session_cookie(&ctx.state));
    Ok(match idp {
        // A page that goes on to the IdP by itself (a meta refresh, with a link): a redirect
        // answering this form would be refused by our CSP's `form-action 'self'`.
        Some((url, provider)) => {
            let mut ctx = ctx;
            ctx.user = None;
            (
                jar,
                ctx.page(
                    "sso_signout.html",
                    context! { url => url, provider => provider },
                ),
            )
                .into_response()
        }
        None => (jar, ctx.redirect_with("/", "flash-signed-out")).into_response(),
    })
}

/// GET /password/forgot
pub async fn forgot_form(ctx: Ctx) -> PageResult {
    Ok(ctx.page(
        "forgot.html",
        context! { values => context!{}, errors => context!{} },
    ))
}

/// The forgotten-password form.
#[derive(Deserialize)]
pub struct ForgotBody {
    #[serde(default)]
    email: String,
}

/// POST /password/forgot — the same answer whether or not the account exists.
pub async fn forgot(ctx: Ctx, CsrfForm(f): CsrfForm<ForgotBody>) -> PageResult {
    match accounts::request_password_reset(
        &ctx.state.app,
        &ctx.tenant,
        &f.email,
        ctx.locale,
        &ctx.meta,
    )
    .await
    {
        Ok(()) => Ok(ctx.page(
            "message.html",
            context! { title_key => "forgot-sent-title", body_key => "forgot-sent-body" },
        )),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "forgot.html",
            context! { values => context! { email => f.email }, errors => ctx.labelled_errors(&e, super::labels::SIGN_IN) },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /password/reset?token=…
pub async fn reset_form(ctx: Ctx, Query(q): Query<TokenQuery>) -> PageResult {
    let valid = accounts::reset_token_valid(&ctx.state.app, &ctx.tenant, &q.token).await;
    let page = context! { token => q.token, errors => context!{} };
    token_page(&ctx, valid, "reset.html", page)
}

/// The page a mailed link opens, or a refusal when its token is not (or no longer) valid.
fn token_page(ctx: &Ctx, valid: Result<bool, Error>, name: &str, page: Value) -> PageResult {
    if !valid.or_page(ctx)? {
        return Err(ctx.fail(&Error::BadRequest(codes::TOKEN_INVALID)));
    }
    Ok(ctx.page(name, page))
}

/// The new password with the token from the mail.
#[derive(Deserialize)]
pub struct ResetBody {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

/// POST /password/reset
pub async fn reset(ctx: Ctx, CsrfForm(f): CsrfForm<ResetBody>) -> PageResult {
    match accounts::reset_password(
        &ctx.state.app,
        &ctx.tenant,
        &f.token,
        &f.password,
        &ctx.meta,
    )
    .await
    {
        Ok(()) => Ok(ctx.redirect_with("/signin", "flash-password-reset")),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reset.html",
            context! { token => f.token, errors => ctx.labelled_errors(&e, super::labels::RESET) },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /setup?token=…
pub async fn setup_form(ctx: Ctx, Query(q): Query<TokenQuery>) -> PageResult {
    let valid = setup::setup_token_valid(&ctx.state.app, &ctx.tenant, &q.token).await;
    let page = context! { token => q.token, values => context!{}, errors => context!{} };
    token_page(&ctx, valid, "setup.html", page)
}

/// The first administrator's account, with the setup token.
#[derive(Deserialize)]
pub struct SetupBody {
    #[serde(default)]
    token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// POST /setup
pub async fn setup(ctx: Ctx, jar: CookieJar, CsrfForm(f): CsrfForm<SetupBody>) -> PageResult {
    let values = context! { email => f.email, name => f.name };
    let form = setup::SetupForm {
        email: f.email.clone(),
        name: f.name.clone(),
        password: f.password,
    };
    match setup::complete(&ctx.state.app, &ctx.tenant, &f.token, form, &ctx.meta).await {
        Ok((cookie, _)) => Ok((
            jar.add(session_cookie(&ctx.state, cookie)),
            ctx.redirect_with("/admin", "flash-setup-done"),
        )
            .into_response()),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "setup.html",
            context! { token => f.token, values, errors => ctx.labelled_errors(&e, super::labels::PERSON) },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// Cookie carrying the pending second-factor step (signed, five minutes).
pub const MFA_COOKIE: &str = "amphi_mfa";

/// GET /signin/mfa
pub async fn mfa_form(ctx: Ctx, jar: CookieJar, Query(q): Query<NextQuery>) -> PageResult {
    if jar.get(MFA_COOKIE).is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    Ok(ctx.page(
        "mfa_signin.html",
        context! { next => safe_next(q.next.as_deref()), errors => context!{} },
    ))
}

/// The second-factor code at sign-in, and where to go next.
#[derive(Deserialize)]
pub struct MfaBody {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// POST /signin/mfa
pub async fn mfa_submit(ctx: Ctx, jar: CookieJar, CsrfForm(f): CsrfForm<MfaBody>) -> PageResult {
    let next = safe_next(f.next.as_deref());
    let Some(pending) = jar.get(MFA_COOKIE).map(|c| c.value().to_owned()) else {
        return Err(ctx.fail(&Error::BadRequest(codes::MFA_PENDING_INVALID)));
    };
    match accounts::sign_in_second_factor(&ctx.state.app, &ctx.tenant, &pending, &f.code, &ctx.meta)
        .await
    {
        Ok((cookie, _)) => {
            let mut gone = axum_extra::extract::cookie::Cookie::build((MFA_COOKIE, ""))
                .path("/signin/mfa")
                .build();
            gone.make_removal();
            Ok((
                jar.add(gone).add(session_cookie(&ctx.state, cookie)),
                Redirect::to(&next),
            )
                .into_response())
        }
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNAUTHORIZED,
            "mfa_signin.html",
            context! { next, errors => ctx.labelled_errors(&e, super::labels::ACCOUNT) },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}
