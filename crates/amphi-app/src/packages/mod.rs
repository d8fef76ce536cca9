//! Packaged content: SCORM 1.2 and SCORM 2004 packages (and cmi5 courses) as course items.
//!
//! `upload` checks a zip with `amphi_interop::package` and stores its files in the object store
//! under the package's id (each upload a new version; attempts of older versions are kept).
//! `launch` opens a learner's attempt and hands out a launch token; the package is then played
//! on the content origin (`content.package_url`, another origin than any tenant's, without
//! cookies), whose player page and run-time calls (`runtime`) carry only that token, bound to
//! the learner, the item and the attempt. `rollup` turns the SCOs' data into the item's
//! progress and grade (by the package's own rules, `rollup_rules`, when it has sequencing);
//! `sequencing` keeps the player's SCORM 2004 sequencing state per attempt; `records` copies
//! what learners do into the tenant's xAPI store; `report` is the course team's view of every
//! learner's attempts, and `reset` lets it clear a learner's attempts.
//! Imports point one way: report -> runtime -> launch -> rollup -> rollup_rules;
//! reset -> rollup; sequencing -> launch; upload -> launch.

pub mod cmi;
pub mod cmi5;
pub mod content;
pub mod launch;
pub mod records;
pub mod report;
pub mod reset;
pub mod rollup;
pub mod rollup_rules;
pub mod runtime;
pub mod seq_state;
pub mod sequencing;
pub mod upload;

use amphi_core::{Error, Result, TenantId};
use amphi_interop::package::{Launch, Node};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// When a package item counts as done for the learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Completion {
    /// When the package reports it completed, or passed.
    #[default]
    Completed,
    /// Only when the package reports it passed.
    Passed,
}

impl Completion {
    /// The name in forms and settings.
    pub fn as_str(self) -> &'static str {
        match self {
            Completion::Completed => "completed",
            Completion::Passed => "passed",
        }
    }

    /// The setting named in a form.
    pub fn parse(raw: &str) -> Option<Completion> {
        match raw.trim() {
            "completed" => Some(Completion::Completed),
            "passed" => Some(Completion::Passed),
            _ => None,
        }
    }
}

/// The settings of a package item (`course_items.settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageItem {
    /// The package version learners get (the newest upload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_id: Option<Uuid>,
    /// Attempts a learner may make; 0 for no limit.
    #[serde(default = "one")]
    pub max_attempts: u32,
    /// What the package's score is worth in the gradebook.
    #[serde(default = "hundred")]
    pub max_points: f64,
    /// When the item counts as done.
    #[serde(default)]
    pub completion: Completion,
}

fn one() -> u32 {
    1
}

fn hundred() -> f64 {
    100.0
}

impl Default for PackageItem {
    fn default() -> Self {
        Self {
            package_id: None,
            max_attempts: one(),
            max_points: hundred(),
            completion: Completion::default(),
        }
    }
}

impl PackageItem {
    /// The settings of an item of kind `package` (defaults when they do not read).
    pub fn of(settings: &str) -> PackageItem {
        serde_json::from_str(settings).unwrap_or_default()
    }
}

/// What Amphi keeps of a package's manifest (`packages.structure`): what the player shows and
/// steps through.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Structure {
    /// The organization's items as a tree (the table of contents).
    pub tree: Vec<Node>,
    /// The launchable items in tree order.
    pub launches: Vec<Launch>,
    /// SCORM 2004 sequencing, in scorm-again's settings shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequencing: Option<serde_json::Value>,
    /// A cmi5 course's structure: blocks, AUs and what satisfies each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmi5: Option<amphi_interop::package::Cmi5Course>,
}

impl Structure {
    /// The structure stored with a package.
    pub fn of(p: &amphi_db::rows::Package) -> Result<Structure> {
        serde_json::from_str(&p.structure).map_err(Error::internal)
    }

    /// A launchable item by identifier.
    pub fn launch(&self, id: &str) -> Option<&Launch> {
        self.launches.iter().find(|l| l.identifier == id)
    }
}

/// Which run-time API a package speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Api {
    /// SCORM 1.2 (`window.API`).
    Scorm12,
    /// SCORM 2004 (`window.API_1484_11`).
    Scorm2004,
}

impl Api {
    /// The run-time API of a package by its stored standard.
    pub fn of(standard: &str) -> Api {
        if standard == "scorm12" {
            Api::Scorm12
        } else {
            Api::Scorm2004
        }
    }
}

/// The object store key of a file of a package.
pub fn file_key(tenant: TenantId, package: Uuid, path: &str) -> String {
    format!("tenants/{}/packages/{package}/{path}", tenant.0)
}

/// After a package item's settings changed (`old` to `new`): its gradebook column follows its
/// worth once it has a package.
pub(crate) async fn worth_changed(
    c: &impl amphi_db::Conn,
    old: &amphi_db::rows::CourseItem,
    new: &amphi_db::rows::CourseItem,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let (was, is) = (
        PackageItem::of(&old.settings),
        PackageItem::of(&new.settings),
    );
    if is.package_id.is_some() && was.max_points != is.max_points {
        crate::assessment::gradebook::updates::register_item(
            c,
            TenantId(new.tenant_id),
            new.run_id,
            new.id,
            is.max_points,
            now,
        )
        .await?;
    }
    Ok(())
}
