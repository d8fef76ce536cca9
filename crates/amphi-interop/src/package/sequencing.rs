//! SCORM 2004 sequencing (`imsss`, with the ADL extensions `adlseq`, `adlnav` and `adlcp`) as
//! scorm-again's `SequencingSettings` JSON: `{ "activityTree": ActivitySettings }`, whose root
//! is the organization and whose children are its items.
//!
//! Values are written in scorm-again's vocabulary (its `RuleConditionType`, `RuleActionType`,
//! `RollupConditionType`, … enums of version 3.4.3): the same strings as `imsss` except the
//! rollup condition `activityProgressKnown`, which scorm-again calls `progressKnown`, and
//! `minimumPercent`, which scorm-again takes in 0–100 where `imsss` says 0–1. A rule condition's
//! `noOp` operator is left out (scorm-again's absent operator). Every element present is
//! written with the defaults of the `imsss` schema filled in, and every activity gets the
//! control modes, so the JSON does not depend on scorm-again's own defaults (its `flow` is
//! true, IMS's false; its map info reads scores unless told not to).
//!
//! An `IDRef` to a `sequencingCollection` is resolved here: the collection's elements apply
//! unless the item's own `imsss:sequencing` has the same element (element-level override, SCORM
//! 2004 CAM 5.1.3).

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::ns::{ADLCP_2004, ADLNAV, ADLSEQ, IMSSS};
use super::problems::{ProblemKind, Report};
use super::values::Values;
use super::xml::Element;

/// One `imsss:sequencing` read into the ActivitySettings fields each of its elements sets,
/// kept by element name so that a local element replaces a collection's one.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sequencing(BTreeMap<&'static str, Vec<(Field, Value)>>);

/// Where a value goes in ActivitySettings.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Field {
    /// A key of the activity itself.
    Top(&'static str),
    /// A key of its `sequencingControls`.
    Control(&'static str),
}

/// The `sequencingCollection`'s `imsss:sequencing` elements by `ID`, each read (and its
/// problems reported) once, whether items use it or not; each `ID` comes with its line.
pub(crate) fn collections(root: &Element, r: &mut Report) -> HashMap<String, (u32, Sequencing)> {
    let mut out = HashMap::new();
    for s in root
        .children(IMSSS, "sequencingCollection")
        .flat_map(|c| c.children(IMSSS, "sequencing"))
    {
        match s.attr("ID").map(str::trim).filter(|id| !id.is_empty()) {
            Some(id) => {
                if out.insert(id.to_string(), (s.line, read(s, r))).is_some() {
                    r.at(s.line, ProblemKind::DuplicateIdentifier { id: id.into() });
                }
            }
            None => r.at(
                s.line,
                ProblemKind::MissingAttribute {
                    element: "sequencing".into(),
                    attribute: "ID".into(),
                },
            ),
        }
    }
    out
}

/// The sequencing of an item or organization: its own `imsss:sequencing` over the collection it
/// names. `None` when it has neither.
pub(crate) fn of(
    owner: &Element,
    collections: &HashMap<String, (u32, Sequencing)>,
    r: &mut Report,
) -> Option<Sequencing> {
    let local = owner.child(IMSSS, "sequencing")?;
    let mut seq = Sequencing::default();
    if let Some(idref) = local.attr("IDRef").map(str::trim) {
        match collections.get(idref) {
            Some((_, shared)) => seq = shared.clone(),
            None => r.at(
                local.line,
                ProblemKind::UnknownIdentifierRef {
                    id: idref.to_string(),
                },
            ),
        }
    }
    seq.0.extend(read(local, r).0);
    Some(seq)
}

impl Sequencing {
    /// The ActivitySettings keys this sequencing sets.
    pub(crate) fn settings(&self) -> Map<String, Value> {
        let mut top = Map::new();
        let mut controls = Map::new();
        for (field, value) in self.0.values().flatten() {
            match field {
                Field::Top(k) => {
                    top.insert((*k).to_string(), value.clone());
                }
                Field::Control(k) => {
                    controls.insert((*k).to_string(), value.clone());
                }
            }
        }
        if !controls.is_empty() {
            top.insert("sequencingControls".into(), Value::Object(controls));
        }
        top
    }

    /// The primary objective's passing measure, when it is satisfied by measure.
    pub(crate) fn scaled_passing_score(&self) -> Option<f64> {
        self.settings()
            .get("primaryObjective")?
            .get("minNormalizedMeasure")?
            .as_f64()
    }

    /// `limitConditions/@attemptAbsoluteDurationLimit`.
    pub(crate) fn attempt_duration_limit(&self) -> Option<String> {
        self.settings()
            .get("attemptAbsoluteDurationLimit")?
            .as_str()
            .map(str::to_string)
    }
}

/// `imsss:controlMode` attributes with their schema defaults. Every activity of the JSON gets
/// them, as scorm-again's own default for `flow` is true where IMS says false.
pub(crate) const CONTROL_MODE: [(&str, bool); 6] = [
    ("choice", true),
    ("choiceExit", true),
    ("flow", false),
    ("forwardOnly", false),
    ("useCurrentAttemptObjectiveInfo", true),
    ("useCurrentAttemptProgressInfo", true),
];

const PRE_ACTIONS: &[&str] = &[
    "skip",
    "disabled",
    "hiddenFromChoice",
    "stopForwardTraversal",
];
const EXIT_ACTIONS: &[&str] = &["exit"];
const POST_ACTIONS: &[&str] = &[
    "exitParent",
    "exitAll",
    "retry",
    "retryAll",
    "continue",
    "previous",
];
const RULE_CONDITIONS: &[&str] = &[
    "satisfied",
    "objectiveStatusKnown",
    "objectiveMeasureKnown",
    "objectiveMeasureGreaterThan",
    "objectiveMeasureLessThan",
    "completed",
    "activityProgressKnown",
    "attempted",
    "attemptLimitExceeded",
    "timeLimitExceeded",
    "outsideAvailableTimeRange",
    "always",
];
const ROLLUP_CONDITIONS: &[&str] = &[
    "satisfied",
    "objectiveStatusKnown",
    "objectiveMeasureKnown",
    "completed",
    "activityProgressKnown",
    "attempted",
    "attemptLimitExceeded",
    "timeLimitExceeded",
    "outsideAvailableTimeRange",
];
const ROLLUP_ACTIONS: &[&str] = &["satisfied", "notSatisfied", "completed", "incomplete"];
const CHILD_SETS: &[&str] = &["all", "any", "none", "atLeastCount", "atLeastPercent"];
const COMBINATIONS: &[&str] = &["all", "any"];
const OPERATORS: &[&str] = &["not", "noOp"];
const TIMINGS: &[&str] = &["never", "once", "onEachNewAttempt"];
const CONSIDERATIONS: &[&str] = &["always", "ifAttempted", "ifNotSkipped", "ifNotSuspended"];
const HIDE_LMS_UI: &[&str] = &[
    "continue",
    "previous",
    "exit",
    "exitAll",
    "abandon",
    "abandonAll",
    "suspendAll",
];

/// Reads one `imsss:sequencing` element.
fn read(seq: &Element, r: &mut Report) -> Sequencing {
    let mut out = BTreeMap::new();
    let mut v = Values { r };
    if let Some(cm) = seq.child(IMSSS, "controlMode") {
        let fields = CONTROL_MODE
            .iter()
            .map(|(key, default)| (Field::Control(key), v.bool(cm, key, *default)))
            .collect();
        out.insert("controlMode", fields);
    }
    if let Some(rules) = seq.child(IMSSS, "sequencingRules") {
        let mut settings = Map::new();
        for (element, key, actions) in [
            ("preConditionRule", "preConditionRules", PRE_ACTIONS),
            ("exitConditionRule", "exitConditionRules", EXIT_ACTIONS),
            ("postConditionRule", "postConditionRules", POST_ACTIONS),
        ] {
            let list: Vec<Value> = rules
                .children(IMSSS, element)
                .filter_map(|rule| v.sequencing_rule(rule, actions))
                .collect();
            if !list.is_empty() {
                settings.insert(key.into(), Value::Array(list));
            }
        }
        out.insert(
            "sequencingRules",
            vec![(Field::Top("sequencingRules"), Value::Object(settings))],
        );
    }
    if let Some(limits) = seq.child(IMSSS, "limitConditions") {
        let mut fields = Vec::new();
        if let Some(n) = v.uint(limits, "attemptLimit") {
            fields.push((Field::Top("attemptLimit"), json!(n)));
        }
        if let Some(d) = v.duration(limits, "attemptAbsoluteDurationLimit") {
            fields.push((Field::Top("attemptAbsoluteDurationLimit"), json!(d)));
        }
        out.insert("limitConditions", fields);
    }
    if let Some(rollup) = seq.child(IMSSS, "rollupRules") {
        let rules: Vec<Value> = rollup
            .children(IMSSS, "rollupRule")
            .filter_map(|rule| v.rollup_rule(rule))
            .collect();
        out.insert(
            "rollupRules",
            vec![
                (
                    Field::Control("rollupObjectiveSatisfied"),
                    v.bool(rollup, "rollupObjectiveSatisfied", true),
                ),
                (
                    Field::Control("rollupProgressCompletion"),
                    v.bool(rollup, "rollupProgressCompletion", true),
                ),
                (
                    Field::Control("objectiveMeasureWeight"),
                    json!(v
                        .decimal(rollup, "objectiveMeasureWeight", 0.0, 1.0)
                        .unwrap_or(1.0)),
                ),
                (Field::Top("rollupRules"), json!({ "rules": rules })),
            ],
        );
    }
    if let Some(objectives) = seq.child(IMSSS, "objectives") {
        let extra = seq
            .child(ADLSEQ, "objectives")
            .map(|o| v.adlseq_map_info(o))
            .unwrap_or_default();
        let mut fields = Vec::new();
        if let Some(primary) = objectives.child(IMSSS, "primaryObjective") {
            fields.push((
                Field::Top("primaryObjective"),
                v.objective(primary, true, &extra),
            ));
        }
        let others: Vec<Value> = objectives
            .children(IMSSS, "objective")
            .map(|o| v.objective(o, false, &extra))
            .collect();
        if !others.is_empty() {
            fields.push((Field::Top("objectives"), Value::Array(others)));
        }
        out.insert("objectives", fields);
    }
    if let Some(rc) = seq.child(IMSSS, "randomizationControls") {
        let reorder = v.bool(rc, "reorderChildren", false);
        let mut fields = vec![
            (
                Field::Control("randomizationTiming"),
                v.one_of(rc, "randomizationTiming", TIMINGS, "never"),
            ),
            (Field::Control("randomizeChildren"), reorder.clone()),
            (Field::Control("reorderChildren"), reorder),
            (
                Field::Control("selectionTiming"),
                v.one_of(rc, "selectionTiming", TIMINGS, "never"),
            ),
        ];
        if let Some(n) = v.uint(rc, "selectCount") {
            fields.push((Field::Control("selectCount"), json!(n)));
            fields.push((Field::Control("selectionCountStatus"), json!(true)));
        }
        out.insert("randomizationControls", fields);
    }
    if let Some(dc) = seq.child(IMSSS, "deliveryControls") {
        out.insert(
            "deliveryControls",
            vec![(
                Field::Top("deliveryControls"),
                json!({
                    "tracked": v.bool(dc, "tracked", true),
                    "completionSetByContent": v.bool(dc, "completionSetByContent", false),
                    "objectiveSetByContent": v.bool(dc, "objectiveSetByContent", false),
                }),
            )],
        );
    }
    if let Some(cc) = seq.child(ADLSEQ, "constrainedChoiceConsiderations") {
        out.insert(
            "constrainedChoiceConsiderations",
            vec![
                (
                    Field::Control("preventActivation"),
                    v.bool(cc, "preventActivation", false),
                ),
                (
                    Field::Control("constrainChoice"),
                    v.bool(cc, "constrainChoice", false),
                ),
            ],
        );
    }
    if let Some(rc) = seq.child(ADLSEQ, "rollupConsiderations") {
        let mut c = Map::new();
        for key in [
            "requiredForSatisfied",
            "requiredForNotSatisfied",
            "requiredForCompleted",
            "requiredForIncomplete",
        ] {
            c.insert(key.into(), v.one_of(rc, key, CONSIDERATIONS, "always"));
        }
        c.insert(
            "measureSatisfactionIfActive".into(),
            v.bool(rc, "measureSatisfactionIfActive", true),
        );
        out.insert(
            "rollupConsiderations",
            vec![(Field::Top("rollupConsiderations"), Value::Object(c))],
        );
    }
    Sequencing(out)
}

/// An item's settings outside `imsss:sequencing` that scorm-again's activity takes.
pub(crate) fn item_extras(item: &Element, r: &mut Report) -> Map<String, Value> {
    let mut out = Map::new();
    let mut v = Values { r };
    if let Some(hide) = item
        .child(ADLNAV, "presentation")
        .and_then(|p| p.child(ADLNAV, "navigationInterface"))
    {
        let tokens: Vec<Value> = hide
            .children(ADLNAV, "hideLMSUI")
            .filter_map(|h| v.token(h, HIDE_LMS_UI))
            .collect();
        if !tokens.is_empty() {
            out.insert("hideLmsUi".into(), Value::Array(tokens));
        }
    }
    if let Some(ct) = completion_threshold(item, v.r) {
        let mut c = Map::new();
        c.insert("completedByMeasure".into(), json!(ct.completed_by_measure));
        c.insert("minProgressMeasure".into(), json!(ct.min_progress_measure));
        c.insert("progressWeight".into(), json!(ct.progress_weight));
        out.insert("completionThreshold".into(), Value::Object(c));
    }
    if let Some(data) = item.child(ADLCP_2004, "data") {
        let maps: Vec<Value> = data
            .children(ADLCP_2004, "map")
            .filter_map(|m| {
                let target = v.required(m, "targetID")?;
                Some(json!({
                    "targetID": target,
                    "readSharedData": v.bool(m, "readSharedData", true),
                    "writeSharedData": v.bool(m, "writeSharedData", false),
                }))
            })
            .collect();
        if !maps.is_empty() {
            out.insert("sharedDataMaps".into(), Value::Array(maps));
        }
    }
    out
}

/// `adlcp:completionThreshold`: the 3rd edition's decimal text, or the 4th edition's
/// attributes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CompletionThreshold {
    pub completed_by_measure: bool,
    pub min_progress_measure: f64,
    pub progress_weight: f64,
}

pub(crate) fn completion_threshold(item: &Element, r: &mut Report) -> Option<CompletionThreshold> {
    let el = item.child(ADLCP_2004, "completionThreshold")?;
    let mut v = Values { r };
    let text = el.trimmed();
    if !text.is_empty() {
        let min = v.decimal_text(el, "completionThreshold", text, 0.0, 1.0)?;
        return Some(CompletionThreshold {
            completed_by_measure: true,
            min_progress_measure: min,
            progress_weight: 1.0,
        });
    }
    Some(CompletionThreshold {
        completed_by_measure: v.bool(el, "completedByMeasure", false).as_bool() == Some(true),
        min_progress_measure: v.decimal(el, "minProgressMeasure", 0.0, 1.0).unwrap_or(1.0),
        progress_weight: v.decimal(el, "progressWeight", 0.0, 1.0).unwrap_or(1.0),
    })
}

/// The sequencing elements, read into scorm-again settings.
impl Values<'_> {
    fn sequencing_rule(&mut self, rule: &Element, actions: &[&str]) -> Option<Value> {
        let Some(action_el) = rule.child(IMSSS, "ruleAction") else {
            self.r.at(
                rule.line,
                ProblemKind::MissingElement {
                    element: "ruleAction".into(),
                },
            );
            return None;
        };
        let action = self.required_one_of(action_el, "action", actions);
        let Some(conds) = rule.child(IMSSS, "ruleConditions") else {
            self.r.at(
                rule.line,
                ProblemKind::MissingElement {
                    element: "ruleConditions".into(),
                },
            );
            return None;
        };
        let combination = self.one_of(conds, "conditionCombination", COMBINATIONS, "all");
        let mut conditions = Vec::new();
        for c in conds.children(IMSSS, "ruleCondition") {
            let Some(condition) = self.required_one_of(c, "condition", RULE_CONDITIONS) else {
                continue;
            };
            let mut out = Map::new();
            out.insert("condition".into(), json!(condition));
            if self.one_of(c, "operator", OPERATORS, "noOp") == json!("not") {
                out.insert("operator".into(), json!("not"));
            }
            if let Some(obj) = c.attr("referencedObjective") {
                out.insert("referencedObjective".into(), json!(obj.trim()));
            }
            if let Some(t) = self.decimal(c, "measureThreshold", -1.0, 1.0) {
                out.insert("parameters".into(), json!({ "threshold": t }));
            }
            conditions.push(Value::Object(out));
        }
        if conditions.is_empty() {
            self.r.at(
                conds.line,
                ProblemKind::MissingElement {
                    element: "ruleCondition".into(),
                },
            );
            return None;
        }
        Some(json!({
            "action": action?,
            "conditionCombination": combination,
            "conditions": conditions,
        }))
    }

    fn rollup_rule(&mut self, rule: &Element) -> Option<Value> {
        let Some(action_el) = rule.child(IMSSS, "rollupAction") else {
            self.r.at(
                rule.line,
                ProblemKind::MissingElement {
                    element: "rollupAction".into(),
                },
            );
            return None;
        };
        let action = self.required_one_of(action_el, "action", ROLLUP_ACTIONS);
        let Some(conds) = rule.child(IMSSS, "rollupConditions") else {
            self.r.at(
                rule.line,
                ProblemKind::MissingElement {
                    element: "rollupConditions".into(),
                },
            );
            return None;
        };
        let combination = self.one_of(conds, "conditionCombination", COMBINATIONS, "any");
        let mut conditions = Vec::new();
        for c in conds.children(IMSSS, "rollupCondition") {
            let Some(condition) = self.required_one_of(c, "condition", ROLLUP_CONDITIONS) else {
                continue;
            };
            let condition = if condition == "activityProgressKnown" {
                "progressKnown".to_string()
            } else {
                condition
            };
            conditions.push(json!({
                "condition": condition,
                "operator": self.one_of(c, "operator", OPERATORS, "noOp"),
            }));
        }
        if conditions.is_empty() {
            self.r.at(
                conds.line,
                ProblemKind::MissingElement {
                    element: "rollupCondition".into(),
                },
            );
            return None;
        }
        let consideration = self.one_of(rule, "childActivitySet", CHILD_SETS, "all");
        let minimum_count = self.uint(rule, "minimumCount").unwrap_or(0);
        let minimum_percent = self
            .decimal(rule, "minimumPercent", 0.0, 1.0)
            .unwrap_or(0.0);
        Some(json!({
            "action": action?,
            "consideration": consideration,
            "minimumCount": minimum_count,
            "minimumPercent": minimum_percent * 100.0,
            "conditionCombination": combination,
            "conditions": conditions,
        }))
    }

    fn objective(
        &mut self,
        o: &Element,
        primary: bool,
        extra: &HashMap<String, Vec<Map<String, Value>>>,
    ) -> Value {
        let id = if primary {
            o.attr("objectiveID").map(|s| s.trim().to_string())
        } else {
            self.required(o, "objectiveID")
        };
        let by_measure = self.bool(o, "satisfiedByMeasure", false);
        let mut out = Map::new();
        // scorm-again keys objectives by id; an unnamed primary objective gets a fixed one.
        let id = id.unwrap_or_else(|| "primary".to_string());
        out.insert("objectiveID".into(), json!(id));
        out.insert("isPrimary".into(), json!(primary));
        out.insert("satisfiedByMeasure".into(), by_measure.clone());
        let measure = match o.child(IMSSS, "minNormalizedMeasure") {
            Some(m) => self.decimal_text(m, "minNormalizedMeasure", m.trimmed(), -1.0, 1.0),
            None => Some(1.0),
        };
        // Only a measure that satisfies the objective is a passing score (scorm-again sets
        // cmi.scaled_passing_score from any minNormalizedMeasure it is given).
        if by_measure == json!(true) {
            out.insert("minNormalizedMeasure".into(), json!(measure.unwrap_or(1.0)));
        }
        let mut maps: Vec<Map<String, Value>> = Vec::new();
        for m in o.children(IMSSS, "mapInfo") {
            let Some(target) = self.required(m, "targetObjectiveID") else {
                continue;
            };
            let mut map = Map::new();
            map.insert("targetObjectiveID".into(), json!(target));
            for (key, default) in IMSSS_MAP_FLAGS {
                map.insert(key.into(), self.bool(m, key, default));
            }
            // scorm-again reads scores, completion and progress by default; in SCORM only an
            // adlseq:mapInfo (below) maps them.
            for (key, _) in ADLSEQ_MAP_FLAGS {
                map.insert(key.into(), json!(false));
            }
            maps.push(map);
        }
        for more in extra.get(&id).into_iter().flatten() {
            let target = more.get("targetObjectiveID");
            match maps
                .iter_mut()
                .find(|m| m.get("targetObjectiveID") == target)
            {
                Some(same) => same.extend(more.clone()),
                None => {
                    let mut map = more.clone();
                    for (key, _) in IMSSS_MAP_FLAGS {
                        map.insert(key.into(), json!(false));
                    }
                    maps.push(map);
                }
            }
        }
        if !maps.is_empty() {
            let maps = maps.into_iter().map(Value::Object).collect();
            out.insert("mapInfo".into(), Value::Array(maps));
        }
        Value::Object(out)
    }

    /// The 4th edition's `adlseq:objectives`: extra map info (scores, completion, progress)
    /// by objective id.
    fn adlseq_map_info(
        &mut self,
        objectives: &Element,
    ) -> HashMap<String, Vec<Map<String, Value>>> {
        let mut out: HashMap<String, Vec<Map<String, Value>>> = HashMap::new();
        for o in objectives.children(ADLSEQ, "objective") {
            let Some(id) = self.required(o, "objectiveID") else {
                continue;
            };
            for m in o.children(ADLSEQ, "mapInfo") {
                let Some(target) = self.required(m, "targetObjectiveID") else {
                    continue;
                };
                let mut map = Map::new();
                map.insert("targetObjectiveID".into(), json!(target));
                for (key, default) in ADLSEQ_MAP_FLAGS {
                    map.insert(key.into(), self.bool(m, key, default));
                }
                out.entry(id.clone()).or_default().push(map);
            }
        }
        out
    }
}

/// `imsss:mapInfo` flags with their schema defaults.
const IMSSS_MAP_FLAGS: [(&str, bool); 4] = [
    ("readSatisfiedStatus", true),
    ("readNormalizedMeasure", true),
    ("writeSatisfiedStatus", false),
    ("writeNormalizedMeasure", false),
];

/// `adlseq:mapInfo` flags (SCORM 2004 4th edition) with their schema defaults.
const ADLSEQ_MAP_FLAGS: [(&str, bool); 10] = [
    ("readRawScore", true),
    ("readMinScore", true),
    ("readMaxScore", true),
    ("readCompletionStatus", true),
    ("readProgressMeasure", true),
    ("writeRawScore", false),
    ("writeMinScore", false),
    ("writeMaxScore", false),
    ("writeCompletionStatus", false),
    ("writeProgressMeasure", false),
];
