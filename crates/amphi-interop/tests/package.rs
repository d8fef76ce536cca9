//! SCORM and cmi5 packages through `inspect` and `read_entry`: Rustici's public golf examples,
//! hostile and broken zips built here, multi-SCO manifests with sequencing and prerequisites,
//! and cmi5 course structures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Write};
use std::path::PathBuf;

use amphi_interop::package::{
    inspect, parse_cmi5, read_entry, Cmi5Node, Edition2004, LaunchMethod, Limits, MoveOn, Package,
    Problem, ProblemKind, Problems, ScormType, Standard,
};
use serde_json::json;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

// ---------------------------------------------------------------------------------------------
// Helpers

/// The shared fixtures folder: `../shared` next to the repository root (never copied into it).
fn fixture(name: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/scorm");
    let path = dir.join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "the SCORM fixture {name} is expected at {} (the shared fixtures folder, ../shared \
             from the repository root): {e}",
            path.display()
        )
    })
}

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

/// A zip of (name, content) entries, deflated.
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in files {
        w.start_file(*name, deflated()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn ok(bytes: &[u8]) -> Package {
    inspect(Cursor::new(bytes), &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn problems(bytes: &[u8]) -> Vec<Problem> {
    problems_with(bytes, &Limits::default())
}

fn problems_with(bytes: &[u8], limits: &Limits) -> Vec<Problem> {
    match inspect(Cursor::new(bytes), limits) {
        Ok(p) => panic!("accepted: {p:?}"),
        Err(Problems(list)) => {
            assert!(!list.is_empty());
            list
        }
    }
}

/// (file, line, code) of each problem, for compact assertions.
fn codes(list: &[Problem]) -> Vec<(String, Option<u32>, &'static str)> {
    list.iter()
        .map(|p| (p.file.clone(), p.line, p.kind.code()))
        .collect()
}

/// Sets the uncompressed size that both headers of `name` declare.
fn patch_declared_size(zip: &mut [u8], name: &str, size: u32) {
    let n = name.as_bytes();
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46) {
        let sig = &zip[i..i + 4];
        if sig == [0x50, 0x4b, 0x03, 0x04] {
            let len = u16::from_le_bytes([zip[i + 26], zip[i + 27]]) as usize;
            if &zip[i + 30..i + 30 + len] == n {
                zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        } else if sig == [0x50, 0x4b, 0x01, 0x02] {
            let len = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if &zip[i + 46..i + 46 + len] == n {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
    }
    assert_eq!(patched, 2, "both headers of {name}");
}

/// Marks `name` as encrypted in both headers (general purpose flag bit 0).
fn patch_encrypted(zip: &mut [u8], name: &str) {
    let n = name.as_bytes();
    for i in 0..zip.len().saturating_sub(46) {
        let sig = &zip[i..i + 4];
        if sig == [0x50, 0x4b, 0x03, 0x04] {
            let len = u16::from_le_bytes([zip[i + 26], zip[i + 27]]) as usize;
            if &zip[i + 30..i + 30 + len] == n {
                zip[i + 6] |= 1;
            }
        } else if sig == [0x50, 0x4b, 0x01, 0x02] {
            let len = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if &zip[i + 46..i + 46 + len] == n {
                zip[i + 8] |= 1;
            }
        }
    }
}

const MANIFEST_12: &str = r#"<?xml version="1.0"?>
<manifest identifier="m" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>T</title>
    <item identifier="i" identifierref="r"><title>One</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html"/></resources>
</manifest>"#;

// ---------------------------------------------------------------------------------------------
// Rustici's golf examples

#[test]
fn golf_scorm12_single_sco() {
    for (name, title) in [
        ("singlesco_scorm12.zip", "Golf Explained - CP Single SCO"),
        (
            "singlescobasic.zip",
            "Golf Explained - Run-time Basic Calls",
        ),
    ] {
        let bytes = fixture(name);
        let p = ok(&bytes);
        assert_eq!(p.standard, Standard::Scorm12, "{name}");
        assert_eq!(p.title, title);
        assert_eq!(
            p.default_organization.as_deref(),
            Some("golf_sample_default_org")
        );
        assert_eq!(p.tree.len(), 1);
        assert_eq!(p.tree[0].identifier, "item_1");
        assert_eq!(p.tree[0].title, "Golf Explained");
        assert_eq!(p.launches.len(), 1);
        let l = &p.launches[0];
        assert_eq!(l.href, "shared/launchpage.html");
        assert_eq!(l.scorm_type, ScormType::Sco);
        assert_eq!(l.mastery_score, None);
        assert_eq!(p.sequencing, None);
        assert_eq!(p.cmi5, None);
        every_entry_listed_and_readable(&bytes, &p);
    }
}

#[test]
fn golf_scorm2004_3rd_edition_with_sequencing() {
    let bytes = fixture("RuntimeBasicCalls_SCORM20043rdEdition.zip");
    let p = ok(&bytes);
    assert_eq!(
        p.standard,
        Standard::Scorm2004 {
            edition: Edition2004::Third
        }
    );
    assert_eq!(
        p.identifier,
        "com.scorm.golfsamples.runtime.basicruntime.20043rd"
    );
    assert_eq!(p.title, "Golf Explained - Run-time Basic Calls");
    assert_eq!(p.launches.len(), 1);
    assert_eq!(p.launches[0].href, "shared/launchpage.html");
    assert_eq!(p.launches[0].scorm_type, ScormType::Sco);
    assert_eq!(p.launches[0].scaled_passing_score, None);
    assert_eq!(
        p.sequencing,
        Some(json!({
            "activityTree": {
                "id": "golf_sample_default_org",
                "title": "Golf Explained - Run-time Basic Calls",
                "sequencingControls": {
                    "choice": true, "choiceExit": true, "flow": true, "forwardOnly": false,
                    "useCurrentAttemptObjectiveInfo": true, "useCurrentAttemptProgressInfo": true,
                },
                "children": [{
                    "id": "item_1",
                    "title": "Golf Explained",
                    "sequencingControls": {
                        "choice": true, "choiceExit": true, "flow": false, "forwardOnly": false,
                        "useCurrentAttemptObjectiveInfo": true, "useCurrentAttemptProgressInfo": true,
                    },
                    "deliveryControls": {
                        "tracked": true, "completionSetByContent": true,
                        "objectiveSetByContent": true,
                    },
                }],
            }
        }))
    );
    every_entry_listed_and_readable(&bytes, &p);
}

/// Every file of the zip is in `entries` (folders are not), and each streams out at its size.
fn every_entry_listed_and_readable(bytes: &[u8], p: &Package) {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut files: Vec<String> = Vec::new();
    for i in 0..archive.len() {
        let f = archive.by_index(i).unwrap();
        if !f.is_dir() {
            files.push(f.name().unwrap().to_string());
        }
    }
    files.sort();
    let mut listed: Vec<String> = p.entries.iter().map(|e| e.path.clone()).collect();
    listed.sort();
    assert_eq!(listed, files);
    assert!(listed.contains(&"imsmanifest.xml".to_string()));
    for e in &p.entries {
        let mut out = Vec::new();
        let n = read_entry(&mut archive, e, &Limits::default(), &mut out).unwrap();
        assert_eq!(n, e.size);
        assert_eq!(out.len() as u64, e.size);
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile zips

#[test]
fn not_a_zip() {
    let list = problems(b"this is not a zip at all");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].kind.code(), "package-not-a-zip");
}

#[test]
fn traversal_absolute_and_backslash_names_are_refused() {
    let bytes = zip_of(&[
        ("imsmanifest.xml", MANIFEST_12.as_bytes()),
        ("index.html", b"<p>hi</p>"),
        ("../evil", b"x"),
        ("/etc/x", b"x"),
        ("a\\..\\b", b"x"),
        ("C:/windows/x", b"x"),
        ("nul\0byte", b"x"),
    ]);
    let list = problems(&bytes);
    let unsafe_paths: Vec<String> = list
        .iter()
        .filter_map(|p| match &p.kind {
            ProblemKind::UnsafePath { path } => Some(path.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(unsafe_paths.len(), 5, "{list:?}");
    for name in ["../evil", "/etc/x", "a\\..\\b", "C:/windows/x"] {
        assert!(
            unsafe_paths.iter().any(|p| p == name),
            "{name} in {unsafe_paths:?}"
        );
    }
}

#[test]
fn symlinks_are_refused() {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("imsmanifest.xml", deflated()).unwrap();
    w.write_all(MANIFEST_12.as_bytes()).unwrap();
    w.add_symlink("index.html", "/etc/passwd", SimpleFileOptions::default())
        .unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let list = problems(&bytes);
    assert_eq!(
        list,
        vec![Problem {
            file: "index.html".into(),
            line: None,
            kind: ProblemKind::Symlink {
                path: "index.html".into()
            }
        }]
    );
}

#[test]
fn encrypted_entries_are_refused() {
    let mut bytes = zip_of(&[
        ("imsmanifest.xml", MANIFEST_12.as_bytes()),
        ("index.html", b"<p>secret</p>"),
    ]);
    patch_encrypted(&mut bytes, "index.html");
    let list = problems(&bytes);
    assert_eq!(
        codes(&list),
        vec![("index.html".into(), None, "package-encrypted")]
    );
}

#[test]
fn a_zip_bomb_is_refused_by_its_ratio() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let bytes = zip_of(&[
        ("imsmanifest.xml", MANIFEST_12.as_bytes()),
        ("index.html", b"<p>hi</p>"),
        ("bomb.bin", &zeros),
    ]);
    assert!(bytes.len() < 100_000, "compressed to {}", bytes.len());
    let list = problems(&bytes);
    assert_eq!(
        list[0].kind,
        ProblemKind::SuspiciousRatio {
            path: "bomb.bin".into(),
            max: 200
        }
    );
    // Below the floor, text that compresses well is fine.
    let css = b"a{color:red}".repeat(20_000);
    ok(&zip_of(&[
        ("imsmanifest.xml", MANIFEST_12.as_bytes()),
        ("index.html", &css),
    ]));
}

#[test]
fn sizes_over_the_limits_are_refused() {
    let bytes = zip_of(&[
        ("imsmanifest.xml", MANIFEST_12.as_bytes()),
        ("index.html", &[7u8; 5000]),
        ("more.bin", &[8u8; 5000]),
    ]);
    let limits = Limits {
        max_entry_bytes: 4000,
        max_total_bytes: 6000,
        ..Limits::default()
    };
    let list = problems_with(&bytes, &limits);
    assert_eq!(
        codes(&list),
        vec![
            ("index.html".into(), None, "package-entry-too-large"),
            ("more.bin".into(), None, "package-entry-too-large"),
            (String::new(), None, "package-too-large"),
        ]
    );
    let limits = Limits {
        max_manifest_bytes: 100,
        ..Limits::default()
    };
    let list = problems_with(&bytes, &limits);
    assert_eq!(
        codes(&list),
        vec![("imsmanifest.xml".into(), None, "package-manifest-too-large")]
    );
}

#[test]
fn too_many_entries() {
    let names: Vec<String> = (0..20).map(|i| format!("f{i}.txt")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    let list = problems_with(&zip_of(&files), &limits);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].kind, ProblemKind::TooManyEntries { max: 10 });
}

#[test]
fn a_header_that_lies_about_its_size_stops_read_entry() {
    let content = b"0123456789abcdef".repeat(10_000);
    let mut bytes = zip_of(&[
        ("imsmanifest.xml", MANIFEST_12.as_bytes()),
        ("index.html", &content),
    ]);
    patch_declared_size(&mut bytes, "index.html", 100);
    let p = ok(&bytes);
    let entry = p.entries.iter().find(|e| e.path == "index.html").unwrap();
    assert_eq!(entry.size, 100);
    let mut archive = ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let mut out = Vec::new();
    let err = read_entry(&mut archive, entry, &Limits::default(), &mut out).unwrap_err();
    // The zip crate notices first here; either way nothing past the declared size comes out.
    assert!(
        err.has("package-size-mismatch") || err.has("package-unreadable"),
        "{err}"
    );
    assert!(
        out.len() <= 100,
        "stopped at the declared size: {}",
        out.len()
    );

    // An entry that declares less than the archive holds (a stale or forged Entry) is cut by
    // read_entry's own count.
    let honest = zip_of(&[
        ("imsmanifest.xml", MANIFEST_12.as_bytes()),
        ("index.html", &content),
    ]);
    let mut entry = ok(&honest)
        .entries
        .into_iter()
        .find(|e| e.path == "index.html")
        .unwrap();
    entry.size = 1000;
    let mut archive = ZipArchive::new(Cursor::new(&honest)).unwrap();
    let mut out = Vec::new();
    let err = read_entry(&mut archive, &entry, &Limits::default(), &mut out).unwrap_err();
    assert_eq!(
        err.0[0].kind,
        ProblemKind::SizeMismatch {
            path: "index.html".into(),
            declared: 1000
        }
    );
    assert!(out.len() <= 1000);
}

#[test]
fn duplicate_paths_after_normalisation() {
    let bytes = zip_of(&[
        ("imsmanifest.xml", MANIFEST_12.as_bytes()),
        ("index.html", b"1"),
        ("./index.html", b"2"),
    ]);
    let list = problems(&bytes);
    assert_eq!(
        codes(&list),
        vec![("./index.html".into(), None, "package-duplicate-path")]
    );
}

// ---------------------------------------------------------------------------------------------
// Broken manifests

#[test]
fn missing_manifest() {
    let list = problems(&zip_of(&[("index.html", b"x")]));
    assert_eq!(
        codes(&list),
        vec![("imsmanifest.xml".into(), None, "package-no-manifest")]
    );
}

#[test]
fn a_manifest_zipped_inside_its_folder_is_pointed_at() {
    let list = problems(&zip_of(&[
        ("course/imsmanifest.xml", MANIFEST_12.as_bytes()),
        ("course/index.html", b"x"),
    ]));
    assert_eq!(
        list[0].kind,
        ProblemKind::ManifestInFolder {
            folder: "course".into()
        }
    );
}

#[test]
fn manifest_that_is_not_xml_reports_its_line() {
    let bad = "<?xml version=\"1.0\"?>\n<manifest identifier=\"m\">\n  <organizations>\n  </resources>\n</manifest>\n";
    let list = problems(&zip_of(&[("imsmanifest.xml", bad.as_bytes())]));
    assert_eq!(
        codes(&list),
        vec![("imsmanifest.xml".into(), Some(4), "package-xml")]
    );
    let list = problems(&zip_of(&[("imsmanifest.xml", b"\n\nnot xml <<<")]));
    assert_eq!(list[0].kind.code(), "package-xml");
    assert_eq!(list[0].line, Some(3));
}

#[test]
fn every_reference_problem_is_reported_with_its_line() {
    let manifest = r#"<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="o">
    <organization identifier="o"><title>T</title>
      <item identifier="i1" identifierref="r1"><title>A</title></item>
      <item identifier="i2" identifierref="nowhere"><title>B</title></item>
      <item identifier="i1" identifierref="r2"><title>C</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="a.html">
      <file href="a.html"/>
      <file href="img/missing.png"/>
      <dependency identifierref="shared"/>
    </resource>
    <resource identifier="r2" type="webcontent" adlcp:scormType="asset" href="../../etc/passwd"/>
  </resources>
</manifest>"#;
    let list = problems(&zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("a.html", b"x"),
    ]));
    let mut found = codes(&list);
    found.sort();
    let m = "imsmanifest.xml".to_string();
    assert_eq!(
        found,
        vec![
            (m.clone(), Some(8), "package-unknown-identifier-ref"),
            (m.clone(), Some(9), "package-duplicate-identifier"),
            (m.clone(), Some(15), "package-missing-file"),
            (m.clone(), Some(16), "package-unknown-identifier-ref"),
            (m.clone(), Some(18), "package-unsafe-href"),
        ]
    );
    assert!(list.iter().any(|p| p.kind
        == ProblemKind::MissingFile {
            href: "img/missing.png".into()
        }));
    assert!(list.iter().any(|p| p.kind
        == ProblemKind::UnknownIdentifierRef {
            id: "nowhere".into()
        }));
    assert!(list
        .iter()
        .any(|p| p.kind == ProblemKind::DuplicateIdentifier { id: "i1".into() }));
}

#[test]
fn a_missing_launch_file_and_an_unknown_schema() {
    let manifest = MANIFEST_12.replace("index.html", "start%20here.html");
    let list = problems(&zip_of(&[("imsmanifest.xml", manifest.as_bytes())]));
    assert_eq!(
        list.iter().map(|p| &p.kind).collect::<Vec<_>>(),
        vec![&ProblemKind::MissingFile {
            href: "start here.html".into()
        }]
    );
    assert_eq!(list[0].line, Some(9));
    // With the file (percent-decoded), it is fine.
    let p = ok(&zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("start here.html", b"x"),
    ]));
    assert_eq!(p.launches[0].href, "start%20here.html");

    let manifest = r#"<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1">
  <metadata><schemaversion>2004 5th Edition</schemaversion></metadata>
  <organizations/><resources/></manifest>"#;
    let list = problems(&zip_of(&[("imsmanifest.xml", manifest.as_bytes())]));
    assert_eq!(
        list[0],
        Problem {
            file: "imsmanifest.xml".into(),
            line: Some(2),
            kind: ProblemKind::UnknownSchema {
                found: "2004 5th Edition".into()
            }
        }
    );
    assert!(list.iter().any(|p| p.kind == ProblemKind::NoOrganization));
}

// ---------------------------------------------------------------------------------------------
// SCORM 1.2 multi-SCO

const MULTI_12: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="course12" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Fractions</title>
      <item identifier="intro" identifierref="res_intro" parameters="?lang=en">
        <title>Introduction</title>
      </item>
      <item identifier="module1">
        <title>Module 1</title>
        <item identifier="lesson1" identifierref="res_lesson" parameters="page=1">
          <title>Lesson 1</title>
          <adlcp:prerequisites type="aicc_script">intro</adlcp:prerequisites>
          <adlcp:masteryscore>80</adlcp:masteryscore>
          <adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>
          <adlcp:timelimitaction>exit,message</adlcp:timelimitaction>
          <adlcp:datafromlms>level=2</adlcp:datafromlms>
        </item>
        <item identifier="quiz" identifierref="res_quiz" isvisible="false">
          <title>Quiz</title>
          <adlcp:prerequisites type="aicc_script">intro &amp; lesson1</adlcp:prerequisites>
        </item>
      </item>
    </organization>
  </organizations>
  <resources xml:base="content/">
    <resource identifier="res_intro" type="webcontent" adlcp:scormtype="asset" href="intro.html"/>
    <resource identifier="res_lesson" type="webcontent" adlcp:scormtype="sco" href="lesson.html#top" xml:base="lesson/">
      <file href="lesson.html"/>
      <file href="../shared/style.css"/>
      <dependency identifierref="res_shared"/>
    </resource>
    <resource identifier="res_quiz" type="webcontent" adlcp:scormtype="SCO" href="quiz.html?mode=test"/>
    <resource identifier="res_shared" type="webcontent" adlcp:scormtype="asset">
      <file href="shared/style.css"/>
    </resource>
  </resources>
</manifest>"#;

fn multi_12_files(manifest: &str) -> Vec<u8> {
    zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("content/intro.html", b"i"),
        ("content/lesson/lesson.html", b"l"),
        ("content/quiz.html", b"q"),
        ("content/shared/style.css", b"s"),
    ])
}

#[test]
fn scorm12_multi_sco_with_prerequisites() {
    let p = ok(&multi_12_files(MULTI_12));
    assert_eq!(p.standard, Standard::Scorm12);
    assert_eq!(p.title, "Fractions");
    assert_eq!(p.identifier, "course12");
    assert_eq!(p.tree.len(), 2);
    assert_eq!(p.tree[1].identifier, "module1");
    assert!(p.tree[1].launch.is_none());
    assert_eq!(p.tree[1].children.len(), 2);
    assert!(!p.tree[1].children[1].visible);
    assert_eq!(p.tree[1].children[0].parameters.as_deref(), Some("page=1"));
    let hrefs: Vec<&str> = p.launches.iter().map(|l| l.href.as_str()).collect();
    assert_eq!(
        hrefs,
        vec![
            "content/intro.html?lang=en",
            "content/lesson/lesson.html?page=1#top",
            "content/quiz.html?mode=test",
        ]
    );
    let types: Vec<ScormType> = p.launches.iter().map(|l| l.scorm_type).collect();
    assert_eq!(
        types,
        vec![ScormType::Asset, ScormType::Sco, ScormType::Sco]
    );
    let lesson = &p.launches[1];
    assert_eq!(lesson.identifier, "lesson1");
    assert_eq!(lesson.mastery_score, Some(80.0));
    assert_eq!(lesson.prerequisites.as_deref(), Some("intro"));
    assert_eq!(lesson.max_time_allowed.as_deref(), Some("00:30:00"));
    assert_eq!(lesson.time_limit_action.as_deref(), Some("exit,message"));
    assert_eq!(lesson.data_from_lms.as_deref(), Some("level=2"));
    assert_eq!(
        p.launches[2].prerequisites.as_deref(),
        Some("intro & lesson1")
    );
    assert_eq!(p.sequencing, None);

    // The model round-trips through JSON (the caller stores tree and launches so).
    let json = serde_json::to_string(&p).unwrap();
    let back: Package = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}

#[test]
fn scorm12_tolerates_spelling_of_values_and_empty_elements() {
    let manifest = MULTI_12.replace("exit,message", " Exit, Message ").replace(
        "<adlcp:masteryscore>80</adlcp:masteryscore>",
        "<adlcp:masteryscore/>",
    );
    let p = ok(&multi_12_files(&manifest));
    assert_eq!(
        p.launches[1].time_limit_action.as_deref(),
        Some("exit,message")
    );
    assert_eq!(p.launches[1].mastery_score, None);
}

#[test]
fn scorm12_prerequisites_and_values_are_checked() {
    let manifest = MULTI_12
        .replace(">intro &amp; lesson1<", ">intro &amp; lesson9<")
        .replace("<adlcp:masteryscore>80", "<adlcp:masteryscore>180")
        .replace("exit,message", "stop");
    let list = problems(&multi_12_files(&manifest));
    let m = "imsmanifest.xml".to_string();
    assert_eq!(
        codes(&list),
        vec![
            (m.clone(), Some(17), "package-bad-value"),
            (m.clone(), Some(19), "package-bad-value"),
            (m.clone(), Some(24), "package-unknown-identifier-ref"),
        ]
    );
    assert_eq!(
        list[2].kind,
        ProblemKind::UnknownIdentifierRef {
            id: "lesson9".into()
        }
    );
    assert_eq!(
        list[0].kind,
        ProblemKind::BadValue {
            element: "adlcp:masteryscore".into(),
            value: "180".into(),
            expected: "a number from 0 to 100".into()
        }
    );
}

// ---------------------------------------------------------------------------------------------
// SCORM 2004 multi-SCO with sequencing

const MULTI_2004: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="course2004" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:x="urn:vendor:extension">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org" adlseq:objectivesGlobalToSystem="false">
      <title>Safety</title>
      <item identifier="pretest" identifierref="res_pre">
        <title>Pre-test</title>
        <imsss:sequencing IDRef="test_rules">
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="pre_ok" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
              <imsss:mapInfo targetObjectiveID="global_ok" writeSatisfiedStatus="true"/>
            </imsss:primaryObjective>
          </imsss:objectives>
          <adlseq:objectives><adlseq:objective objectiveID="pre_ok"><adlseq:mapInfo targetObjectiveID="global_ok" writeRawScore="true"/><adlseq:mapInfo targetObjectiveID="scores" readCompletionStatus="false"/></adlseq:objective></adlseq:objectives>
        </imsss:sequencing>
      </item>
      <item identifier="lesson" identifierref="res_lesson" parameters="chapter=2">
        <title>Lesson</title>
        <adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.75"/>
        <adlcp:timeLimitAction>continue,no message</adlcp:timeLimitAction>
        <adlcp:dataFromLMS>mode=full</adlcp:dataFromLMS>
        <imsss:sequencing>
          <imsss:sequencingRules>
            <imsss:preConditionRule>
              <imsss:ruleConditions>
                <imsss:ruleCondition referencedObjective="lesson_ok" condition="satisfied"/>
              </imsss:ruleConditions>
              <imsss:ruleAction action="skip"/>
            </imsss:preConditionRule>
          </imsss:sequencingRules>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="lesson_ok">
              <imsss:mapInfo targetObjectiveID="global_ok" readSatisfiedStatus="true"/>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
        <adlnav:presentation>
          <adlnav:navigationInterface>
            <adlnav:hideLMSUI>continue</adlnav:hideLMSUI>
            <adlnav:hideLMSUI>previous</adlnav:hideLMSUI>
          </adlnav:navigationInterface>
        </adlnav:presentation>
        <x:whatever anything="goes"/>
      </item>
      <item identifier="exam" identifierref="res_exam">
        <title>Exam</title>
        <imsss:sequencing IDRef="test_rules">
          <imsss:limitConditions attemptLimit="3" attemptAbsoluteDurationLimit="PT1H"/>
          <imsss:sequencingRules>
            <imsss:preConditionRule>
              <imsss:ruleConditions conditionCombination="any">
                <imsss:ruleCondition condition="attemptLimitExceeded"/>
                <imsss:ruleCondition operator="not" condition="objectiveMeasureGreaterThan" measureThreshold="0.5"/>
              </imsss:ruleConditions>
              <imsss:ruleAction action="disabled"/>
            </imsss:preConditionRule>
            <imsss:postConditionRule>
              <imsss:ruleConditions>
                <imsss:ruleCondition operator="not" condition="satisfied"/>
              </imsss:ruleConditions>
              <imsss:ruleAction action="retry"/>
            </imsss:postConditionRule>
          </imsss:sequencingRules>
        </imsss:sequencing>
      </item>
      <imsss:sequencing>
        <imsss:controlMode choice="false" flow="true" forwardOnly="true"/>
        <imsss:rollupRules objectiveMeasureWeight="0.5">
          <imsss:rollupRule childActivitySet="all">
            <imsss:rollupConditions>
              <imsss:rollupCondition condition="satisfied"/>
            </imsss:rollupConditions>
            <imsss:rollupAction action="satisfied"/>
          </imsss:rollupRule>
          <imsss:rollupRule childActivitySet="atLeastPercent" minimumPercent="0.5">
            <imsss:rollupConditions conditionCombination="all">
              <imsss:rollupCondition operator="not" condition="activityProgressKnown"/>
            </imsss:rollupConditions>
            <imsss:rollupAction action="incomplete"/>
          </imsss:rollupRule>
        </imsss:rollupRules>
        <adlseq:rollupConsiderations requiredForSatisfied="ifAttempted"/>
      </imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res_pre" type="webcontent" adlcp:scormType="sco" href="pre/index.html"/>
    <resource identifier="res_lesson" type="webcontent" adlcp:scormType="sco" href="lesson/index.html"/>
    <resource identifier="res_exam" type="webcontent" adlcp:scormType="sco" href="exam/index.html"/>
  </resources>
  <imsss:sequencingCollection>
    <imsss:sequencing ID="test_rules">
      <imsss:controlMode choiceExit="false"/>
      <imsss:limitConditions attemptLimit="1"/>
      <imsss:deliveryControls objectiveSetByContent="true"/>
    </imsss:sequencing>
  </imsss:sequencingCollection>
</manifest>"#;

fn multi_2004_files(manifest: &str) -> Vec<u8> {
    multi_2004_files_raw(manifest.as_bytes())
}

/// A scorm-again mapInfo whose `on` flags are true and the other thirteen false.
fn map_info(target: &str, on: &[&str]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("targetObjectiveID".into(), json!(target));
    for flag in [
        "readSatisfiedStatus",
        "readNormalizedMeasure",
        "writeSatisfiedStatus",
        "writeNormalizedMeasure",
        "readRawScore",
        "readMinScore",
        "readMaxScore",
        "readCompletionStatus",
        "readProgressMeasure",
        "writeRawScore",
        "writeMinScore",
        "writeMaxScore",
        "writeCompletionStatus",
        "writeProgressMeasure",
    ] {
        m.insert(flag.into(), json!(on.contains(&flag)));
    }
    serde_json::Value::Object(m)
}

#[test]
fn scorm2004_multi_sco_sequencing_json() {
    let p = ok(&multi_2004_files(MULTI_2004));
    assert_eq!(
        p.standard,
        Standard::Scorm2004 {
            edition: Edition2004::Fourth
        }
    );
    let hrefs: Vec<&str> = p.launches.iter().map(|l| l.href.as_str()).collect();
    assert_eq!(
        hrefs,
        vec![
            "pre/index.html",
            "lesson/index.html?chapter=2",
            "exam/index.html"
        ]
    );
    assert_eq!(p.launches[0].scaled_passing_score, Some(0.8));
    assert_eq!(p.launches[1].scaled_passing_score, None);
    assert_eq!(p.launches[1].completion_threshold, Some(0.75));
    assert_eq!(
        p.launches[1].time_limit_action.as_deref(),
        Some("continue,no message")
    );
    assert_eq!(p.launches[1].data_from_lms.as_deref(), Some("mode=full"));
    assert_eq!(p.launches[2].max_time_allowed.as_deref(), Some("PT1H"));

    let collection_controls = json!({
        "choice": true, "choiceExit": false, "flow": false, "forwardOnly": false,
        "useCurrentAttemptObjectiveInfo": true, "useCurrentAttemptProgressInfo": true,
    });
    let collection_delivery = json!({
        "tracked": true, "completionSetByContent": false, "objectiveSetByContent": true,
    });
    assert_eq!(
        p.sequencing.unwrap(),
        json!({
            "activityTree": {
                "id": "org",
                "title": "Safety",
                "sequencingControls": {
                    "choice": false, "choiceExit": true, "flow": true, "forwardOnly": true,
                    "useCurrentAttemptObjectiveInfo": true, "useCurrentAttemptProgressInfo": true,
                    "rollupObjectiveSatisfied": true, "rollupProgressCompletion": true,
                    "objectiveMeasureWeight": 0.5,
                },
                "rollupRules": { "rules": [
                    {
                        "action": "satisfied", "consideration": "all", "minimumCount": 0,
                        "minimumPercent": 0.0, "conditionCombination": "any",
                        "conditions": [{ "condition": "satisfied", "operator": "noOp" }],
                    },
                    {
                        "action": "incomplete", "consideration": "atLeastPercent",
                        "minimumCount": 0, "minimumPercent": 50.0, "conditionCombination": "all",
                        "conditions": [{ "condition": "progressKnown", "operator": "not" }],
                    },
                ]},
                "rollupConsiderations": {
                    "requiredForSatisfied": "ifAttempted", "requiredForNotSatisfied": "always",
                    "requiredForCompleted": "always", "requiredForIncomplete": "always",
                    "measureSatisfactionIfActive": true,
                },
                "children": [
                    {
                        "id": "pretest",
                        "title": "Pre-test",
                        "sequencingControls": collection_controls,
                        "attemptLimit": 1,
                        "deliveryControls": collection_delivery,
                        "primaryObjective": {
                            "objectiveID": "pre_ok", "isPrimary": true,
                            "satisfiedByMeasure": true, "minNormalizedMeasure": 0.8,
                            "mapInfo": [
                                map_info("global_ok", &["readSatisfiedStatus", "readNormalizedMeasure",
                                    "writeSatisfiedStatus", "readRawScore", "readMinScore", "readMaxScore",
                                    "readCompletionStatus", "readProgressMeasure", "writeRawScore"]),
                                map_info("scores", &["readRawScore", "readMinScore", "readMaxScore",
                                    "readProgressMeasure"]),
                            ],
                        },
                    },
                    {
                        "id": "lesson",
                        "title": "Lesson",
                        "sequencingControls": {
                            "choice": true, "choiceExit": true, "flow": false, "forwardOnly": false,
                            "useCurrentAttemptObjectiveInfo": true,
                            "useCurrentAttemptProgressInfo": true,
                        },
                        "sequencingRules": { "preConditionRules": [{
                            "action": "skip", "conditionCombination": "all",
                            "conditions": [{ "condition": "satisfied", "referencedObjective": "lesson_ok" }],
                        }]},
                        "primaryObjective": {
                            "objectiveID": "lesson_ok", "isPrimary": true,
                            "satisfiedByMeasure": false,
                            "mapInfo": [map_info("global_ok", &["readSatisfiedStatus", "readNormalizedMeasure"])],
                        },
                        "hideLmsUi": ["continue", "previous"],
                        "completionThreshold": {
                            "completedByMeasure": true, "minProgressMeasure": 0.75,
                            "progressWeight": 1.0,
                        },
                    },
                    {
                        "id": "exam",
                        "title": "Exam",
                        "sequencingControls": collection_controls,
                        "attemptLimit": 3,
                        "attemptAbsoluteDurationLimit": "PT1H",
                        "deliveryControls": collection_delivery,
                        "sequencingRules": {
                            "preConditionRules": [{
                                "action": "disabled", "conditionCombination": "any",
                                "conditions": [
                                    { "condition": "attemptLimitExceeded" },
                                    {
                                        "condition": "objectiveMeasureGreaterThan",
                                        "operator": "not", "parameters": { "threshold": 0.5 },
                                    },
                                ],
                            }],
                            "postConditionRules": [{
                                "action": "retry", "conditionCombination": "all",
                                "conditions": [{ "condition": "satisfied", "operator": "not" }],
                            }],
                        },
                    },
                ],
            }
        })
    );
}

#[test]
fn scorm2004_sequencing_values_are_checked() {
    let manifest = MULTI_2004
        .replace("action=\"skip\"", "action=\"jump\"")
        .replace("attemptLimit=\"3\"", "attemptLimit=\"three\"")
        .replace(
            "IDRef=\"test_rules\">\n          <imsss:limit",
            "IDRef=\"nope\">\n          <imsss:limit",
        )
        .replace("PT1H", "1 hour")
        .replace("<adlnav:hideLMSUI>previous", "<adlnav:hideLMSUI>back")
        .replace("choiceExit=\"false\"", "choiceExit=\"nope\"");
    let list = problems(&multi_2004_files(&manifest));
    let mut found: Vec<(Option<u32>, String)> = list
        .iter()
        .map(|p| (p.line, p.kind.code().to_string()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            (Some(36), "package-bad-value".to_string()),
            (Some(48), "package-bad-value".into()),
            (Some(55), "package-unknown-identifier-ref".into()),
            (Some(56), "package-bad-value".into()),
            (Some(56), "package-bad-value".into()),
            // The shared collection is used by two items and reported once.
            (Some(101), "package-bad-value".into()),
        ],
        "{list:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// cmi5

const CMI5_XML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.org/course/1">
    <title><langstring lang="en-US">Fire safety</langstring><langstring lang="fr-FR">Sécurité incendie</langstring></title>
    <description><langstring lang="en-US">Know the exits.</langstring></description>
  </course>
  <objectives>
    <objective id="https://example.org/obj/exits">
      <title><langstring lang="en-US">Exits</langstring></title>
      <description><langstring lang="en-US">Find them.</langstring></description>
    </objective>
  </objectives>
  <au id="https://example.org/au/intro" moveOn="Completed">
    <title><langstring lang="en-US">Intro</langstring></title>
    <description><langstring lang="en-US">Start here.</langstring></description>
    <url>intro/index.html</url>
  </au>
  <block id="https://example.org/block/1">
    <title><langstring lang="en-US">Practice</langstring></title>
    <description><langstring lang="en-US">Do it.</langstring></description>
    <objectives><objective idref="https://example.org/obj/exits"/></objectives>
    <au id="https://example.org/au/drill" moveOn="CompletedAndPassed" masteryScore="0.7"
        launchMethod="OwnWindow" activityType="http://adlnet.gov/expapi/activities/simulation">
      <title><langstring lang="en-US">Drill</langstring></title>
      <description><langstring lang="en-US">Evacuate.</langstring></description>
      <url>https://games.example.org/drill?level=1</url>
      <launchParameters>{"speed":2}</launchParameters>
      <entitlementKey>abc</entitlementKey>
    </au>
    <block id="https://example.org/block/2">
      <title><langstring lang="en-US">Exam</langstring></title>
      <description><langstring lang="en-US">Check.</langstring></description>
      <au id="https://example.org/au/exam">
        <title><langstring lang="en-US">Exam</langstring></title>
        <description><langstring lang="en-US">Pass it.</langstring></description>
        <url>exam/index.html?x=1</url>
      </au>
    </block>
  </block>
</courseStructure>"#;

#[test]
fn cmi5_course_with_blocks_and_aus() {
    let course = parse_cmi5(CMI5_XML.as_bytes()).unwrap();
    assert_eq!(course.id, "https://example.org/course/1");
    assert_eq!(course.title.len(), 2);
    assert_eq!(course.title[1].lang.as_deref(), Some("fr-FR"));
    assert_eq!(course.objectives.len(), 1);
    let aus = course.aus();
    assert_eq!(aus.len(), 3);
    assert_eq!(aus[0].move_on, MoveOn::Completed);
    assert_eq!(aus[0].launch_method, LaunchMethod::AnyWindow);
    assert_eq!(aus[1].move_on, MoveOn::CompletedAndPassed);
    assert_eq!(aus[1].mastery_score, Some(0.7));
    assert_eq!(aus[1].launch_method, LaunchMethod::OwnWindow);
    assert_eq!(
        aus[1].activity_type.as_deref(),
        Some("http://adlnet.gov/expapi/activities/simulation")
    );
    assert_eq!(aus[1].launch_parameters.as_deref(), Some(r#"{"speed":2}"#));
    assert_eq!(aus[1].entitlement_key.as_deref(), Some("abc"));
    assert_eq!(aus[2].move_on, MoveOn::NotApplicable);
    let Cmi5Node::Block(block) = &course.children[1] else {
        panic!("{:?}", course.children[1])
    };
    assert_eq!(
        block.objectives,
        vec!["https://example.org/obj/exits".to_string()]
    );
    assert!(matches!(block.children[1], Cmi5Node::Block(_)));

    // In a zip: relative URLs must be files of the zip.
    let bytes = zip_of(&[
        ("cmi5.xml", CMI5_XML.as_bytes()),
        ("intro/index.html", b"i"),
        ("exam/index.html", b"e"),
    ]);
    let p = ok(&bytes);
    assert_eq!(p.standard, Standard::Cmi5);
    assert_eq!(p.title, "Fire safety");
    assert_eq!(p.identifier, "https://example.org/course/1");
    let hrefs: Vec<&str> = p.launches.iter().map(|l| l.href.as_str()).collect();
    assert_eq!(
        hrefs,
        vec![
            "intro/index.html",
            "https://games.example.org/drill?level=1",
            "exam/index.html?x=1"
        ]
    );
    assert_eq!(p.tree.len(), 2);
    assert_eq!(p.tree[1].children.len(), 2);
    assert_eq!(p.cmi5.as_ref().unwrap().aus().len(), 3);

    let list = problems(&zip_of(&[
        ("cmi5.xml", CMI5_XML.as_bytes()),
        ("intro/index.html", b"i"),
    ]));
    assert_eq!(
        codes(&list),
        vec![("cmi5.xml".into(), Some(36), "package-missing-file")]
    );
}

#[test]
fn broken_cmi5_reports_every_problem() {
    let bad = CMI5_XML
        .replace("<url>intro/index.html</url>", "")
        .replace("moveOn=\"CompletedAndPassed\"", "moveOn=\"Finished\"")
        .replace("masteryScore=\"0.7\"", "masteryScore=\"70\"")
        .replace(
            "idref=\"https://example.org/obj/exits\"",
            "idref=\"https://example.org/obj/none\"",
        )
        .replace(
            "id=\"https://example.org/au/exam\"",
            "id=\"https://example.org/au/intro\"",
        );
    let err = parse_cmi5(bad.as_bytes()).unwrap_err();
    let mut found: Vec<(Option<u32>, &str)> =
        err.0.iter().map(|p| (p.line, p.kind.code())).collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            (Some(13), "package-missing-element"),
            (Some(21), "package-unknown-identifier-ref"),
            (Some(22), "package-bad-value"),
            (Some(22), "package-bad-value"),
            (Some(33), "package-duplicate-identifier"),
        ],
        "{err}"
    );
    assert!(err.0.iter().all(|p| p.file == "cmi5.xml"));

    let err = parse_cmi5(b"<courseStructure>\n<course id='x'>\n</courseStructure>").unwrap_err();
    assert_eq!(err.0[0].line, Some(3));
    assert_eq!(err.0[0].kind.code(), "package-xml");
}

#[test]
fn problem_codes_and_args_for_messages() {
    let k = ProblemKind::EntryTooLarge {
        path: "a.bin".into(),
        max: 10,
    };
    assert_eq!(k.code(), "package-entry-too-large");
    assert_eq!(
        k.args(),
        vec![("path", "a.bin".to_string()), ("max", "10".to_string())]
    );
    assert_eq!(ProblemKind::NoManifest.args(), vec![]);
    let p = Problem {
        file: "imsmanifest.xml".into(),
        line: Some(3),
        kind: ProblemKind::MissingFile {
            href: "x.html".into(),
        },
    };
    assert_eq!(
        p.to_string(),
        "imsmanifest.xml:3: package-missing-file href=\"x.html\""
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever the manifest or course structure holds, reading it answers, never panics.
    #[test]
    fn any_manifest_bytes_are_answered(
        cut in 0usize..MULTI_2004.len(),
        noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
    ) {
        let mut manifest = MULTI_2004.as_bytes()[..cut].to_vec();
        manifest.extend_from_slice(&noise);
        manifest.extend_from_slice(&MULTI_2004.as_bytes()[cut..]);
        let _ = inspect(Cursor::new(multi_2004_files_raw(&manifest)), &Limits::default());
        let mut cmi5 = CMI5_XML.as_bytes()[..cut.min(CMI5_XML.len())].to_vec();
        cmi5.extend_from_slice(&noise);
        let _ = parse_cmi5(&cmi5);
    }
}

fn multi_2004_files_raw(manifest: &[u8]) -> Vec<u8> {
    zip_of(&[
        ("imsmanifest.xml", manifest),
        ("pre/index.html", b"p"),
        ("lesson/index.html", b"l"),
        ("exam/index.html", b"e"),
    ])
}
