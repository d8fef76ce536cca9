//! Quizzes (taking them, their settings, grading essays) and the gradebook (the course team's
//! view, overrides, the scheme, the CSV export, and the learner's own grades).

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::forms::CsrfForm;
use amphi_app::assessment::gradebook;
use amphi_app::assessment::quiz::{self, authoring::QuizForm};
use amphi_app::courses::catalog;
use amphi_core::error::Fields;
use amphi_core::Error;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

fn no_errors() -> Value {
    Value::from_serialize(BTreeMap::<String, String>::new())
}

fn id(ctx: &Ctx, raw: &str) -> Result<Uuid, Response> {
    raw.parse().map_err(|_| ctx.error_page(&Error::NotFound))
}

fn ids(ctx: &Ctx, a: &str, b: &str) -> Result<(Uuid, Uuid), Response> {
    Ok((id(ctx, a)?, id(ctx, b)?))
}

// ---------------------------------------------------------------------------------------------
// Learners
// ---------------------------------------------------------------------------------------------

/// POST /learn/{run}/items/{item}/attempts — starts (or resumes) an attempt.
pub async fn start(
    Authed(ctx, su): Authed,
    Path((run, item)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let (run, item) = match ids(&ctx, &run, &item) {
        Ok(v) => v,
        Err(r) => return r,
    };
    match quiz::attempts::start(&ctx.state.app, &su.user, ctx.tenant.id, run, item).await {
        Ok(a) => Redirect::to(&format!("/learn/{run}/attempts/{a}")).into_response(),
        Err(e) => ctx.error_page(&e),
    }
}

/// GET /learn/{run}/attempts/{attempt}
pub async fn attempt(Authed(ctx, su): Authed, Path((run, at)): Path<(String, String)>) -> Response {
    let (run, at) = match ids(&ctx, &run, &at) {
        Ok(v) => v,
        Err(r) => return r,
    };
    attempt_page(&ctx, &su.user, run, at, StatusCode::OK, no_errors()).await
}

async fn attempt_page(
    ctx: &Ctx,
    user: &amphi_app::users::User,
    run: Uuid,
    at: Uuid,
    status: StatusCode,
    errors: Value,
) -> Response {
    match quiz::view::attempt(&ctx.state.app, user, ctx.tenant.id, run, at).await {
        Ok(v) => ctx.render(
            status,
            "learn/attempt.html",
            context! { a => Value::from_serialize(&v), run_id => run.to_string(), errors },
        ),
        Err(e) => ctx.error_page(&e),
    }
}

/// POST /learn/{run}/attempts/{attempt}/save — autosave (htmx: a status line; otherwise
/// back to the attempt).
pub async fn save(
    Authed(ctx, su): Authed,
    Path((run, at)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let (run, at) = match ids(&ctx, &run, &at) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let sent = quiz::answers::Sent::Form(&form);
    let result = quiz::answers::save(&ctx.state.app, &su.user, ctx.tenant.id, run, at, sent).await;
    match (result, ctx.htmx) {
        (Ok(s), true) => ctx.render(
            StatusCode::OK,
            "learn/_saved.html",
            context! { saved => Value::from_serialize(&s) },
        ),
        (Ok(_), false) => ctx.redirect_with(
            &format!("/learn/{run}/attempts/{at}"),
            "flash-answers-saved",
        ),
        (Err(e), true) => ctx.render(
            crate::error::status(&e),
            "learn/_saved.html",
            context! { error => crate::error::message(&e, ctx.locale) },
        ),
        (Err(e @ Error::Validation(_)), false) => {
            let errors = ctx.field_errors(&e);
            attempt_page(
                &ctx,
                &su.user,
                run,
                at,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
            )
            .await
        }
        (Err(e), false) => ctx.error_page(&e),
    }
}

/// POST /learn/{run}/attempts/{attempt}/submit
pub async fn submit(
    Authed(ctx, su): Authed,
    Path((run, at)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let (run, at) = match ids(&ctx, &run, &at) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let sent = quiz::answers::Sent::Form(&form);
    let result =
        quiz::answers::submit(&ctx.state.app, &su.user, ctx.tenant.id, run, at, sent).await;
    match result {
        Ok(_) => ctx.redirect_with(
            &format!("/learn/{run}/attempts/{at}"),
            "flash-attempt-submitted",
        ),
        Err(e @ Error::Validation(_)) => {
            let errors = ctx.field_errors(&e);
            attempt_page(
                &ctx,
                &su.user,
                run,
                at,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
            )
            .await
        }
        Err(e) => ctx.error_page(&e),
    }
}

/// GET /learn/{run}/grades — the learner's own grades.
pub async fn my_grades(Authed(ctx, su): Authed, Path(run): Path<String>) -> Response {
    let run = match id(&ctx, &run) {
        Ok(r) => r,
        Err(r) => return r,
    };
    match gradebook::views::my_grades(&ctx.state.app, &su.user, ctx.tenant.id, run).await {
        Ok(g) => ctx.page(
            "learn/grades.html",
            context! { g => Value::from_serialize(&g), run_id => run.to_string() },
        ),
        Err(e) => ctx.error_page(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// Quiz settings and essay grading
// ---------------------------------------------------------------------------------------------

async fn quiz_settings_page(
    ctx: &Ctx,
    user: &amphi_app::users::User,
    run: Uuid,
    item: Uuid,
    status: StatusCode,
    values: Option<Value>,
    errors: Value,
) -> Response {
    let app = &ctx.state.app;
    let (r, c, _) = match catalog::run_summary(app, user, ctx.tenant.id, run)
        .await
        .or_page(ctx)
    {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (title, s) = match quiz::authoring::for_editing(app, user, ctx.tenant.id, run, item)
        .await
        .or_page(ctx)
    {
        Ok(i) => i,
        Err(r) => return r,
    };
    let (bank, categories) =
        match amphi_app::assessment::bank::list(app, user, ctx.tenant.id, c.id, None, None)
            .await
            .or_page(ctx)
        {
            Ok(b) => b,
            Err(r) => return r,
        };
    let values = values.unwrap_or_else(|| {
        let local = |d| super::teach::local(d, &user.time_zone);
        Value::from_serialize(serde_json::json!({
            "slots": quiz::authoring::slots_text(&s.slots),
            "shuffle_questions": s.shuffle_questions,
            "shuffle_answers": s.shuffle_answers,
            "attempts": s.attempts,
            "time_limit_minutes": s.time_limit_minutes,
            "opens_at": local(s.opens_at),
            "closes_at": local(s.closes_at),
            "keep": s.keep,
            "feedback": s.feedback,
            "answers": s.answers,
        }))
    });
    ctx.render(
        status,
        "teach/quiz.html",
        context! {
            run => Value::from_serialize(&r), course => Value::from_serialize(&c),
            item => context! { id => item.to_string(), title },
            bank => Value::from_serialize(&bank.items), more_questions => bank.next.is_some(),
            categories => Value::from_serialize(&categories), values, errors,
        },
    )
}

/// GET /teach/runs/{run}/items/{item}/quiz
pub async fn quiz_settings(
    Authed(ctx, su): Authed,
    Path((run, item)): Path<(String, String)>,
) -> Response {
    let (run, item) = match ids(&ctx, &run, &item) {
        Ok(v) => v,
        Err(r) => return r,
    };
    quiz_settings_page(&ctx, &su.user, run, item, StatusCode::OK, None, no_errors()).await
}

/// POST /teach/runs/{run}/items/{item}/quiz
pub async fn quiz_settings_save(
    Authed(ctx, su): Authed,
    Path((run, item)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<QuizForm>,
) -> Response {
    let (run, item) = match ids(&ctx, &run, &item) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let app = &ctx.state.app;
    let current = match quiz::authoring::for_editing(app, &su.user, ctx.tenant.id, run, item).await
    {
        Ok((_, s)) => s,
        Err(e) => return ctx.error_page(&e),
    };
    let mut fields = Fields::new();
    let s = quiz::authoring::settings_from_form(&f, &current, &su.user.time_zone, &mut fields);
    let result = match fields.finish() {
        Ok(()) => quiz::authoring::configure(app, &su.user, ctx.tenant.id, run, item, s).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => ctx.redirect_with(
            &format!("/teach/runs/{run}/items/{item}/quiz"),
            "flash-quiz-saved",
        ),
        Err(e @ Error::Validation(_)) => {
            let errors = ctx.field_errors(&e);
            let values = Value::from_serialize(serde_json::json!({
                "slots": f.slots, "shuffle_questions": f.shuffle_questions.is_some(),
                "shuffle_answers": f.shuffle_answers.is_some(), "attempts": f.attempts,
                "time_limit_minutes": f.time_limit_minutes, "opens_at": f.opens_at,
                "closes_at": f.closes_at, "keep": f.keep, "feedback": f.feedback,
                "answers": f.answers,
            }));
            quiz_settings_page(
                &ctx,
                &su.user,
                run,
                item,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(values),
                errors,
            )
            .await
        }
        Err(e) => ctx.error_page(&e),
    }
}

#[derive(Deserialize, Default)]
pub struct AfterQuery {
    after: Option<String>,
}

/// GET /teach/runs/{run}/items/{item}/grading — essays waiting for a grader.
pub async fn grading(
    Authed(ctx, su): Authed,
    Path((run, item)): Path<(String, String)>,
    Query(q): Query<AfterQuery>,
) -> Response {
    let (run, item) = match ids(&ctx, &run, &item) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let after = match super::cursor(q.after.as_deref()).or_page(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (rows, next) =
        match quiz::grading::queue(&ctx.state.app, &su.user, ctx.tenant.id, run, item, after)
            .await
            .or_page(&ctx)
        {
            Ok(v) => v,
            Err(r) => return r,
        };
    ctx.page(
        "teach/grading.html",
        context! {
            run_id => run.to_string(), item_id => item.to_string(),
            rows => Value::from_serialize(&rows), next => next.map(|n| n.to_string()),
        },
    )
}

/// POST /teach/runs/{run}/attempts/{attempt}/grade — fields `points.<question id>`.
pub async fn grade_attempt(
    Authed(ctx, su): Authed,
    Path((run, at)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let (run, at) = match ids(&ctx, &run, &at) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut points = BTreeMap::new();
    let mut fields = Fields::new();
    let mut item = None;
    for (k, v) in &form {
        if k == "item" {
            item = v.parse::<Uuid>().ok();
        }
        if let Some(qid) = k.strip_prefix("points.") {
            match (
                qid.parse::<Uuid>(),
                v.trim().replace(',', ".").parse::<f64>(),
            ) {
                (Ok(q), Ok(p)) => {
                    points.insert(q, p);
                }
                _ => fields.push(k, "number_invalid"),
            }
        }
    }
    let result = match fields.finish() {
        Ok(()) => {
            quiz::grading::grade(&ctx.state.app, &su.user, ctx.tenant.id, run, at, &points).await
        }
        Err(e) => Err(e),
    };
    match (result, item) {
        (Ok(()), Some(item)) => ctx.redirect_with(
            &format!("/teach/runs/{run}/items/{item}/grading"),
            "flash-graded",
        ),
        (Ok(()), None) => {
            ctx.redirect_with(&format!("/teach/runs/{run}/gradebook"), "flash-graded")
        }
        (Err(e), _) => ctx.error_page(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// Gradebook
// ---------------------------------------------------------------------------------------------

/// GET /teach/runs/{run}/gradebook
pub async fn book(
    Authed(ctx, su): Authed,
    Path(run): Path<String>,
    Query(raw): Query<BTreeMap<String, String>>,
) -> Response {
    let run = match id(&ctx, &run) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let f = match filters(&raw).or_page(&ctx) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let app = &ctx.state.app;
    let (r, c, role) = match catalog::run_summary(app, &su.user, ctx.tenant.id, run)
        .await
        .or_page(&ctx)
    {
        Ok(v) => v,
        Err(r) => return r,
    };
    let page = match gradebook::views::book(app, &su.user, ctx.tenant.id, run, &f, 50)
        .await
        .or_page(&ctx)
    {
        Ok(p) => p,
        Err(r) => return r,
    };
    let res = amphi_core::policy::Resource::Run {
        tenant_id: ctx.tenant.id,
        role,
    };
    let actor = su.user.actor();
    ctx.page(
        "teach/gradebook.html",
        context! {
            run => Value::from_serialize(&r), course => Value::from_serialize(&c),
            book => Value::from_serialize(&page),
            next => page.next.map(|n| n.to_string()),
            f => context! { q => f.q, grade => f.grade },
            query => serde_urlencoded::to_string([("q", f.q.clone().unwrap_or_default()), ("grade", f.grade.clone().unwrap_or_default())]).unwrap_or_default(),
            can_edit => amphi_core::policy::can(&actor, amphi_core::policy::Action::Update, res),
            scheme_json => serde_json::to_string_pretty(&serde_json::json!({
                "categories": page.categories, "pass_percent": page.pass_percent,
                "columns": page.columns.iter().map(|c| serde_json::json!({"id": c.id, "category": c.category, "weight": c.weight, "extra_credit": c.extra_credit})).collect::<Vec<_>>(),
            })).unwrap_or_default(),
        },
    )
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
    Path(run): Path<String>,
    Query(raw): Query<BTreeMap<String, String>>,
) -> Response {
    let run = match id(&ctx, &run) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let f = match filters(&raw).or_page(&ctx) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let (columns, first, next) =
        match gradebook::views::export_page(&ctx.state.app, &su.user, ctx.tenant.id, run, &f)
            .await
            .or_page(&ctx)
        {
            Ok(p) => p,
            Err(r) => return r,
        };
    let header = match gradebook::views::csv_header(&columns).or_page(&ctx) {
        Ok(h) => h,
        Err(r) => return r,
    };
    let app = ctx.state.app.clone();
    let user = su.user.clone();
    let tenant = ctx.tenant.id;
    super::csv_download(
        format!("gradebook-{run}.csv"),
        header,
        (first, next),
        move |after| {
            let (app, user) = (app.clone(), user.clone());
            let mut page_f = f.clone();
            page_f.after = Some(after);
            async move {
                gradebook::views::export_page(&app, &user, tenant, run, &page_f)
                    .await
                    .map(|(_, csv, next)| (csv, next))
            }
        },
    )
}

#[derive(Deserialize)]
pub struct SchemeBody {
    scheme: String,
}

/// POST /teach/runs/{run}/gradebook/scheme — the scheme as JSON (categories, weights, pass mark).
pub async fn scheme_save(
    Authed(ctx, su): Authed,
    Path(run): Path<String>,
    CsrfForm(b): CsrfForm<SchemeBody>,
) -> Response {
    let run = match id(&ctx, &run) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let parsed: Result<gradebook::changes::SchemeForm, Error> =
        serde_json::from_str(&b.scheme).map_err(|_| Error::field("scheme", "json_invalid"));
    let result = match parsed {
        Ok(s) => {
            gradebook::changes::update_scheme(
                &ctx.state.app,
                &su.user,
                ctx.tenant.id,
                run,
                &s,
                ctx.meta.ip.as_deref(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ctx.redirect_with(
            &format!("/teach/runs/{run}/gradebook"),
            "flash-scheme-saved",
        ),
        Err(e) => ctx.error_page(&e),
    }
}

/// GET /teach/runs/{run}/gradebook/learners/{user}
pub async fn learner(
    Authed(ctx, su): Authed,
    Path((run, learner)): Path<(String, String)>,
) -> Response {
    let (run, learner) = match ids(&ctx, &run, &learner) {
        Ok(v) => v,
        Err(r) => return r,
    };
    learner_page(&ctx, &su.user, run, learner, StatusCode::OK, no_errors()).await
}

async fn learner_page(
    ctx: &Ctx,
    user: &amphi_app::users::User,
    run: Uuid,
    learner: Uuid,
    status: StatusCode,
    errors: Value,
) -> Response {
    let app = &ctx.state.app;
    let g = match gradebook::views::learner_grades(app, user, ctx.tenant.id, run, learner)
        .await
        .or_page(ctx)
    {
        Ok(g) => g,
        Err(r) => return r,
    };
    ctx.render(
        status,
        "teach/grade_learner.html",
        context! {
            run_id => run.to_string(), g => Value::from_serialize(&g),
            errors,
        },
    )
}

/// POST /teach/runs/{run}/gradebook/learners/{user}/items/{grade_item}
pub async fn override_item(
    Authed(ctx, su): Authed,
    Path((run, learner, gi)): Path<(String, String, String)>,
    CsrfForm(f): CsrfForm<gradebook::changes::OverrideForm>,
) -> Response {
    let (run, learner, gi) = match (id(&ctx, &run), id(&ctx, &learner), id(&ctx, &gi)) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(r), _, _) | (_, Err(r), _) | (_, _, Err(r)) => return r,
    };
    let result = gradebook::changes::set_override(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        run,
        gi,
        learner,
        &f,
        ctx.meta.ip.as_deref(),
    )
    .await;
    after_override(&ctx, &su.user, run, learner, result).await
}

/// Where an override form leads: back to the learner's grades, or the same page with the
/// field errors.
async fn after_override<T>(
    ctx: &Ctx,
    user: &amphi_app::users::User,
    run: Uuid,
    learner: Uuid,
    result: Result<T, Error>,
) -> Response {
    match result {
        Ok(_) => ctx.redirect_with(
            &format!("/teach/runs/{run}/gradebook/learners/{learner}"),
            "flash-grade-saved",
        ),
        Err(e @ Error::Validation(_)) => {
            let errors = ctx.field_errors(&e);
            learner_page(
                ctx,
                user,
                run,
                learner,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
            )
            .await
        }
        Err(e) => ctx.error_page(&e),
    }
}

/// POST /teach/runs/{run}/gradebook/learners/{user}/total
pub async fn override_total(
    Authed(ctx, su): Authed,
    Path((run, learner)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<gradebook::changes::TotalOverrideForm>,
) -> Response {
    let (run, learner) = match ids(&ctx, &run, &learner) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = gradebook::changes::set_total_override(
        &ctx.state.app,
        &su.user,
        ctx.tenant.id,
        run,
        learner,
        &f,
        ctx.meta.ip.as_deref(),
    )
    .await;
    after_override(&ctx, &su.user, run, learner, result).await
}
