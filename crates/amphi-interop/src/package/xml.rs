//! A small namespace-resolved element tree over quick-xml, with the line of every element, so
//! the manifest and cmi5 readers can walk it and point at the line of each problem.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// The XML namespace (`xml:base`, `xml:lang`).
pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Deepest element nesting accepted (real manifests stay under 20).
pub(crate) const MAX_DEPTH: usize = 100;

/// One element with its resolved namespace.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    /// Namespace URI, if the element is in one.
    pub ns: Option<String>,
    /// Local name.
    pub name: String,
    /// Attributes with their resolved namespace (unprefixed attributes have none).
    pub attrs: Vec<Attr>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// Text and CDATA directly inside the element, concatenated.
    pub text: String,
    /// 1-based line of the start tag.
    pub line: u32,
}

/// One attribute.
#[derive(Debug, Clone)]
pub(crate) struct Attr {
    pub ns: Option<String>,
    pub name: String,
    pub value: String,
}

/// Why a document was refused, and on which line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum XmlError {
    Malformed { line: u32, detail: String },
    TooDeep { line: u32 },
}

impl Element {
    /// An unprefixed attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_none() && a.name == name)
            .map(|a| a.value.as_str())
    }

    /// An attribute in one of the namespaces `ns`, under any of the local `names`.
    pub fn attr_in(&self, ns: &[&str], names: &[&str]) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| {
                a.ns.as_deref().is_some_and(|n| ns.contains(&n)) && names.contains(&a.name.as_str())
            })
            .map(|a| a.value.as_str())
    }

    /// Whether the element is `name` in one of the namespaces `ns` (an empty `ns` slice
    /// matches an element in no namespace).
    pub fn is(&self, ns: &[&str], name: &str) -> bool {
        self.name == name
            && match &self.ns {
                Some(n) => ns.contains(&n.as_str()),
                None => ns.is_empty() || ns.contains(&""),
            }
    }

    /// Children named `name` in one of the namespaces `ns`.
    pub fn children<'a>(
        &'a self,
        ns: &'a [&'a str],
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.is(ns, name))
    }

    /// The first child named `name` in one of the namespaces `ns`.
    pub fn child(&self, ns: &[&str], name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    /// The element's text, trimmed.
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }
}

/// Line numbers from byte offsets.
struct Lines(Vec<usize>);

impl Lines {
    fn new(src: &[u8]) -> Self {
        Lines(
            src.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    fn at(&self, pos: u64) -> u32 {
        let pos = usize::try_from(pos).unwrap_or(usize::MAX);
        let before = self.0.partition_point(|&nl| nl < pos);
        u32::try_from(before + 1).unwrap_or(u32::MAX)
    }
}

/// Parses a whole document into its root element. DTDs are not processed: an entity other
/// than the five predefined ones and character references is an error (no XXE, no billion
/// laughs).
pub(crate) fn parse(src: &[u8]) -> Result<Element, XmlError> {
    let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    let lines = Lines::new(src);
    let mut reader = NsReader::from_reader(src);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let pos = reader.buffer_position();
        let line = lines.at(pos);
        let malformed = |detail: String| XmlError::Malformed { line, detail };
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                return Err(XmlError::Malformed {
                    line: lines.at(reader.error_position()),
                    detail: e.to_string(),
                })
            }
        };
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let _ = start;
                return Err(malformed("content after the root element".into()));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep { line });
                }
                stack.push(element(&reader, &start, line).map_err(malformed)?);
            }
            Event::Empty(start) => {
                let el = element(&reader, &start, line).map_err(malformed)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(malformed("closing tag without an opening one".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => {
                let blank = t.iter().take_while(|b| b.is_ascii_whitespace()).count();
                let text = t.xml10_content().map_err(|e| malformed(e.to_string()))?;
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => {
                        return Err(XmlError::Malformed {
                            line: lines.at(pos + blank as u64),
                            detail: "text outside the root element".into(),
                        });
                    }
                }
            }
            Event::CData(t) => {
                let text = t.xml10_content().map_err(|e| malformed(e.to_string()))?;
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.decode().map_err(|e| malformed(e.to_string()))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_string(),
                            None => return Err(malformed(format!("unknown entity &{name};"))),
                        }
                    }
                    Err(e) => return Err(malformed(e.to_string())),
                };
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&c);
                }
            }
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(malformed("the document ends inside an element".into()));
                }
                return root.ok_or_else(|| malformed("no root element".into()));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
}

fn element(reader: &NsReader<&[u8]>, start: &BytesStart<'_>, line: u32) -> Result<Element, String> {
    let (ns, local) = reader.resolver().resolve_element(start.name());
    let ns = match ns {
        ResolveResult::Bound(n) => Some(String::from_utf8_lossy(n.as_ref()).into_owned()),
        ResolveResult::Unbound => None,
        ResolveResult::Unknown(p) => {
            return Err(format!(
                "unknown namespace prefix {}",
                String::from_utf8_lossy(&p)
            ))
        }
    };
    let mut attrs = Vec::new();
    for a in start.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = a.key;
        if key.as_ref() == b"xmlns" || key.as_ref().starts_with(b"xmlns:") {
            continue;
        }
        let (ans, alocal) = reader.resolver().resolve_attribute(key);
        let ans = if key.as_ref().starts_with(b"xml:") {
            Some(XML_NS.to_string())
        } else {
            match ans {
                ResolveResult::Bound(n) => Some(String::from_utf8_lossy(n.as_ref()).into_owned()),
                ResolveResult::Unbound => None,
                ResolveResult::Unknown(p) => {
                    return Err(format!(
                        "unknown namespace prefix {}",
                        String::from_utf8_lossy(&p)
                    ))
                }
            }
        };
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?
            .into_owned();
        attrs.push(Attr {
            ns: ans,
            name: String::from_utf8_lossy(alocal.as_ref()).into_owned(),
            value,
        });
    }
    Ok(Element {
        ns,
        name: String::from_utf8_lossy(local.as_ref()).into_owned(),
        attrs,
        children: Vec::new(),
        text: String::new(),
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_namespaces_and_lines() {
        let doc = br#"<?xml version="1.0"?>
<m xmlns="urn:a" xmlns:b="urn:b">
  <b:x b:k="1" k="2" xml:base="d/">t &amp; &#65;</b:x>
</m>"#;
        let root = parse(doc).unwrap();
        assert!(root.is(&["urn:a"], "m"));
        assert_eq!(root.line, 2);
        let x = root.child(&["urn:b"], "x").unwrap();
        assert_eq!(x.line, 3);
        assert_eq!(x.attr("k"), Some("2"));
        assert_eq!(x.attr_in(&["urn:b"], &["k"]), Some("1"));
        assert_eq!(x.attr_in(&[XML_NS], &["base"]), Some("d/"));
        assert_eq!(x.trimmed(), "t & A");
    }

    #[test]
    fn reports_the_line_of_an_error() {
        let doc = b"<m>\n<a>\n</b>\n</m>";
        match parse(doc) {
            Err(XmlError::Malformed { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(b"<!DOCTYPE m [<!ENTITY e \"x\">]><m>&e;</m>"),
            Err(XmlError::Malformed { .. })
        ));
    }

    #[test]
    fn refuses_deep_nesting() {
        let doc = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(
            parse(doc.as_bytes()),
            Err(XmlError::TooDeep { .. })
        ));
    }
}
