//! The `amphi` binary's commands, as a library so tests can drive them.

pub mod cli;
pub mod config;
pub mod seed;
pub mod seed_bench;

use amphi_app::{setup, tenants, App};
use amphi_core::SystemClock;
use amphi_db::{Db, DbOptions, SchemaStatus};
use anyhow::{bail, Context};
use cli::{AdminCommand, Cli, Command, SeedCommand};
use std::sync::Arc;

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let cfg = config::load(cli.config.as_deref())?;
    init_tracing(&cfg);
    match cli.command {
        Command::Config => {
            println!("{}", config::redacted(&cfg)?);
            Ok(())
        }
        Command::Migrate => {
            let db = connect(&cfg).await?;
            let n = db.migrate().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{n} migration(s) applied; the schema is current.");
            Ok(())
        }
        Command::Serve => serve(cfg).await,
        Command::Seed(SeedCommand::Demo) => {
            let app = app(cfg, true).await?;
            let summary = seed::demo(&app).await?;
            println!("{summary}");
            Ok(())
        }
        Command::Seed(SeedCommand::Bench(b)) => {
            let app = app(cfg, true).await?;
            let seeded = seed_bench::bench(
                &app,
                &seed_bench::BenchOptions {
                    learners: b.learners,
                    host: b.host,
                    ..Default::default()
                },
            )
            .await?;
            let json = serde_json::to_string_pretty(&seeded)?;
            if let Some(p) = b.out {
                std::fs::write(&p, &json).with_context(|| format!("writing {}", p.display()))?;
            }
            println!(
                "Benchmark data ready in {:.1} s: {} learners ({} with history) on http://{}, password: {}",
                seeded.seconds, seeded.learners, seeded.learners_with_history, seeded.host, seeded.password
            );
            Ok(())
        }
        Command::Worker => {
            let app = app(cfg, false).await?;
            let (tx, rx) = tokio::sync::watch::channel(false);
            let worker = amphi_jobs::Worker::new(app)?;
            let handle = tokio::spawn(worker.run(rx));
            shutdown_signal().await;
            let _ = tx.send(true);
            let _ = handle.await;
            Ok(())
        }
        Command::Admin(AdminCommand::SetupLink) => {
            let app = app(cfg, true).await?;
            let default = tenants::ensure_default(&app)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            match setup::setup_link(&app, &default)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                Some(path) => println!(
                    "{}{}",
                    app.config.server.public_url.trim_end_matches('/'),
                    path
                ),
                None => println!("A platform administrator already exists; sign in instead."),
            }
            Ok(())
        }
        Command::Admin(AdminCommand::CreateUser(c)) => {
            let app = app(cfg, true).await?;
            tenants::ensure_default(&app)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let password = if c.password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("reading the password from standard input")?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let (user, link) = setup::create_user_cli(
                &app,
                setup::CliUser {
                    tenant_slug: c.tenant,
                    email: c.email,
                    name: c.name,
                    platform_admin: c.admin,
                    tenant_admin: c.tenant_admin,
                    password,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{}", describe(&e)))?;
            println!("Created {} ({}).", user.email, user.id);
            if let Some(path) = link {
                println!(
                    "Open this link within 24 hours to choose a password:\n  {}{}",
                    app.config.server.public_url.trim_end_matches('/'),
                    path
                );
            }
            Ok(())
        }
    }
}

fn describe(e: &amphi_core::Error) -> String {
    match e {
        amphi_core::Error::Validation(fields) => fields
            .iter()
            .map(|f| {
                format!(
                    "{}: {}",
                    f.field,
                    amphi_app::i18n::t(
                        amphi_core::validate::Locale::En,
                        &format!("err-{}", f.code)
                    )
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        amphi_core::Error::BadRequest(code) => {
            amphi_app::i18n::t(amphi_core::validate::Locale::En, &format!("err-{code}"))
        }
        other => other.to_string(),
    }
}

fn init_tracing(cfg: &amphi_app::Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&cfg.log.level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if cfg.log.json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn connect(cfg: &amphi_app::Config) -> anyhow::Result<Db> {
    let mut o = DbOptions::new(cfg.database.url.clone());
    o.replica_url = cfg.database.replica_url.clone();
    if cfg.database.max_connections > 0 {
        o.max_connections = cfg.database.max_connections;
    }
    Db::connect(&o).await.map_err(|e| anyhow::anyhow!("{e}"))
}

/// Connects and checks the schema: applies pending migrations when `migrate`, and refuses a
/// schema newer than this binary either way.
async fn app(cfg: amphi_app::Config, migrate: bool) -> anyhow::Result<App> {
    let db = connect(&cfg).await?;
    match db
        .schema_status()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        SchemaStatus::NewerThanBinary(names) => bail!(
            "the database schema is newer than this amphi binary (unknown migrations: {}); \
             run the newer amphi version, or restore a backup made for this one",
            names.join(", ")
        ),
        SchemaStatus::Pending(n) if migrate => {
            tracing::info!(pending = n, "applying migrations");
            db.migrate().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        SchemaStatus::Pending(n) => {
            bail!("{n} database migration(s) are pending: run `amphi migrate` first")
        }
        SchemaStatus::Current => {}
    }
    App::new(db, cfg, Arc::new(SystemClock))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn serve(cfg: amphi_app::Config) -> anyhow::Result<()> {
    let listen = cfg.server.listen.clone();
    let public = cfg.server.public_url.trim_end_matches('/').to_owned();
    let app = app(cfg, true).await?;
    let default = tenants::ensure_default(&app)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("cannot listen on {listen} (server.listen)"))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::watch::channel(false);
    let worker = if app.config.worker.in_process {
        let w = amphi_jobs::Worker::new(app.clone())?;
        Some(tokio::spawn(w.run(rx)))
    } else {
        None
    };
    println!("Amphi is listening on http://{addr} (public URL {public})");
    if let Some(path) = setup::setup_link(&app, &default)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        println!(
            "No administrator yet. Create the first one within 24 hours at:\n  {public}{path}"
        );
    }
    let content_listen = app.config.content.package_listen.clone();
    let content_listener = tokio::net::TcpListener::bind(&content_listen)
        .await
        .with_context(|| format!("cannot listen on {content_listen} (content.package_listen)"))?;
    println!(
        "Packages (SCORM, cmi5) are served on http://{} (content.package_url {})",
        content_listener.local_addr()?,
        app.config.content.package_url
    );
    let state = amphi_web::WebState::new(app);
    let content = amphi_web::content::router(state.clone());
    let content_server = tokio::spawn(async move {
        axum::serve(content_listener, content)
            .with_graceful_shutdown(shutdown_signal())
            .await
    });
    let router = amphi_web::router(state);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server error")?;
    content_server.abort();
    let _ = tx.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
