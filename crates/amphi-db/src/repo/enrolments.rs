//! Enrolments (a person's role in a run), invitations, vouchers and shop orders.

use crate::entities::{
    course_run, enrolment, invitation, item_progress, quiz_attempt, shop_order, user, voucher,
};
use crate::repo::Page;
use crate::shape::Shape;
use crate::{dialect, DbResultExt};
use amphi_core::course::CourseRole;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect, SelectThreeModel,
    SelectTwoModel, SelectorTrait, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Active: in the course. Waiting: on the waiting list. Removed: unenrolled (kept for history).
pub const ACTIVE: &str = "active";
/// On the waiting list of a full run.
pub const WAITING: &str = "waiting";
/// Unenrolled.
pub const REMOVED: &str = "removed";

/// Inserts an enrolment.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: enrolment::Model,
) -> Result<enrolment::Model> {
    m.tenant_id = tenant.0;
    let am: enrolment::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// A person's enrolment in a run (any status).
pub async fn of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
) -> Result<Option<enrolment::Model>> {
    static SHAPE: Shape = Shape::new();
    SHAPE
        .one(c, &[tenant.0.into(), run.into(), user.into()], |p| {
            enrolment::Entity::find()
                .filter(enrolment::Column::TenantId.eq(p[0].clone()))
                .filter(enrolment::Column::RunId.eq(p[1].clone()))
                .filter(enrolment::Column::UserId.eq(p[2].clone()))
                .limit(1)
        })
        .await
        .db()
}

/// A run and, in the same query, the person's enrolment in it.
pub async fn run_with_enrolment(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Option<Uuid>,
) -> Result<Option<(course_run::Model, Option<enrolment::Model>)>> {
    let Some(user) = user else {
        return Ok(course_run::Entity::find_by_id(run)
            .filter(course_run::Column::TenantId.eq(tenant.0))
            .one(c)
            .await
            .db()?
            .map(|r| (r, None)));
    };
    // Every access check runs this: its SQL is rendered once.
    static SHAPE: Shape = Shape::new();
    SHAPE
        .one_two(c, &[run.into(), tenant.0.into(), user.into()], |p| {
            run_and_enrolment(p).limit(1)
        })
        .await
        .db()
}

/// A run, the person's enrolment in it and the person's progress in it as (item, state) pairs,
/// in one query: the course home's and the item page's reads. The progress rows come packed in
/// one text column by a correlated aggregate (`string_agg` on PostgreSQL, `group_concat` on
/// SQLite), which saves a second query and its connection's round trips.
pub async fn run_with_enrolment_and_progress(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
) -> Result<Option<RunEnrolmentProgress>> {
    static SHAPE: Shape = Shape::new();
    let backend = c.get_database_backend();
    let st = SHAPE.statement(backend, &[run.into(), tenant.0.into(), user.into()], |p| {
        run_and_enrolment(p)
            .column_as(packed_progress(backend, p[2].clone()), PROGRESS)
            .limit(1)
    });
    let Some(row) = c.query_one(st).await.db()? else {
        return Ok(None);
    };
    let packed: Option<String> = row.try_get("", PROGRESS).db()?;
    let (run, enrolment) =
        SelectTwoModel::<course_run::Model, enrolment::Model>::from_raw_query_result(row).db()?;
    let progress = unpack_progress(packed.as_deref().unwrap_or(""))?;
    Ok(Some((run, enrolment, progress)))
}

/// A run, the person's enrolment in it and one of the person's quiz attempts in it, in one
/// query (LEFT JOINs on (run, user) and on (attempt id, run, user)): what every request on an
/// attempt reads first. The attempt is `None` when there is none by that id, or it is another
/// run's or another person's.
pub async fn run_with_enrolment_and_attempt(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
    attempt: Uuid,
) -> Result<Option<RunEnrolmentAttempt>> {
    static SHAPE: Shape = Shape::new();
    let params = [run.into(), tenant.0.into(), user.into(), attempt.into()];
    let st = SHAPE.statement(c.get_database_backend(), &params, |p| {
        let (user, attempt) = (p[2].clone(), p[3].clone());
        run_and_enrolment(p)
            .select_also(quiz_attempt::Entity)
            .join(
                JoinType::LeftJoin,
                course_run::Entity::belongs_to(quiz_attempt::Entity)
                    .from(course_run::Column::Id)
                    .to(quiz_attempt::Column::RunId)
                    .on_condition(move |_l, r| {
                        sea_orm::sea_query::IntoCondition::into_condition(
                            Expr::col((r.clone(), quiz_attempt::Column::Id))
                                .eq(attempt.clone())
                                .and(Expr::col((r, quiz_attempt::Column::UserId)).eq(user.clone())),
                        )
                    })
                    .into(),
            )
            .limit(1)
    });
    let Some(row) = c.query_one(st).await.db()? else {
        return Ok(None);
    };
    SelectThreeModel::<course_run::Model, enrolment::Model, quiz_attempt::Model>::from_raw_query_result(row)
        .db()
        .map(Some)
}

/// What [`run_with_enrolment_and_attempt`] reads.
pub type RunEnrolmentAttempt = (
    course_run::Model,
    Option<enrolment::Model>,
    Option<quiz_attempt::Model>,
);

/// What [`run_with_enrolment_and_progress`] reads.
pub type RunEnrolmentProgress = (
    course_run::Model,
    Option<enrolment::Model>,
    Vec<(Uuid, String)>,
);

const PROGRESS: &str = "amphi_progress";

/// `(SELECT agg(item || ':' || state, ',') FROM item_progress p WHERE p.user_id = ? AND p.run_id
/// = course_runs.id AND p.tenant_id = course_runs.tenant_id)`. Item ids are UUID text on
/// PostgreSQL and 16-byte blobs (hex) on SQLite; states are plain words.
fn packed_progress(backend: DbBackend, user: sea_orm::Value) -> SimpleExpr {
    let p = Alias::new("p");
    let item = match backend {
        DbBackend::Postgres => r#"CAST("p"."item_id" AS TEXT)"#,
        _ => {
            r#"CASE typeof("p"."item_id") WHEN 'blob' THEN hex("p"."item_id") ELSE "p"."item_id" END"#
        }
    };
    let agg = match backend {
        DbBackend::Postgres => "string_agg",
        _ => "group_concat",
    };
    let sub = Query::select()
        .expr(Expr::cust(format!(
            r#"{agg}({item} || ':' || "p"."state", ',')"#
        )))
        .from_as(item_progress::Entity, p.clone())
        .and_where(Expr::col((p.clone(), item_progress::Column::UserId)).eq(user))
        .and_where(
            Expr::col((p.clone(), item_progress::Column::RunId))
                .equals((course_run::Entity, course_run::Column::Id)),
        )
        .and_where(
            Expr::col((p, item_progress::Column::TenantId))
                .equals((course_run::Entity, course_run::Column::TenantId)),
        )
        .to_owned();
    SimpleExpr::SubQuery(None, Box::new(sub.into_sub_query_statement()))
}

fn unpack_progress(packed: &str) -> Result<Vec<(Uuid, String)>> {
    packed
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (item, state) = pair
                .split_once(':')
                .ok_or_else(|| amphi_core::Error::Internal(format!("progress row {pair:?}")))?;
            let item = Uuid::parse_str(item)
                .map_err(|e| amphi_core::Error::Internal(format!("progress item {item:?}: {e}")))?;
            Ok((item, state.to_owned()))
        })
        .collect()
}

/// The run `p[0]` of tenant `p[1]` with the enrolment of user `p[2]` (the two reads above).
fn run_and_enrolment(
    p: &[sea_orm::Value],
) -> sea_orm::SelectTwo<course_run::Entity, enrolment::Entity> {
    course_run::Entity::find()
        .filter(course_run::Column::Id.eq(p[0].clone()))
        .filter(course_run::Column::TenantId.eq(p[1].clone()))
        .find_also_related_via(p[2].clone())
}

/// Extension: a run with the enrolment of one user, by a LEFT JOIN on (run, user).
trait AlsoEnrolment {
    fn find_also_related_via(
        self,
        user: sea_orm::Value,
    ) -> sea_orm::SelectTwo<course_run::Entity, enrolment::Entity>;
}

impl AlsoEnrolment for sea_orm::Select<course_run::Entity> {
    fn find_also_related_via(
        self,
        user: sea_orm::Value,
    ) -> sea_orm::SelectTwo<course_run::Entity, enrolment::Entity> {
        self.select_also(enrolment::Entity).join(
            JoinType::LeftJoin,
            course_run::Entity::belongs_to(enrolment::Entity)
                .from(course_run::Column::Id)
                .to(enrolment::Column::RunId)
                .on_condition(move |_l, r| {
                    sea_orm::sea_query::IntoCondition::into_condition(
                        Expr::col((r, enrolment::Column::UserId)).eq(user.clone()),
                    )
                })
                .into(),
        )
    }
}

/// Inserts enrolments in one statement.
pub async fn insert_many(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<enrolment::Model>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    enrolment::Entity::insert_many(rows.into_iter().map(|mut m| {
        m.tenant_id = tenant.0;
        enrolment::ActiveModel::from(m)
    }))
    .exec(c)
    .await
    .db()?;
    Ok(())
}

/// The enrolments in a run of the tenant of these people, by person.
pub async fn of_users(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    users: Vec<Uuid>,
) -> Result<HashMap<Uuid, enrolment::Model>> {
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::UserId.is_in(users))
        .all(c)
        .await
        .db()?
        .into_iter()
        .map(|e| (e.user_id, e))
        .collect())
}

/// Sets the status of one enrolment of the tenant, and its role when given (the caller keeps
/// the run's seat counts in step).
pub async fn set_status(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    status: &str,
    role: Option<CourseRole>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut q = enrolment::Entity::update_many()
        .col_expr(enrolment::Column::Status, Expr::value(status))
        .col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::Id.eq(id));
    if let Some(r) = role {
        q = q.col_expr(enrolment::Column::Role, Expr::value(r.as_str()));
    }
    q.exec(c).await.db()?;
    Ok(())
}

/// The oldest waiting enrolment of a run (promoted when a seat frees).
pub async fn first_waiting(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
) -> Result<Option<enrolment::Model>> {
    enrolment::Entity::find()
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::Status.eq(WAITING))
        .order_by_asc(enrolment::Column::CreatedAt)
        .order_by_asc(enrolment::Column::Id)
        .one(c)
        .await
        .db()
}

/// A person's active or waiting enrolments across runs (their dashboard).
pub async fn for_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: Uuid,
) -> Result<Vec<enrolment::Model>> {
    enrolment::Entity::find()
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::UserId.eq(user))
        .filter(enrolment::Column::Status.is_in([ACTIVE, WAITING]))
        .order_by_desc(enrolment::Column::UpdatedAt)
        .all(c)
        .await
        .db()
}

/// One learner row of the instructor's view.
#[derive(Debug, Clone, FromQueryResult)]
pub struct LearnerRow {
    /// Enrolment id (the keyset cursor).
    pub id: Uuid,
    /// The person.
    pub user_id: Uuid,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Role in the run.
    pub role: String,
    /// Active or waiting.
    pub status: String,
    /// Items completed.
    pub completed_count: i64,
    /// When they enrolled.
    pub created_at: DateTime<Utc>,
    /// When they finished, if they did.
    pub completed_at: Option<DateTime<Utc>>,
    /// Course grade in percent, once something is graded.
    pub grade_percent: Option<f64>,
    /// Whether the course grade reaches the pass mark.
    pub grade_passed: bool,
}

/// Filters of the learner list.
#[derive(Debug, Clone, Default)]
pub struct LearnerQuery {
    /// Words in name or email.
    pub search: Option<String>,
    /// Only this role.
    pub role: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Only those who completed everything (true) or not (false).
    pub completed: Option<bool>,
    /// Only those whose course grade passes, fails, or is not there yet.
    pub graded: Option<GradeFilter>,
}

/// A filter on the course grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradeFilter {
    /// Course grade at or above the pass mark.
    Passed,
    /// Graded, below the pass mark.
    Failed,
    /// Nothing graded yet.
    Ungraded,
}

/// People of a run with their progress, keyset-paginated by enrolment id: one indexed query
/// per page whatever the size of the run.
pub async fn learners(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    q: &LearnerQuery,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<LearnerRow>> {
    let mut sel = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::Id)
        .column(enrolment::Column::UserId)
        .column(enrolment::Column::Role)
        .column(enrolment::Column::Status)
        .column(enrolment::Column::CompletedCount)
        .column(enrolment::Column::CreatedAt)
        .column(enrolment::Column::CompletedAt)
        .column(enrolment::Column::GradePercent)
        .column(enrolment::Column::GradePassed)
        .column_as(Expr::col((user::Entity, user::Column::Name)), "name")
        .column_as(Expr::col((user::Entity, user::Column::Email)), "email")
        .join(
            JoinType::InnerJoin,
            enrolment::Entity::belongs_to(user::Entity)
                .from(enrolment::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::Status.ne(REMOVED))
        .order_by_asc(enrolment::Column::Id);
    if let Some(r) = &q.role {
        sel = sel.filter(enrolment::Column::Role.eq(r.as_str()));
    }
    if let Some(s) = &q.status {
        sel = sel.filter(enrolment::Column::Status.eq(s.as_str()));
    }
    match q.graded {
        Some(GradeFilter::Passed) => sel = sel.filter(enrolment::Column::GradePassed.eq(true)),
        Some(GradeFilter::Failed) => {
            sel = sel
                .filter(enrolment::Column::GradePassed.eq(false))
                .filter(enrolment::Column::GradePercent.is_not_null())
        }
        Some(GradeFilter::Ungraded) => sel = sel.filter(enrolment::Column::GradePercent.is_null()),
        None => {}
    }
    if let Some(done) = q.completed {
        sel = sel.filter(if done {
            enrolment::Column::CompletedAt.is_not_null()
        } else {
            enrolment::Column::CompletedAt.is_null()
        });
    }
    if let Some(s) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!("%{}%", dialect::like_escape(&s.to_lowercase()));
        let like = |col: user::Column| {
            Expr::expr(Func::lower(Expr::col((user::Entity, col))))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        sel = sel.filter(
            Condition::any()
                .add(like(user::Column::Email))
                .add(like(user::Column::Name)),
        );
    }
    if let Some(a) = after {
        sel = sel.filter(enrolment::Column::Id.gt(a));
    }
    let mut items = sel
        .limit(limit + 1)
        .into_model::<LearnerRow>()
        .all(c)
        .await
        .db()?;
    let next = if items.len() as u64 > limit {
        items.truncate(limit as usize);
        items.last().map(|x| x.id)
    } else {
        None
    };
    Ok(Page { items, next })
}

/// What changes on an enrolment row after a learner's work: one more completed item, a new
/// course grade, or both in one statement (a quiz submit does both).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Change {
    /// An item newly completed, and the run's item count (for the completion date).
    pub completed: Option<(Uuid, i64)>,
    /// The new course grade: percent and passed.
    pub grade: Option<(Option<f64>, bool)>,
}

/// Applies a `Change` to an enrolment (nothing when it is empty). A completed item adds one
/// to the count and, in the same statement, sets or clears the completion date against the
/// run's item count.
pub async fn apply(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    enrolment: Uuid,
    u: Change,
    now: DateTime<Utc>,
) -> Result<()> {
    if u == Change::default() {
        return Ok(());
    }
    let mut q = enrolment::Entity::update_many();
    if let Some((item, item_count)) = u.completed {
        let count = Expr::col(enrolment::Column::CompletedCount).add(1);
        let none: Option<DateTime<Utc>> = None;
        // SET expressions see the row as it was: the new count is `completed_count + 1`.
        let completed_at = if item_count > 0 {
            Expr::case(
                count.clone().gte(item_count),
                Func::coalesce([
                    Expr::col(enrolment::Column::CompletedAt).into(),
                    Expr::value(now),
                ]),
            )
            .finally(Expr::value(none))
            .into()
        } else {
            Expr::value(none)
        };
        q = q
            .col_expr(enrolment::Column::CompletedCount, count)
            .col_expr(enrolment::Column::CompletedAt, completed_at)
            .col_expr(enrolment::Column::LastItemId, Expr::value(item));
    }
    if let Some((percent, passed)) = u.grade {
        q = q
            .col_expr(enrolment::Column::GradePercent, Expr::value(percent))
            .col_expr(enrolment::Column::GradePassed, Expr::value(passed));
    }
    q.col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
        .filter(enrolment::Column::Id.eq(enrolment))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Counts one more completed item on an enrolment (see `apply`).
pub async fn add_completed(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    enrolment: Uuid,
    item: Uuid,
    item_count: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let completed = Some((item, item_count));
    apply(
        c,
        tenant,
        enrolment,
        Change {
            completed,
            grade: None,
        },
        now,
    )
    .await
}

/// Records where the learner is (resume), without changing counts.
pub async fn set_last_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    enrolment: Uuid,
    item: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    enrolment::Entity::update_many()
        .col_expr(enrolment::Column::LastItemId, Expr::value(item))
        .col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
        .filter(enrolment::Column::Id.eq(enrolment))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Marks a run's enrolments complete or not from their counts against the run's item count
/// (one statement, after the structure changed).
pub async fn settle_completion(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    item_count: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    if item_count > 0 {
        enrolment::Entity::update_many()
            .col_expr(enrolment::Column::CompletedAt, Expr::value(now))
            .filter(enrolment::Column::RunId.eq(run))
            .filter(enrolment::Column::TenantId.eq(tenant.0))
            .filter(enrolment::Column::CompletedAt.is_null())
            .filter(enrolment::Column::CompletedCount.gte(item_count))
            .exec(c)
            .await
            .db()?;
    }
    let mut undo = enrolment::Entity::update_many()
        .col_expr(
            enrolment::Column::CompletedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::CompletedAt.is_not_null());
    if item_count > 0 {
        undo = undo.filter(enrolment::Column::CompletedCount.lt(item_count));
    }
    undo.exec(c).await.db()?;
    Ok(())
}

/// Recounts every enrolment's completed items of a run from the progress rows, counting only
/// published items of published modules, as `structure::countable_items` does (one statement;
/// run after items or modules are published or unpublished).
pub async fn recount(c: &impl ConnectionTrait, tenant: TenantId, run: Uuid) -> Result<()> {
    let stmt = sea_orm::Statement::from_sql_and_values(
        c.get_database_backend(),
        "UPDATE enrolments SET completed_count = (\
           SELECT COUNT(*) FROM item_progress p JOIN course_items i ON i.id = p.item_id \
             JOIN course_modules m ON m.id = i.module_id \
           WHERE p.user_id = enrolments.user_id AND p.run_id = enrolments.run_id \
             AND p.state = 'completed' AND i.published = $2 AND m.published = $2) \
         WHERE run_id = $1 AND tenant_id = $3",
        [run.into(), true.into(), tenant.0.into()],
    );
    c.execute(stmt).await.db()?;
    Ok(())
}

/// Inserts an invitation (or returns the existing one for this address).
pub async fn invite(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: invitation::Model,
) -> Result<invitation::Model> {
    m.tenant_id = tenant.0;
    if let Some(existing) = invitation::Entity::find()
        .filter(invitation::Column::TenantId.eq(tenant.0))
        .filter(invitation::Column::RunId.eq(m.run_id))
        .filter(invitation::Column::Email.eq(m.email.as_str()))
        .one(c)
        .await
        .db()?
    {
        return Ok(existing);
    }
    let am: invitation::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// The pending invitation of an address to a run.
pub async fn invitation_for(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    email: &str,
) -> Result<Option<invitation::Model>> {
    invitation::Entity::find()
        .filter(invitation::Column::TenantId.eq(tenant.0))
        .filter(invitation::Column::RunId.eq(run))
        .filter(invitation::Column::Email.eq(email))
        .one(c)
        .await
        .db()
}

/// Marks an invitation used.
pub async fn accept_invitation(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Inserts a batch of voucher hashes in chunked multi-row statements.
pub async fn insert_vouchers(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<voucher::Model>,
) -> Result<()> {
    for chunk in rows.chunks(500) {
        let models: Vec<voucher::ActiveModel> = chunk
            .iter()
            .cloned()
            .map(|mut m| {
                m.tenant_id = tenant.0;
                m.into()
            })
            .collect();
        voucher::Entity::insert_many(models).exec(c).await.db()?;
    }
    Ok(())
}

/// Uses a voucher for a run: true if this call used it (single use, race-free).
pub async fn redeem_voucher(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    hash: &str,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = voucher::Entity::update_many()
        .col_expr(voucher::Column::UsedBy, Expr::value(user))
        .col_expr(voucher::Column::UsedAt, Expr::value(now))
        .filter(voucher::Column::CodeHash.eq(hash))
        .filter(voucher::Column::TenantId.eq(tenant.0))
        .filter(voucher::Column::RunId.eq(run))
        .filter(voucher::Column::UsedAt.is_null())
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Records a shop order once: false if the order id was already seen (idempotency).
pub async fn record_order(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    m: shop_order::Model,
) -> Result<bool> {
    let res = shop_order::Entity::insert(shop_order::ActiveModel {
        tenant_id: Set(tenant.0),
        order_id: Set(m.order_id),
        run_id: Set(m.run_id),
        email: Set(m.email),
        user_id: Set(m.user_id),
        created_at: Set(m.created_at),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            shop_order::Column::TenantId,
            shop_order::Column::OrderId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .do_nothing()
    .exec(c)
    .await
    .db()?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(_)))
}

/// Whether an address bought a run (an order not yet attached to an account counts).
pub async fn has_order(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    email: &str,
) -> Result<bool> {
    Ok(shop_order::Entity::find()
        .filter(shop_order::Column::TenantId.eq(tenant.0))
        .filter(shop_order::Column::RunId.eq(run))
        .filter(shop_order::Column::Email.eq(email))
        .one(c)
        .await
        .db()?
        .is_some())
}

/// A recipient of a run-wide message.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Recipient {
    /// Enrolment id (the keyset cursor).
    pub id: Uuid,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Preferred language.
    pub locale: Option<String>,
}

/// Active members of a run with their address, a page at a time in enrolment order.
pub async fn recipients(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Recipient>> {
    let mut sel = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::Id)
        .column_as(Expr::col((user::Entity, user::Column::Email)), "email")
        .column_as(Expr::col((user::Entity, user::Column::Name)), "name")
        .column_as(Expr::col((user::Entity, user::Column::Locale)), "locale")
        .join(
            JoinType::InnerJoin,
            enrolment::Entity::belongs_to(user::Entity)
                .from(enrolment::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::Status.eq(ACTIVE))
        .filter(Expr::col((user::Entity, user::Column::Active)).eq(true))
        .order_by_asc(enrolment::Column::Id);
    if let Some(a) = after {
        sel = sel.filter(enrolment::Column::Id.gt(a));
    }
    sel.limit(limit).into_model::<Recipient>().all(c).await.db()
}

/// Active learner enrolments of a run after a cursor, in id order (batch jobs).
pub async fn page_of_run(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<enrolment::Model>> {
    let mut q = enrolment::Entity::find()
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::Status.eq(ACTIVE))
        .filter(enrolment::Column::Role.eq("learner"))
        .order_by_asc(enrolment::Column::Id);
    if let Some(a) = after {
        q = q.filter(enrolment::Column::Id.gt(a));
    }
    q.limit(limit).all(c).await.db()
}

#[cfg(test)]
mod tests {
    use super::unpack_progress;
    use uuid::Uuid;

    #[test]
    fn packed_progress_reads_both_backends_forms() {
        let a = Uuid::parse_str("0b6f3f3e-8a0c-4c8e-9f51-2d7e1c9a4b10").unwrap();
        let b = Uuid::parse_str("f00dfeed-0000-4000-8000-000000000001").unwrap();
        // No progress: the aggregate is NULL, read as "".
        assert!(unpack_progress("").unwrap().is_empty());
        // PostgreSQL: hyphenated text; SQLite: hex of the 16-byte blob, upper case.
        let packed = format!(
            "{a}:completed,{}:viewed",
            b.simple().to_string().to_uppercase()
        );
        assert_eq!(
            unpack_progress(&packed).unwrap(),
            vec![(a, "completed".to_owned()), (b, "viewed".to_owned())]
        );
    }

    #[test]
    fn packed_progress_refuses_what_it_cannot_read() {
        assert!(unpack_progress("not-a-uuid:viewed").is_err());
        assert!(unpack_progress("0b6f3f3e8a0c4c8e9f512d7e1c9a4b10").is_err());
    }
}
