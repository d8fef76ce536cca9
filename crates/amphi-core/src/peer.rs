//! Peer assessment: rubrics, the allocation of peer reviews at MOOC scale, what happens to a
//! submission that could not get enough reviews, and the grade of a submission from its
//! reviews. Pure functions over plain values; ids are generic (`S` for submissions, `U` for
//! people) so the database ids and the tests use the same code.
//!
//! # Allocation
//!
//! [`allocate`] adds assignments (reviewer, submission) and never removes one: it is run when
//! the review phase opens and again whenever late submitters arrive, each time with the
//! assignments made so far. Its rules:
//!
//! - nobody reviews their own submission, and no pair is assigned twice;
//! - a submission never gets more than `k` reviews, and gets exactly `k` when enough reviewers
//!   with spare capacity exist; otherwise it is reported in [`Allocation::short`];
//! - a peer reviews at most `m` submissions, a volunteer `m + extra`, a staff member the
//!   capacity they gave; staff are only used when no peer or volunteer can take a review;
//! - each review goes to the least-loaded reviewer who may take it (existing assignments
//!   count), so on a fresh allocation every peer gets the same load, and later a reviewer's load
//!   never exceeds by more than one the load of a peer who could have taken its last review.
//!
//! Algorithm, for `n` submissions: the "fresh" submitters (nothing assigned to or by them yet)
//! are shuffled with a seeded SplitMix64 and each reviews the `min(k, m)` next ones in that
//! circle (a circulant scheme: exact, every load equal, O(n·k)); every remaining need (late
//! submitters, volunteers' and staff's extra reviews) is served in submission order from a
//! min-heap of reviewers keyed by (tier, load, random rank), O(n·k·log n). The same input and
//! seed always give the same output.

use crate::codes;
use crate::error::{Error, Fields, Result};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::hash::Hash;

// ---------------------------------------------------------------------------------------------
// Rubrics
// ---------------------------------------------------------------------------------------------

/// One level of a rubric criterion, such as "Clear argument — 4 points".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    /// What the reviewer reads.
    pub label: String,
    /// Points for choosing this level (finite, >= 0).
    pub points: f64,
}

/// One criterion of a rubric: the reviewer chooses exactly one of its levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// What is judged.
    pub title: String,
    /// The levels, at least two, with distinct points.
    pub levels: Vec<Level>,
}

/// A rubric: the score of a review is the sum of the points of the chosen levels.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rubric {
    /// The criteria, at least one.
    pub criteria: Vec<Criterion>,
}

impl Rubric {
    /// Refuses a rubric without criteria, a criterion with fewer than two levels, negative or
    /// non-finite points and equal points twice in one criterion. Field names are
    /// `criteria`, `criteria.{i}.levels` and `criteria.{i}.levels.{j}.points`.
    pub fn validate(&self) -> Result<()> {
        let mut f = Fields::new();
        if self.criteria.is_empty() {
            f.push("criteria", codes::RUBRIC_EMPTY);
        }
        for (i, c) in self.criteria.iter().enumerate() {
            if c.levels.len() < 2 {
                f.push(
                    &format!("criteria.{i}.levels"),
                    codes::RUBRIC_LEVELS_TOO_FEW,
                );
            }
            for (j, l) in c.levels.iter().enumerate() {
                let field = format!("criteria.{i}.levels.{j}.points");
                if !l.points.is_finite() || l.points < 0.0 {
                    f.push(&field, codes::RUBRIC_POINTS_INVALID);
                } else if c.levels[..j].iter().any(|o| o.points == l.points) {
                    f.push(&field, codes::RUBRIC_POINTS_DUPLICATE);
                }
            }
        }
        f.finish()
    }

    /// The highest score a review can give: the sum of each criterion's best level.
    pub fn max_points(&self) -> f64 {
        self.criteria
            .iter()
            .map(|c| {
                c.levels
                    .iter()
                    .map(|l| l.points)
                    .filter(|p| p.is_finite() && *p >= 0.0)
                    .fold(0.0, f64::max)
            })
            .sum()
    }
}

/// The score of one review: the sum of the points of the chosen levels, one level index per
/// criterion in rubric order. A criterion without a choice (`None`, or a slice too short) is
/// refused with `rubric_incomplete`; an index out of range, or a choice for a criterion the
/// rubric does not have, with `rubric_level_invalid` (field `criteria.{i}`).
pub fn score_review(rubric: &Rubric, chosen: &[Option<usize>]) -> Result<f64> {
    let mut f = Fields::new();
    if rubric.criteria.is_empty() {
        f.push("criteria", codes::RUBRIC_EMPTY);
    }
    let mut total = 0.0;
    for (i, c) in rubric.criteria.iter().enumerate() {
        match chosen.get(i).copied().flatten() {
            None => f.push(&format!("criteria.{i}"), codes::RUBRIC_INCOMPLETE),
            Some(j) => match c.levels.get(j) {
                Some(l) if l.points.is_finite() && l.points >= 0.0 => total += l.points,
                _ => f.push(&format!("criteria.{i}"), codes::RUBRIC_LEVEL_INVALID),
            },
        }
    }
    for (i, c) in chosen.iter().enumerate().skip(rubric.criteria.len()) {
        if c.is_some() {
            f.push(&format!("criteria.{i}"), codes::RUBRIC_LEVEL_INVALID);
        }
    }
    f.finish()?;
    Ok(total)
}

// ---------------------------------------------------------------------------------------------
// Allocation
// ---------------------------------------------------------------------------------------------

/// What the allocator needs to know about one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission<S, U> {
    /// The submission.
    pub id: S,
    /// Who submitted it (never assigned to review it).
    pub author: U,
    /// Submission order (a timestamp or a sequence): earlier submissions are served first.
    pub order: i64,
}

/// How much reviewing one person may be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ReviewerKind {
    /// A learner who submitted: up to `m` reviews, kept within one of the other peers.
    Peer,
    /// A peer who asked for more: up to `m + extra` reviews.
    Volunteer {
        /// Reviews accepted beyond `m`.
        extra: u32,
    },
    /// A course team member: up to `capacity` reviews, only when no peer can take them.
    Staff {
        /// Reviews accepted in total.
        capacity: u32,
    },
}

/// One eligible reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reviewer<U> {
    /// The person.
    pub id: U,
    /// Their capacity.
    pub kind: ReviewerKind,
}

/// One review to do: `reviewer` reviews `submission`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Assignment<S, U> {
    /// The submission to review.
    pub submission: S,
    /// Who reviews it.
    pub reviewer: U,
}

/// The numbers of an allocation, set by the instructor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationSettings {
    /// `k`: reviews wanted per submission (1..=20, default 3).
    pub reviews_per_submission: u32,
    /// `m`: reviews required of each peer reviewer, also the most a peer is given (0..=100,
    /// default 3).
    pub reviews_per_reviewer: u32,
    /// Seed of the shuffle and of tie-breaking; keep it per assessment so re-runs agree.
    pub seed: u64,
}

impl Default for AllocationSettings {
    fn default() -> Self {
        Self {
            reviews_per_submission: 3,
            reviews_per_reviewer: 3,
            seed: 0,
        }
    }
}

impl AllocationSettings {
    /// Refuses `k` outside 1..=20 and `m` above 100 (`out_of_range`).
    pub fn validate(&self) -> Result<()> {
        let mut f = Fields::new();
        if !(1..=20).contains(&self.reviews_per_submission) {
            f.push("reviews_per_submission", codes::OUT_OF_RANGE);
        }
        if self.reviews_per_reviewer > 100 {
            f.push("reviews_per_reviewer", codes::OUT_OF_RANGE);
        }
        f.finish()
    }
}

/// Everything [`allocate`] reads.
#[derive(Debug, Clone, Copy)]
pub struct AllocationRequest<'a, S, U> {
    /// `k`, `m` and the seed.
    pub settings: AllocationSettings,
    /// Every submission of the assessment (ids distinct), including those already allocated.
    pub submissions: &'a [Submission<S, U>],
    /// The people who may be given reviews (ids distinct); see [`eligible_reviewers`].
    pub reviewers: &'a [Reviewer<U>],
    /// Assignments made by earlier runs; kept, and counted in loads and review counts.
    pub existing: &'a [Assignment<S, U>],
}

/// A submission that has fewer than `k` reviews after allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall<S> {
    /// The submission.
    pub submission: S,
    /// Reviews it has (existing and new).
    pub reviews: u32,
    /// Reviews missing to reach `k`.
    pub missing: u32,
}

/// The result of [`allocate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation<S, U> {
    /// The new assignments only, in the order they were made.
    pub assignments: Vec<Assignment<S, U>>,
    /// Submissions still below `k` reviews, in input order: no eligible reviewer with spare
    /// capacity is left for them.
    pub short: Vec<Shortfall<S>>,
}

/// The usual reviewer list: every distinct author as a peer (a volunteer when listed in
/// `volunteers` with extra > 0), then the staff members who are not authors, each with the
/// capacity they gave. Volunteers who did not submit are not eligible.
pub fn eligible_reviewers<S, U>(
    submissions: &[Submission<S, U>],
    volunteers: &[(U, u32)],
    staff: &[(U, u32)],
) -> Vec<Reviewer<U>>
where
    U: Copy + Eq + Hash,
{
    let extra: HashMap<U, u32> = volunteers.iter().copied().collect();
    let mut seen = HashSet::with_capacity(submissions.len() + staff.len());
    let mut out = Vec::with_capacity(submissions.len() + staff.len());
    for s in submissions {
        if seen.insert(s.author) {
            let kind = match extra.get(&s.author) {
                Some(&e) if e > 0 => ReviewerKind::Volunteer { extra: e },
                _ => ReviewerKind::Peer,
            };
            out.push(Reviewer { id: s.author, kind });
        }
    }
    for &(id, capacity) in staff {
        if seen.insert(id) {
            out.push(Reviewer {
                id,
                kind: ReviewerKind::Staff { capacity },
            });
        }
    }
    out
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, well-mixed generator; enough for a
/// fair shuffle, not for secrets.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (Lemire's multiply-shift; the bias is below 2^-32 for our sizes).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// Internal state of one reviewer.
struct Slot {
    /// 0 peers and volunteers, 1 staff.
    tier: u8,
    cap: usize,
    load: usize,
    rank: u64,
}

/// Allocates peer reviews; see the [module documentation](self) for the rules and the
/// algorithm. Returns only the new assignments. Refuses bad settings (`out_of_range`) and
/// duplicate ids (`submission_duplicate`, `reviewer_duplicate`). Existing assignments that name
/// unknown submissions still count in their reviewer's load; those that name unknown reviewers
/// still count for their submission.
pub fn allocate<S, U>(req: &AllocationRequest<'_, S, U>) -> Result<Allocation<S, U>>
where
    S: Copy + Eq + Hash,
    U: Copy + Eq + Hash,
{
    req.settings.validate()?;
    let k = req.settings.reviews_per_submission as usize;
    let m = req.settings.reviews_per_reviewer as usize;
    let mut rng = SplitMix64(req.settings.seed);

    // Reviewers, by index.
    let mut rix: HashMap<U, u32> = HashMap::with_capacity(req.reviewers.len());
    let mut slots: Vec<Slot> = Vec::with_capacity(req.reviewers.len());
    for (i, r) in req.reviewers.iter().enumerate() {
        if rix.insert(r.id, i as u32).is_some() {
            return Err(Error::BadRequest(codes::REVIEWER_DUPLICATE));
        }
        let (tier, cap) = match r.kind {
            ReviewerKind::Peer => (0, m),
            ReviewerKind::Volunteer { extra } => (0, m + extra as usize),
            ReviewerKind::Staff { capacity } => (1, capacity as usize),
        };
        slots.push(Slot {
            tier,
            cap,
            load: 0,
            rank: rng.next_u64(),
        });
    }

    // Submissions, by index.
    let n = req.submissions.len();
    let mut six: HashMap<S, u32> = HashMap::with_capacity(n);
    let mut author: Vec<Option<u32>> = Vec::with_capacity(n);
    let mut authored = vec![0u32; slots.len()];
    for (i, s) in req.submissions.iter().enumerate() {
        if six.insert(s.id, i as u32).is_some() {
            return Err(Error::BadRequest(codes::SUBMISSION_DUPLICATE));
        }
        let a = rix.get(&s.author).copied();
        if let Some(a) = a {
            authored[a as usize] += 1;
        }
        author.push(a);
    }

    // Existing assignments: reviewers of each submission, review counts, loads.
    let mut of: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut count = vec![0usize; n];
    // Pairs naming a submission or reviewer outside this run (rare), deduplicated by id.
    let mut odd: HashSet<Assignment<S, U>> = HashSet::new();
    for e in req.existing {
        let s = six.get(&e.submission).copied();
        let r = rix.get(&e.reviewer).copied();
        match (s, r) {
            (Some(s), Some(r)) => {
                let list = &mut of[s as usize];
                if list.contains(&r) {
                    continue;
                }
                list.push(r);
                count[s as usize] += 1;
                slots[r as usize].load += 1;
            }
            _ => {
                if !odd.insert(*e) {
                    continue;
                }
                if let Some(s) = s {
                    count[s as usize] += 1;
                }
                if let Some(r) = r {
                    slots[r as usize].load += 1;
                }
            }
        }
    }

    let mut out: Vec<Assignment<S, U>> = Vec::with_capacity(n.saturating_mul(k));
    let mut assign = |s: usize,
                      r: u32,
                      of: &mut Vec<Vec<u32>>,
                      count: &mut Vec<usize>,
                      slots: &mut Vec<Slot>| {
        of[s].push(r);
        count[s] += 1;
        slots[r as usize].load += 1;
        out.push(Assignment {
            submission: req.submissions[s].id,
            reviewer: req.reviewers[r as usize].id,
        });
    };

    // Phase 1: circulant over the fresh submitters.
    let c = k.min(m);
    let mut fresh: Vec<u32> = (0..n as u32)
        .filter(|&s| {
            count[s as usize] == 0
                && author[s as usize].is_some_and(|a| {
                    let slot = &slots[a as usize];
                    slot.tier == 0 && slot.load == 0 && authored[a as usize] == 1
                })
        })
        .collect();
    // Sorted first so the shuffle depends on the seed, not on the order of the input.
    fresh.sort_by_key(|&s| (req.submissions[s as usize].order, s));
    rng.shuffle(&mut fresh);
    let mut in_fresh = vec![false; slots.len()];
    for &s in &fresh {
        if let Some(a) = author[s as usize] {
            in_fresh[a as usize] = true;
        }
    }
    // Giving the fresh reviewers `c` reviews each must not leave another peer who could take
    // work more than one review behind them; otherwise the heap alone balances.
    let balanced = slots
        .iter()
        .enumerate()
        .all(|(i, sl)| in_fresh[i] || sl.tier != 0 || sl.load >= sl.cap || sl.load + 1 >= c);
    let f = fresh.len();
    if c >= 1 && f > c && balanced {
        for p in 0..f {
            let Some(a) = author[fresh[p] as usize] else {
                continue;
            };
            for j in 1..=c {
                let t = fresh[(p + j) % f] as usize;
                assign(t, a, &mut of, &mut count, &mut slots);
            }
        }
    }

    // Phase 2: every remaining need, in submission order, from a min-heap of reviewers.
    let mut heap: BinaryHeap<Reverse<(u8, usize, u64, u32)>> = slots
        .iter()
        .enumerate()
        .filter(|(_, sl)| sl.load < sl.cap)
        .map(|(i, sl)| Reverse((sl.tier, sl.load, sl.rank, i as u32)))
        .collect();
    let mut todo: Vec<u32> = (0..n as u32).filter(|&s| count[s as usize] < k).collect();
    todo.sort_by_key(|&s| (req.submissions[s as usize].order, s));
    let mut aside: Vec<u32> = Vec::new();
    for s in todo {
        let s = s as usize;
        let mut need = k.saturating_sub(count[s]);
        while need > 0 {
            let Some(Reverse((_, _, _, r))) = heap.pop() else {
                break;
            };
            if author[s] == Some(r) || of[s].contains(&r) {
                aside.push(r);
                continue;
            }
            assign(s, r, &mut of, &mut count, &mut slots);
            need -= 1;
            if slots[r as usize].load < slots[r as usize].cap {
                aside.push(r);
            }
        }
        for r in aside.drain(..) {
            let sl = &slots[r as usize];
            heap.push(Reverse((sl.tier, sl.load, sl.rank, r)));
        }
    }

    let short = (0..n)
        .filter(|&s| count[s] < k)
        .map(|s| Shortfall {
            submission: req.submissions[s].id,
            reviews: count[s] as u32,
            missing: (k - count[s]) as u32,
        })
        .collect();
    Ok(Allocation {
        assignments: out,
        short,
    })
}

// ---------------------------------------------------------------------------------------------
// Shortfalls
// ---------------------------------------------------------------------------------------------

/// What the instructor wants done with a submission that ends the review phase with fewer than
/// `k` completed reviews.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortfallRule {
    /// A course team member grades it.
    #[default]
    StaffQueue,
    /// It is graded from the reviews it has, if it has at least one.
    GradeFromAvailable,
}

/// What happens to a submission when the review phase closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// Grade it from its completed reviews ([`grade_submission`]).
    Grade,
    /// Put it in the staff queue.
    StaffQueue,
}

/// Decides, when the review phase closes, whether a submission with `completed` reviews (of
/// the `wanted` it should have had) is graded from them or goes to the staff queue. A
/// submission without any completed review always goes to the staff queue.
pub fn after_review_phase(rule: ShortfallRule, wanted: u32, completed: u32) -> ReviewOutcome {
    if completed >= wanted.max(1) {
        return ReviewOutcome::Grade;
    }
    match rule {
        ShortfallRule::GradeFromAvailable if completed > 0 => ReviewOutcome::Grade,
        _ => ReviewOutcome::StaffQueue,
    }
}

// ---------------------------------------------------------------------------------------------
// Grades
// ---------------------------------------------------------------------------------------------

/// How the peers' scores of one submission are combined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// The median (middle score, or the mean of the two middle ones): resists one outlier.
    #[default]
    Median,
    /// The arithmetic mean.
    Mean,
}

/// The median or mean of the finite scores, always within their [min, max]; `None` without any.
pub fn aggregate(how: Aggregate, scores: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = scores.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let (lo, hi) = (v[0], v[v.len() - 1]);
    let x = match how {
        Aggregate::Median => {
            let mid = v.len() / 2;
            if v.len() % 2 == 1 {
                v[mid]
            } else {
                v[mid - 1] / 2.0 + v[mid] / 2.0
            }
        }
        Aggregate::Mean => v.iter().sum::<f64>() / v.len() as f64,
    };
    // Rounding can push a mean one ulp outside the range.
    Some(x.clamp(lo, hi))
}

/// How a submission's grade is made from its reviews, set by the instructor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GradePolicy {
    /// Median (default) or mean of the peers' scores.
    pub aggregate: Aggregate,
    /// Weight of the self-assessment, 0..=1 (0: not used). The peers weigh `1 - self_weight`.
    pub self_weight: f64,
    /// Percentage of the maximum points lost per required review the author did not complete
    /// (0..=100).
    pub missing_review_penalty: f64,
}

impl Default for GradePolicy {
    fn default() -> Self {
        Self {
            aggregate: Aggregate::Median,
            self_weight: 0.0,
            missing_review_penalty: 0.0,
        }
    }
}

impl GradePolicy {
    /// Refuses a self weight outside 0..=1 and a penalty outside 0..=100 (`out_of_range`).
    pub fn validate(&self) -> Result<()> {
        let mut f = Fields::new();
        if !(0.0..=1.0).contains(&self.self_weight) {
            f.push("self_weight", codes::OUT_OF_RANGE);
        }
        if !(0.0..=100.0).contains(&self.missing_review_penalty) {
            f.push("missing_review_penalty", codes::OUT_OF_RANGE);
        }
        f.finish()
    }
}

/// The reviews of one submission and its author's own reviewing record.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SubmissionReviews<'a> {
    /// Scores of the completed peer reviews ([`score_review`]).
    pub peer_scores: &'a [f64],
    /// The author's self-assessment score, if any.
    pub self_score: Option<f64>,
    /// Reviews the author was required to complete.
    pub reviews_required: u32,
    /// Reviews the author completed.
    pub reviews_completed: u32,
    /// A grade set by the course team; wins over everything.
    pub staff_override: Option<f64>,
}

/// The grade of a submission, with how it was made.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SubmissionGrade {
    /// The grade, in rubric points.
    pub points: f64,
    /// The peers' aggregate, when peers' scores were used.
    pub peer: Option<f64>,
    /// Points taken off for missing reviews.
    pub penalty: f64,
    /// Whether the staff override was used.
    pub overridden: bool,
}

/// Grades a submission: the staff override if there is one; otherwise the peers' aggregate,
/// mixed with the self-assessment by `self_weight` when the author gave one, minus
/// `missing_review_penalty`% of `max_points` per missing review, floored at 0. `None` when
/// there is neither an override nor a peer score (see [`after_review_phase`]). Policy values
/// out of range are clamped.
pub fn grade_submission(
    policy: &GradePolicy,
    max_points: f64,
    reviews: &SubmissionReviews<'_>,
) -> Option<SubmissionGrade> {
    if let Some(o) = reviews.staff_override.filter(|o| o.is_finite()) {
        return Some(SubmissionGrade {
            points: o,
            peer: None,
            penalty: 0.0,
            overridden: true,
        });
    }
    let peer = aggregate(policy.aggregate, reviews.peer_scores)?;
    let w = if policy.self_weight.is_finite() {
        policy.self_weight.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let base = match reviews.self_score.filter(|s| s.is_finite()) {
        Some(own) if w > 0.0 => (1.0 - w) * peer + w * own,
        _ => peer,
    };
    let rate = if policy.missing_review_penalty.is_finite() {
        policy.missing_review_penalty.clamp(0.0, 100.0)
    } else {
        0.0
    };
    let missing = reviews
        .reviews_required
        .saturating_sub(reviews.reviews_completed);
    let max = if max_points.is_finite() {
        max_points.max(0.0)
    } else {
        0.0
    };
    let penalty = (f64::from(missing) * rate / 100.0 * max).min(base.max(0.0));
    Some(SubmissionGrade {
        points: (base - penalty).max(0.0),
        peer: Some(peer),
        penalty,
        overridden: false,
    })
}

#[cfg(test)]
mod tests;
