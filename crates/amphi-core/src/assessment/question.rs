//! Questions as authored: the model shared by the editor, the API, imports and scoring, and the
//! rules a question must satisfy before learners see it.

use crate::codes;
use crate::error::{Fields, Result};
use crate::str_enum::str_enum;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

/// Most points one question may be worth.
pub const MAX_POINTS: f64 = 1000.0;

/// Most options, answers, pairs, items or blanks one question may have.
pub const MAX_PARTS: usize = 200;

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 255;

/// Longest prompt, feedback or option text, in characters.
pub const MAX_TEXT_CHARS: usize = 50_000;

/// Identifies a question (UUIDv7: time-ordered, not guessable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(pub Uuid);

impl QuestionId {
    /// A fresh time-ordered id.
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl Default for QuestionId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for QuestionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Uuid> for QuestionId {
    fn from(u: Uuid) -> Self {
        Self(u)
    }
}

/// Identifies an option, a matching pair or distractor, or an ordering item within ONE question.
/// Stable while the question is edited (new parts take the next free number), so saved
/// responses keep pointing at the same parts whatever order they are displayed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OptionId(pub u32);

impl std::fmt::Display for OptionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A question as authored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable id.
    pub id: QuestionId,
    /// Short name shown in the question bank.
    pub title: String,
    /// What the learner reads (Markdown). Fill-in-the-blanks questions carry their blanks here
    /// as `[[1]]`, `[[2]]`, …
    pub prompt: String,
    /// What a fully correct response is worth (> 0, at most [`MAX_POINTS`]).
    pub points: f64,
    /// Feedback shown to everyone after answering (Markdown), whatever the response.
    #[serde(default)]
    pub general_feedback: String,
    /// The type of question and what is specific to it.
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// The type of a question and its answers. Serialised with a `type` tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One option to pick; exactly one is fully correct.
    SingleChoice(SingleChoice),
    /// Any number of options to pick, scored by a partial-credit rule.
    MultipleChoice(MultipleChoice),
    /// True or false.
    TrueFalse(TrueFalse),
    /// A number, within a tolerance, with or without a unit.
    Numeric(Numeric),
    /// A short typed answer compared with accepted answers.
    ShortText(ShortText),
    /// Left-hand items to match with right-hand choices.
    Matching(Matching),
    /// Items to put in order.
    Ordering(Ordering),
    /// Blanks in the prompt to fill.
    FillBlanks(FillBlanks),
    /// A free text graded by a person.
    Essay(Essay),
}

str_enum!(
    /// The type of a question without its content: the serde tag of [`QuestionKind`], stored
    /// in `questions.kind`.
    QuestionType {
        /// [`QuestionKind::SingleChoice`].
        SingleChoice = "single_choice",
        /// [`QuestionKind::MultipleChoice`].
        MultipleChoice = "multiple_choice",
        /// [`QuestionKind::TrueFalse`].
        TrueFalse = "true_false",
        /// [`QuestionKind::Numeric`].
        Numeric = "numeric",
        /// [`QuestionKind::ShortText`].
        ShortText = "short_text",
        /// [`QuestionKind::Matching`].
        Matching = "matching",
        /// [`QuestionKind::Ordering`].
        Ordering = "ordering",
        /// [`QuestionKind::FillBlanks`].
        FillBlanks = "fill_blanks",
        /// [`QuestionKind::Essay`].
        Essay = "essay",
    }
);

impl QuestionKind {
    /// The type of the question.
    pub fn question_type(&self) -> QuestionType {
        match self {
            QuestionKind::SingleChoice(_) => QuestionType::SingleChoice,
            QuestionKind::MultipleChoice(_) => QuestionType::MultipleChoice,
            QuestionKind::TrueFalse(_) => QuestionType::TrueFalse,
            QuestionKind::Numeric(_) => QuestionType::Numeric,
            QuestionKind::ShortText(_) => QuestionType::ShortText,
            QuestionKind::Matching(_) => QuestionType::Matching,
            QuestionKind::Ordering(_) => QuestionType::Ordering,
            QuestionKind::FillBlanks(_) => QuestionType::FillBlanks,
            QuestionKind::Essay(_) => QuestionType::Essay,
        }
    }

    /// Stable name of the type (the serde tag).
    pub fn type_name(&self) -> &'static str {
        self.question_type().as_str()
    }
}

fn yes() -> bool {
    true
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// Stable id within the question.
    pub id: OptionId,
    /// Text shown (Markdown).
    pub text: String,
    /// Credit for choosing it, as a fraction of the points. Single choice: 1 for the correct
    /// option, 0 (or a partial credit below 1) for the others. Multiple choice: the option is
    /// correct when its credit is positive; with [`CreditRule::Weighted`] the credit is the
    /// Moodle weight (between -1 and 1, positive weights adding up to 1).
    pub credit: f64,
    /// Feedback shown when this option was chosen.
    #[serde(default)]
    pub feedback: String,
}

impl ChoiceOption {
    /// Whether choosing this option is right.
    pub fn is_correct(&self) -> bool {
        self.credit > 0.0
    }
}

/// A question with one option to pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SingleChoice {
    /// The options, in authored order.
    pub options: Vec<ChoiceOption>,
    /// Whether each learner sees the options in their own order.
    #[serde(default = "yes")]
    pub shuffle: bool,
}

/// How a multiple-choice question gives partial credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditRule {
    /// 1 when exactly the correct options are chosen, else 0.
    AllOrNothing,
    /// (correct options chosen − wrong options chosen) / correct options, floored at 0.
    Proportional,
    /// The sum of the chosen options' weights (Moodle), clamped to [0, 1].
    Weighted,
}

/// A question with any number of options to pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultipleChoice {
    /// The options, in authored order.
    pub options: Vec<ChoiceOption>,
    /// The partial-credit rule.
    pub credit_rule: CreditRule,
    /// Whether each learner sees the options in their own order.
    #[serde(default = "yes")]
    pub shuffle: bool,
}

/// A true-or-false question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrueFalse {
    /// The right answer.
    pub correct: bool,
    /// Feedback for a learner who answered "true".
    #[serde(default)]
    pub feedback_true: String,
    /// Feedback for a learner who answered "false".
    #[serde(default)]
    pub feedback_false: String,
}

/// Whether a numeric answer must carry its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitRule {
    /// The unit may be left out; if given, it must be the answer's unit.
    Optional,
    /// The unit must be given and be the answer's unit.
    Required,
}

/// One accepted numeric answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericAnswer {
    /// The expected value.
    pub value: f64,
    /// Accepted absolute error (>= 0).
    pub tolerance: f64,
    /// The unit (`cm`, `m/s`), compared without spaces and case-sensitively (`mm` ≠ `Mm`).
    #[serde(default)]
    pub unit: Option<String>,
    /// Credit for this answer, as a fraction of the points (0 to 1).
    pub credit: f64,
    /// Feedback shown when this answer matched.
    #[serde(default)]
    pub feedback: String,
}

/// A question answered with a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Numeric {
    /// Accepted answers; the best-credited one that matches counts.
    pub answers: Vec<NumericAnswer>,
    /// Whether units must be given.
    pub units: UnitRule,
}

/// How a typed answer is compared with an accepted one. Both sides are trimmed and their
/// inner whitespace collapsed to single spaces first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextMatch {
    /// Same text, same case.
    Exact,
    /// Same text, case ignored.
    CaseInsensitive,
    /// `*` stands for any run of characters (possibly empty); case ignored.
    Pattern,
}

/// One accepted text answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextAnswer {
    /// The accepted text or pattern.
    pub text: String,
    /// How it is compared.
    pub mode: TextMatch,
    /// Credit for this answer, as a fraction of the points (0 to 1); 0 is for answers that only
    /// carry feedback (a known misconception) or the wrong choices of a drop-down blank.
    pub credit: f64,
    /// Feedback shown when this answer matched.
    #[serde(default)]
    pub feedback: String,
}

/// A question answered with a short text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortText {
    /// Accepted answers; the best-credited one that matches counts.
    pub answers: Vec<TextAnswer>,
}

/// One pair of a matching question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchPair {
    /// Stable id within the question: names the left item, and the right choice carrying
    /// this pair's right text.
    pub id: OptionId,
    /// The item to match (shown in authored order).
    pub left: String,
    /// Its match (offered, shuffled, among all right-hand choices).
    pub right: String,
}

/// A wrong right-hand choice of a matching question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distractor {
    /// Stable id within the question (distinct from the pairs' ids).
    pub id: OptionId,
    /// Text offered.
    pub text: String,
}

/// A matching question. Scored as the share of left items given their right match; a right
/// choice counts when its text is the expected one (two pairs may share a right text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matching {
    /// The pairs.
    pub pairs: Vec<MatchPair>,
    /// Extra wrong right-hand choices.
    #[serde(default)]
    pub distractors: Vec<Distractor>,
}

/// One item of an ordering question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderItem {
    /// Stable id within the question.
    pub id: OptionId,
    /// Text shown.
    pub text: String,
}

/// How an ordering question is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderCredit {
    /// The share of items in their right position.
    Positional,
    /// 1 for the whole order right, else 0.
    AllOrNothing,
}

/// Items to put in order; `items` holds them in the right order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ordering {
    /// The items, in the right order.
    pub items: Vec<OrderItem>,
    /// Scoring rule.
    pub credit_rule: OrderCredit,
}

/// One blank of a fill-in-the-blanks question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blank {
    /// Accepted answers (and, with credit 0, known wrong ones).
    pub answers: Vec<TextAnswer>,
    /// Whether the learner picks from the answers' texts (a drop-down) instead of typing.
    #[serde(default)]
    pub dropdown: bool,
}

/// Blanks in the prompt, written `[[1]]`, `[[2]]`, …; `blanks[0]` is `[[1]]`. Scored as the
/// share of blanks right (each blank counting the credit of its best matching answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillBlanks {
    /// The blanks, in placeholder order.
    pub blanks: Vec<Blank>,
}

/// A free text graded by a person; never scored automatically.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Essay {}

/// The placeholder numbers found in a fill-in-the-blanks prompt (`[[3]]` gives 3), in order
/// of appearance. `[[0]]` and numbers with more than four digits are not placeholders.
pub fn blank_placeholders(prompt: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut rest = prompt;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let digits: &str = after
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap_or("");
        if !digits.is_empty()
            && digits.len() <= 4
            && !digits.starts_with('0')
            && after[digits.len()..].starts_with("]]")
        {
            if let Ok(n) = digits.parse::<usize>() {
                out.push(n);
            }
            rest = &after[digits.len() + 2..];
        } else {
            rest = &rest[start + 1..];
        }
    }
    out
}

/// The text of placeholder `n` (`[[n]]`).
pub fn blank_placeholder(n: usize) -> String {
    format!("[[{n}]]")
}

fn is_fraction(x: f64) -> bool {
    x.is_finite() && (0.0..=1.0).contains(&x)
}

fn is_full(x: f64) -> bool {
    (x - 1.0).abs() < 1e-9
}

fn check_text(f: &mut Fields, field: &str, text: &str) {
    if text.trim().is_empty() {
        f.push(field, codes::REQUIRED);
    } else if text.chars().count() > MAX_TEXT_CHARS {
        f.push(field, codes::TOO_LONG);
    }
}

fn check_count(f: &mut Fields, field: &str, n: usize, min: usize) -> bool {
    if n < min {
        f.push(field, codes::TOO_FEW);
        false
    } else if n > MAX_PARTS {
        f.push(field, codes::TOO_MANY);
        false
    } else {
        true
    }
}

fn check_ids(f: &mut Fields, field: &str, ids: impl IntoIterator<Item = OptionId>) {
    let mut seen = HashSet::new();
    if !ids.into_iter().all(|id| seen.insert(id)) {
        f.push(field, codes::IDS_DUPLICATE);
    }
}

fn check_text_answers(f: &mut Fields, field: &str, answers: &[TextAnswer], min: usize) {
    if !check_count(f, field, answers.len(), min) {
        return;
    }
    for (i, a) in answers.iter().enumerate() {
        check_text(f, &format!("{field}.{i}.text"), &a.text);
        if !is_fraction(a.credit) {
            f.push(&format!("{field}.{i}.credit"), codes::OUT_OF_RANGE);
        }
        if a.mode == TextMatch::Pattern
            && a.text.chars().all(|c| c == '*' || c.is_whitespace())
            && a.credit > 0.0
        {
            // A pattern matching anything must not give credit.
            f.push(&format!("{field}.{i}.text"), "pattern_matches_anything");
        }
    }
    if !answers.iter().any(|a| is_full(a.credit)) {
        f.push(field, codes::CORRECT_ANSWER_REQUIRED);
    }
}

impl Question {
    /// Checks the question as authored, reporting every bad field at once.
    pub fn validate(&self) -> Result<()> {
        let mut f = Fields::new();
        let title = self.title.trim();
        if title.is_empty() {
            f.push("title", codes::REQUIRED);
        } else if title.chars().count() > MAX_TITLE_CHARS {
            f.push("title", codes::TOO_LONG);
        } else if title.chars().any(char::is_control) {
            f.push("title", codes::INVALID_CHARACTERS);
        }
        check_text(&mut f, "prompt", &self.prompt);
        if !(self.points.is_finite() && self.points > 0.0 && self.points <= MAX_POINTS) {
            f.push("points", codes::OUT_OF_RANGE);
        }
        if self.general_feedback.chars().count() > MAX_TEXT_CHARS {
            f.push("general_feedback", codes::TOO_LONG);
        }
        match &self.kind {
            QuestionKind::SingleChoice(q) => {
                if check_count(&mut f, "options", q.options.len(), 2) {
                    check_ids(&mut f, "options", q.options.iter().map(|o| o.id));
                    for (i, o) in q.options.iter().enumerate() {
                        check_text(&mut f, &format!("options.{i}.text"), &o.text);
                        if !is_fraction(o.credit) {
                            f.push(&format!("options.{i}.credit"), codes::OUT_OF_RANGE);
                        }
                    }
                    match q.options.iter().filter(|o| is_full(o.credit)).count() {
                        0 => f.push("options", codes::CORRECT_ANSWER_REQUIRED),
                        1 => {}
                        _ => f.push("options", codes::CORRECT_ANSWER_NOT_UNIQUE),
                    }
                }
            }
            QuestionKind::MultipleChoice(q) => {
                if check_count(&mut f, "options", q.options.len(), 2) {
                    check_ids(&mut f, "options", q.options.iter().map(|o| o.id));
                    for (i, o) in q.options.iter().enumerate() {
                        check_text(&mut f, &format!("options.{i}.text"), &o.text);
                        if !(o.credit.is_finite() && (-1.0..=1.0).contains(&o.credit)) {
                            f.push(&format!("options.{i}.credit"), codes::OUT_OF_RANGE);
                        }
                    }
                    if !q.options.iter().any(ChoiceOption::is_correct) {
                        f.push("options", codes::CORRECT_ANSWER_REQUIRED);
                    } else if q.credit_rule == CreditRule::Weighted {
                        let sum: f64 = q
                            .options
                            .iter()
                            .filter(|o| o.is_correct())
                            .map(|o| o.credit)
                            .sum();
                        if (sum - 1.0).abs() > 0.01 {
                            f.push("options", codes::WEIGHTS_SUM_INVALID);
                        }
                    }
                }
            }
            QuestionKind::TrueFalse(_) | QuestionKind::Essay(_) => {}
            QuestionKind::Numeric(q) => {
                if check_count(&mut f, "answers", q.answers.len(), 1) {
                    for (i, a) in q.answers.iter().enumerate() {
                        if !a.value.is_finite() {
                            f.push(&format!("answers.{i}.value"), codes::OUT_OF_RANGE);
                        }
                        if !(a.tolerance.is_finite() && a.tolerance >= 0.0) {
                            f.push(&format!("answers.{i}.tolerance"), codes::OUT_OF_RANGE);
                        }
                        if !is_fraction(a.credit) {
                            f.push(&format!("answers.{i}.credit"), codes::OUT_OF_RANGE);
                        }
                        match &a.unit {
                            Some(u) if u.trim().is_empty() => {
                                f.push(&format!("answers.{i}.unit"), codes::REQUIRED)
                            }
                            Some(u) if u.chars().count() > 50 => {
                                f.push(&format!("answers.{i}.unit"), codes::TOO_LONG)
                            }
                            None if q.units == UnitRule::Required => {
                                f.push(&format!("answers.{i}.unit"), codes::REQUIRED)
                            }
                            _ => {}
                        }
                    }
                    if !q.answers.iter().any(|a| is_full(a.credit)) {
                        f.push("answers", codes::CORRECT_ANSWER_REQUIRED);
                    }
                }
            }
            QuestionKind::ShortText(q) => check_text_answers(&mut f, "answers", &q.answers, 1),
            QuestionKind::Matching(q) => {
                if check_count(&mut f, "pairs", q.pairs.len(), 2) {
                    check_ids(
                        &mut f,
                        "pairs",
                        q.pairs
                            .iter()
                            .map(|p| p.id)
                            .chain(q.distractors.iter().map(|d| d.id)),
                    );
                    let mut lefts = HashSet::new();
                    for (i, p) in q.pairs.iter().enumerate() {
                        check_text(&mut f, &format!("pairs.{i}.left"), &p.left);
                        check_text(&mut f, &format!("pairs.{i}.right"), &p.right);
                        if !lefts.insert(normalize_text(&p.left).to_lowercase()) {
                            f.push(&format!("pairs.{i}.left"), "duplicate");
                        }
                    }
                    if q.distractors.len() > MAX_PARTS {
                        f.push("distractors", codes::TOO_MANY);
                    }
                    for (i, d) in q.distractors.iter().enumerate() {
                        check_text(&mut f, &format!("distractors.{i}.text"), &d.text);
                    }
                }
            }
            QuestionKind::Ordering(q) => {
                if check_count(&mut f, "items", q.items.len(), 2) {
                    check_ids(&mut f, "items", q.items.iter().map(|o| o.id));
                    let mut texts = HashSet::new();
                    for (i, it) in q.items.iter().enumerate() {
                        check_text(&mut f, &format!("items.{i}.text"), &it.text);
                        if !texts.insert(normalize_text(&it.text)) {
                            f.push(&format!("items.{i}.text"), "duplicate");
                        }
                    }
                }
            }
            QuestionKind::FillBlanks(q) => {
                if check_count(&mut f, "blanks", q.blanks.len(), 1) {
                    let mut found = blank_placeholders(&self.prompt);
                    found.sort_unstable();
                    let expected: Vec<usize> = (1..=q.blanks.len()).collect();
                    if found != expected {
                        f.push("prompt", codes::BLANKS_MISMATCH);
                    }
                    for (i, b) in q.blanks.iter().enumerate() {
                        let field = format!("blanks.{i}.answers");
                        check_text_answers(
                            &mut f,
                            &field,
                            &b.answers,
                            if b.dropdown { 2 } else { 1 },
                        );
                    }
                }
            }
        }
        f.finish()
    }

    /// Ids of the parts a learner picks from, in the order this learner sees them: choice
    /// options (shuffled if the question says so), the right-hand choices of a matching
    /// question (pairs then distractors, always shuffled), the items of an ordering question
    /// (always shuffled, and never shown already in the right order). Empty for the other
    /// types. The same seed always gives the same order, so an attempt reloads unchanged.
    pub fn display_order(&self, seed: u64) -> Vec<OptionId> {
        match &self.kind {
            QuestionKind::SingleChoice(SingleChoice { options, shuffle })
            | QuestionKind::MultipleChoice(MultipleChoice {
                options, shuffle, ..
            }) => {
                let ids: Vec<OptionId> = options.iter().map(|o| o.id).collect();
                if *shuffle {
                    super::shuffled(&ids, seed)
                } else {
                    ids
                }
            }
            QuestionKind::Matching(q) => {
                let ids: Vec<OptionId> = q
                    .pairs
                    .iter()
                    .map(|p| p.id)
                    .chain(q.distractors.iter().map(|d| d.id))
                    .collect();
                super::shuffled(&ids, seed)
            }
            QuestionKind::Ordering(q) => {
                let ids: Vec<OptionId> = q.items.iter().map(|o| o.id).collect();
                let mut order = super::shuffled(&ids, seed);
                if order == ids && order.len() > 1 {
                    order.rotate_left(1);
                }
                order
            }
            QuestionKind::TrueFalse(_)
            | QuestionKind::Numeric(_)
            | QuestionKind::ShortText(_)
            | QuestionKind::FillBlanks(_)
            | QuestionKind::Essay(_) => Vec::new(),
        }
    }
}

/// Trims a text and collapses each run of inner whitespace to one space.
pub fn normalize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests;
