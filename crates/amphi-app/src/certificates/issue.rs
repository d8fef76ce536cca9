//! Issuing: a pending certificate on a pass, the job that renders, stores and mails it, and the
//! backfill of a run that starts giving certificates.

use super::codes::display_code;
use super::codes::new_code;
use super::views::StoredSignature;
use crate::jobs::{Job, JobContext, JobError};
use crate::mail::{self, OutgoingMail};
use crate::App;
use amphi_cert::{Branding, CertificateInput, ImageFormat, Language, Signature};
use amphi_core::certificate::CertificateStatus;
use amphi_core::course::EnrolmentStatus;
use amphi_core::course::{percent, CourseRole};
use amphi_core::jobs::JobKind;
use amphi_core::validate::Locale;
use amphi_core::{Error, Result, TenantId, UserId};
use amphi_db::jobs::{self, JobPayload, NewJob};
use amphi_db::repo::{
    audit, certificates as repo, courses as repo_c, enrolments as repo_e, tenants as repo_t,
    users as repo_u,
};
use amphi_db::rows;
use chrono::{DateTime, Utc};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Called by the gradebook whenever a learner's course result changes, after its transaction
/// has committed (this opens its own write transaction: on SQLite's single writer, calling it
/// inside another write transaction would wait for that one). Cheap: nothing for a fail, one
/// primary-key read unless the run gives certificates, one indexed read more for a learner who
/// already holds one. Queues the (deduplicated) issue job when the learner passed, completed
/// enough of the run, holds no certificate yet and was never refused one by staff. `passed == false` changes nothing: an
/// issued certificate stays until staff revoke it.
pub async fn on_course_result(
    app: &App,
    tenant_id: Uuid,
    run_id: Uuid,
    user_id: Uuid,
    passed: bool,
    grade_percent: Option<f64>,
) -> Result<()> {
    if !passed {
        return Ok(());
    }
    let tenant = TenantId(tenant_id);
    let grade = grade_percent.filter(|g| g.is_finite());
    let Some(settings) = repo::run_settings(app.db.reader(), tenant, run_id).await? else {
        return Ok(());
    };
    if !settings.enabled {
        return Ok(());
    }
    // Most calls after a pass come from learners who already hold one: check that first.
    let existing = repo::of_learner(app.db.reader(), tenant, run_id, user_id).await?;
    if let Some(p) = existing
        .iter()
        .find(|c| matches!(c.status(), Ok(CertificateStatus::Pending)))
    {
        if p.grade_percent != grade {
            repo::set_pending_grade(app.db.writer(), TenantId(tenant_id), p.id, grade, app.now())
                .await?;
        }
        return Ok(());
    }
    if !existing.is_empty() {
        // Issued already, or revoked by staff (re-issuing is their decision).
        return Ok(());
    }
    let Some((run, Some(enrolment))) =
        repo_e::run_with_enrolment(app.db.reader(), tenant, run_id, Some(user_id)).await?
    else {
        return Ok(());
    };
    if enrolment.status()? != EnrolmentStatus::Active
        || enrolment.role != CourseRole::Learner.as_str()
    {
        return Ok(());
    }
    if percent(enrolment.completed_count, run.item_count)
        < i64::from(settings.min_completion_percent)
    {
        return Ok(());
    }
    match create_pending(app, tenant, run_id, user_id, grade).await {
        // Another call got there first: the one-valid-certificate index said so.
        Err(Error::Conflict(_)) => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Inserts a pending certificate with a fresh code and queues its issue job, in one
/// transaction.
async fn create_pending(
    app: &App,
    tenant: TenantId,
    run_id: Uuid,
    user_id: Uuid,
    grade: Option<f64>,
) -> Result<Uuid> {
    let now = app.now();
    let id = Uuid::now_v7();
    let txn = app.db.begin().await?;
    repo::insert(
        &txn,
        tenant,
        rows::Certificate {
            id,
            tenant_id: tenant.0,
            run_id,
            user_id,
            code: new_code(),
            status: CertificateStatus::Pending.as_str().into(),
            grade_percent: grade,
            show_grade: false,
            language: Locale::En.tag().into(),
            // Filled in when the PDF is made, as printed.
            learner_name: String::new(),
            course_title: String::new(),
            run_name: String::new(),
            pdf_key: None,
            issued_at: None,
            revoked_at: None,
            revoked_by: None,
            revoke_reason: None,
            replaced_by: None,
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    enqueue_issue(&txn, tenant, id, now).await?;
    txn.commit().await.map_err(Error::internal)?;
    Ok(id)
}

pub(super) async fn enqueue_issue(
    c: &impl amphi_db::Conn,
    tenant: TenantId,
    certificate: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let job = NewJob::new(Some(tenant), &IssueCertificate { certificate })?;
    jobs::enqueue_unique(c, job, now).await?;
    Ok(())
}

/// The payload of a `certificate.issue` job: the pending certificate to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueCertificate {
    /// The certificate.
    pub certificate: Uuid,
}

impl JobPayload for IssueCertificate {
    const KIND: JobKind = JobKind::CertificateIssue;
    const MAX_ATTEMPTS: i32 = 5;
}

impl Job for IssueCertificate {
    async fn run(self, cx: &JobContext<'_>) -> std::result::Result<(), JobError> {
        Ok(issue(cx.app, cx.tenant()?, self.certificate).await?)
    }
}

/// The payload of a `certificate.backfill` job: the run that starts giving certificates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackfillCertificates {
    /// The run.
    pub run: Uuid,
}

impl JobPayload for BackfillCertificates {
    const KIND: JobKind = JobKind::CertificateBackfill;
    const MAX_ATTEMPTS: i32 = 5;
}

impl Job for BackfillCertificates {
    async fn run(self, cx: &JobContext<'_>) -> std::result::Result<(), JobError> {
        Ok(backfill(cx.app, cx.tenant()?, self.run).await?)
    }
}

/// The `certificate.issue` job: renders the PDF of a pending certificate, stores it, marks
/// the certificate issued and mails the learner. A certificate that is no longer pending
/// (revoked meanwhile, or issued by an earlier run of the job) is left alone.
async fn issue(app: &App, tenant: TenantId, id: Uuid) -> Result<()> {
    let Some(cert) = repo::by_id(app.db.reader(), tenant, id).await? else {
        return Ok(());
    };
    if cert.status()? != CertificateStatus::Pending {
        return Ok(());
    }
    let t = repo_t::by_id(app.db.reader(), tenant)
        .await?
        .ok_or(Error::NotFound)?;
    let run = repo_c::run(app.db.reader(), tenant, cert.run_id)
        .await?
        .ok_or(Error::NotFound)?;
    let course = repo_c::by_id(app.db.reader(), tenant, run.course_id)
        .await?
        .ok_or(Error::NotFound)?;
    let learner = repo_u::by_id(app.db.reader(), tenant, UserId(cert.user_id))
        .await?
        .ok_or(Error::NotFound)?;
    let template = repo::template(app.db.reader(), tenant).await?;
    let settings = repo::run_settings(app.db.reader(), tenant, run.id)
        .await?
        .unwrap_or(rows::CertificateRunSetting {
            run_id: run.id,
            tenant_id: tenant.0,
            enabled: true,
            min_completion_percent: 0,
            show_grade: None,
            updated_at: app.now(),
        });
    let show_grade = settings
        .show_grade
        .unwrap_or(template.as_ref().is_none_or(|t| t.show_grade));
    let locale = learner
        .locale
        .as_deref()
        .and_then(Locale::from_tag)
        .or_else(|| Locale::from_tag(&course.language))
        .unwrap_or_else(|| Locale::from_tag(&t.default_locale).unwrap_or_default());
    let base = tenant_base_url(app, &t).await?;
    let verify_url = format!("{base}/verify/{}", display_code(&cert.code));
    let now = app.now();
    let input = CertificateInput {
        learner_name: learner.name.clone(),
        course_title: course.title.clone(),
        run_title: run.name.clone(),
        run_starts: run.starts_at.map(|d| d.date_naive()),
        run_ends: run.ends_at.map(|d| d.date_naive()),
        issued_on: now.date_naive(),
        grade_percent: cert.grade_percent.filter(|_| show_grade),
        language: language_of(locale),
        branding: branding(app, &t, template.as_ref()).await,
        signatures: signatures(app, template.as_ref()).await,
        verify_url: verify_url.clone(),
        code: display_code(&cert.code),
    };
    let pdf = render(input).await?;
    let key = format!("tenants/{}/certificates/{}.pdf", tenant.0, cert.id);
    app.storage
        .store()?
        .put(&ObjectPath::from(key.as_str()), PutPayload::from(pdf))
        .await
        .map_err(Error::internal)?;
    let txn = app.db.begin().await?;
    let issued = repo::mark_issued(
        &txn,
        tenant,
        cert.id,
        repo::Printed {
            pdf_key: key,
            learner_name: learner.name.clone(),
            course_title: course.title.clone(),
            run_name: run.name.clone(),
            language: locale.tag().into(),
            show_grade,
        },
        now,
    )
    .await?;
    if issued {
        let args = [
            ("name", learner.name.clone()),
            ("course", course.title.clone()),
            ("run", run.name.clone()),
            ("link", format!("{base}/certificates/{}/pdf", cert.id)),
            ("verify", verify_url),
        ];
        mail::enqueue(
            &txn,
            tenant,
            OutgoingMail {
                to: learner.email.clone(),
                subject: crate::i18n::t_args(locale, "mail-certificate-subject", &args),
                text: crate::i18n::t_args(locale, "mail-certificate-body", &args),
            },
            now,
        )
        .await?;
        audit::Event::new("certificate.issued", tenant)
            .target(cert.id.to_string())
            .detail(serde_json::json!({ "run": run.id, "user": learner.id }))
            .record(&txn, now)
            .await?;
    }
    txn.commit().await.map_err(Error::internal)?;
    Ok(())
}

/// The `certificate.backfill` job: applies [`on_course_result`] to every active learner of the
/// run who passes, 500 enrolments a page (each one cheap, and deduplicated as always).
async fn backfill(app: &App, tenant: TenantId, run: Uuid) -> Result<()> {
    let mut after = None;
    loop {
        let page = repo::passing_learners(app.db.reader(), tenant, run, after, 500).await?;
        let Some(last) = page.last().map(|p| p.0) else {
            return Ok(());
        };
        for (_, user, grade) in page {
            on_course_result(app, tenant.0, run, user, true, grade).await?;
        }
        after = Some(last);
    }
}

pub(super) fn language_of(l: Locale) -> Language {
    match l {
        Locale::Fr => Language::Fr,
        Locale::En => Language::En,
    }
}

/// Typesetting is CPU work: off the async threads.
pub(super) async fn render(input: CertificateInput) -> Result<Vec<u8>> {
    crate::blocking(move || amphi_cert::render(&input))
        .await?
        .map_err(|e| Error::Internal(format!("certificate rendering: {e}")))
}

/// `scheme://host` where a tenant's pages are: the public URL for the default tenant, else
/// `<slug>.<base_domain>` when configured, else the tenant's first host name.
pub(super) async fn tenant_base_url(app: &App, t: &rows::Tenant) -> Result<String> {
    let public = app
        .config
        .server
        .public_url
        .trim_end_matches('/')
        .to_owned();
    if t.is_default {
        return Ok(public);
    }
    let scheme = if app.config.https() { "https" } else { "http" };
    if let Some(base) = &app.config.server.base_domain {
        return Ok(format!("{scheme}://{}.{base}", t.slug));
    }
    match repo_t::hosts(app.db.reader(), TenantId(t.id))
        .await?
        .into_iter()
        .next()
    {
        Some(h) => Ok(format!("{scheme}://{h}")),
        None => Ok(public),
    }
}

pub(super) async fn load_image(
    app: &App,
    key: Option<&str>,
    format: Option<&str>,
) -> Option<amphi_cert::Image> {
    let (key, format) = (key?, format?);
    let format = match format {
        "png" => ImageFormat::Png,
        "jpeg" => ImageFormat::Jpeg,
        "svg" => ImageFormat::Svg,
        _ => return None,
    };
    let store = app.storage.store().ok()?;
    match store.get(&ObjectPath::from(key)).await {
        Ok(got) => match got.bytes().await {
            Ok(b) => Some(amphi_cert::Image {
                bytes: b.to_vec(),
                format,
            }),
            Err(e) => {
                tracing::warn!(error = %e, "certificate image unreadable; printed without it");
                None
            }
        },
        Err(e) => {
            tracing::warn!(error = %e, "certificate image missing; printed without it");
            None
        }
    }
}

pub(super) async fn branding(
    app: &App,
    t: &rows::Tenant,
    template: Option<&rows::CertificateTemplate>,
) -> Branding {
    let logo = match template {
        Some(tp) => load_image(app, tp.logo_key.as_deref(), tp.logo_format.as_deref()).await,
        None => None,
    };
    Branding {
        name: t.name.clone(),
        colour: template
            .and_then(|tp| tp.colour.clone())
            .unwrap_or_else(|| t.primary_colour.clone()),
        logo,
    }
}

pub(super) fn stored_signatures(
    template: Option<&rows::CertificateTemplate>,
) -> Vec<StoredSignature> {
    template
        .and_then(|t| serde_json::from_str::<Vec<StoredSignature>>(&t.signatures).ok())
        .unwrap_or_default()
        .into_iter()
        .take(amphi_cert::MAX_SIGNATURES)
        .collect()
}

pub(super) async fn signatures(
    app: &App,
    template: Option<&rows::CertificateTemplate>,
) -> Vec<Signature> {
    let mut out = Vec::new();
    for s in stored_signatures(template) {
        if s.name.trim().is_empty() {
            continue;
        }
        let image = load_image(app, s.image_key.as_deref(), s.image_format.as_deref()).await;
        out.push(Signature {
            name: s.name,
            title: s.title,
            image,
        });
    }
    out
}
