//! Announcements from the course team to everyone in a run: shown on the course home and
//! mailed through the job queue. The fan-out job walks the run a thousand people at a time,
//! saving its place in the same transaction as the mails it queues, so a retry never mails
//! anyone twice and 100,000 recipients block nothing.

use super::{access, content, writable};
use crate::i18n::t_args;
use crate::jobs::{Job, JobContext, JobError};
use crate::mail::OutgoingMail;
use crate::{App, Caller};
use amphi_core::error::Fields;
use amphi_core::jobs::JobKind;
use amphi_core::policy::Action;
use amphi_core::validate::{self, Locale};
use amphi_core::{codes, Error, Result, RunId, TenantId};
use amphi_db::jobs::{self, JobPayload, NewJob};
use amphi_db::repo::{announcements as repo_a, audit, courses as repo_c, enrolments as repo_e};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Recipients per transaction. Large: on SQLite every transaction waits for the single writer,
/// which the worker sending the first mails keeps taking meanwhile (1,000 made a 200,000-mail
/// fan-out take 46 s there).
const BATCH: u64 = 5000;

/// An announcement as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Announcement {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Body rendered and sanitised.
    pub html: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<rows::Announcement> for Announcement {
    fn from(m: rows::Announcement) -> Self {
        Announcement {
            id: m.id,
            html: content::markdown_to_html(&m.body),
            title: m.title,
            created_at: m.created_at,
        }
    }
}

/// Posts an announcement and starts mailing it.
pub async fn post(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    title: &str,
    body: &str,
) -> Result<Announcement> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let run_id = run_id.0;
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    writable(&a.run, app.now())?;
    let mut f = Fields::new();
    let title = f.check(validate::short_text("title", title, 200));
    if body.trim().is_empty() {
        f.push("body", codes::REQUIRED);
    } else if body.chars().count() > 20_000 {
        f.push("body", codes::TOO_LONG);
    } else if content::has_unsafe_html(body) {
        f.push("body", codes::UNSAFE_HTML);
    }
    f.finish()?;
    let Some(title) = title else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let now = app.now();
    let txn = app.db.begin().await?;
    let m = repo_a::insert(
        &txn,
        tenant,
        rows::Announcement {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            run_id,
            author_id: Some(user.id.0),
            title,
            body: body.trim().to_owned(),
            created_at: now,
        },
    )
    .await?;
    let fanout = AnnouncementFanout {
        announcement: m.id,
        base_url: meta.base_url.clone(),
    };
    let job = jobs::enqueue(&txn, NewJob::new(Some(tenant), &fanout)?, now).await?;
    jobs::progress(&txn, job, 0, Some(a.run.enrolled_count)).await?;
    // The course home caches announcements with the structure: bump the run.
    repo_c::touch_run(&txn, tenant, run_id, None, now).await?;
    audit::Event::new("announcement.posted", tenant)
        .actor(user.id)
        .target(m.title.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "run": run_id }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(m.into())
}

/// The latest announcements of a run (the course home reads them through its cache).
pub(crate) async fn latest_of_run(
    app: &App,
    tenant: TenantId,
    run_id: Uuid,
    limit: u64,
) -> Result<Vec<Announcement>> {
    Ok(
        repo_a::latest_of_run(app.db.reader(), tenant, run_id, limit)
            .await?
            .into_iter()
            .map(Announcement::from)
            .collect(),
    )
}

/// The payload of an `announcement.fanout` job: the announcement to mail, and where the links
/// in the mails point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementFanout {
    /// The announcement.
    pub announcement: Uuid,
    /// `scheme://host` of the tenant's pages.
    #[serde(default)]
    pub base_url: String,
}

impl JobPayload for AnnouncementFanout {
    const KIND: JobKind = JobKind::AnnouncementFanout;
    const MAX_ATTEMPTS: i32 = 10;
}

impl Job for AnnouncementFanout {
    async fn run(self, cx: &JobContext<'_>) -> std::result::Result<(), JobError> {
        Ok(run_fanout(cx.app, cx.id, cx.tenant()?, self).await?)
    }
}

/// The fan-out job: resumes after the last recipient it saved.
async fn run_fanout(
    app: &App,
    job_id: Uuid,
    tenant: TenantId,
    p: AnnouncementFanout,
) -> Result<()> {
    let (id, base_url) = (p.announcement, p.base_url);
    let a = repo_a::by_id(app.db.reader(), tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let run = repo_c::run(app.db.reader(), tenant, a.run_id)
        .await?
        .ok_or(Error::NotFound)?;
    let course = repo_c::by_id(app.db.reader(), tenant, run.course_id)
        .await?
        .ok_or(Error::NotFound)?;
    let job = jobs::by_id(app.db.reader(), job_id)
        .await?
        .ok_or(Error::NotFound)?;
    let saved: serde_json::Value = job
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    let mut cursor: Option<Uuid> = saved
        .get("cursor")
        .and_then(|c| c.as_str())
        .and_then(|c| c.parse().ok());
    let mut done = job.progress_done;
    let link = format!("{base_url}/learn/{}", run.id);
    loop {
        let batch = repo_e::recipients(app.db.reader(), tenant, run.id, cursor, BATCH).await?;
        let Some(last) = batch.last().map(|r| r.id) else {
            break;
        };
        let now = app.now();
        let mails: Vec<NewJob> = batch
            .iter()
            .map(|r| {
                let locale = r
                    .locale
                    .as_deref()
                    .and_then(Locale::from_tag)
                    .unwrap_or_default();
                let args = [
                    ("course", course.title.clone()),
                    ("title", a.title.clone()),
                    ("body", a.body.clone()),
                    ("link", link.clone()),
                    ("name", r.name.clone()),
                ];
                let m = OutgoingMail {
                    to: r.email.clone(),
                    subject: t_args(locale, "mail-announcement-subject", &args),
                    text: t_args(locale, "mail-announcement-body", &args),
                };
                NewJob::new(Some(tenant), &m)
            })
            .collect::<Result<_>>()?;
        let txn = app.db.begin().await?;
        jobs::enqueue_many(&txn, mails, now).await?;
        done += batch.len() as i64;
        jobs::progress(&txn, job_id, done, None).await?;
        jobs::set_result(&txn, job_id, &serde_json::json!({ "cursor": last })).await?;
        txn.commit().await.map_err(Error::internal)?;
        cursor = Some(last);
        if (batch.len() as u64) < BATCH {
            break;
        }
    }
    Ok(())
}
