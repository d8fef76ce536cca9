//! Enrolments (a person's role in a run), invitations, vouchers and shop orders.
//!
//! One file per responsibility: `membership` (the rows), `access` (a run with the viewer's
//! enrolment in one query), `lists` (the course team's view, message recipients), `completion`
//! (what a learner's work changes) and `admission` (invitations, vouchers, shop orders). Every
//! public item is re-exported here, so callers name `repo::enrolments::…` as before.

mod access;
mod admission;
mod completion;
mod lists;
mod membership;

pub use access::*;
pub use admission::*;
pub use completion::*;
pub use lists::*;
pub use membership::*;
