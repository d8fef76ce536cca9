//! Files an assignment's learner attaches to their submission: uploaded (sniffed and streamed
//! to storage like course files, within the assignment's limits) and removed, before the
//! deadline and until graded.

use super::assignments::AssignmentSettings;
use super::submission_files::SubmissionFile;
use super::submissions::{first_draft, for_learner};
use crate::{App, Caller};
use amphi_core::course::ItemKind;
use amphi_core::{codes, Error, ItemId, Result, RunId};
use amphi_db::repo::submissions as repo_s;
use uuid::Uuid;

/// Attaches a file to the learner's assignment submission (a draft is started if there is
/// none): sniffed and streamed to storage like course files, at most `max_files` files of
/// `max_file_mb` each, before the deadline. Nothing is kept when it is refused.
pub async fn upload_file<S>(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    (filename, content_type): (&str, Option<&str>),
    body: S,
) -> Result<SubmissionFile>
where
    S: futures::Stream<Item = Result<bytes::Bytes>> + Unpin + Send,
{
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let o = for_learner(app, user, tenant, run, item, ItemKind::Assignment).await?;
    let s = AssignmentSettings::of(&o.item);
    if !s.accept_files {
        return Err(Error::Conflict(codes::FILES_NOT_ACCEPTED));
    }
    let now = app.now();
    if let Some(why) = s.closed(now) {
        return Err(Error::Conflict(why));
    }
    let existing = repo_s::submission_of(app.db.reader(), tenant, item, user.id.0).await?;
    if existing.as_ref().is_some_and(|m| m.graded_at.is_some()) {
        return Err(Error::Conflict(codes::ALREADY_GRADED));
    }
    let count = match &existing {
        Some(m) => repo_s::files_of(app.db.reader(), tenant, m.id).await?.len(),
        None => 0,
    };
    if count >= s.max_files as usize {
        return Err(Error::field("file", codes::TOO_MANY_FILES));
    }
    let name = crate::files::clean_filename(filename);
    if name.is_empty() {
        return Err(Error::field("file", codes::REQUIRED));
    }
    let max = (u64::from(s.max_file_mb) * 1024 * 1024).min(app.storage.max_upload_bytes());
    let (row, path) = crate::files::store_stream(
        app,
        tenant,
        run,
        user.id.0,
        crate::files::Purpose::Submission,
        name,
        content_type,
        max,
        body,
    )
    .await?;
    let saved: Result<()> = async {
        let txn = app.db.begin().await?;
        let sub = match repo_s::submission_of(&txn, tenant, item, user.id.0).await? {
            Some(m) => m,
            None => {
                let draft = first_draft((tenant, run, item, user.id.0), s.max(), now);
                repo_s::insert_submission(&txn, tenant, draft).await?
            }
        };
        repo_s::attach_file(&txn, tenant, row.clone(), sub.id, count as i32 + 1).await?;
        txn.commit().await.map_err(Error::internal)?;
        Ok(())
    }
    .await;
    if let Err(e) = saved {
        if let Ok(store) = app.storage.store() {
            if let Err(de) = object_store::ObjectStoreExt::delete(&store, &path).await {
                tracing::warn!(error = %de, "storage: could not remove an unrecorded upload");
            }
        }
        return Err(e);
    }
    Ok(SubmissionFile::of(run, item, row))
}

/// Removes a file from the learner's own submission (before the deadline, not once graded).
pub async fn remove_file(
    app: &App,
    caller: &Caller,
    run: RunId,
    item: ItemId,
    file: Uuid,
) -> Result<()> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item) = (run.0, item.0);
    let o = for_learner(app, user, tenant, run, item, ItemKind::Assignment).await?;
    let s = AssignmentSettings::of(&o.item);
    if let Some(why) = s.closed(app.now()) {
        return Err(Error::Conflict(why));
    }
    let m = repo_s::submission_of_file(app.db.reader(), tenant, item, file)
        .await?
        .filter(|m| m.user_id == user.id.0)
        .ok_or(Error::NotFound)?;
    if m.graded_at.is_some() {
        return Err(Error::Conflict(codes::ALREADY_GRADED));
    }
    crate::files::delete_files(app, tenant, run, &[file]).await;
    Ok(())
}
