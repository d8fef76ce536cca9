//! What an item shows: the stored files its settings refer to (one query), their views, and
//! their copies into a new edition.

use crate::{courses, App, Caller};
use amphi_core::course::ItemKind;
use amphi_core::policy::Action;
use amphi_core::{Error, ItemId, Result, RunId, TenantId};
use amphi_db::repo::{files as repo_f, structure};
use amphi_db::{rows, Conn};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// Share of a video to watch before it counts as completed, unless the item says otherwise.
pub const DEFAULT_COMPLETE_AT: f64 = 0.9;

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

pub(super) fn uuid_at(v: &Value, key: &str) -> Option<Uuid> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
}

/// Every file id an item's settings refer to.
pub(super) fn file_ids_of(settings: &Value) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = uuid_at(settings, "file_id").into_iter().collect();
    if let Some(subs) = settings.get("subtitles").and_then(Value::as_array) {
        out.extend(subs.iter().filter_map(|t| uuid_at(t, "file_id")));
    }
    out
}

/// Copies the stored-file rows an item's settings refer to into another run (same objects,
/// new ids) and returns the settings pointing at the copies.
pub(crate) async fn copy_to_run(
    c: &impl Conn,
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
        repo_f::insert(c, tenant, copy).await?;
    }
    Ok(out)
}

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
    kind: ItemKind,
    settings: &Value,
) -> Result<Option<ItemMedia>> {
    if kind != ItemKind::File && kind != ItemKind::Video {
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
        video_file: kind == ItemKind::Video
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
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
) -> Result<Option<ItemMedia>> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id) = (run_id.0, item_id.0);
    courses::access(app, Some(&user.actor()), tenant, run_id, Action::Update).await?;
    let it = structure::item(app.db.reader(), tenant, run_id, item_id)
        .await?
        .ok_or(Error::NotFound)?;
    let settings: Value = serde_json::from_str(&it.settings).unwrap_or_default();
    item_media(app, tenant, run_id, it.kind()?, &settings).await
}
