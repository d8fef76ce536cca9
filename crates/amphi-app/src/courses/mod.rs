//! Courses: authoring (courses, runs, modules, items), the catalog, enrolment, learning and
//! progress, the learners' view for the course team.

pub mod announce;
pub mod authoring;
pub mod catalog;
pub mod content;
pub mod dashboard;
pub mod enrol;
pub mod import;
pub mod learn;
pub mod learners;
pub mod rights;
pub mod teaching;

use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::course::EnrolmentStatus;
use amphi_core::course::ProgressState;
use amphi_core::course::{
    CourseFormat, CourseRole, EnrolmentPolicy, Restriction, RunDates, Visibility,
};
use amphi_core::policy::{require, Action, Actor, Resource};
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{courses as repo_c, enrolments as repo_e};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// A course as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Course {
    /// Id.
    pub id: Uuid,
    /// Short code, unique in the tenant (`PM101`).
    pub code: String,
    /// Title.
    pub title: String,
    /// Summary (Markdown).
    pub summary: String,
    /// The summary rendered and sanitised.
    pub summary_html: String,
    /// Language of the course (`en`, `fr`).
    pub language: String,
    /// Cover image address.
    pub cover_url: Option<String>,
    /// `mooc`, `spoc` or `cooc`.
    #[schema(value_type = String)]
    pub format: CourseFormat,
    /// `listed`, `unlisted` or `private`.
    #[schema(value_type = String)]
    pub visibility: Visibility,
}

impl TryFrom<rows::Course> for Course {
    type Error = Error;
    fn try_from(m: rows::Course) -> Result<Self> {
        Ok(Course {
            summary_html: content::markdown_to_html(&m.summary),
            format: CourseFormat::parse("format", &m.format)
                .map_err(|_| Error::Internal("bad stored format".into()))?,
            visibility: Visibility::parse("visibility", &m.visibility)
                .map_err(|_| Error::Internal("bad stored visibility".into()))?,
            id: m.id,
            code: m.code,
            title: m.title,
            summary: m.summary,
            language: m.language,
            cover_url: m.cover_url,
        })
    }
}

/// A run (edition) as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Run {
    /// Id.
    pub id: Uuid,
    /// The course.
    pub course_id: Uuid,
    /// Name of the edition ("Spring 2027").
    pub name: String,
    /// Enrolment opens.
    pub enrol_opens_at: Option<DateTime<Utc>>,
    /// Enrolment closes.
    pub enrol_closes_at: Option<DateTime<Utc>>,
    /// Starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// Ends (then archived, read-only).
    pub ends_at: Option<DateTime<Utc>>,
    /// `open`, `invitation`, `code`, `paid` or `restricted`.
    #[schema(value_type = String)]
    pub policy: EnrolmentPolicy,
    /// Seats, if limited.
    pub capacity: Option<i64>,
    /// Whether a full run takes a waiting list.
    pub waiting_list: bool,
    /// Restrictions (COOC).
    #[schema(value_type = Object)]
    pub restriction: Restriction,
    /// Whether the run has an enrolment code (the code itself is shown to staff only).
    pub has_code: bool,
    /// Visible to learners.
    pub published: bool,
    /// Items must be completed in order.
    pub sequential: bool,
    /// Learners enrolled.
    pub enrolled_count: i64,
    /// People waiting for a seat.
    pub waiting_count: i64,
    /// Items that count towards progress.
    pub item_count: i64,
    /// Enrolment is open now.
    pub enrolment_open: bool,
    /// The run has ended and is read-only.
    pub archived: bool,
}

impl Run {
    /// Builds the view of a stored run at `now`.
    pub fn from_model(m: &rows::CourseRun, now: DateTime<Utc>) -> Result<Self> {
        let d = dates_of(m);
        Ok(Run {
            id: m.id,
            course_id: m.course_id,
            name: m.name.clone(),
            enrol_opens_at: m.enrol_opens_at,
            enrol_closes_at: m.enrol_closes_at,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            policy: EnrolmentPolicy::parse("policy", &m.policy)
                .map_err(|_| Error::Internal("bad stored policy".into()))?,
            capacity: m.capacity,
            waiting_list: m.waiting_list,
            restriction: restriction_of(m),
            has_code: m.enrolment_code.is_some(),
            published: m.published,
            sequential: m.sequential,
            enrolled_count: m.enrolled_count,
            waiting_count: m.waiting_count,
            item_count: m.item_count,
            enrolment_open: d.enrolment_open(now),
            archived: d.archived(now),
        })
    }
}

/// The dates of a stored run.
pub fn dates_of(m: &rows::CourseRun) -> RunDates {
    RunDates {
        enrol_opens_at: m.enrol_opens_at,
        enrol_closes_at: m.enrol_closes_at,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
    }
}

/// The COOC restriction of a stored run.
pub fn restriction_of(m: &rows::CourseRun) -> Restriction {
    Restriction {
        email_domains: serde_json::from_str(&m.restrict_domains).unwrap_or_default(),
        identity_provider: m.restrict_provider.clone(),
        group: m.restrict_group.clone(),
    }
}

/// A run loaded for a request, with the actor's enrolment in it (one query).
#[derive(Debug, Clone)]
pub struct RunAccess {
    /// The run.
    pub run: rows::CourseRun,
    /// The actor's enrolment, any status.
    pub enrolment: Option<rows::Enrolment>,
}

impl RunAccess {
    /// The actor's active role.
    pub fn role(&self) -> Option<CourseRole> {
        self.enrolment
            .as_ref()
            .filter(|e| matches!(e.status(), Ok(EnrolmentStatus::Active)))
            .and_then(|e| CourseRole::parse("role", &e.role).ok())
    }

    /// The policy resource for this run.
    pub fn resource(&self, tenant: TenantId) -> Resource {
        Resource::Run {
            tenant_id: tenant,
            role: self.role(),
        }
    }
}

/// The run for the caller, who must be allowed `action` on it.
pub(crate) async fn access_for(
    app: &App,
    caller: &Caller,
    run: Uuid,
    action: Action,
) -> Result<RunAccess> {
    access(app, Some(&caller.user.actor()), caller.tenant, run, action).await
}

/// Loads a run of the tenant with the actor's enrolment and checks `action` on it. A run the
/// actor may not see is reported as not found.
pub async fn access(
    app: &App,
    actor: Option<&Actor>,
    tenant: TenantId,
    run: Uuid,
    action: Action,
) -> Result<RunAccess> {
    let (run, enrolment) =
        repo_e::run_with_enrolment(app.db.reader(), tenant, run, actor.map(|a| a.user_id.0))
            .await?
            .ok_or(Error::NotFound)?;
    allow(actor, tenant, action, RunAccess { run, enrolment })
}

/// [`access`] for viewing, with the viewer's progress in the run (item → state) read by the
/// same query: the course home and the item page.
pub async fn access_with_progress(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    run: Uuid,
) -> Result<(RunAccess, HashMap<Uuid, ProgressState>)> {
    let (run, enrolment, progress) =
        repo_e::run_with_enrolment_and_progress(app.db.reader(), tenant, run, actor.user_id.0)
            .await?
            .ok_or(Error::NotFound)?;
    let a = allow_viewing(actor, tenant, RunAccess { run, enrolment })?;
    Ok((a, progress.into_iter().collect()))
}

/// [`access`] for viewing, with one of the viewer's quiz attempts in the run (by id) read by
/// the same query: every request on an attempt. `None` when the viewer has no such attempt in
/// the run.
pub async fn access_with_attempt(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    run: Uuid,
    attempt: Uuid,
) -> Result<(RunAccess, Option<rows::QuizAttempt>)> {
    let (run, enrolment, at) = repo_e::run_with_enrolment_and_attempt(
        app.db.reader(),
        tenant,
        run,
        actor.user_id.0,
        attempt,
    )
    .await?
    .ok_or(Error::NotFound)?;
    Ok((
        allow_viewing(actor, tenant, RunAccess { run, enrolment })?,
        at,
    ))
}

/// [`allow`] for viewing, by a signed-in actor.
fn allow_viewing(actor: &Actor, tenant: TenantId, a: RunAccess) -> Result<RunAccess> {
    allow(Some(actor), tenant, Action::View, a)
}

/// The policy of [`access`] on a run and enrolment just read.
fn allow(
    actor: Option<&Actor>,
    tenant: TenantId,
    action: Action,
    a: RunAccess,
) -> Result<RunAccess> {
    if let Some(actor) = actor {
        if action == Action::View
            && !a.run.published
            && !amphi_core::policy::can(actor, Action::Update, a.resource(tenant))
            && a.role() != Some(CourseRole::Observer)
            && a.role() != Some(CourseRole::TeachingAssistant)
        {
            return Err(Error::NotFound);
        }
        require(actor, action, a.resource(tenant)).map_err(|_| {
            if amphi_core::policy::can(actor, Action::View, a.resource(tenant)) {
                Error::Forbidden
            } else {
                Error::NotFound
            }
        })?;
        Ok(a)
    } else {
        Err(Error::Unauthenticated)
    }
}

/// The course of a run.
pub async fn course_of(app: &App, tenant: TenantId, run: &rows::CourseRun) -> Result<rows::Course> {
    repo_c::by_id(app.db.reader(), tenant, run.course_id)
        .await?
        .ok_or(Error::NotFound)
}

/// Refuses changes to an archived run.
pub fn writable(run: &rows::CourseRun, now: DateTime<Utc>) -> Result<()> {
    if dates_of(run).archived(now) {
        Err(Error::Conflict(codes::RUN_ARCHIVED))
    } else {
        Ok(())
    }
}
