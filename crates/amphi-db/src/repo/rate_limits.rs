//! Fixed-window counters shared by every node (login attempts per account and per address).
//! Platform-wide: the table has no tenant column (a bucket's key names its tenant when it has one).

use crate::DbResultExt;
use amphi_core::Result;
use sea_orm::{ConnectionTrait, Statement, Value};

/// Adds one hit to `bucket` in the window starting at `window_start` (unix seconds) and returns
/// the hits so far in that window.
pub async fn hit(c: &impl ConnectionTrait, bucket: &str, window_start: i64) -> Result<i64> {
    // INSERT … ON CONFLICT … RETURNING has the same syntax on SQLite (3.35+) and PostgreSQL.
    let stmt = Statement::from_sql_and_values(
        c.get_database_backend(),
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
         RETURNING hits",
        [Value::from(bucket.to_owned()), Value::from(window_start)],
    );
    let row = c.query_one(stmt).await.db()?;
    Ok(row
        .and_then(|r| r.try_get::<i32>("", "hits").ok())
        .map(i64::from)
        .unwrap_or(1))
}

/// Hits so far in a window, without adding one.
pub async fn hits(c: &impl ConnectionTrait, bucket: &str, window_start: i64) -> Result<i64> {
    let stmt = Statement::from_sql_and_values(
        c.get_database_backend(),
        "SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start = $2",
        [Value::from(bucket.to_owned()), Value::from(window_start)],
    );
    let row = c.query_one(stmt).await.db()?;
    Ok(row
        .and_then(|r| r.try_get::<i32>("", "hits").ok())
        .map(i64::from)
        .unwrap_or(0))
}

/// Forgets a bucket (after a successful sign-in).
pub async fn clear(c: &impl ConnectionTrait, bucket: &str) -> Result<()> {
    let stmt = Statement::from_sql_and_values(
        c.get_database_backend(),
        "DELETE FROM rate_limits WHERE bucket = $1",
        [Value::from(bucket.to_owned())],
    );
    c.execute(stmt).await.db()?;
    Ok(())
}

/// Drops windows that started before `before` (housekeeping).
pub async fn prune(c: &impl ConnectionTrait, before: i64) -> Result<u64> {
    let stmt = Statement::from_sql_and_values(
        c.get_database_backend(),
        "DELETE FROM rate_limits WHERE window_start < $1",
        [Value::from(before)],
    );
    Ok(c.execute(stmt).await.db()?.rows_affected())
}
