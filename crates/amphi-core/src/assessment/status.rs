//! Where a learner's work stands: hand-ins, quiz attempts and flags on peer reviews, by the
//! names stored in their `status` columns.

use crate::str_enum::str_enum;

str_enum!(
    /// Where a hand-in (assignment or peer-assessed work) stands (`submissions.status`).
    SubmissionStatus {
        /// Being written: saved, not handed in.
        Draft = "draft",
        /// Handed in (graded or not).
        Submitted = "submitted",
    }
);

str_enum!(
    /// Where a quiz attempt stands (`quiz_attempts.status`).
    AttemptStatus {
        /// Being answered; answers may still be saved.
        Open = "open",
        /// Submitted (or closed at its deadline) and graded.
        Submitted = "submitted",
    }
);

str_enum!(
    /// Where a learner's flag on a peer review stands (`review_flags.status`).
    FlagStatus {
        /// Waiting for the course team.
        Open = "open",
        /// The course team agreed: the review no longer counts.
        Upheld = "upheld",
        /// The course team disagreed: the review stands.
        Dismissed = "dismissed",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::str_enum::tests::round_trips;

    #[test]
    fn names_round_trip_and_fit_their_columns() {
        // Column widths from the migrations (m0008 submissions and review_flags, m0005 attempts).
        round_trips::<SubmissionStatus>(16);
        round_trips::<AttemptStatus>(16);
        round_trips::<FlagStatus>(12);
    }

    #[test]
    fn the_open_attempt_is_the_one_the_sweep_guards() {
        // Every attempt change is guarded by `status = 'open'` (repo::quiz).
        assert_eq!(AttemptStatus::Open.as_str(), "open");
        assert_eq!(SubmissionStatus::Draft.as_str(), "draft");
        assert_eq!(FlagStatus::Open.as_str(), "open");
    }
}
