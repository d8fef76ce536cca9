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
    PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
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

/// A statement of the xAPI benchmark's store, written with its sequence number.
#[derive(Debug, Clone)]
pub struct XapiRow {
    /// Its place in the store (`seq`): given here so that the agents and activities it
    /// names are written in the same pass.
    pub seq: i64,
    /// The statement as the LRS keeps it.
    pub statement: crate::repo::xapi::NewStatement,
}

/// An LRS client of the tenant for the xAPI benchmark (its secret's SHA-256 given).
pub async fn xapi_client(db: &Db, tenant: TenantId, key: &str, secret_hash: &str) -> Result<()> {
    use crate::entities::xapi_client;
    let now = chrono::Utc::now();
    xapi_client::Entity::delete_many()
        .filter(xapi_client::Column::Key.eq(key))
        .exec(db.writer())
        .await
        .db()?;
    xapi_client::Model {
        id: Uuid::now_v7(),
        tenant_id: tenant.0,
        name: "amphi-bench".into(),
        key: key.into(),
        secret_hash: secret_hash.into(),
        scopes: "all".into(),
        enabled: true,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .insert(db.writer())
    .await
    .db()?;
    Ok(())
}

/// The tenant's statements: how many, and the newest `seq` of the whole store.
pub async fn xapi_counts(db: &Db, tenant: TenantId) -> Result<(i64, i64)> {
    use crate::entities::xapi_statement;
    use sea_orm::QuerySelect;
    let n = xapi_statement::Entity::find()
        .filter(xapi_statement::Column::TenantId.eq(tenant.0))
        .count(db.writer())
        .await
        .db()?;
    let max: Option<Option<i64>> = xapi_statement::Entity::find()
        .select_only()
        .column_as(xapi_statement::Column::Seq.max(), "m")
        .into_tuple()
        .one(db.writer())
        .await
        .db()?;
    Ok((n as i64, max.flatten().unwrap_or(0)))
}

/// Writes statements and the agents and activities they name in one transaction,
/// `ROWS_PER_INSERT` rows per INSERT.
pub async fn insert_xapi(db: &Db, tenant: TenantId, rows: Vec<XapiRow>) -> Result<()> {
    use crate::entities::{xapi_statement, xapi_statement_activity, xapi_statement_agent};
    use crate::repo::xapi::hash;
    use sea_orm::Set;
    let txn = db.writer().begin().await.db()?;
    let mut statements = Vec::with_capacity(rows.len());
    let mut agents = Vec::new();
    let mut activities = Vec::new();
    for r in rows {
        let s = r.statement;
        for a in &s.agents {
            agents.push(xapi_statement_agent::ActiveModel {
                tenant_id: Set(tenant.0),
                agent_h: Set(hash(a)),
                seq: Set(r.seq),
            });
        }
        for a in &s.activities {
            activities.push(xapi_statement_activity::ActiveModel {
                tenant_id: Set(tenant.0),
                activity_h: Set(hash(a)),
                seq: Set(r.seq),
            });
        }
        statements.push(xapi_statement::ActiveModel {
            seq: Set(r.seq),
            tenant_id: Set(tenant.0),
            statement_id: Set(s.statement_id),
            stored_at: Set(s.stored_at),
            timestamp: Set(s.timestamp),
            verb_h: Set(hash(&s.verb)),
            actor_h: Set(s.actor.as_deref().map(hash)),
            activity_h: Set(s.activity.as_deref().map(hash)),
            object_agent_h: Set(s.object_agent.as_deref().map(hash)),
            authority_h: Set(Some(hash(&s.authority))),
            object_statement: Set(s.object_statement),
            registration: Set(s.registration),
            voids: Set(s.voids),
            voided: Set(s.voided),
            body: Set(s.body),
        });
    }
    insert_chunked::<xapi_statement::Entity, _>(&txn, statements).await?;
    insert_chunked::<xapi_statement_agent::Entity, _>(&txn, agents).await?;
    insert_chunked::<xapi_statement_activity::Entity, _>(&txn, activities).await?;
    txn.commit().await.db()
}

/// After statements were written with their own `seq`: PostgreSQL's sequence is moved past
/// them (SQLite's AUTOINCREMENT follows by itself).
pub async fn xapi_sequence_after_seed(db: &Db) -> Result<()> {
    if db.backend() == DbBackend::Postgres {
        db.writer()
            .execute_unprepared(
                "SELECT setval(pg_get_serial_sequence('xapi_statements', 'seq'), \
                 (SELECT COALESCE(MAX(seq), 1) FROM xapi_statements))",
            )
            .await
            .db()?;
    }
    Ok(())
}
