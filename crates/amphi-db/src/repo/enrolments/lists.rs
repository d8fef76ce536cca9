//! The people of a run as the course team sees them (filtered, keyset-paginated) and the
//! recipients of a run-wide message.

use crate::entities::{enrolment, user};
use crate::repo::Page;
use crate::{dialect, DbResultExt};
use amphi_core::course::EnrolmentStatus;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

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

impl LearnerRow {
    /// Where the enrolment stands (active or waiting); an unknown stored name is an internal
    /// error.
    pub fn status(&self) -> Result<EnrolmentStatus> {
        crate::stored::stored("enrolments.status", &self.status)
    }
}

/// Filters of the learner list.
#[derive(Debug, Clone, Default)]
pub struct LearnerQuery {
    /// Words in name or email.
    pub search: Option<String>,
    /// Only this role.
    pub role: Option<String>,
    /// Only this status.
    pub status: Option<EnrolmentStatus>,
    /// Only those who completed everything (true) or not (false).
    pub completed: Option<bool>,
    /// Only those whose course grade passes, fails, or is not there yet.
    pub graded: Option<GradeFilter>,
    /// Only enrolments changed after this time, removed ones included (membership
    /// differences); without it, removed enrolments are left out.
    pub changed_since: Option<DateTime<Utc>>,
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

/// Enrolments joined to their person, whose columns a select may then name.
fn with_person() -> Select<enrolment::Entity> {
    enrolment::Entity::find().join(
        JoinType::InnerJoin,
        enrolment::Entity::belongs_to(user::Entity)
            .from(enrolment::Column::UserId)
            .to(user::Column::Id)
            .into(),
    )
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
    let mut sel = with_person()
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
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::RunId.eq(run))
        .order_by_asc(enrolment::Column::Id);
    sel = match q.changed_since {
        Some(t) => sel.filter(enrolment::Column::UpdatedAt.gt(t)),
        None => sel.filter(enrolment::Column::Status.ne(EnrolmentStatus::Removed.as_str())),
    };
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
    let items = sel
        .limit(limit + 1)
        .into_model::<LearnerRow>()
        .all(c)
        .await
        .db()?;
    Ok(Page::of(items, limit, |x| x.id))
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
    let mut sel = with_person()
        .select_only()
        .column(enrolment::Column::Id)
        .column_as(Expr::col((user::Entity, user::Column::Email)), "email")
        .column_as(Expr::col((user::Entity, user::Column::Name)), "name")
        .column_as(Expr::col((user::Entity, user::Column::Locale)), "locale")
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::Active.as_str()))
        .filter(Expr::col((user::Entity, user::Column::Active)).eq(true))
        .order_by_asc(enrolment::Column::Id);
    if let Some(a) = after {
        sel = sel.filter(enrolment::Column::Id.gt(a));
    }
    sel.limit(limit).into_model::<Recipient>().all(c).await.db()
}
