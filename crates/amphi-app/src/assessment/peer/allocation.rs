//! Allocating reviews: every handed-in submission and every assignment so far go to
//! `amphi_core::peer::allocate`; only the new pairs are stored.

use super::settings::{AllocateReviews, PeerSettings, Phase};
use crate::jobs::{Job, JobContext, JobError};
use crate::App;
use amphi_core::course::ItemKind;
use amphi_core::peer::{
    allocate, eligible_reviewers, AllocationRequest, AllocationSettings, Assignment, Submission,
};
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{peer as repo_p, structure};
use serde::Serialize;
use uuid::Uuid;

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

impl Job for AllocateReviews {
    async fn run(self, cx: &JobContext<'_>) -> std::result::Result<(), JobError> {
        let report = allocate_reviews(cx.app, cx.tenant()?, self.0.run, self.0.item).await?;
        cx.keep_result(&report).await
    }
}

fn seed_of(item: Uuid) -> u64 {
    let b = item.as_bytes();
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[8..16]);
    u64::from_le_bytes(x)
}

/// Allocates the reviews of a peer assessment in the review phase: every handed-in submission
/// and every assignment made so far go to `amphi_core::peer::allocate`; only the new
/// assignments are inserted (in bulk: `repo_p::insert_assignments`), in one transaction that
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
    repo_p::lock_item(&txn, tenant, item).await?;
    let Some(it) = structure::item(&txn, tenant, run, item)
        .await?
        .filter(|i| matches!(i.kind(), Ok(ItemKind::Peer)))
    else {
        return Ok(AllocationReport::default());
    };
    let s = PeerSettings::of(&it);
    if s.phase(now) != Phase::Review {
        return Ok(AllocationReport::default());
    }
    let keys = repo_p::submission_keys(&txn, tenant, item).await?;
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
    let existing: Vec<Assignment<Uuid, Uuid>> = repo_p::assignment_keys(&txn, tenant, item)
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
    let n = repo_p::insert_assignments(&txn, tenant, item, now, &new).await?;
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
