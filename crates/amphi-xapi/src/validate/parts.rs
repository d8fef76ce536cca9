//! A statement's result, context and attachments.

use super::definition::activity;
use super::facts::{add_activity, add_agents, Facts};
use crate::common::{check_iri, check_irl, extensions, keys_allowed, obj, uuid};
use crate::{agent, lang, time, Result, XapiError};
use serde_json::Value;

/// Checks a result: score (scaled in [-1, 1], raw within min..max, min <= max), success and
/// completion booleans, response string, ISO 8601 duration, extensions.
pub(super) fn result(path: &str, v: &Value) -> Result<()> {
    let m = obj(path, v)?;
    keys_allowed(
        path,
        m,
        &[
            "score",
            "success",
            "completion",
            "response",
            "duration",
            "extensions",
        ],
    )?;
    for k in ["success", "completion"] {
        if let Some(x) = m.get(k) {
            if !x.is_boolean() {
                return Err(XapiError::new(
                    format!("{path}.{k}"),
                    "must be true or false",
                ));
            }
        }
    }
    if let Some(x) = m.get("response") {
        if !x.is_string() {
            return Err(XapiError::new(
                format!("{path}.response"),
                "must be a string",
            ));
        }
    }
    if let Some(x) = m.get("duration") {
        if !x.as_str().is_some_and(time::is_duration) {
            return Err(XapiError::new(
                format!("{path}.duration"),
                "must be an ISO 8601 duration (for example PT1H30M)",
            ));
        }
    }
    if let Some(x) = m.get("extensions") {
        extensions(&format!("{path}.extensions"), x)?;
    }
    if let Some(s) = m.get("score") {
        score(&format!("{path}.score"), s)?;
    }
    Ok(())
}

fn score(path: &str, v: &Value) -> Result<()> {
    let m = obj(path, v)?;
    keys_allowed(path, m, &["scaled", "raw", "min", "max"])?;
    let num = |k: &str| -> Result<Option<f64>> {
        match m.get(k) {
            None => Ok(None),
            Some(x) => x
                .as_f64()
                .map(Some)
                .ok_or_else(|| XapiError::new(format!("{path}.{k}"), "must be a number")),
        }
    };
    let (scaled, raw, min, max) = (num("scaled")?, num("raw")?, num("min")?, num("max")?);
    if let Some(s) = scaled {
        if !(-1.0..=1.0).contains(&s) {
            return Err(XapiError::new(
                format!("{path}.scaled"),
                "must be between -1 and 1",
            ));
        }
    }
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return Err(XapiError::new(path, "min must not be greater than max"));
        }
    }
    if let Some(r) = raw {
        if min.is_some_and(|lo| r < lo) || max.is_some_and(|hi| r > hi) {
            return Err(XapiError::new(
                format!("{path}.raw"),
                "must be between min and max",
            ));
        }
    }
    Ok(())
}

/// Checks a context and turns each context activity given as one object into an array.
pub(super) fn context(
    path: &str,
    v: &mut Value,
    object_is_activity: bool,
    f: &mut Facts,
) -> Result<()> {
    let m = v
        .as_object_mut()
        .ok_or_else(|| XapiError::new(path, "must be an object"))?;
    keys_allowed(
        path,
        m,
        &[
            "registration",
            "instructor",
            "team",
            "contextActivities",
            "revision",
            "platform",
            "language",
            "statement",
            "extensions",
        ],
    )?;
    if let Some(r) = m.get("registration") {
        let id = uuid(&format!("{path}.registration"), r)?;
        if f.registration.is_none() {
            f.registration = Some(id);
        }
    }
    if let Some(i) = m.get("instructor") {
        agent::check_actor(&format!("{path}.instructor"), i)?;
        add_agents(f, i);
    }
    if let Some(t) = m.get("team") {
        let p = format!("{path}.team");
        if t.get("objectType").and_then(Value::as_str) != Some("Group") {
            return Err(XapiError::new(p, "the team must be a Group"));
        }
        agent::check_group(&p, t)?;
        add_agents(f, t);
    }
    for k in ["revision", "platform"] {
        if let Some(x) = m.get(k) {
            let p = format!("{path}.{k}");
            if !x.is_string() {
                return Err(XapiError::new(p, "must be a string"));
            }
            if !object_is_activity {
                return Err(XapiError::new(
                    p,
                    "only allowed when the statement's object is an Activity",
                ));
            }
        }
    }
    if let Some(x) = m.get("language") {
        if !x.as_str().is_some_and(lang::is_tag) {
            return Err(XapiError::new(
                format!("{path}.language"),
                "must be an RFC 5646 language tag",
            ));
        }
    }
    if let Some(x) = m.get("statement") {
        let p = format!("{path}.statement");
        let s = obj(&p, x)?;
        keys_allowed(&p, s, &["objectType", "id"])?;
        if s.get("objectType").and_then(Value::as_str) != Some("StatementRef") {
            return Err(XapiError::new(&p, "must be a StatementRef"));
        }
        uuid(&format!("{p}.id"), s.get("id").unwrap_or(&Value::Null))?;
    }
    if let Some(x) = m.get("extensions") {
        extensions(&format!("{path}.extensions"), x)?;
    }
    if let Some(ca) = m.get_mut("contextActivities") {
        let p = format!("{path}.contextActivities");
        let cm = ca
            .as_object_mut()
            .ok_or_else(|| XapiError::new(&p, "must be an object"))?;
        keys_allowed(&p, cm, &["parent", "grouping", "category", "other"])?;
        for (k, list) in cm.iter_mut() {
            let lp = format!("{p}.{k}");
            if list.is_object() {
                *list = Value::Array(vec![list.take()]);
            }
            let a = list.as_array().ok_or_else(|| {
                XapiError::new(&lp, "must be an Activity or an array of Activities")
            })?;
            for (i, act) in a.iter().enumerate() {
                let id = activity(&format!("{lp}[{i}]"), act)?;
                add_activity(f, &id);
                if let Some(d) = act.get("definition") {
                    f.definitions.push((id, d.clone()));
                }
            }
        }
    }
    Ok(())
}

/// Checks the attachments; their `sha2` and whether each has a `fileUrl`.
pub(super) fn attachments(path: &str, v: &Value) -> Result<Vec<(String, bool)>> {
    let a = v
        .as_array()
        .ok_or_else(|| XapiError::new(path, "must be an array"))?;
    let mut out = Vec::new();
    for (i, at) in a.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let m = obj(&p, at)?;
        keys_allowed(
            &p,
            m,
            &[
                "usageType",
                "display",
                "description",
                "contentType",
                "length",
                "sha2",
                "fileUrl",
            ],
        )?;
        check_iri(
            &format!("{p}.usageType"),
            m.get("usageType")
                .ok_or_else(|| XapiError::new(&p, "usageType is required"))?,
        )?;
        lang::check_map(
            &format!("{p}.display"),
            m.get("display")
                .ok_or_else(|| XapiError::new(&p, "display is required"))?,
        )?;
        if let Some(d) = m.get("description") {
            lang::check_map(&format!("{p}.description"), d)?;
        }
        let ct = m
            .get("contentType")
            .and_then(Value::as_str)
            .ok_or_else(|| XapiError::new(&p, "contentType is required (a string)"))?;
        if !is_media_type(ct) {
            return Err(XapiError::new(
                format!("{p}.contentType"),
                "must be an Internet media type",
            ));
        }
        if m.get("length").is_none_or(|l| l.as_u64().is_none()) {
            return Err(XapiError::new(
                format!("{p}.length"),
                "is required, a whole number of octets",
            ));
        }
        let sha2 = m
            .get("sha2")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| XapiError::new(&p, "sha2 is required (hex)"))?;
        let file_url = match m.get("fileUrl") {
            None => false,
            Some(u) => {
                check_irl(&format!("{p}.fileUrl"), u)?;
                true
            }
        };
        out.push((sha2.to_lowercase(), file_url));
    }
    Ok(out)
}

/// Whether `s` looks like `type/subtype` (with optional parameters).
fn is_media_type(s: &str) -> bool {
    let main = s.split(';').next().unwrap_or_default().trim();
    main.split_once('/').is_some_and(|(t, st)| {
        let tok = |x: &str| {
            !x.is_empty()
                && x.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
        };
        tok(t) && tok(st)
    })
}
