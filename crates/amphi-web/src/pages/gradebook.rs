//! The gradebook: the course team's view (filters, CSV export, the scheme, a learner's grades
//! and overrides) and the learner's own grades.

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::CsrfForm;
use crate::path::Ids;
use crate::templates::no_values;
use amphi_app::assessment::gradebook;
use amphi_app::courses::catalog;
use amphi_app::Caller;
use amphi_core::codes;
use amphi_core::{Error, RunId, UserId};
use axum::extract::Query;
use axum::http::StatusCode;
use minijinja::{context, Value};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// GET /learn/{run}/grades — the learner's own grades.
pub async fn my_grades(Authed(ctx, su): Authed, Ids(run): Ids<RunId>) -> PageResult {
    let g = gradebook::views::my_grades(&ctx.state.app, &su, run)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "learn/grades.html",
        context! { g => Value::from_serialize(&g), run_id => run.to_string() },
    ))
}

/// GET /teach/runs/{run}/gradebook
pub async fn book(
    Authed(ctx, su): Authed,
    Ids(run): Ids<RunId>,
    Query(raw): Query<BTreeMap<String, String>>,
) -> PageResult {
    let f = filters(&raw).or_page(&ctx)?;
    let app = &ctx.state.app;
    let (r, c, role) = catalog::run_summary(app, &su, run).await.or_page(&ctx)?;
    let page = gradebook::views::book(app, &su, run, &f, 50)
        .await
        .or_page(&ctx)?;
    let can_edit = amphi_app::courses::rights::may_edit_run(&su, role);
    Ok(ctx.page(
        "teach/gradebook.html",
        context! {
            run => Value::from_serialize(&r), course => Value::from_serialize(&c),
            book => Value::from_serialize(&page),
            next => page.next.map(|n| n.to_string()),
            f => context! { q => f.q, grade => f.grade },
            query => serde_urlencoded::to_string([("q", f.q.clone().unwrap_or_default()), ("grade", f.grade.clone().unwrap_or_default())]).unwrap_or_default(),
            can_edit,
            scheme_json => serde_json::to_string_pretty(&serde_json::json!({
                "categories": page.categories, "pass_percent": page.pass_percent,
                "columns": page.columns.iter().map(|c| serde_json::json!({"id": c.id, "category": c.category, "weight": c.weight, "extra_credit": c.extra_credit})).collect::<Vec<_>>(),
            })).unwrap_or_default(),
        },
    ))
}

fn filters(raw: &BTreeMap<String, String>) -> Result<gradebook::views::BookFilters, Error> {
    Ok(gradebook::views::BookFilters {
        q: raw.get("q").cloned(),
        grade: raw.get("grade").cloned(),
        after: super::cursor(raw.get("after").map(String::as_str))?,
    })
}

/// GET /teach/runs/{run}/gradebook.csv — streamed a thousand learners at a time.
pub async fn book_csv(
    Authed(ctx, su): Authed,
    Ids(run): Ids<RunId>,
    Query(raw): Query<BTreeMap<String, String>>,
) -> PageResult {
    let f = filters(&raw).or_page(&ctx)?;
    let (columns, first, next) = gradebook::views::export_page(&ctx.state.app, &su, run, &f)
        .await
        .or_page(&ctx)?;
    let header = gradebook::views::csv_header(&columns).or_page(&ctx)?;
    let app = ctx.state.app.clone();
    Ok(super::csv_download(
        format!("gradebook-{run}.csv"),
        header,
        (first, next),
        move |after| {
            let (app, su) = (app.clone(), su.clone());
            let mut page_f = f.clone();
            page_f.after = Some(after);
            async move {
                gradebook::views::export_page(&app, &su, run, &page_f)
                    .await
                    .map(|(_, csv, next)| (csv, next))
            }
        },
    ))
}

/// The gradebook scheme as JSON.
#[derive(Deserialize)]
pub struct SchemeBody {
    scheme: String,
}

/// POST /teach/runs/{run}/gradebook/scheme — the scheme as JSON (categories, weights, pass mark).
pub async fn scheme_save(
    Authed(ctx, su): Authed,
    Ids(run): Ids<RunId>,
    CsrfForm(b): CsrfForm<SchemeBody>,
) -> PageResult {
    let parsed: Result<gradebook::changes::SchemeForm, Error> =
        serde_json::from_str(&b.scheme).map_err(|_| Error::field("scheme", codes::JSON_INVALID));
    let result = match parsed {
        Ok(s) => gradebook::changes::update_scheme(&ctx.state.app, &su, run, &s).await,
        Err(e) => Err(e),
    };
    result.or_page(&ctx)?;
    Ok(ctx.redirect_with(
        &format!("/teach/runs/{run}/gradebook"),
        "flash-scheme-saved",
    ))
}

/// GET /teach/runs/{run}/gradebook/learners/{user}
pub async fn learner(
    Authed(ctx, su): Authed,
    Ids((run, learner)): Ids<(RunId, UserId)>,
) -> PageResult {
    learner_page(&ctx, &su, run, learner, StatusCode::OK, no_values()).await
}

async fn learner_page(
    ctx: &Ctx,
    su: &Caller,
    run: RunId,
    learner: UserId,
    status: StatusCode,
    errors: Value,
) -> PageResult {
    let app = &ctx.state.app;
    let g = gradebook::views::learner_grades(app, su, run, learner)
        .await
        .or_page(ctx)?;
    Ok(ctx.render(
        status,
        "teach/grade_learner.html",
        context! {
            run_id => run.to_string(), g => Value::from_serialize(&g),
            errors,
        },
    ))
}

/// POST /teach/runs/{run}/gradebook/learners/{user}/items/{grade_item}
pub async fn override_item(
    Authed(ctx, su): Authed,
    Ids((run, learner, gi)): Ids<(RunId, UserId, Uuid)>,
    CsrfForm(f): CsrfForm<gradebook::changes::OverrideForm>,
) -> PageResult {
    let result = gradebook::changes::set_override(&ctx.state.app, &su, run, gi, learner, &f).await;
    after_override(&ctx, &su, run, learner, result).await
}

/// Where an override form leads: back to the learner's grades, or the same page with the
/// field errors.
async fn after_override<T>(
    ctx: &Ctx,
    su: &Caller,
    run: RunId,
    learner: UserId,
    result: Result<T, Error>,
) -> PageResult {
    match result {
        Ok(_) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{run}/gradebook/learners/{learner}"),
            "flash-grade-saved",
        )),
        Err(e @ Error::Validation(_)) => {
            let errors = ctx.field_errors(&e);
            learner_page(
                ctx,
                su,
                run,
                learner,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /teach/runs/{run}/gradebook/learners/{user}/total
pub async fn override_total(
    Authed(ctx, su): Authed,
    Ids((run, learner)): Ids<(RunId, UserId)>,
    CsrfForm(f): CsrfForm<gradebook::changes::TotalOverrideForm>,
) -> PageResult {
    let result =
        gradebook::changes::set_total_override(&ctx.state.app, &su, run, learner, &f).await;
    after_override(&ctx, &su, run, learner, result).await
}
