//! Upload: sniff, stream to storage while counting and hashing, record the row and point the
//! item at it.

use super::kinds::{classify, clean_filename, parse_lang, Purpose, TextCheck};
use super::media::{uuid_at, FileInfo, DEFAULT_COMPLETE_AT};
use super::{delete_files, storage_key};
use crate::courses::{self, authoring};
use crate::{App, Caller};
use amphi_core::codes;
use amphi_core::policy::Action;
use amphi_core::{Error, Result, TenantId};
use amphi_core::{ItemId, RunId};
use amphi_db::repo::{files as repo_f, structure};
use amphi_db::rows;
use bytes::Bytes;
use futures::stream::{Stream, StreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Bytes sniffed before deciding whether a file is acceptable.
const HEAD_BYTES: usize = 4096;
/// Part size of multipart uploads (S3 needs at least 5 MiB per part but the last).
const PART_BYTES: usize = 8 * 1024 * 1024;
/// Parts uploaded at once.
const PARTS_IN_FLIGHT: usize = 2;

/// What comes with the bytes of an upload.
#[derive(Debug, Clone, Default)]
pub struct NewUpload {
    /// `file`, `video` or `subtitles`.
    pub purpose: String,
    /// Subtitle language (`fr`, `en`, `pt-BR`…), for `subtitles`.
    pub lang: Option<String>,
    /// The name on the person's computer (metadata only).
    pub filename: String,
    /// The content type the browser declared (used only when the name has no known extension).
    pub content_type: Option<String>,
}

/// Where the bytes go: held in memory up to one part, then a multipart upload.
pub(crate) enum Sink {
    Buffer(Vec<Bytes>, usize),
    Multipart(WriteMultipart),
}

impl Sink {
    /// A sink that has received nothing yet.
    pub(crate) fn new() -> Sink {
        Sink::Buffer(Vec::new(), 0)
    }

    /// Takes the next bytes of the object at `path`.
    pub(crate) async fn write(
        &mut self,
        store: &dyn ObjectStore,
        path: &ObjectPath,
        b: Bytes,
    ) -> Result<()> {
        match self {
            Sink::Buffer(parts, n) => {
                *n += b.len();
                parts.push(b);
                if *n >= PART_BYTES {
                    let up = store.put_multipart(path).await.map_err(Error::internal)?;
                    let mut w = WriteMultipart::new_with_chunk_size(up, PART_BYTES);
                    for p in parts.drain(..) {
                        w.put(p);
                    }
                    *self = Sink::Multipart(w);
                }
            }
            Sink::Multipart(w) => {
                w.wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(Error::internal)?;
                w.put(b);
            }
        }
        Ok(())
    }

    /// Stores what was written (one put, or the last parts of a multipart upload).
    pub(crate) async fn finish(self, store: &dyn ObjectStore, path: &ObjectPath) -> Result<()> {
        match self {
            Sink::Buffer(parts, _) => {
                store
                    .put(path, PutPayload::from_iter(parts))
                    .await
                    .map_err(Error::internal)?;
            }
            Sink::Multipart(w) => {
                w.finish().await.map_err(Error::internal)?;
            }
        }
        Ok(())
    }

    /// Drops what was written (a multipart upload is aborted).
    pub(crate) async fn abort(self) {
        if let Sink::Multipart(w) = self {
            if let Err(e) = w.abort().await {
                tracing::warn!(error = %e, "storage: aborting an upload failed");
            }
        }
    }
}

fn too_large() -> Error {
    Error::field("file", codes::FILE_TOO_LARGE)
}

/// Uploads a file for an item (the course team of a run that has not ended): sniffs it,
/// streams it to storage while counting and hashing, records it in `stored_files` and points
/// the item at it (a `file` item's file, a `video` item's video, or one subtitle language,
/// replacing the previous one of the same language). Files replaced are deleted.
///
/// `body` yields the bytes; an error it yields (the client went away, the request body limit)
/// stops the upload and nothing is kept.
pub async fn upload<S>(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
    meta: NewUpload,
    body: S,
) -> Result<FileInfo>
where
    S: Stream<Item = Result<Bytes>> + Unpin + Send,
{
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id) = (run_id.0, item_id.0);
    let a = courses::access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    courses::writable(&a.run, app.now())?;
    let item = structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let purpose = Purpose::parse(&meta.purpose)?;
    if purpose.item_kind() != Some(item.kind()?) {
        return Err(Error::field("purpose", codes::CHOICE_INVALID));
    }
    let lang = match purpose {
        Purpose::Subtitles => Some(parse_lang(meta.lang.as_deref())?),
        _ => None,
    };
    let filename = clean_filename(&meta.filename);
    let max = app.storage.max_upload_bytes();
    let (row, path) = store_stream(
        app,
        tenant,
        run_id,
        user.id.0,
        purpose,
        filename,
        meta.content_type.as_deref(),
        max,
        body,
    )
    .await?;
    let store = app.storage.store()?;
    let saved = record(app, tenant, run_id, item_id, purpose, lang, &row).await;
    let replaced = match saved {
        Ok(r) => r,
        Err(e) => {
            if let Err(de) = store.delete(&path).await {
                tracing::warn!(error = %de, "storage: could not remove an unrecorded upload");
            }
            return Err(e);
        }
    };
    delete_files(app, tenant, run_id, &replaced).await;
    Ok(FileInfo::of(&row, run_id))
}

/// Streams an upload to storage after sniffing its first bytes (refused unless `purpose`
/// allows the type), counting (at most `max` bytes) and hashing it. Returns the
/// `stored_files` row to record and where the object is; the caller records the row, or
/// deletes the object if it cannot.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn store_stream<S>(
    app: &App,
    tenant: TenantId,
    run_id: Uuid,
    created_by: Uuid,
    purpose: Purpose,
    filename: String,
    content_type: Option<&str>,
    max: u64,
    mut body: S,
) -> Result<(rows::StoredFile, ObjectPath)>
where
    S: Stream<Item = Result<Bytes>> + Unpin + Send,
{
    // The first bytes decide the type before anything is written.
    let mut head: Vec<u8> = Vec::with_capacity(HEAD_BYTES);
    let mut first: Vec<Bytes> = Vec::new();
    let mut ended = false;
    let mut read: u64 = 0;
    while head.len() < HEAD_BYTES {
        match body.next().await {
            Some(chunk) => {
                let chunk = chunk?;
                read += chunk.len() as u64;
                if read > max {
                    return Err(too_large());
                }
                let take = (HEAD_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
                first.push(chunk);
            }
            None => {
                ended = true;
                break;
            }
        }
    }
    if head.is_empty() {
        return Err(Error::field("file", codes::FILE_EMPTY));
    }
    let kind = classify(purpose, &filename, content_type, &head)?;

    let store = app.storage.store()?;
    let file_id = Uuid::now_v7();
    let key = storage_key(tenant, run_id, file_id);
    let path = ObjectPath::from(key.as_str());
    let mut sink = Sink::new();
    let mut hash = Sha256::new();
    let mut text = kind.is_text().then(TextCheck::default);
    let mut size: u64 = 0;

    let mut pending = first.into_iter();
    let outcome: Result<()> = async {
        loop {
            let chunk = match pending.next() {
                Some(c) => c,
                None if ended => break,
                None => match body.next().await {
                    Some(c) => c?,
                    None => break,
                },
            };
            size += chunk.len() as u64;
            if size > max {
                return Err(too_large());
            }
            hash.update(&chunk);
            if let Some(t) = text.as_mut() {
                t.feed(&chunk);
                if t.failed() {
                    return Err(Error::field("file", codes::FILE_TYPE_NOT_ALLOWED));
                }
            }
            sink.write(store.as_ref(), &path, chunk).await?;
        }
        if text.as_ref().is_some_and(|t| !t.ok()) {
            return Err(Error::field("file", codes::FILE_TYPE_NOT_ALLOWED));
        }
        Ok(())
    }
    .await;
    if let Err(e) = outcome {
        sink.abort().await;
        return Err(e);
    }
    sink.finish(store.as_ref(), &path).await?;

    let now = app.now();
    let row = rows::StoredFile {
        id: file_id,
        tenant_id: tenant.0,
        run_id: Some(run_id),
        storage_key: key,
        filename,
        content_type: kind.content_type().to_owned(),
        size: size as i64,
        sha256: hex::encode(hash.finalize()),
        created_by: Some(created_by),
        created_at: now,
    };
    Ok((row, path))
}

/// One transaction: the row, the item's settings, the run's change stamp. Returns the ids of
/// the files the item no longer uses.
async fn record(
    app: &App,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
    purpose: Purpose,
    lang: Option<(String, String)>,
    row: &rows::StoredFile,
) -> Result<Vec<Uuid>> {
    let txn = app.db.begin().await?;
    repo_f::insert(&txn, tenant, row.clone()).await?;
    let it = structure::item(&txn, tenant, run_id, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut s: Value = serde_json::from_str(&it.settings).unwrap_or_else(|_| json!({}));
    if !s.is_object() {
        s = json!({});
    }
    let mut replaced = Vec::new();
    let id = Value::String(row.id.to_string());
    match purpose {
        Purpose::File | Purpose::Video => {
            replaced.extend(uuid_at(&s, "file_id"));
            s["file_id"] = id;
            if purpose == Purpose::Video {
                s["source"] = json!("file");
                if s.get("complete_at").and_then(Value::as_f64).is_none() {
                    s["complete_at"] = json!(DEFAULT_COMPLETE_AT);
                }
            }
        }
        Purpose::Subtitles => {
            let (tag, label) = lang.unwrap_or_default();
            let mut subs: Vec<Value> = s
                .get("subtitles")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            subs.retain(|t| {
                if t.get("lang").and_then(Value::as_str) == Some(tag.as_str()) {
                    replaced.extend(uuid_at(t, "file_id"));
                    false
                } else {
                    true
                }
            });
            subs.push(json!({ "lang": tag, "label": label, "file_id": id }));
            s["subtitles"] = Value::Array(subs);
        }
        Purpose::Submission => return Err(Error::field("purpose", codes::CHOICE_INVALID)),
    }
    let new = rows::CourseItem {
        settings: s.to_string(),
        updated_at: app.now(),
        ..it.clone()
    };
    structure::save_item(&txn, tenant, &it, &new).await?;
    authoring::commit_structure(txn, app, tenant, run_id).await?;
    replaced.retain(|r| *r != row.id);
    Ok(replaced)
}
