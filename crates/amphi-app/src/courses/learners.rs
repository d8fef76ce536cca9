//! The course team's view of the people in a run: search, filters, keyset pagination, and a
//! CSV export streamed page by page.

use super::access;
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::course::EnrolmentStatus;
use amphi_core::course::{percent, CourseRole};
use amphi_core::policy::Action;
use amphi_core::RunId;
use amphi_core::{Error, Result};
use amphi_db::repo::{enrolments as repo_e, Page};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Filters as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct LearnerFilters {
    /// Words in name or email.
    pub q: Option<String>,
    /// Role.
    pub role: Option<String>,
    /// `active` or `waiting`.
    pub status: Option<String>,
    /// `done` or `not_done`.
    pub progress: Option<String>,
    /// Cursor.
    pub after: Option<Uuid>,
}

/// One person of the run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Learner {
    /// Enrolment id.
    pub id: Uuid,
    /// The person.
    pub user_id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Role.
    pub role: String,
    /// `active` or `waiting`.
    #[schema(value_type = String)]
    pub status: EnrolmentStatus,
    /// Items completed.
    pub completed: i64,
    /// Progress, 0–100.
    pub percent: i64,
    /// Enrolled at.
    pub enrolled_at: DateTime<Utc>,
    /// Finished at.
    pub completed_at: Option<DateTime<Utc>>,
}

fn query(f: &LearnerFilters) -> Result<repo_e::LearnerQuery> {
    let role = match f.role.as_deref().filter(|s| !s.is_empty()) {
        Some(r) => Some(CourseRole::parse("role", r)?.as_str().to_owned()),
        None => None,
    };
    let status = match f.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => match s.parse() {
            Ok(s @ (EnrolmentStatus::Active | EnrolmentStatus::Waiting)) => Some(s),
            _ => return Err(Error::field("status", codes::CHOICE_INVALID)),
        },
        None => None,
    };
    let completed = match f.progress.as_deref().filter(|s| !s.is_empty()) {
        Some("done") => Some(true),
        Some("not_done") => Some(false),
        Some(_) => return Err(Error::field("progress", codes::CHOICE_INVALID)),
        None => None,
    };
    Ok(repo_e::LearnerQuery {
        search: f.q.clone(),
        role,
        status,
        completed,
        graded: None,
        changed_since: None,
    })
}

/// A page of the run's people with progress (one indexed query).
pub async fn list(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    f: &LearnerFilters,
    limit: u64,
) -> Result<Page<Learner>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::List).await?;
    let q = query(f)?;
    let page = repo_e::learners(
        app.db.reader(),
        tenant,
        run_id,
        &q,
        f.after,
        limit.clamp(1, 1000),
    )
    .await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|r| {
                Ok(Learner {
                    status: r.status()?,
                    percent: percent(r.completed_count, a.run.item_count),
                    id: r.id,
                    user_id: r.user_id,
                    name: r.name,
                    email: r.email,
                    role: r.role,
                    completed: r.completed_count,
                    enrolled_at: r.created_at,
                    completed_at: r.completed_at,
                })
            })
            .collect::<Result<_>>()?,
        next: page.next,
    })
}

/// The CSV header of the export.
pub const CSV_HEADER: &str =
    "name,email,role,status,completed_items,percent,enrolled_at,completed_at\n";

/// One page of the export as CSV lines, and the cursor of the next page.
pub async fn export_page(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    f: &LearnerFilters,
) -> Result<(String, Option<Uuid>)> {
    let page = list(app, caller, run_id, f, 1000).await?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for l in &page.items {
        w.write_record([
            csv_safe(&l.name),
            csv_safe(&l.email),
            l.role.clone(),
            l.status.to_string(),
            l.completed.to_string(),
            l.percent.to_string(),
            l.enrolled_at.to_rfc3339(),
            l.completed_at.map(|d| d.to_rfc3339()).unwrap_or_default(),
        ])
        .map_err(Error::internal)?;
    }
    let bytes = w.into_inner().map_err(Error::internal)?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), page.next))
}

/// Neutralises spreadsheet formulas in exported cells (CSV injection).
pub fn csv_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}
