//! Request context for HTML pages: the tenant from the Host header, the signed-in user from the
//! session cookie, the language, the CSRF token and facts for audit and links.

use crate::error::{self, PageError};
use crate::site::tenant_of;
use crate::WebState;
use amphi_app::rights::{self, Menu};
use amphi_app::sessions::{self, SessionUser};
use amphi_app::tenants::Tenant;
use amphi_app::{Caller, RequestMeta};
use amphi_auth::signed;
use amphi_core::validate::Locale;
use amphi_core::Error;
use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use minijinja::{context, Value};
use std::net::SocketAddr;

/// Cookie that carries the language chosen by a visitor who is not signed in.
pub const LANG_COOKIE: &str = "amphi_lang";
/// Cookie that anchors CSRF tokens before sign-in.
pub const ANON_COOKIE: &str = "amphi_csrf";
/// Cookie carrying a one-shot notice key to show after a redirect.
pub const FLASH_COOKIE: &str = "amphi_flash";

/// An anonymous CSRF anchor freshly issued by the middleware for this request.
#[derive(Clone, Debug)]
pub struct AnonAnchor(pub String);

/// The request id (from the request-id layer).
fn request_id(h: &HeaderMap) -> String {
    h.get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

/// Client address: the socket peer, or the first X-Forwarded-For hop behind a trusted proxy.
pub fn client_ip(parts: &Parts, behind_proxy: bool) -> Option<String> {
    if behind_proxy {
        if let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|s| s.trim().to_owned())
            .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
        {
            return Some(ip);
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
        .or_else(|| {
            parts
                .extensions
                .get::<MockConnectInfo<SocketAddr>>()
                .map(|c| c.0)
        })
        .map(|a| a.ip().to_string())
}

/// Request facts for audit records and links.
pub fn meta(state: &WebState, parts: &Parts, host: &str) -> RequestMeta {
    let cfg = &state.app.config;
    let mut scheme = if cfg.https() { "https" } else { "http" }.to_owned();
    if cfg.server.behind_proxy {
        if let Some(p) = parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
        {
            if p == "https" || p == "http" {
                scheme = p.to_owned();
            }
        }
    }
    RequestMeta {
        ip: client_ip(parts, cfg.server.behind_proxy),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(400).collect()),
        base_url: format!("{scheme}://{host}"),
    }
}

/// The value CSRF tokens are bound to: the session cookie if any, else the anonymous anchor.
pub fn csrf_anchor(parts: &Parts, jar: &CookieJar) -> Option<String> {
    jar.get(sessions::COOKIE)
        .map(|c| c.value().to_owned())
        .or_else(|| jar.get(ANON_COOKIE).map(|c| c.value().to_owned()))
        .or_else(|| parts.extensions.get::<AnonAnchor>().map(|a| a.0.clone()))
}

/// The CSRF token for an anchor.
pub fn csrf_token(state: &WebState, anchor: &str) -> String {
    signed::sign(state.app.secret(), "csrf", anchor)
}

/// Everything a page handler needs about the request.
#[derive(Clone)]
pub struct Ctx {
    /// The shared state.
    pub state: WebState,
    /// The tenant of the Host header.
    pub tenant: Tenant,
    /// The signed-in user, if any.
    pub user: Option<SessionUser>,
    /// The menu entries the user may use (none for a visitor).
    pub menu: Menu,
    /// Interface language.
    pub locale: Locale,
    /// CSRF token for forms on this page.
    pub csrf: String,
    /// Request facts.
    pub meta: RequestMeta,
    /// Path and query of this request.
    pub path: String,
    /// Request id.
    pub request_id: String,
    /// Notice to show once, from the previous redirect.
    pub flash: Option<String>,
    /// Whether htmx made the request (answer with a fragment).
    pub htmx: bool,
}

/// Language: the user's preference, then the visitor's cookie, then Accept-Language, then the
/// tenant's default.
pub fn negotiate_locale(
    user: Option<&SessionUser>,
    jar: &CookieJar,
    headers: &HeaderMap,
    tenant: &Tenant,
) -> Locale {
    user.and_then(|u| u.user.locale.as_deref().and_then(Locale::from_tag))
        .or_else(|| {
            jar.get(LANG_COOKIE)
                .and_then(|c| Locale::from_tag(c.value()))
        })
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::negotiate)
        })
        .unwrap_or(tenant.default_locale)
}

impl FromRequestParts<WebState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        // A handler that takes `Authed` and a `CsrfForm` extracts the context twice: the
        // second time it is the first one's (one session lookup per request, not two).
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let (tenant, host) = tenant_of(state, parts).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        let user = match jar.get(sessions::COOKIE) {
            Some(c) => match sessions::authenticate(&state.app, &tenant, c.value()).await {
                Ok(u) => u,
                Err(e) => {
                    error::log_if_internal(&e);
                    return Err(
                        (StatusCode::SERVICE_UNAVAILABLE, "Service unavailable").into_response()
                    );
                }
            },
            None => None,
        };
        let menu = match &user {
            Some(su) => rights::menu(&state.app, tenant.id, su).await.map_err(|e| {
                error::log_if_internal(&e);
                (StatusCode::SERVICE_UNAVAILABLE, "Service unavailable").into_response()
            })?,
            None => Menu::default(),
        };
        let locale = negotiate_locale(user.as_ref(), &jar, &parts.headers, &tenant);
        let csrf = csrf_anchor(parts, &jar)
            .map(|a| csrf_token(state, &a))
            .unwrap_or_default();
        let flash = jar
            .get(FLASH_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| {
                v.starts_with("flash-")
                    && v.len() < 64
                    && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        let ctx = Ctx {
            meta: meta(state, parts, &host),
            state: state.clone(),
            tenant,
            user,
            menu,
            locale,
            csrf,
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_else(|| "/".into()),
            request_id: request_id(&parts.headers),
            flash,
            htmx: parts.headers.contains_key("hx-request"),
        };
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

/// A page that needs a signed-in user; anonymous visitors are sent to sign in and come back.
/// The second field is who the use cases run for.
pub struct Authed(pub Ctx, pub Caller);

impl FromRequestParts<WebState> for Authed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        match ctx.user.clone() {
            // Administrators of a tenant that requires a second factor set it up before they
            // reach any administration page.
            Some(u)
                if parts.uri.path().starts_with("/admin")
                    && amphi_app::mfa::required_but_missing(&ctx.tenant, &u.user) =>
            {
                Err(ctx.redirect_with("/account/mfa", "flash-mfa-required"))
            }
            Some(u) => {
                let caller = ctx.caller_of(u);
                Ok(Authed(ctx, caller))
            }
            None => {
                Err(Redirect::to(&format!("/signin?next={}", urlencode(&ctx.path))).into_response())
            }
        }
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A local path safe to redirect to after sign-in (never another site).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.contains(['\r', '\n']) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

impl Ctx {
    /// Who a use case runs for when the visitor is signed in.
    pub fn caller(&self) -> Option<Caller> {
        self.user.clone().map(|u| self.caller_of(u))
    }

    fn caller_of(&self, su: SessionUser) -> Caller {
        Caller {
            user: su.user,
            tenant: self.tenant.id,
            meta: self.meta.clone(),
            session_id: Some(su.session_id),
        }
    }

    /// Base values every template gets.
    fn base(&self) -> Value {
        let site = context! {
            name => self.tenant.name,
            logo_url => self.tenant.logo_url,
            footer_text => self.tenant.footer_text,
            slug => self.tenant.slug,
        };
        let user = self.user.as_ref().map(|u| {
            context! {
                name => u.user.name,
                email => u.user.email,
            }
        });
        let locales: Vec<Value> = Locale::ALL
            .iter()
            .map(|l| context! { tag => l.tag(), name => amphi_app::i18n::t(*l, "language-name"), current => *l == self.locale })
            .collect();
        context! {
            site,
            user,
            menu => Value::from_serialize(self.menu),
            locale => self.locale.tag(),
            locales,
            csrf => self.csrf,
            path => self.path,
            flash => self.flash,
            request_id => self.request_id,
            asset_version => crate::assets::ASSET_VERSION.as_str(),
            theme_version => self.tenant.primary_colour.trim_start_matches('#'),
        }
    }

    /// Renders a page with the base values merged under `extra`.
    pub fn render(&self, status: StatusCode, name: &str, extra: Value) -> Response {
        let ctx = context! { ..extra, ..self.base() };
        match self.state.templates.render(&self.tenant.slug, name, ctx) {
            Ok(html) => {
                let mut resp = (status, Html(html)).into_response();
                if self.flash.is_some() {
                    let mut c = Cookie::build((FLASH_COOKIE, "")).path("/").build();
                    c.make_removal();
                    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
                        resp.headers_mut().append(header::SET_COOKIE, v);
                    }
                }
                resp
            }
            Err(e) => {
                tracing::error!(template = name, error = %e, "template failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("Internal error (request {})", self.request_id),
                )
                    .into_response()
            }
        }
    }

    /// Renders a page with 200.
    pub fn page(&self, name: &str, extra: Value) -> Response {
        self.render(StatusCode::OK, name, extra)
    }

    /// A page, or for htmx (which swaps a part of the page in place) only that part.
    pub fn page_or_part(&self, page: &str, part: &str, extra: Value) -> Response {
        self.page(if self.htmx { part } else { page }, extra)
    }

    /// The error page for a domain error (sign-in redirect for Unauthenticated).
    pub fn error_page(&self, e: &Error) -> Response {
        if matches!(e, Error::Unauthenticated) && self.user.is_none() {
            return Redirect::to(&format!("/signin?next={}", urlencode(&self.path)))
                .into_response();
        }
        let internal = error::log_if_internal(e);
        // What happened, in the title; what to do, under the message.
        let kind = match e {
            Error::Forbidden => "forbidden",
            Error::NotFound => "not-found",
            _ => "other",
        };
        let mut resp = self.render(
            error::status(e),
            "error.html",
            context! { message => error::message(e, self.locale), internal, kind },
        );
        if let Error::RateLimited { retry_after_secs } = e {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }

    /// The error page for a domain error, as a page handler's early answer.
    pub fn fail(&self, e: &Error) -> PageError {
        self.error_page(e).into()
    }

    /// The error page; for a refused form that sits on a list page (no form page to show it
    /// again), every field's message in one line.
    pub fn refused(&self, e: &Error) -> PageError {
        let Error::Validation(fs) = e else {
            return self.fail(e);
        };
        let message = fs
            .iter()
            .map(|f| amphi_app::i18n::t(self.locale, &format!("err-{}", f.code)))
            .collect::<Vec<_>>()
            .join(" ");
        self.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error.html",
            context! { message },
        )
        .into()
    }

    /// Field errors translated, as a map for templates.
    pub fn field_errors(&self, e: &Error) -> Value {
        let mut map = std::collections::BTreeMap::new();
        if let Error::Validation(fs) = e {
            for f in fs {
                map.entry(f.field.clone())
                    .or_insert_with(|| amphi_app::i18n::t(self.locale, &format!("err-{}", f.code)));
            }
        }
        Value::from_serialize(&map)
    }

    /// Redirect after a successful POST, with a notice to show on the next page.
    pub fn redirect_with(&self, to: &str, flash_key: &str) -> Response {
        let mut resp = Redirect::to(to).into_response();
        let c = Cookie::build((FLASH_COOKIE, flash_key.to_owned()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.state.app.config.https())
            .build();
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
        resp
    }
}

/// Builds a session cookie (HttpOnly, SameSite=Lax, Secure behind https).
pub fn session_cookie(state: &WebState, value: String) -> Cookie<'static> {
    Cookie::build((sessions::COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.app.config.https())
        .build()
}

/// A cookie that removes the session.
pub fn clear_session_cookie(state: &WebState) -> Cookie<'static> {
    let mut c = Cookie::build((sessions::COOKIE, ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.app.config.https())
        .build();
    c.make_removal();
    c
}
