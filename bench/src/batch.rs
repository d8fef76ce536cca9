//! Batch operations as the run's instructor, over HTTP, following the jobs in the database:
//! CSV enrolment through the import job, the gradebook CSV export, an announcement fan-out.

use crate::load::Vu;
use crate::{append_json, html, read_seed, Target};
use amphi_core::jobs::{JobKind, JobStatus};
use amphi_db::entities::job;
use anyhow::{bail, Context};
use reqwest::StatusCode;
use sea_orm::{
    ColumnTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub(crate) async fn wait_done(
    db: &DatabaseConnection,
    id: Uuid,
    timeout: u64,
) -> anyhow::Result<job::Model> {
    let t0 = Instant::now();
    loop {
        let j = job::Entity::find_by_id(id)
            .one(db)
            .await?
            .with_context(|| format!("job {id} not found"))?;
        match j.status() {
            Ok(JobStatus::Done) => return Ok(j),
            Ok(JobStatus::Dead | JobStatus::Held) => {
                bail!("job {id} ended {}: {:?}", j.status, j.last_error)
            }
            _ => {}
        }
        if t0.elapsed().as_secs() > timeout {
            bail!("job {id} not done after {timeout} s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn job_id(location: Option<&str>) -> anyhow::Result<Uuid> {
    location
        .and_then(|l| l.split('/').next_back())
        .and_then(|s| s.split('?').next())
        .and_then(|s| s.parse().ok())
        .context("no job id in the redirect")
}

/// Starts an operation from a checkpointed database, so that it is not billed for the
/// write-back of the one before it: PostgreSQL's `CHECKPOINT` (a superuser's or
/// `pg_checkpoint`'s command; without the right, the operation is measured as it comes), or
/// SQLite's `wal_checkpoint(TRUNCATE)`.
async fn settle(db: &DatabaseConnection) {
    use sea_orm::ConnectionTrait;
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "CHECKPOINT",
        _ => "PRAGMA wal_checkpoint(TRUNCATE)",
    };
    if let Err(e) = db.execute_unprepared(sql).await {
        eprintln!("warning: {sql} before a batch operation failed: {e}");
    }
}

/// Keeps a table row for the end and appends its JSON line.
fn report(
    rows: &mut Vec<String>,
    t: &Target,
    row: String,
    line: serde_json::Value,
) -> anyhow::Result<()> {
    rows.push(row);
    append_json(t.json.as_deref(), &line)
}

/// The job of this kind touched since `since` (the one an action just queued), once it shows.
pub(crate) async fn job_since(
    db: &DatabaseConnection,
    kind: JobKind,
    since: chrono::DateTime<chrono::Utc>,
    timeout: u64,
) -> anyhow::Result<job::Model> {
    let t0 = Instant::now();
    loop {
        let j = job::Entity::find()
            .filter(job::Column::Kind.eq(kind.as_str()))
            .filter(job::Column::UpdatedAt.gte(since))
            .one(db)
            .await?;
        if let Some(j) = j {
            return Ok(j);
        }
        if t0.elapsed().as_secs() > timeout {
            bail!("no {} job", kind.as_str());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs the four operations (CSV enrolment, gradebook export, peer allocation, announcement
/// fan-out); prints a table row for each.
pub async fn run(t: &Target, database_url: &str, enrol: u64, timeout: u64) -> anyhow::Result<()> {
    let seed = Arc::new(read_seed(&t.seed)?);
    let label = if t.label.is_empty() {
        "run".to_owned()
    } else {
        t.label.clone()
    };
    let db = Database::connect(database_url).await?;
    let mut vu = Vu::standalone(t, seed.clone())?;
    let csrf = vu.signin(&seed.instructor_email).await?;
    let run = seed.run_id;
    let mut rows = Vec::new();

    // 1. CSV enrolment of `enrol` new people.
    let mut csv = String::from("email,name,role\n");
    for i in 1..=enrol {
        csv.push_str(&format!("import{i}@bench.example,Imported {i},learner\n"));
    }
    let bytes = csv.len();
    settle(&db).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes())
                .file_name("people.csv")
                .mime_str("text/csv")?,
        );
    let t0 = Instant::now();
    let a = vu
        .step_any(
            "import_upload",
            vu.cl
                .post(vu.url(&format!("/teach/runs/{run}/imports")))
                .multipart(form),
            StatusCode::SEE_OTHER,
        )
        .await?;
    let upload = t0.elapsed().as_secs_f64();
    let id = job_id(a.location.as_deref())?;
    let j = wait_done(&db, id, timeout).await?;
    let total = t0.elapsed().as_secs_f64();
    report(&mut rows, t, format!(
        "| {label} | CSV enrolment of {enrol} new people ({:.1} MB) | {total:.1} s | upload and validation {upload:.2} s; job applied {} rows |",
        bytes as f64 / 1e6,
        j.progress_done
    ), json!({"kind": "batch", "op": "csv_enrolment", "label": label, "rows": enrol, "seconds": total, "upload_seconds": upload}))?;

    // 2. Gradebook CSV export.
    settle(&db).await;
    let t0 = Instant::now();
    let r = vu
        .cl
        .get(vu.url(&format!("/teach/runs/{run}/gradebook.csv")))
        .send()
        .await?;
    if r.status() != StatusCode::OK {
        bail!("gradebook export: HTTP {}", r.status());
    }
    let body = r.bytes().await?;
    let secs = t0.elapsed().as_secs_f64();
    let lines = body.iter().filter(|b| **b == b'\n').count();
    report(&mut rows, t, format!(
        "| {label} | gradebook CSV export ({} learner rows, {:.1} MB) | {secs:.2} s | streamed over loopback |",
        lines.saturating_sub(1),
        body.len() as f64 / 1e6
    ), json!({"kind": "batch", "op": "gradebook_export", "label": label, "rows": lines.saturating_sub(1), "seconds": secs}))?;

    // A fresh CSRF token from the course home, for the forms below.
    let page = vu
        .step_any(
            "course_home",
            vu.cl.get(vu.url(&format!("/learn/{run}"))),
            StatusCode::OK,
        )
        .await?;
    let csrf2 = html::csrf(&page.body).unwrap_or(csrf);
    // 3. Peer allocation: the instructor opens the review phase now; the allocation job runs in
    // the server's worker (timed from the form's post until the job is done).
    if let Some(item) = seed.peer_item {
        settle(&db).await;
        let since = chrono::Utc::now() - chrono::Duration::seconds(1);
        let t0 = Instant::now();
        let review_from = chrono::Utc::now().to_rfc3339();
        vu.step_any(
            "peer_settings",
            vu.cl
                .post(vu.url(&format!("/teach/runs/{run}/items/{item}/assessment")))
                .form(&[
                    ("csrf", csrf2.as_str()),
                    ("review_from", review_from.as_str()),
                    ("reviews_per_submission", "3"),
                    ("reviews_per_reviewer", "3"),
                ]),
            StatusCode::SEE_OTHER,
        )
        .await?;
        let alloc = job_since(&db, JobKind::PeerAllocate, since, timeout).await?;
        wait_done(&db, alloc.id, timeout).await?;
        let secs = t0.elapsed().as_secs_f64();
        let reviews = amphi_db::entities::peer_assignment::Entity::find()
            .filter(amphi_db::entities::peer_assignment::Column::ItemId.eq(item))
            .count(&db)
            .await?;
        let subs = amphi_db::entities::submission::Entity::find()
            .filter(amphi_db::entities::submission::Column::ItemId.eq(item))
            .count(&db)
            .await?;
        report(&mut rows, t, format!(
            "| {label} | peer allocation: {subs} submissions, {reviews} reviews assigned | {secs:.1} s | the `peer.allocate` job, from opening the review phase until done |"
        ), json!({"kind": "batch", "op": "peer_allocation", "label": label, "submissions": subs, "reviews": reviews, "seconds": secs}))?;
    }
    // 4. Announcement fan-out (last: the in-process worker then sends its mails in the
    // background, which would slow whatever is measured after it): posting, then until the
    // fan-out job has queued every mail.
    settle(&db).await;
    let since = chrono::Utc::now() - chrono::Duration::seconds(1);
    let t0 = Instant::now();
    vu.step_any(
        "announce",
        vu.cl
            .post(vu.url(&format!("/teach/runs/{run}/announcements")))
            .form(&[
                ("csrf", csrf2.as_str()),
                ("title", "Deadline tomorrow"),
                ("body", "Submit **quiz 10** before midnight."),
            ]),
        StatusCode::SEE_OTHER,
    )
    .await?;
    let post = t0.elapsed().as_secs_f64();
    let fanout = job_since(&db, JobKind::AnnouncementFanout, since, timeout).await?;
    wait_done(&db, fanout.id, timeout).await?;
    let secs = t0.elapsed().as_secs_f64();
    let mails = job::Entity::find()
        .filter(job::Column::Kind.eq(JobKind::MailSend.as_str()))
        .filter(job::Column::CreatedAt.gte(since))
        .count(&db)
        .await?;
    report(&mut rows, t, format!(
        "| {label} | announcement fan-out: {mails} mails queued | {secs:.1} s | posting {post:.3} s; the in-process worker starts sending meanwhile |"
    ), json!({"kind": "batch", "op": "announcement", "label": label, "mails": mails, "seconds": secs}))?;
    for r in rows {
        println!("{r}");
    }
    Ok(())
}
