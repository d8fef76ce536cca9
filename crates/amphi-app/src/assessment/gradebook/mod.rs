//! The gradebook of a run: grade items (one per graded course item, plus manual ones),
//! categories with weights and drop-lowest, the pass mark, one grade per learner and item, and
//! the course grade kept on each enrolment.
//!
//! Incremental by design: [`record`](updates::record) (called by quizzes, assignments and peer assessment when
//! a learner's score changes) updates one grade and recomputes that one learner's course grade
//! from their own rows (an indexed read of a handful of rows), so a gradebook of 100,000
//! learners is never recomputed as a whole on a grade change. Only a change of the scheme
//! itself (weights, pass mark, an item's maximum) queues the [`RecomputeGrades`](updates::RecomputeGrades) job, which walks the
//! run's enrolments in keyset pages.
//!
//! Every change of a grade or a course grade appends a row to `grade_events` (an outbox that
//! webhooks and LTI grade passback read with a cursor); staff overrides are also written to
//! the audit trail with the reason.
//!
//! The parts: `scheme` (categories, pass mark, columns), `updates` (a learner's grade and course
//! grade kept up to date, columns registered, the recompute job), `views` (a learner's grades,
//! the course team's book and its CSV export), `changes` (overrides and the scheme changed by
//! the course team) and `events` (the outbox read by integrations).

pub mod changes;
pub mod events;
pub mod scheme;
pub mod updates;
pub mod views;
