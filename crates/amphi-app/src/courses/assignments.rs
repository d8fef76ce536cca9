//! Assignments as course items: their settings (deadlines, late policy, points or rubric), the
//! learner's submission (a draft kept as they write, handed in and handed in again until the
//! deadline, late days counted), the course team's grading queue (keyset pages, filters) and
//! grading with a rubric and written feedback. The submission code here also serves peer
//! assessment (see [`super::peer`]), which differs in its window and its grading.

use super::{access, content, RunAccess};
use crate::users::User;
use crate::App;
use amphi_core::course::CourseRole;
use amphi_core::error::Fields;
use amphi_core::peer::{score_review, Criterion, Level, Rubric};
use amphi_core::policy::{can, Action};
use amphi_core::{Error, Result, TenantId};
use amphi_db::entities::{course_item, submission};
use amphi_db::repo::{assess, structure, Page};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Item kind of an assignment.
pub const ASSIGNMENT: &str = "assignment";
/// Item kind of a peer assessment.
pub const PEER: &str = "peer";
/// Longest text a learner may hand in (characters).
pub const MAX_TEXT: usize = 100_000;

/// What happens to work handed in after the due date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LatePolicy {
    /// Nothing is accepted after the due date.
    Refuse,
    /// Accepted (until the hard deadline, if any) with a penalty per day late.
    #[default]
    Penalty,
}

/// The settings of an assignment item (`course_items.settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AssignmentSettings {
    /// Due date; later work is late.
    pub due_at: Option<DateTime<Utc>>,
    /// Nothing is accepted after this, whatever the late policy.
    pub hard_deadline: Option<DateTime<Utc>>,
    /// `refuse` or `penalty`.
    #[schema(value_type = String)]
    pub late_policy: LatePolicy,
    /// Percentage of the grade lost per day late (started days), 0–100.
    pub late_penalty_percent: f64,
    /// Points of a perfect grade without a rubric.
    pub max_points: f64,
    /// Rubric; its best levels make the maximum.
    #[schema(value_type = Object)]
    pub rubric: Option<Rubric>,
    /// Learners may attach files.
    pub accept_files: bool,
    /// Most files per submission (1–20).
    pub max_files: u32,
    /// Largest file in MiB (1–2048; the platform's upload limit applies too).
    pub max_file_mb: u32,
}

impl Default for AssignmentSettings {
    fn default() -> Self {
        Self {
            due_at: None,
            hard_deadline: None,
            late_policy: LatePolicy::Penalty,
            late_penalty_percent: 10.0,
            max_points: 100.0,
            rubric: None,
            accept_files: false,
            max_files: 3,
            max_file_mb: 10,
        }
    }
}

impl AssignmentSettings {
    /// Reads an item's settings (defaults for what is missing).
    pub fn of(item: &course_item::Model) -> Self {
        serde_json::from_str(&item.settings).unwrap_or_default()
    }

    /// The highest grade.
    pub fn max(&self) -> f64 {
        self.rubric
            .as_ref()
            .map_or(self.max_points, Rubric::max_points)
    }

    /// Why nothing can be handed in at `now`, if so.
    pub fn closed(&self, now: DateTime<Utc>) -> Option<&'static str> {
        if self.hard_deadline.is_some_and(|d| now > d) {
            return Some("deadline_passed");
        }
        if self.late_policy == LatePolicy::Refuse && self.due_at.is_some_and(|d| now > d) {
            return Some("deadline_passed");
        }
        None
    }

    /// Started days late at `now` (0 when on time).
    pub fn late_days(&self, now: DateTime<Utc>) -> i32 {
        match self.due_at {
            Some(d) if now > d => {
                let secs = (now - d).num_seconds();
                ((secs + 86_399) / 86_400).clamp(1, 10_000) as i32
            }
            _ => 0,
        }
    }

    /// Points lost for being `late_days` late on a grade of `raw`.
    pub fn penalty(&self, raw: f64, late_days: i32) -> f64 {
        let rate = self.late_penalty_percent.clamp(0.0, 100.0) / 100.0;
        (raw * rate * f64::from(late_days.max(0))).min(raw).max(0.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Rubrics as text

/// A rubric as typed in a form: one criterion per line, `Title: level = points; level = points`.
pub fn rubric_from_text(field: &str, raw: &str) -> Result<Option<Rubric>> {
    let mut criteria = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((title, levels)) = line.split_once(':') else {
            return Err(Error::field(field, "rubric_format"));
        };
        let mut out = Vec::new();
        for part in levels.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((label, points)) = part.rsplit_once('=') else {
                return Err(Error::field(field, "rubric_format"));
            };
            let points: f64 = points
                .trim()
                .replace(',', ".")
                .parse()
                .map_err(|_| Error::field(field, "rubric_format"))?;
            let label = label.trim();
            if label.is_empty() || label.chars().count() > 300 {
                return Err(Error::field(field, "rubric_format"));
            }
            out.push(Level {
                label: label.to_owned(),
                points,
            });
        }
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 300 {
            return Err(Error::field(field, "rubric_format"));
        }
        criteria.push(Criterion {
            title: title.to_owned(),
            levels: out,
        });
    }
    if criteria.is_empty() {
        return Ok(None);
    }
    if criteria.len() > 50 {
        return Err(Error::field(field, "too_long"));
    }
    let r = Rubric { criteria };
    r.validate().map_err(|e| match e {
        Error::Validation(v) => Error::field(
            field,
            v.first().map_or("rubric_format", |f| f.code.as_str()),
        ),
        e => e,
    })?;
    Ok(Some(r))
}

/// The text form of a rubric (what [`rubric_from_text`] reads).
pub fn rubric_to_text(r: Option<&Rubric>) -> String {
    let Some(r) = r else {
        return String::new();
    };
    r.criteria
        .iter()
        .map(|c| {
            let levels: Vec<String> = c
                .levels
                .iter()
                .map(|l| format!("{} = {}", l.label, l.points))
                .collect();
            format!("{}: {}", c.title, levels.join("; "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A number typed in a form.
pub(crate) fn parse_number(field: &str, raw: &str, lo: f64, hi: f64) -> Result<f64> {
    let x: f64 = raw
        .trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| Error::field(field, "number_invalid"))?;
    if !x.is_finite() || x < lo || x > hi {
        return Err(Error::field(field, "out_of_range"));
    }
    Ok(x)
}

// ---------------------------------------------------------------------------------------------
// Access

/// An assessment item opened by someone, with the run access.
pub(crate) struct Opened {
    pub(crate) access: RunAccess,
    pub(crate) item: course_item::Model,
}

/// The item of a run, of the given kind, for someone who may see the run.
pub(crate) async fn item_of_kind(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kind: &str,
) -> Result<Opened> {
    item_of_kinds(app, user, tenant, run, item, &[kind]).await
}

/// The item of a run, of one of the given kinds, for someone who may see the run.
pub(crate) async fn item_of_kinds(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kinds: &[&str],
) -> Result<Opened> {
    let a = access(app, Some(&user.actor()), tenant, run, Action::View).await?;
    let it = structure::item(app.db.reader(), tenant, run, item)
        .await?
        .filter(|i| kinds.contains(&i.kind.as_str()))
        .ok_or(Error::NotFound)?;
    Ok(Opened {
        access: a,
        item: it,
    })
}

/// An assessment item in short, for pages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemSummary {
    /// Id.
    pub id: Uuid,
    /// `assignment` or `peer`.
    pub kind: String,
    /// Title.
    pub title: String,
}

/// The kind of an assessment item of a run the person may see (`assignment` or `peer`).
pub async fn kind_of(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
) -> Result<String> {
    Ok(item_summary(app, user, tenant, run, item).await?.kind)
}

/// An assessment item of a run the person may see.
pub async fn item_summary(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
) -> Result<ItemSummary> {
    let o = item_of_kinds(app, user, tenant, run, item, &[ASSIGNMENT, PEER]).await?;
    Ok(ItemSummary {
        id: o.item.id,
        kind: o.item.kind,
        title: o.item.title,
    })
}

/// Whether the person grades in this run: its editors and teaching assistants.
pub(crate) fn is_grader(user: &User, tenant: TenantId, a: &RunAccess) -> bool {
    can(&user.actor(), Action::Update, a.resource(tenant))
        || a.role() == Some(CourseRole::TeachingAssistant)
}

/// The item for a grader, or 403.
pub(crate) async fn for_grader(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kind: &str,
) -> Result<Opened> {
    let o = item_of_kind(app, user, tenant, run, item, kind).await?;
    if !is_grader(user, tenant, &o.access) {
        return Err(Error::Forbidden);
    }
    Ok(o)
}

/// The item for an enrolled learner who may open it now (release rules), or 403.
pub(crate) async fn for_learner(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kind: &str,
) -> Result<Opened> {
    let o = item_of_kind(app, user, tenant, run, item, kind).await?;
    let page = super::learn::open_item(app, user, tenant, run, item).await?;
    if !page.can_complete {
        return Err(Error::Forbidden);
    }
    Ok(o)
}

// ---------------------------------------------------------------------------------------------
// Settings

/// Assignment settings as typed in the form or sent to the API (dates in the person's time
/// zone or RFC 3339; "" clears a date).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentSettingsForm {
    /// Due date.
    pub due_at: Option<String>,
    /// Hard deadline.
    pub hard_deadline: Option<String>,
    /// `refuse` or `penalty`.
    pub late_policy: Option<String>,
    /// Percentage lost per day late (0–100).
    pub late_penalty_percent: Option<String>,
    /// Points without a rubric (0–10000).
    pub max_points: Option<String>,
    /// Rubric, one criterion per line: `Title: level = points; level = points` ("" for none).
    pub rubric: Option<String>,
    /// `true` or `false`: learners may attach files.
    pub accept_files: Option<String>,
    /// Most files per submission (1–20).
    pub max_files: Option<String>,
    /// Largest file in MiB (1–2048).
    pub max_file_mb: Option<String>,
}

/// Changes an assignment's settings (the run's editors).
pub async fn update_settings(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    f: AssignmentSettingsForm,
) -> Result<AssignmentSettings> {
    let o = editable_item(app, user, tenant, run, item, ASSIGNMENT).await?;
    let mut s = AssignmentSettings::of(&o.item);
    let tz = user.time_zone.clone();
    let mut fields = Fields::new();
    if let Some(v) = &f.due_at {
        if let Some(d) = fields.check(super::authoring::parse_when("due_at", Some(v), &tz)) {
            s.due_at = d;
        }
    }
    if let Some(v) = &f.hard_deadline {
        if let Some(d) = fields.check(super::authoring::parse_when("hard_deadline", Some(v), &tz)) {
            s.hard_deadline = d;
        }
    }
    if let Some(v) = &f.late_policy {
        match v.trim() {
            "refuse" => s.late_policy = LatePolicy::Refuse,
            "penalty" => s.late_policy = LatePolicy::Penalty,
            _ => fields.push("late_policy", "choice_invalid"),
        }
    }
    if let Some(v) = &f.late_penalty_percent {
        if let Some(x) = fields.check(parse_number("late_penalty_percent", v, 0.0, 100.0)) {
            s.late_penalty_percent = x;
        }
    }
    if let Some(v) = &f.max_points {
        if let Some(x) = fields.check(parse_number("max_points", v, 0.0, 10_000.0)) {
            s.max_points = x;
        }
    }
    if let Some(v) = &f.rubric {
        if let Some(r) = fields.check(rubric_from_text("rubric", v)) {
            s.rubric = r;
        }
    }
    if let Some(v) = &f.accept_files {
        match v.trim() {
            "true" | "on" | "1" => s.accept_files = true,
            "false" | "off" | "0" | "" => s.accept_files = false,
            _ => fields.push("accept_files", "choice_invalid"),
        }
    }
    if let Some(v) = &f.max_files {
        if let Some(x) = fields.check(parse_number("max_files", v, 1.0, 20.0)) {
            s.max_files = x as u32;
        }
    }
    if let Some(v) = &f.max_file_mb {
        if let Some(x) = fields.check(parse_number("max_file_mb", v, 1.0, 2048.0)) {
            s.max_file_mb = x as u32;
        }
    }
    if let (Some(d), Some(h)) = (s.due_at, s.hard_deadline) {
        if h < d {
            fields.push("hard_deadline", "deadline_before_due");
        }
    }
    fields.finish()?;
    save_settings(app, tenant, run, o.item, &s).await?;
    Ok(s)
}

/// The item for one of the run's editors, run not archived.
pub(crate) async fn editable_item(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kind: &str,
) -> Result<Opened> {
    let o = item_of_kind(app, user, tenant, run, item, kind).await?;
    if !can(&user.actor(), Action::Update, o.access.resource(tenant)) {
        return Err(Error::Forbidden);
    }
    super::writable(&o.access.run, app.now())?;
    Ok(o)
}

/// Stores an item's settings (merged over what it has) and bumps the run's structure stamp.
pub(crate) async fn save_settings<T: Serialize>(
    app: &App,
    tenant: TenantId,
    run: Uuid,
    item: course_item::Model,
    s: &T,
) -> Result<()> {
    let mut current: serde_json::Value =
        serde_json::from_str(&item.settings).unwrap_or_else(|_| serde_json::json!({}));
    if !current.is_object() {
        current = serde_json::json!({});
    }
    if let (Some(cur), serde_json::Value::Object(new)) = (
        current.as_object_mut(),
        serde_json::to_value(s).map_err(Error::internal)?,
    ) {
        for (k, v) in new {
            cur.insert(k, v);
        }
    }
    let now = app.now();
    let mut am = sea_orm::IntoActiveModel::into_active_model(item);
    am.settings = sea_orm::ActiveValue::Set(current.to_string());
    am.updated_at = sea_orm::ActiveValue::Set(now);
    let txn = app.db.begin().await?;
    structure::update_item(&txn, am).await?;
    super::authoring::structure_changed(&txn, app, tenant, run).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Submissions

/// A submission as its author (and the course team) sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubmissionView {
    /// Id.
    pub id: Uuid,
    /// `draft` (never handed in) or `submitted`.
    pub status: String,
    /// The text handed in.
    pub body: String,
    /// The text handed in, rendered and sanitised.
    pub body_html: String,
    /// Unsent changes kept as a draft, if any.
    pub draft: Option<String>,
    /// Times handed in.
    pub version: i32,
    /// Last handed in.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Days late when last handed in.
    pub late_days: i32,
    /// Whether a grade is out.
    pub graded: bool,
    /// The grade, after penalties.
    pub points: Option<f64>,
    /// Before penalties (a rubric's score, the peers' aggregate).
    pub raw_points: Option<f64>,
    /// Points lost (lateness, missing reviews).
    pub penalty: f64,
    /// The highest grade.
    pub max_points: f64,
    /// Written feedback, rendered and sanitised.
    pub feedback_html: Option<String>,
    /// Feedback as written.
    pub feedback: Option<String>,
    /// Chosen rubric level per criterion (instructor grading).
    pub rubric_choices: Option<Vec<Option<usize>>>,
    /// `instructor`, `peer` or `override`.
    pub grade_source: Option<String>,
    /// Waiting for the course team (peer assessment without enough reviews).
    pub needs_staff: bool,
}

impl SubmissionView {
    /// The view of a stored submission; `show_grade` hides a grade not yet released.
    pub fn of(m: &submission::Model, show_grade: bool) -> Self {
        let graded = show_grade && m.graded_at.is_some() && m.points.is_some();
        SubmissionView {
            id: m.id,
            status: m.status.clone(),
            body_html: content::markdown_to_html(&m.body),
            body: m.body.clone(),
            draft: m.draft.clone(),
            version: m.version,
            submitted_at: m.submitted_at,
            late_days: m.late_days,
            graded,
            points: m.points.filter(|_| graded),
            raw_points: m.raw_points.filter(|_| graded),
            penalty: if graded { m.penalty } else { 0.0 },
            max_points: m.max_points,
            feedback_html: m
                .feedback
                .as_deref()
                .filter(|_| graded)
                .map(content::markdown_to_html),
            feedback: m.feedback.clone().filter(|_| graded),
            rubric_choices: m
                .rubric_choices
                .as_deref()
                .filter(|_| graded)
                .and_then(|c| serde_json::from_str(c).ok()),
            grade_source: m.grade_source.clone().filter(|_| graded),
            needs_staff: m.needs_staff,
        }
    }
}

/// Text handed in or saved, from a form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitForm {
    /// The text (Markdown).
    pub text: Option<String>,
    /// true: only keep it as a draft; false or absent: hand it in.
    pub draft: Option<bool>,
}

fn parse_text(raw: &str) -> Result<String> {
    if raw.chars().count() > MAX_TEXT {
        return Err(Error::field("text", "too_long"));
    }
    if content::has_unsafe_html(raw) {
        return Err(Error::field("text", "unsafe_html"));
    }
    Ok(raw.to_owned())
}

/// What a hand-in records besides the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HandIn {
    /// The highest grade, kept with the work.
    pub(crate) max_points: f64,
    /// Days late now.
    pub(crate) late_days: i32,
    /// Files are attached (then the text may be empty).
    pub(crate) has_files: bool,
}

/// Saves a draft or hands in work, after `closed` (why it may not be handed in now) was
/// checked by the caller. One row per learner and item; a second hand-in raises the version.
pub(crate) async fn save_work(
    app: &App,
    user: &User,
    tenant: TenantId,
    o: &Opened,
    f: &SubmitForm,
    h: HandIn,
) -> Result<submission::Model> {
    let HandIn {
        max_points,
        late_days,
        has_files,
    } = h;
    let text = parse_text(f.text.as_deref().unwrap_or(""))?;
    let draft_only = f.draft.unwrap_or(false);
    if !draft_only && text.trim().is_empty() && !has_files {
        return Err(Error::field("text", "required"));
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    let existing = assess::submission_of(&txn, tenant, o.item.id, user.id.0).await?;
    if existing.as_ref().is_some_and(|s| s.graded_at.is_some()) && !draft_only {
        return Err(Error::Conflict("already_graded"));
    }
    let saved = match existing {
        Some(mut s) => {
            if draft_only {
                s.draft = Some(text);
            } else {
                s.body = text;
                s.draft = None;
                s.status = assess::SUBMITTED.into();
                s.version += 1;
                s.submitted_at = Some(now);
                s.late_days = late_days;
                s.max_points = max_points;
            }
            s.updated_at = now;
            assess::save_submission(&txn, s).await?
        }
        None => {
            assess::insert_submission(
                &txn,
                submission::Model {
                    id: Uuid::now_v7(),
                    tenant_id: tenant.0,
                    run_id: o.access.run.id,
                    item_id: o.item.id,
                    user_id: user.id.0,
                    body: if draft_only {
                        String::new()
                    } else {
                        text.clone()
                    },
                    draft: draft_only.then_some(text),
                    status: if draft_only {
                        assess::DRAFT
                    } else {
                        assess::SUBMITTED
                    }
                    .into(),
                    version: i32::from(!draft_only),
                    submitted_at: (!draft_only).then_some(now),
                    late_days: if draft_only { 0 } else { late_days },
                    extra_reviews: 0,
                    needs_staff: false,
                    rubric_choices: None,
                    raw_points: None,
                    penalty: 0.0,
                    points: None,
                    max_points,
                    feedback: None,
                    grade_source: None,
                    graded_by: None,
                    graded_at: None,
                    override_points: None,
                    created_at: now,
                    updated_at: now,
                },
            )
            .await?
        }
    };
    txn.commit().await.map_err(Error::internal)?;
    Ok(saved)
}

/// What a learner sees on an assignment item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssignmentView {
    /// The settings.
    pub settings: AssignmentSettings,
    /// The highest grade.
    pub max_points: f64,
    /// The learner's submission, if any.
    pub submission: Option<SubmissionView>,
    /// Why work cannot be handed in now (`deadline_passed`, `already_graded`), if so.
    pub closed: Option<String>,
    /// Days late if handed in now.
    pub late_days_now: i32,
    /// Files attached to the submission.
    pub files: Vec<SubmissionFile>,
}

/// The learner's view of an assignment.
pub async fn view(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
) -> Result<AssignmentView> {
    let o = item_of_kind(app, user, tenant, run, item, ASSIGNMENT).await?;
    let s = AssignmentSettings::of(&o.item);
    let now = app.now();
    let mine = assess::submission_of(app.db.reader(), tenant, item, user.id.0).await?;
    let closed = if mine.as_ref().is_some_and(|m| m.graded_at.is_some()) {
        Some("already_graded".to_owned())
    } else {
        s.closed(now).map(str::to_owned)
    };
    let files = match &mine {
        Some(m) => files_view(app, tenant, run, item, m.id).await?,
        None => Vec::new(),
    };
    Ok(AssignmentView {
        files,
        max_points: s.max(),
        late_days_now: s.late_days(now),
        submission: mine.as_ref().map(|m| SubmissionView::of(m, true)),
        closed,
        settings: s,
    })
}

/// Saves a draft of, or hands in, an assignment (enrolled learners, before the deadline).
/// After the deadline nothing is stored, not even a draft.
pub async fn submit(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    f: SubmitForm,
) -> Result<SubmissionView> {
    let o = for_learner(app, user, tenant, run, item, ASSIGNMENT).await?;
    let s = AssignmentSettings::of(&o.item);
    let now = app.now();
    if let Some(why) = s.closed(now) {
        return Err(Error::Conflict(why));
    }
    let has_files = match assess::submission_of(app.db.reader(), tenant, item, user.id.0).await? {
        Some(m) => !assess::files_of(app.db.reader(), tenant, m.id)
            .await?
            .is_empty(),
        None => false,
    };
    let h = HandIn {
        max_points: s.max(),
        late_days: s.late_days(now),
        has_files,
    };
    let m = save_work(app, user, tenant, &o, &f, h).await?;
    Ok(SubmissionView::of(&m, true))
}

// ---------------------------------------------------------------------------------------------
// Grading

/// A line of the grading queue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueEntry {
    /// The submission.
    pub id: Uuid,
    /// Its author.
    pub user_id: Uuid,
    /// Author's name.
    pub name: String,
    /// Author's email.
    pub email: String,
    /// Last handed in.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Days late.
    pub late_days: i32,
    /// Times handed in.
    pub version: i32,
    /// Grade, if graded.
    pub points: Option<f64>,
    /// The highest grade.
    pub max_points: f64,
    /// Waiting for the course team (peer assessment).
    pub needs_staff: bool,
}

/// Which page of the grading queue.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    /// `ungraded` (default), `graded`, `late`, `staff` or `all`.
    pub filter: Option<String>,
    /// Keyset cursor: the last id of the previous page.
    pub after: Option<Uuid>,
    /// Page size (clamped to 1..=500).
    pub limit: u64,
}

/// Parses the queue filter (`ungraded`, `graded`, `late`, `staff`, `all`).
pub fn parse_filter(raw: Option<&str>) -> Result<assess::QueueFilter> {
    use assess::QueueFilter as Q;
    Ok(match raw.map(str::trim).unwrap_or("") {
        "" | "ungraded" => Q::Ungraded,
        "graded" => Q::Graded,
        "late" => Q::Late,
        "staff" => Q::Staff,
        "all" => Q::All,
        _ => return Err(Error::field("filter", "choice_invalid")),
    })
}

/// A page of the grading queue of an assignment or peer assessment (graders), in hand-in
/// order, by keyset: one indexed query for the page, one for the authors' names.
pub async fn queue(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    q: &QueueQuery,
) -> Result<Page<QueueEntry>> {
    let (filter, after, limit) = (q.filter.as_deref(), q.after, q.limit);
    let o = item_of_kinds(app, user, tenant, run, item, &[ASSIGNMENT, PEER]).await?;
    if !is_grader(user, tenant, &o.access) {
        return Err(Error::Forbidden);
    }
    let f = parse_filter(filter)?;
    let page = assess::queue(app.db.reader(), tenant, item, f, after, limit.clamp(1, 500)).await?;
    let ids: Vec<Uuid> = page.items.iter().map(|s| s.user_id).collect();
    let people = assess::people(app.db.reader(), tenant, &ids).await?;
    let items = page
        .items
        .iter()
        .map(|s| {
            let u = people.iter().find(|u| u.id == s.user_id);
            QueueEntry {
                id: s.id,
                user_id: s.user_id,
                name: u.map(|u| u.name.clone()).unwrap_or_default(),
                email: u.map(|u| u.email.clone()).unwrap_or_default(),
                submitted_at: s.submitted_at,
                late_days: s.late_days,
                version: s.version,
                points: s.points,
                max_points: s.max_points,
                needs_staff: s.needs_staff,
            }
        })
        .collect();
    Ok(Page {
        items,
        next: page.next,
    })
}

/// One submission for its graders: the work and the author.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GradingView {
    /// The submission (grade included).
    pub submission: SubmissionView,
    /// Author's name.
    pub name: String,
    /// The item's kind.
    pub kind: String,
    /// The rubric to grade with, if any.
    #[schema(value_type = Object)]
    pub rubric: Option<Rubric>,
    /// Files attached.
    pub files: Vec<SubmissionFile>,
}

/// Loads a submission for grading.
pub async fn grading_view(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    sub: Uuid,
) -> Result<GradingView> {
    let o = item_of_kinds(app, user, tenant, run, item, &[ASSIGNMENT, PEER]).await?;
    if !is_grader(user, tenant, &o.access) {
        return Err(Error::Forbidden);
    }
    let it = o.item;
    let s = assess::submission(app.db.reader(), tenant, item, sub)
        .await?
        .ok_or(Error::NotFound)?;
    let people = assess::people(app.db.reader(), tenant, &[s.user_id]).await?;
    let rubric = if it.kind == ASSIGNMENT {
        AssignmentSettings::of(&it).rubric
    } else {
        Some(super::peer::PeerSettings::of(&it).rubric)
    };
    Ok(GradingView {
        files: files_view(app, tenant, run, item, s.id).await?,
        submission: SubmissionView::of(&s, true),
        name: people.first().map(|u| u.name.clone()).unwrap_or_default(),
        kind: it.kind,
        rubric,
    })
}

/// A grade as given by a grader.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeForm {
    /// With a rubric: the chosen level index for each criterion, in order.
    pub choices: Option<Vec<Option<usize>>>,
    /// Without a rubric: the points (0 to the maximum).
    pub points: Option<f64>,
    /// Written feedback (Markdown).
    pub feedback: Option<String>,
}

/// Grades (or regrades) a handed-in assignment: the rubric's score or the points given, minus
/// the late penalty; the grade goes to the gradebook.
pub async fn grade(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    sub: Uuid,
    f: GradeForm,
) -> Result<SubmissionView> {
    let o = for_grader(app, user, tenant, run, item, ASSIGNMENT).await?;
    let s = AssignmentSettings::of(&o.item);
    let mut m = assess::submission(app.db.reader(), tenant, item, sub)
        .await?
        .ok_or(Error::NotFound)?;
    if m.status != assess::SUBMITTED {
        return Err(Error::Conflict("not_submitted"));
    }
    let feedback = f.feedback.as_deref().unwrap_or("").trim().to_owned();
    if feedback.chars().count() > 20_000 {
        return Err(Error::field("feedback", "too_long"));
    }
    if content::has_unsafe_html(&feedback) {
        return Err(Error::field("feedback", "unsafe_html"));
    }
    let raw = match &s.rubric {
        Some(r) => {
            let choices = f.choices.clone().unwrap_or_default();
            let score = score_review(r, &choices)?;
            m.rubric_choices = Some(serde_json::to_string(&choices).map_err(Error::internal)?);
            score
        }
        None => {
            let p = f.points.ok_or_else(|| Error::field("points", "required"))?;
            if !p.is_finite() || p < 0.0 || p > s.max() {
                return Err(Error::field("points", "out_of_range"));
            }
            m.rubric_choices = None;
            p
        }
    };
    let now = app.now();
    m.penalty = s.penalty(raw, m.late_days);
    m.raw_points = Some(raw);
    m.points = Some(raw - m.penalty);
    m.max_points = s.max();
    m.feedback = (!feedback.is_empty()).then_some(feedback);
    m.grade_source = Some("instructor".into());
    m.graded_by = Some(user.id.0);
    m.graded_at = Some(now);
    m.updated_at = now;
    let txn = app.db.begin().await?;
    let m = assess::save_submission(&txn, m).await?;
    txn.commit().await.map_err(Error::internal)?;
    report_grade(app, tenant, &m).await?;
    Ok(SubmissionView::of(&m, true))
}

/// The one place submission grades (assignments and peer assessments) go to the gradebook.
pub(crate) async fn report_grade(app: &App, tenant: TenantId, m: &submission::Model) -> Result<()> {
    if m.max_points <= 0.0 {
        // Nothing to weigh: an item worth no points has no place in the gradebook.
        return Ok(());
    }
    super::gradebook::record(
        app,
        super::gradebook::GradeReport {
            tenant_id: tenant.0,
            run_id: m.run_id,
            item_id: m.item_id,
            user_id: m.user_id,
            points: m.points,
            max_points: m.max_points,
        },
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Files

/// A file attached to a submission.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubmissionFile {
    /// Id.
    pub id: Uuid,
    /// File name (as uploaded, cleaned).
    pub filename: String,
    /// Content type (from the file's own bytes).
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Where its author, its graders and its reviewers get it.
    pub url: String,
}

async fn files_view(
    app: &App,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    sub: Uuid,
) -> Result<Vec<SubmissionFile>> {
    Ok(assess::files_of(app.db.reader(), tenant, sub)
        .await?
        .into_iter()
        .map(|f| SubmissionFile {
            url: format!("/learn/{run}/items/{item}/files/{}", f.id),
            id: f.id,
            filename: f.filename,
            content_type: f.content_type,
            size: f.size,
        })
        .collect())
}

/// Attaches a file to the learner's assignment submission (a draft is started if there is
/// none): sniffed and streamed to storage like course files, at most `max_files` files of
/// `max_file_mb` each, before the deadline. Nothing is kept when it is refused.
pub async fn upload_file<S>(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    (filename, content_type): (&str, Option<&str>),
    body: S,
) -> Result<SubmissionFile>
where
    S: futures::Stream<Item = Result<bytes::Bytes>> + Unpin + Send,
{
    let o = for_learner(app, user, tenant, run, item, ASSIGNMENT).await?;
    let s = AssignmentSettings::of(&o.item);
    if !s.accept_files {
        return Err(Error::Conflict("files_not_accepted"));
    }
    let now = app.now();
    if let Some(why) = s.closed(now) {
        return Err(Error::Conflict(why));
    }
    let existing = assess::submission_of(app.db.reader(), tenant, item, user.id.0).await?;
    if existing.as_ref().is_some_and(|m| m.graded_at.is_some()) {
        return Err(Error::Conflict("already_graded"));
    }
    let count = match &existing {
        Some(m) => assess::files_of(app.db.reader(), tenant, m.id).await?.len(),
        None => 0,
    };
    if count >= s.max_files as usize {
        return Err(Error::field("file", "too_many_files"));
    }
    let name = crate::files::clean_filename(filename);
    if name.is_empty() {
        return Err(Error::field("file", "required"));
    }
    let max = (u64::from(s.max_file_mb) * 1024 * 1024).min(app.storage.max_upload_bytes());
    let (row, path) = crate::files::store_stream(
        app,
        tenant,
        run,
        user.id.0,
        crate::files::Purpose::Submission,
        name,
        content_type,
        max,
        body,
    )
    .await?;
    let saved: Result<()> = async {
        let txn = app.db.begin().await?;
        sea_orm::ActiveModelTrait::insert(
            amphi_db::entities::stored_file::ActiveModel::from(row.clone()),
            &txn,
        )
        .await
        .map_err(amphi_db::db_err)?;
        let sub = match assess::submission_of(&txn, tenant, item, user.id.0).await? {
            Some(m) => m,
            None => {
                assess::insert_submission(
                    &txn,
                    submission::Model {
                        id: Uuid::now_v7(),
                        tenant_id: tenant.0,
                        run_id: run,
                        item_id: item,
                        user_id: user.id.0,
                        body: String::new(),
                        draft: None,
                        status: assess::DRAFT.into(),
                        version: 0,
                        submitted_at: None,
                        late_days: 0,
                        extra_reviews: 0,
                        needs_staff: false,
                        rubric_choices: None,
                        raw_points: None,
                        penalty: 0.0,
                        points: None,
                        max_points: s.max(),
                        feedback: None,
                        grade_source: None,
                        graded_by: None,
                        graded_at: None,
                        override_points: None,
                        created_at: now,
                        updated_at: now,
                    },
                )
                .await?
            }
        };
        assess::add_file(
            &txn,
            amphi_db::entities::submission_file::Model {
                submission_id: sub.id,
                file_id: row.id,
                tenant_id: tenant.0,
                position: count as i32 + 1,
            },
        )
        .await?;
        txn.commit().await.map_err(Error::internal)?;
        Ok(())
    }
    .await;
    if let Err(e) = saved {
        if let Ok(store) = app.storage.store() {
            if let Err(de) = object_store::ObjectStoreExt::delete(&store, &path).await {
                tracing::warn!(error = %de, "storage: could not remove an unrecorded upload");
            }
        }
        return Err(e);
    }
    Ok(SubmissionFile {
        url: format!("/learn/{run}/items/{item}/files/{}", row.id),
        id: row.id,
        filename: row.filename,
        content_type: row.content_type,
        size: row.size,
    })
}

/// Removes a file from the learner's own submission (before the deadline, not once graded).
pub async fn remove_file(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    file: Uuid,
) -> Result<()> {
    let o = for_learner(app, user, tenant, run, item, ASSIGNMENT).await?;
    let s = AssignmentSettings::of(&o.item);
    if let Some(why) = s.closed(app.now()) {
        return Err(Error::Conflict(why));
    }
    let m = assess::submission_of_file(app.db.reader(), tenant, item, file)
        .await?
        .filter(|m| m.user_id == user.id.0)
        .ok_or(Error::NotFound)?;
    if m.graded_at.is_some() {
        return Err(Error::Conflict("already_graded"));
    }
    crate::files::delete_files(app, tenant, run, &[file]).await;
    Ok(())
}

/// A submission's file for its author, the run's graders, or (peer assessment) a reviewer it
/// was assigned to; anyone else is told it does not exist.
pub async fn open_file(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    file: Uuid,
) -> Result<crate::files::Download> {
    let o = item_of_kinds(app, user, tenant, run, item, &[ASSIGNMENT, PEER])
        .await
        .map_err(|_| Error::NotFound)?;
    let m = assess::submission_of_file(app.db.reader(), tenant, item, file)
        .await?
        .ok_or(Error::NotFound)?;
    let allowed = m.user_id == user.id.0
        || is_grader(user, tenant, &o.access)
        || assess::assignment(app.db.reader(), tenant, m.id, user.id.0)
            .await?
            .is_some();
    if !allowed {
        return Err(Error::NotFound);
    }
    let row = assess::files_of(app.db.reader(), tenant, m.id)
        .await?
        .into_iter()
        .find(|f| f.id == file)
        .ok_or(Error::NotFound)?;
    crate::files::open(app, crate::files::FileMeta { row }, None).await
}
