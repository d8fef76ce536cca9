//! Agents and Groups: their inverse functional identifier (exactly one of `mbox`,
//! `mbox_sha1sum`, `openid`, `account`), the key an identifier is indexed by, and the Person
//! object the Agents resource answers.

use crate::common::{check_iri, check_irl, keys_allowed, obj};
use crate::{Result, XapiError};
use serde_json::{json, Map, Value};

const IFIS: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

/// Checks an Agent (`objectType` absent or `Agent`; `object_type_required` for an Agent as a
/// statement's object, where it must be given).
pub fn check_agent(path: &str, v: &Value, object_type_required: bool) -> Result<()> {
    let m = obj(path, v)?;
    keys_allowed(
        path,
        m,
        &[
            "objectType",
            "name",
            "mbox",
            "mbox_sha1sum",
            "openid",
            "account",
        ],
    )?;
    match m.get("objectType") {
        None if object_type_required => return Err(XapiError::new(path, "objectType is required")),
        None => {}
        Some(Value::String(s)) if s == "Agent" => {}
        Some(_) => return Err(XapiError::new(path, "objectType must be \"Agent\"")),
    }
    name(path, m)?;
    match ifi_count(path, m)? {
        1 => Ok(()),
        0 => Err(XapiError::new(
            path,
            "an Agent needs exactly one identifier (mbox, mbox_sha1sum, openid or account)",
        )),
        _ => Err(XapiError::new(
            path,
            "an Agent must have exactly one identifier (mbox, mbox_sha1sum, openid or account)",
        )),
    }
}

/// Checks a Group: identified (exactly one identifier, `member` optional) or anonymous (no
/// identifier, a `member` list); members are Agents, never Groups.
pub fn check_group(path: &str, v: &Value) -> Result<()> {
    let m = obj(path, v)?;
    keys_allowed(
        path,
        m,
        &[
            "objectType",
            "name",
            "mbox",
            "mbox_sha1sum",
            "openid",
            "account",
            "member",
        ],
    )?;
    if m.get("objectType").and_then(Value::as_str) != Some("Group") {
        return Err(XapiError::new(path, "objectType must be \"Group\""));
    }
    name(path, m)?;
    let ifis = ifi_count(path, m)?;
    if ifis > 1 {
        return Err(XapiError::new(
            path,
            "a Group must have at most one identifier",
        ));
    }
    match m.get("member") {
        None if ifis == 0 => Err(XapiError::new(
            path,
            "an anonymous Group (no identifier) must list its members",
        )),
        None => Ok(()),
        Some(Value::Array(members)) => {
            if ifis == 0 && members.is_empty() {
                return Err(XapiError::new(
                    format!("{path}.member"),
                    "an anonymous Group must have at least one member",
                ));
            }
            for (i, mem) in members.iter().enumerate() {
                let p = format!("{path}.member[{i}]");
                if mem.get("objectType").and_then(Value::as_str) == Some("Group") {
                    return Err(XapiError::new(p, "a Group's member cannot be a Group"));
                }
                check_agent(&p, mem, false)?;
            }
            Ok(())
        }
        Some(_) => Err(XapiError::new(format!("{path}.member"), "must be an array")),
    }
}

/// Checks an actor: a Group when `objectType` says so, else an Agent.
pub fn check_actor(path: &str, v: &Value) -> Result<()> {
    if v.get("objectType").and_then(Value::as_str) == Some("Group") {
        check_group(path, v)
    } else {
        check_agent(path, v, false)
    }
}

fn name(path: &str, m: &Map<String, Value>) -> Result<()> {
    match m.get("name") {
        None | Some(Value::String(_)) => Ok(()),
        Some(_) => Err(XapiError::new(format!("{path}.name"), "must be a string")),
    }
}

/// Counts and checks the identifiers present.
fn ifi_count(path: &str, m: &Map<String, Value>) -> Result<usize> {
    let mut n = 0;
    if let Some(v) = m.get("mbox") {
        n += 1;
        let p = format!("{path}.mbox");
        let s = v
            .as_str()
            .ok_or_else(|| XapiError::new(&p, "must be a string"))?;
        let Some(addr) = s.strip_prefix("mailto:") else {
            return Err(XapiError::new(p, "must be a mailto: IRI"));
        };
        let ok = addr
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !d.contains('@'))
            && !addr.chars().any(char::is_whitespace);
        if !ok {
            return Err(XapiError::new(p, "is not an email address"));
        }
    }
    if let Some(v) = m.get("mbox_sha1sum") {
        n += 1;
        let ok = v
            .as_str()
            .is_some_and(|s| s.len() == 40 && s.chars().all(|c| c.is_ascii_hexdigit()));
        if !ok {
            return Err(XapiError::new(
                format!("{path}.mbox_sha1sum"),
                "must be the SHA-1 of a mailto IRI, 40 hex digits",
            ));
        }
    }
    if let Some(v) = m.get("openid") {
        n += 1;
        check_iri(&format!("{path}.openid"), v)?;
    }
    if let Some(v) = m.get("account") {
        n += 1;
        let p = format!("{path}.account");
        let a = obj(&p, v)?;
        keys_allowed(&p, a, &["homePage", "name"])?;
        match a.get("homePage") {
            Some(h) => check_irl(&format!("{p}.homePage"), h)?,
            None => return Err(XapiError::new(&p, "homePage is required")),
        }
        match a.get("name") {
            Some(Value::String(_)) => {}
            Some(_) => return Err(XapiError::new(format!("{p}.name"), "must be a string")),
            None => return Err(XapiError::new(&p, "name is required")),
        }
    }
    Ok(n)
}

/// The key an Agent's or identified Group's identifier is indexed by (`mbox::mailto:…`,
/// `mbox_sha1sum::…`, `openid::…`, `account::<homePage>::<name>`); None for an anonymous
/// Group. Read from a checked value.
pub fn key(v: &Value) -> Option<String> {
    let m = v.as_object()?;
    if let Some(s) = m.get("mbox").and_then(Value::as_str) {
        return Some(format!("mbox::{s}"));
    }
    if let Some(s) = m.get("mbox_sha1sum").and_then(Value::as_str) {
        return Some(format!("mbox_sha1sum::{}", s.to_lowercase()));
    }
    if let Some(s) = m.get("openid").and_then(Value::as_str) {
        return Some(format!("openid::{s}"));
    }
    let a = m.get("account")?;
    Some(format!(
        "account::{}::{}",
        a.get("homePage")?.as_str()?,
        a.get("name")?.as_str()?
    ))
}

/// The keys of an actor: its own (if identified) and, for a Group, its members'.
pub fn keys_with_members(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = key(v).into_iter().collect();
    if let Some(ms) = v.get("member").and_then(Value::as_array) {
        for m in ms {
            if let Some(k) = key(m) {
                if !out.contains(&k) {
                    out.push(k);
                }
            }
        }
    }
    out
}

/// The agent of an `agent` query parameter (JSON of an Agent or identified Group): its key.
pub fn param(name: &str, raw: &str) -> Result<Value> {
    let v: Value =
        serde_json::from_str(raw).map_err(|e| XapiError::new(name, format!("is not JSON: {e}")))?;
    check_actor(name, &v)?;
    if key(&v).is_none() {
        return Err(XapiError::new(
            name,
            "must be an Agent or an identified Group",
        ));
    }
    Ok(v)
}

/// The identifier properties of an Agent only (no name), as the `ids` format keeps them.
pub fn ids_only(v: &Value) -> Value {
    let Some(m) = v.as_object() else {
        return v.clone();
    };
    let mut out = Map::new();
    if let Some(t) = m.get("objectType") {
        out.insert("objectType".into(), t.clone());
    }
    for k in IFIS {
        if let Some(x) = m.get(k) {
            out.insert(k.into(), x.clone());
        }
    }
    if key(v).is_none() {
        if let Some(ms) = m.get("member").and_then(Value::as_array) {
            out.insert(
                "member".into(),
                Value::Array(ms.iter().map(ids_only).collect()),
            );
        }
    }
    Value::Object(out)
}

/// The Person object of an agent: its own name and identifier, each in an array
/// (what the LRS knows of that person; Amphi links no two identifiers, so one each).
pub fn person(v: &Value) -> Value {
    let mut out = Map::new();
    out.insert("objectType".into(), json!("Person"));
    if let Some(n) = v.get("name") {
        out.insert("name".into(), json!([n]));
    }
    for k in IFIS {
        if let Some(x) = v.get(k) {
            out.insert(k.into(), json!([x]));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_identifier() {
        assert!(check_agent("a", &json!({"mbox": "mailto:a@example.com"}), false).is_ok());
        assert!(check_agent(
            "a",
            &json!({"objectType": "Agent", "openid": "http://id.example.com/a"}),
            false
        )
        .is_ok());
        assert!(check_agent(
            "a",
            &json!({"account": {"homePage": "http://example.com", "name": "x"}}),
            false
        )
        .is_ok());
        assert!(check_agent(
            "a",
            &json!({"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}),
            false
        )
        .is_ok());
        assert!(check_agent("a", &json!({"name": "nobody"}), false).is_err());
        assert!(check_agent(
            "a",
            &json!({"mbox": "mailto:a@example.com", "openid": "http://id.example.com/a"}),
            false
        )
        .is_err());
    }

    #[test]
    fn identifiers_checked() {
        for bad in [
            json!({"mbox": "a@example.com"}),
            json!({"mbox": "mailto:nobody"}),
            json!({"mbox": 12}),
            json!({"mbox_sha1sum": "xyz"}),
            json!({"openid": "not an iri"}),
            json!({"account": {"homePage": "example.com", "name": "x"}}),
            json!({"account": {"homePage": "http://example.com"}}),
            json!({"account": {"name": "x"}}),
            json!({"account": {"homePage": "http://example.com", "name": "x", "extra": 1}}),
            json!({"mbox": "mailto:a@example.com", "extra": 1}),
            json!({"mbox": "mailto:a@example.com", "objectType": "agent"}),
            json!({"mbox": "mailto:a@example.com", "name": 5}),
        ] {
            assert!(check_agent("a", &bad, false).is_err(), "{bad}");
        }
        assert!(check_agent("o", &json!({"mbox": "mailto:a@example.com"}), true).is_err());
    }

    #[test]
    fn groups() {
        let anon = json!({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]});
        assert!(check_group("g", &anon).is_ok());
        assert!(check_group(
            "g",
            &json!({"objectType": "Group", "mbox": "mailto:g@example.com"})
        )
        .is_ok());
        assert!(check_group("g", &json!({"objectType": "Group"})).is_err());
        assert!(check_group("g", &json!({"objectType": "Group", "member": []})).is_err());
        assert!(check_group(
            "g",
            &json!({"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@example.com"}]})
        )
        .is_err());
        assert!(check_group(
            "g",
            &json!({"objectType": "Group", "member": [{"name": "no id"}]})
        )
        .is_err());
        assert!(check_actor("g", &anon).is_ok());
    }

    #[test]
    fn keys() {
        assert_eq!(
            key(&json!({"mbox": "mailto:A@Example.com"})).as_deref(),
            Some("mbox::mailto:A@Example.com")
        );
        assert_eq!(
            key(&json!({"account": {"homePage": "http://h", "name": "n"}})).as_deref(),
            Some("account::http://h::n")
        );
        assert_eq!(key(&json!({"objectType": "Group", "member": []})), None);
        let g = json!({"objectType": "Group", "mbox": "mailto:g@x.org", "member": [{"mbox": "mailto:a@x.org"}]});
        assert_eq!(keys_with_members(&g).len(), 2);
    }

    #[test]
    fn param_needs_identified() {
        assert!(param("agent", r#"{"mbox":"mailto:a@example.com"}"#).is_ok());
        assert!(param(
            "agent",
            r#"{"objectType":"Group","member":[{"mbox":"mailto:a@example.com"}]}"#
        )
        .is_err());
        assert!(param("agent", "nope").is_err());
    }

    #[test]
    fn person_object() {
        let p = person(&json!({"name": "Ann", "mbox": "mailto:a@example.com"}));
        assert_eq!(
            p,
            json!({"objectType": "Person", "name": ["Ann"], "mbox": ["mailto:a@example.com"]})
        );
    }
}
