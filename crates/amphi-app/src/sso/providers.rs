//! Identity providers of a tenant, managed by its administrators: list, create, edit, enable,
//! disable, delete. Every change is audited (never with secrets).

use super::config;
use super::stored::{stored_config, stored_mapping, stored_rules};
use crate::users::User;
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::course::CourseRole;
use amphi_core::error::Fields;
use amphi_core::identity::{AttributeMapping, GroupRule, ProviderKind};
use amphi_core::policy::{require, Action, Resource};
use amphi_core::validate::Slug;
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{audit, courses as repo_c, identity as repo};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// A provider as administrators see it (secrets masked).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Provider {
    /// Id.
    pub id: Uuid,
    /// `ldap`, `saml`, `oidc` or `partner`.
    pub kind: String,
    /// Name in URLs (`/sso/oidc/{slug}/login`).
    pub slug: String,
    /// Name on the sign-in button.
    pub display_name: String,
    /// Whether people can sign in through it.
    pub enabled: bool,
    /// Order on the sign-in page (smallest first).
    pub position: i32,
    /// Configuration of its kind; secrets show as `********`.
    #[schema(value_type = Object)]
    pub config: Map<String, Value>,
    /// Which attributes carry email, name, external id and groups.
    #[schema(value_type = Object)]
    pub attribute_mapping: AttributeMapping,
    /// Accounts are created on first sign-in.
    pub jit: bool,
    /// Group -> tenant role or course-run enrolment.
    #[schema(value_type = Vec<Object>)]
    pub group_rules: Vec<GroupRule>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<rows::IdentityProvider> for Provider {
    fn from(m: rows::IdentityProvider) -> Self {
        Provider {
            config: config::masked(&stored_config(&m)),
            attribute_mapping: stored_mapping(&m),
            group_rules: stored_rules(&m),
            id: m.id,
            kind: m.kind,
            slug: m.slug,
            display_name: m.display_name,
            enabled: m.enabled,
            position: m.position,
            jit: m.jit,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A provider as typed (creation: `kind`, `slug`, `display_name` and `config` needed; edits:
/// only what changes). Kind and slug never change: providers know our URLs by them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderForm {
    /// `ldap`, `saml`, `oidc` or `partner`.
    pub kind: Option<String>,
    /// Lowercase letters, digits and dashes.
    pub slug: Option<String>,
    /// Name on the sign-in button.
    pub display_name: Option<String>,
    /// Whether people can sign in through it.
    pub enabled: Option<bool>,
    /// Order on the sign-in page.
    pub position: Option<i32>,
    /// Configuration of its kind (secrets: send them to set or change, omit to keep).
    #[schema(value_type = Object)]
    pub config: Option<Value>,
    /// `{"email": …, "name": …, "external_id": …, "groups": …}`.
    #[schema(value_type = Object)]
    pub attribute_mapping: Option<Value>,
    /// Create accounts on first sign-in.
    pub jit: Option<bool>,
    /// `[{"group": "staff", "tenant_role": "admin"}, {"group": "g", "run": "<id>", "course_role": "learner"}]`.
    #[schema(value_type = Vec<Object>)]
    pub group_rules: Option<Value>,
}

fn guard(user: &User, tenant: TenantId) -> Result<()> {
    require(&user.actor(), Action::Update, Resource::Tenant(tenant))
}

/// The tenant's providers (administrators).
pub async fn list(app: &App, caller: &Caller) -> Result<Vec<Provider>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    guard(user, tenant)?;
    Ok(repo::providers(app.db.reader(), tenant, false)
        .await?
        .into_iter()
        .map(Provider::from)
        .collect())
}

/// One provider (administrators).
pub async fn get(app: &App, caller: &Caller, id: Uuid) -> Result<Provider> {
    let (user, tenant) = (&caller.user, caller.tenant);
    guard(user, tenant)?;
    repo::provider_by_id(app.db.reader(), tenant, id)
        .await?
        .map(Provider::from)
        .ok_or(Error::NotFound)
}

fn check_mapping(v: &Value, f: &mut Fields) -> Option<AttributeMapping> {
    let Ok(m) = serde_json::from_value::<AttributeMapping>(v.clone()) else {
        f.push("attribute_mapping", codes::MAPPING_INVALID);
        return None;
    };
    let ok = |s: &str| !s.trim().is_empty() && s.len() <= 100;
    if !ok(&m.email) || !ok(&m.name) {
        f.push("attribute_mapping", codes::MAPPING_INVALID);
        return None;
    }
    let clean = |o: Option<String>| o.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok::<_, ()>(AttributeMapping {
        email: m.email.trim().to_owned(),
        name: m.name.trim().to_owned(),
        external_id: clean(m.external_id),
        groups: clean(m.groups),
    })
    .ok()
}

async fn check_rules(
    app: &App,
    tenant: TenantId,
    v: &Value,
    f: &mut Fields,
) -> Result<Option<Vec<GroupRule>>> {
    let Ok(rules) = serde_json::from_value::<Vec<GroupRule>>(v.clone()) else {
        f.push("group_rules", codes::GROUP_RULES_INVALID);
        return Ok(None);
    };
    if rules.len() > 200 {
        f.push("group_rules", codes::GROUP_RULES_INVALID);
        return Ok(None);
    }
    for r in &rules {
        if r.group.trim().is_empty() || r.tenant_role.is_some() == r.run.is_some() {
            f.push("group_rules", codes::GROUP_RULES_INVALID);
            return Ok(None);
        }
        if let Some(role) = &r.tenant_role {
            if role != "admin" {
                f.push("group_rules", codes::GROUP_RULE_ROLE_INVALID);
                return Ok(None);
            }
        }
        if let Some(run) = &r.run {
            let found = match run.parse::<Uuid>() {
                Ok(id) => repo_c::run(app.db.reader(), tenant, id).await?.is_some(),
                Err(_) => false,
            };
            if !found {
                f.push("group_rules", codes::GROUP_RULE_RUN_UNKNOWN);
                return Ok(None);
            }
            if let Some(cr) = &r.course_role {
                if CourseRole::parse("group_rules", cr).is_err() {
                    f.push("group_rules", codes::GROUP_RULE_ROLE_INVALID);
                    return Ok(None);
                }
            }
        }
    }
    Ok(Some(rules))
}

fn check_name(raw: Option<&str>, f: &mut Fields) -> Option<String> {
    let n = raw.map(str::trim).unwrap_or("");
    if n.is_empty() {
        f.push("display_name", codes::REQUIRED);
        None
    } else if n.chars().count() > 200 {
        f.too_long("display_name", 200, n.chars().count());
        None
    } else {
        Some(n.to_owned())
    }
}

/// Adds a provider.
pub async fn create(app: &App, caller: &Caller, form: ProviderForm) -> Result<Provider> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    guard(user, tenant)?;
    let mut f = Fields::new();
    let kind = f.check(ProviderKind::parse(
        "kind",
        form.kind.as_deref().unwrap_or(""),
    ));
    let slug = f.check(Slug::parse("slug", form.slug.as_deref().unwrap_or("")));
    let name = check_name(form.display_name.as_deref(), &mut f);
    let cfg = match (kind, &form.config) {
        (Some(k), Some(c)) => f.check(config::validate(app.secret(), k, c, None)),
        (_, None) => {
            f.push("config", codes::REQUIRED);
            None
        }
        _ => None,
    };
    let mapping = match (&form.attribute_mapping, kind) {
        (Some(v), _) => check_mapping(v, &mut f),
        (None, Some(k)) => Some(k.default_mapping()),
        (None, None) => None,
    };
    let rules = match &form.group_rules {
        Some(v) => check_rules(app, tenant, v, &mut f).await?,
        None => Some(vec![]),
    };
    f.finish()?;
    let (Some(kind), Some(slug), Some(name), Some(mut cfg), Some(mapping), Some(rules)) =
        (kind, slug, name, cfg, mapping, rules)
    else {
        return Err(Error::Internal("validated provider fields missing".into()));
    };
    if kind == ProviderKind::Saml {
        config::ensure_sp_keys(app.secret(), &mut cfg, None)?;
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    let m = repo::insert_provider(
        &txn,
        tenant,
        rows::IdentityProvider {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            kind: kind.as_str().into(),
            slug: slug.as_str().into(),
            display_name: name,
            enabled: form.enabled.unwrap_or(true),
            position: form.position.unwrap_or(0),
            config: Value::Object(cfg).to_string(),
            attribute_mapping: serde_json::to_string(&mapping).map_err(Error::internal)?,
            jit: form.jit.unwrap_or(true),
            group_rules: serde_json::to_string(&rules).map_err(Error::internal)?,
            created_at: now,
            updated_at: now,
        },
    )
    .await
    .map_err(|e| match e {
        Error::Conflict(_) => Error::field("slug", codes::PROVIDER_SLUG_TAKEN),
        e => e,
    })?;
    audit::Event::new("identity_provider.created", tenant)
        .actor(user.id)
        .target(m.slug.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "provider": m.slug, "kind": m.kind, "enabled": m.enabled }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(m.into())
}

/// Changes a provider (only the fields given).
pub async fn update(app: &App, caller: &Caller, id: Uuid, form: ProviderForm) -> Result<Provider> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    guard(user, tenant)?;
    let old = repo::provider_by_id(app.db.reader(), tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let kind = old.kind()?;
    let mut f = Fields::new();
    if form.kind.as_deref().is_some_and(|k| k != kind.as_str()) {
        f.push("kind", codes::PROVIDER_KIND_FIXED);
    }
    if form.slug.as_deref().is_some_and(|s| s.trim() != old.slug) {
        f.push("slug", codes::PROVIDER_SLUG_FIXED);
    }
    let name = match &form.display_name {
        Some(n) => check_name(Some(n), &mut f),
        None => Some(old.display_name.clone()),
    };
    let stored = stored_config(&old);
    let cfg = match &form.config {
        Some(c) => f.check(config::validate(app.secret(), kind, c, Some(&stored))),
        None => Some(stored.clone()),
    };
    let mapping = match &form.attribute_mapping {
        Some(v) => check_mapping(v, &mut f),
        None => Some(stored_mapping(&old)),
    };
    let rules = match &form.group_rules {
        Some(v) => check_rules(app, tenant, v, &mut f).await?,
        None => Some(stored_rules(&old)),
    };
    f.finish()?;
    let (Some(name), Some(mut cfg), Some(mapping), Some(rules)) = (name, cfg, mapping, rules)
    else {
        return Err(Error::Internal("validated provider fields missing".into()));
    };
    if kind == ProviderKind::Saml {
        config::ensure_sp_keys(app.secret(), &mut cfg, Some(&stored))?;
    }
    let mut changed: Vec<&str> = vec![];
    if name != old.display_name {
        changed.push("display_name");
    }
    if cfg != stored {
        changed.push("config");
    }
    if mapping != stored_mapping(&old) {
        changed.push("attribute_mapping");
    }
    if rules != stored_rules(&old) {
        changed.push("group_rules");
    }
    let now = app.now();
    let mut p = rows::IdentityProvider {
        display_name: name,
        config: Value::Object(cfg).to_string(),
        attribute_mapping: serde_json::to_string(&mapping).map_err(Error::internal)?,
        group_rules: serde_json::to_string(&rules).map_err(Error::internal)?,
        updated_at: now,
        ..old.clone()
    };
    if let Some(e) = form.enabled.filter(|e| *e != old.enabled) {
        p.enabled = e;
        changed.push("enabled");
    }
    if let Some(pos) = form.position.filter(|pos| *pos != old.position) {
        p.position = pos;
        changed.push("position");
    }
    if let Some(j) = form.jit.filter(|j| *j != old.jit) {
        p.jit = j;
        changed.push("jit");
    }
    let txn = app.db.begin().await?;
    let m = repo::update_provider(&txn, tenant, &old, &p).await?;
    let action = match form.enabled {
        Some(true) if !old.enabled && changed.len() == 1 => "identity_provider.enabled",
        Some(false) if old.enabled && changed.len() == 1 => "identity_provider.disabled",
        _ => "identity_provider.updated",
    };
    audit::Event::new(action, tenant)
        .actor(user.id)
        .target(m.slug.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "provider": m.slug, "kind": m.kind, "changed": changed }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(m.into())
}

/// Removes a provider; the accounts stay, their links to it go.
pub async fn delete(app: &App, caller: &Caller, id: Uuid) -> Result<()> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    guard(user, tenant)?;
    let old = repo::provider_by_id(app.db.reader(), tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    if repo::delete_provider(&txn, tenant, id).await? != 1 {
        return Err(Error::NotFound);
    }
    audit::Event::new("identity_provider.deleted", tenant)
        .actor(user.id)
        .target(old.slug.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "provider": old.slug, "kind": old.kind }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// A way to sign in, as the sign-in page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct SignInOption {
    /// Kind.
    pub kind: String,
    /// Slug.
    pub slug: String,
    /// Button text.
    pub display_name: String,
}

/// The enabled providers people start a sign-in from (partners hand people over instead).
pub async fn sign_in_options(app: &App, tenant: TenantId) -> Result<Vec<SignInOption>> {
    Ok(repo::providers(app.db.reader(), tenant, true)
        .await?
        .into_iter()
        .filter(|p| p.kind().is_ok_and(ProviderKind::signs_in))
        .map(|p| SignInOption {
            kind: p.kind,
            slug: p.slug,
            display_name: p.display_name,
        })
        .collect())
}
