//! What a name claims and what the bytes are: the types of file the platform accepts, the
//! allow-list of each purpose, sniffing, the text check, cleaned file names and subtitle
//! languages.

use amphi_core::codes;
use amphi_core::course::ItemKind;
use amphi_core::{Error, Result};

/// A type of file the platform accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
    Zip,
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Ods,
    Odp,
    Txt,
    Csv,
    Md,
    Mp4,
    Webm,
    Vtt,
}

impl Kind {
    const ALL: [Kind; 19] = [
        Kind::Pdf,
        Kind::Png,
        Kind::Jpeg,
        Kind::Gif,
        Kind::Webp,
        Kind::Svg,
        Kind::Zip,
        Kind::Docx,
        Kind::Xlsx,
        Kind::Pptx,
        Kind::Odt,
        Kind::Ods,
        Kind::Odp,
        Kind::Txt,
        Kind::Csv,
        Kind::Md,
        Kind::Mp4,
        Kind::Webm,
        Kind::Vtt,
    ];

    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Pdf => &["pdf"],
            Kind::Png => &["png"],
            Kind::Jpeg => &["jpg", "jpeg"],
            Kind::Gif => &["gif"],
            Kind::Webp => &["webp"],
            Kind::Svg => &["svg"],
            Kind::Zip => &["zip"],
            Kind::Docx => &["docx"],
            Kind::Xlsx => &["xlsx"],
            Kind::Pptx => &["pptx"],
            Kind::Odt => &["odt"],
            Kind::Ods => &["ods"],
            Kind::Odp => &["odp"],
            Kind::Txt => &["txt"],
            Kind::Csv => &["csv"],
            Kind::Md => &["md", "markdown"],
            Kind::Mp4 => &["mp4", "m4v"],
            Kind::Webm => &["webm"],
            Kind::Vtt => &["vtt"],
        }
    }

    /// The content type stored and served (svg is served as a download only, see
    /// [`super::FileMeta::served_content_type`]).
    pub(super) fn content_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Svg => "image/svg+xml",
            Kind::Zip => "application/zip",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Kind::Odt => "application/vnd.oasis.opendocument.text",
            Kind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Kind::Odp => "application/vnd.oasis.opendocument.presentation",
            Kind::Txt => "text/plain; charset=utf-8",
            Kind::Csv => "text/csv; charset=utf-8",
            Kind::Md => "text/markdown; charset=utf-8",
            Kind::Mp4 => "video/mp4",
            Kind::Webm => "video/webm",
            Kind::Vtt => "text/vtt; charset=utf-8",
        }
    }

    /// Must be UTF-8 without NUL bytes from the first byte to the last.
    pub(super) fn is_text(self) -> bool {
        matches!(
            self,
            Kind::Svg | Kind::Txt | Kind::Csv | Kind::Md | Kind::Vtt
        )
    }

    fn from_extension(ext: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.extensions().contains(&ext))
    }

    fn from_content_type(ct: &str) -> Option<Kind> {
        let base = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| k.content_type().split(';').next() == Some(base.as_str()))
    }

    /// Whether the first bytes of a file are of this type (`head` may be the whole file).
    fn matches(self, head: &[u8]) -> bool {
        let zip = head.starts_with(b"PK\x03\x04");
        // OpenDocument: a zip whose first entry is an uncompressed `mimetype` file.
        let odf = |mime: &[u8]| {
            zip && head.len() > 38 && &head[30..38] == b"mimetype" && head[38..].starts_with(mime)
        };
        match self {
            Kind::Pdf => head.starts_with(b"%PDF-"),
            Kind::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
            Kind::Jpeg => head.starts_with(&[0xFF, 0xD8, 0xFF]),
            Kind::Gif => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
            Kind::Webp => head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP",
            Kind::Zip => zip || head.starts_with(b"PK\x05\x06"),
            Kind::Docx | Kind::Xlsx | Kind::Pptx => zip,
            Kind::Odt => odf(b"application/vnd.oasis.opendocument.text"),
            Kind::Ods => odf(b"application/vnd.oasis.opendocument.spreadsheet"),
            Kind::Odp => odf(b"application/vnd.oasis.opendocument.presentation"),
            Kind::Mp4 => head.len() >= 12 && &head[4..8] == b"ftyp",
            Kind::Webm => {
                head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
                    && head[..head.len().min(64)].windows(4).any(|w| w == b"webm")
            }
            Kind::Vtt => {
                let t = strip_bom(head);
                t.starts_with(b"WEBVTT")
                    && t.get(6)
                        .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
            }
            Kind::Svg => {
                let t = String::from_utf8_lossy(strip_bom(head)).to_ascii_lowercase();
                t.trim_start().starts_with('<') && t.contains("<svg")
            }
            Kind::Txt | Kind::Csv | Kind::Md => true,
        }
    }
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// What an upload is for; each has its allow-list of types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The file of a `file` item.
    File,
    /// The video file of a `video` item.
    Video,
    /// A WebVTT subtitle track of a `video` item.
    Subtitles,
    /// A file a learner hands in (assignments); never accepted by the item upload.
    Submission,
}

impl Purpose {
    /// `file`, `video` or `subtitles`.
    pub fn parse(raw: &str) -> Result<Self> {
        match raw.trim() {
            "file" => Ok(Purpose::File),
            "video" => Ok(Purpose::Video),
            "subtitles" => Ok(Purpose::Subtitles),
            _ => Err(Error::field("purpose", codes::CHOICE_INVALID)),
        }
    }

    pub(super) fn item_kind(self) -> Option<ItemKind> {
        match self {
            Purpose::File => Some(ItemKind::File),
            Purpose::Video | Purpose::Subtitles => Some(ItemKind::Video),
            Purpose::Submission => None,
        }
    }

    fn allowed(self) -> &'static [Kind] {
        match self {
            Purpose::File | Purpose::Submission => &[
                Kind::Pdf,
                Kind::Png,
                Kind::Jpeg,
                Kind::Gif,
                Kind::Webp,
                Kind::Svg,
                Kind::Zip,
                Kind::Docx,
                Kind::Xlsx,
                Kind::Pptx,
                Kind::Odt,
                Kind::Ods,
                Kind::Odp,
                Kind::Txt,
                Kind::Csv,
                Kind::Md,
            ],
            Purpose::Video => &[Kind::Mp4, Kind::Webm],
            Purpose::Subtitles => &[Kind::Vtt],
        }
    }
}

/// The type of an upload: the one its name (or, without a known extension, its declared
/// content type) claims, if the first bytes agree and the purpose allows it. A name without
/// any claim is accepted only for types with a distinctive signature.
pub(super) fn classify(
    purpose: Purpose,
    filename: &str,
    declared: Option<&str>,
    head: &[u8],
) -> Result<Kind> {
    let refused = || Error::field("file", codes::FILE_TYPE_NOT_ALLOWED);
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let claimed = Kind::from_extension(&ext).or_else(|| declared.and_then(Kind::from_content_type));
    let kind = match claimed {
        Some(k) => k,
        None => purpose
            .allowed()
            .iter()
            .copied()
            .filter(|k| !k.is_text() || *k == Kind::Vtt)
            .filter(|k| !matches!(k, Kind::Docx | Kind::Xlsx | Kind::Pptx))
            .find(|k| k.matches(head))
            .ok_or_else(refused)?,
    };
    if !purpose.allowed().contains(&kind) || !kind.matches(head) {
        return Err(refused());
    }
    Ok(kind)
}

/// Checks that a stream of chunks is UTF-8 without NUL bytes, a chunk at a time.
#[derive(Default)]
pub(super) struct TextCheck {
    pending: Vec<u8>,
    bad: bool,
}

fn utf8_width(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

impl TextCheck {
    pub(super) fn feed(&mut self, chunk: &[u8]) {
        if self.bad {
            return;
        }
        if chunk.contains(&0) {
            self.bad = true;
            return;
        }
        let mut rest = chunk;
        if let Some(&lead) = self.pending.first() {
            let width = utf8_width(lead);
            let take = width.saturating_sub(self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() < width {
                return;
            }
            if std::str::from_utf8(&self.pending).is_err() {
                self.bad = true;
                return;
            }
            self.pending.clear();
        }
        match std::str::from_utf8(rest) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => {
                self.pending = rest[e.valid_up_to()..].to_vec();
            }
            Err(_) => self.bad = true,
        }
    }

    /// Whether a byte seen so far rules the text out (an incomplete last character does not).
    pub(super) fn failed(&self) -> bool {
        self.bad
    }

    pub(super) fn ok(&self) -> bool {
        !self.bad && self.pending.is_empty()
    }
}

/// The file name as shown and offered for download: the last path segment, without control
/// characters, at most 200 characters (the extension kept).
pub(crate) fn clean_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = base
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_owned();
    if s.is_empty() {
        return "file".into();
    }
    if s.chars().count() <= 200 {
        return s;
    }
    let ext: String = s
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| e.chars().count() <= 10)
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    let stem: String = s.chars().take(200 - ext.chars().count()).collect();
    format!("{stem}{ext}")
}

/// Subtitle languages offered by the item editor, with their names in their own language.
pub const SUBTITLE_LANGUAGES: [(&str, &str); 12] = [
    ("fr", "Français"),
    ("en", "English"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("nl", "Nederlands"),
    ("ar", "العربية"),
    ("zh", "中文"),
    ("ja", "日本語"),
    ("ru", "Русский"),
    ("uk", "Українська"),
];

/// A subtitle language tag (`fr`, `pt-BR`) and its label.
pub(super) fn parse_lang(raw: Option<&str>) -> Result<(String, String)> {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Err(Error::field("lang", codes::REQUIRED));
    }
    let (primary, region) = match raw.split_once('-') {
        Some((p, r)) => (p, Some(r)),
        None => (raw, None),
    };
    let ok_primary =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    let ok_region = region
        .is_none_or(|r| (2..=8).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !ok_primary || !ok_region {
        return Err(Error::field("lang", codes::CHOICE_INVALID));
    }
    let tag = match region {
        Some(r) => format!(
            "{}-{}",
            primary.to_ascii_lowercase(),
            r.to_ascii_uppercase()
        ),
        None => primary.to_ascii_lowercase(),
    };
    let label = SUBTITLE_LANGUAGES
        .iter()
        .find(|(c, _)| *c == tag)
        .map(|(_, l)| (*l).to_owned())
        .unwrap_or_else(|| tag.clone());
    Ok((tag, label))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sniffing_follows_the_name_and_the_bytes() {
        let f = Purpose::File;
        assert_eq!(
            classify(f, "a.pdf", None, b"%PDF-1.7\n").unwrap(),
            Kind::Pdf
        );
        assert!(classify(f, "a.pdf", Some("application/pdf"), b"<html><body>").is_err());
        assert!(classify(f, "a.png", None, b"%PDF-1.7").is_err());
        assert_eq!(classify(f, "noext", None, b"%PDF-1.7").unwrap(), Kind::Pdf);
        assert!(classify(f, "noext", None, b"hello").is_err());
        assert_eq!(classify(f, "notes.md", None, b"# Hi").unwrap(), Kind::Md);
        assert_eq!(
            classify(f, "x.docx", None, b"PK\x03\x04rest").unwrap(),
            Kind::Docx
        );
        assert!(classify(f, "x.exe", None, b"MZ\x90\x00").is_err());
        assert!(classify(f, "x.mp4", None, b"\0\0\0\x20ftypisom").is_err());
        let v = Purpose::Video;
        assert_eq!(
            classify(v, "x.mp4", None, b"\0\0\0\x20ftypisom\0\0").unwrap(),
            Kind::Mp4
        );
        assert!(classify(v, "x.pdf", None, b"%PDF-").is_err());
        let s = Purpose::Subtitles;
        assert_eq!(
            classify(s, "fr.vtt", None, b"WEBVTT\n\n00:00").unwrap(),
            Kind::Vtt
        );
        assert_eq!(
            classify(s, "fr.vtt", None, b"\xEF\xBB\xBFWEBVTT").unwrap(),
            Kind::Vtt
        );
        assert!(classify(s, "fr.vtt", None, b"WEBVTTX").is_err());
        assert!(classify(s, "fr.srt", None, b"1\n00:00:01,000 --> 00:00:02,000").is_err());
        assert_eq!(
            classify(f, "d.svg", None, b"<?xml version=\"1.0\"?><svg>").unwrap(),
            Kind::Svg
        );
    }

    #[test]
    fn text_must_be_utf8_without_nul() {
        let mut t = TextCheck::default();
        let s = "héllo wörld €".as_bytes();
        for c in s.chunks(1) {
            t.feed(c);
        }
        assert!(t.ok());
        let mut t = TextCheck::default();
        t.feed(b"abc\xC3");
        assert!(!t.ok());
        t.feed(b"\xA9def");
        assert!(t.ok());
        let mut t = TextCheck::default();
        t.feed(b"abc\0");
        assert!(!t.ok());
        let mut t = TextCheck::default();
        t.feed(b"\xFF");
        assert!(!t.ok());
    }

    #[test]
    fn names_are_cleaned_and_languages_checked() {
        assert_eq!(clean_filename("C:\\Users\\x\\Report.pdf"), "Report.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\u{0}b\r\n.txt"), "ab.txt");
        assert_eq!(clean_filename(""), "file");
        let long = format!("{}.pdf", "x".repeat(300));
        let c = clean_filename(&long);
        assert!(c.ends_with(".pdf") && c.chars().count() == 200);
        assert_eq!(
            parse_lang(Some("fr")).unwrap(),
            ("fr".into(), "Français".into())
        );
        assert_eq!(parse_lang(Some("pt-br")).unwrap().0, "pt-BR");
        assert!(parse_lang(Some("french!")).is_err());
        assert!(parse_lang(None).is_err());
    }
}
