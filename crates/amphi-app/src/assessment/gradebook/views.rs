//! Reading the gradebook: a learner's grades (their own, or one learner's for the course
//! team), the course team's book in keyset pages, and its CSV export.

use super::scheme::{learner_scores, scheme_at, CategorySetting};
use crate::courses::{access, learners, RunAccess};
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::course::CourseRole;
use amphi_core::course::EnrolmentStatus;
use amphi_core::grades as core_grades;
use amphi_core::policy::Action;
use amphi_core::{Error, Result, TenantId};
use amphi_core::{RunId, UserId};
use amphi_db::repo::{enrolments as repo_e, grades as repo};
use amphi_db::rows;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// A gradebook column.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Column {
    /// Grade item id.
    pub id: Uuid,
    /// The course item graded, if any.
    pub item_id: Option<Uuid>,
    /// Title.
    pub title: String,
    /// Category id.
    pub category: String,
    /// Maximum points.
    pub max_points: f64,
    /// Weight in its category.
    pub weight: f64,
    /// Extra credit.
    pub extra_credit: bool,
}

impl From<&rows::GradeItem> for Column {
    fn from(i: &rows::GradeItem) -> Self {
        Column {
            id: i.id,
            item_id: i.item_id,
            title: i.title.clone(),
            category: i.category.clone(),
            max_points: i.max_points,
            weight: i.weight,
            extra_credit: i.extra_credit,
        }
    }
}

/// One learner's grade on one column.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Cell {
    /// Points that count (override if any, else the score).
    pub points: Option<f64>,
    /// Points as scored.
    pub scored: Option<f64>,
    /// Staff override.
    pub overridden: bool,
    /// Excused.
    pub excused: bool,
}

fn cells(columns: &[rows::GradeItem], rows: &[&rows::Grade]) -> Vec<Cell> {
    columns
        .iter()
        .map(|c| {
            let g = rows.iter().find(|g| g.grade_item_id == c.id);
            Cell {
                points: g.and_then(|g| g.override_points.or(g.points)),
                scored: g.and_then(|g| g.points),
                overridden: g.is_some_and(|g| g.override_points.is_some()),
                excused: g.is_some_and(|g| g.excused),
            }
        })
        .collect()
}

/// A category and the learner's percent in it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryResult {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Weight.
    pub weight: f64,
    /// The learner's percent, when something counts.
    pub percent: Option<f64>,
    /// Items dropped as lowest.
    pub dropped: Vec<Uuid>,
}

/// A learner's grades in a run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LearnerGrades {
    /// The learner.
    pub user_id: Uuid,
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// Columns.
    pub columns: Vec<Column>,
    /// Their grade per column, in the same order.
    pub cells: Vec<Cell>,
    /// Per category.
    pub categories: Vec<CategoryResult>,
    /// Course percent.
    pub percent: Option<f64>,
    /// Passed.
    pub passed: bool,
    /// Pass mark.
    pub pass_percent: f64,
    /// Whether the course total was set by staff.
    pub total_overridden: bool,
}

async fn grades_of(
    app: &App,
    tenant: TenantId,
    a: &RunAccess,
    e: &rows::Enrolment,
) -> Result<LearnerGrades> {
    let s = scheme_at(app.db.writer(), app, tenant, a.run.id, a.run.version).await?;
    let rows = repo::of_user(app.db.reader(), tenant, a.run.id, e.user_id).await?;
    let g = core_grades::course_grade(&s.book(), &learner_scores(&rows, e.grade_override));
    let refs: Vec<&rows::Grade> = rows.iter().collect();
    let person =
        amphi_db::repo::users::by_id(app.db.reader(), tenant, amphi_core::UserId(e.user_id))
            .await?
            .ok_or(Error::NotFound)?;
    Ok(LearnerGrades {
        user_id: e.user_id,
        name: person.name,
        email: person.email,
        columns: s.items.iter().map(Column::from).collect(),
        cells: cells(&s.items, &refs),
        categories: s
            .categories
            .iter()
            .map(|c| {
                let r = g.per_category.iter().find(|r| r.category == c.id);
                CategoryResult {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    weight: c.weight,
                    percent: r.and_then(|r| r.percent),
                    dropped: r
                        .map(|r| r.dropped.iter().filter_map(|d| d.parse().ok()).collect())
                        .unwrap_or_default(),
                }
            })
            .collect(),
        percent: g.percent,
        passed: g.passed,
        pass_percent: s.pass_percent,
        total_overridden: g.overridden,
    })
}

/// The signed-in learner's own grades in a run.
pub async fn my_grades(app: &App, caller: &Caller, run_id: RunId) -> Result<LearnerGrades> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::View).await?;
    let e = a
        .enrolment
        .clone()
        .filter(|e| matches!(e.status(), Ok(EnrolmentStatus::Active)))
        .ok_or(Error::Forbidden)?;
    grades_of(app, tenant, &a, &e).await
}

/// One learner's grades, for the course team.
pub async fn learner_grades(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    learner: UserId,
) -> Result<LearnerGrades> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, learner) = (run_id.0, learner.0);
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::List).await?;
    let e = repo_e::of(app.db.reader(), tenant, run_id, learner)
        .await?
        .ok_or(Error::NotFound)?;
    grades_of(app, tenant, &a, &e).await
}

/// Filters of the gradebook view.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct BookFilters {
    /// Words in name or email.
    pub q: Option<String>,
    /// `passed`, `failed` or `ungraded`.
    pub grade: Option<String>,
    /// Cursor.
    pub after: Option<Uuid>,
}

/// One learner's line in the gradebook.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BookRow {
    /// Enrolment id (cursor).
    pub id: Uuid,
    /// The learner.
    pub user_id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Course percent.
    pub percent: Option<f64>,
    /// Passed.
    pub passed: bool,
    /// Their grade per column.
    pub cells: Vec<Cell>,
}

/// A page of the gradebook.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BookPage {
    /// Columns.
    pub columns: Vec<Column>,
    /// Categories.
    pub categories: Vec<CategorySetting>,
    /// Pass mark.
    pub pass_percent: f64,
    /// Learners.
    pub rows: Vec<BookRow>,
    /// Cursor of the next page.
    pub next: Option<Uuid>,
}

fn book_query(f: &BookFilters) -> Result<repo_e::LearnerQuery> {
    let graded = match f.grade.as_deref().filter(|s| !s.is_empty()) {
        Some("passed") => Some(repo_e::GradeFilter::Passed),
        Some("failed") => Some(repo_e::GradeFilter::Failed),
        Some("ungraded") => Some(repo_e::GradeFilter::Ungraded),
        Some(_) => return Err(Error::field("grade", codes::CHOICE_INVALID)),
        None => None,
    };
    Ok(repo_e::LearnerQuery {
        search: f.q.clone(),
        role: Some(CourseRole::Learner.as_str().to_owned()),
        status: Some(EnrolmentStatus::Active),
        completed: None,
        graded,
        changed_since: None,
    })
}

/// A page of the gradebook: learners (keyset by enrolment) with their grades. Two indexed
/// queries whatever the size of the run: the page of enrolments, then their grades.
pub async fn book(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    f: &BookFilters,
    limit: u64,
) -> Result<BookPage> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::List).await?;
    let q = book_query(f)?;
    let s = scheme_at(app.db.writer(), app, tenant, run_id, a.run.version).await?;
    let page = repo_e::learners(
        app.db.reader(),
        tenant,
        run_id,
        &q,
        f.after,
        limit.clamp(1, 1000),
    )
    .await?;
    let users: Vec<Uuid> = page.items.iter().map(|r| r.user_id).collect();
    let rows = repo::of_users(app.db.reader(), tenant, run_id, &users).await?;
    let mut by_user: HashMap<Uuid, Vec<&rows::Grade>> = HashMap::new();
    for g in &rows {
        by_user.entry(g.user_id).or_default().push(g);
    }
    Ok(BookPage {
        rows: page
            .items
            .iter()
            .map(|r| BookRow {
                id: r.id,
                user_id: r.user_id,
                name: r.name.clone(),
                email: r.email.clone(),
                percent: r.grade_percent,
                passed: r.grade_passed,
                cells: cells(
                    &s.items,
                    by_user.get(&r.user_id).map(Vec::as_slice).unwrap_or(&[]),
                ),
            })
            .collect(),
        next: page.next,
        columns: s.items.iter().map(Column::from).collect(),
        categories: s.categories,
        pass_percent: s.pass_percent,
    })
}

/// The CSV header of the gradebook export for these columns.
pub fn csv_header(columns: &[Column]) -> Result<String> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut rec = vec!["name".to_owned(), "email".to_owned()];
    rec.extend(
        columns
            .iter()
            .map(|c| learners::csv_safe(&format!("{} ({})", c.title, c.max_points))),
    );
    rec.push("course_percent".into());
    rec.push("passed".into());
    w.write_record(&rec).map_err(Error::internal)?;
    let bytes = w.into_inner().map_err(Error::internal)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One page (1000 learners) of the gradebook export as CSV lines, with the columns (for the
/// header) and the cursor of the next page.
pub async fn export_page(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    f: &BookFilters,
) -> Result<(Vec<Column>, String, Option<Uuid>)> {
    let page = book(app, caller, run_id, f, 1000).await?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let fmt = |p: Option<f64>| p.map(|p| format!("{p}")).unwrap_or_default();
    for r in &page.rows {
        let mut rec = vec![learners::csv_safe(&r.name), learners::csv_safe(&r.email)];
        rec.extend(r.cells.iter().map(|c| {
            if c.excused {
                "EX".to_owned()
            } else {
                fmt(c.points)
            }
        }));
        rec.push(fmt(r.percent));
        rec.push(if r.passed { "yes" } else { "no" }.into());
        w.write_record(&rec).map_err(Error::internal)?;
    }
    let bytes = w.into_inner().map_err(Error::internal)?;
    Ok((
        page.columns,
        String::from_utf8_lossy(&bytes).into_owned(),
        page.next,
    ))
}
