//! Courses and their runs (editions), always within one tenant.

use crate::entities::{course, course_run};
use crate::repo::update_of_tenant;
use crate::repo::Page;
use crate::shape::Shape;
use crate::{dialect, DbResultExt};
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// Inserts a course.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: course::Model,
) -> Result<course::Model> {
    m.tenant_id = tenant.0;
    let am: course::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// A course of this tenant.
pub async fn by_id(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<course::Model>> {
    course::Entity::find_by_id(id)
        .filter(course::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// A course of this tenant by its code.
pub async fn by_code(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    code: &str,
) -> Result<Option<course::Model>> {
    course::Entity::find()
        .filter(course::Column::TenantId.eq(tenant.0))
        .filter(course::Column::Code.eq(code))
        .one(c)
        .await
        .db()
}

/// Saves the fields in which `new` differs from `old` (a course of the tenant as the caller
/// read it).
pub async fn update(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    old: &course::Model,
    new: &course::Model,
) -> Result<course::Model> {
    update_of_tenant::<_, course::ActiveModel>(c, tenant, old.tenant_id, old, new).await
}

/// Inserts a run.
pub async fn insert_run(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: course_run::Model,
) -> Result<course_run::Model> {
    m.tenant_id = tenant.0;
    let am: course_run::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// A run of this tenant.
pub async fn run(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<course_run::Model>> {
    static SHAPE: Shape = Shape::new();
    SHAPE
        .one(c, &[id.into(), tenant.0.into()], |p| {
            course_run::Entity::find()
                .filter(course_run::Column::Id.eq(p[0].clone()))
                .filter(course_run::Column::TenantId.eq(p[1].clone()))
                .limit(1)
        })
        .await
        .db()
}

/// Saves the fields in which `new` differs from `old` (a run of the tenant as the caller read
/// it).
pub async fn update_run(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    old: &course_run::Model,
    new: &course_run::Model,
) -> Result<course_run::Model> {
    update_of_tenant::<_, course_run::ActiveModel>(c, tenant, old.tenant_id, old, new).await
}

/// The runs of a course, newest start first.
pub async fn runs_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course: Uuid,
) -> Result<Vec<course_run::Model>> {
    course_run::Entity::find()
        .filter(course_run::Column::TenantId.eq(tenant.0))
        .filter(course_run::Column::CourseId.eq(course))
        .order_by_desc(course_run::Column::CreatedAt)
        .all(c)
        .await
        .db()
}

/// Marks the run's structure changed (bumps `updated_at`, the key of structure caches) and
/// sets its published item count.
pub async fn touch_run(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    item_count: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut q = course_run::Entity::update_many()
        .col_expr(course_run::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            course_run::Column::Version,
            Expr::col(course_run::Column::Version).add(1),
        )
        .filter(course_run::Column::Id.eq(run))
        .filter(course_run::Column::TenantId.eq(tenant.0));
    if let Some(n) = item_count {
        q = q.col_expr(course_run::Column::ItemCount, Expr::value(n));
    }
    q.exec(c).await.db()?;
    Ok(())
}

/// Bumps the run's version alone: its gradebook scheme changed (`repo::grades`), which the
/// scheme cache keys on, as the structure cache does.
pub async fn bump_version(c: &impl ConnectionTrait, tenant: TenantId, run: Uuid) -> Result<()> {
    course_run::Entity::update_many()
        .col_expr(
            course_run::Column::Version,
            Expr::col(course_run::Column::Version).add(1),
        )
        .filter(course_run::Column::Id.eq(run))
        .filter(course_run::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Bumps the version of every run of a course (course pages are cached with the run).
pub async fn touch_course_runs(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    course_run::Entity::update_many()
        .col_expr(course_run::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            course_run::Column::Version,
            Expr::col(course_run::Column::Version).add(1),
        )
        .filter(course_run::Column::CourseId.eq(course))
        .filter(course_run::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Adds `delta` to the run's enrolled and waiting counters.
pub async fn bump_counts(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    enrolled: i64,
    waiting: i64,
) -> Result<()> {
    course_run::Entity::update_many()
        .col_expr(
            course_run::Column::EnrolledCount,
            Expr::col(course_run::Column::EnrolledCount).add(enrolled),
        )
        .col_expr(
            course_run::Column::WaitingCount,
            Expr::col(course_run::Column::WaitingCount).add(waiting),
        )
        .filter(course_run::Column::Id.eq(run))
        .filter(course_run::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Takes one seat if the run has room: true when taken. The check and the increment are one
/// statement, so concurrent enrolments cannot overfill a run.
pub async fn take_seat(c: &impl ConnectionTrait, tenant: TenantId, run: Uuid) -> Result<bool> {
    let r = course_run::Entity::update_many()
        .col_expr(
            course_run::Column::EnrolledCount,
            Expr::col(course_run::Column::EnrolledCount).add(1),
        )
        .filter(course_run::Column::Id.eq(run))
        .filter(course_run::Column::TenantId.eq(tenant.0))
        .filter(
            Condition::any()
                .add(course_run::Column::Capacity.is_null())
                .add(
                    Expr::col(course_run::Column::EnrolledCount)
                        .lt(Expr::col(course_run::Column::Capacity)),
                ),
        )
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Filters of the catalog.
#[derive(Debug, Clone, Default)]
pub struct CatalogQuery {
    /// Words to find in title or summary.
    pub words: Option<String>,
    /// `mooc`, `spoc` or `cooc`.
    pub format: Option<String>,
    /// Course language.
    pub language: Option<String>,
    /// Only courses with a run open for enrolment now.
    pub open_now: bool,
    /// Only courses with a run starting within this window from now.
    pub starting_before: Option<DateTime<Utc>>,
}

/// Listed courses of a tenant that have at least one published run, filtered and searched,
/// keyset-paginated by id.
pub async fn catalog(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    q: &CatalogQuery,
    now: DateTime<Utc>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<course::Model>> {
    let backend = c.get_database_backend();
    let mut cond = Condition::all()
        .add(course::Column::TenantId.eq(tenant.0))
        .add(course::Column::Visibility.eq("listed"));
    if let Some(f) = &q.format {
        cond = cond.add(course::Column::Format.eq(f.as_str()));
    }
    if let Some(l) = &q.language {
        cond = cond.add(course::Column::Language.eq(l.as_str()));
    }
    if let Some(words) = q.words.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        if let Some(e) = dialect::course_search(backend, words) {
            cond = cond.add(e);
        } else {
            return Ok(Page {
                items: vec![],
                next: None,
            });
        }
    }
    // Runs that make the course worth showing.
    let mut f = dialect::Fragment::new(backend);
    let published = f.bind(true);
    let mut run_cond = format!("r.course_id = courses.id AND r.published = {published}");
    if q.open_now {
        let (a, b, c) = (f.bind(now), f.bind(now), f.bind(now));
        run_cond.push_str(&format!(
            " AND (r.enrol_opens_at IS NULL OR r.enrol_opens_at <= {a}) AND (r.enrol_closes_at IS NULL OR r.enrol_closes_at > {b}) AND (r.ends_at IS NULL OR r.ends_at > {c})"
        ));
    } else {
        let a = f.bind(now);
        run_cond.push_str(&format!(" AND (r.ends_at IS NULL OR r.ends_at > {a})"));
    }
    if let Some(before) = q.starting_before {
        let (a, b) = (f.bind(now), f.bind(before));
        run_cond.push_str(&format!(" AND r.starts_at > {a} AND r.starts_at <= {b}"));
    }
    f.sql = format!("EXISTS (SELECT 1 FROM course_runs r WHERE {run_cond})");
    cond = cond.add(f.into_expr());
    let mut sel = course::Entity::find()
        .filter(cond)
        .order_by_asc(course::Column::Id);
    if let Some(a) = after {
        sel = sel.filter(course::Column::Id.gt(a));
    }
    let items = sel.limit(limit + 1).all(c).await.db()?;
    Ok(Page::of(items, limit, |x| x.id))
}

/// Courses of a tenant for its administrators, newest first.
pub async fn all(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<course::Model>> {
    let mut sel = course::Entity::find()
        .filter(course::Column::TenantId.eq(tenant.0))
        .order_by_desc(course::Column::Id);
    if let Some(a) = after {
        sel = sel.filter(course::Column::Id.lt(a));
    }
    let items = sel.limit(limit + 1).all(c).await.db()?;
    Ok(Page::of(items, limit, |x| x.id))
}

/// Published runs of these courses (for catalog cards), soonest first.
pub async fn published_runs_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    courses: &[Uuid],
) -> Result<Vec<course_run::Model>> {
    if courses.is_empty() {
        return Ok(vec![]);
    }
    course_run::Entity::find()
        .filter(course_run::Column::TenantId.eq(tenant.0))
        .filter(course_run::Column::CourseId.is_in(courses.iter().copied()))
        .filter(course_run::Column::Published.eq(true))
        .order_by_asc(course_run::Column::StartsAt)
        .all(c)
        .await
        .db()
}

/// Courses by ids (for dashboards).
pub async fn by_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[Uuid],
) -> Result<Vec<course::Model>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    course::Entity::find()
        .filter(course::Column::TenantId.eq(tenant.0))
        .filter(course::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await
        .db()
}

/// Runs by ids.
pub async fn runs_by_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[Uuid],
) -> Result<Vec<course_run::Model>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    course_run::Entity::find()
        .filter(course_run::Column::TenantId.eq(tenant.0))
        .filter(course_run::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await
        .db()
}
