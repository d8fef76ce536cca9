//! The job queue: retries with backoff, dead jobs, concurrent claims, mail redaction.

use crate::support::*;
use amphi_db::jobs::{self, NewJob};

fn job(kind: &str) -> NewJob {
    NewJob {
        tenant: None,
        kind: kind.into(),
        payload: serde_json::json!({}),
        max_attempts: 3,
        run_at: None,
    }
}

#[tokio::test]
async fn failing_jobs_back_off_then_die() {
    let t = TestApp::new().await;
    let now = t.app.now();
    let id = jobs::enqueue(t.app.db.writer(), job("no.such.handler"), now)
        .await
        .unwrap();
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
    let id = jobs::enqueue(t.app.db.writer(), job("housekeeping"), now)
        .await
        .unwrap();
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
        mail.push(job(jobs::MAIL_KIND));
    }
    jobs::enqueue_many(t.app.db.writer(), mail, now - chrono::Duration::minutes(5))
        .await
        .unwrap();
    let other = jobs::enqueue(t.app.db.writer(), job("peer.allocate"), now)
        .await
        .unwrap();
    // The allocation came last, but is claimed first; mail fills the rest of the batch.
    let batch = jobs::claim(&t.app.db, 4, chrono::Duration::seconds(300), now)
        .await
        .unwrap();
    assert_eq!(batch.len(), 4);
    assert_eq!(batch[0].id, other);
    assert!(batch[1..].iter().all(|j| j.kind == jobs::MAIL_KIND));
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
        jobs::enqueue(t.app.db.writer(), job("housekeeping"), now)
            .await
            .unwrap();
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
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let rows = amphi_db::entities::job::Entity::find()
        .filter(amphi_db::entities::job::Column::Kind.eq("mail.send"))
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
    let j = || NewJob {
        tenant: None,
        kind: "housekeeping".into(),
        payload: serde_json::json!({ "run": "x" }),
        max_attempts: 3,
        run_at: None,
    };
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
