use super::*;
use serde_json::json;

fn base() -> Value {
    json!({
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {"id": "http://example.com/activities/a", "definition": {
            "name": {"en-US": "A"}, "type": "http://adlnet.gov/expapi/activities/course"}},
    })
}

/// The base statement with `value` set at the JSON pointer `at` (None removes it).
fn with(at: &str, value: Option<Value>) -> Value {
    let mut s = base();
    let (parent, key) = at.rsplit_once('/').unwrap_or(("", at));
    let target = if parent.is_empty() {
        Some(&mut s)
    } else {
        s.pointer_mut(parent)
    };
    if let Some(Value::Object(m)) = target {
        match value {
            Some(v) => {
                m.insert(key.to_owned(), v);
            }
            None => {
                m.remove(key);
            }
        }
    }
    s
}

#[test]
fn a_good_statement_passes_with_its_facts() {
    let mut s = base();
    let f = statement(&mut s).unwrap_or_default();
    assert_eq!(f.verb, "http://adlnet.gov/expapi/verbs/completed");
    assert_eq!(f.actor.as_deref(), Some("mbox::mailto:ann@example.com"));
    assert_eq!(
        f.object_activity.as_deref(),
        Some("http://example.com/activities/a")
    );
    assert_eq!(f.definitions.len(), 1);
    assert!(f.id.is_some());
}

#[test]
fn every_kind_of_good_statement_passes() {
    let goods = [
        with(
            "/object",
            Some(json!({"objectType": "Agent", "mbox": "mailto:b@example.com"})),
        ),
        with(
            "/object",
            Some(json!({"objectType": "Group", "member": [{"mbox": "mailto:b@example.com"}]})),
        ),
        with(
            "/object",
            Some(
                json!({"objectType": "StatementRef", "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"}),
            ),
        ),
        with(
            "/object",
            Some(json!({"objectType": "SubStatement",
            "actor": {"mbox": "mailto:b@example.com"}, "verb": {"id": "http://example.com/v"},
            "object": {"id": "http://example.com/x"}, "timestamp": "2026-01-01T00:00:00Z"})),
        ),
        with(
            "/result",
            Some(
                json!({"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10},
            "success": true, "completion": false, "response": "x", "duration": "PT1M",
            "extensions": {"http://example.com/e": null}}),
            ),
        ),
        with(
            "/context",
            Some(
                json!({"registration": "fd41c918-b88b-4b20-a0a5-a4c32391aaa2",
            "instructor": {"mbox": "mailto:t@example.com"},
            "team": {"objectType": "Group", "mbox": "mailto:team@example.com"},
            "contextActivities": {"parent": {"id": "http://example.com/p"}, "grouping": [{"id": "http://example.com/g"}]},
            "revision": "1", "platform": "Amphi", "language": "fr-FR",
            "statement": {"objectType": "StatementRef", "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"},
            "extensions": {"http://example.com/c": [1, 2]}}),
            ),
        ),
        with("/timestamp", Some(json!("2026-12-07T20:00:00.123+01:00"))),
        with("/version", Some(json!("1.0.0"))),
        with("/version", Some(json!("1.0"))),
        with(
            "/attachments",
            Some(
                json!([{"usageType": "http://example.com/u", "display": {"en": "a"},
            "contentType": "text/plain", "length": 3, "sha2": "abc123"}]),
            ),
        ),
        with(
            "/object/definition",
            Some(json!({"interactionType": "choice",
            "correctResponsesPattern": ["a"], "choices": [{"id": "a", "description": {"en": "A"}}, {"id": "b"}]})),
        ),
        with(
            "/object/definition",
            Some(json!({"interactionType": "matching",
            "source": [{"id": "a"}], "target": [{"id": "b"}]})),
        ),
        with(
            "/object/definition",
            Some(json!({"interactionType": "likert", "scale": [{"id": "1"}]})),
        ),
        with(
            "/object/definition",
            Some(json!({"interactionType": "performance", "steps": [{"id": "1"}]})),
        ),
        with(
            "/object/definition",
            Some(json!({"moreInfo": "https://example.com/more",
            "extensions": {"http://example.com/ext": {"a": 1}}})),
        ),
    ];
    for mut g in goods {
        let shown = g.to_string();
        assert!(
            statement(&mut g).is_ok(),
            "{shown}: {:?}",
            statement(&mut g.clone())
        );
    }
}

#[test]
fn context_activities_become_arrays() {
    let mut s = with(
        "/context",
        Some(json!({"contextActivities": {"parent": {"id": "http://example.com/p"}}})),
    );
    let f = statement(&mut s).unwrap_or_default();
    assert!(s["context"]["contextActivities"]["parent"].is_array());
    assert!(f
        .related_activities
        .contains(&"http://example.com/p".to_owned()));
}

#[test]
fn related_agents_and_activities() {
    let mut s = with(
        "/object",
        Some(json!({"objectType": "SubStatement",
        "actor": {"mbox": "mailto:b@example.com"}, "verb": {"id": "http://example.com/v"},
        "object": {"id": "http://example.com/x"},
        "context": {"instructor": {"mbox": "mailto:t@example.com"},
            "contextActivities": {"other": [{"id": "http://example.com/o"}]}}})),
    );
    let f = statement(&mut s).unwrap_or_default();
    assert_eq!(f.actor.as_deref(), Some("mbox::mailto:ann@example.com"));
    for a in [
        "mbox::mailto:ann@example.com",
        "mbox::mailto:b@example.com",
        "mbox::mailto:t@example.com",
    ] {
        assert!(f.related_agents.contains(&a.to_owned()), "{a}");
    }
    for a in ["http://example.com/x", "http://example.com/o"] {
        assert!(f.related_activities.contains(&a.to_owned()), "{a}");
    }
    assert_eq!(f.object_activity, None);
}

#[test]
fn voiding() {
    let mut v = with("/verb", Some(json!({"id": VOIDED})));
    assert!(statement(&mut v).is_err(), "voiding an activity");
    let mut v = with("/verb", Some(json!({"id": VOIDED})));
    v["object"] =
        json!({"objectType": "StatementRef", "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"});
    let f = statement(&mut v).unwrap_or_default();
    assert_eq!(f.voids, f.object_statement);
    assert!(f.voids.is_some());
}

/// Each statement here breaks one rule of the spec and must be refused.
pub(crate) fn bad_statements() -> Vec<(&'static str, Value)> {
    vec![
        ("not an object", json!([1])),
        ("unknown top property", with("/extra", Some(json!(1)))),
        ("id not a UUID", with("/id", Some(json!("not-a-uuid")))),
        ("id a number", with("/id", Some(json!(12)))),
        ("no actor", with("/actor", None)),
        ("no verb", with("/verb", None)),
        ("no object", with("/object", None)),
        (
            "actor without identifier",
            with("/actor", Some(json!({"name": "x"}))),
        ),
        (
            "actor with two identifiers",
            with(
                "/actor",
                Some(json!({"mbox": "mailto:a@example.com", "openid": "http://o.example.com/"})),
            ),
        ),
        (
            "mbox without mailto",
            with("/actor/mbox", Some(json!("ann@example.com"))),
        ),
        (
            "bad mbox_sha1sum",
            with("/actor", Some(json!({"mbox_sha1sum": "nothex"}))),
        ),
        (
            "account without homePage",
            with("/actor", Some(json!({"account": {"name": "a"}}))),
        ),
        (
            "account homePage not IRL",
            with(
                "/actor",
                Some(json!({"account": {"homePage": "nope", "name": "a"}})),
            ),
        ),
        (
            "agent objectType lower case",
            with("/actor/objectType", Some(json!("agent"))),
        ),
        (
            "anonymous group without members",
            with("/actor", Some(json!({"objectType": "Group"}))),
        ),
        (
            "group in group",
            with(
                "/actor",
                Some(
                    json!({"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@example.com"}]}),
                ),
            ),
        ),
        (
            "verb without id",
            with("/verb", Some(json!({"display": {"en": "x"}}))),
        ),
        (
            "verb id not IRI",
            with("/verb/id", Some(json!("completed"))),
        ),
        (
            "verb display bad tag",
            with("/verb/display", Some(json!({"bad tag": "x"}))),
        ),
        (
            "verb display not map",
            with("/verb/display", Some(json!("completed"))),
        ),
        ("verb unknown property", with("/verb/extra", Some(json!(1)))),
        (
            "activity id missing",
            with("/object", Some(json!({"objectType": "Activity"}))),
        ),
        (
            "activity id not IRI",
            with("/object/id", Some(json!("a b"))),
        ),
        (
            "unknown objectType",
            with("/object/objectType", Some(json!("Thing"))),
        ),
        (
            "definition bad name map",
            with("/object/definition/name", Some(json!({"en US": "x"}))),
        ),
        (
            "definition type not IRI",
            with("/object/definition/type", Some(json!("course"))),
        ),
        (
            "definition moreInfo not IRL",
            with("/object/definition/moreInfo", Some(json!("not a url"))),
        ),
        (
            "definition unknown property",
            with("/object/definition/colour", Some(json!("red"))),
        ),
        (
            "bad interactionType",
            with("/object/definition/interactionType", Some(json!("essay"))),
        ),
        (
            "choices without interactionType",
            with("/object/definition/choices", Some(json!([{"id": "a"}]))),
        ),
        (
            "extension key not IRI",
            with("/object/definition/extensions", Some(json!({"key": 1}))),
        ),
        (
            "agent object without objectType",
            with("/object", Some(json!({"mbox": "mailto:b@example.com"}))),
        ),
        (
            "statementref bad id",
            with(
                "/object",
                Some(json!({"objectType": "StatementRef", "id": "x"})),
            ),
        ),
        (
            "substatement with id",
            with(
                "/object",
                Some(
                    json!({"objectType": "SubStatement", "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1",
            "actor": {"mbox": "mailto:b@example.com"}, "verb": {"id": "http://example.com/v"}, "object": {"id": "http://example.com/x"}}),
                ),
            ),
        ),
        (
            "nested substatement",
            with(
                "/object",
                Some(json!({"objectType": "SubStatement",
            "actor": {"mbox": "mailto:b@example.com"}, "verb": {"id": "http://example.com/v"},
            "object": {"objectType": "SubStatement", "actor": {"mbox": "mailto:b@example.com"},
                "verb": {"id": "http://example.com/v"}, "object": {"id": "http://example.com/x"}}})),
            ),
        ),
        (
            "scaled above 1",
            with("/result", Some(json!({"score": {"scaled": 1.5}}))),
        ),
        (
            "raw above max",
            with(
                "/result",
                Some(json!({"score": {"raw": 11, "min": 0, "max": 10}})),
            ),
        ),
        (
            "min above max",
            with("/result", Some(json!({"score": {"min": 5, "max": 1}}))),
        ),
        (
            "success not boolean",
            with("/result", Some(json!({"success": "yes"}))),
        ),
        (
            "bad duration",
            with("/result", Some(json!({"duration": "1 hour"}))),
        ),
        (
            "unknown result property",
            with("/result", Some(json!({"grade": "A"}))),
        ),
        (
            "registration not UUID",
            with("/context", Some(json!({"registration": "r1"}))),
        ),
        (
            "team an agent",
            with(
                "/context",
                Some(json!({"team": {"mbox": "mailto:t@example.com"}})),
            ),
        ),
        ("revision on an agent object", {
            let mut s = with(
                "/object",
                Some(json!({"objectType": "Agent", "mbox": "mailto:b@example.com"})),
            );
            s["context"] = json!({"revision": "1"});
            s
        }),
        ("platform on a statementref", {
            let mut s = with(
                "/object",
                Some(
                    json!({"objectType": "StatementRef", "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"}),
                ),
            );
            s["context"] = json!({"platform": "x"});
            s
        }),
        (
            "bad context language",
            with("/context", Some(json!({"language": "english language"}))),
        ),
        (
            "context activities bad key",
            with(
                "/context",
                Some(json!({"contextActivities": {"sibling": []}})),
            ),
        ),
        (
            "context activity without id",
            with(
                "/context",
                Some(json!({"contextActivities": {"parent": [{}]}})),
            ),
        ),
        (
            "context statement not a ref",
            with(
                "/context",
                Some(json!({"statement": {"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"}})),
            ),
        ),
        (
            "timestamp without zone",
            with("/timestamp", Some(json!("2026-12-07T20:00:00"))),
        ),
        (
            "timestamp -00:00",
            with("/timestamp", Some(json!("2026-12-07T20:00:00-00:00"))),
        ),
        (
            "timestamp not a date",
            with("/timestamp", Some(json!("tomorrow"))),
        ),
        ("version 2.0.0", with("/version", Some(json!("2.0.0")))),
        ("version 0.95", with("/version", Some(json!("0.95")))),
        (
            "attachment without display",
            with(
                "/attachments",
                Some(json!([{"usageType": "http://example.com/u",
            "contentType": "text/plain", "length": 3, "sha2": "abc"}])),
            ),
        ),
        (
            "attachment length a string",
            with(
                "/attachments",
                Some(json!([{"usageType": "http://example.com/u",
            "display": {"en": "a"}, "contentType": "text/plain", "length": "3", "sha2": "abc"}])),
            ),
        ),
        (
            "attachment usageType not IRI",
            with(
                "/attachments",
                Some(json!([{"usageType": "u",
            "display": {"en": "a"}, "contentType": "text/plain", "length": 3, "sha2": "abc"}])),
            ),
        ),
        (
            "voiding an activity",
            with("/verb", Some(json!({"id": VOIDED}))),
        ),
        ("null actor", with("/actor", Some(Value::Null))),
    ]
}

#[test]
fn every_bad_statement_is_refused() {
    for (why, mut s) in bad_statements() {
        assert!(statement(&mut s).is_err(), "{why} was accepted");
    }
}

#[test]
fn versions() {
    assert!(is_version("1.0.3"));
    assert!(is_version("1.0.9"));
    assert!(!is_version("1.1.0"));
    assert!(!is_version("1.0."));
}

#[test]
fn iris() {
    assert!(is_iri("http://example.com/a"));
    assert!(is_iri("urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0"));
    assert!(is_iri("http://example.com/été"));
    assert!(!is_iri("example.com"));
    assert!(!is_iri("http://example.com/a b"));
    assert!(!is_iri(""));
    assert!(!is_iri("1http://x"));
}

#[test]
fn a_substatements_attachments_are_facts_too() {
    let sub_att = json!({"usageType": "http://example.com/u", "display": {"en": "a"},
        "contentType": "text/plain", "length": 3, "sha2": "aa11"});
    let top_att = json!({"usageType": "http://example.com/u", "display": {"en": "b"},
        "contentType": "text/plain", "length": 3, "sha2": "bb22", "fileUrl": "http://example.com/b"});
    let mut s = with(
        "/object",
        Some(json!({"objectType": "SubStatement",
            "actor": {"mbox": "mailto:b@example.com"},
            "verb": {"id": "http://example.com/v"},
            "object": {"id": "http://example.com/activities/b"},
            "attachments": [sub_att]})),
    );
    s["attachments"] = json!([top_att]);
    let f = statement(&mut s).unwrap_or_default();
    assert_eq!(
        f.attachments,
        vec![("aa11".to_owned(), false), ("bb22".to_owned(), true)]
    );
}
