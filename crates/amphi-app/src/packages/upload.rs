//! A package uploaded by the course team: the zip is kept in a temporary file, checked whole
//! (`amphi_interop::package::inspect`: paths, links, sizes, manifest, referenced files), then
//! its files are streamed one by one into the object store under the new version's id, and the
//! item is pointed at that version. A refused package, or one whose storing fails, leaves
//! nothing behind.

use super::{file_key, PackageItem, Structure};
use crate::assessment::gradebook::updates;
use crate::files::Sink;
use crate::{courses, App, Caller};
use amphi_core::course::ItemKind;
use amphi_core::policy::Action;
use amphi_core::{codes, Error, ItemId, Result, RunId, TenantId};
use amphi_db::repo::{packages as repo, structure};
use amphi_db::rows;
use amphi_interop::package::{self as pkg, Problems, Standard};
use bytes::Bytes;
use futures::stream::{Stream, StreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use std::io::Write;
use std::sync::Arc;
use uuid::Uuid;

/// Bytes read from the zip per chunk sent to storage.
const CHUNK: usize = 256 * 1024;

/// What an upload gives: the new version, or every problem found in the zip.
#[derive(Debug)]
pub enum Uploaded {
    /// Stored; learners now get this version.
    Stored(rows::Package),
    /// Refused: nothing was stored.
    Refused(Problems),
}

/// The name stored for a package's standard.
pub fn standard_name(s: Standard) -> &'static str {
    match s {
        Standard::Scorm12 => "scorm12",
        Standard::Scorm2004 { edition } => match edition {
            pkg::Edition2004::Second => "scorm2004-2",
            pkg::Edition2004::Third => "scorm2004-3",
            pkg::Edition2004::Fourth => "scorm2004-4",
        },
        Standard::Cmi5 => "cmi5",
    }
}

/// Uploads a new version of an item's package (the course team of a run that has not ended).
/// `body` yields the zip's bytes (at most `storage.max_upload_bytes`).
pub async fn upload<S>(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
    filename: &str,
    mut body: S,
) -> Result<Uploaded>
where
    S: Stream<Item = Result<Bytes>> + Unpin + Send,
{
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run, item_id) = (run_id.0, item_id.0);
    let a = courses::access(app, Some(&user.actor()), tenant, run, Action::Update).await?;
    courses::writable(&a.run, app.now())?;
    let item = structure::item(app.db.reader(), tenant, run, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    if item.kind()? != ItemKind::Package {
        return Err(Error::field("file", codes::CHOICE_INVALID));
    }

    // The zip is read at random (its directory is at the end): keep it in a temporary file.
    let max = app.storage.max_upload_bytes();
    let tmp = tempfile::tempfile().map_err(Error::internal)?;
    let mut file = tokio::fs::File::from_std(tmp);
    let mut size = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        size += chunk.len() as u64;
        if size > max {
            return Err(Error::field("file", codes::FILE_TOO_LARGE));
        }
        tokio::io::AsyncWriteExt::write_all(&mut file, &chunk)
            .await
            .map_err(Error::internal)?;
    }
    if size == 0 {
        return Err(Error::field("file", codes::FILE_EMPTY));
    }
    let file = file.into_std().await;
    let limits = pkg::Limits {
        max_total_bytes: pkg::Limits::default().max_total_bytes.min(max * 20),
        ..pkg::Limits::default()
    };
    let checked = {
        let limits = limits.clone();
        tokio::task::spawn_blocking(move || -> Result<_> {
            let mut f = file;
            std::io::Seek::rewind(&mut f).map_err(Error::internal)?;
            let r = if is_xml(&mut f)? {
                // A cmi5 course structure on its own: its AUs live elsewhere.
                let mut xml = Vec::new();
                std::io::Read::read_to_end(
                    &mut std::io::Read::take(&mut f, limits.max_manifest_bytes + 1),
                    &mut xml,
                )
                .map_err(Error::internal)?;
                pkg::inspect_cmi5(&xml, &limits)
            } else {
                pkg::inspect(&mut f, &limits)
            };
            Ok((r, f))
        })
        .await
        .map_err(Error::internal)??
    };
    let (package, file) = match checked {
        (Ok(p), f) => (p, f),
        (Err(problems), _) => return Ok(Uploaded::Refused(problems)),
    };

    let id = Uuid::now_v7();
    let store = app.storage.store()?;
    // A course structure alone (remote AUs) has no file to store.
    let stored = if package.entries.is_empty() {
        Ok(0)
    } else {
        store_files(store.clone(), tenant, id, file, &package, &limits).await
    };
    let total = match stored {
        Ok(t) => t,
        Err(e) => {
            remove_files(store.as_ref(), tenant, id, &package).await;
            return Err(e);
        }
    };
    let saved = record(app, caller, &item, id, filename, &package, total).await;
    match saved {
        Ok(row) => Ok(Uploaded::Stored(row)),
        Err(e) => {
            remove_files(store.as_ref(), tenant, id, &package).await;
            Err(e)
        }
    }
}

/// Whether an upload is XML rather than a zip (its first byte, after a byte-order mark and
/// blanks, opens a tag); leaves the file at its start.
fn is_xml(f: &mut std::fs::File) -> Result<bool> {
    let mut head = [0u8; 64];
    let n = std::io::Read::read(f, &mut head).map_err(Error::internal)?;
    std::io::Seek::rewind(f).map_err(Error::internal)?;
    let head = head.get(..n).unwrap_or_default();
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    Ok(head
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'<'))
}

/// Records the version and points the item at it, in one transaction.
async fn record(
    app: &App,
    caller: &Caller,
    item: &rows::CourseItem,
    id: Uuid,
    filename: &str,
    package: &pkg::Package,
    total: u64,
) -> Result<rows::Package> {
    let tenant = caller.tenant;
    let now = app.now();
    let structure = Structure {
        tree: package.tree.clone(),
        launches: package.launches.clone(),
        sequencing: package.sequencing.clone(),
        cmi5: package.cmi5.clone(),
    };
    let txn = app.db.begin().await?;
    let version = repo::versions(&txn, tenant, item.id)
        .await?
        .first()
        .map_or(1, |p| p.version + 1);
    let row = repo::insert_package(
        &txn,
        tenant,
        rows::Package {
            id,
            tenant_id: tenant.0,
            run_id: item.run_id,
            item_id: item.id,
            version,
            standard: standard_name(package.standard).into(),
            title: package.title.chars().take(500).collect(),
            filename: crate::files::clean_filename(filename),
            structure: serde_json::to_string(&structure).map_err(Error::internal)?,
            file_count: i32::try_from(package.entries.len()).unwrap_or(i32::MAX),
            total_bytes: i64::try_from(total).unwrap_or(i64::MAX),
            created_by: caller.user.id.0,
            created_at: now,
        },
    )
    .await?;
    let mut settings = PackageItem::of(&item.settings);
    settings.package_id = Some(id);
    let mut new = item.clone();
    new.settings = serde_json::to_string(&settings).map_err(Error::internal)?;
    new.updated_at = now;
    structure::save_item(&txn, tenant, item, &new).await?;
    updates::register_item(&txn, tenant, item.run_id, item.id, settings.max_points, now).await?;
    amphi_db::repo::audit::Event::new("package.uploaded", tenant)
        .actor(caller.user.id)
        .target(item.id.to_string())
        .ip(caller.meta.ip.clone())
        .detail(serde_json::json!({
            "run": item.run_id, "package": id, "version": version,
            "standard": row.standard, "files": row.file_count, "bytes": row.total_bytes,
        }))
        .record(&txn, now)
        .await?;
    courses::authoring::commit_structure(txn, app, tenant, item.run_id).await?;
    Ok(row)
}

/// Streams every file of the zip to the object store; the bytes read from the zip are counted
/// again against the limits (a header may lie). Returns the bytes stored.
async fn store_files(
    store: Arc<dyn ObjectStore>,
    tenant: TenantId,
    id: Uuid,
    file: std::fs::File,
    package: &pkg::Package,
    limits: &pkg::Limits,
) -> Result<u64> {
    enum Msg {
        Start(String),
        Bytes(Bytes),
        End,
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(8);
    let entries = package.entries.clone();
    let limits = limits.clone();
    let reader = tokio::task::spawn_blocking(move || -> Result<u64> {
        struct Chunks<'a>(&'a tokio::sync::mpsc::Sender<Msg>, Vec<u8>);
        impl Write for Chunks<'_> {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.1.extend_from_slice(b);
                if self.1.len() >= CHUNK {
                    self.flush()?;
                }
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                if !self.1.is_empty() {
                    let b = Bytes::from(std::mem::take(&mut self.1));
                    self.0
                        .blocking_send(Msg::Bytes(b))
                        .map_err(|_| std::io::Error::other("storage stopped"))?;
                }
                Ok(())
            }
        }
        let mut zip = pkg::ZipArchive::new(file).map_err(Error::internal)?;
        let mut total = 0u64;
        for e in &entries {
            if tx.blocking_send(Msg::Start(e.path.clone())).is_err() {
                return Err(Error::Internal("storage stopped".into()));
            }
            let mut out = Chunks(&tx, Vec::with_capacity(CHUNK));
            total += pkg::read_entry(&mut zip, e, &limits, &mut out)
                .map_err(|p| Error::Internal(format!("package entry unreadable: {p:?}")))?;
            out.flush().map_err(Error::internal)?;
            if tx.blocking_send(Msg::End).is_err() {
                return Err(Error::Internal("storage stopped".into()));
            }
        }
        Ok(total)
    });
    let mut current: Option<(ObjectPath, Sink)> = None;
    let written: Result<()> = async {
        while let Some(m) = rx.recv().await {
            match m {
                Msg::Start(p) => {
                    current = Some((ObjectPath::from(file_key(tenant, id, &p)), Sink::new()));
                }
                Msg::Bytes(b) => {
                    if let Some((path, sink)) = current.as_mut() {
                        sink.write(store.as_ref(), path, b).await?;
                    }
                }
                Msg::End => {
                    if let Some((path, sink)) = current.take() {
                        sink.finish(store.as_ref(), &path).await?;
                    }
                }
            }
        }
        Ok(())
    }
    .await;
    if let Some((_, sink)) = current.take() {
        sink.abort().await;
    }
    drop(rx);
    let total = reader.await.map_err(Error::internal)?;
    written?;
    total
}

/// Removes what was stored of a package that is not kept; failures are logged.
async fn remove_files(store: &dyn ObjectStore, tenant: TenantId, id: Uuid, package: &pkg::Package) {
    for e in &package.entries {
        let path = ObjectPath::from(file_key(tenant, id, &e.path));
        match store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(err) => tracing::warn!(error = %err, "storage: could not remove a package file"),
        }
    }
}
