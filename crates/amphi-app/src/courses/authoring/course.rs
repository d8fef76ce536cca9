//! Courses: creating and editing them, and who may.

use crate::courses::{content, Course};
use crate::users::User;
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::course::EnrolmentStatus;
use amphi_core::course::{CourseFormat, CourseRole, Visibility};
use amphi_core::error::Fields;
use amphi_core::policy::{require, Action, Resource};
use amphi_core::validate::{self, Locale};
use amphi_core::CourseId;
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{audit, courses as repo_c, enrolments as repo_e};
use amphi_db::rows;
use serde::Deserialize;
use uuid::Uuid;

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
        return Err(Error::field("code", codes::REQUIRED));
    }
    if s.len() > 40
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::field("code", codes::COURSE_CODE_INVALID));
    }
    Ok(s)
}

fn parse_summary(raw: &str) -> Result<String> {
    if raw.chars().count() > 20_000 {
        return Err(Error::field("summary", codes::TOO_LONG));
    }
    if content::has_unsafe_html(raw) {
        return Err(Error::field("summary", codes::UNSAFE_HTML));
    }
    Ok(raw.trim().to_owned())
}

/// Creates a course (tenant administrators).
pub async fn create_course(app: &App, caller: &Caller, f: CourseForm) -> Result<Course> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
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
        tenant,
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
        Error::Conflict(_) => Error::field("code", codes::COURSE_CODE_TAKEN),
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
            if e.status()? == EnrolmentStatus::Active && e.role == CourseRole::Instructor.as_str() {
                return Ok(());
            }
        }
    }
    Err(Error::Forbidden)
}

/// Edits a course (tenant administrators and the course's instructors).
pub async fn update_course(
    app: &App,
    caller: &Caller,
    id: CourseId,
    f: CourseForm,
) -> Result<Course> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let id = id.0;
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
            Error::Conflict(_) => Error::field("code", codes::COURSE_CODE_TAKEN),
            e => e,
        })?;
    repo_c::touch_course_runs(&txn, tenant, m.id, app.now()).await?;
    txn.commit().await.map_err(Error::internal)?;
    m.try_into()
}
