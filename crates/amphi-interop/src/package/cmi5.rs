//! `cmi5.xml`, the cmi5 course structure: the course, nested blocks and assignable units.

use std::collections::HashMap;

use super::model::{
    Cmi5Au, Cmi5Block, Cmi5Course, Cmi5Node, Cmi5Objective, LangString, LaunchMethod, MoveOn,
};
use super::problems::{ProblemKind, Problems, Report};
use super::xml::{self, Element, XML_NS};

/// Where a course structure is in a zip, and the name problems in it are reported under.
pub(crate) const CMI5: &str = "cmi5.xml";

/// The course structure namespaces: the original AICC one and the w3id one of cmi5 1.0;
/// no namespace is tolerated.
const NS: &[&str] = &[
    "http://aicc.org/CMI5/CourseStructure.xsd",
    "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd",
    "",
];

/// Reads a cmi5 course structure, reporting every problem with its line. Relative AU URLs are
/// kept as written: [`inspect`](super::inspect) checks them against the zip; a caller reading a
/// `cmi5.xml` uploaded alone should accept only absolute ones.
pub fn parse_cmi5(xml: &[u8]) -> Result<Cmi5Course, Problems> {
    read(xml).map(|(course, _)| course)
}

/// The course and the URL of each AU with its line.
pub(crate) fn read(xml: &[u8]) -> Result<(Cmi5Course, Vec<(String, u32)>), Problems> {
    let mut r = Report::new(CMI5);
    let root = match xml::parse(xml) {
        Ok(root) => root,
        Err(e) => {
            r.at_xml_error(e);
            return Err(Problems(r.problems));
        }
    };
    if !root.is(NS, "courseStructure") {
        r.at(
            root.line,
            ProblemKind::MissingElement {
                element: "courseStructure".into(),
            },
        );
        return Err(Problems(r.problems));
    }
    let mut cx = Reader {
        r,
        ids: HashMap::new(),
        refs: Vec::new(),
        aus: 0,
        urls: Vec::new(),
    };
    let course = match root.child(NS, "course") {
        Some(c) => Some(c),
        None => {
            cx.r.at(
                root.line,
                ProblemKind::MissingElement {
                    element: "course".into(),
                },
            );
            None
        }
    };
    let id = course.and_then(|c| cx.id(c)).unwrap_or_default();
    let title = course.map(|c| cx.title(c)).unwrap_or_default();
    let description = course
        .map(|c| cx.langstrings(c, "description"))
        .unwrap_or_default();
    let objectives: Vec<Cmi5Objective> = root
        .child(NS, "objectives")
        .map(|o| {
            o.children(NS, "objective")
                .map(|obj| Cmi5Objective {
                    id: cx.id(obj).unwrap_or_default(),
                    title: cx.title(obj),
                    description: cx.langstrings(obj, "description"),
                })
                .collect()
        })
        .unwrap_or_default();
    let children = cx.nodes(&root, 0);
    if cx.aus == 0 {
        cx.r.at(root.line, ProblemKind::NoLaunchable);
    }
    let declared: Vec<String> = objectives.iter().map(|o| o.id.clone()).collect();
    for (id, line) in std::mem::take(&mut cx.refs) {
        if !declared.contains(&id) {
            cx.r.at(line, ProblemKind::UnknownIdentifierRef { id });
        }
    }
    cx.r.problems.sort_by_key(|p| p.line);
    if cx.r.problems.is_empty() {
        Ok((
            Cmi5Course {
                id,
                title,
                description,
                objectives,
                children,
            },
            cx.urls,
        ))
    } else {
        Err(Problems(cx.r.problems))
    }
}

struct Reader {
    r: Report,
    /// Every id declared (course, objectives, blocks, AUs), with its line.
    ids: HashMap<String, u32>,
    /// Objective references to check: (idref, line).
    refs: Vec<(String, u32)>,
    aus: usize,
    /// Each AU's URL with its line.
    urls: Vec<(String, u32)>,
}

impl Reader {
    fn missing_attribute(&mut self, el: &Element, attribute: &str) {
        self.r.at(
            el.line,
            ProblemKind::MissingAttribute {
                element: el.name.clone(),
                attribute: attribute.into(),
            },
        );
    }

    fn bad(&mut self, el: &Element, what: &str, value: &str, expected: &str) {
        self.r.at(
            el.line,
            ProblemKind::BadValue {
                element: format!("{}/{what}", el.name),
                value: value.into(),
                expected: expected.into(),
            },
        );
    }

    /// The required `id`, declared.
    fn id(&mut self, el: &Element) -> Option<String> {
        match el.attr("id").map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => {
                if self.ids.insert(id.to_string(), el.line).is_some() {
                    self.r
                        .at(el.line, ProblemKind::DuplicateIdentifier { id: id.into() });
                }
                Some(id.to_string())
            }
            None => {
                self.missing_attribute(el, "id");
                None
            }
        }
    }

    fn langstrings(&mut self, el: &Element, name: &str) -> Vec<LangString> {
        let Some(holder) = el.child(NS, name) else {
            return Vec::new();
        };
        holder
            .children(NS, "langstring")
            .map(|l| LangString {
                lang: l
                    .attr("lang")
                    .or_else(|| l.attr_in(&[XML_NS], &["lang"]))
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
                text: l.trimmed().to_string(),
            })
            .collect()
    }

    /// The required title, with at least one language string.
    fn title(&mut self, el: &Element) -> Vec<LangString> {
        let t = self.langstrings(el, "title");
        if t.iter().all(|l| l.text.is_empty()) {
            self.r.at(
                el.line,
                ProblemKind::MissingElement {
                    element: format!("{}/title/langstring", el.name),
                },
            );
        }
        t
    }

    fn objective_refs(&mut self, el: &Element) -> Vec<String> {
        let Some(holder) = el.child(NS, "objectives") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for o in holder.children(NS, "objective") {
            match o.attr("idref").map(str::trim).filter(|s| !s.is_empty()) {
                Some(id) => {
                    self.refs.push((id.to_string(), o.line));
                    out.push(id.to_string());
                }
                None => self.missing_attribute(o, "idref"),
            }
        }
        out
    }

    /// The blocks and AUs directly inside `el`, in document order.
    fn nodes(&mut self, el: &Element, depth: usize) -> Vec<Cmi5Node> {
        let mut out = Vec::new();
        for child in &el.children {
            if child.is(NS, "au") {
                out.push(Cmi5Node::Au(self.au(child)));
            } else if child.is(NS, "block") && depth < xml::MAX_DEPTH {
                let id = self.id(child).unwrap_or_default();
                let block = Cmi5Block {
                    id,
                    title: self.title(child),
                    description: self.langstrings(child, "description"),
                    objectives: self.objective_refs(child),
                    children: self.nodes(child, depth + 1),
                };
                out.push(Cmi5Node::Block(block));
            }
        }
        out
    }

    fn au(&mut self, el: &Element) -> Cmi5Au {
        self.aus += 1;
        let id = self.id(el).unwrap_or_default();
        let title = self.title(el);
        let description = self.langstrings(el, "description");
        let objectives = self.objective_refs(el);
        let url = match el.child(NS, "url").map(|u| u.trimmed().to_string()) {
            Some(u) if !u.is_empty() => {
                let line = el.child(NS, "url").map_or(el.line, |u| u.line);
                self.urls.push((u.clone(), line));
                u
            }
            _ => {
                self.r.at(
                    el.line,
                    ProblemKind::MissingElement {
                        element: "au/url".into(),
                    },
                );
                String::new()
            }
        };
        let move_on = match el.attr("moveOn").map(str::trim) {
            None => MoveOn::NotApplicable,
            Some("Passed") => MoveOn::Passed,
            Some("Completed") => MoveOn::Completed,
            Some("CompletedAndPassed") => MoveOn::CompletedAndPassed,
            Some("CompletedOrPassed") => MoveOn::CompletedOrPassed,
            Some("NotApplicable") => MoveOn::NotApplicable,
            Some(other) => {
                self.bad(
                    el,
                    "@moveOn",
                    other,
                    "Passed, Completed, CompletedAndPassed, CompletedOrPassed, NotApplicable",
                );
                MoveOn::NotApplicable
            }
        };
        let launch_method = match el.attr("launchMethod").map(str::trim) {
            None | Some("AnyWindow") => LaunchMethod::AnyWindow,
            Some("OwnWindow") => LaunchMethod::OwnWindow,
            Some(other) => {
                self.bad(el, "@launchMethod", other, "AnyWindow, OwnWindow");
                LaunchMethod::AnyWindow
            }
        };
        let mastery_score = match el.attr("masteryScore").map(str::trim) {
            None => None,
            Some(raw) => match raw.parse::<f64>() {
                Ok(s) if (0.0..=1.0).contains(&s) => Some(s),
                _ => {
                    self.bad(el, "@masteryScore", raw, "a decimal from 0 to 1");
                    None
                }
            },
        };
        let text = |name: &str| {
            el.child(NS, name)
                .map(|c| c.trimmed().to_string())
                .filter(|t| !t.is_empty())
        };
        Cmi5Au {
            id,
            title,
            description,
            url,
            launch_method,
            move_on,
            mastery_score,
            activity_type: el
                .attr("activityType")
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            launch_parameters: text("launchParameters"),
            entitlement_key: text("entitlementKey"),
            objectives,
        }
    }
}
