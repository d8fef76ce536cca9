//! Housekeeping: what piles up and expires is cleared. Every worker runs it once an hour (and
//! a queued `housekeeping` job runs it too).

use crate::jobs::{Job, JobContext, JobError};
use crate::App;
use amphi_core::jobs::JobKind;
use amphi_core::Result;
use amphi_db::jobs::{self, JobPayload};
use chrono::Duration;
use serde::{Deserialize, Serialize};

/// Quiz attempts graded per pass of the deadline sweep.
const CLOSE_BATCH: u64 = 500;

/// Grades quiz attempts abandoned past their deadline, then deletes expired sessions, sign-in
/// states, old rate-limit windows, finished jobs after a week and undecided held jobs after
/// two days.
pub async fn run(app: &App) -> Result<()> {
    let now = app.now();
    // Quiz attempts abandoned past their deadline are graded with what was saved.
    while crate::assessment::quiz::closing::close_expired(app, CLOSE_BATCH).await? == CLOSE_BATCH {}
    crate::sessions::prune(app).await?;
    // Expired single sign-on states and one-time values (partner jti, assertion ids).
    crate::sso::prune(app).await?;
    // Expired LTI service tokens and client assertion ids.
    amphi_db::repo::lti::prune(app.db.writer(), now).await?;
    amphi_db::repo::xapi::prune_tokens(app.db.writer(), now).await?;
    let window = app.config.security.login_window_minutes * 60;
    amphi_db::repo::rate_limits::prune(app.db.writer(), now.timestamp() - 2 * window).await?;
    jobs::prune_done(app.db.writer(), now - Duration::days(7)).await?;
    jobs::prune_held(app.db.writer(), now - Duration::days(2)).await?;
    Ok(())
}

/// The payload of a `housekeeping` job: nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Housekeeping {}

impl JobPayload for Housekeeping {
    const KIND: JobKind = JobKind::Housekeeping;
    // The hourly run does it again anyway.
    const MAX_ATTEMPTS: i32 = 3;
}

impl Job for Housekeeping {
    async fn run(self, cx: &JobContext<'_>) -> std::result::Result<(), JobError> {
        Ok(run(cx.app).await?)
    }
}
