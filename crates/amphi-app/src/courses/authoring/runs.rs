//! Runs: creating and editing them, new editions from an earlier run, the course team.

use super::course::require_course_editor;
use super::parse_when;
use crate::courses::{access, dates_of, Run};
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::course::EnrolmentStatus;
use amphi_core::course::{CourseFormat, CourseRole, EnrolmentPolicy, RunDates};
use amphi_core::error::Fields;
use amphi_core::policy::Action;
use amphi_core::validate::{self, Email};
use amphi_core::{CourseId, RunId};
use amphi_core::{Error, Result, TenantId, UserId};
use amphi_db::repo::{audit, courses as repo_c, enrolments as repo_e, structure, users as repo_u};
use amphi_db::{rows, Conn};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

/// A run as typed in the form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunForm {
    /// Name of the edition.
    pub name: Option<String>,
    /// Enrolment opens (RFC 3339, or `YYYY-MM-DDTHH:MM` in your time zone; "" for none).
    pub enrol_opens_at: Option<String>,
    /// Enrolment closes.
    pub enrol_closes_at: Option<String>,
    /// Starts.
    pub starts_at: Option<String>,
    /// Ends.
    pub ends_at: Option<String>,
    /// `open`, `invitation`, `code`, `paid` or `restricted`.
    pub policy: Option<String>,
    /// Enrolment code for the `code` policy ("" removes it).
    pub enrolment_code: Option<String>,
    /// Seats ("" or absent: unlimited).
    pub capacity: Option<String>,
    /// Take a waiting list when full.
    pub waiting_list: Option<bool>,
    /// Allowed email domains for `restricted`, comma-separated.
    pub restrict_domains: Option<String>,
    /// Identity provider for `restricted`.
    pub restrict_provider: Option<String>,
    /// Group for `restricted`.
    pub restrict_group: Option<String>,
    /// Visible to learners.
    pub published: Option<bool>,
    /// Items must be completed in order.
    pub sequential: Option<bool>,
}

struct ParsedRun {
    name: Option<String>,
    dates: RunDates,
    policy: Option<EnrolmentPolicy>,
    code: Option<Option<String>>,
    capacity: Option<Option<i64>>,
    domains: Option<Vec<String>>,
}

fn parse_run(f: &RunForm, base: &RunDates, tz: &str) -> Result<ParsedRun> {
    let mut fields = Fields::new();
    let name = f
        .name
        .as_deref()
        .and_then(|n| fields.check(validate::short_text("name", n, 200)));
    let mut dates = *base;
    if f.enrol_opens_at.is_some() {
        dates.enrol_opens_at = fields
            .check(parse_when(
                "enrol_opens_at",
                f.enrol_opens_at.as_deref(),
                tz,
            ))
            .flatten();
    }
    if f.enrol_closes_at.is_some() {
        dates.enrol_closes_at = fields
            .check(parse_when(
                "enrol_closes_at",
                f.enrol_closes_at.as_deref(),
                tz,
            ))
            .flatten();
    }
    if f.starts_at.is_some() {
        dates.starts_at = fields
            .check(parse_when("starts_at", f.starts_at.as_deref(), tz))
            .flatten();
    }
    if f.ends_at.is_some() {
        dates.ends_at = fields
            .check(parse_when("ends_at", f.ends_at.as_deref(), tz))
            .flatten();
    }
    fields.check(dates.validate());
    let policy = f
        .policy
        .as_deref()
        .and_then(|p| fields.check(EnrolmentPolicy::parse("policy", p)));
    let code = f.enrolment_code.as_deref().map(|c| {
        let c = c.trim();
        if c.is_empty() {
            None
        } else if c.len() < 6
            || c.len() > 64
            || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        {
            fields.push("enrolment_code", codes::ENROLMENT_CODE_INVALID);
            None
        } else {
            Some(c.to_uppercase())
        }
    });
    let capacity = f.capacity.as_deref().map(|c| {
        let c = c.trim();
        if c.is_empty() {
            None
        } else {
            match c.parse::<i64>() {
                Ok(n) if (1..=10_000_000).contains(&n) => Some(n),
                _ => {
                    fields.push("capacity", codes::OUT_OF_RANGE);
                    None
                }
            }
        }
    });
    let domains = f.restrict_domains.as_deref().map(|d| {
        let mut out = Vec::new();
        for part in d
            .split([',', ' ', '\n', ';'])
            .map(|x| x.trim().trim_start_matches('@').to_lowercase())
            .filter(|x| !x.is_empty())
        {
            if fields
                .check(validate::HostName::parse("restrict_domains", &part))
                .is_some()
            {
                out.push(part);
            }
        }
        out
    });
    fields.finish()?;
    Ok(ParsedRun {
        name,
        dates,
        policy,
        code,
        capacity,
        domains,
    })
}

/// Creates a run of a course. The creator joins it as instructor.
pub async fn create_run(
    app: &App,
    caller: &Caller,
    course_id: CourseId,
    f: RunForm,
) -> Result<Run> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let course_id = course_id.0;
    let course = repo_c::by_id(app.db.reader(), tenant, course_id)
        .await?
        .ok_or(Error::NotFound)?;
    require_course_editor(app, user, tenant, &course).await?;
    let p = parse_run(&f, &RunDates::default(), &user.time_zone)?;
    let Some(name) = p.name else {
        return Err(Error::field("name", codes::REQUIRED));
    };
    let format = CourseFormat::parse("format", &course.format).unwrap_or(CourseFormat::Mooc);
    let policy = p.policy.unwrap_or(format.default_policy());
    let code = p.code.flatten();
    if policy == EnrolmentPolicy::Code && code.is_none() {
        return Err(Error::field("enrolment_code", codes::REQUIRED));
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    let run = repo_c::insert_run(
        &txn,
        tenant,
        rows::CourseRun {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            course_id,
            name,
            enrol_opens_at: p.dates.enrol_opens_at,
            enrol_closes_at: p.dates.enrol_closes_at,
            starts_at: p.dates.starts_at,
            ends_at: p.dates.ends_at,
            policy: policy.as_str().into(),
            enrolment_code: code,
            capacity: p.capacity.flatten(),
            waiting_list: f.waiting_list.unwrap_or(false),
            restrict_domains: serde_json::to_string(&p.domains.unwrap_or_default())
                .map_err(Error::internal)?,
            restrict_provider: f.restrict_provider.clone().filter(|s| !s.trim().is_empty()),
            restrict_group: f.restrict_group.clone().filter(|s| !s.trim().is_empty()),
            published: f.published.unwrap_or(false),
            sequential: f.sequential.unwrap_or(false),
            enrolled_count: 0,
            waiting_count: 0,
            item_count: 0,
            version: 0,
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    join_staff(&txn, tenant, run.id, user.id.0, CourseRole::Instructor, now).await?;
    audit::Event::new("course_run.created", tenant)
        .actor(user.id)
        .target(format!("{} / {}", course.code, run.name))
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Run::from_model(&run, now)
}

async fn join_staff(
    c: &impl Conn,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
    role: CourseRole,
    now: DateTime<Utc>,
) -> Result<()> {
    match repo_e::of(c, tenant, run, user).await? {
        Some(e) => {
            let was_learner =
                e.status()? == EnrolmentStatus::Active && e.role == CourseRole::Learner.as_str();
            let was_waiting = e.status()? == EnrolmentStatus::Waiting;
            repo_e::set_status(c, tenant, e.id, EnrolmentStatus::Active, Some(role), now).await?;
            let learner_delta = match (was_learner, role == CourseRole::Learner) {
                (true, false) => -1,
                (false, true) => 1,
                _ => 0,
            };
            repo_c::bump_counts(
                c,
                tenant,
                run,
                learner_delta,
                if was_waiting { -1 } else { 0 },
            )
            .await?;
        }
        None => {
            repo_e::insert(
                c,
                tenant,
                crate::courses::enrol::new_enrolment(
                    tenant,
                    run,
                    user,
                    role,
                    EnrolmentStatus::Active,
                    now,
                ),
            )
            .await?;
            if role == CourseRole::Learner {
                repo_c::bump_counts(c, tenant, run, 1, 0).await?;
            }
        }
    }
    Ok(())
}

/// Edits a run (its instructors and tenant administrators).
pub async fn update_run(app: &App, caller: &Caller, run_id: RunId, f: RunForm) -> Result<Run> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    let p = parse_run(&f, &dates_of(&a.run), &user.time_zone)?;
    let mut new = a.run.clone();
    if let Some(n) = p.name {
        new.name = n;
    }
    new.enrol_opens_at = p.dates.enrol_opens_at;
    new.enrol_closes_at = p.dates.enrol_closes_at;
    new.starts_at = p.dates.starts_at;
    new.ends_at = p.dates.ends_at;
    let policy = p.policy.unwrap_or(
        EnrolmentPolicy::parse("policy", &a.run.policy).unwrap_or(EnrolmentPolicy::Open),
    );
    new.policy = policy.as_str().into();
    let code = match p.code {
        Some(c) => c,
        None => a.run.enrolment_code.clone(),
    };
    if policy == EnrolmentPolicy::Code && code.is_none() {
        return Err(Error::field("enrolment_code", codes::REQUIRED));
    }
    new.enrolment_code = code;
    if let Some(c) = p.capacity {
        new.capacity = c;
    }
    if let Some(w) = f.waiting_list {
        new.waiting_list = w;
    }
    if let Some(d) = p.domains {
        new.restrict_domains = serde_json::to_string(&d).map_err(Error::internal)?;
    }
    if let Some(v) = &f.restrict_provider {
        new.restrict_provider = Some(v.trim().to_owned()).filter(|s| !s.is_empty());
    }
    if let Some(v) = &f.restrict_group {
        new.restrict_group = Some(v.trim().to_owned()).filter(|s| !s.is_empty());
    }
    if let Some(v) = f.published {
        new.published = v;
    }
    if let Some(v) = f.sequential {
        new.sequential = v;
    }
    let now = app.now();
    new.updated_at = now;
    let m = repo_c::update_run(app.db.writer(), tenant, &a.run, &new).await?;
    Run::from_model(&m, now)
}

/// Starts a new edition from an earlier run: same modules and items (unpublished items stay
/// unpublished), dates shifted so the new run starts at `starts_at`; no learners, no work.
pub async fn new_edition(
    app: &App,
    caller: &Caller,
    from_run: RunId,
    name: &str,
    starts_at: Option<&str>,
) -> Result<Run> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let from_run = from_run.0;
    let a = access(app, Some(&user.actor()), tenant, from_run, Action::Update).await?;
    let name = validate::short_text("name", name, 200)?;
    let start = parse_when("starts_at", starts_at, &user.time_zone)?
        .ok_or(Error::field("starts_at", codes::REQUIRED))?;
    let old = dates_of(&a.run);
    let shift = match old.starts_at.or(old.enrol_opens_at) {
        Some(s) => start - s,
        None => chrono::Duration::zero(),
    };
    let mut dates = old.shifted(shift);
    if old.starts_at.is_none() {
        dates.starts_at = Some(start);
    }
    dates.validate()?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let mut new_run = a.run.clone();
    new_run.id = Uuid::now_v7();
    new_run.name = name;
    new_run.enrol_opens_at = dates.enrol_opens_at;
    new_run.enrol_closes_at = dates.enrol_closes_at;
    new_run.starts_at = dates.starts_at;
    new_run.ends_at = dates.ends_at;
    new_run.published = false;
    new_run.enrolled_count = 0;
    new_run.waiting_count = 0;
    new_run.created_at = now;
    new_run.updated_at = now;
    let new_run = repo_c::insert_run(&txn, tenant, new_run).await?;
    let modules = structure::modules(&txn, tenant, a.run.id).await?;
    let items = structure::items(&txn, tenant, a.run.id).await?;
    let mut item_ids = std::collections::HashMap::new();
    for it in &items {
        item_ids.insert(it.id, Uuid::now_v7());
    }
    for m in modules {
        let new_module = Uuid::now_v7();
        structure::insert_module(
            &txn,
            tenant,
            rows::CourseModule {
                id: new_module,
                run_id: new_run.id,
                available_from: m.available_from.map(|d| d + shift),
                created_at: now,
                updated_at: now,
                ..m.clone()
            },
        )
        .await?;
        for it in items.iter().filter(|i| i.module_id == m.id) {
            // Files belong to a run: the new edition gets its own rows for the same stored
            // objects, and the item points at them.
            let settings = crate::files::media::copy_to_run(
                &txn,
                tenant,
                a.run.id,
                new_run.id,
                &it.settings,
                now,
            )
            .await?;
            structure::insert_item(
                &txn,
                tenant,
                rows::CourseItem {
                    id: item_ids.get(&it.id).copied().unwrap_or_else(Uuid::now_v7),
                    run_id: new_run.id,
                    module_id: new_module,
                    available_from: it.available_from.map(|d| d + shift),
                    requires_item_id: it.requires_item_id.and_then(|r| item_ids.get(&r).copied()),
                    settings,
                    created_at: now,
                    updated_at: now,
                    ..it.clone()
                },
            )
            .await?;
        }
    }
    join_staff(
        &txn,
        tenant,
        new_run.id,
        user.id.0,
        CourseRole::Instructor,
        now,
    )
    .await?;
    audit::Event::new("course_run.new_edition", tenant)
        .actor(user.id)
        .target(new_run.name.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "from_run": a.run.id }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Run::from_model(&new_run, now)
}

/// Adds someone who already has an account to the course team (or as learner/observer).
pub async fn add_member(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    email: &str,
    role: &str,
) -> Result<()> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let run_id = run_id.0;
    let a = crate::courses::access_for(app, caller, run_id, Action::ManageRoles).await?;
    let mut fields = Fields::new();
    let email = fields.check(Email::parse("email", email));
    let role = fields.check(CourseRole::parse("role", role));
    fields.finish()?;
    let (Some(email), Some(role)) = (email, role) else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let member = repo_u::by_email(app.db.reader(), tenant, email.as_str())
        .await?
        .ok_or(Error::field("email", codes::NO_SUCH_ACCOUNT))?;
    let now = app.now();
    let txn = app.db.begin().await?;
    join_staff(&txn, tenant, a.run.id, member.id, role, now).await?;
    audit::Event::new("enrolment.role_set", tenant)
        .actor(user.id)
        .target(member.email.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "run": a.run.id, "role": role.as_str() }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    // Their menu changes ("Teaching") on their next page.
    app.team_cache.forget(tenant, UserId(member.id));
    Ok(())
}
