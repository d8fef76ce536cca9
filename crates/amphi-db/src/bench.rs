//! The scale benchmark's bulk seeding: read what a template learner's history stored, and write
//! thousands of learners copying it in multi-row INSERTs. Not used by the product.

use crate::entities::{
    enrolment, grade, grade_event, item_progress, quiz_attempt, session, submission, user,
};
use crate::{Db, DbResultExt};
use amphi_core::{Error, Result, TenantId};
use sea_orm::ActiveValue::NotSet;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, TransactionTrait,
};
use uuid::Uuid;

/// Rows per INSERT statement (well under SQLite's 32,766 bound variables for every table).
const ROWS_PER_INSERT: usize = 500;

/// One learner's history in a run, as the real code paths stored it.
#[derive(Debug, Clone)]
pub struct History {
    /// Item progress rows.
    pub progress: Vec<crate::rows::ItemProgress>,
    /// Quiz attempts.
    pub attempts: Vec<crate::rows::QuizAttempt>,
    /// Grades.
    pub grades: Vec<crate::rows::Grade>,
    /// Grade events, oldest first.
    pub events: Vec<crate::rows::GradeEvent>,
    /// The enrolment.
    pub enrolment: crate::rows::Enrolment,
}

/// The history of a learner enrolled in a run of the tenant.
pub async fn history_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
) -> Result<History> {
    let progress = item_progress::Entity::find()
        .filter(item_progress::Column::TenantId.eq(tenant.0))
        .filter(item_progress::Column::RunId.eq(run))
        .filter(item_progress::Column::UserId.eq(user))
        .all(c)
        .await
        .db()?;
    let attempts = quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::TenantId.eq(tenant.0))
        .filter(quiz_attempt::Column::RunId.eq(run))
        .filter(quiz_attempt::Column::UserId.eq(user))
        .all(c)
        .await
        .db()?;
    let grades = grade::Entity::find()
        .filter(grade::Column::TenantId.eq(tenant.0))
        .filter(grade::Column::RunId.eq(run))
        .filter(grade::Column::UserId.eq(user))
        .all(c)
        .await
        .db()?;
    let events = grade_event::Entity::find()
        .filter(grade_event::Column::TenantId.eq(tenant.0))
        .filter(grade_event::Column::RunId.eq(run))
        .filter(grade_event::Column::UserId.eq(user))
        .order_by_asc(grade_event::Column::Id)
        .all(c)
        .await
        .db()?;
    let enrolment = enrolment::Entity::find()
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::UserId.eq(user))
        .one(c)
        .await
        .db()?
        .ok_or_else(|| Error::Internal("template learner not enrolled".into()))?;
    Ok(History {
        progress,
        attempts,
        grades,
        events,
        enrolment,
    })
}

/// The rows of a chunk of learners, written in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Chunk {
    /// Accounts.
    pub users: Vec<crate::rows::User>,
    /// Their enrolments.
    pub enrolments: Vec<crate::rows::Enrolment>,
    /// Copied item progress.
    pub progress: Vec<crate::rows::ItemProgress>,
    /// Copied quiz attempts.
    pub attempts: Vec<crate::rows::QuizAttempt>,
    /// Copied grades.
    pub grades: Vec<crate::rows::Grade>,
    /// Copied grade events (their ids are left to the database).
    pub events: Vec<crate::rows::GradeEvent>,
    /// Signed-in sessions.
    pub sessions: Vec<crate::rows::Session>,
    /// Submissions.
    pub submissions: Vec<crate::rows::Submission>,
}

/// Writes a chunk in one transaction, table by table, `ROWS_PER_INSERT` rows per INSERT.
pub async fn insert_chunk(db: &Db, chunk: Chunk) -> Result<()> {
    let txn = db.writer().begin().await.db()?;
    insert_chunked::<user::Entity, _>(&txn, models(chunk.users)).await?;
    insert_chunked::<enrolment::Entity, _>(&txn, models(chunk.enrolments)).await?;
    insert_chunked::<item_progress::Entity, _>(&txn, models(chunk.progress)).await?;
    insert_chunked::<quiz_attempt::Entity, _>(&txn, models(chunk.attempts)).await?;
    insert_chunked::<grade::Entity, _>(&txn, models(chunk.grades)).await?;
    let events = chunk
        .events
        .into_iter()
        .map(|ev| {
            let mut am = ev.into_active_model();
            am.id = NotSet;
            am
        })
        .collect();
    insert_chunked::<grade_event::Entity, _>(&txn, events).await?;
    insert_chunked::<session::Entity, _>(&txn, models(chunk.sessions)).await?;
    insert_chunked::<submission::Entity, _>(&txn, models(chunk.submissions)).await?;
    txn.commit().await.db()
}

/// Rows as active models to insert.
fn models<M: IntoActiveModel<A>, A: ActiveModelTrait>(rows: Vec<M>) -> Vec<A> {
    rows.into_iter()
        .map(IntoActiveModel::into_active_model)
        .collect()
}

async fn insert_chunked<E, A>(c: &impl ConnectionTrait, rows: Vec<A>) -> Result<()>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
    E::Model: IntoActiveModel<A>,
{
    let mut rows = rows;
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(ROWS_PER_INSERT));
        E::insert_many(rows).exec_without_returning(c).await.db()?;
        rows = rest;
    }
    Ok(())
}

/// Refreshes the planner's statistics after the bulk load (PostgreSQL; SQLite has no need).
pub async fn analyze(db: &Db) -> Result<()> {
    if db.backend() == DbBackend::Postgres {
        db.writer().execute_unprepared("ANALYZE").await.db()?;
    }
    Ok(())
}
