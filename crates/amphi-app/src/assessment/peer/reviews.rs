//! Reviews: given to work one was assigned, self-assessment, the review page, and flags on
//! reviews of one's own work that seem unfair.

use super::learner::{view, ReviewTask};
use super::settings::{PeerSettings, Phase};
use crate::assessment::submissions::for_learner;
use crate::courses::content;
use crate::{App, Caller};
use amphi_core::assessment::{FlagStatus, SubmissionStatus};
use amphi_core::course::ItemKind;
use amphi_core::peer::{score_review, Rubric};
use amphi_core::{codes, Error, ItemId, Result, RunId, SubmissionId, TenantId};
use amphi_db::repo::{peer as repo_p, submissions as repo_s};
use amphi_db::{rows, Conn};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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

fn given(r: &rows::PeerReview) -> GivenReview {
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
        return Err(Error::field("comment", codes::TOO_LONG));
    }
    if content::has_unsafe_html(&c) {
        return Err(Error::field("comment", codes::UNSAFE_HTML));
    }
    Ok(c)
}

/// A review as given (rubric levels and comment checked), as it will be stored: of submission
/// `sub` of `item`, by `reviewer`.
fn review_row(
    s: &PeerSettings,
    f: &ReviewForm,
    (tenant, item, sub, reviewer): (TenantId, Uuid, Uuid, Uuid),
    is_self: bool,
    now: DateTime<Utc>,
) -> Result<rows::PeerReview> {
    let choices = f.choices.clone().unwrap_or_default();
    Ok(rows::PeerReview {
        id: Uuid::now_v7(),
        tenant_id: tenant.0,
        item_id: item,
        submission_id: sub,
        reviewer_id: reviewer,
        score: score_review(&s.rubric, &choices)?,
        choices: serde_json::to_string(&choices).map_err(Error::internal)?,
        comment: parse_comment(f.comment.as_deref())?,
        is_self,
        excluded: false,
        created_at: now,
    })
}

/// Stores a review; a second one of the same work by the same reviewer is refused (the unique
/// index).
async fn store_review(c: &impl Conn, r: rows::PeerReview) -> Result<GivenReview> {
    let r = repo_p::insert_review(c, TenantId(r.tenant_id), r)
        .await
        .map_err(|e| match e {
            Error::Conflict(_) => Error::Conflict(codes::REVIEW_ALREADY_SUBMITTED),
            e => e,
        })?;
    Ok(given(&r))
}

/// Reviews a submission one was assigned (review phase). One's own work and work not assigned
/// are refused (403), a level out of range or a missing one (422), a second review of the same
/// work (409); nothing is stored then.
pub async fn submit_review(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    sub: SubmissionId,
    f: ReviewForm,
) -> Result<GivenReview> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item, sub) = (run.0, item.0, sub.0);
    let o = for_learner(app, user, tenant, run, item, ItemKind::Peer).await?;
    let m = repo_s::submission(app.db.reader(), tenant, item, sub)
        .await?
        .filter(|m| matches!(m.status(), Ok(SubmissionStatus::Submitted)))
        .ok_or(Error::NotFound)?;
    if m.user_id == user.id.0 {
        return Err(Error::Forbidden);
    }
    let a = repo_p::assignment(app.db.reader(), tenant, sub, user.id.0)
        .await?
        .ok_or(Error::Forbidden)?;
    let s = PeerSettings::of(&o.item);
    let now = app.now();
    if let Some(why) = s.review_closed(now) {
        return Err(Error::Conflict(why));
    }
    if a.completed_at.is_some() {
        return Err(Error::Conflict(codes::REVIEW_ALREADY_SUBMITTED));
    }
    let r = review_row(&s, &f, (tenant, item, sub, user.id.0), false, now)?;
    let txn = app.db.begin().await?;
    if !repo_p::complete_assignment(&txn, tenant, a.id, now).await? {
        return Err(Error::Conflict(codes::REVIEW_ALREADY_SUBMITTED));
    }
    let r = store_review(&txn, r).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(r)
}

/// Assesses one's own handed-in work (when the item asks for it, review phase).
pub async fn self_assess(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    f: ReviewForm,
) -> Result<GivenReview> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let o = for_learner(app, user, tenant, run, item, ItemKind::Peer).await?;
    let s = PeerSettings::of(&o.item);
    if !s.self_assessment {
        return Err(Error::Conflict(codes::SELF_ASSESSMENT_OFF));
    }
    let now = app.now();
    if let Some(why) = s.review_closed(now) {
        return Err(Error::Conflict(why));
    }
    let m = repo_s::submission_of(app.db.reader(), tenant, item, user.id.0)
        .await?
        .filter(|m| matches!(m.status(), Ok(SubmissionStatus::Submitted)))
        .ok_or(Error::Conflict(codes::SUBMIT_FIRST))?;
    let r = review_row(&s, &f, (tenant, item, m.id, user.id.0), true, now)?;
    store_review(app.db.writer(), r).await
}

/// The reviews a learner has to do in a peer assessment.
pub async fn my_reviews(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
) -> Result<Vec<ReviewTask>> {
    Ok(view(app, caller, run, item).await?.tasks)
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
    caller: &Caller,
    run: RunId,
    item: ItemId,
    sub: SubmissionId,
) -> Result<ReviewPage> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item, sub) = (run.0, item.0, sub.0);
    let o = for_learner(app, user, tenant, run, item, ItemKind::Peer).await?;
    let mine = repo_p::my_assignments(app.db.reader(), tenant, item, user.id.0).await?;
    let Some(number) = mine.iter().position(|a| a.submission_id == sub) else {
        return Err(Error::Forbidden);
    };
    let m = repo_s::submission(app.db.reader(), tenant, item, sub)
        .await?
        .ok_or(Error::NotFound)?;
    let s = PeerSettings::of(&o.item);
    let review = repo_p::reviews_of(app.db.reader(), tenant, sub)
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
    caller: &Caller,
    run: RunId,
    item: ItemId,
    review: Uuid,
    reason: &str,
) -> Result<()> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let o = for_learner(app, user, tenant, run, item, ItemKind::Peer).await?;
    let s = PeerSettings::of(&o.item);
    let now = app.now();
    if s.phase(now) != Phase::Results {
        return Err(Error::Conflict(codes::RESULTS_NOT_OUT));
    }
    let r = repo_p::review(app.db.reader(), tenant, item, review)
        .await?
        .ok_or(Error::NotFound)?;
    let m = repo_s::submission(app.db.reader(), tenant, item, r.submission_id)
        .await?
        .ok_or(Error::NotFound)?;
    if m.user_id != user.id.0 || r.is_self {
        return Err(Error::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::field("reason", codes::REQUIRED));
    }
    if reason.chars().count() > 2000 {
        return Err(Error::field("reason", codes::TOO_LONG));
    }
    repo_p::insert_flag(
        app.db.writer(),
        tenant,
        rows::ReviewFlag {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            item_id: item,
            review_id: review,
            flagged_by: user.id.0,
            reason: reason.to_owned(),
            status: FlagStatus::Open.as_str().into(),
            resolution: None,
            resolved_by: None,
            resolved_at: None,
            created_at: now,
        },
    )
    .await
    .map_err(|e| match e {
        Error::Conflict(_) => Error::Conflict(codes::ALREADY_FLAGGED),
        e => e,
    })?;
    Ok(())
}
