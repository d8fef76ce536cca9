//! Keeping grades up to date: a learner's score on a graded item recorded with their course
//! grade (incrementally, from their own rows), gradebook columns created or given a new
//! maximum, and the recompute job that walks a run after its scheme changed.

use super::scheme::{learner_scores, scheme, scheme_at, Scheme, DEFAULT_CATEGORY};
use crate::jobs::{Job, JobContext, JobError};
use crate::App;
use amphi_core::grades::GradeEventKind;
use amphi_core::jobs::JobKind;
use amphi_core::{grades as core_grades, Error, Result, TenantId};
use amphi_db::jobs::{self, JobPayload, NewJob};
use amphi_db::repo::{enrolments as repo_e, grades as repo, structure};
use amphi_db::{rows, Conn};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// One learner's score on a course item, as a grading component reports it.
#[derive(Debug, Clone)]
pub struct GradeReport {
    /// Tenant.
    pub tenant_id: Uuid,
    /// Run.
    pub run_id: Uuid,
    /// The graded course item (quiz, assignment, peer assessment).
    pub item_id: Uuid,
    /// The learner.
    pub user_id: Uuid,
    /// Points; `None` clears the grade (nothing counted yet).
    pub points: Option<f64>,
    /// What a full score is worth.
    pub max_points: f64,
}

/// What changed for the learner's course grade.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CourseOutcome {
    /// Course percent.
    pub percent: Option<f64>,
    /// Whether it reaches the pass mark.
    pub passed: bool,
    /// Whether it differs from what was stored.
    pub changed: bool,
}

/// Records a learner's score on a graded course item and brings their course grade up to
/// date. Creates the item's gradebook column on first use; a new maximum for the item queues a
/// recompute of the run.
pub async fn record(app: &App, r: GradeReport) -> Result<Option<CourseOutcome>> {
    let txn = app.db.begin().await?;
    let outcome = record_in(&txn, app, &r).await?;
    txn.commit().await.map_err(Error::internal)?;
    after_record(app, &r, outcome).await?;
    Ok(outcome)
}

/// `record` inside the caller's transaction (one commit for a submission and its grade).
/// After the commit, the caller calls `after_record` with the outcome.
pub(crate) async fn record_in(
    txn: &impl Conn,
    app: &App,
    r: &GradeReport,
) -> Result<Option<CourseOutcome>> {
    let (e, grades) =
        repo::enrolment_with_grades(txn, TenantId(r.tenant_id), r.run_id, r.user_id).await?;
    record_for(txn, app, r, e.as_ref(), grades, None, None).await
}

/// `record_in` for a caller that has already read the learner's enrolment and grades in the
/// run in this transaction (`grades::enrolment_with_grades`, one statement), and perhaps the
/// run's `version` (then the scheme comes from the cache when it holds that version; else 2
/// statements read it). Writes only what changed. `completed` (an item newly completed, the
/// run's item count) is counted on the enrolment in the same update as the course grade.
pub(crate) async fn record_for(
    txn: &impl Conn,
    app: &App,
    r: &GradeReport,
    e: Option<&rows::Enrolment>,
    rows: Vec<rows::Grade>,
    run_version: Option<i64>,
    completed: Option<(Uuid, i64)>,
) -> Result<Option<CourseOutcome>> {
    if !r.max_points.is_finite() || r.max_points <= 0.0 {
        return Err(Error::Internal(
            "grade report without a positive maximum".into(),
        ));
    }
    let points = r.points.filter(|p| p.is_finite()).map(|p| p.max(0.0));
    let tenant = TenantId(r.tenant_id);
    let now = app.now();
    let mut s = match run_version {
        Some(v) => scheme_at(txn, app, tenant, r.run_id, v).await?,
        None => scheme(txn, tenant, r.run_id).await?,
    };
    let (gi, max_changed) =
        ensure_in_scheme(txn, tenant, r.run_id, r.item_id, r.max_points, now, &mut s).await?;
    let w = Write {
        tenant,
        run: r.run_id,
        user: r.user_id,
        points,
        now,
    };
    record_on(txn, &w, &s, gi, max_changed, e, rows, completed).await
}

/// One learner's points on one gradebook column, as [`record_on`] writes them.
struct Write {
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
    points: Option<f64>,
    now: DateTime<Utc>,
}

/// Writes a learner's points on a column of the run's scheme `s` and brings their course
/// grade up to date (with `completed` counted in the same update of the enrolment).
#[allow(clippy::too_many_arguments)]
async fn record_on(
    txn: &impl Conn,
    w: &Write,
    s: &Scheme,
    gi: rows::GradeItem,
    max_changed: bool,
    e: Option<&rows::Enrolment>,
    mut rows: Vec<rows::Grade>,
    completed: Option<(Uuid, i64)>,
) -> Result<Option<CourseOutcome>> {
    let (tenant, now, points) = (w.tenant, w.now, w.points);
    // The learner's grades in the run: the one being recorded is among them.
    let before = rows.iter().position(|g| g.grade_item_id == gi.id);
    let before_points = before.and_then(|i| rows[i].points);
    // The item's event and the course grade's go in one statement at the end.
    let mut events = Vec::new();
    if before.is_none() || before_points != points {
        let row = rows::Grade {
            grade_item_id: gi.id,
            user_id: w.user,
            tenant_id: tenant.0,
            run_id: w.run,
            points,
            excused: before.is_some_and(|i| rows[i].excused),
            override_points: before.and_then(|i| rows[i].override_points),
            updated_at: now,
        };
        repo::upsert_points(txn, tenant, row.clone()).await?;
        events.push(repo::NewEvent {
            tenant,
            run: w.run,
            user: w.user,
            grade_item: Some(gi.id),
            kind: GradeEventKind::Item,
            before: before_points,
            after: points,
            passed: None,
            actor: None,
        });
        match before {
            Some(i) => rows[i] = row,
            None => rows.push(row),
        }
    }
    if max_changed {
        // Everyone's percentage on this column moves: recompute the run in the background.
        queue_recompute(txn, tenant, w.run, now).await?;
    }
    // The course grade, and the item's completion if the caller has one to count: one update
    // of the enrolment.
    let outcome = match e {
        Some(e) => {
            let o = outcome_of(s, rows.as_slice(), e);
            let grade = course_change(e, o, None, &mut events);
            repo_e::apply(txn, tenant, e.id, repo_e::Change { completed, grade }, now).await?;
            Some(o)
        }
        None => None,
    };
    repo::log_events(txn, events, now).await?;
    Ok(outcome)
}

/// A learner's points on a gradebook column named by its id.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColumnPoints {
    /// Tenant.
    pub tenant: TenantId,
    /// Run.
    pub run: Uuid,
    /// The column.
    pub grade_item: Uuid,
    /// The learner.
    pub user: Uuid,
    /// Points on the column's scale; `None` clears them.
    pub points: Option<f64>,
    /// An item newly completed and the run's item count, counted in the same update.
    pub completed: Option<(Uuid, i64)>,
}

/// Records a learner's points on a gradebook column by its id (a column an external tool
/// keeps, which may belong to no course item), with the completion of `completed` (an item
/// newly completed, the run's item count) counted in the same update; then what follows a
/// changed course result. The caller's transaction `txn` is committed here.
pub(crate) async fn record_points(
    app: &App,
    txn: amphi_db::Tx,
    p: ColumnPoints,
) -> Result<Option<CourseOutcome>> {
    let ColumnPoints {
        tenant,
        run,
        grade_item,
        user,
        points,
        completed,
    } = p;
    let s = scheme(&txn, tenant, run).await?;
    let gi = s
        .items
        .iter()
        .find(|i| i.id == grade_item)
        .cloned()
        .ok_or(Error::NotFound)?;
    let (e, grades) = repo::enrolment_with_grades(&txn, tenant, run, user).await?;
    let w = Write {
        tenant,
        run,
        user,
        points: points.filter(|p| p.is_finite()).map(|p| p.max(0.0)),
        now: app.now(),
    };
    let outcome = record_on(&txn, &w, &s, gi, false, e.as_ref(), grades, completed).await?;
    txn.commit().await.map_err(Error::internal)?;
    if let Some(o) = outcome.filter(|o| o.changed) {
        after_course_change(app, tenant, run, user, o).await?;
    }
    Ok(outcome)
}

/// What follows a committed `record_in`: a learner whose course result changed may get a
/// certificate.
pub(crate) async fn after_record(
    app: &App,
    r: &GradeReport,
    outcome: Option<CourseOutcome>,
) -> Result<()> {
    if let Some(o) = outcome.filter(|o| o.changed) {
        after_course_change(app, TenantId(r.tenant_id), r.run_id, r.user_id, o).await?;
    }
    Ok(())
}

/// Called once a learner's course grade changed and was committed: a learner who now passes
/// gets a certificate if the run issues them (a deduplicated job).
pub(super) async fn after_course_change(
    app: &App,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
    o: CourseOutcome,
) -> Result<()> {
    crate::certificates::on_course_result(app, tenant.0, run, user, o.passed, o.percent).await
}

/// The gradebook column of a graded course item, found in the run's scheme, created or given
/// its new maximum (true when it was: the run needs a recompute). Keeps `s.items` up to date.
async fn ensure_in_scheme(
    c: &impl Conn,
    tenant: TenantId,
    run: Uuid,
    item_id: Uuid,
    max_points: f64,
    now: DateTime<Utc>,
    s: &mut Scheme,
) -> Result<(rows::GradeItem, bool)> {
    if let Some(gi) = s.items.iter_mut().find(|i| i.item_id == Some(item_id)) {
        if (gi.max_points - max_points).abs() > 1e-9 {
            repo::set_item_max(c, tenant, gi.clone(), max_points, now).await?;
            gi.max_points = max_points;
            gi.updated_at = now;
            return Ok((gi.clone(), true));
        }
        return Ok((gi.clone(), false));
    }
    if repo::item_of(c, tenant, item_id).await?.is_some() {
        return Err(Error::Internal("grade item of another run".into()));
    }
    let it: rows::CourseItem = structure::item(c, tenant, run, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let gi = rows::GradeItem {
        id: Uuid::now_v7(),
        tenant_id: tenant.0,
        run_id: run,
        item_id: Some(item_id),
        title: it.title,
        category: s
            .categories
            .first()
            .map(|c| c.id.clone())
            .unwrap_or_else(|| DEFAULT_CATEGORY.into()),
        max_points,
        weight: 1.0,
        extra_credit: false,
        position: s.items.iter().map(|i| i.position).max().unwrap_or(0) + 1,
        created_at: now,
        updated_at: now,
    };
    repo::insert_item(c, tenant, gi.clone()).await?;
    s.items.push(gi.clone());
    // A new column changes everyone's course grade (a missing item counts as 0): recompute
    // the run in the background.
    queue_recompute(c, tenant, run, now).await?;
    Ok((gi, true))
}

/// Makes sure a graded course item has its gradebook column (called when a quiz, an
/// assignment or a peer assessment is created or its maximum changes).
pub async fn register_item(
    c: &impl Conn,
    tenant: TenantId,
    run: Uuid,
    item_id: Uuid,
    max_points: f64,
    now: DateTime<Utc>,
) -> Result<()> {
    if max_points.is_finite() && max_points > 0.0 {
        let mut s = scheme(c, tenant, run).await?;
        ensure_in_scheme(c, tenant, run, item_id, max_points, now, &mut s).await?;
    }
    Ok(())
}

/// Queues the recompute of a run's course grades (deduplicated: one waiting job per run).
pub(crate) async fn queue_recompute(
    c: &impl Conn,
    tenant: TenantId,
    run: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    jobs::enqueue_unique(c, NewJob::new(Some(tenant), &RecomputeGrades { run })?, now).await?;
    Ok(())
}

/// A learner's course grade computed from their rows, and whether it differs from the one
/// stored on their enrolment.
fn outcome_of(s: &Scheme, rows: &[rows::Grade], e: &rows::Enrolment) -> CourseOutcome {
    let g = core_grades::course_grade(&s.book(), &learner_scores(rows, e.grade_override));
    CourseOutcome {
        percent: g.percent,
        passed: g.passed,
        changed: g.percent != e.grade_percent || g.passed != e.grade_passed,
    }
}

/// Stores a changed course grade on the enrolment; its event joins `events` (the caller logs
/// them).
async fn store_outcome(
    c: &impl Conn,
    e: &rows::Enrolment,
    o: CourseOutcome,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
    events: &mut Vec<repo::NewEvent>,
) -> Result<()> {
    let grade = course_change(e, o, actor, events);
    repo_e::apply(
        c,
        TenantId(e.tenant_id),
        e.id,
        repo_e::Change {
            completed: None,
            grade,
        },
        now,
    )
    .await
}

/// The course grade to store on the enrolment if it changed, its event joining `events`.
fn course_change(
    e: &rows::Enrolment,
    o: CourseOutcome,
    actor: Option<Uuid>,
    events: &mut Vec<repo::NewEvent>,
) -> Option<(Option<f64>, bool)> {
    if !o.changed {
        return None;
    }
    events.push(repo::NewEvent {
        tenant: TenantId(e.tenant_id),
        run: e.run_id,
        user: e.user_id,
        grade_item: None,
        kind: GradeEventKind::Course,
        before: e.grade_percent,
        after: o.percent,
        passed: Some(o.passed),
        actor,
    });
    Some((o.percent, o.passed))
}

/// A learner's course grade recomputed from what is stored, after a change by the course
/// team (`event`, logged with the course grade's own).
pub(super) async fn recompute_learner(
    c: &impl Conn,
    s: &Scheme,
    event: repo::NewEvent,
    now: DateTime<Utc>,
) -> Result<Option<CourseOutcome>> {
    let (tenant, run, user, actor) = (event.tenant, event.run, event.user, event.actor);
    let mut events = vec![event];
    let outcome = match repo_e::of(c, tenant, run, user).await? {
        Some(e) => {
            let rows = repo::of_user(c, tenant, run, user).await?;
            Some(settle_learner(c, &e, &rows, s, actor, now, &mut events).await?)
        }
        None => None,
    };
    repo::log_events(c, events, now).await?;
    Ok(outcome)
}

/// A learner's course grade from their grade rows, stored if it changed (its event joins
/// `events`).
async fn settle_learner(
    c: &impl Conn,
    e: &rows::Enrolment,
    rows: &[rows::Grade],
    s: &Scheme,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
    events: &mut Vec<repo::NewEvent>,
) -> Result<CourseOutcome> {
    let o = outcome_of(s, rows, e);
    if o.changed {
        store_outcome(c, e, o, actor, now, events).await?;
    }
    Ok(o)
}

/// The payload of a `gradebook.recompute` job: the run whose course grades are recomputed after
/// its scheme changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecomputeGrades {
    /// The run.
    pub run: Uuid,
}

impl JobPayload for RecomputeGrades {
    const KIND: JobKind = JobKind::GradebookRecompute;
    const MAX_ATTEMPTS: i32 = 5;
}

impl Job for RecomputeGrades {
    async fn run(self, cx: &JobContext<'_>) -> std::result::Result<(), JobError> {
        recompute_run(cx.app, cx.tenant()?, self.run).await?;
        Ok(())
    }
}

/// The recompute job: every enrolment of the run, 500 at a time. Returns how many course
/// grades changed.
pub async fn recompute_run(app: &App, tenant: TenantId, run: Uuid) -> Result<u64> {
    let s = scheme(app.db.reader(), tenant, run).await?;
    let mut after: Option<Uuid> = None;
    let mut changed = Vec::new();
    let mut total = 0u64;
    loop {
        let page = repo_e::page_of_run(app.db.reader(), tenant, run, after, 500).await?;
        if page.is_empty() {
            break;
        }
        after = page.last().map(|e| e.id);
        let users: Vec<Uuid> = page.iter().map(|e| e.user_id).collect();
        let rows = repo::of_users(app.db.reader(), tenant, run, &users).await?;
        let mut by_user: HashMap<Uuid, Vec<rows::Grade>> = HashMap::new();
        for g in rows {
            by_user.entry(g.user_id).or_default().push(g);
        }
        let now = app.now();
        let txn = app.db.begin().await?;
        let mut events = Vec::new();
        for e in &page {
            let o = outcome_of(
                &s,
                by_user.get(&e.user_id).map(Vec::as_slice).unwrap_or(&[]),
                e,
            );
            if o.changed {
                store_outcome(&txn, e, o, None, now, &mut events).await?;
                changed.push((e.user_id, o));
                total += 1;
            }
        }
        repo::log_events(&txn, events, now).await?;
        txn.commit().await.map_err(Error::internal)?;
        for (user, o) in changed.drain(..) {
            after_course_change(app, tenant, run, user, o).await?;
        }
    }
    Ok(total)
}
