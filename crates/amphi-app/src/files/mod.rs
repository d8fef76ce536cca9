//! Course files: what the course team uploads (files, videos, subtitles) into an object store
//! (a local folder or an S3-compatible bucket), their download by the people who may see the
//! item, and video watch progress.
//!
//! Objects are stored under `tenants/<tenant>/runs/<run>/<file id>`: the person's file name is
//! only metadata (a row of `stored_files`), never part of a key. Every upload is sniffed: its
//! first bytes must match the type its name claims, from an allow-list per purpose; text files
//! must be UTF-8 without NUL bytes throughout. The size is counted while streaming, so an
//! oversized body is refused without being held in memory.

use crate::config::StorageConfig;
use crate::App;
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::files as repo_f;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use std::sync::{Arc, OnceLock};
use uuid::Uuid;

mod download;
mod kinds;
pub(crate) mod media;
mod upload;
pub(crate) use upload::Sink;
mod video;

pub use download::{authorize, download, open, Body, ByteRange, ByteStream, Download, FileMeta};
pub use kinds::SUBTITLE_LANGUAGES;
pub(crate) use kinds::{clean_filename, Purpose};
pub use media::{item_files, item_media, FileInfo, ItemMedia, SubtitleTrack, DEFAULT_COMPLETE_AT};
pub(crate) use upload::store_stream;
pub use upload::{upload, NewUpload};
pub use video::{video_progress, VideoProgress};

/// The object store, built from `[storage]` on first use and shared by every request.
pub struct Storage {
    config: StorageConfig,
    store: OnceLock<Arc<dyn ObjectStore>>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the keys.
        f.debug_struct("Storage")
            .field("backend", &self.config.backend)
            .field("built", &self.store.get().is_some())
            .finish()
    }
}

impl Storage {
    /// A handle over the `[storage]` settings; nothing is opened until first use.
    pub fn new(config: &StorageConfig) -> Self {
        Self {
            config: config.clone(),
            store: OnceLock::new(),
        }
    }

    /// The store (a local folder, created if missing, or an S3 bucket).
    pub fn store(&self) -> Result<Arc<dyn ObjectStore>> {
        if let Some(s) = self.store.get() {
            return Ok(s.clone());
        }
        let built = build_store(&self.config)?;
        Ok(self.store.get_or_init(|| built).clone())
    }

    /// Largest upload, in bytes.
    pub fn max_upload_bytes(&self) -> u64 {
        self.config.max_upload_bytes
    }
}

fn build_store(c: &StorageConfig) -> Result<Arc<dyn ObjectStore>> {
    match c.backend.as_str() {
        "s3" => {
            let bucket = c
                .s3_bucket
                .as_deref()
                .filter(|b| !b.is_empty())
                .ok_or_else(|| Error::Internal("storage.s3_bucket is not set".into()))?;
            let mut b = AmazonS3Builder::new().with_bucket_name(bucket);
            if let Some(r) = c.s3_region.as_deref().filter(|r| !r.is_empty()) {
                b = b.with_region(r);
            }
            if let Some(e) = c.s3_endpoint.as_deref().filter(|e| !e.is_empty()) {
                b = b.with_endpoint(e).with_allow_http(e.starts_with("http://"));
            }
            if let Some(k) = c.s3_access_key_id.as_deref().filter(|k| !k.is_empty()) {
                b = b.with_access_key_id(k);
            }
            if let Some(k) = c.s3_secret_access_key.as_deref().filter(|k| !k.is_empty()) {
                b = b.with_secret_access_key(k);
            }
            let s3 = b
                .build()
                .map_err(|e| Error::Internal(format!("storage: cannot set up the bucket: {e}")))?;
            Ok(Arc::new(s3))
        }
        _ => {
            std::fs::create_dir_all(&c.local_dir).map_err(|e| {
                Error::Internal(format!(
                    "storage: cannot create storage.local_dir {}: {e}",
                    c.local_dir
                ))
            })?;
            let fs = LocalFileSystem::new_with_prefix(&c.local_dir)
                .map_err(|e| Error::Internal(format!("storage: {e}")))?
                .with_automatic_cleanup(true)
                .with_fsync(true);
            Ok(Arc::new(fs))
        }
    }
}

/// The key of a stored file: never the person's file name.
pub fn storage_key(tenant: TenantId, run: Uuid, file: Uuid) -> String {
    format!("tenants/{}/runs/{run}/{file}", tenant.0)
}

/// Removes files (rows, then objects); failures are logged, never shown. An object still
/// used by another row (a later edition's copy) stays.
pub(crate) async fn delete_files(app: &App, tenant: TenantId, run_id: Uuid, ids: &[Uuid]) {
    if ids.is_empty() {
        return;
    }
    let rows = match repo_f::in_run(app.db.writer(), tenant, run_id, ids.to_vec()).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "storage: could not list replaced files");
            return;
        }
    };
    let Ok(store) = app.storage.store() else {
        return;
    };
    for r in rows {
        if let Err(e) = repo_f::delete(app.db.writer(), tenant, r.id).await {
            tracing::warn!(error = %e, "storage: could not delete a replaced file's row");
            continue;
        }
        let shared = repo_f::key_in_use(app.db.writer(), tenant, &r.storage_key).await;
        if !matches!(shared, Ok(false)) {
            continue;
        }
        if let Err(e) = store
            .delete(&ObjectPath::from(r.storage_key.as_str()))
            .await
        {
            tracing::warn!(error = %e, key = %r.storage_key, "storage: could not delete a replaced file");
        }
    }
}
