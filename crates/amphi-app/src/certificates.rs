//! Certificates: issued by a job when a learner passes a run that gives them, printed as a PDF
//! (typst, see `amphi-cert`) from the tenant's template, verified by anyone at
//! `/verify/{code}`, revoked and re-issued by the course team.
//!
//! The life of a certificate: [`on_course_result`] (called by the gradebook on every change of
//! a learner's course result) records a `pending` certificate with its verification code and
//! queues one `certificate.issue` job; the job renders the PDF, stores it, marks the
//! certificate `issued` and mails the learner. Staff may `revoke` it (with a reason) or
//! `reissue` it (a new code; the old one then verifies as revoked). A certificate revoked by
//! staff is not issued again automatically: re-issuing is the course team's decision.

use crate::courses;
use crate::mail::{self, OutgoingMail};
use crate::users::User;
use crate::{App, RequestMeta};
use amphi_cert::{Branding, CertificateInput, ImageFormat, Language, Signature};
use amphi_core::course::{percent, CourseRole};
use amphi_core::policy::{require, Action, Resource};
use amphi_core::validate::{Colour, Locale};
use amphi_core::{error::Fields, Error, Result, TenantId, UserId};
use amphi_db::jobs::{self, NewJob};
use amphi_db::repo::{
    audit, certificates as repo, courses as repo_c, enrolments as repo_e, tenants as repo_t,
    users as repo_u, Page,
};
use amphi_db::rows;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutPayload};
use rand::Rng;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Job kind that renders and issues one certificate.
pub const ISSUE_JOB: &str = "certificate.issue";
/// Job kind that gives certificates to the learners of a run who passed before it gave them.
pub const BACKFILL_JOB: &str = "certificate.backfill";
/// The verification code's alphabet: no 0/O, 1/I/L to confuse.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a verification code (31^12, about 59 bits).
pub const CODE_LEN: usize = 12;
/// Largest logo or signature image accepted.
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;
/// Failed verification lookups allowed per address and window.
const VERIFY_FAILURES_PER_IP: i64 = 30;

// ---------------------------------------------------------------------------------------------
// Codes

/// A fresh verification code from the operating system's random source.
pub fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// The stored form of a code as typed (`abcd-efgh-jkmn`, spaces, lower case); None if it
/// cannot be a code.
pub fn normalize_code(raw: &str) -> Option<String> {
    if raw.len() > 64 {
        return None;
    }
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == CODE_LEN && s.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(s)
}

/// A code as printed: `ABCD-EFGH-JKMN`.
pub fn display_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

// ---------------------------------------------------------------------------------------------
// Views

/// A certificate as the course team and its owner see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Certificate {
    /// Id.
    pub id: Uuid,
    /// The run.
    pub run_id: Uuid,
    /// The learner.
    pub user_id: Uuid,
    /// Verification code as printed (`ABCD-EFGH-JKMN`).
    pub code: String,
    /// `pending` (being made), `issued` or `revoked`.
    pub status: String,
    /// Learner's name as printed.
    pub learner_name: String,
    /// Course title as printed.
    pub course_title: String,
    /// Run name as printed.
    pub run_name: String,
    /// Course grade at issue, in percent.
    pub grade_percent: Option<f64>,
    /// Whether the grade is printed.
    pub show_grade: bool,
    /// `en` or `fr`.
    pub language: String,
    /// When it was issued.
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why it was revoked.
    pub revoke_reason: Option<String>,
    /// The certificate issued in its place.
    pub replaced_by: Option<Uuid>,
    /// Public verification page (path).
    pub verify_path: String,
}

impl From<rows::Certificate> for Certificate {
    fn from(m: rows::Certificate) -> Self {
        Certificate {
            verify_path: format!("/verify/{}", display_code(&m.code)),
            code: display_code(&m.code),
            id: m.id,
            run_id: m.run_id,
            user_id: m.user_id,
            status: m.status,
            learner_name: m.learner_name,
            course_title: m.course_title,
            run_name: m.run_name,
            grade_percent: m.grade_percent,
            show_grade: m.show_grade,
            language: m.language,
            issued_at: m.issued_at,
            revoked_at: m.revoked_at,
            revoke_reason: m.revoke_reason,
            replaced_by: m.replaced_by,
        }
    }
}

/// What the public verification page shows: only what the certificate itself prints.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// `valid` or `revoked`.
    pub status: String,
    /// The code as printed.
    pub code: String,
    /// Learner's name.
    pub learner_name: String,
    /// Course title.
    pub course_title: String,
    /// Run name.
    pub run_name: String,
    /// Date of issue.
    pub issued_at: Option<DateTime<Utc>>,
    /// Grade, if the certificate prints it.
    pub grade_percent: Option<f64>,
    /// Date of revocation.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A run's certificate settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// The run gives certificates.
    pub enabled: bool,
    /// Share of the items to complete besides passing, 0–100.
    pub min_completion_percent: i32,
    /// Print the grade; None: as the site's template says.
    pub show_grade: Option<bool>,
}

/// A signature of the template as stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
struct StoredSignature {
    name: String,
    title: String,
    image_key: Option<String>,
    image_format: Option<String>,
}

/// A signature as the template page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignatureView {
    /// Who signs.
    pub name: String,
    /// Their title.
    pub title: String,
    /// A signature image is set.
    pub has_image: bool,
}

/// The tenant's certificate template.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Template {
    /// Colour set for certificates (`#rrggbb`), if not the site's brand colour.
    pub colour: Option<String>,
    /// The colour used.
    pub effective_colour: String,
    /// Print grades unless a run says otherwise.
    pub show_grade: bool,
    /// A logo is set.
    pub has_logo: bool,
    /// Up to two signatures.
    pub signatures: Vec<SignatureView>,
}

/// The template form: colour, grade, the two signatures' names and titles.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TemplateForm {
    /// `#rrggbb`, or empty for the site's brand colour.
    #[serde(default)]
    pub colour: String,
    /// Print grades (form checkbox: present = yes).
    #[serde(default)]
    pub show_grade: Option<String>,
    /// First signature: name (empty: none).
    #[serde(default)]
    pub signature1_name: String,
    /// First signature: title.
    #[serde(default)]
    pub signature1_title: String,
    /// Second signature: name (empty: none).
    #[serde(default)]
    pub signature2_name: String,
    /// Second signature: title.
    #[serde(default)]
    pub signature2_title: String,
}

/// The run settings form (checkbox fields present = yes).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RunSettingsForm {
    /// Present: certificates are given.
    #[serde(default)]
    pub enabled: Option<String>,
    /// 0–100.
    #[serde(default)]
    pub min_completion_percent: String,
    /// `site`, `yes` or `no`.
    #[serde(default)]
    pub show_grade: String,
}

impl RunSettingsForm {
    /// The settings it describes, or field errors.
    pub fn parse(&self) -> Result<RunSettings> {
        let mut f = Fields::default();
        let min = self.min_completion_percent.trim();
        let min = if min.is_empty() {
            0
        } else {
            match min.parse::<i32>() {
                Ok(n) if (0..=100).contains(&n) => n,
                _ => {
                    f.push("min_completion_percent", "percent_invalid");
                    0
                }
            }
        };
        let show_grade = match self.show_grade.as_str() {
            "" | "site" => None,
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                f.push("show_grade", "choice_invalid");
                None
            }
        };
        f.finish()?;
        Ok(RunSettings {
            enabled: self.enabled.is_some(),
            min_completion_percent: min,
            show_grade,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Issuing

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
    if let Some(p) = existing.iter().find(|c| c.status == repo::PENDING) {
        if p.grade_percent != grade {
            repo::set_pending_grade(app.db.writer(), p.id, grade, app.now()).await?;
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
    if enrolment.status != repo_e::ACTIVE || enrolment.role != CourseRole::Learner.as_str() {
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
        rows::Certificate {
            id,
            tenant_id: tenant.0,
            run_id,
            user_id,
            code: new_code(),
            status: repo::PENDING.into(),
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

async fn enqueue_issue(
    c: &impl amphi_db::Conn,
    tenant: TenantId,
    certificate: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    jobs::enqueue_unique(
        c,
        NewJob {
            tenant: Some(tenant),
            kind: ISSUE_JOB.into(),
            payload: serde_json::json!({ "certificate": certificate }),
            max_attempts: 5,
            run_at: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// The `certificate.issue` job: renders the PDF of a pending certificate, stores it, marks
/// the certificate issued and mails the learner. A certificate that is no longer pending
/// (revoked meanwhile, or issued by an earlier run of the job) is left alone.
pub async fn run_issue_job(app: &App, tenant: TenantId, payload: &str) -> Result<()> {
    let id: Uuid = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v.get("certificate")?.as_str()?.parse().ok())
        .ok_or(Error::BadRequest("certificate_payload_invalid"))?;
    let Some(cert) = repo::by_id(app.db.reader(), tenant, id).await? else {
        return Ok(());
    };
    if cert.status != repo::PENDING {
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
pub async fn run_backfill_job(app: &App, tenant: TenantId, payload: &str) -> Result<()> {
    let run: Uuid = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v.get("run")?.as_str()?.parse().ok())
        .ok_or(Error::BadRequest("certificate_payload_invalid"))?;
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

fn language_of(l: Locale) -> Language {
    match l {
        Locale::Fr => Language::Fr,
        Locale::En => Language::En,
    }
}

/// Typesetting is CPU work: off the async threads.
async fn render(input: CertificateInput) -> Result<Vec<u8>> {
    crate::blocking(move || amphi_cert::render(&input))
        .await?
        .map_err(|e| Error::Internal(format!("certificate rendering: {e}")))
}

/// `scheme://host` where a tenant's pages are: the public URL for the default tenant, else
/// `<slug>.<base_domain>` when configured, else the tenant's first host name.
async fn tenant_base_url(app: &App, t: &rows::Tenant) -> Result<String> {
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

async fn load_image(
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

async fn branding(
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

fn stored_signatures(template: Option<&rows::CertificateTemplate>) -> Vec<StoredSignature> {
    template
        .and_then(|t| serde_json::from_str::<Vec<StoredSignature>>(&t.signatures).ok())
        .unwrap_or_default()
        .into_iter()
        .take(amphi_cert::MAX_SIGNATURES)
        .collect()
}

async fn signatures(app: &App, template: Option<&rows::CertificateTemplate>) -> Vec<Signature> {
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

// ---------------------------------------------------------------------------------------------
// The course team

/// Loads a run for a staff action: `List` to see certificates (the whole course team),
/// `Update` to change them (instructors, tenant administrators).
async fn staff_run(
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
    user: &User,
    tenant: TenantId,
    run: Uuid,
    status: Option<&str>,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Page<Certificate>> {
    staff_run(app, user, tenant, run, Action::List).await?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s @ ("pending" | "issued" | "revoked")) => Some(s),
        Some(_) => return Err(Error::field("status", "choice_invalid")),
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
pub async fn revoke(
    app: &App,
    user: &User,
    tenant: TenantId,
    id: Uuid,
    reason: &str,
    meta: &RequestMeta,
) -> Result<Certificate> {
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
        return Err(Error::Conflict("certificate_not_valid"));
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
pub async fn reissue(
    app: &App,
    user: &User,
    tenant: TenantId,
    id: Uuid,
    meta: &RequestMeta,
) -> Result<Certificate> {
    let old = for_staff(app, user, tenant, id, Action::Update).await?;
    let now = app.now();
    let new_id = Uuid::now_v7();
    let txn = app.db.begin().await?;
    if old.status != repo::REVOKED {
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
        return Err(Error::Conflict("certificate_already_replaced"));
    }
    let inserted = repo::insert(
        &txn,
        rows::Certificate {
            id: new_id,
            code: new_code(),
            status: repo::PENDING.into(),
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
        Err(Error::Conflict(_)) => return Err(Error::Conflict("certificate_valid_exists")),
        Err(e) => return Err(e),
    }
    if old.status == repo::REVOKED {
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
pub async fn run_settings(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
) -> Result<RunSettings> {
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
    user: &User,
    tenant: TenantId,
    run: Uuid,
    s: &RunSettings,
    meta: &RequestMeta,
) -> Result<RunSettings> {
    if !(0..=100).contains(&s.min_completion_percent) {
        return Err(Error::field("min_completion_percent", "percent_invalid"));
    }
    staff_run(app, user, tenant, run, Action::Update).await?;
    let now = app.now();
    let txn = app.db.begin().await?;
    repo::save_run_settings(
        &txn,
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
    repo_c::touch_run(&txn, run, None, now).await?;
    if s.enabled {
        // Learners who passed already get theirs too (a deduplicated job over the run).
        jobs::enqueue_unique(
            &txn,
            NewJob {
                tenant: Some(tenant),
                kind: BACKFILL_JOB.into(),
                payload: serde_json::json!({ "run": run }),
                max_attempts: 5,
                run_at: None,
            },
            now,
        )
        .await?;
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

// ---------------------------------------------------------------------------------------------
// Learners

/// The person's own certificates (issued and revoked), newest first.
pub async fn mine(app: &App, user: &User, tenant: TenantId) -> Result<Vec<Certificate>> {
    Ok(repo::of_user(app.db.reader(), tenant, user.id.0)
        .await?
        .into_iter()
        .map(Certificate::from)
        .collect())
}

/// The person's valid certificate in a run, issued or being made (for the course home).
pub async fn mine_in_run(
    app: &App,
    user: &User,
    tenant: TenantId,
    run: Uuid,
) -> Result<Option<Certificate>> {
    Ok(repo::of_learner(app.db.reader(), tenant, run, user.id.0)
        .await?
        .into_iter()
        .find(|c| c.status != repo::REVOKED)
        .map(Certificate::from))
}

/// A certificate's PDF: for its owner while it is issued, and for the run's course team.
/// Anyone else is told it does not exist.
pub async fn pdf(app: &App, user: &User, tenant: TenantId, id: Uuid) -> Result<(String, Bytes)> {
    let cert = repo::by_id(app.db.reader(), tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let owner = cert.user_id == user.id.0 && cert.status == repo::ISSUED;
    if !owner {
        staff_run(app, user, tenant, cert.run_id, Action::List)
            .await
            .map_err(|e| match e {
                Error::Internal(_) => e,
                _ => Error::NotFound,
            })?;
    }
    let key = cert.pdf_key.as_deref().ok_or(Error::NotFound)?;
    let got = app
        .storage
        .store()?
        .get(&ObjectPath::from(key))
        .await
        .map_err(|e| match e {
            object_store::Error::NotFound { .. } => {
                tracing::warn!(certificate = %cert.id, "a certificate's PDF is missing");
                Error::NotFound
            }
            e => Error::internal(e),
        })?;
    let bytes = got.bytes().await.map_err(Error::internal)?;
    Ok((
        format!("certificate-{}.pdf", display_code(&cert.code)),
        bytes,
    ))
}

// ---------------------------------------------------------------------------------------------
// Public verification

/// Looks a code up on this tenant for anyone. Unknown, malformed, pending or another tenant's
/// codes are all `NotFound` alike; failed lookups are rate-limited per address.
pub async fn verify(
    app: &App,
    tenant: TenantId,
    raw_code: &str,
    meta: &RequestMeta,
) -> Result<Verification> {
    let bucket = [crate::rate_limit::Bucket {
        key: format!("verify:ip:{}", meta.ip.as_deref().unwrap_or("-")),
        max: VERIFY_FAILURES_PER_IP,
    }];
    crate::rate_limit::check(app, &bucket).await?;
    let found = match normalize_code(raw_code) {
        Some(code) => repo::by_code(app.db.reader(), tenant, &code)
            .await?
            .filter(|c| c.status != repo::PENDING),
        None => None,
    };
    let Some(c) = found else {
        crate::rate_limit::hit(app, &bucket).await?;
        return Err(Error::NotFound);
    };
    Ok(Verification {
        status: if c.status == repo::ISSUED {
            "valid".into()
        } else {
            "revoked".into()
        },
        code: display_code(&c.code),
        grade_percent: c.grade_percent.filter(|_| c.show_grade),
        learner_name: c.learner_name,
        course_title: c.course_title,
        run_name: c.run_name,
        issued_at: c.issued_at,
        revoked_at: c.revoked_at,
    })
}

// ---------------------------------------------------------------------------------------------
// The tenant's template

fn template_view(t: &rows::Tenant, row: Option<&rows::CertificateTemplate>) -> Template {
    let colour = row.and_then(|r| r.colour.clone());
    Template {
        effective_colour: colour.clone().unwrap_or_else(|| t.primary_colour.clone()),
        colour,
        show_grade: row.is_none_or(|r| r.show_grade),
        has_logo: row.is_some_and(|r| r.logo_key.is_some()),
        signatures: stored_signatures(row)
            .into_iter()
            .map(|s| SignatureView {
                has_image: s.image_key.is_some(),
                name: s.name,
                title: s.title,
            })
            .collect(),
    }
}

async fn admin_tenant(app: &App, user: &User, tenant: TenantId) -> Result<rows::Tenant> {
    require(&user.actor(), Action::Update, Resource::Tenant(tenant))?;
    repo_t::by_id(app.db.reader(), tenant)
        .await?
        .ok_or(Error::NotFound)
}

fn empty_template(tenant: TenantId, now: DateTime<Utc>) -> rows::CertificateTemplate {
    rows::CertificateTemplate {
        tenant_id: tenant.0,
        colour: None,
        show_grade: true,
        logo_key: None,
        logo_format: None,
        signatures: "[]".into(),
        updated_at: now,
    }
}

/// The tenant's certificate template (tenant administrators).
pub async fn template(app: &App, user: &User, tenant: TenantId) -> Result<Template> {
    let t = admin_tenant(app, user, tenant).await?;
    let row = repo::template(app.db.reader(), tenant).await?;
    Ok(template_view(&t, row.as_ref()))
}

/// Saves colour, grade and signature names (tenant administrators). Signature images stay
/// with their line; clearing a name removes that signature and its image.
pub async fn save_template(
    app: &App,
    user: &User,
    tenant: TenantId,
    form: &TemplateForm,
    meta: &RequestMeta,
) -> Result<Template> {
    let t = admin_tenant(app, user, tenant).await?;
    let mut f = Fields::default();
    let colour = match form.colour.trim() {
        "" => None,
        c => match Colour::parse("colour", c) {
            Ok(c) => Some(c.as_str().to_owned()),
            Err(_) => {
                f.push("colour", "colour_invalid");
                None
            }
        },
    };
    let mut names = Vec::new();
    for (i, (name, title)) in [
        (&form.signature1_name, &form.signature1_title),
        (&form.signature2_name, &form.signature2_title),
    ]
    .into_iter()
    .enumerate()
    {
        let n = i + 1;
        let name = name.trim();
        if name.is_empty() {
            names.push(None);
            continue;
        }
        let name = f.check(amphi_core::validate::short_text(
            &format!("signature{n}_name"),
            name,
            120,
        ));
        let title = if title.trim().is_empty() {
            Some(String::new())
        } else {
            f.check(amphi_core::validate::short_text(
                &format!("signature{n}_title"),
                title,
                160,
            ))
        };
        names.push(name.zip(title));
    }
    f.finish()?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let mut row = repo::template(&txn, tenant)
        .await?
        .unwrap_or_else(|| empty_template(tenant, now));
    let old = stored_signatures(Some(&row));
    let mut dropped = Vec::new();
    let mut sigs = Vec::new();
    for (i, entry) in names.into_iter().enumerate() {
        let previous = old.get(i).cloned().unwrap_or_default();
        match entry {
            Some((name, title)) => sigs.push(StoredSignature {
                name,
                title,
                ..previous
            }),
            None => {
                dropped.extend(previous.image_key);
                sigs.push(StoredSignature::default());
            }
        }
    }
    // Keep positions (signature 2 without signature 1 is allowed) but drop trailing blanks.
    while sigs.last().is_some_and(|s| s.name.is_empty()) {
        sigs.pop();
    }
    row.colour = colour;
    row.show_grade = form.show_grade.is_some();
    row.signatures = serde_json::to_string(&sigs).map_err(Error::internal)?;
    row.updated_at = now;
    repo::save_template(&txn, row.clone()).await?;
    audit::Event::new("certificate.template_changed", tenant)
        .actor(user.id)
        .ip(meta.ip.clone())
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    delete_objects(app, &dropped).await;
    Ok(template_view(&t, Some(&row)))
}

/// Which image of the template an upload replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateImage {
    /// The logo.
    Logo,
    /// The picture of signature 1 or 2.
    Signature(usize),
}

fn format_name(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Png => "png",
        ImageFormat::Jpeg => "jpeg",
        ImageFormat::Svg => "svg",
    }
}

/// Sets (or, with no bytes, removes) the logo or a signature picture (tenant
/// administrators). The image must be PNG, JPEG or SVG, at most 1 MiB, and one typst can
/// draw: it is tried on a sample certificate before it is kept.
pub async fn set_template_image(
    app: &App,
    user: &User,
    tenant: TenantId,
    which: TemplateImage,
    bytes: Option<Vec<u8>>,
    meta: &RequestMeta,
) -> Result<Template> {
    let t = admin_tenant(app, user, tenant).await?;
    let field = match which {
        TemplateImage::Logo => "logo".to_owned(),
        TemplateImage::Signature(n) => format!("signature{n}_image"),
    };
    if let TemplateImage::Signature(n) = which {
        if !(1..=amphi_cert::MAX_SIGNATURES).contains(&n) {
            return Err(Error::NotFound);
        }
    }
    let image = match bytes {
        None => None,
        Some(b) if b.is_empty() => return Err(Error::field(&field, "file_required")),
        Some(b) if b.len() > MAX_IMAGE_BYTES => {
            return Err(Error::field(&field, "image_too_large"))
        }
        Some(b) => {
            let format =
                ImageFormat::sniff(&b).ok_or_else(|| Error::field(&field, "image_type_invalid"))?;
            let img = amphi_cert::Image { bytes: b, format };
            check_image(&t, img.clone(), which, app.now().date_naive())
                .await
                .map_err(|_| Error::field(&field, "image_invalid"))?;
            Some(img)
        }
    };
    let now = app.now();
    let mut row = repo::template(app.db.reader(), tenant)
        .await?
        .unwrap_or_else(|| empty_template(tenant, now));
    let mut sigs = stored_signatures(Some(&row));
    if let TemplateImage::Signature(n) = which {
        if sigs.get(n - 1).is_none_or(|s| s.name.is_empty()) {
            return Err(Error::field(&field, "signature_name_first"));
        }
    }
    let new_key = match &image {
        Some(img) => {
            let key = format!(
                "tenants/{}/certificate-template/{}",
                tenant.0,
                Uuid::now_v7()
            );
            app.storage
                .store()?
                .put(
                    &ObjectPath::from(key.as_str()),
                    PutPayload::from(img.bytes.clone()),
                )
                .await
                .map_err(Error::internal)?;
            Some((key, format_name(img.format).to_owned()))
        }
        None => None,
    };
    let old_key = match which {
        TemplateImage::Logo => {
            let old = row.logo_key.take();
            row.logo_format = None;
            if let Some((k, f)) = new_key {
                row.logo_key = Some(k);
                row.logo_format = Some(f);
            }
            old
        }
        TemplateImage::Signature(n) => {
            let s = &mut sigs[n - 1];
            let old = s.image_key.take();
            s.image_format = None;
            if let Some((k, f)) = new_key {
                s.image_key = Some(k);
                s.image_format = Some(f);
            }
            old
        }
    };
    row.signatures = serde_json::to_string(&sigs).map_err(Error::internal)?;
    row.updated_at = now;
    let txn = app.db.begin().await?;
    repo::save_template(&txn, row.clone()).await?;
    audit::Event::new("certificate.template_changed", tenant)
        .actor(user.id)
        .ip(meta.ip.clone())
        .detail(serde_json::json!({ "image": field, "removed": image.is_none() }))
        .record(&txn, now)
        .await?;
    txn.commit().await.map_err(Error::internal)?;
    delete_objects(app, &old_key.into_iter().collect::<Vec<_>>()).await;
    Ok(template_view(&t, Some(&row)))
}

/// Renders a sample certificate with the image, so one typst cannot draw is refused now
/// rather than failing every certificate later.
async fn check_image(
    t: &rows::Tenant,
    img: amphi_cert::Image,
    which: TemplateImage,
    today: chrono::NaiveDate,
) -> std::result::Result<(), amphi_cert::RenderError> {
    let mut input = sample_input(t, Language::En, "https://example.invalid/verify/X", today);
    match which {
        TemplateImage::Logo => input.branding.logo = Some(img),
        TemplateImage::Signature(_) => input.signatures.push(Signature {
            name: "Sample".into(),
            title: String::new(),
            image: Some(img),
        }),
    }
    crate::blocking(move || amphi_cert::render(&input).map(|_| ()))
        .await
        .map_err(|e| amphi_cert::RenderError::Typst(e.to_string()))?
}

fn sample_input(
    t: &rows::Tenant,
    language: Language,
    verify_url: &str,
    today: chrono::NaiveDate,
) -> CertificateInput {
    CertificateInput {
        learner_name: match language {
            Language::En => "Sample Learner".into(),
            Language::Fr => "Apprenant Exemple".into(),
        },
        course_title: match language {
            Language::En => "Sample course".into(),
            Language::Fr => "Cours d’exemple".into(),
        },
        run_title: "2026".into(),
        run_starts: None,
        run_ends: None,
        issued_on: today,
        grade_percent: Some(92.5),
        language,
        branding: Branding {
            name: t.name.clone(),
            colour: t.primary_colour.clone(),
            logo: None,
        },
        signatures: Vec::new(),
        verify_url: verify_url.into(),
        code: "SAMP-LE23-4567".into(),
    }
}

/// A sample certificate with the template as saved, in a language (tenant administrators).
pub async fn preview(
    app: &App,
    user: &User,
    tenant: TenantId,
    locale: Locale,
    base_url: &str,
) -> Result<Vec<u8>> {
    let t = admin_tenant(app, user, tenant).await?;
    let row = repo::template(app.db.reader(), tenant).await?;
    let mut input = sample_input(
        &t,
        language_of(locale),
        &format!("{base_url}/verify/SAMP-LE23-4567"),
        app.now().date_naive(),
    );
    input.branding = branding(app, &t, row.as_ref()).await;
    input.signatures = signatures(app, row.as_ref()).await;
    if !row.as_ref().is_none_or(|r| r.show_grade) {
        input.grade_percent = None;
    }
    render(input).await
}

async fn delete_objects(app: &App, keys: &[String]) {
    if keys.is_empty() {
        return;
    }
    let Ok(store) = app.storage.store() else {
        return;
    };
    for k in keys {
        if let Err(e) = store.delete(&ObjectPath::from(k.as_str())).await {
            tracing::warn!(error = %e, "storage: could not delete a replaced certificate image");
        }
    }
}

/// The run a certificate of the tenant belongs to (to check a URL's run and certificate
/// agree; permissions are checked by the use case itself).
pub async fn run_of(app: &App, tenant: TenantId, id: Uuid) -> Result<Option<Uuid>> {
    Ok(repo::by_id(app.db.reader(), tenant, id)
        .await?
        .map(|c| c.run_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_unambiguous_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2000 {
            let c = new_code();
            assert_eq!(c.len(), CODE_LEN);
            assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)));
            assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
            let shown = display_code(&c);
            assert_eq!(shown.len(), CODE_LEN + 2);
            assert_eq!(normalize_code(&shown).as_deref(), Some(c.as_str()));
            assert_eq!(
                normalize_code(&shown.to_lowercase().replace('-', " ")).as_deref(),
                Some(c.as_str())
            );
            seen.insert(c);
        }
        assert_eq!(seen.len(), 2000);
        assert_eq!(normalize_code("ABCD-EFGH-JKM"), None);
        assert_eq!(normalize_code("ABCD-EFGH-JKM0"), None);
        assert_eq!(normalize_code("' OR 1=1 --"), None);
        assert_eq!(normalize_code(&"A".repeat(500)), None);
    }

    #[test]
    fn run_settings_form() {
        let ok = RunSettingsForm {
            enabled: Some("on".into()),
            min_completion_percent: "80".into(),
            show_grade: "no".into(),
        }
        .parse()
        .unwrap_or_default();
        assert_eq!(
            ok,
            RunSettings {
                enabled: true,
                min_completion_percent: 80,
                show_grade: Some(false)
            }
        );
        for bad in ["101", "-1", "eighty"] {
            let e = RunSettingsForm {
                enabled: None,
                min_completion_percent: bad.into(),
                show_grade: String::new(),
            }
            .parse();
            assert!(matches!(e, Err(Error::Validation(_))), "{bad}");
        }
    }
}
