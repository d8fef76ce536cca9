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
use amphi_app::i18n::Arg;
use amphi_app::Caller;
use amphi_core::codes;
use amphi_core::error::Fields;
use amphi_core::{AttemptId, Error, ItemId, RunId};
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

/// The question picker's search (the page's query string).
#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct PickerQuery {
    q: Option<String>,
    category: Option<String>,
    kind: Option<String>,
}

/// Which form of the quiz page a refused post came from, with its errors and what it sent.
#[derive(Default)]
struct Refused {
    /// `settings`, `questions` or `draw`.
    form: &'static str,
    errors: Value,
    values: Value,
}

/// The settings as the form shows them.
fn settings_values(s: &quiz::settings::QuizSettings, tz: &str) -> Value {
    let local = |d| crate::forms::datetime_local(d, tz);
    Value::from_serialize(serde_json::json!({
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
}

/// The error summary of the settings form: a row's error names the row by its number and
/// title ("Question 2 · Capital: …") and links to its field, never `slots[1]`.
fn settings_summary(ctx: &Ctx, errors: &Value, slots: &[quiz::picker::SlotView]) -> Vec<Value> {
    let mut out = Vec::new();
    let Ok(keys) = errors.try_iter() else {
        return out;
    };
    for key in keys {
        let (Some(k), Ok(msg)) = (key.as_str(), errors.get_item(&key)) else {
            continue;
        };
        let msg = msg.to_string();
        let row = k
            .strip_prefix("slots[")
            .and_then(|r| r.split_once(']'))
            .and_then(|(n, part)| Some((n.parse::<usize>().ok()?, part)));
        let (href, text) = match row {
            Some((n, part)) => {
                let title = slots.get(n).map(|s| match s.kind.as_str() {
                    "draw" => amphi_app::i18n::t_with(
                        ctx.locale,
                        "quiz-draw-row",
                        &[
                            ("count", Arg::Number(f64::from(s.count))),
                            ("category", Arg::Text(s.title.clone())),
                        ],
                    ),
                    "question" => s.title.clone(),
                    _ => amphi_app::i18n::t(ctx.locale, "quiz-missing-row"),
                });
                let label = amphi_app::i18n::t_with(
                    ctx.locale,
                    "quiz-row",
                    &[
                        ("n", Arg::Number((n + 1) as f64)),
                        ("title", Arg::Text(title.unwrap_or_default())),
                    ],
                );
                let href = if part == ".points" {
                    format!("#slot-{n}-points")
                } else {
                    format!("#slot-{n}")
                };
                (
                    href,
                    format!("{label}{} {msg}", amphi_app::i18n::t(ctx.locale, "colon")),
                )
            }
            None if k == "slots" => ("#questions".to_owned(), msg),
            None => (format!("#f-{k}"), msg),
        };
        out.push(context! { href, text });
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn quiz_settings_page(
    ctx: &Ctx,
    su: &Caller,
    run: RunId,
    item: ItemId,
    pq: &PickerQuery,
    rows: Option<Vec<quiz::authoring::SlotRow>>,
    refused: Refused,
) -> PageResult {
    let app = &ctx.state.app;
    let (r, c, _) = catalog::run_summary(app, su, run).await.or_page(ctx)?;
    let (title, s) = quiz::authoring::for_editing(app, su, run, item)
        .await
        .or_page(ctx)?;
    let rows = rows.unwrap_or_else(|| quiz::authoring::rows_of(&s.slots));
    let slots = quiz::picker::describe(app, su, run, &rows)
        .await
        .or_page(ctx)?;
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let (text, category, kind) = (blank(&pq.q), blank(&pq.category), blank(&pq.kind));
    let found = quiz::picker::find(
        app,
        su,
        run,
        text.as_deref(),
        category.as_deref(),
        kind.as_deref(),
    )
    .await
    .or_page(ctx)?;
    let in_quiz: Vec<String> = s
        .slots
        .iter()
        .filter_map(|sl| match sl {
            quiz::settings::Slot::Question { question_id, .. } => Some(question_id.to_string()),
            quiz::settings::Slot::Draw { .. } => None,
        })
        .collect();
    let status = if refused.form.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let summary = if refused.form == "settings" {
        settings_summary(ctx, &refused.errors, &slots)
    } else {
        Vec::new()
    };
    let values = if refused.form == "settings" {
        refused.values.clone()
    } else {
        settings_values(&s, &su.user.time_zone)
    };
    Ok(ctx.render(
        status,
        "teach/quiz.html",
        context! {
            run => Value::from_serialize(&r), course => Value::from_serialize(&c),
            item => context! { id => item.to_string(), title },
            slots => Value::from_serialize(&slots), values,
            found => Value::from_serialize(&found), in_quiz,
            search => context! { q => text, category, kind },
            refused => refused.form, errors => refused.errors, posted => refused.values, summary,
        },
    ))
}

/// GET /teach/runs/{run}/items/{item}/quiz
pub async fn quiz_settings(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    Query(pq): Query<PickerQuery>,
) -> PageResult {
    quiz_settings_page(&ctx, &su, run, item, &pq, None, Refused::default()).await
}

/// The question list's rows as posted (`slot` and `points` in pairs), with the list changed
/// by the button pressed (`op`: `up:<row>`, `down:<row>`, `remove:<row>`; otherwise saved as
/// it is), and the other settings.
fn read_settings_form(form: &[(String, String)]) -> (Vec<quiz::authoring::SlotRow>, QuizForm) {
    let mut rows: Vec<quiz::authoring::SlotRow> = Vec::new();
    let mut f = QuizForm::default();
    let mut op = String::new();
    for (k, v) in form {
        let v = v.clone();
        match k.as_str() {
            "slot" => rows.push((v, String::new())),
            "points" => {
                if let Some(last) = rows.last_mut() {
                    last.1 = v;
                }
            }
            "op" => op = v,
            "shuffle_questions" => f.shuffle_questions = Some(v),
            "shuffle_answers" => f.shuffle_answers = Some(v),
            "attempts" => f.attempts = Some(v),
            "time_limit_minutes" => f.time_limit_minutes = Some(v),
            "opens_at" => f.opens_at = Some(v),
            "closes_at" => f.closes_at = Some(v),
            "keep" => f.keep = Some(v),
            "feedback" => f.feedback = Some(v),
            "answers" => f.answers = Some(v),
            "pass_percent" => f.pass_percent = Some(v),
            _ => {}
        }
    }
    if let Some((what, i)) = op.split_once(':') {
        if let Ok(i) = i.parse::<usize>() {
            match what {
                "up" if i > 0 && i < rows.len() => rows.swap(i, i - 1),
                "down" if i + 1 < rows.len() => rows.swap(i, i + 1),
                "remove" if i < rows.len() => {
                    rows.remove(i);
                }
                _ => {}
            }
        }
    }
    (rows, f)
}

/// POST /teach/runs/{run}/items/{item}/quiz — the question list and the settings.
pub async fn quiz_settings_save(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let app = &ctx.state.app;
    let (_, current) = quiz::authoring::for_editing(app, &su, run, item)
        .await
        .or_page(&ctx)?;
    let (rows, f) = read_settings_form(&form);
    let mut fields = Fields::new();
    let mut s = quiz::authoring::settings_from_form(&f, &current, &su.user.time_zone, &mut fields);
    s.slots = quiz::authoring::slots_from_rows(&rows, &mut fields);
    let result = match fields.finish() {
        Ok(()) => quiz::authoring::configure(app, &su, run, item, s).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{run}/items/{item}/quiz#questions"),
            "flash-quiz-saved",
        )),
        Err(e @ Error::Validation(_)) => {
            let values = Value::from_serialize(serde_json::json!({
                "shuffle_questions": f.shuffle_questions.is_some(),
                "shuffle_answers": f.shuffle_answers.is_some(), "attempts": f.attempts,
                "time_limit_minutes": f.time_limit_minutes, "opens_at": f.opens_at,
                "closes_at": f.closes_at, "keep": f.keep, "feedback": f.feedback,
                "answers": f.answers, "pass_percent": f.pass_percent,
            }));
            let refused = Refused {
                form: "settings",
                errors: ctx.field_errors(&e),
                values,
            };
            let pq = PickerQuery::default();
            quiz_settings_page(&ctx, &su, run, item, &pq, Some(rows), refused).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /teach/runs/{run}/items/{item}/quiz/questions — the questions ticked in the picker
/// (`question`, each with `points.<id>`), added at the end of the quiz.
pub async fn quiz_add_questions(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let mut fields = Fields::new();
    let mut picks = Vec::new();
    let mut typed = serde_json::Map::new();
    for (k, v) in &form {
        if let Some(id) = k.strip_prefix("points.") {
            typed.insert(id.to_owned(), serde_json::json!(v));
        }
    }
    let mut ticked = Vec::new();
    for (k, v) in &form {
        if k != "question" {
            continue;
        }
        ticked.push(v.clone());
        let Ok(id) = v.parse::<Uuid>() else {
            fields.push("question", codes::CHOICE_INVALID);
            continue;
        };
        let raw = typed
            .get(v.as_str())
            .and_then(|p| p.as_str())
            .unwrap_or("")
            .trim();
        let points = match raw {
            "" => None,
            p => match p.replace(',', ".").parse::<f64>() {
                Ok(p) => Some(p),
                Err(_) => {
                    fields.push(&format!("points.{id}"), codes::NUMBER_INVALID);
                    None
                }
            },
        };
        picks.push((id, points));
    }
    let result = match fields.finish() {
        Ok(()) => quiz::picker::add_questions(&ctx.state.app, &su, run, item, &picks).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{run}/items/{item}/quiz#questions"),
            "flash-quiz-questions-added",
        )),
        Err(e @ Error::Validation(_)) => {
            let values =
                Value::from_serialize(serde_json::json!({ "ticked": ticked, "points": typed }));
            let refused = Refused {
                form: "questions",
                errors: ctx.field_errors(&e),
                values,
            };
            let pq = PickerQuery::default();
            quiz_settings_page(&ctx, &su, run, item, &pq, None, refused).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// The "add random questions" form.
#[derive(Deserialize, serde::Serialize)]
pub struct DrawBody {
    #[serde(default)]
    draw_category: String,
    #[serde(default)]
    draw_count: String,
    #[serde(default)]
    draw_points: String,
}

/// POST /teach/runs/{run}/items/{item}/quiz/draws — N random questions from a category.
pub async fn quiz_add_draw(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<DrawBody>,
) -> PageResult {
    let app = &ctx.state.app;
    let result = quiz::picker::add_draw(
        app,
        &su,
        run,
        item,
        &f.draw_category,
        &f.draw_count,
        &f.draw_points,
    )
    .await;
    match result {
        Ok(()) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{run}/items/{item}/quiz#questions"),
            "flash-quiz-draw-added",
        )),
        Err(e @ Error::Validation(_)) => {
            let refused = Refused {
                form: "draw",
                errors: ctx.field_errors(&e),
                values: Value::from_serialize(&f),
            };
            let pq = PickerQuery::default();
            quiz_settings_page(&ctx, &su, run, item, &pq, None, refused).await
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
