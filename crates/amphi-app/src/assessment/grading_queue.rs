//! The course team's grading queue of assignments and peer assessments (keyset pages,
//! filters), and one submission opened for grading with the rubric of its kind.

use super::assignments::AssignmentSettings;
use super::peer::settings::PeerSettings;
use super::submission_files::{files_view, SubmissionFile};
use super::submissions::{is_grader, item_of_kinds, SubmissionView, WORK_KINDS};
use crate::{App, Caller};
use amphi_core::course::ItemKind;
use amphi_core::peer::Rubric;
use amphi_core::{codes, Error, ItemId, Result, RunId, SubmissionId};
use amphi_db::repo::{submissions as repo_s, Page};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// A line of the grading queue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueEntry {
    /// The submission.
    pub id: Uuid,
    /// Its author.
    pub user_id: Uuid,
    /// Author's name.
    pub name: String,
    /// Author's email.
    pub email: String,
    /// Last handed in.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Days late.
    pub late_days: i32,
    /// Times handed in.
    pub version: i32,
    /// Grade, if graded.
    pub points: Option<f64>,
    /// The highest grade.
    pub max_points: f64,
    /// Waiting for the course team (peer assessment).
    pub needs_staff: bool,
}

/// Which page of the grading queue.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    /// `ungraded` (default), `graded`, `late`, `staff` or `all`.
    pub filter: Option<String>,
    /// Keyset cursor: the last id of the previous page.
    pub after: Option<Uuid>,
    /// Page size (clamped to 1..=500).
    pub limit: u64,
}

/// Parses the queue filter (`ungraded`, `graded`, `late`, `staff`, `all`).
pub fn parse_filter(raw: Option<&str>) -> Result<repo_s::QueueFilter> {
    use repo_s::QueueFilter as Q;
    Ok(match raw.map(str::trim).unwrap_or("") {
        "" | "ungraded" => Q::Ungraded,
        "graded" => Q::Graded,
        "late" => Q::Late,
        "staff" => Q::Staff,
        "all" => Q::All,
        _ => return Err(Error::field("filter", codes::CHOICE_INVALID)),
    })
}

/// A page of the grading queue of an assignment or peer assessment (graders), in hand-in
/// order, by keyset: one indexed query for the page, one for the authors' names.
pub async fn queue(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    q: &QueueQuery,
) -> Result<Page<QueueEntry>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let (filter, after, limit) = (q.filter.as_deref(), q.after, q.limit);
    let o = item_of_kinds(app, user, tenant, run, item, &WORK_KINDS).await?;
    if !is_grader(user, tenant, &o.access) {
        return Err(Error::Forbidden);
    }
    let f = parse_filter(filter)?;
    let page = repo_s::queue(app.db.reader(), tenant, item, f, after, limit.clamp(1, 500)).await?;
    let ids: Vec<Uuid> = page.items.iter().map(|s| s.user_id).collect();
    let people = repo_s::people(app.db.reader(), tenant, &ids).await?;
    let items = page
        .items
        .iter()
        .map(|s| {
            let u = people.iter().find(|u| u.id == s.user_id);
            QueueEntry {
                id: s.id,
                user_id: s.user_id,
                name: u.map(|u| u.name.clone()).unwrap_or_default(),
                email: u.map(|u| u.email.clone()).unwrap_or_default(),
                submitted_at: s.submitted_at,
                late_days: s.late_days,
                version: s.version,
                points: s.points,
                max_points: s.max_points,
                needs_staff: s.needs_staff,
            }
        })
        .collect();
    Ok(Page {
        items,
        next: page.next,
    })
}

/// One submission for its graders: the work and the author.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GradingView {
    /// The submission (grade included).
    pub submission: SubmissionView,
    /// Author's name.
    pub name: String,
    /// The item's kind.
    #[schema(value_type = String)]
    pub kind: ItemKind,
    /// The rubric to grade with, if any.
    #[schema(value_type = Object)]
    pub rubric: Option<Rubric>,
    /// Files attached.
    pub files: Vec<SubmissionFile>,
}

/// Loads a submission for grading.
pub async fn grading_view(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    sub: SubmissionId,
) -> Result<GradingView> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item, sub) = (run.0, item.0, sub.0);
    let o = item_of_kinds(app, user, tenant, run, item, &WORK_KINDS).await?;
    if !is_grader(user, tenant, &o.access) {
        return Err(Error::Forbidden);
    }
    let it = o.item;
    let s = repo_s::submission(app.db.reader(), tenant, item, sub)
        .await?
        .ok_or(Error::NotFound)?;
    let people = repo_s::people(app.db.reader(), tenant, &[s.user_id]).await?;
    let kind = it.kind()?;
    let rubric = if kind == ItemKind::Assignment {
        AssignmentSettings::of(&it).rubric
    } else {
        Some(PeerSettings::of(&it).rubric)
    };
    Ok(GradingView {
        files: files_view(app, tenant, run, item, s.id).await?,
        submission: SubmissionView::of(&s, true),
        name: people.first().map(|u| u.name.clone()).unwrap_or_default(),
        kind,
        rubric,
    })
}
