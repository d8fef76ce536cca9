//! Every rule of xAPI 1.0.3's Data part a statement must follow, read from the JSON as sent
//! (an unknown property anywhere is refused), with the facts the LRS indexes
//! ([`Facts`]). `definition` holds activities and their definitions; `parts` the result,
//! context and attachments; the five kinds of object are checked here (a SubStatement is a
//! statement's body again).

mod definition;
mod facts;
mod parts;

use crate::common::{keys_allowed, obj, obj_mut, timestamp, uuid};
use crate::{agent, lang, Result, XapiError, VOIDED};
use facts::{add_activity, add_agents};
use serde_json::{Map, Value};

pub use crate::common::{check_iri, check_irl, is_iri};
pub use definition::check_activity_definition;
pub use facts::Facts;

/// Checks a statement as a client sent it and normalises it as the LRS keeps it (context
/// activities each as an array). `stored` and `authority` may be present (the LRS replaces
/// them); the caller sets `id` when missing.
pub fn statement(v: &mut Value) -> Result<Facts> {
    let path = "statement";
    let m = obj_mut(path, v)?;
    keys_allowed(
        path,
        m,
        &[
            "id",
            "actor",
            "verb",
            "object",
            "result",
            "context",
            "timestamp",
            "stored",
            "authority",
            "version",
            "attachments",
        ],
    )?;
    let mut facts = Facts::default();
    if let Some(id) = m.get("id") {
        facts.id = Some(uuid("statement.id", id)?);
    }
    if let Some(s) = m.get("stored") {
        timestamp("statement.stored", s)?;
    }
    if let Some(a) = m.get("authority") {
        agent::check_actor("statement.authority", a)?;
    }
    match m.get("version") {
        None => {}
        Some(Value::String(s)) if is_version(s) => {}
        Some(_) => {
            return Err(XapiError::new(
                "statement.version",
                "must be a 1.0.x version (for example \"1.0.3\")",
            ))
        }
    }
    body(path, m, &mut facts, false)?;
    if facts.verb == VOIDED {
        match m
            .get("object")
            .and_then(|o| o.get("objectType"))
            .and_then(Value::as_str)
        {
            Some("StatementRef") => facts.voids = facts.object_statement,
            _ => {
                return Err(XapiError::new(
                    "statement.object",
                    "a voiding statement's object must be a StatementRef",
                ))
            }
        }
    }
    Ok(facts)
}

/// Whether `s` is a version this LRS accepts in a statement (`1.0` or `1.0.x`).
pub fn is_version(s: &str) -> bool {
    match s.strip_prefix("1.0") {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('.')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())),
        None => false,
    }
}

/// What a statement and a SubStatement share: actor, verb, object, result, context,
/// timestamp, attachments.
fn body(path: &str, m: &mut Map<String, Value>, f: &mut Facts, sub: bool) -> Result<()> {
    let actor = m
        .get("actor")
        .ok_or_else(|| XapiError::new(path, "actor is required"))?;
    let ap = format!("{path}.actor");
    agent::check_actor(&ap, actor)?;
    if !sub {
        f.actor = agent::key(actor);
    }
    add_agents(f, actor);

    let verb = m
        .get("verb")
        .ok_or_else(|| XapiError::new(path, "verb is required"))?;
    let vp = format!("{path}.verb");
    let vm = obj(&vp, verb)?;
    keys_allowed(&vp, vm, &["id", "display"])?;
    let vid = vm
        .get("id")
        .ok_or_else(|| XapiError::new(&vp, "id is required"))?;
    check_iri(&format!("{vp}.id"), vid)?;
    if let Some(d) = vm.get("display") {
        lang::check_map(&format!("{vp}.display"), d)?;
    }
    if !sub {
        f.verb = vid.as_str().unwrap_or_default().to_owned();
    }

    let op = format!("{path}.object");
    let object_is_activity = {
        let o = m
            .get_mut("object")
            .ok_or_else(|| XapiError::new(path, "object is required"))?;
        object(&op, o, f, sub)?
    };

    if let Some(r) = m.get("result") {
        parts::result(&format!("{path}.result"), r)?;
    }
    if let Some(c) = m.get_mut("context") {
        parts::context(&format!("{path}.context"), c, object_is_activity, f)?;
    }
    if let Some(t) = m.get("timestamp") {
        let at = timestamp(&format!("{path}.timestamp"), t)?;
        if !sub {
            f.timestamp = Some(at);
        }
    }
    if let Some(a) = m.get("attachments") {
        // A SubStatement's attachments travel in the same request as its statement's: their
        // parts are checked and stored alike.
        let list = parts::attachments(&format!("{path}.attachments"), a)?;
        f.attachments.extend(list);
    }
    Ok(())
}

/// Checks the object; true when it is an Activity. Outside a SubStatement (`sub` false) it
/// fills the object's facts.
fn object(path: &str, o: &mut Value, f: &mut Facts, sub: bool) -> Result<bool> {
    let kind = match o.get("objectType") {
        None => "Activity".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(XapiError::new(path, "objectType must be a string")),
    };
    match kind.as_str() {
        "Activity" => {
            let id = definition::activity(path, o)?;
            if !sub {
                f.object_activity = Some(id.clone());
            }
            add_activity(f, &id);
            if let Some(d) = o.get("definition") {
                f.definitions.push((id, d.clone()));
            }
            Ok(true)
        }
        "Agent" => {
            agent::check_agent(path, o, true)?;
            if !sub {
                f.object_agent = agent::key(o);
            }
            add_agents(f, o);
            Ok(false)
        }
        "Group" => {
            agent::check_group(path, o)?;
            if !sub {
                f.object_agent = agent::key(o);
            }
            add_agents(f, o);
            Ok(false)
        }
        "StatementRef" => {
            let m = obj(path, o)?;
            keys_allowed(path, m, &["objectType", "id"])?;
            let id = m
                .get("id")
                .ok_or_else(|| XapiError::new(path, "id is required"))?;
            let id = uuid(&format!("{path}.id"), id)?;
            if !sub {
                f.object_statement = Some(id);
            }
            Ok(false)
        }
        "SubStatement" => {
            if sub {
                return Err(XapiError::new(
                    path,
                    "a SubStatement cannot contain a SubStatement",
                ));
            }
            let m = o
                .as_object_mut()
                .ok_or_else(|| XapiError::new(path, "must be an object"))?;
            for k in ["id", "stored", "version", "authority"] {
                if m.contains_key(k) {
                    return Err(XapiError::new(
                        path,
                        format!("a SubStatement cannot have {k:?}"),
                    ));
                }
            }
            keys_allowed(
                path,
                m,
                &[
                    "objectType",
                    "actor",
                    "verb",
                    "object",
                    "result",
                    "context",
                    "timestamp",
                    "attachments",
                ],
            )?;
            if m.get("object")
                .and_then(|x| x.get("objectType"))
                .and_then(Value::as_str)
                == Some("SubStatement")
            {
                return Err(XapiError::new(
                    format!("{path}.object"),
                    "a SubStatement cannot contain a SubStatement",
                ));
            }
            body(path, m, f, true)?;
            Ok(false)
        }
        other => Err(XapiError::new(
            path,
            format!(
                "objectType {other:?} is not Activity, Agent, Group, StatementRef or SubStatement"
            ),
        )),
    }
}

#[cfg(test)]
mod tests;
