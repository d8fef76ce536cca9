//! The background worker: claims due jobs from the queue table and runs them. Runs in
//! `amphi serve` (in-process) and as separate `amphi worker` processes; any number may run at once.
//! It only dispatches: a job's kind names its payload type (declared in `amphi-app` next to
//! its use case), whose `run` does the work.

use amphi_app::assessment::gradebook::updates::RecomputeGrades;
use amphi_app::assessment::peer::settings::{AllocateReviews, ComputeResults};
use amphi_app::certificates::{BackfillCertificates, IssueCertificate};
use amphi_app::courses::announce::AnnouncementFanout;
use amphi_app::courses::authoring::RecountRun;
use amphi_app::courses::import::ApplyImport;
use amphi_app::housekeeping::Housekeeping;
use amphi_app::jobs::{Job, JobContext, JobError};
use amphi_app::mail::OutgoingMail;
use amphi_app::mailer::Mailer;
use amphi_app::App;
use amphi_core::jobs::JobKind;
use amphi_core::TenantId;
use amphi_db::jobs;
use amphi_db::rows;
use chrono::Duration;
use std::sync::Arc;
use tokio::sync::watch;

/// Whether a job's payload is blanked once it is done.
type Redact = bool;

/// The worker: the app, the mailer and the polling settings.
#[derive(Clone)]
pub struct Worker {
    app: App,
    mailer: Arc<Mailer>,
}

/// How long a claimed job is reserved; a worker that dies frees it after this.
const LEASE: i64 = 300;

impl Worker {
    /// A worker over the app; the mailer follows the mail configuration.
    pub fn new(app: App) -> anyhow::Result<Self> {
        let mailer = Mailer::from_config(&app.config.mail).map_err(|e| anyhow::anyhow!(e))?;
        Ok(Self {
            app,
            mailer: Arc::new(mailer),
        })
    }

    /// Claims and runs every due job once; returns how many ran. Tests call this directly.
    pub async fn run_due(&self) -> anyhow::Result<usize> {
        let mut total = 0;
        loop {
            let n = self.run_batch().await?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
        }
    }

    /// Claims one batch of due jobs (up to the configured concurrency) and runs it; returns how
    /// many ran. The serving loop calls this so that it can stop between batches.
    pub async fn run_batch(&self) -> anyhow::Result<usize> {
        let batch = jobs::claim(
            &self.app.db,
            self.app.config.worker.concurrency as u64,
            Duration::seconds(LEASE),
            self.app.now(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("claiming jobs: {e}"))?;
        let n = batch.len();
        let runs = batch.into_iter().map(|j| {
            let w = self.clone();
            tokio::spawn(async move { w.run_one(j).await })
        });
        for r in futures_join(runs).await {
            if let Err(e) = r {
                tracing::error!(error = %e, "job task panicked");
            }
        }
        Ok(n)
    }

    async fn run_one(&self, j: rows::Job) {
        let started = std::time::Instant::now();
        let outcome = self.dispatch(&j).await;
        let now = self.app.now();
        let kind = j.kind.clone();
        match outcome {
            Ok(redact) => {
                if let Err(e) = jobs::complete(self.app.db.writer(), j.id, redact, now).await {
                    tracing::error!(job = %j.id, error = %e, "could not mark job done");
                }
                metrics::counter!("amphi_jobs_total", "kind" => kind.clone(), "outcome" => "done")
                    .increment(1);
                tracing::info!(job = %j.id, kind = %kind, ms = started.elapsed().as_millis() as u64, "job done");
            }
            Err(e) => {
                let msg = e.to_string();
                let status = jobs::fail(self.app.db.writer(), &j, &msg, now).await;
                metrics::counter!("amphi_jobs_total", "kind" => kind.clone(), "outcome" => "failed").increment(1);
                tracing::warn!(job = %j.id, kind = %kind, attempt = j.attempts, error = %msg, status = ?status, "job failed");
            }
        }
    }

    /// Runs a claimed job as the payload type its kind names. A kind this build does not know
    /// and a payload that does not read as its kind's type fail the attempt like any error.
    async fn dispatch(&self, j: &rows::Job) -> Result<Redact, JobError> {
        let kind = j
            .kind()
            .map_err(|_| JobError::new(format!("no handler for job kind `{}`", j.kind)))?;
        let cx = JobContext {
            app: &self.app,
            mailer: &self.mailer,
            id: j.id,
            tenant: j.tenant_id.map(TenantId),
        };
        let payload = j.payload.as_str();
        match kind {
            JobKind::MailSend => run::<OutgoingMail>(&cx, payload).await,
            JobKind::Housekeeping => run::<Housekeeping>(&cx, payload).await,
            JobKind::RunRecount => run::<RecountRun>(&cx, payload).await,
            JobKind::EnrolmentImport => run::<ApplyImport>(&cx, payload).await,
            JobKind::AnnouncementFanout => run::<AnnouncementFanout>(&cx, payload).await,
            JobKind::GradebookRecompute => run::<RecomputeGrades>(&cx, payload).await,
            JobKind::CertificateIssue => run::<IssueCertificate>(&cx, payload).await,
            JobKind::CertificateBackfill => run::<BackfillCertificates>(&cx, payload).await,
            JobKind::PeerAllocate => run::<AllocateReviews>(&cx, payload).await,
            JobKind::PeerResults => run::<ComputeResults>(&cx, payload).await,
        }
    }

    /// Polls until `shutdown` turns true, finishing the jobs in hand first. Also schedules
    /// housekeeping every hour, and grades quiz attempts left open past their deadline every
    /// 30 seconds.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let idle =
            std::time::Duration::from_millis(self.app.config.worker.poll_interval_ms.max(50));
        let mut last_housekeeping: Option<std::time::Instant> = None;
        let mut last_sweep = std::time::Instant::now();
        loop {
            if *shutdown.borrow() {
                break;
            }
            if last_sweep.elapsed() > std::time::Duration::from_secs(30) {
                last_sweep = std::time::Instant::now();
                if let Err(e) =
                    amphi_app::assessment::quiz::closing::close_expired(&self.app, 500).await
                {
                    tracing::error!(error = %e, "closing expired quiz attempts");
                }
            }
            if last_housekeeping.is_none_or(|t| t.elapsed() > std::time::Duration::from_secs(3600))
            {
                last_housekeeping = Some(std::time::Instant::now());
                let _ = amphi_app::housekeeping::run(&self.app).await;
            }
            // One batch at a time, so a shutdown is seen between batches even when the queue
            // holds a 100,000-mail fan-out.
            match self.run_batch().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "worker loop"),
            }
            tokio::select! {
                _ = tokio::time::sleep(idle) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!("worker stopped");
    }
}

/// Reads the payload as `J` and runs it; says whether the payload goes once done.
async fn run<J: Job>(cx: &JobContext<'_>, payload: &str) -> Result<Redact, JobError> {
    let job: J = serde_json::from_str(payload)
        .map_err(|e| JobError::new(format!("bad `{}` payload: {e}", J::KIND.as_str())))?;
    job.run(cx).await?;
    Ok(J::REDACT_WHEN_DONE)
}

async fn futures_join<T>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await);
    }
    out
}
