//! Administration pages: users of the tenant (tenant administrators), the tenant's own site
//! settings, and every tenant (platform administrators).

use super::{cursor, PageResultExt};
use crate::ctx::Authed;
use crate::error::PageResult;
use crate::forms::CsrfForm;
use crate::path::Ids;
use amphi_app::rights;
use amphi_app::tenants::{self, TenantForm};
use amphi_app::users::{self, UserPatch};
use amphi_core::codes;
use amphi_core::tenant::SignupPolicy;
use amphi_core::{Error, TenantId, UserId};
use axum::extract::Query;
use axum::http::StatusCode;
use minijinja::{context, Value};
use serde::Deserialize;

/// GET /admin
pub async fn index(Authed(ctx, su): Authed) -> PageResult {
    rights::require_site_admin(&su).or_page(&ctx)?;
    Ok(ctx.page("admin/index.html", context! {}))
}

/// Search and paging of a list.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    after: Option<String>,
}

/// GET /admin/users?q=…&after=… (htmx asks for the rows only)
pub async fn users(Authed(ctx, su): Authed, Query(q): Query<ListQuery>) -> PageResult {
    let after = cursor(q.after.as_deref()).or_page(&ctx)?;
    let page = users::list(&ctx.state.app, &su, q.q.as_deref(), after, 50)
        .await
        .or_page(&ctx)?;
    let v = context! {
        users => Value::from_serialize(&page.items),
        next => page.next.map(|n| n.to_string()),
        q => q.q.clone().unwrap_or_default(),
        me => su.user.id.to_string(),
    };
    Ok(ctx.page_or_part("admin/users.html", "admin/_user_rows.html", v))
}

/// A change to a user from the administration list (and the search to go back to).
#[derive(Deserialize)]
pub struct UserAction {
    active: Option<String>,
    is_tenant_admin: Option<String>,
    q: Option<String>,
}

fn flag(v: Option<&str>) -> Result<Option<bool>, Error> {
    match v {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(Error::BadRequest(codes::FORM_MALFORMED)),
    }
}

/// POST /admin/users/{id}
pub async fn update_user(
    Authed(ctx, su): Authed,
    Ids(id): Ids<UserId>,
    CsrfForm(f): CsrfForm<UserAction>,
) -> PageResult {
    let patch = UserPatch {
        active: flag(f.active.as_deref()).or_page(&ctx)?,
        is_tenant_admin: flag(f.is_tenant_admin.as_deref()).or_page(&ctx)?,
    };
    users::patch(&ctx.state.app, &su, id, patch)
        .await
        .or_page(&ctx)?;
    let back = match f.q.filter(|q| !q.is_empty()) {
        Some(q) => format!("/admin/users?q={}", crate::ctx::urlencode(&q)),
        None => "/admin/users".to_owned(),
    };
    Ok(ctx.redirect_with(&back, "flash-user-updated"))
}

fn tenant_values(d: &tenants::TenantDetail) -> Value {
    let (policy, domains) = match &d.tenant.signup_policy {
        SignupPolicy::Open => ("open", String::new()),
        SignupPolicy::Closed => ("closed", String::new()),
        SignupPolicy::Domains(ds) => ("domains", ds.join(", ")),
    };
    context! {
        id => d.tenant.id.to_string(),
        slug => d.tenant.slug,
        name => d.tenant.name,
        hosts => d.hosts.join("\n"),
        default_locale => d.tenant.default_locale.tag(),
        signup_policy => policy,
        signup_domains => domains,
        primary_colour => d.tenant.primary_colour,
        logo_url => d.tenant.logo_url,
        footer_text => d.tenant.footer_text,
        active => d.tenant.active,
        is_default => d.tenant.is_default,
        require_mfa_admins => d.tenant.require_mfa_admins,
        hide_local_passwords => d.tenant.hide_local_passwords,
    }
}

fn form_values(f: &TenantFormBody) -> Value {
    context! {
        slug => f.slug, name => f.name, hosts => f.hosts, default_locale => f.default_locale,
        signup_policy => f.signup_policy, signup_domains => f.signup_domains,
        primary_colour => f.primary_colour, logo_url => f.logo_url, footer_text => f.footer_text,
        active => f.active.as_deref() == Some("true"),
    }
}

/// The tenant form as posted (checkbox `active` arrives only when ticked).
#[derive(Deserialize, Default, Clone)]
pub struct TenantFormBody {
    slug: Option<String>,
    name: Option<String>,
    hosts: Option<String>,
    default_locale: Option<String>,
    signup_policy: Option<String>,
    signup_domains: Option<String>,
    primary_colour: Option<String>,
    logo_url: Option<String>,
    footer_text: Option<String>,
    active: Option<String>,
    require_mfa_admins: Option<String>,
    hide_local_passwords: Option<String>,
}

/// GET /admin/site — the tenant administrator's own site settings.
pub async fn site_form(Authed(ctx, su): Authed) -> PageResult {
    let d = tenants::get(&ctx.state.app, &su, ctx.tenant.id)
        .await
        .or_page(&ctx)?;
    let shop_secret = Some(
        amphi_app::courses::enrol::shop_secret(&ctx.state.app, &su)
            .await
            .or_page(&ctx)?,
    );
    Ok(ctx.page(
        "admin/tenant_form.html",
        context! { mode => "site", values => tenant_values(&d), errors => context!{}, shop_secret },
    ))
}

/// POST /admin/site
pub async fn site_update(
    Authed(ctx, su): Authed,
    CsrfForm(f): CsrfForm<TenantFormBody>,
) -> PageResult {
    let form = TenantForm {
        name: f.name.clone(),
        default_locale: f.default_locale.clone(),
        signup_policy: f.signup_policy.clone(),
        signup_domains: f.signup_domains.clone(),
        primary_colour: f.primary_colour.clone(),
        logo_url: f.logo_url.clone(),
        footer_text: f.footer_text.clone(),
        require_mfa_admins: Some(f.require_mfa_admins.as_deref() == Some("true")),
        hide_local_passwords: Some(f.hide_local_passwords.as_deref() == Some("true")),
        ..Default::default()
    };
    match tenants::update(&ctx.state.app, &su, ctx.tenant.id, form).await {
        Ok(_) => Ok(ctx.redirect_with("/admin/site", "flash-site-saved")),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/tenant_form.html",
            context! { mode => "site", values => form_values(&f), errors => ctx.field_errors(&e) },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /admin/tenants
pub async fn tenants(Authed(ctx, su): Authed, Query(q): Query<ListQuery>) -> PageResult {
    let after = cursor(q.after.as_deref()).or_page(&ctx)?;
    let page = tenants::list(&ctx.state.app, &su, after, 50)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "admin/tenants.html",
        context! { tenants => Value::from_serialize(&page.items), next => page.next.map(|n| n.to_string()) },
    ))
}

/// GET /admin/tenants/new
pub async fn tenant_new_form(Authed(ctx, su): Authed) -> PageResult {
    rights::require_platform_admin(&su).or_page(&ctx)?;
    Ok(ctx.page(
        "admin/tenant_form.html",
        context! { mode => "new", values => context! { default_locale => "en", signup_policy => "open", primary_colour => "#1d4ed8", active => true }, errors => context!{} },
    ))
}

fn to_form(f: &TenantFormBody, with_platform_fields: bool) -> TenantForm {
    TenantForm {
        slug: None,
        name: f.name.clone(),
        hosts: if with_platform_fields {
            Some(f.hosts.clone().unwrap_or_default())
        } else {
            None
        },
        default_locale: f.default_locale.clone(),
        signup_policy: f.signup_policy.clone(),
        signup_domains: f.signup_domains.clone(),
        primary_colour: f.primary_colour.clone(),
        logo_url: f.logo_url.clone(),
        footer_text: f.footer_text.clone(),
        active: if with_platform_fields {
            Some(f.active.as_deref() == Some("true"))
        } else {
            None
        },
        require_mfa_admins: None,
        hide_local_passwords: None,
    }
}

/// POST /admin/tenants/new
pub async fn tenant_create(
    Authed(ctx, su): Authed,
    CsrfForm(f): CsrfForm<TenantFormBody>,
) -> PageResult {
    let mut form = to_form(&f, true);
    form.slug = f.slug.clone();
    form.active = None;
    match tenants::create(&ctx.state.app, &su, form).await {
        Ok(d) => Ok(ctx.redirect_with(
            &format!("/admin/tenants/{}", d.tenant.id),
            "flash-tenant-created",
        )),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/tenant_form.html",
            context! { mode => "new", values => form_values(&f), errors => ctx.field_errors(&e) },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /admin/tenants/{id}
pub async fn tenant_edit_form(Authed(ctx, su): Authed, Ids(id): Ids<TenantId>) -> PageResult {
    rights::require_platform_admin(&su).or_page(&ctx)?;
    let d = tenants::get(&ctx.state.app, &su, id).await.or_page(&ctx)?;
    Ok(ctx.page(
        "admin/tenant_form.html",
        context! { mode => "edit", values => tenant_values(&d), errors => context!{} },
    ))
}

/// POST /admin/tenants/{id}
pub async fn tenant_update(
    Authed(ctx, su): Authed,
    Ids(id): Ids<TenantId>,
    CsrfForm(f): CsrfForm<TenantFormBody>,
) -> PageResult {
    rights::require_platform_admin(&su).or_page(&ctx)?;
    match tenants::update(&ctx.state.app, &su, id, to_form(&f, true)).await {
        Ok(_) => Ok(ctx.redirect_with(&format!("/admin/tenants/{id}"), "flash-tenant-saved")),
        Err(e @ Error::Validation(_)) => {
            let mut values = form_values(&f);
            values = context! { id => id.to_string(), ..values };
            Ok(ctx.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                "admin/tenant_form.html",
                context! { mode => "edit", values, errors => ctx.field_errors(&e) },
            ))
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /admin/audit — the tenant's security events (htmx asks for rows only).
pub async fn audit(
    Authed(ctx, su): Authed,
    Query(f): Query<amphi_app::audit::AuditFilters>,
) -> PageResult {
    let page = amphi_app::audit::list(&ctx.state.app, &su, &f, 100)
        .await
        .or_page(&ctx)?;
    let query = serde_urlencoded::to_string([
        ("q", f.q.clone().unwrap_or_default()),
        ("action", f.action.clone().unwrap_or_default()),
        ("from", f.from.clone().unwrap_or_default()),
        ("to", f.to.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    let v = context! {
        events => Value::from_serialize(&page.items),
        next => page.next.map(|n| n.to_string()),
        f => context! { q => f.q, action => f.action, from => f.from, to => f.to },
        query,
        kinds => ["sign_in", "identity_provider", "identity", "session", "password", "account", "user", "api_token", "enrolment", "tenant", "course", "shop", "announcement", "platform"],
    };
    Ok(ctx.page_or_part("admin/audit.html", "admin/_audit_rows.html", v))
}

/// GET /admin/audit.csv — the filtered trail, streamed.
pub async fn audit_csv(
    Authed(ctx, su): Authed,
    Query(f): Query<amphi_app::audit::AuditFilters>,
) -> PageResult {
    let first = amphi_app::audit::export_page(&ctx.state.app, &su, &f)
        .await
        .or_page(&ctx)?;
    let app = ctx.state.app.clone();
    Ok(super::csv_download(
        format!("audit-{}.csv", ctx.tenant.slug),
        amphi_app::audit::CSV_HEADER,
        first,
        move |before| {
            let (app, su) = (app.clone(), su.clone());
            let mut page_f = f.clone();
            page_f.before = Some(before);
            async move { amphi_app::audit::export_page(&app, &su, &page_f).await }
        },
    ))
}
