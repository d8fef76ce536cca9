//! cmi5's rules for what an AU sends in a session (section 9 of the specification), checked
//! before anything is stored: a statement that breaks one is refused (403) with the rule it
//! breaks, and the batch it came in is stored not at all.
//!
//! "cmi5 defined" statements carry the cmi5 category: only the AU's five verbs, about the
//! launch's activity id, in the launch's registration and session, with the publisher's AU id
//! in `grouping`; `initialized` first, `terminated` last; `completed` and `passed` at most
//! once per registration, `failed` never after `passed`; a score consistent with the mastery
//! score; in Browse and Review modes nothing but `initialized` and `terminated`. Other
//! ("cmi5 allowed") statements only between `initialized` and `terminated`. Nothing may be
//! voided with a launch's token.

use super::{state, verb, Mode, CATEGORY_CMI5, CATEGORY_MOVEON, EXT_SESSION};
use serde_json::Value;
use uuid::Uuid;

/// What a session's statements are checked against.
#[derive(Debug, Clone)]
pub struct Launch<'a> {
    /// The session id.
    pub session: Uuid,
    /// The registration.
    pub registration: Uuid,
    /// The activity id Amphi gave the AU.
    pub activity: &'a str,
    /// The AU's id in the course structure.
    pub publisher: &'a str,
    /// The launch mode.
    pub mode: Mode,
    /// The AU's mastery score (0–1).
    pub mastery: Option<f64>,
}

/// Where the session and the AU stand; [`check`] moves it statement by statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// One of [`state`].
    pub state: &'static str,
    /// The registration has a `completed` for this AU.
    pub completed: bool,
    /// The registration has a `passed` for this AU.
    pub passed: bool,
}

/// A score as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    /// `scaled`.
    pub scaled: Option<f64>,
    /// `raw`.
    pub raw: Option<f64>,
    /// `min`.
    pub min: Option<f64>,
    /// `max`.
    pub max: Option<f64>,
}

impl Score {
    /// The scaled score, or the one raw, min and max give.
    pub fn scaled(&self) -> Option<f64> {
        self.scaled.or(match (self.raw, self.min, self.max) {
            (Some(r), Some(lo), Some(hi)) if hi > lo => Some((r - lo) / (hi - lo)),
            _ => None,
        })
    }
}

/// What an accepted statement does.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `initialized`.
    Initialized,
    /// `completed`.
    Completed,
    /// `passed`, with its score.
    Passed(Score),
    /// `failed`, with its score.
    Failed(Score),
    /// `terminated`, with the session's duration in seconds.
    Terminated(i64),
    /// A cmi5 allowed statement.
    Allowed,
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

fn has_category(s: &Value, id: &str) -> bool {
    s.pointer("/context/contextActivities/category")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|c| c.get("id").and_then(Value::as_str) == Some(id))
        })
}

fn in_grouping(s: &Value, id: &str) -> bool {
    match s.pointer("/context/contextActivities/grouping") {
        Some(Value::Array(a)) => a
            .iter()
            .any(|c| c.get("id").and_then(Value::as_str) == Some(id)),
        Some(one @ Value::Object(_)) => one.get("id").and_then(Value::as_str) == Some(id),
        _ => false,
    }
}

fn score_of(s: &Value) -> Score {
    let n = |k: &str| {
        s.pointer(&format!("/result/score/{k}"))
            .and_then(Value::as_f64)
    };
    Score {
        scaled: n("scaled"),
        raw: n("raw"),
        min: n("min"),
        max: n("max"),
    }
}

/// Checks one statement sent in the session and moves `p`; what it does, or the rule it
/// breaks (in words for the AU's author).
pub fn check(l: &Launch<'_>, p: &mut Progress, s: &Value) -> Result<Event, String> {
    let verb_id = str_at(s, &["verb", "id"]).unwrap_or_default();
    if verb_id == verb::VOIDED {
        return Err("content launched by the LMS may not void statements".into());
    }
    if p.state == state::TERMINATED || p.state == state::ABANDONED || p.state == state::WAIVED {
        return Err(format!(
            "this AU session has ended ({}): it accepts no more statements",
            p.state
        ));
    }
    let registration =
        str_at(s, &["context", "registration"]).and_then(|r| Uuid::parse_str(r).ok());
    if registration != Some(l.registration) {
        return Err(format!(
            "context.registration must be the launch's registration {}",
            l.registration
        ));
    }
    let session = s
        .pointer("/context/extensions")
        .and_then(|e| e.get(EXT_SESSION))
        .and_then(Value::as_str);
    if session != Some(l.session.to_string().as_str()) {
        return Err(format!(
            "context.extensions must hold the session id {} under {EXT_SESSION}",
            l.session
        ));
    }
    let moveon = has_category(s, CATEGORY_MOVEON);
    if !has_category(s, CATEGORY_CMI5) {
        // cmi5 allowed.
        if p.state != state::INITIALIZED {
            return Err("the first statement of a session must be cmi5's initialized".into());
        }
        if moveon {
            return Err("only cmi5 defined statements may carry the moveOn category".into());
        }
        return Ok(Event::Allowed);
    }
    if str_at(s, &["object", "id"]) != Some(l.activity) {
        return Err(format!(
            "the object of a cmi5 defined statement must be the launch's activityId {}",
            l.activity
        ));
    }
    if !in_grouping(s, l.publisher) {
        return Err(format!(
            "context.contextActivities.grouping must hold the AU's id {}",
            l.publisher
        ));
    }
    let result = s.get("result");
    let has = |k: &str| result.and_then(|r| r.get(k)).is_some();
    let flag = |k: &str| result.and_then(|r| r.get(k)).and_then(Value::as_bool);
    let duration = has("duration");
    if verb_id == verb::INITIALIZED {
        if p.state != state::LAUNCHED {
            return Err("initialized may be sent once per session, first".into());
        }
        if has("success") || has("completion") || has("score") || moveon {
            return Err("initialized carries no success, completion, score nor moveOn".into());
        }
        p.state = state::INITIALIZED;
        return Ok(Event::Initialized);
    }
    if p.state != state::INITIALIZED {
        return Err("the first statement of a session must be cmi5's initialized".into());
    }
    let counts = [verb::COMPLETED, verb::PASSED, verb::FAILED].contains(&verb_id);
    if counts && l.mode != Mode::Normal {
        return Err(format!(
            "in {} mode an AU sends only initialized and terminated",
            l.mode.as_str()
        ));
    }
    if counts && !duration {
        return Err("completed, passed and failed must give result.duration".into());
    }
    if counts && !moveon {
        return Err("completed, passed and failed must carry the moveOn category".into());
    }
    if !counts && moveon {
        return Err("only completed, passed, failed and waived carry the moveOn category".into());
    }
    let score = score_of(s);
    if has("score") && verb_id != verb::PASSED && verb_id != verb::FAILED {
        return Err("only passed and failed carry a score".into());
    }
    if score.raw.is_some() && (score.min.is_none() || score.max.is_none()) {
        return Err("a raw score comes with its min and max".into());
    }
    match verb_id {
        verb::COMPLETED => {
            if p.completed {
                return Err("completed was already sent in this registration".into());
            }
            if flag("completion") != Some(true) || has("success") {
                return Err("completed carries result.completion true and no success".into());
            }
            p.completed = true;
            Ok(Event::Completed)
        }
        verb::PASSED | verb::FAILED => {
            let passing = verb_id == verb::PASSED;
            if p.passed {
                return Err(format!(
                    "{} after passed in this registration",
                    if passing { "passed again" } else { "failed" }
                ));
            }
            if flag("success") != Some(passing) || has("completion") {
                return Err(format!(
                    "{} carries result.success {passing} and no completion",
                    if passing { "passed" } else { "failed" }
                ));
            }
            if let (Some(m), Some(v)) = (l.mastery, score.scaled()) {
                if passing && v < m {
                    return Err(format!("passed with a score under the mastery score {m}"));
                }
                if !passing && v >= m {
                    return Err(format!(
                        "failed with a score at or over the mastery score {m}"
                    ));
                }
            }
            if passing {
                p.passed = true;
                Ok(Event::Passed(score))
            } else {
                Ok(Event::Failed(score))
            }
        }
        verb::TERMINATED => {
            let d = result
                .and_then(|r| r.get("duration"))
                .and_then(Value::as_str)
                .ok_or("terminated must give result.duration")?;
            if has("success") || has("completion") || has("score") {
                return Err("terminated carries no success, completion nor score".into());
            }
            p.state = state::TERMINATED;
            Ok(Event::Terminated(super::super::cmi::seconds_iso(d)))
        }
        other => Err(format!(
            "{other} is not a verb an AU may use in a cmi5 defined statement"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ACT: &str = "https://lms.example/xapi/activities/package/x/au/a";

    fn launch(mode: Mode) -> Launch<'static> {
        Launch {
            session: Uuid::from_u128(1),
            registration: Uuid::from_u128(2),
            activity: ACT,
            publisher: "https://pub.example/au/1",
            mode,
            mastery: Some(0.8),
        }
    }

    fn st(verb: &str, defined: bool, result: Value) -> Value {
        let mut cats = vec![];
        if defined {
            cats.push(json!({"id": CATEGORY_CMI5}));
        }
        if result.get("success").is_some() || result.get("completion").is_some() {
            cats.push(json!({"id": CATEGORY_MOVEON}));
        }
        json!({
            "verb": {"id": verb},
            "object": {"id": ACT},
            "result": result,
            "context": {
                "registration": Uuid::from_u128(2).to_string(),
                "contextActivities": {"category": cats, "grouping": [{"id": "https://pub.example/au/1"}]},
                "extensions": {EXT_SESSION: Uuid::from_u128(1).to_string()},
            }
        })
    }

    fn fresh() -> Progress {
        Progress {
            state: state::LAUNCHED,
            completed: false,
            passed: false,
        }
    }

    #[test]
    fn a_session_in_order() {
        let l = launch(Mode::Normal);
        let mut p = fresh();
        assert_eq!(
            check(&l, &mut p, &st(verb::INITIALIZED, true, json!({}))),
            Ok(Event::Initialized)
        );
        assert_eq!(
            check(
                &l,
                &mut p,
                &st(
                    "http://adlnet.gov/expapi/verbs/experienced",
                    false,
                    json!({})
                )
            ),
            Ok(Event::Allowed)
        );
        let done = json!({"completion": true, "duration": "PT1M"});
        assert_eq!(
            check(&l, &mut p, &st(verb::COMPLETED, true, done.clone())),
            Ok(Event::Completed)
        );
        assert!(
            check(&l, &mut p, &st(verb::COMPLETED, true, done)).is_err(),
            "twice"
        );
        let fail = json!({"success": false, "duration": "PT1M", "score": {"scaled": 0.5}});
        assert!(matches!(
            check(&l, &mut p, &st(verb::FAILED, true, fail)),
            Ok(Event::Failed(_))
        ));
        let low = json!({"success": true, "duration": "PT1M", "score": {"scaled": 0.5}});
        assert!(check(&l, &mut p, &st(verb::PASSED, true, low))
            .unwrap_err()
            .contains("mastery"));
        let pass =
            json!({"success": true, "duration": "PT1M", "score": {"raw": 9, "min": 0, "max": 10}});
        assert!(matches!(
            check(&l, &mut p, &st(verb::PASSED, true, pass)),
            Ok(Event::Passed(_))
        ));
        let fail = json!({"success": false, "duration": "PT1M"});
        assert!(
            check(&l, &mut p, &st(verb::FAILED, true, fail)).is_err(),
            "failed after passed"
        );
        assert_eq!(
            check(
                &l,
                &mut p,
                &st(verb::TERMINATED, true, json!({"duration": "PT2M"}))
            ),
            Ok(Event::Terminated(120))
        );
        assert!(
            check(&l, &mut p, &st(verb::INITIALIZED, true, json!({}))).is_err(),
            "ended"
        );
    }

    #[test]
    fn refusals() {
        let l = launch(Mode::Normal);
        let mut p = fresh();
        let allowed = st(
            "http://adlnet.gov/expapi/verbs/experienced",
            false,
            json!({}),
        );
        assert!(check(&l, &mut p, &allowed).is_err(), "before initialized");
        let mut other = st(verb::INITIALIZED, true, json!({}));
        other["context"]["extensions"][EXT_SESSION] = json!(Uuid::from_u128(9).to_string());
        assert!(check(&l, &mut p, &other)
            .unwrap_err()
            .contains("session id"));
        let mut reg = st(verb::INITIALIZED, true, json!({}));
        reg["context"]["registration"] = json!(Uuid::from_u128(9).to_string());
        assert!(check(&l, &mut p, &reg)
            .unwrap_err()
            .contains("registration"));
        let mut obj = st(verb::INITIALIZED, true, json!({}));
        obj["object"]["id"] = json!("https://elsewhere.example/a");
        assert!(check(&l, &mut p, &obj).unwrap_err().contains("activityId"));
        let void = json!({"verb": {"id": verb::VOIDED}});
        assert!(check(&l, &mut p, &void).unwrap_err().contains("void"));
        let lms = st(verb::SATISFIED, true, json!({}));
        assert!(check(&l, &mut p, &lms).is_err(), "an LMS verb");
        assert_eq!(p, fresh(), "nothing moved");

        let b = launch(Mode::Browse);
        let mut p = fresh();
        check(&b, &mut p, &st(verb::INITIALIZED, true, json!({}))).unwrap();
        let done = json!({"completion": true, "duration": "PT1M"});
        assert!(check(&b, &mut p, &st(verb::COMPLETED, true, done))
            .unwrap_err()
            .contains("Browse"));
        let no_duration = json!({"completion": true});
        let l = launch(Mode::Normal);
        let mut p = fresh();
        check(&l, &mut p, &st(verb::INITIALIZED, true, json!({}))).unwrap();
        assert!(check(&l, &mut p, &st(verb::COMPLETED, true, no_duration))
            .unwrap_err()
            .contains("duration"));
    }
}
