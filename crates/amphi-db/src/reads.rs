//! Reads on PostgreSQL from a pool that tests a connection only when it needs testing.
//!
//! sqlx's pool sends a ping (a `Sync` and its answer) on every connection it takes back, so each
//! statement run outside a transaction cost two round trips, and the ping's write, which wakes a
//! PostgreSQL backend, was an eighth of the server's CPU on the course home (BENCHMARKS.md,
//! sixth session). The ping guards against a connection left mid-statement by a request that
//! was cancelled (a client that hung up): this pool keeps that guard and pays for it only
//! then. A connection is marked unsettled while a statement runs on it, settled when the
//! statement returns; one taken from the pool unsettled, or idle longer than
//! [`IDLE_CHECK`], is pinged first (the ping reads whatever the abandoned statement left),
//! and dropped if that fails. Transactions stay on sea-orm's pool ([`crate::Db::writer`]).

use deadpool::managed::{self, Metrics, RecycleError, RecycleResult};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection};
use sea_orm::sqlx::{self, Connection, Executor};
use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult,
    RuntimeErr, Statement,
};
use sea_query_binder::SqlxValues;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A connection idle this long is pinged before its next use.
pub const IDLE_CHECK: Duration = Duration::from_secs(60);
/// No connection is kept longer than this (as sqlx's default `max_lifetime`).
pub const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// A connection unused this long is closed (as the write pool's `idle_timeout`).
pub const IDLE_CLOSE: Duration = Duration::from_secs(300);

/// A PostgreSQL connection of the read pool.
#[derive(Debug)]
pub struct PgConn {
    raw: PgConnection,
    /// False from the start of a statement until it returns: a statement whose future was
    /// dropped leaves it false.
    settled: bool,
}

/// Opens and tests the read pool's connections.
#[derive(Debug)]
pub struct PgManager {
    opts: PgConnectOptions,
}

impl managed::Manager for PgManager {
    type Type = PgConn;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<PgConn, sqlx::Error> {
        let raw = PgConnection::connect_with(&self.opts).await?;
        Ok(PgConn { raw, settled: true })
    }

    async fn recycle(&self, c: &mut PgConn, m: &Metrics) -> RecycleResult<sqlx::Error> {
        if m.created.elapsed() > MAX_LIFETIME {
            return Err(RecycleError::message("past its lifetime"));
        }
        if !c.settled || m.last_used() > IDLE_CHECK {
            c.raw.ping().await?;
            c.settled = true;
        }
        Ok(())
    }
}

/// The read pool of a PostgreSQL database.
#[derive(Clone)]
pub struct PgReads {
    pool: managed::Pool<PgManager>,
    statements: Arc<AtomicU64>,
}

impl std::fmt::Debug for PgReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgReads")
            .field("status", &self.pool.status())
            .finish()
    }
}

impl PgReads {
    /// A pool of at most `max` connections; a statement waits at most `acquire_timeout` for
    /// one. Connections open on first use.
    pub fn new(
        opts: PgConnectOptions,
        max: u32,
        acquire_timeout: Duration,
        statements: Arc<AtomicU64>,
    ) -> Result<Self, String> {
        let pool = managed::Pool::builder(PgManager { opts })
            .max_size(max.max(1) as usize)
            .wait_timeout(Some(acquire_timeout))
            .create_timeout(Some(acquire_timeout))
            .recycle_timeout(Some(acquire_timeout))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| e.to_string())?;
        // Closes the connections left idle after a burst; ends with the pool.
        let weak = pool.weak();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(IDLE_CLOSE / 5).await;
                let Some(pool) = weak.upgrade() else { return };
                if pool.is_closed() {
                    return;
                }
                let idle = pool.retain(|_, m| m.last_used() < IDLE_CLOSE).removed;
                drop(pool);
                terminate(idle).await;
            }
        });
        Ok(Self { pool, statements })
    }

    /// Connections open, and how many of them are idle.
    pub fn stats(&self) -> (u32, usize) {
        let s = self.pool.status();
        (s.size as u32, s.available)
    }

    /// Closes the pool's connections (those in use close when given back).
    pub async fn close(&self) {
        let idle = self.pool.retain(|_, _| false).removed;
        self.pool.close();
        terminate(idle).await;
    }

    async fn conn(&self) -> Result<managed::Object<PgManager>, DbErr> {
        self.pool.get().await.map_err(|e| match e {
            managed::PoolError::Timeout(_) => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            managed::PoolError::Backend(e) => DbErr::Conn(RuntimeErr::SqlxError(e)),
            managed::PoolError::Closed => {
                DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed)
            }
            other => DbErr::Conn(RuntimeErr::Internal(other.to_string())),
        })
    }

    /// A connection for one statement, marked unsettled until [`Self::done`] (a statement
    /// whose future is dropped before then leaves it unsettled).
    async fn take(&self) -> Result<(managed::Object<PgManager>, Instant), DbErr> {
        let mut c = self.conn().await?;
        c.settled = false;
        Ok((c, Instant::now()))
    }

    /// The statement on `c` returned: settles the connection if it succeeded, and counts the
    /// statement as sea-orm's own are counted.
    fn done(&self, c: &mut PgConn, started: Instant, ok: bool) {
        c.settled = ok;
        crate::count_statement(&self.statements, started.elapsed(), !ok);
    }
}

/// Says goodbye to PostgreSQL on each connection (a `Terminate`), so that its backend ends now
/// rather than when it notices the socket closed.
async fn terminate(conns: Vec<PgConn>) {
    for c in conns {
        let _ = c.raw.close().await;
    }
}

fn query_err(e: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(e))
}

fn exec_err(e: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(e))
}

fn query_of(stmt: &Statement) -> sqlx::query::Query<'_, sqlx::Postgres, SqlxValues> {
    let values = stmt
        .values
        .clone()
        .unwrap_or(sea_orm::sea_query::Values(Vec::new()));
    sqlx::query_with(&stmt.sql, SqlxValues(values))
}

/// Where reads go: sea-orm's pool (SQLite), or the read pool above (PostgreSQL).
#[derive(Debug, Clone)]
pub enum Reader {
    /// A sea-orm connection pool.
    Pooled(DatabaseConnection),
    /// PostgreSQL's read pool.
    Pg(PgReads),
}

impl Reader {
    /// Pool sizes for metrics: (open connections, idle connections).
    pub fn stats(&self) -> (u32, usize) {
        match self {
            Reader::Pooled(c) => match c.get_database_backend() {
                DbBackend::Sqlite => {
                    let p = c.get_sqlite_connection_pool();
                    (p.size(), p.num_idle())
                }
                _ => {
                    let p = c.get_postgres_connection_pool();
                    (p.size(), p.num_idle())
                }
            },
            Reader::Pg(p) => p.stats(),
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match self {
            Reader::Pooled(c) => {
                let _ = c.close_by_ref().await;
            }
            Reader::Pg(p) => p.close().await,
        }
    }

    /// Whether the database answers (a ping on a pooled connection).
    pub async fn ping(&self) -> Result<(), DbErr> {
        match self {
            Reader::Pooled(c) => c.ping().await,
            Reader::Pg(p) => {
                let (mut c, _) = p.take().await?;
                c.raw
                    .ping()
                    .await
                    .map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(e)))?;
                c.settled = true;
                Ok(())
            }
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Reader {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            Reader::Pooled(c) => c.get_database_backend(),
            Reader::Pg(_) => DbBackend::Postgres,
        }
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match self {
            Reader::Pooled(c) => c.execute(stmt).await,
            Reader::Pg(p) => {
                let (mut c, t) = p.take().await?;
                let r = query_of(&stmt).execute(&mut c.raw).await;
                p.done(&mut c, t, r.is_ok());
                r.map(ExecResult::from).map_err(exec_err)
            }
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Reader::Pooled(c) => c.execute_unprepared(sql).await,
            Reader::Pg(p) => {
                let (mut c, t) = p.take().await?;
                let r = c.raw.execute(sql).await;
                p.done(&mut c, t, r.is_ok());
                r.map(ExecResult::from).map_err(exec_err)
            }
        }
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Reader::Pooled(c) => c.query_one(stmt).await,
            Reader::Pg(p) => {
                let (mut c, t) = p.take().await?;
                let r = query_of(&stmt).fetch_optional(&mut c.raw).await;
                p.done(&mut c, t, r.is_ok());
                Ok(r.map_err(query_err)?.map(QueryResult::from))
            }
        }
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Reader::Pooled(c) => c.query_all(stmt).await,
            Reader::Pg(p) => {
                let (mut c, t) = p.take().await?;
                let r = query_of(&stmt).fetch_all(&mut c.raw).await;
                p.done(&mut c, t, r.is_ok());
                Ok(r.map_err(query_err)?
                    .into_iter()
                    .map(QueryResult::from)
                    .collect())
            }
        }
    }
}
