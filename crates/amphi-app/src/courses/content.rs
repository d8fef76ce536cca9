//! Course content rendering: Markdown to sanitised HTML, and video embeds from allow-listed
//! hosts only.

use pulldown_cmark::{html, Options, Parser};
use std::collections::HashSet;
use std::sync::LazyLock;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .add_tags(["figure", "figcaption"])
        .add_tag_attributes("img", ["loading"]);
    b
});

/// Renders Markdown written by a course team to HTML that is safe to put in a page: no script,
/// no event handlers, no javascript: links, no style.
pub fn markdown_to_html(md: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_FOOTNOTES);
    let parser = Parser::new_ext(md, opts);
    let mut raw = String::new();
    html::push_html(&mut raw, parser);
    SANITIZER.clean(&raw).to_string()
}

/// HTML from elsewhere (a tool's deep linking answer) made safe to store as page text: what
/// the sanitiser keeps of it.
pub fn sanitize_html(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// Whether Markdown contains HTML the sanitiser would drop (script, handlers, …): authoring
/// refuses such content with a clear message rather than silently changing it.
pub fn has_unsafe_html(md: &str) -> bool {
    let lower = md.to_ascii_lowercase();
    let suspicious = [
        "<script",
        "javascript:",
        "<iframe",
        "<object",
        "<embed",
        "<style",
        "srcdoc",
        "vbscript:",
    ];
    if suspicious.iter().any(|s| lower.contains(s)) {
        return true;
    }
    // Any on…= attribute inside a tag.
    let mut in_tag = false;
    let bytes = lower.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag && i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                let rest = &lower[i..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if name.starts_with("on")
                    && name.len() > 2
                    && rest[name.len()..].trim_start().starts_with('=')
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// A video embed the platform accepts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Embed {
    /// The player address to put in the iframe.
    pub src: String,
    /// Origin to allow in the page's frame-src.
    pub origin: String,
}

/// Turns a video page address into its player address, for YouTube, Vimeo and the PeerTube
/// instances the platform allows; None for anything else.
pub fn video_embed(url: &str, peertube_hosts: &[String]) -> Option<Embed> {
    let u = url::Url::parse(url.trim()).ok()?;
    if u.scheme() != "https" {
        return None;
    }
    let host = u.host_str()?.to_lowercase();
    let id_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    match host.as_str() {
        "www.youtube.com"
        | "youtube.com"
        | "m.youtube.com"
        | "www.youtube-nocookie.com"
        | "youtu.be" => {
            let id = if host == "youtu.be" {
                u.path().trim_start_matches('/').to_owned()
            } else if let Some(rest) = u.path().strip_prefix("/embed/") {
                rest.to_owned()
            } else {
                u.query_pairs()
                    .find(|(k, _)| k == "v")
                    .map(|(_, v)| v.into_owned())?
            };
            id_ok(&id).then(|| Embed {
                src: format!("https://www.youtube-nocookie.com/embed/{id}"),
                origin: "https://www.youtube-nocookie.com".into(),
            })
        }
        "vimeo.com" | "www.vimeo.com" | "player.vimeo.com" => {
            let id = u.path().rsplit('/').find(|s| !s.is_empty())?.to_owned();
            (id.chars().all(|c| c.is_ascii_digit()) && id_ok(&id)).then(|| Embed {
                src: format!("https://player.vimeo.com/video/{id}"),
                origin: "https://player.vimeo.com".into(),
            })
        }
        h if peertube_hosts.iter().any(|p| p.eq_ignore_ascii_case(h)) => {
            let path = u.path();
            let id = path
                .strip_prefix("/w/")
                .or_else(|| path.strip_prefix("/videos/watch/"))
                .or_else(|| path.strip_prefix("/videos/embed/"))?
                .trim_end_matches('/')
                .to_owned();
            id_ok(&id).then(|| Embed {
                src: format!("https://{h}/videos/embed/{id}"),
                origin: format!("https://{h}"),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_sanitised() {
        let html = markdown_to_html("# Title\n\nSome *text* and [a link](https://example.test).\n\n<script>alert(1)</script><img src=x onerror=alert(1)>\n\nA [bad link](javascript:alert(1)).");
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("<em>text</em>"));
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""));
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(html.contains("bad link"));
    }

    #[test]
    fn unsafe_html_is_detected() {
        assert!(has_unsafe_html("hello <script>x</script>"));
        assert!(has_unsafe_html("<img src=x onerror=alert(1)>"));
        assert!(has_unsafe_html("<a href=\"JavaScript:alert(1)\">x</a>"));
        assert!(has_unsafe_html("<div onclick = \"x\">"));
        assert!(!has_unsafe_html(
            "A sentence about online learning, on time.\n\n**bold** <em>ok</em>"
        ));
    }

    #[test]
    fn embeds() {
        let pt = vec!["video.example.org".to_owned()];
        assert_eq!(
            video_embed("https://www.youtube.com/watch?v=dQw4w9WgXcQ", &pt)
                .unwrap()
                .src,
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        );
        assert_eq!(
            video_embed("https://youtu.be/dQw4w9WgXcQ", &pt)
                .unwrap()
                .src,
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        );
        assert_eq!(
            video_embed("https://vimeo.com/76979871", &pt).unwrap().src,
            "https://player.vimeo.com/video/76979871"
        );
        assert_eq!(
            video_embed(
                "https://video.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
                &pt
            )
            .unwrap()
            .src,
            "https://video.example.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d"
        );
        assert!(video_embed("https://evil.test/watch?v=x", &pt).is_none());
        assert!(video_embed("http://www.youtube.com/watch?v=dQw4w9WgXcQ", &pt).is_none());
        assert!(video_embed("https://www.youtube.com/watch?v=\"><script>", &pt).is_none());
        assert!(video_embed("javascript:alert(1)", &pt).is_none());
    }
}
