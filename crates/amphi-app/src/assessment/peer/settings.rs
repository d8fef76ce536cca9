//! A peer assessment's settings: its phases and their dates, the review counts, the rubric and
//! the grading policy; changed by the course team, which schedules the allocation and results
//! jobs.

use crate::assessment::rubrics::rubric_from_text;
use crate::assessment::submissions::{editable_item, parse_number, save_settings, WorkSettings};
use crate::courses::authoring;
use crate::{App, Caller};
use amphi_core::course::ItemKind;
use amphi_core::error::Fields;
use amphi_core::jobs::JobKind;
use amphi_core::peer::{Aggregate, Criterion, GradePolicy, Level, Rubric, ShortfallRule};
use amphi_core::{codes, Error, ItemId, Result, RunId, TenantId};
use amphi_db::jobs::{self, JobPayload, NewJob};
use amphi_db::{rows, Conn};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The settings of a peer-assessment item (`course_items.settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PeerSettings {
    /// Work is accepted until then (also during the review phase: late submitters are
    /// allocated as they arrive).
    pub submission_until: Option<DateTime<Utc>>,
    /// The review phase opens (allocation runs then).
    pub review_from: Option<DateTime<Utc>>,
    /// The review phase closes.
    pub review_until: Option<DateTime<Utc>>,
    /// Grades are computed and shown.
    pub results_from: Option<DateTime<Utc>>,
    /// `k`: reviews wanted per submission.
    pub reviews_per_submission: u32,
    /// `m`: reviews required of each learner who submitted.
    pub reviews_per_reviewer: u32,
    /// Extra reviews a volunteer may ask for.
    pub max_extra: u32,
    /// The rubric.
    #[schema(value_type = Object)]
    pub rubric: Rubric,
    /// Learners assess their own work too.
    pub self_assessment: bool,
    /// Weight of the self-assessment in the grade (0–1).
    pub self_weight: f64,
    /// `median` or `mean` of the peers' scores.
    #[schema(value_type = String)]
    pub aggregate: Aggregate,
    /// Percentage of the maximum lost per required review not done (0–100).
    pub missing_review_penalty: f64,
    /// `staff_queue` or `grade_from_available` for submissions with too few reviews.
    #[schema(value_type = String)]
    pub shortfall: ShortfallRule,
}

impl Default for PeerSettings {
    fn default() -> Self {
        let level = |label: &str, points: f64| Level {
            label: label.to_owned(),
            points,
        };
        Self {
            submission_until: None,
            review_from: None,
            review_until: None,
            results_from: None,
            reviews_per_submission: 3,
            reviews_per_reviewer: 3,
            max_extra: 3,
            rubric: Rubric {
                criteria: vec![Criterion {
                    title: "Overall quality".into(),
                    levels: vec![
                        level("Insufficient", 0.0),
                        level("Fair", 1.0),
                        level("Good", 2.0),
                        level("Excellent", 3.0),
                    ],
                }],
            },
            self_assessment: false,
            self_weight: 0.0,
            aggregate: Aggregate::Median,
            missing_review_penalty: 0.0,
            shortfall: ShortfallRule::StaffQueue,
        }
    }
}

/// Where a peer assessment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Learners hand in work.
    Submission,
    /// Learners review (late work still accepted until `submission_until`).
    Review,
    /// Reviews are closed; results are not out yet.
    Closed,
    /// Grades are out.
    Results,
}

impl PeerSettings {
    /// Reads an item's settings (defaults for what is missing).
    pub fn of(item: &rows::CourseItem) -> Self {
        Self::of_item(item)
    }

    /// The phase at `now`.
    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        if self.results_from.is_some_and(|d| now >= d) {
            Phase::Results
        } else if self.review_until.is_some_and(|d| now > d) {
            Phase::Closed
        } else if self.review_from.is_some_and(|d| now >= d) {
            Phase::Review
        } else {
            Phase::Submission
        }
    }

    /// Why work cannot be handed in at `now`, if so.
    pub fn submission_closed(&self, now: DateTime<Utc>) -> Option<&'static str> {
        if self.submission_until.is_some_and(|d| now > d)
            || matches!(self.phase(now), Phase::Closed | Phase::Results)
        {
            Some(codes::DEADLINE_PASSED)
        } else {
            None
        }
    }

    /// Why reviews cannot be given at `now`, if so.
    pub fn review_closed(&self, now: DateTime<Utc>) -> Option<&'static str> {
        match self.phase(now) {
            Phase::Review => None,
            Phase::Submission => Some(codes::REVIEW_NOT_OPEN),
            Phase::Closed | Phase::Results => Some(codes::REVIEW_CLOSED),
        }
    }

    /// The grading policy of the results.
    pub(super) fn policy(&self) -> GradePolicy {
        GradePolicy {
            aggregate: self.aggregate,
            self_weight: if self.self_assessment {
                self.self_weight
            } else {
                0.0
            },
            missing_review_penalty: self.missing_review_penalty,
        }
    }
}

impl WorkSettings for PeerSettings {
    const KIND: ItemKind = ItemKind::Peer;
    fn closed_to_work(&self, now: DateTime<Utc>) -> Option<&'static str> {
        self.submission_closed(now)
    }
}

/// Peer-assessment settings as typed in the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeerSettingsForm {
    /// Work accepted until (your time zone or RFC 3339; "" for no limit).
    pub submission_until: Option<String>,
    /// Review phase opens.
    pub review_from: Option<String>,
    /// Review phase closes.
    pub review_until: Option<String>,
    /// Results are out.
    pub results_from: Option<String>,
    /// `k` (1–20).
    pub reviews_per_submission: Option<String>,
    /// `m` (0–100).
    pub reviews_per_reviewer: Option<String>,
    /// Most extra reviews a volunteer may ask for (0–50).
    pub max_extra: Option<String>,
    /// Rubric, one criterion per line: `Title: level = points; level = points`.
    pub rubric: Option<String>,
    /// `true` or `false`.
    pub self_assessment: Option<String>,
    /// 0–1.
    pub self_weight: Option<String>,
    /// `median` or `mean`.
    pub aggregate: Option<String>,
    /// 0–100.
    pub missing_review_penalty: Option<String>,
    /// `staff_queue` or `grade_from_available`.
    pub shortfall: Option<String>,
}

fn parse_count(field: &str, raw: &str, hi: u32) -> Result<u32> {
    match raw.trim().parse::<u32>() {
        Ok(n) if n <= hi => Ok(n),
        Ok(_) => Err(Error::field(field, codes::OUT_OF_RANGE)),
        Err(_) => Err(Error::field(field, codes::NUMBER_INVALID)),
    }
}

/// Changes a peer assessment's settings (the run's editors) and schedules its jobs: the
/// allocation when the review phase opens, the results when they are due.
pub async fn update_settings(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    f: PeerSettingsForm,
) -> Result<PeerSettings> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let o = editable_item(app, user, tenant, run, item, ItemKind::Peer).await?;
    let mut s = PeerSettings::of(&o.item);
    let tz = user.time_zone.clone();
    let mut fields = Fields::new();
    let date =
        |fields: &mut Fields, name: &str, v: &Option<String>, slot: &mut Option<DateTime<Utc>>| {
            if let Some(v) = v {
                if let Some(d) = fields.check(authoring::parse_when(name, Some(v), &tz)) {
                    *slot = d;
                }
            }
        };
    date(
        &mut fields,
        "submission_until",
        &f.submission_until,
        &mut s.submission_until,
    );
    date(
        &mut fields,
        "review_from",
        &f.review_from,
        &mut s.review_from,
    );
    date(
        &mut fields,
        "review_until",
        &f.review_until,
        &mut s.review_until,
    );
    date(
        &mut fields,
        "results_from",
        &f.results_from,
        &mut s.results_from,
    );
    if let Some(v) = &f.reviews_per_submission {
        match fields.check(parse_count("reviews_per_submission", v, 20)) {
            Some(0) => fields.push("reviews_per_submission", codes::OUT_OF_RANGE),
            Some(n) => s.reviews_per_submission = n,
            None => {}
        }
    }
    if let Some(v) = &f.reviews_per_reviewer {
        if let Some(n) = fields.check(parse_count("reviews_per_reviewer", v, 100)) {
            s.reviews_per_reviewer = n;
        }
    }
    if let Some(v) = &f.max_extra {
        if let Some(n) = fields.check(parse_count("max_extra", v, 50)) {
            s.max_extra = n;
        }
    }
    if let Some(v) = &f.rubric {
        match fields.check(rubric_from_text("rubric", v)) {
            Some(Some(r)) => s.rubric = r,
            Some(None) => fields.push("rubric", codes::REQUIRED),
            None => {}
        }
    }
    if let Some(v) = &f.self_assessment {
        match v.trim() {
            "true" | "on" | "1" => s.self_assessment = true,
            "false" | "off" | "0" | "" => s.self_assessment = false,
            _ => fields.push("self_assessment", codes::CHOICE_INVALID),
        }
    }
    if let Some(v) = &f.self_weight {
        if let Some(x) = fields.check(parse_number("self_weight", v, 0.0, 1.0)) {
            s.self_weight = x;
        }
    }
    if let Some(v) = &f.aggregate {
        match v.trim() {
            "median" => s.aggregate = Aggregate::Median,
            "mean" => s.aggregate = Aggregate::Mean,
            _ => fields.push("aggregate", codes::CHOICE_INVALID),
        }
    }
    if let Some(v) = &f.missing_review_penalty {
        if let Some(x) = fields.check(parse_number("missing_review_penalty", v, 0.0, 100.0)) {
            s.missing_review_penalty = x;
        }
    }
    if let Some(v) = &f.shortfall {
        match v.trim() {
            "staff_queue" => s.shortfall = ShortfallRule::StaffQueue,
            "grade_from_available" => s.shortfall = ShortfallRule::GradeFromAvailable,
            _ => fields.push("shortfall", codes::CHOICE_INVALID),
        }
    }
    if let (Some(a), Some(b)) = (s.review_from, s.review_until) {
        if b < a {
            fields.push("review_until", codes::DATES_OUT_OF_ORDER);
        }
    }
    if let (Some(a), Some(b)) = (s.review_until.or(s.review_from), s.results_from) {
        if b < a {
            fields.push("results_from", codes::DATES_OUT_OF_ORDER);
        }
    }
    fields.finish()?;
    let run_id = o.access.run.id;
    save_settings(app, tenant, run, o.item, &s).await?;
    let now = app.now();
    if let Some(at) = s.review_from {
        schedule(
            app.db.writer(),
            tenant,
            run_id,
            item,
            AllocateReviews,
            Some(at),
            now,
        )
        .await?;
    }
    if let Some(at) = s.results_from {
        schedule(
            app.db.writer(),
            tenant,
            run_id,
            item,
            ComputeResults,
            Some(at),
            now,
        )
        .await?;
    }
    Ok(s)
}

/// Enqueues one of this item's jobs (`job` makes its payload: [`AllocateReviews`] or
/// [`ComputeResults`]) unless the same one already waits.
async fn schedule<J: JobPayload>(
    c: &impl Conn,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    job: fn(PeerTarget) -> J,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    let target = PeerTarget {
        run,
        item,
        at: at.map(|a| a.timestamp()),
    };
    let job = NewJob::new(Some(tenant), &job(target))?.at(at.filter(|a| *a > now));
    jobs::enqueue_unique(c, job, now).await?;
    Ok(())
}

/// Allocates this item's reviews again as soon as a worker can (late work or a volunteer
/// arrived in the review phase).
pub(super) async fn allocate_again(
    c: &impl Conn,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    schedule(c, tenant, run, item, AllocateReviews, None, now).await
}

/// The peer assessment a job works on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerTarget {
    /// The run.
    pub run: Uuid,
    /// The peer-assessment item.
    pub item: Uuid,
    /// When a scheduled job was due (seconds since the epoch), so that a job scheduled for
    /// another date is not taken for a duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
}

/// The payload of a `peer.allocate` job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AllocateReviews(pub PeerTarget);

impl JobPayload for AllocateReviews {
    const KIND: JobKind = JobKind::PeerAllocate;
    const MAX_ATTEMPTS: i32 = 5;
}

/// The payload of a `peer.results` job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComputeResults(pub PeerTarget);

impl JobPayload for ComputeResults {
    const KIND: JobKind = JobKind::PeerResults;
    const MAX_ATTEMPTS: i32 = 5;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 6, d, 0, 0, 0).unwrap()
    }

    fn dated() -> PeerSettings {
        PeerSettings {
            submission_until: Some(day(8)),
            review_from: Some(day(5)),
            review_until: Some(day(10)),
            results_from: Some(day(12)),
            ..PeerSettings::default()
        }
    }

    #[test]
    fn the_phase_follows_the_dates() {
        let s = dated();
        assert_eq!(s.phase(day(1)), Phase::Submission);
        assert_eq!(s.phase(day(5)), Phase::Review);
        assert_eq!(s.phase(day(10)), Phase::Review);
        assert_eq!(s.phase(day(11)), Phase::Closed);
        assert_eq!(s.phase(day(12)), Phase::Results);
        assert_eq!(PeerSettings::default().phase(day(20)), Phase::Submission);
    }

    #[test]
    fn late_work_is_taken_in_the_review_phase_until_its_own_date() {
        let s = dated();
        assert_eq!(s.submission_closed(day(6)), None);
        assert_eq!(s.submission_closed(day(9)), Some("deadline_passed"));
        let open_ended = PeerSettings {
            submission_until: None,
            ..dated()
        };
        assert_eq!(open_ended.submission_closed(day(9)), None);
        assert_eq!(
            open_ended.submission_closed(day(11)),
            Some("deadline_passed")
        );
    }

    #[test]
    fn reviews_are_given_only_in_the_review_phase() {
        let s = dated();
        assert_eq!(s.review_closed(day(1)), Some("review_not_open"));
        assert_eq!(s.review_closed(day(6)), None);
        assert_eq!(s.review_closed(day(11)), Some("review_closed"));
    }

    #[test]
    fn the_self_weight_counts_only_with_self_assessment() {
        let s = PeerSettings {
            self_weight: 0.25,
            ..PeerSettings::default()
        };
        assert_eq!(s.policy().self_weight, 0.0);
        let on = PeerSettings {
            self_assessment: true,
            ..s
        };
        assert_eq!(on.policy().self_weight, 0.25);
    }

    #[test]
    fn a_job_payload_names_its_run_and_item() {
        let (run, item) = (Uuid::now_v7(), Uuid::now_v7());
        let stored = serde_json::json!({ "run": run, "item": item, "at": 1 }).to_string();
        let AllocateReviews(t) = serde_json::from_str(&stored).unwrap();
        assert_eq!((t.run, t.item, t.at), (run, item, Some(1)));
        let unscheduled = PeerTarget { at: None, ..t };
        assert_eq!(
            serde_json::to_value(ComputeResults(unscheduled)).unwrap(),
            serde_json::json!({ "run": run, "item": item })
        );
        assert!(serde_json::from_str::<AllocateReviews>("{}").is_err());
    }
}
