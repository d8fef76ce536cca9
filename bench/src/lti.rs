//! The LTI services as the benchmark's tool calls them (`amphi-bench lti`): access tokens from
//! client assertions signed with the tool's key (a fresh `jti` each), a line item for the
//! tool's item (a new gradebook column: its recompute job is waited for, and timed, when the
//! database is given), the membership service's first page and a deep page reached by
//! following `next`, then scores posted for distinct learners of the run by concurrent clients
//! in a closed loop (each one a learner's first score on the line item, so each one writes a
//! grade, completes the item and updates the learner's course grade).

use crate::batch::{job_since, wait_done};
use crate::load::{fmt_ms, window, Shared, Stats, Vu};
use crate::{append_json, read_seed, Target};
use amphi::seed_bench::BenchLti;
use amphi_core::jobs::JobKind;
use amphi_core::lti::{media, scope};
use anyhow::{bail, Context};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Token requests timed one after another.
const TOKENS: usize = 20;
/// Times each membership page is requested.
const NRPS_REPEAT: usize = 30;
/// `next` links followed from the first page to the deep page.
const NRPS_DEPTH: usize = 50;
/// Members per page of the pages that collect the learners' ids.
const COLLECT_PAGE: usize = 1000;

/// What `amphi-bench lti` runs.
pub struct Plan {
    /// Concurrent clients posting scores.
    pub concurrency: usize,
    /// Warm-up seconds of the score window.
    pub warmup: f64,
    /// Measured seconds of the score window.
    pub duration: f64,
    /// Distinct learners to collect beforehand, per second of the window (each is scored once).
    pub rate: f64,
    /// The server's database, to wait for the recompute the new line item queues.
    pub database_url: Option<String>,
    /// Seconds to wait for that job.
    pub timeout: u64,
}

/// A client assertion (RFC 7523) of the tool for the token endpoint `aud`.
fn assertion(lti: &BenchLti, key: &EncodingKey, aud: &str) -> anyhow::Result<String> {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": lti.client_id, "sub": lti.client_id, "aud": aud,
        "iat": now, "exp": now + 60, "jti": Uuid::new_v4().to_string(),
    });
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, key)
        .context("signing the client assertion")
}

/// Asks the token endpoint for a token with the AGS and NRPS scopes.
async fn token(vu: &mut Vu, lti: &BenchLti, key: &EncodingKey) -> anyhow::Result<String> {
    let aud = vu.url("/lti/token");
    let a = assertion(lti, key, &aud)?;
    let mut scopes = scope::AGS.to_vec();
    scopes.push(scope::NRPS);
    let scopes = scopes.join(" ");
    let req = vu.cl.post(aud).form(&[
        ("grant_type", "client_credentials"),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", a.as_str()),
        ("scope", scopes.as_str()),
    ]);
    let r = vu.step_any("lti_token", req, StatusCode::OK).await?;
    let v: Value = serde_json::from_str(&r.body).context("token answer")?;
    v["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access_token in the token answer")
}

/// GET of a membership page; returns the `next` URL and the learners' ids on it.
async fn members(
    vu: &mut Vu,
    step: &str,
    url: &str,
    bearer: &str,
) -> anyhow::Result<(Option<String>, Vec<String>)> {
    let req = vu
        .cl
        .get(url)
        .bearer_auth(bearer)
        .header(ACCEPT, media::MEMBERSHIP_CONTAINER);
    let r = vu.step_any(step, req, StatusCode::OK).await?;
    let v: Value = serde_json::from_str(&r.body).context("membership container")?;
    let ids = v["members"]
        .as_array()
        .context("no members in the membership container")?
        .iter()
        .filter_map(|m| m["user_id"].as_str().map(str::to_owned))
        .collect();
    Ok((r.next, ids))
}

fn sequential_row(
    label: &str,
    what: &str,
    learners: u64,
    stats: &Stats,
    step: &str,
    secs: f64,
) -> String {
    format!(
        "| {label} | {what} | {learners} | 1 | {:.0} | {} | {} | {} | {} |",
        stats.count(step) as f64 / secs.max(1e-9),
        fmt_ms(stats.ms(step, 0.5)),
        fmt_ms(stats.ms(step, 0.95)),
        fmt_ms(stats.ms(step, 0.99)),
        stats.errors,
    )
}

/// Runs the LTI scenario and prints its table.
pub async fn run(t: &Target, p: &Plan) -> anyhow::Result<()> {
    let seed = Arc::new(read_seed(&t.seed)?);
    let lti = seed
        .lti
        .clone()
        .context("the seed file has no LTI tool: seed a fresh database with this amphi")?;
    let label = if t.label.is_empty() {
        "run".to_owned()
    } else {
        t.label.clone()
    };
    let key = EncodingKey::from_rsa_pem(lti.private_key_pem.as_bytes())
        .context("the tool's private key")?;
    let run = seed.run_id;
    let mut vu = Vu::standalone(t, seed.clone())?;

    // Tokens, one after another (each a signature check and a single-use jti stored).
    let t0 = Instant::now();
    let mut bearer = String::new();
    for _ in 0..TOKENS {
        bearer = token(&mut vu, &lti, &key).await?;
    }
    let token_secs = t0.elapsed().as_secs_f64();

    // The line item of the tool's item: a new gradebook column, whose recompute (every
    // course grade of the run) is waited for so that it does not run under the scores.
    let db = match &p.database_url {
        Some(u) => Some(sea_orm::Database::connect(u.as_str()).await?),
        None => None,
    };
    let since = chrono::Utc::now() - chrono::Duration::seconds(1);
    let body = json!({
        "label": "Bench lab", "scoreMaximum": 100,
        "resourceLinkId": lti.item_id.to_string(),
    });
    let req = vu
        .cl
        .post(vu.url(&format!("/lti/runs/{run}/lineitems")))
        .bearer_auth(&bearer)
        .header(CONTENT_TYPE, media::LINEITEM)
        .body(body.to_string());
    let created = vu
        .step_any("lti_line_item", req, StatusCode::CREATED)
        .await?;
    let line_item: Value = serde_json::from_str(&created.body).context("line item")?;
    let scores_url = format!(
        "{}/scores",
        line_item["id"].as_str().context("line item without id")?
    );
    let recompute = match &db {
        Some(db) => {
            let t0 = Instant::now();
            let j = job_since(db, JobKind::GradebookRecompute, since, p.timeout).await?;
            wait_done(db, j.id, p.timeout).await?;
            Some(t0.elapsed().as_secs_f64())
        }
        None => None,
    };

    // Memberships: the first page, and a deep one reached by following `next`.
    let first = vu.url(&format!("/lti/runs/{run}/memberships?limit=100"));
    let t0 = Instant::now();
    for _ in 0..NRPS_REPEAT {
        members(&mut vu, "nrps_first", &first, &bearer).await?;
    }
    let first_secs = t0.elapsed().as_secs_f64();
    let mut deep = first.clone();
    let mut depth = 0;
    while depth < NRPS_DEPTH {
        match members(&mut vu, "nrps_follow", &deep, &bearer).await?.0 {
            Some(n) => {
                deep = n;
                depth += 1;
            }
            None => break,
        }
    }
    let t0 = Instant::now();
    for _ in 0..NRPS_REPEAT {
        members(&mut vu, "nrps_deep", &deep, &bearer).await?;
    }
    let deep_secs = t0.elapsed().as_secs_f64();

    // The learners to score, from the membership service as a tool would read them.
    let wanted = ((p.warmup + p.duration) * p.rate).ceil().max(1.0) as usize;
    let mut learners = Vec::new();
    let mut next = Some(vu.url(&format!(
        "/lti/runs/{run}/memberships?role=Learner&limit={COLLECT_PAGE}"
    )));
    while let Some(url) = next.filter(|_| learners.len() < wanted) {
        let (n, ids) = members(&mut vu, "nrps_collect", &url, &bearer).await?;
        learners.extend(ids);
        next = n;
    }
    learners.truncate(wanted);
    let setup = std::mem::take(&mut vu.stats);

    // Scores, distinct learners, `concurrency` clients in a closed loop.
    let shared = Arc::new(Shared {
        measuring: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        next: AtomicU64::new(0),
    });
    let learners = Arc::new(learners);
    let mut tasks = Vec::new();
    for _ in 0..p.concurrency.max(1) {
        let mut vu = Vu::new(t, seed.clone(), shared.clone())?;
        let (learners, url, bearer) = (learners.clone(), scores_url.clone(), bearer.clone());
        tasks.push(tokio::spawn(async move {
            let mut ran_out = false;
            while !vu.shared.stop.load(Ordering::Relaxed) {
                let i = vu.shared.next.fetch_add(1, Ordering::Relaxed) as usize;
                let Some(user) = learners.get(i) else {
                    ran_out = true;
                    break;
                };
                let score = json!({
                    "userId": user, "scoreGiven": (i % 101) as f64, "scoreMaximum": 100.0,
                    "activityProgress": "Completed", "gradingProgress": "FullyGraded",
                    "timestamp": chrono::Utc::now().to_rfc3339(),
                });
                let req = vu
                    .cl
                    .post(url.as_str())
                    .bearer_auth(&bearer)
                    .header(CONTENT_TYPE, media::SCORE)
                    .body(score.to_string());
                if vu
                    .step_any("lti_score", req, StatusCode::NO_CONTENT)
                    .await
                    .is_err()
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            (vu.stats, ran_out)
        }));
    }
    let (cpu, rss, secs) = window(t, &shared, p.warmup, p.duration).await;
    let mut stats = Stats::default();
    let mut ran_out = 0;
    for task in tasks {
        let (s, out) = task.await?;
        stats.merge(s);
        ran_out += usize::from(out);
    }
    let count = stats.count("lti_score");
    let rate = count as f64 / secs;
    let cpu_per = cpu.filter(|_| count > 0).map(|c| c * 1000.0 / count as f64);
    let mut all = Stats::default();
    all.merge(setup);
    let setup_errors = all.errors;
    all.merge(stats);
    let v = json!({
        "kind": "lti",
        "label": label,
        "learners": seed.learners,
        "concurrency": p.concurrency,
        "seconds": secs,
        "scores_per_s": rate,
        "learners_collected": learners.len(),
        "clients_out_of_learners": ran_out,
        "recompute_seconds": recompute,
        "errors": all.errors,
        "error_samples": all.samples,
        "cpu_ms_per_score": cpu_per,
        "peak_rss_mib": rss,
        "steps": all.steps_json(),
    });
    append_json(t.json.as_deref(), &v)?;
    if ran_out > 0 {
        eprintln!(
            "{label} lti: {ran_out} of {} clients ran out of learners before the end: the rate is a lower bound (raise --prepare-rate)",
            p.concurrency
        );
    }
    let n = seed.learners;
    println!("#### LTI services, {label}, {n} learners\n");
    println!("| database | request | learners in the run | concurrency | per second | p50 ms | p95 ms | p99 ms | errors |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {label} | AGS score post, distinct learners (grade, completion, course grade){} | {n} | {} | {rate:.0} | {} | {} | {} | {} |",
        if ran_out > 0 { " (ran out: lower bound)" } else { "" },
        p.concurrency,
        fmt_ms(all.ms("lti_score", 0.5)),
        fmt_ms(all.ms("lti_score", 0.95)),
        fmt_ms(all.ms("lti_score", 0.99)),
        all.errors - setup_errors,
    );
    println!(
        "{}",
        sequential_row(
            &label,
            "NRPS first page (`limit=100`)",
            n,
            &all,
            "nrps_first",
            first_secs
        )
    );
    println!(
        "{}",
        sequential_row(
            &label,
            &format!("NRPS page {} (`next` followed {depth} times)", depth + 1),
            n,
            &all,
            "nrps_deep",
            deep_secs
        )
    );
    println!(
        "{}",
        sequential_row(
            &label,
            "token (RS256 client assertion, single-use jti)",
            n,
            &all,
            "lti_token",
            token_secs
        )
    );
    println!();
    println!(
        "- {count} scores in {secs:.1} s{}; server peak RSS {} MiB. Line item created in {} ms{}.",
        cpu_per.map_or(String::new(), |c| format!(", server CPU {c:.2} ms per score")),
        rss.map_or("–".into(), |r| format!("{r:.0}")),
        fmt_ms(all.ms("lti_line_item", 0.5)),
        recompute.map_or(String::new(), |s| format!(
            "; the recompute it queued (every course grade of the run) took {s:.1} s, before the scores"
        )),
    );
    println!();
    if all.errors > 0 {
        bail!("{} errors: {}", all.errors, all.samples.join("; "));
    }
    Ok(())
}
