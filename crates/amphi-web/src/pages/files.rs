//! Course files over HTTP: the course team's upload form (multipart, streamed to storage), the
//! item editor with its files, downloads (ranges, ETag, caching) and video watch progress.

use super::PageResultExt;
use crate::ctx::{Authed, Ctx};
use crate::error::PageResult;
use crate::forms::{check_csrf, drain, field_chunks, multipart_error, read_text, Anchor, CsrfForm};
use crate::path::Ids;
use crate::templates::no_values;
use amphi_app::files::{self, ByteRange, NewUpload};
use amphi_app::Caller;
use amphi_core::codes;
use amphi_core::error::FieldError;
use amphi_core::{Error, ItemId, RunId};
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use http_body_util::Limited;
use minijinja::Value;
use serde::Deserialize;
use uuid::Uuid;

/// Room for the other fields of the upload form and the multipart framing.
const FORM_OVERHEAD: u64 = 64 * 1024;

/// The item editor with its files (the same template as the editor itself, which loads the
/// `#item-files` part of this page with htmx).
async fn item_form_page(
    ctx: &Ctx,
    su: &Caller,
    ids: (RunId, ItemId),
    status: StatusCode,
    errors: Value,
) -> PageResult {
    super::teach::outline::item_form_with(ctx, su, ids, status, None, errors, true).await
}

/// GET /teach/runs/{run}/items/{item}/files — the item editor with its files.
pub async fn item_files(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
) -> PageResult {
    item_form_page(&ctx, &su, (rid, iid), StatusCode::OK, no_values()).await
}

/// POST /teach/runs/{run}/items/{item}/upload — multipart: `csrf` (first, checked before
/// anything else is read), `purpose` (`file`, `video`, `subtitles`), `lang` (subtitles), then
/// `file`, streamed to storage. The route lifts the global body limit; this handler allows
/// `storage.max_upload_bytes` plus 64 KiB for the form around the file.
pub async fn upload(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    Anchor(anchor): Anchor,
    req: Request,
) -> PageResult {
    let app = &ctx.state.app;
    let limit = app.storage.max_upload_bytes().saturating_add(FORM_OVERHEAD);
    let (parts, body) = req.into_parts();
    let body = Body::new(Limited::new(
        body,
        usize::try_from(limit).unwrap_or(usize::MAX),
    ));
    let mut mp = match Multipart::from_request(Request::from_parts(parts, body), &()).await {
        Ok(m) => m,
        Err(_) => return Err(ctx.fail(&Error::BadRequest(codes::FORM_EXPECTED))),
    };

    // The token comes first: nothing else is read before it is checked.
    // A body over the limit can fail before the token is even read (one large frame): say
    // so, rather than blame the token; nothing was stored.
    let too_large = |ctx: &Ctx| ctx.field_errors(&Error::field("file", codes::FILE_TOO_LARGE));
    let sent = match mp.next_field().await {
        Ok(Some(mut f)) if f.name() == Some("csrf") => match read_text(&mut f, 512).await {
            Ok(t) => Some(t),
            Err(Error::Validation(_)) => {
                let errors = too_large(&ctx);
                return item_form_page(
                    &ctx,
                    &su,
                    (rid, iid),
                    StatusCode::PAYLOAD_TOO_LARGE,
                    errors,
                )
                .await;
            }
            Err(_) => None,
        },
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let errors = too_large(&ctx);
            return item_form_page(&ctx, &su, (rid, iid), StatusCode::PAYLOAD_TOO_LARGE, errors)
                .await;
        }
        _ => None,
    };
    check_csrf(&ctx, anchor.as_deref(), sent.as_deref())?;

    let mut meta = NewUpload::default();
    let result = loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break Err(Error::field("file", codes::REQUIRED)),
            Err(e) => break Err(multipart_error(&e)),
        };
        match field.name().unwrap_or("") {
            "purpose" => match read_text(&mut field, 64).await {
                Ok(v) => meta.purpose = v,
                Err(e) => break Err(e),
            },
            "lang" => match read_text(&mut field, 64).await {
                Ok(v) => meta.lang = Some(v),
                Err(e) => break Err(e),
            },
            "file" => {
                meta.filename = field.file_name().unwrap_or("").to_owned();
                meta.content_type = field.content_type().map(str::to_owned);
                if meta.filename.is_empty() {
                    drain(&mut field).await;
                    break Err(Error::field("file", codes::REQUIRED));
                }
                let chunks = field_chunks(&mut field);
                let r = files::upload(app, &su, rid, iid, meta.clone(), chunks).await;
                if r.is_err() {
                    drain(&mut field).await;
                }
                break r;
            }
            _ => drain(&mut field).await,
        }
    };
    match result {
        Ok(_) => Ok(ctx.redirect_with(
            &format!("/teach/runs/{rid}/items/{iid}/files#item-files"),
            "flash-file-uploaded",
        )),
        Err(Error::Validation(fields)) => {
            let too_large = fields.iter().any(|f| f.code == codes::FILE_TOO_LARGE);
            // The subtitle form has its own file input.
            let subtitles = meta.purpose.trim() == "subtitles";
            let fields: Vec<FieldError> = fields
                .into_iter()
                .map(|f| match f.field.as_str() {
                    "file" if subtitles => FieldError::new("subtitles_file", &f.code),
                    _ => f,
                })
                .collect();
            let status = if too_large {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let errors = ctx.field_errors(&Error::Validation(fields));
            item_form_page(&ctx, &su, (rid, iid), status, errors).await
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else (several ranges, other units,
/// nonsense) is ignored and the whole file is sent, as HTTP allows.
pub(crate) fn parse_range(raw: &str) -> Option<ByteRange> {
    let spec = raw.trim().strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let num = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    match (a.is_empty(), b.is_empty()) {
        (true, false) => Some(ByteRange::Last(num(b)?)),
        (false, true) => Some(ByteRange::From(num(a)?)),
        (false, false) => {
            let (a, b) = (num(a)?, num(b)?);
            (a <= b).then_some(ByteRange::FromTo(a, b))
        }
        (true, true) => None,
    }
}

/// Whether an `If-None-Match` value names this ETag (weak comparison, as HTTP says).
fn etag_matches(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

/// `inline` or `attachment` with the name in both forms (RFC 6266 / RFC 8187).
fn disposition(inline: bool, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

pub(crate) fn set(h: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        h.insert(name, v);
    }
}

/// GET /files/{run}/{file} — a course file, for the run's team and for the people enrolled
/// who can open an item using it; anyone else gets 404. Ranges (one), ETag and caching.
pub async fn download(
    Authed(ctx, su): Authed,
    Ids((rid, fid)): Ids<(RunId, Uuid)>,
    headers: HeaderMap,
) -> PageResult {
    let app = &ctx.state.app;
    let meta = files::authorize(app, &su, rid, fid).await.or_page(&ctx)?;
    let etag = meta.etag();
    let mut h = HeaderMap::new();
    set(&mut h, header::ETAG, &etag);
    set(&mut h, header::CACHE_CONTROL, "private, max-age=3600");
    set(&mut h, header::ACCEPT_RANGES, "bytes");
    set(&mut h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| etag_matches(v, &etag))
    {
        return Ok((StatusCode::NOT_MODIFIED, h).into_response());
    }
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == etag);
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_ok)
        .and_then(parse_range);
    let size = meta.size();
    let inline = meta.inline();
    set(&mut h, header::CONTENT_TYPE, &meta.served_content_type());
    set(
        &mut h,
        header::CONTENT_DISPOSITION,
        &disposition(inline, &meta.row.filename),
    );
    let dl = files::open(app, meta, range).await.or_page(&ctx)?;
    Ok(send(h, size, dl.body))
}

/// Answers with a file's bytes (all of them, one range, or 416), `h` holding its headers.
pub(crate) fn send(mut h: HeaderMap, size: u64, body: files::Body) -> axum::response::Response {
    match body {
        files::Body::Full(bytes) => {
            set(&mut h, header::CONTENT_LENGTH, &size.to_string());
            (StatusCode::OK, h, Body::from_stream(bytes)).into_response()
        }
        files::Body::Partial { start, end, bytes } => {
            set(
                &mut h,
                header::CONTENT_LENGTH,
                &(end - start + 1).to_string(),
            );
            set(
                &mut h,
                header::CONTENT_RANGE,
                &format!("bytes {start}-{end}/{size}"),
            );
            (StatusCode::PARTIAL_CONTENT, h, Body::from_stream(bytes)).into_response()
        }
        files::Body::Unsatisfiable => {
            h.remove(header::CONTENT_DISPOSITION);
            set(&mut h, header::CONTENT_TYPE, "text/plain; charset=utf-8");
            set(&mut h, header::CONTENT_RANGE, &format!("bytes */{size}"));
            (StatusCode::RANGE_NOT_SATISFIABLE, h).into_response()
        }
    }
}

/// The watch-progress report of the video player script.
#[derive(Deserialize)]
pub struct ProgressBody {
    /// Seconds of the video played (distinct seconds, seeking does not count).
    watched: String,
    /// Length of the video in seconds.
    duration: String,
}

/// POST /learn/{run}/items/{item}/progress — urlencoded `csrf`, `watched`, `duration`
/// (seconds, decimals allowed); 204 when recorded, 422 for numbers out of range.
pub async fn progress(
    Authed(ctx, su): Authed,
    Ids((rid, iid)): Ids<(RunId, ItemId)>,
    CsrfForm(f): CsrfForm<ProgressBody>,
) -> PageResult {
    let num = |field: &str, raw: &str| {
        raw.trim()
            .parse::<f64>()
            .map_err(|_| Error::field(field, codes::OUT_OF_RANGE))
    };
    let watched = num("watched", &f.watched).or_page(&ctx)?;
    let duration = num("duration", &f.duration).or_page(&ctx)?;
    files::video_progress(&ctx.state.app, &su, rid, iid, watched, duration)
        .await
        .or_page(&ctx)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse() {
        assert_eq!(parse_range("bytes=0-9"), Some(ByteRange::FromTo(0, 9)));
        assert_eq!(parse_range("bytes=5-"), Some(ByteRange::From(5)));
        assert_eq!(parse_range("bytes=-20"), Some(ByteRange::Last(20)));
        assert_eq!(parse_range("bytes=9-0"), None);
        assert_eq!(parse_range("bytes=0-1,4-5"), None);
        assert_eq!(parse_range("items=0-1"), None);
        assert_eq!(parse_range("bytes=-"), None);
        assert_eq!(parse_range("bytes=+1-2"), None);
    }

    #[test]
    fn etags_and_names() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("W/\"abc\", \"x\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
        assert_eq!(
            disposition(false, "Résumé \"1\".pdf"),
            "attachment; filename=\"R_sum_ _1_.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%221%22.pdf"
        );
    }
}
