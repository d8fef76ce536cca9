//! Administration pages: users of the tenant (tenant administrators), the tenant's own site
//! settings, and every tenant (platform administrators).

use super::{cursor, PageResultExt};
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{CsrfForm, CsrfMultipart};
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

/// GET /admin — the first-run checklist, then the administration pages.
pub async fn index(Authed(ctx, su): Authed) -> PageResult {
    rights::require_site_admin(&su).or_page(&ctx)?;
    let steps = amphi_app::first_run::checklist(&ctx.state.app, &su)
        .await
        .or_page(&ctx)?;
    let done = steps.iter().filter(|s| s.done).count();
    Ok(ctx.page(
        "admin/index.html",
        context! { steps => Value::from_serialize(&steps), done, total => steps.len() },
    ))
}

/// Search and paging of a list (and, on the users page, what an invitation just did).
#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    after: Option<String>,
    invited: Option<u32>,
    existing: Option<u32>,
}

/// GET /admin/users?q=…&after=… (htmx asks for the rows only)
pub async fn users(Authed(ctx, su): Authed, Query(q): Query<ListQuery>) -> PageResult {
    users_page(&ctx, &su, &q, StatusCode::OK, context! {}).await
}

/// The users page, with the "Add user" and "Invite" forms in the state `forms` gives
/// (`add`/`invite`: values, errors, open).
async fn users_page(
    ctx: &Ctx,
    su: &amphi_app::Caller,
    q: &ListQuery,
    status: StatusCode,
    forms: Value,
) -> PageResult {
    let after = cursor(q.after.as_deref()).or_page(ctx)?;
    let page = users::list(&ctx.state.app, su, q.q.as_deref(), after, 50)
        .await
        .or_page(ctx)?;
    let v = context! {
        users => Value::from_serialize(&page.items),
        next => page.next.map(|n| n.to_string()),
        q => q.q.clone().unwrap_or_default(),
        me => su.user.id.to_string(),
        invited => q.invited,
        existing => q.existing,
        ..forms
    };
    if ctx.htmx {
        return Ok(ctx.render(status, "admin/_user_rows.html", v));
    }
    Ok(ctx.render(status, "admin/users.html", v))
}

/// The "Add user" form.
#[derive(Deserialize)]
pub struct AddUserBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// POST /admin/users/new — an account with a name and a role; the person gets a mail with a
/// link to choose a password.
pub async fn add_user(Authed(ctx, su): Authed, CsrfForm(f): CsrfForm<AddUserBody>) -> PageResult {
    let form = amphi_app::onboarding::NewAccount {
        name: f.name.clone(),
        email: f.email.clone(),
        role: f.role.clone(),
    };
    match amphi_app::onboarding::add(&ctx.state.app, &su, form).await {
        Ok(u) => Ok(ctx.redirect_with(
            &format!("/admin/users?q={}", crate::ctx::urlencode(&u.email)),
            "flash-user-added",
        )),
        Err(e @ Error::Validation(_)) => {
            let values = context! { name => f.name, email => f.email, role => f.role };
            let errors = ctx.labelled_errors(&e, super::labels::PERSON);
            form_refused(&ctx, &su, "add", values, errors).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// The users page again with the form `name` open, on what was typed and what was wrong.
async fn form_refused(
    ctx: &Ctx,
    su: &amphi_app::Caller,
    name: &str,
    values: Value,
    errors: Value,
) -> PageResult {
    let forms = Value::from_iter([(name, context! { open => true, values, errors })]);
    let q = ListQuery::default();
    users_page(ctx, su, &q, StatusCode::UNPROCESSABLE_ENTITY, forms).await
}

/// The "Invite" form.
#[derive(Deserialize)]
pub struct InviteBody {
    #[serde(default)]
    emails: String,
    #[serde(default)]
    role: String,
}

/// POST /admin/users/invite — invitations by email (one address per line or separated by
/// commas); each person gets a mail with a link to choose a password.
pub async fn invite(Authed(ctx, su): Authed, CsrfForm(f): CsrfForm<InviteBody>) -> PageResult {
    match amphi_app::onboarding::invite(&ctx.state.app, &su, &f.emails, &f.role).await {
        // Redirected, so that a reload never invites again; the counts say what was done.
        Ok(done) => Ok(ctx.redirect_with(
            &format!(
                "/admin/users?invited={}&existing={}",
                done.invited.len(),
                done.existing.len()
            ),
            "flash-users-invited",
        )),
        Err(e @ Error::Validation(_)) => {
            let values = context! { emails => f.emails, role => f.role };
            let errors = ctx.labelled_errors(&e, super::labels::INVITE);
            form_refused(&ctx, &su, "invite", values, errors).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
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
    site_page(&ctx, &su, StatusCode::OK, context! {}).await
}

async fn site_page(
    ctx: &Ctx,
    su: &amphi_app::Caller,
    status: StatusCode,
    errors: Value,
) -> PageResult {
    let d = tenants::get(&ctx.state.app, su, ctx.tenant.id)
        .await
        .or_page(ctx)?;
    let shop_secret = Some(
        amphi_app::courses::enrol::shop_secret(&ctx.state.app, su)
            .await
            .or_page(ctx)?,
    );
    Ok(ctx.render(
        status,
        "admin/tenant_form.html",
        context! {
            mode => "site", values => tenant_values(&d), errors, shop_secret,
            max_logo_kib => amphi_app::certificates::MAX_IMAGE_BYTES / 1024,
        },
    ))
}

/// POST /admin/site/logo — multipart: `csrf` first, then `logo` (the image file).
pub async fn upload_logo(
    Authed(ctx, su): Authed,
    CsrfMultipart(mut mp): CsrfMultipart,
) -> PageResult {
    let max = amphi_app::certificates::MAX_IMAGE_BYTES;
    let mut bytes = Vec::new();
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::FORM_MALFORMED))),
        };
        if !matches!(field.name(), Some("logo" | "file")) {
            continue;
        }
        loop {
            match field.chunk().await {
                Ok(Some(c)) if bytes.len() + c.len() > max => {
                    let e = Error::field("logo", codes::IMAGE_TOO_LARGE);
                    let errors = ctx.labelled_errors(&e, super::labels::TENANT);
                    return site_page(&ctx, &su, StatusCode::PAYLOAD_TOO_LARGE, errors).await;
                }
                Ok(Some(c)) => bytes.extend_from_slice(&c),
                Ok(None) => break,
                Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::BODY_TOO_LARGE))),
            }
        }
    }
    match amphi_app::branding::upload_logo(&ctx.state.app, &su, bytes).await {
        Ok(_) => Ok(ctx.redirect_with("/admin/site", "flash-logo-saved")),
        Err(e @ Error::Validation(_)) => {
            let errors = ctx.labelled_errors(&e, super::labels::TENANT);
            site_page(&ctx, &su, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
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
            context! { mode => "site", values => form_values(&f), errors => ctx.labelled_errors(&e, super::labels::TENANT) },
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
            context! { mode => "new", values => form_values(&f), errors => ctx.labelled_errors(&e, super::labels::TENANT) },
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
                context! { mode => "edit", values, errors => ctx.labelled_errors(&e, super::labels::TENANT) },
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
    let events: Vec<Value> = page
        .items
        .iter()
        .map(|e| {
            let name = amphi_app::audit::action_name(ctx.locale, &e.action);
            context! { name, ..Value::from_serialize(e) }
        })
        .collect();
    let v = context! {
        events,
        next => page.next.map(|n| n.to_string()),
        f => context! { q => f.q, action => f.action, from => f.from, to => f.to },
        query,
        kinds => amphi_app::audit::KINDS,
    };
    Ok(ctx.page_or_part("admin/audit.html", "admin/_audit_rows.html", v))
}

/// GET /admin/audit.csv — the filtered trail, streamed.
pub async fn audit_csv(
    Authed(ctx, su): Authed,
    Query(f): Query<amphi_app::audit::AuditFilters>,
) -> PageResult {
    let locale = ctx.locale;
    let first = amphi_app::audit::export_page(&ctx.state.app, &su, &f, locale)
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
            async move { amphi_app::audit::export_page(&app, &su, &page_f, locale).await }
        },
    ))
}
