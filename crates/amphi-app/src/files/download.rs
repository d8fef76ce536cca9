//! Download: who may fetch a stored file, and its bytes (all of them or one range).

use super::media::file_ids_of;
use crate::courses::{self, learn};
use crate::users::User;
use crate::{App, Caller};
use amphi_core::course::CourseRole;
use amphi_core::policy::{can, Action};
use amphi_core::RunId;
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{files as repo_f, structure};
use amphi_db::rows;
use bytes::Bytes;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange};
use serde_json::Value;
use uuid::Uuid;

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
    caller: &Caller,
    run_id: RunId,
    file_id: Uuid,
) -> Result<FileMeta> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let run_id = run_id.0;
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
    let home = learn::home(app, caller, RunId(run_id), false)
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
    caller: &Caller,
    run_id: RunId,
    file_id: Uuid,
    range: Option<ByteRange>,
) -> Result<Download> {
    let meta = authorize(app, caller, run_id, file_id).await?;
    open(app, meta, range).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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
}
