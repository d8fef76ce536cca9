//! The `format` of statements returned: `exact` (as stored), `ids` (only what identifies
//! agents, groups, activities and verbs) and `canonical` (one language per language map,
//! chosen from the client's Accept-Language).

use crate::{agent, lang, Result, XapiError};
use serde_json::{json, Value};

/// The `format` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// As stored.
    #[default]
    Exact,
    /// Identifiers only.
    Ids,
    /// One language per language map.
    Canonical,
}

impl Format {
    /// Parses the parameter.
    pub fn parse(s: &str) -> Result<Format> {
        match s {
            "exact" => Ok(Format::Exact),
            "ids" => Ok(Format::Ids),
            "canonical" => Ok(Format::Canonical),
            _ => Err(XapiError::new(
                "format",
                "must be \"ids\", \"exact\" or \"canonical\"",
            )),
        }
    }
}

/// A stored statement in the format asked for (`accepted`: the client's languages, for
/// `canonical`).
pub fn apply(statement: &mut Value, format: Format, accepted: &[String]) {
    match format {
        Format::Exact => {}
        Format::Ids => ids(statement),
        Format::Canonical => canonical(statement, accepted),
    }
}

/// Calls `f` on every Activity object of a statement, wherever it is (its object, its
/// context activities, and the same in its SubStatement).
fn each_activity(s: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    let Some(m) = s.as_object_mut() else { return };
    if let Some(o) = m.get_mut("object") {
        match o.get("objectType").and_then(Value::as_str) {
            None | Some("Activity") => f(o),
            Some("SubStatement") => each_activity(o, f),
            _ => {}
        }
    }
    if let Some(ca) = m
        .get_mut("context")
        .and_then(|c| c.get_mut("contextActivities"))
        .and_then(Value::as_object_mut)
    {
        for list in ca.values_mut() {
            if let Some(a) = list.as_array_mut() {
                for act in a {
                    f(act);
                }
            }
        }
    }
}

/// The ids of the activities a statement names (object, context activities, SubStatement).
pub fn activity_ids(s: &Value) -> Vec<String> {
    fn walk(s: &Value, out: &mut Vec<String>) {
        let mut add = |a: &Value| {
            if let Some(id) = a.get("id").and_then(Value::as_str) {
                if !out.iter().any(|x| x == id) {
                    out.push(id.to_owned());
                }
            }
        };
        if let Some(o) = s.get("object") {
            match o.get("objectType").and_then(Value::as_str) {
                None | Some("Activity") => add(o),
                _ => {}
            }
        }
        if let Some(ca) = s
            .pointer("/context/contextActivities")
            .and_then(Value::as_object)
        {
            for a in ca.values().filter_map(Value::as_array).flatten() {
                add(a);
            }
        }
        if let Some(o) = s.get("object") {
            if o.get("objectType").and_then(Value::as_str) == Some("SubStatement") {
                walk(o, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(s, &mut out);
    out
}

/// Gives every activity of a statement the definition the LRS keeps for it (`canonical`:
/// the definition merged from every statement that carried one), where it keeps one.
pub fn use_canonical_definitions(s: &mut Value, kept: &dyn Fn(&str) -> Option<Value>) {
    each_activity(s, &mut |a| {
        let Some(d) = a.get("id").and_then(Value::as_str).and_then(kept) else {
            return;
        };
        if let Some(m) = a.as_object_mut() {
            m.insert("definition".into(), d);
        }
    });
}

fn ids(s: &mut Value) {
    let Some(m) = s.as_object_mut() else { return };
    for k in ["actor", "authority"] {
        if let Some(a) = m.get_mut(k) {
            *a = agent::ids_only(a);
        }
    }
    if let Some(v) = m.get_mut("verb") {
        *v = json!({"id": v.get("id").cloned().unwrap_or(Value::Null)});
    }
    if let Some(o) = m.get_mut("object") {
        match o.get("objectType").and_then(Value::as_str) {
            None | Some("Activity") => *o = activity_id(o),
            Some("Agent" | "Group") => *o = agent::ids_only(o),
            Some("SubStatement") => ids(o),
            _ => {}
        }
    }
    if let Some(c) = m.get_mut("context").and_then(Value::as_object_mut) {
        for k in ["instructor", "team"] {
            if let Some(a) = c.get_mut(k) {
                *a = agent::ids_only(a);
            }
        }
        if let Some(ca) = c
            .get_mut("contextActivities")
            .and_then(Value::as_object_mut)
        {
            for list in ca.values_mut() {
                if let Some(a) = list.as_array_mut() {
                    for act in a {
                        *act = activity_id(act);
                    }
                }
            }
        }
    }
}

fn activity_id(a: &Value) -> Value {
    json!({"objectType": "Activity", "id": a.get("id").cloned().unwrap_or(Value::Null)})
}

fn canonical(s: &mut Value, accepted: &[String]) {
    let Some(m) = s.as_object_mut() else { return };
    if let Some(d) = m.get_mut("verb").and_then(|v| v.get_mut("display")) {
        one_language(d, accepted);
    }
    if let Some(o) = m.get_mut("object") {
        if o.get("objectType").and_then(Value::as_str) == Some("SubStatement") {
            canonical(o, accepted);
        } else if let Some(d) = o.get_mut("definition") {
            definition(d, accepted);
        }
    }
    if let Some(ca) = m
        .get_mut("context")
        .and_then(|c| c.get_mut("contextActivities"))
        .and_then(Value::as_object_mut)
    {
        for list in ca.values_mut() {
            if let Some(a) = list.as_array_mut() {
                for act in a {
                    if let Some(d) = act.get_mut("definition") {
                        definition(d, accepted);
                    }
                }
            }
        }
    }
    if let Some(atts) = m.get_mut("attachments").and_then(Value::as_array_mut) {
        for at in atts {
            for k in ["display", "description"] {
                if let Some(x) = at.get_mut(k) {
                    one_language(x, accepted);
                }
            }
        }
    }
}

/// An activity definition with one language per map (its name, description and components').
pub fn definition(d: &mut Value, accepted: &[String]) {
    for k in ["name", "description"] {
        if let Some(x) = d.get_mut(k) {
            one_language(x, accepted);
        }
    }
    for list in ["choices", "scale", "source", "target", "steps"] {
        if let Some(a) = d.get_mut(list).and_then(Value::as_array_mut) {
            for c in a {
                if let Some(x) = c.get_mut("description") {
                    one_language(x, accepted);
                }
            }
        }
    }
}

fn one_language(map: &mut Value, accepted: &[String]) {
    let Some(m) = map.as_object_mut() else { return };
    if let Some(keep) = lang::pick(m, accepted) {
        m.retain(|k, _| *k == keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s() -> Value {
        json!({
            "actor": {"name": "Ann", "mbox": "mailto:a@example.com"},
            "verb": {"id": "http://example.com/v", "display": {"en-US": "did", "fr-FR": "a fait"}},
            "object": {"id": "http://example.com/a", "definition": {"name": {"en-US": "A", "fr-FR": "Â"},
                "interactionType": "choice", "choices": [{"id": "x", "description": {"en-US": "X", "fr-FR": "Ξ"}}]}},
            "context": {"contextActivities": {"parent": [{"id": "http://example.com/p", "definition": {"name": {"en": "P"}}}]},
                "instructor": {"name": "T", "mbox": "mailto:t@example.com"}},
        })
    }

    #[test]
    fn ids_keeps_identifiers_only() {
        let mut x = s();
        apply(&mut x, Format::Ids, &[]);
        assert_eq!(x["actor"], json!({"mbox": "mailto:a@example.com"}));
        assert_eq!(x["verb"], json!({"id": "http://example.com/v"}));
        assert_eq!(
            x["object"],
            json!({"objectType": "Activity", "id": "http://example.com/a"})
        );
        assert_eq!(
            x["context"]["instructor"],
            json!({"mbox": "mailto:t@example.com"})
        );
        assert_eq!(
            x["context"]["contextActivities"]["parent"][0],
            json!({"objectType": "Activity", "id": "http://example.com/p"})
        );
    }

    #[test]
    fn canonical_keeps_one_language() {
        let mut x = s();
        apply(&mut x, Format::Canonical, &["fr".to_owned()]);
        assert_eq!(x["verb"]["display"], json!({"fr-FR": "a fait"}));
        assert_eq!(x["object"]["definition"]["name"], json!({"fr-FR": "Â"}));
        assert_eq!(
            x["object"]["definition"]["choices"][0]["description"],
            json!({"fr-FR": "Ξ"})
        );
        let mut y = s();
        apply(&mut y, Format::Canonical, &[]);
        assert_eq!(y["verb"]["display"], json!({"en-US": "did"}));
    }

    #[test]
    fn exact_changes_nothing() {
        let mut x = s();
        apply(&mut x, Format::Exact, &[]);
        assert_eq!(x, s());
        assert!(Format::parse("pretty").is_err());
    }

    #[test]
    fn canonical_definitions_replace_the_statements_own() {
        let mut x = s();
        assert_eq!(
            activity_ids(&x),
            vec!["http://example.com/a", "http://example.com/p"]
        );
        use_canonical_definitions(&mut x, &|id| {
            (id == "http://example.com/p").then(|| json!({"name": {"en": "P", "de": "P (de)"}}))
        });
        assert_eq!(
            x["context"]["contextActivities"]["parent"][0]["definition"],
            json!({"name": {"en": "P", "de": "P (de)"}})
        );
        assert_eq!(x["object"]["definition"], s()["object"]["definition"]);
    }
}
