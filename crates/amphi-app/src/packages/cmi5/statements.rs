//! The statements the LMS itself makes in a registration: `launched` before an AU opens,
//! `abandoned` for a session that ended without `terminated`, `waived` when the course team
//! waives an AU, and `satisfied` when a block or the course meets its `moveOn` criteria. Each
//! carries the cmi5 category, the registration, the session id and the publisher's id in
//! `grouping`, as section 9 of cmi5 requires.

use super::{activity_id, language_map, verb, Satisfied, CATEGORY_CMI5, CATEGORY_MOVEON};
use super::{EXT_REASON, EXT_SESSION};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// Who, where and when: what every LMS statement of a registration shares.
#[derive(Debug, Clone)]
pub struct About<'a> {
    /// The learner's agent (the launch's `actor`).
    pub actor: &'a Value,
    /// The Amphi origin the activity ids are under.
    pub origin: &'a str,
    /// The package item.
    pub item: Uuid,
    /// The registration.
    pub registration: Uuid,
    /// The session the statement belongs to.
    pub session: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

fn display(id: &str) -> &'static str {
    match id {
        verb::LAUNCHED => "launched",
        verb::ABANDONED => "abandoned",
        verb::WAIVED => "waived",
        verb::SATISFIED => "satisfied",
        _ => "",
    }
}

fn statement(
    a: &About<'_>,
    verb_id: &str,
    object: Value,
    publisher: &str,
    extensions: Map<String, Value>,
    moveon: bool,
) -> Value {
    let mut category = vec![json!({"id": CATEGORY_CMI5})];
    if moveon {
        category.push(json!({"id": CATEGORY_MOVEON}));
    }
    let mut ext = extensions;
    ext.insert(EXT_SESSION.into(), json!(a.session.to_string()));
    json!({
        "id": Uuid::now_v7(),
        "actor": a.actor,
        "verb": {"id": verb_id, "display": {"en-US": display(verb_id)}},
        "object": object,
        "context": {
            "registration": a.registration,
            "platform": "Amphi",
            "contextActivities": {
                "category": category,
                "grouping": [{"id": publisher}],
            },
            "extensions": ext,
        },
        "timestamp": a.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    })
}

fn au_object(a: &About<'_>, au: &amphi_interop::package::Cmi5Au) -> Value {
    let mut definition = json!({"type": "https://w3id.org/xapi/cmi5/activitytype/au"});
    if !au.title.is_empty() {
        definition["name"] = language_map(&au.title);
    }
    if !au.description.is_empty() {
        definition["description"] = language_map(&au.description);
    }
    json!({
        "objectType": "Activity",
        "id": activity_id(a.origin, a.item, "au", &au.id),
        "definition": definition,
    })
}

/// `launched`, with the launch's mode, URL (without cmi5's parameters), `moveOn`, launch
/// parameters and mastery score in its context.
pub fn launched(
    a: &About<'_>,
    au: &amphi_interop::package::Cmi5Au,
    mode: super::Mode,
    launch_url: &str,
) -> Value {
    let mut ext = Map::new();
    ext.insert(super::EXT_LAUNCH_MODE.into(), json!(mode.as_str()));
    ext.insert(super::EXT_LAUNCH_URL.into(), json!(launch_url));
    ext.insert(
        super::EXT_MOVE_ON.into(),
        json!(super::move_on_name(au.move_on)),
    );
    if let Some(p) = &au.launch_parameters {
        ext.insert(super::EXT_LAUNCH_PARAMETERS.into(), json!(p));
    }
    if let Some(m) = au.mastery_score {
        ext.insert(super::EXT_MASTERY.into(), json!(m));
    }
    statement(a, verb::LAUNCHED, au_object(a, au), &au.id, ext, false)
}

/// `abandoned`, with the session's duration (from its launch to the last thing the AU sent).
pub fn abandoned(a: &About<'_>, au: &amphi_interop::package::Cmi5Au, seconds: i64) -> Value {
    let mut s = statement(
        a,
        verb::ABANDONED,
        au_object(a, au),
        &au.id,
        Map::new(),
        false,
    );
    s["result"] = json!({"duration": format!("PT{}S", seconds.max(0))});
    s
}

/// `waived`, with the reason (`Tested`, `Excused`, `Equivalent` or `Administrative`).
pub fn waived(a: &About<'_>, au: &amphi_interop::package::Cmi5Au, reason: &str) -> Value {
    let mut s = statement(a, verb::WAIVED, au_object(a, au), &au.id, Map::new(), true);
    s["result"] = json!({
        "success": true, "completion": true, "extensions": {EXT_REASON: reason},
    });
    s
}

/// `satisfied`, for a block or the course.
pub fn satisfied(a: &About<'_>, what: &Satisfied) -> Value {
    let mut definition = json!({
        "type": format!("https://w3id.org/xapi/cmi5/activitytype/{}", what.kind),
    });
    if !what.title.is_empty() {
        definition["name"] = language_map(&what.title);
    }
    let object = json!({
        "objectType": "Activity",
        "id": activity_id(a.origin, a.item, what.kind, &what.id),
        "definition": definition,
    });
    statement(a, verb::SATISFIED, object, &what.id, Map::new(), false)
}
