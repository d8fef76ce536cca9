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

mod codes;
mod issue;
mod learners;
mod team;
mod template;
mod verify;
mod views;

pub use codes::{display_code, new_code, normalize_code};
pub use issue::{on_course_result, BackfillCertificates, IssueCertificate};
pub use learners::{mine, mine_in_run, pdf};
pub use team::{list_for_run, reissue, revoke, run_settings, save_run_settings};
pub use template::{preview, save_template, set_template_image, template, TemplateImage};
pub use verify::verify;
pub use views::{
    Certificate, RunSettings, RunSettingsForm, SignatureView, Template, TemplateForm, Verification,
};

use crate::App;
use amphi_core::{Result, TenantId};
use amphi_db::repo::certificates as repo;
use uuid::Uuid;

/// The verification code's alphabet: no 0/O, 1/I/L to confuse.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a verification code (31^12, about 59 bits).
pub const CODE_LEN: usize = 12;
/// Largest logo or signature image accepted.
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;
/// Failed verification lookups allowed per address and window.
const VERIFY_FAILURES_PER_IP: i64 = 30;

/// The run a certificate of the tenant belongs to (to check a URL's run and certificate
/// agree; permissions are checked by the use case itself).
pub async fn run_of(app: &App, tenant: TenantId, id: Uuid) -> Result<Option<Uuid>> {
    Ok(repo::by_id(app.db.reader(), tenant, id)
        .await?
        .map(|c| c.run_id))
}
