//! The tenant's catalog and each course's public "about" page.

use super::{Course, Run};
use crate::tenants::Tenant;
use crate::users::User;
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::course::EnrolmentStatus;
use amphi_core::course::{CourseFormat, EnrolmentPolicy, Visibility};
use amphi_core::policy::{can, Action, Resource};
use amphi_core::validate::Locale;
use amphi_core::{CourseId, RunId};
use amphi_core::{Error, Result};
use amphi_db::repo::{courses as repo_c, enrolments as repo_e, Page};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Catalog filters as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct CatalogFilters {
    /// Words to find in titles and summaries.
    pub q: Option<String>,
    /// `mooc`, `spoc` or `cooc`.
    pub format: Option<String>,
    /// `en` or `fr`.
    pub language: Option<String>,
    /// `open`: enrolment open now; `soon`: starting within 30 days.
    pub when: Option<String>,
    /// Cursor from the previous page.
    pub after: Option<Uuid>,
}

/// A course card: the course and its published runs that have not ended.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CatalogCard {
    /// The course.
    pub course: Course,
    /// Its current runs.
    pub runs: Vec<Run>,
}

/// Listed courses of the tenant (read from a replica when there is one).
pub async fn catalog(app: &App, tenant: &Tenant, f: &CatalogFilters) -> Result<Page<CatalogCard>> {
    let format = match f.format.as_deref().filter(|s| !s.is_empty()) {
        Some(v) => Some(CourseFormat::parse("format", v)?.as_str().to_owned()),
        None => None,
    };
    let language = match f.language.as_deref().filter(|s| !s.is_empty()) {
        Some(v) => Some(Locale::parse("language", v)?.tag().to_owned()),
        None => None,
    };
    let now = app.now();
    let (open_now, starting_before) = match f.when.as_deref().filter(|s| !s.is_empty()) {
        None => (false, None),
        Some("open") => (true, None),
        Some("soon") => (false, Some(now + Duration::days(30))),
        Some(_) => return Err(Error::field("when", codes::CHOICE_INVALID)),
    };
    let q = repo_c::CatalogQuery {
        words: f.q.clone(),
        format,
        language,
        open_now,
        starting_before,
    };
    let page = repo_c::catalog(app.db.replica(), tenant.id, &q, now, f.after, 24).await?;
    let ids: Vec<Uuid> = page.items.iter().map(|c| c.id).collect();
    let runs = repo_c::published_runs_of(app.db.replica(), tenant.id, &ids).await?;
    let mut cards = Vec::new();
    for c in page.items {
        let rs = runs
            .iter()
            .filter(|r| r.course_id == c.id)
            .map(|r| Run::from_model(r, now))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|r| !r.archived)
            .collect();
        cards.push(CatalogCard {
            course: c.try_into()?,
            runs: rs,
        });
    }
    Ok(Page {
        items: cards,
        next: page.next,
    })
}

/// What the viewer can do about one run on the about page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunAction {
    /// Enrolled already: go to the course.
    Enter,
    /// On the waiting list.
    Waiting,
    /// An enrol button.
    Enrol,
    /// An enrol button that takes the run's code.
    EnrolWithCode,
    /// An enrol button that takes a voucher code (paid runs), or buy in the shop.
    EnrolWithVoucher,
    /// Full; the waiting list takes names.
    JoinWaitingList,
    /// Sign in first.
    SignIn,
    /// Not possible now, with the reason code.
    Unavailable(String),
}

/// A run on the about page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AboutRun {
    /// The run.
    pub run: Run,
    /// What the viewer can do.
    pub action: RunAction,
}

/// The about page of a course.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct About {
    /// The course.
    pub course: Course,
    /// Published runs, current first.
    pub runs: Vec<AboutRun>,
    /// Whether the viewer may edit the course.
    pub can_edit: bool,
}

/// The about page. Private courses exist only for their members and administrators.
pub async fn about(app: &App, tenant: &Tenant, code: &str, viewer: Option<&User>) -> Result<About> {
    let c = repo_c::by_code(app.db.reader(), tenant.id, &code.trim().to_uppercase())
        .await?
        .ok_or(Error::NotFound)?;
    let now = app.now();
    let is_admin =
        viewer.is_some_and(|u| can(&u.actor(), Action::Create, Resource::Courses(tenant.id)));
    let mut runs = Vec::new();
    let mut member = false;
    for r in repo_c::runs_of(app.db.reader(), tenant.id, c.id).await? {
        let e = match viewer {
            Some(u) => repo_e::of(app.db.reader(), tenant.id, r.id, u.id.0).await?,
            None => None,
        };
        if e.as_ref()
            .is_some_and(|e| !matches!(e.status(), Ok(EnrolmentStatus::Removed)))
        {
            member = true;
        }
        if !r.published
            && !is_admin
            && !e.as_ref().is_some_and(|e| {
                matches!(e.status(), Ok(EnrolmentStatus::Active)) && e.role != "learner"
            })
        {
            continue;
        }
        let view = Run::from_model(&r, now)?;
        let action = match (&e, viewer) {
            (Some(e), _) if e.status()? == EnrolmentStatus::Active => RunAction::Enter,
            (Some(e), _) if e.status()? == EnrolmentStatus::Waiting => RunAction::Waiting,
            (_, None) => {
                if view.archived {
                    RunAction::Unavailable(codes::RUN_ARCHIVED.into())
                } else {
                    RunAction::SignIn
                }
            }
            (_, Some(_)) => {
                if view.archived {
                    RunAction::Unavailable(codes::RUN_ARCHIVED.into())
                } else if !view.enrolment_open {
                    RunAction::Unavailable(codes::ENROLMENT_CLOSED.into())
                } else {
                    let full = view.capacity.is_some_and(|cap| view.enrolled_count >= cap);
                    match view.policy {
                        _ if full && view.waiting_list => RunAction::JoinWaitingList,
                        _ if full => RunAction::Unavailable(codes::RUN_FULL.into()),
                        EnrolmentPolicy::Code => RunAction::EnrolWithCode,
                        EnrolmentPolicy::Paid => RunAction::EnrolWithVoucher,
                        _ => RunAction::Enrol,
                    }
                }
            }
        };
        runs.push(AboutRun { run: view, action });
    }
    let visibility = Visibility::parse("visibility", &c.visibility).unwrap_or(Visibility::Private);
    if visibility == Visibility::Private && !member && !is_admin {
        return Err(Error::NotFound);
    }
    let can_edit = is_admin;
    Ok(About {
        course: c.try_into()?,
        runs,
        can_edit,
    })
}

/// Every course of the tenant, newest first (tenant administrators' list).
pub async fn all_courses(app: &App, caller: &Caller) -> Result<Vec<Course>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    amphi_core::policy::require(&user.actor(), Action::List, Resource::Courses(tenant))?;
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = repo_c::all(app.db.reader(), tenant, after, 200).await?;
        for c in page.items {
            out.push(c.try_into()?);
        }
        match page.next {
            Some(n) if out.len() < 2000 => after = Some(n),
            _ => break,
        }
    }
    Ok(out)
}

/// A course with all its runs, for its team (tenant administrators and the instructors of one
/// of its runs).
pub async fn course_for_team(
    app: &App,
    caller: &Caller,
    course_id: CourseId,
) -> Result<(Course, Vec<Run>)> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let course_id = course_id.0;
    let c = repo_c::by_id(app.db.reader(), tenant, course_id)
        .await?
        .ok_or(Error::NotFound)?;
    let runs = repo_c::runs_of(app.db.reader(), tenant, c.id).await?;
    let mut allowed = can(&user.actor(), Action::Create, Resource::Courses(tenant));
    if !allowed {
        for r in &runs {
            if let Some(e) = repo_e::of(app.db.reader(), tenant, r.id, user.id.0).await? {
                if e.status()? == EnrolmentStatus::Active && e.role == "instructor" {
                    allowed = true;
                }
            }
        }
    }
    if !allowed {
        return Err(Error::NotFound);
    }
    let now = app.now();
    let runs = runs
        .iter()
        .map(|r| Run::from_model(r, now))
        .collect::<Result<Vec<_>>>()?;
    Ok((c.try_into()?, runs))
}

/// A run, its course and the viewer's role, for pages of the course team.
pub async fn run_summary(
    app: &App,
    caller: &Caller,
    run_id: RunId,
) -> Result<(Run, Course, Option<amphi_core::course::CourseRole>)> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
    let a = super::access(app, Some(&user.actor()), tenant, run_id, Action::List).await?;
    let c = super::course_of(app, tenant, &a.run).await?;
    Ok((Run::from_model(&a.run, app.now())?, c.try_into()?, a.role()))
}
