//! The gradebook of a run: grade items (one per graded course item, plus manual ones),
//! categories with weights and drop-lowest, the pass mark, one grade per learner and item, and
//! the course grade kept on each enrolment.
//!
//! Incremental by design: [`record`] (called by quizzes, assignments and peer assessment when
//! a learner's score changes) updates one grade and recomputes that one learner's course grade
//! from their own rows (an indexed read of a handful of rows), so a gradebook of 100,000
//! learners is never recomputed as a whole on a grade change. Only a change of the scheme
//! itself (weights, pass mark, an item's maximum) queues [`RECOMPUTE_JOB`], which walks the
//! run's enrolments in keyset pages.
//!
//! Every change of a grade or a course grade appends a row to `grade_events` (an outbox that
//! webhooks and LTI grade passback read with a cursor); staff overrides are also written to
//! the audit trail with the reason.

use super::{access, RunAccess};
use crate::users::User;
use crate::App;
use amphi_core::course::CourseRole;
use amphi_core::error::Fields;
use amphi_core::grades::{self as core_grades, Category, Gradebook, LearnerScores, Score};
use amphi_core::policy::Action;
use amphi_core::{Error, Result, TenantId};
use amphi_db::entities::{course_item, enrolment, grade, grade_item, gradebook_setting};
use amphi_db::jobs::{self, NewJob};
use amphi_db::repo::{enrolments as repo_e, grades as repo, structure};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Job recomputing every course grade of a run after its scheme changed.
pub const RECOMPUTE_JOB: &str = "gradebook.recompute";

/// Default pass mark of a run without settings.
pub const DEFAULT_PASS_PERCENT: f64 = 50.0;

/// Id of the category every run starts with.
pub const DEFAULT_CATEGORY: &str = "main";

/// A category as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CategorySetting {
    /// Stable id (letters, digits, `-`, `_`).
    pub id: String,
    /// Name shown to learners.
    pub name: String,
    /// Weight among categories (only ratios matter).
    pub weight: f64,
    /// How many of its lowest items to drop.
    #[serde(default)]
    pub drop_lowest: u32,
    /// Count only graded items (missing ones do not count as 0).
    #[serde(default)]
    pub only_graded: bool,
}

/// The grading scheme of a run as stored.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// Categories, in order.
    pub categories: Vec<CategorySetting>,
    /// Pass mark in percent.
    pub pass_percent: f64,
    /// Grade items, in order.
    pub items: Vec<grade_item::Model>,
}

impl Scheme {
    fn book(&self) -> Gradebook {
        Gradebook {
            categories: self
                .categories
                .iter()
                .map(|c| Category {
                    id: c.id.clone(),
                    weight: c.weight,
                    drop_lowest: c.drop_lowest,
                    only_graded: c.only_graded,
                })
                .collect(),
            items: self
                .items
                .iter()
                .map(|i| core_grades::GradeItem {
                    id: i.id.to_string(),
                    category: i.category.clone(),
                    max_points: i.max_points,
                    weight: i.weight,
                    extra_credit: i.extra_credit,
                })
                .collect(),
            pass_percent: self.pass_percent,
        }
    }
}

fn default_categories() -> Vec<CategorySetting> {
    vec![CategorySetting {
        id: DEFAULT_CATEGORY.into(),
        name: String::new(),
        weight: 1.0,
        drop_lowest: 0,
        only_graded: false,
    }]
}

/// Schemes cached by run and version, as the run structure is: every write to a run's
/// gradebook settings or grade items bumps the run's `version` in the same transaction
/// (`amphi_db::repo::grades`).
pub type SchemeCache = crate::memo::RunCache<Scheme>;

/// The scheme of a run whose `version` the caller read (with its access check), from the
/// cache when it holds that version, else read on `c` and kept. `c` is the primary (the
/// caller's transaction): what it reads is at least as new as `version`, so the cache never
/// keeps an older scheme under a newer version.
pub(crate) async fn scheme_at(
    c: &impl ConnectionTrait,
    app: &App,
    tenant: TenantId,
    run: Uuid,
    version: i64,
) -> Result<Scheme> {
    if let Some(s) = app.scheme_cache.get(tenant, run, version) {
        return Ok(Scheme::clone(&s));
    }
    let s = scheme(c, tenant, run).await?;
    app.scheme_cache
        .put(tenant, run, version, Arc::new(s.clone()));
    Ok(s)
}

/// Loads a run's scheme (two indexed reads).
pub async fn scheme(c: &impl ConnectionTrait, tenant: TenantId, run: Uuid) -> Result<Scheme> {
    let (categories, pass_percent) = match repo::settings(c, tenant, run).await? {
        Some(s) => (
            serde_json::from_str(&s.categories).unwrap_or_else(|_| default_categories()),
            s.pass_percent,
        ),
        None => (default_categories(), DEFAULT_PASS_PERCENT),
    };
    Ok(Scheme {
        categories,
        pass_percent,
        items: repo::items(c, tenant, run).await?,
    })
}

fn learner_scores(rows: &[grade::Model], total_override: Option<f64>) -> LearnerScores {
    let mut s = LearnerScores {
        total_override,
        ..Default::default()
    };
    for g in rows {
        let id = g.grade_item_id.to_string();
        let score = if g.excused {
            Score::Excused
        } else {
            g.points.map(Score::Points).unwrap_or(Score::Missing)
        };
        s.scores.insert(id.clone(), score);
        if let Some(o) = g.override_points {
            s.item_overrides.insert(id, o);
        }
    }
    s
}

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
    txn: &impl ConnectionTrait,
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
    txn: &impl ConnectionTrait,
    app: &App,
    r: &GradeReport,
    e: Option<&enrolment::Model>,
    mut rows: Vec<grade::Model>,
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
    // The learner's grades in the run: the one being recorded is among them.
    let before = rows.iter().position(|g| g.grade_item_id == gi.id);
    let before_points = before.and_then(|i| rows[i].points);
    // The item's event and the course grade's go in one statement at the end.
    let mut events = Vec::new();
    if before.is_none() || before_points != points {
        let row = grade::Model {
            grade_item_id: gi.id,
            user_id: r.user_id,
            tenant_id: tenant.0,
            run_id: r.run_id,
            points,
            excused: before.is_some_and(|i| rows[i].excused),
            override_points: before.and_then(|i| rows[i].override_points),
            updated_at: now,
        };
        repo::upsert_points(txn, row.clone()).await?;
        events.push(repo::NewEvent {
            tenant,
            run: r.run_id,
            user: r.user_id,
            grade_item: Some(gi.id),
            kind: "item",
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
        queue_recompute(txn, tenant, r.run_id, now).await?;
    }
    // The course grade, and the item's completion if the caller has one to count: one update
    // of the enrolment.
    let outcome = match e {
        Some(e) => {
            let o = outcome_of(&s, rows.as_slice(), e);
            let grade = course_change(e, o, None, &mut events);
            repo_e::apply(txn, e.id, repo_e::Change { completed, grade }, now).await?;
            Some(o)
        }
        None => None,
    };
    repo::log_events(txn, events, now).await?;
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
async fn after_course_change(
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
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    item_id: Uuid,
    max_points: f64,
    now: DateTime<Utc>,
    s: &mut Scheme,
) -> Result<(grade_item::Model, bool)> {
    if let Some(gi) = s.items.iter_mut().find(|i| i.item_id == Some(item_id)) {
        if (gi.max_points - max_points).abs() > 1e-9 {
            let mut am = gi.clone().into_active_model();
            am.max_points = Set(max_points);
            am.updated_at = Set(now);
            repo::update_item(c, am).await?;
            gi.max_points = max_points;
            gi.updated_at = now;
            return Ok((gi.clone(), true));
        }
        return Ok((gi.clone(), false));
    }
    if repo::item_of(c, tenant, item_id).await?.is_some() {
        return Err(Error::Internal("grade item of another run".into()));
    }
    let it: course_item::Model = structure::item(c, tenant, run, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let gi = grade_item::Model {
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
    repo::insert_item(c, gi.clone()).await?;
    s.items.push(gi.clone());
    // A new column changes everyone's course grade (a missing item counts as 0): recompute
    // the run in the background.
    queue_recompute(c, tenant, run, now).await?;
    Ok((gi, true))
}

/// Makes sure a graded course item has its gradebook column (called when a quiz, an
/// assignment or a peer assessment is created or its maximum changes).
pub async fn register_item(
    c: &impl ConnectionTrait,
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

async fn queue_recompute(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    jobs::enqueue_unique(
        c,
        NewJob {
            tenant: Some(tenant),
            kind: RECOMPUTE_JOB.into(),
            payload: serde_json::json!({ "run": run }),
            max_attempts: 5,
            run_at: None,
        },
        now,
    )
    .await?;
    Ok(())
}

fn outcome_of(s: &Scheme, rows: &[grade::Model], e: &enrolment::Model) -> CourseOutcome {
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
    c: &impl ConnectionTrait,
    e: &enrolment::Model,
    o: CourseOutcome,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
    events: &mut Vec<repo::NewEvent>,
) -> Result<()> {
    let grade = course_change(e, o, actor, events);
    repo_e::apply(
        c,
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
    e: &enrolment::Model,
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
        kind: "course",
        before: e.grade_percent,
        after: o.percent,
        passed: Some(o.passed),
        actor,
    });
    Some((o.percent, o.passed))
}

/// A learner's course grade recomputed from what is stored, after a change by the course
/// team (`event`, logged with the course grade's own).
async fn recompute_learner(
    c: &impl ConnectionTrait,
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
    c: &impl ConnectionTrait,
    e: &enrolment::Model,
    rows: &[grade::Model],
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
        let mut by_user: HashMap<Uuid, Vec<grade::Model>> = HashMap::new();
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

// ---------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------

/// A gradebook column.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Column {
    /// Grade item id.
    pub id: Uuid,
    /// The course item graded, if any.
    pub item_id: Option<Uuid>,
    /// Title.
    pub title: String,
    /// Category id.
    pub category: String,
    /// Maximum points.
    pub max_points: f64,
    /// Weight in its category.
    pub weight: f64,
    /// Extra credit.
    pub extra_credit: bool,
}

impl From<&grade_item::Model> for Column {
    fn from(i: &grade_item::Model) -> Self {
        Column {
            id: i.id,
            item_id: i.item_id,
            title: i.title.clone(),
            category: i.category.clone(),
            max_points: i.max_points,
            weight: i.weight,
            extra_credit: i.extra_credit,
        }
    }
}

/// One learner's grade on one column.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Cell {
    /// Points that count (override if any, else the score).
    pub points: Option<f64>,
    /// Points as scored.
    pub scored: Option<f64>,
    /// Staff override.
    pub overridden: bool,
    /// Excused.
    pub excused: bool,
}

fn cells(columns: &[grade_item::Model], rows: &[&grade::Model]) -> Vec<Cell> {
    columns
        .iter()
        .map(|c| {
            let g = rows.iter().find(|g| g.grade_item_id == c.id);
            Cell {
                points: g.and_then(|g| g.override_points.or(g.points)),
                scored: g.and_then(|g| g.points),
                overridden: g.is_some_and(|g| g.override_points.is_some()),
                excused: g.is_some_and(|g| g.excused),
            }
        })
        .collect()
}

/// A category and the learner's percent in it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryResult {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Weight.
    pub weight: f64,
    /// The learner's percent, when something counts.
    pub percent: Option<f64>,
    /// Items dropped as lowest.
    pub dropped: Vec<Uuid>,
}

/// A learner's grades in a run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LearnerGrades {
    /// The learner.
    pub user_id: Uuid,
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// Columns.
    pub columns: Vec<Column>,
    /// Their grade per column, in the same order.
    pub cells: Vec<Cell>,
    /// Per category.
    pub categories: Vec<CategoryResult>,
    /// Course percent.
    pub percent: Option<f64>,
    /// Passed.
    pub passed: bool,
    /// Pass mark.
    pub pass_percent: f64,
    /// Whether the course total was set by staff.
    pub total_overridden: bool,
}

async fn grades_of(
    app: &App,
    tenant: TenantId,
    a: &RunAccess,
    e: &enrolment::Model,
) -> Result<LearnerGrades> {
    let s = scheme_at(app.db.writer(), app, tenant, a.run.id, a.run.version).await?;
    let rows = repo::of_user(app.db.reader(), tenant, a.run.id, e.user_id).await?;
    let g = core_grades::course_grade(&s.book(), &learner_scores(&rows, e.grade_override));
    let refs: Vec<&grade::Model> = rows.iter().collect();
    let person =
        amphi_db::repo::users::by_id(app.db.reader(), tenant, amphi_core::UserId(e.user_id))
            .await?
            .ok_or(Error::NotFound)?;
    Ok(LearnerGrades {
        user_id: e.user_id,
        name: person.name,
        email: person.email,
        columns: s.items.iter().map(Column::from).collect(),
        cells: cells(&s.items, &refs),
        categories: s
            .categories
            .iter()
            .map(|c| {
                let r = g.per_category.iter().find(|r| r.category == c.id);
                CategoryResult {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    weight: c.weight,
                    percent: r.and_then(|r| r.percent),
                    dropped: r
                        .map(|r| r.dropped.iter().filter_map(|d| d.parse().ok()).collect())
                        .unwrap_or_default(),
                }
            })
            .collect(),
        percent: g.percent,
        passed: g.passed,
        pass_percent: s.pass_percent,
        total_overridden: g.overridden,
    })
}

/// The signed-in learner's own grades in a run.
pub async fn my_grades(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
) -> Result<LearnerGrades> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::View).await?;
    let e = a
        .enrolment
        .clone()
        .filter(|e| e.status == repo_e::ACTIVE)
        .ok_or(Error::Forbidden)?;
    grades_of(app, tenant, &a, &e).await
}

/// One learner's grades, for the course team.
pub async fn learner_grades(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    learner: Uuid,
) -> Result<LearnerGrades> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::List).await?;
    let e = repo_e::of(app.db.reader(), tenant, run_id, learner)
        .await?
        .ok_or(Error::NotFound)?;
    grades_of(app, tenant, &a, &e).await
}

/// Filters of the gradebook view.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct BookFilters {
    /// Words in name or email.
    pub q: Option<String>,
    /// `passed`, `failed` or `ungraded`.
    pub grade: Option<String>,
    /// Cursor.
    pub after: Option<Uuid>,
}

/// One learner's line in the gradebook.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BookRow {
    /// Enrolment id (cursor).
    pub id: Uuid,
    /// The learner.
    pub user_id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Course percent.
    pub percent: Option<f64>,
    /// Passed.
    pub passed: bool,
    /// Their grade per column.
    pub cells: Vec<Cell>,
}

/// A page of the gradebook.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BookPage {
    /// Columns.
    pub columns: Vec<Column>,
    /// Categories.
    pub categories: Vec<CategorySetting>,
    /// Pass mark.
    pub pass_percent: f64,
    /// Learners.
    pub rows: Vec<BookRow>,
    /// Cursor of the next page.
    pub next: Option<Uuid>,
}

fn book_query(f: &BookFilters) -> Result<repo_e::LearnerQuery> {
    let graded = match f.grade.as_deref().filter(|s| !s.is_empty()) {
        Some("passed") => Some(repo_e::GradeFilter::Passed),
        Some("failed") => Some(repo_e::GradeFilter::Failed),
        Some("ungraded") => Some(repo_e::GradeFilter::Ungraded),
        Some(_) => return Err(Error::field("grade", "choice_invalid")),
        None => None,
    };
    Ok(repo_e::LearnerQuery {
        search: f.q.clone(),
        role: Some(CourseRole::Learner.as_str().to_owned()),
        status: Some(repo_e::ACTIVE.to_owned()),
        completed: None,
        graded,
    })
}

/// A page of the gradebook: learners (keyset by enrolment) with their grades. Two indexed
/// queries whatever the size of the run: the page of enrolments, then their grades.
pub async fn book(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    f: &BookFilters,
    limit: u64,
) -> Result<BookPage> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::List).await?;
    let q = book_query(f)?;
    let s = scheme_at(app.db.writer(), app, tenant, run_id, a.run.version).await?;
    let page = repo_e::learners(
        app.db.reader(),
        tenant,
        run_id,
        &q,
        f.after,
        limit.clamp(1, 1000),
    )
    .await?;
    let users: Vec<Uuid> = page.items.iter().map(|r| r.user_id).collect();
    let rows = repo::of_users(app.db.reader(), tenant, run_id, &users).await?;
    let mut by_user: HashMap<Uuid, Vec<&grade::Model>> = HashMap::new();
    for g in &rows {
        by_user.entry(g.user_id).or_default().push(g);
    }
    Ok(BookPage {
        rows: page
            .items
            .iter()
            .map(|r| BookRow {
                id: r.id,
                user_id: r.user_id,
                name: r.name.clone(),
                email: r.email.clone(),
                percent: r.grade_percent,
                passed: r.grade_passed,
                cells: cells(
                    &s.items,
                    by_user.get(&r.user_id).map(Vec::as_slice).unwrap_or(&[]),
                ),
            })
            .collect(),
        next: page.next,
        columns: s.items.iter().map(Column::from).collect(),
        categories: s.categories,
        pass_percent: s.pass_percent,
    })
}

/// The CSV header of the gradebook export for these columns.
pub fn csv_header(columns: &[Column]) -> Result<String> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut rec = vec!["name".to_owned(), "email".to_owned()];
    rec.extend(
        columns
            .iter()
            .map(|c| super::learners::csv_safe(&format!("{} ({})", c.title, c.max_points))),
    );
    rec.push("course_percent".into());
    rec.push("passed".into());
    w.write_record(&rec).map_err(Error::internal)?;
    let bytes = w.into_inner().map_err(Error::internal)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One page (1000 learners) of the gradebook export as CSV lines, with the columns (for the
/// header) and the cursor of the next page.
pub async fn export_page(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    f: &BookFilters,
) -> Result<(Vec<Column>, String, Option<Uuid>)> {
    let page = book(app, user, tenant, run_id, f, 1000).await?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let fmt = |p: Option<f64>| p.map(|p| format!("{p}")).unwrap_or_default();
    for r in &page.rows {
        let mut rec = vec![
            super::learners::csv_safe(&r.name),
            super::learners::csv_safe(&r.email),
        ];
        rec.extend(r.cells.iter().map(|c| {
            if c.excused {
                "EX".to_owned()
            } else {
                fmt(c.points)
            }
        }));
        rec.push(fmt(r.percent));
        rec.push(if r.passed { "yes" } else { "no" }.into());
        w.write_record(&rec).map_err(Error::internal)?;
    }
    let bytes = w.into_inner().map_err(Error::internal)?;
    Ok((
        page.columns,
        String::from_utf8_lossy(&bytes).into_owned(),
        page.next,
    ))
}

// ---------------------------------------------------------------------------------------------
// Changes by the course team
// ---------------------------------------------------------------------------------------------

/// A staff override as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OverrideForm {
    /// Points (empty: remove the override).
    pub points: Option<String>,
    /// Excused: the item does not count for this learner.
    #[serde(default)]
    pub excused: Option<String>,
    /// Why (required; kept in the audit trail).
    pub reason: Option<String>,
}

fn parse_points(field: &str, raw: Option<&str>, max: f64) -> Result<Option<f64>> {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Ok(None);
    }
    let v: f64 = raw
        .replace(',', ".")
        .parse()
        .map_err(|_| Error::field(field, "number_invalid"))?;
    if !v.is_finite() || v < 0.0 || v > max {
        return Err(Error::field(field, "out_of_range"));
    }
    Ok(Some(v))
}

fn checked(raw: Option<&str>) -> bool {
    matches!(raw, Some("on" | "true" | "1" | "yes"))
}

/// Sets or removes a staff override of one learner's points on one column (or excuses it),
/// with a reason, audited.
#[allow(clippy::too_many_arguments)]
pub async fn set_override(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    grade_item_id: Uuid,
    learner: Uuid,
    f: &OverrideForm,
    ip: Option<&str>,
) -> Result<Option<CourseOutcome>> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::Grade).await?;
    super::writable(&a.run, app.now())?;
    let gi = repo::item(app.db.reader(), tenant, run_id, grade_item_id)
        .await?
        .ok_or(Error::NotFound)?;
    repo_e::of(app.db.reader(), tenant, run_id, learner)
        .await?
        .filter(|e| e.status == repo_e::ACTIVE)
        .ok_or(Error::NotFound)?;
    let mut fields = Fields::new();
    let points = fields
        .check(parse_points("points", f.points.as_deref(), gi.max_points))
        .flatten();
    let excused = checked(f.excused.as_deref());
    let reason = fields.check(amphi_core::validate::short_text(
        "reason",
        f.reason.as_deref().unwrap_or(""),
        500,
    ));
    fields.finish()?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let before = repo::one(&txn, gi.id, learner).await?;
    repo::upsert_override(
        &txn,
        grade::Model {
            grade_item_id: gi.id,
            user_id: learner,
            tenant_id: tenant.0,
            run_id,
            points: before.as_ref().and_then(|g| g.points),
            excused,
            override_points: points,
            updated_at: now,
        },
    )
    .await?;
    let s = scheme(&txn, tenant, run_id).await?;
    let event = repo::NewEvent {
        tenant,
        run: run_id,
        user: learner,
        grade_item: Some(gi.id),
        kind: "override",
        before: before.as_ref().and_then(|g| g.override_points.or(g.points)),
        after: points.or(before.as_ref().and_then(|g| g.points)),
        passed: None,
        actor: Some(user.id.0),
    };
    let o = recompute_learner(&txn, &s, event, now).await?;
    amphi_db::repo::audit::Event::new("grade.override", tenant)
        .actor(user.id)
        .target(learner.to_string())
        .ip(ip.map(str::to_owned))
        .detail(serde_json::json!({
            "run": run_id,
            "grade_item": gi.id,
            "title": gi.title,
            "points": points,
            "excused": excused,
            "reason": reason,
        }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    if let Some(o) = o.filter(|o| o.changed) {
        after_course_change(app, tenant, run_id, learner, o).await?;
    }
    Ok(o)
}

/// A course-total override as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TotalOverrideForm {
    /// Course percent (empty: remove the override).
    pub percent: Option<String>,
    /// Why (required; kept in the audit trail).
    pub reason: Option<String>,
}

/// Sets or removes the course-total override of one learner, audited.
pub async fn set_total_override(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    learner: Uuid,
    f: &TotalOverrideForm,
    ip: Option<&str>,
) -> Result<Option<CourseOutcome>> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::Grade).await?;
    super::writable(&a.run, app.now())?;
    let e = repo_e::of(app.db.reader(), tenant, run_id, learner)
        .await?
        .filter(|e| e.status == repo_e::ACTIVE)
        .ok_or(Error::NotFound)?;
    let mut fields = Fields::new();
    let percent = fields
        .check(parse_points("percent", f.percent.as_deref(), 100.0))
        .flatten();
    let reason = fields.check(amphi_core::validate::short_text(
        "reason",
        f.reason.as_deref().unwrap_or(""),
        500,
    ));
    fields.finish()?;
    let now = app.now();
    let txn = app.db.begin().await?;
    repo::set_total_override(&txn, e.id, percent).await?;
    let s = scheme(&txn, tenant, run_id).await?;
    let event = repo::NewEvent {
        tenant,
        run: run_id,
        user: learner,
        grade_item: None,
        kind: "override",
        before: e.grade_override,
        after: percent,
        passed: None,
        actor: Some(user.id.0),
    };
    let o = recompute_learner(&txn, &s, event, now).await?;
    amphi_db::repo::audit::Event::new("grade.override_total", tenant)
        .actor(user.id)
        .target(learner.to_string())
        .ip(ip.map(str::to_owned))
        .detail(serde_json::json!({ "run": run_id, "percent": percent, "reason": reason }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    if let Some(o) = o.filter(|o| o.changed) {
        after_course_change(app, tenant, run_id, learner, o).await?;
    }
    Ok(o)
}

/// A column's place in the scheme, as typed.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ColumnSetting {
    /// Grade item id.
    pub id: Uuid,
    /// Category id.
    pub category: String,
    /// Weight in the category.
    pub weight: f64,
    /// Extra credit.
    #[serde(default)]
    pub extra_credit: bool,
}

/// The scheme as typed (the settings page and the API).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SchemeForm {
    /// Categories, in order (at least one).
    pub categories: Vec<CategorySetting>,
    /// Pass mark in percent.
    pub pass_percent: f64,
    /// Every column of the run with its category and weight.
    #[serde(default)]
    pub columns: Vec<ColumnSetting>,
}

/// Changes the categories, weights and pass mark; every course grade of the run is then
/// recomputed by a job.
pub async fn update_scheme(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    f: &SchemeForm,
    ip: Option<&str>,
) -> Result<()> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    super::writable(&a.run, app.now())?;
    let current = scheme(app.db.reader(), tenant, run_id).await?;
    let mut fields = Fields::new();
    if f.categories.is_empty() || f.categories.len() > 50 {
        fields.push("categories", "required");
    }
    for (i, c) in f.categories.iter().enumerate() {
        if c.id.is_empty()
            || c.id.len() > 64
            || !c
                .id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            fields.push(&format!("categories[{i}].id"), "slug_invalid");
        }
        if c.name.chars().count() > 200 {
            fields.push(&format!("categories[{i}].name"), "too_long");
        }
        if !c.weight.is_finite() || c.weight < 0.0 || c.weight > 1000.0 {
            fields.push(&format!("categories[{i}].weight"), "out_of_range");
        }
        if c.drop_lowest > 100 {
            fields.push(&format!("categories[{i}].drop_lowest"), "out_of_range");
        }
    }
    let mut columns = Vec::new();
    for (i, c) in f.columns.iter().enumerate() {
        let Some(gi) = current.items.iter().find(|g| g.id == c.id) else {
            fields.push(&format!("columns[{i}].id"), "choice_invalid");
            continue;
        };
        if !f.categories.iter().any(|k| k.id == c.category) {
            fields.push(&format!("columns[{i}].category"), "choice_invalid");
        }
        if !c.weight.is_finite() || c.weight <= 0.0 || c.weight > 1000.0 {
            fields.push(&format!("columns[{i}].weight"), "out_of_range");
        }
        columns.push((gi.clone(), c));
    }
    // Columns not named keep their place, but their category must still exist.
    for gi in &current.items {
        if !f.columns.iter().any(|c| c.id == gi.id)
            && !f.categories.iter().any(|k| k.id == gi.category)
        {
            fields.push("columns", "category_in_use");
        }
    }
    if !f.pass_percent.is_finite() || !(0.0..=100.0).contains(&f.pass_percent) {
        fields.push("pass_percent", "out_of_range");
    }
    fields.finish()?;
    let book = Scheme {
        categories: f.categories.clone(),
        pass_percent: f.pass_percent,
        items: current
            .items
            .iter()
            .map(|gi| match columns.iter().find(|(g, _)| g.id == gi.id) {
                Some((g, c)) => grade_item::Model {
                    category: c.category.clone(),
                    weight: c.weight,
                    extra_credit: c.extra_credit,
                    ..g.clone()
                },
                None => gi.clone(),
            })
            .collect(),
    }
    .book();
    book.validate()?;
    let now = app.now();
    let txn = app.db.begin().await?;
    repo::save_settings(
        &txn,
        gradebook_setting::Model {
            run_id,
            tenant_id: tenant.0,
            categories: serde_json::to_string(&f.categories).map_err(Error::internal)?,
            pass_percent: f.pass_percent,
            updated_at: now,
        },
    )
    .await?;
    for (gi, c) in columns {
        let mut am = gi.into_active_model();
        am.category = Set(c.category.clone());
        am.weight = Set(c.weight);
        am.extra_credit = Set(c.extra_credit);
        am.updated_at = Set(now);
        repo::update_item(&txn, am).await?;
    }
    queue_recompute(&txn, tenant, run_id, now).await?;
    amphi_db::repo::audit::Event::new("gradebook.scheme", tenant)
        .actor(user.id)
        .ip(ip.map(str::to_owned))
        .detail(serde_json::json!({
            "run": run_id,
            "pass_percent": f.pass_percent,
            "categories": f.categories,
        }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// A grade change, for subscribers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GradeEvent {
    /// Cursor: pass as `after` to get the next ones.
    pub id: i64,
    /// Run.
    pub run_id: Uuid,
    /// Learner.
    pub user_id: Uuid,
    /// Column, for item and override events.
    pub grade_item_id: Option<Uuid>,
    /// `item`, `override` or `course`.
    pub kind: String,
    /// Before.
    pub before: Option<f64>,
    /// After.
    pub after: Option<f64>,
    /// Pass state, for course events.
    pub passed: Option<bool>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Grade events of a run after a cursor, oldest first (course team; for integrations).
pub async fn events(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    after: i64,
    limit: u64,
) -> Result<Vec<GradeEvent>> {
    access(app, Some(&user.actor()), tenant, run_id, Action::List).await?;
    Ok(repo::events_after(
        app.db.reader(),
        tenant,
        Some(run_id),
        after,
        limit.clamp(1, 1000),
    )
    .await?
    .into_iter()
    .map(|e| GradeEvent {
        id: e.id,
        run_id: e.run_id,
        user_id: e.user_id,
        grade_item_id: e.grade_item_id,
        kind: e.kind,
        before: e.before,
        after: e.after,
        passed: e.passed,
        at: e.at,
    })
    .collect())
}
