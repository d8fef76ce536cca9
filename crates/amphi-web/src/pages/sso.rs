//! Single sign-on routes: OIDC login and callback, the partner hand-off, the page that links
//! a provider identity to an existing local account. A refused sign-in shows the sign-in error
//! page and sets no session cookie.

use super::PageResultExt;
use crate::ctx::{session_cookie, Ctx};
use crate::error::{PageError, PageResult};
use crate::forms::CsrfForm;
use amphi_app::sessions::Browser;
use amphi_app::sso::{self, Failure, Outcome};
use amphi_core::codes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use minijinja::context;
use serde::Deserialize;

/// Cookie binding an OIDC sign-in to the browser that started it.
const STATE_COOKIE: &str = "amphi_sso_state";
/// Cookie carrying a pending account link.
const LINK_COOKIE: &str = "amphi_sso_link";

fn short_cookie(
    ctx: &Ctx,
    name: &'static str,
    value: String,
    path: &'static str,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path(path)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(ctx.state.app.config.https())
        .max_age(cookie::time::Duration::minutes(10))
        .build()
}

fn gone(name: &'static str, path: &'static str) -> Cookie<'static> {
    let mut c = Cookie::build((name, "")).path(path).build();
    c.make_removal();
    c
}

/// The sign-in error page: the reason in the visitor's language, 401 (502 when the provider
/// could not be reached), no session.
fn failure_page(ctx: &Ctx, f: &Failure) -> PageError {
    if let Failure::Internal(e) = f {
        return ctx.fail(e);
    }
    let reason = f.reason();
    let status = match reason {
        "provider_unreachable" => StatusCode::BAD_GATEWAY,
        "rate_limited" => StatusCode::TOO_MANY_REQUESTS,
        "provider_unknown" => StatusCode::NOT_FOUND,
        "next_invalid" | "token_malformed" | "code_missing" => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNAUTHORIZED,
    };
    let key = format!("sso-reason-{}", reason.replace('_', "-"));
    let text = amphi_app::i18n::t(ctx.locale, &key);
    let message = if text == key {
        amphi_app::i18n::t(ctx.locale, "sso-reason-other")
    } else {
        text
    };
    ctx.render(status, "sso_error.html", context! { message, reason })
        .into()
}

/// Turns an outcome into cookies and a redirect.
async fn landed(ctx: &Ctx, jar: CookieJar, outcome: Outcome, next: &str) -> PageResult {
    let jar = jar.add(gone(STATE_COOKIE, "/sso/"));
    match outcome {
        // The sign-in use case has ended the browser's earlier session, if any.
        Outcome::SignedIn(cookie, _) => Ok((
            jar.add(session_cookie(&ctx.state, cookie)),
            Redirect::to(next),
        )
            .into_response()),
        Outcome::SecondFactor(pending) => {
            let c = Cookie::build((super::auth::MFA_COOKIE, pending))
                .path("/signin/mfa")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(ctx.state.app.config.https())
                .max_age(cookie::time::Duration::minutes(5))
                .build();
            Ok((
                jar.add(c),
                Redirect::to(&format!("/signin/mfa?next={}", crate::ctx::urlencode(next))),
            )
                .into_response())
        }
        Outcome::NeedsLink(token) => Ok((
            jar.add(short_cookie(ctx, LINK_COOKIE, token, "/sso/link")),
            Redirect::to(&format!("/sso/link?next={}", crate::ctx::urlencode(next))),
        )
            .into_response()),
    }
}

/// Where to go after signing in through the provider.
#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

/// GET /sso/oidc/{provider}/login?next=…
pub async fn oidc_login(
    ctx: Ctx,
    jar: CookieJar,
    Path(slug): Path<String>,
    Query(q): Query<NextQuery>,
) -> PageResult {
    let next = sso::same_site_path(q.next.as_deref()).unwrap_or_else(|| "/".into());
    let (url, state) = sso::oidc::begin(&ctx.state.app, &ctx.tenant, &slug, &next, &ctx.meta)
        .await
        .map_err(|f| failure_page(&ctx, &f))?;
    Ok((
        jar.add(short_cookie(&ctx, STATE_COOKIE, state, "/sso/")),
        Redirect::to(&url),
    )
        .into_response())
}

/// GET /sso/oidc/{provider}/callback?state=…&code=…
pub async fn oidc_callback(
    ctx: Ctx,
    jar: CookieJar,
    Path(slug): Path<String>,
    Query(cb): Query<sso::oidc::Callback>,
) -> PageResult {
    let cookie_state = jar.get(STATE_COOKIE).map(|c| c.value().to_owned());
    match sso::oidc::finish(
        &ctx.state.app,
        &ctx.tenant,
        &slug,
        cb,
        cookie_state.as_deref(),
        Browser::same_site(ctx.user.as_ref()),
        &ctx.meta,
    )
    .await
    {
        Ok((outcome, next)) => landed(&ctx, jar, outcome, &next).await,
        // The state cookie stays: a forged callback must not spoil the real one (each state is
        // used once on our side anyway).
        Err(f) => Err(failure_page(&ctx, &f)),
    }
}

/// Directory username and password from the sign-in page.
#[derive(Deserialize)]
pub struct LdapBody {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// POST /sso/ldap/{provider} — the directory username and password from the sign-in page.
pub async fn ldap(
    ctx: Ctx,
    jar: CookieJar,
    Path(slug): Path<String>,
    CsrfForm(f): CsrfForm<LdapBody>,
) -> PageResult {
    let next = sso::same_site_path(f.next.as_deref()).unwrap_or_else(|| "/".into());
    match sso::ldap::sign_in(
        &ctx.state.app,
        &ctx.tenant,
        &slug,
        &f.username,
        &f.password,
        Browser::same_site(ctx.user.as_ref()),
        &ctx.meta,
    )
    .await
    {
        Ok(outcome) => landed(&ctx, jar, outcome, &next).await,
        Err(f) => Err(failure_page(&ctx, &f)),
    }
}

/// GET /sso/saml/{provider}/metadata — our service-provider metadata.
pub async fn saml_metadata(ctx: Ctx, Path(slug): Path<String>) -> PageResult {
    let xml = sso::saml::metadata(&ctx.state.app, ctx.tenant.id, &slug, &ctx.meta)
        .await
        .or_page(&ctx)?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "application/samlmetadata+xml; charset=utf-8",
        )],
        xml,
    )
        .into_response())
}

/// GET /sso/saml/{provider}/login?next=…
pub async fn saml_login(
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<NextQuery>,
) -> PageResult {
    let next = sso::same_site_path(q.next.as_deref()).unwrap_or_else(|| "/".into());
    let url = sso::saml::begin(&ctx.state.app, &ctx.tenant, &slug, &next, &ctx.meta)
        .await
        .map_err(|f| failure_page(&ctx, &f))?;
    Ok(Redirect::to(&url).into_response())
}

/// GET /sso/saml/{provider}/slo — the IdP's single logout request (ends this site's sessions of
/// that person), or the IdP's answer to ours (back home).
pub async fn saml_slo(
    ctx: Ctx,
    jar: CookieJar,
    Path(slug): Path<String>,
    uri: axum::http::Uri,
) -> PageResult {
    let query = uri.query().unwrap_or("");
    if !query.contains("SAMLRequest=") {
        if !query.contains("SAMLResponse=") {
            return Ok(Redirect::to("/").into_response());
        }
        // The IdP's answer to our sign-out: this site's session ended before the browser
        // left; say whether the IdP confirmed its own.
        let app = &ctx.state.app;
        return match sso::saml::sign_out_finished(app, &ctx.tenant, &slug, query, &ctx.meta).await {
            Ok(()) => Ok(ctx.redirect_with("/", "flash-signed-out")),
            Err(Failure::Refused(_)) => {
                Ok(ctx.redirect_with("/", "flash-signed-out-idp-unconfirmed"))
            }
            Err(f) => Err(failure_page(&ctx, &f)),
        };
    }
    let url = sso::saml::idp_logout(&ctx.state.app, &ctx.tenant, &slug, query, &ctx.meta)
        .await
        .map_err(|f| failure_page(&ctx, &f))?;
    Ok((
        jar.add(crate::ctx::clear_session_cookie(&ctx.state)),
        Redirect::to(&url),
    )
        .into_response())
}

/// What the IdP posts to the ACS.
#[derive(Deserialize, Default)]
pub struct AcsBody {
    #[serde(rename = "SAMLResponse")]
    saml_response: Option<String>,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// POST /sso/saml/{provider}/acs — the IdP's HTTP-POST response. No CSRF token: the post
/// comes from the IdP's page; the RelayState (single use) and InResponseTo bind it to the
/// sign-in this site started.
pub async fn saml_acs(
    ctx: Ctx,
    jar: CookieJar,
    Path(slug): Path<String>,
    axum::extract::Form(f): axum::extract::Form<AcsBody>,
) -> PageResult {
    // The post is cross-site, so it cannot be bound to this browser by a cookie: never link it
    // to whoever is signed in here (see `partner`).
    match sso::saml::acs(
        &ctx.state.app,
        &ctx.tenant,
        &slug,
        f.saml_response.as_deref(),
        f.relay_state.as_deref(),
        Browser::cross_site(ctx.user.as_ref()),
        &ctx.meta,
    )
    .await
    {
        Ok((outcome, next)) => landed(&ctx, jar, outcome, &next).await,
        Err(f) => Err(failure_page(&ctx, &f)),
    }
}

/// The partner hand-off: the signed token and where to go next.
#[derive(Deserialize, Default)]
pub struct HandOffQuery {
    token: Option<String>,
    next: Option<String>,
}

/// GET /sso/partner/{provider}?token=…&next=…
pub async fn partner(
    ctx: Ctx,
    jar: CookieJar,
    Path(slug): Path<String>,
    Query(q): Query<HandOffQuery>,
) -> PageResult {
    // Never linked to whoever is signed in on this browser: the link could have been planted
    // by someone else (a token for their own partner account), so a first hand-off matches or
    // creates by the token alone, and an existing local account is linked only with its password.
    match sso::partner::hand_off(
        &ctx.state.app,
        &ctx.tenant,
        &slug,
        q.token.as_deref(),
        q.next.as_deref(),
        Browser::cross_site(ctx.user.as_ref()),
        &ctx.meta,
    )
    .await
    {
        Ok((outcome, next)) => landed(&ctx, jar, outcome, &next).await,
        Err(f) => Err(failure_page(&ctx, &f)),
    }
}

/// GET /sso/link — asks for the local password before linking a provider identity.
pub async fn link_form(ctx: Ctx, jar: CookieJar, Query(q): Query<NextQuery>) -> PageResult {
    let Some(tok) = jar.get(LINK_COOKIE).map(|c| c.value().to_owned()) else {
        return Err(failure_page(&ctx, &Failure::Refused("link_expired")));
    };
    match sso::signin::pending_link(&ctx.state.app, &ctx.tenant, &tok).await {
        Ok(Some((provider, email))) => Ok(ctx.page(
            "sso_link.html",
            context! {
                provider, email,
                next => sso::same_site_path(q.next.as_deref()).unwrap_or_else(|| "/".into()),
                errors => context!{},
            },
        )),
        Ok(None) => Err(failure_page(&ctx, &Failure::Refused("link_expired"))),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// The local password that proves the account before linking a provider identity.
#[derive(Deserialize)]
pub struct LinkBody {
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// POST /sso/link
pub async fn link_submit(ctx: Ctx, jar: CookieJar, CsrfForm(f): CsrfForm<LinkBody>) -> PageResult {
    let next = sso::same_site_path(f.next.as_deref()).unwrap_or_else(|| "/".into());
    let Some(tok) = jar.get(LINK_COOKIE).map(|c| c.value().to_owned()) else {
        return Err(failure_page(&ctx, &Failure::Refused("link_expired")));
    };
    match sso::signin::confirm_link(&ctx.state.app, &ctx.tenant, &tok, &f.password, &ctx.meta).await
    {
        Ok(outcome) => {
            landed(
                &ctx,
                jar.add(gone(LINK_COOKIE, "/sso/link")),
                outcome,
                &next,
            )
            .await
        }
        Err(Failure::Refused("link_password_wrong")) => {
            let (provider, email) = sso::signin::pending_link(&ctx.state.app, &ctx.tenant, &tok)
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            Ok(ctx.render(
                StatusCode::UNAUTHORIZED,
                "sso_link.html",
                context! {
                    provider, email, next,
                    errors => context! { password => amphi_app::i18n::t(ctx.locale, &format!("err-{}", codes::INVALID_CREDENTIALS)) },
                },
            ))
        }
        Err(f) => Err(failure_page(&ctx, &f)),
    }
}
