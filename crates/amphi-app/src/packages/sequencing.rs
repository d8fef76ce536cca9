//! The player's SCORM 2004 sequencing state, kept per attempt on the content origin's
//! `/p/{token}/sequencing`: scorm-again's serialised activity tree (attempt counts, objective
//! and progress states, global objectives, the current or suspended activity), so that a reload
//! or a new session continues where the engine was. Each save names the revision it read; a
//! save over another one is refused (409), as SCO commits are. The state steers navigation
//! only: grades come from the SCOs' data (`rollup_rules`).

use super::launch::open_token;
use amphi_core::{codes, Error, Result};
use amphi_db::repo::packages as repo;
use serde::Deserialize;
use serde_json::Value;

/// Most bytes of one attempt's sequencing state.
pub const MAX_STATE_BYTES: usize = 512 * 1024;

/// What the player sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Save {
    /// The revision the state is based on.
    pub revision: i64,
    /// scorm-again's `serializeSequencingState()`, a JSON text.
    pub state: String,
}

/// Stores the sequencing state of the launch `token`'s attempt (body `raw`) over the revision
/// it names; the next revision. A preview stores nothing.
pub async fn save(app: &crate::App, token: &str, raw: &[u8]) -> Result<i64> {
    let claims = open_token(app, token)?;
    let bad = || Error::BadRequest(codes::PACKAGE_DATA_INVALID);
    if raw.len() > MAX_STATE_BYTES + 1024 {
        return Err(bad());
    }
    let s: Save = serde_json::from_slice(raw).map_err(|_| bad())?;
    let readable = serde_json::from_str::<Value>(&s.state)
        .ok()
        .is_some_and(|v| v.get("sequencing").is_some_and(Value::is_object));
    if s.state.len() > MAX_STATE_BYTES || !readable || s.revision < 0 {
        return Err(bad());
    }
    let Some(attempt) = claims.a else {
        return Ok(s.revision);
    };
    let tenant = claims.tenant();
    let now = app.now();
    app.write(move |app| async move {
        let a = repo::attempt(app.db.writer(), tenant, attempt)
            .await?
            .filter(|a| a.user_id == claims.u && a.item_id == claims.i)
            .ok_or(Error::NotFound)?;
        if a.sequencing_revision != s.revision
            || !repo::save_sequencing(app.db.writer(), tenant, attempt, s.revision, &s.state, now)
                .await?
        {
            tracing::info!(
                stored = a.sequencing_revision,
                sent = s.revision,
                "sequencing state over a revision no longer stored (another tab or window)"
            );
            return Err(Error::Conflict(codes::PACKAGE_CONFLICT));
        }
        Ok(s.revision + 1)
    })
    .await
}
