//! What the LRS indexes of a checked statement, gathered while it is checked.

use crate::agent;
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

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
    /// `attachments[].sha2` of the statement and of its SubStatement, with whether each has
    /// a `fileUrl`.
    pub attachments: Vec<(String, bool)>,
}

/// Adds an actor's keys (its own and its members') to the related agents.
pub(crate) fn add_agents(f: &mut Facts, v: &Value) {
    for k in agent::keys_with_members(v) {
        if !f.related_agents.contains(&k) {
            f.related_agents.push(k);
        }
    }
}

/// Adds an activity id to the related activities.
pub(crate) fn add_activity(f: &mut Facts, id: &str) {
    if !f.related_activities.iter().any(|a| a == id) {
        f.related_activities.push(id.to_owned());
    }
}
