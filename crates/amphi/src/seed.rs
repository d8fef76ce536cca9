//! `amphi seed demo`: a living platform at first start — courses of each format with modules,
//! pages, videos and links, a course team, learners with progress, an announcement.

use amphi_app::courses::authoring::{self, CourseForm, ItemForm, ModuleForm, RunForm};
use amphi_app::courses::{announce, enrol, learn};
use amphi_app::setup::{create_user_cli, CliUser};
use amphi_app::{App, Caller};
use amphi_core::course::ItemKind;
use amphi_core::{CourseId, ItemId, ModuleId, RunId, TenantId};
use anyhow::{anyhow, Context};

/// The password of every demo account (shown by the command).
pub const DEMO_PASSWORD: &str = "demo passphrase 2027";

fn e(err: amphi_core::Error) -> anyhow::Error {
    anyhow!("{err:?}")
}

async fn account(
    app: &App,
    tenant: TenantId,
    email: &str,
    name: &str,
    admin: bool,
) -> anyhow::Result<Caller> {
    let existing = amphi_db::repo::users::by_email(app.db.reader(), tenant, email)
        .await
        .map_err(e)?;
    if let Some(u) = existing {
        return Ok(Caller::cli(u.into(), &app.config.server.public_url));
    }
    let (u, _) = create_user_cli(
        app,
        CliUser {
            tenant_slug: None,
            email: email.into(),
            name: name.into(),
            platform_admin: false,
            tenant_admin: admin,
            password: Some(DEMO_PASSWORD.into()),
        },
    )
    .await
    .map_err(e)?;
    Ok(Caller::cli(u, &app.config.server.public_url))
}

struct Page<'a> {
    kind: ItemKind,
    title: &'a str,
    body: &'a str,
    url: Option<&'a str>,
}

/// Builds the demo unless it is there already. Returns a summary to print.
pub async fn demo(app: &App) -> anyhow::Result<String> {
    let tenant = amphi_app::tenants::ensure_default(app).await.map_err(e)?;
    let t = tenant.id;
    if amphi_db::repo::courses::by_code(app.db.reader(), t, "PM101")
        .await
        .map_err(e)?
        .is_some()
    {
        return Ok("The demo is already there.".into());
    }
    let admin = account(app, t, "admin@demo.example", "Alex Admin", true).await?;
    let teacher = account(app, t, "teacher@demo.example", "Camille Martin", false).await?;
    let now = app.now();
    let fmt = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%dT%H:%M").to_string();

    let courses: [(&str, &str, &str, &str, &str, &str); 3] = [
        ("PM101", "Project Management Essentials", "Plan, run and close projects that deliver: scope, schedule, risks and people. Six weeks, about three hours a week.", "mooc", "en", "open"),
        ("DATA-FR", "Introduction à l'analyse de données", "Comprendre, nettoyer et visualiser des données avec des outils simples. Session privée sur code d'inscription.", "spoc", "fr", "code"),
        ("ACME-SEC", "Security Awareness for Acme", "The habits that keep Acme and its customers safe: phishing, passwords, incidents. Reserved for Acme people.", "cooc", "en", "restricted"),
    ];
    let pages: [Page; 5] = [
        Page { kind: ItemKind::Page, title: "Welcome", body: "# Welcome\n\nThis course is organised in **weekly modules**. Read each page, watch the videos and mark them complete to follow your progress.", url: None },
        Page { kind: ItemKind::Video, title: "Why this matters", body: "Transcript: in this short video we look at why the topic matters and what you will be able to do at the end.", url: Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ") },
        Page { kind: ItemKind::Page, title: "Key ideas", body: "## Three key ideas\n\n1. Start from the goal.\n2. Make the work visible.\n3. Review often.\n\n| Idea | Practice |\n|---|---|\n| Goal | One sentence |\n| Visibility | A shared board |", url: None },
        Page { kind: ItemKind::Link, title: "Further reading", body: "An open reference to go further.", url: Some("https://en.wikipedia.org/wiki/Project_management") },
        Page { kind: ItemKind::Page, title: "Wrap-up", body: "Well done! Take a minute to note **one thing** you will apply next week.", url: None },
    ];
    let mut first_run = None;
    for (code, title, summary, format, lang, policy) in courses {
        let c = authoring::create_course(
            app,
            &admin,
            CourseForm {
                code: Some(code.into()),
                title: Some(title.into()),
                summary: Some(summary.into()),
                language: Some(lang.into()),
                cover_url: None,
                format: Some(format.into()),
                visibility: Some("listed".into()),
            },
        )
        .await
        .map_err(e)?;
        let run = authoring::create_run(
            app,
            &admin,
            CourseId(c.id),
            RunForm {
                name: Some("2027 session".into()),
                enrol_opens_at: Some(fmt(now - chrono::Duration::days(7))),
                enrol_closes_at: Some(fmt(now + chrono::Duration::days(60))),
                starts_at: Some(fmt(now - chrono::Duration::days(1))),
                ends_at: Some(fmt(now + chrono::Duration::days(120))),
                policy: Some(policy.into()),
                enrolment_code: (policy == "code").then(|| "DEMO-2027".into()),
                restrict_domains: (policy == "restricted").then(|| "acme.example".into()),
                capacity: (policy == "code").then(|| "30".into()),
                waiting_list: Some(policy == "code"),
                published: Some(true),
                sequential: Some(false),
                ..Default::default()
            },
        )
        .await
        .map_err(e)?;
        authoring::add_member(
            app,
            &admin,
            RunId(run.id),
            "teacher@demo.example",
            "instructor",
        )
        .await
        .map_err(e)?;
        for week in 1..=2 {
            let m = authoring::add_module(
                app,
                &teacher,
                RunId(run.id),
                ModuleForm {
                    title: Some(format!("Week {week}")),
                    available_from: None,
                    published: Some(true),
                },
            )
            .await
            .map_err(e)?;
            for p in &pages {
                authoring::add_item(
                    app,
                    &teacher,
                    RunId(run.id),
                    ModuleId(m.id),
                    ItemForm {
                        kind: Some(p.kind.as_str().into()),
                        title: Some(p.title.into()),
                        body: Some(p.body.into()),
                        url: p.url.map(Into::into),
                        published: Some(true),
                        available_from: None,
                        requires_item_id: None,
                        ..ItemForm::default()
                    },
                )
                .await
                .map_err(e)?;
            }
        }
        if first_run.is_none() {
            first_run = Some(RunId(run.id));
        }
    }
    let run = first_run.context("no run created")?;
    // Learners with varied progress in the MOOC.
    for i in 1..=24 {
        let u = account(
            app,
            t,
            &format!("learner{i:02}@demo.example"),
            &format!("Learner {i:02}"),
            false,
        )
        .await?;
        enrol::enrol(app, &u, run, None).await.map_err(e)?;
        let home = learn::home(app, &u, run, false).await.map_err(e)?;
        let items: Vec<_> = home
            .modules
            .iter()
            .flat_map(|m| m.items.iter().map(|i| i.id))
            .collect();
        for item in items.iter().take((i * 10 / 24) as usize) {
            learn::complete_item(app, &u, run, ItemId(*item))
                .await
                .map_err(e)?;
        }
    }
    announce::post(app, &teacher, run, "Welcome to the 2027 session!", "The first two weeks are open. Start with the **Welcome** page, and say hello in the forum.").await.map_err(e)?;
    Ok(format!(
        "Demo ready: 3 courses (PM101 open MOOC, DATA-FR SPOC with code DEMO-2027, ACME-SEC for @acme.example), 24 learners.\n\
         Sign in at {}/signin as admin@demo.example (administrator), teacher@demo.example (instructor) or learner01@demo.example, password: {DEMO_PASSWORD}",
        app.config.server.public_url.trim_end_matches('/')
    ))
}
