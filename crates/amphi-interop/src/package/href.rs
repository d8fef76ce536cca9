//! Launch URLs and file references of a manifest: `xml:base` resolution (RFC 3986, for the
//! relative paths a package uses), percent-decoding to the zip path a reference needs, and an
//! item's `parameters` appended as the SCORM CAM says.

use super::archive::normalise_path;

/// A reference resolved against its `xml:base`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Located {
    /// An absolute URL, played as is.
    External(String),
    /// A file of the package: the launch URL (normalised path, query and fragment kept) and
    /// the zip path it needs (percent-decoded).
    Local { href: String, file: String },
    /// A reference that leaves the package (`..` past the root, `/`-absolute, control
    /// characters).
    Unsafe,
}

fn is_absolute_url(s: &str) -> bool {
    if s.starts_with("//") {
        return true;
    }
    match s.split_once(':') {
        Some((scheme, _)) => {
            scheme.len() > 1
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        }
        None => false,
    }
}

/// The folder part of a base (up to its last `/`), as RFC 3986 resolution uses it.
fn dir_of(base: &str) -> &str {
    base.rfind('/').map_or("", |i| base.get(..=i).unwrap_or(""))
}

/// Combines an outer `xml:base` with an inner one.
pub(crate) fn join_base(outer: &str, inner: Option<&str>) -> String {
    match inner.map(str::trim) {
        None | Some("") => outer.to_string(),
        Some(i) if is_absolute_url(i) || i.starts_with('/') => i.to_string(),
        Some(i) => format!("{}{i}", dir_of(outer)),
    }
}

/// Resolves `href` against `base` (relative to the zip root).
pub(crate) fn locate(base: &str, href: &str) -> Located {
    if is_absolute_url(href) {
        return Located::External(href.to_string());
    }
    let full = format!("{}{href}", dir_of(base));
    if is_absolute_url(base) {
        return Located::External(full);
    }
    if full.starts_with('/') {
        return Located::Unsafe;
    }
    let cut = full.find(['?', '#']).unwrap_or(full.len());
    let (path, rest) = full.split_at(cut);
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Located::Unsafe;
                }
            }
            s => parts.push(s),
        }
    }
    let path = parts.join("/");
    let decoded = percent_decode(&path);
    match normalise_path(&decoded) {
        Some(file) if file == decoded => Located::Local {
            href: format!("{path}{rest}"),
            file,
        },
        _ => Located::Unsafe,
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Appends an item's `parameters` to a launch URL as SCORM 2004 CAM 3.4.1.10 says: leading
/// `?` and `&` dropped; a `#fragment` only when the URL has none; otherwise after `?` or `&`
/// (before the URL's own fragment).
pub(crate) fn with_parameters(href: &str, parameters: &str) -> String {
    let p = parameters.trim().trim_start_matches(['?', '&']);
    if p.is_empty() {
        return href.to_string();
    }
    if p.starts_with('#') {
        return if href.contains('#') {
            href.to_string()
        } else {
            format!("{href}{p}")
        };
    }
    let (url, fragment) = match href.find('#') {
        Some(i) => href.split_at(i),
        None => (href, ""),
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{p}{fragment}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_follow_the_cam_rules() {
        assert_eq!(with_parameters("a.html", "?x=1"), "a.html?x=1");
        assert_eq!(with_parameters("a.html?y=2", "&x=1"), "a.html?y=2&x=1");
        assert_eq!(with_parameters("a.html", "#p3"), "a.html#p3");
        assert_eq!(with_parameters("a.html#p1", "#p3"), "a.html#p1");
        assert_eq!(with_parameters("a.html#top", "x=1"), "a.html?x=1#top");
        assert_eq!(with_parameters("a.html", ""), "a.html");
    }

    #[test]
    fn references_resolve_against_xml_base() {
        let loc = |b: &str, h: &str| locate(b, h);
        assert_eq!(
            loc("content/", "a%20b.html?x=1#t"),
            Located::Local {
                href: "content/a%20b.html?x=1#t".into(),
                file: "content/a b.html".into()
            }
        );
        assert_eq!(
            loc(&join_base("course/", Some("sco1/")), "../shared/x.js"),
            Located::Local {
                href: "course/shared/x.js".into(),
                file: "course/shared/x.js".into()
            }
        );
        assert_eq!(loc("", "../x.html"), Located::Unsafe);
        assert_eq!(loc("", "/etc/passwd"), Located::Unsafe);
        assert_eq!(loc("", "%2e%2e/x"), Located::Unsafe);
        assert_eq!(
            loc("", "https://example.org/a"),
            Located::External("https://example.org/a".into())
        );
        assert_eq!(
            loc("http://cdn.example.org/c/", "a.html"),
            Located::External("http://cdn.example.org/c/a.html".into())
        );
        assert_eq!(percent_decode("%41%zz%4"), "A%zz%4");
    }
}
