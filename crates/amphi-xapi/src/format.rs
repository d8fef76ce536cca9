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
}
