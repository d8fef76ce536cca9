//! Automatic scoring: a learner's response to a question gives a fraction of its points, or
//! waits for a person (essays). Responses come from browsers, so any shape is possible: a
//! response that does not fit the question, or names parts the question does not have, is
//! refused with `answer_invalid` — never a panic, never a fraction outside [0, 1].

use super::question::{
    normalize_text, Blank, ChoiceOption, CreditRule, Matching, MultipleChoice, Numeric,
    NumericAnswer, OptionId, OrderCredit, Ordering, Question, QuestionKind, SingleChoice,
    TextAnswer, TextMatch, UnitRule,
};
use crate::codes;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A learner's pairing of one left item with one right-hand choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MatchAnswer {
    /// The pair whose left item is answered.
    pub left: OptionId,
    /// The right-hand choice picked: a pair's id (its right text) or a distractor's id.
    pub right: OptionId,
}

/// A learner's response. Serialised with a `type` tag matching the question's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// The option picked, if any.
    SingleChoice {
        /// Id of the chosen option.
        chosen: Option<OptionId>,
    },
    /// The options picked.
    MultipleChoice {
        /// Ids of the chosen options (each at most once).
        chosen: Vec<OptionId>,
    },
    /// True, false, or no answer.
    TrueFalse {
        /// The answer.
        answer: Option<bool>,
    },
    /// A number and the unit typed with it.
    Numeric {
        /// The number, if one was given.
        value: Option<f64>,
        /// The unit as typed (may be empty).
        #[serde(default)]
        unit: String,
    },
    /// A typed text.
    ShortText {
        /// The text.
        text: String,
    },
    /// Pairings (left items not answered are simply absent).
    Matching {
        /// Each left item at most once.
        pairs: Vec<MatchAnswer>,
    },
    /// The items in the order the learner put them.
    Ordering {
        /// Item ids, each at most once; a shorter list leaves the last positions empty.
        order: Vec<OptionId>,
    },
    /// The text of each blank, in placeholder order.
    FillBlanks {
        /// `blanks[0]` answers `[[1]]`; missing entries are empty.
        blanks: Vec<String>,
    },
    /// An essay.
    Essay {
        /// The text.
        text: String,
    },
}

impl Response {
    /// The response of a learner who answered nothing.
    pub fn empty_for(q: &Question) -> Self {
        match &q.kind {
            QuestionKind::SingleChoice(_) => Response::SingleChoice { chosen: None },
            QuestionKind::MultipleChoice(_) => Response::MultipleChoice { chosen: Vec::new() },
            QuestionKind::TrueFalse(_) => Response::TrueFalse { answer: None },
            QuestionKind::Numeric(_) => Response::Numeric {
                value: None,
                unit: String::new(),
            },
            QuestionKind::ShortText(_) => Response::ShortText {
                text: String::new(),
            },
            QuestionKind::Matching(_) => Response::Matching { pairs: Vec::new() },
            QuestionKind::Ordering(_) => Response::Ordering { order: Vec::new() },
            QuestionKind::FillBlanks(_) => Response::FillBlanks { blanks: Vec::new() },
            QuestionKind::Essay(_) => Response::Essay {
                text: String::new(),
            },
        }
    }
}

/// The outcome of scoring one response.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Scored {
    /// Scored automatically.
    Graded {
        /// Share of the points earned, in [0, 1].
        fraction: f64,
        /// Points earned: `fraction` × the question's points.
        points: f64,
    },
    /// A person must grade it.
    NeedsGrading,
}

/// Longest typed answer (short text, one blank) that is scored; longer ones are refused.
pub const MAX_ANSWER_CHARS: usize = 10_000;

fn too_long(s: &str) -> bool {
    s.len() > MAX_ANSWER_CHARS && s.chars().count() > MAX_ANSWER_CHARS
}

fn invalid() -> Error {
    Error::BadRequest(codes::ANSWER_INVALID)
}

/// A finite fraction in [0, 1] (anything else becomes 0).
fn clamp01(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Scores a response against a question.
///
/// Errors with `BadRequest("answer_invalid")` when the response is of another type than the
/// question, names an option, pair or item the question does not have, names one twice, has
/// more blanks than the question, or types more than [`MAX_ANSWER_CHARS`] in one answer.
pub fn score(q: &Question, r: &Response) -> Result<Scored> {
    let fraction = match (&q.kind, r) {
        (QuestionKind::Essay(_), Response::Essay { .. }) => return Ok(Scored::NeedsGrading),
        (QuestionKind::SingleChoice(s), Response::SingleChoice { chosen }) => single(s, *chosen)?,
        (QuestionKind::MultipleChoice(m), Response::MultipleChoice { chosen }) => {
            multiple(m, chosen)?
        }
        (QuestionKind::TrueFalse(t), Response::TrueFalse { answer }) => match answer {
            Some(a) if *a == t.correct => 1.0,
            _ => 0.0,
        },
        (QuestionKind::Numeric(n), Response::Numeric { value, unit }) => numeric(n, *value, unit),
        (QuestionKind::ShortText(s), Response::ShortText { text }) => {
            if too_long(text) {
                return Err(invalid());
            }
            best_text(&s.answers, text)
        }
        (QuestionKind::Matching(m), Response::Matching { pairs }) => matching(m, pairs)?,
        (QuestionKind::Ordering(o), Response::Ordering { order }) => ordering(o, order)?,
        (QuestionKind::FillBlanks(f), Response::FillBlanks { blanks }) => {
            fill_blanks(&f.blanks, blanks)?
        }
        _ => return Err(invalid()),
    };
    let fraction = clamp01(fraction);
    let points = fraction * q.points;
    Ok(Scored::Graded {
        fraction,
        points: if points.is_finite() { points } else { 0.0 },
    })
}

fn find_option(options: &[ChoiceOption], id: OptionId) -> Result<&ChoiceOption> {
    options.iter().find(|o| o.id == id).ok_or_else(invalid)
}

fn single(q: &SingleChoice, chosen: Option<OptionId>) -> Result<f64> {
    match chosen {
        None => Ok(0.0),
        Some(id) => Ok(find_option(&q.options, id)?.credit),
    }
}

fn multiple(q: &MultipleChoice, chosen: &[OptionId]) -> Result<f64> {
    let mut seen = HashSet::new();
    let mut picked = Vec::with_capacity(chosen.len());
    for &id in chosen {
        if !seen.insert(id) {
            return Err(invalid());
        }
        picked.push(find_option(&q.options, id)?);
    }
    let correct = q.options.iter().filter(|o| o.is_correct()).count();
    if correct == 0 {
        return Ok(0.0);
    }
    let right = picked.iter().filter(|o| o.is_correct()).count();
    let wrong = picked.len() - right;
    Ok(match q.credit_rule {
        CreditRule::AllOrNothing => {
            if right == correct && wrong == 0 {
                1.0
            } else {
                0.0
            }
        }
        CreditRule::Proportional => (right as f64 - wrong as f64).max(0.0) / correct as f64,
        CreditRule::Weighted => {
            // Positive weights add up to 1 (± rounding, as Moodle's 33.333 %): divide by their
            // sum so choosing exactly the right options gives exactly 1.
            let total: f64 = q
                .options
                .iter()
                .filter(|o| o.is_correct())
                .map(|o| o.credit)
                .sum();
            let got: f64 = picked.iter().map(|o| o.credit).sum();
            if total > 0.0 {
                got / total
            } else {
                0.0
            }
        }
    })
}

/// Whether a typed unit fits an answer's unit under the question's rule.
fn unit_fits(answer: Option<&str>, given: &str, rule: UnitRule) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let given = squeeze(given);
    match answer {
        None => true,
        Some(_) if given.is_empty() => rule == UnitRule::Optional,
        Some(u) => squeeze(u) == given,
    }
}

/// Whether `value` (with `unit`) matches one numeric answer.
pub fn numeric_matches(a: &NumericAnswer, value: f64, unit: &str, rule: UnitRule) -> bool {
    // A hair of relative slack so that 0.1 + 0.2 is within 0 of 0.3.
    let slack = 1e-9 * a.value.abs().max(1.0);
    value.is_finite()
        && (value - a.value).abs() <= a.tolerance + slack
        && unit_fits(a.unit.as_deref(), unit, rule)
}

fn numeric(q: &Numeric, value: Option<f64>, unit: &str) -> f64 {
    let Some(v) = value else {
        return 0.0;
    };
    q.answers
        .iter()
        .filter(|a| numeric_matches(a, v, unit, q.units))
        .map(|a| clamp01(a.credit))
        .fold(0.0, f64::max)
}

/// Glob match with `*` for any run of characters, over already lower-cased texts.
fn glob(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == '*')
}

/// Whether a typed text matches an accepted answer (both normalised: trimmed, inner
/// whitespace collapsed). An empty text matches nothing.
pub fn text_matches(a: &TextAnswer, given: &str) -> bool {
    let given = normalize_text(given);
    if given.is_empty() {
        return false;
    }
    let expected = normalize_text(&a.text);
    match a.mode {
        TextMatch::Exact => expected == given,
        TextMatch::CaseInsensitive => expected.to_lowercase() == given.to_lowercase(),
        TextMatch::Pattern => {
            let p: Vec<char> = expected.to_lowercase().chars().collect();
            let t: Vec<char> = given.to_lowercase().chars().collect();
            glob(&p, &t)
        }
    }
}

/// The best credit among the answers a typed text matches (0 if none).
fn best_text(answers: &[TextAnswer], given: &str) -> f64 {
    answers
        .iter()
        .filter(|a| text_matches(a, given))
        .map(|a| clamp01(a.credit))
        .fold(0.0, f64::max)
}

/// The answer a typed text matched, with the best credit (for its feedback).
pub fn matched_text_answer<'a>(answers: &'a [TextAnswer], given: &str) -> Option<&'a TextAnswer> {
    answers
        .iter()
        .filter(|a| text_matches(a, given))
        .fold(None, |best: Option<&TextAnswer>, a| match best {
            Some(b) if b.credit >= a.credit => Some(b),
            _ => Some(a),
        })
}

fn matching(q: &Matching, answers: &[MatchAnswer]) -> Result<f64> {
    let mut seen = HashSet::new();
    let mut right = 0usize;
    for a in answers {
        if !seen.insert(a.left) {
            return Err(invalid());
        }
        let pair = q
            .pairs
            .iter()
            .find(|p| p.id == a.left)
            .ok_or_else(invalid)?;
        let chosen = match q.pairs.iter().find(|p| p.id == a.right) {
            Some(p) => &p.right,
            None => {
                &q.distractors
                    .iter()
                    .find(|d| d.id == a.right)
                    .ok_or_else(invalid)?
                    .text
            }
        };
        if normalize_text(chosen) == normalize_text(&pair.right) {
            right += 1;
        }
    }
    if q.pairs.is_empty() {
        return Ok(0.0);
    }
    Ok(right as f64 / q.pairs.len() as f64)
}

fn ordering(q: &Ordering, order: &[OptionId]) -> Result<f64> {
    let mut seen = HashSet::new();
    for id in order {
        if !seen.insert(*id) || !q.items.iter().any(|i| i.id == *id) {
            return Err(invalid());
        }
    }
    if q.items.is_empty() {
        return Ok(0.0);
    }
    let in_place = q
        .items
        .iter()
        .zip(order)
        .filter(|(item, id)| item.id == **id)
        .count();
    Ok(match q.credit_rule {
        OrderCredit::Positional => in_place as f64 / q.items.len() as f64,
        OrderCredit::AllOrNothing => {
            if in_place == q.items.len() {
                1.0
            } else {
                0.0
            }
        }
    })
}

fn fill_blanks(blanks: &[Blank], given: &[String]) -> Result<f64> {
    if given.len() > blanks.len() || given.iter().any(|g| too_long(g)) {
        return Err(invalid());
    }
    if blanks.is_empty() {
        return Ok(0.0);
    }
    let total: f64 = blanks
        .iter()
        .zip(given)
        .map(|(b, g)| {
            let typed = normalize_text(g).to_lowercase();
            if b.dropdown
                && !typed.is_empty()
                && !b
                    .answers
                    .iter()
                    .any(|a| normalize_text(&a.text).to_lowercase() == typed)
            {
                // A drop-down offers only its answers' texts: anything else was forged.
                return Err(invalid());
            }
            Ok(best_text(&b.answers, g))
        })
        .sum::<Result<f64>>()?;
    Ok(total / blanks.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::super::question::*;
    use super::*;
    use proptest::prelude::*;

    fn opt(id: u32, credit: f64) -> ChoiceOption {
        ChoiceOption {
            id: OptionId(id),
            text: format!("option {id}"),
            credit,
            feedback: String::new(),
        }
    }

    fn question(kind: QuestionKind) -> Question {
        Question {
            id: QuestionId::new(),
            title: "T".into(),
            prompt: "Fill [[1]] and [[2]]".into(),
            points: 4.0,
            general_feedback: String::new(),
            kind,
        }
    }

    fn multi(rule: CreditRule, credits: &[f64]) -> Question {
        question(QuestionKind::MultipleChoice(MultipleChoice {
            options: credits
                .iter()
                .enumerate()
                .map(|(i, &c)| opt(i as u32 + 1, c))
                .collect(),
            credit_rule: rule,
            shuffle: true,
        }))
    }

    fn frac(q: &Question, r: &Response) -> f64 {
        match score(q, r).unwrap() {
            Scored::Graded { fraction, .. } => fraction,
            Scored::NeedsGrading => panic!("needs grading"),
        }
    }

    fn chose(ids: &[u32]) -> Response {
        Response::MultipleChoice {
            chosen: ids.iter().map(|&i| OptionId(i)).collect(),
        }
    }

    fn ta(text: &str, mode: TextMatch, credit: f64) -> TextAnswer {
        TextAnswer {
            text: text.into(),
            mode,
            credit,
            feedback: String::new(),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    // Options 1, 2, 3 are right; 4 and 5 are wrong.
    const FIVE: [f64; 5] = [1.0, 1.0, 1.0, 0.0, 0.0];

    #[test]
    fn all_or_nothing_worked_examples() {
        let q = multi(CreditRule::AllOrNothing, &FIVE);
        assert_eq!(frac(&q, &chose(&[1, 2, 3])), 1.0);
        assert_eq!(frac(&q, &chose(&[3, 1, 2])), 1.0);
        assert_eq!(frac(&q, &chose(&[1, 2])), 0.0, "one right option missing");
        assert_eq!(
            frac(&q, &chose(&[1, 2, 3, 4])),
            0.0,
            "one wrong option too many"
        );
        assert_eq!(frac(&q, &chose(&[])), 0.0);
        assert_eq!(
            frac(&q, &chose(&[1, 2, 3, 4, 5])),
            0.0,
            "ticking everything"
        );
    }

    #[test]
    fn proportional_worked_examples() {
        let q = multi(CreditRule::Proportional, &FIVE);
        assert!(close(frac(&q, &chose(&[1, 2, 3])), 1.0));
        assert!(close(frac(&q, &chose(&[1, 2])), 2.0 / 3.0), "2 right of 3");
        assert!(
            close(frac(&q, &chose(&[1, 2, 4])), 1.0 / 3.0),
            "(2 - 1) / 3"
        );
        assert!(close(frac(&q, &chose(&[1, 4])), 0.0), "(1 - 1) / 3");
        assert!(
            close(frac(&q, &chose(&[4, 5])), 0.0),
            "floored at 0, not -2/3"
        );
        assert!(
            close(frac(&q, &chose(&[1, 2, 3, 4, 5])), 1.0 / 3.0),
            "(3 - 2) / 3"
        );
        let Scored::Graded { points, .. } = score(&q, &chose(&[1, 2])).unwrap() else {
            panic!()
        };
        assert!(close(points, 4.0 * 2.0 / 3.0));
    }

    #[test]
    fn weighted_worked_examples() {
        // Moodle: two right answers at 50 % each, two wrong at -50 % and -100 %.
        let q = multi(CreditRule::Weighted, &[0.5, 0.5, -0.5, -1.0]);
        assert!(close(frac(&q, &chose(&[1, 2])), 1.0));
        assert!(close(frac(&q, &chose(&[1])), 0.5));
        assert!(close(frac(&q, &chose(&[1, 2, 3])), 0.5), "0.5 + 0.5 - 0.5");
        assert!(close(frac(&q, &chose(&[1, 3])), 0.0), "0.5 - 0.5");
        assert!(
            close(frac(&q, &chose(&[2, 4])), 0.0),
            "0.5 - 1, clamped to 0"
        );
        assert!(
            close(frac(&q, &chose(&[1, 2, 3, 4])), 0.0),
            "ticking everything"
        );
        // Thirds as Moodle writes them: exactly 1 for the full answer.
        let q = multi(CreditRule::Weighted, &[0.33333, 0.33333, 0.33333, -1.0]);
        assert_eq!(frac(&q, &chose(&[1, 2, 3])), 1.0);
        assert!(close(frac(&q, &chose(&[1, 2])), 2.0 / 3.0));
    }

    #[test]
    fn single_choice_partial_credit() {
        let q = question(QuestionKind::SingleChoice(SingleChoice {
            options: vec![opt(1, 1.0), opt(2, 0.5), opt(3, 0.0)],
            shuffle: false,
        }));
        let pick = |i| Response::SingleChoice {
            chosen: Some(OptionId(i)),
        };
        assert_eq!(frac(&q, &pick(1)), 1.0);
        assert_eq!(frac(&q, &pick(2)), 0.5);
        assert_eq!(frac(&q, &pick(3)), 0.0);
        assert_eq!(frac(&q, &Response::SingleChoice { chosen: None }), 0.0);
        assert!(matches!(
            score(&q, &pick(9)),
            Err(Error::BadRequest("answer_invalid"))
        ));
    }

    #[test]
    fn tampered_or_mismatched_responses_are_refused() {
        let q = multi(CreditRule::Proportional, &FIVE);
        for r in [
            chose(&[1, 1]),
            chose(&[6]),
            Response::TrueFalse { answer: Some(true) },
            Response::Essay { text: "x".into() },
        ] {
            assert!(matches!(
                score(&q, &r),
                Err(Error::BadRequest("answer_invalid"))
            ));
        }
        let essay = question(QuestionKind::Essay(Essay {}));
        assert_eq!(
            score(&essay, &Response::Essay { text: "hi".into() }).unwrap(),
            Scored::NeedsGrading
        );
        assert!(score(&essay, &chose(&[])).is_err());
        let st = question(QuestionKind::ShortText(ShortText {
            answers: vec![ta("a*", TextMatch::Pattern, 1.0)],
        }));
        let long = "a".repeat(MAX_ANSWER_CHARS + 1);
        assert!(score(&st, &Response::ShortText { text: long }).is_err());
    }

    #[test]
    fn true_false() {
        let q = question(QuestionKind::TrueFalse(TrueFalse {
            correct: false,
            feedback_true: String::new(),
            feedback_false: String::new(),
        }));
        assert_eq!(
            frac(
                &q,
                &Response::TrueFalse {
                    answer: Some(false)
                }
            ),
            1.0
        );
        assert_eq!(frac(&q, &Response::TrueFalse { answer: Some(true) }), 0.0);
        assert_eq!(frac(&q, &Response::TrueFalse { answer: None }), 0.0);
    }

    fn num_q(units: UnitRule) -> Question {
        question(QuestionKind::Numeric(Numeric {
            answers: vec![
                NumericAnswer {
                    value: 9.81,
                    tolerance: 0.05,
                    unit: Some("m/s²".into()),
                    credit: 1.0,
                    feedback: String::new(),
                },
                NumericAnswer {
                    value: 10.0,
                    tolerance: 0.0,
                    unit: Some("m/s²".into()),
                    credit: 0.5,
                    feedback: "rounded".into(),
                },
            ],
            units,
        }))
    }

    fn num(v: f64, unit: &str) -> Response {
        Response::Numeric {
            value: Some(v),
            unit: unit.into(),
        }
    }

    #[test]
    fn numeric_tolerance_units_and_credit() {
        let q = num_q(UnitRule::Optional);
        assert_eq!(frac(&q, &num(9.81, "m/s²")), 1.0);
        assert_eq!(
            frac(&q, &num(9.85, "m / s²")),
            1.0,
            "spaces in units do not matter"
        );
        assert_eq!(frac(&q, &num(9.76, "")), 1.0, "unit optional");
        assert_eq!(frac(&q, &num(9.87, "m/s²")), 0.0);
        assert_eq!(frac(&q, &num(10.0, "m/s²")), 0.5);
        assert_eq!(frac(&q, &num(9.81, "km/h")), 0.0, "wrong unit");
        assert_eq!(frac(&q, &num(f64::NAN, "")), 0.0);
        let q = num_q(UnitRule::Required);
        assert_eq!(frac(&q, &num(9.81, "")), 0.0, "unit required");
        assert_eq!(frac(&q, &num(9.81, "m/s²")), 1.0);
        // Floating-point sums land on the answer.
        let exact = question(QuestionKind::Numeric(Numeric {
            answers: vec![NumericAnswer {
                value: 0.3,
                tolerance: 0.0,
                unit: None,
                credit: 1.0,
                feedback: String::new(),
            }],
            units: UnitRule::Optional,
        }));
        assert_eq!(frac(&exact, &num(0.1 + 0.2, "anything")), 1.0);
    }

    #[test]
    fn short_text_modes() {
        let q = question(QuestionKind::ShortText(ShortText {
            answers: vec![
                ta("Paris", TextMatch::Exact, 1.0),
                ta("city of light", TextMatch::CaseInsensitive, 0.5),
                ta("par*s", TextMatch::Pattern, 0.25),
                ta("lyon", TextMatch::CaseInsensitive, 0.0),
            ],
        }));
        let t = |s: &str| Response::ShortText { text: s.into() };
        assert_eq!(frac(&q, &t("  Paris ")), 1.0);
        assert_eq!(
            frac(&q, &t("paris")),
            0.25,
            "exact is case-sensitive; pattern is not"
        );
        assert_eq!(frac(&q, &t("City   of\tLight")), 0.5);
        assert_eq!(frac(&q, &t("PARISx")), 0.0);
        assert_eq!(frac(&q, &t("Parrrs")), 0.25);
        assert_eq!(frac(&q, &t("Lyon")), 0.0);
        assert_eq!(frac(&q, &t("   ")), 0.0);
        let m = matched_text_answer(
            match &q.kind {
                QuestionKind::ShortText(s) => &s.answers,
                _ => unreachable!(),
            },
            "Paris",
        );
        assert_eq!(m.map(|a| a.credit), Some(1.0));
    }

    #[test]
    fn glob_patterns() {
        let g = |p: &str, t: &str| {
            glob(
                &p.chars().collect::<Vec<_>>(),
                &t.chars().collect::<Vec<_>>(),
            )
        };
        assert!(g("a*c", "abbbc"));
        assert!(g("a*c", "ac"));
        assert!(g("*", ""));
        assert!(g("*b*", "abc"));
        assert!(!g("a*c", "abcd"));
        assert!(g("a*c*", "abcd"));
        assert!(!g("abc", "ab"));
        assert!(g("**a**", "xa"));
        assert!(g("a*b*c", "aXbXbXc"));
    }

    fn matching_q() -> Question {
        let pair = |id, l: &str, r: &str| MatchPair {
            id: OptionId(id),
            left: l.into(),
            right: r.into(),
        };
        question(QuestionKind::Matching(Matching {
            pairs: vec![
                pair(1, "cat", "mammal"),
                pair(2, "dog", "mammal"),
                pair(3, "trout", "fish"),
                pair(4, "eagle", "bird"),
            ],
            distractors: vec![Distractor {
                id: OptionId(5),
                text: "reptile".into(),
            }],
        }))
    }

    fn pairs(p: &[(u32, u32)]) -> Response {
        Response::Matching {
            pairs: p
                .iter()
                .map(|&(l, r)| MatchAnswer {
                    left: OptionId(l),
                    right: OptionId(r),
                })
                .collect(),
        }
    }

    #[test]
    fn matching_share_of_pairs() {
        let q = matching_q();
        assert_eq!(frac(&q, &pairs(&[(1, 1), (2, 2), (3, 3), (4, 4)])), 1.0);
        assert_eq!(
            frac(&q, &pairs(&[(1, 2), (2, 1), (3, 3), (4, 4)])),
            1.0,
            "both mammals are 'mammal'"
        );
        assert_eq!(frac(&q, &pairs(&[(1, 1), (3, 5)])), 0.25);
        assert_eq!(frac(&q, &pairs(&[(3, 4), (4, 3)])), 0.0);
        assert!(score(&q, &pairs(&[(1, 1), (1, 2)])).is_err(), "left twice");
        assert!(
            score(&q, &pairs(&[(5, 1)])).is_err(),
            "distractor is not a left"
        );
        assert!(score(&q, &pairs(&[(1, 9)])).is_err(), "unknown right");
    }

    fn ordering_q(rule: OrderCredit) -> Question {
        question(QuestionKind::Ordering(Ordering {
            items: (1..=4)
                .map(|i| OrderItem {
                    id: OptionId(i),
                    text: format!("step {i}"),
                })
                .collect(),
            credit_rule: rule,
        }))
    }

    fn order(ids: &[u32]) -> Response {
        Response::Ordering {
            order: ids.iter().map(|&i| OptionId(i)).collect(),
        }
    }

    #[test]
    fn ordering_rules() {
        let q = ordering_q(OrderCredit::Positional);
        assert_eq!(frac(&q, &order(&[1, 2, 3, 4])), 1.0);
        assert_eq!(frac(&q, &order(&[1, 2, 4, 3])), 0.5);
        assert_eq!(frac(&q, &order(&[2, 1, 3, 4])), 0.5);
        assert_eq!(frac(&q, &order(&[4, 3, 2, 1])), 0.0);
        assert_eq!(frac(&q, &order(&[1])), 0.25, "partial list");
        assert!(score(&q, &order(&[1, 1, 2, 3])).is_err());
        assert!(score(&q, &order(&[1, 2, 3, 4, 5])).is_err());
        let q = ordering_q(OrderCredit::AllOrNothing);
        assert_eq!(frac(&q, &order(&[1, 2, 3, 4])), 1.0);
        assert_eq!(frac(&q, &order(&[1, 2, 4, 3])), 0.0);
    }

    fn blanks_q() -> Question {
        question(QuestionKind::FillBlanks(FillBlanks {
            blanks: vec![
                Blank {
                    answers: vec![
                        ta("red", TextMatch::CaseInsensitive, 1.0),
                        ta("crimson", TextMatch::CaseInsensitive, 0.5),
                    ],
                    dropdown: false,
                },
                Blank {
                    answers: vec![
                        ta("blue", TextMatch::Exact, 1.0),
                        ta("green", TextMatch::Exact, 0.0),
                    ],
                    dropdown: true,
                },
            ],
        }))
    }

    fn blanks(b: &[&str]) -> Response {
        Response::FillBlanks {
            blanks: b.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn fill_blanks_share() {
        let q = blanks_q();
        assert!(q.validate().is_ok());
        assert_eq!(frac(&q, &blanks(&["Red", "blue"])), 1.0);
        assert_eq!(frac(&q, &blanks(&["red", "green"])), 0.5);
        assert_eq!(frac(&q, &blanks(&["crimson", "blue"])), 0.75);
        assert_eq!(frac(&q, &blanks(&["red"])), 0.5);
        assert_eq!(frac(&q, &blanks(&["red", ""])), 0.5);
        assert!(
            score(&q, &blanks(&["red", "purple"])).is_err(),
            "not in the drop-down"
        );
        assert!(
            score(&q, &blanks(&["a", "b", "c"])).is_err(),
            "too many blanks"
        );
    }

    #[test]
    fn response_serde() {
        let r = pairs(&[(1, 2)]);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["type"], "matching");
        assert_eq!(v["pairs"][0]["right"], 2);
        let back: Response = serde_json::from_value(v).unwrap();
        assert_eq!(back, r);
        let s = serde_json::to_value(Scored::NeedsGrading).unwrap();
        assert_eq!(s["state"], "needs_grading");
    }

    // ---- Property tests ----

    /// Any valid question of any type (with its fully correct response).
    fn arb_question() -> impl Strategy<Value = (Question, Response)> {
        prop_oneof![
            arb_single(),
            arb_multi(),
            any::<bool>().prop_map(|c| (
                question(QuestionKind::TrueFalse(TrueFalse {
                    correct: c,
                    feedback_true: String::new(),
                    feedback_false: String::new()
                })),
                Response::TrueFalse { answer: Some(c) }
            )),
            arb_numeric(),
            arb_short(),
            arb_matching(),
            arb_ordering(),
            arb_blanks(),
        ]
    }

    fn arb_single() -> impl Strategy<Value = (Question, Response)> {
        (
            2usize..8,
            0usize..8,
            proptest::collection::vec(0.0f64..1.0, 8),
        )
            .prop_map(|(n, right, partial)| {
                let right = right % n;
                let options = (0..n)
                    .map(|i| {
                        opt(
                            i as u32 + 10,
                            if i == right { 1.0 } else { partial[i] * 0.99 },
                        )
                    })
                    .collect();
                (
                    question(QuestionKind::SingleChoice(SingleChoice {
                        options,
                        shuffle: true,
                    })),
                    Response::SingleChoice {
                        chosen: Some(OptionId(right as u32 + 10)),
                    },
                )
            })
    }

    fn arb_multi() -> impl Strategy<Value = (Question, Response)> {
        (
            proptest::collection::vec(any::<bool>(), 2..9),
            prop_oneof![
                Just(CreditRule::AllOrNothing),
                Just(CreditRule::Proportional),
                Just(CreditRule::Weighted)
            ],
            proptest::collection::vec(-1.0f64..=0.0, 9),
        )
            .prop_map(|(mut right, rule, neg)| {
                right[0] = true;
                let k = right.iter().filter(|r| **r).count() as f64;
                let options = right
                    .iter()
                    .enumerate()
                    .map(|(i, &r)| opt(i as u32 + 1, if r { 1.0 / k } else { neg[i] }))
                    .collect();
                let chosen = right
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| **r)
                    .map(|(i, _)| OptionId(i as u32 + 1))
                    .collect();
                (
                    question(QuestionKind::MultipleChoice(MultipleChoice {
                        options,
                        credit_rule: rule,
                        shuffle: true,
                    })),
                    Response::MultipleChoice { chosen },
                )
            })
    }

    fn arb_numeric() -> impl Strategy<Value = (Question, Response)> {
        (-1e6f64..1e6, 0.0f64..100.0, any::<bool>()).prop_map(|(v, tol, unit)| {
            (
                question(QuestionKind::Numeric(Numeric {
                    answers: vec![NumericAnswer {
                        value: v,
                        tolerance: tol,
                        unit: unit.then(|| "kg".to_owned()),
                        credit: 1.0,
                        feedback: String::new(),
                    }],
                    units: if unit {
                        UnitRule::Required
                    } else {
                        UnitRule::Optional
                    },
                })),
                Response::Numeric {
                    value: Some(v),
                    unit: if unit { "kg".into() } else { String::new() },
                },
            )
        })
    }

    fn arb_short() -> impl Strategy<Value = (Question, Response)> {
        ("[a-zA-Z][a-zA-Z ]{0,12}", 0usize..3).prop_map(|(text, mode)| {
            let mode = [
                TextMatch::Exact,
                TextMatch::CaseInsensitive,
                TextMatch::Pattern,
            ][mode];
            (
                question(QuestionKind::ShortText(ShortText {
                    answers: vec![ta(&text, mode, 1.0)],
                })),
                Response::ShortText { text },
            )
        })
    }

    fn arb_matching() -> impl Strategy<Value = (Question, Response)> {
        (2usize..7, 0usize..3).prop_map(|(n, d)| {
            let q = question(QuestionKind::Matching(Matching {
                pairs: (0..n)
                    .map(|i| MatchPair {
                        id: OptionId(i as u32 + 1),
                        left: format!("left {i}"),
                        right: format!("right {}", i % 3),
                    })
                    .collect(),
                distractors: (0..d)
                    .map(|i| Distractor {
                        id: OptionId(100 + i as u32),
                        text: format!("nope {i}"),
                    })
                    .collect(),
            }));
            let r = Response::Matching {
                pairs: (0..n)
                    .map(|i| MatchAnswer {
                        left: OptionId(i as u32 + 1),
                        right: OptionId(i as u32 + 1),
                    })
                    .collect(),
            };
            (q, r)
        })
    }

    fn arb_ordering() -> impl Strategy<Value = (Question, Response)> {
        (2usize..8, any::<bool>()).prop_map(|(n, all)| {
            let q = question(QuestionKind::Ordering(Ordering {
                items: (0..n)
                    .map(|i| OrderItem {
                        id: OptionId(i as u32 * 7 + 3),
                        text: format!("item {i}"),
                    })
                    .collect(),
                credit_rule: if all {
                    OrderCredit::AllOrNothing
                } else {
                    OrderCredit::Positional
                },
            }));
            let r = Response::Ordering {
                order: (0..n).map(|i| OptionId(i as u32 * 7 + 3)).collect(),
            };
            (q, r)
        })
    }

    fn arb_blanks() -> impl Strategy<Value = (Question, Response)> {
        (1usize..5, any::<bool>()).prop_map(|(n, dropdown)| {
            let mut q = question(QuestionKind::FillBlanks(FillBlanks {
                blanks: (0..n)
                    .map(|i| Blank {
                        answers: vec![
                            ta(&format!("w{i}"), TextMatch::CaseInsensitive, 1.0),
                            ta(&format!("x{i}"), TextMatch::Exact, 0.0),
                        ],
                        dropdown,
                    })
                    .collect(),
            }));
            q.prompt = (1..=n).map(|i| format!("[[{i}]] ")).collect();
            let r = Response::FillBlanks {
                blanks: (0..n).map(|i| format!("W{i}")).collect(),
            };
            (q, r)
        })
    }

    /// Ids a response might name: every part id of the question plus some that do not exist.
    fn part_ids(q: &Question) -> Vec<OptionId> {
        let mut ids: Vec<OptionId> = match &q.kind {
            QuestionKind::SingleChoice(s) => s.options.iter().map(|o| o.id).collect(),
            QuestionKind::MultipleChoice(m) => m.options.iter().map(|o| o.id).collect(),
            QuestionKind::Matching(m) => m
                .pairs
                .iter()
                .map(|p| p.id)
                .chain(m.distractors.iter().map(|d| d.id))
                .collect(),
            QuestionKind::Ordering(o) => o.items.iter().map(|i| i.id).collect(),
            _ => Vec::new(),
        };
        ids.sort();
        ids
    }

    /// A random response of the question's own shape, using only ids the question has (the
    /// garbage a confused learner can produce in the UI).
    fn garbage_for(q: &Question, picks: &[usize], texts: &[String], num: f64) -> Response {
        let ids = part_ids(q);
        let pick = |i: usize| ids[picks[i % picks.len()] % ids.len()];
        let distinct = |n: usize| {
            let mut seen = Vec::new();
            for i in 0..n {
                let id = pick(i);
                if !seen.contains(&id) {
                    seen.push(id);
                }
            }
            seen
        };
        match &q.kind {
            QuestionKind::SingleChoice(_) => Response::SingleChoice {
                chosen: (!picks[0].is_multiple_of(3)).then(|| pick(0)),
            },
            QuestionKind::MultipleChoice(_) => Response::MultipleChoice {
                chosen: distinct(picks.len()),
            },
            QuestionKind::TrueFalse(_) => Response::TrueFalse {
                answer: [None, Some(true), Some(false)][picks[0] % 3],
            },
            QuestionKind::Numeric(_) => Response::Numeric {
                value: Some(num),
                unit: texts[0].clone(),
            },
            QuestionKind::ShortText(_) => Response::ShortText {
                text: texts[0].clone(),
            },
            QuestionKind::Matching(m) => {
                let lefts: Vec<OptionId> = m.pairs.iter().map(|p| p.id).collect();
                Response::Matching {
                    pairs: lefts
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !picks[i % picks.len()].is_multiple_of(4))
                        .map(|(i, &l)| MatchAnswer {
                            left: l,
                            right: pick(i + 1),
                        })
                        .collect(),
                }
            }
            QuestionKind::Ordering(o) => Response::Ordering {
                order: distinct(picks.len())
                    .into_iter()
                    .take(o.items.len())
                    .collect(),
            },
            QuestionKind::FillBlanks(f) => Response::FillBlanks {
                blanks: f
                    .blanks
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        if b.dropdown {
                            b.answers[picks[i % picks.len()] % b.answers.len()]
                                .text
                                .clone()
                        } else {
                            texts[i % texts.len()].clone()
                        }
                    })
                    .collect(),
            },
            QuestionKind::Essay(_) => Response::Essay {
                text: texts[0].clone(),
            },
        }
    }

    fn graded(s: Scored) -> f64 {
        match s {
            Scored::Graded { fraction, points } => {
                assert!(points.is_finite());
                fraction
            }
            Scored::NeedsGrading => -1.0,
        }
    }

    /// The question with its options (pairs, distractors) listed in display order: the same
    /// ids, another order.
    fn reordered(q: &Question, seed: u64) -> Question {
        let order = q.display_order(seed);
        let pos = |id: &OptionId| order.iter().position(|x| x == id).unwrap_or(usize::MAX);
        let mut q = q.clone();
        match &mut q.kind {
            QuestionKind::SingleChoice(s) => s.options.sort_by_key(|o| pos(&o.id)),
            QuestionKind::MultipleChoice(m) => m.options.sort_by_key(|o| pos(&o.id)),
            QuestionKind::Matching(m) => {
                m.pairs.sort_by_key(|p| pos(&p.id));
                m.distractors.sort_by_key(|d| pos(&d.id));
            }
            _ => {}
        }
        q
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn generated_questions_are_valid((q, _) in arb_question()) {
            prop_assert!(q.validate().is_ok(), "{:?}", q.validate());
        }

        #[test]
        fn fully_correct_scores_one((q, right) in arb_question()) {
            let f = graded(score(&q, &right).unwrap());
            prop_assert!((f - 1.0).abs() < 1e-12, "{f}");
        }

        #[test]
        fn empty_scores_zero((q, _) in arb_question()) {
            prop_assert_eq!(graded(score(&q, &Response::empty_for(&q)).unwrap()), 0.0);
        }

        #[test]
        fn garbage_of_the_right_shape_scores_within_bounds(
            (q, _) in arb_question(),
            picks in proptest::collection::vec(any::<usize>(), 1..12),
            texts in proptest::collection::vec(".{0,12}", 1..5),
            num in any::<f64>(),
        ) {
            let r = garbage_for(&q, &picks, &texts, num);
            let f = graded(score(&q, &r).unwrap());
            prop_assert!(f.is_finite() && (0.0..=1.0).contains(&f), "{f}");
        }

        #[test]
        fn forged_ids_never_panic(
            (q, _) in arb_question(),
            ids in proptest::collection::vec(0u32..120, 0..12),
            texts in proptest::collection::vec(".{0,6}", 0..8),
        ) {
            let ids: Vec<OptionId> = ids.into_iter().map(OptionId).collect();
            let candidates = [
                Response::SingleChoice { chosen: ids.first().copied() },
                Response::MultipleChoice { chosen: ids.clone() },
                Response::Ordering { order: ids.clone() },
                Response::Matching {
                    pairs: ids.chunks(2).filter(|c| c.len() == 2)
                        .map(|c| MatchAnswer { left: c[0], right: c[1] }).collect(),
                },
                Response::FillBlanks { blanks: texts.clone() },
                Response::ShortText { text: texts.concat() },
                Response::Essay { text: String::new() },
            ];
            for r in &candidates {
                match score(&q, r) {
                    Ok(s) => {
                        let f = graded(s);
                        prop_assert!(f == -1.0 || (0.0..=1.0).contains(&f));
                    }
                    Err(e) => prop_assert!(matches!(e, Error::BadRequest("answer_invalid"))),
                }
            }
        }

        #[test]
        fn display_order_does_not_change_the_score(
            (q, _) in arb_question(),
            seed in any::<u64>(),
            picks in proptest::collection::vec(any::<usize>(), 1..12),
            texts in proptest::collection::vec("[a-z]{0,4}", 1..4),
        ) {
            let r = garbage_for(&q, &picks, &texts, 1.0);
            let shown = reordered(&q, seed);
            prop_assert_eq!(score(&q, &r).unwrap(), score(&shown, &r).unwrap());
            // The display order is a permutation of the question's own parts.
            let mut order = q.display_order(seed);
            order.sort();
            prop_assert_eq!(order, part_ids(&q));
        }

        #[test]
        fn numeric_within_tolerance_scores_outside_does_not(
            v in -1e6f64..1e6,
            tol in 0.0f64..50.0,
            t in -1.0f64..=1.0,
            beyond in 1e-3f64..1e3,
            sign in any::<bool>(),
        ) {
            let q = question(QuestionKind::Numeric(Numeric {
                answers: vec![NumericAnswer {
                    value: v, tolerance: tol, unit: None, credit: 1.0, feedback: String::new(),
                }],
                units: UnitRule::Optional,
            }));
            let inside = v + t * tol * 0.999_999;
            prop_assert_eq!(frac(&q, &num(inside, "")), 1.0);
            let d = tol + beyond;
            let outside = if sign { v + d } else { v - d };
            prop_assert_eq!(frac(&q, &num(outside, "")), 0.0);
        }

        #[test]
        fn proportional_equals_symmetric_weights(
            right in proptest::collection::vec(any::<bool>(), 2..9),
            chosen in proptest::collection::vec(any::<bool>(), 9),
        ) {
            // Proportional equals Moodle weights of +1/k for right and -1/k for wrong options.
            let mut right = right;
            right[0] = true;
            let k = right.iter().filter(|r| **r).count() as f64;
            let ids: Vec<u32> = (0..right.len()).filter(|&i| chosen[i]).map(|i| i as u32 + 1).collect();
            let flags: Vec<f64> = right.iter().map(|&r| if r { 1.0 } else { 0.0 }).collect();
            let weights: Vec<f64> = right.iter().map(|&r| if r { 1.0 / k } else { -1.0 / k }).collect();
            let p = frac(&multi(CreditRule::Proportional, &flags), &chose(&ids));
            let w = frac(&multi(CreditRule::Weighted, &weights), &chose(&ids));
            prop_assert!((p - w).abs() < 1e-9, "{p} vs {w}");
        }
    }
}
