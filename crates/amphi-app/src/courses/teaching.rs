//! The Teaching page: the runs a person is on the course team of and, for those who may create
//! courses, every course of the site.

use super::catalog;
use super::learn::{self, DashboardEntry};
use super::rights;
use super::Course;
use crate::{App, Caller};
use amphi_core::course::CourseRole;
use amphi_core::{Error, Result};

/// What the Teaching page shows.
#[derive(Debug)]
pub struct Teaching {
    /// The runs the person teaches, assists in or observes.
    pub runs: Vec<DashboardEntry>,
    /// Every course of the site (for those who may create courses; empty for the others).
    pub courses: Vec<Course>,
    /// Whether the person may create courses.
    pub may_create: bool,
}

/// The Teaching page of the caller; refused to someone who neither creates courses nor is on
/// any course team.
pub async fn home(app: &App, caller: &Caller) -> Result<Teaching> {
    let may_create = rights::may_create_courses(caller);
    let runs: Vec<_> = learn::dashboard(app, caller)
        .await?
        .into_iter()
        .filter(|e| e.role != CourseRole::Learner.as_str())
        .collect();
    if !may_create && runs.is_empty() {
        return Err(Error::Forbidden);
    }
    let courses = if may_create {
        catalog::all_courses(app, caller).await?
    } else {
        Vec::new()
    };
    Ok(Teaching {
        runs,
        courses,
        may_create,
    })
}
