//! External-tool (LTI 1.3) administration pages (tenant administrators): the tools in a table
//! with what a tool's developer must be told about this platform, the registration form, turning
//! a tool off or on, deleting one, and replacing the platform's signing key. The use cases of
//! `amphi_app::lti` decide who may do what.

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::{message, PageResult};
use crate::forms::{CsrfForm, Empty, OnOff};
use crate::path::Ids;
use amphi_app::lti::tools::{self, Tool, ToolForm};
use amphi_app::lti::{keys, Urls};
use amphi_core::codes;
use amphi_core::Error;
use axum::http::StatusCode;
use minijinja::{context, Value};
use serde::Deserialize;
use uuid::Uuid;

/// What a tool's developer must be given about this platform.
fn platform(ctx: &Ctx) -> Value {
    let u = Urls::of(&ctx.meta.base_url);
    context! {
        issuer => u.issuer.clone(),
        authorization_url => u.authorize(),
        token_url => u.token(),
        jwks_url => u.jwks(),
        openid_configuration_url => u.openid_configuration(),
    }
}

/// GET /admin/lti
pub async fn list(Authed(ctx, su): Authed) -> PageResult {
    let ts = tools::list(&ctx.state.app, &su).await.or_page(&ctx)?;
    Ok(ctx.page(
        "admin/lti_tools.html",
        context! { tools => Value::from_serialize(&ts), platform => platform(&ctx) },
    ))
}

/// GET /admin/lti/new
pub async fn new_form(Authed(ctx, su): Authed) -> PageResult {
    // Listing is what checks that the user may administer tools here.
    tools::list(&ctx.state.app, &su).await.or_page(&ctx)?;
    Ok(ctx.page(
        "admin/lti_tool_form.html",
        context! {
            mode => "new",
            platform => platform(&ctx),
            // The use case's defaults for a new registration.
            values => context! {
                ags => true, nrps => true, deep_linking => true, send_name => true,
                send_email => false, send_picture => false, enabled => true,
            },
            errors => context! {},
        },
    ))
}

/// The registration form as posted (checkboxes arrive only when ticked).
#[derive(Deserialize, Default, Clone)]
pub struct ToolBody {
    name: Option<String>,
    login_url: Option<String>,
    /// One address a line.
    redirect_uris: Option<String>,
    target_link_uri: Option<String>,
    deep_link_url: Option<String>,
    jwks_url: Option<String>,
    public_key_pem: Option<String>,
    /// One `name=value` a line.
    custom: Option<String>,
    ags: Option<String>,
    nrps: Option<String>,
    deep_linking: Option<String>,
    send_name: Option<String>,
    send_email: Option<String>,
    send_picture: Option<String>,
    enabled: Option<String>,
}

fn ticked(v: &Option<String>) -> bool {
    v.as_deref() == Some("true")
}

impl ToolBody {
    /// The form for the use case: every field given, so that an unticked box is a `false`
    /// (a browser sends nothing for it) and an emptied field is cleared.
    fn to_form(&self) -> ToolForm {
        let text = |v: &Option<String>| Some(v.clone().unwrap_or_default());
        ToolForm {
            name: text(&self.name),
            login_url: text(&self.login_url),
            redirect_uris: Some(
                self.redirect_uris
                    .as_deref()
                    .unwrap_or("")
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            target_link_uri: text(&self.target_link_uri),
            deep_link_url: text(&self.deep_link_url),
            jwks_url: text(&self.jwks_url),
            public_key_pem: text(&self.public_key_pem),
            custom: text(&self.custom),
            ags: Some(ticked(&self.ags)),
            nrps: Some(ticked(&self.nrps)),
            deep_linking: Some(ticked(&self.deep_linking)),
            send_name: Some(ticked(&self.send_name)),
            send_email: Some(ticked(&self.send_email)),
            send_picture: Some(ticked(&self.send_picture)),
            enabled: Some(ticked(&self.enabled)),
        }
    }

    /// What was typed, to show the form again.
    fn values(&self) -> Value {
        context! {
            name => self.name, login_url => self.login_url, redirect_uris => self.redirect_uris,
            target_link_uri => self.target_link_uri, deep_link_url => self.deep_link_url,
            jwks_url => self.jwks_url, public_key_pem => self.public_key_pem,
            custom => self.custom,
            ags => ticked(&self.ags), nrps => ticked(&self.nrps),
            deep_linking => ticked(&self.deep_linking), send_name => ticked(&self.send_name),
            send_email => ticked(&self.send_email), send_picture => ticked(&self.send_picture),
            enabled => ticked(&self.enabled),
        }
    }
}

/// A saved tool's values, for its edit form.
fn tool_values(t: &Tool) -> Value {
    context! {
        name => t.name, login_url => t.login_url, redirect_uris => t.redirect_uris.join("\n"),
        target_link_uri => t.target_link_uri, deep_link_url => t.deep_link_url,
        jwks_url => t.jwks_url, public_key_pem => t.public_key_pem, custom => t.custom,
        ags => t.ags, nrps => t.nrps, deep_linking => t.deep_linking, send_name => t.send_name,
        send_email => t.send_email, send_picture => t.send_picture, enabled => t.enabled,
    }
}

/// What the edit page shows of a saved tool besides its form.
fn tool_info(t: &Tool) -> Value {
    context! {
        id => t.id.to_string(),
        name => t.name,
        client_id => t.client_id,
        deployment_ids => t.deployment_ids,
        enabled => t.enabled,
    }
}

/// Field errors, each named by its field's label.
fn errors_of(ctx: &Ctx, e: &Error) -> Value {
    let mut map = std::collections::BTreeMap::new();
    if let Error::Validation(fs) = e {
        for f in fs {
            let msg = amphi_app::i18n::field_message(ctx.locale, f);
            let label = amphi_app::i18n::t(
                ctx.locale,
                &format!("lti-field-{}", f.field.replace('_', "-")),
            );
            map.entry(f.field.clone())
                .or_insert_with(|| amphi_app::i18n::labelled(ctx.locale, &label, &msg));
        }
    }
    Value::from_serialize(&map)
}

/// After a save of the form: the tools' list, or the form again with what was typed and what
/// was wrong (`page`: the rest of the form's page, to add or to edit).
fn saved(
    ctx: &Ctx,
    b: &ToolBody,
    result: Result<Tool, Error>,
    page: impl FnOnce() -> Value,
) -> PageResult {
    match result {
        Ok(_) => Ok(ctx.redirect_with("/admin/lti", "flash-lti-tool-saved")),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/lti_tool_form.html",
            context! {
                platform => platform(ctx),
                values => b.values(),
                errors => errors_of(ctx, &e),
                ..page()
            },
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /admin/lti/new
pub async fn create(Authed(ctx, su): Authed, CsrfForm(b): CsrfForm<ToolBody>) -> PageResult {
    let result = tools::create(&ctx.state.app, &su, b.to_form()).await;
    saved(&ctx, &b, result, || context! { mode => "new" })
}

/// GET /admin/lti/{id}
pub async fn edit_form(Authed(ctx, su): Authed, Ids(id): Ids<Uuid>) -> PageResult {
    let t = tools::get(&ctx.state.app, &su, id).await.or_page(&ctx)?;
    Ok(ctx.page("admin/lti_tool_form.html", edit_values(&ctx, &t, None)))
}

/// The edit page of a saved tool (with why it could not be deleted, after a refusal).
fn edit_values(ctx: &Ctx, t: &Tool, refused: Option<String>) -> Value {
    context! {
        mode => "edit",
        tool => tool_info(t),
        platform => platform(ctx),
        values => tool_values(t),
        errors => context! {},
        delete_refused => refused,
    }
}

/// POST /admin/lti/{id}
pub async fn update(
    Authed(ctx, su): Authed,
    Ids(id): Ids<Uuid>,
    CsrfForm(b): CsrfForm<ToolBody>,
) -> PageResult {
    let result = tools::update(&ctx.state.app, &su, id, b.to_form()).await;
    if let Err(Error::Validation(_)) = &result {
        // The read-only part of the page (client id, deployments) is the saved tool's.
        let t = tools::get(&ctx.state.app, &su, id).await.or_page(&ctx)?;
        return saved(&ctx, &b, result, || {
            context! { mode => "edit", tool => tool_info(&t) }
        });
    }
    saved(&ctx, &b, result, || context! { mode => "edit" })
}

/// POST /admin/lti/{id}/enabled
pub async fn set_enabled(
    Authed(ctx, su): Authed,
    Ids(id): Ids<Uuid>,
    CsrfForm(b): CsrfForm<OnOff>,
) -> PageResult {
    let enabled = b.value().map_err(|e| ctx.fail(&e))?;
    let form = ToolForm {
        enabled: Some(enabled),
        ..Default::default()
    };
    tools::update(&ctx.state.app, &su, id, form)
        .await
        .or_page(&ctx)?;
    let flash = if enabled {
        "flash-lti-tool-enabled"
    } else {
        "flash-lti-tool-disabled"
    };
    Ok(ctx.redirect_with("/admin/lti", flash))
}

/// POST /admin/lti/{id}/delete — refused for a tool that reported grades: its page says so and
/// offers to turn it off.
pub async fn delete(
    Authed(ctx, su): Authed,
    Ids(id): Ids<Uuid>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    match tools::delete(&ctx.state.app, &su, id).await {
        Ok(()) => Ok(ctx.redirect_with("/admin/lti", "flash-lti-tool-deleted")),
        Err(e @ Error::Conflict(codes::LTI_TOOL_HAS_GRADES)) => {
            let t = tools::get(&ctx.state.app, &su, id).await.or_page(&ctx)?;
            Ok(ctx.render(
                StatusCode::CONFLICT,
                "admin/lti_tool_form.html",
                edit_values(&ctx, &t, Some(message(&e, ctx.locale))),
            ))
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// The registration URL a tool's developer gives.
#[derive(serde::Deserialize, serde::Serialize, Default)]
pub struct RegisterBody {
    registration_url: String,
}

/// POST /admin/lti/register — LTI Dynamic Registration: a page that opens the tool's
/// registration URL with this platform's configuration and a registration token (a link, not a
/// redirect: the page's form-action policy allows this site only).
pub async fn register(Authed(ctx, su): Authed, CsrfForm(b): CsrfForm<RegisterBody>) -> PageResult {
    match amphi_app::lti::registration::begin(&ctx.state.app, &su, &b.registration_url).await {
        Ok(url) => Ok(ctx.page("admin/lti_register.html", context! { url })),
        Err(e @ Error::Validation(_)) => {
            let ts = tools::list(&ctx.state.app, &su).await.or_page(&ctx)?;
            Ok(ctx.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                "admin/lti_tools.html",
                context! {
                    tools => Value::from_serialize(&ts), platform => platform(&ctx),
                    reg_errors => ctx.field_errors(&e), reg_url => b.registration_url,
                },
            ))
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /admin/lti/keys/rotate
pub async fn rotate_key(Authed(ctx, su): Authed, CsrfForm(_): CsrfForm<Empty>) -> PageResult {
    keys::rotate(&ctx.state.app, &su).await.or_page(&ctx)?;
    Ok(ctx.redirect_with("/admin/lti", "flash-lti-key-rotated"))
}
