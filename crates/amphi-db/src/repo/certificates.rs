//! Certificates, their per-run settings and the tenant's certificate template.

use crate::entities::{certificate, certificate_run_setting, certificate_template};
use crate::repo::Page;
use crate::shape::Shape;
use crate::DbResultExt;
use amphi_core::certificate::CertificateStatus;
use amphi_core::{Result, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// The tenant's certificate template, if it has one.
pub async fn template(
    c: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Option<certificate_template::Model>> {
    certificate_template::Entity::find_by_id(tenant.0)
        .one(c)
        .await
        .db()
}

/// Creates or replaces the tenant's template.
pub async fn save_template(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut row: certificate_template::Model,
) -> Result<()> {
    row.tenant_id = tenant.0;
    let am: certificate_template::ActiveModel = row.into();
    certificate_template::Entity::insert(am)
        .on_conflict(
            OnConflict::column(certificate_template::Column::TenantId)
                .update_columns([
                    certificate_template::Column::Colour,
                    certificate_template::Column::ShowGrade,
                    certificate_template::Column::LogoKey,
                    certificate_template::Column::LogoFormat,
                    certificate_template::Column::Signatures,
                    certificate_template::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// The certificate settings of a run, if set.
pub async fn run_settings(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
) -> Result<Option<certificate_run_setting::Model>> {
    certificate_run_setting::Entity::find_by_id(run)
        .filter(certificate_run_setting::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// Creates or replaces the settings of a run of the tenant (the settings of another tenant's run
/// are left alone).
pub async fn save_run_settings(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut row: certificate_run_setting::Model,
) -> Result<()> {
    row.tenant_id = tenant.0;
    let am: certificate_run_setting::ActiveModel = row.into();
    certificate_run_setting::Entity::insert(am)
        .on_conflict(
            OnConflict::column(certificate_run_setting::Column::RunId)
                .update_columns([
                    certificate_run_setting::Column::Enabled,
                    certificate_run_setting::Column::MinCompletionPercent,
                    certificate_run_setting::Column::ShowGrade,
                    certificate_run_setting::Column::UpdatedAt,
                ])
                .action_and_where(
                    Expr::col((
                        certificate_run_setting::Entity,
                        certificate_run_setting::Column::TenantId,
                    ))
                    .eq(tenant.0),
                )
                .to_owned(),
        )
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// Inserts a certificate. A second valid one for the same learner and run is a conflict.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    mut row: certificate::Model,
) -> Result<()> {
    row.tenant_id = tenant.0;
    let am: certificate::ActiveModel = row.into();
    am.insert(c).await.db()?;
    Ok(())
}

/// A certificate of the tenant by id.
pub async fn by_id(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<certificate::Model>> {
    certificate::Entity::find_by_id(id)
        .filter(certificate::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// A certificate of the tenant by its verification code.
pub async fn by_code(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    code: &str,
) -> Result<Option<certificate::Model>> {
    certificate::Entity::find()
        .filter(certificate::Column::Code.eq(code))
        .filter(certificate::Column::TenantId.eq(tenant.0))
        .one(c)
        .await
        .db()
}

/// Every certificate of a learner in a run (a handful at most), newest first.
pub async fn of_learner(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    user: Uuid,
) -> Result<Vec<certificate::Model>> {
    // A learner's course home runs this: its SQL is rendered once.
    static SHAPE: Shape = Shape::new();
    SHAPE
        .all(c, &[run.into(), user.into(), tenant.0.into()], |p| {
            certificate::Entity::find()
                .filter(certificate::Column::RunId.eq(p[0].clone()))
                .filter(certificate::Column::UserId.eq(p[1].clone()))
                .filter(certificate::Column::TenantId.eq(p[2].clone()))
                .order_by_desc(certificate::Column::Id)
        })
        .await
        .db()
}

/// A person's certificates in every run (issued and revoked, not pending), newest first.
pub async fn of_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: Uuid,
) -> Result<Vec<certificate::Model>> {
    certificate::Entity::find()
        .filter(certificate::Column::UserId.eq(user))
        .filter(certificate::Column::TenantId.eq(tenant.0))
        .filter(certificate::Column::Status.ne(CertificateStatus::Pending.as_str()))
        .order_by_desc(certificate::Column::Id)
        .limit(500)
        .all(c)
        .await
        .db()
}

/// A run's certificates, keyset-paginated by id (newest first).
pub async fn list_for_run(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    status: Option<CertificateStatus>,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Page<certificate::Model>> {
    let mut sel = certificate::Entity::find()
        .filter(certificate::Column::RunId.eq(run))
        .filter(certificate::Column::TenantId.eq(tenant.0))
        .order_by_desc(certificate::Column::Id);
    if let Some(s) = status {
        sel = sel.filter(certificate::Column::Status.eq(s.as_str()));
    }
    if let Some(b) = before {
        sel = sel.filter(certificate::Column::Id.lt(b));
    }
    let items = sel.limit(limit + 1).all(c).await.db()?;
    Ok(Page::of(items, limit, |x| x.id))
}

/// Records a newer grade on a certificate still being made.
pub async fn set_pending_grade(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    grade: Option<f64>,
    now: DateTime<Utc>,
) -> Result<()> {
    certificate::Entity::update_many()
        .col_expr(certificate::Column::GradePercent, Expr::value(grade))
        .col_expr(certificate::Column::UpdatedAt, Expr::value(now))
        .filter(certificate::Column::Id.eq(id))
        .filter(certificate::Column::TenantId.eq(tenant.0))
        .filter(certificate::Column::Status.eq(CertificateStatus::Pending.as_str()))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// What an issued certificate prints, recorded when its PDF is made.
#[derive(Debug, Clone)]
pub struct Printed {
    /// Object-store key of the PDF.
    pub pdf_key: String,
    /// The learner's name.
    pub learner_name: String,
    /// The course title.
    pub course_title: String,
    /// The run's name.
    pub run_name: String,
    /// `en` or `fr`.
    pub language: String,
    /// Whether the grade is printed.
    pub show_grade: bool,
}

/// Marks a pending certificate issued with its PDF; false if it was no longer pending
/// (revoked meanwhile, or issued by another worker).
pub async fn mark_issued(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    p: Printed,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = certificate::Entity::update_many()
        .col_expr(
            certificate::Column::Status,
            Expr::value(CertificateStatus::Issued.as_str()),
        )
        .col_expr(certificate::Column::PdfKey, Expr::value(p.pdf_key))
        .col_expr(
            certificate::Column::LearnerName,
            Expr::value(p.learner_name),
        )
        .col_expr(
            certificate::Column::CourseTitle,
            Expr::value(p.course_title),
        )
        .col_expr(certificate::Column::RunName, Expr::value(p.run_name))
        .col_expr(certificate::Column::Language, Expr::value(p.language))
        .col_expr(certificate::Column::ShowGrade, Expr::value(p.show_grade))
        .col_expr(certificate::Column::IssuedAt, Expr::value(now))
        .col_expr(certificate::Column::UpdatedAt, Expr::value(now))
        .filter(certificate::Column::Id.eq(id))
        .filter(certificate::Column::TenantId.eq(tenant.0))
        .filter(certificate::Column::Status.eq(CertificateStatus::Pending.as_str()))
        .exec(c)
        .await
        .db()?;
    Ok(r.rows_affected == 1)
}

/// What a revocation records.
#[derive(Debug, Clone)]
pub struct Revocation {
    /// Who revoked.
    pub by: Uuid,
    /// Why.
    pub reason: String,
    /// The certificate issued in its place, for a re-issue.
    pub replaced_by: Option<Uuid>,
}

/// Revokes a valid (pending or issued) certificate of the tenant; false if it was not valid.
pub async fn revoke(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    r: Revocation,
    now: DateTime<Utc>,
) -> Result<bool> {
    let res = certificate::Entity::update_many()
        .col_expr(
            certificate::Column::Status,
            Expr::value(CertificateStatus::Revoked.as_str()),
        )
        .col_expr(certificate::Column::RevokedAt, Expr::value(now))
        .col_expr(certificate::Column::RevokedBy, Expr::value(r.by))
        .col_expr(certificate::Column::RevokeReason, Expr::value(r.reason))
        .col_expr(certificate::Column::ReplacedBy, Expr::value(r.replaced_by))
        .col_expr(certificate::Column::UpdatedAt, Expr::value(now))
        .filter(certificate::Column::Id.eq(id))
        .filter(certificate::Column::TenantId.eq(tenant.0))
        .filter(certificate::Column::Status.is_in([
            CertificateStatus::Pending.as_str(),
            CertificateStatus::Issued.as_str(),
        ]))
        .exec(c)
        .await
        .db()?;
    Ok(res.rows_affected == 1)
}

/// Links a revoked certificate to the one re-issued in its place.
pub async fn set_replaced_by(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    new: Uuid,
) -> Result<()> {
    certificate::Entity::update_many()
        .col_expr(certificate::Column::ReplacedBy, Expr::value(new))
        .filter(certificate::Column::Id.eq(id))
        .filter(certificate::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await
        .db()?;
    Ok(())
}

/// A page of a run's active learners who pass (for issuing certificates to those who passed
/// before the run gave them), keyset by enrolment id: (enrolment id, user id, course percent).
pub async fn passing_learners(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    run: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<(Uuid, Uuid, Option<f64>)>> {
    use crate::entities::enrolment;
    let mut sel = enrolment::Entity::find()
        .filter(enrolment::Column::TenantId.eq(tenant.0))
        .filter(enrolment::Column::RunId.eq(run))
        .filter(enrolment::Column::GradePassed.eq(true))
        .filter(enrolment::Column::Role.eq("learner"))
        .filter(enrolment::Column::Status.eq(amphi_core::course::EnrolmentStatus::Active.as_str()))
        .order_by_asc(enrolment::Column::Id);
    if let Some(a) = after {
        sel = sel.filter(enrolment::Column::Id.gt(a));
    }
    Ok(sel
        .limit(limit)
        .all(c)
        .await
        .db()?
        .into_iter()
        .map(|e| (e.id, e.user_id, e.grade_percent))
        .collect())
}
