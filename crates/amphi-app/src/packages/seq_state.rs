//! What Amphi reads of an attempt's stored sequencing state (scorm-again's serialised activity
//! tree, kept as the player sent it): where the learner was, to start there again; and the
//! claim a new launch of the player makes on it.

use crate::App;
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::packages as repo;
use amphi_db::rows;
use serde::Serialize;
use serde_json::Value;

/// The sequencing state an attempt resumes with, and the revision its next save names.
#[derive(Debug, Clone, Serialize)]
pub struct Resume {
    /// The revision the next save is based on.
    pub revision: i64,
    /// The state as stored (none before the first save).
    pub state: Option<String>,
}

impl Resume {
    /// An attempt's stored state.
    pub fn of(a: &rows::PackageAttempt) -> Resume {
        Resume {
            revision: a.sequencing_revision,
            state: a.sequencing_state.clone(),
        }
    }

    /// The activity the learner was in: the suspended one, else the current one if still open
    /// or left suspended.
    pub fn activity(&self) -> Option<String> {
        let v: Value = serde_json::from_str(self.state.as_deref()?).ok()?;
        let seq = v.get("sequencing")?;
        if let Some(s) = seq.get("suspendedActivity").and_then(Value::as_str) {
            return Some(s.to_owned());
        }
        let current = seq.get("currentActivity").and_then(Value::as_str)?;
        let state = seq.get("activityStates").and_then(|a| a.get(current));
        let open = ["isActive", "isSuspended"]
            .iter()
            .any(|k| state.and_then(|s| s.get(*k)).and_then(Value::as_bool) == Some(true));
        open.then(|| current.to_owned())
    }
}

/// The state of an attempt for a new launch of the player, whose revision moves on: saves of a
/// page or tab opened before (a closing page's last save arriving late, another tab) are then
/// refused rather than written over what this launch does. `None` for an unknown attempt.
pub async fn claim(app: &App, tenant: TenantId, attempt: uuid::Uuid) -> Result<Option<Resume>> {
    for _ in 0..3 {
        let Some(a) = repo::attempt(app.db.writer(), tenant, attempt).await? else {
            return Ok(None);
        };
        let expected = a.sequencing_revision;
        let claimed = app
            .write(move |app| async move {
                repo::claim_sequencing(app.db.writer(), tenant, attempt, expected).await
            })
            .await?;
        if claimed {
            let mut r = Resume::of(&a);
            r.revision = expected + 1;
            return Ok(Some(r));
        }
    }
    Err(Error::Conflict(amphi_core::codes::PACKAGE_CONFLICT))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resume(state: &str) -> Resume {
        Resume {
            revision: 1,
            state: Some(state.into()),
        }
    }

    #[test]
    fn the_suspended_then_the_open_activity_is_where_the_learner_was() {
        let s = r#"{"sequencing":{"suspendedActivity":"b","currentActivity":"c"}}"#;
        assert_eq!(resume(s).activity().as_deref(), Some("b"));
        let s =
            r#"{"sequencing":{"currentActivity":"c","activityStates":{"c":{"isActive":true}}}}"#;
        assert_eq!(resume(s).activity().as_deref(), Some("c"));
        let s =
            r#"{"sequencing":{"currentActivity":"c","activityStates":{"c":{"isActive":false}}}}"#;
        assert_eq!(resume(s).activity(), None);
        assert_eq!(resume("not json").activity(), None);
    }
}
