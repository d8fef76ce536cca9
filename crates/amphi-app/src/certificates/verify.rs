//! Public verification of a code, limited per address.

use super::codes::display_code;
use super::codes::normalize_code;
use super::views::Verification;
use super::VERIFY_FAILURES_PER_IP;
use crate::{App, RequestMeta};
use amphi_core::certificate::CertificateStatus;
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::certificates as repo;

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
            .filter(|c| !matches!(c.status(), Ok(CertificateStatus::Pending))),
        None => None,
    };
    let Some(c) = found else {
        crate::rate_limit::hit(app, &bucket).await?;
        return Err(Error::NotFound);
    };
    Ok(Verification {
        status: if c.status()? == CertificateStatus::Issued {
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
