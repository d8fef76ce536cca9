//! `amphi seed bench --learners N`: the data set of the scale benchmark (issue 6).
//!
//! A tenant of its own (host `bench.localhost` unless told otherwise) with one published MOOC
//! run: 10 modules of 5 pages and 1 quiz (50 pages, 10 quizzes of 10 questions drawn from a
//! GIFT bank), a tenant administrator, an instructor, and N enrolled learners
//! `learner{i}@bench.example` (i = 1..=N) who all share one password.
//!
//! The structure, the bank, the quiz settings and three "template" learners (1, 2 and 3) go
//! through the application's own code paths: enrolment, completing pages, quiz attempts
//! submitted and graded through the gradebook, and the gradebook recompute job; learner 4 is
//! enrolled the same way without any history. Learners 5..=N are then bulk-inserted (multi-row INSERTs, a few thousand rows per transaction), and every
//! fifth of them receives a copy of one template learner's history: its progress rows, its
//! submitted attempts (same questions, responses and scores), its `grades` rows and grade
//! events, and its enrolment's progress and grade columns; the others get learner 4's course
//! grade columns. The copies are therefore exactly what the real code path produced for the
//! same answers (a test checks that the gradebook's recompute changes nothing). Those active
//! learners also have a signed-in session each (of a random token nobody holds), so that the
//! `sessions` table is as a live platform's when PostgreSQL gathers its statistics: sessions
//! that only the benchmark's sign-ins created, on a table analysed empty, once left the server's
//! cached query plans scanning the whole table on every request.
//!
//! LTI: one tool registered for the tenant through the administrators' use case, with a pasted
//! RSA public key (its private key, made here, goes into the seed file for the load tool to
//! sign its client assertions), and one external tool item of that tool in the last module
//! (completed by a score), so that the tool may call the services of the run.
//!
//! Password hashing: the password is hashed ONCE with Argon2id (the platform's parameters) and
//! that hash is stored on every bulk-inserted account (each PHC string normally has its own
//! salt; sharing one changes nothing for sign-in cost, which is what the benchmark measures).

use amphi_app::assessment::bank;
use amphi_app::assessment::peer;
use amphi_app::assessment::peer::settings::PeerSettingsForm;
use amphi_app::assessment::quiz;
use amphi_app::assessment::quiz::answers::Answers;
use amphi_app::assessment::quiz::settings::{QuizSettings, Reveal, Slot};
use amphi_app::courses::authoring::{self, CourseForm, ItemForm, ModuleForm, RunForm};
use amphi_app::courses::{enrol, learn};
use amphi_app::setup::{create_user_cli, CliUser};
use amphi_app::{App, Caller};
use amphi_core::assessment::question::OptionId;
use amphi_core::assessment::scoring::Response;
use amphi_core::assessment::{QuestionType, SubmissionStatus};
use amphi_core::course::{EnrolmentStatus, ItemKind};
use amphi_core::{AttemptId, CourseId, ItemId, ModuleId, RunId, TenantId};
use amphi_db::bench::{self as bulk, Chunk};
use amphi_db::repo::tenants as repo_t;
use amphi_db::rows;
use anyhow::{anyhow, bail, Context};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use uuid::Uuid;

/// The password of every benchmark account.
pub const BENCH_PASSWORD: &str = "bench passphrase 2027";
/// Modules in the run.
pub const MODULES: usize = 10;
/// Pages per module.
pub const PAGES_PER_MODULE: usize = 5;
/// Questions per quiz.
pub const QUESTIONS_PER_QUIZ: usize = 10;
/// Learners built through the real code paths, whose history the others copy.
const TEMPLATES: u64 = 3;
/// One learner in this many (from learner 4 on) gets a template's history.
const HISTORY_EVERY: u64 = 5;
/// Learners per transaction.
const CHUNK: u64 = 2000;

/// What to build.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Enrolled learners (at least 3).
    pub learners: u64,
    /// Host name the tenant answers on.
    pub host: String,
    /// Tenant slug.
    pub slug: String,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            learners: 1000,
            host: "bench.localhost".into(),
            slug: "bench".into(),
        }
    }
}

/// What was built: everything the load tool needs to replay sessions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchSeed {
    /// Host name of the tenant.
    pub host: String,
    /// Tenant id.
    pub tenant_id: Uuid,
    /// The course.
    pub course_id: Uuid,
    /// The run.
    pub run_id: Uuid,
    /// Page items, in course order.
    pub pages: Vec<Uuid>,
    /// Quiz items, in course order.
    pub quizzes: Vec<Uuid>,
    /// The peer assessment (every learner has submitted; its review phase is opened by the
    /// batch benchmark, which then times the allocation job).
    #[serde(default)]
    pub peer_item: Option<Uuid>,
    /// The LTI tool and its item in the run (absent in seed files made before LTI).
    #[serde(default)]
    pub lti: Option<BenchLti>,
    /// Enrolled learners: `learner{i}@bench.example` for i in 1..=learners.
    pub learners: u64,
    /// Learners with copied history.
    pub learners_with_history: u64,
    /// Instructor of the run.
    pub instructor_email: String,
    /// Tenant administrator.
    pub admin_email: String,
    /// The password of every account.
    pub password: String,
    /// Seconds spent.
    pub seconds: f64,
}

/// The benchmark's LTI tool, as the load tool needs it to act as that tool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchLti {
    /// The registration's id.
    pub tool_id: Uuid,
    /// The client id the tool signs its client assertions with (`iss` and `sub`).
    pub client_id: String,
    /// The external tool item of the run (the line items' `resourceLinkId`).
    pub item_id: Uuid,
    /// The tool's private key, PKCS#8 PEM (RS256); the platform holds its public key.
    pub private_key_pem: String,
}

/// An RSA 2048 key pair for the benchmark's tool: (private PKCS#8 PEM, public SPKI PEM).
fn tool_key_pair() -> anyhow::Result<(String, String)> {
    use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
    use aws_lc_rs::rsa::{KeyPair, KeySize};
    use aws_lc_rs::signature::KeyPair as _;
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|err| anyhow!("RSA key: {err}"))?;
    let private = AsDer::<Pkcs8V1Der>::as_der(&pair).map_err(|err| anyhow!("RSA key: {err}"))?;
    let public = AsDer::<PublicKeyX509Der>::as_der(pair.public_key())
        .map_err(|err| anyhow!("RSA key: {err}"))?;
    Ok((
        pem::encode(&pem::Pem::new("PRIVATE KEY", private.as_ref().to_vec())),
        pem::encode(&pem::Pem::new("PUBLIC KEY", public.as_ref().to_vec())),
    ))
}

/// Learner `i`'s submitted essay for the peer assessment.
fn essay(
    t: TenantId,
    run: Uuid,
    item: Uuid,
    user: Uuid,
    i: u64,
    now: DateTime<Utc>,
) -> rows::Submission {
    rows::Submission {
        id: Uuid::now_v7(),
        tenant_id: t.0,
        run_id: run,
        item_id: item,
        user_id: user,
        body: format!("Essay of learner {i}: what this course changed for me."),
        draft: None,
        status: SubmissionStatus::Submitted.as_str().into(),
        version: 1,
        submitted_at: Some(
            now - chrono::Duration::hours(2) + chrono::Duration::milliseconds(i as i64),
        ),
        late_days: 0,
        extra_reviews: 0,
        needs_staff: false,
        rubric_choices: None,
        raw_points: None,
        penalty: 0.0,
        points: None,
        max_points: 3.0,
        feedback: None,
        grade_source: None,
        graded_by: None,
        graded_at: None,
        override_points: None,
        created_at: now,
        updated_at: now,
    }
}

/// The email of learner `i` (1-based).
pub fn learner_email(i: u64) -> String {
    format!("learner{i}@bench.example")
}

fn e(err: amphi_core::Error) -> anyhow::Error {
    anyhow!("{err:?}")
}

/// The GIFT bank: one category per quiz, alternating single-choice and true/false questions.
/// The first option of each single-choice question is the right one.
pub fn gift_bank() -> String {
    let mut s = String::new();
    for q in 1..=MODULES {
        s.push_str(&format!("$CATEGORY: Quiz {q}\n\n"));
        for n in 1..=QUESTIONS_PER_QUIZ {
            if n % 2 == 1 {
                s.push_str(&format!(
                    "::Q{q}.{n}::Question {q}.{n}: which statement about topic {n} is right? \
                     {{=The right statement ~A wrong statement ~Another wrong one ~Not this one}}\n\n"
                ));
            } else {
                let tf = if n % 4 == 0 { "T" } else { "F" };
                s.push_str(&format!(
                    "::Q{q}.{n}::Statement {q}.{n}: module {q} covers topic {n}. {{{tf}}}\n\n"
                ));
            }
        }
    }
    s
}

async fn account(
    app: &App,
    slug: &str,
    email: &str,
    name: &str,
    admin: bool,
) -> anyhow::Result<Caller> {
    let (u, _) = create_user_cli(
        app,
        CliUser {
            tenant_slug: Some(slug.into()),
            email: email.into(),
            name: name.into(),
            platform_admin: false,
            tenant_admin: admin,
            password: Some(BENCH_PASSWORD.into()),
        },
    )
    .await
    .map_err(e)?;
    Ok(Caller::cli(u, &app.config.server.public_url))
}

/// Answers every question of an open attempt: option `pick` (or the last one) of single-choice
/// questions, "true" for true/false.
async fn answer_all(
    app: &App,
    u: &Caller,
    run: RunId,
    at: AttemptId,
    pick: usize,
) -> anyhow::Result<Answers> {
    let view = quiz::view::attempt(app, u, run, at).await.map_err(e)?;
    let mut answers = Answers::new();
    for q in &view.questions {
        let r = match q.kind {
            QuestionType::SingleChoice => {
                let c = q
                    .choices
                    .get(pick.min(q.choices.len().saturating_sub(1)))
                    .context("single-choice question without options")?;
                Response::SingleChoice {
                    chosen: Some(OptionId(c.id)),
                }
            }
            QuestionType::TrueFalse => Response::TrueFalse { answer: Some(true) },
            other => bail!("unexpected question type {other} in the benchmark bank"),
        };
        answers.insert(q.id, r);
    }
    Ok(answers)
}

/// Builds the benchmark data set. Refuses to run twice on one database (the tenant slug or
/// host is taken): seed a fresh database.
pub async fn bench(app: &App, o: &BenchOptions) -> anyhow::Result<BenchSeed> {
    let started = Instant::now();
    if o.learners < TEMPLATES + 1 {
        bail!("--learners must be at least {}", TEMPLATES + 1);
    }
    amphi_app::tenants::ensure_default(app).await.map_err(e)?;
    if repo_t::by_slug(app.db.reader(), &o.slug)
        .await
        .map_err(e)?
        .is_some()
    {
        bail!(
            "a tenant '{}' exists already: seed the benchmark into a fresh database",
            o.slug
        );
    }
    let now: DateTime<Utc> = app.now();
    // The tenant, on its own host.
    let txn = app.db.begin().await.map_err(e)?;
    let tenant = repo_t::insert(
        &txn,
        repo_t::NewTenant {
            slug: o.slug.clone(),
            name: "Amphi benchmark".into(),
            default_locale: "en".into(),
            signup_policy: "open".into(),
            signup_domains: vec![],
            primary_colour: "#1d4ed8".into(),
            is_default: false,
        },
        now,
    )
    .await
    .map_err(e)?;
    let t = TenantId(tenant.id);
    repo_t::set_hosts(&txn, t, std::slice::from_ref(&o.host), now)
        .await
        .map_err(|err| anyhow!("host {}: {err:?}", o.host))?;
    txn.commit().await.context("database")?;
    app.tenant_cache.clear();

    let admin_email = "admin@bench.example".to_owned();
    let instructor_email = "teacher@bench.example".to_owned();
    let admin = account(app, &o.slug, &admin_email, "Bench Admin", true).await?;
    account(app, &o.slug, &instructor_email, "Bench Teacher", false).await?;
    let fmt = |d: DateTime<Utc>| d.format("%Y-%m-%dT%H:%M").to_string();
    let course = authoring::create_course(
        app,
        &admin,
        CourseForm {
            code: Some("SCALE101".into()),
            title: Some("Learning at scale".into()),
            summary: Some(
                "The course of the scale benchmark: ten weeks, fifty pages, ten quizzes.".into(),
            ),
            language: Some("en".into()),
            cover_url: None,
            format: Some("mooc".into()),
            visibility: Some("listed".into()),
        },
    )
    .await
    .map_err(e)?;
    let run = authoring::create_run(
        app,
        &admin,
        CourseId(course.id),
        RunForm {
            name: Some("Benchmark session".into()),
            enrol_opens_at: Some(fmt(now - chrono::Duration::days(7))),
            enrol_closes_at: Some(fmt(now + chrono::Duration::days(360))),
            starts_at: Some(fmt(now - chrono::Duration::days(1))),
            ends_at: Some(fmt(now + chrono::Duration::days(365))),
            policy: Some("open".into()),
            published: Some(true),
            sequential: Some(false),
            waiting_list: Some(false),
            ..Default::default()
        },
    )
    .await
    .map_err(e)?;
    authoring::add_member(app, &admin, RunId(run.id), &instructor_email, "instructor")
        .await
        .map_err(e)?;
    let imported = bank::import_gift(app, &admin, CourseId(course.id), &gift_bank())
        .await
        .map_err(e)?;
    if imported.imported != MODULES * QUESTIONS_PER_QUIZ {
        bail!("the GIFT bank gave {} questions", imported.imported);
    }
    let mut pages = Vec::new();
    let mut quizzes = Vec::new();
    let mut last_module = None;
    for w in 1..=MODULES {
        let m = authoring::add_module(
            app,
            &admin,
            RunId(run.id),
            ModuleForm {
                title: Some(format!("Week {w}")),
                available_from: None,
                published: Some(true),
            },
        )
        .await
        .map_err(e)?;
        for p in 1..=PAGES_PER_MODULE {
            let it = authoring::add_item(
                app,
                &admin,
                RunId(run.id),
                ModuleId(m.id),
                ItemForm {
                    kind: Some(ItemKind::Page.as_str().into()),
                    title: Some(format!("Week {w}, part {p}")),
                    body: Some(format!(
                        "# Week {w}, part {p}\n\nThis page explains **topic {p}** of week {w}.\n\n\
                         1. Read the example.\n2. Try it yourself.\n3. Compare with the solution.\n\n\
                         | Step | Why |\n|---|---|\n| Read | Understand |\n| Try | Remember |\n"
                    )),
                    url: None,
                    published: Some(true),
                    available_from: None,
                    requires_item_id: None,
                    ..ItemForm::default()
                },
            )
            .await
            .map_err(e)?;
            pages.push(it.id);
        }
        let qi = authoring::add_item(
            app,
            &admin,
            RunId(run.id),
            ModuleId(m.id),
            ItemForm {
                kind: Some(ItemKind::Quiz.as_str().into()),
                title: Some(format!("Quiz {w}")),
                body: Some("Ten questions on this week.".into()),
                url: None,
                published: Some(true),
                available_from: None,
                requires_item_id: None,
                ..ItemForm::default()
            },
        )
        .await
        .map_err(e)?;
        let ids = amphi_db::repo::questions::ids_in_category(
            app.db.reader(),
            t,
            course.id,
            &format!("Quiz {w}"),
        )
        .await
        .map_err(e)?;
        let settings = QuizSettings {
            slots: ids
                .into_iter()
                .map(|question_id| Slot::Question {
                    question_id,
                    points: None,
                })
                .collect(),
            shuffle_questions: false,
            shuffle_answers: false,
            attempts: 0,
            feedback: Reveal::Immediately,
            answers: Reveal::Immediately,
            ..QuizSettings::default()
        };
        quiz::authoring::configure(app, &admin, RunId(run.id), ItemId(qi.id), settings)
            .await
            .map_err(e)?;
        quizzes.push(qi.id);
        last_module = Some(m.id);
    }
    // The peer assessment: submissions are in; its review phase opens in a year (the batch
    // benchmark opens it now, as an instructor would).
    let peer_item = authoring::add_item(
        app,
        &admin,
        RunId(run.id),
        ModuleId(last_module.context("no module")?),
        ItemForm {
            kind: Some(ItemKind::Peer.as_str().into()),
            title: Some("Final essay".into()),
            body: Some("Write 300 words on what this course changed for you.".into()),
            url: None,
            published: Some(true),
            available_from: None,
            requires_item_id: None,
            ..ItemForm::default()
        },
    )
    .await
    .map_err(e)?;
    let review_from = (now + chrono::Duration::days(365)).to_rfc3339();
    peer::settings::update_settings(
        app,
        &admin,
        RunId(run.id),
        ItemId(peer_item.id),
        PeerSettingsForm {
            review_from: Some(review_from),
            reviews_per_submission: Some("3".into()),
            reviews_per_reviewer: Some("3".into()),
            ..Default::default()
        },
    )
    .await
    .map_err(e)?;
    // The LTI tool, registered as an administrator would (pasted public key), and its item.
    let (private_key_pem, public_key_pem) = tool_key_pair()?;
    let tool = amphi_app::lti::tools::create(
        app,
        &admin,
        amphi_app::lti::tools::ToolForm {
            name: Some("Bench lab".into()),
            login_url: Some("https://tool.bench.example/login".into()),
            target_link_uri: Some("https://tool.bench.example/launch".into()),
            public_key_pem: Some(public_key_pem),
            ..Default::default()
        },
    )
    .await
    .map_err(e)?;
    let tool_item = authoring::add_item(
        app,
        &admin,
        RunId(run.id),
        ModuleId(last_module.context("no module")?),
        ItemForm {
            kind: Some(ItemKind::Tool.as_str().into()),
            title: Some("Virtual lab".into()),
            body: Some("Run the experiment in the lab; your score is reported here.".into()),
            published: Some(true),
            tool_id: Some(tool.id.to_string()),
            completion: Some("score".into()),
            ..ItemForm::default()
        },
    )
    .await
    .map_err(e)?;
    let all_items: Vec<Uuid> = {
        // Course order: each module's pages then its quiz.
        let mut v = Vec::new();
        for w in 0..MODULES {
            v.extend_from_slice(&pages[w * PAGES_PER_MODULE..(w + 1) * PAGES_PER_MODULE]);
            v.push(quizzes[w]);
        }
        v
    };

    // Template learners through the real code paths: learner k completes 6k items (pages and
    // quizzes in course order), submitting each quiz it reaches with its own answers.
    let mut templates = Vec::new();
    for k in 1..=TEMPLATES {
        let u = account(
            app,
            &o.slug,
            &learner_email(k),
            &format!("Learner {k}"),
            false,
        )
        .await?;
        enrol::enrol(app, &u, RunId(run.id), None)
            .await
            .map_err(e)?;
        for item in all_items.iter().take((6 * k) as usize) {
            if quizzes.contains(item) {
                let at = quiz::attempts::start(app, &u, RunId(run.id), ItemId(*item))
                    .await
                    .map_err(e)?;
                let answers =
                    answer_all(app, &u, RunId(run.id), AttemptId(at), (k - 1) as usize).await?;
                quiz::answers::submit(
                    app,
                    &u,
                    RunId(run.id),
                    AttemptId(at),
                    quiz::answers::Sent::Answers(answers),
                )
                .await
                .map_err(e)?;
            }
            learn::complete_item(app, &u, RunId(run.id), ItemId(*item))
                .await
                .map_err(e)?;
        }
        templates.push(u.user.id.0);
    }
    // And one learner without history, whose course grade the others without history share.
    let blank = account(
        app,
        &o.slug,
        &learner_email(TEMPLATES + 1),
        &format!("Learner {}", TEMPLATES + 1),
        false,
    )
    .await?;
    enrol::enrol(app, &blank, RunId(run.id), None)
        .await
        .map_err(e)?;
    // Gradebook recomputes queued by the quiz set-up, and anything else due.
    amphi_jobs::Worker::new(app.clone())?.run_due().await?;
    let mut hist = Vec::new();
    for u in &templates {
        hist.push(
            bulk::history_of(app.db.reader(), t, run.id, *u)
                .await
                .map_err(e)?,
        );
    }
    let blank: rows::Enrolment = bulk::history_of(app.db.reader(), t, run.id, blank.user.id.0)
        .await
        .map_err(e)?
        .enrolment;

    // Everyone else, in bulk.
    let pw = BENCH_PASSWORD.to_owned();
    let hash = tokio::task::spawn_blocking(move || amphi_auth::password::hash(&pw))
        .await?
        .map_err(|err| anyhow!("{err}"))?;
    let mut with_history = 0u64;
    let mut first = TEMPLATES + 2;
    let mut done_report = Instant::now();
    while first <= o.learners {
        let last = (first + CHUNK - 1).min(o.learners);
        let mut users = Vec::new();
        let mut users_ids = Vec::new();
        let mut enrols = Vec::new();
        let mut progress = Vec::new();
        let mut attempts = Vec::new();
        let mut grades = Vec::new();
        let mut events = Vec::new();
        let mut sessions = Vec::new();
        for i in first..=last {
            let uid = Uuid::now_v7();
            users_ids.push(uid);
            users.push(rows::User {
                id: uid,
                tenant_id: t.0,
                email: learner_email(i),
                name: format!("Learner {i}"),
                password_hash: Some(hash.clone()),
                email_verified_at: Some(now),
                locale: None,
                time_zone: "UTC".into(),
                is_platform_admin: false,
                is_tenant_admin: false,
                active: true,
                last_sign_in_at: None,
                created_at: now,
                updated_at: now,
                mfa_secret: None,
                mfa_enabled_at: None,
                mfa_last_step: None,
            });
            let h =
                (i % HISTORY_EVERY == 0).then(|| &hist[((i / HISTORY_EVERY) % TEMPLATES) as usize]);
            let mut en = rows::Enrolment {
                id: Uuid::now_v7(),
                tenant_id: t.0,
                run_id: run.id,
                user_id: uid,
                role: "learner".into(),
                status: EnrolmentStatus::Active.as_str().into(),
                completed_count: 0,
                last_item_id: None,
                completed_at: None,
                grade_percent: blank.grade_percent,
                grade_passed: blank.grade_passed,
                grade_override: None,
                created_at: now,
                updated_at: now,
            };
            if let Some(h) = h {
                with_history += 1;
                let seen = now - chrono::Duration::seconds((i % 3600) as i64);
                sessions.push(rows::Session {
                    id: amphi_auth::token::generate("").hash,
                    tenant_id: t.0,
                    user_id: uid,
                    ip: Some("127.0.0.1".into()),
                    user_agent: Some("Mozilla/5.0 (seeded session)".into()),
                    created_at: seen,
                    last_seen_at: seen,
                    expires_at: now
                        + chrono::Duration::hours(app.config.security.session_absolute_hours),
                    sso_provider_id: None,
                    sso_name_id: None,
                    sso_name_id_format: None,
                    sso_session_index: None,
                });
                en.completed_count = h.enrolment.completed_count;
                en.last_item_id = h.enrolment.last_item_id;
                en.completed_at = h.enrolment.completed_at;
                en.grade_percent = h.enrolment.grade_percent;
                en.grade_passed = h.enrolment.grade_passed;
                en.role = h.enrolment.role.clone();
                for p in &h.progress {
                    progress.push(rows::ItemProgress {
                        user_id: uid,
                        ..p.clone()
                    });
                }
                for a in &h.attempts {
                    attempts.push(rows::QuizAttempt {
                        id: Uuid::now_v7(),
                        user_id: uid,
                        ..a.clone()
                    });
                }
                for g in &h.grades {
                    grades.push(rows::Grade {
                        user_id: uid,
                        ..g.clone()
                    });
                }
                for ev in &h.events {
                    events.push(rows::GradeEvent {
                        user_id: uid,
                        ..ev.clone()
                    });
                }
            }
            enrols.push(en);
        }
        let submissions = users_ids
            .iter()
            .enumerate()
            .map(|(k, uid)| essay(t, run.id, peer_item.id, *uid, first + k as u64, now))
            .collect();
        bulk::insert_chunk(
            &app.db,
            Chunk {
                users,
                enrolments: enrols,
                progress,
                attempts,
                grades,
                events,
                sessions,
                submissions,
            },
        )
        .await
        .map_err(e)?;
        if done_report.elapsed().as_secs() >= 5 {
            tracing::info!(learners = last, "seeding");
            eprintln!("  {last} / {} learners", o.learners);
            done_report = Instant::now();
        }
        first = last + 1;
    }
    // The run's enrolment counter, as enrolling one by one would have left it.
    let bulk = (o.learners - TEMPLATES - 1) as i64;
    amphi_db::repo::courses::bump_counts(app.db.writer(), t, run.id, bulk, 0)
        .await
        .map_err(e)?;
    bulk::analyze(&app.db).await.map_err(e)?;
    Ok(BenchSeed {
        host: o.host.clone(),
        tenant_id: t.0,
        course_id: course.id,
        run_id: run.id,
        pages,
        quizzes,
        peer_item: Some(peer_item.id),
        lti: Some(BenchLti {
            tool_id: tool.id,
            client_id: tool.client_id,
            item_id: tool_item.id,
            private_key_pem,
        }),
        learners: o.learners,
        learners_with_history: with_history + TEMPLATES,
        instructor_email,
        admin_email,
        password: BENCH_PASSWORD.into(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
