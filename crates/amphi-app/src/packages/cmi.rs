//! What Amphi reads of a SCO's run-time data (the `cmi` object the player commits) and what it
//! hands back at the next launch: statuses, score, times, where to resume. Pure functions over
//! JSON, for both versions of SCORM.

use super::Api;
use amphi_core::{codes, Error, Result};
use serde_json::{json, Map, Value};

/// Most characters of `cmi.suspend_data`: 4,096 in SCORM 1.2, 64,000 in SCORM 2004.
pub fn suspend_data_max(api: Api) -> usize {
    match api {
        Api::Scorm12 => 4096,
        Api::Scorm2004 => 64_000,
    }
}

/// Most characters of the resume location (`cmi.core.lesson_location`, `cmi.location`).
fn location_max(api: Api) -> usize {
    match api {
        Api::Scorm12 => 255,
        Api::Scorm2004 => 1000,
    }
}

/// Most bytes of one SCO's committed data (interactions included).
pub const MAX_CMI_BYTES: usize = 1024 * 1024;

/// Whether a SCO (or an attempt) is done.
pub mod completion {
    /// Never launched.
    pub const NOT_ATTEMPTED: &str = "not_attempted";
    /// Launched, not finished.
    pub const INCOMPLETE: &str = "incomplete";
    /// Finished.
    pub const COMPLETED: &str = "completed";
    /// The content did not say.
    pub const UNKNOWN: &str = "unknown";
}

/// Whether a SCO (or an attempt) is passed.
pub mod success {
    /// Passed.
    pub const PASSED: &str = "passed";
    /// Failed.
    pub const FAILED: &str = "failed";
    /// The content did not say.
    pub const UNKNOWN: &str = "unknown";
}

/// What a commit says, read from its `cmi` object.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// One of [`completion`].
    pub completion: &'static str,
    /// One of [`success`].
    pub success: &'static str,
    /// Score scaled to -1..1 (SCORM 2004 `score.scaled`, or raw between min and max).
    pub scaled: Option<f64>,
    /// Raw score.
    pub raw: Option<f64>,
    /// Lowest raw score.
    pub min: Option<f64>,
    /// Highest raw score.
    pub max: Option<f64>,
    /// This session's time, in seconds.
    pub session_seconds: i64,
    /// How the SCO left (`suspend`, `normal`, `logout`, `time-out` or empty).
    pub exit: String,
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    at(v, path).and_then(Value::as_str).unwrap_or("")
}

fn number(v: &Value, path: &[&str]) -> Option<f64> {
    match at(v, path)? {
        Value::String(s) => s.trim().parse::<f64>().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
    .filter(|f| f.is_finite())
}

/// Reads a commit's `cmi` object (`{"cmi": {...}}`), checking the sizes the data model allows.
pub fn read(api: Api, data: &Value, mastery: Option<f64>) -> Result<Reading> {
    let bad = || Error::BadRequest(codes::PACKAGE_DATA_INVALID);
    let cmi = data.get("cmi").filter(|c| c.is_object()).ok_or_else(bad)?;
    if text(cmi, &["suspend_data"]).chars().count() > suspend_data_max(api) {
        return Err(bad());
    }
    let r = match api {
        Api::Scorm12 => {
            let location = text(cmi, &["core", "lesson_location"]);
            if location.chars().count() > location_max(api) {
                return Err(bad());
            }
            let raw = number(cmi, &["core", "score", "raw"]);
            let min = number(cmi, &["core", "score", "min"]);
            let max = number(cmi, &["core", "score", "max"]);
            let (completion, mut success) = match text(cmi, &["core", "lesson_status"]) {
                "passed" => (completion::COMPLETED, success::PASSED),
                "failed" => (completion::COMPLETED, success::FAILED),
                "completed" => (completion::COMPLETED, success::UNKNOWN),
                "incomplete" | "browsed" => (completion::INCOMPLETE, success::UNKNOWN),
                _ => (completion::NOT_ATTEMPTED, success::UNKNOWN),
            };
            // SCORM 1.2 run-time 3.4.4: with a mastery score, a completed SCO that reported a
            // score is passed or failed by it.
            if let (Some(m), Some(r), true) = (mastery, raw, completion == completion::COMPLETED) {
                success = if r + 1e-9 >= m {
                    success::PASSED
                } else {
                    success::FAILED
                };
            }
            let (lo, hi) = (min.unwrap_or(0.0), max.unwrap_or(100.0));
            Reading {
                completion,
                success,
                scaled: raw
                    .filter(|_| hi > lo)
                    .map(|r| ((r - lo) / (hi - lo)).clamp(-1.0, 1.0)),
                raw,
                min,
                max,
                session_seconds: seconds_12(text(cmi, &["core", "session_time"])),
                exit: text(cmi, &["core", "exit"]).to_owned(),
            }
        }
        Api::Scorm2004 => {
            let location = text(cmi, &["location"]);
            if location.chars().count() > location_max(api) {
                return Err(bad());
            }
            let raw = number(cmi, &["score", "raw"]);
            let min = number(cmi, &["score", "min"]);
            let max = number(cmi, &["score", "max"]);
            let scaled = number(cmi, &["score", "scaled"])
                .filter(|s| (-1.0..=1.0).contains(s))
                .or_else(|| match (raw, min, max) {
                    (Some(r), Some(lo), Some(hi)) if hi > lo => {
                        Some(((r - lo) / (hi - lo)).clamp(-1.0, 1.0))
                    }
                    _ => None,
                });
            let completion = match text(cmi, &["completion_status"]) {
                "completed" => completion::COMPLETED,
                "incomplete" => completion::INCOMPLETE,
                "not attempted" => completion::NOT_ATTEMPTED,
                _ => completion::UNKNOWN,
            };
            let success = match text(cmi, &["success_status"]) {
                "passed" => success::PASSED,
                "failed" => success::FAILED,
                _ => success::UNKNOWN,
            };
            Reading {
                completion,
                success,
                scaled,
                raw,
                min,
                max,
                session_seconds: seconds_iso(text(cmi, &["session_time"])),
                exit: text(cmi, &["exit"]).to_owned(),
            }
        }
    };
    Ok(r)
}

/// Seconds of a SCORM 1.2 CMITimespan (`HHHH:MM:SS.SS`); 0 when it does not read.
pub fn seconds_12(t: &str) -> i64 {
    let parts: Vec<&str> = t.trim().split(':').collect();
    let [h, m, s] = parts.as_slice() else {
        return 0;
    };
    let (Ok(h), Ok(m), Ok(s)) = (h.parse::<i64>(), m.parse::<i64>(), s.parse::<f64>()) else {
        return 0;
    };
    if h < 0 || !(0..60).contains(&m) || !(0.0..60.0).contains(&s) {
        return 0;
    }
    h * 3600 + m * 60 + s as i64
}

/// Seconds of a SCORM 2004 timeinterval (ISO 8601 duration, `P[nY][nM][nD][T[nH][nM][n.nS]]`,
/// years as 365 days and months as 30); 0 when it does not read.
pub fn seconds_iso(t: &str) -> i64 {
    let Some(rest) = t.trim().strip_prefix('P') else {
        return 0;
    };
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut total = 0.0f64;
    let mut add = |part: &str, units: &[(char, f64)]| -> bool {
        let mut num = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            let Some((_, f)) = units.iter().find(|(u, _)| *u == c) else {
                return false;
            };
            let Ok(n) = num.parse::<f64>() else {
                return false;
            };
            total += n * f;
            num.clear();
        }
        num.is_empty()
    };
    let day = 86_400.0;
    if !add(date, &[('Y', 365.0 * day), ('M', 30.0 * day), ('D', day)])
        || !add(time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])
    {
        return 0;
    }
    total as i64
}

/// A number of seconds as the version's time type (`HHHH:MM:SS` or `PTnHnMnS`).
pub fn format_seconds(api: Api, secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match api {
        Api::Scorm12 => format!("{h:04}:{m:02}:{s:02}"),
        Api::Scorm2004 => format!("PT{h}H{m}M{s}S"),
    }
}

/// Who the learner is and what the package's manifest says of the SCO, for its launch.
#[derive(Debug, Clone)]
pub struct Learner<'a> {
    /// The learner's id (`cmi.core.student_id`, `cmi.learner_id`).
    pub id: String,
    /// "Last, First" (`cmi.core.student_name`, `cmi.learner_name`).
    pub name: String,
    /// The learner's language (`learner_preference.language`).
    pub language: &'a str,
    /// The SCO's launch entry of the manifest.
    pub launch: &'a amphi_interop::package::Launch,
    /// Whether the course team previews (nothing recorded: `browse` / `no-credit`).
    pub preview: bool,
}

/// The `cmi` object a SCO starts with: what it committed last (with `entry` set from how it
/// left, and the time so far), or a fresh one. Under SCORM 2004, a SCO that left normally
/// starts a new attempt of its own (fresh data), as the run-time environment says.
pub fn start(api: Api, stored: Option<&Value>, total_seconds: i64, l: &Learner<'_>) -> Value {
    let mut cmi = stored
        .and_then(|s| s.get("cmi"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let exit = match api {
        Api::Scorm12 => text_of(&cmi, &["core", "exit"]),
        Api::Scorm2004 => text_of(&cmi, &["exit"]),
    };
    let fresh = stored.is_none()
        || (api == Api::Scorm2004 && matches!(exit.as_str(), "normal" | "logout" | "time-out"));
    if fresh {
        cmi = Map::new();
    }
    let entry = if fresh {
        "ab-initio"
    } else if exit == "suspend" {
        "resume"
    } else {
        ""
    };
    let total = if fresh { 0 } else { total_seconds };
    let launch = l.launch;
    match api {
        Api::Scorm12 => {
            let mut core = match cmi.remove("core") {
                Some(Value::Object(m)) => m,
                _ => Map::new(),
            };
            core.remove("exit");
            core.remove("session_time");
            core.insert("student_id".into(), json!(l.id));
            core.insert("student_name".into(), json!(l.name));
            core.insert("entry".into(), json!(entry));
            core.insert("credit".into(), json!(credit(api, l.preview)));
            core.insert(
                "lesson_mode".into(),
                json!(if l.preview { "browse" } else { "normal" }),
            );
            core.insert("total_time".into(), json!(format_seconds(api, total)));
            cmi.insert("core".into(), Value::Object(core));
            cmi.insert(
                "launch_data".into(),
                json!(launch.data_from_lms.clone().unwrap_or_default()),
            );
            cmi.insert(
                "student_data".into(),
                json!({
                    "mastery_score": launch.mastery_score.map(|m| m.to_string()).unwrap_or_default(),
                    "max_time_allowed": launch.max_time_allowed.clone().unwrap_or_default(),
                    "time_limit_action": launch.time_limit_action.clone().unwrap_or_default(),
                }),
            );
        }
        Api::Scorm2004 => {
            cmi.remove("exit");
            cmi.remove("session_time");
            cmi.insert("learner_id".into(), json!(l.id));
            cmi.insert("learner_name".into(), json!(l.name));
            cmi.insert("entry".into(), json!(entry));
            cmi.insert("credit".into(), json!(credit(api, l.preview)));
            cmi.insert(
                "mode".into(),
                json!(if l.preview { "browse" } else { "normal" }),
            );
            cmi.insert("total_time".into(), json!(format_seconds(api, total)));
            cmi.insert(
                "launch_data".into(),
                json!(launch.data_from_lms.clone().unwrap_or_default()),
            );
            if let Some(s) = launch.scaled_passing_score {
                cmi.insert("scaled_passing_score".into(), json!(s.to_string()));
            }
            if let Some(c) = launch.completion_threshold {
                cmi.insert("completion_threshold".into(), json!(c.to_string()));
            }
            if let Some(m) = &launch.max_time_allowed {
                cmi.insert("max_time_allowed".into(), json!(m));
            }
            if let Some(a) = &launch.time_limit_action {
                cmi.insert("time_limit_action".into(), json!(a));
            }
            let prefs = cmi.entry("learner_preference").or_insert_with(|| json!({}));
            if let Some(p) = prefs.as_object_mut() {
                p.entry("language").or_insert_with(|| json!(l.language));
            }
        }
    }
    json!({ "cmi": Value::Object(cmi) })
}

fn credit(api: Api, preview: bool) -> &'static str {
    match (api, preview) {
        (_, false) => "credit",
        (Api::Scorm12, true) => "no-credit",
        (Api::Scorm2004, true) => "no_credit",
    }
}

/// A text of the `cmi` object at `path` (empty when absent), read in place.
fn text_of(cmi: &Map<String, Value>, path: &[&str]) -> String {
    let Some((first, rest)) = path.split_first() else {
        return String::new();
    };
    cmi.get(*first)
        .map(|v| text(v, rest).to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use amphi_interop::package::{Launch, ScormType};

    fn launch() -> Launch {
        Launch {
            identifier: "sco1".into(),
            title: "One".into(),
            href: "index.html".into(),
            scorm_type: ScormType::Sco,
            mastery_score: Some(80.0),
            scaled_passing_score: Some(0.7),
            completion_threshold: None,
            data_from_lms: Some("hello".into()),
            max_time_allowed: None,
            time_limit_action: None,
            prerequisites: None,
        }
    }

    #[test]
    fn times_read_and_write_in_both_versions() {
        assert_eq!(seconds_12("0001:02:03.50"), 3723);
        assert_eq!(seconds_12("00:00:61"), 0);
        assert_eq!(seconds_12("nonsense"), 0);
        assert_eq!(seconds_iso("PT1H2M3.5S"), 3723);
        assert_eq!(seconds_iso("P1DT1S"), 86_401);
        assert_eq!(seconds_iso("PT"), 0);
        assert_eq!(seconds_iso("P1X"), 0);
        assert_eq!(format_seconds(Api::Scorm12, 3723), "0001:02:03");
        assert_eq!(format_seconds(Api::Scorm2004, 3723), "PT1H2M3S");
    }

    #[test]
    fn scorm12_status_score_and_mastery() {
        let d = json!({"cmi": {"core": {"lesson_status": "completed", "score": {"raw": "85", "min": "", "max": ""}, "session_time": "00:01:30", "exit": "suspend"}}});
        let r = read(Api::Scorm12, &d, Some(80.0)).unwrap();
        assert_eq!(r.completion, completion::COMPLETED);
        assert_eq!(
            r.success,
            success::PASSED,
            "85 reaches the mastery score 80"
        );
        assert_eq!(r.scaled, Some(0.85));
        assert_eq!(r.session_seconds, 90);
        assert_eq!(r.exit, "suspend");
        let low = json!({"cmi": {"core": {"lesson_status": "completed", "score": {"raw": "50"}}}});
        assert_eq!(
            read(Api::Scorm12, &low, Some(80.0)).unwrap().success,
            success::FAILED
        );
        let long = json!({"cmi": {"suspend_data": "x".repeat(4097), "core": {}}});
        assert!(read(Api::Scorm12, &long, None).is_err());
        assert!(read(Api::Scorm12, &json!({"nope": 1}), None).is_err());
    }

    #[test]
    fn scorm2004_scaled_from_raw_when_absent() {
        let d = json!({"cmi": {"completion_status": "completed", "success_status": "failed", "score": {"raw": "3", "min": "0", "max": "4"}, "session_time": "PT10S"}});
        let r = read(Api::Scorm2004, &d, None).unwrap();
        assert_eq!(
            (r.completion, r.success),
            (completion::COMPLETED, success::FAILED)
        );
        assert_eq!(r.scaled, Some(0.75));
        let ok = json!({"cmi": {"suspend_data": "x".repeat(64_000)}});
        assert!(read(Api::Scorm2004, &ok, None).is_ok());
        let long = json!({"cmi": {"suspend_data": "x".repeat(64_001)}});
        assert!(read(Api::Scorm2004, &long, None).is_err());
    }

    #[test]
    fn a_suspended_sco_resumes_where_it_left() {
        let l = launch();
        let who = Learner {
            id: "u1".into(),
            name: "Doe, Jane".into(),
            language: "fr",
            launch: &l,
            preview: false,
        };
        let first = start(Api::Scorm12, None, 0, &who);
        assert_eq!(first["cmi"]["core"]["entry"], "ab-initio");
        assert_eq!(first["cmi"]["launch_data"], "hello");
        assert_eq!(first["cmi"]["student_data"]["mastery_score"], "80");
        let stored = json!({"cmi": {"suspend_data": "page=3", "core": {"lesson_location": "p3", "exit": "suspend", "session_time": "00:05:00", "lesson_status": "incomplete"}}});
        let again = start(Api::Scorm12, Some(&stored), 300, &who);
        assert_eq!(again["cmi"]["core"]["entry"], "resume");
        assert_eq!(again["cmi"]["core"]["lesson_location"], "p3");
        assert_eq!(again["cmi"]["suspend_data"], "page=3");
        assert_eq!(again["cmi"]["core"]["total_time"], "0000:05:00");
        assert!(again["cmi"]["core"].get("exit").is_none());
        assert!(again["cmi"]["core"].get("session_time").is_none());

        let s04 =
            json!({"cmi": {"location": "x", "exit": "normal", "completion_status": "completed"}});
        let fresh = start(Api::Scorm2004, Some(&s04), 60, &who);
        assert_eq!(
            fresh["cmi"]["entry"], "ab-initio",
            "left normally: a new attempt"
        );
        assert!(fresh["cmi"].get("location").is_none());
        assert_eq!(fresh["cmi"]["scaled_passing_score"], "0.7");
        assert_eq!(fresh["cmi"]["learner_preference"]["language"], "fr");
        let susp = json!({"cmi": {"location": "x", "exit": "suspend"}});
        let back = start(Api::Scorm2004, Some(&susp), 60, &who);
        assert_eq!(back["cmi"]["entry"], "resume");
        assert_eq!(back["cmi"]["location"], "x");
        assert_eq!(back["cmi"]["total_time"], "PT0H1M0S");
    }
}
