//! RFC 5646 language tags and xAPI language maps (tag -> text), and the one language the
//! `canonical` format keeps of a map, from the client's Accept-Language.

use crate::{Result, XapiError};
use serde_json::Value;

/// Whether `tag` is a well-formed RFC 5646 language tag (the ABNF of section 2.1, without the
/// registry: a subtag's form is checked, not whether it is registered).
pub fn is_tag(tag: &str) -> bool {
    const GRANDFATHERED: &[&str] = &[
        "en-gb-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-be-fr",
        "sgn-be-nl",
        "sgn-ch-de",
        "art-lojban",
        "cel-gaulish",
        "no-bok",
        "no-nyn",
        "zh-guoyu",
        "zh-hakka",
        "zh-min",
        "zh-min-nan",
        "zh-xiang",
    ];
    let lower = tag.to_ascii_lowercase();
    if GRANDFATHERED.contains(&lower.as_str()) {
        return true;
    }
    let parts: Vec<&str> = tag.split('-').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || p.len() > 8 || !p.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return false;
    }
    let alpha = |s: &str| s.chars().all(|c| c.is_ascii_alphabetic());
    let digit = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mut i = 0;
    // privateuse alone: x-...
    if parts[0].eq_ignore_ascii_case("x") {
        return parts.len() > 1;
    }
    // language: 2-3 ALPHA [extlang] / 4 ALPHA / 5-8 ALPHA
    let first = parts[0];
    if !alpha(first) || first.len() < 2 {
        return false;
    }
    i += 1;
    if first.len() <= 3 {
        // up to three extlangs of 3 ALPHA
        let mut ext = 0;
        while i < parts.len() && ext < 3 && parts[i].len() == 3 && alpha(parts[i]) {
            i += 1;
            ext += 1;
        }
    }
    // script: 4 ALPHA
    if i < parts.len() && parts[i].len() == 4 && alpha(parts[i]) {
        i += 1;
    }
    // region: 2 ALPHA / 3 DIGIT
    if i < parts.len()
        && ((parts[i].len() == 2 && alpha(parts[i])) || (parts[i].len() == 3 && digit(parts[i])))
    {
        i += 1;
    }
    // variants: 5-8 alphanum / DIGIT 3 alphanum, no repeats
    let mut variants: Vec<String> = Vec::new();
    while i < parts.len() {
        let p = parts[i];
        let is_variant = (5..=8).contains(&p.len())
            || (p.len() == 4 && p.chars().next().is_some_and(|c| c.is_ascii_digit()));
        if !is_variant {
            break;
        }
        let v = p.to_ascii_lowercase();
        if variants.contains(&v) {
            return false;
        }
        variants.push(v);
        i += 1;
    }
    // extensions: singleton 1*("-" 2-8 alphanum), singletons not repeated
    let mut singletons: Vec<String> = Vec::new();
    while i < parts.len() && parts[i].len() == 1 && !parts[i].eq_ignore_ascii_case("x") {
        let s = parts[i].to_ascii_lowercase();
        if singletons.contains(&s) {
            return false;
        }
        singletons.push(s);
        i += 1;
        let start = i;
        while i < parts.len() && parts[i].len() >= 2 {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    // privateuse: "x" 1*("-" 1-8 alphanum)
    if i < parts.len() && parts[i].eq_ignore_ascii_case("x") {
        return i + 1 < parts.len();
    }
    i == parts.len()
}

/// Checks a language map: an object whose keys are language tags and values strings.
pub fn check_map(path: &str, v: &Value) -> Result<()> {
    let Some(m) = v.as_object() else {
        return Err(XapiError::new(path, "must be a language map (an object)"));
    };
    for (k, text) in m {
        if !is_tag(k) {
            return Err(XapiError::new(
                path,
                format!("{k:?} is not an RFC 5646 language tag"),
            ));
        }
        if !text.is_string() {
            return Err(XapiError::new(format!("{path}.{k}"), "must be a string"));
        }
    }
    Ok(())
}

/// The languages of an Accept-Language header, most wanted first (`q=0` left out).
pub fn accepted(header: Option<&str>) -> Vec<String> {
    let Some(h) = header else { return Vec::new() };
    let mut langs: Vec<(f32, usize, String)> = h
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            if tag.is_empty() {
                return None;
            }
            let mut q = 1.0f32;
            for p in it {
                if let Some(v) = p.trim().strip_prefix("q=") {
                    q = v.trim().parse().unwrap_or(0.0);
                }
            }
            (q > 0.0).then(|| (q, i, tag.to_owned()))
        })
        .collect();
    langs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    langs.into_iter().map(|(_, _, t)| t).collect()
}

/// The one entry of a language map the `canonical` format keeps: the first accepted language
/// present (exactly, then by primary subtag), else `en-US`, `en`, else the first entry.
pub fn pick(map: &serde_json::Map<String, Value>, accepted: &[String]) -> Option<String> {
    let find = |want: &str| map.keys().find(|k| k.eq_ignore_ascii_case(want)).cloned();
    for a in accepted {
        if a == "*" {
            break;
        }
        if let Some(k) = find(a) {
            return Some(k);
        }
        let primary = a.split('-').next().unwrap_or(a);
        if let Some(k) = map.keys().find(|k| {
            k.split('-')
                .next()
                .is_some_and(|p| p.eq_ignore_ascii_case(primary))
        }) {
            return Some(k.clone());
        }
    }
    find("en-US")
        .or_else(|| find("en"))
        .or_else(|| map.keys().next().cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn well_formed_tags() {
        for t in [
            "en",
            "en-US",
            "fr-CA",
            "zh-Hant-TW",
            "sr-Latn-RS",
            "de-CH-1901",
            "es-419",
            "x-whatever",
            "en-a-bbb-x-a-ccc",
            "i-klingon",
            "und",
            "zh-yue-HK",
        ] {
            assert!(is_tag(t), "{t}");
        }
    }

    #[test]
    fn malformed_tags() {
        for t in [
            "",
            "e",
            "en_US",
            "en-",
            "-en",
            "123",
            "en-US-",
            "toolongtag",
            "en-a",
            "de-1901-1901",
            "en-a-bb-a-cc",
            "x",
            "en US",
            "fr-ç",
        ] {
            assert!(!is_tag(t), "{t}");
        }
    }

    #[test]
    fn maps() {
        assert!(check_map("d", &json!({"en-US": "a", "fr": "b"})).is_ok());
        assert!(check_map("d", &json!({"not a tag": "a"})).is_err());
        assert!(check_map("d", &json!({"en": 1})).is_err());
        assert!(check_map("d", &json!(["en"])).is_err());
        assert!(check_map("d", &json!("en")).is_err());
    }

    #[test]
    fn accept_language_order() {
        assert_eq!(
            accepted(Some("fr;q=0.5, de, en;q=0.8, it;q=0")),
            vec!["de", "en", "fr"]
        );
        assert!(accepted(None).is_empty());
    }

    #[test]
    fn picking() {
        let m = json!({"en-US": "a", "fr-FR": "b", "de": "c"});
        let m = m.as_object().cloned().unwrap_or_default();
        assert_eq!(pick(&m, &["fr".into()]).as_deref(), Some("fr-FR"));
        assert_eq!(pick(&m, &["de".into()]).as_deref(), Some("de"));
        assert_eq!(pick(&m, &["es".into()]).as_deref(), Some("en-US"));
        assert_eq!(pick(&m, &[]).as_deref(), Some("en-US"));
    }
}
