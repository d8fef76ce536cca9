//! The job queue: retries with backoff, dead jobs, concurrent claims, mail redaction, kinds
//! and payloads read back.

use crate::support::*;
use amphi_app::assessment::gradebook::updates::RecomputeGrades;
use amphi_app::assessment::peer::settings::{AllocateReviews, ComputeResults, PeerTarget};
use amphi_app::certificates::{BackfillCertificates, IssueCertificate};
use amphi_app::courses::announce::AnnouncementFanout;
use amphi_app::courses::authoring::RecountRun;
use amphi_app::courses::import::ApplyImport;
use amphi_app::housekeeping::Housekeeping;
use amphi_app::jobs::Job;
use amphi_app::mail::OutgoingMail;
use amphi_core::jobs::{JobKind, JobStatus};
use amphi_db::entities::job as job_row;
use amphi_db::jobs::{self, NewJob};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A job that runs and succeeds without any data: housekeeping (three attempts).
fn job() -> NewJob {
    NewJob::new(None, &Housekeeping {}).unwrap()
}

fn mail() -> OutgoingMail {
    OutgoingMail {
        to: "ada@example.test".into(),
        subject: "Hello".into(),
        text: "Hello, Ada.".into(),
    }
}

/// Queues a job as no typed payload can: `kind` and `payload` stored as given (a row written
/// by another version, or damaged).
async fn queue_raw(t: &TestApp, kind: &str, payload: &str) -> Uuid {
    let id = jobs::enqueue(t.app.db.writer(), job(), t.app.now())
        .await
        .unwrap();
    job_row::Entity::update_many()
        .col_expr(job_row::Column::Kind, Expr::value(kind))
        .col_expr(job_row::Column::Payload, Expr::value(payload))
        .filter(job_row::Column::Id.eq(id))
        .exec(t.app.db.writer())
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn failing_jobs_back_off_then_die() {
    let t = TestApp::new().await;
    let now = t.app.now();
    let id = queue_raw(&t, "no.such.handler", "{}").await;
    assert_eq!(t.run_jobs().await, 1);
    let j = jobs::by_id(t.app.db.reader(), id).await.unwrap().unwrap();
    assert_eq!(j.status, "queued");
    assert_eq!(j.attempts, 1);
    assert!(j.last_error.unwrap().contains("no handler"));
    assert!(j.run_at > now, "retried later");
    assert_eq!(t.run_jobs().await, 0, "not due yet");
    t.clock.advance(chrono::Duration::seconds(11));
    assert_eq!(t.run_jobs().await, 1);
    t.clock.advance(chrono::Duration::seconds(21));
    assert_eq!(t.run_jobs().await, 1);
    let j = jobs::by_id(t.app.db.reader(), id).await.unwrap().unwrap();
    assert_eq!(j.status, "dead");
    assert_eq!(j.attempts, 3);
    t.clock.advance(chrono::Duration::hours(2));
    assert_eq!(t.run_jobs().await, 0, "dead jobs stay dead");
}

#[tokio::test]
async fn a_crashed_workers_jobs_are_picked_up_after_the_lease() {
    let t = TestApp::new().await;
    let now = t.app.now();
    let id = jobs::enqueue(t.app.db.writer(), job(), now).await.unwrap();
    let claimed = jobs::claim(&t.app.db, 10, chrono::Duration::seconds(300), now)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    // The worker "dies" without finishing: nobody else takes the job during the lease…
    assert!(
        jobs::claim(&t.app.db, 10, chrono::Duration::seconds(300), now)
            .await
            .unwrap()
            .is_empty()
    );
    // …and after it, another worker does.
    t.clock.advance(chrono::Duration::seconds(301));
    assert_eq!(t.run_jobs().await, 1);
    assert_eq!(
        jobs::by_id(t.app.db.reader(), id)
            .await
            .unwrap()
            .unwrap()
            .status,
        "done"
    );
}

#[tokio::test]
async fn a_mail_backlog_never_holds_back_other_jobs() {
    let t = TestApp::new().await;
    let now = t.app.now();
    let mut mail = Vec::new();
    for _ in 0..30 {
        mail.push(NewJob::new(None, &self::mail()).unwrap());
    }
    jobs::enqueue_many(t.app.db.writer(), mail, now - chrono::Duration::minutes(5))
        .await
        .unwrap();
    let allocate = AllocateReviews(PeerTarget {
        run: Uuid::now_v7(),
        item: Uuid::now_v7(),
        at: None,
    });
    let other = jobs::enqueue(
        t.app.db.writer(),
        NewJob::new(None, &allocate).unwrap(),
        now,
    )
    .await
    .unwrap();
    // The allocation came last, but is claimed first; mail fills the rest of the batch.
    let batch = jobs::claim(&t.app.db, 4, chrono::Duration::seconds(300), now)
        .await
        .unwrap();
    assert_eq!(batch.len(), 4);
    assert_eq!(batch[0].id, other);
    assert!(batch[1..]
        .iter()
        .all(|j| j.kind().ok() == Some(JobKind::MailSend)));
    // Mail still goes out, oldest first, when nothing else is due.
    let batch = jobs::claim(&t.app.db, 100, chrono::Duration::seconds(300), now)
        .await
        .unwrap();
    assert_eq!(batch.len(), 27);
}

#[tokio::test]
async fn concurrent_workers_never_claim_the_same_job() {
    let t = TestApp::new().await;
    let now = t.app.now();
    for _ in 0..60 {
        jobs::enqueue(t.app.db.writer(), job(), now).await.unwrap();
    }
    let db = t.app.db.clone();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = jobs::claim(&db, 5, chrono::Duration::seconds(300), now)
                    .await
                    .unwrap();
                if batch.is_empty() {
                    break;
                }
                mine.extend(batch.into_iter().map(|j| j.id));
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 60);
    assert_eq!(unique.len(), 60);
}

#[tokio::test]
async fn sent_mail_payloads_are_redacted() {
    let t = TestApp::new().await;
    let mut c = t.client();
    c.sign_up("ada@example.test", "Ada", PASSWORD).await;
    t.run_jobs().await;
    let mail = t.mails().pop().unwrap();
    assert!(mail.contains("To: ada@example.test"));
    // The one-time link left the queue table with the message.
    let rows = job_row::Entity::find()
        .filter(job_row::Column::Kind.eq("mail.send"))
        .all(t.app.db.reader())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "done");
    assert_eq!(rows[0].payload, "{}");
}

#[tokio::test]
async fn identical_waiting_jobs_are_not_queued_twice() {
    let t = TestApp::new().await;
    let now = t.app.now();
    let j = job;
    assert!(jobs::enqueue_unique(t.app.db.writer(), j(), now)
        .await
        .unwrap()
        .is_some());
    assert!(jobs::enqueue_unique(t.app.db.writer(), j(), now)
        .await
        .unwrap()
        .is_none());
    assert_eq!(t.run_jobs().await, 1);
    // Once it ran, the next change queues it again.
    assert!(jobs::enqueue_unique(t.app.db.writer(), j(), now)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn a_job_of_unknown_kind_fails_and_the_queue_goes_on() {
    let t = TestApp::new().await;
    let unknown = queue_raw(&t, "report.weekly", "{}").await;
    let known = jobs::enqueue(t.app.db.writer(), job(), t.app.now())
        .await
        .unwrap();
    assert_eq!(t.run_jobs().await, 2);
    let j = jobs::by_id(t.app.db.reader(), unknown)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        j.status().ok(),
        Some(JobStatus::Queued),
        "retried like any failure"
    );
    assert!(j.kind().is_err());
    assert_eq!(
        j.last_error.as_deref(),
        Some("no handler for job kind `report.weekly`")
    );
    let j = jobs::by_id(t.app.db.reader(), known)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(j.status().ok(), Some(JobStatus::Done));
    // The queue still takes and runs new work.
    jobs::enqueue(t.app.db.writer(), job(), t.app.now())
        .await
        .unwrap();
    assert_eq!(t.run_jobs().await, 1);
}

#[tokio::test]
async fn a_malformed_payload_fails_its_job_whatever_the_kind() {
    let t = TestApp::new().await;
    let mut queued = Vec::new();
    for kind in JobKind::ALL {
        queued.push((*kind, queue_raw(&t, kind.as_str(), "{\"run\": 7").await));
    }
    let fine = jobs::enqueue(t.app.db.writer(), job(), t.app.now())
        .await
        .unwrap();
    assert_eq!(t.run_jobs().await, JobKind::ALL.len() + 1);
    for (kind, id) in queued {
        let j = jobs::by_id(t.app.db.reader(), id).await.unwrap().unwrap();
        assert_eq!(j.status().ok(), Some(JobStatus::Queued), "{kind:?}");
        let error = j.last_error.unwrap_or_default();
        // The message names the kind the payload was read as: the worker's table sends each
        // kind to its own payload type.
        assert!(
            error.starts_with(&format!("bad `{}` payload: ", kind.as_str())),
            "{kind:?}: {error}"
        );
    }
    let j = jobs::by_id(t.app.db.reader(), fine).await.unwrap().unwrap();
    assert_eq!(j.status().ok(), Some(JobStatus::Done));
}

/// Queues `payload`, reads its row back and checks the kind, the status and the payload.
async fn round_trip<J: Job + PartialEq + std::fmt::Debug>(t: &TestApp, kind: JobKind, payload: J) {
    assert_eq!(J::KIND, kind);
    let id = jobs::enqueue(
        t.app.db.writer(),
        NewJob::new(None, &payload).unwrap(),
        t.app.now(),
    )
    .await
    .unwrap();
    let j = jobs::by_id(t.app.db.reader(), id).await.unwrap().unwrap();
    assert_eq!(j.kind, kind.as_str());
    assert_eq!(j.kind().ok(), Some(kind));
    assert_eq!(j.status().ok(), Some(JobStatus::Queued));
    assert_eq!(j.max_attempts, J::MAX_ATTEMPTS);
    assert_eq!(serde_json::from_str::<J>(&j.payload).unwrap(), payload);
}

#[tokio::test]
async fn every_kind_of_job_reads_back_as_it_was_queued() {
    let t = TestApp::new().await;
    let (run, item) = (Uuid::now_v7(), Uuid::now_v7());
    let target = PeerTarget {
        run,
        item,
        at: Some(1_800_000_000),
    };
    for kind in JobKind::ALL {
        let k = *kind;
        match k {
            JobKind::MailSend => round_trip(&t, k, mail()).await,
            JobKind::Housekeeping => round_trip(&t, k, Housekeeping {}).await,
            JobKind::RunRecount => round_trip(&t, k, RecountRun { run }).await,
            JobKind::EnrolmentImport => {
                let csv = "email,name\nada@example.test,Ada\n".into();
                let actor = Uuid::now_v7();
                round_trip(&t, k, ApplyImport { run, actor, csv }).await
            }
            JobKind::AnnouncementFanout => {
                let announcement = Uuid::now_v7();
                let base_url = "https://learn.example.test".into();
                round_trip(
                    &t,
                    k,
                    AnnouncementFanout {
                        announcement,
                        base_url,
                    },
                )
                .await
            }
            JobKind::GradebookRecompute => round_trip(&t, k, RecomputeGrades { run }).await,
            JobKind::CertificateIssue => {
                let certificate = Uuid::now_v7();
                round_trip(&t, k, IssueCertificate { certificate }).await
            }
            JobKind::CertificateBackfill => round_trip(&t, k, BackfillCertificates { run }).await,
            JobKind::PeerAllocate => round_trip(&t, k, AllocateReviews(target.clone())).await,
            JobKind::PeerResults => round_trip(&t, k, ComputeResults(target.clone())).await,
        }
    }
}

#[test]
fn payloads_queued_before_typed_jobs_still_read() {
    // The stored form of each payload is the one the untyped handlers wrote and read.
    let run = Uuid::now_v7();
    let p: AnnouncementFanout =
        serde_json::from_value(serde_json::json!({ "announcement": run })).unwrap();
    assert_eq!(p.base_url, "");
    let p = serde_json::to_value(RecomputeGrades { run }).unwrap();
    assert_eq!(p, serde_json::json!({ "run": run }));
    let p = serde_json::to_value(IssueCertificate { certificate: run }).unwrap();
    assert_eq!(p, serde_json::json!({ "certificate": run }));
}
