//! Work handed in, shared by assignments and peer assessment (which differ in their windows
//! and their grading): the two item kinds opened for a request (as a learner, a grader or an
//! editor), their settings stored, the learner's submission (a draft kept as they write,
//! handed in and handed in again; one row per learner and item) and its grade sent to the
//! gradebook.

use super::gradebook;
use crate::courses::{self, access, authoring, content, learn, RunAccess};
use crate::users::User;
use crate::{App, Caller};
use amphi_core::assessment::SubmissionStatus;
use amphi_core::course::{CourseRole, ItemKind};
use amphi_core::policy::{can, Action};
use amphi_core::{codes, Error, ItemId, Result, RunId, TenantId};
use amphi_db::repo::{structure, submissions as repo_s};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The kinds of item learners hand work in to.
pub(crate) const WORK_KINDS: [ItemKind; 2] = [ItemKind::Assignment, ItemKind::Peer];
/// Longest text a learner may hand in (characters).
pub const MAX_TEXT: usize = 100_000;

/// A number typed in a form.
pub(crate) fn parse_number(field: &str, raw: &str, lo: f64, hi: f64) -> Result<f64> {
    let x: f64 = raw
        .trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| Error::field(field, codes::NUMBER_INVALID))?;
    if !x.is_finite() || x < lo || x > hi {
        return Err(Error::field(field, codes::OUT_OF_RANGE));
    }
    Ok(x)
}

/// An assessment item opened by someone, with the run access.
pub(crate) struct Opened {
    pub(crate) access: RunAccess,
    pub(crate) item: rows::CourseItem,
}

/// The item of a run, of the given kind, for someone who may see the run.
pub(crate) async fn item_of_kind(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kind: ItemKind,
) -> Result<Opened> {
    item_of_kinds(app, user, tenant, run, item, &[kind]).await
}

/// The item of a run, of one of the given kinds, for someone who may see the run.
pub(crate) async fn item_of_kinds(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kinds: &[ItemKind],
) -> Result<Opened> {
    let a = access(app, Some(&user.actor()), tenant, run, Action::View).await?;
    let it = structure::item(app.db.reader(), tenant, run, item)
        .await?
        .filter(|i| i.kind().is_ok_and(|k| kinds.contains(&k)))
        .ok_or(Error::NotFound)?;
    Ok(Opened {
        access: a,
        item: it,
    })
}

/// An assessment item in short, for pages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemSummary {
    /// Id.
    pub id: Uuid,
    /// `assignment` or `peer`.
    #[schema(value_type = String)]
    pub kind: ItemKind,
    /// Title.
    pub title: String,
}

/// The kind of an assessment item of a run the person may see (`assignment` or `peer`).
pub async fn kind_of(app: &App, caller: &Caller, run: RunId, item: ItemId) -> Result<ItemKind> {
    Ok(item_summary(app, caller, run, item).await?.kind)
}

/// An assessment item of a run the person may see.
pub async fn item_summary(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
) -> Result<ItemSummary> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let o = item_of_kinds(app, user, tenant, run, item, &WORK_KINDS).await?;
    Ok(ItemSummary {
        id: o.item.id,
        kind: o.item.kind()?,
        title: o.item.title,
    })
}

/// Whether the person grades in this run: its editors and teaching assistants.
pub(crate) fn is_grader(user: &User, tenant: TenantId, a: &RunAccess) -> bool {
    can(&user.actor(), Action::Update, a.resource(tenant))
        || a.role() == Some(CourseRole::TeachingAssistant)
}

/// The item for a grader, or 403.
pub(crate) async fn for_grader(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kind: ItemKind,
) -> Result<Opened> {
    let o = item_of_kind(app, user, tenant, run, item, kind).await?;
    if !is_grader(user, tenant, &o.access) {
        return Err(Error::Forbidden);
    }
    Ok(o)
}

/// The item for an enrolled learner who may open it now (release rules), or 403.
pub(crate) async fn for_learner(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kind: ItemKind,
) -> Result<Opened> {
    let o = item_of_kind(app, user, tenant, run, item, kind).await?;
    let page = learn::open_item_as(app, user, tenant, run, item).await?;
    if !page.can_complete {
        return Err(Error::Forbidden);
    }
    Ok(o)
}

/// The settings of an item learners hand work in to, as both kinds read them.
pub(crate) trait WorkSettings: serde::de::DeserializeOwned + Default {
    /// The kind of item they belong to.
    const KIND: ItemKind;
    /// Reads an item's settings (defaults for what is missing).
    fn of_item(item: &rows::CourseItem) -> Self {
        serde_json::from_str(&item.settings).unwrap_or_default()
    }
    /// Why work cannot be handed in at `now`, if so.
    fn closed_to_work(&self, now: DateTime<Utc>) -> Option<&'static str>;
}

/// The item of the learner's page (for anyone who may see the run): opened, its settings, the
/// time now, and the learner's own submission if any.
pub(crate) async fn work_page<S: WorkSettings>(
    app: &App,
    user: &User,
    tenant: TenantId,
    (run, item): (Uuid, Uuid),
) -> Result<(Opened, S, DateTime<Utc>, Option<rows::Submission>)> {
    let o = item_of_kind(app, user, tenant, run, item, S::KIND).await?;
    let s = S::of_item(&o.item);
    let mine = repo_s::submission_of(app.db.reader(), tenant, item, user.id.0).await?;
    Ok((o, s, app.now(), mine))
}

/// The item for an enrolled learner handing work in now (403 before it is released, 409 with
/// the reason once it is closed): opened, its settings and the time now.
pub(crate) async fn work_to_hand_in<S: WorkSettings>(
    app: &App,
    user: &User,
    tenant: TenantId,
    (run, item): (Uuid, Uuid),
) -> Result<(Opened, S, DateTime<Utc>)> {
    let o = for_learner(app, user, tenant, run, item, S::KIND).await?;
    let s = S::of_item(&o.item);
    let now = app.now();
    if let Some(why) = s.closed_to_work(now) {
        return Err(Error::Conflict(why));
    }
    Ok((o, s, now))
}

/// The item for one of the run's editors, run not archived.
pub(crate) async fn editable_item(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    kind: ItemKind,
) -> Result<Opened> {
    let o = item_of_kind(app, user, tenant, run, item, kind).await?;
    if !can(&user.actor(), Action::Update, o.access.resource(tenant)) {
        return Err(Error::Forbidden);
    }
    courses::writable(&o.access.run, app.now())?;
    Ok(o)
}

/// Stores an item's settings (merged over what it has) and bumps the run's structure stamp.
pub(crate) async fn save_settings<T: Serialize>(
    app: &App,
    tenant: TenantId,
    run: Uuid,
    item: rows::CourseItem,
    s: &T,
) -> Result<()> {
    let mut current: serde_json::Value =
        serde_json::from_str(&item.settings).unwrap_or_else(|_| serde_json::json!({}));
    if !current.is_object() {
        current = serde_json::json!({});
    }
    if let (Some(cur), serde_json::Value::Object(new)) = (
        current.as_object_mut(),
        serde_json::to_value(s).map_err(Error::internal)?,
    ) {
        for (k, v) in new {
            cur.insert(k, v);
        }
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    structure::replace_item_settings(&txn, tenant, item, current.to_string(), now).await?;
    authoring::commit_structure(txn, app, tenant, run).await?;
    Ok(())
}

/// A submission as its author (and the course team) sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubmissionView {
    /// Id.
    pub id: Uuid,
    /// `draft` (never handed in) or `submitted`.
    pub status: String,
    /// The text handed in.
    pub body: String,
    /// The text handed in, rendered and sanitised.
    pub body_html: String,
    /// Unsent changes kept as a draft, if any.
    pub draft: Option<String>,
    /// Times handed in.
    pub version: i32,
    /// Last handed in.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Days late when last handed in.
    pub late_days: i32,
    /// Whether a grade is out.
    pub graded: bool,
    /// The grade, after penalties.
    pub points: Option<f64>,
    /// Before penalties (a rubric's score, the peers' aggregate).
    pub raw_points: Option<f64>,
    /// Points lost (lateness, missing reviews).
    pub penalty: f64,
    /// The highest grade.
    pub max_points: f64,
    /// Written feedback, rendered and sanitised.
    pub feedback_html: Option<String>,
    /// Feedback as written.
    pub feedback: Option<String>,
    /// Chosen rubric level per criterion (instructor grading).
    pub rubric_choices: Option<Vec<Option<usize>>>,
    /// `instructor`, `peer` or `override`.
    pub grade_source: Option<String>,
    /// Waiting for the course team (peer assessment without enough reviews).
    pub needs_staff: bool,
}

impl SubmissionView {
    /// The view of a stored submission; `show_grade` hides a grade not yet released.
    pub fn of(m: &rows::Submission, show_grade: bool) -> Self {
        let graded = show_grade && m.graded_at.is_some() && m.points.is_some();
        SubmissionView {
            id: m.id,
            status: m.status.clone(),
            body_html: content::markdown_to_html(&m.body),
            body: m.body.clone(),
            draft: m.draft.clone(),
            version: m.version,
            submitted_at: m.submitted_at,
            late_days: m.late_days,
            graded,
            points: m.points.filter(|_| graded),
            raw_points: m.raw_points.filter(|_| graded),
            penalty: if graded { m.penalty } else { 0.0 },
            max_points: m.max_points,
            feedback_html: m
                .feedback
                .as_deref()
                .filter(|_| graded)
                .map(content::markdown_to_html),
            feedback: m.feedback.clone().filter(|_| graded),
            rubric_choices: m
                .rubric_choices
                .as_deref()
                .filter(|_| graded)
                .and_then(|c| serde_json::from_str(c).ok()),
            grade_source: m.grade_source.clone().filter(|_| graded),
            needs_staff: m.needs_staff,
        }
    }
}

/// Text handed in or saved, from a form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitForm {
    /// The text (Markdown).
    pub text: Option<String>,
    /// true: only keep it as a draft; false or absent: hand it in.
    pub draft: Option<bool>,
}

fn parse_text(raw: &str) -> Result<String> {
    if raw.chars().count() > MAX_TEXT {
        return Err(Error::field("text", codes::TOO_LONG));
    }
    if content::has_unsafe_html(raw) {
        return Err(Error::field("text", codes::UNSAFE_HTML));
    }
    Ok(raw.to_owned())
}

/// What a hand-in records besides the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HandIn {
    /// The highest grade, kept with the work.
    pub(crate) max_points: f64,
    /// Days late now.
    pub(crate) late_days: i32,
    /// Files are attached (then the text may be empty).
    pub(crate) has_files: bool,
}

/// Saves a draft or hands in work, after `closed` (why it may not be handed in now) was
/// checked by the caller. One row per learner and item; a second hand-in raises the version.
pub(crate) async fn save_work(
    app: &App,
    user: &User,
    tenant: TenantId,
    o: &Opened,
    f: &SubmitForm,
    h: HandIn,
) -> Result<rows::Submission> {
    let HandIn {
        max_points,
        late_days,
        has_files,
    } = h;
    let text = parse_text(f.text.as_deref().unwrap_or(""))?;
    let draft_only = f.draft.unwrap_or(false);
    if !draft_only && text.trim().is_empty() && !has_files {
        return Err(Error::field("text", codes::REQUIRED));
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    let existing = repo_s::submission_of(&txn, tenant, o.item.id, user.id.0).await?;
    if existing.as_ref().is_some_and(|s| s.graded_at.is_some()) && !draft_only {
        return Err(Error::Conflict(codes::ALREADY_GRADED));
    }
    let saved = match existing {
        Some(mut s) => {
            if draft_only {
                s.draft = Some(text);
            } else {
                s.body = text;
                s.draft = None;
                s.status = SubmissionStatus::Submitted.as_str().into();
                s.version += 1;
                s.submitted_at = Some(now);
                s.late_days = late_days;
                s.max_points = max_points;
            }
            s.updated_at = now;
            repo_s::save_submission(&txn, tenant, s).await?
        }
        None => {
            let first = (tenant, o.access.run.id, o.item.id, user.id.0);
            let draft = first_draft(first, max_points, now);
            let row = if draft_only {
                rows::Submission {
                    draft: Some(text),
                    ..draft
                }
            } else {
                rows::Submission {
                    body: text,
                    status: SubmissionStatus::Submitted.as_str().into(),
                    version: 1,
                    submitted_at: Some(now),
                    late_days,
                    ..draft
                }
            };
            repo_s::insert_submission(&txn, tenant, row).await?
        }
    };
    txn.commit().await.map_err(Error::internal)?;
    Ok(saved)
}

/// A learner's first row for an item (tenant, run, item, learner): a draft with nothing in it.
pub(crate) fn first_draft(
    (tenant, run, item, user): (TenantId, Uuid, Uuid, Uuid),
    max_points: f64,
    now: DateTime<Utc>,
) -> rows::Submission {
    rows::Submission {
        id: Uuid::now_v7(),
        tenant_id: tenant.0,
        run_id: run,
        item_id: item,
        user_id: user,
        body: String::new(),
        draft: None,
        status: SubmissionStatus::Draft.as_str().into(),
        version: 0,
        submitted_at: None,
        late_days: 0,
        extra_reviews: 0,
        needs_staff: false,
        rubric_choices: None,
        raw_points: None,
        penalty: 0.0,
        points: None,
        max_points,
        feedback: None,
        grade_source: None,
        graded_by: None,
        graded_at: None,
        override_points: None,
        created_at: now,
        updated_at: now,
    }
}

/// The one place submission grades (assignments and peer assessments) go to the gradebook.
pub(crate) async fn report_grade(app: &App, tenant: TenantId, m: &rows::Submission) -> Result<()> {
    if m.max_points <= 0.0 {
        // Nothing to weigh: an item worth no points has no place in the gradebook.
        return Ok(());
    }
    gradebook::updates::record(
        app,
        gradebook::updates::GradeReport {
            tenant_id: tenant.0,
            run_id: m.run_id,
            item_id: m.item_id,
            user_id: m.user_id,
            points: m.points,
            max_points: m.max_points,
        },
    )
    .await?;
    Ok(())
}
