//! `amphi-bench`: the scale benchmark of issue 6, against a running `amphi serve`.
//!
//! * `load`: closed-loop learner sessions (sign in, dashboard, course home, a page, a quiz
//!   attempt started, answered and submitted, its result, sign out) at several concurrency
//!   levels, each after a warm-up; per step p50/p95/p99, requests/s, sessions/s, errors, the
//!   server's CPU seconds per session and its peak RSS.
//! * `path`: one request path at full speed (course home, a page, quiz submit, the instructor's
//!   gradebook).
//! * `batch`: CSV enrolment through the import job, the gradebook CSV export, an announcement
//!   fan-out.
//! * `lti`: the LTI services as a tool calls them: tokens, a line item, the membership
//!   service's first and a deep page, then scores posted for distinct learners at full speed.
//! * `xapi`: the LRS: a store filled to 10 million statements, statements POSTed one per
//!   request at full speed, GETs with `agent` + `activity`.
//! * `chart`: latency against concurrency as SVG, from `load` results.
//! * `argon2`: the cost of one password check with the platform's parameters.
//!
//! The driver is a small closed loop on reqwest + tokio with HDR histograms: each virtual
//! learner runs its sessions back to back, one request at a time, with its own cookie jar.

mod batch;
mod chart;
mod html;
mod load;
mod lti;
mod procstat;
mod xapi;

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "amphi-bench", about = "Amphi's scale benchmark (issue 6)")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

/// Where the server is and what was seeded.
#[derive(Debug, clap::Args, Clone)]
pub struct Target {
    /// The JSON written by `amphi seed bench --out`.
    #[arg(long)]
    pub seed: PathBuf,
    /// The server's address (the tenant's host name is resolved to it).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// The server's process id, for CPU time and peak RSS (from /proc).
    #[arg(long)]
    pub pid: Option<u32>,
    /// A label for the results (the database, for example).
    #[arg(long, default_value = "")]
    pub label: String,
    /// Append the results as JSON lines to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Closed-loop learner sessions at each concurrency level.
    Load {
        #[command(flatten)]
        target: Target,
        /// Concurrency levels.
        #[arg(long, value_delimiter = ',', default_value = "1,4,16,64,256")]
        levels: Vec<usize>,
        /// Warm-up seconds before each level's measurement.
        #[arg(long, default_value_t = 3.0)]
        warmup: f64,
        /// Measured seconds per level.
        #[arg(long, default_value_t = 10.0)]
        duration: f64,
    },
    /// One request path at full speed.
    Path {
        #[command(flatten)]
        target: Target,
        /// `home`, `page`, `submit` (attempts opened beforehand, only the submits run),
        /// `cycle` (start, attempt page and submit each time) or `gradebook`.
        #[arg(long)]
        kind: String,
        /// `submit`: open enough attempts beforehand for this many submits per second over
        /// the warm-up and the measured window.
        #[arg(long, default_value_t = 2000.0)]
        prepare_rate: f64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Warm-up seconds.
        #[arg(long, default_value_t = 2.0)]
        warmup: f64,
        /// Measured seconds.
        #[arg(long, default_value_t = 8.0)]
        duration: f64,
    },
    /// Batch operations as the instructor: CSV enrolment, gradebook export, announcement.
    Batch {
        #[command(flatten)]
        target: Target,
        /// The server's database (to follow the jobs).
        #[arg(long)]
        database_url: String,
        /// People in the CSV enrolment file.
        #[arg(long, default_value_t = 100_000)]
        enrol: u64,
        /// Seconds to wait for a job before giving up.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// The LTI services as the seeded tool calls them: tokens, a line item, memberships, and
    /// scores for distinct learners at full speed.
    Lti {
        #[command(flatten)]
        target: Target,
        /// Concurrent clients posting scores.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Warm-up seconds.
        #[arg(long, default_value_t = 3.0)]
        warmup: f64,
        /// Measured seconds.
        #[arg(long, default_value_t = 8.0)]
        duration: f64,
        /// Collect enough distinct learners beforehand for this many scores per second over the
        /// warm-up and the measured window (each learner is scored once).
        #[arg(long, default_value_t = 2000.0)]
        prepare_rate: f64,
        /// The server's database, to wait for the recompute the new line item queues.
        #[arg(long)]
        database_url: Option<String>,
        /// Seconds to wait for that job before giving up.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// The xAPI LRS: the store filled to `--statements`, then statements POSTed one per
    /// request and GETs with `agent` + `activity`, each at full speed.
    Xapi {
        #[command(flatten)]
        target: Target,
        /// Statements in the store before measuring (bulk-inserted when fewer).
        #[arg(long, default_value_t = 10_000_000)]
        statements: u64,
        /// The server's database (the store is filled there directly).
        #[arg(long)]
        database_url: String,
        /// Concurrent clients.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Warm-up seconds of each window.
        #[arg(long, default_value_t = 3.0)]
        warmup: f64,
        /// Measured seconds of each window.
        #[arg(long, default_value_t = 8.0)]
        duration: f64,
    },
    /// Latency against concurrency (SVG) from `load` JSON results.
    Chart {
        /// JSON-lines files written by `load --json`.
        #[arg(long = "input", required = true)]
        inputs: Vec<PathBuf>,
        /// SVG file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// The cost of one password check (Argon2id, the platform's parameters).
    Argon2 {
        /// Checks to time.
        #[arg(long, default_value_t = 10)]
        rounds: u32,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The seeded data set.
pub fn read_seed(p: &std::path::Path) -> anyhow::Result<amphi::seed_bench::BenchSeed> {
    let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", p.display()))
}

/// Appends one JSON value as a line.
pub fn append_json(p: Option<&std::path::Path>, v: &serde_json::Value) -> anyhow::Result<()> {
    use std::io::Write;
    if let Some(p) = p {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .with_context(|| format!("opening {}", p.display()))?;
        writeln!(f, "{v}")?;
    }
    Ok(())
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Cmd::Load {
            target,
            levels,
            warmup,
            duration,
        } => load::sessions(&target, &levels, warmup, duration).await,
        Cmd::Path {
            target,
            kind,
            prepare_rate,
            concurrency,
            warmup,
            duration,
        } => {
            let plan = load::SubmitPlan { rate: prepare_rate };
            load::path(&target, &kind, concurrency, warmup, duration, &plan).await
        }
        Cmd::Batch {
            target,
            database_url,
            enrol,
            timeout,
        } => batch::run(&target, &database_url, enrol, timeout).await,
        Cmd::Lti {
            target,
            concurrency,
            warmup,
            duration,
            prepare_rate,
            database_url,
            timeout,
        } => {
            let plan = lti::Plan {
                concurrency,
                warmup,
                duration,
                rate: prepare_rate,
                database_url,
                timeout,
            };
            lti::run(&target, &plan).await
        }
        Cmd::Xapi {
            target,
            statements,
            database_url,
            concurrency,
            warmup,
            duration,
        } => {
            let plan = xapi::Plan {
                statements,
                database_url,
                concurrency,
                warmup,
                duration,
            };
            xapi::run(&target, &plan).await
        }
        Cmd::Chart { inputs, out } => chart::write(&inputs, &out),
        Cmd::Argon2 { rounds } => {
            let hash = amphi_auth::password::hash("bench passphrase 2027")
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let t = std::time::Instant::now();
            for _ in 0..rounds.max(1) {
                if !amphi_auth::password::verify("bench passphrase 2027", &hash) {
                    anyhow::bail!("password check failed");
                }
            }
            let ms = t.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds.max(1));
            println!(
                "Password hashing (Argon2id m=19 MiB, t=2, p=1): {ms:.1} ms per sign-in check on one core (at most {:.0} sign-ins/s per core)",
                1000.0 / ms
            );
            Ok(())
        }
    }
}
