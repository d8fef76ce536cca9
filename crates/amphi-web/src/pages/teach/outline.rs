//! A run's outline editor: run settings, modules, items (the item editor, with its files on
//! request), new editions.

use super::courses::RunBody;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{datetime_local, CsrfForm};
use crate::pages::PageResultExt;
use crate::path::Ids;
use crate::templates::no_values;
use amphi_app::courses::authoring::{self, ItemForm, ModuleForm};
use amphi_app::{files, Caller};
use amphi_core::course::ItemKind;
use amphi_core::{Error, ItemId, ModuleId, RunId};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

fn run_values(o: &authoring::Outline, tz: &str) -> Value {
    let r = &o.run;
    context! {
        name => r.name, enrol_opens_at => datetime_local(r.enrol_opens_at, tz), enrol_closes_at => datetime_local(r.enrol_closes_at, tz),
        starts_at => datetime_local(r.starts_at, tz), ends_at => datetime_local(r.ends_at, tz), policy => r.policy.as_str(),
        enrolment_code => o.enrolment_code, capacity => r.capacity.map(|c| c.to_string()).unwrap_or_default(),
        waiting_list => r.waiting_list, restrict_domains => r.restriction.email_domains.join(", "),
        restrict_provider => r.restriction.identity_provider, restrict_group => r.restriction.group,
        published => r.published, sequential => r.sequential,
    }
}

/// Back to the run's outline at `part` (`module-…`, `item-…`; "" for the top), with a flash.
pub(super) fn back_to_outline(ctx: &Ctx, rid: RunId, part: &str, flash: &str) -> Response {
    let hash = if part.is_empty() { "" } else { "#" };
    ctx.redirect_with(&format!("/teach/runs/{rid}/outline{hash}{part}"), flash)
}

/// The item editor again, answered 422 with the refused values (None: as stored) and errors.
async fn item_form_refused(
    ctx: &Ctx,
    su: &Caller,
    ids: (RunId, ItemId),
    vals: Option<Value>,
    errors: Value,
) -> PageResult {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    item_form_with(ctx, su, ids, status, vals, errors, false).await
}

/// The form of the outline page a refused post came from: the page shows it again with what
/// was typed and its errors next to its own fields, and every other form as stored.
pub(super) enum Refused {
    /// Nothing refused.
    Nothing,
    /// The run settings.
    Run,
    /// The "new module" form.
    NewModule,
    /// A module's settings.
    Module(ModuleId),
    /// The "add an item" row of a module.
    AddItem(ModuleId),
    /// The "new edition" form.
    Edition,
}

impl Refused {
    /// The key the template compares each form against.
    fn key(&self) -> String {
        match self {
            Refused::Nothing => String::new(),
            Refused::Run => "run".into(),
            Refused::NewModule => "module-new".into(),
            Refused::Module(m) => format!("module-{m}"),
            Refused::AddItem(m) => format!("item-{m}"),
            Refused::Edition => "edition".into(),
        }
    }
}

/// GET /teach/runs/{id}/outline — the structure editor and the run settings.
pub async fn outline(Authed(ctx, su): Authed, Ids(rid): Ids<RunId>) -> PageResult {
    outline_with(&ctx, &su, rid, Refused::Nothing, no_values(), no_values()).await
}

/// The outline page; with a refused form, answered 422 with that form's values and errors.
async fn outline_with(
    ctx: &Ctx,
    su: &Caller,
    rid: RunId,
    refused: Refused,
    errors: Value,
    posted: Value,
) -> PageResult {
    let o = authoring::outline(&ctx.state.app, su, rid)
        .await
        .or_page(ctx)?;
    let modules: Vec<Value> = o
        .modules
        .iter()
        .map(|m| {
            let items: Vec<Value> = o
                .items
                .iter()
                .filter(|i| i.module_id == m.id)
                .map(|i| context! { id => i.id.to_string(), title => i.title, kind => i.kind, published => i.published })
                .collect();
            context! { id => m.id.to_string(), title => m.title, published => m.published, available_from => datetime_local(m.available_from, &su.user.time_zone), items }
        })
        .collect();
    let status = match refused {
        Refused::Nothing => StatusCode::OK,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let values = match refused {
        Refused::Run => posted.clone(),
        _ => run_values(&o, &su.user.time_zone),
    };
    let run_errors = match refused {
        Refused::Run => errors.clone(),
        _ => no_values(),
    };
    let tools: Vec<_> = amphi_app::lti::tools::choices(&ctx.state.app, su.tenant)
        .await
        .or_page(ctx)?
        .into_iter()
        .map(|t| context! { id => t.id.to_string(), name => t.name, picker => t.picker })
        .collect();
    // The kind "tool" is offered once the site has a tool.
    let kinds: Vec<&str> = ItemKind::ALL
        .iter()
        .filter(|k| **k != ItemKind::Tool || !tools.is_empty())
        .map(|k| k.as_str())
        .collect();
    Ok(ctx.render(
        status,
        "teach/outline.html",
        context! {
            run => Value::from_serialize(&o.run), course => Value::from_serialize(&o.course), modules,
            values, run_errors, refused => refused.key(), errors, posted,
            policies => ["open", "invitation", "code", "paid", "restricted"],
            kinds, tools,
        },
    ))
}

/// POST /teach/runs/{id} — run settings.
pub async fn run_update(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<RunBody>,
) -> PageResult {
    match authoring::update_run(&ctx.state.app, &su, rid, f.clone().into_form()).await {
        Ok(_) => Ok(back_to_outline(&ctx, rid, "", "flash-run-saved")),
        Err(e @ Error::Validation(_)) => {
            let posted = Value::from_serialize(&f);
            outline_with(&ctx, &su, rid, Refused::Run, ctx.field_errors(&e), posted).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// The module form as posted.
#[derive(Deserialize, Serialize, Clone)]
pub struct ModuleBody {
    title: Option<String>,
    available_from: Option<String>,
    published: Option<String>,
}

/// POST /teach/runs/{id}/modules
pub async fn module_add(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<ModuleBody>,
) -> PageResult {
    let form = ModuleForm {
        title: f.title.clone(),
        available_from: f.available_from.clone(),
        published: Some(f.published.as_deref() == Some("true")),
    };
    match authoring::add_module(&ctx.state.app, &su, rid, form).await {
        Ok(m) => {
            let part = format!("module-{}", m.id);
            Ok(back_to_outline(&ctx, rid, &part, "flash-module-added"))
        }
        Err(e @ Error::Validation(_)) => {
            let posted = Value::from_serialize(&f);
            outline_with(
                &ctx,
                &su,
                rid,
                Refused::NewModule,
                ctx.field_errors(&e),
                posted,
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /teach/runs/{run}/modules/{module}
pub async fn module_update(
    Authed(ctx, su): Authed,
    Ids((rid, mid)): Ids<(RunId, ModuleId)>,
    CsrfForm(f): CsrfForm<ModuleBody>,
) -> PageResult {
    let form = ModuleForm {
        title: f.title.clone(),
        available_from: Some(f.available_from.clone().unwrap_or_default()),
        published: Some(f.published.as_deref() == Some("true")),
    };
    match authoring::update_module(&ctx.state.app, &su, rid, mid, form).await {
        Ok(_) => {
            let part = format!("module-{mid}");
            Ok(back_to_outline(&ctx, rid, &part, "flash-module-saved"))
        }
        Err(e @ Error::Validation(_)) => {
            let (errors, posted) = (ctx.field_errors(&e), Value::from_serialize(&f));
            outline_with(&ctx, &su, rid, Refused::Module(mid), errors, posted).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /teach/runs/{run}/modules/{module}/move
pub async fn module_move(
    Authed(ctx, su): Authed,
    Ids((rid, mid)): Ids<(RunId, ModuleId)>,
    CsrfForm(f): CsrfForm<authoring::Move>,
) -> PageResult {
    authoring::move_module(&ctx.state.app, &su, rid, mid, f)
        .await
        .or_page(&ctx)?;
    let part = format!("module-{mid}");
    Ok(back_to_outline(&ctx, rid, &part, "flash-moved"))
}

/// The item form as posted (new items send only kind, title and URL).
#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct ItemBody {
    kind: Option<String>,
    title: Option<String>,
    body: Option<String>,
    url: Option<String>,
    published: Option<String>,
    available_from: Option<String>,
    requires_item_id: Option<String>,
    tool_id: Option<String>,
    presentation: Option<String>,
    completion: Option<String>,
    custom: Option<String>,
    max_attempts: Option<String>,
    max_points: Option<String>,
}

/// POST /teach/runs/{run}/modules/{module}/items
pub async fn item_add(
    Authed(ctx, su): Authed,
    Ids((rid, mid)): Ids<(RunId, ModuleId)>,
    CsrfForm(f): CsrfForm<ItemBody>,
) -> PageResult {
    let form = ItemForm {
        kind: f.kind.clone(),
        title: f.title.clone(),
        body: f.body.clone(),
        url: f.url.clone(),
        published: Some(false),
        available_from: None,
        requires_item_id: None,
        tool_id: f.tool_id.clone(),
        presentation: f.presentation.clone(),
        completion: f.completion.clone(),
        custom: f.custom.clone(),
        max_attempts: f.max_attempts.clone(),
        max_points: f.max_points.clone(),
    };
    match authoring::add_item(&ctx.state.app, &su, rid, mid, form).await {
        Ok(it) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/items/{}", it.id),
            "flash-item-added",
        )),
        Err(e @ Error::Validation(_)) => {
            let (errors, posted) = (ctx.field_errors(&e), Value::from_serialize(&f));
            outline_with(&ctx, &su, rid, Refused::AddItem(mid), errors, posted).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /teach/runs/{run}/items/{item}
pub async fn item_form(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
) -> PageResult {
    item_form_with(
        &ctx,
        &su,
        (rid, iid),
        StatusCode::OK,
        None,
        no_values(),
        false,
    )
    .await
}

/// The item editor. With `files`, the item's files too (the part of the page the editor
/// otherwise loads from `/files` with htmx, so the editor alone costs no storage lookup).
pub(crate) async fn item_form_with(
    ctx: &Ctx,
    su: &Caller,
    (rid, iid): (RunId, ItemId),
    status: StatusCode,
    vals: Option<Value>,
    errors: Value,
    with_files: bool,
) -> PageResult {
    let app = &ctx.state.app;
    let o = authoring::outline(app, su, rid).await.or_page(ctx)?;
    let Some(it) = o.items.iter().find(|i| i.id == iid.0) else {
        return Err(ctx.fail(&Error::NotFound));
    };
    let settings: serde_json::Value = serde_json::from_str(&it.settings).unwrap_or_default();
    let values = vals.unwrap_or_else(|| {
        context! {
            title => it.title, body => it.body, url => settings.get("url").and_then(|u| u.as_str()),
            published => it.published, available_from => datetime_local(it.available_from, &su.user.time_zone),
            requires_item_id => it.requires_item_id.map(|r| r.to_string()).unwrap_or_default(),
            presentation => settings.get("presentation").and_then(|u| u.as_str()).unwrap_or("iframe"),
            completion => settings.get("completion").and_then(|u| u.as_str()).unwrap_or(if it.kind == "package" { "completed" } else { "launch" }),
            max_attempts => settings.get("max_attempts").and_then(|u| u.as_u64()).unwrap_or(1),
            max_points => settings.get("max_points").and_then(|u| u.as_f64()).unwrap_or(100.0),
            custom => settings.get("custom").and_then(|u| u.as_str()).unwrap_or(""),
        }
    });
    let others: Vec<Value> = o
        .items
        .iter()
        .filter(|i| i.id != iid.0)
        .map(|i| context! { id => i.id.to_string(), title => i.title })
        .collect();
    let preview = amphi_app::courses::content::markdown_to_html(&it.body);
    let modules: Vec<Value> = o
        .modules
        .iter()
        .map(|m| context! { id => m.id.to_string(), title => m.title })
        .collect();
    let page = context! {
        run => Value::from_serialize(&o.run), course => Value::from_serialize(&o.course),
        item => context! { id => it.id.to_string(), kind => it.kind, module_id => it.module_id.to_string() },
        values, errors, others, preview, modules,
    };
    if !with_files {
        return Ok(ctx.render(status, "teach/item_form.html", page));
    }
    let media = files::item_media(
        app,
        ctx.tenant.id,
        rid.0,
        it.kind().or_page(ctx)?,
        &settings,
    )
    .await
    .or_page(ctx)?;
    let max_mb = app.storage.max_upload_bytes().div_ceil(1024 * 1024);
    let files = context! {
        file => Value::from_serialize(media.as_ref().and_then(|m| m.file.as_ref())),
        subtitles => Value::from_serialize(media.as_ref().map(|m| &m.subtitles)),
        video_file => media.as_ref().is_some_and(|m| m.video_file),
        max_mb,
    };
    Ok(ctx.render(status, "teach/item_form.html", context! { files, ..page }))
}

/// POST /teach/runs/{run}/items/{item}
pub async fn item_update(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<ItemBody>,
) -> PageResult {
    let form = ItemForm {
        kind: None,
        title: f.title.clone(),
        body: f.body.clone(),
        url: f.url.clone(),
        published: Some(f.published.as_deref() == Some("true")),
        available_from: Some(f.available_from.clone().unwrap_or_default()),
        requires_item_id: Some(f.requires_item_id.clone().unwrap_or_default()),
        tool_id: f.tool_id.clone(),
        presentation: f.presentation.clone(),
        completion: f.completion.clone(),
        custom: f.custom.clone(),
        max_attempts: f.max_attempts.clone(),
        max_points: f.max_points.clone(),
    };
    match authoring::update_item(&ctx.state.app, &su, rid, iid, form).await {
        Ok(_) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/items/{iid}"),
            "flash-item-saved",
        )),
        Err(e @ Error::Validation(_)) => {
            let (errors, posted) = (ctx.field_errors(&e), Value::from_serialize(&f));
            item_form_refused(&ctx, &su, (rid, iid), Some(posted), errors).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /teach/runs/{run}/items/{item}/move
pub async fn item_move(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<authoring::Move>,
) -> PageResult {
    authoring::move_item(&ctx.state.app, &su, rid, iid, f)
        .await
        .or_page(&ctx)?;
    let part = format!("item-{iid}");
    Ok(back_to_outline(&ctx, rid, &part, "flash-moved"))
}

/// The "move to another module" form of the item editor.
#[derive(Deserialize)]
pub struct ModuleChoice {
    #[serde(default)]
    module_id: String,
}

/// POST /teach/runs/{run}/items/{item}/module — moves the item to the end of another module.
pub async fn item_to_module(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<ModuleChoice>,
) -> PageResult {
    let Ok(mid) = f.module_id.trim().parse::<uuid::Uuid>() else {
        let e = Error::field("module_id", amphi_core::codes::CHOICE_INVALID);
        return item_form_refused(&ctx, &su, (rid, iid), None, ctx.field_errors(&e)).await;
    };
    match authoring::move_item_to(&ctx.state.app, &su, rid, iid, ModuleId(mid)).await {
        Ok(()) => {
            let part = format!("item-{iid}");
            Ok(back_to_outline(&ctx, rid, &part, "flash-item-moved-module"))
        }
        Err(e @ Error::Validation(_)) => {
            item_form_refused(&ctx, &su, (rid, iid), None, ctx.field_errors(&e)).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// A new edition of a run: its name and start.
#[derive(Deserialize, Serialize)]
pub struct EditionBody {
    #[serde(default)]
    name: String,
    starts_at: Option<String>,
}

/// POST /teach/runs/{id}/editions
pub async fn new_edition(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<EditionBody>,
) -> PageResult {
    match authoring::new_edition(&ctx.state.app, &su, rid, &f.name, f.starts_at.as_deref()).await {
        Ok(r) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{}/outline", r.id),
            "flash-edition-created",
        )),
        Err(e @ Error::Validation(_)) => {
            let (errors, posted) = (ctx.field_errors(&e), Value::from_serialize(&f));
            outline_with(&ctx, &su, rid, Refused::Edition, errors, posted).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}
