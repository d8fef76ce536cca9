//! ISO 8601 timestamps (with a zone, as xAPI requires) and durations.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};

/// A timestamp as xAPI accepts it: ISO 8601 date and time with a zone (`Z`, `+hh:mm`,
/// `+hhmm` or `+hh`); the offset `-00:00` (an unknown local time in RFC 3339) is refused.
pub fn parse_timestamp(s: &str) -> Option<DateTime<FixedOffset>> {
    if s.contains('T') && (s.ends_with("-00:00") || s.ends_with("-0000") || s.ends_with("-00")) {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    if !s.contains('T') {
        return None;
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y%m%dT%H%M%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    // `+hh` only
    let (body, zone) = s.split_at(s.len().saturating_sub(3));
    if (zone.starts_with('+') || zone.starts_with('-'))
        && zone[1..].chars().all(|c| c.is_ascii_digit())
    {
        return parse_timestamp(&format!("{body}{zone}:00"));
    }
    None
}

/// A timestamp in UTC, as stored and compared.
pub fn parse_utc(s: &str) -> Option<DateTime<Utc>> {
    parse_timestamp(s).map(|t| t.with_timezone(&Utc))
}

/// A timestamp without zone, which xAPI refuses (kept apart for a clearer message).
pub fn lacks_zone(s: &str) -> bool {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
}

/// How the LRS writes a time: RFC 3339 in UTC with milliseconds (`2026-12-07T20:10:00.123Z`).
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Whether `s` is an ISO 8601 duration (`PnYnMnDTnHnMnS`, `PnW`); only the last part may have
/// a fraction.
pub fn is_duration(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    if rest.is_empty() {
        return false;
    }
    if let Some(w) = rest.strip_suffix('W') {
        return number(w, true);
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return false;
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    let mut parts: Vec<(String, char)> = Vec::new();
    let take = |s: &str, units: &[char], parts: &mut Vec<(String, char)>| -> bool {
        let mut num = String::new();
        let mut next = 0usize;
        for c in s.chars() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                num.push(c);
            } else {
                let Some(pos) = units[next..].iter().position(|u| *u == c) else {
                    return false;
                };
                next += pos + 1;
                if num.is_empty() {
                    return false;
                }
                parts.push((std::mem::take(&mut num), c));
            }
        }
        num.is_empty()
    };
    if !take(date, &['Y', 'M', 'D'], &mut parts) {
        return false;
    }
    if let Some(t) = time {
        let before = parts.len();
        if !take(t, &['H', 'M', 'S'], &mut parts) || parts.len() == before {
            return false;
        }
    }
    if parts.is_empty() {
        return false;
    }
    let last = parts.len() - 1;
    parts
        .iter()
        .enumerate()
        .all(|(i, (n, _))| number(n, i == last))
}

fn number(n: &str, fraction_ok: bool) -> bool {
    let n = n.replace(',', ".");
    match n.split_once('.') {
        None => !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()),
        Some((a, b)) => {
            fraction_ok
                && !a.is_empty()
                && !b.is_empty()
                && a.chars().all(|c| c.is_ascii_digit())
                && b.chars().all(|c| c.is_ascii_digit())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        for ok in [
            "2013-05-18T05:32:34.804Z",
            "2013-05-18T05:32:34Z",
            "2013-05-18T05:32:34.804+00:00",
            "2013-05-18T05:32:34.804+0100",
            "2013-05-18T05:32:34+01",
            "2013-05-18T05:32:34.804-05:00",
        ] {
            assert!(parse_timestamp(ok).is_some(), "{ok}");
        }
        for bad in [
            "2013-05-18T05:32:34",
            "2013-05-18",
            "2013-05-18T05:32:34.804-00:00",
            "yesterday",
            "2013-13-18T05:32:34Z",
            "",
        ] {
            assert!(parse_timestamp(bad).is_none(), "{bad}");
        }
        assert!(lacks_zone("2013-05-18T05:32:34"));
    }

    #[test]
    fn formats_in_utc_with_millis() {
        let t = parse_utc("2013-05-18T07:32:34.8+02:00").unwrap_or_default();
        assert_eq!(format(t), "2013-05-18T05:32:34.800Z");
    }

    #[test]
    fn durations() {
        for ok in [
            "PT1H0M0S",
            "P1Y2M3DT4H5M6.7S",
            "PT0.5S",
            "P3W",
            "P1D",
            "PT36H",
            "P0D",
        ] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in [
            "", "P", "PT", "1H", "PT1.5H3M", "P1H", "PT1Y", "P1M2Y", "PT-1S", "P1DT", "PTS",
        ] {
            assert!(!is_duration(bad), "{bad}");
        }
    }
}
