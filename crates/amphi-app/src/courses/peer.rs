//! Peer assessment as a course item: phases (submission, review, results) with dates, the
//! allocation of reviews as a job (`peer.allocate`, run when the review phase opens and again
//! when late submitters arrive), anonymous reviews with a rubric, optional self-assessment,
//! the results job (`peer.results`) that grades every submission from its reviews (median or
//! mean, penalty for missing reviews, shortfall rule), flags on unfair reviews, the staff
//! queue and grade overrides. The rules are `amphi_core::peer`; this is storage around them.

use super::assignments::{
    self, for_grader, for_learner, item_of_kind, parse_number, rubric_from_text, save_settings,
    SubmissionView, SubmitForm, PEER,
};
use super::content;
use crate::users::User;
use crate::App;
use amphi_core::error::Fields;
use amphi_core::peer::{
    after_review_phase, allocate, eligible_reviewers, grade_submission, score_review, Aggregate,
    AllocationRequest, AllocationSettings, Assignment, Criterion, GradePolicy, Level,
    ReviewOutcome, Rubric, ShortfallRule, Submission, SubmissionReviews,
};
use amphi_core::{Error, Result, TenantId};
use amphi_db::entities::{course_item, grade_override, peer_review, review_flag, submission};
use amphi_db::jobs::{self, NewJob};
use amphi_db::repo::{assess, structure};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// Job that allocates reviews of one peer assessment.
pub const ALLOCATE_JOB: &str = "peer.allocate";
/// Job that grades every submission of one peer assessment from its reviews.
pub const RESULTS_JOB: &str = "peer.results";
/// Submissions graded per statement by the results job (about 13 bound values each).
const RESULTS_CHUNK: usize = 500;

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
    pub fn of(item: &course_item::Model) -> Self {
        serde_json::from_str(&item.settings).unwrap_or_default()
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
            Some("deadline_passed")
        } else {
            None
        }
    }

    /// Why reviews cannot be given at `now`, if so.
    pub fn review_closed(&self, now: DateTime<Utc>) -> Option<&'static str> {
        match self.phase(now) {
            Phase::Review => None,
            Phase::Submission => Some("review_not_open"),
            Phase::Closed | Phase::Results => Some("review_closed"),
        }
    }

    fn policy(&self) -> GradePolicy {
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

// ---------------------------------------------------------------------------------------------
// Settings

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
        Ok(_) => Err(Error::field(field, "out_of_range")),
        Err(_) => Err(Error::field(field, "number_invalid")),
    }
}

/// Changes a peer assessment's settings (the run's editors) and schedules its jobs: the
/// allocation when the review phase opens, the results when they are due.
pub async fn update_settings(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    f: PeerSettingsForm,
) -> Result<PeerSettings> {
    let o = assignments::editable_item(app, user, tenant, run, item, PEER).await?;
    let mut s = PeerSettings::of(&o.item);
    let tz = user.time_zone.clone();
    let mut fields = Fields::new();
    let date =
        |fields: &mut Fields, name: &str, v: &Option<String>, slot: &mut Option<DateTime<Utc>>| {
            if let Some(v) = v {
                if let Some(d) = fields.check(super::authoring::parse_when(name, Some(v), &tz)) {
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
            Some(0) => fields.push("reviews_per_submission", "out_of_range"),
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
            Some(None) => fields.push("rubric", "required"),
            None => {}
        }
    }
    if let Some(v) = &f.self_assessment {
        match v.trim() {
            "true" | "on" | "1" => s.self_assessment = true,
            "false" | "off" | "0" | "" => s.self_assessment = false,
            _ => fields.push("self_assessment", "choice_invalid"),
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
            _ => fields.push("aggregate", "choice_invalid"),
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
            _ => fields.push("shortfall", "choice_invalid"),
        }
    }
    if let (Some(a), Some(b)) = (s.review_from, s.review_until) {
        if b < a {
            fields.push("review_until", "dates_out_of_order");
        }
    }
    if let (Some(a), Some(b)) = (s.review_until.or(s.review_from), s.results_from) {
        if b < a {
            fields.push("results_from", "dates_out_of_order");
        }
    }
    fields.finish()?;
    let run_id = o.access.run.id;
    save_settings(app, tenant, run, o.item, &s).await?;
    let now = app.now();
    for (kind, at) in [(ALLOCATE_JOB, s.review_from), (RESULTS_JOB, s.results_from)] {
        if let Some(at) = at {
            schedule(app.db.writer(), tenant, run_id, item, kind, Some(at), now).await?;
        }
    }
    Ok(s)
}

/// Enqueues one of this item's jobs unless the same one already waits.
async fn schedule(
    c: &impl sea_orm::ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kind: &str,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut payload = serde_json::json!({ "run": run, "item": item });
    if let Some(at) = at {
        payload["at"] = serde_json::json!(at.timestamp());
    }
    jobs::enqueue_unique(
        c,
        NewJob {
            tenant: Some(tenant),
            kind: kind.into(),
            payload,
            max_attempts: 5,
            run_at: at.filter(|a| *a > now),
        },
        now,
    )
    .await?;
    Ok(())
}

/// The (run, item) of a job's payload.
pub fn job_target(payload: &str) -> Result<(Uuid, Uuid)> {
    let v: serde_json::Value =
        serde_json::from_str(payload).map_err(|_| Error::Internal("bad peer payload".into()))?;
    let id = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .and_then(|x| x.parse::<Uuid>().ok())
            .ok_or_else(|| Error::Internal("bad peer payload".into()))
    };
    Ok((id("run")?, id("item")?))
}

// ---------------------------------------------------------------------------------------------
// Allocation

/// What one allocation run did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct AllocationReport {
    /// Submissions considered.
    pub submissions: usize,
    /// Assignments made by this run.
    pub new_assignments: usize,
    /// Submissions still below `k` reviews.
    pub short: usize,
}

fn seed_of(item: Uuid) -> u64 {
    let b = item.as_bytes();
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[8..16]);
    u64::from_le_bytes(x)
}

/// Allocates the reviews of a peer assessment in the review phase: every handed-in submission
/// and every assignment made so far go to `amphi_core::peer::allocate`; only the new
/// assignments are inserted (in bulk: `assess::insert_assignments`), in one transaction that
/// holds the item's lock (two workers never allocate one item at once). Outside the review
/// phase it does nothing. Logs how long it took.
pub async fn allocate_reviews(
    app: &App,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
) -> Result<AllocationReport> {
    let now = app.now();
    let started = std::time::Instant::now();
    let txn = app.db.begin().await?;
    assess::lock_item(&txn, tenant, item).await?;
    let Some(it) = structure::item(&txn, tenant, run, item)
        .await?
        .filter(|i| i.kind == PEER)
    else {
        return Ok(AllocationReport::default());
    };
    let s = PeerSettings::of(&it);
    if s.phase(now) != Phase::Review {
        return Ok(AllocationReport::default());
    }
    let keys = assess::submission_keys(&txn, tenant, item).await?;
    let subs: Vec<Submission<Uuid, Uuid>> = keys
        .iter()
        .map(|(id, author, at, _)| Submission {
            id: *id,
            author: *author,
            order: at.map_or(0, |t| t.timestamp_millis()),
        })
        .collect();
    let volunteers: Vec<(Uuid, u32)> = keys
        .iter()
        .filter(|k| k.3 > 0)
        .map(|k| (k.1, (k.3 as u32).min(s.max_extra)))
        .collect();
    let reviewers = eligible_reviewers(&subs, &volunteers, &[]);
    let existing: Vec<Assignment<Uuid, Uuid>> = assess::assignment_keys(&txn, tenant, item)
        .await?
        .into_iter()
        .map(|(submission, reviewer, _)| Assignment {
            submission,
            reviewer,
        })
        .collect();
    let out = allocate(&AllocationRequest {
        settings: AllocationSettings {
            reviews_per_submission: s.reviews_per_submission,
            reviews_per_reviewer: s.reviews_per_reviewer,
            seed: seed_of(item),
        },
        submissions: &subs,
        reviewers: &reviewers,
        existing: &existing,
    })?;
    let allocated = started.elapsed();
    // In reviewer order, the unique (reviewer, submission) index takes the rows at its end
    // rather than at 300,000 random places.
    let mut new: Vec<(Uuid, Uuid)> = out
        .assignments
        .iter()
        .map(|a| (a.submission, a.reviewer))
        .collect();
    new.sort_unstable_by_key(|&(submission, reviewer)| (reviewer, submission));
    let n = assess::insert_assignments(&txn, tenant, item, now, &new).await?;
    txn.commit().await.map_err(Error::internal)?;
    tracing::info!(
        %item,
        submissions = subs.len(),
        assigned = n,
        read_and_allocated_ms = allocated.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "peer reviews allocated"
    );
    Ok(AllocationReport {
        submissions: subs.len(),
        new_assignments: n,
        short: out.short.len(),
    })
}

// ---------------------------------------------------------------------------------------------
// Learners: submission, volunteering, reviews

/// A review to do, as its reviewer sees it (the author is never shown).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewTask {
    /// The submission to review.
    pub submission_id: Uuid,
    /// "Submission 1", "Submission 2"… in the order they were given.
    pub number: usize,
    /// When it was given.
    pub assigned_at: DateTime<Utc>,
    /// Done.
    pub done: bool,
}

/// A review as its submission's author sees it (anonymous).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReceivedReview {
    /// Id (to flag it).
    pub id: Uuid,
    /// Its score.
    pub score: f64,
    /// Chosen level per criterion.
    pub choices: Vec<Option<usize>>,
    /// The comment, rendered and sanitised.
    pub comment_html: String,
    /// The author's own assessment.
    pub is_self: bool,
    /// Set aside by the course team after a flag.
    pub excluded: bool,
    /// The author flagged it.
    pub flagged: bool,
}

/// What a learner sees on a peer-assessment item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeerView {
    /// The settings.
    pub settings: PeerSettings,
    /// `submission`, `review`, `closed` or `results`.
    #[schema(value_type = String)]
    pub phase: Phase,
    /// The highest grade.
    pub max_points: f64,
    /// The learner's submission.
    pub submission: Option<SubmissionView>,
    /// Why work cannot be handed in now, if so.
    pub submit_closed: Option<String>,
    /// Why reviews cannot be given now, if so.
    pub review_closed: Option<String>,
    /// Reviews to do.
    pub tasks: Vec<ReviewTask>,
    /// Reviews of the learner's work (results phase).
    pub received: Vec<ReceivedReview>,
    /// The learner's self-assessment could be given now.
    pub self_assessment_open: bool,
    /// Extra reviews the learner offered.
    pub extra_reviews: i32,
}

/// The learner's view of a peer assessment.
pub async fn view(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
) -> Result<PeerView> {
    let o = item_of_kind(app, user, tenant, run, item, PEER).await?;
    let s = PeerSettings::of(&o.item);
    let now = app.now();
    let phase = s.phase(now);
    let mine = assess::submission_of(app.db.reader(), tenant, item, user.id.0).await?;
    let tasks = assess::my_assignments(app.db.reader(), tenant, item, user.id.0)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, a)| ReviewTask {
            submission_id: a.submission_id,
            number: i + 1,
            assigned_at: a.assigned_at,
            done: a.completed_at.is_some(),
        })
        .collect();
    let mut received = Vec::new();
    let mut self_done = false;
    if let Some(m) = &mine {
        let reviews = assess::reviews_of(app.db.reader(), tenant, m.id).await?;
        self_done = reviews.iter().any(|r| r.is_self);
        if phase == Phase::Results {
            let flags = assess::flags_by(app.db.reader(), tenant, item, user.id.0).await?;
            received = reviews
                .iter()
                .map(|r| ReceivedReview {
                    id: r.id,
                    score: r.score,
                    choices: serde_json::from_str(&r.choices).unwrap_or_default(),
                    comment_html: content::markdown_to_html(&r.comment),
                    is_self: r.is_self,
                    excluded: r.excluded,
                    flagged: flags.iter().any(|f| f.review_id == r.id),
                })
                .collect();
        }
    }
    let submitted = mine.as_ref().is_some_and(|m| m.status == assess::SUBMITTED);
    Ok(PeerView {
        max_points: s.rubric.max_points(),
        phase,
        submission: mine.as_ref().map(|m| {
            SubmissionView::of(
                m,
                phase == Phase::Results || m.grade_source.as_deref() == Some("override"),
            )
        }),
        submit_closed: s.submission_closed(now).map(str::to_owned),
        review_closed: s.review_closed(now).map(str::to_owned),
        tasks,
        received,
        self_assessment_open: s.self_assessment
            && submitted
            && !self_done
            && s.review_closed(now).is_none(),
        extra_reviews: mine.as_ref().map_or(0, |m| m.extra_reviews),
        settings: s,
    })
}

/// Saves a draft of, or hands in, work for a peer assessment (enrolled learners, until
/// `submission_until`). Work handed in during the review phase is allocated at once (a job).
pub async fn submit(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    f: SubmitForm,
) -> Result<SubmissionView> {
    let o = for_learner(app, user, tenant, run, item, PEER).await?;
    let s = PeerSettings::of(&o.item);
    let now = app.now();
    if let Some(why) = s.submission_closed(now) {
        return Err(Error::Conflict(why));
    }
    let phase = s.phase(now);
    let before = assess::submission_of(app.db.reader(), tenant, item, user.id.0).await?;
    if phase != Phase::Submission
        && before
            .as_ref()
            .is_some_and(|b| b.status == assess::SUBMITTED)
        && !f.draft.unwrap_or(false)
    {
        // Reviewers may be reading it: it no longer changes.
        return Err(Error::Conflict("submission_locked"));
    }
    let h = assignments::HandIn {
        max_points: s.rubric.max_points(),
        late_days: 0,
        has_files: false,
    };
    let m = assignments::save_work(app, user, tenant, &o, &f, h).await?;
    if phase == Phase::Review && m.status == assess::SUBMITTED {
        schedule(app.db.writer(), tenant, run, item, ALLOCATE_JOB, None, now).await?;
    }
    Ok(SubmissionView::of(&m, false))
}

/// Offers to review `extra` more submissions (0 withdraws the offer), up to the item's limit.
pub async fn volunteer(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    extra: u32,
) -> Result<i32> {
    let o = for_learner(app, user, tenant, run, item, PEER).await?;
    let s = PeerSettings::of(&o.item);
    let now = app.now();
    if extra > s.max_extra {
        return Err(Error::field("extra", "out_of_range"));
    }
    if matches!(s.phase(now), Phase::Closed | Phase::Results) {
        return Err(Error::Conflict("review_closed"));
    }
    let mut m = assess::submission_of(app.db.reader(), tenant, item, user.id.0)
        .await?
        .filter(|m| m.status == assess::SUBMITTED)
        .ok_or(Error::Conflict("submit_first"))?;
    m.extra_reviews = extra as i32;
    m.updated_at = now;
    assess::save_submission(app.db.writer(), m).await?;
    if s.phase(now) == Phase::Review && extra > 0 {
        schedule(app.db.writer(), tenant, run, item, ALLOCATE_JOB, None, now).await?;
    }
    Ok(extra as i32)
}

/// A review as given, from a form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewForm {
    /// The chosen level index for each criterion, in rubric order.
    pub choices: Option<Vec<Option<usize>>>,
    /// A comment for the author (Markdown).
    pub comment: Option<String>,
}

/// A review as its reviewer sees it after giving it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GivenReview {
    /// Id.
    pub id: Uuid,
    /// The submission.
    pub submission_id: Uuid,
    /// The score (sum of the chosen levels' points).
    pub score: f64,
    /// The chosen levels.
    pub choices: Vec<Option<usize>>,
    /// The comment.
    pub comment: String,
    /// A self-assessment.
    pub is_self: bool,
}

fn given(r: &peer_review::Model) -> GivenReview {
    GivenReview {
        id: r.id,
        submission_id: r.submission_id,
        score: r.score,
        choices: serde_json::from_str(&r.choices).unwrap_or_default(),
        comment: r.comment.clone(),
        is_self: r.is_self,
    }
}

fn parse_comment(raw: Option<&str>) -> Result<String> {
    let c = raw.unwrap_or("").trim().to_owned();
    if c.chars().count() > 10_000 {
        return Err(Error::field("comment", "too_long"));
    }
    if content::has_unsafe_html(&c) {
        return Err(Error::field("comment", "unsafe_html"));
    }
    Ok(c)
}

/// Reviews a submission one was assigned (review phase). One's own work and work not assigned
/// are refused (403), a level out of range or a missing one (422), a second review of the same
/// work (409); nothing is stored then.
pub async fn submit_review(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    sub: Uuid,
    f: ReviewForm,
) -> Result<GivenReview> {
    let o = for_learner(app, user, tenant, run, item, PEER).await?;
    let m = assess::submission(app.db.reader(), tenant, item, sub)
        .await?
        .filter(|m| m.status == assess::SUBMITTED)
        .ok_or(Error::NotFound)?;
    if m.user_id == user.id.0 {
        return Err(Error::Forbidden);
    }
    let a = assess::assignment(app.db.reader(), tenant, sub, user.id.0)
        .await?
        .ok_or(Error::Forbidden)?;
    let s = PeerSettings::of(&o.item);
    let now = app.now();
    if let Some(why) = s.review_closed(now) {
        return Err(Error::Conflict(why));
    }
    if a.completed_at.is_some() {
        return Err(Error::Conflict("review_already_submitted"));
    }
    let choices = f.choices.clone().unwrap_or_default();
    let score = score_review(&s.rubric, &choices)?;
    let comment = parse_comment(f.comment.as_deref())?;
    let txn = app.db.begin().await?;
    if !assess::complete_assignment(&txn, a.id, now).await? {
        return Err(Error::Conflict("review_already_submitted"));
    }
    let r = assess::insert_review(
        &txn,
        peer_review::Model {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            item_id: item,
            submission_id: sub,
            reviewer_id: user.id.0,
            choices: serde_json::to_string(&choices).map_err(Error::internal)?,
            score,
            comment,
            is_self: false,
            excluded: false,
            created_at: now,
        },
    )
    .await
    .map_err(|e| match e {
        Error::Conflict(_) => Error::Conflict("review_already_submitted"),
        e => e,
    })?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(given(&r))
}

/// Assesses one's own handed-in work (when the item asks for it, review phase).
pub async fn self_assess(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    f: ReviewForm,
) -> Result<GivenReview> {
    let o = for_learner(app, user, tenant, run, item, PEER).await?;
    let s = PeerSettings::of(&o.item);
    if !s.self_assessment {
        return Err(Error::Conflict("self_assessment_off"));
    }
    let now = app.now();
    if let Some(why) = s.review_closed(now) {
        return Err(Error::Conflict(why));
    }
    let m = assess::submission_of(app.db.reader(), tenant, item, user.id.0)
        .await?
        .filter(|m| m.status == assess::SUBMITTED)
        .ok_or(Error::Conflict("submit_first"))?;
    let choices = f.choices.clone().unwrap_or_default();
    let score = score_review(&s.rubric, &choices)?;
    let comment = parse_comment(f.comment.as_deref())?;
    let r = assess::insert_review(
        app.db.writer(),
        peer_review::Model {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            item_id: item,
            submission_id: m.id,
            reviewer_id: user.id.0,
            choices: serde_json::to_string(&choices).map_err(Error::internal)?,
            score,
            comment,
            is_self: true,
            excluded: false,
            created_at: now,
        },
    )
    .await
    .map_err(|e| match e {
        Error::Conflict(_) => Error::Conflict("review_already_submitted"),
        e => e,
    })?;
    Ok(given(&r))
}

/// The reviews a learner has to do in a peer assessment.
pub async fn my_reviews(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
) -> Result<Vec<ReviewTask>> {
    Ok(view(app, user, tenant, run, item).await?.tasks)
}

/// A submission to review, as its reviewer sees it (no author).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewPage {
    /// The submission.
    pub submission_id: Uuid,
    /// Its number in the reviewer's list.
    pub number: usize,
    /// The work, rendered and sanitised.
    pub body_html: String,
    /// The rubric.
    #[schema(value_type = Object)]
    pub rubric: Rubric,
    /// The review given, if done.
    pub review: Option<GivenReview>,
    /// Why a review cannot be given now, if so.
    pub closed: Option<String>,
}

/// Opens a submission one was assigned to review.
pub async fn review_page(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    sub: Uuid,
) -> Result<ReviewPage> {
    let o = for_learner(app, user, tenant, run, item, PEER).await?;
    let mine = assess::my_assignments(app.db.reader(), tenant, item, user.id.0).await?;
    let Some(number) = mine.iter().position(|a| a.submission_id == sub) else {
        return Err(Error::Forbidden);
    };
    let m = assess::submission(app.db.reader(), tenant, item, sub)
        .await?
        .ok_or(Error::NotFound)?;
    let s = PeerSettings::of(&o.item);
    let review = assess::reviews_of(app.db.reader(), tenant, sub)
        .await?
        .into_iter()
        .find(|r| r.reviewer_id == user.id.0)
        .map(|r| given(&r));
    Ok(ReviewPage {
        submission_id: sub,
        number: number + 1,
        body_html: content::markdown_to_html(&m.body),
        closed: s.review_closed(app.now()).map(str::to_owned),
        rubric: s.rubric,
        review,
    })
}

/// Flags a review of one's work as unfair (results phase); the course team decides.
pub async fn flag_review(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    review: Uuid,
    reason: &str,
) -> Result<()> {
    let o = for_learner(app, user, tenant, run, item, PEER).await?;
    let s = PeerSettings::of(&o.item);
    let now = app.now();
    if s.phase(now) != Phase::Results {
        return Err(Error::Conflict("results_not_out"));
    }
    let r = assess::review(app.db.reader(), tenant, item, review)
        .await?
        .ok_or(Error::NotFound)?;
    let m = assess::submission(app.db.reader(), tenant, item, r.submission_id)
        .await?
        .ok_or(Error::NotFound)?;
    if m.user_id != user.id.0 || r.is_self {
        return Err(Error::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::field("reason", "required"));
    }
    if reason.chars().count() > 2000 {
        return Err(Error::field("reason", "too_long"));
    }
    assess::insert_flag(
        app.db.writer(),
        review_flag::Model {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            item_id: item,
            review_id: review,
            flagged_by: user.id.0,
            reason: reason.to_owned(),
            status: "open".into(),
            resolution: None,
            resolved_by: None,
            resolved_at: None,
            created_at: now,
        },
    )
    .await
    .map_err(|e| match e {
        Error::Conflict(_) => Error::Conflict("already_flagged"),
        e => e,
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Results

/// What one results run did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ResultsReport {
    /// Submissions graded from their reviews.
    pub graded: usize,
    /// Submissions put in the staff queue.
    pub staff_queue: usize,
    /// Submissions whose grade the course team set (left as they are).
    pub overridden: usize,
}

/// The reviewing record of everyone in one item: (assigned, completed) per reviewer.
type Record = HashMap<Uuid, (u32, u32)>;

struct Computed {
    raw: Option<f64>,
    penalty: f64,
    points: Option<f64>,
    needs_staff: bool,
}

fn compute(
    s: &PeerSettings,
    m: &submission::Model,
    reviews: &[(f64, bool, bool)],
    record: &Record,
) -> Computed {
    let peer: Vec<f64> = reviews
        .iter()
        .filter(|(_, is_self, excluded)| !is_self && !excluded)
        .map(|r| r.0)
        .collect();
    let own = reviews.iter().find(|r| r.1).map(|r| r.0);
    let (required, completed) = record.get(&m.user_id).copied().unwrap_or((0, 0));
    let outcome = after_review_phase(s.shortfall, s.reviews_per_submission, peer.len() as u32);
    let max = s.rubric.max_points();
    let graded = match outcome {
        ReviewOutcome::Grade => grade_submission(
            &s.policy(),
            max,
            &SubmissionReviews {
                peer_scores: &peer,
                self_score: own,
                reviews_required: required.min(s.reviews_per_reviewer),
                reviews_completed: completed,
                staff_override: None,
            },
        ),
        ReviewOutcome::StaffQueue => None,
    };
    match graded {
        Some(g) => Computed {
            raw: g.peer,
            penalty: g.penalty,
            points: Some(g.points),
            needs_staff: false,
        },
        None => Computed {
            raw: None,
            penalty: 0.0,
            points: None,
            needs_staff: true,
        },
    }
}

/// Grades every handed-in submission of a peer assessment from its reviews, once results are
/// due: a submission with enough reviews (or any, under `grade_from_available`) gets the
/// median or mean of its peers' scores (with the self-assessment weighed in, minus the penalty
/// for reviews its author did not do); the others go to the staff queue. Grades the course
/// team set are kept. Reads the item in three queries and writes in chunks; every grade goes
/// to the gradebook.
pub async fn compute_results(
    app: &App,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
) -> Result<ResultsReport> {
    let Some(it) = structure::item(app.db.writer(), tenant, run, item)
        .await?
        .filter(|i| i.kind == PEER)
    else {
        return Ok(ResultsReport::default());
    };
    let s = PeerSettings::of(&it);
    let now = app.now();
    if s.phase(now) != Phase::Results {
        return Ok(ResultsReport::default());
    }
    let subs = assess::submissions_of_item(app.db.writer(), tenant, item).await?;
    let mut record: Record = HashMap::new();
    for (_, reviewer, done) in assess::assignment_keys(app.db.writer(), tenant, item).await? {
        let e = record.entry(reviewer).or_default();
        e.0 += 1;
        if done.is_some() {
            e.1 += 1;
        }
    }
    let mut by_sub: HashMap<Uuid, Vec<(f64, bool, bool)>> = HashMap::new();
    for (sub, _, score, is_self, excluded) in
        assess::review_keys(app.db.writer(), tenant, item).await?
    {
        by_sub
            .entry(sub)
            .or_default()
            .push((score, is_self, excluded));
    }
    let mut report = ResultsReport::default();
    let max = s.rubric.max_points();
    let mut graded: Vec<submission::Model> = Vec::new();
    for chunk in subs.chunks(RESULTS_CHUNK) {
        let mut rows = Vec::with_capacity(chunk.len());
        for m in chunk {
            if m.override_points.is_some() {
                report.overridden += 1;
                continue;
            }
            let c = compute(
                &s,
                m,
                by_sub.get(&m.id).map_or(&[][..], Vec::as_slice),
                &record,
            );
            rows.push(assess::PeerGrade {
                id: m.id,
                raw: c.raw,
                penalty: c.penalty,
                points: c.points,
            });
            if c.points.is_some() {
                report.graded += 1;
                graded.push(submission::Model {
                    points: c.points,
                    max_points: max,
                    ..m.clone()
                });
            } else {
                report.staff_queue += 1;
            }
        }
        assess::set_peer_grades(app.db.writer(), tenant, &rows, max, now).await?;
    }
    for m in &graded {
        report_grade(app, tenant, m).await?;
    }
    Ok(report)
}

/// Recomputes one submission's grade after a review was set aside (results phase only).
async fn regrade_one(
    app: &App,
    tenant: TenantId,
    it: &course_item::Model,
    sub: Uuid,
) -> Result<()> {
    let s = PeerSettings::of(it);
    let now = app.now();
    if s.phase(now) != Phase::Results {
        return Ok(());
    }
    let Some(m) = assess::submission(app.db.writer(), tenant, it.id, sub).await? else {
        return Ok(());
    };
    if m.override_points.is_some() {
        return Ok(());
    }
    let reviews: Vec<(f64, bool, bool)> = assess::reviews_of(app.db.writer(), tenant, sub)
        .await?
        .iter()
        .map(|r| (r.score, r.is_self, r.excluded))
        .collect();
    let mine = assess::my_assignments(app.db.writer(), tenant, it.id, m.user_id).await?;
    let mut record: Record = HashMap::new();
    record.insert(
        m.user_id,
        (
            mine.len() as u32,
            mine.iter().filter(|a| a.completed_at.is_some()).count() as u32,
        ),
    );
    let c = compute(&s, &m, &reviews, &record);
    assess::set_peer_grade(
        app.db.writer(),
        m.id,
        c.raw,
        c.penalty,
        c.points,
        c.needs_staff,
        now,
    )
    .await?;
    if c.points.is_some() {
        report_grade(
            app,
            tenant,
            &submission::Model {
                points: c.points,
                max_points: s.rubric.max_points(),
                ..m
            },
        )
        .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The course team: flags, staff queue, overrides

/// An open flag, for the course team.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FlagEntry {
    /// Id.
    pub id: Uuid,
    /// The review flagged.
    pub review_id: Uuid,
    /// The submission it reviews.
    pub submission_id: Uuid,
    /// Why the learner finds it unfair.
    pub reason: String,
    /// The review's score.
    pub score: f64,
    /// The review's comment.
    pub comment: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The open flags of a peer assessment (graders), oldest first, at most 200.
pub async fn open_flags(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
) -> Result<Vec<FlagEntry>> {
    for_grader(app, user, tenant, run, item, PEER).await?;
    let flags = assess::open_flags(app.db.reader(), tenant, item, 200).await?;
    let mut out = Vec::with_capacity(flags.len());
    for f in flags {
        if let Some(r) = assess::review(app.db.reader(), tenant, item, f.review_id).await? {
            out.push(FlagEntry {
                id: f.id,
                review_id: r.id,
                submission_id: r.submission_id,
                reason: f.reason,
                score: r.score,
                comment: r.comment,
                created_at: f.created_at,
            });
        }
    }
    Ok(out)
}

/// A grader's decision on a flag.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagDecision {
    /// `uphold` (the review stops counting) or `dismiss`.
    pub decision: Option<String>,
    /// A note for the record.
    pub resolution: Option<String>,
}

/// Resolves an open flag (graders). Upholding it sets the review aside and regrades the work.
pub async fn resolve_flag(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    flag: Uuid,
    d: FlagDecision,
) -> Result<()> {
    let o = for_grader(app, user, tenant, run, item, PEER).await?;
    let uphold = match d.decision.as_deref().map(str::trim) {
        Some("uphold") => true,
        Some("dismiss") => false,
        _ => return Err(Error::field("decision", "choice_invalid")),
    };
    let note = d.resolution.unwrap_or_default().trim().to_owned();
    if note.chars().count() > 2000 {
        return Err(Error::field("resolution", "too_long"));
    }
    let f = assess::flag(app.db.reader(), tenant, item, flag)
        .await?
        .ok_or(Error::NotFound)?;
    let r = assess::review(app.db.reader(), tenant, item, f.review_id)
        .await?
        .ok_or(Error::NotFound)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let status = if uphold { "upheld" } else { "dismissed" };
    if !assess::resolve_flag(&txn, flag, status, &note, user.id.0, now).await? {
        return Err(Error::Conflict("flag_resolved"));
    }
    if uphold {
        assess::exclude_review(&txn, r.id, true).await?;
    }
    txn.commit().await.map_err(Error::internal)?;
    if uphold {
        regrade_one(app, tenant, &o.item, r.submission_id).await?;
    }
    Ok(())
}

/// A grade set by the course team.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideForm {
    /// The grade (0 to the rubric's maximum).
    pub points: Option<f64>,
    /// Why (kept in the trail).
    pub reason: Option<String>,
}

/// Sets a submission's grade by hand (graders): it wins over the peers' and is kept in the
/// trail; the staff queue no longer holds the submission.
pub async fn override_grade(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    sub: Uuid,
    f: OverrideForm,
) -> Result<SubmissionView> {
    let o = for_grader(app, user, tenant, run, item, PEER).await?;
    let s = PeerSettings::of(&o.item);
    let max = s.rubric.max_points();
    let points = f.points.ok_or_else(|| Error::field("points", "required"))?;
    if !points.is_finite() || points < 0.0 || points > max {
        return Err(Error::field("points", "out_of_range"));
    }
    let reason = f.reason.unwrap_or_default().trim().to_owned();
    if reason.is_empty() {
        return Err(Error::field("reason", "required"));
    }
    if reason.chars().count() > 2000 {
        return Err(Error::field("reason", "too_long"));
    }
    let mut m = assess::submission(app.db.reader(), tenant, item, sub)
        .await?
        .filter(|m| m.status == assess::SUBMITTED)
        .ok_or(Error::NotFound)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    assess::insert_override(
        &txn,
        grade_override::Model {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            submission_id: sub,
            points,
            reason,
            created_by: user.id.0,
            created_at: now,
        },
    )
    .await?;
    m.override_points = Some(points);
    m.points = Some(points);
    m.penalty = 0.0;
    m.max_points = max;
    m.needs_staff = false;
    m.grade_source = Some("override".into());
    m.graded_by = Some(user.id.0);
    m.graded_at = Some(now);
    m.updated_at = now;
    let m = assess::save_submission(&txn, m).await?;
    txn.commit().await.map_err(Error::internal)?;
    report_grade(app, tenant, &m).await?;
    Ok(SubmissionView::of(&m, true))
}

/// Peer-assessment grades go to the gradebook the way assignment grades do (one submission
/// row, its points and maximum).
async fn report_grade(app: &App, tenant: TenantId, m: &submission::Model) -> Result<()> {
    super::assignments::report_grade(app, tenant, m).await
}
