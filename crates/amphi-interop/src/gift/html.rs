//! The screen for `[html]` question text: GIFT files come from outside, and their HTML is shown
//! to learners as written.

/// Index of the first character of HTML a page must not carry: script, frames, objects,
/// styles, `javascript:`/`vbscript:` links, `srcdoc`, `on…=` handlers.
pub(super) fn unsafe_html_at(chars: &[char]) -> Option<usize> {
    let lower: Vec<char> = chars.iter().map(char::to_ascii_lowercase).collect();
    let mut first: Option<usize> = None;
    let mut note = |i: usize| first = Some(first.map_or(i, |f: usize| f.min(i)));
    for needle in [
        "<script",
        "javascript:",
        "vbscript:",
        "<iframe",
        "<frame",
        "<object",
        "<embed",
        "<style",
        "srcdoc",
    ] {
        let n: Vec<char> = needle.chars().collect();
        if let Some(i) = lower.windows(n.len()).position(|w| w == n.as_slice()) {
            note(i);
        }
    }
    let mut in_tag = false;
    for (i, &c) in lower.iter().enumerate() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            'o' if in_tag
                && i > 0
                && lower
                    .get(i - 1)
                    .is_some_and(|p| p.is_whitespace() || matches!(p, '/' | '"' | '\'')) =>
            {
                let rest = lower.get(i..).unwrap_or(&[]);
                let name = rest
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .count();
                let handler = name > 2
                    && rest.get(1) == Some(&'n')
                    && rest
                        .get(name..)
                        .unwrap_or(&[])
                        .iter()
                        .find(|c| !c.is_whitespace())
                        == Some(&'=');
                if handler {
                    note(i);
                    break;
                }
            }
            _ => {}
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_html_scanner() {
        let at = |s: &str| unsafe_html_at(&s.chars().collect::<Vec<_>>());
        assert_eq!(at("ab<ScRiPt>"), Some(2));
        assert_eq!(at("<div\n  onMouseOver = 'x'>"), Some(7));
        assert_eq!(at("<p>only once</p>"), None);
        assert_eq!(at("<p title=\"x\">on=</p>"), None);
    }
}
