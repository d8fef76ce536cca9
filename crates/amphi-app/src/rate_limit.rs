//! Sign-in throttling with fixed windows kept in the database, so every node counts together.

use crate::App;
use amphi_core::{Error, Result};
use amphi_db::repo::rate_limits;

/// One counter and its ceiling.
#[derive(Debug, Clone)]
pub struct Bucket {
    /// Counter name (`login:acct:<tenant>:<email>`, `login:ip:<addr>`).
    pub key: String,
    /// Hits allowed per window.
    pub max: i64,
}

fn window(app: &App) -> (i64, i64) {
    let len = app.config.security.login_window_minutes.max(1) * 60;
    let now = app.now().timestamp();
    (now - now.rem_euclid(len), len)
}

/// Refuses with `RateLimited` if any bucket is already full.
pub async fn check(app: &App, buckets: &[Bucket]) -> Result<()> {
    let (start, len) = window(app);
    for b in buckets {
        if rate_limits::hits(app.db.reader(), &b.key, start).await? >= b.max {
            let retry = (start + len - app.now().timestamp()).max(1) as u64;
            return Err(Error::RateLimited {
                retry_after_secs: retry,
            });
        }
    }
    Ok(())
}

/// Counts one failure in every bucket.
pub async fn hit(app: &App, buckets: &[Bucket]) -> Result<()> {
    let (start, _) = window(app);
    let keys: Vec<String> = buckets.iter().map(|b| b.key.clone()).collect();
    app.write(move |app| async move {
        for k in &keys {
            rate_limits::hit(app.db.writer(), k, start).await?;
        }
        Ok(())
    })
    .await
}

/// How many more hits a bucket takes in the current window before it refuses.
pub async fn left(app: &App, bucket: &Bucket) -> Result<i64> {
    let (start, _) = window(app);
    let hits = rate_limits::hits(app.db.writer(), &bucket.key, start).await?;
    Ok((bucket.max - hits).max(0))
}

/// Forgets a bucket.
pub async fn clear(app: &App, key: &str) -> Result<()> {
    let key = key.to_owned();
    app.write(move |app| async move { rate_limits::clear(app.db.writer(), &key).await })
        .await
}
