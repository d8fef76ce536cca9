//! What every part of a statement's check uses: IRIs and IRLs, UUIDs, timestamps,
//! extensions, and reading a JSON object strictly (an unknown property refused).

use crate::{time, Result, XapiError};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

/// Checks a timestamp property.
pub(crate) fn timestamp(path: &str, v: &Value) -> Result<DateTime<Utc>> {
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

pub(crate) fn obj_mut<'a>(path: &str, v: &'a mut Value) -> Result<&'a mut Map<String, Value>> {
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
