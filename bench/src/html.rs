//! The little HTML reading the sessions need: the CSRF field and the quiz's radio buttons.

/// Undoes the escaping minijinja applies to attribute values.
fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// The value of the first `csrf` hidden field.
pub fn csrf(body: &str) -> Option<String> {
    let key = "name=\"csrf\" value=\"";
    let start = body.find(key)? + key.len();
    let len = body[start..].find('"')?;
    Some(unescape(&body[start..start + len]))
}

/// For each radio group of a quiz attempt (`q.<question id>`), its first option: the right
/// one for the benchmark bank's single-choice questions, "true" for true/false.
pub fn first_radio_answers(body: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("<input type=\"radio\"") {
        let tag_end = rest[i..].find('>').map_or(rest.len(), |e| i + e);
        let tag = &rest[i..tag_end];
        if let (Some(n), Some(v)) = (attr(tag, "name"), attr(tag, "value")) {
            if n.starts_with("q.") && !out.iter().any(|(k, _)| k == n) {
                out.push((unescape(n), unescape(v)));
            }
        }
        rest = &rest[tag_end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_csrf_and_radios() {
        let b = r#"<input type="hidden" name="csrf" value="ab&#x2f;c">
<div class="choice"><input type="radio" id="q.x-1" name="q.x" value="1">
<input type="radio" id="q.x-2" name="q.x" value="2">
<input type="radio" id="q.y-true" name="q.y" value="true"></div>"#;
        assert_eq!(csrf(b).as_deref(), Some("ab/c"));
        assert_eq!(
            first_radio_answers(b),
            vec![
                ("q.x".to_owned(), "1".to_owned()),
                ("q.y".to_owned(), "true".to_owned())
            ]
        );
        assert_eq!(csrf("<p>none</p>"), None);
    }
}
