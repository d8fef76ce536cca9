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
mod properties;
#[cfg(test)]
mod tests;
