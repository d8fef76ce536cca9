//! Quizzes: taking them (start, the attempt page, autosave, submit), the course team's quiz
//! settings and the queue of essays to grade.

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::CsrfForm;
use crate::path::Ids;
use crate::templates::no_values;
use amphi_app::assessment::quiz::answers::Submitted;
use amphi_app::assessment::quiz::{self, authoring::QuizForm};
use amphi_app::courses::catalog;
use amphi_app::Caller;
use amphi_core::codes;
use amphi_core::error::Fields;
use amphi_core::{AttemptId, CourseId, Error, ItemId, RunId};
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use minijinja::{context, Value};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Learners
// ---------------------------------------------------------------------------------------------

/// POST /learn/{run}/items/{item}/attempts — starts (or resumes) an attempt.
pub async fn start(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let a = quiz::attempts::start(&ctx.state.app, &su, run, item)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to(&format!("/learn/{run}/attempts/{a}")).into_response())
}

/// GET /learn/{run}/attempts/{attempt}
pub async fn attempt(
    Authed(ctx, su): Authed,
    Ids((run, at)): Ids<(RunId, AttemptId)>,
) -> PageResult {
    attempt_page(&ctx, &su, run, at, StatusCode::OK, no_values(), &[]).await
}

/// The attempt page; `unanswered` (question numbers) asks the learner to confirm a submit.
async fn attempt_page(
    ctx: &Ctx,
    su: &Caller,
    run: RunId,
    at: AttemptId,
    status: StatusCode,
    errors: Value,
    unanswered: &[usize],
) -> PageResult {
    let v = quiz::view::attempt(&ctx.state.app, su, run, at)
        .await
        .or_page(ctx)?;
    Ok(ctx.render(
        status,
        "learn/attempt.html",
        context! {
            a => Value::from_serialize(&v), run_id => run.to_string(), errors,
            confirm => unanswered,
        },
    ))
}

/// POST /learn/{run}/attempts/{attempt}/save — autosave (htmx: a status line; otherwise
/// back to the attempt).
pub async fn save(
    Authed(ctx, su): Authed,
    Ids((run, at)): Ids<(RunId, AttemptId)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let sent = quiz::answers::Sent::Form(&form);
    let result = quiz::answers::save(&ctx.state.app, &su, run, at, sent).await;
    match (result, ctx.htmx) {
        (Ok(s), true) => Ok(ctx.render(
            StatusCode::OK,
            "learn/_saved.html",
            context! { saved => Value::from_serialize(&s) },
        )),
        (Ok(_), false) => Ok(ctx.redirect_with(
            &format!("/learn/{run}/attempts/{at}"),
            "flash-answers-saved",
        )),
        // The status line of an autosave says what went wrong where the learner is looking.
        (Err(e), true) => Err(ctx
            .render(
                crate::error::status(&e),
                "learn/_saved.html",
                context! { error => crate::error::message(&e, ctx.locale) },
            )
            .into()),
        (Err(e @ Error::Validation(_)), false) => {
            let errors = ctx.field_errors(&e);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            attempt_page(&ctx, &su, run, at, status, errors, &[]).await
        }
        (Err(e), false) => Err(ctx.fail(&e)),
    }
}

/// POST /learn/{run}/attempts/{attempt}/submit — with questions left unanswered, saves the
/// answers and asks to confirm (the page again, naming them) unless `confirmed=1` is sent.
pub async fn submit(
    Authed(ctx, su): Authed,
    Ids((run, at)): Ids<(RunId, AttemptId)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let confirmed = form.iter().any(|(k, v)| k == "confirmed" && v == "1");
    let sent = quiz::answers::Sent::Form(&form);
    let result = quiz::answers::submit_checked(&ctx.state.app, &su, run, at, sent, confirmed).await;
    match result {
        Ok(Submitted::Done) => Ok(ctx.redirect_with(
            &format!("/learn/{run}/attempts/{at}"),
            "flash-attempt-submitted",
        )),
        Ok(Submitted::Unanswered(left)) => {
            attempt_page(&ctx, &su, run, at, StatusCode::OK, no_values(), &left).await
        }
        Err(e @ Error::Validation(_)) => {
            let errors = ctx.field_errors(&e);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            attempt_page(&ctx, &su, run, at, status, errors, &[]).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Quiz settings and essay grading
// ---------------------------------------------------------------------------------------------

async fn quiz_settings_page(
    ctx: &Ctx,
    su: &Caller,
    run: RunId,
    item: ItemId,
    status: StatusCode,
    values: Option<Value>,
    errors: Value,
) -> PageResult {
    let app = &ctx.state.app;
    let (r, c, _) = catalog::run_summary(app, su, run).await.or_page(ctx)?;
    let (title, s) = quiz::authoring::for_editing(app, su, run, item)
        .await
        .or_page(ctx)?;
    let (bank, categories) = amphi_app::assessment::bank::list(app, su, CourseId(c.id), None, None)
        .await
        .or_page(ctx)?;
    let values = values.unwrap_or_else(|| {
        let local = |d| crate::forms::datetime_local(d, &su.user.time_zone);
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
            "pass_percent": s.pass_percent,
        }))
    });
    Ok(ctx.render(
        status,
        "teach/quiz.html",
        context! {
            run => Value::from_serialize(&r), course => Value::from_serialize(&c),
            item => context! { id => item.to_string(), title },
            bank => Value::from_serialize(&bank.items), more_questions => bank.next.is_some(),
            categories => Value::from_serialize(&categories), values, errors,
        },
    ))
}

/// GET /teach/runs/{run}/items/{item}/quiz
pub async fn quiz_settings(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> PageResult {
    quiz_settings_page(&ctx, &su, run, item, StatusCode::OK, None, no_values()).await
}

/// POST /teach/runs/{run}/items/{item}/quiz
pub async fn quiz_settings_save(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<QuizForm>,
) -> PageResult {
    let app = &ctx.state.app;
    let (_, current) = quiz::authoring::for_editing(app, &su, run, item)
        .await
        .or_page(&ctx)?;
    let mut fields = Fields::new();
    let s = quiz::authoring::settings_from_form(&f, &current, &su.user.time_zone, &mut fields);
    let result = match fields.finish() {
        Ok(()) => quiz::authoring::configure(app, &su, run, item, s).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{run}/items/{item}/quiz"),
            "flash-quiz-saved",
        )),
        Err(e @ Error::Validation(_)) => {
            let errors = ctx.field_errors(&e);
            let values = Value::from_serialize(serde_json::json!({
                "slots": f.slots, "shuffle_questions": f.shuffle_questions.is_some(),
                "shuffle_answers": f.shuffle_answers.is_some(), "attempts": f.attempts,
                "time_limit_minutes": f.time_limit_minutes, "opens_at": f.opens_at,
                "closes_at": f.closes_at, "keep": f.keep, "feedback": f.feedback,
                "answers": f.answers, "pass_percent": f.pass_percent,
            }));
            quiz_settings_page(
                &ctx,
                &su,
                run,
                item,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(values),
                errors,
            )
            .await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// Paging of a queue.
#[derive(Deserialize, Default)]
pub struct AfterQuery {
    after: Option<String>,
}

/// GET /teach/runs/{run}/items/{item}/grading — essays waiting for a grader.
pub async fn grading(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    Query(q): Query<AfterQuery>,
) -> PageResult {
    let after = super::cursor(q.after.as_deref()).or_page(&ctx)?;
    let (rows, next) = quiz::grading::queue(&ctx.state.app, &su, run, item, after)
        .await
        .or_page(&ctx)?;
    Ok(ctx.page(
        "teach/grading.html",
        context! {
            run_id => run.to_string(), item_id => item.to_string(),
            rows => Value::from_serialize(&rows), next => next.map(|n| n.to_string()),
        },
    ))
}

/// POST /teach/runs/{run}/attempts/{attempt}/grade — fields `points.<question id>`.
pub async fn grade_attempt(
    Authed(ctx, su): Authed,
    Ids((run, at)): Ids<(RunId, AttemptId)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
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
                _ => fields.push(k, codes::NUMBER_INVALID),
            }
        }
    }
    let result = match fields.finish() {
        Ok(()) => quiz::grading::grade(&ctx.state.app, &su, run, at, &points).await,
        Err(e) => Err(e),
    };
    result.or_page(&ctx)?;
    Ok(match item {
        Some(item) => ctx.redirect_with(
            &format!("/teach/runs/{run}/items/{item}/grading"),
            "flash-graded",
        ),
        None => ctx.redirect_with(&format!("/teach/runs/{run}/gradebook"), "flash-graded"),
    })
}
