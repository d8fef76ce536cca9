//! Peer assessment as a course item: phases (submission, review, results) with dates, the
//! allocation of reviews as a job (`peer.allocate`, run when the review phase opens and again
//! when late submitters arrive), anonymous reviews with a rubric, optional self-assessment,
//! the results job (`peer.results`) that grades every submission from its reviews (median or
//! mean, penalty for missing reviews, shortfall rule), flags on unfair reviews, the staff
//! queue and grade overrides. The rules are `amphi_core::peer`; this is storage around them.
//! Handing in work is shared with assignments (`super::submissions`).
//!
//! The parts: `settings` (phases, the settings form, the jobs scheduled), `allocation`,
//! `learner` (the learner's page, hand-in, volunteering), `reviews` (giving and flagging
//! reviews), `results` (grades from reviews) and `staff` (flags, overrides).

pub mod allocation;
pub mod learner;
pub mod results;
pub mod reviews;
pub mod settings;
pub mod staff;
