//! The background worker: claims due jobs from the queue table and runs their handlers. Runs in
//! `amphi serve` (in-process) and as separate `amphi worker` processes; any number may run at once.

pub mod mailer;

use amphi_app::App;
use amphi_db::jobs;
use amphi_db::rows;
use chrono::Duration;
use std::sync::Arc;
use tokio::sync::watch;

/// Sends the messages of `mail.send` jobs.
pub use mailer::Mailer;

/// What a handler reports.
pub type JobResult = Result<(), String>;

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
        let mailer = Mailer::from_config(&app.config.mail)?;
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
            Ok(()) => {
                // Mail carries one-time links and imports carry people's data: once done,
                // the payload goes.
                let redact = j.kind == amphi_app::mail::MAIL_JOB
                    || j.kind == amphi_app::courses::import::IMPORT_JOB;
                if let Err(e) = jobs::complete(self.app.db.writer(), j.id, redact, now).await {
                    tracing::error!(job = %j.id, error = %e, "could not mark job done");
                }
                metrics::counter!("amphi_jobs_total", "kind" => kind.clone(), "outcome" => "done")
                    .increment(1);
                tracing::info!(job = %j.id, kind = %kind, ms = started.elapsed().as_millis() as u64, "job done");
            }
            Err(msg) => {
                let status = jobs::fail(self.app.db.writer(), &j, &msg, now).await;
                metrics::counter!("amphi_jobs_total", "kind" => kind.clone(), "outcome" => "failed").increment(1);
                tracing::warn!(job = %j.id, kind = %kind, attempt = j.attempts, error = %msg, status = ?status, "job failed");
            }
        }
    }

    async fn dispatch(&self, j: &rows::Job) -> JobResult {
        match j.kind.as_str() {
            amphi_app::mail::MAIL_JOB => {
                let m: amphi_app::mail::OutgoingMail = serde_json::from_str(&j.payload)
                    .map_err(|e| format!("bad mail payload: {e}"))?;
                self.mailer.send(&m).await
            }
            "housekeeping" => self.housekeeping().await,
            amphi_app::courses::announce::FANOUT_JOB => {
                let tenant = j
                    .tenant_id
                    .map(amphi_core::TenantId)
                    .ok_or_else(|| "fan-out without tenant".to_owned())?;
                amphi_app::courses::announce::run_fanout(&self.app, j.id, tenant, &j.payload)
                    .await
                    .map_err(|e| e.to_string())
            }
            amphi_app::courses::import::IMPORT_JOB => {
                let tenant = j
                    .tenant_id
                    .map(amphi_core::TenantId)
                    .ok_or_else(|| "import without tenant".to_owned())?;
                amphi_app::courses::import::run_job(&self.app, j.id, tenant, &j.payload)
                    .await
                    .map_err(|e| e.to_string())
            }
            amphi_app::courses::authoring::RECOUNT_JOB => {
                let tenant = j
                    .tenant_id
                    .map(amphi_core::TenantId)
                    .ok_or_else(|| "recount without tenant".to_owned())?;
                let run = serde_json::from_str::<serde_json::Value>(&j.payload)
                    .ok()
                    .and_then(|v| {
                        v.get("run")
                            .and_then(|r| r.as_str())
                            .and_then(|r| r.parse::<uuid::Uuid>().ok())
                    })
                    .ok_or_else(|| "bad recount payload".to_owned())?;
                amphi_app::courses::authoring::recount(&self.app, tenant, run)
                    .await
                    .map_err(|e| e.to_string())
            }
            amphi_app::assessment::gradebook::updates::RECOMPUTE_JOB => {
                let tenant = j
                    .tenant_id
                    .map(amphi_core::TenantId)
                    .ok_or_else(|| "recompute without tenant".to_owned())?;
                let run = serde_json::from_str::<serde_json::Value>(&j.payload)
                    .ok()
                    .and_then(|v| {
                        v.get("run")
                            .and_then(|r| r.as_str())
                            .and_then(|r| r.parse::<uuid::Uuid>().ok())
                    })
                    .ok_or_else(|| "bad recompute payload".to_owned())?;
                amphi_app::assessment::gradebook::updates::recompute_run(&self.app, tenant, run)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            amphi_app::certificates::ISSUE_JOB => {
                let tenant = j
                    .tenant_id
                    .map(amphi_core::TenantId)
                    .ok_or_else(|| "certificate without tenant".to_owned())?;
                amphi_app::certificates::run_issue_job(&self.app, tenant, &j.payload)
                    .await
                    .map_err(|e| e.to_string())
            }
            amphi_app::certificates::BACKFILL_JOB => {
                let tenant = j
                    .tenant_id
                    .map(amphi_core::TenantId)
                    .ok_or_else(|| "certificate backfill without tenant".to_owned())?;
                amphi_app::certificates::run_backfill_job(&self.app, tenant, &j.payload)
                    .await
                    .map_err(|e| e.to_string())
            }
            amphi_app::assessment::peer::settings::ALLOCATE_JOB
            | amphi_app::assessment::peer::settings::RESULTS_JOB => self.peer_job(j).await,
            other => Err(format!("no handler for job kind `{other}`")),
        }
    }

    /// `peer.allocate` and `peer.results`: one peer assessment's allocation or results.
    async fn peer_job(&self, j: &rows::Job) -> JobResult {
        use amphi_app::assessment::peer;
        let tenant = j
            .tenant_id
            .map(amphi_core::TenantId)
            .ok_or_else(|| "peer job without tenant".to_owned())?;
        let (run, item) = peer::settings::job_target(&j.payload).map_err(|e| e.to_string())?;
        let result = if j.kind == peer::settings::ALLOCATE_JOB {
            peer::allocation::allocate_reviews(&self.app, tenant, run, item)
                .await
                .and_then(|r| serde_json::to_value(r).map_err(amphi_core::Error::internal))
        } else {
            peer::results::compute_results(&self.app, tenant, run, item)
                .await
                .and_then(|r| serde_json::to_value(r).map_err(amphi_core::Error::internal))
        }
        .map_err(|e| e.to_string())?;
        jobs::set_result(self.app.db.writer(), j.id, &result)
            .await
            .map_err(|e| e.to_string())
    }

    async fn housekeeping(&self) -> JobResult {
        let now = self.app.now();
        // Quiz attempts abandoned past their deadline are graded with what was saved.
        while amphi_app::assessment::quiz::closing::close_expired(&self.app, 500)
            .await
            .map_err(|e| e.to_string())?
            == 500
        {}
        amphi_app::sessions::prune(&self.app)
            .await
            .map_err(|e| e.to_string())?;
        // Expired single sign-on states and one-time values (partner jti, assertion ids).
        amphi_app::sso::prune(&self.app)
            .await
            .map_err(|e| e.to_string())?;
        let window = self.app.config.security.login_window_minutes * 60;
        amphi_db::repo::rate_limits::prune(self.app.db.writer(), now.timestamp() - 2 * window)
            .await
            .map_err(|e| e.to_string())?;
        jobs::prune_done(self.app.db.writer(), now - Duration::days(7))
            .await
            .map_err(|e| e.to_string())?;
        jobs::prune_held(self.app.db.writer(), now - Duration::days(2))
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
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
                let _ = self.housekeeping().await;
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

async fn futures_join<T>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await);
    }
    out
}
