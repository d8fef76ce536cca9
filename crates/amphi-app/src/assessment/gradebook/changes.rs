//! Changes by the course team: a learner's points on a column or course total overridden
//! (with a reason, audited), and the scheme (categories, weights, pass mark) changed.

use super::scheme::{scheme, CategorySetting, Scheme};
use super::updates::{after_course_change, queue_recompute, recompute_learner, CourseOutcome};
use crate::courses::{access, access_for};
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::course::EnrolmentStatus;
use amphi_core::error::Fields;
use amphi_core::grades::GradeEventKind;
use amphi_core::policy::Action;
use amphi_core::{Error, Result};
use amphi_core::{RunId, UserId};
use amphi_db::repo::{enrolments as repo_e, grades as repo};
use amphi_db::{rows, Tx};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

/// A staff override as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OverrideForm {
    /// Points (empty: remove the override).
    pub points: Option<String>,
    /// Excused: the item does not count for this learner.
    #[serde(default)]
    pub excused: Option<String>,
    /// Why (required; kept in the audit trail).
    pub reason: Option<String>,
}

fn parse_points(field: &str, raw: Option<&str>, max: f64) -> Result<Option<f64>> {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Ok(None);
    }
    let v: f64 = raw
        .replace(',', ".")
        .parse()
        .map_err(|_| Error::field(field, codes::NUMBER_INVALID))?;
    if !v.is_finite() || v < 0.0 || v > max {
        return Err(Error::field(field, codes::OUT_OF_RANGE));
    }
    Ok(Some(v))
}

fn checked(raw: Option<&str>) -> bool {
    matches!(raw, Some("on" | "true" | "1" | "yes"))
}

/// The reason an override is given for (required; kept in the audit trail).
fn reason_of(raw: Option<&str>) -> Result<String> {
    amphi_core::validate::short_text("reason", raw.unwrap_or(""), 500)
}

/// The active enrolment of `learner` in a run the caller grades and that has not ended.
async fn learner_to_grade(
    app: &App,
    caller: &Caller,
    run_id: Uuid,
    learner: Uuid,
) -> Result<rows::Enrolment> {
    let a = access_for(app, caller, run_id, Action::Grade).await?;
    crate::courses::writable(&a.run, app.now())?;
    repo_e::of(app.db.reader(), caller.tenant, run_id, learner)
        .await?
        .filter(|e| matches!(e.status(), Ok(EnrolmentStatus::Active)))
        .ok_or(Error::NotFound)
}

/// Sets or removes a staff override of one learner's points on one column (or excuses it),
/// with a reason, audited.
pub async fn set_override(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    grade_item_id: Uuid,
    learner: UserId,
    f: &OverrideForm,
) -> Result<Option<CourseOutcome>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, learner) = (run_id.0, learner.0);
    learner_to_grade(app, caller, run_id, learner).await?;
    let gi = repo::item(app.db.reader(), tenant, run_id, grade_item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut fields = Fields::new();
    let points = fields
        .check(parse_points("points", f.points.as_deref(), gi.max_points))
        .flatten();
    let excused = checked(f.excused.as_deref());
    let reason = fields.check(reason_of(f.reason.as_deref()));
    fields.finish()?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let before = repo::one(&txn, tenant, gi.id, learner).await?;
    repo::upsert_override(
        &txn,
        tenant,
        rows::Grade {
            grade_item_id: gi.id,
            user_id: learner,
            tenant_id: tenant.0,
            run_id,
            points: before.as_ref().and_then(|g| g.points),
            excused,
            override_points: points,
            updated_at: now,
        },
    )
    .await?;
    let event = repo::NewEvent {
        tenant,
        run: run_id,
        user: learner,
        grade_item: Some(gi.id),
        kind: GradeEventKind::Override,
        before: before.as_ref().and_then(|g| g.override_points.or(g.points)),
        after: points.or(before.as_ref().and_then(|g| g.points)),
        passed: None,
        actor: Some(user.id.0),
    };
    let detail = serde_json::json!({
        "run": run_id,
        "grade_item": gi.id,
        "title": gi.title,
        "points": points,
        "excused": excused,
        "reason": reason,
    });
    commit_override(app, caller, txn, event, "grade.override", detail, now).await
}

/// The end of an override, of a column or of the course total: the learner's course result
/// recomputed with the override's grade event, the audit event (`action` by the caller on the
/// learner), the commit, then what a changed result sets off (a certificate).
async fn commit_override(
    app: &App,
    caller: &Caller,
    txn: Tx,
    event: repo::NewEvent,
    action: &str,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Option<CourseOutcome>> {
    let (tenant, run_id, learner) = (event.tenant, event.run, event.user);
    let s = scheme(&txn, tenant, run_id).await?;
    let o = recompute_learner(&txn, &s, event, now).await?;
    amphi_db::repo::audit::Event::new(action, tenant)
        .actor(caller.user.id)
        .target(learner.to_string())
        .ip(caller.meta.ip.clone())
        .detail(detail)
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    if let Some(o) = o.filter(|o| o.changed) {
        after_course_change(app, tenant, run_id, learner, o).await?;
    }
    Ok(o)
}

/// A course-total override as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TotalOverrideForm {
    /// Course percent (empty: remove the override).
    pub percent: Option<String>,
    /// Why (required; kept in the audit trail).
    pub reason: Option<String>,
}

/// Sets or removes the course-total override of one learner, audited.
pub async fn set_total_override(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    learner: UserId,
    f: &TotalOverrideForm,
) -> Result<Option<CourseOutcome>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, learner) = (run_id.0, learner.0);
    let e = learner_to_grade(app, caller, run_id, learner).await?;
    let mut fields = Fields::new();
    let percent = fields
        .check(parse_points("percent", f.percent.as_deref(), 100.0))
        .flatten();
    let reason = fields.check(reason_of(f.reason.as_deref()));
    fields.finish()?;
    let now = app.now();
    let txn = app.db.begin().await?;
    repo::set_total_override(&txn, tenant, e.id, percent).await?;
    let event = repo::NewEvent {
        tenant,
        run: run_id,
        user: learner,
        grade_item: None,
        kind: GradeEventKind::Override,
        before: e.grade_override,
        after: percent,
        passed: None,
        actor: Some(user.id.0),
    };
    let detail = serde_json::json!({ "run": run_id, "percent": percent, "reason": reason });
    commit_override(app, caller, txn, event, "grade.override_total", detail, now).await
}

/// A column's place in the scheme, as typed.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ColumnSetting {
    /// Grade item id.
    pub id: Uuid,
    /// Category id.
    pub category: String,
    /// Weight in the category.
    pub weight: f64,
    /// Extra credit.
    #[serde(default)]
    pub extra_credit: bool,
}

/// The scheme as typed (the settings page and the API).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SchemeForm {
    /// Categories, in order (at least one).
    pub categories: Vec<CategorySetting>,
    /// Pass mark in percent.
    pub pass_percent: f64,
    /// Every column of the run with its category and weight.
    #[serde(default)]
    pub columns: Vec<ColumnSetting>,
}

/// Changes the categories, weights and pass mark; every course grade of the run is then
/// recomputed by a job.
pub async fn update_scheme(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    f: &SchemeForm,
) -> Result<()> {
    let (user, tenant, ip) = (&caller.user, caller.tenant, caller.meta.ip.as_deref());
    let run_id = run_id.0;
    let a = access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    crate::courses::writable(&a.run, app.now())?;
    let current = scheme(app.db.reader(), tenant, run_id).await?;
    let mut fields = Fields::new();
    if f.categories.is_empty() || f.categories.len() > 50 {
        fields.push("categories", codes::REQUIRED);
    }
    for (i, c) in f.categories.iter().enumerate() {
        if c.id.is_empty()
            || c.id.len() > 64
            || !c
                .id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            fields.push(&format!("categories[{i}].id"), codes::SLUG_INVALID);
        }
        if c.name.chars().count() > 200 {
            fields.push(&format!("categories[{i}].name"), codes::TOO_LONG);
        }
        if !c.weight.is_finite() || c.weight < 0.0 || c.weight > 1000.0 {
            fields.push(&format!("categories[{i}].weight"), codes::OUT_OF_RANGE);
        }
        if c.drop_lowest > 100 {
            fields.push(&format!("categories[{i}].drop_lowest"), codes::OUT_OF_RANGE);
        }
    }
    let mut columns = Vec::new();
    for (i, c) in f.columns.iter().enumerate() {
        let Some(gi) = current.items.iter().find(|g| g.id == c.id) else {
            fields.push(&format!("columns[{i}].id"), codes::CHOICE_INVALID);
            continue;
        };
        if !f.categories.iter().any(|k| k.id == c.category) {
            fields.push(&format!("columns[{i}].category"), codes::CHOICE_INVALID);
        }
        if !c.weight.is_finite() || c.weight <= 0.0 || c.weight > 1000.0 {
            fields.push(&format!("columns[{i}].weight"), codes::OUT_OF_RANGE);
        }
        columns.push((gi.clone(), c));
    }
    // Columns not named keep their place, but their category must still exist.
    for gi in &current.items {
        if !f.columns.iter().any(|c| c.id == gi.id)
            && !f.categories.iter().any(|k| k.id == gi.category)
        {
            fields.push("columns", codes::CATEGORY_IN_USE);
        }
    }
    if !f.pass_percent.is_finite() || !(0.0..=100.0).contains(&f.pass_percent) {
        fields.push("pass_percent", codes::OUT_OF_RANGE);
    }
    fields.finish()?;
    let book = Scheme {
        categories: f.categories.clone(),
        pass_percent: f.pass_percent,
        items: current
            .items
            .iter()
            .map(|gi| match columns.iter().find(|(g, _)| g.id == gi.id) {
                Some((g, c)) => rows::GradeItem {
                    category: c.category.clone(),
                    weight: c.weight,
                    extra_credit: c.extra_credit,
                    ..g.clone()
                },
                None => gi.clone(),
            })
            .collect(),
    }
    .book();
    book.validate()?;
    let now = app.now();
    let txn = app.db.begin().await?;
    repo::save_settings(
        &txn,
        tenant,
        rows::GradebookSetting {
            run_id,
            tenant_id: tenant.0,
            categories: serde_json::to_string(&f.categories).map_err(Error::internal)?,
            pass_percent: f.pass_percent,
            updated_at: now,
        },
    )
    .await?;
    for (gi, c) in columns {
        let place = (c.category.as_str(), c.weight, c.extra_credit);
        repo::place_item(&txn, tenant, gi, place, now).await?;
    }
    queue_recompute(&txn, tenant, run_id, now).await?;
    amphi_db::repo::audit::Event::new("gradebook.scheme", tenant)
        .actor(user.id)
        .ip(ip.map(str::to_owned))
        .detail(serde_json::json!({
            "run": run_id,
            "pass_percent": f.pass_percent,
            "categories": f.categories,
        }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}
