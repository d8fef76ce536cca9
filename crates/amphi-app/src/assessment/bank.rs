//! The question bank of a course: import from Moodle's GIFT format (all or nothing: a file
//! with any bad question imports nothing and every problem is reported with its line), export
//! back to GIFT, browse by category, delete.

use crate::courses::authoring::require_course_editor;
use crate::{App, Caller};
use amphi_core::assessment::Question;
use amphi_core::codes;
use amphi_core::CourseId;
use amphi_core::{Error, FieldError, Result};
use amphi_db::repo::{audit, courses as repo_c, questions as repo_q, Page};
use amphi_db::rows;
use amphi_interop::gift;
use serde::Serialize;
use uuid::Uuid;

/// Largest GIFT file accepted.
pub const MAX_GIFT_BYTES: usize = 4 * 1024 * 1024;

/// A question as the bank lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BankQuestion {
    /// Id.
    pub id: Uuid,
    /// Category path (`Week 1/Basics`).
    pub category: String,
    /// Title.
    pub title: String,
    /// Type (`single_choice`, `numeric`, …).
    pub kind: String,
    /// Points.
    pub points: f64,
}

/// A stored question as the bank lists it.
pub fn view_question(m: &rows::Question) -> BankQuestion {
    let points = serde_json::from_str::<Question>(&m.data)
        .map(|q| q.points)
        .unwrap_or(0.0);
    BankQuestion {
        id: m.id,
        category: m.category.clone(),
        title: m.title.clone(),
        kind: m.kind.clone(),
        points,
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportOutcome {
    /// Questions added.
    pub imported: usize,
    /// Categories they went to.
    pub categories: Vec<String>,
}

/// The course whose bank the caller works on: not found, or refused unless they may edit it.
async fn editable_course(app: &App, caller: &Caller, course_id: CourseId) -> Result<rows::Course> {
    let course = repo_c::by_id(app.db.reader(), caller.tenant, course_id.0)
        .await?
        .ok_or(Error::NotFound)?;
    require_course_editor(app, &caller.user, caller.tenant, &course).await?;
    Ok(course)
}

/// Imports a GIFT file into a course's bank. Any error: nothing is imported, and each problem
/// comes back as a field error named `line N` with its message code.
pub async fn import_gift(
    app: &App,
    caller: &Caller,
    course_id: CourseId,
    text: &str,
) -> Result<ImportOutcome> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let course = editable_course(app, caller, course_id).await?;
    let course_id = course.id;
    if text.len() > MAX_GIFT_BYTES {
        return Err(Error::field("file", codes::FILE_TOO_LARGE));
    }
    let items = gift::parse(text).map_err(|errs| {
        Error::Validation(
            errs.into_iter()
                .map(|e| FieldError::new(&format!("line {}", e.line), e.message_code))
                .collect(),
        )
    })?;
    if items.is_empty() {
        return Err(Error::field("file", codes::GIFT_EMPTY));
    }
    let now = app.now();
    let mut categories = Vec::new();
    let mut new = Vec::with_capacity(items.len());
    for it in &items {
        let category = it.category.join("/");
        if !categories.contains(&category) {
            categories.push(category.clone());
        }
        new.push(rows::Question {
            id: it.question.id.0,
            tenant_id: tenant.0,
            course_id,
            category,
            title: it.question.title.chars().take(300).collect(),
            kind: it.question.kind.type_name().to_owned(),
            data: serde_json::to_string(&it.question).map_err(Error::internal)?,
            created_at: now,
            updated_at: now,
        });
    }
    let txn = app.db.begin().await?;
    repo_q::insert_many(&txn, tenant, new).await?;
    audit::Event::new("question_bank.imported", tenant)
        .actor(user.id)
        .target(course.code.clone())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "questions": items.len(), "format": "gift" }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(ImportOutcome {
        imported: items.len(),
        categories,
    })
}

/// The bank, a page at a time, optionally one category.
pub async fn list(
    app: &App,
    caller: &Caller,
    course_id: CourseId,
    category: Option<&str>,
    after: Option<Uuid>,
) -> Result<(Page<BankQuestion>, Vec<(String, i64)>)> {
    let tenant = caller.tenant;
    let course = editable_course(app, caller, course_id).await?;
    let course_id = course.id;
    let page = repo_q::list(app.db.reader(), tenant, course_id, category, after, 100).await?;
    let cats = repo_q::categories(app.db.reader(), tenant, course_id).await?;
    Ok((
        Page {
            items: page.items.iter().map(view_question).collect(),
            next: page.next,
        },
        cats,
    ))
}

/// The whole bank as GIFT, with how many questions GIFT could not express.
pub async fn export_gift(
    app: &App,
    caller: &Caller,
    course_id: CourseId,
) -> Result<gift::GiftExport> {
    let tenant = caller.tenant;
    let course = editable_course(app, caller, course_id).await?;
    let course_id = course.id;
    let rows = repo_q::all(app.db.reader(), tenant, course_id).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let q: Question = serde_json::from_str(&r.data).map_err(Error::internal)?;
        items.push(gift::GiftItem {
            category: r
                .category
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            format: None,
            question: q,
        });
    }
    Ok(gift::export(&items))
}

/// A quiz that uses a question (a question a quiz names cannot be deleted).
#[derive(Debug, Clone, Serialize)]
pub struct QuizUse {
    /// The run's id.
    pub run_id: Uuid,
    /// The run's name.
    pub run_name: String,
    /// The quiz item's id.
    pub item_id: Uuid,
    /// The quiz's title.
    pub item_title: String,
}

/// The quizzes of every run of the course that name question `id` in their slots.
async fn quizzes_using(
    app: &App,
    tenant: amphi_core::TenantId,
    course_id: Uuid,
    id: Uuid,
) -> Result<Vec<QuizUse>> {
    use crate::assessment::quiz::settings::{QuizSettings, Slot};
    let c = app.db.reader();
    let mut out = Vec::new();
    for run in repo_c::runs_of(c, tenant, course_id).await? {
        for it in amphi_db::repo::structure::items(c, tenant, run.id).await? {
            if it.kind != amphi_core::course::ItemKind::Quiz.as_str() {
                continue;
            }
            let uses = QuizSettings::of(&it)
                .slots
                .iter()
                .any(|s| matches!(s, Slot::Question { question_id, .. } if *question_id == id));
            if uses {
                out.push(QuizUse {
                    run_id: run.id,
                    run_name: run.name.clone(),
                    item_id: it.id,
                    item_title: it.title.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// A question and the quizzes that use it, for the confirmation before deleting it.
pub async fn deletion(
    app: &App,
    caller: &Caller,
    course_id: CourseId,
    id: Uuid,
) -> Result<(BankQuestion, Vec<QuizUse>)> {
    let tenant = caller.tenant;
    let course = editable_course(app, caller, course_id).await?;
    let q = repo_q::by_ids(app.db.reader(), tenant, course.id, &[id])
        .await?
        .first()
        .map(view_question)
        .ok_or(Error::NotFound)?;
    Ok((q, quizzes_using(app, tenant, course.id, id).await?))
}

/// Removes a question from the bank; refused while a quiz names it (attempts keep their own
/// copy of the questions they showed, so past attempts are not touched).
pub async fn delete(app: &App, caller: &Caller, course_id: CourseId, id: Uuid) -> Result<()> {
    let tenant = caller.tenant;
    let course = editable_course(app, caller, course_id).await?;
    let course_id = course.id;
    if !quizzes_using(app, tenant, course_id, id).await?.is_empty() {
        return Err(Error::Conflict(codes::QUESTION_IN_QUIZ));
    }
    if !repo_q::delete(app.db.writer(), tenant, course_id, id).await? {
        return Err(Error::NotFound);
    }
    Ok(())
}
