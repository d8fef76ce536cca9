//! Uploaded SCORM 1.2, SCORM 2004 (2nd, 3rd and 4th editions) and cmi5 packages, read and
//! checked without extracting anything: [`inspect`] opens the zip, refuses what could harm the
//! server (paths leaving the package, links, encryption, zip bombs) and reads `imsmanifest.xml`
//! or `cmi5.xml` into a [`Package`]: the table of contents, what each item launches, the SCORM
//! 2004 sequencing as scorm-again's `SequencingSettings` JSON, and the files to store, which
//! [`read_entry`] then streams one by one, holding each to its declared size. Every problem is
//! reported at once, by file and line ([`Problems`]).
//!
//! Not supported: sub-manifests (`<manifest>` inside a manifest) are ignored; manifests in an
//! encoding other than UTF-8; the sequencing time limits other than
//! `attemptAbsoluteDurationLimit` (`attemptExperiencedDurationLimit`, `activity…Limit`,
//! `beginTimeLimit`, `endTimeLimit`, which ADL does not require an LMS to enforce); the
//! sequencing `auxiliaryResources`. SCORM 2004 without `schemaversion` is taken as the 3rd
//! edition. `adlseq:objectivesGlobalToSystem` is not carried (scorm-again has no setting for it).
//!
//! Files: `archive` (the zip: entry checks, path normalisation, bounded reading), `xml` (a
//! namespace-resolved element tree with lines), `ns` (the manifest namespaces), `scorm` (the
//! manifest), `href` (launch URLs and file references), `sequencing` (imsss to scorm-again, over the typed
//! attributes of `values`),
//! `cmi5` (course structure), `model` (what a package is), `problems`.

mod archive;
mod cmi5;
mod href;
mod model;
mod ns;
mod problems;
mod scorm;
mod sequencing;
mod values;
mod xml;

use std::collections::HashSet;
use std::io::{Read, Seek};

pub use archive::{normalise_path, read_entry};
pub use cmi5::parse_cmi5;
pub use model::{
    Cmi5Au, Cmi5Block, Cmi5Course, Cmi5Node, Cmi5Objective, Edition2004, Entry, LangString, Launch,
    LaunchMethod, Limits, MoveOn, Node, Package, ScormType, Standard, RATIO_FLOOR_BYTES,
};
pub use problems::{Problem, ProblemKind, Problems};
/// The zip reader [`read_entry`] reads from, re-exported so callers use the same version.
pub use zip::ZipArchive;

use href::{locate, Located};
pub use model::first_text;
use problems::Report;

/// Reads and checks an uploaded package. A zip with `cmi5.xml` at its root is a cmi5 course;
/// otherwise `imsmanifest.xml` must be at its root. Nothing is extracted: store the files with
/// [`read_entry`] over a [`ZipArchive`] of the same bytes (pass `&mut file` here to reuse the
/// file).
pub fn inspect<R: Read + Seek>(zip: R, limits: &Limits) -> Result<Package, Problems> {
    let (mut archive, entries) = archive::open(zip, limits)?;
    let files: HashSet<String> = entries.iter().map(|e| e.path.clone()).collect();
    let find = |name: &str| entries.iter().find(|e| e.path == name).cloned();
    if let Some(entry) = find(cmi5::CMI5) {
        let src = archive::read_small(&mut archive, &entry, limits.max_manifest_bytes)?;
        let (course, urls) = cmi5::read(&src)?;
        let mut r = Report::new(cmi5::CMI5);
        for (url, line) in urls {
            match locate("", &url) {
                Located::External(_) => {}
                Located::Local { file, .. } if files.contains(&file) => {}
                Located::Local { file, .. } => r.at(line, ProblemKind::MissingFile { href: file }),
                Located::Unsafe => r.at(line, ProblemKind::UnsafeHref { href: url }),
            }
        }
        if !r.problems.is_empty() {
            return Err(Problems(r.problems));
        }
        return Ok(cmi5_package(course, entries));
    }
    let Some(entry) = find(scorm::MANIFEST) else {
        return Err(Problems(vec![no_manifest(&entries)]));
    };
    let src = archive::read_small(&mut archive, &entry, limits.max_manifest_bytes)?;
    let m = scorm::parse(&src, &files).map_err(Problems)?;
    Ok(Package {
        standard: m.standard,
        title: m.title,
        identifier: m.identifier,
        default_organization: m.default_organization,
        tree: m.tree,
        launches: m.launches,
        sequencing: m.sequencing,
        entries,
        cmi5: None,
    })
}

/// Reads a `cmi5.xml` uploaded on its own (no zip): a course whose AUs all live elsewhere,
/// so each AU's URL must be absolute (`http` or `https`).
pub fn inspect_cmi5(xml: &[u8], limits: &Limits) -> Result<Package, Problems> {
    if xml.len() as u64 > limits.max_manifest_bytes {
        return Err(Problems(vec![Problem::in_file(
            cmi5::CMI5,
            ProblemKind::ManifestTooLarge {
                max: limits.max_manifest_bytes,
            },
        )]));
    }
    let (course, urls) = cmi5::read(xml)?;
    let mut r = Report::new(cmi5::CMI5);
    for (url, line) in urls {
        if !is_remote_url(&url) {
            r.at(line, ProblemKind::RemoteUrlRequired { href: url });
        }
    }
    if !r.problems.is_empty() {
        return Err(Problems(r.problems));
    }
    Ok(cmi5_package(course, Vec::new()))
}

/// Whether an AU's URL is a full `http(s)://host…` address (played where it lives) rather than
/// a file of the package.
pub fn is_remote_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with(['/', '?', '#']) && !r.contains(char::is_whitespace)
    })
}

fn cmi5_package(course: Cmi5Course, entries: Vec<Entry>) -> Package {
    Package {
        standard: Standard::Cmi5,
        title: first_text(&course.title),
        identifier: course.id.clone(),
        default_organization: None,
        tree: cmi5_tree(&course.children),
        launches: course.aus().into_iter().map(au_launch).collect(),
        sequencing: None,
        entries,
        cmi5: Some(course),
    }
}

/// No manifest at the root: point at the folder holding one, if a folder does.
fn no_manifest(entries: &[Entry]) -> Problem {
    let nested = entries
        .iter()
        .filter_map(|e| {
            let (folder, name) = e.path.rsplit_once('/')?;
            (name == scorm::MANIFEST || name == cmi5::CMI5).then_some(folder)
        })
        .min_by_key(|folder| folder.len());
    let kind = match nested {
        Some(folder) => ProblemKind::ManifestInFolder {
            folder: folder.to_string(),
        },
        None => ProblemKind::NoManifest,
    };
    Problem::in_file(scorm::MANIFEST, kind)
}

fn au_launch(au: &Cmi5Au) -> Launch {
    Launch {
        identifier: au.id.clone(),
        title: first_text(&au.title),
        href: au.url.clone(),
        scorm_type: ScormType::Sco,
        mastery_score: au.mastery_score,
        scaled_passing_score: None,
        completion_threshold: None,
        data_from_lms: None,
        max_time_allowed: None,
        time_limit_action: None,
        prerequisites: None,
    }
}

fn cmi5_tree(nodes: &[Cmi5Node]) -> Vec<Node> {
    nodes
        .iter()
        .map(|n| match n {
            Cmi5Node::Au(au) => Node {
                identifier: au.id.clone(),
                title: first_text(&au.title),
                children: Vec::new(),
                launch: Some(au_launch(au)),
                visible: true,
                parameters: None,
            },
            Cmi5Node::Block(b) => Node {
                identifier: b.id.clone(),
                title: first_text(&b.title),
                children: cmi5_tree(&b.children),
                launch: None,
                visible: true,
                parameters: None,
            },
        })
        .collect()
}
