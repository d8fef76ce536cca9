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

/// GET /xapi/agents: the Person object of an agent: its identifier and the names the store
/// has seen it under (as the actor or the object of its newest statements). Amphi links no
/// two identifiers, so the Person has the one asked for.
pub async fn person(
    app: &App,
    tenant: TenantId,
    auth: &Authority,
    pairs: &[(String, String)],
) -> LrsResult<Value> {
    auth.need(XapiNeed::ReadDocuments(XapiDocs::Profile))?;
    let raw = only_param(pairs, "agent")?;
    let a = agent::param("agent", raw)?;
    let key = agent::key(&a);
    if let Some(me) = &auth.learner {
        if key.as_deref() != Some(me.as_str()) {
            return Err(LrsError::Forbidden(
                "this token reaches only its learner".into(),
            ));
        }
    }
    let mut names: Vec<Value> = Vec::new();
    if let Some(key) = &key {
        for body in
            repo::bodies_naming_agent(app.db.reader(), tenant, key, PERSON_STATEMENTS).await?
        {
            let Ok(s) = serde_json::from_str::<Value>(&body) else {
                continue;
            };
            for who in [s.get("actor"), s.get("object")].into_iter().flatten() {
                if agent::key(who).as_deref() == Some(key.as_str()) {
                    if let Some(n) = who.get("name").filter(|n| n.is_string()) {
                        if !names.contains(n) {
                            names.push(n.clone());
                        }
                    }
                }
            }
        }
    }
    let mut p = agent::person(&a);
    if let Some(m) = p.as_object_mut() {
        if names.is_empty() {
            m.remove("name");
        } else {
            m.insert("name".into(), Value::Array(names));
        }
    }
    Ok(p)
}

/// Statements read (as actor, and as object) to gather the names of a Person.
const PERSON_STATEMENTS: u64 = 50;

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
