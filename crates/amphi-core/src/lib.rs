//! Amphi domain types and rules. No I/O: everything here is a pure function or a plain value,
//! so the rules can be tested exhaustively and shared by the UI, the API, the CLI and jobs.

pub mod assessment;
pub mod certificate;
pub mod clock;
pub mod codes;
pub mod course;
pub mod error;
pub mod grades;
pub mod identity;
pub mod ids;
pub mod jobs;
pub mod lti;
pub mod peer;
pub mod policy;
pub mod str_enum;
pub mod tenant;
pub mod validate;
pub mod xapi;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, FieldError, Result};
pub use ids::{AttemptId, CourseId, ItemId, ModuleId, RunId, SubmissionId, TenantId, UserId};
