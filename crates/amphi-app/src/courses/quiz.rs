//! Quizzes as course items: fixed questions or random draws from the course's question bank,
//! attempts with a server-side time limit, answers saved as the learner goes, submission
//! graded at once, highest / last / average attempt kept in the gradebook, and feedback and
//! correct answers shown by the quiz's rules.
//!
//! An attempt snapshots the questions it shows (drawn and ordered with its own seed), so a
//! later edit of the bank never changes an attempt in progress or already graded. Starting an
//! attempt costs one read of the learner's attempts, one read of the questions by id, and one
//! insert; saving and submitting touch only the attempt row (guarded by `status = 'open'`, so
//! a double submit or a save racing a submit changes nothing).
//!
//! The time limit is enforced by the server: answers arriving after the deadline (plus a few
//! seconds of network grace) are refused and not stored; an attempt left open past its
//! deadline is graded with what was saved, when it is next looked at or by the housekeeping
//! sweep.

use super::{access, access_with_attempt, gradebook, learn, RunAccess};
use crate::users::User;
use crate::App;
use amphi_core::assessment::{
    score, seed_for, Question, QuestionKind, Response, Scored, SplitMix64,
};
use amphi_core::course::CourseRole;
use amphi_core::error::Fields;
use amphi_core::policy::Action;
use amphi_core::{Error, Result, TenantId};
use amphi_db::entities::{course_item, course_run, quiz_attempt};
use amphi_db::repo::{
    enrolments as repo_e, grades as repo_g, progress, questions as repo_q, quiz as repo, structure,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

/// Seconds of network grace after a deadline during which answers still count.
pub const GRACE_SECONDS: i64 = 5;

/// Most questions one attempt may show.
pub const MAX_QUESTIONS: u32 = 200;

/// Attempt states.
pub const OPEN: &str = "open";
/// Submitted by the learner (or closed at its deadline) and graded.
pub const SUBMITTED: &str = "submitted";

/// One entry of a quiz: a fixed question, or `count` questions drawn from a bank category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Slot {
    /// One question of the bank.
    Question {
        /// Its id.
        question_id: Uuid,
        /// Points in this quiz (None: the question's own points).
        #[serde(default)]
        points: Option<f64>,
    },
    /// Questions drawn at random, per attempt, from a category.
    Draw {
        /// Category path.
        category: String,
        /// How many.
        count: u32,
        /// Points of each question drawn (None: each question's own points).
        #[serde(default)]
        points: Option<f64>,
    },
}

/// Which attempt counts in the gradebook.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The best one.
    #[default]
    Highest,
    /// The latest one.
    Last,
    /// The mean of all.
    Average,
}

/// When the learner sees something of a submitted attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reveal {
    /// As soon as the attempt is submitted.
    #[default]
    Immediately,
    /// Once the quiz has closed.
    AfterClose,
    /// Never.
    Never,
}

/// A quiz's settings, kept in its course item's `settings` under `quiz`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuizSettings {
    /// What the quiz shows, in order.
    #[serde(default)]
    pub slots: Vec<Slot>,
    /// Each attempt shows the questions in its own order.
    #[serde(default)]
    pub shuffle_questions: bool,
    /// Each attempt shows the options of choice, matching and ordering questions in its own
    /// order (when the question allows it).
    #[serde(default = "yes")]
    pub shuffle_answers: bool,
    /// Attempts allowed (0: unlimited).
    #[serde(default = "one")]
    pub attempts: u32,
    /// Time limit in minutes (None: untimed).
    #[serde(default)]
    pub time_limit_minutes: Option<u32>,
    /// Opens at.
    #[serde(default)]
    pub opens_at: Option<DateTime<Utc>>,
    /// Closes at: no attempt starts after it, and open ones end at it.
    #[serde(default)]
    pub closes_at: Option<DateTime<Utc>>,
    /// Which attempt counts.
    #[serde(default)]
    pub keep: Keep,
    /// When the score and per-question feedback are shown.
    #[serde(default)]
    pub feedback: Reveal,
    /// When the correct answers are shown.
    #[serde(default = "after_close")]
    pub answers: Reveal,
}

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}
fn after_close() -> Reveal {
    Reveal::AfterClose
}

impl Default for QuizSettings {
    fn default() -> Self {
        QuizSettings {
            slots: Vec::new(),
            shuffle_questions: false,
            shuffle_answers: true,
            attempts: 1,
            time_limit_minutes: None,
            opens_at: None,
            closes_at: None,
            keep: Keep::Highest,
            feedback: Reveal::Immediately,
            answers: Reveal::AfterClose,
        }
    }
}

impl QuizSettings {
    /// The settings of a quiz item (defaults when none were saved).
    pub fn of(it: &course_item::Model) -> Self {
        serde_json::from_str::<serde_json::Value>(&it.settings)
            .ok()
            .and_then(|v| v.get("quiz").cloned())
            .and_then(|q| serde_json::from_value(q).ok())
            .unwrap_or_default()
    }

    fn revealed(&self, r: Reveal, now: DateTime<Utc>) -> bool {
        match r {
            Reveal::Immediately => true,
            Reveal::AfterClose => self.closes_at.is_some_and(|c| c <= now),
            Reveal::Never => false,
        }
    }
}

/// A question as one attempt shows it: the question (snapshot) and its points in the quiz.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttemptQuestion {
    /// The question as it was when the attempt started.
    pub question: Question,
    /// Its points in this quiz.
    pub points: f64,
}

fn parse_questions(a: &quiz_attempt::Model) -> Result<Vec<AttemptQuestion>> {
    serde_json::from_str(&a.questions).map_err(Error::internal)
}

fn parse_responses(a: &quiz_attempt::Model) -> BTreeMap<Uuid, Response> {
    serde_json::from_str(&a.responses).unwrap_or_default()
}

fn parse_results(a: &quiz_attempt::Model) -> BTreeMap<Uuid, Scored> {
    a.results
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Authoring
// ---------------------------------------------------------------------------------------------

/// Validates quiz settings against the course's bank; returns the maximum points.
pub async fn check_settings(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course: Uuid,
    s: &QuizSettings,
) -> Result<f64> {
    let mut fields = Fields::new();
    let mut max = 0.0;
    let mut count = 0u32;
    let fixed: Vec<Uuid> = s
        .slots
        .iter()
        .filter_map(|sl| match sl {
            Slot::Question { question_id, .. } => Some(*question_id),
            Slot::Draw { .. } => None,
        })
        .collect();
    let found = repo_q::by_ids(c, tenant, course, &fixed).await?;
    let mut seen = HashSet::new();
    for (i, sl) in s.slots.iter().enumerate() {
        let field = format!("slots[{i}]");
        match sl {
            Slot::Question {
                question_id,
                points,
            } => {
                let Some(q) = found.iter().find(|q| q.id == *question_id) else {
                    fields.push(&field, "question_unknown");
                    continue;
                };
                if !seen.insert(*question_id) {
                    fields.push(&field, "question_twice");
                }
                let own = serde_json::from_str::<Question>(&q.data)
                    .map(|q| q.points)
                    .unwrap_or(1.0);
                let p = points.unwrap_or(own);
                if !valid_points(p) {
                    fields.push(&format!("{field}.points"), "out_of_range");
                }
                max += p;
                count += 1;
            }
            Slot::Draw {
                category,
                count: n,
                points,
            } => {
                let ids = repo_q::ids_in_category(c, tenant, course, category).await?;
                if *n == 0 {
                    fields.push(&format!("{field}.count"), "out_of_range");
                } else if (ids.len() as u64) < u64::from(*n) {
                    fields.push(&format!("{field}.count"), "not_enough_questions");
                }
                match points {
                    Some(p) if !valid_points(*p) => {
                        fields.push(&format!("{field}.points"), "out_of_range")
                    }
                    Some(p) => max += p * f64::from(*n),
                    None => {
                        // Each drawn question brings its own points: the maximum is the mean
                        // of the category times the count, which varies per attempt; a
                        // gradebook needs one maximum, so draws must set their points.
                        fields.push(&format!("{field}.points"), "required");
                    }
                }
                count = count.saturating_add(*n);
            }
        }
    }
    if count > MAX_QUESTIONS {
        fields.push("slots", "too_many");
    }
    if s.time_limit_minutes.is_some_and(|m| m == 0 || m > 24 * 60) {
        fields.push("time_limit_minutes", "out_of_range");
    }
    if s.attempts > 100 {
        fields.push("attempts", "out_of_range");
    }
    if let (Some(o), Some(c)) = (s.opens_at, s.closes_at) {
        if c <= o {
            fields.push("closes_at", "before_start");
        }
    }
    fields.finish()?;
    Ok(max)
}

fn valid_points(p: f64) -> bool {
    p.is_finite() && p > 0.0 && p <= amphi_core::assessment::question::MAX_POINTS
}

/// Quiz settings as typed on the settings page (a form) or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct QuizForm {
    /// Questions: one `question_id[:points]` or `draw:<count>:<points>:<category>` per line.
    pub slots: Option<String>,
    /// `on` to shuffle questions.
    pub shuffle_questions: Option<String>,
    /// `on` to shuffle answers.
    pub shuffle_answers: Option<String>,
    /// Attempts allowed (0: unlimited).
    pub attempts: Option<String>,
    /// Minutes (empty: untimed).
    pub time_limit_minutes: Option<String>,
    /// Opens at (local time of the editor).
    pub opens_at: Option<String>,
    /// Closes at.
    pub closes_at: Option<String>,
    /// `highest`, `last` or `average`.
    pub keep: Option<String>,
    /// `immediately`, `after_close` or `never`.
    pub feedback: Option<String>,
    /// `immediately`, `after_close` or `never`.
    pub answers: Option<String>,
}

/// The slots as the settings form shows them, one per line.
pub fn slots_text(slots: &[Slot]) -> String {
    slots
        .iter()
        .map(|s| match s {
            Slot::Question {
                question_id,
                points: Some(p),
            } => format!("{question_id}:{p}"),
            Slot::Question { question_id, .. } => question_id.to_string(),
            Slot::Draw {
                category,
                count,
                points,
            } => format!("draw:{count}:{}:{category}", points.unwrap_or(1.0)),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_slots(raw: &str, fields: &mut Fields) -> Vec<Slot> {
    let mut out = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let field = format!("slots[{i}]");
        if let Some(rest) = line.strip_prefix("draw:") {
            let mut parts = rest.splitn(3, ':');
            let count = parts.next().and_then(|c| c.trim().parse::<u32>().ok());
            let points = parts
                .next()
                .and_then(|p| p.trim().replace(',', ".").parse::<f64>().ok());
            let category = parts.next().map(str::trim).unwrap_or("");
            match (count, points) {
                (Some(count), Some(points)) if !category.is_empty() => out.push(Slot::Draw {
                    category: category.to_owned(),
                    count,
                    points: Some(points),
                }),
                _ => fields.push(&field, "slot_invalid"),
            }
            continue;
        }
        let (id, points) = match line.split_once(':') {
            Some((id, p)) => (id, Some(p)),
            None => (line, None),
        };
        let Ok(id) = id.trim().parse::<Uuid>() else {
            fields.push(&field, "slot_invalid");
            continue;
        };
        let points = match points.map(|p| p.trim().replace(',', ".").parse::<f64>()) {
            Some(Ok(p)) => Some(p),
            Some(Err(_)) => {
                fields.push(&field, "slot_invalid");
                continue;
            }
            None => None,
        };
        out.push(Slot::Question {
            question_id: id,
            points,
        });
    }
    out
}

fn reveal(field: &str, raw: Option<&str>, current: Reveal, fields: &mut Fields) -> Reveal {
    match raw.map(str::trim) {
        None | Some("") => current,
        Some("immediately") => Reveal::Immediately,
        Some("after_close") => Reveal::AfterClose,
        Some("never") => Reveal::Never,
        Some(_) => {
            fields.push(field, "choice_invalid");
            current
        }
    }
}

/// Builds settings from the form, starting from the current ones (absent fields keep their
/// value; check boxes are read as a whole form).
pub fn settings_from_form(
    f: &QuizForm,
    current: &QuizSettings,
    tz: &str,
    fields: &mut Fields,
) -> QuizSettings {
    let mut s = current.clone();
    if let Some(raw) = &f.slots {
        s.slots = parse_slots(raw, fields);
    }
    s.shuffle_questions = matches!(f.shuffle_questions.as_deref(), Some("on" | "true"));
    s.shuffle_answers = matches!(f.shuffle_answers.as_deref(), Some("on" | "true"));
    if let Some(a) = f.attempts.as_deref().map(str::trim) {
        match a.parse::<u32>() {
            Ok(n) => s.attempts = n,
            Err(_) => fields.push("attempts", "number_invalid"),
        }
    }
    if let Some(t) = f.time_limit_minutes.as_deref().map(str::trim) {
        if t.is_empty() {
            s.time_limit_minutes = None;
        } else {
            match t.parse::<u32>() {
                Ok(n) => s.time_limit_minutes = Some(n),
                Err(_) => fields.push("time_limit_minutes", "number_invalid"),
            }
        }
    }
    if f.opens_at.is_some() {
        if let Some(d) = fields.check(super::authoring::parse_when(
            "opens_at",
            f.opens_at.as_deref(),
            tz,
        )) {
            s.opens_at = d;
        }
    }
    if f.closes_at.is_some() {
        if let Some(d) = fields.check(super::authoring::parse_when(
            "closes_at",
            f.closes_at.as_deref(),
            tz,
        )) {
            s.closes_at = d;
        }
    }
    match f.keep.as_deref().map(str::trim) {
        None | Some("") => {}
        Some("highest") => s.keep = Keep::Highest,
        Some("last") => s.keep = Keep::Last,
        Some("average") => s.keep = Keep::Average,
        Some(_) => fields.push("keep", "choice_invalid"),
    }
    s.feedback = reveal("feedback", f.feedback.as_deref(), s.feedback, fields);
    s.answers = reveal("answers", f.answers.as_deref(), s.answers, fields);
    s
}

/// Saves a quiz's settings (course team); registers its gradebook column.
pub async fn configure(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
    s: QuizSettings,
) -> Result<course_item::Model> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    super::writable(&a.run, app.now())?;
    let it = structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    if it.kind != "quiz" {
        return Err(Error::NotFound);
    }
    let max = check_settings(app.db.reader(), tenant, a.run.course_id, &s).await?;
    let mut v: serde_json::Value = serde_json::from_str(&it.settings).unwrap_or_default();
    if !v.is_object() {
        v = serde_json::json!({});
    }
    v["quiz"] = serde_json::to_value(&s).map_err(Error::internal)?;
    v["max_points"] = serde_json::json!(max);
    let now = app.now();
    let txn = app.db.begin().await?;
    let m = structure::set_item_settings(&txn, tenant, item_id, &v.to_string(), now).await?;
    amphi_db::repo::courses::touch_run(&txn, run_id, None, now).await?;
    if max > 0.0 {
        gradebook::register_item(&txn, tenant, run_id, item_id, max, now).await?;
    }
    txn.commit().await.map_err(Error::internal)?;
    Ok(m)
}

/// A quiz's title and settings, for its course team's settings page.
pub async fn for_editing(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
) -> Result<(String, QuizSettings)> {
    access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    let it = structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .filter(|i| i.kind == "quiz")
        .ok_or(Error::NotFound)?;
    Ok((it.title.clone(), QuizSettings::of(&it)))
}

// ---------------------------------------------------------------------------------------------
// Taking a quiz
// ---------------------------------------------------------------------------------------------

/// A quiz as its learner sees it before and between attempts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuizIntro {
    /// The item.
    pub item_id: Uuid,
    /// Title.
    pub title: String,
    /// Settings.
    pub settings: QuizSettings,
    /// Maximum points.
    pub max_points: f64,
    /// Questions per attempt.
    pub question_count: u32,
    /// The learner's attempts, newest first.
    pub attempts: Vec<AttemptSummary>,
    /// The grade kept, if any attempt was submitted.
    pub kept: Option<f64>,
    /// Why the viewer may not start an attempt now (`quiz_closed`, …); None when they may
    /// start or resume one.
    pub blocked: Option<String>,
    /// An attempt in progress to resume.
    pub open_attempt: Option<Uuid>,
}

/// One attempt in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptSummary {
    /// Id.
    pub id: Uuid,
    /// 1, 2, …
    pub number: i32,
    /// `open` or `submitted`.
    pub status: String,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Score, when submitted and the feedback rules show it.
    pub score: Option<f64>,
    /// Maximum.
    pub max_score: f64,
    /// Essays await a grader.
    pub pending: bool,
}

fn question_count(s: &QuizSettings) -> u32 {
    s.slots
        .iter()
        .map(|sl| match sl {
            Slot::Question { .. } => 1,
            Slot::Draw { count, .. } => *count,
        })
        .sum()
}

fn max_points_of(it: &course_item::Model) -> f64 {
    serde_json::from_str::<serde_json::Value>(&it.settings)
        .ok()
        .and_then(|v| v.get("max_points").and_then(|m| m.as_f64()))
        .unwrap_or(0.0)
}

struct Loaded {
    a: RunAccess,
    item: course_item::Model,
    settings: QuizSettings,
}

async fn load(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
) -> Result<Loaded> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::View).await?;
    loaded(app, user, tenant, a, item_id).await
}

/// The rest of [`load`], for an access already checked for viewing.
async fn loaded(
    app: &App,
    user: &User,
    tenant: TenantId,
    a: RunAccess,
    item_id: Uuid,
) -> Result<Loaded> {
    let item = learn::cached_item(app, tenant, &a.run, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    if item.kind != "quiz" {
        return Err(Error::NotFound);
    }
    let staff = amphi_core::policy::can(&user.actor(), Action::Update, a.resource(tenant));
    if !item.published && !staff {
        return Err(Error::NotFound);
    }
    let settings = QuizSettings::of(&item);
    Ok(Loaded { a, item, settings })
}

fn kept(keep: Keep, attempts: &[quiz_attempt::Model]) -> Option<f64> {
    let done: Vec<&quiz_attempt::Model> = attempts
        .iter()
        .filter(|a| a.status == SUBMITTED && a.score.is_some())
        .collect();
    if done.is_empty() {
        return None;
    }
    let scores = done.iter().filter_map(|a| a.score);
    Some(match keep {
        Keep::Highest => scores.fold(0.0, f64::max),
        Keep::Last => done
            .iter()
            .max_by_key(|a| a.number)
            .and_then(|a| a.score)
            .unwrap_or(0.0),
        Keep::Average => {
            let v: Vec<f64> = scores.collect();
            v.iter().sum::<f64>() / v.len() as f64
        }
    })
}

fn why_not(
    s: &QuizSettings,
    attempts: &[quiz_attempt::Model],
    learner: bool,
    archived: bool,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if !learner {
        return Err("quiz_not_learner".into());
    }
    if archived {
        return Err("run_archived".into());
    }
    if attempts.iter().any(|a| a.status == OPEN) {
        return Ok(());
    }
    if question_count(s) == 0 {
        return Err("quiz_empty".into());
    }
    if s.opens_at.is_some_and(|o| now < o) {
        return Err("quiz_not_open".into());
    }
    if s.closes_at.is_some_and(|c| now >= c) {
        return Err("quiz_closed".into());
    }
    if s.attempts > 0 && attempts.len() as u32 >= s.attempts {
        return Err("quiz_no_attempts_left".into());
    }
    Ok(())
}

/// The quiz page: settings, the learner's attempts, the grade kept, and whether they may start.
/// Attempts left open past their deadline are graded first.
pub async fn intro(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
) -> Result<QuizIntro> {
    let l = load(app, user, tenant, run_id, item_id).await?;
    let now = app.now();
    let mut attempts = repo::of_learner(app.db.reader(), tenant, item_id, user.id.0).await?;
    if close_expired_of(app, &l, &mut attempts, now).await? {
        attempts = repo::of_learner(app.db.reader(), tenant, item_id, user.id.0).await?;
    }
    let learner = l.a.role() == Some(CourseRole::Learner);
    let archived = super::dates_of(&l.a.run).archived(now);
    let show_score = l.settings.revealed(l.settings.feedback, now);
    Ok(QuizIntro {
        item_id,
        title: l.item.title.clone(),
        max_points: max_points_of(&l.item),
        question_count: question_count(&l.settings),
        kept: kept(l.settings.keep, &attempts).filter(|_| show_score),
        blocked: why_not(&l.settings, &attempts, learner, archived, now).err(),
        open_attempt: attempts.iter().find(|a| a.status == OPEN).map(|a| a.id),
        attempts: attempts
            .iter()
            .rev()
            .map(|a| AttemptSummary {
                id: a.id,
                number: a.number,
                status: a.status.clone(),
                started_at: a.started_at,
                submitted_at: a.submitted_at,
                score: a.score.filter(|_| show_score && a.status == SUBMITTED),
                max_score: a.max_score,
                pending: a.pending,
            })
            .collect(),
        settings: l.settings,
    })
}

/// Grades the learner's attempts that are open past their deadline; true if any was.
async fn close_expired_of(
    app: &App,
    l: &Loaded,
    attempts: &mut [quiz_attempt::Model],
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut any = false;
    for a in attempts.iter() {
        if a.status == OPEN && expired(a, now) {
            finish_loaded(app, a.clone(), l, now).await?;
            any = true;
        }
    }
    Ok(any)
}

fn expired(a: &quiz_attempt::Model, now: DateTime<Utc>) -> bool {
    a.deadline_at
        .is_some_and(|d| now > d + Duration::seconds(GRACE_SECONDS))
}

/// Starts an attempt (or returns the one in progress). Checks the release rules of the item,
/// the quiz's dates and the attempts left.
pub async fn start(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
) -> Result<Uuid> {
    let (a, states) = super::access_with_progress(app, &user.actor(), tenant, run_id).await?;
    let l = loaded(app, user, tenant, a, item_id).await?;
    // Release rules (dates, prerequisites, sequential mode) as on every item.
    let (home, _) = learn::home_with(app, user, tenant, &l.a, false, states).await?;
    let entry = home
        .modules
        .iter()
        .flat_map(|m| &m.items)
        .find(|i| i.id == item_id)
        .ok_or(Error::NotFound)?;
    if entry.locked.is_some() {
        return Err(Error::Conflict("item_locked"));
    }
    let now = app.now();
    let mut attempts = repo::of_learner(app.db.reader(), tenant, item_id, user.id.0).await?;
    if close_expired_of(app, &l, &mut attempts, now).await? {
        attempts = repo::of_learner(app.db.reader(), tenant, item_id, user.id.0).await?;
    }
    if let Some(open) = attempts.iter().find(|a| a.status == OPEN) {
        return Ok(open.id);
    }
    let learner = l.a.role() == Some(CourseRole::Learner);
    let archived = super::dates_of(&l.a.run).archived(now);
    why_not(&l.settings, &attempts, learner, archived, now).map_err(|code| {
        match code.as_str() {
            "quiz_not_learner" => Error::Forbidden,
            "quiz_empty" => Error::Conflict("quiz_empty"),
            "quiz_not_open" => Error::Conflict("quiz_not_open"),
            "quiz_closed" => Error::Conflict("quiz_closed"),
            "run_archived" => Error::Conflict("run_archived"),
            _ => Error::Conflict("quiz_no_attempts_left"),
        }
    })?;
    let seed = rand::random::<u64>() >> 1;
    let questions = draw(app, tenant, l.a.run.course_id, &l.settings, seed).await?;
    let max_score: f64 = questions.iter().map(|q| q.points).sum();
    let deadline = match (l.settings.time_limit_minutes, l.settings.closes_at) {
        (Some(m), Some(c)) => Some((now + Duration::minutes(i64::from(m))).min(c)),
        (Some(m), None) => Some(now + Duration::minutes(i64::from(m))),
        (None, c) => c,
    };
    let number = attempts.iter().map(|a| a.number).max().unwrap_or(0) + 1;
    let id = Uuid::now_v7();
    let row = quiz_attempt::Model {
        id,
        tenant_id: tenant.0,
        run_id,
        item_id,
        user_id: user.id.0,
        number,
        seed: seed as i64,
        status: OPEN.into(),
        started_at: now,
        deadline_at: deadline,
        submitted_at: None,
        questions: serde_json::to_string(&questions).map_err(Error::internal)?,
        responses: "{}".into(),
        saved_at: None,
        score: None,
        max_score,
        pending: false,
        results: None,
    };
    let learner_id = user.id.0;
    app.write(move |app| async move {
        match repo::insert(app.db.writer(), row).await {
            Ok(()) => Ok(id),
            // Two starts at once (double click, two tabs): the other one won; use its attempt.
            Err(Error::Conflict(_)) => {
                repo::of_learner(app.db.writer(), tenant, item_id, learner_id)
                    .await?
                    .into_iter()
                    .find(|a| a.status == OPEN)
                    .map(|a| a.id)
                    .ok_or(Error::Conflict("attempt_started_twice"))
            }
            Err(e) => Err(e),
        }
    })
    .await
}

async fn draw(
    app: &App,
    tenant: TenantId,
    course: Uuid,
    s: &QuizSettings,
    seed: u64,
) -> Result<Vec<AttemptQuestion>> {
    let mut rng = SplitMix64::new(seed);
    // Which ids, with which points, in slot order.
    let mut picks: Vec<(Uuid, Option<f64>)> = Vec::new();
    for sl in &s.slots {
        match sl {
            Slot::Question {
                question_id,
                points,
            } => picks.push((*question_id, *points)),
            Slot::Draw {
                category,
                count,
                points,
            } => {
                let mut ids =
                    repo_q::ids_in_category(app.db.reader(), tenant, course, category).await?;
                ids.retain(|id| !picks.iter().any(|(p, _)| p == id));
                if ids.len() < *count as usize {
                    return Err(Error::Conflict("quiz_unavailable"));
                }
                // Partial Fisher–Yates: the first `count` of a random permutation.
                for i in 0..*count as usize {
                    let j = i + rng.below((ids.len() - i) as u64) as usize;
                    ids.swap(i, j);
                    picks.push((ids[i], *points));
                }
            }
        }
    }
    let ids: Vec<Uuid> = picks.iter().map(|(id, _)| *id).collect();
    let rows = repo_q::by_ids(app.db.reader(), tenant, course, &ids).await?;
    let mut out = Vec::with_capacity(picks.len());
    for (id, points) in picks {
        let row = rows
            .iter()
            .find(|r| r.id == id)
            .ok_or(Error::Conflict("quiz_unavailable"))?;
        let question: Question = serde_json::from_str(&row.data).map_err(Error::internal)?;
        out.push(AttemptQuestion {
            points: points.unwrap_or(question.points),
            question,
        });
    }
    if s.shuffle_questions {
        out = amphi_core::assessment::shuffled(&out, seed ^ 0x5EED);
    }
    Ok(out)
}

async fn own_attempt(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    attempt_id: Uuid,
) -> Result<(Loaded, quiz_attempt::Model)> {
    let (a, at) = access_with_attempt(app, &user.actor(), tenant, run_id, attempt_id).await?;
    let at = at.ok_or(Error::NotFound)?;
    let l = loaded(app, user, tenant, a, at.item_id).await?;
    Ok((l, at))
}

/// Answers sent by the browser or the API: question id -> response.
pub type Answers = BTreeMap<Uuid, Response>;

/// Answers as they arrive: keyed by question already (the API), or the fields of the attempt
/// form, read against the attempt's own questions (see [`answers_from_form`]).
pub enum Sent<'a> {
    /// Question id -> response.
    Answers(Answers),
    /// The attempt page's form fields.
    Form(&'a [(String, String)]),
}

impl Sent<'_> {
    fn read(self, qs: &[AttemptQuestion]) -> Result<Answers> {
        match self {
            Sent::Answers(a) => Ok(a),
            Sent::Form(f) => answers_from_form(qs, f),
        }
    }
}

fn check_answers(qs: &[AttemptQuestion], answers: &Answers) -> Result<()> {
    let mut fields = Fields::new();
    for (id, r) in answers {
        let field = format!("answers.{id}");
        let Some(q) = qs.iter().find(|q| q.question.id.0 == *id) else {
            fields.push(&field, "question_unknown");
            continue;
        };
        if let Err(e) = score(&q.question, r) {
            let code = match e {
                Error::BadRequest(c) => c,
                _ => "answer_invalid",
            };
            fields.push(&field, code);
        }
    }
    fields.finish()
}

/// What a save reports.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Saved {
    /// When the answers were stored.
    pub saved_at: DateTime<Utc>,
    /// Seconds left before the deadline, if timed.
    pub seconds_left: Option<i64>,
    /// Questions answered so far.
    pub answered: usize,
}

/// Whether a response answers nothing (an untouched field of the form).
fn is_blank(r: &Response) -> bool {
    match r {
        Response::SingleChoice { chosen } => chosen.is_none(),
        Response::MultipleChoice { chosen } => chosen.is_empty(),
        Response::TrueFalse { answer } => answer.is_none(),
        Response::Numeric { value, .. } => value.is_none(),
        Response::ShortText { text } | Response::Essay { text } => text.trim().is_empty(),
        Response::Matching { pairs } => pairs.is_empty(),
        Response::Ordering { order } => order.is_empty(),
        Response::FillBlanks { blanks } => blanks.iter().all(|b| b.trim().is_empty()),
    }
}

/// Saves some answers of an open attempt (autosave). Refused, storing nothing, when the
/// attempt is submitted, past its deadline, or names a question it does not show or an answer
/// that does not fit its question.
pub async fn save(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    attempt_id: Uuid,
    sent: Sent<'_>,
) -> Result<Saved> {
    let (l, at) = own_attempt(app, user, tenant, run_id, attempt_id).await?;
    let qs = parse_questions(&at)?;
    let answers = sent.read(&qs)?;
    let now = app.now();
    if at.status != OPEN {
        return Err(Error::Conflict("attempt_closed"));
    }
    if expired(&at, now) {
        finish_loaded(app, at, &l, now).await?;
        return Err(Error::Conflict("attempt_expired"));
    }
    check_answers(&qs, &answers)?;
    let mut responses = parse_responses(&at);
    responses.extend(answers);
    let json = serde_json::to_string(&responses).map_err(Error::internal)?;
    let at_id = at.id;
    let stored =
        app.write(move |app| async move {
            repo::save_responses(app.db.writer(), at_id, &json, now).await
        })
        .await?;
    if !stored {
        return Err(Error::Conflict("attempt_closed"));
    }
    Ok(Saved {
        saved_at: now,
        seconds_left: at.deadline_at.map(|d| (d - now).num_seconds().max(0)),
        answered: responses.values().filter(|r| !is_blank(r)).count(),
    })
}

/// Submits an attempt, with last answers if any: graded at once, final. A second submit, or
/// one after the deadline, is refused (the attempt is then graded with what was saved in time).
pub async fn submit(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    attempt_id: Uuid,
    sent: Sent<'_>,
) -> Result<Uuid> {
    let (l, at) = own_attempt(app, user, tenant, run_id, attempt_id).await?;
    let qs = parse_questions(&at)?;
    let answers = sent.read(&qs)?;
    let now = app.now();
    if at.status != OPEN {
        return Err(Error::Conflict("attempt_already_submitted"));
    }
    if expired(&at, now) {
        finish_loaded(app, at, &l, now).await?;
        return Err(Error::Conflict("attempt_expired"));
    }
    check_answers(&qs, &answers)?;
    let mut at = at;
    if !answers.is_empty() {
        let mut responses = parse_responses(&at);
        responses.extend(answers);
        at.responses = serde_json::to_string(&responses).map_err(Error::internal)?;
    }
    if !finish_loaded(app, at, &l, now).await? {
        return Err(Error::Conflict("attempt_already_submitted"));
    }
    Ok(attempt_id)
}

/// `finish` for an attempt of a quiz loaded for the request.
async fn finish_loaded(
    app: &App,
    at: quiz_attempt::Model,
    l: &Loaded,
    now: DateTime<Utc>,
) -> Result<bool> {
    finish(app, at, &l.settings, &l.item, &l.a.run, now).await
}

/// Grades an attempt and closes it (only if still open: false otherwise), then records the
/// grade kept and marks the item completed.
async fn finish(
    app: &App,
    at: quiz_attempt::Model,
    s: &QuizSettings,
    item: &course_item::Model,
    run: &course_run::Model,
    now: DateTime<Utc>,
) -> Result<bool> {
    let qs = parse_questions(&at)?;
    let responses = parse_responses(&at);
    let mut results = BTreeMap::new();
    let mut total = 0.0;
    let mut pending = false;
    for q in &qs {
        let id = q.question.id.0;
        let r = responses
            .get(&id)
            .cloned()
            .unwrap_or_else(|| Response::empty_for(&q.question));
        // A saved response was checked when saved; if the bank type changed under it, it
        // scores as empty rather than failing the whole attempt.
        let scored = score(&q.question, &r)
            .or_else(|_| score(&q.question, &Response::empty_for(&q.question)))
            .unwrap_or(Scored::Graded {
                fraction: 0.0,
                points: 0.0,
            });
        let scored = match scored {
            Scored::Graded { fraction, .. } => Scored::Graded {
                fraction,
                points: fraction * q.points,
            },
            Scored::NeedsGrading => {
                pending = true;
                Scored::NeedsGrading
            }
        };
        if let Scored::Graded { points, .. } = scored {
            total += points;
        }
        results.insert(id, scored);
    }
    let total = (total * 100.0).round() / 100.0;
    let deadline_cut = at.deadline_at.filter(|d| now > *d);
    let submitted_at = deadline_cut.unwrap_or(now);
    let results = serde_json::to_string(&results).map_err(Error::internal)?;
    let keep = s.keep;
    let max_of_item = max_points_of(item);
    let published = item.published;
    let (item_count, version) = (run.item_count, run.version);
    // The transaction goes to the database's write path as one piece (on SQLite, the write
    // thread): the grading above needs no lock.
    let written = app
        .write(move |app| async move {
            let app = &app;
            let txn = app.db.begin().await?;
            let closed = repo::close(
                &txn,
                at.id,
                &at.responses,
                &results,
                total,
                pending,
                submitted_at,
            )
            .await?;
            if !closed {
                return Ok(None);
            }
            let tenant = TenantId(at.tenant_id);
            // The learner's attempts, for the grade kept. A first attempt is the only one:
            // attempts are numbered per learner and item (unique), and none is started while
            // one is open.
            let all = if at.number == 1 {
                vec![quiz_attempt::Model {
                    status: SUBMITTED.into(),
                    score: Some(total),
                    pending,
                    submitted_at: Some(submitted_at),
                    ..at.clone()
                }]
            } else {
                repo::of_learner(&txn, tenant, at.item_id, at.user_id).await?
            };
            let (e, grades) =
                repo_g::enrolment_with_grades(&txn, tenant, at.run_id, at.user_id).await?;
            // Completion: a submitted quiz is done, whatever the score. It is counted on the
            // enrolment in the same update as the course grade.
            let newly_done =
                progress::mark_completed(&txn, tenant, at.run_id, at.item_id, at.user_id, now)
                    .await?;
            let completed = match &e {
                Some(_) if newly_done && published => Some((at.item_id, item_count)),
                _ => None,
            };
            // The grade kept goes to the gradebook in the same transaction: one commit per
            // submission.
            let max = if at.max_score > 0.0 {
                at.max_score
            } else {
                max_of_item
            };
            let report = gradebook::GradeReport {
                tenant_id: at.tenant_id,
                run_id: at.run_id,
                item_id: at.item_id,
                user_id: at.user_id,
                points: kept(keep, &all),
                max_points: max,
            };
            let outcome = if max > 0.0 {
                let v = Some(version);
                let r = &report;
                Some(gradebook::record_for(&txn, app, r, e.as_ref(), grades, v, completed).await?)
            } else {
                if let (Some(e), Some((item, count))) = (&e, completed) {
                    repo_e::add_completed(&txn, e.id, item, count, now).await?;
                }
                None
            };
            txn.commit().await.map_err(Error::internal)?;
            Ok(Some((report, outcome)))
        })
        .await?;
    let Some((report, outcome)) = written else {
        return Ok(false);
    };
    if let Some(o) = outcome {
        gradebook::after_record(app, &report, o).await?;
    }
    Ok(true)
}

/// Grades every attempt left open past its deadline (housekeeping); returns how many.
pub async fn close_expired(app: &App, limit: u64) -> Result<u64> {
    let now = app.now();
    let due = repo::expired_open(
        app.db.reader(),
        now - Duration::seconds(GRACE_SECONDS),
        limit,
    )
    .await?;
    let mut n = 0;
    for at in due {
        let tenant = TenantId(at.tenant_id);
        let Some(item) = structure::item(app.db.reader(), tenant, at.run_id, at.item_id).await?
        else {
            continue;
        };
        let Some(run) = amphi_db::repo::courses::run(app.db.reader(), tenant, at.run_id).await?
        else {
            continue;
        };
        let s = QuizSettings::of(&item);
        if finish(app, at, &s, &item, &run, now).await? {
            n += 1;
        }
    }
    Ok(n)
}

// ---------------------------------------------------------------------------------------------
// Showing an attempt
// ---------------------------------------------------------------------------------------------

/// An option, pair choice or ordering item as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Choice {
    /// Stable id within the question.
    pub id: u32,
    /// Text (HTML, sanitised).
    pub html: String,
}

/// A question as one attempt shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShownQuestion {
    /// Question id (the answer key).
    pub id: Uuid,
    /// 1-based position.
    pub number: usize,
    /// Type name (`single_choice`, …).
    pub kind: String,
    /// Prompt (HTML, sanitised). For fill-in-the-blanks, split around the blanks.
    pub prompt_html: String,
    /// Fill-in-the-blanks: the prompt's pieces between blanks (HTML).
    pub pieces: Vec<String>,
    /// Fill-in-the-blanks drop-downs: per blank, the choices (empty for typed blanks).
    pub blank_choices: Vec<Vec<String>>,
    /// Points.
    pub points: f64,
    /// Options (choice), right-hand choices (matching) or items (ordering), in display order.
    pub choices: Vec<Choice>,
    /// Matching: the left items, in authored order.
    pub lefts: Vec<Choice>,
    /// The saved response.
    #[schema(value_type = Option<Object>)]
    pub response: Option<Response>,
    /// Score, when the rules show it.
    #[schema(value_type = Option<Object>)]
    pub result: Option<Scored>,
    /// Feedback (HTML), when the rules show it.
    pub feedback_html: Vec<String>,
    /// The correct answer in words (HTML), when the rules show it.
    pub correct_html: Option<String>,
}

/// An attempt as its learner sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    /// Id.
    pub id: Uuid,
    /// The quiz item.
    pub item_id: Uuid,
    /// Quiz title.
    pub title: String,
    /// Number.
    pub number: i32,
    /// `open` or `submitted`.
    pub status: String,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Deadline.
    pub deadline_at: Option<DateTime<Utc>>,
    /// Seconds left, for an open timed attempt.
    pub seconds_left: Option<i64>,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Score, when shown.
    pub score: Option<f64>,
    /// Maximum.
    pub max_score: f64,
    /// Essays await a grader.
    pub pending: bool,
    /// Questions.
    pub questions: Vec<ShownQuestion>,
}

/// Question text rendered and sanitised. The same stems and options are shown to every
/// learner who draws them, so short texts are remembered (a bounded map: emptied when full).
fn md(s: &str) -> String {
    static MEMO: std::sync::LazyLock<crate::memo::Memo> =
        std::sync::LazyLock::new(|| crate::memo::Memo::new(10_000));
    if s.len() > 2_048 {
        return super::content::markdown_to_html(s);
    }
    MEMO.get_or(s, || super::content::markdown_to_html(s))
}

fn correct_html(q: &Question) -> Option<String> {
    let text = match &q.kind {
        QuestionKind::SingleChoice(c) => c
            .options
            .iter()
            .filter(|o| o.credit >= 1.0)
            .map(|o| o.text.clone())
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::MultipleChoice(c) => c
            .options
            .iter()
            .filter(|o| o.is_correct())
            .map(|o| o.text.clone())
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::TrueFalse(t) => if t.correct { "true" } else { "false" }.into(),
        QuestionKind::Numeric(n) => n
            .answers
            .iter()
            .filter(|a| a.credit >= 1.0)
            .map(|a| {
                let unit = a.unit.as_deref().unwrap_or("");
                if a.tolerance > 0.0 {
                    format!("{} ± {} {unit}", a.value, a.tolerance)
                } else {
                    format!("{} {unit}", a.value)
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::ShortText(t) => t
            .answers
            .iter()
            .filter(|a| a.credit >= 1.0)
            .map(|a| a.text.clone())
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::Matching(m) => m
            .pairs
            .iter()
            .map(|p| format!("{} → {}", p.left, p.right))
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::Ordering(o) => o
            .items
            .iter()
            .map(|i| i.text.clone())
            .collect::<Vec<_>>()
            .join(" → "),
        QuestionKind::FillBlanks(f) => f
            .blanks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let best = b
                    .answers
                    .iter()
                    .filter(|a| a.credit >= 1.0)
                    .map(|a| a.text.clone())
                    .next()
                    .unwrap_or_default();
                format!("[{}] {best}", i + 1)
            })
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::Essay(_) => return None,
    };
    Some(ammonia::clean_text(&text))
}

fn feedback_for(q: &Question, r: Option<&Response>) -> Vec<String> {
    let mut out = Vec::new();
    match (&q.kind, r) {
        (QuestionKind::SingleChoice(c), Some(Response::SingleChoice { chosen: Some(id) })) => {
            out.extend(
                c.options
                    .iter()
                    .filter(|o| o.id == *id && !o.feedback.is_empty())
                    .map(|o| md(&o.feedback)),
            );
        }
        (QuestionKind::MultipleChoice(c), Some(Response::MultipleChoice { chosen })) => {
            out.extend(
                c.options
                    .iter()
                    .filter(|o| chosen.contains(&o.id) && !o.feedback.is_empty())
                    .map(|o| md(&o.feedback)),
            );
        }
        (QuestionKind::TrueFalse(t), Some(Response::TrueFalse { answer: Some(a) })) => {
            let f = if *a {
                &t.feedback_true
            } else {
                &t.feedback_false
            };
            if !f.is_empty() {
                out.push(md(f));
            }
        }
        (QuestionKind::ShortText(t), Some(Response::ShortText { text })) => {
            if let Some(a) = amphi_core::assessment::scoring::matched_text_answer(&t.answers, text)
            {
                if !a.feedback.is_empty() {
                    out.push(md(&a.feedback));
                }
            }
        }
        _ => {}
    }
    if !q.general_feedback.is_empty() {
        out.push(md(&q.general_feedback));
    }
    out
}

fn shown(q: &AttemptQuestion, n: usize, seed: u64, shuffle: bool) -> ShownQuestion {
    let question = &q.question;
    let order = if shuffle {
        question.display_order(seed_for(seed, question.id))
    } else {
        question.display_order(0)
    };
    let by_id = |id: u32, text: &str| Choice { id, html: md(text) };
    let mut choices = Vec::new();
    let mut lefts = Vec::new();
    let mut pieces = Vec::new();
    let mut blank_choices = Vec::new();
    match &question.kind {
        QuestionKind::SingleChoice(c) => {
            let ids = if shuffle {
                order
            } else {
                c.options.iter().map(|o| o.id).collect()
            };
            for id in ids {
                if let Some(o) = c.options.iter().find(|o| o.id == id) {
                    choices.push(by_id(o.id.0, &o.text));
                }
            }
        }
        QuestionKind::MultipleChoice(c) => {
            let ids = if shuffle {
                order
            } else {
                c.options.iter().map(|o| o.id).collect()
            };
            for id in ids {
                if let Some(o) = c.options.iter().find(|o| o.id == id) {
                    choices.push(by_id(o.id.0, &o.text));
                }
            }
        }
        QuestionKind::Matching(m) => {
            for p in &m.pairs {
                lefts.push(by_id(p.id.0, &p.left));
            }
            for id in order {
                if let Some(p) = m.pairs.iter().find(|p| p.id == id) {
                    choices.push(by_id(id.0, &p.right));
                } else if let Some(d) = m.distractors.iter().find(|d| d.id == id) {
                    choices.push(by_id(id.0, &d.text));
                }
            }
        }
        QuestionKind::Ordering(o) => {
            for id in order {
                if let Some(i) = o.items.iter().find(|i| i.id == id) {
                    choices.push(by_id(id.0, &i.text));
                }
            }
        }
        QuestionKind::FillBlanks(f) => {
            let mut rest = question.prompt.as_str();
            for i in 0..f.blanks.len() {
                let ph = amphi_core::assessment::question::blank_placeholder(i + 1);
                match rest.split_once(&ph) {
                    Some((before, after)) => {
                        pieces.push(ammonia::clean_text(before));
                        rest = after;
                    }
                    None => pieces.push(String::new()),
                }
            }
            pieces.push(ammonia::clean_text(rest));
            for b in &f.blanks {
                blank_choices.push(if b.dropdown {
                    let mut texts: Vec<String> = b.answers.iter().map(|a| a.text.clone()).collect();
                    texts = amphi_core::assessment::shuffled(&texts, seed_for(seed, question.id));
                    texts
                } else {
                    Vec::new()
                });
            }
        }
        _ => {}
    }
    ShownQuestion {
        id: question.id.0,
        number: n,
        kind: question.kind.type_name().into(),
        prompt_html: if pieces.is_empty() {
            md(&question.prompt)
        } else {
            String::new()
        },
        pieces,
        blank_choices,
        points: q.points,
        choices,
        lefts,
        response: None,
        result: None,
        feedback_html: Vec::new(),
        correct_html: None,
    }
}

/// An attempt as its learner sees it: questions with saved answers while open; after
/// submission, the score, feedback and correct answers as the quiz's rules allow.
pub async fn attempt(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    attempt_id: Uuid,
) -> Result<AttemptView> {
    let (l, mut at) = own_attempt(app, user, tenant, run_id, attempt_id).await?;
    let now = app.now();
    if at.status == OPEN && expired(&at, now) {
        finish_loaded(app, at.clone(), &l, now).await?;
        at = repo::by_id(app.db.reader(), tenant, attempt_id)
            .await?
            .ok_or(Error::NotFound)?;
    }
    let qs = parse_questions(&at)?;
    let responses = parse_responses(&at);
    let results = parse_results(&at);
    let submitted = at.status == SUBMITTED;
    let show_feedback = submitted && l.settings.revealed(l.settings.feedback, now);
    let show_answers = submitted && l.settings.revealed(l.settings.answers, now);
    let questions = qs
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut s = shown(q, i + 1, at.seed as u64, l.settings.shuffle_answers);
            let r = responses.get(&q.question.id.0);
            s.response = r.cloned();
            if show_feedback {
                s.result = results.get(&q.question.id.0).copied();
                s.feedback_html = feedback_for(&q.question, r);
            }
            if show_answers {
                s.correct_html = correct_html(&q.question);
            }
            s
        })
        .collect();
    Ok(AttemptView {
        id: at.id,
        item_id: at.item_id,
        title: l.item.title.clone(),
        number: at.number,
        status: at.status.clone(),
        started_at: at.started_at,
        deadline_at: at.deadline_at,
        seconds_left: at
            .deadline_at
            .filter(|_| !submitted)
            .map(|d| (d - now).num_seconds().max(0)),
        submitted_at: at.submitted_at,
        score: at.score.filter(|_| show_feedback),
        max_score: at.max_score,
        pending: at.pending,
        questions,
    })
}

/// Reads answers from a submitted form: fields named `q.<question id>` (single choice, true/
/// false, short text, essay, numeric value), `q.<id>.unit`, `q.<id>.<option id>` check boxes
/// (multiple choice), `q.<id>.left.<pair id>` (matching), `q.<id>.pos.<item id>` (ordering:
/// the position typed or chosen for each item), `q.<id>.blank.<n>` (fill-in-the-blanks).
/// Only questions of the attempt are read; any other field or value that does not parse is
/// refused.
pub fn answers_from_form(
    questions: &[AttemptQuestion],
    form: &[(String, String)],
) -> Result<Answers> {
    let mut out = Answers::new();
    let mut fields = Fields::new();
    let known: HashSet<Uuid> = questions.iter().map(|q| q.question.id.0).collect();
    // Reject any `q.` field naming a question the attempt does not show.
    for (k, _) in form {
        if let Some(rest) = k.strip_prefix("q.") {
            let id = rest.split('.').next().unwrap_or("");
            if !id.parse::<Uuid>().is_ok_and(|id| known.contains(&id)) {
                return Err(Error::field("answers", "question_unknown"));
            }
        }
    }
    let present = |id: Uuid| {
        let p = format!("q.{id}");
        form.iter()
            .any(|(k, _)| k == &p || k.starts_with(&format!("{p}.")))
    };
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let opt_id = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .map(amphi_core::assessment::OptionId)
    };
    for q in questions {
        let id = q.question.id.0;
        if !present(id) {
            continue;
        }
        let base = format!("q.{id}");
        let field = format!("answers.{id}");
        let r = match &q.question.kind {
            QuestionKind::SingleChoice(_) => match get(&base).filter(|v| !v.is_empty()) {
                None => Response::SingleChoice { chosen: None },
                Some(v) => match opt_id(v) {
                    Some(o) => Response::SingleChoice { chosen: Some(o) },
                    None => {
                        fields.push(&field, "answer_invalid");
                        continue;
                    }
                },
            },
            QuestionKind::MultipleChoice(_) => {
                let prefix = format!("{base}.");
                let mut chosen = Vec::new();
                let mut bad = false;
                for (k, v) in form {
                    if let Some(o) = k.strip_prefix(&prefix) {
                        if v == "on" || v == "true" {
                            match opt_id(o) {
                                Some(o) => chosen.push(o),
                                None => bad = true,
                            }
                        }
                    }
                }
                if bad {
                    fields.push(&field, "answer_invalid");
                    continue;
                }
                Response::MultipleChoice { chosen }
            }
            QuestionKind::TrueFalse(_) => Response::TrueFalse {
                answer: match get(&base) {
                    Some("true") => Some(true),
                    Some("false") => Some(false),
                    None | Some("") => None,
                    Some(_) => {
                        fields.push(&field, "answer_invalid");
                        continue;
                    }
                },
            },
            QuestionKind::Numeric(_) => {
                let raw = get(&base).unwrap_or("").trim().replace(',', ".");
                let value = if raw.is_empty() {
                    None
                } else {
                    match raw.parse::<f64>() {
                        Ok(v) if v.is_finite() => Some(v),
                        _ => {
                            fields.push(&field, "number_invalid");
                            continue;
                        }
                    }
                };
                Response::Numeric {
                    value,
                    unit: get(&format!("{base}.unit")).unwrap_or("").to_owned(),
                }
            }
            QuestionKind::ShortText(_) => Response::ShortText {
                text: get(&base).unwrap_or("").to_owned(),
            },
            QuestionKind::Essay(_) => Response::Essay {
                text: get(&base).unwrap_or("").to_owned(),
            },
            QuestionKind::Matching(m) => {
                let mut pairs = Vec::new();
                for p in &m.pairs {
                    if let Some(v) = get(&format!("{base}.left.{}", p.id)).filter(|v| !v.is_empty())
                    {
                        match opt_id(v) {
                            Some(r) => pairs.push(amphi_core::assessment::MatchAnswer {
                                left: p.id,
                                right: r,
                            }),
                            None => fields.push(&field, "answer_invalid"),
                        }
                    }
                }
                Response::Matching { pairs }
            }
            QuestionKind::Ordering(o) => {
                let mut ranked: Vec<(u32, amphi_core::assessment::OptionId)> = Vec::new();
                let mut bad = false;
                for it in &o.items {
                    match get(&format!("{base}.pos.{}", it.id)).map(str::trim) {
                        None | Some("") => {}
                        Some(v) => match v.parse::<u32>() {
                            Ok(p) if p >= 1 && p as usize <= o.items.len() => {
                                ranked.push((p, it.id))
                            }
                            _ => bad = true,
                        },
                    }
                }
                ranked.sort_by_key(|(p, _)| *p);
                if bad || ranked.windows(2).any(|w| w[0].0 == w[1].0) {
                    fields.push(&field, "order_invalid");
                    continue;
                }
                Response::Ordering {
                    order: ranked.into_iter().map(|(_, id)| id).collect(),
                }
            }
            QuestionKind::FillBlanks(f) => Response::FillBlanks {
                blanks: (1..=f.blanks.len())
                    .map(|n| get(&format!("{base}.blank.{n}")).unwrap_or("").to_owned())
                    .collect(),
            },
        };
        out.insert(id, r);
    }
    fields.finish()?;
    Ok(out)
}

/// Essays waiting for a grader, and manual grading of one attempt's essay.
pub mod grading {
    use super::*;

    /// One attempt with essays to grade.
    #[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
    pub struct PendingAttempt {
        /// Attempt id (cursor).
        pub id: Uuid,
        /// Learner.
        pub user_id: Uuid,
        /// Number.
        pub number: i32,
        /// Submitted.
        pub submitted_at: Option<DateTime<Utc>>,
        /// Essays: question id, prompt (HTML), text (plain), points.
        pub essays: Vec<PendingEssay>,
    }

    /// One essay to grade.
    #[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
    pub struct PendingEssay {
        /// Question id.
        pub question_id: Uuid,
        /// Prompt (HTML).
        pub prompt_html: String,
        /// The learner's text.
        pub text: String,
        /// Points available.
        pub points: f64,
    }

    /// Attempts of a quiz whose essays wait for a grader, keyset-paginated.
    pub async fn queue(
        app: &App,
        user: &User,
        tenant: TenantId,
        run_id: Uuid,
        item_id: Uuid,
        after: Option<Uuid>,
    ) -> Result<(Vec<PendingAttempt>, Option<Uuid>)> {
        access(app, Some(&user.actor()), tenant, run_id, Action::Grade).await?;
        let rows = repo::pending(app.db.reader(), tenant, item_id, after, 51).await?;
        let next = (rows.len() > 50).then(|| rows[49].id);
        let mut out = Vec::new();
        for at in rows.into_iter().take(50) {
            if at.run_id != run_id {
                continue;
            }
            let qs = parse_questions(&at)?;
            let responses = parse_responses(&at);
            let results = parse_results(&at);
            let essays = qs
                .iter()
                .filter(|q| matches!(results.get(&q.question.id.0), Some(Scored::NeedsGrading)))
                .map(|q| PendingEssay {
                    question_id: q.question.id.0,
                    prompt_html: md(&q.question.prompt),
                    text: match responses.get(&q.question.id.0) {
                        Some(Response::Essay { text }) => text.clone(),
                        _ => String::new(),
                    },
                    points: q.points,
                })
                .collect();
            out.push(PendingAttempt {
                id: at.id,
                user_id: at.user_id,
                number: at.number,
                submitted_at: at.submitted_at,
                essays,
            });
        }
        Ok((out, next))
    }

    /// Grades the essays of one attempt: question id -> points. Every essay of the attempt
    /// must be graded at once, within its points.
    pub async fn grade(
        app: &App,
        user: &User,
        tenant: TenantId,
        run_id: Uuid,
        attempt_id: Uuid,
        points: &BTreeMap<Uuid, f64>,
    ) -> Result<()> {
        access(app, Some(&user.actor()), tenant, run_id, Action::Grade).await?;
        let at = repo::by_id(app.db.reader(), tenant, attempt_id)
            .await?
            .filter(|a| a.run_id == run_id)
            .ok_or(Error::NotFound)?;
        if at.status != SUBMITTED || !at.pending {
            return Err(Error::Conflict("attempt_not_pending"));
        }
        let qs = parse_questions(&at)?;
        let mut results = parse_results(&at);
        let mut fields = Fields::new();
        for (id, p) in points {
            let field = format!("points.{id}");
            match qs.iter().find(|q| q.question.id.0 == *id) {
                Some(q) if matches!(results.get(id), Some(Scored::NeedsGrading)) => {
                    if !p.is_finite() || *p < 0.0 || *p > q.points {
                        fields.push(&field, "out_of_range");
                    }
                }
                _ => fields.push(&field, "question_unknown"),
            }
        }
        for (id, r) in &results {
            if matches!(r, Scored::NeedsGrading) && !points.contains_key(id) {
                fields.push(&format!("points.{id}"), "required");
            }
        }
        fields.finish()?;
        for (id, p) in points {
            let max = qs
                .iter()
                .find(|q| q.question.id.0 == *id)
                .map(|q| q.points)
                .unwrap_or(1.0);
            results.insert(
                *id,
                Scored::Graded {
                    fraction: p / max,
                    points: *p,
                },
            );
        }
        let total: f64 = results
            .values()
            .map(|r| match r {
                Scored::Graded { points, .. } => *points,
                Scored::NeedsGrading => 0.0,
            })
            .sum();
        let total = (total * 100.0).round() / 100.0;
        let updated = repo::regrade(
            app.db.writer(),
            at.id,
            &serde_json::to_string(&results).map_err(Error::internal)?,
            total,
        )
        .await?;
        if !updated {
            return Err(Error::Conflict("attempt_not_pending"));
        }
        let item = structure::item(app.db.reader(), tenant, run_id, at.item_id)
            .await?
            .ok_or(Error::NotFound)?;
        let s = QuizSettings::of(&item);
        let all = repo::of_learner(app.db.reader(), tenant, at.item_id, at.user_id).await?;
        gradebook::record(
            app,
            gradebook::GradeReport {
                tenant_id: tenant.0,
                run_id,
                item_id: at.item_id,
                user_id: at.user_id,
                points: kept(s.keep, &all),
                max_points: at.max_score,
            },
        )
        .await?;
        Ok(())
    }
}
