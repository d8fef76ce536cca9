//! The job queue's vocabulary: what a job does (its kind) and where it stands (its status),
//! each stored under its name, so that every kind and status is declared once and matched
//! exhaustively.

use crate::str_enum::str_enum;

str_enum!(
    /// What a job does; stored in `jobs.kind`, and the `kind` label of the job metrics.
    JobKind {
        /// Sends one mail.
        MailSend = "mail.send",
        /// Prunes expired sessions, sign-in states, rate-limit windows and old jobs.
        Housekeeping = "housekeeping",
        /// Recounts a run's progress after its structure changed.
        RunRecount = "run.recount",
        /// Applies a CSV bulk enrolment.
        EnrolmentImport = "enrolment.import",
        /// Mails an announcement to everyone in a run.
        AnnouncementFanout = "announcement.fanout",
        /// Recomputes every course grade of a run after its scheme changed.
        GradebookRecompute = "gradebook.recompute",
        /// Renders, stores and mails one certificate.
        CertificateIssue = "certificate.issue",
        /// Gives certificates to the learners of a run who passed before it gave them.
        CertificateBackfill = "certificate.backfill",
        /// Allocates the reviews of one peer assessment.
        PeerAllocate = "peer.allocate",
        /// Grades every submission of one peer assessment from its reviews.
        PeerResults = "peer.results",
    }
);

str_enum!(
    /// Where a job stands; stored in `jobs.status`.
    JobStatus {
        /// Waiting to run (at `run_at`).
        Queued = "queued",
        /// Claimed by a worker until `locked_until`.
        Running = "running",
        /// Finished successfully.
        Done = "done",
        /// Failed on every attempt; kept for inspection.
        Dead = "dead",
        /// Waiting for a person's decision (an import with errors); never claimed.
        Held = "held",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_status_reads_back_as_stored() {
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse("kind", k.as_str()).unwrap(), *k);
        }
        for s in JobStatus::ALL {
            assert_eq!(JobStatus::parse("status", s.as_str()).unwrap(), *s);
        }
        assert!(JobKind::parse("kind", "no.such.kind").is_err());
        assert!(JobStatus::parse("status", "paused").is_err());
    }
}
