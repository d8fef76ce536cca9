//! What reading a package gives: the limits it is read under, and the package as the player
//! needs it (standard, table of contents, launches, sequencing, files, cmi5 course structure).

use serde::{Deserialize, Serialize};

/// Caps applied while reading a zip, so a hostile upload costs bounded memory and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Most entries (files and folders) in the zip.
    pub max_entries: usize,
    /// Most bytes, uncompressed, of all entries together.
    pub max_total_bytes: u64,
    /// Most bytes, uncompressed, of one entry.
    pub max_entry_bytes: u64,
    /// Most bytes of `imsmanifest.xml` or `cmi5.xml`.
    pub max_manifest_bytes: u64,
    /// Highest uncompressed/compressed size ratio of one entry larger than
    /// [`RATIO_FLOOR_BYTES`] (smaller files may compress better without harm).
    pub max_ratio: u64,
}

/// Entries up to this size (uncompressed) are not held to [`Limits::max_ratio`]: a few
/// hundred kilobytes of repetitive text can legitimately compress 1000 to 1.
pub const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 10_000,
            max_total_bytes: 2 * 1024 * 1024 * 1024,
            max_entry_bytes: 1024 * 1024 * 1024,
            max_manifest_bytes: 4 * 1024 * 1024,
            max_ratio: 200,
        }
    }
}

/// A package that passed every check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    /// Which standard it follows, so the player picks its run-time API.
    pub standard: Standard,
    /// The title of the default organization (or of the cmi5 course).
    pub title: String,
    /// The manifest's identifier (or the cmi5 course id).
    pub identifier: String,
    /// The manifest's `organizations/@default`, when given.
    pub default_organization: Option<String>,
    /// The default (or first) organization's items as a tree; for cmi5, blocks and AUs.
    pub tree: Vec<Node>,
    /// Every launchable leaf of `tree`, in tree order (what flow navigation steps through).
    pub launches: Vec<Launch>,
    /// SCORM 2004 with `imsss` sequencing: scorm-again's `SequencingSettings` JSON.
    pub sequencing: Option<serde_json::Value>,
    /// Every file of the zip to store, in archive order (no folders).
    pub entries: Vec<Entry>,
    /// The cmi5 course structure when the zip holds `cmi5.xml`.
    pub cmi5: Option<Cmi5Course>,
}

/// The standard a package follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "standard", rename_all = "snake_case")]
pub enum Standard {
    /// SCORM 1.2 (`window.API`).
    Scorm12,
    /// SCORM 2004 (`window.API_1484_11`), with its edition.
    Scorm2004 {
        /// Which edition of SCORM 2004.
        edition: Edition2004,
    },
    /// cmi5 (xAPI launch).
    Cmi5,
}

/// An edition of SCORM 2004.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Edition2004 {
    /// 2nd edition (`schemaversion` "CAM 1.3").
    Second,
    /// 3rd edition ("2004 3rd Edition").
    Third,
    /// 4th edition ("2004 4th Edition").
    Fourth,
}

/// One item of the table of contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The item's identifier (unique in the manifest).
    pub identifier: String,
    /// The item's title.
    pub title: String,
    /// Sub-items, in manifest order.
    pub children: Vec<Node>,
    /// What the item launches, when it references a resource with an `href`.
    pub launch: Option<Launch>,
    /// `isvisible`: false hides the item from the table of contents.
    pub visible: bool,
    /// The item's `parameters` attribute, as written.
    pub parameters: Option<String>,
}

/// Something the player can launch: a SCO or an asset (or a cmi5 AU).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Launch {
    /// The item's identifier (the AU id for cmi5).
    pub identifier: String,
    /// The item's title.
    pub title: String,
    /// Launch URL: relative to the zip root (`xml:base` applied, parameters appended), or
    /// absolute for an external resource or a remote AU.
    pub href: String,
    /// SCO (talks to the run-time API) or asset.
    pub scorm_type: ScormType,
    /// SCORM 1.2 `adlcp:masteryscore` (0–100); cmi5 `masteryScore` (0–1).
    pub mastery_score: Option<f64>,
    /// SCORM 2004 primary objective's `minNormalizedMeasure` when `satisfiedByMeasure`.
    pub scaled_passing_score: Option<f64>,
    /// SCORM 2004 `adlcp:completionThreshold` (its `minProgressMeasure` in the 4th edition).
    pub completion_threshold: Option<f64>,
    /// `adlcp:datafromlms` / `adlcp:dataFromLMS` (cmi.launch_data).
    pub data_from_lms: Option<String>,
    /// 1.2 `adlcp:maxtimeallowed`; 2004 `imsss:limitConditions/@attemptAbsoluteDurationLimit`.
    pub max_time_allowed: Option<String>,
    /// `adlcp:timelimitaction` / `adlcp:timeLimitAction`.
    pub time_limit_action: Option<String>,
    /// SCORM 1.2 `adlcp:prerequisites` (AICC script), as written.
    pub prerequisites: Option<String>,
}

/// Whether a launch talks to the run-time API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScormType {
    /// A sharable content object: calls the run-time API.
    Sco,
    /// Plain content: completed when launched.
    Asset,
}

/// One file of the zip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Normalised path: relative, forward slashes, no `.` or empty segments.
    pub path: String,
    /// Uncompressed size the zip declares (checked again by [`read_entry`](super::read_entry)).
    pub size: u64,
    /// Index of the entry in the archive.
    pub index: usize,
}

/// A cmi5 course structure (`cmi5.xml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cmi5Course {
    /// The course's IRI.
    pub id: String,
    /// Titles by language.
    pub title: Vec<LangString>,
    /// Descriptions by language.
    pub description: Vec<LangString>,
    /// Course-level objectives that blocks and AUs refer to.
    pub objectives: Vec<Cmi5Objective>,
    /// Blocks and AUs, in document order.
    pub children: Vec<Cmi5Node>,
}

/// A block or an AU of a cmi5 course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Cmi5Node {
    /// A block grouping AUs and blocks.
    Block(Cmi5Block),
    /// An assignable unit.
    Au(Cmi5Au),
}

/// A cmi5 block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cmi5Block {
    /// The block's IRI.
    pub id: String,
    /// Titles by language.
    pub title: Vec<LangString>,
    /// Descriptions by language.
    pub description: Vec<LangString>,
    /// Ids of the course objectives the block covers.
    pub objectives: Vec<String>,
    /// Blocks and AUs inside, in document order.
    pub children: Vec<Cmi5Node>,
}

/// A cmi5 assignable unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cmi5Au {
    /// The AU's IRI.
    pub id: String,
    /// Titles by language.
    pub title: Vec<LangString>,
    /// Descriptions by language.
    pub description: Vec<LangString>,
    /// Launch URL: relative to the zip root, or absolute.
    pub url: String,
    /// Where the AU may open.
    pub launch_method: LaunchMethod,
    /// What satisfies the AU.
    pub move_on: MoveOn,
    /// Scaled score (0–1) that passes.
    pub mastery_score: Option<f64>,
    /// The AU's activity type IRI.
    pub activity_type: Option<String>,
    /// Static parameters given to the AU in LMS.LaunchData.
    pub launch_parameters: Option<String>,
    /// Entitlement key given to the AU in LMS.LaunchData.
    pub entitlement_key: Option<String>,
    /// Ids of the course objectives the AU covers.
    pub objectives: Vec<String>,
}

/// A course objective of cmi5.xml.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cmi5Objective {
    /// The objective's IRI.
    pub id: String,
    /// Titles by language.
    pub title: Vec<LangString>,
    /// Descriptions by language.
    pub description: Vec<LangString>,
}

/// A text in one language (`<langstring lang="fr">`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LangString {
    /// Language tag, when given.
    pub lang: Option<String>,
    /// The text.
    pub text: String,
}

/// cmi5 `launchMethod`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LaunchMethod {
    /// Any window, the LMS chooses (the default).
    AnyWindow,
    /// A new window of its own.
    OwnWindow,
}

/// cmi5 `moveOn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoveOn {
    /// Passed.
    Passed,
    /// Completed.
    Completed,
    /// Completed and passed.
    CompletedAndPassed,
    /// Completed or passed.
    CompletedOrPassed,
    /// Satisfied without launching (the default).
    NotApplicable,
}

impl Cmi5Course {
    /// Every AU in document order.
    pub fn aus(&self) -> Vec<&Cmi5Au> {
        fn walk<'a>(nodes: &'a [Cmi5Node], out: &mut Vec<&'a Cmi5Au>) {
            for n in nodes {
                match n {
                    Cmi5Node::Au(au) => out.push(au),
                    Cmi5Node::Block(b) => walk(&b.children, out),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.children, &mut out);
        out
    }
}

/// The text to show from language strings: the first one (cmi5 puts the default first).
pub fn first_text(strings: &[LangString]) -> String {
    strings.first().map(|s| s.text.clone()).unwrap_or_default()
}
