//! Writes a sample certificate: `cargo run -p amphi-cert --example sample -- out.pdf [fr]`.

use amphi_cert::{render, Branding, CertificateInput, Language, Signature};
use chrono::NaiveDate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "certificate.pdf".into());
    let language = Language::from_code(&args.next().unwrap_or_default());
    let input = CertificateInput {
        learner_name: "Ada Lovelace".into(),
        course_title: "Introduction to Data Science".into(),
        run_title: "Autumn 2026".into(),
        run_starts: NaiveDate::from_ymd_opt(2026, 9, 1),
        run_ends: NaiveDate::from_ymd_opt(2026, 12, 15),
        issued_on: NaiveDate::from_ymd_opt(2026, 12, 18).ok_or("date")?,
        grade_percent: Some(91.25),
        language,
        branding: Branding {
            name: "Université Exemple".into(),
            colour: "#1d4ed8".into(),
            logo: None,
        },
        signatures: vec![
            Signature {
                name: "Grace Hopper".into(),
                title: "Dean".into(),
                image: None,
            },
            Signature {
                name: "Alan Turing".into(),
                title: "Course lead".into(),
                image: None,
            },
        ],
        verify_url: "https://learn.example.com/verify/ABCD-EFGH-JKMN".into(),
        code: "ABCD-EFGH-JKMN".into(),
    };
    let started = std::time::Instant::now();
    let pdf = render(&input)?;
    eprintln!("rendered in {:?}", started.elapsed());
    std::fs::write(&out, pdf)?;
    Ok(())
}
