//! The directory's text syntax: LDAP URLs, distinguished names (RFC 4514), attribute names, and
//! filter placeholders (RFC 4515 escaping).

use super::error::LdapError;

/// Placeholder in the user filter (and the group filter) of [`LdapConfig`](super::LdapConfig)
/// for the typed name, RFC 4515-escaped.
pub const USERNAME_PLACEHOLDER: &str = "{username}";
/// Placeholder in the group filter of [`LdapConfig`](super::LdapConfig) for the person's DN,
/// RFC 4515-escaped.
pub const DN_PLACEHOLDER: &str = "{dn}";

/// Parses and checks an LDAP URL: `ldap` or `ldaps`, a host, and nothing else but a port.
pub(super) fn parse_url(s: &str) -> Result<url::Url, LdapError> {
    let bad = |why: &str| LdapError::Config(format!("the URL {s:?} is not usable: {why}"));
    let url = url::Url::parse(s.trim()).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "ldap" && url.scheme() != "ldaps" {
        return Err(bad("the scheme must be ldap or ldaps"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("a host is required"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "user info is not allowed; set the service account instead",
        ));
    }
    if !(url.path().is_empty() || url.path() == "/")
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(bad(
            "no path or query is allowed; set the base DN and filter instead",
        ));
    }
    Ok(url)
}

/// Replaces `{username}` and `{dn}` in one pass, both RFC 4515-escaped, so a value that itself
/// contains a placeholder is never expanded again.
pub(super) fn fill(template: &str, username: &str, dn: &str) -> String {
    let mut out = String::with_capacity(template.len() + username.len() + dn.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix(USERNAME_PLACEHOLDER) {
            out.push_str(&ldap3::ldap_escape(username));
            rest = after;
        } else if let Some(after) = tail.strip_prefix(DN_PLACEHOLDER) {
            out.push_str(&ldap3::ldap_escape(dn));
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// An attribute description: a name (`mail`, `displayName`) or OID, with optional `;options`.
pub(super) fn valid_attribute(s: &str) -> bool {
    let mut parts = s.split(';');
    let Some(name) = parts.next() else {
        return false;
    };
    valid_attribute_type(name)
        && parts.all(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn valid_attribute_type(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() => {
            b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        }
        Some(c) if c.is_ascii_digit() => s.split('.').all(|n| {
            !n.is_empty()
                && n.bytes().all(|c| c.is_ascii_digit())
                && (n == "0" || !n.starts_with('0'))
        }),
        _ => false,
    }
}

/// A distinguished name in RFC 4514 string form (spaces around separators tolerated, as most
/// servers do).
pub(super) fn valid_dn(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && split_unescaped(s, b',').iter().all(|rdn| valid_rdn(rdn))
}

fn valid_rdn(rdn: &str) -> bool {
    split_unescaped(rdn, b'+').iter().all(|ava| {
        let Some((t, v)) = ava.split_once('=') else {
            return false;
        };
        valid_attribute_type(t.trim()) && valid_dn_value(v.trim())
    })
}

fn valid_dn_value(v: &str) -> bool {
    if let Some(hex) = v.strip_prefix('#') {
        return !hex.is_empty() && hex.len() % 2 == 0 && hex.bytes().all(|c| c.is_ascii_hexdigit());
    }
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let next = b.get(i + 1).copied();
                match next {
                    Some(c) if c.is_ascii_hexdigit() => {
                        if !b.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
                            return false;
                        }
                        i += 3;
                    }
                    Some(b'"' | b'+' | b',' | b';' | b'<' | b'>' | b'\\' | b' ' | b'#' | b'=') => {
                        i += 2
                    }
                    _ => return false,
                }
            }
            b'"' | b';' | b'<' | b'>' | 0 => return false,
            _ => i += 1,
        }
    }
    true
}

/// Splits at `sep` where it is not escaped by a backslash.
fn split_unescaped(s: &str, sep: u8) -> Vec<&str> {
    let b = s.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == sep {
            parts.push(&s[start..i]);
            start = i + 1;
        }
        i += 1;
    }
    parts.push(&s[start.min(s.len())..]);
    parts
}

/// The (unescaped) value of a DN's first RDN: `cn=staff,ou=groups,…` gives `staff`.
pub(super) fn first_rdn_value(dn: &str) -> Option<String> {
    let rdn = split_unescaped(dn.trim(), b',').into_iter().next()?;
    let ava = split_unescaped(rdn, b'+').into_iter().next()?;
    let (_, value) = ava.split_once('=')?;
    let value = value.trim();
    if value.is_empty() || value.starts_with('#') {
        return None;
    }
    let b = value.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            let hex = b.get(i + 1..i + 3).and_then(|h| {
                std::str::from_utf8(h)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            });
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
            } else {
                out.push(*b.get(i + 1)?);
                i += 2;
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
