//! A first look at untrusted XML before anything else reads it: well-formed, no DOCTYPE
//! (no entity tricks reach libxml2), the expected root, and how many assertions and
//! signatures it holds. Nothing read here is trusted; it is only used to refuse.

use crate::SamlError;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

pub(crate) const NS_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub(crate) const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub(crate) const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

/// What the untrusted document looks like.
#[derive(Debug, Default)]
pub(crate) struct Shape {
    /// Namespace and local name of the root element.
    pub root: (String, String),
    /// `Assertion` elements at any depth, in any namespace (a wrapped forgery counts too).
    pub assertions: usize,
    /// `EncryptedAssertion` elements at any depth.
    pub encrypted_assertions: usize,
    /// `ds:Signature` elements outside encrypted data.
    pub signatures: usize,
}

/// Reads the whole document once; refuses anything that is not plain, well-formed XML.
pub(crate) fn scan(xml: &str) -> Result<Shape, SamlError> {
    let mut reader = NsReader::from_str(xml);
    let mut shape = Shape::default();
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut root_closed = false;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|_| SamlError::malformed("the message is not well-formed XML"))?;
        match event {
            Event::DocType(_) => {
                return Err(SamlError::malformed(
                    "a DOCTYPE is not allowed in SAML messages",
                ))
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                if root_closed {
                    return Err(SamlError::malformed("content after the root element"));
                }
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let namespace = match ns {
                    ResolveResult::Bound(n) => String::from_utf8_lossy(n.as_ref()).into_owned(),
                    _ => String::new(),
                };
                if !root_seen {
                    shape.root = (namespace.clone(), local.clone());
                    root_seen = true;
                }
                match local.as_str() {
                    "Assertion" => shape.assertions += 1,
                    "EncryptedAssertion" => shape.encrypted_assertions += 1,
                    "Signature" if namespace == NS_DSIG => shape.signatures += 1,
                    _ => {}
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                    if depth > 64 {
                        return Err(SamlError::malformed("the XML is nested too deeply"));
                    }
                } else if depth == 0 {
                    root_closed = true;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    root_closed = true;
                }
            }
            Event::Text(ref t) if depth == 0 && !t.iter().all(|b| b.is_ascii_whitespace()) => {
                return Err(SamlError::malformed("text outside the root element"));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err(SamlError::malformed("the message has no XML element"));
    }
    if depth != 0 {
        return Err(SamlError::malformed(
            "the XML ends before its root element closes",
        ));
    }
    Ok(shape)
}

/// Namespace and local name of the root element of an XML string already known to be
/// well-formed (used on xmlsec's verified output).
pub(crate) fn root_name(xml: &str) -> Option<(String, String)> {
    let mut reader = NsReader::from_str(xml);
    loop {
        match reader.read_resolved_event() {
            Ok((ns, Event::Start(e))) | Ok((ns, Event::Empty(e))) => {
                let namespace = match ns {
                    ResolveResult::Bound(n) => String::from_utf8_lossy(n.as_ref()).into_owned(),
                    _ => String::new(),
                };
                return Some((
                    namespace,
                    String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                ));
            }
            Ok((_, Event::Eof)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}
