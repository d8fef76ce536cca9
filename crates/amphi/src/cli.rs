//! Command-line interface.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Amphi: a learning platform in one binary.
///
/// With no configuration, Amphi keeps everything under ./amphi-data (an SQLite database and a
/// mail outbox) and listens on 127.0.0.1:8080. Settings come from defaults, then amphi.toml (or
/// --config), then AMPHI_* environment variables (AMPHI_SERVER__LISTEN, AMPHI_DATABASE__URL, …;
/// DATABASE_URL also works).
#[derive(Debug, Parser)]
#[command(name = "amphi", version, about, long_about)]
pub struct Cli {
    /// Configuration file (default: ./amphi.toml if it exists).
    #[arg(long, global = true, env = "AMPHI_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (applies pending migrations first; runs an in-process worker unless
    /// worker.in_process = false).
    Serve,
    /// Run a background worker only (mail and other jobs); run as many as you like.
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Print the effective configuration (secrets hidden) and check it.
    Config,
    /// Fill the database with example content.
    #[command(subcommand)]
    Seed(SeedCommand),
}

/// Example content.
#[derive(Debug, Subcommand)]
pub enum SeedCommand {
    /// A demo on the default site: three courses (MOOC, SPOC, corporate), a course team,
    /// learners with progress, an announcement. Does nothing if the demo is already there.
    Demo,
    /// The data set of the scale benchmark (bench/): a tenant on its own host with one MOOC
    /// run of N enrolled learners (learner1@bench.example … learnerN@bench.example, one shared
    /// password), 10 modules, 50 pages, 10 quizzes of 10 questions, and history for one learner
    /// in five. Needs a fresh database.
    Bench(BenchArgs),
}

/// Options of `seed bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Enrolled learners.
    #[arg(long, default_value_t = 1000)]
    pub learners: u64,
    /// Host name the benchmark tenant answers on.
    #[arg(long, default_value = "bench.localhost")]
    pub host: String,
    /// Write what was built (ids, host, password) as JSON to this file, for the load tool.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Administration tasks.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an account (verified). Without --password-stdin, prints a one-time link where the
    /// person chooses a password.
    CreateUser(CreateUser),
    /// Print a new one-time link to create the first platform administrator (only while there
    /// is none).
    SetupLink,
}

/// Options of `admin create-user`.
#[derive(Debug, Args)]
pub struct CreateUser {
    /// Email address.
    #[arg(long)]
    pub email: String,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// Make the account a platform administrator (default tenant only).
    #[arg(long)]
    pub admin: bool,
    /// Make the account an administrator of its tenant.
    #[arg(long)]
    pub tenant_admin: bool,
    /// Tenant slug (default: the default tenant).
    #[arg(long)]
    pub tenant: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}
