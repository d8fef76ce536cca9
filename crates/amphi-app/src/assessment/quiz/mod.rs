//! Quizzes as course items: fixed questions or random draws from the course's question bank,
//! attempts with a server-side time limit, answers saved as the learner goes, submission
//! graded at once, highest / last / average attempt kept in the gradebook, and feedback and
//! correct answers shown by the quiz's rules.
//!
//! An attempt snapshots the questions it shows (drawn and ordered with its own seed), so a
//! later edit of the bank never changes an attempt in progress or already graded. Starting an
//! attempt costs one read of the learner's attempts, one read of the questions by id, and one
//! insert; saving and submitting touch only the attempt row (guarded by `status = 'open'`, so
//! a double submit or a save racing a submit changes nothing).
//!
//! The time limit is enforced by the server: answers arriving after the deadline (plus a few
//! seconds of network grace) are refused and not stored; an attempt left open past its
//! deadline is graded with what was saved, when it is next looked at or by the housekeeping
//! sweep.
//!
//! The parts: `settings` (what a quiz is), `authoring` (its settings changed by the course
//! team), `stored` (an attempt's data), `access` (a quiz opened for a request), `attempts` (the
//! quiz page and starting an attempt), `answers` (saving and submitting), `closing` (grading and
//! closing an attempt, the deadline sweep), `view` (showing an attempt) and `grading` (essays).

mod access;
pub mod answers;
pub mod attempts;
pub mod authoring;
pub mod closing;
pub mod grading;
pub mod picker;
pub mod settings;
pub mod stored;
pub mod view;
