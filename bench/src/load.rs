//! Closed-loop learner sessions and single-path runs.

use crate::{append_json, html, procstat, read_seed, Target};
use amphi::seed_bench::{learner_email, BenchSeed};
use anyhow::{anyhow, bail, Context};
use hdrhistogram::Histogram;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::HeaderValue;
use reqwest::{Client, RequestBuilder, StatusCode, Url};
use serde_json::json;
use std::collections::BTreeMap;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The steps of a learner session, in order (also the order of the tables).
pub const STEPS: [&str; 11] = [
    "signin_form",
    "signin",
    "dashboard",
    "course_home",
    "page",
    "quiz_intro",
    "quiz_start",
    "attempt_page",
    "quiz_submit",
    "result",
    "signout",
];

/// Latencies (µs) and counts of one run.
#[derive(Default)]
pub struct Stats {
    hist: BTreeMap<String, Histogram<u64>>,
    pub(crate) errors: u64,
    sessions: u64,
    requests: u64,
    pub(crate) samples: Vec<String>,
}

impl Stats {
    pub(crate) fn record(&mut self, step: &str, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1);
        if !self.hist.contains_key(step) {
            match Histogram::new_with_bounds(1, 600_000_000, 3) {
                Ok(h) => {
                    self.hist.insert(step.to_owned(), h);
                }
                Err(_) => return,
            }
        }
        if let Some(h) = self.hist.get_mut(step) {
            let _ = h.record(us.min(600_000_000));
        }
    }

    pub(crate) fn error(&mut self, what: String) {
        self.errors += 1;
        if self.samples.len() < 5 {
            self.samples.push(what);
        }
    }

    pub(crate) fn merge(&mut self, o: Stats) {
        for (k, h) in o.hist {
            match self.hist.get_mut(&k) {
                Some(mine) => {
                    let _ = mine.add(&h);
                }
                None => {
                    self.hist.insert(k, h);
                }
            }
        }
        self.errors += o.errors;
        self.sessions += o.sessions;
        self.requests += o.requests;
        for s in o.samples {
            if self.samples.len() < 5 {
                self.samples.push(s);
            }
        }
    }

    /// Requests recorded under `step`.
    pub(crate) fn count(&self, step: &str) -> u64 {
        self.hist.get(step).map_or(0, |h| h.len())
    }

    pub(crate) fn ms(&self, step: &str, q: f64) -> Option<f64> {
        self.hist
            .get(step)
            .map(|h| h.value_at_quantile(q) as f64 / 1000.0)
    }

    pub(crate) fn steps_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for (k, h) in &self.hist {
            m.insert(
                k.clone(),
                json!({
                    "count": h.len(),
                    "p50": h.value_at_quantile(0.50) as f64 / 1000.0,
                    "p95": h.value_at_quantile(0.95) as f64 / 1000.0,
                    "p99": h.value_at_quantile(0.99) as f64 / 1000.0,
                    "mean": h.mean() / 1000.0,
                }),
            );
        }
        serde_json::Value::Object(m)
    }
}

pub(crate) struct Shared {
    pub(crate) measuring: AtomicBool,
    pub(crate) stop: AtomicBool,
    pub(crate) next: AtomicU64,
}

/// One virtual user: its own connection and cookie jar.
pub struct Vu {
    pub cl: Client,
    base: String,
    seed: Arc<BenchSeed>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) stats: Stats,
    /// The cookie jars of the learners it is signed in as (one active at a time).
    jars: Arc<Jars>,
}

/// Several learners' cookie jars behind one client: the virtual user chooses whose session
/// its next request carries (its requests are sequential).
struct Jars {
    current: AtomicUsize,
    jars: Vec<Jar>,
}

impl Jars {
    fn new(n: usize) -> Self {
        Jars {
            current: AtomicUsize::new(0),
            jars: (0..n.max(1)).map(|_| Jar::default()).collect(),
        }
    }

    fn jar(&self) -> &Jar {
        let i = self.current.load(Ordering::Relaxed);
        &self.jars[i.min(self.jars.len() - 1)]
    }
}

impl CookieStore for Jars {
    fn set_cookies(&self, headers: &mut dyn Iterator<Item = &HeaderValue>, url: &Url) {
        self.jar().set_cookies(headers, url);
    }

    fn cookies(&self, url: &Url) -> Option<HeaderValue> {
        self.jar().cookies(url)
    }
}

/// An attempt opened and answered before the measured window, waiting to be submitted.
struct Ready {
    jar: usize,
    path: String,
    fields: Vec<(String, String)>,
}

/// What a step answered.
pub struct Answer {
    pub location: Option<String>,
    /// The `next` page of a `Link` header, if any.
    pub next: Option<String>,
    pub body: String,
}

fn client(t: &Target, seed: &BenchSeed, jars: Arc<Jars>) -> anyhow::Result<Client> {
    Client::builder()
        .cookie_provider(jars)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(&seed.host, t.addr)
        .timeout(Duration::from_secs(120))
        .build()
        .context("building the HTTP client")
}

impl Vu {
    pub(crate) fn new(
        t: &Target,
        seed: Arc<BenchSeed>,
        shared: Arc<Shared>,
    ) -> anyhow::Result<Self> {
        Self::with_jars(t, seed, shared, 1)
    }

    /// A user that can hold `n` learners' sessions at once (`use_jar` chooses).
    fn with_jars(
        t: &Target,
        seed: Arc<BenchSeed>,
        shared: Arc<Shared>,
        n: usize,
    ) -> anyhow::Result<Self> {
        let jars = Arc::new(Jars::new(n));
        Ok(Vu {
            cl: client(t, &seed, jars.clone())?,
            base: format!("http://{}:{}", seed.host, t.addr.port()),
            seed,
            shared,
            stats: Stats::default(),
            jars,
        })
    }

    fn use_jar(&self, i: usize) {
        self.jars.current.store(i, Ordering::Relaxed);
    }

    /// A user measuring everything it does (batch operations).
    pub fn standalone(t: &Target, seed: Arc<BenchSeed>) -> anyhow::Result<Self> {
        let shared = Arc::new(Shared {
            measuring: AtomicBool::new(true),
            stop: AtomicBool::new(false),
            next: AtomicU64::new(0),
        });
        Vu::new(t, seed, shared)
    }

    /// Same as `step`, for other modules.
    pub async fn step_any(
        &mut self,
        step: &str,
        req: RequestBuilder,
        want: StatusCode,
    ) -> anyhow::Result<Answer> {
        self.step(step, req, want).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request; records its latency under `step` while measuring; an unexpected
    /// status is an error.
    async fn step(
        &mut self,
        step: &str,
        req: RequestBuilder,
        want: StatusCode,
    ) -> anyhow::Result<Answer> {
        let t0 = Instant::now();
        let r = req.send().await;
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                if self.shared.measuring.load(Ordering::Relaxed) {
                    self.stats.error(format!("{step}: {e}"));
                }
                return Err(anyhow!("{step}: {e}"));
            }
        };
        let status = r.status();
        let location = r
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let next = r
            .headers()
            .get(reqwest::header::LINK)
            .and_then(|v| v.to_str().ok())
            .and_then(next_link);
        let body = r.text().await.unwrap_or_default();
        let d = t0.elapsed();
        let measuring = self.shared.measuring.load(Ordering::Relaxed);
        if status != want {
            if measuring {
                self.stats
                    .error(format!("{step}: HTTP {status} (wanted {want})"));
            }
            bail!("{step}: HTTP {status}");
        }
        if measuring {
            self.stats.record(step, d);
            self.stats.requests += 1;
        }
        Ok(Answer {
            location,
            next,
            body,
        })
    }

    /// Signs in (form, then POST) and opens the dashboard; returns the session's CSRF token.
    pub async fn signin(&mut self, email: &str) -> anyhow::Result<String> {
        let form = self
            .step(
                "signin_form",
                self.cl.get(self.url("/signin")),
                StatusCode::OK,
            )
            .await?;
        let csrf = html::csrf(&form.body).context("no CSRF field on /signin")?;
        let password = self.seed.password.clone();
        let req = self.cl.post(self.url("/signin")).form(&[
            ("csrf", csrf.as_str()),
            ("next", ""),
            ("email", email),
            ("password", password.as_str()),
        ]);
        self.step("signin", req, StatusCode::SEE_OTHER).await?;
        // A new session has its own CSRF token: read it from the dashboard.
        let home = self
            .step("dashboard", self.cl.get(self.url("/")), StatusCode::OK)
            .await?;
        html::csrf(&home.body).context("no CSRF field on the dashboard")
    }

    /// Starts an attempt and reads its page; returns the attempt's path and the answers to
    /// send (the first option of each question).
    async fn open_attempt(
        &mut self,
        quiz: uuid::Uuid,
        csrf: &str,
    ) -> anyhow::Result<(String, Vec<(String, String)>)> {
        let run = self.seed.run_id;
        let start = self
            .cl
            .post(self.url(&format!("/learn/{run}/items/{quiz}/attempts")))
            .form(&[("csrf", csrf)]);
        let a = self
            .step("quiz_start", start, StatusCode::SEE_OTHER)
            .await?;
        let path = a.location.context("quiz start without a Location")?;
        let page = self
            .step("attempt_page", self.cl.get(self.url(&path)), StatusCode::OK)
            .await?;
        let mut fields = vec![("csrf".to_owned(), csrf.to_owned())];
        let answers = html::first_radio_answers(&page.body);
        if answers.is_empty() {
            bail!("attempt page without questions");
        }
        fields.extend(answers);
        Ok((path, fields))
    }

    /// Submits an answered attempt.
    async fn submit_attempt(
        &mut self,
        path: &str,
        fields: &[(String, String)],
    ) -> anyhow::Result<()> {
        let submit = self
            .cl
            .post(self.url(&format!("{path}/submit")))
            .form(fields);
        self.step("quiz_submit", submit, StatusCode::SEE_OTHER)
            .await?;
        Ok(())
    }

    /// Starts, answers and submits an attempt.
    async fn take_quiz(
        &mut self,
        quiz: uuid::Uuid,
        csrf: &str,
        show_result: bool,
    ) -> anyhow::Result<()> {
        let (path, fields) = self.open_attempt(quiz, csrf).await?;
        self.submit_attempt(&path, &fields).await?;
        if show_result {
            let r = self
                .step("result", self.cl.get(self.url(&path)), StatusCode::OK)
                .await?;
            if !r.body.contains("class=\"score\"") {
                bail!("result page without a score");
            }
        }
        Ok(())
    }

    /// One whole learner session.
    async fn session(&mut self) -> anyhow::Result<()> {
        let n = self.shared.next.fetch_add(1, Ordering::Relaxed);
        let i = n % self.seed.learners + 1;
        let email = learner_email(i);
        let run = self.seed.run_id;
        let page = self.seed.pages[(n as usize) % self.seed.pages.len()];
        let quiz = self.seed.quizzes[(n as usize) % self.seed.quizzes.len()];
        let t0 = Instant::now();
        let measuring_at_start = self.shared.measuring.load(Ordering::Relaxed);
        self.signin(&email).await?;
        self.step(
            "course_home",
            self.cl.get(self.url(&format!("/learn/{run}"))),
            StatusCode::OK,
        )
        .await?;
        self.step(
            "page",
            self.cl.get(self.url(&format!("/learn/{run}/items/{page}"))),
            StatusCode::OK,
        )
        .await?;
        let intro = self
            .step(
                "quiz_intro",
                self.cl.get(self.url(&format!("/learn/{run}/items/{quiz}"))),
                StatusCode::OK,
            )
            .await?;
        let csrf = html::csrf(&intro.body).context("no CSRF field on the quiz page")?;
        self.take_quiz(quiz, &csrf, true).await?;
        self.step(
            "signout",
            self.cl
                .post(self.url("/signout"))
                .form(&[("csrf", csrf.as_str())]),
            StatusCode::SEE_OTHER,
        )
        .await?;
        if measuring_at_start && self.shared.measuring.load(Ordering::Relaxed) {
            self.stats.record("session", t0.elapsed());
        }
        if self.shared.measuring.load(Ordering::Relaxed) {
            self.stats.sessions += 1;
        }
        Ok(())
    }
}

/// The URL of the `rel="next"` entry of a `Link` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim().eq_ignore_ascii_case("rel=\"next\""))
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
    })
}

pub(crate) fn fmt_ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) if v >= 10.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.2}"),
        None => "–".into(),
    }
}

/// Measures a window: warm-up, then `duration` seconds with the flag up; returns the CPU
/// seconds the server spent, its peak RSS and the measured time.
pub(crate) async fn window(
    t: &Target,
    shared: &Shared,
    warmup: f64,
    duration: f64,
) -> (Option<f64>, Option<f64>, f64) {
    tokio::time::sleep(Duration::from_secs_f64(warmup)).await;
    if let Some(pid) = t.pid {
        procstat::reset_peak(pid);
    }
    let cpu0 = t.pid.and_then(procstat::cpu_seconds);
    let t0 = Instant::now();
    shared.measuring.store(true, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs_f64(duration)).await;
    shared.measuring.store(false, Ordering::Relaxed);
    let secs = t0.elapsed().as_secs_f64();
    let cpu1 = t.pid.and_then(procstat::cpu_seconds);
    let rss = t.pid.and_then(procstat::peak_rss_mib);
    shared.stop.store(true, Ordering::Relaxed);
    let cpu = match (cpu0, cpu1) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    (cpu, rss, secs)
}

/// Closed-loop sessions at each level.
pub async fn sessions(
    t: &Target,
    levels: &[usize],
    warmup: f64,
    duration: f64,
) -> anyhow::Result<()> {
    let seed = Arc::new(read_seed(&t.seed)?);
    let label = if t.label.is_empty() {
        "run".to_owned()
    } else {
        t.label.clone()
    };
    let mut summaries = Vec::new();
    let mut per_level = Vec::new();
    let mut total_errors = 0;
    let next = Arc::new(AtomicU64::new(0));
    for &c in levels {
        let shared = Arc::new(Shared {
            measuring: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            next: AtomicU64::new(next.load(Ordering::Relaxed)),
        });
        let mut tasks = Vec::new();
        for _ in 0..c {
            let mut vu = Vu::new(t, seed.clone(), shared.clone())?;
            tasks.push(tokio::spawn(async move {
                while !vu.shared.stop.load(Ordering::Relaxed) {
                    if let Err(e) = vu.session().await {
                        if vu.shared.measuring.load(Ordering::Relaxed) && vu.stats.errors == 0 {
                            vu.stats.error(format!("session: {e:#}"));
                        }
                        // Do not spin on a broken server.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
                vu.stats
            }));
        }
        let (cpu, rss, secs) = window(t, &shared, warmup, duration).await;
        let mut stats = Stats::default();
        for task in tasks {
            stats.merge(task.await?);
        }
        next.store(shared.next.load(Ordering::Relaxed), Ordering::Relaxed);
        total_errors += stats.errors;
        let sps = stats.sessions as f64 / secs;
        let rps = stats.requests as f64 / secs;
        let cpu_per = cpu
            .filter(|_| stats.sessions > 0)
            .map(|c| c / stats.sessions as f64);
        let v = json!({
            "kind": "load",
            "label": label,
            "learners": seed.learners,
            "concurrency": c,
            "seconds": secs,
            "sessions": stats.sessions,
            "sessions_per_s": sps,
            "requests_per_s": rps,
            "errors": stats.errors,
            "error_samples": stats.samples,
            "cpu_seconds": cpu,
            "cpu_ms_per_session": cpu_per.map(|c| c * 1000.0),
            "peak_rss_mib": rss,
            "steps": stats.steps_json(),
        });
        append_json(t.json.as_deref(), &v)?;
        eprintln!(
            "{label} c={c}: {sps:.1} sessions/s, {rps:.0} req/s, {} errors{}",
            stats.errors,
            if stats.samples.is_empty() {
                String::new()
            } else {
                format!(" ({})", stats.samples.join("; "))
            }
        );
        summaries.push(format!(
            "| {c} | {sps:.1} | {rps:.0} | {} | {} | {} | {} | {} |",
            stats.errors,
            cpu_per.map_or("–".into(), |c| format!("{:.1}", c * 1000.0)),
            rss.map_or("–".into(), |r| format!("{r:.0}")),
            fmt_ms(stats.ms("session", 0.5)),
            fmt_ms(stats.ms("session", 0.99)),
        ));
        per_level.push((c, stats));
    }
    println!(
        "#### Learner sessions, {label}, {} learners\n",
        seed.learners
    );
    println!("| concurrent learners | sessions/s | requests/s | errors | server CPU ms/session | server peak RSS MiB | session p50 ms | session p99 ms |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for s in &summaries {
        println!("{s}");
    }
    println!("\nPer step, p50 / p95 / p99 in ms:\n");
    let mut head = String::from("| step |");
    let mut rule = String::from("|---|");
    for (c, _) in &per_level {
        head.push_str(&format!(" {c} learners |"));
        rule.push_str("---:|");
    }
    println!("{head}\n{rule}");
    for step in STEPS {
        let mut row = format!(
            "| {step}{} |",
            if step == "signin" { " (Argon2id)" } else { "" }
        );
        for (_, s) in &per_level {
            row.push_str(&format!(
                " {} / {} / {} |",
                fmt_ms(s.ms(step, 0.5)),
                fmt_ms(s.ms(step, 0.95)),
                fmt_ms(s.ms(step, 0.99))
            ));
        }
        println!("{row}");
    }
    println!();
    if total_errors > 0 {
        bail!("{total_errors} errors");
    }
    Ok(())
}

/// How the `submit` path prepares its attempts.
pub struct SubmitPlan {
    /// Submits per second the prepared attempts must last for, over the warm-up and the
    /// measured window.
    pub rate: f64,
}

/// One path at full speed.
///
/// `submit` is the deadline burst: before the clock starts, every client signs in as several
/// learners and opens and answers one attempt per (learner, quiz); then it only submits them.
/// `cycle` is the whole quiz cycle per iteration (start, attempt page, submit), counted per
/// submit.
pub async fn path(
    t: &Target,
    kind: &str,
    c: usize,
    warmup: f64,
    duration: f64,
    plan: &SubmitPlan,
) -> anyhow::Result<()> {
    let seed = Arc::new(read_seed(&t.seed)?);
    let label = if t.label.is_empty() {
        "run".to_owned()
    } else {
        t.label.clone()
    };
    let step = match kind {
        "home" => "course_home",
        "page" => "page",
        "submit" | "cycle" => "quiz_submit",
        "gradebook" => "gradebook",
        other => bail!("unknown path {other}: home, page, submit, cycle or gradebook"),
    };
    let shared = Arc::new(Shared {
        measuring: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        next: AtomicU64::new(0),
    });
    // Learners per client: one for every path but `submit`, which needs one open attempt per
    // (learner, quiz) for each submit it will send; distinct learners across clients.
    let quizzes = seed.quizzes.len().max(1);
    let per_client = if kind == "submit" {
        let wanted = ((warmup + duration) * plan.rate / c as f64).ceil() as usize;
        let learners = wanted.div_ceil(quizzes).max(1);
        learners.min((seed.learners as usize / c).max(1))
    } else {
        1
    };
    let learner_of =
        |k: usize, j: usize| -> u64 { (((k + c * j) as u64) * 7919) % seed.learners + 1 };
    // Sign everyone in first (not measured).
    let t_prep = Instant::now();
    let mut vus = Vec::new();
    for k in 0..c {
        let vu = Vu::with_jars(t, seed.clone(), shared.clone(), per_client)?;
        vus.push((vu, k));
    }
    let mut prepared = Vec::new();
    let submit = kind == "submit";
    for (mut vu, k) in vus {
        let emails: Vec<String> = (0..per_client)
            .map(|j| {
                if kind == "gradebook" {
                    seed.instructor_email.clone()
                } else {
                    learner_email(learner_of(k, j))
                }
            })
            .collect();
        prepared.push(tokio::spawn(async move {
            let mut csrf = String::new();
            let mut ready = VecDeque::new();
            for (j, email) in emails.into_iter().enumerate() {
                vu.use_jar(j);
                csrf = vu
                    .signin(&email)
                    .await
                    .with_context(|| format!("signing in {email}"))?;
                if submit {
                    for q in vu.seed.quizzes.clone() {
                        let (path, fields) = vu
                            .open_attempt(q, &csrf)
                            .await
                            .with_context(|| format!("opening an attempt for {email}"))?;
                        ready.push_back(Ready {
                            jar: j,
                            path,
                            fields,
                        });
                    }
                }
            }
            vu.use_jar(0);
            anyhow::Ok((vu, csrf, k, ready))
        }));
    }
    let mut vus = Vec::new();
    for p in prepared {
        vus.push(p.await??);
    }
    let opened: usize = vus.iter().map(|v| v.3.len()).sum();
    if kind == "submit" {
        eprintln!(
            "{label} submit: {} learners signed in, {opened} attempts opened and answered in {:.1} s (not measured)",
            c * per_client,
            t_prep.elapsed().as_secs_f64()
        );
    }
    let run = seed.run_id;
    let mut tasks = Vec::new();
    for (mut vu, csrf, k, mut ready) in vus {
        let kind = kind.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut n = k;
            let mut ran_out = false;
            while !vu.shared.stop.load(Ordering::Relaxed) {
                n += 1;
                let r = match kind.as_str() {
                    "home" => vu
                        .step(
                            "course_home",
                            vu.cl.get(vu.url(&format!("/learn/{run}"))),
                            StatusCode::OK,
                        )
                        .await
                        .map(|_| ()),
                    "page" => {
                        let p = vu.seed.pages[n % vu.seed.pages.len()];
                        vu.step(
                            "page",
                            vu.cl.get(vu.url(&format!("/learn/{run}/items/{p}"))),
                            StatusCode::OK,
                        )
                        .await
                        .map(|_| ())
                    }
                    "gradebook" => vu
                        .step(
                            "gradebook",
                            vu.cl.get(vu.url(&format!("/teach/runs/{run}/gradebook"))),
                            StatusCode::OK,
                        )
                        .await
                        .map(|_| ()),
                    "submit" => {
                        let Some(a) = ready.pop_front() else {
                            ran_out = true;
                            break;
                        };
                        vu.use_jar(a.jar);
                        vu.submit_attempt(&a.path, &a.fields).await
                    }
                    _ => {
                        let q = vu.seed.quizzes[n % vu.seed.quizzes.len()];
                        vu.take_quiz(q, &csrf, false).await
                    }
                };
                if r.is_err() {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            (vu.stats, ran_out)
        }));
    }
    let (cpu, rss, secs) = window(t, &shared, warmup, duration).await;
    let mut stats = Stats::default();
    let mut ran_out = 0;
    for task in tasks {
        let (s, out) = task.await?;
        stats.merge(s);
        ran_out += usize::from(out);
    }
    if ran_out > 0 {
        eprintln!(
            "{label} submit: {ran_out} of {c} clients ran out of prepared attempts before the end: the rate is a lower bound (raise --prepare-rate)"
        );
    }
    let count = stats.hist.get(step).map_or(0, |h| h.len());
    let rate = count as f64 / secs;
    let v = json!({
        "kind": "path",
        "path": kind,
        "label": label,
        "learners": seed.learners,
        "concurrency": c,
        "seconds": secs,
        "per_s": rate,
        "requests_per_s": stats.requests as f64 / secs,
        "errors": stats.errors,
        "error_samples": stats.samples,
        "cpu_seconds": cpu,
        "peak_rss_mib": rss,
        "prepared_attempts": opened,
        "clients_out_of_attempts": ran_out,
        "steps": stats.steps_json(),
    });
    append_json(t.json.as_deref(), &v)?;
    println!(
        "| {label} | {kind}{} | {} | {c} | {rate:.0} | {} | {} | {} | {} | {} |",
        if ran_out > 0 {
            " (ran out: lower bound)"
        } else {
            ""
        },
        seed.learners,
        fmt_ms(stats.ms(step, 0.5)),
        fmt_ms(stats.ms(step, 0.95)),
        fmt_ms(stats.ms(step, 0.99)),
        stats.errors,
        rss.map_or("–".into(), |r| format!("{r:.0}")),
    );
    if stats.errors > 0 {
        bail!("{} errors: {}", stats.errors, stats.samples.join("; "));
    }
    Ok(())
}
