//! Typed identifiers. UUIDv7: time-ordered for index locality, not guessable.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    };
}

id_type!(
    /// Identifies a tenant (a client's white-labelled site).
    TenantId
);
id_type!(
    /// Identifies a user account; accounts belong to exactly one tenant.
    UserId
);
id_type!(
    /// Identifies a course (its catalogue entry; runs are its editions).
    CourseId
);
id_type!(
    /// Identifies a run of a course (one edition with its own dates, learners and outline).
    RunId
);
id_type!(
    /// Identifies a module of a run's outline.
    ModuleId
);
id_type!(
    /// Identifies an item of a module (page, video, quiz, assignment, …).
    ItemId
);
id_type!(
    /// Identifies a learner's submission to an assignment item.
    SubmissionId
);
id_type!(
    /// Identifies one attempt at a quiz.
    AttemptId
);
