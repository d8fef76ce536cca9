//! Video progress: how much of a video a learner has watched, completing the item at its
//! threshold.

use super::media::DEFAULT_COMPLETE_AT;
use crate::courses::learn;
use crate::{App, Caller};
use amphi_core::course::{ItemKind, ProgressState};
use amphi_core::{codes, Error, ItemId, Result, RunId};
use amphi_db::repo::progress;
use serde::Serialize;

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
    caller: &Caller,
    run_id: RunId,
    item_id: ItemId,
    watched_seconds: f64,
    duration_seconds: f64,
) -> Result<VideoProgress> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, item_id) = (run_id.0, item_id.0);
    let mut fields = amphi_core::error::Fields::new();
    if !watched_seconds.is_finite() || watched_seconds < 0.0 {
        fields.push("watched", codes::OUT_OF_RANGE);
    }
    if !duration_seconds.is_finite() || duration_seconds <= 0.0 || duration_seconds > 172_800.0 {
        fields.push("duration", codes::OUT_OF_RANGE);
    } else if watched_seconds > duration_seconds + 5.0 {
        fields.push("watched", codes::OUT_OF_RANGE);
    }
    fields.finish()?;
    let page = learn::open_item_as(app, user, tenant, run_id, item_id).await?;
    if page.entry.kind != ItemKind::Video {
        return Err(Error::BadRequest(codes::NOT_A_VIDEO));
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
    let already = page.entry.state == ProgressState::Completed;
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
