//! Parse, don't validate: values that reach a use case are already valid.

use crate::codes;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A normalised (trimmed, lower-cased) email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Longest address we accept (RFC 5321 path limit).
    pub const MAX_LEN: usize = 254;

    /// Parses an address typed by a person.
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(Error::field(field, codes::REQUIRED));
        }
        if s.len() > Self::MAX_LEN {
            return Err(Error::too_long(field, Self::MAX_LEN, s.chars().count()));
        }
        // email_address accepts forms (quoted locals, IP literals) no mail relay takes; we also
        // insist on a dotted domain.
        let ok = email_address::EmailAddress::from_str(&s).is_ok()
            && !s.contains(['"', '[', ' ', '<', '>'])
            && s.rsplit_once('@')
                .is_some_and(|(_, d)| d.contains('.') && !d.starts_with('.') && !d.ends_with('.'));
        if !ok {
            return Err(Error::field(field, codes::EMAIL_INVALID));
        }
        Ok(Self(s))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain part, after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

/// A person's display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    /// Longest name we accept, in characters.
    pub const MAX_CHARS: usize = 120;

    /// Parses a name: trimmed, not empty, no control characters.
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Error::field(field, codes::REQUIRED));
        }
        let n = s.chars().count();
        if n > Self::MAX_CHARS {
            return Err(Error::too_long(field, Self::MAX_CHARS, n));
        }
        if s.chars().any(char::is_control) {
            return Err(Error::field(field, codes::INVALID_CHARACTERS));
        }
        Ok(Self(s.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password chosen by a person (never stored; only its hash is).
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Shortest password we accept, in characters.
    pub const MIN_CHARS: usize = 10;
    /// Longest password we accept, in characters (hashing cost stays bounded).
    pub const MAX_CHARS: usize = 128;

    /// Parses a password: length limits only, per NIST 800-63B.
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let n = raw.chars().count();
        if n == 0 {
            return Err(Error::field(field, codes::REQUIRED));
        }
        if n < Self::MIN_CHARS {
            return Err(Error::field(field, codes::PASSWORD_TOO_SHORT));
        }
        if n > Self::MAX_CHARS {
            return Err(Error::too_long(field, Self::MAX_CHARS, n));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A tenant slug: lower-case letters, digits and dashes, used in subdomains and paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Parses a slug.
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(Error::field(field, codes::REQUIRED));
        }
        if s.len() > 63 {
            return Err(Error::too_long(field, 63, s.chars().count()));
        }
        let ok = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if !ok {
            return Err(Error::field(field, codes::SLUG_INVALID));
        }
        Ok(Self(s))
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A host name a tenant answers on (no scheme, no path; a port is allowed).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HostName(String);

impl HostName {
    /// Parses a host, lower-cased, as it appears in a Host header.
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let s = raw.trim().trim_end_matches('.').to_lowercase();
        if s.is_empty() {
            return Err(Error::field(field, codes::REQUIRED));
        }
        if s.len() > 253 {
            return Err(Error::too_long(field, 253, s.chars().count()));
        }
        let (name, port) = match s.rsplit_once(':') {
            Some((n, p)) if !n.contains(':') => (n, Some(p)),
            _ => (s.as_str(), None),
        };
        let name_ok = !name.is_empty()
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
        if !name_ok || !port_ok {
            return Err(Error::field(field, codes::HOST_INVALID));
        }
        Ok(Self(s))
    }

    /// The host.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host without any port.
    pub fn without_port(&self) -> &str {
        match self.0.rsplit_once(':') {
            Some((n, p)) if p.chars().all(|c| c.is_ascii_digit()) => n,
            _ => &self.0,
        }
    }
}

/// The languages the interface is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Locale {
    /// All supported locales, in the order the switcher shows them.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    /// BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// Parses a tag such as `fr`, `fr-CA` or `EN`; None if not supported.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "fr" => Some(Locale::Fr),
            _ => None,
        }
    }

    /// Parses a form field.
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        Self::from_tag(raw).ok_or_else(|| Error::field(field, codes::LOCALE_INVALID))
    }

    /// Picks the best supported locale from an Accept-Language header, honouring q-values.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut best: Option<(f32, Locale)> = None;
        for part in accept_language.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Self::from_tag(tag) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l)
    }
}

/// An IANA time zone name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TimeZone(String);

impl TimeZone {
    /// Parses a zone such as `Europe/Paris`.
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let s = raw.trim();
        s.parse::<chrono_tz::Tz>()
            .map(|tz| Self(tz.name().to_owned()))
            .map_err(|_| Error::field(field, codes::TIME_ZONE_INVALID))
    }

    /// The zone name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Every zone name, for pickers.
    pub fn all_names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }
}

/// A CSS colour in `#rrggbb` form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Colour(String);

impl Colour {
    /// Parses `#rrggbb` (case-insensitive).
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let s = raw.trim().to_lowercase();
        let ok =
            s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !ok {
            return Err(Error::field(field, codes::COLOUR_INVALID));
        }
        Ok(Self(s))
    }

    /// The colour.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text with a length cap (titles, tenant names, token names).
pub fn short_text(field: &str, raw: &str, max_chars: usize) -> Result<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Error::field(field, codes::REQUIRED));
    }
    let n = s.chars().count();
    if n > max_chars {
        return Err(Error::too_long(field, max_chars, n));
    }
    if s.chars().any(char::is_control) {
        return Err(Error::field(field, codes::INVALID_CHARACTERS));
    }
    Ok(s.to_owned())
}

/// An absolute http(s) URL, such as a logo address.
pub fn http_url(field: &str, raw: &str) -> Result<String> {
    let s = raw.trim();
    let ok = (s.starts_with("https://") || s.starts_with("http://") || s.starts_with('/'))
        && s.len() <= 2000
        && !s
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '"' || c == '\'');
    if !ok {
        return Err(Error::field(field, codes::URL_INVALID));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("e", " Alice@Example.TEST ").map(|e| e.0).ok(),
            Some("alice@example.test".into())
        );
        for bad in [
            "",
            "alice",
            "alice@",
            "@x.test",
            "a b@x.test",
            "a@localhost",
            "\"a\"@x.test",
            "a@[127.0.0.1]",
        ] {
            assert!(Email::parse("e", bad).is_err(), "{bad}");
        }
        assert!(Email::parse("e", &format!("{}@x.test", "a".repeat(260))).is_err());
    }

    #[test]
    fn passwords() {
        assert!(NewPassword::parse("p", "short").is_err());
        assert!(NewPassword::parse("p", "long enough pw").is_ok());
        assert!(NewPassword::parse("p", &"x".repeat(129)).is_err());
        assert_eq!(
            format!("{:?}", NewPassword::parse("p", "secret secret").ok()),
            "Some(NewPassword(***))"
        );
    }

    #[test]
    fn accept_language() {
        assert_eq!(
            Locale::negotiate("fr-FR,fr;q=0.9,en;q=0.8"),
            Some(Locale::Fr)
        );
        assert_eq!(
            Locale::negotiate("de, en;q=0.5, fr;q=0.7"),
            Some(Locale::Fr)
        );
        assert_eq!(Locale::negotiate("de"), None);
        assert_eq!(Locale::negotiate("fr;q=0, en;q=0.1"), Some(Locale::En));
    }

    #[test]
    fn hosts_slugs_colours() {
        assert!(HostName::parse("h", "Learn.Example.test:8080").is_ok());
        assert_eq!(
            HostName::parse("h", "a.test:8080")
                .map(|h| h.without_port().to_owned())
                .ok(),
            Some("a.test".into())
        );
        for bad in [
            "",
            "exa mple.test",
            "-a.test",
            "a..test",
            "a.test:0",
            "a.test:99999",
            "a/b",
        ] {
            assert!(HostName::parse("h", bad).is_err(), "{bad}");
        }
        assert!(Slug::parse("s", "acme-corp").is_ok());
        assert!(Slug::parse("s", "Acme Corp").is_err());
        assert!(Colour::parse("c", "#1A2b3C").is_ok());
        assert!(Colour::parse("c", "red").is_err());
        assert!(TimeZone::parse("tz", "Europe/Paris").is_ok());
        assert!(TimeZone::parse("tz", "Mars/Olympus").is_err());
    }
}
