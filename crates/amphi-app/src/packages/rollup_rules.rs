//! The server's own rollup of a SCORM 2004 package with sequencing: the manifest's activity
//! tree (`Structure.sequencing`, scorm-again's settings shape) evaluated over the SCOs' data as
//! stored, never over what the browser says of the tree. The player runs scorm-again's engine
//! for navigation; what goes into progress and the gradebook is recomputed here, by the same
//! rules, so that a learner cannot pass by editing the engine's state.
//!
//! Followed (SCORM 2004 SN book, RB.1): measure rollup weighted by `objectiveMeasureWeight`
//! over the children whose measure is known; objective rollup by measure when the primary
//! objective is `satisfiedByMeasure`, else by the custom rollup rules (`all`, `any`, `none`,
//! `atLeastCount`, `atLeastPercent`; conditions `satisfied`, `objectiveStatusKnown`,
//! `objectiveMeasureKnown`, `completed`, `progressKnown`, `attempted`, with `not`), else by the
//! defaults (a known failure fails, an unknown child leaves it unknown, all satisfied
//! satisfies); the same for completion; `rollupObjectiveSatisfied` and
//! `rollupProgressCompletion` leave a child out; untracked children
//! (`deliveryControls.tracked = false`) count for nothing; a SCO whose attempt ended (`exit`
//! normal, logout or time-out) without reporting is completed and satisfied, as the End
//! Attempt process does unless `completionSetByContent` / `objectiveSetByContent`; primary
//! objectives that write a shared global objective (`mapInfo`) are read by those that read it.
//! Not followed: the conditions that need the sequencing session's history
//! (`attemptLimitExceeded`, `timeLimitExceeded`, `outsideAvailableTimeRange`, which read as
//! false) and the `adlseq:rollupConsiderations` (every child is considered).

use super::cmi::{completion, success};
use amphi_db::rows;
use serde_json::Value;
use std::collections::HashMap;

/// What is known of one activity after rollup: `None` where it is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Status {
    /// Completed (true) or incomplete (false).
    pub completed: Option<bool>,
    /// Satisfied (true) or not satisfied (false).
    pub satisfied: Option<bool>,
    /// Normalized measure (-1..1).
    pub measure: Option<f64>,
    /// The activity was launched.
    pub attempted: bool,
}

/// Rolls the SCOs' data up the activity tree (`{"activityTree": …}`); the root's status.
pub fn root_status(sequencing: &Value, scos: &[rows::PackageSco]) -> Option<Status> {
    let root = sequencing.get("activityTree")?;
    let by_id: HashMap<&str, &rows::PackageSco> =
        scos.iter().map(|s| (s.sco.as_str(), s)).collect();
    // Shared global objectives written by the leaves' primary objectives.
    let mut globals: HashMap<String, (Option<bool>, Option<f64>)> = HashMap::new();
    collect_globals(root, &by_id, &mut globals);
    Some(status(root, &by_id, &globals))
}

fn children(a: &Value) -> &[Value] {
    a.get("children")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn control<'a>(a: &'a Value, key: &str) -> Option<&'a Value> {
    a.get("sequencingControls").and_then(|c| c.get(key))
}

fn flag(v: Option<&Value>, default: bool) -> bool {
    v.and_then(Value::as_bool).unwrap_or(default)
}

fn primary(a: &Value) -> Option<&Value> {
    a.get("primaryObjective")
}

fn maps(o: &Value) -> &[Value] {
    o.get("mapInfo")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn delivery(a: &Value, key: &str, default: bool) -> bool {
    flag(a.get("deliveryControls").and_then(|d| d.get(key)), default)
}

/// A leaf's status from its SCO's stored data (no global objective read yet).
fn leaf(a: &Value, sco: Option<&&rows::PackageSco>) -> Status {
    let Some(s) = sco else {
        return Status::default();
    };
    let data: Value = serde_json::from_str(&s.cmi).unwrap_or_default();
    let exit = data
        .pointer("/cmi/exit")
        .and_then(Value::as_str)
        .unwrap_or("");
    let ended = matches!(exit, "normal" | "logout" | "time-out");
    let mut completed = match s.completion.as_str() {
        completion::COMPLETED => Some(true),
        completion::INCOMPLETE | completion::NOT_ATTEMPTED => Some(false),
        _ => None,
    };
    let mut satisfied = match s.success.as_str() {
        success::PASSED => Some(true),
        success::FAILED => Some(false),
        _ => None,
    };
    let measure = s.score_scaled;
    if let Some(p) = primary(a) {
        if flag(p.get("satisfiedByMeasure"), false) {
            if let Some(m) = measure {
                let min = p
                    .get("minNormalizedMeasure")
                    .and_then(Value::as_f64)
                    .unwrap_or(1.0);
                satisfied = Some(m + 1e-9 >= min);
            }
        }
    }
    // The End Attempt process: content that ends its attempt without saying is done.
    if ended && completed != Some(true) && !delivery(a, "completionSetByContent", false) {
        completed = Some(true);
    }
    if ended && satisfied.is_none() && !delivery(a, "objectiveSetByContent", false) {
        satisfied = Some(true);
    }
    Status {
        completed,
        satisfied,
        measure,
        attempted: true,
    }
}

fn collect_globals(
    a: &Value,
    scos: &HashMap<&str, &rows::PackageSco>,
    out: &mut HashMap<String, (Option<bool>, Option<f64>)>,
) {
    let kids = children(a);
    if kids.is_empty() {
        let id = a.get("id").and_then(Value::as_str).unwrap_or("");
        let st = leaf(a, scos.get(id));
        for m in primary(a).map(maps).unwrap_or(&[]) {
            let Some(target) = m.get("targetObjectiveID").and_then(Value::as_str) else {
                continue;
            };
            let e = out.entry(target.to_owned()).or_default();
            if flag(m.get("writeSatisfiedStatus"), false) && st.satisfied.is_some() {
                e.0 = st.satisfied;
            }
            if flag(m.get("writeNormalizedMeasure"), false) && st.measure.is_some() {
                e.1 = st.measure;
            }
        }
    }
    for c in kids {
        collect_globals(c, scos, out);
    }
}

fn status(
    a: &Value,
    scos: &HashMap<&str, &rows::PackageSco>,
    globals: &HashMap<String, (Option<bool>, Option<f64>)>,
) -> Status {
    let kids = children(a);
    let mut st = if kids.is_empty() {
        let id = a.get("id").and_then(Value::as_str).unwrap_or("");
        leaf(a, scos.get(id))
    } else {
        let rolled: Vec<(&Value, Status)> = kids
            .iter()
            .filter(|c| delivery(c, "tracked", true))
            .map(|c| (c, status(c, scos, globals)))
            .collect();
        cluster(a, &rolled)
    };
    // A primary objective that reads a shared global objective takes what it says when its own
    // status is unknown.
    for m in primary(a).map(maps).unwrap_or(&[]) {
        let Some((sat, measure)) = m
            .get("targetObjectiveID")
            .and_then(Value::as_str)
            .and_then(|t| globals.get(t))
        else {
            continue;
        };
        if st.satisfied.is_none() && flag(m.get("readSatisfiedStatus"), true) {
            st.satisfied = *sat;
        }
        if st.measure.is_none() && flag(m.get("readNormalizedMeasure"), true) {
            st.measure = *measure;
        }
    }
    st
}

fn cluster(a: &Value, kids: &[(&Value, Status)]) -> Status {
    let attempted = kids.iter().any(|(_, s)| s.attempted);
    // Measure: weighted over the children whose measure is known.
    let (mut total, mut weight) = (0.0, 0.0);
    for (c, s) in kids {
        if let Some(m) = s.measure {
            let w = control(c, "objectiveMeasureWeight")
                .and_then(Value::as_f64)
                .unwrap_or(1.0);
            total += m * w;
            weight += w;
        }
    }
    let measure = (weight > 0.0).then(|| total / weight);
    let rules: &[Value] = a
        .get("rollupRules")
        .and_then(|r| r.get("rules"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let for_objective: Vec<&Status> = kids
        .iter()
        .filter(|(c, _)| flag(control(c, "rollupObjectiveSatisfied"), true))
        .map(|(_, s)| s)
        .collect();
    let for_progress: Vec<&Status> = kids
        .iter()
        .filter(|(c, _)| flag(control(c, "rollupProgressCompletion"), true))
        .map(|(_, s)| s)
        .collect();
    let by_measure = primary(a).filter(|p| flag(p.get("satisfiedByMeasure"), false));
    let satisfied = match (by_measure, measure) {
        (Some(p), Some(m)) => {
            let min = p
                .get("minNormalizedMeasure")
                .and_then(Value::as_f64)
                .unwrap_or(1.0);
            Some(m + 1e-9 >= min)
        }
        _ => by_rules(rules, &for_objective, ("notSatisfied", "satisfied"), |s| {
            s.satisfied
        }),
    };
    let completed = by_rules(rules, &for_progress, ("incomplete", "completed"), |s| {
        s.completed
    });
    Status {
        completed,
        satisfied,
        measure,
        attempted,
    }
}

/// One dimension's rollup (`(negative, positive)` actions): the negative rules first, then the
/// positive ones, which win; the default rule of an action the package gives no rule for.
fn by_rules(
    rules: &[Value],
    kids: &[&Status],
    (neg, pos): (&str, &str),
    known: impl Fn(&Status) -> Option<bool>,
) -> Option<bool> {
    if kids.is_empty() {
        return None;
    }
    let of = |action: &str| -> Vec<&Value> {
        rules
            .iter()
            .filter(|r| r.get("action").and_then(Value::as_str) == Some(action))
            .collect()
    };
    let (negs, poss) = (of(neg), of(pos));
    let mut out = None;
    let negative = if negs.is_empty() {
        kids.iter().any(|s| known(s) == Some(false))
    } else {
        negs.iter().any(|r| fires(r, kids))
    };
    if negative {
        out = Some(false);
    }
    let positive = if poss.is_empty() {
        kids.iter().all(|s| known(s) == Some(true))
    } else {
        poss.iter().any(|r| fires(r, kids))
    };
    if positive {
        out = Some(true);
    }
    out
}

/// Whether a rollup rule fires over the contributing children.
fn fires(rule: &Value, kids: &[&Status]) -> bool {
    let conditions: &[Value] = rule
        .get("conditions")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let all = rule.get("conditionCombination").and_then(Value::as_str) == Some("all");
    let holds = |s: &Status| {
        let mut it = conditions.iter().map(|c| condition(c, s));
        if all {
            it.all(|b| b)
        } else {
            it.any(|b| b)
        }
    };
    let n = kids.iter().filter(|s| holds(s)).count();
    match rule
        .get("consideration")
        .and_then(Value::as_str)
        .unwrap_or("all")
    {
        "any" => n > 0,
        "none" => n == 0,
        "atLeastCount" => {
            n as u64
                >= rule
                    .get("minimumCount")
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
        }
        "atLeastPercent" => {
            let min = rule
                .get("minimumPercent")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            n as f64 * 100.0 / kids.len() as f64 + 1e-9 >= min
        }
        _ => n == kids.len(),
    }
}

fn condition(c: &Value, s: &Status) -> bool {
    let v = match c.get("condition").and_then(Value::as_str).unwrap_or("") {
        "satisfied" => s.satisfied == Some(true),
        "objectiveStatusKnown" => s.satisfied.is_some(),
        "objectiveMeasureKnown" => s.measure.is_some(),
        "completed" => s.completed == Some(true),
        "progressKnown" | "activityProgressKnown" => s.completed.is_some(),
        "attempted" => s.attempted,
        _ => false,
    };
    if c.get("operator").and_then(Value::as_str) == Some("not") {
        !v
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use serde_json::json;
    use uuid::Uuid;

    fn sco(id: &str, c: &str, s: &str, scaled: Option<f64>, exit: &str) -> rows::PackageSco {
        rows::PackageSco {
            attempt_id: Uuid::nil(),
            sco: id.into(),
            tenant_id: Uuid::nil(),
            revision: 1,
            cmi: json!({"cmi": {"exit": exit}}).to_string(),
            completion: c.into(),
            success: s.into(),
            score_scaled: scaled,
            score_raw: None,
            score_min: None,
            score_max: None,
            base_seconds: 0,
            session_seconds: 0,
            updated_at: Utc::now(),
        }
    }

    /// The activity tree of tests/fixtures/scorm-sequenced, as the reader writes it.
    fn tree() -> Value {
        json!({"activityTree": {"id": "course", "rollupRules": {"rules": [
            {"action": "completed", "consideration": "any", "conditionCombination": "any",
             "conditions": [{"condition": "satisfied", "operator": "noOp"}]},
            {"action": "completed", "consideration": "all", "conditionCombination": "any",
             "conditions": [{"condition": "completed", "operator": "noOp"}]}]},
          "children": [
            {"id": "pretest", "sequencingControls": {"rollupObjectiveSatisfied": false,
              "rollupProgressCompletion": false, "objectiveMeasureWeight": 0.0},
             "primaryObjective": {"objectiveID": "p", "mapInfo": [{"targetObjectiveID": "g",
               "readSatisfiedStatus": false, "writeSatisfiedStatus": true}]}},
            {"id": "lessons", "sequencingControls": {"rollupObjectiveSatisfied": false,
              "objectiveMeasureWeight": 0.0},
             "children": [{"id": "lesson1"}, {"id": "lesson2"}]},
            {"id": "posttest", "primaryObjective": {"objectiveID": "q",
              "satisfiedByMeasure": true, "minNormalizedMeasure": 0.8}}]}})
    }

    #[test]
    fn only_the_post_test_counts_and_passing_it_completes_the_course() {
        let t = tree();
        let pre = sco("pretest", "completed", "passed", Some(0.9), "normal");
        let s = root_status(&t, std::slice::from_ref(&pre)).unwrap();
        assert_eq!((s.completed, s.satisfied), (None, None), "only the pretest");
        assert_eq!(s.measure, None, "its weight is 0");
        let failed = sco("posttest", "completed", "failed", Some(0.5), "normal");
        let s = root_status(&t, &[pre.clone(), failed]).unwrap();
        assert_eq!(s.satisfied, Some(false));
        assert_eq!(s.completed, None, "lessons unknown, nothing satisfied");
        assert_eq!(s.measure, Some(0.5));
        // The post-test is satisfied by measure, whatever it reported.
        let passed = sco("posttest", "completed", "unknown", Some(0.85), "normal");
        let s = root_status(&t, &[pre, passed]).unwrap();
        assert_eq!((s.completed, s.satisfied), (Some(true), Some(true)));
        assert_eq!(s.measure, Some(0.85));
    }

    #[test]
    fn every_part_done_completes_it_and_an_ended_sco_that_said_nothing_is_done() {
        let t = tree();
        let scos = [
            sco("pretest", "completed", "failed", Some(0.3), "normal"),
            sco("lesson1", "unknown", "unknown", None, "normal"),
            sco("lesson2", "completed", "unknown", None, "normal"),
            sco("posttest", "completed", "failed", Some(0.6), "normal"),
        ];
        let s = root_status(&t, &scos).unwrap();
        assert_eq!(
            s.completed,
            Some(true),
            "all of lessons and post-test completed"
        );
        assert_eq!(s.satisfied, Some(false));
        let suspended = [sco("lesson1", "incomplete", "unknown", None, "suspend")];
        let s = root_status(&t, &suspended).unwrap();
        assert_eq!(
            s.completed,
            Some(false),
            "a lesson left incomplete, by default"
        );
    }

    #[test]
    fn rules_count_and_percent_and_the_not_operator() {
        let kids = [
            Status {
                satisfied: Some(true),
                ..Status::default()
            },
            Status::default(),
        ];
        let refs: Vec<&Status> = kids.iter().collect();
        let r = |set: &str, op: &str| {
            json!({"action": "satisfied", "consideration": set, "minimumCount": 1,
                   "minimumPercent": 50.0, "conditions": [{"condition": "satisfied", "operator": op}]})
        };
        assert!(fires(&r("atLeastCount", "noOp"), &refs));
        assert!(fires(&r("atLeastPercent", "noOp"), &refs));
        assert!(!fires(&r("all", "noOp"), &refs));
        assert!(fires(&r("any", "not"), &refs));
        assert!(!fires(&r("none", "noOp"), &refs));
    }
}
