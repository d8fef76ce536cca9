//! Files attached to a submission: listed with their addresses, and opened by the work's
//! author, its graders or (peer assessment) a reviewer it was assigned to.

use super::submissions::{is_grader, item_of_kinds, WORK_KINDS};
use crate::{App, Caller};
use amphi_core::{Error, ItemId, Result, RunId, TenantId};
use amphi_db::repo::{peer as repo_p, submissions as repo_s};
use amphi_db::rows;
use serde::Serialize;
use uuid::Uuid;

/// A file attached to a submission.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubmissionFile {
    /// Id.
    pub id: Uuid,
    /// File name (as uploaded, cleaned).
    pub filename: String,
    /// Content type (from the file's own bytes).
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Where its author, its graders and its reviewers get it.
    pub url: String,
}

impl SubmissionFile {
    /// A stored file of a submission to `item` of `run`, with its address.
    pub(super) fn of(run: Uuid, item: Uuid, f: rows::StoredFile) -> Self {
        SubmissionFile {
            url: format!("/learn/{run}/items/{item}/files/{}", f.id),
            id: f.id,
            filename: f.filename,
            content_type: f.content_type,
            size: f.size,
        }
    }
}

/// The files of a submission, with the addresses its readers get them at.
pub(super) async fn files_view(
    app: &App,
    tenant: TenantId,
    run: Uuid,
    item: Uuid,
    sub: Uuid,
) -> Result<Vec<SubmissionFile>> {
    Ok(repo_s::files_of(app.db.reader(), tenant, sub)
        .await?
        .into_iter()
        .map(|f| SubmissionFile::of(run, item, f))
        .collect())
}

/// A submission's file for its author, the run's graders, or (peer assessment) a reviewer it
/// was assigned to; anyone else is told it does not exist.
pub async fn open_file(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    file: Uuid,
) -> Result<crate::files::Download> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let o = item_of_kinds(app, user, tenant, run, item, &WORK_KINDS)
        .await
        .map_err(|_| Error::NotFound)?;
    let m = repo_s::submission_of_file(app.db.reader(), tenant, item, file)
        .await?
        .ok_or(Error::NotFound)?;
    let allowed = m.user_id == user.id.0
        || is_grader(user, tenant, &o.access)
        || repo_p::assignment(app.db.reader(), tenant, m.id, user.id.0)
            .await?
            .is_some();
    if !allowed {
        return Err(Error::NotFound);
    }
    let row = repo_s::files_of(app.db.reader(), tenant, m.id)
        .await?
        .into_iter()
        .find(|f| f.id == file)
        .ok_or(Error::NotFound)?;
    crate::files::open(app, crate::files::FileMeta { row }, None).await
}
