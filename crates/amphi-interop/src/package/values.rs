//! Typed attribute values of the sequencing elements (booleans, counts, decimals, durations,
//! closed lists), each bad one reported with its element and line, its default used instead.

use serde_json::{json, Value};

use super::problems::{ProblemKind, Report};
use super::xml::Element;

/// Reads typed attribute values, reporting the bad ones.
pub(crate) struct Values<'r> {
    pub r: &'r mut Report,
}

impl Values<'_> {
    pub(crate) fn bad(&mut self, el: &Element, attr: &str, value: &str, expected: &str) {
        self.r.at(
            el.line,
            ProblemKind::BadValue {
                element: format!("{}/@{attr}", el.name),
                value: value.to_string(),
                expected: expected.to_string(),
            },
        );
    }

    pub(crate) fn required(&mut self, el: &Element, attr: &str) -> Option<String> {
        match el.attr(attr) {
            Some(v) if !v.trim().is_empty() => Some(v.trim().to_string()),
            _ => {
                self.r.at(
                    el.line,
                    ProblemKind::MissingAttribute {
                        element: el.name.clone(),
                        attribute: attr.to_string(),
                    },
                );
                None
            }
        }
    }

    pub(crate) fn bool(&mut self, el: &Element, attr: &str, default: bool) -> Value {
        let b = match el.attr(attr).map(str::trim) {
            None => default,
            Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(other) => {
                self.bad(el, attr, other, "true or false");
                default
            }
        };
        Value::Bool(b)
    }

    pub(crate) fn uint(&mut self, el: &Element, attr: &str) -> Option<u64> {
        let raw = el.attr(attr)?.trim();
        match raw.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.bad(el, attr, raw, "a whole number, 0 or more");
                None
            }
        }
    }

    pub(crate) fn decimal(&mut self, el: &Element, attr: &str, min: f64, max: f64) -> Option<f64> {
        let raw = el.attr(attr)?.trim().to_string();
        self.decimal_text(el, attr, &raw, min, max)
    }

    pub(crate) fn decimal_text(
        &mut self,
        el: &Element,
        attr: &str,
        raw: &str,
        min: f64,
        max: f64,
    ) -> Option<f64> {
        match raw.parse::<f64>() {
            Ok(x) if x.is_finite() && (min..=max).contains(&x) => Some(x),
            _ => {
                self.bad(el, attr, raw, &format!("a decimal from {min} to {max}"));
                None
            }
        }
    }

    pub(crate) fn duration(&mut self, el: &Element, attr: &str) -> Option<String> {
        let raw = el.attr(attr)?.trim();
        if is_iso_duration(raw) {
            Some(raw.to_string())
        } else {
            self.bad(el, attr, raw, "an ISO 8601 duration such as PT1H30M");
            None
        }
    }

    pub(crate) fn one_of(
        &mut self,
        el: &Element,
        attr: &str,
        allowed: &[&str],
        default: &str,
    ) -> Value {
        match el.attr(attr).map(str::trim) {
            None => json!(default),
            Some(v) if allowed.contains(&v) => json!(v),
            Some(v) => {
                self.bad(el, attr, v, &allowed.join(", "));
                json!(default)
            }
        }
    }

    /// A required attribute from a closed list.
    pub(crate) fn required_one_of(
        &mut self,
        el: &Element,
        attr: &str,
        allowed: &[&str],
    ) -> Option<String> {
        let v = self.required(el, attr)?;
        if allowed.contains(&v.as_str()) {
            Some(v)
        } else {
            self.bad(el, attr, &v, &allowed.join(", "));
            None
        }
    }

    pub(crate) fn token(&mut self, el: &Element, allowed: &[&str]) -> Option<Value> {
        let t = el.trimmed();
        if allowed.contains(&t) {
            Some(json!(t))
        } else {
            self.r.at(
                el.line,
                ProblemKind::BadValue {
                    element: el.name.clone(),
                    value: t.to_string(),
                    expected: allowed.join(", "),
                },
            );
            None
        }
    }
}

/// `PnYnMnDTnHnMnS` with at least one part (the xs:duration of SCORM 2004 time limits).
pub(crate) fn is_iso_duration(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return false;
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    fn parts(s: &str, units: &[char], last_fraction: bool) -> Option<usize> {
        let mut count = 0;
        let mut num = String::new();
        let mut next_unit = 0;
        for c in s.chars() {
            if c.is_ascii_digit() || (c == '.' && last_fraction) {
                num.push(c);
                continue;
            }
            let pos = units.iter().skip(next_unit).position(|u| *u == c)? + next_unit;
            if num.is_empty() || (num.contains('.') && c != 'S') || num.parse::<f64>().is_err() {
                return None;
            }
            num.clear();
            next_unit = pos + 1;
            count += 1;
        }
        num.is_empty().then_some(count)
    }
    let Some(d) = parts(date, &['Y', 'M', 'D'], false) else {
        return false;
    };
    let t = match time {
        Some(t) => match parts(t, &['H', 'M', 'S'], true) {
            Some(0) | None => return false,
            Some(n) => n,
        },
        None => 0,
    };
    d + t > 0
}

#[cfg(test)]
mod tests {
    use super::is_iso_duration;

    #[test]
    pub(crate) fn durations() {
        for ok in ["PT1H30M", "P1D", "PT0.5S", "P1Y2M3DT4H5M6.7S", "PT10M"] {
            assert!(is_iso_duration(ok), "{ok}");
        }
        for bad in ["", "P", "PT", "1H", "PT1.5M", "P1H", "PTM", "PT1S2H"] {
            assert!(!is_iso_duration(bad), "{bad}");
        }
    }
}
