//! `imsmanifest.xml` of SCORM 1.2 and SCORM 2004: version, organizations and items,
//! resources and their files, launch URLs, and (2004) sequencing.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::href::{join_base, locate, with_parameters, Located};
use super::model::{Edition2004, Launch, Node, ScormType, Standard};
use super::ns::{ADLCP_12, ADLCP_2004, ADLNAV, ADLSEQ, IMSCP, IMSSS};
use super::problems::{Problem, ProblemKind, Report};
use super::sequencing;
use super::xml::{self, Element, MAX_DEPTH, XML_NS};

/// Where the manifest is, and the name problems in it are reported under.
pub(crate) const MANIFEST: &str = "imsmanifest.xml";

/// What the manifest says, checked against the files of the zip.
#[derive(Debug)]
pub(crate) struct Manifest {
    pub standard: Standard,
    pub title: String,
    pub identifier: String,
    pub default_organization: Option<String>,
    pub tree: Vec<Node>,
    pub launches: Vec<Launch>,
    pub sequencing: Option<Value>,
}

/// Reads a manifest; `files` are the normalised paths of the zip.
pub(crate) fn parse(src: &[u8], files: &HashSet<String>) -> Result<Manifest, Vec<Problem>> {
    let mut r = Report::new(MANIFEST);
    let root = match xml::parse(src) {
        Ok(root) => root,
        Err(e) => {
            r.at_xml_error(e);
            return Err(r.problems);
        }
    };
    if !root.is(IMSCP, "manifest") {
        r.at(
            root.line,
            ProblemKind::MissingElement {
                element: "manifest".into(),
            },
        );
        return Err(r.problems);
    }
    let standard = detect_standard(&root, &mut r);
    let collections = match standard {
        Some(Standard::Scorm2004 { .. }) => sequencing::collections(&root, &mut r),
        _ => HashMap::new(),
    };
    let mut cx = Reader {
        r,
        files,
        ids: HashMap::new(),
        resources: HashMap::new(),
        standard: standard.unwrap_or(Standard::Scorm12),
        collections,
        activities: HashMap::new(),
        has_sequencing: false,
        prerequisites: Vec::new(),
    };
    let identifier = cx.identifier(&root).unwrap_or_default();
    let shared: Vec<(String, u32)> = cx
        .collections
        .iter()
        .map(|(id, (line, _))| (id.clone(), *line))
        .collect();
    for (id, line) in shared {
        cx.declare(&id, line);
    }
    cx.resources(&root);

    let Some(orgs) = root.child(IMSCP, "organizations") else {
        cx.r.at(
            root.line,
            ProblemKind::MissingElement {
                element: "organizations".into(),
            },
        );
        return Err(cx.r.problems);
    };
    let all: Vec<&Element> = orgs.children(IMSCP, "organization").collect();
    let default_organization = orgs
        .attr("default")
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let chosen = match &default_organization {
        Some(d) => match all
            .iter()
            .find(|o| o.attr("identifier").map(str::trim) == Some(d))
        {
            Some(o) => Some(*o),
            None => {
                cx.r.at(
                    orgs.line,
                    ProblemKind::UnknownIdentifierRef { id: d.clone() },
                );
                all.first().copied()
            }
        },
        None => all.first().copied(),
    };
    let Some(chosen) = chosen else {
        cx.r.at(orgs.line, ProblemKind::NoOrganization);
        return Err(cx.r.problems);
    };
    // Every organization is checked; only the chosen one is played.
    let mut tree = Vec::new();
    let mut title = String::new();
    let mut sequencing = None;
    for org in &all {
        cx.activities.clear();
        cx.has_sequencing = false;
        let org_id = cx.identifier(org).unwrap_or_default();
        let org_title = title_of(org).unwrap_or_else(|| org_id.clone());
        let items: Vec<Node> = org.children(IMSCP, "item").map(|i| cx.item(i, 1)).collect();
        cx.check_prerequisites(&items);
        let seq = cx.sequencing_of(org, None);
        if std::ptr::eq(*org, chosen) {
            if cx.is_2004() && cx.has_sequencing {
                let root = activity(&org_id, &org_title, true, seq, &items, &cx.activities);
                sequencing = Some(json!({ "activityTree": root }));
            }
            title = org_title;
            tree = items;
        }
    }
    let mut launches = Vec::new();
    collect_launches(&tree, &mut launches);
    if launches.is_empty() {
        cx.r.at(chosen.line, ProblemKind::NoLaunchable);
    }
    // Problems in the order of the file, as an author reads it.
    cx.r.problems.sort_by_key(|p| p.line);
    match standard {
        Some(standard) if cx.r.problems.is_empty() => Ok(Manifest {
            standard,
            title,
            identifier,
            default_organization,
            tree,
            launches,
            sequencing,
        }),
        _ => Err(cx.r.problems),
    }
}

/// The SCORM version from `metadata/schemaversion`, else from the namespaces in use.
fn detect_standard(root: &Element, r: &mut Report) -> Option<Standard> {
    let version_el = root
        .child(IMSCP, "metadata")
        .and_then(|m| m.child(IMSCP, "schemaversion"));
    let version = version_el
        .map(|v| v.trimmed().to_string())
        .unwrap_or_default();
    let edition = |e| Some(Standard::Scorm2004 { edition: e });
    match version.to_ascii_lowercase().as_str() {
        "1.2" => return Some(Standard::Scorm12),
        "cam 1.3" | "2004 2nd edition" => return edition(Edition2004::Second),
        "2004 3rd edition" => return edition(Edition2004::Third),
        "2004 4th edition" => return edition(Edition2004::Fourth),
        _ => {}
    }
    let mut used = HashSet::new();
    namespaces(root, &mut used);
    let uses = |list: &[&str]| list.iter().any(|n| used.contains(*n));
    // SCORM 1.2 has no controlled vocabulary for schemaversion: its namespace decides.
    if uses(ADLCP_12) || (version.is_empty() && root.ns.as_deref() == Some(IMSCP[0])) {
        return Some(Standard::Scorm12);
    }
    if version.is_empty() && (uses(ADLCP_2004) || uses(IMSSS) || uses(ADLSEQ) || uses(ADLNAV)) {
        // Nothing tells the 2nd, 3rd and 4th editions apart; the 3rd is the common one.
        return edition(Edition2004::Third);
    }
    r.at(
        version_el.map_or(root.line, |v| v.line),
        ProblemKind::UnknownSchema { found: version },
    );
    None
}

fn namespaces(el: &Element, out: &mut HashSet<String>) {
    if let Some(ns) = &el.ns {
        out.insert(ns.clone());
    }
    for a in &el.attrs {
        if let Some(ns) = &a.ns {
            out.insert(ns.clone());
        }
    }
    for c in &el.children {
        namespaces(c, out);
    }
}

fn title_of(el: &Element) -> Option<String> {
    el.child(IMSCP, "title")
        .map(|t| t.trimmed().to_string())
        .filter(|t| !t.is_empty())
}

/// A resource as items use it.
#[derive(Debug, Clone)]
struct Resource {
    /// The launch URL (`xml:base` applied), when the resource has a usable `href`.
    href: Option<String>,
    /// Whether it had an `href` at all (an unsafe one is reported once, as such).
    has_href: bool,
    scorm_type: ScormType,
    line: u32,
}

struct Reader<'a> {
    r: Report,
    files: &'a HashSet<String>,
    /// Every identifier declared, with its line.
    ids: HashMap<String, u32>,
    resources: HashMap<String, Resource>,
    standard: Standard,
    collections: HashMap<String, (u32, sequencing::Sequencing)>,
    /// scorm-again ActivitySettings by item identifier, for the organization being read.
    activities: HashMap<String, Value>,
    has_sequencing: bool,
    /// 1.2 prerequisites to check once every item of the organization is known: (line, script).
    prerequisites: Vec<(u32, String)>,
}

impl Reader<'_> {
    fn is_2004(&self) -> bool {
        matches!(self.standard, Standard::Scorm2004 { .. })
    }

    fn declare(&mut self, id: &str, line: u32) {
        if self.ids.insert(id.to_string(), line).is_some() {
            self.r
                .at(line, ProblemKind::DuplicateIdentifier { id: id.into() });
        }
    }

    /// The element's required `identifier`, declared.
    fn identifier(&mut self, el: &Element) -> Option<String> {
        match el
            .attr("identifier")
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(id) => {
                self.declare(id, el.line);
                Some(id.to_string())
            }
            None => {
                self.missing_attribute(el, "identifier");
                None
            }
        }
    }

    fn missing_attribute(&mut self, el: &Element, attribute: &str) {
        self.r.at(
            el.line,
            ProblemKind::MissingAttribute {
                element: el.name.clone(),
                attribute: attribute.into(),
            },
        );
    }

    /// Checks that a reference names a file of the zip; returns the launch URL.
    fn locate(&mut self, base: &str, href: &str, line: u32) -> Option<String> {
        match locate(base, href) {
            Located::External(url) => Some(url),
            Located::Local { href, file } => {
                if !self.files.contains(&file) {
                    self.r.at(line, ProblemKind::MissingFile { href: file });
                }
                Some(href)
            }
            Located::Unsafe => {
                self.r
                    .at(line, ProblemKind::UnsafeHref { href: href.into() });
                None
            }
        }
    }

    fn resources(&mut self, root: &Element) {
        let Some(resources) = root.child(IMSCP, "resources") else {
            self.r.at(
                root.line,
                ProblemKind::MissingElement {
                    element: "resources".into(),
                },
            );
            return;
        };
        let outer = join_base("", resources.attr_in(&[XML_NS], &["base"]));
        let mut dependencies = Vec::new();
        for res in resources.children(IMSCP, "resource") {
            let id = self.identifier(res);
            let base = join_base(&outer, res.attr_in(&[XML_NS], &["base"]));
            let raw_href = res.attr("href").map(str::trim).filter(|h| !h.is_empty());
            let href = raw_href.and_then(|h| self.locate(&base, h, res.line));
            let (adlcp, attr) = if self.is_2004() {
                (ADLCP_2004, "scormType")
            } else {
                (ADLCP_12, "scormtype")
            };
            let scorm_type = match res
                .attr_in(adlcp, &["scormType", "scormtype"])
                .map(|t| t.trim().to_ascii_lowercase())
            {
                Some(t) if t == "sco" => ScormType::Sco,
                Some(t) if t == "asset" => ScormType::Asset,
                Some(t) => {
                    self.r.at(
                        res.line,
                        ProblemKind::BadValue {
                            element: format!("resource/@adlcp:{attr}"),
                            value: t,
                            expected: "sco, asset".into(),
                        },
                    );
                    ScormType::Asset
                }
                None => {
                    if raw_href.is_some() {
                        self.missing_attribute(res, &format!("adlcp:{attr}"));
                    }
                    ScormType::Asset
                }
            };
            for file in res.children(IMSCP, "file") {
                match file.attr("href").map(str::trim).filter(|h| !h.is_empty()) {
                    Some(h) => {
                        self.locate(&base, h, file.line);
                    }
                    None => self.missing_attribute(file, "href"),
                }
            }
            for dep in res.children(IMSCP, "dependency") {
                match dep.attr("identifierref").map(str::trim) {
                    Some(d) if !d.is_empty() => dependencies.push((d.to_string(), dep.line)),
                    _ => self.missing_attribute(dep, "identifierref"),
                }
            }
            if let Some(id) = id {
                self.resources.insert(
                    id,
                    Resource {
                        href,
                        has_href: raw_href.is_some(),
                        scorm_type,
                        line: res.line,
                    },
                );
            }
        }
        for (id, line) in dependencies {
            if !self.resources.contains_key(&id) {
                self.r.at(line, ProblemKind::UnknownIdentifierRef { id });
            }
        }
    }

    fn item(&mut self, el: &Element, depth: usize) -> Node {
        let identifier = self.identifier(el).unwrap_or_default();
        let title = title_of(el).unwrap_or_else(|| identifier.clone());
        let visible = match el.attr("isvisible").map(str::trim) {
            None | Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(other) => {
                self.r.at(
                    el.line,
                    ProblemKind::BadValue {
                        element: "item/@isvisible".into(),
                        value: other.into(),
                        expected: "true or false".into(),
                    },
                );
                true
            }
        };
        let parameters = el.attr("parameters").map(str::to_string);
        let children: Vec<Node> = if depth >= MAX_DEPTH {
            Vec::new()
        } else {
            el.children(IMSCP, "item")
                .map(|c| self.item(c, depth + 1))
                .collect()
        };
        let seq = self.sequencing_of(el, Some(&identifier));
        let launch = match el.attr("identifierref").map(str::trim) {
            Some(idref) if !idref.is_empty() => match self.resources.get(idref).cloned() {
                Some(res) => match &res.href {
                    Some(href) => {
                        Some(self.launch(el, &identifier, &title, href, &res, seq.as_ref()))
                    }
                    None if res.has_href => None,
                    None => {
                        let line = res.line;
                        self.r.at(
                            line,
                            ProblemKind::MissingAttribute {
                                element: "resource".into(),
                                attribute: "href".into(),
                            },
                        );
                        None
                    }
                },
                None => {
                    self.r.at(
                        el.line,
                        ProblemKind::UnknownIdentifierRef { id: idref.into() },
                    );
                    None
                }
            },
            _ => {
                if children.is_empty() && self.is_2004() {
                    self.missing_attribute(el, "identifierref");
                }
                None
            }
        };
        if self.is_2004() {
            let a = activity(
                &identifier,
                &title,
                visible,
                seq,
                &children,
                &self.activities,
            );
            self.activities.insert(identifier.clone(), a);
        }
        Node {
            identifier,
            title,
            children,
            launch,
            visible,
            parameters,
        }
    }

    /// The item's (or organization's) sequencing settings with its ADL extras (2004 only).
    fn sequencing_of(&mut self, el: &Element, item: Option<&str>) -> Option<SeqSettings> {
        if !self.is_2004() {
            return None;
        }
        let seq = sequencing::of(el, &self.collections, &mut self.r);
        self.has_sequencing |= seq.is_some();
        let mut settings = seq.as_ref().map(|s| s.settings()).unwrap_or_default();
        if item.is_some() {
            settings.extend(sequencing::item_extras(el, &mut self.r));
        }
        Some(SeqSettings {
            settings,
            scaled_passing_score: seq.as_ref().and_then(|s| s.scaled_passing_score()),
            max_time_allowed: seq.as_ref().and_then(|s| s.attempt_duration_limit()),
        })
    }

    fn launch(
        &mut self,
        el: &Element,
        identifier: &str,
        title: &str,
        href: &str,
        res: &Resource,
        seq: Option<&SeqSettings>,
    ) -> Launch {
        let href = match el.attr("parameters") {
            Some(p) => with_parameters(href, p),
            None => href.to_string(),
        };
        let mut launch = Launch {
            identifier: identifier.to_string(),
            title: title.to_string(),
            href,
            scorm_type: res.scorm_type,
            mastery_score: None,
            scaled_passing_score: seq.and_then(|s| s.scaled_passing_score),
            completion_threshold: None,
            data_from_lms: None,
            max_time_allowed: seq.and_then(|s| s.max_time_allowed.clone()),
            time_limit_action: None,
            prerequisites: None,
        };
        let text = |ns: &[&str], names: &[&str]| {
            el.children
                .iter()
                .find(|c| names.iter().any(|n| c.is(ns, n)))
                .map(|c| (c.trimmed().to_string(), c.line))
                .filter(|(t, _)| !t.is_empty())
        };
        if self.is_2004() {
            launch.data_from_lms = text(ADLCP_2004, &["dataFromLMS"]).map(|t| t.0);
            launch.time_limit_action =
                self.time_limit_action(text(ADLCP_2004, &["timeLimitAction"]));
            launch.completion_threshold = sequencing::completion_threshold(el, &mut self.r)
                .filter(|c| c.completed_by_measure)
                .map(|c| c.min_progress_measure);
        } else {
            launch.data_from_lms = text(ADLCP_12, &["datafromlms", "dataFromLMS"]).map(|t| t.0);
            launch.time_limit_action =
                self.time_limit_action(text(ADLCP_12, &["timelimitaction", "timeLimitAction"]));
            launch.max_time_allowed =
                text(ADLCP_12, &["maxtimeallowed", "maxTimeAllowed"]).map(|t| t.0);
            if let Some((score, line)) = text(ADLCP_12, &["masteryscore", "masteryScore"]) {
                match score.parse::<f64>() {
                    Ok(s) if (0.0..=100.0).contains(&s) => launch.mastery_score = Some(s),
                    _ => self.r.at(
                        line,
                        ProblemKind::BadValue {
                            element: "adlcp:masteryscore".into(),
                            value: score,
                            expected: "a number from 0 to 100".into(),
                        },
                    ),
                }
            }
            if let Some((script, line)) = text(ADLCP_12, &["prerequisites"]) {
                if !script.is_empty() {
                    self.prerequisites.push((line, script.clone()));
                    launch.prerequisites = Some(script);
                }
            }
        }
        launch
    }

    fn time_limit_action(&mut self, found: Option<(String, u32)>) -> Option<String> {
        const ACTIONS: &[&str] = &[
            "exit,message",
            "exit,no message",
            "continue,message",
            "continue,no message",
        ];
        let (value, line) = found?;
        // Authoring tools vary in case and spacing ("Exit, Message"); the meaning does not.
        let canonical = value
            .to_ascii_lowercase()
            .split(',')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(",");
        if ACTIONS.contains(&canonical.as_str()) {
            Some(canonical)
        } else {
            self.r.at(
                line,
                ProblemKind::BadValue {
                    element: "adlcp:timeLimitAction".into(),
                    value,
                    expected: ACTIONS.join(" | "),
                },
            );
            None
        }
    }

    /// SCORM 1.2 prerequisites (AICC script) may only name items of the organization.
    fn check_prerequisites(&mut self, items: &[Node]) {
        fn ids(nodes: &[Node], out: &mut HashSet<String>) {
            for n in nodes {
                out.insert(n.identifier.clone());
                ids(&n.children, out);
            }
        }
        let mut known = HashSet::new();
        ids(items, &mut known);
        const STATUSES: &[&str] = &[
            "passed",
            "completed",
            "failed",
            "incomplete",
            "browsed",
            "not attempted",
            "p",
            "c",
            "f",
            "i",
            "b",
            "n",
        ];
        for (line, script) in std::mem::take(&mut self.prerequisites) {
            let mut in_quotes = false;
            let mut tokens = Vec::new();
            let mut token = String::new();
            for c in script.chars() {
                if c == '"' {
                    in_quotes = !in_quotes;
                    token.clear();
                } else if in_quotes {
                } else if "&|~=<>(){},*".contains(c) || c.is_whitespace() {
                    tokens.push(std::mem::take(&mut token));
                } else {
                    token.push(c);
                }
            }
            tokens.push(token);
            for t in tokens {
                if t.is_empty()
                    || t.parse::<f64>().is_ok()
                    || STATUSES.contains(&t.to_ascii_lowercase().as_str())
                    || known.contains(&t)
                {
                    continue;
                }
                self.r.at(line, ProblemKind::UnknownIdentifierRef { id: t });
            }
        }
    }
}

/// What the sequencing of one item gives its activity and its launch.
struct SeqSettings {
    settings: Map<String, Value>,
    scaled_passing_score: Option<f64>,
    max_time_allowed: Option<String>,
}

/// scorm-again's ActivitySettings of an item (or of the organization), its children's
/// already built.
fn activity(
    id: &str,
    title: &str,
    visible: bool,
    seq: Option<SeqSettings>,
    children: &[Node],
    built: &HashMap<String, Value>,
) -> Value {
    let mut a = Map::new();
    a.insert("id".into(), json!(id));
    a.insert("title".into(), json!(title));
    if !visible {
        a.insert("isVisible".into(), json!(false));
    }
    if let Some(seq) = seq {
        a.extend(seq.settings);
    }
    let controls = a
        .entry("sequencingControls")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(controls) = controls {
        for (key, default) in sequencing::CONTROL_MODE {
            controls.entry(key).or_insert(Value::Bool(default));
        }
    }
    if !children.is_empty() {
        let kids: Vec<Value> = children
            .iter()
            .filter_map(|c| built.get(&c.identifier).cloned())
            .collect();
        a.insert("children".into(), Value::Array(kids));
    }
    Value::Object(a)
}

fn collect_launches(nodes: &[Node], out: &mut Vec<Launch>) {
    for n in nodes {
        if let Some(l) = &n.launch {
            out.push(l.clone());
        }
        collect_launches(&n.children, out);
    }
}
