//! Numbers, dates and times as a person reads them: in their language and in their time zone
//! (the profile's, else the browser's, else UTC). Pure functions, tested in both languages.

use amphi_core::validate::Locale;
use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

/// A whole number with the language's digit grouping: `2,400` in English, `2 400` in French
/// (a narrow no-break space, as French typography asks).
pub fn number(locale: Locale, n: u64) -> String {
    let sep = match locale {
        Locale::Fr => '\u{202f}',
        Locale::En => ',',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_FR: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// The zone to show times in: the profile's zone when the person chose one (accounts start
/// with `UTC`, which counts as not chosen), else the browser's (sent by a small script in a
/// cookie), else UTC. Unknown names are skipped.
pub fn zone(profile: Option<&str>, browser: Option<&str>) -> Tz {
    let parse = |s: &str| s.trim().parse::<Tz>().ok();
    profile
        .filter(|p| !p.is_empty() && *p != "UTC")
        .and_then(parse)
        .or_else(|| browser.and_then(parse))
        .unwrap_or(Tz::UTC)
}

/// A date: `7 Dec 2026` / `7 déc. 2026`.
pub fn date(locale: Locale, tz: Tz, at: DateTime<Utc>) -> String {
    let d = at.with_timezone(&tz);
    let m = d.month0() as usize;
    match locale {
        Locale::Fr => {
            let day = if d.day() == 1 {
                "1er".to_owned()
            } else {
                d.day().to_string()
            };
            format!("{day} {} {}", MONTHS_FR[m], d.year())
        }
        Locale::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
    }
}

/// A date and time with the zone's abbreviation: `7 Dec 2026, 14:05 CET` /
/// `7 déc. 2026 à 14:05 CET`.
pub fn datetime(locale: Locale, tz: Tz, at: DateTime<Utc>) -> String {
    let d = at.with_timezone(&tz);
    let zone = d.format("%Z").to_string();
    let time = format!("{:02}:{:02}", d.hour(), d.minute());
    match locale {
        Locale::Fr => format!("{} à {time} {zone}", date(locale, tz, at)),
        Locale::En => format!("{}, {time} {zone}", date(locale, tz, at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().unwrap()
    }

    #[test]
    fn numbers_group_digits_per_language() {
        assert_eq!(number(Locale::En, 0), "0");
        assert_eq!(number(Locale::En, 200), "200");
        assert_eq!(number(Locale::En, 2400), "2,400");
        assert_eq!(number(Locale::En, 1_234_567), "1,234,567");
        assert_eq!(number(Locale::Fr, 2400), "2\u{202f}400");
        assert_eq!(number(Locale::Fr, 999), "999");
    }

    #[test]
    fn dates_and_times_in_both_languages_and_zones() {
        let t = at(2026, 12, 7, 13, 5);
        assert_eq!(datetime(Locale::En, Tz::UTC, t), "7 Dec 2026, 13:05 UTC");
        assert_eq!(
            datetime(Locale::En, Tz::Europe__Paris, t),
            "7 Dec 2026, 14:05 CET"
        );
        assert_eq!(
            datetime(Locale::Fr, Tz::Europe__Paris, t),
            "7 déc. 2026 à 14:05 CET"
        );
        // Summer time, and a date that is another day in the zone.
        let summer = at(2026, 7, 31, 23, 30);
        assert_eq!(
            datetime(Locale::Fr, Tz::Europe__Paris, summer),
            "1er août 2026 à 01:30 CEST"
        );
        assert_eq!(
            datetime(Locale::En, Tz::America__New_York, summer),
            "31 Jul 2026, 19:30 EDT"
        );
        assert_eq!(date(Locale::En, Tz::Europe__Paris, summer), "1 Aug 2026");
        assert_eq!(date(Locale::Fr, Tz::UTC, t), "7 déc. 2026");
    }

    #[test]
    fn the_zone_comes_from_the_profile_then_the_browser() {
        assert_eq!(
            zone(Some("Europe/Paris"), Some("Asia/Tokyo")),
            Tz::Europe__Paris
        );
        // UTC is what every account starts with: the browser's zone is a better guess.
        assert_eq!(zone(Some("UTC"), Some("Asia/Tokyo")), Tz::Asia__Tokyo);
        assert_eq!(zone(None, Some("America/Montreal")), Tz::America__Montreal);
        assert_eq!(zone(None, Some("Not/AZone")), Tz::UTC);
        assert_eq!(zone(None, None), Tz::UTC);
    }
}
