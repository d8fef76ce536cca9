//! Every rule of xAPI 1.0.3's Data part a statement must follow, read from the JSON as sent
//! (an unknown property anywhere is refused), with the facts the LRS indexes
//! ([`Facts`]). `object` holds the five kinds of object and activity definitions; `parts`
//! the result, context and attachments.

mod object;
mod parts;

use crate::{agent, lang, time, Result, XapiError, VOIDED};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

pub use object::check_activity_definition;

/// What the LRS indexes of a checked statement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// The statement's id, if it had one.
    pub id: Option<Uuid>,
    /// The verb's IRI.
    pub verb: String,
    /// The actor's key ([`agent::key`]); None for an anonymous Group.
    pub actor: Option<String>,
    /// The object's activity id, when the object is an Activity.
    pub object_activity: Option<String>,
    /// The object's key, when the object is an Agent or identified Group.
    pub object_agent: Option<String>,
    /// The statement the object refers to, when it is a StatementRef.
    pub object_statement: Option<Uuid>,
    /// `context.registration`.
    pub registration: Option<Uuid>,
    /// The statement this one voids (verb `voided`).
    pub voids: Option<Uuid>,
    /// `timestamp`, if given.
    pub timestamp: Option<DateTime<Utc>>,
    /// Every agent the statement names (actor, object, instructor, team, members of Groups,
    /// and the same in a SubStatement), for `related_agents`; the authority is added by the
    /// caller.
    pub related_agents: Vec<String>,
    /// Every activity it names (object, context activities, and the same in a
    /// SubStatement), for `related_activities`.
    pub related_activities: Vec<String>,
    /// Activity definitions the statement carries (id, definition), for the Activities
    /// resource.
    pub definitions: Vec<(String, Value)>,
    /// `attachments[].sha2`, in order, with whether each has a `fileUrl`.
    pub attachments: Vec<(String, bool)>,
}

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
        object::check(&op, o, f, sub)?
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
        let list = parts::attachments(&format!("{path}.attachments"), a)?;
        if !sub {
            f.attachments = list;
        }
    }
    Ok(())
}

/// Adds an actor's keys (its own and its members') to the related agents.
fn add_agents(f: &mut Facts, v: &Value) {
    for k in agent::keys_with_members(v) {
        if !f.related_agents.contains(&k) {
            f.related_agents.push(k);
        }
    }
}

/// Adds an activity id to the related activities.
fn add_activity(f: &mut Facts, id: &str) {
    if !f.related_activities.iter().any(|a| a == id) {
        f.related_activities.push(id.to_owned());
    }
}

/// Checks a timestamp property.
fn timestamp(path: &str, v: &Value) -> Result<DateTime<Utc>> {
    let s = v
        .as_str()
        .ok_or_else(|| XapiError::new(path, "must be a string"))?;
    if time::lacks_zone(s) {
        return Err(XapiError::new(
            path,
            "an ISO 8601 timestamp needs a time zone",
        ));
    }
    time::parse_utc(s).ok_or_else(|| XapiError::new(path, "is not an ISO 8601 timestamp"))
}

/// Checks a UUID property.
pub(crate) fn uuid(path: &str, v: &Value) -> Result<Uuid> {
    v.as_str()
        .filter(|s| s.len() == 36)
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| XapiError::new(path, "must be a UUID"))
}

/// Checks an IRI: an absolute IRI (a scheme, no spaces).
pub fn check_iri(path: &str, v: &Value) -> Result<()> {
    let s = v
        .as_str()
        .ok_or_else(|| XapiError::new(path, "must be an IRI (a string)"))?;
    if is_iri(s) {
        Ok(())
    } else {
        Err(XapiError::new(
            path,
            format!("{s:?} is not an absolute IRI"),
        ))
    }
}

/// Whether `s` is an absolute IRI.
pub fn is_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    scheme_ok
        && !rest.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || "<>\"{}|\\^`".contains(c))
        && url::Url::parse(s).is_ok()
}

/// Checks an IRL: an IRI that locates something (http, https, or another scheme with an
/// authority).
pub fn check_irl(path: &str, v: &Value) -> Result<()> {
    check_iri(path, v)?;
    let s = v.as_str().unwrap_or_default();
    match url::Url::parse(s) {
        Ok(u) if u.has_host() => Ok(()),
        _ => Err(XapiError::new(path, format!("{s:?} is not an IRL"))),
    }
}

/// Checks an extensions object: keys are IRIs, values any JSON.
pub(crate) fn extensions(path: &str, v: &Value) -> Result<()> {
    let m = obj(path, v)?;
    for k in m.keys() {
        if !is_iri(k) {
            return Err(XapiError::new(
                path,
                format!("extension key {k:?} is not an IRI"),
            ));
        }
    }
    Ok(())
}

/// The value as an object, or a refusal.
pub(crate) fn obj<'a>(path: &str, v: &'a Value) -> Result<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| XapiError::new(path, "must be an object"))
}

fn obj_mut<'a>(path: &str, v: &'a mut Value) -> Result<&'a mut Map<String, Value>> {
    v.as_object_mut()
        .ok_or_else(|| XapiError::new(path, "must be an object"))
}

/// Refuses a property not in `allowed`.
pub(crate) fn keys_allowed(path: &str, m: &Map<String, Value>, allowed: &[&str]) -> Result<()> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(XapiError::new(path, format!("unknown property {k:?}"))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
