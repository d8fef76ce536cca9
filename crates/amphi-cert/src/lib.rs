//! The certificate PDF, typeset with typst as a library.
//!
//! The typst world here has no files and no network: only the fonts embedded in the binary, the
//! template embedded in this crate, and the images the caller passes in. Every piece of text
//! (names, titles, the wording in the chosen language) reaches the template as data through
//! `sys.inputs`, never spliced into markup, so a learner called `#panic()` is printed as such.
//!
//! Typesetting is CPU-bound (tens to hundreds of milliseconds): async callers should run
//! [`render`] on a blocking thread.

use chrono::{Datelike, NaiveDate};
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, Str, Value};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("certificate.typ");

/// At most this many signatures fit on a certificate.
pub const MAX_SIGNATURES: usize = 2;

/// Why a certificate could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The input was refused before typesetting (which field, and why).
    #[error("invalid certificate input: {0}")]
    Invalid(&'static str),
    /// The QR code could not be made (the URL is too long for a QR code).
    #[error("the verification URL does not fit in a QR code")]
    QrCode,
    /// Typst reported errors (a broken image, for instance).
    #[error("typesetting failed: {0}")]
    Typst(String),
}

/// The language of a certificate's fixed wording and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// English.
    En,
    /// French.
    Fr,
}

impl Language {
    /// From a language code (`fr`, `fr-FR`, `en`…); English for anything else.
    pub fn from_code(code: &str) -> Self {
        if code.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("fr")) {
            Self::Fr
        } else {
            Self::En
        }
    }

    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }
}

/// An image's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// SVG.
    Svg,
}

impl ImageFormat {
    /// The format of these bytes, by their signature; None if not PNG, JPEG or SVG.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(Self::Png);
        }
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(Self::Jpeg);
        }
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_lowercase();
        let head = head.trim_start_matches('\u{feff}').trim_start();
        if (head.starts_with("<?xml") || head.starts_with("<svg") || head.starts_with("<!--"))
            && head.contains("<svg")
        {
            return Some(Self::Svg);
        }
        None
    }

    fn typst_name(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Svg => "svg",
        }
    }
}

/// An image passed to the template (logo, signature).
#[derive(Debug, Clone)]
pub struct Image {
    /// The image file.
    pub bytes: Vec<u8>,
    /// Its format.
    pub format: ImageFormat,
}

/// A signature at the foot of the certificate.
#[derive(Debug, Clone)]
pub struct Signature {
    /// Who signs.
    pub name: String,
    /// Their title or role.
    pub title: String,
    /// A picture of the signature, if any.
    pub image: Option<Image>,
}

/// The issuing site's look.
#[derive(Debug, Clone)]
pub struct Branding {
    /// The site (tenant) name.
    pub name: String,
    /// Primary colour, `#rrggbb`.
    pub colour: String,
    /// Logo, if any.
    pub logo: Option<Image>,
}

/// Everything printed on one certificate.
#[derive(Debug, Clone)]
pub struct CertificateInput {
    /// The learner's name as it should be printed.
    pub learner_name: String,
    /// The course title.
    pub course_title: String,
    /// The edition (run) title.
    pub run_title: String,
    /// First day of the run, if known.
    pub run_starts: Option<NaiveDate>,
    /// Last day of the run, if known.
    pub run_ends: Option<NaiveDate>,
    /// Day of issue.
    pub issued_on: NaiveDate,
    /// Final grade in percent, when it is to be shown.
    pub grade_percent: Option<f64>,
    /// Wording and date language.
    pub language: Language,
    /// The issuing site.
    pub branding: Branding,
    /// Up to [`MAX_SIGNATURES`] signatures.
    pub signatures: Vec<Signature>,
    /// Public verification URL (also encoded in the QR code).
    pub verify_url: String,
    /// The short verification code.
    pub code: String,
}

/// Renders the certificate as a PDF.
pub fn render(input: &CertificateInput) -> Result<Vec<u8>, RenderError> {
    check(input)?;
    let qr = qr_svg(&input.verify_url)?;
    let mut inputs = Dict::new();
    inputs.insert(
        Str::from("data"),
        Value::Str(Str::from(template_data(input).to_string())),
    );
    inputs.insert(Str::from("qr"), Value::Bytes(Bytes::from_string(qr)));
    if let Some(logo) = &input.branding.logo {
        inputs.insert(
            Str::from("logo"),
            Value::Bytes(Bytes::new(logo.bytes.clone())),
        );
    }
    for (i, s) in input.signatures.iter().enumerate() {
        if let Some(img) = &s.image {
            inputs.insert(
                Str::from(format!("signature{i}").as_str()),
                Value::Bytes(Bytes::new(img.bytes.clone())),
            );
        }
    }
    let world = CertWorld::new(inputs, input.issued_on);
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // Each certificate is different: keep typst's memo cache from growing without bound.
    typst::comemo::evict(10);
    let doc = compiled.map_err(|errors| RenderError::Typst(diagnostics(&errors)))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!("amphi-certificate-{}", input.code)),
        ..Default::default()
    };
    typst_pdf::pdf(&doc, &options).map_err(|errors| RenderError::Typst(diagnostics(&errors)))
}

fn diagnostics(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

fn check(input: &CertificateInput) -> Result<(), RenderError> {
    if input.signatures.len() > MAX_SIGNATURES {
        return Err(RenderError::Invalid("signatures"));
    }
    let c = &input.branding.colour;
    if !(c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit())) {
        return Err(RenderError::Invalid("colour"));
    }
    if input.learner_name.trim().is_empty() {
        return Err(RenderError::Invalid("learner_name"));
    }
    if input.verify_url.is_empty() || input.code.is_empty() {
        return Err(RenderError::Invalid("verify_url"));
    }
    if input.grade_percent.is_some_and(|g| !g.is_finite()) {
        return Err(RenderError::Invalid("grade"));
    }
    Ok(())
}

/// The QR code of a URL as an SVG document.
pub fn qr_svg(url: &str) -> Result<String, RenderError> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| RenderError::QrCode)?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// The fixed wording of a certificate in one language.
struct Wording {
    heading: &'static str,
    certifies: &'static str,
    completed: &'static str,
    grade: &'static str,
    issued: &'static str,
    verify: &'static str,
    code: &'static str,
    document: &'static str,
}

fn wording(lang: Language) -> Wording {
    match lang {
        Language::En => Wording {
            heading: "Certificate of Achievement",
            certifies: "This is to certify that",
            completed: "has successfully completed the course",
            grade: "Final grade:",
            issued: "Issued on",
            verify: "Verify this certificate at",
            code: "Code",
            document: "Certificate",
        },
        Language::Fr => Wording {
            heading: "Certificat de réussite",
            certifies: "Nous certifions que",
            completed: "a suivi avec succès le cours",
            grade: "Note finale :",
            issued: "Délivré le",
            verify: "Vérifier ce certificat sur",
            code: "Code",
            document: "Certificat",
        },
    }
}

/// A date written out in the language: `3 March 2026` / `3 mars 2026`.
pub fn format_date(date: NaiveDate, lang: Language) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let m = date.month0() as usize;
    match lang {
        Language::En => format!("{} {} {}", date.day(), EN[m], date.year()),
        Language::Fr if date.day() == 1 => format!("1er {} {}", FR[m], date.year()),
        Language::Fr => format!("{} {} {}", date.day(), FR[m], date.year()),
    }
}

/// A percentage in the language: `87.5%` / `87,5 %`.
pub fn format_percent(p: f64, lang: Language) -> String {
    let rounded = (p * 10.0).round() / 10.0;
    let s = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    };
    match lang {
        Language::En => format!("{s}%"),
        Language::Fr => format!("{} %", s.replace('.', ",")),
    }
}

fn dates_line(input: &CertificateInput) -> String {
    let l = input.language;
    match (input.run_starts, input.run_ends) {
        (Some(a), Some(b)) => match l {
            Language::En => format!("{} – {}", format_date(a, l), format_date(b, l)),
            Language::Fr => format!("du {} au {}", format_date(a, l), format_date(b, l)),
        },
        (Some(a), None) => match l {
            Language::En => format!("from {}", format_date(a, l)),
            Language::Fr => format!("depuis le {}", format_date(a, l)),
        },
        (None, Some(b)) => match l {
            Language::En => format!("until {}", format_date(b, l)),
            Language::Fr => format!("jusqu’au {}", format_date(b, l)),
        },
        (None, None) => String::new(),
    }
}

fn template_data(input: &CertificateInput) -> serde_json::Value {
    let l = input.language;
    let w = wording(l);
    let signatures: Vec<serde_json::Value> = input
        .signatures
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.name,
                "title": s.title,
                "has_image": s.image.is_some(),
                "image_format": s.image.as_ref().map_or("png", |i| i.format.typst_name()),
            })
        })
        .collect();
    serde_json::json!({
        "lang": l.code(),
        "colour": input.branding.colour,
        "tenant_name": input.branding.name,
        "has_logo": input.branding.logo.is_some(),
        "logo_format": input.branding.logo.as_ref().map_or("png", |i| i.format.typst_name()),
        "document_title": format!("{} – {} – {}", w.document, input.course_title, input.learner_name),
        "heading": w.heading,
        "certifies": w.certifies,
        "learner": input.learner_name,
        "completed": w.completed,
        "course": input.course_title,
        "run": input.run_title,
        "dates": dates_line(input),
        "grade": input.grade_percent.map(|g| format!("{} {}", w.grade, format_percent(g, l))).unwrap_or_default(),
        "issued": format!("{} {}", w.issued, format_date(input.issued_on, l)),
        "signatures": signatures,
        "verify_label": w.verify,
        "verify_url": input.verify_url,
        "code_label": w.code,
        "code": input.code,
    })
}

/// The embedded fonts, parsed once.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// A world with one source (the template), the embedded fonts, no files and no network.
struct CertWorld {
    library: LazyHash<Library>,
    main: Source,
    today: NaiveDate,
}

impl CertWorld {
    fn new(inputs: Dict, today: NaiveDate) -> Self {
        Self {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            main: Source::detached(TEMPLATE),
            today,
        }
    }
}

impl World for CertWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            u8::try_from(self.today.month()).ok()?,
            u8::try_from(self.today.day()).ok()?,
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn input(name: &str, lang: Language) -> CertificateInput {
        CertificateInput {
            learner_name: name.to_owned(),
            course_title: "Introduction to Rust".to_owned(),
            run_title: "Spring 2026".to_owned(),
            run_starts: NaiveDate::from_ymd_opt(2026, 3, 1),
            run_ends: NaiveDate::from_ymd_opt(2026, 6, 30),
            issued_on: NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(),
            grade_percent: Some(87.5),
            language: lang,
            branding: Branding {
                name: "Université Exemple".to_owned(),
                colour: "#1d4ed8".to_owned(),
                logo: None,
            },
            signatures: vec![Signature {
                name: "Ada Lovelace".to_owned(),
                title: "Course lead".to_owned(),
                image: None,
            }],
            verify_url: "https://learn.example.com/verify/ABCDEFGHJK".to_owned(),
            code: "ABCDEFGHJK".to_owned(),
        }
    }

    /// The text of a certificate, which must be a one-page PDF.
    fn text_of(pdf: &[u8]) -> String {
        assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
        let pages = pdf_extract::extract_text_from_mem_by_pages(pdf).expect("parseable PDF");
        assert_eq!(pages.len(), 1, "one page: {pages:?}");
        pages.concat()
    }

    /// Whitespace-insensitive containment (PDF text extraction splits lines and words freely).
    fn contains(hay: &str, needle: &str) -> bool {
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        squash(hay).contains(&squash(needle))
    }

    #[test]
    fn renders_a_pdf_with_the_learner_and_the_course() {
        let started = std::time::Instant::now();
        let pdf = render(&input("Grace Hopper", Language::En)).unwrap();
        eprintln!("first render: {:?}", started.elapsed());
        let started = std::time::Instant::now();
        let again = render(&input("Alan Turing", Language::En)).unwrap();
        eprintln!("second render: {:?}", started.elapsed());
        let text = text_of(&pdf);
        assert!(contains(&text, "Grace Hopper"), "{text}");
        assert!(contains(&text, "Introduction to Rust"), "{text}");
        assert!(contains(&text, "Certificate of Achievement"), "{text}");
        assert!(contains(&text, "2 July 2026"), "{text}");
        assert!(contains(&text, "87.5%"), "{text}");
        assert!(contains(&text, "ABCDEFGHJK"), "{text}");
        assert!(contains(&text_of(&again), "Alan Turing"));
    }

    #[test]
    fn french_wording_and_dates() {
        let pdf = render(&input("Marie Curie", Language::Fr)).unwrap();
        let text = text_of(&pdf);
        assert!(contains(&text, "Certificat de réussite"), "{text}");
        assert!(contains(&text, "Délivré le 2 juillet 2026"), "{text}");
        assert!(
            contains(&text, "du 1er mars 2026 au 30 juin 2026"),
            "{text}"
        );
        assert!(contains(&text, "87,5 %"), "{text}");
        assert!(!contains(&text, "Certificate of Achievement"), "{text}");
    }

    #[test]
    fn typst_markup_in_names_is_printed_literally() {
        for name in [
            "#panic(\"boom\")",
            "]",
            "#import \"/etc/passwd\"",
            "*bold* _x_ $x^2$ <lbl> @ref",
            "#read(\"/etc/passwd\")",
        ] {
            let mut i = input(name, Language::En);
            i.course_title = format!("{name} course");
            i.signatures[0].name = name.to_owned();
            let pdf = render(&i).unwrap_or_else(|e| panic!("{name}: {e}"));
            let text = text_of(&pdf);
            assert!(contains(&text, name), "{name} missing from: {text}");
        }
    }

    #[test]
    fn no_grade_no_dates_two_signatures_and_images() {
        let png = {
            // A 1×1 PNG, built by hand (signature, IHDR, IDAT, IEND).
            let b64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
            decode_b64(b64)
        };
        assert_eq!(ImageFormat::sniff(&png), Some(ImageFormat::Png));
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>"#.to_vec();
        assert_eq!(ImageFormat::sniff(&svg), Some(ImageFormat::Svg));
        let mut i = input("Katherine Johnson", Language::En);
        i.grade_percent = None;
        i.run_starts = None;
        i.run_ends = None;
        i.branding.logo = Some(Image {
            bytes: svg,
            format: ImageFormat::Svg,
        });
        i.signatures = vec![
            Signature {
                name: "First Signer".to_owned(),
                title: "Dean".to_owned(),
                image: Some(Image {
                    bytes: png,
                    format: ImageFormat::Png,
                }),
            },
            Signature {
                name: "Second Signer".to_owned(),
                title: "Director".to_owned(),
                image: None,
            },
        ];
        let text = text_of(&render(&i).unwrap());
        assert!(contains(&text, "Second Signer"), "{text}");
        assert!(contains(&text, "First Signer"), "{text}");
        assert!(!contains(&text, "Final grade"), "{text}");
    }

    #[test]
    fn an_svg_cannot_read_files() {
        // An SVG logo referencing a local file: the world has no files, so nothing is read
        // (typst either fails the image or renders without it; either way no file content).
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image href="/etc/hostname" width="10" height="10"/></svg>"#.to_vec();
        let mut i = input("Someone", Language::En);
        i.branding.logo = Some(Image {
            bytes: svg,
            format: ImageFormat::Svg,
        });
        if let Ok(pdf) = render(&i) {
            let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
            if !host.trim().is_empty() {
                assert!(!contains(&text_of(&pdf), host.trim()));
            }
        }
    }

    #[test]
    fn long_text_stays_on_one_page() {
        let mut i = input(&"Maximilienne-Éléonore ".repeat(9), Language::Fr);
        i.course_title = "A very long course title that goes on and on ".repeat(6);
        i.run_title = "Session ".repeat(30);
        i.signatures.push(Signature {
            name: "Someone With A Long Name".repeat(3),
            title: "Title ".repeat(20),
            image: None,
        });
        let text = text_of(&render(&i).unwrap());
        assert!(contains(&text, "Maximilienne"), "{text}");
    }

    #[test]
    fn bad_input_is_refused() {
        let mut i = input("X", Language::En);
        i.branding.colour = "red\"); panic(".to_owned();
        assert!(matches!(render(&i), Err(RenderError::Invalid("colour"))));
        let mut i = input("X", Language::En);
        i.signatures = vec![i.signatures[0].clone(); 3];
        assert!(matches!(
            render(&i),
            Err(RenderError::Invalid("signatures"))
        ));
        let mut i = input("X", Language::En);
        i.branding.logo = Some(Image {
            bytes: b"not an image".to_vec(),
            format: ImageFormat::Png,
        });
        assert!(matches!(render(&i), Err(RenderError::Typst(_))));
    }

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
        assert_eq!(format_date(d, Language::En), "1 August 2026");
        assert_eq!(format_date(d, Language::Fr), "1er août 2026");
        assert_eq!(format_percent(80.0, Language::Fr), "80 %");
        assert_eq!(format_percent(66.666, Language::En), "66.7%");
        assert_eq!(Language::from_code("fr-CA"), Language::Fr);
        assert_eq!(Language::from_code("de"), Language::En);
        assert!(qr_svg("https://x.example/verify/ABC")
            .unwrap()
            .contains("<svg"));
    }

    fn decode_b64(s: &str) -> Vec<u8> {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let mut buf = 0u32;
        let mut bits = 0;
        for c in s.bytes().filter(|&c| c != b'=') {
            let v = A.iter().position(|&a| a == c).unwrap() as u32;
            buf = (buf << 6) | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buf >> bits) as u8);
                buf &= (1 << bits) - 1;
            }
        }
        out
    }
}
