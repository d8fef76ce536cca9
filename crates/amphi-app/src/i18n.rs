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

/// A message argument: text, or a number, which also chooses the message's plural form
/// (`{ $count -> [one] … *[other] … }`, by the language's plural rules).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Shown as is.
    Text(String),
    /// Shown as written by Fluent (`3`, `2.5`), and selects plural forms.
    Number(f64),
}

impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}

macro_rules! number_arg {
    ($($t:ty),+) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::Number(v as f64)
            }
        }
    )+};
}
number_arg!(i32, i64, u32, u64, usize, f64);

/// The message `key` with named text arguments.
pub fn t_args(locale: Locale, key: &str, args: &[(&str, String)]) -> String {
    let args: Vec<(&str, Arg)> = args
        .iter()
        .map(|(k, v)| (*k, Arg::Text(v.clone())))
        .collect();
    t_with(locale, key, &args)
}

/// The message `key` with named arguments, numbers among them.
pub fn t_with(locale: Locale, key: &str, args: &[(&str, Arg)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Arg::Text(s) => FluentValue::from(s.clone()),
                Arg::Number(n) => FluentValue::from(*n),
            };
            (Cow::Owned((*k).to_owned()), v)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(lang(locale), key, &map)
        .unwrap_or_else(|| key.to_owned())
}

/// The message of one refused field, with its limit when the error carries one ("200
/// characters at most, you typed 2,400.").
pub fn field_message(locale: Locale, f: &amphi_core::FieldError) -> String {
    use crate::localise::number;
    match (f.code.as_str(), f.max, f.got) {
        (amphi_core::codes::TOO_LONG, Some(max), Some(got)) => t_with(
            locale,
            "too-long-limit",
            &[
                ("count", Arg::Number(max as f64)),
                ("max", Arg::Text(number(locale, max))),
                ("got", Arg::Text(number(locale, got))),
            ],
        ),
        _ => t(locale, &format!("err-{}", f.code)),
    }
}

/// A message that names its field: "Title: 200 characters at most, you typed 2,400." (with
/// the no-break space French puts before a colon).
pub fn labelled(locale: Locale, label: &str, message: &str) -> String {
    format!("{label}{} {message}", t(locale, "colon"))
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
    fn numbers_choose_plural_forms_in_each_language() {
        let bank = |l, n: usize| t_with(l, "bank-imported", &[("count", n.into())]);
        assert_eq!(bank(Locale::En, 1), "1 question imported.");
        assert_eq!(bank(Locale::En, 0), "0 questions imported.");
        assert_eq!(bank(Locale::En, 12), "12 questions imported.");
        // French counts 0 and 1 as singular.
        assert_eq!(bank(Locale::Fr, 0), "0 question importée.");
        assert_eq!(bank(Locale::Fr, 1), "1 question importée.");
        assert_eq!(bank(Locale::Fr, 2), "2 questions importées.");
        let wait = |l, n: u64| t_with(l, "err-rate_limited", &[("minutes", n.into())]);
        assert_eq!(
            wait(Locale::En, 1),
            "Too many attempts. Please wait 1 minute and try again."
        );
        assert_eq!(
            wait(Locale::En, 15),
            "Too many attempts. Please wait 15 minutes and try again."
        );
        assert_eq!(
            wait(Locale::Fr, 1),
            "Trop de tentatives. Patientez 1 minute puis réessayez."
        );
        assert_eq!(
            wait(Locale::Fr, 15),
            "Trop de tentatives. Patientez 15 minutes puis réessayez."
        );
        let counts = |l, e: i64| {
            t_with(
                l,
                "learners-counts",
                &[
                    ("enrolled", e.into()),
                    ("waiting", 0.into()),
                    ("items", 1.into()),
                ],
            )
        };
        assert_eq!(counts(Locale::Fr, 1), "1 inscrit, 0 en attente, 1 élément.");
        assert_eq!(
            counts(Locale::Fr, 3),
            "3 inscrits, 0 en attente, 1 élément."
        );
        assert_eq!(counts(Locale::En, 3), "3 enrolled, 0 waiting, 1 item.");
    }

    #[test]
    fn no_message_leaves_the_plural_to_the_reader() {
        let mut found = Vec::new();
        for l in Locale::ALL {
            for line in source(l).lines() {
                if line.contains("(s)") {
                    found.push(format!("{}: {line}", l.tag()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "write plural forms instead of (s): {found:?}"
        );
    }

    #[test]
    fn a_too_long_field_says_the_limit_and_what_was_typed() {
        let f = amphi_core::FieldError::too_long("title", 200, 2400);
        let en = labelled(Locale::En, "Title", &field_message(Locale::En, &f));
        assert_eq!(en, "Title: 200 characters at most, you typed 2,400.");
        let fr = labelled(Locale::Fr, "Titre", &field_message(Locale::Fr, &f));
        assert_eq!(
            fr,
            "Titre\u{a0}: 200 caractères au maximum, vous en avez saisi 2\u{202f}400."
        );
        let one = amphi_core::FieldError::too_long("x", 1, 3);
        assert_eq!(
            field_message(Locale::En, &one),
            "1 character at most, you typed 3."
        );
        // Without a known limit, the plain message.
        let plain = amphi_core::FieldError::new("x", amphi_core::codes::TOO_LONG);
        assert_eq!(field_message(Locale::En, &plain), "This is too long.");
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
