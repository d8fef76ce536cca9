//! Peer assessment: allocation keys, review assignments, reviews, flags, grade overrides and
//! the grades computed from reviews. Every function takes the tenant scope.

use crate::entities::{grade_override, peer_assignment, peer_review, review_flag, submission};
use crate::DbResultExt;
use amphi_core::assessment::{FlagStatus, SubmissionStatus};
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// Rows per multi-row INSERT: well under PostgreSQL's 65,535 bound parameters.
pub const INSERT_CHUNK: usize = 1000;

/// What allocation needs of one submission: id, author, when, extra reviews offered.
pub type SubmissionKey = (Uuid, Uuid, Option<DateTime<Utc>>, i32);

/// Every handed-in submission of an item, as allocation keys (one query, four columns).
pub async fn submission_keys(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
) -> Result<Vec<SubmissionKey>> {
    submission::Entity::find()
        .select_only()
        .column(submission::Column::Id)
        .column(submission::Column::UserId)
        .column(submission::Column::SubmittedAt)
        .column(submission::Column::ExtraReviews)
        .filter(submission::Column::ItemId.eq(item))
        .filter(submission::Column::Status.eq(SubmissionStatus::Submitted.as_str()))
        .filter(submission::Column::TenantId.eq(tenant.0))
        .into_tuple()
        .all(c)
        .await
        .db()
}

/// A pair (submission, reviewer) and when it was completed.
pub type AssignmentKey = (Uuid, Uuid, Option<DateTime<Utc>>);

/// Every peer-review assignment of an item (one query, three columns).
pub async fn assignment_keys(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
) -> Result<Vec<AssignmentKey>> {
    peer_assignment::Entity::find()
        .select_only()
        .column(peer_assignment::Column::SubmissionId)
        .column(peer_assignment::Column::ReviewerId)
        .column(peer_assignment::Column::CompletedAt)
        .filter(peer_assignment::Column::ItemId.eq(item))
        .filter(peer_assignment::Column::TenantId.eq(tenant.0))
        .into_tuple()
        .all(c)
        .await
        .db()
}

/// Rows per `INSERT … SELECT FROM UNNEST(…)` on PostgreSQL: three array parameters per
/// statement whatever its size.
pub const UNNEST_CHUNK: usize = 20_000;

/// New peer-review assignments of one item, all given at `assigned_at`: `(submission,
/// reviewer)` pairs. Returns how many were inserted.
///
/// On PostgreSQL the rows go in as three arrays (`INSERT … SELECT FROM UNNEST`): a multi-row
/// `VALUES` of 1,000 rows has 7,000 parameters to bind and a statement to plan each time, and
/// took about twice as long for 300,000 rows. On SQLite, where a statement costs no round
/// trip, multi-row statements of [`INSERT_CHUNK`] rows.
pub async fn insert_assignments(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    assigned_at: DateTime<Utc>,
    pairs: &[(Uuid, Uuid)],
) -> Result<usize> {
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        for chunk in pairs.chunks(UNNEST_CHUNK) {
            let ids: Vec<Uuid> = chunk.iter().map(|_| Uuid::now_v7()).collect();
            let subs: Vec<Uuid> = chunk.iter().map(|p| p.0).collect();
            let reviewers: Vec<Uuid> = chunk.iter().map(|p| p.1).collect();
            c.execute(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "INSERT INTO peer_assignments \
                 (id, tenant_id, item_id, submission_id, reviewer_id, assigned_at, completed_at) \
                 SELECT a.id, $1, $2, a.submission_id, a.reviewer_id, $3, NULL \
                 FROM UNNEST($4::uuid[], $5::uuid[], $6::uuid[]) AS a(id, submission_id, reviewer_id)",
                [
                    tenant.0.into(),
                    item.into(),
                    assigned_at.into(),
                    ids.into(),
                    subs.into(),
                    reviewers.into(),
                ],
            ))
            .await
            .db()?;
        }
        return Ok(pairs.len());
    }
    for chunk in pairs.chunks(INSERT_CHUNK) {
        let rows = chunk.iter().map(|&(submission_id, reviewer_id)| {
            peer_assignment::ActiveModel::from(peer_assignment::Model {
                id: Uuid::now_v7(),
                tenant_id: tenant.0,
                item_id: item,
                submission_id,
                reviewer_id,
                assigned_at,
                completed_at: None,
            })
        });
        peer_assignment::Entity::insert_many(rows)
            .exec_without_returning(c)
            .await
            .db()?;
    }
    Ok(pairs.len())
}

/// A reviewer's assignments in an item, oldest first (index reviewer, item).
pub async fn my_assignments(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    reviewer: Uuid,
) -> Result<Vec<peer_assignment::Model>> {
    peer_assignment::Entity::find()
        .filter(peer_assignment::Column::ReviewerId.eq(reviewer))
        .filter(peer_assignment::Column::ItemId.eq(item))
        .filter(peer_assignment::Column::TenantId.eq(tenant.0))
        .order_by_asc(peer_assignment::Column::AssignedAt)
        .order_by_asc(peer_assignment::Column::Id)
        .all(c)
        .await
        .db()
}

/// The assignment of `reviewer` to `submission`, if any.
pub async fn assignment(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    submission: Uuid,
    reviewer: Uuid,
) -> Result<Option<peer_assignment::Model>> {
    peer_assignment::Entity::find()
        .filter(peer_assignment::Column::ReviewerId.eq(reviewer))
        .filter(peer_assignment::Column::SubmissionId.eq(submission))
        .filter(peer_assignment::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// Marks an assignment done; false if it already was (a double submission).
pub async fn complete_assignment(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = peer_assignment::Entity::update_many()
        .col_expr(peer_assignment::Column::CompletedAt, Expr::value(now))
        .filter(peer_assignment::Column::Id.eq(id))
        .filter(peer_assignment::Column::TenantId.eq(tenant.0))
        .filter(peer_assignment::Column::CompletedAt.is_null())
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Inserts a review (unique per submission and reviewer: a second one is a conflict).
pub async fn insert_review(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: peer_review::Model,
) -> Result<peer_review::Model> {
    m.tenant_id = tenant.0;
    let am: peer_review::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// The reviews of one submission, oldest first.
pub async fn reviews_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    submission: Uuid,
) -> Result<Vec<peer_review::Model>> {
    peer_review::Entity::find()
        .filter(peer_review::Column::SubmissionId.eq(submission))
        .filter(peer_review::Column::TenantId.eq(tenant.0))
        .order_by_asc(peer_review::Column::Id)
        .all(c)
        .await
        .db()
}

/// One review.
pub async fn review(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    id: Uuid,
) -> Result<Option<peer_review::Model>> {
    peer_review::Entity::find_by_id(id)
        .filter(peer_review::Column::ItemId.eq(item))
        .filter(peer_review::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// A review's score, whether it is a self-assessment and whether staff excluded it.
pub type ReviewKey = (Uuid, Uuid, f64, bool, bool);

/// Every review of an item: (submission, reviewer, score, is_self, excluded).
pub async fn review_keys(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
) -> Result<Vec<ReviewKey>> {
    peer_review::Entity::find()
        .select_only()
        .column(peer_review::Column::SubmissionId)
        .column(peer_review::Column::ReviewerId)
        .column(peer_review::Column::Score)
        .column(peer_review::Column::IsSelf)
        .column(peer_review::Column::Excluded)
        .filter(peer_review::Column::ItemId.eq(item))
        .filter(peer_review::Column::TenantId.eq(tenant.0))
        .into_tuple()
        .all(c)
        .await
        .db()
}

/// Sets whether a review counts.
pub async fn exclude_review(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    excluded: bool,
) -> Result<()> {
    peer_review::Entity::update_many()
        .col_expr(peer_review::Column::Excluded, Expr::value(excluded))
        .filter(peer_review::Column::Id.eq(id))
        .filter(peer_review::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Inserts a flag (unique per review and person).
pub async fn insert_flag(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: review_flag::Model,
) -> Result<review_flag::Model> {
    m.tenant_id = tenant.0;
    let am: review_flag::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// Open flags of an item, oldest first.
pub async fn open_flags(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    limit: u64,
) -> Result<Vec<review_flag::Model>> {
    review_flag::Entity::find()
        .filter(review_flag::Column::ItemId.eq(item))
        .filter(review_flag::Column::Status.eq(FlagStatus::Open.as_str()))
        .filter(review_flag::Column::TenantId.eq(tenant.0))
        .order_by_asc(review_flag::Column::Id)
        .limit(limit)
        .all(c)
        .await
        .db()
}

/// Flags raised by a person on the reviews of one submission.
pub async fn flags_by(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    user: Uuid,
) -> Result<Vec<review_flag::Model>> {
    review_flag::Entity::find()
        .filter(review_flag::Column::ItemId.eq(item))
        .filter(review_flag::Column::FlaggedBy.eq(user))
        .filter(review_flag::Column::TenantId.eq(tenant.0))
        .all(c)
        .await
        .db()
}

/// One flag.
pub async fn flag(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    id: Uuid,
) -> Result<Option<review_flag::Model>> {
    review_flag::Entity::find_by_id(id)
        .filter(review_flag::Column::ItemId.eq(item))
        .filter(review_flag::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// Resolves an open flag; false if it was not open any more.
pub async fn resolve_flag(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    status: FlagStatus,
    resolution: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = review_flag::Entity::update_many()
        .col_expr(review_flag::Column::Status, Expr::value(status.as_str()))
        .col_expr(review_flag::Column::Resolution, Expr::value(resolution))
        .col_expr(review_flag::Column::ResolvedBy, Expr::value(by))
        .col_expr(review_flag::Column::ResolvedAt, Expr::value(now))
        .filter(review_flag::Column::Id.eq(id))
        .filter(review_flag::Column::TenantId.eq(tenant.0))
        .filter(review_flag::Column::Status.eq(FlagStatus::Open.as_str()))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Records a grade override.
pub async fn insert_override(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: grade_override::Model,
) -> Result<grade_override::Model> {
    m.tenant_id = tenant.0;
    let am: grade_override::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// Sets the computed grade of one submission (without points, it waits for the course team)
/// unless the course team set one (override or staff grade) meanwhile.
pub async fn set_peer_grade(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    g: PeerGrade,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = submission::Entity::update_many()
        .col_expr(submission::Column::RawPoints, Expr::value(g.raw))
        .col_expr(submission::Column::Penalty, Expr::value(g.penalty))
        .col_expr(submission::Column::Points, Expr::value(g.points))
        .col_expr(
            submission::Column::NeedsStaff,
            Expr::value(g.points.is_none()),
        )
        .col_expr(
            submission::Column::GradeSource,
            Expr::value(g.points.map(|_| "peer".to_owned())),
        )
        .col_expr(
            submission::Column::GradedAt,
            Expr::value(g.points.map(|_| now)),
        )
        .col_expr(submission::Column::UpdatedAt, Expr::value(now))
        .filter(submission::Column::Id.eq(g.id))
        .filter(submission::Column::TenantId.eq(tenant.0))
        .filter(submission::Column::OverridePoints.is_null())
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Holds an item's row lock until the transaction ends (PostgreSQL: `FOR UPDATE`; SQLite's
/// single writer already serialises), so two allocation runs of one item never overlap.
pub async fn lock_item(c: &impl ConnectionTrait, tenant: TenantId, item: Uuid) -> Result<()> {
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        c.execute(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT id FROM course_items WHERE id = $1 AND tenant_id = $2 FOR UPDATE",
            [item.into(), tenant.0.into()],
        ))
        .await
        .db()?;
    }
    Ok(())
}

/// A computed peer grade to store.
#[derive(Debug, Clone, Copy)]
pub struct PeerGrade {
    /// The submission.
    pub id: Uuid,
    /// The peers' aggregate.
    pub raw: Option<f64>,
    /// Points taken off.
    pub penalty: f64,
    /// The grade; None puts the submission in the staff queue.
    pub points: Option<f64>,
}

/// Stores many computed grades in one statement per call (callers pass a few hundred): a
/// `CASE id WHEN …` per column, for submissions whose grade the course team did not set.
/// Returns the rows changed.
pub async fn set_peer_grades(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    grades: &[PeerGrade],
    max_points: f64,
    now: DateTime<Utc>,
) -> Result<u64> {
    if grades.is_empty() {
        return Ok(0);
    }
    let backend = c.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(grades.len() * 13 + 2);
    let bind = |v: sea_orm::Value, values: &mut Vec<sea_orm::Value>| -> String {
        values.push(v);
        match backend {
            sea_orm::DbBackend::Postgres => format!("${}", values.len()),
            _ => "?".to_owned(),
        }
    };
    let mut sql = String::from("UPDATE submissions SET ");
    type Col = (
        &'static str,
        fn(&PeerGrade, DateTime<Utc>) -> sea_orm::Value,
    );
    let cols: [Col; 6] = [
        ("raw_points", |g, _| g.raw.into()),
        ("penalty", |g, _| g.penalty.into()),
        ("points", |g, _| g.points.into()),
        ("needs_staff", |g, _| g.points.is_none().into()),
        ("grade_source", |g, _| {
            g.points.map(|_| "peer".to_owned()).into()
        }),
        ("graded_at", |g, now| g.points.map(|_| now).into()),
    ];
    for (name, value) in cols {
        sql.push_str(name);
        sql.push_str(" = CASE id");
        for g in grades {
            let a = bind(g.id.into(), &mut values);
            let b = bind(value(g, now), &mut values);
            sql.push_str(&format!(" WHEN {a} THEN {b}"));
        }
        sql.push_str(" END, ");
    }
    let u = bind(now.into(), &mut values);
    let mx = bind(max_points.into(), &mut values);
    let t = bind(tenant.0.into(), &mut values);
    sql.push_str(&format!(
        "updated_at = {u}, max_points = {mx} WHERE tenant_id = {t} AND override_points IS NULL AND id IN ("
    ));
    for (i, g) in grades.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        let p = bind(g.id.into(), &mut values);
        sql.push_str(&p);
    }
    sql.push(')');
    let r = c
        .execute(sea_orm::Statement::from_sql_and_values(
            backend, sql, values,
        ))
        .await
        .db()?;
    Ok(r.rows_affected())
}
