//! Tenants: resolved from the Host header, managed by platform administrators, partly edited
//! (branding, sign-up policy) by their own administrators.

use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::tenant::SignupPolicy;
use amphi_core::validate::{self, Colour, HostName, Locale, Slug};
use amphi_core::{error::Fields, Error, Result, TenantId};
use amphi_db::repo::{audit, tenants as repo_t, Page};
use amphi_db::rows;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// A tenant as the rest of the application sees it.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Tenant {
    /// Id.
    #[schema(value_type = String, format = Uuid)]
    pub id: TenantId,
    /// Short name used in subdomains.
    pub slug: String,
    /// Display name (also the brand name in the layout).
    pub name: String,
    /// Language for visitors whose browser asks for none we have.
    #[schema(value_type = String, example = "en")]
    pub default_locale: Locale,
    /// Who may sign up.
    #[schema(value_type = Object)]
    pub signup_policy: SignupPolicy,
    /// Logo address, if any.
    pub logo_url: Option<String>,
    /// Brand colour `#rrggbb`.
    pub primary_colour: String,
    /// Footer text, if any.
    pub footer_text: Option<String>,
    /// The platform's default tenant.
    pub is_default: bool,
    /// Inactive tenants answer nothing.
    pub active: bool,
    /// Administrators must use a second factor.
    pub require_mfa_admins: bool,
    /// The sign-in page offers single sign-on only.
    pub hide_local_passwords: bool,
}

impl From<rows::Tenant> for Tenant {
    fn from(m: rows::Tenant) -> Self {
        let domains = repo_t::signup_domains(&m);
        Tenant {
            id: TenantId(m.id),
            signup_policy: SignupPolicy::from_parts(&m.signup_policy, domains),
            slug: m.slug,
            name: m.name,
            default_locale: Locale::from_tag(&m.default_locale).unwrap_or_default(),
            logo_url: m.logo_url,
            primary_colour: m.primary_colour,
            footer_text: m.footer_text,
            is_default: m.is_default,
            active: m.active,
            require_mfa_admins: m.require_mfa_admins,
            hide_local_passwords: m.hide_local_passwords,
        }
    }
}

/// Host -> tenant answers, kept a few seconds so the per-request cost is a memory lookup.
/// Other nodes see a change within the TTL; this node sees it at once.
#[derive(Debug, Default)]
pub struct TenantCache {
    entries: RwLock<HashMap<String, (Instant, Option<Tenant>)>>,
}

const CACHE_TTL: Duration = Duration::from_secs(5);

impl TenantCache {
    fn get(&self, host: &str) -> Option<Option<Tenant>> {
        let map = self.entries.read().ok()?;
        map.get(host)
            .filter(|(at, _)| at.elapsed() < CACHE_TTL)
            .map(|(_, t)| t.clone())
    }

    fn put(&self, host: &str, t: Option<Tenant>) {
        if let Ok(mut map) = self.entries.write() {
            if map.len() > 10_000 {
                map.clear();
            }
            map.insert(host.to_owned(), (Instant::now(), t));
        }
    }

    /// Forgets everything (after a tenant changes).
    pub fn clear(&self) {
        if let Ok(mut map) = self.entries.write() {
            map.clear();
        }
    }
}

/// The tenant a Host header belongs to: an exact host of a tenant (with or without port), or
/// `<slug>.<base_domain>`. None for unknown or inactive hosts.
pub async fn resolve_host(app: &App, raw_host: &str) -> Result<Option<Tenant>> {
    let Ok(host) = HostName::parse("host", raw_host) else {
        return Ok(None);
    };
    if let Some(hit) = app.tenant_cache.get(host.as_str()) {
        return Ok(hit);
    }
    let c = app.db.reader();
    let mut found = repo_t::by_host(c, host.as_str()).await?;
    if found.is_none() && host.as_str() != host.without_port() {
        found = repo_t::by_host(c, host.without_port()).await?;
    }
    if found.is_none() {
        if let Some(base) = &app.config.server.base_domain {
            let suffix = format!(".{}", base.to_lowercase());
            if let Some(slug) = host.without_port().strip_suffix(&suffix) {
                if !slug.contains('.') {
                    found = repo_t::by_slug(c, slug).await?;
                }
            }
        }
    }
    let t = found.map(Tenant::from).filter(|t| t.active);
    app.tenant_cache.put(host.as_str(), t.clone());
    Ok(t)
}

/// Creates the default tenant on first start and keeps its configured hosts attached.
pub async fn ensure_default(app: &App) -> Result<Tenant> {
    let now = app.now();
    let txn = app.db.begin().await?;
    let t = match repo_t::default_tenant(&txn).await? {
        Some(t) => t,
        None => {
            repo_t::insert(
                &txn,
                repo_t::NewTenant {
                    slug: "default".into(),
                    name: "Amphi".into(),
                    default_locale: "en".into(),
                    signup_policy: "open".into(),
                    signup_domains: vec![],
                    primary_colour: "#1d4ed8".into(),
                    is_default: true,
                },
                now,
            )
            .await?
        }
    };
    let id = TenantId(t.id);
    let mut hosts = repo_t::hosts(&txn, id).await?;
    let mut wanted: Vec<String> = app.config.server.default_hosts.clone();
    if let Some(h) = url::Url::parse(&app.config.server.public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
    {
        wanted.push(h);
    }
    let mut changed = false;
    for h in wanted {
        let h = h.to_lowercase();
        if !hosts.contains(&h) && repo_t::by_host(&txn, &h).await?.is_none() {
            hosts.push(h);
            changed = true;
        }
    }
    if changed {
        repo_t::set_hosts(&txn, id, &hosts, now).await?;
    }
    txn.commit().await.map_err(Error::internal)?;
    app.tenant_cache.clear();
    Ok(t.into())
}

/// What an administrator submits to create or edit a tenant (as typed; parsed here).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct TenantForm {
    /// Subdomain-safe short name (creation only).
    pub slug: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Host names, one per line or comma-separated.
    pub hosts: Option<String>,
    /// `en` or `fr`.
    pub default_locale: Option<String>,
    /// `open`, `closed` or `domains`.
    pub signup_policy: Option<String>,
    /// Allowed email domains, comma-separated or one per line.
    pub signup_domains: Option<String>,
    /// Brand colour `#rrggbb`.
    pub primary_colour: Option<String>,
    /// Logo URL (empty to remove).
    pub logo_url: Option<String>,
    /// Footer text (empty to remove).
    pub footer_text: Option<String>,
    /// Whether the tenant answers at all.
    pub active: Option<bool>,
    /// Administrators must use a second factor.
    pub require_mfa_admins: Option<bool>,
    /// The sign-in page offers single sign-on only.
    pub hide_local_passwords: Option<bool>,
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', '\n', ' ', ';'])
        .map(|x| x.trim().to_lowercase())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Parsed, valid tenant settings.
struct Parsed {
    name: Option<String>,
    hosts: Option<Vec<String>>,
    default_locale: Option<Locale>,
    signup: Option<SignupPolicy>,
    colour: Option<Colour>,
    logo_url: Option<Option<String>>,
    footer_text: Option<Option<String>>,
}

fn parse_form(f: &TenantForm) -> Result<Parsed> {
    let mut fields = Fields::new();
    let name = f
        .name
        .as_deref()
        .and_then(|n| fields.check(validate::short_text("name", n, 200)));
    let hosts = f.hosts.as_deref().map(|h| {
        let list = split_list(h);
        let mut out = Vec::new();
        for item in list {
            if let Some(p) = fields.check(HostName::parse("hosts", &item)) {
                if !out.contains(&p.as_str().to_owned()) {
                    out.push(p.as_str().to_owned());
                }
            }
        }
        out
    });
    let default_locale = f
        .default_locale
        .as_deref()
        .and_then(|l| fields.check(Locale::parse("default_locale", l)));
    let signup = match f.signup_policy.as_deref() {
        None => None,
        Some("open") => Some(SignupPolicy::Open),
        Some("closed") => Some(SignupPolicy::Closed),
        Some("domains") => {
            let ds = split_list(f.signup_domains.as_deref().unwrap_or(""));
            let mut ok = Vec::new();
            for d in ds {
                let d = d.trim_start_matches('@').to_owned();
                if fields
                    .check(HostName::parse("signup_domains", &d))
                    .is_some()
                {
                    ok.push(d);
                }
            }
            if ok.is_empty() {
                fields.push("signup_domains", codes::REQUIRED);
            }
            Some(SignupPolicy::Domains(ok))
        }
        Some(_) => {
            fields.push("signup_policy", codes::CHOICE_INVALID);
            None
        }
    };
    let colour = f
        .primary_colour
        .as_deref()
        .and_then(|c| fields.check(Colour::parse("primary_colour", c)));
    let logo_url = f.logo_url.as_deref().map(|u| {
        if u.trim().is_empty() {
            None
        } else {
            fields.check(validate::http_url("logo_url", u))
        }
    });
    let footer_text = f.footer_text.as_deref().map(|t| {
        if t.trim().is_empty() {
            None
        } else {
            fields.check(validate::short_text("footer_text", t, 500))
        }
    });
    fields.finish()?;
    Ok(Parsed {
        name,
        hosts,
        default_locale,
        signup,
        colour,
        logo_url,
        footer_text,
    })
}

/// A tenant with its hosts, for admin pages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TenantDetail {
    /// The tenant.
    #[serde(flatten)]
    pub tenant: Tenant,
    /// Host names it answers on.
    pub hosts: Vec<String>,
}

/// Creates a tenant (platform administrators).
pub async fn create(app: &App, caller: &Caller, form: TenantForm) -> Result<TenantDetail> {
    let (actor, meta) = (&caller.actor(), &caller.meta);
    require(actor, Action::Create, Resource::Platform)?;
    let slug = Slug::parse("slug", form.slug.as_deref().unwrap_or(""));
    let parsed = parse_form(&form);
    let (slug, parsed) = match (slug, parsed) {
        (Ok(s), Ok(p)) => (s, p),
        (Err(Error::Validation(mut a)), Err(Error::Validation(b))) => {
            a.extend(b);
            return Err(Error::Validation(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let Some(name) = parsed.name.clone() else {
        return Err(Error::field("name", codes::REQUIRED));
    };
    let now = app.now();
    let txn = app.db.begin().await?;
    let signup = parsed.signup.clone().unwrap_or(SignupPolicy::Open);
    let domains = match &signup {
        SignupPolicy::Domains(d) => d.clone(),
        _ => vec![],
    };
    let created = repo_t::insert(
        &txn,
        repo_t::NewTenant {
            slug: slug.as_str().to_owned(),
            name,
            default_locale: parsed.default_locale.unwrap_or_default().tag().to_owned(),
            signup_policy: signup.kind().to_owned(),
            signup_domains: domains,
            primary_colour: parsed
                .colour
                .as_ref()
                .map_or("#1d4ed8", |c| c.as_str())
                .to_owned(),
            is_default: false,
        },
        now,
    )
    .await
    .map_err(|e| match e {
        Error::Conflict(_) => Error::field("slug", codes::SLUG_TAKEN),
        e => e,
    })?;
    let id = TenantId(created.id);
    let mut branded = created.clone();
    if let Some(l) = parsed.logo_url.clone() {
        branded.logo_url = l;
    }
    if let Some(ft) = parsed.footer_text.clone() {
        branded.footer_text = ft;
    }
    let created = repo_t::update(&txn, &created, &branded).await?;
    let hosts = parsed.hosts.unwrap_or_default();
    repo_t::set_hosts(&txn, id, &hosts, now)
        .await
        .map_err(|e| match e {
            Error::Conflict(_) => Error::field("hosts", codes::HOST_TAKEN),
            e => e,
        })?;
    audit::Event::new("tenant.created", id)
        .actor(actor.user_id)
        .target(created.slug.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "hosts": hosts }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    app.tenant_cache.clear();
    Ok(TenantDetail {
        tenant: created.into(),
        hosts,
    })
}

/// Edits a tenant. Tenant administrators may change branding and sign-up policy of their own
/// tenant; hosts and activation are for platform administrators.
pub async fn update(
    app: &App,
    caller: &Caller,
    id: TenantId,
    form: TenantForm,
) -> Result<TenantDetail> {
    let (actor, meta) = (&caller.actor(), &caller.meta);
    require(actor, Action::Update, Resource::Tenant(id))?;
    if !actor.is_platform_admin
        && (form.hosts.is_some() || form.active.is_some() || form.slug.is_some())
    {
        return Err(Error::Forbidden);
    }
    let parsed = parse_form(&form)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let Some(current) = repo_t::by_id(&txn, id).await? else {
        return Err(Error::NotFound);
    };
    if current.is_default && form.active == Some(false) {
        return Err(Error::BadRequest(
            codes::DEFAULT_TENANT_CANNOT_BE_DEACTIVATED,
        ));
    }
    let mut t = current.clone();
    if let Some(n) = parsed.name {
        t.name = n;
    }
    if let Some(l) = parsed.default_locale {
        t.default_locale = l.tag().to_owned();
    }
    if let Some(s) = &parsed.signup {
        t.signup_policy = s.kind().to_owned();
        let domains = match s {
            SignupPolicy::Domains(d) => d.clone(),
            _ => vec![],
        };
        t.signup_domains = serde_json::to_string(&domains).map_err(Error::internal)?;
    }
    if let Some(c) = parsed.colour {
        t.primary_colour = c.as_str().to_owned();
    }
    if let Some(l) = parsed.logo_url {
        t.logo_url = l;
    }
    if let Some(f) = parsed.footer_text {
        t.footer_text = f;
    }
    if let Some(a) = form.active {
        t.active = a;
    }
    if let Some(r) = form.require_mfa_admins {
        t.require_mfa_admins = r;
    }
    if let Some(h) = form.hide_local_passwords {
        t.hide_local_passwords = h;
    }
    t.updated_at = now;
    let saved = repo_t::update(&txn, &current, &t).await?;
    if let Some(h) = &parsed.hosts {
        repo_t::set_hosts(&txn, id, h, now)
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => Error::field("hosts", codes::HOST_TAKEN),
                e => e,
            })?;
    }
    audit::Event::new("tenant.updated", id)
        .actor(actor.user_id)
        .target(saved.slug.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "fields": changed_fields(&form) }))
        .record(&txn, now)
        .await?;
    let hosts = repo_t::hosts(&txn, id).await?;
    txn.commit().await.map_err(Error::internal)?;
    app.tenant_cache.clear();
    Ok(TenantDetail {
        tenant: saved.into(),
        hosts,
    })
}

fn changed_fields(f: &TenantForm) -> Vec<&'static str> {
    let mut v = Vec::new();
    let pairs: [(&'static str, bool); 9] = [
        ("name", f.name.is_some()),
        ("hosts", f.hosts.is_some()),
        ("default_locale", f.default_locale.is_some()),
        ("signup_policy", f.signup_policy.is_some()),
        ("signup_domains", f.signup_domains.is_some()),
        ("primary_colour", f.primary_colour.is_some()),
        ("logo_url", f.logo_url.is_some()),
        ("footer_text", f.footer_text.is_some()),
        ("active", f.active.is_some()),
    ];
    for (k, set) in pairs {
        if set {
            v.push(k);
        }
    }
    v
}

/// One tenant with its hosts.
pub async fn get(app: &App, caller: &Caller, id: TenantId) -> Result<TenantDetail> {
    let actor = &caller.actor();
    require(actor, Action::View, Resource::Tenant(id))?;
    let c = app.db.reader();
    let t = repo_t::by_id(c, id).await?.ok_or(Error::NotFound)?;
    let hosts = repo_t::hosts(c, id).await?;
    Ok(TenantDetail {
        tenant: t.into(),
        hosts,
    })
}

/// All tenants, a page at a time (platform administrators).
pub async fn list(
    app: &App,
    caller: &Caller,
    after: Option<uuid::Uuid>,
    limit: u64,
) -> Result<Page<Tenant>> {
    let actor = &caller.actor();
    require(actor, Action::List, Resource::Platform)?;
    let p = repo_t::list(app.db.reader(), after, limit.clamp(1, 200)).await?;
    Ok(Page {
        items: p.items.into_iter().map(Tenant::from).collect(),
        next: p.next,
    })
}
