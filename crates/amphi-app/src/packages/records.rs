//! What the player does lands in the tenant's learning record store too: one xAPI statement
//! when a learner first attempts a SCO of an attempt, and one when it becomes completed, passed
//! or failed (with its score, success, completion and the session's duration). The attempt is
//! the statements' `registration`, so a tenant's LRS holds one record of everything.

use super::cmi::{completion, success, Reading};
use super::launch::Claims;
use crate::xapi::{self, learner_agent, Authority};
use crate::App;
use amphi_core::UserId;
use serde_json::{json, Value};

const ATTEMPTED: &str = "http://adlnet.gov/expapi/verbs/attempted";
const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
const FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";

/// The activity id of a SCO of a package item.
pub fn activity_id(origin: &str, item: uuid::Uuid, sco: &str) -> String {
    let sco: String = url::form_urlencoded::byte_serialize(sco.as_bytes()).collect();
    format!(
        "{}/xapi/activities/package/{item}/{sco}",
        origin.trim_end_matches('/')
    )
}

/// The statements a commit calls for, from what was stored before (`was`: completion and
/// success, none for the SCO's first commit) to what it says now.
pub fn statements(
    claims: &Claims,
    attempt: uuid::Uuid,
    sco: &str,
    title: &str,
    was: Option<(&str, &str)>,
    now: &Reading,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<Value> {
    let mut verbs = vec![];
    if was.is_none() {
        verbs.push((ATTEMPTED, "attempted"));
    }
    let (was_c, was_s) = was.unwrap_or((completion::NOT_ATTEMPTED, success::UNKNOWN));
    if now.completion == completion::COMPLETED && was_c != completion::COMPLETED {
        verbs.push((COMPLETED, "completed"));
    }
    if now.success != was_s {
        if now.success == success::PASSED {
            verbs.push((PASSED, "passed"));
        } else if now.success == success::FAILED {
            verbs.push((FAILED, "failed"));
        }
    }
    let object = json!({
        "objectType": "Activity",
        "id": activity_id(&claims.o, claims.i, sco),
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/lesson",
            "name": { "und": title },
        },
    });
    verbs
        .into_iter()
        .map(|(id, name)| {
            let mut s = json!({
                "id": uuid::Uuid::now_v7(),
                "actor": learner_agent(&claims.o, UserId(claims.u)),
                "verb": { "id": id, "display": { "en-US": name } },
                "object": object,
                "context": {
                    "registration": attempt,
                    "platform": "Amphi",
                    "contextActivities": { "category": [{ "id": "https://w3id.org/xapi/scorm" }] },
                },
                "timestamp": at.to_rfc3339(),
            });
            if id != ATTEMPTED {
                let mut result = json!({
                    "completion": now.completion == completion::COMPLETED,
                    "duration": format!("PT{}S", now.session_seconds.max(0)),
                });
                if now.success != success::UNKNOWN {
                    result["success"] = json!(now.success == success::PASSED);
                }
                let mut score = serde_json::Map::new();
                if let Some(v) = now.scaled {
                    score.insert("scaled".into(), json!(v));
                }
                if let (Some(r), Some(lo), Some(hi)) = (now.raw, now.min, now.max) {
                    if lo <= r && r <= hi {
                        score.insert("raw".into(), json!(r));
                        score.insert("min".into(), json!(lo));
                        score.insert("max".into(), json!(hi));
                    }
                }
                if !score.is_empty() {
                    result["score"] = Value::Object(score);
                }
                s["result"] = result;
            }
            s
        })
        .collect()
}

/// Stores the statements in the tenant's LRS with Amphi as their authority. A statement the
/// LRS refuses is logged, never a failure of the learner's commit.
pub async fn record(app: &App, claims: &Claims, statements: Vec<Value>) {
    for s in statements {
        let authority = Authority::platform(&claims.o);
        if let Err(e) = xapi::record(app, claims.tenant(), s, authority).await {
            tracing::warn!(error = %e, "package: a statement for the LRS was refused");
        }
    }
}
