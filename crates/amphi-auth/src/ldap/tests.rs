//! Configuration checks, the directory syntax and identity building, without a directory (the
//! sign-ins against a real slapd are in `tests/ldap.rs`).

use super::syntax::{fill, valid_dn};
use super::*;
use amphi_core::error::Error;
use std::collections::HashMap;
use std::time::Duration;

fn valid_config() -> LdapConfig {
    LdapConfig {
        url: "ldaps://ldap.example.test:636".to_owned(),
        bind_dn: "cn=amphi,ou=services,dc=example,dc=test".to_owned(),
        bind_password: "secret".to_owned(),
        base_dn: "ou=people,dc=example,dc=test".to_owned(),
        group_base_dn: Some("ou=groups,dc=example,dc=test".to_owned()),
        group_filter: Some("(&(objectClass=groupOfNames)(member={dn}))".to_owned()),
        member_of_attribute: Some("memberOf".to_owned()),
        ..LdapConfig::default()
    }
}

fn codes(cfg: &LdapConfig) -> Vec<(String, String)> {
    match cfg.validate() {
        Ok(()) => vec![],
        Err(Error::Validation(v)) => v.into_iter().map(|f| (f.field, f.code)).collect(),
        Err(other) => panic!("unexpected {other:?}"),
    }
}

fn has(cfg: &LdapConfig, field: &str, code: &str) -> bool {
    codes(cfg).contains(&(field.to_owned(), code.to_owned()))
}

#[test]
fn a_good_configuration_validates() {
    assert_eq!(codes(&valid_config()), vec![]);
    let plain = LdapConfig {
        url: "ldap://127.0.0.1:1389".to_owned(),
        starttls: true,
        ..valid_config()
    };
    assert_eq!(codes(&plain), vec![]);
}

#[test]
fn bad_urls_are_refused() {
    for url in [
        "",
        "http://ldap.example.test",
        "ldap://",
        "ldap://u:p@host",
        "ldap://host/dc=example",
        "ldap://host?x",
        "not a url",
    ] {
        let cfg = LdapConfig {
            url: url.to_owned(),
            ..valid_config()
        };
        let c = codes(&cfg);
        assert!(
            c.iter().any(|(f, _)| f == "url"),
            "{url:?} should be refused: {c:?}"
        );
    }
    let cfg = LdapConfig {
        starttls: true,
        ..valid_config()
    };
    assert!(has(&cfg, "starttls", "starttls_needs_ldap_url"));
}

#[test]
fn bad_dns_filters_and_attributes_are_refused() {
    let cfg = LdapConfig {
        bind_dn: "not a dn".to_owned(),
        base_dn: "ou=people,,dc=x".to_owned(),
        bind_password: String::new(),
        user_filter: "(uid=alice)".to_owned(),
        attributes: vec!["mail".to_owned(), "bad attr".to_owned()],
        group_name_attribute: "".to_owned(),
        member_of_attribute: Some("member of".to_owned()),
        timeout: Duration::ZERO,
        ..valid_config()
    };
    let c = codes(&cfg);
    for (field, code) in [
        ("bind_dn", "dn_invalid"),
        ("base_dn", "dn_invalid"),
        ("bind_password", "required"),
        ("user_filter", "filter_needs_username"),
        ("attributes", "attribute_invalid"),
        ("group_name_attribute", "attribute_invalid"),
        ("member_of_attribute", "attribute_invalid"),
        ("timeout", "out_of_range"),
    ] {
        assert!(
            c.contains(&(field.to_owned(), code.to_owned())),
            "{field} {code} missing from {c:?}"
        );
    }
    let cfg = LdapConfig {
        user_filter: "(&(uid={username})".to_owned(),
        group_filter: Some("member={dn})".to_owned()),
        ..valid_config()
    };
    assert!(has(&cfg, "user_filter", "filter_invalid"));
    assert!(has(&cfg, "group_filter", "filter_invalid"));
    let cfg = LdapConfig {
        group_filter: Some("(objectClass=groupOfNames)".to_owned()),
        ..valid_config()
    };
    assert!(has(&cfg, "group_filter", "filter_needs_placeholder"));
    let cfg = LdapConfig {
        group_filter: None,
        ..valid_config()
    };
    assert!(has(&cfg, "group_filter", "required"));
    let cfg = LdapConfig {
        ca_pem: Some("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n".to_owned()),
        ..valid_config()
    };
    assert!(has(&cfg, "ca_pem", "pem_invalid"));
    let cfg = LdapConfig {
        ca_pem: Some("just text".to_owned()),
        ..valid_config()
    };
    assert!(has(&cfg, "ca_pem", "pem_invalid"));
}

#[test]
fn dns_are_checked_per_rfc_4514() {
    for ok in [
        "dc=example,dc=test",
        "cn=Doe\\, John,ou=people,dc=example",
        "uid=odd*)(name,ou=people,dc=example,dc=test",
        "cn=a+sn=b,dc=x",
        "ou=people, dc=example, dc=com",
        "1.3.6.1.4.1.1466.0=#04024869,dc=x",
        "cn=caf\\C3\\A9,dc=x",
    ] {
        assert!(valid_dn(ok), "{ok}");
    }
    for bad in [
        "",
        "example",
        "dc=example,",
        "=x",
        "cn=a;b",
        "cn=a\\",
        "cn=a\\zz",
        "9a=x",
        "cn=<x>",
    ] {
        assert!(!valid_dn(bad), "{bad}");
    }
}

#[test]
fn placeholders_are_escaped_in_one_pass() {
    assert_eq!(
        fill("(&(uid={username})(x=1))", "a*)(uid=*", ""),
        "(&(uid=a\\2a\\29\\28uid=\\2a)(x=1))"
    );
    assert_eq!(
        fill(
            "(|(member={dn})(memberUid={username}))",
            "{dn}",
            "uid=x\\,y"
        ),
        "(|(member=uid=x\\5c,y)(memberUid={dn}))"
    );
    assert_eq!(fill("(a={b})", "u", "d"), "(a={b})");
    // NUL cannot sneak in either.
    assert_eq!(fill("(uid={username})", "a\0", ""), "(uid=a\\00)");
}

#[test]
fn group_names_come_from_the_first_rdn() {
    assert_eq!(
        first_rdn_value("cn=staff,ou=groups,dc=example,dc=test").as_deref(),
        Some("staff")
    );
    assert_eq!(
        first_rdn_value("CN=Doe\\, Staff,OU=Groups,DC=corp").as_deref(),
        Some("Doe, Staff")
    );
    assert_eq!(
        first_rdn_value("cn=caf\\C3\\A9,dc=x").as_deref(),
        Some("café")
    );
    assert_eq!(first_rdn_value("garbage"), None);
}

fn entry(dn: &str, attrs: &[(&str, &[&str])]) -> SearchEntry {
    SearchEntry {
        dn: dn.to_owned(),
        attrs: attrs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
            .collect::<HashMap<_, _>>(),
        bin_attrs: HashMap::new(),
    }
}

#[test]
fn the_subject_is_the_entry_uuid_else_the_dn() {
    let cfg = LdapConfig {
        attributes: vec!["mail".to_owned(), "displayname".to_owned()],
        ..valid_config()
    };
    let with = entry(
        "uid=a,dc=x",
        &[
            ("entryUUID", &["5494585c-7fb5-1041-81f9-ff08872ef579"]),
            ("mail", &["a@x"]),
            ("displayName", &["A"]),
        ],
    );
    let id = identity_from(&cfg, &with, vec!["g".to_owned(), "g".to_owned()]);
    assert_eq!(id.subject, "5494585c-7fb5-1041-81f9-ff08872ef579");
    assert_eq!(id.first("mail"), Some("a@x"));
    assert_eq!(id.first("displayname"), Some("A"), "keyed as configured");
    assert_eq!(id.first(DN_ATTRIBUTE), Some("uid=a,dc=x"));
    assert_eq!(id.attributes[GROUPS_ATTRIBUTE], vec!["g".to_owned()]);
    assert!(!id.attributes.contains_key("entryUUID"), "not configured");

    let without = entry("uid=b,dc=x", &[("mail", &["b@x"])]);
    let id = identity_from(&cfg, &without, vec![]);
    assert_eq!(id.subject, "uid=b,dc=x");
    assert_eq!(id.attributes[GROUPS_ATTRIBUTE], Vec::<String>::new());
}

#[test]
fn the_configuration_round_trips_as_json_and_hides_the_password_in_debug() {
    let cfg = LdapConfig {
        bind_password: "hunter2".to_owned(),
        timeout: Duration::from_millis(2500),
        ..valid_config()
    };
    let json = serde_json::to_value(&cfg).unwrap();
    assert_eq!(json["timeout_ms"], 2500);
    let back: LdapConfig = serde_json::from_value(json).unwrap();
    assert_eq!(back, cfg);
    assert!(!format!("{cfg:?}").contains("hunter2"));
    // Optional fields may be left out; unknown ones are refused.
    let minimal: LdapConfig = serde_json::from_str(
        r#"{"url":"ldap://h","bind_dn":"cn=a","base_dn":"dc=x","user_filter":"(uid={username})"}"#,
    )
    .unwrap();
    assert_eq!(minimal.timeout, Duration::from_secs(10));
    assert_eq!(minimal.group_name_attribute, "cn");
    assert!(serde_json::from_str::<LdapConfig>(
        r#"{"url":"ldap://h","bind_dn":"cn=a","base_dn":"dc=x","user_filter":"(uid={username})","oops":1}"#
    )
    .is_err());
}

#[test]
fn the_futures_can_run_on_any_worker_thread() {
    // Web handlers need Send futures.
    fn send<T: Send>(_: &T) {}
    let cfg = valid_config();
    send(&authenticate(&cfg, "a", "b"));
    send(&check(&cfg));
}

#[tokio::test]
async fn empty_passwords_and_names_are_refused_without_the_network() {
    // Nothing listens on port 9 of a TEST-NET address: reaching the network would fail
    // differently (and slowly).
    let cfg = LdapConfig {
        url: "ldap://192.0.2.1:9".to_owned(),
        ..valid_config()
    };
    assert_eq!(
        authenticate(&cfg, "alice", "").await,
        Err(LdapError::InvalidCredentials)
    );
    assert_eq!(
        authenticate(&cfg, "", "pw").await,
        Err(LdapError::InvalidCredentials)
    );
    assert_eq!(
        authenticate(&cfg, &"a".repeat(300), "pw").await,
        Err(LdapError::InvalidCredentials)
    );
    let fixed = LdapConfig {
        user_filter: "(uid=alice)".to_owned(),
        ..cfg
    };
    assert!(matches!(
        authenticate(&fixed, "bob", "pw").await,
        Err(LdapError::Config(_))
    ));
}
