//! The course team's side: open flags and their decisions (an upheld flag sets the review
//! aside and regrades the work), and grades set by hand.

use super::results::regrade_one;
use super::settings::PeerSettings;
use crate::assessment::submissions::{for_grader, report_grade, SubmissionView};
use crate::{App, Caller};
use amphi_core::assessment::{FlagStatus, SubmissionStatus};
use amphi_core::course::ItemKind;
use amphi_core::{codes, Error, ItemId, Result, RunId, SubmissionId};
use amphi_db::repo::{peer as repo_p, submissions as repo_s};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
    caller: &Caller,
    run: RunId,
    item: ItemId,
) -> Result<Vec<FlagEntry>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    for_grader(app, user, tenant, run, item, ItemKind::Peer).await?;
    let flags = repo_p::open_flags(app.db.reader(), tenant, item, 200).await?;
    let mut out = Vec::with_capacity(flags.len());
    for f in flags {
        if let Some(r) = repo_p::review(app.db.reader(), tenant, item, f.review_id).await? {
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
    caller: &Caller,
    run: RunId,
    item: ItemId,
    flag: Uuid,
    d: FlagDecision,
) -> Result<()> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let o = for_grader(app, user, tenant, run, item, ItemKind::Peer).await?;
    let uphold = match d.decision.as_deref().map(str::trim) {
        Some("uphold") => true,
        Some("dismiss") => false,
        _ => return Err(Error::field("decision", codes::CHOICE_INVALID)),
    };
    let note = d.resolution.unwrap_or_default().trim().to_owned();
    if note.chars().count() > 2000 {
        return Err(Error::field("resolution", codes::TOO_LONG));
    }
    let f = repo_p::flag(app.db.reader(), tenant, item, flag)
        .await?
        .ok_or(Error::NotFound)?;
    let r = repo_p::review(app.db.reader(), tenant, item, f.review_id)
        .await?
        .ok_or(Error::NotFound)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let status = if uphold {
        FlagStatus::Upheld
    } else {
        FlagStatus::Dismissed
    };
    if !repo_p::resolve_flag(&txn, tenant, flag, status, &note, user.id.0, now).await? {
        return Err(Error::Conflict(codes::FLAG_RESOLVED));
    }
    if uphold {
        repo_p::exclude_review(&txn, tenant, r.id, true).await?;
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
    caller: &Caller,
    run: RunId,
    item: ItemId,
    sub: SubmissionId,
    f: OverrideForm,
) -> Result<SubmissionView> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item, sub) = (run.0, item.0, sub.0);
    let o = for_grader(app, user, tenant, run, item, ItemKind::Peer).await?;
    let s = PeerSettings::of(&o.item);
    let max = s.rubric.max_points();
    let points = f
        .points
        .ok_or_else(|| Error::field("points", codes::REQUIRED))?;
    if !points.is_finite() || points < 0.0 || points > max {
        return Err(Error::field("points", codes::OUT_OF_RANGE));
    }
    let reason = f.reason.unwrap_or_default().trim().to_owned();
    if reason.is_empty() {
        return Err(Error::field("reason", codes::REQUIRED));
    }
    if reason.chars().count() > 2000 {
        return Err(Error::field("reason", codes::TOO_LONG));
    }
    let mut m = repo_s::submission(app.db.reader(), tenant, item, sub)
        .await?
        .filter(|m| matches!(m.status(), Ok(SubmissionStatus::Submitted)))
        .ok_or(Error::NotFound)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    repo_p::insert_override(
        &txn,
        tenant,
        rows::GradeOverride {
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
    let m = repo_s::save_submission(&txn, tenant, m).await?;
    txn.commit().await.map_err(Error::internal)?;
    report_grade(app, tenant, &m).await?;
    Ok(SubmissionView::of(&m, true))
}
