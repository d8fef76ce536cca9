//! Statement Comparison Requirements (Data 2.3.1): whether a statement sent again with an id
//! already stored is the same statement. Ignored: `authority`, `stored`, `version`,
//! `attachments`, activity definitions, the order of a Group's members, the case of UUIDs,
//! how a timestamp writes the same instant, the order of an object's properties, and an
//! `objectType` left at its default.

use crate::time;
use serde_json::Value;

/// Whether two checked statements are the same statement.
pub fn same(a: &Value, b: &Value) -> bool {
    normal(a, false) == normal(b, false)
}

fn normal(v: &Value, sub: bool) -> Value {
    let mut v = v.clone();
    let Some(m) = v.as_object_mut() else { return v };
    for k in ["authority", "stored", "version", "attachments"] {
        m.remove(k);
    }
    if let Some(Value::String(id)) = m.get_mut("id") {
        *id = id.to_lowercase();
    }
    if let Some(Value::String(t)) = m.get("timestamp") {
        if let Some(at) = time::parse_utc(t) {
            m.insert("timestamp".into(), Value::String(time::format(at)));
        }
    }
    if let Some(a) = m.get_mut("actor") {
        *a = actor(a);
    }
    if let Some(o) = m.get_mut("object") {
        *o = object(o, sub);
    }
    if let Some(c) = m.get_mut("context").and_then(Value::as_object_mut) {
        if let Some(Value::String(r)) = c.get_mut("registration") {
            *r = r.to_lowercase();
        }
        for k in ["instructor", "team"] {
            if let Some(x) = c.get_mut(k) {
                *x = actor(x);
            }
        }
        if let Some(Value::String(id)) = c.get_mut("statement").and_then(|s| s.get_mut("id")) {
            *id = id.to_lowercase();
        }
        if let Some(ca) = c
            .get_mut("contextActivities")
            .and_then(Value::as_object_mut)
        {
            for list in ca.values_mut() {
                if list.is_object() {
                    *list = Value::Array(vec![list.take()]);
                }
                if let Some(a) = list.as_array_mut() {
                    for act in a {
                        *act = activity(act);
                    }
                }
            }
        }
    }
    v
}

fn actor(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        if m.get("objectType").and_then(Value::as_str) == Some("Agent") {
            m.remove("objectType");
        }
        if let Some(Value::Array(members)) = m.get_mut("member") {
            for x in members.iter_mut() {
                *x = actor(x);
            }
            members.sort_by_key(|x| x.to_string());
        }
    }
    v
}

fn activity(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("definition");
        if m.get("objectType").and_then(Value::as_str) == Some("Activity") {
            m.remove("objectType");
        }
    }
    v
}

fn object(v: &Value, sub: bool) -> Value {
    match v.get("objectType").and_then(Value::as_str) {
        None | Some("Activity") => activity(v),
        Some("Agent") | Some("Group") => {
            let mut a = actor(v);
            if let Some(m) = a.as_object_mut() {
                m.insert("objectType".into(), v["objectType"].clone());
            }
            a
        }
        Some("StatementRef") => {
            let mut r = v.clone();
            if let Some(Value::String(id)) = r.get_mut("id") {
                *id = id.to_lowercase();
            }
            r
        }
        Some("SubStatement") if !sub => normal(v, true),
        _ => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s() -> Value {
        json!({
            "id": "FD41C918-B88B-4B20-A0A5-A4C32391AAA0",
            "actor": {"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}, {"mbox": "mailto:b@example.com"}]},
            "verb": {"id": "http://example.com/v"},
            "object": {"id": "http://example.com/a", "definition": {"name": {"en": "A"}}},
            "timestamp": "2026-12-07T21:00:00+01:00",
        })
    }

    #[test]
    fn what_is_ignored() {
        let b = json!({
            "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
            "actor": {"objectType": "Group", "member": [{"objectType": "Agent", "mbox": "mailto:b@example.com"}, {"mbox": "mailto:a@example.com"}]},
            "verb": {"id": "http://example.com/v"},
            "object": {"objectType": "Activity", "id": "http://example.com/a"},
            "timestamp": "2026-12-07T20:00:00.000Z",
            "stored": "2026-12-07T20:00:01Z",
            "version": "1.0.0",
            "authority": {"mbox": "mailto:lrs@example.com"},
        });
        assert!(same(&s(), &b));
    }

    #[test]
    fn what_is_not() {
        let mut b = s();
        b["verb"]["display"] = json!({"en": "did"});
        assert!(!same(&s(), &b));
        let mut c = s();
        c["timestamp"] = json!("2026-12-07T21:00:00Z");
        assert!(!same(&s(), &c));
        let mut d = s();
        d["result"] = json!({"success": true});
        assert!(!same(&s(), &d));
    }
}
