//! The xAPI LRS (`amphi-bench xapi`): a store of the tenant filled to `--statements` by bulk
//! INSERTs (learners each with statements about a few activities, as content reports them),
//! then statements POSTed one per request over HTTP by concurrent clients in a closed loop,
//! then GETs with `agent` + `activity` (a learner's record in one activity) at full speed.

use crate::load::{fmt_ms, window, Shared, Stats, Vu};
use crate::{append_json, read_seed, Target};
use amphi_core::TenantId;
use amphi_db::bench::{insert_xapi, XapiRow};
use amphi_db::repo::xapi::NewStatement;
use amphi_db::{Db, DbOptions};
use anyhow::bail;
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Statements written per transaction while seeding.
const SEED_CHUNK: usize = 5000;
/// Statements of one learner on average; each learner works on [`ACTIVITIES_PER_LEARNER`].
const PER_LEARNER: u64 = 200;
/// Activities a learner's statements are about.
const ACTIVITIES_PER_LEARNER: u64 = 20;
/// Activities in the store.
const ACTIVITIES: u64 = 5000;

const VERBS: [&str; 4] = ["experienced", "attempted", "answered", "completed"];

/// What `amphi-bench xapi` runs.
pub struct Plan {
    /// Statements the store holds before the measurements (seeded if fewer).
    pub statements: u64,
    /// The server's database.
    pub database_url: String,
    /// Concurrent clients.
    pub concurrency: usize,
    /// Warm-up seconds of each window.
    pub warmup: f64,
    /// Measured seconds of each window.
    pub duration: f64,
}

fn learners_for(statements: u64) -> u64 {
    (statements / PER_LEARNER).max(10)
}

fn mbox(learner: u64) -> String {
    format!("mailto:learner{learner}@bench.amphi.test")
}

fn activity_of(learner: u64, k: u64) -> String {
    format!(
        "http://bench.amphi.test/activities/{}",
        (learner * 31 + k * 97) % ACTIVITIES
    )
}

/// The `n`th statement of the seeded store.
fn seeded(
    n: u64,
    learners: u64,
    base: chrono::DateTime<chrono::Utc>,
    authority: &Value,
) -> NewStatement {
    let learner = n % learners;
    let activity = activity_of(learner, (n / learners) % ACTIVITIES_PER_LEARNER);
    let verb = format!(
        "http://adlnet.gov/expapi/verbs/{}",
        VERBS[(n % VERBS.len() as u64) as usize]
    );
    let id = Uuid::new_v4();
    let at = base + chrono::Duration::milliseconds(n as i64);
    let stamp = amphi_xapi::time::format(at);
    let actor =
        json!({"objectType": "Agent", "name": format!("Learner {learner}"), "mbox": mbox(learner)});
    let body = json!({
        "id": id.to_string(), "actor": actor,
        "verb": {"id": verb, "display": {"en-US": VERBS[(n % VERBS.len() as u64) as usize]}},
        "object": {"objectType": "Activity", "id": activity},
        "result": {"score": {"scaled": (n % 100) as f64 / 100.0}, "completion": true},
        "timestamp": stamp, "stored": stamp, "authority": authority, "version": "1.0.0",
    });
    let actor_key = format!("mbox::{}", mbox(learner));
    let authority_key = amphi_xapi::agent::key(authority).unwrap_or_default();
    NewStatement {
        statement_id: id,
        stored_at: at,
        timestamp: at,
        verb,
        actor: Some(actor_key.clone()),
        activity: Some(activity.clone()),
        object_agent: None,
        object_statement: None,
        authority: authority_key.clone(),
        registration: None,
        voids: None,
        voided: false,
        agents: vec![actor_key, authority_key],
        activities: vec![activity],
        body: body.to_string(),
    }
}

/// Fills the tenant's store to `want` statements; the seconds it took (0 when it was full).
async fn seed_store(db: &Db, tenant: TenantId, host: &str, want: u64) -> anyhow::Result<f64> {
    let (have, max_seq) = amphi_db::bench::xapi_counts(db, tenant)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let have = have as u64;
    if have >= want {
        return Ok(0.0);
    }
    let learners = learners_for(want);
    let authority = json!({"objectType": "Agent",
        "account": {"homePage": format!("http://{host}"), "name": "amphi-bench-seed"}});
    let base = chrono::Utc::now() - chrono::Duration::days(30);
    let t0 = Instant::now();
    let mut n = have;
    let mut seq = max_seq;
    while n < want {
        let end = (n + SEED_CHUNK as u64).min(want);
        let rows: Vec<XapiRow> = (n..end)
            .map(|i| {
                seq += 1;
                XapiRow {
                    seq,
                    statement: seeded(i, learners, base, &authority),
                }
            })
            .collect();
        insert_xapi(db, tenant, rows)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        n = end;
        if n % 500_000 < SEED_CHUNK as u64 {
            eprintln!(
                "xapi seed: {n} statements ({:.0}/s)",
                (n - have) as f64 / t0.elapsed().as_secs_f64()
            );
        }
    }
    amphi_db::bench::xapi_sequence_after_seed(db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    amphi_db::bench::analyze(db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(t0.elapsed().as_secs_f64())
}

/// Runs the xAPI benchmark.
pub async fn run(t: &Target, p: &Plan) -> anyhow::Result<()> {
    let seed = Arc::new(read_seed(&t.seed)?);
    let tenant = TenantId(seed.tenant_id);
    let db = Db::connect(&DbOptions::new(p.database_url.clone()))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let seed_secs = seed_store(&db, tenant, &seed.host, p.statements).await?;
    let secret = amphi_auth::token::random_hex(24);
    amphi_db::bench::xapi_client(
        &db,
        tenant,
        "amphi-bench",
        &amphi_auth::token::hash(&secret),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (stored, _) = amphi_db::bench::xapi_counts(&db, tenant)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    db.close().await;
    let auth = format!("Basic {}", {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(format!("amphi-bench:{secret}"))
    });
    let label = t.label.clone();
    let learners = learners_for(p.statements);

    // Writes: one statement per POST.
    let shared = fresh();
    let mut tasks = Vec::new();
    for _ in 0..p.concurrency.max(1) {
        let mut vu = Vu::new(t, seed.clone(), shared.clone())?;
        let (url, auth) = (vu.url("/xapi/statements"), auth.clone());
        tasks.push(tokio::spawn(async move {
            while !vu.shared.stop.load(Ordering::Relaxed) {
                let i = vu.shared.next.fetch_add(1, Ordering::Relaxed);
                let s = json!({
                    "actor": {"objectType": "Agent", "name": format!("Writer {i}"),
                        "mbox": format!("mailto:writer{}@bench.amphi.test", i % 10_000)},
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
                    "object": {"id": format!("http://bench.amphi.test/activities/{}", i % ACTIVITIES),
                        "definition": {"name": {"en-US": "Question"},
                            "type": "http://adlnet.gov/expapi/activities/cmi.interaction"}},
                    "result": {"success": i % 3 != 0, "response": "b", "duration": "PT4S"},
                    "timestamp": chrono::Utc::now().to_rfc3339(),
                });
                let req = vu
                    .cl
                    .post(url.as_str())
                    .header("authorization", &auth)
                    .header("x-experience-api-version", "1.0.3")
                    .header(CONTENT_TYPE, "application/json")
                    .body(s.to_string());
                if vu.step_any("xapi_post", req, StatusCode::OK).await.is_err() {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            vu.stats
        }));
    }
    let (w_cpu, w_rss, w_secs) = window(t, &shared, p.warmup, p.duration).await;
    let mut writes = Stats::default();
    for task in tasks {
        writes.merge(task.await?);
    }
    let w_count = writes.count("xapi_post");
    let w_rate = w_count as f64 / w_secs;

    // Reads: a learner's statements about one activity.
    let shared = fresh();
    let mut tasks = Vec::new();
    for c in 0..p.concurrency.max(1) {
        let mut vu = Vu::new(t, seed.clone(), shared.clone())?;
        let (url, auth) = (vu.url("/xapi/statements"), auth.clone());
        tasks.push(tokio::spawn(async move {
            let mut k = c as u64 * 7_919;
            while !vu.shared.stop.load(Ordering::Relaxed) {
                k = k
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let learner = (k >> 33) % learners;
                let activity = activity_of(learner, (k >> 13) % ACTIVITIES_PER_LEARNER);
                let agent = json!({"mbox": mbox(learner)}).to_string();
                let q = serde_urlencoded::to_string([
                    ("agent", agent.as_str()),
                    ("activity", activity.as_str()),
                    ("limit", "10"),
                ])
                .unwrap_or_default();
                let req = vu
                    .cl
                    .get(format!("{url}?{q}"))
                    .header("authorization", &auth)
                    .header("x-experience-api-version", "1.0.3");
                if vu.step_any("xapi_get", req, StatusCode::OK).await.is_err() {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            vu.stats
        }));
    }
    let (r_cpu, r_rss, r_secs) = window(t, &shared, p.warmup, p.duration).await;
    let mut reads = Stats::default();
    for task in tasks {
        reads.merge(task.await?);
    }
    let r_count = reads.count("xapi_get");
    let r_rate = r_count as f64 / r_secs;

    append_json(
        t.json.as_deref(),
        &json!({
            "kind": "xapi", "label": label, "statements": stored, "seed_seconds": seed_secs,
            "concurrency": p.concurrency,
            "writes_per_s": w_rate, "write_cpu_s": w_cpu, "write_peak_rss_mib": w_rss,
            "reads_per_s": r_rate, "read_cpu_s": r_cpu, "read_peak_rss_mib": r_rss,
            "writes": writes.steps_json(), "reads": reads.steps_json(),
            "errors": writes.errors + reads.errors,
        }),
    )?;
    println!("#### xAPI LRS, {label}, {stored} statements in the store\n");
    if seed_secs > 0.0 {
        println!(
            "- Store filled by bulk INSERTs in {seed_secs:.0} s ({learners} learners, {ACTIVITIES} activities, each learner on {ACTIVITIES_PER_LEARNER}).\n"
        );
    }
    println!("| database | request | statements in the store | concurrency | per second | p50 ms | p95 ms | p99 ms | errors | server peak RSS MiB |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {label} | POST one statement (with an activity definition) | {stored} | {} | {w_rate:.0} | {} | {} | {} | {} | {} |",
        p.concurrency,
        fmt_ms(writes.ms("xapi_post", 0.5)),
        fmt_ms(writes.ms("xapi_post", 0.95)),
        fmt_ms(writes.ms("xapi_post", 0.99)),
        writes.errors,
        w_rss.map_or("–".into(), |r| format!("{r:.0}")),
    );
    println!(
        "| {label} | GET `agent` + `activity`, `limit=10` | {stored} | {} | {r_rate:.0} | {} | {} | {} | {} | {} |",
        p.concurrency,
        fmt_ms(reads.ms("xapi_get", 0.5)),
        fmt_ms(reads.ms("xapi_get", 0.95)),
        fmt_ms(reads.ms("xapi_get", 0.99)),
        reads.errors,
        r_rss.map_or("–".into(), |r| format!("{r:.0}")),
    );
    println!();
    if writes.errors + reads.errors > 0 {
        let mut s = writes.samples.clone();
        s.extend(reads.samples.clone());
        bail!("{} errors: {}", writes.errors + reads.errors, s.join("; "));
    }
    Ok(())
}

fn fresh() -> Arc<Shared> {
    Arc::new(Shared {
        measuring: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        next: AtomicU64::new(0),
    })
}
