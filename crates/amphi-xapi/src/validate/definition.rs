//! Activities and their definitions: language maps, type and moreInfo, the interaction type
//! with only the component lists it allows, `correctResponsesPattern`, extensions.

use crate::common::{check_iri, check_irl, extensions, keys_allowed, obj};
use crate::{lang, Result, XapiError};
use serde_json::Value;

/// Checks an Activity; its id.
pub(crate) fn activity(path: &str, o: &Value) -> Result<String> {
    let m = obj(path, o)?;
    keys_allowed(path, m, &["objectType", "id", "definition"])?;
    if let Some(t) = m.get("objectType") {
        if t.as_str() != Some("Activity") {
            return Err(XapiError::new(path, "objectType must be \"Activity\""));
        }
    }
    let id = m
        .get("id")
        .ok_or_else(|| XapiError::new(path, "an Activity needs an id"))?;
    check_iri(&format!("{path}.id"), id)?;
    if let Some(d) = m.get("definition") {
        check_activity_definition(&format!("{path}.definition"), d)?;
    }
    Ok(id.as_str().unwrap_or_default().to_owned())
}

const INTERACTION_TYPES: [&str; 10] = [
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
];

const COMPONENT_LISTS: [&str; 5] = ["choices", "scale", "source", "target", "steps"];

/// Checks an Activity Definition: language maps, type IRI, moreInfo IRL, the interaction type
/// with only the component lists it allows, `correctResponsesPattern`, extensions.
pub fn check_activity_definition(path: &str, d: &Value) -> Result<()> {
    let m = obj(path, d)?;
    keys_allowed(
        path,
        m,
        &[
            "name",
            "description",
            "type",
            "moreInfo",
            "interactionType",
            "correctResponsesPattern",
            "choices",
            "scale",
            "source",
            "target",
            "steps",
            "extensions",
        ],
    )?;
    for k in ["name", "description"] {
        if let Some(v) = m.get(k) {
            lang::check_map(&format!("{path}.{k}"), v)?;
        }
    }
    if let Some(v) = m.get("type") {
        check_iri(&format!("{path}.type"), v)?;
    }
    if let Some(v) = m.get("moreInfo") {
        check_irl(&format!("{path}.moreInfo"), v)?;
    }
    if let Some(v) = m.get("extensions") {
        extensions(&format!("{path}.extensions"), v)?;
    }
    let itype = match m.get("interactionType") {
        None => None,
        Some(Value::String(s)) if INTERACTION_TYPES.contains(&s.as_str()) => Some(s.as_str()),
        Some(_) => {
            return Err(XapiError::new(
                format!("{path}.interactionType"),
                format!("must be one of {}", INTERACTION_TYPES.join(", ")),
            ))
        }
    };
    let allowed: &[&str] = match itype {
        Some("choice" | "sequencing") => &["choices"],
        Some("likert") => &["scale"],
        Some("matching") => &["source", "target"],
        Some("performance") => &["steps"],
        _ => &[],
    };
    for list in COMPONENT_LISTS {
        let Some(v) = m.get(list) else { continue };
        let p = format!("{path}.{list}");
        if itype.is_none() {
            return Err(XapiError::new(
                p,
                "interaction components need an interactionType",
            ));
        }
        if !allowed.contains(&list) {
            return Err(XapiError::new(
                p,
                format!(
                    "not allowed for interactionType {:?}",
                    itype.unwrap_or_default()
                ),
            ));
        }
        components(&p, v)?;
    }
    if let Some(v) = m.get("correctResponsesPattern") {
        let p = format!("{path}.correctResponsesPattern");
        if itype.is_none() {
            return Err(XapiError::new(p, "needs an interactionType"));
        }
        match v.as_array() {
            Some(a) if a.iter().all(Value::is_string) => {}
            _ => return Err(XapiError::new(p, "must be an array of strings")),
        }
    }
    Ok(())
}

/// An interaction component list: objects with a unique string `id` and an optional
/// `description` language map.
fn components(path: &str, v: &Value) -> Result<()> {
    let a = v
        .as_array()
        .ok_or_else(|| XapiError::new(path, "must be an array"))?;
    let mut ids: Vec<&str> = Vec::new();
    for (i, c) in a.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let m = obj(&p, c)?;
        keys_allowed(&p, m, &["id", "description"])?;
        let id = m
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| XapiError::new(&p, "id is required (a non-empty string)"))?;
        if ids.contains(&id) {
            return Err(XapiError::new(&p, format!("id {id:?} is repeated")));
        }
        ids.push(id);
        if let Some(d) = m.get("description") {
            lang::check_map(&format!("{p}.description"), d)?;
        }
    }
    Ok(())
}
