//! Amphi storage. One migration tree for SQLite and PostgreSQL, entities, repositories that
//! take the tenant scope as an argument, the job queue, and the test database harness.

pub mod bench;
pub mod dialect;
/// Entities stay inside this crate: other crates name rows through [`rows`] and reach the
/// database only through [`repo`], so none can build a query. Test harnesses (the integration
/// tests, the benchmark) see them with the `testing` feature, to check what landed in the tables.
#[cfg(feature = "testing")]
pub mod entities;
#[cfg(not(feature = "testing"))]
mod entities;
pub mod jobs;
pub mod migration;
pub mod reads;
pub mod repo;
pub mod rows;
pub mod shape;
mod stored;
#[cfg(feature = "testing")]
pub mod testing;

use amphi_core::codes;
use amphi_core::{Error, Result};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::sqlx::ConnectOptions as _;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqlxPostgresConnector, SqlxSqliteConnector, Statement, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub use reads::Reader;

/// Anything a repository function can run statements on: the writer, a reader, or a
/// transaction ([`Tx`]). Other crates pass one along; they cannot build a statement for it.
pub trait Conn: sea_orm::ConnectionTrait + Sync {}
impl<T: sea_orm::ConnectionTrait + Sync> Conn for T {}

/// A write transaction, from [`Db::begin`]: every statement in it commits or rolls back as one.
pub type Tx = DatabaseTransaction;

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// `sqlite://path?mode=rwc` or `postgres://…`.
    pub url: String,
    /// Optional PostgreSQL streaming replica for reads that tolerate lag.
    pub replica_url: Option<String>,
    /// Upper bound of pooled connections (readers on SQLite).
    pub max_connections: u32,
    /// How long a request waits for a free connection.
    pub acquire_timeout: Duration,
}

impl DbOptions {
    /// Options with the pool sized to the machine.
    pub fn new(url: impl Into<String>) -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2) as u32;
        Self {
            url: url.into(),
            replica_url: None,
            max_connections: (cores * 4).clamp(4, 32),
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// The database: a writer, consistent readers and lag-tolerant readers.
///
/// SQLite has one writer connection (no two writers ever contend for the lock) and a pool of
/// readers that WAL lets run beside it. PostgreSQL has one pool for the primary, and an
/// optional replica pool for reads that may lag.
#[derive(Debug, Clone)]
pub struct Db {
    writer: DatabaseConnection,
    reader: Reader,
    replica: Reader,
    backend: DbBackend,
    /// SQLite: the thread that runs write transactions (see [`Db::write`]).
    write_thread: Option<Arc<WriteThread>>,
    /// Statements run so far, on every connection of this `Db` (see [`Db::statements_run`]).
    statements: Arc<AtomicU64>,
}

/// Has every statement counted: in the `Db`'s own counter (the tests' statement budgets) and
/// in the operators' metrics (`amphi_db_statements_total`, `amphi_db_statement_errors_total`
/// and the `amphi_db_statement_duration_seconds` histogram).
fn counted(mut c: DatabaseConnection, count: &Arc<AtomicU64>) -> DatabaseConnection {
    let count = count.clone();
    c.set_metric_callback(move |info| count_statement(&count, info.elapsed, info.failed));
    c
}

/// Counts one statement (see [`counted`]; the PostgreSQL read pool counts its own with it).
fn count_statement(count: &AtomicU64, elapsed: Duration, failed: bool) {
    count.fetch_add(1, Ordering::Relaxed);
    metrics::counter!("amphi_db_statements_total").increment(1);
    metrics::histogram!("amphi_db_statement_duration_seconds").record(elapsed.as_secs_f64());
    if failed {
        metrics::counter!("amphi_db_statement_errors_total").increment(1);
    }
}

/// A thread of its own, with a single-threaded runtime, for SQLite's write transactions.
///
/// A statement on a SQLite connection is a round trip to that connection's own thread, and the
/// write lock is held from `BEGIN` to the connection's return to the pool (sqlx pings it
/// first). Run on the server's runtime, each of those round trips waits for a worker to come
/// back to the woken task, behind every request being served; a quiz submit's transaction
/// makes about ten of them, and every write queues behind the one holding the writer. On this
/// thread nothing else runs, so the next statement goes out as soon as the previous one is
/// answered: about 30 % more quiz submits per second under load (BENCHMARKS.md, 2026-12-04).
#[derive(Debug)]
struct WriteThread {
    handle: tokio::runtime::Handle,
    /// Dropped with the last clone of the `Db`: the thread then ends.
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// How often the write thread checkpoints SQLite's write-ahead log.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// The writer's own automatic checkpoint, in pages of the log (4 KiB each): only a backstop,
/// for when the background checkpoints fall behind (SQLite's default is 1,000).
const WRITER_AUTOCHECKPOINT_PAGES: &str = "10000";

impl WriteThread {
    /// Starts the thread; `checkpoint` opens the connection its background checkpoints use.
    fn start(checkpoint: SqliteConnectOptions) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the SQLite write thread: {e}")))?;
        let handle = rt.handle().clone();
        handle.spawn(checkpoints(checkpoint));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("amphi-sqlite-write".into())
            .spawn(move || {
                rt.block_on(async {
                    let _ = stopped.await;
                });
                // What is left (the checkpoint loop; no write, once every `Db` is gone) is
                // dropped, not awaited. Closing the last connection checkpoints the log.
                rt.shutdown_background();
            })
            .map_err(|e| Error::Internal(format!("cannot start the SQLite write thread: {e}")))?;
        Ok(Self {
            handle,
            _stop: stop,
        })
    }
}

/// Copies committed pages from SQLite's write-ahead log into the database file, a few times a
/// second, on a connection of its own (a passive checkpoint: it waits for no reader or
/// writer). Left to the writer, the copy and its two `fsync`s happen inside a commit every
/// 1,000 pages of log, and every write queued behind it waits that long: during the quiz
/// submit benchmark, about every 60th submission.
async fn checkpoints(opts: SqliteConnectOptions) {
    use sea_orm::sqlx::Connection as _;
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut conn: Option<sea_orm::sqlx::SqliteConnection> = None;
    loop {
        tick.tick().await;
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match sea_orm::sqlx::SqliteConnection::connect_with(&opts).await {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot open the SQLite checkpoint connection");
                    continue;
                }
            },
        };
        if let Err(e) = sea_orm::sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut *c)
            .await
        {
            tracing::warn!(error = %e, "SQLite checkpoint failed");
            conn = None;
        }
    }
}

impl Db {
    /// Opens the pools. A SQLite file and its folder are created if missing.
    pub async fn connect(opts: &DbOptions) -> Result<Self> {
        if opts.url.starts_with("sqlite:") {
            let base = SqliteConnectOptions::from_str(&opts.url)
                .map_err(|e| {
                    Error::Internal(format!("database.url is not a valid SQLite URL: {e}"))
                })?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("temp_store", "memory")
                .pragma("cache_size", "-16000")
                .disable_statement_logging();
            if let Some(parent) = std::path::Path::new(base.get_filename()).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        Error::Internal(format!(
                            "cannot create database folder {}: {e}",
                            parent.display()
                        ))
                    })?;
                }
            }
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .acquire_timeout(opts.acquire_timeout.max(Duration::from_secs(10)))
                .connect_with(
                    base.clone()
                        .pragma("wal_autocheckpoint", WRITER_AUTOCHECKPOINT_PAGES),
                )
                .await
                .map_err(|e| Error::Internal(format!("cannot open SQLite database: {e}")))?;
            // A SQLite connection is a file handle: nothing to test before each use. Readers
            // keep a 2 MiB page cache each (the writer 16 MiB): eight readers with 16 MiB each
            // held 60 MiB more than the same server on PostgreSQL, and pages they miss come
            // from the operating system's cache (a read of a hot page is a copy, not a disk
            // access).
            let reader = SqlitePoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(opts.acquire_timeout)
                .test_before_acquire(false)
                .connect_with(base.clone().pragma("cache_size", "-2000"))
                .await
                .map_err(|e| Error::Internal(format!("cannot open SQLite database: {e}")))?;
            let statements = Arc::default();
            let reader = counted(
                SqlxSqliteConnector::from_sqlx_sqlite_pool(reader),
                &statements,
            );
            Ok(Self {
                writer: counted(
                    SqlxSqliteConnector::from_sqlx_sqlite_pool(writer),
                    &statements,
                ),
                replica: Reader::Pooled(reader.clone()),
                reader: Reader::Pooled(reader),
                backend: DbBackend::Sqlite,
                write_thread: Some(Arc::new(WriteThread::start(
                    base.pragma("cache_size", "-500"),
                )?)),
                statements,
            })
        } else if opts.url.starts_with("postgres:") || opts.url.starts_with("postgresql:") {
            let pg = |url: &str| -> Result<PgConnectOptions> {
                Ok(PgConnectOptions::from_str(url)
                    .map_err(|e| Error::Internal(format!("not a valid PostgreSQL URL: {e}")))?
                    .disable_statement_logging())
            };
            // No ping before each use of a pooled connection: it doubled the round trips of
            // every query. A connection the server closed fails one query, and is dropped;
            // none is kept idle longer than five minutes.
            let pool = |o: PgConnectOptions| async move {
                PgPoolOptions::new()
                    .max_connections(opts.max_connections)
                    .acquire_timeout(opts.acquire_timeout)
                    .test_before_acquire(false)
                    .idle_timeout(Duration::from_secs(300))
                    .connect_with(o)
                    .await
                    .map_err(|e| Error::Internal(format!("cannot connect to PostgreSQL: {e}")))
            };
            let statements: Arc<AtomicU64> = Arc::default();
            let primary_opts = pg(&opts.url)?;
            let primary = counted(
                SqlxPostgresConnector::from_sqlx_postgres_pool(pool(primary_opts.clone()).await?),
                &statements,
            );
            // Reads outside transactions go to pools of their own, which test a connection
            // only when its last statement did not finish (`reads`).
            let reads = |o: PgConnectOptions| {
                reads::PgReads::new(
                    o,
                    opts.max_connections,
                    opts.acquire_timeout,
                    statements.clone(),
                )
                .map(Reader::Pg)
                .map_err(|e| Error::Internal(format!("cannot make the read pool: {e}")))
            };
            let reader = reads(primary_opts)?;
            let replica = match &opts.replica_url {
                Some(u) => reads(pg(u)?)?,
                None => reader.clone(),
            };
            Ok(Self {
                writer: primary,
                reader,
                replica,
                backend: DbBackend::Postgres,
                write_thread: None,
                statements,
            })
        } else {
            Err(Error::Internal(
                "database.url must start with sqlite: or postgres:".to_owned(),
            ))
        }
    }

    /// The connection for writes and for reads inside a write.
    pub fn writer(&self) -> &DatabaseConnection {
        &self.writer
    }

    /// Consistent reads: they see every committed write (the primary on PostgreSQL).
    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    /// Reads that tolerate replication lag (catalog pages, reports).
    pub fn replica(&self) -> &Reader {
        &self.replica
    }

    /// How many statements this `Db` has run (reads and writes, in transactions or not; not
    /// `BEGIN`, `COMMIT` or the pool's pings), since it was opened.
    pub fn statements_run(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Which SQL dialect.
    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<DatabaseTransaction> {
        self.writer.begin().await.map_err(db_err)
    }

    /// Runs a write (typically a whole transaction: `begin`, statements, `commit`) where the
    /// database serves it fastest: on SQLite, on the write thread (`WriteThread`), so the one
    /// writer is held no longer than the statements take; on PostgreSQL, in place. If the
    /// caller stops waiting (a client that hangs up), a write on SQLite still runs to its end,
    /// and one on PostgreSQL is dropped with the request: its transaction rolls back. Either
    /// way nothing is left half-done.
    pub async fn write<T, F>(&self, work: F) -> Result<T>
    where
        F: std::future::Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        match &self.write_thread {
            Some(t) => match t.handle.spawn(work).await {
                Ok(r) => r,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => Err(Error::Internal(format!("write interrupted: {e}"))),
            },
            None => work.await,
        }
    }

    /// Applies pending migrations; refuses if the schema is newer than this binary.
    pub async fn migrate(&self) -> Result<usize> {
        match self.schema_status().await? {
            SchemaStatus::NewerThanBinary(names) => Err(newer_schema_error(&names)),
            SchemaStatus::Pending(n) => {
                migration::Migrator::up(&self.writer, None)
                    .await
                    .map_err(db_err)?;
                Ok(n)
            }
            SchemaStatus::Current => Ok(0),
        }
    }

    /// Compares the applied migrations with those this binary knows.
    pub async fn schema_status(&self) -> Result<SchemaStatus> {
        let known = migration::known_migrations();
        let applied: Vec<String> = match self
            .reader
            .query_all(Statement::from_string(
                self.backend,
                "SELECT version FROM seaql_migrations",
            ))
            .await
        {
            Ok(rows) => rows
                .iter()
                .filter_map(|r| r.try_get::<String>("", "version").ok())
                .collect(),
            // No migration table yet: a fresh database.
            Err(_) => Vec::new(),
        };
        let unknown: Vec<String> = applied
            .iter()
            .filter(|a| !known.contains(a))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Ok(SchemaStatus::NewerThanBinary(unknown));
        }
        let pending = known.iter().filter(|k| !applied.contains(k)).count();
        Ok(if pending == 0 {
            SchemaStatus::Current
        } else {
            SchemaStatus::Pending(pending)
        })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.reader.ping().await.is_ok()
    }

    /// Pool sizes for metrics: (open connections, idle connections).
    pub fn pool_stats(&self) -> (u32, usize) {
        let (size, idle) = self.reader.stats();
        match self.backend {
            DbBackend::Sqlite => (size, idle),
            _ => {
                let p = self.writer.get_postgres_connection_pool();
                (p.size() + size, p.num_idle() + idle)
            }
        }
    }

    /// Closes every pool (end of process or test).
    pub async fn close(self) {
        let _ = self.writer.close().await;
        self.reader.close().await;
        self.replica.close().await;
    }
}

/// How the schema in the database compares with this binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaStatus {
    /// Everything applied.
    Current,
    /// This many migrations wait to be applied.
    Pending(usize),
    /// The database was migrated by a newer Amphi: these migrations are unknown here.
    NewerThanBinary(Vec<String>),
}

fn newer_schema_error(names: &[String]) -> Error {
    Error::Internal(format!(
        "the database schema is newer than this amphi binary (unknown migrations: {}); \
         run the newer amphi version, or restore a backup made for this one",
        names.join(", ")
    ))
}

/// Maps a database error to the domain error: unique violations become conflicts.
pub fn db_err(e: DbErr) -> Error {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            Error::Conflict(codes::ALREADY_EXISTS)
        }
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => {
            Error::BadRequest(codes::REFERENCE_INVALID)
        }
        _ => Error::Internal(e.to_string()),
    }
}

/// `.db()` on sea-orm results.
pub trait DbResultExt<T> {
    /// Converts the error with [`db_err`].
    fn db(self) -> Result<T>;
}

impl<T> DbResultExt<T> for std::result::Result<T, DbErr> {
    fn db(self) -> Result<T> {
        self.map_err(db_err)
    }
}
