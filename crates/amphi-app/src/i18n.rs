//! French and English messages from Fluent files (`locales/{en,fr}/*.ftl`), embedded at build
//! time. Used by the web templates and by mail bodies.

use crate::memo::Memo;
use amphi_core::validate::Locale;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static LANGS: LazyLock<[(Locale, LanguageIdentifier); 2]> = LazyLock::new(|| {
    [
        (Locale::En, fluent_templates::langid!("en")),
        (Locale::Fr, fluent_templates::langid!("fr")),
    ]
});

fn lang(l: Locale) -> &'static LanguageIdentifier {
    let langs = &*LANGS;
    if l == Locale::Fr {
        &langs[1].1
    } else {
        &langs[0].1
    }
}

/// The message `key` in `locale` (the key itself if no language has it).
pub fn t(locale: Locale, key: &str) -> String {
    // A page asks for the same plain messages again and again (an outline of 70 items: 150
    // lookups); Fluent negotiates and formats each time, so plain messages are remembered.
    MEMO[usize::from(locale == Locale::Fr)].get_or(key, || {
        LOCALES
            .try_lookup(lang(locale), key)
            .unwrap_or_else(|| key.to_owned())
    })
}

/// Plain messages already looked up, per locale (English, French).
static MEMO: LazyLock<[Memo; 2]> = LazyLock::new(|| [Memo::new(20_000), Memo::new(20_000)]);

/// The message `key` with named arguments.
pub fn t_args(locale: Locale, key: &str, args: &[(&str, String)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned((*k).to_owned()), FluentValue::from(v.clone())))
        .collect();
    LOCALES
        .try_lookup_with_args(lang(locale), key, &map)
        .unwrap_or_else(|| key.to_owned())
}

/// Whether `key` exists in `locale` itself (used by the test that both files are complete).
pub fn has(locale: Locale, key: &str) -> bool {
    // A message with variables, looked up without them, reports formatting errors rather than
    // absence (fluent-templates does not export its error type, hence the Debug text).
    match LOCALES.lookup_single_language::<&str>(lang(locale), key, None) {
        Ok(_) => true,
        Err(e) => format!("{e:?}").starts_with("FluentError"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use amphi_core::codes;

    /// The Fluent source of one locale, as embedded.
    fn source(l: Locale) -> &'static str {
        match l {
            Locale::Fr => include_str!("../../../locales/fr/main.ftl"),
            _ => include_str!("../../../locales/en/main.ftl"),
        }
    }

    #[test]
    fn every_error_code_has_a_message_in_every_locale() {
        let mut missing = Vec::new();
        for code in codes::GENERIC.iter().chain(codes::ALL) {
            for l in Locale::ALL {
                if !has(l, &format!("err-{code}")) {
                    missing.push(format!("err-{code} in {}", l.tag()));
                }
            }
        }
        assert!(missing.is_empty(), "missing messages: {missing:?}");
    }

    #[test]
    fn every_error_message_has_a_declared_code() {
        let mut orphans = Vec::new();
        for l in Locale::ALL {
            for line in source(l).lines() {
                let Some(rest) = line.strip_prefix("err-") else {
                    continue;
                };
                let code = rest.split([' ', '=']).next().unwrap_or_default();
                if !codes::ALL.contains(&code) && !codes::GENERIC.contains(&code) {
                    orphans.push(format!("err-{code} in {}", l.tag()));
                }
            }
        }
        assert!(
            orphans.is_empty(),
            "messages without a code in amphi_core::codes: {orphans:?}"
        );
    }

    #[test]
    fn codes_are_declared_once() {
        let mut all: Vec<&str> = codes::GENERIC.iter().chain(codes::ALL).copied().collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "a code is listed twice");
    }
}
