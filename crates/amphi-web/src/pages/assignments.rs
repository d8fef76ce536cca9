//! Assignment and peer-assessment pages: the learner's item page (hand in, resubmit, reviews
//! to do, results, flags), the review form, and the course team's settings, grading queue,
//! grading and override forms, and flag decisions.

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{datetime_local, drain, field_chunks, CsrfForm, Empty};
use crate::path::Ids;
use amphi_app::assessment::assignments::{self, AssignmentSettingsForm, GradeForm};
use amphi_app::assessment::peer;
use amphi_app::assessment::peer::reviews::ReviewForm;
use amphi_app::assessment::peer::settings::PeerSettingsForm;
use amphi_app::assessment::peer::staff::{FlagDecision, OverrideForm};
use amphi_app::assessment::submissions::SubmitForm;
use amphi_app::assessment::{
    assignment_files, grading_queue, rubrics, submission_files, submissions,
};
use amphi_app::courses::learn::{Around, ItemPage};
use amphi_app::Caller;
use amphi_core::course::ItemKind;
use amphi_core::{codes, Error, ItemId, RunId, SubmissionId};
use axum::extract::Query;
use axum::http::StatusCode;
use minijinja::{context, Value};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Rubric choices typed as `c0`, `c1`… (radio buttons), in criterion order.
fn choices_of(f: &HashMap<String, String>, criteria: usize) -> Vec<Option<usize>> {
    (0..criteria)
        .map(|i| f.get(&format!("c{i}")).and_then(|v| v.trim().parse().ok()))
        .collect()
}

/// The review typed: its rubric choices, for at least `criteria` criteria (more when more were
/// posted), and its comment.
fn review_of(f: &HashMap<String, String>, criteria: usize) -> ReviewForm {
    let typed = f
        .keys()
        .filter(|k| k.starts_with('c') && k[1..].parse::<usize>().is_ok())
        .count();
    ReviewForm {
        choices: Some(choices_of(f, criteria.max(typed))),
        comment: f.get("comment").cloned(),
    }
}

/// How a form page is shown: as opened (200, the stored values), or after a refused post (422,
/// with what was posted and the errors next to their fields).
enum Shown {
    Opened,
    Refused { posted: Value, errors: Value },
}

impl Shown {
    /// The page again after `e` refused what was posted.
    fn refused(ctx: &Ctx, e: &Error, posted: Value) -> Self {
        Shown::Refused {
            posted,
            errors: ctx.field_errors(e),
        }
    }

    /// The status, the posted values (None: as stored) and the errors.
    fn parts(self) -> (StatusCode, Option<Value>, Value) {
        match self {
            Shown::Opened => (StatusCode::OK, None, context! {}),
            Shown::Refused { posted, errors } => {
                (StatusCode::UNPROCESSABLE_ENTITY, Some(posted), errors)
            }
        }
    }
}

/// A form about one submission (the review, the grading): the use case's view under its name,
/// the ids, and the form's values and errors.
fn submission_form(
    ctx: &Ctx,
    template: &str,
    (name, view): (&str, Value),
    (run, item): (RunId, ItemId),
    shown: Shown,
) -> PageResult {
    let (status, values, errors) = shown.parts();
    let values = values.unwrap_or_else(|| context! {});
    let view = Value::from_iter([(name, view)]);
    Ok(ctx.render(
        status,
        template,
        context! { run_id => run.to_string(), item_id => item.to_string(), values, errors, ..view },
    ))
}

fn item_url(run: RunId, item: ItemId) -> String {
    format!("/learn/{run}/items/{item}")
}

// ---------------------------------------------------------------------------------------------
// Learners

/// The item page of an assignment or a peer assessment (called by the item page for these
/// kinds, after the item was opened and its release rules checked).
pub async fn learner_item(
    ctx: &Ctx,
    su: &Caller,
    run: RunId,
    (page, around): (ItemPage, Around),
    status: StatusCode,
    values: Option<Value>,
    errors: Value,
) -> PageResult {
    let app = &ctx.state.app;
    let item = ItemId(page.entry.id);
    let (template, view) = if page.entry.kind == ItemKind::Assignment {
        let v = assignments::view(app, su, run, item).await.or_page(ctx)?;
        ("assignments/assignment.html", Value::from_serialize(&v))
    } else {
        let v = peer::learner::view(app, su, run, item).await.or_page(ctx)?;
        ("assignments/peer.html", Value::from_serialize(&v))
    };
    Ok(ctx.render(
        status,
        template,
        context! {
            item => Value::from_serialize(&page), around => Value::from_serialize(&around),
            run_id => run.to_string(), a => view,
            values => values.unwrap_or_else(|| context! {}), errors,
        },
    ))
}

async fn back_to_item(
    ctx: &Ctx,
    su: &Caller,
    run: RunId,
    item: ItemId,
    e: Error,
    values: Value,
) -> PageResult {
    if !matches!(e, Error::Validation(_)) {
        return Err(ctx.fail(&e));
    }
    let page = amphi_app::courses::learn::open_item_around(&ctx.state.app, su, run, item)
        .await
        .or_page(ctx)?;
    learner_item(
        ctx,
        su,
        run,
        page,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(values),
        ctx.field_errors(&e),
    )
    .await
}

/// A hand-in or a draft.
#[derive(Deserialize, serde::Serialize)]
pub struct SubmitBody {
    text: Option<String>,
    action: Option<String>,
}

/// POST /learn/{run}/items/{item}/submission — save a draft or hand in.
pub async fn submit(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<SubmitBody>,
) -> PageResult {
    let app = &ctx.state.app;
    let draft = f.action.as_deref() == Some("draft");
    let form = SubmitForm {
        text: f.text.clone(),
        draft: Some(draft),
    };
    let kind = submissions::kind_of(app, &su, run, item)
        .await
        .or_page(&ctx)?;
    let r = if kind == ItemKind::Peer {
        peer::learner::submit(app, &su, run, item, form).await
    } else {
        assignments::submit(app, &su, run, item, form).await
    };
    match r {
        Ok(_) => Ok(ctx.redirect_with(
            &item_url(run, item),
            if draft {
                "flash-draft-saved"
            } else {
                "flash-work-submitted"
            },
        )),
        Err(e) => back_to_item(&ctx, &su, run, item, e, Value::from_serialize(&f)).await,
    }
}

/// How many extra reviews a learner offers.
#[derive(Deserialize)]
pub struct VolunteerBody {
    extra: Option<String>,
}

/// POST /learn/{run}/items/{item}/volunteer — offer extra reviews.
pub async fn volunteer(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<VolunteerBody>,
) -> PageResult {
    let Ok(extra) = f.extra.as_deref().unwrap_or("0").trim().parse::<u32>() else {
        return back_to_item(
            &ctx,
            &su,
            run,
            item,
            Error::field("extra", codes::NUMBER_INVALID),
            context! {},
        )
        .await;
    };
    match peer::learner::volunteer(&ctx.state.app, &su, run, item, extra).await {
        Ok(_) => Ok(ctx.redirect_with(&item_url(run, item), "flash-volunteer-saved")),
        Err(e) => back_to_item(&ctx, &su, run, item, e, context! {}).await,
    }
}

async fn review_page_with(
    ctx: &Ctx,
    su: &Caller,
    (run, item, sub): (RunId, ItemId, SubmissionId),
    shown: Shown,
) -> PageResult {
    let p = peer::reviews::review_page(&ctx.state.app, su, run, item, sub)
        .await
        .or_page(ctx)?;
    let view = ("p", Value::from_serialize(&p));
    submission_form(ctx, "assignments/review.html", view, (run, item), shown)
}

/// GET /learn/{run}/items/{item}/reviews/{sub} — a submission to review (anonymous).
pub async fn review_form(
    Authed(ctx, su): Authed,
    Ids((run, item, sub)): Ids<(RunId, ItemId, SubmissionId)>,
) -> PageResult {
    review_page_with(&ctx, &su, (run, item, sub), Shown::Opened).await
}

/// POST /learn/{run}/items/{item}/reviews/{sub} — give the review.
pub async fn review_submit(
    Authed(ctx, su): Authed,
    Ids((run, item, sub)): Ids<(RunId, ItemId, SubmissionId)>,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let criteria = peer::reviews::review_page(&ctx.state.app, &su, run, item, sub)
        .await
        .or_page(&ctx)?
        .rubric
        .criteria
        .len();
    let form = review_of(&f, criteria);
    match peer::reviews::submit_review(&ctx.state.app, &su, run, item, sub, form).await {
        Ok(_) => Ok(ctx.redirect_with(&item_url(run, item), "flash-review-saved")),
        Err(e @ Error::Validation(_)) => {
            let shown = Shown::refused(&ctx, &e, Value::from_serialize(&f));
            review_page_with(&ctx, &su, (run, item, sub), shown).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /learn/{run}/items/{item}/self-assessment
pub async fn self_assess(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let form = review_of(&f, 0);
    match peer::reviews::self_assess(&ctx.state.app, &su, run, item, form).await {
        Ok(_) => Ok(ctx.redirect_with(&item_url(run, item), "flash-review-saved")),
        Err(e) => back_to_item(&ctx, &su, run, item, e, Value::from_serialize(&f)).await,
    }
}

/// A learner flagging a review of their work as unfair.
#[derive(Deserialize)]
pub struct FlagBody {
    review_id: Option<String>,
    reason: Option<String>,
}

/// POST /learn/{run}/items/{item}/flags — flag a review of one's work as unfair.
pub async fn flag(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<FlagBody>,
) -> PageResult {
    // The review id comes from a hidden field: one that does not parse names no review.
    let review: Uuid = f
        .review_id
        .as_deref()
        .unwrap_or("")
        .parse()
        .map_err(|_| ctx.fail(&Error::NotFound))?;
    let reason = f.reason.clone().unwrap_or_default();
    match peer::reviews::flag_review(&ctx.state.app, &su, run, item, review, &reason).await {
        Ok(()) => Ok(ctx.redirect_with(&item_url(run, item), "flash-flag-sent")),
        Err(e) => back_to_item(&ctx, &su, run, item, e, context! { reason }).await,
    }
}

// ---------------------------------------------------------------------------------------------
// The course team

async fn settings_page(
    ctx: &Ctx,
    su: &Caller,
    run: RunId,
    item: ItemId,
    shown: Shown,
) -> PageResult {
    let (status, values, errors) = shown.parts();
    let app = &ctx.state.app;
    let o = amphi_app::courses::authoring::outline(app, su, run)
        .await
        .or_page(ctx)?;
    let Some(it) = o
        .items
        .iter()
        .find(|i| i.id == item.0 && i.kind().is_ok_and(ItemKind::takes_submissions))
    else {
        return Err(ctx.fail(&Error::NotFound));
    };
    let tz = su.user.time_zone.as_str();
    let values = values.unwrap_or_else(|| {
        if matches!(it.kind(), Ok(ItemKind::Assignment)) {
            let s = assignments::AssignmentSettings::of(it);
            context! {
                due_at => datetime_local(s.due_at, tz), hard_deadline => datetime_local(s.hard_deadline, tz),
                late_policy => if s.late_policy == assignments::LatePolicy::Refuse { "refuse" } else { "penalty" },
                late_penalty_percent => s.late_penalty_percent.to_string(), max_points => s.max_points.to_string(),
                rubric => rubrics::rubric_to_text(s.rubric.as_ref()),
                accept_files => s.accept_files, max_files => s.max_files.to_string(), max_file_mb => s.max_file_mb.to_string(),
            }
        } else {
            let s = peer::settings::PeerSettings::of(it);
            context! {
                submission_until => datetime_local(s.submission_until, tz), review_from => datetime_local(s.review_from, tz),
                review_until => datetime_local(s.review_until, tz), results_from => datetime_local(s.results_from, tz),
                reviews_per_submission => s.reviews_per_submission.to_string(), reviews_per_reviewer => s.reviews_per_reviewer.to_string(),
                max_extra => s.max_extra.to_string(), rubric => rubrics::rubric_to_text(Some(&s.rubric)),
                self_assessment => s.self_assessment, self_weight => s.self_weight.to_string(),
                aggregate => Value::from_serialize(s.aggregate), missing_review_penalty => s.missing_review_penalty.to_string(),
                shortfall => Value::from_serialize(s.shortfall),
            }
        }
    });
    Ok(ctx.render(
        status,
        "assignments/settings.html",
        context! { run => Value::from_serialize(&o.run), course => Value::from_serialize(&o.course), item => context! { id => it.id.to_string(), kind => it.kind, title => it.title }, values, errors },
    ))
}

/// GET /teach/runs/{run}/items/{item}/assessment — settings of an assignment or peer assessment.
pub async fn settings_form(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
) -> PageResult {
    settings_page(&ctx, &su, run, item, Shown::Opened).await
}

/// POST /teach/runs/{run}/items/{item}/assessment
pub async fn settings_update(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let app = &ctx.state.app;
    let g = |k: &str| f.get(k).cloned();
    let kind = submissions::kind_of(app, &su, run, item)
        .await
        .or_page(&ctx)?;
    let r = if kind == ItemKind::Assignment {
        let form = AssignmentSettingsForm {
            due_at: g("due_at"),
            hard_deadline: g("hard_deadline"),
            late_policy: g("late_policy"),
            late_penalty_percent: g("late_penalty_percent"),
            max_points: g("max_points"),
            rubric: g("rubric"),
            accept_files: Some(g("accept_files").unwrap_or_else(|| "false".into())),
            max_files: g("max_files"),
            max_file_mb: g("max_file_mb"),
        };
        assignments::update_settings(app, &su, run, item, form)
            .await
            .map(|_| ())
    } else if kind == ItemKind::Peer {
        let form = PeerSettingsForm {
            submission_until: g("submission_until"),
            review_from: g("review_from"),
            review_until: g("review_until"),
            results_from: g("results_from"),
            reviews_per_submission: g("reviews_per_submission"),
            reviews_per_reviewer: g("reviews_per_reviewer"),
            max_extra: g("max_extra"),
            rubric: g("rubric"),
            self_assessment: Some(g("self_assessment").unwrap_or_else(|| "false".into())),
            self_weight: g("self_weight"),
            aggregate: g("aggregate"),
            missing_review_penalty: g("missing_review_penalty"),
            shortfall: g("shortfall"),
        };
        peer::settings::update_settings(app, &su, run, item, form)
            .await
            .map(|_| ())
    } else {
        Err(Error::NotFound)
    };
    match r {
        Ok(()) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{run}/items/{item}/assessment"),
            "flash-settings-saved",
        )),
        Err(e @ Error::Validation(_)) => {
            let shown = Shown::refused(&ctx, &e, Value::from_serialize(&f));
            settings_page(&ctx, &su, run, item, shown).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// Filter and paging of the grading queue.
#[derive(Deserialize, Default)]
pub struct QueueQuery {
    filter: Option<String>,
    after: Option<String>,
}

/// GET /teach/runs/{run}/items/{item}/submissions — the grading queue (keyset pages).
pub async fn queue(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    Query(q): Query<QueueQuery>,
) -> PageResult {
    let after = super::cursor(q.after.as_deref()).or_page(&ctx)?;
    let app = &ctx.state.app;
    let query = grading_queue::QueueQuery {
        filter: q.filter.clone(),
        after,
        limit: 50,
    };
    let page = grading_queue::queue(app, &su, run, item, &query)
        .await
        .or_page(&ctx)?;
    let it = submissions::item_summary(app, &su, run, item)
        .await
        .or_page(&ctx)?;
    let flags = if it.kind == ItemKind::Peer {
        peer::staff::open_flags(app, &su, run, item)
            .await
            .or_page(&ctx)?
    } else {
        vec![]
    };
    Ok(ctx.page(
        "assignments/queue.html",
        context! {
            run_id => run.to_string(), item => Value::from_serialize(&it),
            rows => Value::from_serialize(&page.items), next => page.next.map(|n| n.to_string()),
            filter => q.filter.unwrap_or_else(|| "ungraded".into()), flags => Value::from_serialize(&flags),
        },
    ))
}

async fn grade_page(
    ctx: &Ctx,
    su: &Caller,
    (run, item, sub): (RunId, ItemId, SubmissionId),
    shown: Shown,
) -> PageResult {
    let g = grading_queue::grading_view(&ctx.state.app, su, run, item, sub)
        .await
        .or_page(ctx)?;
    let view = ("g", Value::from_serialize(&g));
    submission_form(ctx, "assignments/grade.html", view, (run, item), shown)
}

/// GET /teach/runs/{run}/items/{item}/submissions/{sub} — grading form.
pub async fn grade_form(
    Authed(ctx, su): Authed,
    Ids((run, item, sub)): Ids<(RunId, ItemId, SubmissionId)>,
) -> PageResult {
    grade_page(&ctx, &su, (run, item, sub), Shown::Opened).await
}

/// POST /teach/runs/{run}/items/{item}/submissions/{sub} — grade (assignment) or override
/// (peer assessment).
pub async fn grade_submit(
    Authed(ctx, su): Authed,
    Ids((run, item, sub)): Ids<(RunId, ItemId, SubmissionId)>,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let app = &ctx.state.app;
    let g = grading_queue::grading_view(app, &su, run, item, sub)
        .await
        .or_page(&ctx)?;
    let points = match f.get("points").map(|p| p.trim()).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match p.replace(',', ".").parse::<f64>() {
            Ok(x) => Some(x),
            Err(_) => {
                let e = Error::field("points", codes::NUMBER_INVALID);
                let shown = Shown::refused(&ctx, &e, Value::from_serialize(&f));
                return grade_page(&ctx, &su, (run, item, sub), shown).await;
            }
        },
    };
    let r = if g.kind == ItemKind::Assignment {
        let criteria = g.rubric.as_ref().map_or(0, |r| r.criteria.len());
        let form = GradeForm {
            choices: (criteria > 0).then(|| choices_of(&f, criteria)),
            points,
            feedback: f.get("feedback").cloned(),
        };
        assignments::grade(app, &su, run, item, sub, form).await
    } else {
        let form = OverrideForm {
            points,
            reason: f.get("reason").cloned(),
        };
        peer::staff::override_grade(app, &su, run, item, sub, form).await
    };
    match r {
        Ok(_) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{run}/items/{item}/submissions"),
            "flash-grade-saved",
        )),
        Err(e @ Error::Validation(_)) => {
            let shown = Shown::refused(&ctx, &e, Value::from_serialize(&f));
            grade_page(&ctx, &su, (run, item, sub), shown).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// POST /teach/runs/{run}/items/{item}/flags/{flag} — uphold or dismiss a flag.
pub async fn flag_decide(
    Authed(ctx, su): Authed,
    Ids((run, item, flag)): Ids<(RunId, ItemId, Uuid)>,
    CsrfForm(f): CsrfForm<FlagDecision>,
) -> PageResult {
    peer::staff::resolve_flag(&ctx.state.app, &su, run, item, flag, f)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(
        &format!("/teach/runs/{run}/items/{item}/submissions?filter=staff"),
        "flash-flag-resolved",
    ))
}

// ---------------------------------------------------------------------------------------------
// Files of a submission

/// POST /learn/{run}/items/{item}/files — multipart: `csrf` first (checked before anything
/// else is read), then `file`, streamed to storage.
pub async fn file_upload(
    Authed(ctx, su): Authed,
    Ids((run, item)): Ids<(RunId, ItemId)>,
    crate::forms::CsrfMultipart(mut mp): crate::forms::CsrfMultipart,
) -> PageResult {
    let app = &ctx.state.app;
    let result = loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break Err(Error::field("file", codes::REQUIRED)),
            Err(_) => break Err(Error::BadRequest(codes::FORM_MALFORMED)),
        };
        if field.name() != Some("file") {
            drain(&mut field).await;
            continue;
        }
        let filename = field.file_name().unwrap_or("").to_owned();
        let content_type = field.content_type().map(str::to_owned);
        if filename.is_empty() {
            drain(&mut field).await;
            break Err(Error::field("file", codes::REQUIRED));
        }
        let chunks = field_chunks(&mut field);
        let r = assignment_files::upload_file(
            app,
            &su,
            run,
            item,
            (&filename, content_type.as_deref()),
            chunks,
        )
        .await;
        if r.is_err() {
            drain(&mut field).await;
        }
        break r;
    };
    match result {
        Ok(_) => Ok(ctx.redirect_with(&item_url(run, item), "flash-file-uploaded")),
        Err(e) => back_to_item(&ctx, &su, run, item, e, context! {}).await,
    }
}

/// POST /learn/{run}/items/{item}/files/{file}/delete
pub async fn file_delete(
    Authed(ctx, su): Authed,
    Ids((run, item, file)): Ids<(RunId, ItemId, Uuid)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    assignment_files::remove_file(&ctx.state.app, &su, run, item, file)
        .await
        .or_page(&ctx)?;
    Ok(ctx.redirect_with(&item_url(run, item), "flash-file-removed"))
}

/// GET /learn/{run}/items/{item}/files/{file} — a submission's file, as a download.
pub async fn file_download(
    Authed(ctx, su): Authed,
    Ids((run, item, file)): Ids<(RunId, ItemId, Uuid)>,
) -> PageResult {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    let dl = submission_files::open_file(&ctx.state.app, &su, run, item, file)
        .await
        .or_page(&ctx)?;
    let amphi_app::files::Body::Full(bytes) = dl.body else {
        return Err(ctx.fail(&Error::NotFound));
    };
    let safe: String = dl
        .meta
        .row
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut resp = (StatusCode::OK, axum::body::Body::from_stream(bytes)).into_response();
    let h = resp.headers_mut();
    for (k, v) in [
        (header::CONTENT_TYPE, dl.meta.served_content_type()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{safe}\""),
        ),
        (header::CONTENT_LENGTH, dl.meta.size().to_string()),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    Ok(resp)
}
