//! The course team's pages: courses, runs, the outline editor, items, learners, invitations,
//! vouchers, new editions.

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{datetime_local, CsrfForm, Empty};
use crate::path::Ids;
use amphi_app::courses::authoring::{self, CourseForm, ItemForm, ModuleForm, RunForm};
use amphi_app::courses::{enrol, learn, learners, rights};
use amphi_app::users::User;
use amphi_core::{CourseId, Error, ItemId, ModuleId, RunId};
use axum::extract::Query;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use minijinja::{context, Value};
use serde::Deserialize;
use uuid::Uuid;

fn empty() -> Value {
    context! {}
}

/// GET /teach — courses the person builds or teaches.
pub async fn index(Authed(ctx, su): Authed) -> PageResult {
    let is_admin = rights::may_create_courses(&su.user, ctx.tenant.id);
    let teaching: Vec<_> = learn::dashboard(&ctx.state.app, &su.user, ctx.tenant.id)
        .await
        .or_page(&ctx)?
        .into_iter()
        .filter(|e| e.role != "learner")
        .collect();
    let all = if is_admin {
        amphi_app::courses::catalog::all_courses(&ctx.state.app, &su.user, ctx.tenant.id)
            .await
            .or_page(&ctx)?
    } else {
        vec![]
    };
    if !is_admin && teaching.is_empty() {
        return Err(ctx.fail(&Error::Forbidden));
    }
    Ok(ctx.page("teach/index.html", context! { teaching => Value::from_serialize(&teaching), courses => Value::from_serialize(&all), is_admin }))
}

/// GET /teach/courses/new
pub async fn course_new_form(Authed(ctx, su): Authed) -> PageResult {
    if !rights::may_create_courses(&su.user, ctx.tenant.id) {
        return Err(ctx.fail(&Error::Forbidden));
    }
    Ok(ctx.page("teach/course_form.html", context! { mode => "new", values => context! { format => "mooc", visibility => "listed", language => ctx.locale.tag() }, errors => empty() }))
}

#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct CourseBody {
    code: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    language: Option<String>,
    cover_url: Option<String>,
    format: Option<String>,
    visibility: Option<String>,
}

impl From<CourseBody> for CourseForm {
    fn from(b: CourseBody) -> Self {
        CourseForm {
            code: b.code,
            title: b.title,
            summary: b.summary,
            language: b.language,
            cover_url: b.cover_url,
            format: b.format,
            visibility: b.visibility,
        }
    }
}

/// POST /teach/courses/new
pub async fn course_create(
    Authed(ctx, su): Authed,
    CsrfForm(f): CsrfForm<CourseBody>,
) -> PageResult {
    match authoring::create_course(&ctx.state.app, &su.user, ctx.tenant.id, f.clone().into(), &ctx.meta).await {
        Ok(c) => Ok(ctx.redirect_with(&format!("/teach/courses/{}", c.id), "flash-course-created")),
        Err(e @ Error::Validation(_)) => Ok(ctx.render(StatusCode::UNPROCESSABLE_ENTITY, "teach/course_form.html", context! { mode => "new", values => Value::from_serialize(&f), errors => ctx.field_errors(&e) })),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /teach/courses/{id}
pub async fn course_page(Authed(ctx, su): Authed, Ids(cid): Ids<CourseId>) -> PageResult {
    let cid = cid.0;
    course_page_with(
        &ctx,
        &su.user,
        cid,
        StatusCode::OK,
        empty(),
        None,
        empty(),
        None,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn course_page_with(
    ctx: &Ctx,
    user: &User,
    cid: Uuid,
    status: StatusCode,
    course_errors: Value,
    course_values: Option<Value>,
    run_errors: Value,
    run_values: Option<Value>,
) -> PageResult {
    let (course, runs) =
        amphi_app::courses::catalog::course_for_team(&ctx.state.app, user, ctx.tenant.id, cid)
            .await
            .or_page(ctx)?;
    let values = course_values.unwrap_or_else(|| Value::from_serialize(&course));
    Ok(ctx.render(
        status,
        "teach/course.html",
        context! {
            course => Value::from_serialize(&course),
            runs => Value::from_serialize(&runs),
            values,
            errors => course_errors,
            run_values => run_values.unwrap_or_else(|| context! { policy => course.format.default_policy().as_str() }),
            run_errors,
            policies => ["open", "invitation", "code", "paid", "restricted"],
        },
    ))
}

/// POST /teach/courses/{id}
pub async fn course_update(
    Authed(ctx, su): Authed,
    Ids(cid): Ids<CourseId>,
    CsrfForm(f): CsrfForm<CourseBody>,
) -> PageResult {
    let cid = cid.0;
    let mut form: CourseForm = f.clone().into();
    form.code = None;
    match authoring::update_course(&ctx.state.app, &su.user, ctx.tenant.id, cid, form).await {
        Ok(_) => Ok(ctx.redirect_with(&format!("/teach/courses/{cid}"), "flash-course-saved")),
        Err(e @ Error::Validation(_)) => {
            course_page_with(
                &ctx,
                &su.user,
                cid,
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx.field_errors(&e),
                Some(Value::from_serialize(&f)),
                empty(),
                None,
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct RunBody {
    name: Option<String>,
    enrol_opens_at: Option<String>,
    enrol_closes_at: Option<String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    policy: Option<String>,
    enrolment_code: Option<String>,
    capacity: Option<String>,
    waiting_list: Option<String>,
    restrict_domains: Option<String>,
    restrict_provider: Option<String>,
    restrict_group: Option<String>,
    published: Option<String>,
    sequential: Option<String>,
}

impl RunBody {
    /// Checkboxes arrive only when ticked: a settings form always sends its booleans.
    fn into_form(self) -> RunForm {
        RunForm {
            name: self.name,
            enrol_opens_at: Some(self.enrol_opens_at.unwrap_or_default()),
            enrol_closes_at: Some(self.enrol_closes_at.unwrap_or_default()),
            starts_at: Some(self.starts_at.unwrap_or_default()),
            ends_at: Some(self.ends_at.unwrap_or_default()),
            policy: self.policy,
            enrolment_code: self.enrolment_code,
            capacity: Some(self.capacity.unwrap_or_default()),
            waiting_list: Some(self.waiting_list.as_deref() == Some("true")),
            restrict_domains: Some(self.restrict_domains.unwrap_or_default()),
            restrict_provider: Some(self.restrict_provider.unwrap_or_default()),
            restrict_group: Some(self.restrict_group.unwrap_or_default()),
            published: Some(self.published.as_deref() == Some("true")),
            sequential: Some(self.sequential.as_deref() == Some("true")),
        }
    }
}

/// POST /teach/courses/{id}/runs
pub async fn run_create(
    Authed(ctx, su): Authed,
    Ids(cid): Ids<CourseId>,
    CsrfForm(f): CsrfForm<RunBody>,
) -> PageResult {
    let cid = cid.0;
    match authoring::create_run(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        cid,
        f.clone().into_form(),
        &ctx.meta,
    )
    .await
    {
        Ok(r) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{}/outline", r.id),
            "flash-run-created",
        )),
        Err(e @ Error::Validation(_)) => {
            course_page_with(
                &ctx,
                &su.user,
                cid,
                StatusCode::UNPROCESSABLE_ENTITY,
                empty(),
                None,
                ctx.field_errors(&e),
                Some(Value::from_serialize(&f)),
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

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

/// GET /teach/runs/{id}/outline — the structure editor and the run settings.
pub async fn outline(Authed(ctx, su): Authed, Ids(rid): Ids<RunId>) -> PageResult {
    let rid = rid.0;
    outline_with(&ctx, &su.user, rid, StatusCode::OK, empty(), None, empty()).await
}

async fn outline_with(
    ctx: &Ctx,
    user: &User,
    rid: Uuid,
    status: StatusCode,
    run_errors: Value,
    run_vals: Option<Value>,
    module_errors: Value,
) -> PageResult {
    let o = authoring::outline(&ctx.state.app, user, ctx.tenant.id, rid)
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
            context! { id => m.id.to_string(), title => m.title, published => m.published, available_from => datetime_local(m.available_from, &user.time_zone), items }
        })
        .collect();
    let values = run_vals.unwrap_or_else(|| run_values(&o, &user.time_zone));
    Ok(ctx.render(
        status,
        "teach/outline.html",
        context! {
            run => Value::from_serialize(&o.run), course => Value::from_serialize(&o.course), modules,
            values, run_errors, module_errors, policies => ["open", "invitation", "code", "paid", "restricted"],
            kinds => authoring::ITEM_KINDS,
        },
    ))
}

/// POST /teach/runs/{id} — run settings.
pub async fn run_update(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<RunBody>,
) -> PageResult {
    let rid = rid.0;
    match authoring::update_run(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        rid,
        f.clone().into_form(),
    )
    .await
    {
        Ok(_) => Ok(ctx.redirect_with(&format!("/teach/runs/{rid}/outline"), "flash-run-saved")),
        Err(e @ Error::Validation(_)) => {
            outline_with(
                &ctx,
                &su.user,
                rid,
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx.field_errors(&e),
                Some(Value::from_serialize(&f)),
                empty(),
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

#[derive(Deserialize)]
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
    let rid = rid.0;
    let form = ModuleForm {
        title: f.title,
        available_from: f.available_from,
        published: Some(f.published.as_deref() == Some("true")),
    };
    match authoring::add_module(&ctx.state.app, &su.user, ctx.tenant.id, rid, form).await {
        Ok(m) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/outline#module-{}", m.id),
            "flash-module-added",
        )),
        Err(e @ Error::Validation(_)) => {
            outline_with(
                &ctx,
                &su.user,
                rid,
                StatusCode::UNPROCESSABLE_ENTITY,
                empty(),
                None,
                ctx.field_errors(&e),
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
    let (rid, mid) = (rid.0, mid.0);
    let form = ModuleForm {
        title: f.title,
        available_from: Some(f.available_from.unwrap_or_default()),
        published: Some(f.published.as_deref() == Some("true")),
    };
    match authoring::update_module(&ctx.state.app, &su.user, ctx.tenant.id, rid, mid, form).await {
        Ok(_) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/outline#module-{mid}"),
            "flash-module-saved",
        )),
        Err(e @ Error::Validation(_)) => {
            outline_with(
                &ctx,
                &su.user,
                rid,
                StatusCode::UNPROCESSABLE_ENTITY,
                empty(),
                None,
                ctx.field_errors(&e),
            )
            .await
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
    let (rid, mid) = (rid.0, mid.0);
    match authoring::move_module(&ctx.state.app, &su.user, ctx.tenant.id, rid, mid, f).await {
        Ok(()) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/outline#module-{mid}"),
            "flash-moved",
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /teach/runs/{run}/modules/{module}/delete
pub async fn module_delete(
    Authed(ctx, su): Authed,
    Ids((rid, mid)): Ids<(RunId, ModuleId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let (rid, mid) = (rid.0, mid.0);
    match authoring::delete_module(&ctx.state.app, &su.user, ctx.tenant.id, rid, mid).await {
        Ok(()) => Ok(ctx.redirect_with(&format!("/teach/runs/{rid}/outline"), "flash-deleted")),
        Err(e) => Err(ctx.fail(&e)),
    }
}

#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct ItemBody {
    kind: Option<String>,
    title: Option<String>,
    body: Option<String>,
    url: Option<String>,
    published: Option<String>,
    available_from: Option<String>,
    requires_item_id: Option<String>,
}

/// POST /teach/runs/{run}/modules/{module}/items
pub async fn item_add(
    Authed(ctx, su): Authed,
    Ids((rid, mid)): Ids<(RunId, ModuleId)>,
    CsrfForm(f): CsrfForm<ItemBody>,
) -> PageResult {
    let (rid, mid) = (rid.0, mid.0);
    let form = ItemForm {
        kind: f.kind,
        title: f.title,
        body: f.body,
        url: f.url,
        published: Some(false),
        available_from: None,
        requires_item_id: None,
    };
    match authoring::add_item(&ctx.state.app, &su.user, ctx.tenant.id, rid, mid, form).await {
        Ok(it) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/items/{}", it.id),
            "flash-item-added",
        )),
        Err(e @ Error::Validation(_)) => {
            outline_with(
                &ctx,
                &su.user,
                rid,
                StatusCode::UNPROCESSABLE_ENTITY,
                empty(),
                None,
                ctx.field_errors(&e),
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /teach/runs/{run}/items/{item}
pub async fn item_form(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
) -> PageResult {
    let (rid, iid) = (rid.0, iid.0);
    item_form_with(&ctx, &su.user, rid, iid, StatusCode::OK, None, empty()).await
}

async fn item_form_with(
    ctx: &Ctx,
    user: &User,
    rid: Uuid,
    iid: Uuid,
    status: StatusCode,
    vals: Option<Value>,
    errors: Value,
) -> PageResult {
    let o = authoring::outline(&ctx.state.app, user, ctx.tenant.id, rid)
        .await
        .or_page(ctx)?;
    let Some(it) = o.items.iter().find(|i| i.id == iid) else {
        return Err(ctx.fail(&Error::NotFound));
    };
    let settings: serde_json::Value = serde_json::from_str(&it.settings).unwrap_or_default();
    let values = vals.unwrap_or_else(|| {
        context! {
            title => it.title, body => it.body, url => settings.get("url").and_then(|u| u.as_str()),
            published => it.published, available_from => datetime_local(it.available_from, &user.time_zone),
            requires_item_id => it.requires_item_id.map(|r| r.to_string()).unwrap_or_default(),
        }
    });
    let others: Vec<Value> = o
        .items
        .iter()
        .filter(|i| i.id != iid)
        .map(|i| context! { id => i.id.to_string(), title => i.title })
        .collect();
    let preview = amphi_app::courses::content::markdown_to_html(&it.body);
    Ok(ctx.render(
        status,
        "teach/item_form.html",
        context! { run => Value::from_serialize(&o.run), course => Value::from_serialize(&o.course), item => context! { id => it.id.to_string(), kind => it.kind }, values, errors, others, preview },
    ))
}

/// POST /teach/runs/{run}/items/{item}
pub async fn item_update(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<ItemBody>,
) -> PageResult {
    let (rid, iid) = (rid.0, iid.0);
    let form = ItemForm {
        kind: None,
        title: f.title.clone(),
        body: f.body.clone(),
        url: f.url.clone(),
        published: Some(f.published.as_deref() == Some("true")),
        available_from: Some(f.available_from.clone().unwrap_or_default()),
        requires_item_id: Some(f.requires_item_id.clone().unwrap_or_default()),
    };
    match authoring::update_item(&ctx.state.app, &su.user, ctx.tenant.id, rid, iid, form).await {
        Ok(_) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/items/{iid}"),
            "flash-item-saved",
        )),
        Err(e @ Error::Validation(_)) => {
            item_form_with(
                &ctx,
                &su.user,
                rid,
                iid,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(Value::from_serialize(&f)),
                ctx.field_errors(&e),
            )
            .await
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
    let (rid, iid) = (rid.0, iid.0);
    match authoring::move_item(&ctx.state.app, &su.user, ctx.tenant.id, rid, iid, f).await {
        Ok(()) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/outline#item-{iid}"),
            "flash-moved",
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /teach/runs/{run}/items/{item}/delete
pub async fn item_delete(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let (rid, iid) = (rid.0, iid.0);
    match authoring::delete_item(&ctx.state.app, &su.user, ctx.tenant.id, rid, iid).await {
        Ok(()) => Ok(ctx.redirect_with(&format!("/teach/runs/{rid}/outline"), "flash-deleted")),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /teach/runs/{id}/learners (htmx asks for rows only)
pub async fn learners_page(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    Query(f): Query<learners::LearnerFilters>,
) -> PageResult {
    let rid = rid.0;
    let page = learners::list(&ctx.state.app, &su.user, ctx.tenant.id, rid, &f, 50)
        .await
        .or_page(&ctx)?;
    let o = amphi_app::courses::catalog::run_summary(&ctx.state.app, &su.user, ctx.tenant.id, rid)
        .await
        .or_page(&ctx)?;
    let v = context! {
        run => Value::from_serialize(&o.0), course => Value::from_serialize(&o.1),
        learners => Value::from_serialize(&page.items), next => page.next.map(|n| n.to_string()),
        f => context! { q => f.q, role => f.role, status => f.status, progress => f.progress },
        query => serde_urlencoded::to_string([("q", f.q.clone().unwrap_or_default()), ("role", f.role.clone().unwrap_or_default()), ("status", f.status.clone().unwrap_or_default()), ("progress", f.progress.clone().unwrap_or_default())]).unwrap_or_default(),
        can_manage => rights::may_manage_roles(&su.user, ctx.tenant.id, o.2),
    };
    Ok(ctx.page(
        if ctx.htmx {
            "teach/_learner_rows.html"
        } else {
            "teach/learners.html"
        },
        v,
    ))
}

/// GET /teach/runs/{id}/learners.csv — streamed a thousand rows at a time, never the whole run
/// in memory.
pub async fn learners_csv(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    Query(f): Query<learners::LearnerFilters>,
) -> PageResult {
    let rid = rid.0;
    // Check access (and surface errors as pages) before the stream starts.
    let first = learners::export_page(&ctx.state.app, &su.user, ctx.tenant.id, rid, &f)
        .await
        .or_page(&ctx)?;
    let app = ctx.state.app.clone();
    let user = su.user.clone();
    let tenant = ctx.tenant.id;
    Ok(super::csv_download(
        format!("learners-{rid}.csv"),
        learners::CSV_HEADER,
        first,
        move |after| {
            let (app, user) = (app.clone(), user.clone());
            let mut page_f = f.clone();
            page_f.after = Some(after);
            async move { learners::export_page(&app, &user, tenant, rid, &page_f).await }
        },
    ))
}

#[derive(Deserialize)]
pub struct MemberBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// POST /teach/runs/{id}/members
pub async fn member_add(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<MemberBody>,
) -> PageResult {
    let rid = rid.0;
    match authoring::add_member(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        rid,
        &f.email,
        &f.role,
        &ctx.meta,
    )
    .await
    {
        Ok(()) => {
            Ok(ctx.redirect_with(&format!("/teach/runs/{rid}/learners"), "flash-member-added"))
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

#[derive(Deserialize)]
pub struct InviteBody {
    #[serde(default)]
    emails: String,
}

/// POST /teach/runs/{id}/invitations
pub async fn invite(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<InviteBody>,
) -> PageResult {
    let rid = rid.0;
    match enrol::invite(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        rid,
        &f.emails,
        &ctx.meta,
    )
    .await
    {
        Ok(_) => Ok(ctx.redirect_with(&format!("/teach/runs/{rid}/learners"), "flash-invited")),
        Err(e) => Err(ctx.fail(&e)),
    }
}

#[derive(Deserialize)]
pub struct VoucherBody {
    #[serde(default)]
    count: String,
}

/// POST /teach/runs/{id}/vouchers — the codes download as CSV, once.
pub async fn vouchers(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<VoucherBody>,
) -> PageResult {
    let rid = rid.0;
    let count = f.count.trim().parse::<usize>().unwrap_or(0);
    let codes = enrol::generate_vouchers(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        rid,
        count,
        &ctx.meta,
    )
    .await
    .or_page(&ctx)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"vouchers-{rid}.csv\""),
            ),
        ],
        format!("code\n{}\n", codes.join("\n")),
    )
        .into_response())
}

#[derive(Deserialize)]
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
    let rid = rid.0;
    match authoring::new_edition(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        rid,
        &f.name,
        f.starts_at.as_deref(),
        &ctx.meta,
    )
    .await
    {
        Ok(r) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{}/outline", r.id),
            "flash-edition-created",
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /teach/runs/{run}/imports — a CSV file (email, name, role) of people to enrol.
pub async fn import_start(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    crate::forms::CsrfMultipart(mut mp): crate::forms::CsrfMultipart,
) -> PageResult {
    let rid = rid.0;
    let mut data = Vec::new();
    loop {
        match mp.next_field().await {
            Ok(Some(mut f)) if f.name() == Some("file") => loop {
                match f.chunk().await {
                    Ok(Some(c)) => {
                        if data.len() + c.len() > amphi_app::courses::import::MAX_BYTES {
                            return Err(ctx.fail(&Error::field("file", "file_too_large")));
                        }
                        data.extend_from_slice(&c);
                    }
                    Ok(None) => break,
                    Err(_) => return Err(ctx.fail(&Error::BadRequest("form_malformed"))),
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Err(ctx.fail(&Error::BadRequest("form_malformed"))),
        }
    }
    let s = amphi_app::courses::import::start(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        rid,
        &data,
        &ctx.meta,
    )
    .await
    .map_err(|e| ctx.refused(&e))?;
    Ok(
        axum::response::Redirect::to(&format!("/teach/runs/{rid}/imports/{}", s.id))
            .into_response(),
    )
}

/// GET /teach/runs/{run}/imports/{job} — the report and the progress (htmx polls the
/// progress fragment while the job runs).
pub async fn import_status(
    Authed(ctx, su): Authed,
    Ids((rid, jid)): Ids<(RunId, Uuid)>,
) -> PageResult {
    let rid = rid.0;
    let s = amphi_app::courses::import::status(&ctx.state.app, &su.user, ctx.tenant.id, rid, jid)
        .await
        .or_page(&ctx)?;
    let running = matches!(s.status.as_str(), "queued" | "running");
    let percent = match s.total {
        Some(t) if t > 0 => s.done * 100 / t,
        _ => {
            if s.status == "done" {
                100
            } else {
                0
            }
        }
    };
    let v =
        context! { s => Value::from_serialize(&s), run_id => rid.to_string(), running, percent };
    Ok(ctx.page(
        if ctx.htmx {
            "teach/_import_progress.html"
        } else {
            "teach/import.html"
        },
        v,
    ))
}

/// POST /teach/runs/{run}/imports/{job}/apply — apply the valid rows of a file with errors.
pub async fn import_apply(
    Authed(ctx, su): Authed,
    Ids((rid, jid)): Ids<(RunId, Uuid)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let rid = rid.0;
    match amphi_app::courses::import::apply_valid(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        rid,
        jid,
        &ctx.meta,
    )
    .await
    {
        Ok(_) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/imports/{jid}"),
            "flash-import-started",
        )),
        Err(e) => Err(ctx.fail(&e)),
    }
}

#[derive(Deserialize)]
pub struct AnnouncementBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// POST /teach/runs/{run}/announcements
pub async fn announce(
    Authed(ctx, su): Authed,
    Ids(rid): Ids<RunId>,
    CsrfForm(f): CsrfForm<AnnouncementBody>,
) -> PageResult {
    let rid = rid.0;
    match amphi_app::courses::announce::post(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        rid,
        &f.title,
        &f.body,
        &ctx.meta,
    )
    .await
    {
        Ok(_) => Ok(ctx.redirect_with(&format!("/learn/{rid}"), "flash-announced")),
        Err(e) => Err(ctx.fail(&e)),
    }
}

#[derive(Deserialize, Default)]
pub struct BankQuery {
    category: Option<String>,
    after: Option<Uuid>,
}

/// GET /teach/courses/{id}/questions — the course's question bank.
pub async fn bank(
    Authed(ctx, su): Authed,
    Ids(cid): Ids<CourseId>,
    Query(q): Query<BankQuery>,
) -> PageResult {
    let cid = cid.0;
    bank_page(&ctx, &su.user, cid, &q, StatusCode::OK, Vec::new(), None).await
}

async fn bank_page(
    ctx: &Ctx,
    user: &User,
    cid: Uuid,
    q: &BankQuery,
    status: StatusCode,
    problems: Vec<(String, String)>,
    imported: Option<usize>,
) -> PageResult {
    let (page, cats) = amphi_app::courses::bank::list(
        &ctx.state.app,
        user,
        ctx.tenant.id,
        cid,
        q.category.as_deref(),
        q.after,
    )
    .await
    .or_page(ctx)?;
    let problems: Vec<Value> = problems
        .into_iter()
        .map(|(line, msg)| context! { line, msg })
        .collect();
    Ok(ctx.render(
        status,
        "teach/bank.html",
        context! {
            course_id => cid.to_string(),
            questions => Value::from_serialize(&page.items),
            next => page.next.map(|n| n.to_string()),
            categories => cats.into_iter().map(|(c, n)| context! { name => c, count => n }).collect::<Vec<_>>(),
            category => q.category.clone().unwrap_or_default(),
            problems,
            imported,
        },
    ))
}

/// POST /teach/courses/{id}/questions/import — a GIFT file or pasted text; all or nothing.
pub async fn bank_import(
    Authed(ctx, su): Authed,
    Ids(cid): Ids<CourseId>,
    crate::forms::CsrfMultipart(mut mp): crate::forms::CsrfMultipart,
) -> PageResult {
    let cid = cid.0;
    let mut text = String::new();
    loop {
        match mp.next_field().await {
            Ok(Some(f)) if matches!(f.name(), Some("file") | Some("text")) => match f.bytes().await
            {
                Ok(b) if !b.is_empty() => {
                    if b.len() > amphi_app::courses::bank::MAX_GIFT_BYTES {
                        return Err(ctx.fail(&Error::field("file", "file_too_large")));
                    }
                    match String::from_utf8(b.to_vec()) {
                        Ok(t) if text.trim().is_empty() => text = t,
                        Ok(_) => {}
                        Err(_) => return Err(ctx.fail(&Error::field("file", "csv_not_utf8"))),
                    }
                }
                Ok(_) => {}
                Err(_) => return Err(ctx.fail(&Error::BadRequest("form_malformed"))),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Err(ctx.fail(&Error::BadRequest("form_malformed"))),
        }
    }
    match amphi_app::courses::bank::import_gift(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        cid,
        &text,
        &ctx.meta,
    )
    .await
    {
        Ok(o) => {
            bank_page(
                &ctx,
                &su.user,
                cid,
                &BankQuery::default(),
                StatusCode::CREATED,
                Vec::new(),
                Some(o.imported),
            )
            .await
        }
        Err(Error::Validation(fields)) => {
            let problems = fields
                .iter()
                .map(|f| {
                    let key = format!("err-{}", f.code);
                    let msg = if amphi_app::i18n::has(ctx.locale, &key) {
                        amphi_app::i18n::t(ctx.locale, &key)
                    } else {
                        f.code.clone()
                    };
                    (f.field.clone(), msg)
                })
                .collect();
            bank_page(
                &ctx,
                &su.user,
                cid,
                &BankQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
                problems,
                None,
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// GET /teach/courses/{id}/questions.gift
pub async fn bank_export(Authed(ctx, su): Authed, Ids(cid): Ids<CourseId>) -> PageResult {
    let cid = cid.0;
    let x = amphi_app::courses::bank::export_gift(&ctx.state.app, &su.user, ctx.tenant.id, cid)
        .await
        .or_page(&ctx)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"questions-{cid}.gift\""),
            ),
        ],
        x.text,
    )
        .into_response())
}

/// POST /teach/courses/{id}/questions/{question}/delete
pub async fn bank_delete(
    Authed(ctx, su): Authed,
    Ids((cid, qid)): Ids<(CourseId, Uuid)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let cid = cid.0;
    match amphi_app::courses::bank::delete(&ctx.state.app, &su.user, ctx.tenant.id, cid, qid).await
    {
        Ok(()) => {
            Ok(ctx.redirect_with(&format!("/teach/courses/{cid}/questions"), "flash-deleted"))
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}
