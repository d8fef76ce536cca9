//! Work handed in to assignments and peer assessments: one submission per learner and item,
//! the grading queue, the authors' names, and the files attached. Every function takes the
//! tenant scope.

use crate::entities::{stored_file, submission, submission_file, user};
use crate::repo::Page;
use crate::DbResultExt;
use amphi_core::assessment::SubmissionStatus;
use amphi_core::{Result, TenantId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// A learner's submission to an item.
pub async fn submission_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    user: Uuid,
) -> Result<Option<submission::Model>> {
    submission::Entity::find()
        .filter(submission::Column::ItemId.eq(item))
        .filter(submission::Column::UserId.eq(user))
        .filter(submission::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// Which of `items` the learner has handed work in to (one query, for the dashboard's
/// deadlines).
pub async fn submitted_among(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: Uuid,
    items: &[Uuid],
) -> Result<Vec<Uuid>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Uuid> = submission::Entity::find()
        .select_only()
        .column(submission::Column::ItemId)
        .filter(submission::Column::TenantId.eq(tenant.0))
        .filter(submission::Column::UserId.eq(user))
        .filter(submission::Column::ItemId.is_in(items.iter().copied()))
        .filter(submission::Column::Status.eq(SubmissionStatus::Submitted.as_str()))
        .into_tuple()
        .all(c)
        .await
        .db()?;
    Ok(rows)
}

/// One submission of an item.
pub async fn submission(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    id: Uuid,
) -> Result<Option<submission::Model>> {
    submission::Entity::find_by_id(id)
        .filter(submission::Column::ItemId.eq(item))
        .filter(submission::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// Inserts a submission.
pub async fn insert_submission(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut m: submission::Model,
) -> Result<submission::Model> {
    m.tenant_id = tenant.0;
    let am: submission::ActiveModel = m.into();
    am.insert(c).await.db()
}

/// Saves a changed submission of the tenant (another tenant's is not found).
pub async fn save_submission(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    m: submission::Model,
) -> Result<submission::Model> {
    submission::Entity::update(m.into_active_model().reset_all())
        .filter(submission::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .map_err(super::unwritten_is_not_found)
}

/// Which submissions the grading queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueFilter {
    /// Handed in, not graded yet.
    Ungraded,
    /// Graded.
    Graded,
    /// Handed in late.
    Late,
    /// Waiting for the course team (peer assessment without enough reviews).
    Staff,
    /// Every handed-in submission.
    All,
}

/// A page of an item's handed-in submissions in id order (one indexed query).
pub async fn queue(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    filter: QueueFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<submission::Model>> {
    let mut q = submission::Entity::find()
        .filter(submission::Column::ItemId.eq(item))
        .filter(submission::Column::Status.eq(SubmissionStatus::Submitted.as_str()))
        .filter(submission::Column::TenantId.eq(tenant.0));
    q = match filter {
        QueueFilter::Ungraded => q.filter(submission::Column::GradedAt.is_null()),
        QueueFilter::Graded => q.filter(submission::Column::GradedAt.is_not_null()),
        QueueFilter::Late => q.filter(submission::Column::LateDays.gt(0)),
        QueueFilter::Staff => q.filter(submission::Column::NeedsStaff.eq(true)),
        QueueFilter::All => q,
    };
    if let Some(a) = after {
        q = q.filter(submission::Column::Id.gt(a));
    }
    let items = q
        .order_by_asc(submission::Column::Id)
        .limit(limit + 1)
        .all(c)
        .await
        .db()?;
    Ok(Page::of(items, limit, |s| s.id))
}

/// Every handed-in submission of an item.
pub async fn submissions_of_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
) -> Result<Vec<submission::Model>> {
    submission::Entity::find()
        .filter(submission::Column::ItemId.eq(item))
        .filter(submission::Column::Status.eq(SubmissionStatus::Submitted.as_str()))
        .filter(submission::Column::TenantId.eq(tenant.0))
        .all(c)
        .await
        .db()
}

/// The accounts of some people of a tenant (authors in a grading queue page).
pub async fn people(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[Uuid],
) -> Result<Vec<user::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant.0))
        .filter(user::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await
        .db()
}

/// The files of a submission, in the order they were added.
pub async fn files_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    submission: Uuid,
) -> Result<Vec<stored_file::Model>> {
    let links = submission_file::Entity::find()
        .filter(submission_file::Column::SubmissionId.eq(submission))
        .filter(submission_file::Column::TenantId.eq(tenant.0))
        .order_by_asc(submission_file::Column::Position)
        .all(c)
        .await
        .db()?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = links.iter().map(|l| l.file_id).collect();
    let mut rows = stored_file::Entity::find()
        .filter(stored_file::Column::TenantId.eq(tenant.0))
        .filter(stored_file::Column::Id.is_in(ids.clone()))
        .all(c)
        .await
        .db()?;
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    Ok(rows)
}

/// Records an uploaded file and attaches it to a submission at `position`.
pub async fn attach_file(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    file: stored_file::Model,
    submission: Uuid,
    position: i32,
) -> Result<()> {
    let file_id = file.id;
    stored_file::Entity::insert(stored_file::ActiveModel::from(file))
        .exec_without_returning(c)
        .await
        .db()?;
    let link = submission_file::Model {
        submission_id: submission,
        file_id,
        tenant_id: tenant.0,
        position,
    };
    submission_file::Entity::insert(submission_file::ActiveModel::from(link))
        .exec_without_returning(c)
        .await
        .db()?;
    Ok(())
}

/// The submission a stored file belongs to, within one item.
pub async fn submission_of_file(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: Uuid,
    file: Uuid,
) -> Result<Option<submission::Model>> {
    let Some(link) = submission_file::Entity::find()
        .filter(submission_file::Column::FileId.eq(file))
        .filter(submission_file::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()?
    else {
        return Ok(None);
    };
    submission(c, tenant, item, link.submission_id).await
}
