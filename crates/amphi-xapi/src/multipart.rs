//! `multipart/mixed` bodies of statements with attachments (Communication 1.5.2): the first
//! part is the statements' JSON, each other part one attachment's content with its
//! `X-Experience-API-Hash` (SHA-256, hex) and `Content-Transfer-Encoding: binary`. Also the
//! writing of such a body for a GET with `attachments=true`.

use crate::{Result, XapiError};

/// One attachment's content as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its `X-Experience-API-Hash` (lower case), which is its content's SHA-256.
    pub sha2: String,
    /// Its Content-Type.
    pub content_type: String,
    /// The content.
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/mixed` Content-Type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut it = content_type.split(';');
    if !it.next()?.trim().eq_ignore_ascii_case("multipart/mixed") {
        return None;
    }
    it.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// Splits a body: the statements' JSON (first part, which must be `application/json`) and the
/// attachments' parts, each checked against its hash.
pub fn parse(body: &[u8], boundary: &str) -> Result<(Vec<u8>, Vec<Part>)> {
    let delim = format!("--{boundary}");
    let d = delim.as_bytes();
    let mut pos = find(body, d, 0).ok_or_else(|| bad("no boundary in the body"))?;
    let mut raw_parts: Vec<&[u8]> = Vec::new();
    loop {
        let after = pos + d.len();
        if body[after..].starts_with(b"--") {
            break;
        }
        let start =
            skip_line_end(body, after).ok_or_else(|| bad("a boundary line is malformed"))?;
        let next = find(body, d, start)
            .ok_or_else(|| bad("the body does not end with its closing boundary"))?;
        // The CRLF before the delimiter belongs to it.
        let mut end = next;
        if end >= 2 && &body[end - 2..end] == b"\r\n" {
            end -= 2;
        } else if end >= 1 && body[end - 1] == b'\n' {
            end -= 1;
        }
        raw_parts.push(&body[start..end]);
        pos = next;
    }
    let mut parts = raw_parts.into_iter();
    let first = parts.next().ok_or_else(|| bad("no statement part"))?;
    let (headers, json) = split_part(first)?;
    let ct = header(&headers, "content-type").unwrap_or_default();
    if !ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .eq_ignore_ascii_case("application/json")
    {
        return Err(bad(
            "the first part must be the statements, application/json",
        ));
    }
    let mut out = Vec::new();
    for p in parts {
        let (headers, data) = split_part(p)?;
        let sha2 = header(&headers, "x-experience-api-hash")
            .ok_or_else(|| bad("an attachment part has no X-Experience-API-Hash"))?
            .to_lowercase();
        match header(&headers, "content-transfer-encoding") {
            Some(e) if e.eq_ignore_ascii_case("binary") => {}
            _ => {
                return Err(bad(
                    "an attachment part needs Content-Transfer-Encoding: binary",
                ))
            }
        }
        if crate::sha2(data) != sha2 {
            return Err(bad(
                "an attachment's content does not match its X-Experience-API-Hash",
            ));
        }
        out.push(Part {
            sha2,
            content_type: header(&headers, "content-type")
                .unwrap_or("application/octet-stream")
                .to_owned(),
            data: data.to_vec(),
        });
    }
    Ok((json.to_vec(), out))
}

/// Checks that the statements' attachments and the parts agree: each attachment without a
/// `fileUrl` has its part, and each part is some attachment's.
pub fn check_parts(attachments: &[(String, bool)], parts: &[Part]) -> Result<()> {
    for (sha2, has_url) in attachments {
        if !has_url && !parts.iter().any(|p| &p.sha2 == sha2) {
            return Err(bad(&format!(
                "the attachment {sha2} has no fileUrl and no part in the body"
            )));
        }
    }
    for p in parts {
        if !attachments.iter().any(|(s, _)| *s == p.sha2) {
            return Err(bad(&format!(
                "the part {} is not an attachment of any statement",
                p.sha2
            )));
        }
    }
    Ok(())
}

/// Writes a `multipart/mixed` body: the JSON, then each part.
pub fn write(boundary: &str, json: &[u8], parts: &[Part]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(json.len() + parts.iter().map(|p| p.data.len() + 200).sum::<usize>());
    out.extend_from_slice(
        format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n").as_bytes(),
    );
    out.extend_from_slice(json);
    for p in parts {
        out.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Type: {}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {}\r\n\r\n",
                p.content_type, p.sha2
            )
            .as_bytes(),
        );
        out.extend_from_slice(&p.data);
    }
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    out
}

fn bad(m: &str) -> XapiError {
    XapiError::new("multipart", m)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn skip_line_end(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    if b[i..].starts_with(b"\r\n") {
        Some(i + 2)
    } else if b[i..].starts_with(b"\n") {
        Some(i + 1)
    } else {
        None
    }
}

/// A part's headers: lower-case name, value.
type Headers = Vec<(String, String)>;

/// A part's headers (lower-case names) and content.
fn split_part(p: &[u8]) -> Result<(Headers, &[u8])> {
    let (head, body) = if let Some(i) = find(p, b"\r\n\r\n", 0) {
        (&p[..i], &p[i + 4..])
    } else if let Some(i) = find(p, b"\n\n", 0) {
        (&p[..i], &p[i + 2..])
    } else if p.starts_with(b"\r\n") {
        (&p[..0], &p[2..])
    } else {
        return Err(bad("a part has no blank line after its headers"));
    };
    let head = std::str::from_utf8(head).map_err(|_| bad("a part's headers are not text"))?;
    let headers = head
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        })
        .collect();
    Ok((headers, body))
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let part = Part {
            sha2: crate::sha2(b"hello\r\nworld"),
            content_type: "text/plain".into(),
            data: b"hello\r\nworld".to_vec(),
        };
        let body = write("xyz", br#"{"a":1}"#, std::slice::from_ref(&part));
        let (json, parts) = parse(&body, "xyz").unwrap_or_default();
        assert_eq!(json, br#"{"a":1}"#);
        assert_eq!(parts, vec![part]);
    }

    #[test]
    fn boundaries() {
        assert_eq!(
            boundary("multipart/mixed; boundary=\"abc\"").as_deref(),
            Some("abc")
        );
        assert_eq!(
            boundary("Multipart/Mixed;boundary=abc").as_deref(),
            Some("abc")
        );
        assert_eq!(boundary("application/json"), None);
    }

    #[test]
    fn refusals() {
        let wrong_hash = b"--b\r\nContent-Type: application/json\r\n\r\n[]\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: 00\r\n\r\nhi\r\n--b--";
        assert!(parse(wrong_hash, "b").is_err());
        let first_not_json = b"--b\r\nContent-Type: text/plain\r\n\r\n[]\r\n--b--";
        assert!(parse(first_not_json, "b").is_err());
        let h = crate::sha2(b"hi");
        let no_encoding = format!("--b\r\nContent-Type: application/json\r\n\r\n[]\r\n--b\r\nX-Experience-API-Hash: {h}\r\n\r\nhi\r\n--b--");
        assert!(parse(no_encoding.as_bytes(), "b").is_err());
        assert!(parse(b"no boundary here", "b").is_err());
    }

    #[test]
    fn parts_and_attachments_agree() {
        let p = Part {
            sha2: "aa".into(),
            content_type: "text/plain".into(),
            data: vec![],
        };
        assert!(check_parts(&[("aa".into(), false)], std::slice::from_ref(&p)).is_ok());
        assert!(check_parts(&[("aa".into(), false)], &[]).is_err());
        assert!(check_parts(&[("aa".into(), true)], &[]).is_ok());
        assert!(check_parts(&[], &[p]).is_err());
    }
}
