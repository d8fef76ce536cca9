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
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection, PgQueryResult, PgRow};
use sea_orm::sqlx::{self, Connection, Executor};
use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult,
    RuntimeErr, Statement,
};
use sea_query_binder::SqlxValues;
use std::sync::atomic::{AtomicU64, Ordering};
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

    /// Runs one statement on a pooled connection, counted as sea-orm's own are (see
    /// `counted` in this crate).
    async fn run(&self, op: Op<'_>) -> Result<Out, DbErr> {
        let mut c = self.conn().await?;
        let started = Instant::now();
        c.settled = false;
        let raw = &mut c.raw;
        let r = match op {
            Op::Execute(stmt) => query_of(stmt).execute(raw).await.map(Out::Done),
            Op::Unprepared(sql) => raw.execute(sql).await.map(Out::Done),
            Op::One(stmt) => query_of(stmt).fetch_optional(raw).await.map(Out::One),
            Op::All(stmt) => query_of(stmt).fetch_all(raw).await.map(Out::All),
        };
        c.settled = r.is_ok();
        self.statements.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("amphi_db_statements_total").increment(1);
        metrics::histogram!("amphi_db_statement_duration_seconds")
            .record(started.elapsed().as_secs_f64());
        if r.is_err() {
            metrics::counter!("amphi_db_statement_errors_total").increment(1);
        }
        r.map_err(|e| match op {
            Op::Execute(_) | Op::Unprepared(_) => DbErr::Exec(RuntimeErr::SqlxError(e)),
            Op::One(_) | Op::All(_) => DbErr::Query(RuntimeErr::SqlxError(e)),
        })
    }
}

/// Says goodbye to PostgreSQL on each connection (a `Terminate`), so that its backend ends now
/// rather than when it notices the socket closed.
async fn terminate(conns: Vec<PgConn>) {
    for c in conns {
        let _ = c.raw.close().await;
    }
}

/// A statement for [`PgReads::run`].
#[derive(Clone, Copy)]
enum Op<'a> {
    Execute(&'a Statement),
    Unprepared(&'a str),
    One(&'a Statement),
    All(&'a Statement),
}

/// What a statement gave back.
enum Out {
    Done(PgQueryResult),
    One(Option<PgRow>),
    All(Vec<PgRow>),
}

fn query_of(stmt: &Statement) -> sqlx::query::Query<'_, sqlx::Postgres, SqlxValues> {
    let values = stmt
        .values
        .clone()
        .unwrap_or(sea_orm::sea_query::Values(Vec::new()));
    sqlx::query_with(&stmt.sql, SqlxValues(values))
}

fn unexpected() -> DbErr {
    DbErr::Custom("the read pool answered with another kind of result".into())
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
    /// Whether the database answers (a ping on a pooled connection).
    pub async fn ping(&self) -> Result<(), DbErr> {
        match self {
            Reader::Pooled(c) => c.ping().await,
            Reader::Pg(p) => {
                let mut c = p.conn().await?;
                c.settled = false;
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
            Reader::Pg(p) => match p.run(Op::Execute(&stmt)).await? {
                Out::Done(r) => Ok(r.into()),
                _ => Err(unexpected()),
            },
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Reader::Pooled(c) => c.execute_unprepared(sql).await,
            Reader::Pg(p) => match p.run(Op::Unprepared(sql)).await? {
                Out::Done(r) => Ok(r.into()),
                _ => Err(unexpected()),
            },
        }
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Reader::Pooled(c) => c.query_one(stmt).await,
            Reader::Pg(p) => match p.run(Op::One(&stmt)).await? {
                Out::One(r) => Ok(r.map(QueryResult::from)),
                _ => Err(unexpected()),
            },
        }
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Reader::Pooled(c) => c.query_all(stmt).await,
            Reader::Pg(p) => match p.run(Op::All(&stmt)).await? {
                Out::All(rows) => Ok(rows.into_iter().map(QueryResult::from).collect()),
                _ => Err(unexpected()),
            },
        }
    }
}
