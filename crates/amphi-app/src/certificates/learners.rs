//! Learners: their own certificates and PDFs.

use super::codes::display_code;
use super::team::staff_run;
use super::views::Certificate;
use crate::{App, Caller};
use amphi_core::certificate::CertificateStatus;
use amphi_core::policy::Action;
use amphi_core::{Error, Result, RunId};
use amphi_db::repo::certificates as repo;
use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::ObjectStoreExt;
use uuid::Uuid;

/// The person's own certificates (issued and revoked), newest first.
pub async fn mine(app: &App, caller: &Caller) -> Result<Vec<Certificate>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    Ok(repo::of_user(app.db.reader(), tenant, user.id.0)
        .await?
        .into_iter()
        .map(Certificate::from)
        .collect())
}

/// The person's valid certificate in a run, issued or being made (for the course home).
pub async fn mine_in_run(app: &App, caller: &Caller, run: RunId) -> Result<Option<Certificate>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run = run.0;
    Ok(repo::of_learner(app.db.reader(), tenant, run, user.id.0)
        .await?
        .into_iter()
        .find(|c| !matches!(c.status(), Ok(CertificateStatus::Revoked)))
        .map(Certificate::from))
}

/// A certificate's PDF: for its owner while it is issued, and for the run's course team.
/// Anyone else is told it does not exist.
pub async fn pdf(app: &App, caller: &Caller, id: Uuid) -> Result<(String, Bytes)> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let cert = repo::by_id(app.db.reader(), tenant, id)
        .await?
        .ok_or(Error::NotFound)?;
    let owner = cert.user_id == user.id.0 && cert.status()? == CertificateStatus::Issued;
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
