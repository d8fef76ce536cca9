//! cmi5 courses played as package items. The course structure (`cmi5.xml`, in a zip with its
//! AUs or alone with remote AUs) is read on upload; a learner's attempt is the cmi5
//! registration. `launch` starts an AU session (the `LMS.LaunchData` state, the learner's
//! preferences, the `launched` statement, the launch URL with `endpoint`, `fetch`, `actor`,
//! `registration` and `activityId`) and hands out the one-time token the AU fetches; `lrs`
//! applies cmi5's rules to what the AU sends with that token (`rules`), then moves the AU's
//! state, issues the LMS's `satisfied` statements (`statements`) when blocks and the course
//! meet their `moveOn` criteria, and rolls the attempt into the item's progress and grade;
//! `waive` lets the course team waive an AU for a learner.
//! Imports point one way: lrs, launch -> progress -> statements -> mod; lrs -> rules -> mod.

pub mod launch;
pub mod lrs;
pub mod progress;
pub mod rules;
pub mod statements;
pub mod waive;

use super::cmi::{completion, success};
use amphi_db::rows;
use amphi_interop::package::{Cmi5Au, Cmi5Course, Cmi5Node, LangString, MoveOn};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The cmi5 category every "cmi5 defined" statement carries.
pub const CATEGORY_CMI5: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
/// The category of cmi5 defined statements whose result counts for `moveOn`.
pub const CATEGORY_MOVEON: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
/// Context extension: the session id.
pub const EXT_SESSION: &str = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
/// Context extension: the launch mode.
pub const EXT_LAUNCH_MODE: &str = "https://w3id.org/xapi/cmi5/context/extensions/launchmode";
/// Context extension: the launch URL (without cmi5's parameters).
pub const EXT_LAUNCH_URL: &str = "https://w3id.org/xapi/cmi5/context/extensions/launchurl";
/// Context extension: the `moveOn` criterion.
pub const EXT_MOVE_ON: &str = "https://w3id.org/xapi/cmi5/context/extensions/moveon";
/// Context extension: the AU's launch parameters.
pub const EXT_LAUNCH_PARAMETERS: &str =
    "https://w3id.org/xapi/cmi5/context/extensions/launchparameters";
/// Context extension: the mastery score.
pub const EXT_MASTERY: &str = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
/// Result extension: why an AU was waived.
pub const EXT_REASON: &str = "https://w3id.org/xapi/cmi5/result/extensions/reason";

/// The verbs of cmi5.
pub mod verb {
    /// LMS: the AU is being launched.
    pub const LAUNCHED: &str = "http://adlnet.gov/expapi/verbs/launched";
    /// AU: ready for the learner (first statement of a session).
    pub const INITIALIZED: &str = "http://adlnet.gov/expapi/verbs/initialized";
    /// AU: the learner experienced all relevant material.
    pub const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
    /// AU: the learner passed.
    pub const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
    /// AU: the learner failed.
    pub const FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
    /// AU: the session ends (last statement of a session).
    pub const TERMINATED: &str = "http://adlnet.gov/expapi/verbs/terminated";
    /// LMS: the session ended without `terminated`.
    pub const ABANDONED: &str = "https://w3id.org/xapi/adl/verbs/abandoned";
    /// LMS: the AU was waived for the learner.
    pub const WAIVED: &str = "https://w3id.org/xapi/adl/verbs/waived";
    /// LMS: a block or the course met its `moveOn` criteria.
    pub const SATISFIED: &str = "https://w3id.org/xapi/adl/verbs/satisfied";
    /// xAPI's voiding verb (never allowed to content).
    pub const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
}

/// How an AU session was launched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// Results count.
    Normal,
    /// The course team looks around: nothing counts.
    Browse,
    /// The learner looks back: nothing counts.
    Review,
}

impl Mode {
    /// The name cmi5 gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Normal => "Normal",
            Mode::Browse => "Browse",
            Mode::Review => "Review",
        }
    }

    /// The mode of a stored name.
    pub fn of(s: &str) -> Mode {
        match s {
            "Normal" => Mode::Normal,
            "Review" => Mode::Review,
            _ => Mode::Browse,
        }
    }
}

/// The states of a session.
pub mod state {
    /// Launched; the AU has not said `initialized` yet.
    pub const LAUNCHED: &str = "launched";
    /// The AU said `initialized`.
    pub const INITIALIZED: &str = "initialized";
    /// The AU said `terminated`.
    pub const TERMINATED: &str = "terminated";
    /// Another session began before this one terminated.
    pub const ABANDONED: &str = "abandoned";
    /// The session the LMS made to waive the AU.
    pub const WAIVED: &str = "waived";
}

/// The activity id Amphi gives an AU, a block or the course of an item (never the
/// publisher's id, the same for every launch of a registration).
pub fn activity_id(origin: &str, item: uuid::Uuid, kind: &str, publisher_id: &str) -> String {
    let id: String = url::form_urlencoded::byte_serialize(publisher_id.as_bytes()).collect();
    format!(
        "{}/xapi/activities/package/{item}/{kind}/{id}",
        origin.trim_end_matches('/')
    )
}

/// A language map of cmi5 lang strings (`und` for text without a language).
pub fn language_map(texts: &[LangString]) -> Value {
    let mut m = Map::new();
    for t in texts {
        let lang = t.lang.clone().filter(|l| !l.is_empty());
        m.entry(lang.unwrap_or_else(|| "und".into()))
            .or_insert_with(|| json!(t.text));
    }
    Value::Object(m)
}

/// The name `moveOn` has in cmi5.xml and in `LMS.LaunchData`.
pub fn move_on_name(m: MoveOn) -> &'static str {
    match m {
        MoveOn::Passed => "Passed",
        MoveOn::Completed => "Completed",
        MoveOn::CompletedAndPassed => "CompletedAndPassed",
        MoveOn::CompletedOrPassed => "CompletedOrPassed",
        MoveOn::NotApplicable => "NotApplicable",
    }
}

/// What Amphi keeps of an AU in a registration (one `package_scos` row: completion, success,
/// score, time; `cmi` holds whether it was waived).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuState {
    /// A `completed` statement was accepted.
    pub completed: bool,
    /// A `passed` statement was accepted.
    pub passed: bool,
    /// A `failed` statement was accepted (and no `passed` yet).
    pub failed: bool,
    /// The AU was waived, with the reason.
    pub waived: Option<String>,
}

/// What `package_scos.cmi` holds for a cmi5 AU.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Extra {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    waived: Option<String>,
}

impl AuState {
    /// The state stored in a row (none: nothing yet).
    pub fn of(row: Option<&rows::PackageSco>) -> AuState {
        let Some(r) = row else {
            return AuState::default();
        };
        let extra: Extra = serde_json::from_str(&r.cmi).unwrap_or_default();
        AuState {
            completed: r.completion == completion::COMPLETED,
            passed: r.success == success::PASSED,
            failed: r.success == success::FAILED,
            waived: extra.waived,
        }
    }

    /// The row's `cmi` for this state.
    pub fn extra(&self) -> String {
        serde_json::to_string(&Extra {
            waived: self.waived.clone(),
        })
        .unwrap_or_else(|_| "{}".into())
    }

    /// Whether the AU meets its `moveOn` criterion.
    pub fn satisfied(&self, m: MoveOn) -> bool {
        self.waived.is_some()
            || match m {
                MoveOn::NotApplicable => true,
                MoveOn::Completed => self.completed,
                MoveOn::Passed => self.passed,
                MoveOn::CompletedAndPassed => self.completed && self.passed,
                MoveOn::CompletedOrPassed => self.completed || self.passed,
            }
    }
}

/// A block or the course whose satisfaction changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Satisfied {
    /// `block` or `course`.
    pub kind: &'static str,
    /// The publisher's id.
    pub id: String,
    /// Its title.
    pub title: Vec<LangString>,
}

/// Whether every AU under these nodes is satisfied (`au`: each AU's state by id).
fn all_satisfied(nodes: &[Cmi5Node], au: &dyn Fn(&Cmi5Au) -> bool) -> bool {
    nodes.iter().all(|n| match n {
        Cmi5Node::Au(a) => au(a),
        Cmi5Node::Block(b) => all_satisfied(&b.children, au),
    })
}

/// The blocks (innermost first) and the course that `after` satisfies and `before` did not.
pub fn newly_satisfied(
    course: &Cmi5Course,
    before: &dyn Fn(&Cmi5Au) -> bool,
    after: &dyn Fn(&Cmi5Au) -> bool,
) -> Vec<Satisfied> {
    fn walk(
        nodes: &[Cmi5Node],
        before: &dyn Fn(&Cmi5Au) -> bool,
        after: &dyn Fn(&Cmi5Au) -> bool,
        out: &mut Vec<Satisfied>,
    ) {
        for n in nodes {
            if let Cmi5Node::Block(b) = n {
                walk(&b.children, before, after, out);
                if all_satisfied(&b.children, after) && !all_satisfied(&b.children, before) {
                    out.push(Satisfied {
                        kind: "block",
                        id: b.id.clone(),
                        title: b.title.clone(),
                    });
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&course.children, before, after, &mut out);
    if all_satisfied(&course.children, after) && !all_satisfied(&course.children, before) {
        out.push(Satisfied {
            kind: "course",
            id: course.id.clone(),
            title: course.title.clone(),
        });
    }
    out
}

/// Whether the whole course is satisfied.
pub fn course_satisfied(course: &Cmi5Course, au: &dyn Fn(&Cmi5Au) -> bool) -> bool {
    all_satisfied(&course.children, au)
}

/// The ids of the blocks (outermost first) an AU sits in.
pub fn blocks_of<'a>(course: &'a Cmi5Course, au: &str) -> Vec<&'a str> {
    fn walk<'a>(nodes: &'a [Cmi5Node], au: &str, path: &mut Vec<&'a str>) -> bool {
        for n in nodes {
            match n {
                Cmi5Node::Au(a) if a.id == au => return true,
                Cmi5Node::Au(_) => {}
                Cmi5Node::Block(b) => {
                    path.push(&b.id);
                    if walk(&b.children, au, path) {
                        return true;
                    }
                    path.pop();
                }
            }
        }
        false
    }
    let mut path = Vec::new();
    walk(&course.children, au, &mut path);
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use amphi_interop::package::{Cmi5Block, LaunchMethod};

    fn au(id: &str, m: MoveOn) -> Cmi5Node {
        Cmi5Node::Au(Cmi5Au {
            id: id.into(),
            title: vec![],
            description: vec![],
            url: format!("{id}.html"),
            launch_method: LaunchMethod::AnyWindow,
            move_on: m,
            mastery_score: None,
            activity_type: None,
            launch_parameters: None,
            entitlement_key: None,
            objectives: vec![],
        })
    }

    #[test]
    fn move_on_criteria() {
        let done = AuState {
            completed: true,
            ..Default::default()
        };
        assert!(done.satisfied(MoveOn::Completed));
        assert!(done.satisfied(MoveOn::CompletedOrPassed));
        assert!(!done.satisfied(MoveOn::CompletedAndPassed));
        assert!(!done.satisfied(MoveOn::Passed));
        assert!(AuState::default().satisfied(MoveOn::NotApplicable));
        let waived = AuState {
            waived: Some("Tested".into()),
            ..Default::default()
        };
        assert!(waived.satisfied(MoveOn::Passed));
    }

    #[test]
    fn blocks_then_course_when_their_last_au_is_satisfied() {
        let course = Cmi5Course {
            id: "c".into(),
            title: vec![],
            description: vec![],
            objectives: vec![],
            children: vec![
                Cmi5Node::Block(Cmi5Block {
                    id: "b1".into(),
                    title: vec![],
                    description: vec![],
                    objectives: vec![],
                    children: vec![au("a1", MoveOn::Completed), au("a2", MoveOn::Passed)],
                }),
                au("a3", MoveOn::NotApplicable),
            ],
        };
        let before = |a: &Cmi5Au| a.id == "a3" || a.id == "a1";
        let after = |a: &Cmi5Au| a.id != "x";
        let got = newly_satisfied(&course, &before, &after);
        assert_eq!(
            got.iter()
                .map(|s| (s.kind, s.id.as_str()))
                .collect::<Vec<_>>(),
            vec![("block", "b1"), ("course", "c")]
        );
        assert!(newly_satisfied(&course, &after, &after).is_empty());
        assert_eq!(blocks_of(&course, "a2"), vec!["b1"]);
        assert!(blocks_of(&course, "a3").is_empty());
    }
}
