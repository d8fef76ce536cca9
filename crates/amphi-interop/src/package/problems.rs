//! What can be wrong with an uploaded package: each problem names the file (a path in the zip,
//! `imsmanifest.xml` or `cmi5.xml`) and, inside XML, the line.

use serde::{Deserialize, Serialize};

use super::xml::{XmlError, MAX_DEPTH};

/// Every problem found in a package; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problems(pub Vec<Problem>);

/// One problem, where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The zip path, `imsmanifest.xml` or `cmi5.xml`; empty for the zip as a whole.
    pub file: String,
    /// 1-based line inside `file` when it is XML.
    pub line: Option<u32>,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong; [`ProblemKind::code`] and [`ProblemKind::args`] give its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProblemKind {
    /// The upload is not a readable zip archive.
    NotAZip { detail: String },
    /// An entry name with `..`, an absolute path, a drive letter, a backslash or a control
    /// character.
    UnsafePath { path: String },
    /// A symbolic link entry.
    Symlink { path: String },
    /// An encrypted entry.
    Encrypted { path: String },
    /// Two entries with the same path once normalised.
    DuplicatePath { path: String },
    /// More entries than allowed.
    TooManyEntries { max: usize },
    /// More bytes, uncompressed, than allowed for the whole package.
    TooLarge { max: u64 },
    /// One entry is larger, uncompressed, than allowed.
    EntryTooLarge { path: String, max: u64 },
    /// An entry compresses better than any real file does (a zip bomb).
    SuspiciousRatio { path: String, max: u64 },
    /// An entry decompresses to another size than its header says.
    SizeMismatch { path: String, declared: u64 },
    /// An entry cannot be decompressed (corrupt data, unsupported compression).
    Unreadable { path: String, detail: String },
    /// No `imsmanifest.xml` (nor `cmi5.xml`) at the root of the zip.
    NoManifest,
    /// The manifest is in a folder of the zip instead of its root (the folder was zipped
    /// instead of its contents).
    ManifestInFolder { folder: String },
    /// The manifest is larger than allowed.
    ManifestTooLarge { max: u64 },
    /// The XML is not well-formed.
    Xml { detail: String },
    /// Elements nest deeper than allowed.
    TooDeep { max: usize },
    /// A `schemaversion` that names no SCORM version Amphi plays, or none that can be inferred.
    UnknownSchema { found: String },
    /// A required element is missing.
    MissingElement { element: String },
    /// A required attribute is missing.
    MissingAttribute { element: String, attribute: String },
    /// A value outside what the specification allows.
    BadValue {
        element: String,
        value: String,
        expected: String,
    },
    /// A file the manifest names is not in the zip.
    MissingFile { href: String },
    /// A reference (`href`, `url`) that leads outside the package.
    UnsafeHref { href: String },
    /// A `cmi5.xml` uploaded without a zip names an AU by a relative URL (nothing to find it
    /// in): every AU must then be a full `https://` or `http://` address.
    RemoteUrlRequired { href: String },
    /// Two elements share one identifier.
    DuplicateIdentifier { id: String },
    /// A reference to an identifier that nothing declares.
    UnknownIdentifierRef { id: String },
    /// The manifest declares no organization.
    NoOrganization,
    /// Nothing in the organization can be launched.
    NoLaunchable,
}

impl ProblemKind {
    /// Stable kebab-case name, used as the Fluent message id.
    pub fn code(&self) -> &'static str {
        match self {
            ProblemKind::NotAZip { .. } => "package-not-a-zip",
            ProblemKind::UnsafePath { .. } => "package-unsafe-path",
            ProblemKind::Symlink { .. } => "package-symlink",
            ProblemKind::Encrypted { .. } => "package-encrypted",
            ProblemKind::DuplicatePath { .. } => "package-duplicate-path",
            ProblemKind::TooManyEntries { .. } => "package-too-many-entries",
            ProblemKind::TooLarge { .. } => "package-too-large",
            ProblemKind::EntryTooLarge { .. } => "package-entry-too-large",
            ProblemKind::SuspiciousRatio { .. } => "package-suspicious-ratio",
            ProblemKind::SizeMismatch { .. } => "package-size-mismatch",
            ProblemKind::Unreadable { .. } => "package-unreadable",
            ProblemKind::NoManifest => "package-no-manifest",
            ProblemKind::ManifestInFolder { .. } => "package-manifest-in-folder",
            ProblemKind::ManifestTooLarge { .. } => "package-manifest-too-large",
            ProblemKind::Xml { .. } => "package-xml",
            ProblemKind::TooDeep { .. } => "package-too-deep",
            ProblemKind::UnknownSchema { .. } => "package-unknown-schema",
            ProblemKind::MissingElement { .. } => "package-missing-element",
            ProblemKind::MissingAttribute { .. } => "package-missing-attribute",
            ProblemKind::BadValue { .. } => "package-bad-value",
            ProblemKind::MissingFile { .. } => "package-missing-file",
            ProblemKind::UnsafeHref { .. } => "package-unsafe-href",
            ProblemKind::RemoteUrlRequired { .. } => "package-remote-url-required",
            ProblemKind::DuplicateIdentifier { .. } => "package-duplicate-identifier",
            ProblemKind::UnknownIdentifierRef { .. } => "package-unknown-identifier-ref",
            ProblemKind::NoOrganization => "package-no-organization",
            ProblemKind::NoLaunchable => "package-no-launchable",
        }
    }

    /// The Fluent arguments of the message, by name.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ProblemKind::NotAZip { detail } | ProblemKind::Xml { detail } => {
                vec![("detail", detail.clone())]
            }
            ProblemKind::UnsafePath { path }
            | ProblemKind::Symlink { path }
            | ProblemKind::Encrypted { path }
            | ProblemKind::DuplicatePath { path } => vec![("path", path.clone())],
            ProblemKind::TooManyEntries { max } | ProblemKind::TooDeep { max } => {
                vec![("max", max.to_string())]
            }
            ProblemKind::TooLarge { max } | ProblemKind::ManifestTooLarge { max } => {
                vec![("max", max.to_string())]
            }
            ProblemKind::EntryTooLarge { path, max }
            | ProblemKind::SuspiciousRatio { path, max } => {
                vec![("path", path.clone()), ("max", max.to_string())]
            }
            ProblemKind::SizeMismatch { path, declared } => {
                vec![("path", path.clone()), ("declared", declared.to_string())]
            }
            ProblemKind::Unreadable { path, detail } => {
                vec![("path", path.clone()), ("detail", detail.clone())]
            }
            ProblemKind::UnknownSchema { found } => vec![("found", found.clone())],
            ProblemKind::ManifestInFolder { folder } => vec![("folder", folder.clone())],
            ProblemKind::MissingElement { element } => vec![("element", element.clone())],
            ProblemKind::MissingAttribute { element, attribute } => {
                vec![
                    ("element", element.clone()),
                    ("attribute", attribute.clone()),
                ]
            }
            ProblemKind::BadValue {
                element,
                value,
                expected,
            } => vec![
                ("element", element.clone()),
                ("value", value.clone()),
                ("expected", expected.clone()),
            ],
            ProblemKind::MissingFile { href }
            | ProblemKind::UnsafeHref { href }
            | ProblemKind::RemoteUrlRequired { href } => {
                vec![("href", href.clone())]
            }
            ProblemKind::DuplicateIdentifier { id } | ProblemKind::UnknownIdentifierRef { id } => {
                vec![("id", id.clone())]
            }
            ProblemKind::NoManifest | ProblemKind::NoOrganization | ProblemKind::NoLaunchable => {
                Vec::new()
            }
        }
    }
}

impl Problem {
    /// A problem about a file as a whole (no line).
    pub(crate) fn in_file(file: impl Into<String>, kind: ProblemKind) -> Self {
        Problem {
            file: file.into(),
            line: None,
            kind,
        }
    }

    /// A problem at a line of an XML file.
    pub(crate) fn at(file: impl Into<String>, line: u32, kind: ProblemKind) -> Self {
        Problem {
            file: file.into(),
            line: Some(line),
            kind,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.file.is_empty() {
            write!(f, "{}", self.file)?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.kind.code())?;
        for (name, value) in self.kind.args() {
            write!(f, " {name}={value:?}")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl Problems {
    /// Whether a problem of this code was found (for tests and callers that branch on one).
    pub fn has(&self, code: &str) -> bool {
        self.0.iter().any(|p| p.kind.code() == code)
    }
}

/// Collects the problems of one XML file.
#[derive(Debug)]
pub(crate) struct Report {
    file: String,
    pub problems: Vec<Problem>,
}

impl Report {
    /// An empty report for `file`.
    pub(crate) fn new(file: impl Into<String>) -> Self {
        Report {
            file: file.into(),
            problems: Vec::new(),
        }
    }

    /// Records a problem at `line`.
    pub(crate) fn at(&mut self, line: u32, kind: ProblemKind) {
        self.problems
            .push(Problem::at(self.file.clone(), line, kind));
    }
}

impl Report {
    /// Records why an XML file could not be read.
    pub(crate) fn at_xml_error(&mut self, e: XmlError) {
        match e {
            XmlError::Malformed { line, detail } => self.at(line, ProblemKind::Xml { detail }),
            XmlError::TooDeep { line } => self.at(line, ProblemKind::TooDeep { max: MAX_DEPTH }),
        }
    }
}
