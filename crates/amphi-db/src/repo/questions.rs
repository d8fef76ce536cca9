//! The question bank of a course.

use crate::entities::question;
use crate::repo::Page;
use crate::DbResultExt;
use amphi_core::{Result, TenantId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Inserts questions in multi-row statements (one import is one transaction).
pub async fn insert_many(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<question::Model>,
) -> Result<()> {
    crate::repo::insert_many_of_tenant(c, tenant, question::Column::TenantId, rows, 200).await
}

/// Questions of a course, by category then creation, keyset-paginated by id within the list.
pub async fn list(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course: Uuid,
    category: Option<&str>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<question::Model>> {
    let mut sel = question::Entity::find()
        .filter(question::Column::TenantId.eq(tenant.0))
        .filter(question::Column::CourseId.eq(course))
        .order_by_asc(question::Column::Id);
    if let Some(cat) = category.filter(|c| !c.is_empty()) {
        sel = sel.filter(question::Column::Category.eq(cat));
    }
    if let Some(a) = after {
        sel = sel.filter(question::Column::Id.gt(a));
    }
    let items = sel.limit(limit + 1).all(c).await.db()?;
    Ok(Page::of(items, limit, |x| x.id))
}

/// What the quiz's question picker looks for: any of category, type and words of the title.
#[derive(Debug, Clone, Default)]
pub struct Search<'a> {
    /// Exact category path.
    pub category: Option<&'a str>,
    /// Question type (`single_choice`, …).
    pub kind: Option<&'a str>,
    /// Words of the title, case-insensitive.
    pub text: Option<&'a str>,
}

/// Questions of a course matching `s`, by category then id; at most `limit` (the second value
/// says whether there were more).
pub async fn search(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course: Uuid,
    s: &Search<'_>,
    limit: u64,
) -> Result<(Vec<question::Model>, bool)> {
    use sea_orm::sea_query::{Expr, Func, LikeExpr};
    let mut sel = question::Entity::find()
        .filter(question::Column::TenantId.eq(tenant.0))
        .filter(question::Column::CourseId.eq(course))
        .order_by_asc(question::Column::Category)
        .order_by_asc(question::Column::Id);
    if let Some(cat) = s.category {
        sel = sel.filter(question::Column::Category.eq(cat));
    }
    if let Some(k) = s.kind.filter(|k| !k.is_empty()) {
        sel = sel.filter(question::Column::Kind.eq(k));
    }
    if let Some(t) = s.text.map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", crate::dialect::like_escape(&t.to_lowercase()));
        sel = sel.filter(
            Expr::expr(Func::lower(Expr::col((
                question::Entity,
                question::Column::Title,
            ))))
            .like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    let mut items = sel.limit(limit + 1).all(c).await.db()?;
    let more = items.len() as u64 > limit;
    items.truncate(limit as usize);
    Ok((items, more))
}

/// Every question of a course (export), in creation order.
pub async fn all(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course: Uuid,
) -> Result<Vec<question::Model>> {
    question::Entity::find()
        .filter(question::Column::TenantId.eq(tenant.0))
        .filter(question::Column::CourseId.eq(course))
        .order_by_asc(question::Column::Id)
        .all(c)
        .await
        .db()
}

/// The categories in use, with how many questions each.
pub async fn categories(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course: Uuid,
) -> Result<Vec<(String, i64)>> {
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        category: String,
        n: i64,
    }
    let rows = question::Entity::find()
        .select_only()
        .column(question::Column::Category)
        .column_as(question::Column::Id.count(), "n")
        .filter(question::Column::TenantId.eq(tenant.0))
        .filter(question::Column::CourseId.eq(course))
        .group_by(question::Column::Category)
        .order_by_asc(question::Column::Category)
        .into_model::<Row>()
        .all(c)
        .await
        .db()?;
    Ok(rows.into_iter().map(|r| (r.category, r.n)).collect())
}

/// Deletes one question of a course; false if it was not there.
pub async fn delete(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course: Uuid,
    id: Uuid,
) -> Result<bool> {
    let r = question::Entity::delete_many()
        .filter(question::Column::TenantId.eq(tenant.0))
        .filter(question::Column::CourseId.eq(course))
        .filter(question::Column::Id.eq(id))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// Some questions of a course by id (any order).
pub async fn by_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course: Uuid,
    ids: &[Uuid],
) -> Result<Vec<question::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    question::Entity::find()
        .filter(question::Column::TenantId.eq(tenant.0))
        .filter(question::Column::CourseId.eq(course))
        .filter(question::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await
        .db()
}

/// The ids of a course's questions in one category, in id order (index
/// `questions_course_category`).
pub async fn ids_in_category(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course: Uuid,
    category: &str,
) -> Result<Vec<Uuid>> {
    use sea_orm::QuerySelect;
    question::Entity::find()
        .select_only()
        .column(question::Column::Id)
        .filter(question::Column::TenantId.eq(tenant.0))
        .filter(question::Column::CourseId.eq(course))
        .filter(question::Column::Category.eq(category))
        .order_by_asc(question::Column::Id)
        .into_tuple::<Uuid>()
        .all(c)
        .await
        .db()
}
