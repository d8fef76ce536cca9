//! Building courses: courses, runs (editions), new editions, modules and items, the course team.

use super::{access, content, dates_of, writable, Course, Run, RunAccess};
use crate::users::User;
use crate::{App, RequestMeta};
use amphi_core::course::{CourseFormat, CourseRole, EnrolmentPolicy, RunDates, Visibility};
use amphi_core::error::Fields;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::validate::{self, Email, Locale};
use amphi_core::{Error, Result, TenantId};
use amphi_db::jobs::{self, NewJob};
use amphi_db::repo::{audit, courses as repo_c, enrolments as repo_e, structure, users as repo_u};
use amphi_db::{rows, Conn};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

use serde::Deserialize;
use uuid::Uuid;

/// Job that recounts a run's progress after its structure changed.
pub const RECOUNT_JOB: &str = "run.recount";

/// A date typed in a form (`2027-03-01T09:00`, in the person's time zone) or sent by the API
/// (RFC 3339). Empty means none.
pub fn parse_when(field: &str, raw: Option<&str>, tz: &str) -> Result<Option<DateTime<Utc>>> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(Some(d.with_timezone(&Utc)));
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        })
        .map_err(|_| Error::field(field, "date_invalid"))?;
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|d| Some(d.with_timezone(&Utc)))
        .ok_or_else(|| Error::field(field, "date_invalid"))
}

/// A course as typed in the form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseForm {
    /// Short code, unique in the tenant (letters, digits, dashes).
    pub code: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Summary (Markdown).
    pub summary: Option<String>,
    /// `en` or `fr`.
    pub language: Option<String>,
    /// Cover image address ("" removes it).
    pub cover_url: Option<String>,
    /// `mooc`, `spoc` or `cooc`.
    pub format: Option<String>,
    /// `listed`, `unlisted` or `private`.
    pub visibility: Option<String>,
}

fn parse_code(raw: &str) -> Result<String> {
    let s = raw.trim().to_uppercase();
    if s.is_empty() {
        return Err(Error::field("code", "required"));
    }
    if s.len() > 40
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::field("code", "course_code_invalid"));
    }
    Ok(s)
}

fn parse_summary(raw: &str) -> Result<String> {
    if raw.chars().count() > 20_000 {
        return Err(Error::field("summary", "too_long"));
    }
    if content::has_unsafe_html(raw) {
        return Err(Error::field("summary", "unsafe_html"));
    }
    Ok(raw.trim().to_owned())
}

/// Creates a course (tenant administrators).
pub async fn create_course(
    app: &App,
    user: &User,
    tenant: TenantId,
    f: CourseForm,
    meta: &RequestMeta,
) -> Result<Course> {
    require(&user.actor(), Action::Create, Resource::Courses(tenant))?;
    let mut fields = Fields::new();
    let code = fields.check(parse_code(f.code.as_deref().unwrap_or("")));
    let title = fields.check(validate::short_text(
        "title",
        f.title.as_deref().unwrap_or(""),
        200,
    ));
    let summary = fields
        .check(parse_summary(f.summary.as_deref().unwrap_or("")))
        .unwrap_or_default();
    let language = fields.check(Locale::parse(
        "language",
        f.language.as_deref().unwrap_or("en"),
    ));
    let format = fields.check(CourseFormat::parse(
        "format",
        f.format.as_deref().unwrap_or("mooc"),
    ));
    let visibility = fields.check(Visibility::parse(
        "visibility",
        f.visibility.as_deref().unwrap_or("listed"),
    ));
    let cover = match f
        .cover_url
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(u) => fields.check(validate::http_url("cover_url", u)),
        None => None,
    };
    fields.finish()?;
    let (Some(code), Some(title), Some(language), Some(format), Some(visibility)) =
        (code, title, language, format, visibility)
    else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let now = app.now();
    let txn = app.db.begin().await?;
    let m = repo_c::insert(
        &txn,
        rows::Course {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            code,
            title,
            summary,
            language: language.tag().into(),
            cover_url: cover,
            format: format.as_str().into(),
            visibility: visibility.as_str().into(),
            created_at: now,
            updated_at: now,
        },
    )
    .await
    .map_err(|e| match e {
        Error::Conflict(_) => Error::field("code", "course_code_taken"),
        e => e,
    })?;
    audit::Event::new("course.created", tenant)
        .actor(user.id)
        .target(m.code.clone())
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    m.try_into()
}

/// Whether the user may edit this course: a tenant administrator, or an instructor of one of
/// its runs.
pub(crate) async fn require_course_editor(
    app: &App,
    user: &User,
    tenant: TenantId,
    course: &rows::Course,
) -> Result<()> {
    if amphi_core::policy::can(&user.actor(), Action::Create, Resource::Courses(tenant)) {
        return Ok(());
    }
    for r in repo_c::runs_of(app.db.reader(), tenant, course.id).await? {
        if let Some(e) = repo_e::of(app.db.reader(), tenant, r.id, user.id.0).await? {
            if e.status == repo_e::ACTIVE && e.role == CourseRole::Instructor.as_str() {
                return Ok(());
            }
        }
    }
    Err(Error::Forbidden)
}

/// Edits a course (tenant administrators and the course's instructors).
pub async fn update_course(
    app: &App,
    user: &User,
    tenant: TenantId,
    id: Uuid,
    f: CourseForm,
) -> Result<Course> {
    let current = repo_c::by_id(app.db.reader(), tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    require_course_editor(app, user, tenant, &current).await?;
    let mut fields = Fields::new();
    let mut new = current.clone();
    if let Some(c) = &f.code {
        if let Some(c) = fields.check(parse_code(c)) {
            new.code = c;
        }
    }
    if let Some(t) = &f.title {
        if let Some(t) = fields.check(validate::short_text("title", t, 200)) {
            new.title = t;
        }
    }
    if let Some(s) = &f.summary {
        if let Some(s) = fields.check(parse_summary(s)) {
            new.summary = s;
        }
    }
    if let Some(l) = &f.language {
        if let Some(l) = fields.check(Locale::parse("language", l)) {
            new.language = l.tag().into();
        }
    }
    if let Some(v) = &f.format {
        if let Some(v) = fields.check(CourseFormat::parse("format", v)) {
            new.format = v.as_str().into();
        }
    }
    if let Some(v) = &f.visibility {
        if let Some(v) = fields.check(Visibility::parse("visibility", v)) {
            new.visibility = v.as_str().into();
        }
    }
    if let Some(u) = &f.cover_url {
        if u.trim().is_empty() {
            new.cover_url = None;
        } else if let Some(u) = fields.check(validate::http_url("cover_url", u)) {
            new.cover_url = Some(u);
        }
    }
    fields.finish()?;
    new.updated_at = app.now();
    let txn = app.db.begin().await?;
    let m = repo_c::update(&txn, tenant, &current, &new)
        .await
        .map_err(|e| match e {
            Error::Conflict(_) => Error::field("code", "course_code_taken"),
            e => e,
        })?;
    repo_c::touch_course_runs(&txn, m.id, app.now()).await?;
    txn.commit().await.map_err(Error::internal)?;
    m.try_into()
}

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
            fields.push("enrolment_code", "enrolment_code_invalid");
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
                    fields.push("capacity", "out_of_range");
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
    user: &User,
    tenant: TenantId,
    course_id: Uuid,
    f: RunForm,
    meta: &RequestMeta,
) -> Result<Run> {
    let course = repo_c::by_id(app.db.reader(), tenant, course_id)
        .await?
        .ok_or(Error::NotFound)?;
    require_course_editor(app, user, tenant, &course).await?;
    let p = parse_run(&f, &RunDates::default(), &user.time_zone)?;
    let Some(name) = p.name else {
        return Err(Error::field("name", "required"));
    };
    let format = CourseFormat::parse("format", &course.format).unwrap_or(CourseFormat::Mooc);
    let policy = p.policy.unwrap_or(format.default_policy());
    let code = p.code.flatten();
    if policy == EnrolmentPolicy::Code && code.is_none() {
        return Err(Error::field("enrolment_code", "required"));
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    let run = repo_c::insert_run(
        &txn,
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
            let was_learner = e.status == repo_e::ACTIVE && e.role == CourseRole::Learner.as_str();
            let was_waiting = e.status == repo_e::WAITING;
            repo_e::set_status(c, tenant, e.id, repo_e::ACTIVE, Some(role), now).await?;
            let learner_delta = match (was_learner, role == CourseRole::Learner) {
                (true, false) => -1,
                (false, true) => 1,
                _ => 0,
            };
            repo_c::bump_counts(c, run, learner_delta, if was_waiting { -1 } else { 0 }).await?;
        }
        None => {
            repo_e::insert(
                c,
                rows::Enrolment {
                    id: Uuid::now_v7(),
                    tenant_id: tenant.0,
                    run_id: run,
                    user_id: user,
                    role: role.as_str().into(),
                    status: repo_e::ACTIVE.into(),
                    completed_count: 0,
                    last_item_id: None,
                    completed_at: None,
                    grade_percent: None,
                    grade_passed: false,
                    grade_override: None,
                    created_at: now,
                    updated_at: now,
                },
            )
            .await?;
            if role == CourseRole::Learner {
                repo_c::bump_counts(c, run, 1, 0).await?;
            }
        }
    }
    Ok(())
}

/// Edits a run (its instructors and tenant administrators).
pub async fn update_run(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    f: RunForm,
) -> Result<Run> {
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
        return Err(Error::field("enrolment_code", "required"));
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
    user: &User,
    tenant: TenantId,
    from_run: Uuid,
    name: &str,
    starts_at: Option<&str>,
    meta: &RequestMeta,
) -> Result<Run> {
    let a = access(app, Some(&user.actor()), tenant, from_run, Action::Update).await?;
    let name = validate::short_text("name", name, 200)?;
    let start = parse_when("starts_at", starts_at, &user.time_zone)?
        .ok_or(Error::field("starts_at", "required"))?;
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
    let new_run = repo_c::insert_run(&txn, new_run).await?;
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
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    email: &str,
    role: &str,
    meta: &RequestMeta,
) -> Result<()> {
    let a = access(
        app,
        Some(&user.actor()),
        tenant,
        run_id,
        Action::ManageRoles,
    )
    .await?;
    let mut fields = Fields::new();
    let email = fields.check(Email::parse("email", email));
    let role = fields.check(CourseRole::parse("role", role));
    fields.finish()?;
    let (Some(email), Some(role)) = (email, role) else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let member = repo_u::by_email(app.db.reader(), tenant, email.as_str())
        .await?
        .ok_or(Error::field("email", "no_such_account"))?;
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
    Ok(())
}

/// Loads a run the user may edit and that has not ended (archived runs are read-only).
async fn editable(app: &App, user: &User, tenant: TenantId, run_id: Uuid) -> Result<RunAccess> {
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    writable(&a.run, app.now())?;
    Ok(a)
}

/// A module as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleForm {
    /// Title.
    pub title: Option<String>,
    /// Available from (empty: as soon as the run starts).
    pub available_from: Option<String>,
    /// Visible to learners.
    pub published: Option<bool>,
}

/// Adds a module at the end of the run.
pub async fn add_module(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    f: ModuleForm,
) -> Result<rows::CourseModule> {
    editable(app, user, tenant, run_id).await?;
    let mut fields = Fields::new();
    let title = fields.check(validate::short_text(
        "title",
        f.title.as_deref().unwrap_or(""),
        200,
    ));
    let from = fields
        .check(parse_when(
            "available_from",
            f.available_from.as_deref(),
            &user.time_zone,
        ))
        .flatten();
    fields.finish()?;
    let Some(title) = title else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let now = app.now();
    let txn = app.db.begin().await?;
    let position = structure::modules(&txn, tenant, run_id)
        .await?
        .iter()
        .map(|m| m.position)
        .max()
        .unwrap_or(0)
        + 1;
    let m = structure::insert_module(
        &txn,
        rows::CourseModule {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            run_id,
            position,
            title,
            available_from: from,
            published: f.published.unwrap_or(false),
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    structure_changed(&txn, app, tenant, run_id).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(m)
}

/// Edits a module.
pub async fn update_module(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    module_id: Uuid,
    f: ModuleForm,
) -> Result<rows::CourseModule> {
    editable(app, user, tenant, run_id).await?;
    let m = structure::module(app.db.reader(), tenant, run_id, module_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut fields = Fields::new();
    let mut new = m.clone();
    if let Some(t) = &f.title {
        if let Some(t) = fields.check(validate::short_text("title", t, 200)) {
            new.title = t;
        }
    }
    if f.available_from.is_some() {
        if let Some(d) = fields.check(parse_when(
            "available_from",
            f.available_from.as_deref(),
            &user.time_zone,
        )) {
            new.available_from = d;
        }
    }
    if let Some(p) = f.published {
        new.published = p;
    }
    fields.finish()?;
    let now = app.now();
    new.updated_at = now;
    let txn = app.db.begin().await?;
    let m = structure::update_module(&txn, tenant, &m, &new).await?;
    structure_changed(&txn, app, tenant, run_id).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(m)
}

/// An item as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemForm {
    /// `page`, `video`, `file`, `link`, `quiz`, `assignment` or `peer` (creation only).
    pub kind: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Page text (Markdown), or the transcript of a video.
    pub body: Option<String>,
    /// Link address (`link`), or the video page address (`video`, YouTube/Vimeo/PeerTube).
    pub url: Option<String>,
    /// Visible to learners.
    pub published: Option<bool>,
    /// Available from (empty: always).
    pub available_from: Option<String>,
    /// Available after completing this earlier item (id; "" for none).
    pub requires_item_id: Option<String>,
}

/// Item kinds; external tools add more.
pub const ITEM_KINDS: [&str; 7] = [
    "page",
    "video",
    "file",
    "link",
    "quiz",
    "assignment",
    "peer",
];

fn item_settings(
    app: &App,
    kind: &str,
    url: Option<&str>,
    current: &serde_json::Value,
    fields: &mut Fields,
) -> serde_json::Value {
    let mut s = current.clone();
    match kind {
        "link" => {
            if let Some(u) = url {
                if let Some(u) = fields.check(validate::http_url("url", u)) {
                    s["url"] = serde_json::Value::String(u);
                }
            }
            if s.get("url").is_none() {
                fields.push("url", "required");
            }
        }
        "video" => {
            if let Some(u) = url.map(str::trim).filter(|u| !u.is_empty()) {
                match content::video_embed(u, &app.config.content.peertube_hosts) {
                    Some(e) => {
                        s["url"] = serde_json::Value::String(u.to_owned());
                        s["embed_src"] = serde_json::Value::String(e.src);
                        s["embed_origin"] = serde_json::Value::String(e.origin);
                    }
                    None => fields.push("url", "video_host_not_allowed"),
                }
            }
        }
        _ => {}
    }
    s
}

/// Adds an item at the end of a module.
pub async fn add_item(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    module_id: Uuid,
    f: ItemForm,
) -> Result<rows::CourseItem> {
    editable(app, user, tenant, run_id).await?;
    structure::module(app.db.reader(), tenant, run_id, module_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut fields = Fields::new();
    let kind = f.kind.clone().unwrap_or_default();
    if !ITEM_KINDS.contains(&kind.as_str()) {
        fields.push("kind", "choice_invalid");
    }
    let title = fields.check(validate::short_text(
        "title",
        f.title.as_deref().unwrap_or(""),
        200,
    ));
    let body = fields
        .check(parse_body(f.body.as_deref().unwrap_or("")))
        .unwrap_or_default();
    let settings = item_settings(
        app,
        &kind,
        f.url.as_deref(),
        &serde_json::json!({}),
        &mut fields,
    );
    let from = fields
        .check(parse_when(
            "available_from",
            f.available_from.as_deref(),
            &user.time_zone,
        ))
        .flatten();
    let requires = parse_requires(
        app,
        tenant,
        run_id,
        f.requires_item_id.as_deref(),
        None,
        &mut fields,
    )
    .await?;
    fields.finish()?;
    let Some(title) = title else {
        return Err(Error::Internal("validated fields missing".into()));
    };
    let now = app.now();
    let txn = app.db.begin().await?;
    let position = structure::items(&txn, tenant, run_id)
        .await?
        .iter()
        .filter(|i| i.module_id == module_id)
        .map(|i| i.position)
        .max()
        .unwrap_or(0)
        + 1;
    let m = structure::insert_item(
        &txn,
        rows::CourseItem {
            id: Uuid::now_v7(),
            tenant_id: tenant.0,
            run_id,
            module_id,
            position,
            kind,
            title,
            body,
            settings: settings.to_string(),
            published: f.published.unwrap_or(false),
            available_from: from,
            requires_item_id: requires.flatten(),
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    structure_changed(&txn, app, tenant, run_id).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(m)
}

fn parse_body(raw: &str) -> Result<String> {
    if raw.chars().count() > 200_000 {
        return Err(Error::field("body", "too_long"));
    }
    if content::has_unsafe_html(raw) {
        return Err(Error::field("body", "unsafe_html"));
    }
    Ok(raw.to_owned())
}

async fn parse_requires(
    app: &App,
    tenant: TenantId,
    run: Uuid,
    raw: Option<&str>,
    this: Option<Uuid>,
    fields: &mut Fields,
) -> Result<Option<Option<Uuid>>> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Some(None));
    }
    let Ok(id) = raw.parse::<Uuid>() else {
        fields.push("requires_item_id", "choice_invalid");
        return Ok(None);
    };
    if Some(id) == this
        || structure::item(app.db.reader(), tenant, run, id)
            .await?
            .is_none()
    {
        fields.push("requires_item_id", "choice_invalid");
        return Ok(None);
    }
    Ok(Some(Some(id)))
}

/// Edits an item.
pub async fn update_item(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
    f: ItemForm,
) -> Result<rows::CourseItem> {
    editable(app, user, tenant, run_id).await?;
    let it = structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut fields = Fields::new();
    if f.kind.as_deref().is_some_and(|k| k != it.kind) {
        fields.push("kind", "kind_fixed");
    }
    let current: serde_json::Value = serde_json::from_str(&it.settings).unwrap_or_default();
    let settings = item_settings(app, &it.kind, f.url.as_deref(), &current, &mut fields);
    let requires = parse_requires(
        app,
        tenant,
        run_id,
        f.requires_item_id.as_deref(),
        Some(item_id),
        &mut fields,
    )
    .await?;
    let mut new = it.clone();
    if let Some(t) = &f.title {
        if let Some(t) = fields.check(validate::short_text("title", t, 200)) {
            new.title = t;
        }
    }
    if let Some(b) = &f.body {
        if let Some(b) = fields.check(parse_body(b)) {
            new.body = b;
        }
    }
    if f.available_from.is_some() {
        if let Some(d) = fields.check(parse_when(
            "available_from",
            f.available_from.as_deref(),
            &user.time_zone,
        )) {
            new.available_from = d;
        }
    }
    if let Some(r) = requires {
        new.requires_item_id = r;
    }
    if let Some(p) = f.published {
        new.published = p;
    }
    fields.finish()?;
    new.settings = settings.to_string();
    let now = app.now();
    new.updated_at = now;
    let txn = app.db.begin().await?;
    let m = structure::save_item(&txn, tenant, &it, &new).await?;
    structure_changed(&txn, app, tenant, run_id).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(m)
}

/// Which way to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Earlier.
    Up,
    /// Later.
    Down,
}

/// A move in the outline: one or more places up or down (the buttons move by one, a drag by
/// several).
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
pub struct Move {
    /// `up` or `down`.
    pub direction: Direction,
    /// How many places (default 1).
    pub steps: Option<u32>,
}

/// The list with the element matching `is_it` moved `steps` places in `direction` (stopping at
/// either end); None when it cannot move at all.
fn moved<T>(mut list: Vec<T>, is_it: impl Fn(&T) -> bool, mv: Move) -> Result<Option<Vec<T>>> {
    let i = list.iter().position(is_it).ok_or(Error::NotFound)?;
    let steps = mv.steps.unwrap_or(1).clamp(1, 10_000) as usize;
    let j = match mv.direction {
        Direction::Up => i.saturating_sub(steps),
        Direction::Down => (i + steps).min(list.len().saturating_sub(1)),
    };
    if i == j {
        return Ok(None);
    }
    let el = list.remove(i);
    list.insert(j, el);
    Ok(Some(list))
}

/// Moves a module one place up or down.
pub async fn move_module(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    module_id: Uuid,
    mv: Move,
) -> Result<()> {
    editable(app, user, tenant, run_id).await?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let mods = structure::modules(&txn, tenant, run_id).await?;
    let Some(mods) = moved(mods, |m| m.id == module_id, mv)? else {
        return Ok(());
    };
    for (pos, m) in mods.into_iter().enumerate() {
        if m.position != pos as i32 + 1 {
            let mut new = m.clone();
            new.position = pos as i32 + 1;
            new.updated_at = now;
            structure::update_module(&txn, tenant, &m, &new).await?;
        }
    }
    structure_changed(&txn, app, tenant, run_id).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// Moves an item one place up or down within its module.
pub async fn move_item(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
    mv: Move,
) -> Result<()> {
    editable(app, user, tenant, run_id).await?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let all = structure::items(&txn, tenant, run_id).await?;
    let module = all
        .iter()
        .find(|i| i.id == item_id)
        .ok_or(Error::NotFound)?
        .module_id;
    let items: Vec<rows::CourseItem> = all.into_iter().filter(|i| i.module_id == module).collect();
    let Some(items) = moved(items, |i| i.id == item_id, mv)? else {
        return Ok(());
    };
    for (pos, it) in items.into_iter().enumerate() {
        if it.position != pos as i32 + 1 {
            let mut new = it.clone();
            new.position = pos as i32 + 1;
            new.updated_at = now;
            structure::save_item(&txn, tenant, &it, &new).await?;
        }
    }
    structure_changed(&txn, app, tenant, run_id).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// Deletes an item and the learners' progress on it.
pub async fn delete_item(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
) -> Result<()> {
    editable(app, user, tenant, run_id).await?;
    structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let txn = app.db.begin().await?;
    structure::delete_item(&txn, tenant, item_id).await?;
    structure_changed(&txn, app, tenant, run_id).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// Deletes a module with its items.
pub async fn delete_module(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    module_id: Uuid,
) -> Result<()> {
    editable(app, user, tenant, run_id).await?;
    structure::module(app.db.reader(), tenant, run_id, module_id)
        .await?
        .ok_or(Error::NotFound)?;
    let txn = app.db.begin().await?;
    structure::delete_module(&txn, tenant, module_id).await?;
    structure_changed(&txn, app, tenant, run_id).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// After any structure change: the run's published item count is updated and its
/// `updated_at` bumped (structure caches key on it), and a job recounts learners' progress
/// (one statement per run, off the request path).
pub(crate) async fn structure_changed(
    c: &impl Conn,
    app: &App,
    tenant: TenantId,
    run: Uuid,
) -> Result<()> {
    let now = app.now();
    let n = structure::countable_items(c, run).await?;
    repo_c::touch_run(c, run, Some(n), now).await?;
    jobs::enqueue_unique(
        c,
        NewJob {
            tenant: Some(tenant),
            kind: RECOUNT_JOB.into(),
            payload: serde_json::json!({ "run": run }),
            max_attempts: 5,
            run_at: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// The recount job: completed counts from progress rows, then completion dates.
pub async fn recount(app: &App, run: Uuid) -> Result<()> {
    let txn = app.db.begin().await?;
    let n = structure::countable_items(&txn, run).await?;
    repo_e::recount(&txn, run).await?;
    repo_e::settle_completion(&txn, run, n, app.now()).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// The run as its course team sees it: the run, its course, all modules and items.
pub struct Outline {
    /// The run.
    pub run: Run,
    /// Its course.
    pub course: Course,
    /// The enrolment code (staff see it).
    pub enrolment_code: Option<String>,
    /// Modules in order.
    pub modules: Vec<rows::CourseModule>,
    /// Items in order.
    pub items: Vec<rows::CourseItem>,
}

/// Loads the outline for editing.
pub async fn outline(app: &App, user: &User, tenant: TenantId, run_id: Uuid) -> Result<Outline> {
    let a: RunAccess = access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    let course = super::course_of(app, tenant, &a.run).await?;
    Ok(Outline {
        run: Run::from_model(&a.run, app.now())?,
        course: course.try_into()?,
        enrolment_code: a.run.enrolment_code.clone(),
        modules: structure::modules(app.db.reader(), tenant, run_id).await?,
        items: structure::items(app.db.reader(), tenant, run_id).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stop_at_the_ends() {
        let m = |d, s| Move {
            direction: d,
            steps: Some(s),
        };
        assert_eq!(
            moved(vec![1, 2, 3, 4], |x| *x == 3, m(Direction::Up, 1)).unwrap(),
            Some(vec![1, 3, 2, 4])
        );
        assert_eq!(
            moved(vec![1, 2, 3, 4], |x| *x == 1, m(Direction::Down, 2)).unwrap(),
            Some(vec![2, 3, 1, 4])
        );
        assert_eq!(
            moved(vec![1, 2, 3, 4], |x| *x == 2, m(Direction::Down, 99)).unwrap(),
            Some(vec![1, 3, 4, 2])
        );
        assert_eq!(
            moved(vec![1, 2], |x| *x == 1, m(Direction::Up, 1)).unwrap(),
            None
        );
        assert!(moved(vec![1, 2], |x| *x == 5, m(Direction::Up, 1)).is_err());
    }
}
