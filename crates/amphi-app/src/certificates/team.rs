//! The course team: the certificates of a run, revoking and re-issuing them, the run's
//! certificate settings.

use super::codes::new_code;
use super::issue::{enqueue_issue, BackfillCertificates};
use super::views::{Certificate, RunSettings};

use crate::users::User;
use crate::{courses, App, Caller};
use amphi_core::certificate::CertificateStatus;
use amphi_core::policy::Action;
use amphi_core::{codes, Error, Result, RunId, TenantId};
use amphi_db::jobs::{self, NewJob};
use amphi_db::repo::{audit, certificates as repo, courses as repo_c, Page};
use amphi_db::rows;
use uuid::Uuid;

/// Loads a run for a staff action: `List` to see certificates (the whole course team),
/// `Update` to change them (instructors, tenant administrators).
pub(super) async fn staff_run(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
    action: Action,
) -> Result<courses::RunAccess> {
    courses::access(app, Some(&user.actor()), tenant, run, action).await
}

/// A page of a run's certificates, newest first (course team).
pub async fn list_for_run(
    app: &App,
    caller: &Caller,
    run: RunId,
    status: Option<&str>,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Page<Certificate>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run = run.0;
    staff_run(app, user, tenant, run, Action::List).await?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(CertificateStatus::parse("status", s)?),
    };
    let page = repo::list_for_run(
        app.db.reader(),
        tenant,
        run,
        status,
        before,
        limit.clamp(1, 500),
    )
    .await?;
    Ok(Page {
        items: page.items.into_iter().map(Certificate::from).collect(),
        next: page.next,
    })
}

/// A certificate for a staff action on its run.
async fn for_staff(
    app: &App,
    user: &User,
    tenant: TenantId,
    id: Uuid,
    action: Action,
) -> Result<rows::Certificate> {
    let cert = repo::by_id(app.db.reader(), tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    staff_run(app, user, tenant, cert.run_id, action).await?;
    Ok(cert)
}

fn reason_of(raw: &str) -> Result<String> {
    amphi_core::validate::short_text("reason", raw, 500)
}

/// Revokes a certificate with a reason (instructors, tenant administrators). The
/// verification page then says it was revoked, and when.
pub async fn revoke(app: &App, caller: &Caller, id: Uuid, reason: &str) -> Result<Certificate> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let reason = reason_of(reason)?;
    let cert = for_staff(app, user, tenant, id, Action::Update).await?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let done = repo::revoke(
        &txn,
        tenant,
        cert.id,
        repo::Revocation {
            by: user.id.0,
            reason: reason.clone(),
            replaced_by: None,
        },
        now,
    )
    .await?;
    if !done {
        return Err(Error::Conflict(codes::CERTIFICATE_NOT_VALID));
    }
    audit::Event::new("certificate.revoked", tenant)
        .actor(user.id)
        .target(cert.id.to_string())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "run": cert.run_id, "user": cert.user_id, "reason": reason }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    repo::by_id(app.db.reader(), tenant, id)
        .await?
        .map(Certificate::from)
        .ok_or(Error::NotFound)
}

/// Issues a new certificate (new code) in place of this one, which verifies as revoked from
/// now on (instructors, tenant administrators). Works on a revoked certificate too, as long
/// as the learner holds no other valid one. Returns the new, pending certificate.
pub async fn reissue(app: &App, caller: &Caller, id: Uuid) -> Result<Certificate> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let old = for_staff(app, user, tenant, id, Action::Update).await?;
    let now = app.now();
    let new_id = Uuid::now_v7();
    let txn = app.db.begin().await?;
    if old.status()? != CertificateStatus::Revoked {
        repo::revoke(
            &txn,
            tenant,
            old.id,
            repo::Revocation {
                by: user.id.0,
                reason: "reissued".into(),
                replaced_by: Some(new_id),
            },
            now,
        )
        .await?;
    } else if old.replaced_by.is_some() {
        return Err(Error::Conflict(codes::CERTIFICATE_ALREADY_REPLACED));
    }
    let inserted = repo::insert(
        &txn,
        tenant,
        rows::Certificate {
            id: new_id,
            code: new_code(),
            status: CertificateStatus::Pending.as_str().into(),
            pdf_key: None,
            issued_at: None,
            revoked_at: None,
            revoked_by: None,
            revoke_reason: None,
            replaced_by: None,
            created_at: now,
            updated_at: now,
            ..old.clone()
        },
    )
    .await;
    match inserted {
        Ok(()) => {}
        Err(Error::Conflict(_)) => return Err(Error::Conflict(codes::CERTIFICATE_VALID_EXISTS)),
        Err(e) => return Err(e),
    }
    if old.status()? == CertificateStatus::Revoked {
        repo::set_replaced_by(&txn, tenant, old.id, new_id).await?;
    }
    enqueue_issue(&txn, tenant, new_id, now).await?;
    audit::Event::new("certificate.reissued", tenant)
        .actor(user.id)
        .target(old.id.to_string())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "run": old.run_id, "user": old.user_id, "new": new_id }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    repo::by_id(app.db.reader(), tenant, new_id)
        .await?
        .map(Certificate::from)
        .ok_or(Error::NotFound)
}

/// A run's certificate settings (course team).
pub async fn run_settings(app: &App, caller: &Caller, run: RunId) -> Result<RunSettings> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run = run.0;
    staff_run(app, user, tenant, run, Action::List).await?;
    Ok(repo::run_settings(app.db.reader(), tenant, run)
        .await?
        .map(|s| RunSettings {
            enabled: s.enabled,
            min_completion_percent: s.min_completion_percent,
            show_grade: s.show_grade,
        })
        .unwrap_or_default())
}

/// Changes a run's certificate settings (instructors, tenant administrators).
pub async fn save_run_settings(
    app: &App,
    caller: &Caller,
    run: RunId,
    s: &RunSettings,
) -> Result<RunSettings> {
    let (user, tenant, meta) = (&caller.user, caller.tenant, &caller.meta);
    let run = run.0;
    if !(0..=100).contains(&s.min_completion_percent) {
        return Err(Error::field(
            "min_completion_percent",
            codes::PERCENT_INVALID,
        ));
    }
    staff_run(app, user, tenant, run, Action::Update).await?;
    let now = app.now();
    let txn = app.db.begin().await?;
    repo::save_run_settings(
        &txn,
        tenant,
        rows::CertificateRunSetting {
            run_id: run,
            tenant_id: tenant.0,
            enabled: s.enabled,
            min_completion_percent: s.min_completion_percent,
            show_grade: s.show_grade,
            updated_at: now,
        },
    )
    .await?;
    // Course homes look for a learner's certificate only in runs with settings: the cached
    // structure, which knows, is made again.
    repo_c::touch_run(&txn, tenant, run, None, now).await?;
    if s.enabled {
        // Learners who passed already get theirs too (a deduplicated job over the run).
        let backfill = NewJob::new(Some(tenant), &BackfillCertificates { run })?;
        jobs::enqueue_unique(&txn, backfill, now).await?;
    }
    audit::Event::new("certificate.run_settings", tenant)
        .actor(user.id)
        .target(run.to_string())
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "enabled": s.enabled, "min_completion_percent": s.min_completion_percent, "show_grade": s.show_grade }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(s.clone())
}
