//! The learner's side of a peer assessment: the item page (phase, their work, reviews to do,
//! reviews received), handing in work, and volunteering for extra reviews.

use super::settings::{allocate_again, PeerSettings, Phase};
use crate::assessment::submissions::{
    for_learner, save_work, work_page, work_to_hand_in, HandIn, SubmissionView, SubmitForm,
};
use crate::courses::content;
use crate::{App, Caller};
use amphi_core::assessment::SubmissionStatus;
use amphi_core::course::ItemKind;
use amphi_core::{codes, Error, ItemId, Result, RunId};
use amphi_db::repo::{peer as repo_p, submissions as repo_s};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

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
pub async fn view(app: &App, caller: &Caller, run: RunId, item: ItemId) -> Result<PeerView> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let (_, s, now, mine) = work_page::<PeerSettings>(app, user, tenant, (run, item)).await?;
    let phase = s.phase(now);
    let tasks = repo_p::my_assignments(app.db.reader(), tenant, item, user.id.0)
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
        let reviews = repo_p::reviews_of(app.db.reader(), tenant, m.id).await?;
        self_done = reviews.iter().any(|r| r.is_self);
        if phase == Phase::Results {
            let flags = repo_p::flags_by(app.db.reader(), tenant, item, user.id.0).await?;
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
    let submitted = mine
        .as_ref()
        .is_some_and(|m| matches!(m.status(), Ok(SubmissionStatus::Submitted)));
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
    caller: &Caller,
    run: RunId,
    item: ItemId,
    f: SubmitForm,
) -> Result<SubmissionView> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let (o, s, now) = work_to_hand_in::<PeerSettings>(app, user, tenant, (run, item)).await?;
    let phase = s.phase(now);
    let before = repo_s::submission_of(app.db.reader(), tenant, item, user.id.0).await?;
    if phase != Phase::Submission
        && before
            .as_ref()
            .is_some_and(|b| matches!(b.status(), Ok(SubmissionStatus::Submitted)))
        && !f.draft.unwrap_or(false)
    {
        // Reviewers may be reading it: it no longer changes.
        return Err(Error::Conflict(codes::SUBMISSION_LOCKED));
    }
    let h = HandIn {
        max_points: s.rubric.max_points(),
        late_days: 0,
        has_files: false,
    };
    let m = save_work(app, user, tenant, &o, &f, h).await?;
    if phase == Phase::Review && m.status()? == SubmissionStatus::Submitted {
        allocate_again(app.db.writer(), tenant, run, item, now).await?;
    }
    Ok(SubmissionView::of(&m, false))
}

/// Offers to review `extra` more submissions (0 withdraws the offer), up to the item's limit.
pub async fn volunteer(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    extra: u32,
) -> Result<i32> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let o = for_learner(app, user, tenant, run, item, ItemKind::Peer).await?;
    let s = PeerSettings::of(&o.item);
    let now = app.now();
    if extra > s.max_extra {
        return Err(Error::field("extra", codes::OUT_OF_RANGE));
    }
    if matches!(s.phase(now), Phase::Closed | Phase::Results) {
        return Err(Error::Conflict(codes::REVIEW_CLOSED));
    }
    let mut m = repo_s::submission_of(app.db.reader(), tenant, item, user.id.0)
        .await?
        .filter(|m| matches!(m.status(), Ok(SubmissionStatus::Submitted)))
        .ok_or(Error::Conflict(codes::SUBMIT_FIRST))?;
    m.extra_reviews = extra as i32;
    m.updated_at = now;
    repo_s::save_submission(app.db.writer(), tenant, m).await?;
    if s.phase(now) == Phase::Review && extra > 0 {
        allocate_again(app.db.writer(), tenant, run, item, now).await?;
    }
    Ok(extra as i32)
}
