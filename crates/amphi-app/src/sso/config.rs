//! Provider configuration per kind: which keys exist, which are secrets (sealed at rest with
//! the platform secret, never shown back), and the checks that give an administrator a clear
//! message per field (`config.issuer`, `config.public_key_pem`, …).

use amphi_auth::totp;
use amphi_core::codes;
use amphi_core::error::Fields;
use amphi_core::identity::ProviderKind;
use amphi_core::{Error, Result};
use amphi_saml::KeyPair;
use serde_json::{Map, Value};

/// What an administrator sees in place of a stored secret.
pub const MASK: &str = "********";

/// Prefix of a sealed value in the stored JSON.
const SEALED: &str = "sealed:";

#[derive(Clone, Copy)]
enum Ty {
    /// An absolute URL with one of these schemes.
    Url(&'static [&'static str]),
    /// Text up to this many characters.
    Text(usize),
    Bool,
    Int(i64, i64),
    Choice(&'static [&'static str]),
    /// A list of words (array, or a string split on spaces and commas).
    Words,
}

struct Key {
    name: &'static str,
    ty: Ty,
    required: bool,
    secret: bool,
}

const fn k(name: &'static str, ty: Ty, required: bool) -> Key {
    Key {
        name,
        ty,
        required,
        secret: false,
    }
}

const fn secret(name: &'static str, ty: Ty, required: bool) -> Key {
    Key {
        name,
        ty,
        required,
        secret: true,
    }
}

const HTTP: &[&str] = &["http", "https"];

const OIDC_KEYS: &[Key] = &[
    k("issuer", Ty::Url(HTTP), true),
    k("client_id", Ty::Text(200), true),
    secret("client_secret", Ty::Text(500), true),
    k("scopes", Ty::Words, false),
    k("userinfo", Ty::Bool, false),
];

const PARTNER_KEYS: &[Key] = &[
    k("issuer", Ty::Text(500), true),
    k("audience", Ty::Text(500), true),
    k("algorithm", Ty::Choice(&["RS256", "ES256"]), true),
    k("public_key_pem", Ty::Text(20_000), false),
    k("jwks_url", Ty::Url(HTTP), false),
    k("max_lifetime_secs", Ty::Int(1, 600), false),
    k("run_claim", Ty::Text(100), false),
];

const LDAP_KEYS: &[Key] = &[
    k("url", Ty::Url(&["ldap", "ldaps"]), true),
    k("starttls", Ty::Bool, false),
    k("ca_pem", Ty::Text(20_000), false),
    k("bind_dn", Ty::Text(500), false),
    secret("bind_password", Ty::Text(500), false),
    k("base_dn", Ty::Text(500), true),
    k("user_filter", Ty::Text(500), true),
    k("attributes", Ty::Words, false),
    k("group_base_dn", Ty::Text(500), false),
    k("group_filter", Ty::Text(500), false),
    k("group_name_attribute", Ty::Text(100), false),
    k("member_of_attribute", Ty::Text(100), false),
    k("timeout_ms", Ty::Int(100, 60_000), false),
    k("trust_email", Ty::Bool, false),
];

const SAML_KEYS: &[Key] = &[
    k("idp_metadata_url", Ty::Url(HTTP), false),
    k("idp_metadata_xml", Ty::Text(500_000), false),
    k("sp_entity_id", Ty::Text(500), false),
    k("sp_certificate_pem", Ty::Text(20_000), false),
    secret("sp_private_key_pem", Ty::Text(20_000), false),
    k("want_assertions_signed", Ty::Bool, false),
    k("want_response_signed", Ty::Bool, false),
    k("allow_idp_initiated", Ty::Bool, false),
    k("clock_skew_secs", Ty::Int(0, 300), false),
    k("trust_email", Ty::Bool, false),
];

fn keys(kind: ProviderKind) -> &'static [Key] {
    match kind {
        ProviderKind::Oidc => OIDC_KEYS,
        ProviderKind::Partner => PARTNER_KEYS,
        ProviderKind::Ldap => LDAP_KEYS,
        ProviderKind::Saml => SAML_KEYS,
    }
}

fn check(key: &Key, v: &Value, f: &mut Fields) -> Option<Value> {
    let field = format!("config.{}", key.name);
    match key.ty {
        Ty::Bool => match v {
            Value::Bool(_) => Some(v.clone()),
            _ => {
                f.push(&field, codes::BOOLEAN_EXPECTED);
                None
            }
        },
        Ty::Int(lo, hi) => match v.as_i64() {
            Some(n) if (lo..=hi).contains(&n) => Some(v.clone()),
            _ => {
                f.push(&field, codes::NUMBER_OUT_OF_RANGE);
                None
            }
        },
        Ty::Words => {
            let words: Vec<String> = match v {
                Value::String(s) => s
                    .split([' ', ','])
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect(),
                Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str())
                    .map(|w| w.trim().to_owned())
                    .filter(|w| !w.is_empty())
                    .collect(),
                _ => {
                    f.push(&field, codes::WORDS_EXPECTED);
                    return None;
                }
            };
            if words
                .iter()
                .any(|w| w.len() > 100 || w.chars().any(char::is_control))
            {
                f.push(&field, codes::WORDS_EXPECTED);
                return None;
            }
            Some(Value::from(words))
        }
        Ty::Text(_) | Ty::Url(_) | Ty::Choice(_) => {
            let Some(s) = v.as_str().map(str::trim) else {
                f.push(&field, codes::TEXT_EXPECTED);
                return None;
            };
            if s.is_empty() {
                return None;
            }
            match key.ty {
                Ty::Text(max) if s.chars().count() > max => {
                    f.push(&field, codes::TOO_LONG);
                    None
                }
                Ty::Url(schemes) => match url::Url::parse(s) {
                    Ok(u) if schemes.contains(&u.scheme()) && u.host_str().is_some() => {
                        Some(Value::from(s))
                    }
                    _ => {
                        f.push(&field, codes::URL_INVALID);
                        None
                    }
                },
                Ty::Choice(list) if !list.contains(&s) => {
                    f.push(&field, codes::CHOICE_INVALID);
                    None
                }
                _ => Some(Value::from(s)),
            }
        }
    }
}

/// Checks a configuration typed by an administrator and returns what to store (secrets
/// sealed). A secret left empty or as the mask keeps the stored one.
pub fn validate(
    platform_secret: &[u8],
    kind: ProviderKind,
    input: &Value,
    stored: Option<&Map<String, Value>>,
) -> Result<Map<String, Value>> {
    let mut f = Fields::new();
    let Some(obj) = input.as_object() else {
        return Err(Error::field("config", codes::JSON_OBJECT_EXPECTED));
    };
    let spec = keys(kind);
    for name in obj.keys() {
        if !spec.iter().any(|k| k.name == name) {
            f.push(&format!("config.{name}"), codes::CONFIG_KEY_UNKNOWN);
        }
    }
    let mut out = Map::new();
    for key in spec {
        let given = obj.get(key.name).filter(|v| !v.is_null());
        let keep_secret = key.secret
            && given.is_none_or(|v| v.as_str().is_some_and(|s| s.is_empty() || s == MASK));
        if keep_secret {
            if let Some(old) = stored.and_then(|s| s.get(key.name)) {
                out.insert(key.name.to_owned(), old.clone());
                continue;
            }
        }
        let value = given.and_then(|v| check(key, v, &mut f));
        match value {
            Some(v) if key.secret => {
                let plain = v.as_str().unwrap_or_default();
                match totp::seal(platform_secret, plain.as_bytes()) {
                    Some(s) => {
                        out.insert(key.name.to_owned(), Value::from(format!("{SEALED}{s}")));
                    }
                    None => return Err(Error::Internal("cannot seal a provider secret".into())),
                }
            }
            Some(v) => {
                out.insert(key.name.to_owned(), v);
            }
            None if key.required && given.is_none_or(|v| v.as_str() == Some("")) => {
                f.push(&format!("config.{}", key.name), codes::REQUIRED);
            }
            None => {}
        }
    }
    cross_checks(kind, &out, &mut f);
    f.finish()?;
    Ok(out)
}

fn cross_checks(kind: ProviderKind, c: &Map<String, Value>, f: &mut Fields) {
    let has = |k: &str| c.get(k).is_some();
    match kind {
        ProviderKind::Partner => {
            if !has("public_key_pem") && !has("jwks_url") {
                f.push("config.public_key_pem", codes::PARTNER_KEY_REQUIRED);
            }
            if let (Some(pem), Some(alg)) = (
                c.get("public_key_pem").and_then(Value::as_str),
                c.get("algorithm")
                    .and_then(Value::as_str)
                    .and_then(amphi_auth::partner::algorithm),
            ) {
                if amphi_auth::partner::key_from_pem(alg, pem).is_err() {
                    f.push("config.public_key_pem", codes::PEM_INVALID);
                }
            }
        }
        ProviderKind::Ldap => {
            if has("bind_dn") != has("bind_password") {
                f.push("config.bind_password", codes::LDAP_BIND_PAIR);
            }
            // The directory client's own checks (URL and TLS, CA, filters, timeout), named as
            // configuration fields.
            if let Ok(cfg) = ldap_config(c) {
                if let Err(amphi_core::Error::Validation(fs)) = cfg.validate() {
                    for e in fs {
                        f.push(&format!("config.{}", e.field), &e.code);
                    }
                }
            }
        }
        ProviderKind::Saml => {
            if !has("idp_metadata_url") && !has("idp_metadata_xml") {
                f.push("config.idp_metadata_url", codes::SAML_METADATA_REQUIRED);
            }
        }
        ProviderKind::Oidc => {}
    }
}

/// Seals a secret for the stored configuration.
pub fn seal(platform_secret: &[u8], plain: &str) -> Result<String> {
    totp::seal(platform_secret, plain.as_bytes())
        .map(|s| format!("{SEALED}{s}"))
        .ok_or_else(|| Error::Internal("cannot seal a provider secret".into()))
}

/// Keys of ours that the protocol configurations do not know.
const OWN_KEYS: &[&str] = &["trust_email"];

/// A directory configuration from a (validated or opened) provider configuration.
pub fn ldap_config(
    c: &Map<String, Value>,
) -> std::result::Result<amphi_auth::ldap::LdapConfig, String> {
    let mut c = c.clone();
    for k in OWN_KEYS {
        c.remove(*k);
    }
    c.entry("bind_dn").or_insert_with(|| Value::from(""));
    serde_json::from_value(Value::Object(c)).map_err(|e| e.to_string())
}

/// The stored configuration with secrets opened, for the protocol code.
pub fn open(platform_secret: &[u8], stored: &Map<String, Value>) -> Result<Map<String, Value>> {
    let mut out = stored.clone();
    for (_, v) in out.iter_mut() {
        if let Some(sealed) = v.as_str().and_then(|s| s.strip_prefix(SEALED)) {
            let plain = totp::open(platform_secret, sealed)
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| Error::Internal("a provider secret cannot be opened".into()))?;
            *v = Value::from(plain);
        }
    }
    Ok(out)
}

/// The stored configuration as an administrator sees it: secrets replaced by the mask.
pub fn masked(stored: &Map<String, Value>) -> Map<String, Value> {
    let mut out = stored.clone();
    for (_, v) in out.iter_mut() {
        if v.as_str().is_some_and(|s| s.starts_with(SEALED)) {
            *v = Value::from(MASK);
        }
    }
    out
}

/// How one configuration key is typed on the administration form (plain fields, no JSON).
#[derive(Debug, Clone, serde::Serialize)]
pub struct FormField {
    /// The configuration key (the form field is `cfg_<name>`).
    pub name: &'static str,
    /// `url`, `text`, `textarea`, `password` (a secret, never shown back), `secret_textarea`,
    /// `checkbox`, `number`, `select`, `words` (a list typed with spaces or commas).
    pub input: &'static str,
    /// The configuration needs it.
    pub required: bool,
    /// The choices of a `select`.
    pub options: &'static [&'static str],
    /// Characters at most, for text.
    pub maxlength: Option<usize>,
    /// An example value, shown as the field's placeholder.
    pub example: String,
}

/// Keys the form does not show: the SP key pair is made and kept by Amphi.
const GENERATED: &[&str] = &["sp_certificate_pem", "sp_private_key_pem"];

/// The fields of a kind's configuration form, in the order of the configuration.
pub fn form_fields(kind: ProviderKind) -> Vec<FormField> {
    let ex = example(kind);
    keys(kind)
        .iter()
        .filter(|k| !GENERATED.contains(&k.name))
        .map(|k| {
            let (input, options, maxlength) = match k.ty {
                Ty::Url(_) => ("url", &[][..], Some(2000)),
                Ty::Text(max) if k.secret && max >= 2000 => ("secret_textarea", &[][..], None),
                Ty::Text(_) if k.secret => ("password", &[][..], None),
                Ty::Text(max) if max >= 2000 => ("textarea", &[][..], Some(max)),
                Ty::Text(max) => ("text", &[][..], Some(max)),
                Ty::Bool => ("checkbox", &[][..], None),
                Ty::Int(_, _) => ("number", &[][..], None),
                Ty::Choice(list) => ("select", list, None),
                Ty::Words => ("words", &[][..], None),
            };
            let example = match ex.get(k.name) {
                Some(Value::String(s)) if !k.secret => s.clone(),
                Some(Value::Array(a)) => words_text(a),
                _ => String::new(),
            };
            FormField {
                name: k.name,
                input,
                required: k.required,
                options,
                maxlength,
                example,
            }
        })
        .collect()
}

fn words_text(a: &[Value]) -> String {
    a.iter()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The configuration the form's plain fields describe, for [`validate`]: `field(name)` gives
/// what was typed in `cfg_<name>` (a ticked checkbox sends `true`). Empty text is left out, so
/// an empty secret keeps the stored one; a number that does not read is passed on as text, so
/// that `validate` names it.
pub fn from_form(kind: ProviderKind, field: impl Fn(&str) -> Option<String>) -> Value {
    let mut out = Map::new();
    for k in keys(kind).iter().filter(|k| !GENERATED.contains(&k.name)) {
        let raw = field(k.name).unwrap_or_default();
        let raw = raw.trim();
        let v = match k.ty {
            Ty::Bool => Value::Bool(raw == "true"),
            _ if raw.is_empty() => continue,
            Ty::Int(_, _) => raw
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(raw)),
            _ => Value::from(raw),
        };
        out.insert(k.name.to_owned(), v);
    }
    Value::Object(out)
}

/// A stored (masked) configuration, or the example of a new one, as the form's values: text
/// as typed, lists joined with spaces, checkboxes as booleans; secrets are never sent back.
pub fn form_values(kind: ProviderKind, cfg: Option<&Map<String, Value>>) -> Map<String, Value> {
    let ex = example(kind);
    let mut out = Map::new();
    for k in keys(kind).iter().filter(|k| !GENERATED.contains(&k.name)) {
        let v = match cfg {
            Some(c) => c.get(k.name).cloned(),
            // A new form starts with the example's switches and numbers; text stays empty
            // (the example is only a placeholder).
            None => ex
                .get(k.name)
                .filter(|v| v.is_boolean() || v.is_number() || v.is_array())
                .cloned(),
        };
        let v = match (k.secret, v) {
            (true, _) | (_, None) => continue,
            (_, Some(Value::Array(a))) => Value::from(words_text(&a)),
            (_, Some(Value::Number(n))) => Value::from(n.to_string()),
            (_, Some(v)) => v,
        };
        out.insert(k.name.to_owned(), v);
    }
    out
}

/// An example configuration per kind, shown in the empty form.
pub fn example(kind: ProviderKind) -> Value {
    match kind {
        ProviderKind::Oidc => serde_json::json!({
            "issuer": "https://id.example.com",
            "client_id": "amphi",
            "client_secret": "",
            "scopes": ["email", "profile"],
            "userinfo": true
        }),
        ProviderKind::Partner => serde_json::json!({
            "issuer": "https://partner.example.com",
            "audience": "https://learn.example.org",
            "algorithm": "RS256",
            "public_key_pem": "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----",
            "max_lifetime_secs": 300,
            "run_claim": "run"
        }),
        ProviderKind::Ldap => serde_json::json!({
            "url": "ldaps://ldap.example.com",
            "bind_dn": "cn=amphi,ou=services,dc=example,dc=com",
            "bind_password": "",
            "base_dn": "ou=people,dc=example,dc=com",
            "user_filter": "(&(objectClass=inetOrgPerson)(uid={username}))",
            "attributes": ["mail", "cn", "displayName", "entryUUID"],
            "group_base_dn": "ou=groups,dc=example,dc=com",
            "group_filter": "(&(objectClass=groupOfNames)(member={dn}))",
            "timeout_ms": 5000
        }),
        ProviderKind::Saml => serde_json::json!({
            "idp_metadata_url": "https://idp.example.com/metadata",
            "want_assertions_signed": true,
            "allow_idp_initiated": false,
            "clock_skew_secs": 60
        }),
    }
}

/// Gives a SAML provider configuration its own SP key pair when it has none (private key
/// sealed like every secret), keeping the stored one across edits.
pub fn ensure_sp_keys(
    platform_secret: &[u8],
    cfg: &mut Map<String, Value>,
    stored: Option<&Map<String, Value>>,
) -> Result<()> {
    if cfg.contains_key("sp_private_key_pem") && cfg.contains_key("sp_certificate_pem") {
        return Ok(());
    }
    if let Some(old) = stored {
        if let (Some(k), Some(c)) = (old.get("sp_private_key_pem"), old.get("sp_certificate_pem")) {
            if !cfg.contains_key("sp_private_key_pem") {
                cfg.insert("sp_private_key_pem".into(), k.clone());
            }
            cfg.entry("sp_certificate_pem").or_insert_with(|| c.clone());
            return Ok(());
        }
    }
    let pair = KeyPair::generate_self_signed("Amphi SAML service provider", 3650)
        .map_err(|e| Error::Internal(format!("cannot make the SP key pair: {e}")))?;
    let key = pair
        .key_pem()
        .map_err(|e| Error::Internal(format!("cannot write the SP key: {e}")))?;
    let sealed = seal(platform_secret, &key)?;
    cfg.insert("sp_private_key_pem".into(), Value::from(sealed));
    cfg.insert(
        "sp_certificate_pem".into(),
        Value::from(pair.certificate().to_pem()),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_plain_form_reads_back_into_a_configuration() {
        let fields = form_fields(ProviderKind::Oidc);
        let names: Vec<_> = fields.iter().map(|f| (f.name, f.input)).collect();
        assert_eq!(
            names,
            [
                ("issuer", "url"),
                ("client_id", "text"),
                ("client_secret", "password"),
                ("scopes", "words"),
                ("userinfo", "checkbox")
            ]
        );
        let typed = |k: &str| match k {
            "issuer" => Some("https://id.example.com ".to_owned()),
            "client_id" => Some("amphi".to_owned()),
            "client_secret" => Some(String::new()),
            "scopes" => Some("email, profile".to_owned()),
            _ => None,
        };
        let v = from_form(ProviderKind::Oidc, typed);
        assert_eq!(
            v,
            json!({"issuer": "https://id.example.com", "client_id": "amphi", "scopes": "email, profile", "userinfo": false})
        );
        // A new form: switches and numbers of the example, no text.
        let ldap = form_values(ProviderKind::Ldap, None);
        assert_eq!(ldap.get("timeout_ms"), Some(&json!("5000")));
        assert_eq!(ldap.get("url"), None);
        // SAML keys are Amphi's own: not on the form.
        assert!(form_fields(ProviderKind::Saml)
            .iter()
            .all(|f| !f.name.starts_with("sp_") || f.name == "sp_entity_id"));
        // A number that does not read is passed on for validate to name.
        let bad = from_form(ProviderKind::Ldap, |k| {
            (k == "timeout_ms").then(|| "soon".to_owned())
        });
        assert_eq!(bad.get("timeout_ms"), Some(&json!("soon")));
    }

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn secrets_are_sealed_masked_kept_and_opened() {
        let stored = validate(
            KEY,
            ProviderKind::Oidc,
            &json!({"issuer": "https://id.example.com", "client_id": "a", "client_secret": "s3cret", "scopes": "email profile"}),
            None,
        )
        .unwrap();
        let raw = serde_json::to_string(&stored).unwrap();
        assert!(!raw.contains("s3cret"), "{raw}");
        assert_eq!(masked(&stored)["client_secret"], MASK);
        assert_eq!(open(KEY, &stored).unwrap()["client_secret"], "s3cret");
        assert_eq!(stored["scopes"], json!(["email", "profile"]));
        // Editing without retyping the secret keeps it.
        let again = validate(
            KEY,
            ProviderKind::Oidc,
            &json!({"issuer": "https://id2.example.com", "client_id": "a", "client_secret": MASK}),
            Some(&stored),
        )
        .unwrap();
        assert_eq!(open(KEY, &again).unwrap()["client_secret"], "s3cret");
    }

    /// Whether a configuration of `kind` (which must be refused) is refused on `field` for
    /// `code`.
    fn refusals(kind: ProviderKind, cfg: &serde_json::Value) -> impl Fn(&str, &str) -> bool {
        let Err(Error::Validation(fs)) = validate(KEY, kind, cfg, None) else {
            panic!("expected validation errors");
        };
        move |field, code| fs.iter().any(|f| f.field == field && f.code == code)
    }

    #[test]
    fn every_bad_field_is_named() {
        let refused = refusals(
            ProviderKind::Oidc,
            &json!({"issuer": "not a url", "client_secret": "", "colour": 1, "userinfo": "yes"}),
        );
        assert!(refused("config.colour", "config_key_unknown"));
        assert!(refused("config.issuer", "url_invalid"));
        assert!(refused("config.client_id", "required"));
        assert!(refused("config.client_secret", "required"));
        assert!(refused("config.userinfo", "boolean_expected"));
    }

    #[test]
    fn partner_needs_a_usable_key() {
        let refused = refusals(
            ProviderKind::Partner,
            &json!({"issuer": "p", "audience": "a", "algorithm": "RS256", "public_key_pem": "nope", "max_lifetime_secs": 3600}),
        );
        assert!(refused("config.public_key_pem", "pem_invalid"));
        assert!(refused("config.max_lifetime_secs", "number_out_of_range"));
        assert!(validate(
            KEY,
            ProviderKind::Partner,
            &json!({"issuer": "p", "audience": "a", "algorithm": "HS256", "jwks_url": "https://p.example/jwks"}),
            None,
        )
        .is_err());
    }
}
