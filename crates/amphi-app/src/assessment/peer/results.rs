//! Results: every handed-in submission graded from its reviews once results are due (the
//! `peer.results` job), and one submission regraded after a review was set aside.

use super::settings::{ComputeResults, PeerSettings, Phase};
use crate::assessment::submissions::report_grade;
use crate::jobs::{Job, JobContext, JobError};
use crate::App;
use amphi_core::course::ItemKind;
use amphi_core::peer::{after_review_phase, grade_submission, ReviewOutcome, SubmissionReviews};
use amphi_core::{Result, TenantId};
use amphi_db::repo::{peer as repo_p, structure, submissions as repo_s};
use amphi_db::rows;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Submissions graded per statement by the results job (about 13 bound values each).
const RESULTS_CHUNK: usize = 500;

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

impl Job for ComputeResults {
    async fn run(self, cx: &JobContext<'_>) -> std::result::Result<(), JobError> {
        let report = compute_results(cx.app, cx.tenant()?, self.0.run, self.0.item).await?;
        cx.keep_result(&report).await
    }
}

/// The reviewing record of everyone in one item: (assigned, completed) per reviewer.
type Record = HashMap<Uuid, (u32, u32)>;

/// The grade of one submission from its reviews; without points it waits for the course team.
fn compute(
    s: &PeerSettings,
    m: &rows::Submission,
    reviews: &[(f64, bool, bool)],
    record: &Record,
) -> repo_p::PeerGrade {
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
        Some(g) => repo_p::PeerGrade {
            id: m.id,
            raw: g.peer,
            penalty: g.penalty,
            points: Some(g.points),
        },
        None => repo_p::PeerGrade {
            id: m.id,
            raw: None,
            penalty: 0.0,
            points: None,
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
        .filter(|i| matches!(i.kind(), Ok(ItemKind::Peer)))
    else {
        return Ok(ResultsReport::default());
    };
    let s = PeerSettings::of(&it);
    let now = app.now();
    if s.phase(now) != Phase::Results {
        return Ok(ResultsReport::default());
    }
    let subs = repo_s::submissions_of_item(app.db.writer(), tenant, item).await?;
    let mut record: Record = HashMap::new();
    for (_, reviewer, done) in repo_p::assignment_keys(app.db.writer(), tenant, item).await? {
        let e = record.entry(reviewer).or_default();
        e.0 += 1;
        if done.is_some() {
            e.1 += 1;
        }
    }
    let mut by_sub: HashMap<Uuid, Vec<(f64, bool, bool)>> = HashMap::new();
    for (sub, _, score, is_self, excluded) in
        repo_p::review_keys(app.db.writer(), tenant, item).await?
    {
        by_sub
            .entry(sub)
            .or_default()
            .push((score, is_self, excluded));
    }
    let mut report = ResultsReport::default();
    let max = s.rubric.max_points();
    let mut graded: Vec<rows::Submission> = Vec::new();
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
            rows.push(c);
            if c.points.is_some() {
                report.graded += 1;
                graded.push(rows::Submission {
                    points: c.points,
                    max_points: max,
                    ..m.clone()
                });
            } else {
                report.staff_queue += 1;
            }
        }
        repo_p::set_peer_grades(app.db.writer(), tenant, &rows, max, now).await?;
    }
    for m in &graded {
        report_grade(app, tenant, m).await?;
    }
    Ok(report)
}

/// Recomputes one submission's grade after a review was set aside (results phase only).
pub(super) async fn regrade_one(
    app: &App,
    tenant: TenantId,
    it: &rows::CourseItem,
    sub: Uuid,
) -> Result<()> {
    let s = PeerSettings::of(it);
    let now = app.now();
    if s.phase(now) != Phase::Results {
        return Ok(());
    }
    let Some(m) = repo_s::submission(app.db.writer(), tenant, it.id, sub).await? else {
        return Ok(());
    };
    if m.override_points.is_some() {
        return Ok(());
    }
    let reviews: Vec<(f64, bool, bool)> = repo_p::reviews_of(app.db.writer(), tenant, sub)
        .await?
        .iter()
        .map(|r| (r.score, r.is_self, r.excluded))
        .collect();
    let mine = repo_p::my_assignments(app.db.writer(), tenant, it.id, m.user_id).await?;
    let mut record: Record = HashMap::new();
    record.insert(
        m.user_id,
        (
            mine.len() as u32,
            mine.iter().filter(|a| a.completed_at.is_some()).count() as u32,
        ),
    );
    let c = compute(&s, &m, &reviews, &record);
    repo_p::set_peer_grade(app.db.writer(), tenant, c, now).await?;
    if c.points.is_some() {
        report_grade(
            app,
            tenant,
            &rows::Submission {
                points: c.points,
                max_points: s.rubric.max_points(),
                ..m
            },
        )
        .await?;
    }
    Ok(())
}
