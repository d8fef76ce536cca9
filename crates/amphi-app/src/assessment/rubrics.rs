//! Rubrics as text: one criterion per line, `Title: level = points; level = points`, as the
//! settings forms of assignments and peer assessments show and read them.

use amphi_core::codes;
use amphi_core::peer::{Criterion, Level, Rubric};
use amphi_core::{Error, Result};

/// A rubric as typed in a form: one criterion per line, `Title: level = points; level = points`.
pub fn rubric_from_text(field: &str, raw: &str) -> Result<Option<Rubric>> {
    let mut criteria = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((title, levels)) = line.split_once(':') else {
            return Err(Error::field(field, codes::RUBRIC_FORMAT));
        };
        let mut out = Vec::new();
        for part in levels.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((label, points)) = part.rsplit_once('=') else {
                return Err(Error::field(field, codes::RUBRIC_FORMAT));
            };
            let points: f64 = points
                .trim()
                .replace(',', ".")
                .parse()
                .map_err(|_| Error::field(field, codes::RUBRIC_FORMAT))?;
            let label = label.trim();
            if label.is_empty() || label.chars().count() > 300 {
                return Err(Error::field(field, codes::RUBRIC_FORMAT));
            }
            out.push(Level {
                label: label.to_owned(),
                points,
            });
        }
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 300 {
            return Err(Error::field(field, codes::RUBRIC_FORMAT));
        }
        criteria.push(Criterion {
            title: title.to_owned(),
            levels: out,
        });
    }
    if criteria.is_empty() {
        return Ok(None);
    }
    if criteria.len() > 50 {
        return Err(Error::field(field, codes::TOO_LONG));
    }
    let r = Rubric { criteria };
    r.validate().map_err(|e| match e {
        Error::Validation(v) => Error::field(
            field,
            v.first().map_or(codes::RUBRIC_FORMAT, |f| f.code.as_str()),
        ),
        e => e,
    })?;
    Ok(Some(r))
}

/// The text form of a rubric (what [`rubric_from_text`] reads).
pub fn rubric_to_text(r: Option<&Rubric>) -> String {
    let Some(r) = r else {
        return String::new();
    };
    r.criteria
        .iter()
        .map(|c| {
            let levels: Vec<String> = c
                .levels
                .iter()
                .map(|l| format!("{} = {}", l.label, l.points))
                .collect();
            format!("{}: {}", c.title, levels.join("; "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<Option<Rubric>>) -> String {
        match r {
            Err(Error::Validation(v)) => v[0].code.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_rubric_reads_back_what_the_form_shows() {
        let raw = "Clarity: poor = 0; fair = 1,5; good = 3\nSources: none = 0; some = 2";
        let r = rubric_from_text("rubric", raw).unwrap().unwrap();
        assert_eq!(r.criteria.len(), 2);
        assert_eq!(r.criteria[0].levels[1].points, 1.5);
        assert_eq!(r.max_points(), 5.0);
        let again = rubric_from_text("rubric", &rubric_to_text(Some(&r))).unwrap();
        assert_eq!(again, Some(r));
    }

    #[test]
    fn an_empty_text_is_no_rubric() {
        assert_eq!(rubric_from_text("rubric", " \n\n").unwrap(), None);
        assert_eq!(rubric_to_text(None), "");
    }

    #[test]
    fn a_line_without_levels_or_points_is_refused() {
        assert_eq!(code(rubric_from_text("rubric", "Clarity")), "rubric_format");
        assert_eq!(
            code(rubric_from_text("rubric", "Clarity: good")),
            "rubric_format"
        );
        assert_eq!(
            code(rubric_from_text("rubric", "Clarity: good = x")),
            "rubric_format"
        );
        assert_eq!(
            code(rubric_from_text("rubric", ": good = 1")),
            "rubric_format"
        );
    }
}
