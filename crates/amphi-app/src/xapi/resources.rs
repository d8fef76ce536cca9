//! The Activities, Agents and About resources.

use super::auth::Authority;
use super::{LrsError, LrsResult};
use crate::App;
use amphi_core::xapi::{XapiDocs, XapiNeed};
use amphi_core::TenantId;
use amphi_db::repo::xapi as repo;
use amphi_xapi::{agent, validate};
use serde_json::{json, Value};

/// GET /xapi/activities: the activity with the definition the LRS keeps for it (merged from
/// the statements that carried one; only its id when none did).
pub async fn activity(
    app: &App,
    tenant: TenantId,
    auth: &Authority,
    pairs: &[(String, String)],
) -> LrsResult<Value> {
    auth.need(XapiNeed::ReadDocuments(XapiDocs::Define))?;
    let id = only_param(pairs, "activityId")?;
    if !validate::is_iri(id) {
        return Err(LrsError::Bad("activityId must be an IRI".into()));
    }
    let mut out = json!({"objectType": "Activity", "id": id});
    if let Some(a) = repo::activity(app.db.reader(), tenant, id).await? {
        if let Ok(d) = serde_json::from_str::<Value>(&a.definition) {
            out["definition"] = d;
        }
    }
    Ok(out)
}

/// GET /xapi/agents: the Person object of an agent.
pub fn person(auth: &Authority, pairs: &[(String, String)]) -> LrsResult<Value> {
    auth.need(XapiNeed::ReadDocuments(XapiDocs::Profile))?;
    let raw = only_param(pairs, "agent")?;
    let a = agent::param("agent", raw)?;
    if let Some(me) = &auth.learner {
        if agent::key(&a).as_deref() != Some(me.as_str()) {
            return Err(LrsError::Forbidden(
                "this token reaches only its learner".into(),
            ));
        }
    }
    Ok(agent::person(&a))
}

/// GET /xapi/about: the versions spoken.
pub fn about() -> Value {
    json!({"version": amphi_xapi::VERSIONS, "extensions": {}})
}

/// The one parameter a resource takes.
fn only_param<'a>(pairs: &'a [(String, String)], name: &str) -> LrsResult<&'a str> {
    if let Some((k, _)) = pairs.iter().find(|(k, _)| k != name) {
        return Err(LrsError::Bad(format!(
            "{k} is not a parameter of this resource"
        )));
    }
    match pairs {
        [(_, v)] => Ok(v),
        [] => Err(LrsError::Bad(format!("{name} is required"))),
        _ => Err(LrsError::Bad(format!("{name} is given twice"))),
    }
}
