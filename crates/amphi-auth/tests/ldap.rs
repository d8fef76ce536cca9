//! LDAP sign-in against a real OpenLDAP slapd on loopback (amphi-peers), over ldap://, StartTLS
//! and ldaps://, plus the failure modes an administrator must be able to tell apart.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use amphi_auth::ldap::{
    authenticate, check, LdapConfig, LdapError, DN_ATTRIBUTE, GROUPS_ATTRIBUTE,
};
use amphi_peers::slapd::{Slapd, ALICE, BOB, CAROL, ODD, ZOE};
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

fn slapd() -> Slapd {
    Slapd::start().unwrap_or_else(|e| panic!("{e}"))
}

/// People by uid, groups by search, groups by memberOf too.
fn config(s: &Slapd) -> LdapConfig {
    LdapConfig {
        url: s.ldap_url.clone(),
        bind_dn: s.service_dn.clone(),
        bind_password: s.service_password.clone(),
        base_dn: s.people_dn.clone(),
        user_filter: "(&(objectClass=inetOrgPerson)(uid={username}))".to_owned(),
        attributes: vec![
            "mail".to_owned(),
            "cn".to_owned(),
            "displayName".to_owned(),
            "entryUUID".to_owned(),
        ],
        group_base_dn: Some(s.groups_dn.clone()),
        group_filter: Some("(&(objectClass=groupOfNames)(member={dn}))".to_owned()),
        group_name_attribute: "cn".to_owned(),
        member_of_attribute: None,
        timeout: Duration::from_secs(5),
        ..LdapConfig::default()
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn groups(id: &amphi_core::identity::RawIdentity) -> Vec<String> {
    sorted(id.attributes[GROUPS_ATTRIBUTE].clone())
}

fn expected_groups(u: &amphi_peers::slapd::FixtureUser) -> Vec<String> {
    sorted(u.groups.iter().map(|g| (*g).to_owned()).collect())
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test]
async fn signs_in_over_plain_ldap_with_attributes_and_groups() {
    let s = slapd();
    let cfg = config(&s);
    assert_eq!(cfg.validate().map_err(|e| format!("{e:?}")), Ok(()));
    let id = authenticate(&cfg, ALICE.uid, ALICE.password).await.unwrap();
    assert_eq!(
        id.subject,
        s.entry_uuid(&ALICE).unwrap(),
        "subject is entryUUID"
    );
    assert_eq!(id.first("mail"), Some(ALICE.mail));
    assert_eq!(id.first("cn"), Some(ALICE.cn));
    assert_eq!(id.first("displayName"), Some(ALICE.display_name));
    assert_eq!(id.first("entryUUID"), Some(id.subject.as_str()));
    assert_eq!(id.first(DN_ATTRIBUTE), Some(ALICE.dn().as_str()));
    assert_eq!(groups(&id), expected_groups(&ALICE));
    assert!(!id.attributes.contains_key("userPassword"));

    let id = authenticate(&cfg, CAROL.uid, CAROL.password).await.unwrap();
    assert_eq!(groups(&id), vec!["students".to_owned()]);
    // A non-ASCII value comes back intact.
    let id = authenticate(&cfg, ZOE.uid, ZOE.password).await.unwrap();
    assert_eq!(id.first("displayName"), Some("Zoé Durand"));
    // The same person twice: the same subject.
    let again = authenticate(&cfg, ZOE.uid, ZOE.password).await.unwrap();
    assert_eq!(again.subject, id.subject);
}

#[tokio::test]
async fn groups_are_read_from_member_of_too() {
    let s = slapd();
    let cfg = LdapConfig {
        group_base_dn: None,
        group_filter: None,
        member_of_attribute: Some("memberOf".to_owned()),
        ..config(&s)
    };
    assert_eq!(cfg.validate().map_err(|e| format!("{e:?}")), Ok(()));
    let id = authenticate(&cfg, ALICE.uid, ALICE.password).await.unwrap();
    assert_eq!(groups(&id), expected_groups(&ALICE));
    let id = authenticate(&cfg, BOB.uid, BOB.password).await.unwrap();
    assert_eq!(groups(&id), vec!["staff".to_owned()]);
    // Both sources at once give each group once.
    let both = LdapConfig {
        member_of_attribute: Some("memberOf".to_owned()),
        ..config(&s)
    };
    let id = authenticate(&both, ALICE.uid, ALICE.password)
        .await
        .unwrap();
    assert_eq!(groups(&id), expected_groups(&ALICE));
    // No group source: an empty list.
    let none = LdapConfig {
        group_base_dn: None,
        group_filter: None,
        ..config(&s)
    };
    let id = authenticate(&none, ALICE.uid, ALICE.password)
        .await
        .unwrap();
    assert!(groups(&id).is_empty());
}

#[tokio::test]
async fn signs_in_with_starttls_and_the_custom_ca() {
    let s = slapd();
    let cfg = LdapConfig {
        starttls: true,
        ca_pem: Some(s.ca_pem.clone()),
        ..config(&s)
    };
    assert_eq!(cfg.validate().map_err(|e| format!("{e:?}")), Ok(()));
    let id = authenticate(&cfg, BOB.uid, BOB.password).await.unwrap();
    assert_eq!(id.first("mail"), Some(BOB.mail));
    assert_eq!(groups(&id), expected_groups(&BOB));
    check(&cfg).await.unwrap();
}

#[tokio::test]
async fn signs_in_over_ldaps_with_the_custom_ca() {
    let s = slapd();
    for url in [&s.ldaps_url, &s.ldaps_url_localhost] {
        let cfg = LdapConfig {
            url: url.clone(),
            ca_pem: Some(s.ca_pem.clone()),
            ..config(&s)
        };
        let id = authenticate(&cfg, CAROL.uid, CAROL.password)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(id.first("mail"), Some(CAROL.mail));
        assert_eq!(
            authenticate(&cfg, CAROL.uid, "wrong").await,
            Err(LdapError::InvalidCredentials)
        );
    }
}

#[tokio::test]
async fn an_untrusted_or_misnamed_certificate_is_a_tls_error() {
    let s = slapd();
    let cases = [
        (
            "ldaps, unrelated CA",
            s.ldaps_url.clone(),
            false,
            Some(s.other_ca_pem.clone()),
        ),
        ("ldaps, system roots only", s.ldaps_url.clone(), false, None),
        (
            "starttls, unrelated CA",
            s.ldap_url.clone(),
            true,
            Some(s.other_ca_pem.clone()),
        ),
        (
            "ldaps, host not in the certificate",
            s.ldaps_url_wrong_host.clone(),
            false,
            Some(s.ca_pem.clone()),
        ),
    ];
    for (what, url, starttls, ca_pem) in cases {
        let cfg = LdapConfig {
            url,
            starttls,
            ca_pem,
            ..config(&s)
        };
        let err = authenticate(&cfg, ALICE.uid, ALICE.password)
            .await
            .unwrap_err();
        assert!(matches!(err, LdapError::Tls(_)), "{what}: {err:?}");
        assert_eq!(err.code(), "ldap_tls");
        let err = check(&cfg).await.unwrap_err();
        assert!(matches!(err, LdapError::Tls(_)), "{what} (check): {err:?}");
    }
    // TLS spoken to the plain port fails as TLS too.
    let cfg = LdapConfig {
        url: s.ldap_url.replace("ldap://", "ldaps://"),
        ca_pem: Some(s.ca_pem.clone()),
        ..config(&s)
    };
    let err = authenticate(&cfg, ALICE.uid, ALICE.password)
        .await
        .unwrap_err();
    assert!(matches!(err, LdapError::Tls(_)), "{err:?}");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_are_the_same_error() {
    let s = slapd();
    let cfg = config(&s);
    let wrong = authenticate(&cfg, ALICE.uid, "not-her-password").await;
    let unknown = authenticate(&cfg, "nobody", ALICE.password).await;
    let other_users_password = authenticate(&cfg, ALICE.uid, BOB.password).await;
    assert_eq!(wrong, Err(LdapError::InvalidCredentials));
    assert_eq!(unknown, Err(LdapError::InvalidCredentials));
    assert_eq!(other_users_password, Err(LdapError::InvalidCredentials));
    assert_eq!(
        format!("{:?} {}", wrong.clone().unwrap_err(), wrong.unwrap_err()),
        format!(
            "{:?} {}",
            unknown.clone().unwrap_err(),
            unknown.unwrap_err()
        )
    );
}

#[tokio::test]
async fn an_empty_password_is_refused() {
    let s = slapd();
    let cfg = config(&s);
    assert_eq!(
        authenticate(&cfg, ALICE.uid, "").await,
        Err(LdapError::InvalidCredentials)
    );
    // Refused before any network step: with the directory gone, still the same answer.
    let gone = LdapConfig {
        url: format!("ldap://127.0.0.1:{}", closed_port()),
        ..cfg
    };
    assert_eq!(
        authenticate(&gone, ALICE.uid, "").await,
        Err(LdapError::InvalidCredentials)
    );
}

#[tokio::test]
async fn filter_metacharacters_cannot_inject() {
    let s = slapd();
    let cfg = config(&s);
    for name in [
        "*",
        "a*",
        "alice)(|(uid=*",
        "*)(uid=*))(|(uid=*",
        "alice)(objectClass=*",
        "alice\\",
        "alice\0",
        "(uid=alice)",
    ] {
        assert_eq!(
            authenticate(&cfg, name, ALICE.password).await,
            Err(LdapError::InvalidCredentials),
            "{name:?}"
        );
    }
    // The person whose uid really holds `*)(` signs in with exactly that name; their DN (with
    // the same characters) is escaped into the group filter too.
    let id = authenticate(&cfg, ODD.uid, ODD.password).await.unwrap();
    assert_eq!(id.first(DN_ATTRIBUTE), Some(ODD.dn().as_str()));
    assert!(groups(&id).is_empty());
    // A wildcard does not find them either.
    assert_eq!(
        authenticate(&cfg, "odd*", ODD.password).await,
        Err(LdapError::InvalidCredentials)
    );
}

#[tokio::test]
async fn an_ambiguous_filter_signs_nobody_in() {
    let s = slapd();
    // alice and bob share a department: exactly one entry is required.
    let cfg = LdapConfig {
        user_filter: "(&(objectClass=inetOrgPerson)(departmentNumber={username}))".to_owned(),
        ..config(&s)
    };
    assert_eq!(ALICE.department, BOB.department);
    assert_eq!(
        authenticate(&cfg, ALICE.department, ALICE.password).await,
        Err(LdapError::InvalidCredentials)
    );
    // A department with one person works.
    let id = authenticate(&cfg, CAROL.department, CAROL.password)
        .await
        .unwrap();
    assert_eq!(id.first(DN_ATTRIBUTE), Some(CAROL.dn().as_str()));
}

#[tokio::test]
async fn a_closed_port_is_unreachable_quickly() {
    let cfg = LdapConfig {
        url: format!("ldap://127.0.0.1:{}", closed_port()),
        bind_dn: "cn=x,dc=example,dc=test".to_owned(),
        bind_password: "x".to_owned(),
        base_dn: "dc=example,dc=test".to_owned(),
        timeout: Duration::from_secs(5),
        ..LdapConfig::default()
    };
    let t0 = Instant::now();
    let err = authenticate(&cfg, ALICE.uid, ALICE.password)
        .await
        .unwrap_err();
    assert!(matches!(err, LdapError::Unreachable(_)), "{err:?}");
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    let err = check(&cfg).await.unwrap_err();
    assert!(matches!(err, LdapError::Unreachable(_)), "{err:?}");
    // The same through ldaps:// and StartTLS.
    for (url, starttls) in [
        (cfg.url.replace("ldap://", "ldaps://"), false),
        (cfg.url.clone(), true),
    ] {
        let c = LdapConfig {
            url,
            starttls,
            ..cfg.clone()
        };
        let err = check(&c).await.unwrap_err();
        assert!(matches!(err, LdapError::Unreachable(_)), "{err:?}");
    }
}

/// A server that accepts connections and never says a word. Reports, for each connection, when
/// the client closed it.
async fn silent_server() -> (u16, tokio::sync::mpsc::UnboundedReceiver<Instant>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                // Read (and ignore) whatever comes until the client hangs up.
                while let Ok(n) = sock.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
                let _ = tx.send(Instant::now());
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_and_the_connection_is_closed() {
    let (port, mut closed) = silent_server().await;
    let timeout = Duration::from_millis(800);
    for (url, starttls) in [
        (format!("ldap://127.0.0.1:{port}"), false),
        (format!("ldap://127.0.0.1:{port}"), true),
        (format!("ldaps://127.0.0.1:{port}"), false),
    ] {
        let cfg = LdapConfig {
            url: url.clone(),
            starttls,
            bind_dn: "cn=x,dc=example,dc=test".to_owned(),
            bind_password: "x".to_owned(),
            base_dn: "dc=example,dc=test".to_owned(),
            timeout,
            ..LdapConfig::default()
        };
        let t0 = Instant::now();
        let err = authenticate(&cfg, ALICE.uid, ALICE.password)
            .await
            .unwrap_err();
        let took = t0.elapsed();
        assert!(
            matches!(err, LdapError::Timeout(_)),
            "{url} {starttls}: {err:?}"
        );
        assert!(took >= timeout, "{url}: gave up early, {took:?}");
        assert!(
            took < timeout + Duration::from_millis(1500),
            "{url}: took {took:?}"
        );
        // The client hung up: the server sees the end of the stream promptly.
        let at = tokio::time::timeout(Duration::from_secs(3), closed.recv())
            .await
            .unwrap_or_else(|_| panic!("{url}: the connection was left open"))
            .unwrap();
        assert!(at.duration_since(t0) < timeout + Duration::from_secs(2));

        let err = check(&cfg).await.unwrap_err();
        assert!(matches!(err, LdapError::Timeout(_)), "{err:?}");
        tokio::time::timeout(Duration::from_secs(3), closed.recv())
            .await
            .unwrap_or_else(|_| panic!("{url}: check left the connection open"))
            .unwrap();
    }
}

#[tokio::test]
async fn a_bad_service_account_is_an_admin_error() {
    let s = slapd();
    let cfg = LdapConfig {
        bind_password: "not-the-service-password".to_owned(),
        ..config(&s)
    };
    let err = authenticate(&cfg, ALICE.uid, ALICE.password)
        .await
        .unwrap_err();
    assert!(matches!(err, LdapError::ServiceBindFailed(_)), "{err:?}");
    assert!(!err.is_invalid_credentials());
    assert!(!err.to_string().contains("not-the-service-password"));
    assert!(!err.to_string().contains(ALICE.password));
    let err = check(&cfg).await.unwrap_err();
    assert!(matches!(err, LdapError::ServiceBindFailed(_)), "{err:?}");
    // An unknown service DN too.
    let cfg = LdapConfig {
        bind_dn: "cn=nobody,ou=services,dc=example,dc=test".to_owned(),
        ..config(&s)
    };
    let err = check(&cfg).await.unwrap_err();
    assert!(matches!(err, LdapError::ServiceBindFailed(_)), "{err:?}");
    // An empty service password is never sent (it would be an unauthenticated bind).
    let cfg = LdapConfig {
        bind_password: String::new(),
        ..config(&s)
    };
    let err = check(&cfg).await.unwrap_err();
    assert!(matches!(err, LdapError::ServiceBindFailed(_)), "{err:?}");
}

#[tokio::test]
async fn check_passes_and_fails_for_the_admin() {
    let s = slapd();
    check(&config(&s)).await.unwrap();
    let ldaps = LdapConfig {
        url: s.ldaps_url.clone(),
        ca_pem: Some(s.ca_pem.clone()),
        ..config(&s)
    };
    check(&ldaps).await.unwrap();
    // A base DN that does not exist is a configuration error.
    let cfg = LdapConfig {
        base_dn: "ou=nowhere,dc=example,dc=test".to_owned(),
        ..config(&s)
    };
    let err = check(&cfg).await.unwrap_err();
    assert!(matches!(err, LdapError::Config(_)), "{err:?}");
    // …and signing in against it says so (not "invalid credentials").
    let err = authenticate(&cfg, ALICE.uid, ALICE.password)
        .await
        .unwrap_err();
    assert!(matches!(err, LdapError::Config(_)), "{err:?}");
    let cfg = LdapConfig {
        group_base_dn: Some("ou=nogroups,dc=example,dc=test".to_owned()),
        ..config(&s)
    };
    let err = check(&cfg).await.unwrap_err();
    assert!(matches!(err, LdapError::Config(_)), "{err:?}");
    // A malformed URL.
    let cfg = LdapConfig {
        url: "http://127.0.0.1".to_owned(),
        ..config(&s)
    };
    let err = check(&cfg).await.unwrap_err();
    assert!(matches!(err, LdapError::Config(_)), "{err:?}");
    // A broken filter is a configuration error, not a failed sign-in.
    let cfg = LdapConfig {
        user_filter: "(&(uid={username})".to_owned(),
        ..config(&s)
    };
    let err = authenticate(&cfg, ALICE.uid, ALICE.password)
        .await
        .unwrap_err();
    assert!(matches!(err, LdapError::Config(_)), "{err:?}");
}
