//! Identity-provider administration pages (tenant administrators): list, add, edit, enable or
//! disable, delete, test the connection. The configuration is typed in plain fields, one per
//! key of the kind (`cfg_<key>`); each refused key is named next to its field.

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{CsrfForm, Empty, OnOff};
use crate::path::Ids;
use amphi_app::sso::{self, config, ProviderForm};
use amphi_core::codes;
use amphi_core::identity::ProviderKind;
use amphi_core::Error;
use axum::extract::Query;
use axum::http::StatusCode;
use minijinja::{context, Value};
use serde::Deserialize;

/// The addresses a provider needs to know about us.
fn urls(ctx: &Ctx, kind: &str, slug: &str) -> Value {
    let base = &ctx.meta.base_url;
    match kind {
        "oidc" => context! {
            callback => format!("{base}/sso/oidc/{slug}/callback"),
            login => format!("{base}/sso/oidc/{slug}/login"),
        },
        "saml" => context! {
            metadata => format!("{base}/sso/saml/{slug}/metadata"),
            acs => format!("{base}/sso/saml/{slug}/acs"),
            slo => format!("{base}/sso/saml/{slug}/slo"),
            login => format!("{base}/sso/saml/{slug}/login"),
        },
        "partner" => context! {
            hand_off => format!("{base}/sso/partner/{slug}?token=…&next=/…"),
        },
        _ => context! {},
    }
}

/// GET /admin/identity-providers
pub async fn list(Authed(ctx, su): Authed) -> PageResult {
    let ps = sso::providers::list(&ctx.state.app, &su)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "admin/identity_providers.html",
        context! {
            providers => Value::from_serialize(&ps),
            kinds => ProviderKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            hide_local_passwords => ctx.tenant.hide_local_passwords,
        },
    ))
}

/// The kind of provider the new-provider form is for.
#[derive(Deserialize, Default)]
pub struct KindQuery {
    kind: Option<String>,
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn kinds() -> Vec<&'static str> {
    ProviderKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The configuration fields of a kind, for the form.
fn fields_of(kind: &str) -> Value {
    let kind = ProviderKind::parse("kind", kind).unwrap_or(ProviderKind::Oidc);
    Value::from_serialize(config::form_fields(kind))
}

/// GET /admin/identity-providers/new?kind=oidc
pub async fn new_form(Authed(ctx, su): Authed, Query(q): Query<KindQuery>) -> PageResult {
    // Listing is what checks that the user may administer providers here.
    sso::providers::list(&ctx.state.app, &su)
        .await
        .or_page(&ctx)?;
    let kind = ProviderKind::parse("kind", q.kind.as_deref().unwrap_or("oidc"))
        .unwrap_or(ProviderKind::Oidc);
    let m = kind.default_mapping();
    Ok(ctx.page(
        "admin/identity_provider_form.html",
        context! {
            mode => "new",
            kinds => kinds(),
            fields => fields_of(kind.as_str()),
            values => context! {
                kind => kind.as_str(), enabled => true, jit => true, position => 0,
                cfg => Value::from_serialize(config::form_values(kind, None)),
                map_email => m.email, map_name => m.name, map_groups => m.groups,
                group_rules => "[]",
            },
            errors => context! {},
        },
    ))
}

/// The provider form as posted (checkboxes arrive only when ticked).
#[derive(Deserialize, Default, Clone)]
pub struct ProviderBody {
    kind: Option<String>,
    slug: Option<String>,
    display_name: Option<String>,
    position: Option<String>,
    enabled: Option<String>,
    jit: Option<String>,
    map_email: Option<String>,
    map_name: Option<String>,
    map_external_id: Option<String>,
    map_groups: Option<String>,
    group_rules: Option<String>,
    /// The configuration fields, `cfg_<key>`.
    #[serde(flatten)]
    cfg: std::collections::HashMap<String, String>,
}

impl ProviderBody {
    fn kind(&self) -> ProviderKind {
        ProviderKind::parse("kind", self.kind.as_deref().unwrap_or(""))
            .unwrap_or(ProviderKind::Oidc)
    }

    fn cfg(&self, key: &str) -> Option<String> {
        self.cfg.get(&format!("cfg_{key}")).cloned()
    }
}

fn to_form(b: &ProviderBody) -> Result<ProviderForm, Error> {
    let mut f = amphi_core::error::Fields::new();
    let json = |field: &str, raw: Option<&str>, f: &mut amphi_core::error::Fields| {
        let raw = raw.unwrap_or("").trim();
        if raw.is_empty() {
            return None;
        }
        match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(v) => Some(v),
            Err(_) => {
                f.push(field, codes::JSON_INVALID);
                None
            }
        }
    };
    let config = config::from_form(b.kind(), |k| b.cfg(k));
    let group_rules = json("group_rules", b.group_rules.as_deref(), &mut f)
        .or_else(|| Some(serde_json::json!([])));
    let position = match b
        .position
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => Some(0),
        Some(p) => match p.parse::<i32>() {
            Ok(n) if (-1000..=1000).contains(&n) => Some(n),
            _ => {
                f.push("position", codes::NUMBER_OUT_OF_RANGE);
                None
            }
        },
    };
    f.finish()?;
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    Ok(ProviderForm {
        kind: b.kind.clone(),
        slug: b.slug.clone(),
        display_name: b.display_name.clone(),
        enabled: Some(b.enabled.as_deref() == Some("true")),
        position,
        config: Some(config),
        attribute_mapping: Some(serde_json::json!({
            "email": text(&b.map_email),
            "name": text(&b.map_name),
            "external_id": b.map_external_id.clone().filter(|s| !s.trim().is_empty()),
            "groups": b.map_groups.clone().filter(|s| !s.trim().is_empty()),
        })),
        jit: Some(b.jit.as_deref() == Some("true")),
        group_rules,
    })
}

fn form_values(b: &ProviderBody) -> Value {
    context! {
        kind => b.kind, slug => b.slug, display_name => b.display_name, position => b.position,
        enabled => b.enabled.as_deref() == Some("true"), jit => b.jit.as_deref() == Some("true"),
        cfg => Value::from_serialize(
            config::form_fields(b.kind()).iter()
                .filter(|f| f.input != "password" && f.input != "secret_textarea")
                .map(|f| {
                    let v = b.cfg(f.name).unwrap_or_default();
                    let v = if f.input == "checkbox" { serde_json::Value::Bool(v == "true") } else { serde_json::Value::from(v) };
                    (f.name, v)
                })
                .collect::<std::collections::BTreeMap<_, _>>(),
        ),
        map_email => b.map_email, map_name => b.map_name,
        map_external_id => b.map_external_id, map_groups => b.map_groups, group_rules => b.group_rules,
    }
}

/// Field errors, each named by its field's label; `config.issuer` is the field `cfg_issuer`.
fn errors_of(ctx: &Ctx, e: &Error) -> Value {
    let mut map = std::collections::BTreeMap::new();
    if let Error::Validation(fs) = e {
        for f in fs {
            let msg = amphi_app::i18n::field_message(ctx.locale, f);
            let (field, label) = match f.field.strip_prefix("config.") {
                Some(key) => (format!("cfg_{key}"), format!("sso-cfg-{key}")),
                None => (f.field.clone(), label_of(&f.field).to_owned()),
            };
            let label = amphi_app::i18n::t(ctx.locale, &label);
            map.entry(field)
                .or_insert_with(|| amphi_app::i18n::labelled(ctx.locale, &label, &msg));
        }
    }
    Value::from_serialize(&map)
}

/// The label of a provider form field outside the configuration.
fn label_of(field: &str) -> &'static str {
    match field {
        "slug" => "sso-field-slug",
        "display_name" => "sso-field-display-name",
        "position" => "sso-field-position",
        "group_rules" => "sso-field-group-rules",
        "attribute_mapping" => "sso-mapping",
        _ => "sso-field-config",
    }
}

/// POST /admin/identity-providers/new
pub async fn create(Authed(ctx, su): Authed, CsrfForm(b): CsrfForm<ProviderBody>) -> PageResult {
    let result = match to_form(&b) {
        Ok(form) => sso::providers::create(&ctx.state.app, &su, form).await,
        Err(e) => Err(e),
    };
    saved(
        &ctx,
        &b,
        result,
        || context! { mode => "new", kinds => kinds() },
    )
}

/// After a save of the provider form: the provider's page, or the form again with what was
/// typed and what was wrong (`page`: the rest of the form's page, to add or to edit).
fn saved(
    ctx: &Ctx,
    b: &ProviderBody,
    result: Result<sso::Provider, Error>,
    page: impl FnOnce() -> Value,
) -> PageResult {
    match result {
        Ok(p) => Ok(ctx.redirect_with(
            &format!("/admin/identity-providers/{}", p.id),
            "flash-provider-saved",
        )),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/identity_provider_form.html",
            context! {
                fields => fields_of(b.kind().as_str()),
                values => form_values(b),
                errors => errors_of(ctx, &e),
                ..page()
            },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /admin/identity-providers/{id}
pub async fn edit_form(Authed(ctx, su): Authed, Ids(id): Ids<uuid::Uuid>) -> PageResult {
    let p = sso::providers::get(&ctx.state.app, &su, id)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "admin/identity_provider_form.html",
        edit_values(&ctx, &p, None),
    ))
}

/// The edit page of a saved provider (with a connection test's report, after one).
fn edit_values(ctx: &Ctx, p: &sso::Provider, test: Option<Value>) -> Value {
    let kind = ProviderKind::parse("kind", &p.kind).unwrap_or(ProviderKind::Oidc);
    context! {
        mode => "edit",
        id => p.id.to_string(),
        urls => urls(ctx, &p.kind, &p.slug),
        fields => fields_of(&p.kind),
        test,
        values => context! {
            kind => p.kind, slug => p.slug, display_name => p.display_name,
            position => p.position, enabled => p.enabled, jit => p.jit,
            cfg => Value::from_serialize(config::form_values(kind, Some(&p.config))),
            map_email => p.attribute_mapping.email, map_name => p.attribute_mapping.name,
            map_external_id => p.attribute_mapping.external_id,
            map_groups => p.attribute_mapping.groups,
            group_rules => pretty(&serde_json::to_value(&p.group_rules).unwrap_or_default()),
        },
        errors => context! {},
    }
}

/// POST /admin/identity-providers/{id}/test — checks the saved configuration against the
/// provider and shows what was found on the provider's page. Nothing is changed.
pub async fn test(
    Authed(ctx, su): Authed,
    Ids(id): Ids<uuid::Uuid>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let report = sso::check::connection(&ctx.state.app, &su, id)
        .await
        .or_page(&ctx)?;
    let p = sso::providers::get(&ctx.state.app, &su, id)
        .await
        .or_page(&ctx)?;
    let test = Value::from_serialize(&report);
    Ok(ctx.page(
        "admin/identity_provider_form.html",
        edit_values(&ctx, &p, Some(test)),
    ))
}

/// POST /admin/identity-providers/{id}
pub async fn update(
    Authed(ctx, su): Authed,
    Ids(id): Ids<uuid::Uuid>,
    CsrfForm(b): CsrfForm<ProviderBody>,
) -> PageResult {
    let result = match to_form(&b) {
        Ok(mut form) => {
            // Kind and slug are fixed; the edit form does not send them.
            form.kind = None;
            form.slug = None;
            sso::providers::update(&ctx.state.app, &su, id, form).await
        }
        Err(e) => Err(e),
    };
    saved(&ctx, &b, result, || {
        context! {
            mode => "edit",
            id => id.to_string(),
            urls => urls(&ctx, b.kind.as_deref().unwrap_or(""), b.slug.as_deref().unwrap_or("")),
        }
    })
}

/// POST /admin/identity-providers/{id}/enabled
pub async fn set_enabled(
    Authed(ctx, su): Authed,
    Ids(id): Ids<uuid::Uuid>,
    CsrfForm(b): CsrfForm<OnOff>,
) -> PageResult {
    let enabled = b.value().map_err(|e| ctx.fail(&e))?;
    let form = ProviderForm {
        enabled: Some(enabled),
        ..Default::default()
    };
    sso::providers::update(&ctx.state.app, &su, id, form)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with("/admin/identity-providers", "flash-provider-saved"))
}

/// POST /admin/identity-providers/{id}/delete
pub async fn delete(
    Authed(ctx, su): Authed,
    Ids(id): Ids<uuid::Uuid>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    sso::providers::delete(&ctx.state.app, &su, id)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with("/admin/identity-providers", "flash-provider-deleted"))
}
