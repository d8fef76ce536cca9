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
use crate::courses::{self, authoring, learn};
use crate::users::User;
use crate::App;
use amphi_core::course::CourseRole;
use amphi_core::policy::{can, Action};
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{files as repo_f, progress, structure};
use amphi_db::rows;
use bytes::Bytes;
use futures::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use uuid::Uuid;

/// Bytes sniffed before deciding whether a file is acceptable.
const HEAD_BYTES: usize = 4096;
/// Part size of multipart uploads (S3 needs at least 5 MiB per part but the last).
const PART_BYTES: usize = 8 * 1024 * 1024;
/// Parts uploaded at once.
const PARTS_IN_FLIGHT: usize = 2;
/// Share of a video to watch before it counts as completed, unless the item says otherwise.
pub const DEFAULT_COMPLETE_AT: f64 = 0.9;

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

// ---------------------------------------------------------------------------------------------
// Types: what a name claims, what the bytes are.

/// A type of file the platform accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
    Zip,
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Ods,
    Odp,
    Txt,
    Csv,
    Md,
    Mp4,
    Webm,
    Vtt,
}

impl Kind {
    const ALL: [Kind; 19] = [
        Kind::Pdf,
        Kind::Png,
        Kind::Jpeg,
        Kind::Gif,
        Kind::Webp,
        Kind::Svg,
        Kind::Zip,
        Kind::Docx,
        Kind::Xlsx,
        Kind::Pptx,
        Kind::Odt,
        Kind::Ods,
        Kind::Odp,
        Kind::Txt,
        Kind::Csv,
        Kind::Md,
        Kind::Mp4,
        Kind::Webm,
        Kind::Vtt,
    ];

    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Pdf => &["pdf"],
            Kind::Png => &["png"],
            Kind::Jpeg => &["jpg", "jpeg"],
            Kind::Gif => &["gif"],
            Kind::Webp => &["webp"],
            Kind::Svg => &["svg"],
            Kind::Zip => &["zip"],
            Kind::Docx => &["docx"],
            Kind::Xlsx => &["xlsx"],
            Kind::Pptx => &["pptx"],
            Kind::Odt => &["odt"],
            Kind::Ods => &["ods"],
            Kind::Odp => &["odp"],
            Kind::Txt => &["txt"],
            Kind::Csv => &["csv"],
            Kind::Md => &["md", "markdown"],
            Kind::Mp4 => &["mp4", "m4v"],
            Kind::Webm => &["webm"],
            Kind::Vtt => &["vtt"],
        }
    }

    /// The content type stored and served (svg is served as a download only, see
    /// [`FileMeta::served_content_type`]).
    fn content_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Svg => "image/svg+xml",
            Kind::Zip => "application/zip",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Kind::Odt => "application/vnd.oasis.opendocument.text",
            Kind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Kind::Odp => "application/vnd.oasis.opendocument.presentation",
            Kind::Txt => "text/plain; charset=utf-8",
            Kind::Csv => "text/csv; charset=utf-8",
            Kind::Md => "text/markdown; charset=utf-8",
            Kind::Mp4 => "video/mp4",
            Kind::Webm => "video/webm",
            Kind::Vtt => "text/vtt; charset=utf-8",
        }
    }

    /// Must be UTF-8 without NUL bytes from the first byte to the last.
    fn is_text(self) -> bool {
        matches!(
            self,
            Kind::Svg | Kind::Txt | Kind::Csv | Kind::Md | Kind::Vtt
        )
    }

    fn from_extension(ext: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.extensions().contains(&ext))
    }

    fn from_content_type(ct: &str) -> Option<Kind> {
        let base = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| k.content_type().split(';').next() == Some(base.as_str()))
    }

    /// Whether the first bytes of a file are of this type (`head` may be the whole file).
    fn matches(self, head: &[u8]) -> bool {
        let zip = head.starts_with(b"PK\x03\x04");
        // OpenDocument: a zip whose first entry is an uncompressed `mimetype` file.
        let odf = |mime: &[u8]| {
            zip && head.len() > 38 && &head[30..38] == b"mimetype" && head[38..].starts_with(mime)
        };
        match self {
            Kind::Pdf => head.starts_with(b"%PDF-"),
            Kind::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
            Kind::Jpeg => head.starts_with(&[0xFF, 0xD8, 0xFF]),
            Kind::Gif => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
            Kind::Webp => head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP",
            Kind::Zip => zip || head.starts_with(b"PK\x05\x06"),
            Kind::Docx | Kind::Xlsx | Kind::Pptx => zip,
            Kind::Odt => odf(b"application/vnd.oasis.opendocument.text"),
            Kind::Ods => odf(b"application/vnd.oasis.opendocument.spreadsheet"),
            Kind::Odp => odf(b"application/vnd.oasis.opendocument.presentation"),
            Kind::Mp4 => head.len() >= 12 && &head[4..8] == b"ftyp",
            Kind::Webm => {
                head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
                    && head[..head.len().min(64)].windows(4).any(|w| w == b"webm")
            }
            Kind::Vtt => {
                let t = strip_bom(head);
                t.starts_with(b"WEBVTT")
                    && t.get(6)
                        .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
            }
            Kind::Svg => {
                let t = String::from_utf8_lossy(strip_bom(head)).to_ascii_lowercase();
                t.trim_start().starts_with('<') && t.contains("<svg")
            }
            Kind::Txt | Kind::Csv | Kind::Md => true,
        }
    }
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// What an upload is for; each has its allow-list of types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The file of a `file` item.
    File,
    /// The video file of a `video` item.
    Video,
    /// A WebVTT subtitle track of a `video` item.
    Subtitles,
    /// A file a learner hands in (assignments); never accepted by the item upload.
    Submission,
}

impl Purpose {
    /// `file`, `video` or `subtitles`.
    pub fn parse(raw: &str) -> Result<Self> {
        match raw.trim() {
            "file" => Ok(Purpose::File),
            "video" => Ok(Purpose::Video),
            "subtitles" => Ok(Purpose::Subtitles),
            _ => Err(Error::field("purpose", "choice_invalid")),
        }
    }

    fn item_kind(self) -> &'static str {
        match self {
            Purpose::File => "file",
            Purpose::Video | Purpose::Subtitles => "video",
            Purpose::Submission => "",
        }
    }

    fn allowed(self) -> &'static [Kind] {
        match self {
            Purpose::File | Purpose::Submission => &[
                Kind::Pdf,
                Kind::Png,
                Kind::Jpeg,
                Kind::Gif,
                Kind::Webp,
                Kind::Svg,
                Kind::Zip,
                Kind::Docx,
                Kind::Xlsx,
                Kind::Pptx,
                Kind::Odt,
                Kind::Ods,
                Kind::Odp,
                Kind::Txt,
                Kind::Csv,
                Kind::Md,
            ],
            Purpose::Video => &[Kind::Mp4, Kind::Webm],
            Purpose::Subtitles => &[Kind::Vtt],
        }
    }
}

/// The type of an upload: the one its name (or, without a known extension, its declared
/// content type) claims, if the first bytes agree and the purpose allows it. A name without
/// any claim is accepted only for types with a distinctive signature.
fn classify(purpose: Purpose, filename: &str, declared: Option<&str>, head: &[u8]) -> Result<Kind> {
    let refused = || Error::field("file", "file_type_not_allowed");
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let claimed = Kind::from_extension(&ext).or_else(|| declared.and_then(Kind::from_content_type));
    let kind = match claimed {
        Some(k) => k,
        None => purpose
            .allowed()
            .iter()
            .copied()
            .filter(|k| !k.is_text() || *k == Kind::Vtt)
            .filter(|k| !matches!(k, Kind::Docx | Kind::Xlsx | Kind::Pptx))
            .find(|k| k.matches(head))
            .ok_or_else(refused)?,
    };
    if !purpose.allowed().contains(&kind) || !kind.matches(head) {
        return Err(refused());
    }
    Ok(kind)
}

/// Checks that a stream of chunks is UTF-8 without NUL bytes, a chunk at a time.
#[derive(Default)]
struct TextCheck {
    pending: Vec<u8>,
    bad: bool,
}

fn utf8_width(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

impl TextCheck {
    fn feed(&mut self, chunk: &[u8]) {
        if self.bad {
            return;
        }
        if chunk.contains(&0) {
            self.bad = true;
            return;
        }
        let mut rest = chunk;
        if let Some(&lead) = self.pending.first() {
            let width = utf8_width(lead);
            let take = width.saturating_sub(self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() < width {
                return;
            }
            if std::str::from_utf8(&self.pending).is_err() {
                self.bad = true;
                return;
            }
            self.pending.clear();
        }
        match std::str::from_utf8(rest) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => {
                self.pending = rest[e.valid_up_to()..].to_vec();
            }
            Err(_) => self.bad = true,
        }
    }

    fn ok(&self) -> bool {
        !self.bad && self.pending.is_empty()
    }
}

/// The file name as shown and offered for download: the last path segment, without control
/// characters, at most 200 characters (the extension kept).
pub(crate) fn clean_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = base
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_owned();
    if s.is_empty() {
        return "file".into();
    }
    if s.chars().count() <= 200 {
        return s;
    }
    let ext: String = s
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| e.chars().count() <= 10)
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    let stem: String = s.chars().take(200 - ext.chars().count()).collect();
    format!("{stem}{ext}")
}

/// Subtitle languages offered by the item editor, with their names in their own language.
pub const SUBTITLE_LANGUAGES: [(&str, &str); 12] = [
    ("fr", "Français"),
    ("en", "English"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("nl", "Nederlands"),
    ("ar", "العربية"),
    ("zh", "中文"),
    ("ja", "日本語"),
    ("ru", "Русский"),
    ("uk", "Українська"),
];

/// A subtitle language tag (`fr`, `pt-BR`) and its label.
fn parse_lang(raw: Option<&str>) -> Result<(String, String)> {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Err(Error::field("lang", "required"));
    }
    let (primary, region) = match raw.split_once('-') {
        Some((p, r)) => (p, Some(r)),
        None => (raw, None),
    };
    let ok_primary =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    let ok_region = region
        .is_none_or(|r| (2..=8).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !ok_primary || !ok_region {
        return Err(Error::field("lang", "choice_invalid"));
    }
    let tag = match region {
        Some(r) => format!(
            "{}-{}",
            primary.to_ascii_lowercase(),
            r.to_ascii_uppercase()
        ),
        None => primary.to_ascii_lowercase(),
    };
    let label = SUBTITLE_LANGUAGES
        .iter()
        .find(|(c, _)| *c == tag)
        .map(|(_, l)| (*l).to_owned())
        .unwrap_or_else(|| tag.clone());
    Ok((tag, label))
}

// ---------------------------------------------------------------------------------------------
// Upload.

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

/// A stored file as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileInfo {
    /// Id.
    pub id: Uuid,
    /// File name (as uploaded, cleaned).
    pub filename: String,
    /// Content type (from the file's own bytes).
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Where to get it (`/files/<run>/<id>`).
    pub url: String,
}

impl FileInfo {
    /// The view of a stored file of a run.
    pub fn of(m: &rows::StoredFile, run: Uuid) -> Self {
        FileInfo {
            id: m.id,
            filename: m.filename.clone(),
            content_type: m.content_type.clone(),
            size: m.size,
            url: format!("/files/{run}/{}", m.id),
        }
    }
}

/// Where the bytes go: held in memory up to one part, then a multipart upload.
enum Sink {
    Buffer(Vec<Bytes>, usize),
    Multipart(WriteMultipart),
}

impl Sink {
    async fn write(&mut self, store: &dyn ObjectStore, path: &ObjectPath, b: Bytes) -> Result<()> {
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

    async fn finish(self, store: &dyn ObjectStore, path: &ObjectPath) -> Result<()> {
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

    async fn abort(self) {
        if let Sink::Multipart(w) = self {
            if let Err(e) = w.abort().await {
                tracing::warn!(error = %e, "storage: aborting an upload failed");
            }
        }
    }
}

fn too_large() -> Error {
    Error::field("file", "file_too_large")
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
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
    meta: NewUpload,
    body: S,
) -> Result<FileInfo>
where
    S: Stream<Item = Result<Bytes>> + Unpin + Send,
{
    let a = courses::access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    courses::writable(&a.run, app.now())?;
    let item = structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let purpose = Purpose::parse(&meta.purpose)?;
    if purpose.item_kind() != item.kind {
        return Err(Error::field("purpose", "choice_invalid"));
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
        return Err(Error::field("file", "file_empty"));
    }
    let kind = classify(purpose, &filename, content_type, &head)?;

    let store = app.storage.store()?;
    let file_id = Uuid::now_v7();
    let key = storage_key(tenant, run_id, file_id);
    let path = ObjectPath::from(key.as_str());
    let mut sink = Sink::Buffer(Vec::new(), 0);
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
                if t.bad {
                    return Err(Error::field("file", "file_type_not_allowed"));
                }
            }
            sink.write(store.as_ref(), &path, chunk).await?;
        }
        if text.as_ref().is_some_and(|t| !t.ok()) {
            return Err(Error::field("file", "file_type_not_allowed"));
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
    repo_f::insert(&txn, row.clone()).await?;
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
        Purpose::Submission => return Err(Error::field("purpose", "choice_invalid")),
    }
    let new = rows::CourseItem {
        settings: s.to_string(),
        updated_at: app.now(),
        ..it.clone()
    };
    structure::save_item(&txn, tenant, &it, &new).await?;
    authoring::structure_changed(&txn, app, tenant, run_id).await?;
    txn.commit().await.map_err(Error::internal)?;
    replaced.retain(|r| *r != row.id);
    Ok(replaced)
}

fn uuid_at(v: &Value, key: &str) -> Option<Uuid> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
}

/// Every file id an item's settings refer to.
fn file_ids_of(settings: &Value) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = uuid_at(settings, "file_id").into_iter().collect();
    if let Some(subs) = settings.get("subtitles").and_then(Value::as_array) {
        out.extend(subs.iter().filter_map(|t| uuid_at(t, "file_id")));
    }
    out
}

/// Copies the stored-file rows an item's settings refer to into another run (same objects,
/// new ids) and returns the settings pointing at the copies.
pub(crate) async fn copy_to_run(
    c: &impl amphi_db::Conn,
    tenant: TenantId,
    from_run: Uuid,
    to_run: Uuid,
    settings: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String> {
    let parsed: Value = serde_json::from_str(settings).unwrap_or_default();
    let ids = file_ids_of(&parsed);
    if ids.is_empty() {
        return Ok(settings.to_owned());
    }
    let mut out = settings.to_owned();
    for r in repo_f::in_run(c, tenant, from_run, ids).await? {
        let new_id = Uuid::now_v7();
        out = out.replace(&r.id.to_string(), &new_id.to_string());
        let copy = rows::StoredFile {
            id: new_id,
            run_id: Some(to_run),
            created_at: now,
            ..r
        };
        repo_f::insert(c, copy).await?;
    }
    Ok(out)
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

// ---------------------------------------------------------------------------------------------
// What an item shows.

/// A subtitle track of a video.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubtitleTrack {
    /// Language tag (`fr`, `pt-BR`).
    pub lang: String,
    /// Label shown in the player (`Français`).
    pub label: String,
    /// The WebVTT file.
    pub file: FileInfo,
}

/// The files of an item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemMedia {
    /// The file of a `file` item, or the video file of a `video` item.
    pub file: Option<FileInfo>,
    /// Subtitle tracks of a video.
    pub subtitles: Vec<SubtitleTrack>,
    /// Whether a video plays from its uploaded file (rather than an embed).
    pub video_file: bool,
    /// Share of a video to watch before it counts as completed.
    pub complete_at: f64,
}

/// The files an item's settings refer to (one query), or none if it has none.
pub async fn item_media(
    app: &App,
    tenant: TenantId,
    run_id: Uuid,
    kind: &str,
    settings: &Value,
) -> Result<Option<ItemMedia>> {
    if kind != "file" && kind != "video" {
        return Ok(None);
    }
    let ids = file_ids_of(settings);
    if ids.is_empty() {
        return Ok(None);
    }
    let rows: HashMap<Uuid, rows::StoredFile> =
        repo_f::in_run(app.db.reader(), tenant, run_id, ids)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
    let file = uuid_at(settings, "file_id")
        .and_then(|id| rows.get(&id))
        .map(|m| FileInfo::of(m, run_id));
    let subtitles = settings
        .get("subtitles")
        .and_then(Value::as_array)
        .map(|subs| {
            subs.iter()
                .filter_map(|t| {
                    let m = rows.get(&uuid_at(t, "file_id")?)?;
                    Some(SubtitleTrack {
                        lang: t.get("lang").and_then(Value::as_str)?.to_owned(),
                        label: t
                            .get("label")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                        file: FileInfo::of(m, run_id),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(ItemMedia {
        video_file: kind == "video"
            && file.is_some()
            && settings.get("source").and_then(Value::as_str) == Some("file"),
        file,
        subtitles,
        complete_at: complete_at(settings),
    }))
}

fn complete_at(settings: &Value) -> f64 {
    settings
        .get("complete_at")
        .and_then(Value::as_f64)
        .filter(|v| *v > 0.0 && *v <= 1.0)
        .unwrap_or(DEFAULT_COMPLETE_AT)
}

/// The files of an item, for its course team's editor.
pub async fn item_files(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
) -> Result<Option<ItemMedia>> {
    courses::access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    let it = structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let settings: Value = serde_json::from_str(&it.settings).unwrap_or_default();
    item_media(app, tenant, run_id, &it.kind, &settings).await
}

// ---------------------------------------------------------------------------------------------
// Download.

/// A stored file someone may download.
#[derive(Debug, Clone)]
pub struct FileMeta {
    /// The row.
    pub row: rows::StoredFile,
}

impl FileMeta {
    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.row.size.max(0) as u64
    }

    /// The strong ETag: the SHA-256 of the content, quoted.
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.row.sha256)
    }

    fn base_type(&self) -> String {
        self.row
            .content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    /// Whether the browser may show it in place (PDF, raster images, video, WebVTT); anything
    /// else is a download.
    pub fn inline(&self) -> bool {
        let t = self.base_type();
        matches!(
            t.as_str(),
            "application/pdf"
                | "image/png"
                | "image/jpeg"
                | "image/gif"
                | "image/webp"
                | "video/mp4"
                | "video/webm"
                | "text/vtt"
        )
    }

    /// The content type to send: the stored one, except for types a browser could run
    /// script in (SVG, HTML, XML), which go out as opaque bytes.
    pub fn served_content_type(&self) -> String {
        let t = self.base_type();
        if t.contains("svg") || t.contains("html") || t.contains("xml") || t.is_empty() {
            "application/octet-stream".into()
        } else {
            self.row.content_type.clone()
        }
    }
}

/// A byte range asked for by a `Range` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// `bytes=a-`: from `a` to the end.
    From(u64),
    /// `bytes=a-b`: from `a` to `b` included.
    FromTo(u64, u64),
    /// `bytes=-n`: the last `n` bytes.
    Last(u64),
}

impl ByteRange {
    /// The first and last byte (included) of this range in a file of `size` bytes; `None` if
    /// it cannot be satisfied.
    pub fn resolve(self, size: u64) -> Option<(u64, u64)> {
        if size == 0 {
            return None;
        }
        match self {
            ByteRange::From(a) if a < size => Some((a, size - 1)),
            ByteRange::FromTo(a, b) if a < size && a <= b => Some((a, b.min(size - 1))),
            ByteRange::Last(n) if n > 0 => Some((size.saturating_sub(n), size - 1)),
            _ => None,
        }
    }
}

/// The bytes of a download.
pub type ByteStream = BoxStream<'static, std::io::Result<Bytes>>;

/// What to send.
pub enum Body {
    /// The whole file.
    Full(ByteStream),
    /// Bytes `start..=end` of the file.
    Partial {
        /// First byte.
        start: u64,
        /// Last byte (included).
        end: u64,
        /// The bytes.
        bytes: ByteStream,
    },
    /// The range asked for is outside the file.
    Unsatisfiable,
}

/// A file ready to send.
pub struct Download {
    /// The file.
    pub meta: FileMeta,
    /// The bytes.
    pub body: Body,
}

fn staff(user: &User, tenant: TenantId, a: &courses::RunAccess) -> bool {
    can(&user.actor(), Action::Update, a.resource(tenant))
        || matches!(
            a.role(),
            Some(CourseRole::TeachingAssistant | CourseRole::Observer)
        )
}

/// Whether `user` may download the file: the run's course team always; an enrolled person
/// only if an item they can open now (published, released) uses it. Anyone else is told it
/// does not exist.
pub async fn authorize(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    file_id: Uuid,
) -> Result<FileMeta> {
    let hide = |e: Error| match e {
        Error::Internal(_) => e,
        _ => Error::NotFound,
    };
    let a = courses::access(app, Some(&user.actor()), tenant, run_id, Action::View)
        .await
        .map_err(hide)?;
    let row = repo_f::by_id(app.db.reader(), tenant, run_id, file_id)
        .await?
        .ok_or(Error::NotFound)?;
    if staff(user, tenant, &a) {
        return Ok(FileMeta { row });
    }
    if a.role().is_none() {
        return Err(Error::NotFound);
    }
    let home = learn::home(app, user, tenant, run_id, false)
        .await
        .map_err(hide)?;
    let open: std::collections::HashSet<Uuid> = home
        .modules
        .iter()
        .flat_map(|m| &m.items)
        .filter(|i| i.locked.is_none() && !i.draft)
        .map(|i| i.id)
        .collect();
    let used = structure::items(app.db.reader(), tenant, run_id)
        .await?
        .into_iter()
        .filter(|it| open.contains(&it.id))
        .any(|it| {
            let s: Value = serde_json::from_str(&it.settings).unwrap_or_default();
            file_ids_of(&s).contains(&file_id)
        });
    if used {
        Ok(FileMeta { row })
    } else {
        Err(Error::NotFound)
    }
}

/// Opens the bytes of an authorised file, all of them or one range.
pub async fn open(app: &App, meta: FileMeta, range: Option<ByteRange>) -> Result<Download> {
    let store = app.storage.store()?;
    let path = ObjectPath::from(meta.row.storage_key.as_str());
    let span = match range {
        None => None,
        Some(r) => match r.resolve(meta.size()) {
            Some(s) => Some(s),
            None => {
                return Ok(Download {
                    meta,
                    body: Body::Unsatisfiable,
                })
            }
        },
    };
    let opts = GetOptions {
        range: span.map(|(a, b)| GetRange::Bounded(a..b + 1)),
        ..Default::default()
    };
    let got = store.get_opts(&path, opts).await.map_err(|e| match e {
        object_store::Error::NotFound { .. } => {
            tracing::warn!(key = %meta.row.storage_key, "storage: a recorded file is missing");
            Error::NotFound
        }
        e => Error::internal(e),
    })?;
    let bytes: ByteStream = got.into_stream().map_err(std::io::Error::other).boxed();
    let body = match span {
        None => Body::Full(bytes),
        Some((start, end)) => Body::Partial { start, end, bytes },
    };
    Ok(Download { meta, body })
}

/// [`authorize`] then [`open`].
pub async fn download(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    file_id: Uuid,
    range: Option<ByteRange>,
) -> Result<Download> {
    let meta = authorize(app, user, tenant, run_id, file_id).await?;
    open(app, meta, range).await
}

// ---------------------------------------------------------------------------------------------
// Video progress.

/// Where a learner is in a video.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VideoProgress {
    /// Seconds watched, the most ever reported.
    pub watched_seconds: i64,
    /// Whether the item is completed now.
    pub completed: bool,
    /// The learner's progress in the run, 0–100, when this report completed the item.
    pub percent: Option<i64>,
}

/// Records how much of a video an enrolled learner has watched (never lowered); at
/// `complete_at` of its duration (0.9 unless the item says otherwise) the item is completed,
/// exactly as with the "mark as complete" button.
pub async fn video_progress(
    app: &App,
    user: &User,
    tenant: TenantId,
    run_id: Uuid,
    item_id: Uuid,
    watched_seconds: f64,
    duration_seconds: f64,
) -> Result<VideoProgress> {
    let mut fields = amphi_core::error::Fields::new();
    if !watched_seconds.is_finite() || watched_seconds < 0.0 {
        fields.push("watched", "out_of_range");
    }
    if !duration_seconds.is_finite() || duration_seconds <= 0.0 || duration_seconds > 172_800.0 {
        fields.push("duration", "out_of_range");
    } else if watched_seconds > duration_seconds + 5.0 {
        fields.push("watched", "out_of_range");
    }
    fields.finish()?;
    let page = learn::open_item(app, user, tenant, run_id, item_id).await?;
    if page.entry.kind != "video" {
        return Err(Error::BadRequest("not_a_video"));
    }
    if !page.can_complete {
        return Err(Error::Forbidden);
    }
    let secs = watched_seconds.min(duration_seconds).floor() as i64;
    let stored = progress::watched(
        app.db.writer(),
        tenant,
        run_id,
        item_id,
        user.id.0,
        secs,
        app.now(),
    )
    .await?;
    let threshold = page
        .media
        .as_ref()
        .map_or(DEFAULT_COMPLETE_AT, |m| m.complete_at);
    let best = watched_seconds.min(duration_seconds).max(stored as f64);
    let already = page.entry.state == progress::COMPLETED;
    let mut percent = None;
    if !already && best / duration_seconds >= threshold {
        percent = Some(learn::complete_opened(app, user, tenant, run_id, item_id, &page).await?);
    }
    Ok(VideoProgress {
        watched_seconds: stored,
        completed: already || percent.is_some(),
        percent,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sniffing_follows_the_name_and_the_bytes() {
        let f = Purpose::File;
        assert_eq!(
            classify(f, "a.pdf", None, b"%PDF-1.7\n").unwrap(),
            Kind::Pdf
        );
        assert!(classify(f, "a.pdf", Some("application/pdf"), b"<html><body>").is_err());
        assert!(classify(f, "a.png", None, b"%PDF-1.7").is_err());
        assert_eq!(classify(f, "noext", None, b"%PDF-1.7").unwrap(), Kind::Pdf);
        assert!(classify(f, "noext", None, b"hello").is_err());
        assert_eq!(classify(f, "notes.md", None, b"# Hi").unwrap(), Kind::Md);
        assert_eq!(
            classify(f, "x.docx", None, b"PK\x03\x04rest").unwrap(),
            Kind::Docx
        );
        assert!(classify(f, "x.exe", None, b"MZ\x90\x00").is_err());
        assert!(classify(f, "x.mp4", None, b"\0\0\0\x20ftypisom").is_err());
        let v = Purpose::Video;
        assert_eq!(
            classify(v, "x.mp4", None, b"\0\0\0\x20ftypisom\0\0").unwrap(),
            Kind::Mp4
        );
        assert!(classify(v, "x.pdf", None, b"%PDF-").is_err());
        let s = Purpose::Subtitles;
        assert_eq!(
            classify(s, "fr.vtt", None, b"WEBVTT\n\n00:00").unwrap(),
            Kind::Vtt
        );
        assert_eq!(
            classify(s, "fr.vtt", None, b"\xEF\xBB\xBFWEBVTT").unwrap(),
            Kind::Vtt
        );
        assert!(classify(s, "fr.vtt", None, b"WEBVTTX").is_err());
        assert!(classify(s, "fr.srt", None, b"1\n00:00:01,000 --> 00:00:02,000").is_err());
        assert_eq!(
            classify(f, "d.svg", None, b"<?xml version=\"1.0\"?><svg>").unwrap(),
            Kind::Svg
        );
    }

    #[test]
    fn text_must_be_utf8_without_nul() {
        let mut t = TextCheck::default();
        let s = "héllo wörld €".as_bytes();
        for c in s.chunks(1) {
            t.feed(c);
        }
        assert!(t.ok());
        let mut t = TextCheck::default();
        t.feed(b"abc\xC3");
        assert!(!t.ok());
        t.feed(b"\xA9def");
        assert!(t.ok());
        let mut t = TextCheck::default();
        t.feed(b"abc\0");
        assert!(!t.ok());
        let mut t = TextCheck::default();
        t.feed(b"\xFF");
        assert!(!t.ok());
    }

    #[test]
    fn ranges_resolve_against_the_size() {
        assert_eq!(ByteRange::FromTo(0, 9).resolve(100), Some((0, 9)));
        assert_eq!(ByteRange::FromTo(90, 200).resolve(100), Some((90, 99)));
        assert_eq!(ByteRange::From(99).resolve(100), Some((99, 99)));
        assert_eq!(ByteRange::From(100).resolve(100), None);
        assert_eq!(ByteRange::Last(10).resolve(100), Some((90, 99)));
        assert_eq!(ByteRange::Last(500).resolve(100), Some((0, 99)));
        assert_eq!(ByteRange::Last(0).resolve(100), None);
    }

    #[test]
    fn names_are_cleaned_and_languages_checked() {
        assert_eq!(clean_filename("C:\\Users\\x\\Report.pdf"), "Report.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\u{0}b\r\n.txt"), "ab.txt");
        assert_eq!(clean_filename(""), "file");
        let long = format!("{}.pdf", "x".repeat(300));
        let c = clean_filename(&long);
        assert!(c.ends_with(".pdf") && c.chars().count() == 200);
        assert_eq!(
            parse_lang(Some("fr")).unwrap(),
            ("fr".into(), "Français".into())
        );
        assert_eq!(parse_lang(Some("pt-br")).unwrap().0, "pt-BR");
        assert!(parse_lang(Some("french!")).is_err());
        assert!(parse_lang(None).is_err());
    }
}
