//! Assignments as course items: their settings (deadlines, late policy, points or rubric), the
//! learner's view and hand-in (late days counted; see [`super::submissions`] for what they
//! share with peer assessment) and grading with a rubric and written feedback.

use super::rubrics::rubric_from_text;
use super::submission_files::{files_view, SubmissionFile};
use super::submissions::{
    editable_item, for_grader, parse_number, report_grade, save_settings, save_work, work_page,
    work_to_hand_in, HandIn, SubmissionView, SubmitForm, WorkSettings,
};
use crate::courses::{authoring, content};
use crate::{App, Caller};
use amphi_core::assessment::SubmissionStatus;
use amphi_core::course::ItemKind;
use amphi_core::error::Fields;
use amphi_core::peer::{score_review, Rubric};
use amphi_core::{codes, Error, ItemId, Result, RunId, SubmissionId};
use amphi_db::repo::submissions as repo_s;
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    pub fn of(item: &rows::CourseItem) -> Self {
        Self::of_item(item)
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
            return Some(codes::DEADLINE_PASSED);
        }
        if self.late_policy == LatePolicy::Refuse && self.due_at.is_some_and(|d| now > d) {
            return Some(codes::DEADLINE_PASSED);
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

impl WorkSettings for AssignmentSettings {
    const KIND: ItemKind = ItemKind::Assignment;
    fn closed_to_work(&self, now: DateTime<Utc>) -> Option<&'static str> {
        self.closed(now)
    }
}

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
    caller: &Caller,
    run: RunId,
    item: ItemId,
    f: AssignmentSettingsForm,
) -> Result<AssignmentSettings> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let o = editable_item(app, user, tenant, run, item, ItemKind::Assignment).await?;
    let mut s = AssignmentSettings::of(&o.item);
    let tz = user.time_zone.clone();
    let mut fields = Fields::new();
    if let Some(v) = &f.due_at {
        if let Some(d) = fields.check(authoring::parse_when("due_at", Some(v), &tz)) {
            s.due_at = d;
        }
    }
    if let Some(v) = &f.hard_deadline {
        if let Some(d) = fields.check(authoring::parse_when("hard_deadline", Some(v), &tz)) {
            s.hard_deadline = d;
        }
    }
    if let Some(v) = &f.late_policy {
        match v.trim() {
            "refuse" => s.late_policy = LatePolicy::Refuse,
            "penalty" => s.late_policy = LatePolicy::Penalty,
            _ => fields.push("late_policy", codes::CHOICE_INVALID),
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
            _ => fields.push("accept_files", codes::CHOICE_INVALID),
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
            fields.push("hard_deadline", codes::DEADLINE_BEFORE_DUE);
        }
    }
    fields.finish()?;
    save_settings(app, tenant, run, o.item, &s).await?;
    Ok(s)
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
pub async fn view(app: &App, caller: &Caller, run: RunId, item: ItemId) -> Result<AssignmentView> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let (_, s, now, mine) = work_page::<AssignmentSettings>(app, user, tenant, (run, item)).await?;
    let closed = if mine.as_ref().is_some_and(|m| m.graded_at.is_some()) {
        Some(codes::ALREADY_GRADED.to_owned())
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
    caller: &Caller,
    run: RunId,
    item: ItemId,
    f: SubmitForm,
) -> Result<SubmissionView> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (o, s, now) =
        work_to_hand_in::<AssignmentSettings>(app, user, tenant, (run.0, item.0)).await?;
    let item = item.0;
    let has_files = match repo_s::submission_of(app.db.reader(), tenant, item, user.id.0).await? {
        Some(m) => !repo_s::files_of(app.db.reader(), tenant, m.id)
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
    caller: &Caller,
    run: RunId,
    item: ItemId,
    sub: SubmissionId,
    f: GradeForm,
) -> Result<SubmissionView> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item, sub) = (run.0, item.0, sub.0);
    let o = for_grader(app, user, tenant, run, item, ItemKind::Assignment).await?;
    let s = AssignmentSettings::of(&o.item);
    let mut m = repo_s::submission(app.db.reader(), tenant, item, sub)
        .await?
        .ok_or(Error::NotFound)?;
    if m.status()? != SubmissionStatus::Submitted {
        return Err(Error::Conflict(codes::NOT_SUBMITTED));
    }
    let feedback = f.feedback.as_deref().unwrap_or("").trim().to_owned();
    if feedback.chars().count() > 20_000 {
        return Err(Error::field("feedback", codes::TOO_LONG));
    }
    if content::has_unsafe_html(&feedback) {
        return Err(Error::field("feedback", codes::UNSAFE_HTML));
    }
    let raw = match &s.rubric {
        Some(r) => {
            let choices = f.choices.clone().unwrap_or_default();
            let score = score_review(r, &choices)?;
            m.rubric_choices = Some(serde_json::to_string(&choices).map_err(Error::internal)?);
            score
        }
        None => {
            let p = f
                .points
                .ok_or_else(|| Error::field("points", codes::REQUIRED))?;
            if !p.is_finite() || p < 0.0 || p > s.max() {
                return Err(Error::field("points", codes::OUT_OF_RANGE));
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
    let m = repo_s::save_submission(&txn, tenant, m).await?;
    txn.commit().await.map_err(Error::internal)?;
    report_grade(app, tenant, &m).await?;
    Ok(SubmissionView::of(&m, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn due() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 5, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn late_days_are_started_days_after_the_due_date() {
        let s = AssignmentSettings {
            due_at: Some(due()),
            ..AssignmentSettings::default()
        };
        assert_eq!(s.late_days(due()), 0);
        assert_eq!(s.late_days(due() + Duration::seconds(1)), 1);
        assert_eq!(s.late_days(due() + Duration::days(1)), 1);
        assert_eq!(
            s.late_days(due() + Duration::days(1) + Duration::seconds(1)),
            2
        );
        assert_eq!(AssignmentSettings::default().late_days(due()), 0);
    }

    #[test]
    fn the_penalty_never_takes_more_than_the_grade() {
        let s = AssignmentSettings {
            late_penalty_percent: 30.0,
            ..AssignmentSettings::default()
        };
        assert_eq!(s.penalty(50.0, 0), 0.0);
        assert_eq!(s.penalty(50.0, 2), 30.0);
        assert_eq!(s.penalty(50.0, 4), 50.0);
    }

    #[test]
    fn work_is_refused_after_the_hard_deadline_or_when_lateness_is_refused() {
        let after = due() + Duration::minutes(1);
        let penalty = AssignmentSettings {
            due_at: Some(due()),
            ..AssignmentSettings::default()
        };
        assert_eq!(penalty.closed(after), None);
        let refuse = AssignmentSettings {
            late_policy: LatePolicy::Refuse,
            ..penalty.clone()
        };
        assert_eq!(refuse.closed(due()), None);
        assert_eq!(refuse.closed(after), Some("deadline_passed"));
        let hard = AssignmentSettings {
            hard_deadline: Some(due() + Duration::days(2)),
            ..penalty
        };
        assert_eq!(hard.closed(due() + Duration::days(2)), None);
        assert_eq!(
            hard.closed(due() + Duration::days(3)),
            Some("deadline_passed")
        );
    }

    #[test]
    fn a_rubric_sets_the_maximum() {
        let mut s = AssignmentSettings::default();
        assert_eq!(s.max(), 100.0);
        s.rubric =
            crate::assessment::rubrics::rubric_from_text("rubric", "A: no = 0; yes = 4").unwrap();
        assert_eq!(s.max(), 4.0);
    }
}
