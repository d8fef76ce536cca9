//! Moodle GIFT (<https://docs.moodle.org/en/GIFT_format>): import into the amphi-core question
//! model, and export back for the types GIFT can express.
//!
//! # Import
//!
//! Questions are separated by blank lines. Lines whose first non-blank characters are `//` are
//! comments and are skipped (they do not separate questions). `$CATEGORY: a/b/c` sets the
//! category path of the questions that follow (`//` inside the path is a literal `/`). A
//! question is `::title::[format]text {answers} more text`; the title and the format tag
//! (`[moodle]`, `[html]`, `[plain]`, `[markdown]`) are optional. The escapes are `\~ \= \# \{
//! \} \: \\` and `\n` (a line break); any other backslash is an error, so a LaTeX `\frac` must
//! be written `\\frac`.
//!
//! | answers                          | becomes                                                |
//! |----------------------------------|--------------------------------------------------------|
//! | `{}` or `{####general}`          | essay                                                  |
//! | `{T}` `{TRUE}` `{F}` `{FALSE}`   | true/false; `{T#wrong#right}`: feedback for a wrong, then a right answer |
//! | `{=a ~b ~%50%c}`                 | single choice (one `=`; `~%w%` gives partial credit)   |
//! | `{~%50%a ~%50%b ~%-100%c}`       | multiple choice, Moodle weights (no `=`)               |
//! | `{=a =%50%b}`                    | short text, case-insensitive; `*` makes a pattern      |
//! | `{=x -> y =z -> w = -> extra}`   | matching; an empty left side is a distractor           |
//! | `{#3.14:0.01}` `{#1..5}`         | numeric, value:tolerance or min..max                   |
//! | `{# =1:0 =%50%2:0 ~3#why}`       | numeric with several answers                           |
//! | text `{=a ~b}` text              | missing word: fill-in-the-blanks with one blank (`[[1]]`), a drop-down when there are `~` choices |
//!
//! `#feedback` follows an answer; `####feedback` is the general feedback. Imported questions are
//! worth 1 point and shuffle their options (Moodle's defaults). `[html]` text with scripts,
//! frames, `on…=` handlers or `javascript:` links is refused.
//!
//! Any error refuses the whole file: [`parse`] returns every problem found, each with the line
//! where it is (or where its question starts).
//!
//! # Export
//!
//! [`export`] writes each question on a line of its own (line breaks in texts become `\n`),
//! with a `$CATEGORY:` line when the category changes. Ordering questions and fill-in-the-blanks
//! questions with several blanks have no GIFT form: they are written as a comment and counted
//! in [`GiftExport::skipped`]. Questions GIFT can only approximate (points other than 1, units,
//! all-or-nothing credit, exact-case answers, unshuffled options, …) are written as close as
//! GIFT allows and counted in [`GiftExport::approximated`].

use amphi_core::assessment::question::{
    normalize_text, Blank, ChoiceOption, CreditRule, Distractor, Essay, FillBlanks, MatchPair,
    Matching, MultipleChoice, Numeric, NumericAnswer, OptionId, Question, QuestionId, QuestionKind,
    ShortText, SingleChoice, TextAnswer, TextMatch, TrueFalse, UnitRule,
};
use amphi_core::Error;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Largest GIFT file accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;

/// Points given to imported questions (GIFT has no points).
pub const DEFAULT_POINTS: f64 = 1.0;

/// The text format named by a `[…]` tag at the start of a question's text. The text itself is
/// kept as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    /// `[moodle]`: Moodle's auto-format.
    Moodle,
    /// `[html]`.
    Html,
    /// `[plain]`.
    Plain,
    /// `[markdown]`.
    Markdown,
}

impl TextFormat {
    /// The tag's name, as written between brackets.
    pub fn tag(self) -> &'static str {
        match self {
            TextFormat::Moodle => "moodle",
            TextFormat::Html => "html",
            TextFormat::Plain => "plain",
            TextFormat::Markdown => "markdown",
        }
    }

    fn from_tag(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "moodle" => Some(TextFormat::Moodle),
            "html" => Some(TextFormat::Html),
            "plain" => Some(TextFormat::Plain),
            "markdown" => Some(TextFormat::Markdown),
            _ => None,
        }
    }
}

/// One imported (or exportable) question with where it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GiftItem {
    /// Category path from the last `$CATEGORY:` line (`["$course$", "top", "Maths"]`); empty
    /// when there was none.
    pub category: Vec<String>,
    /// The format tag of the question's text, if it had one.
    pub format: Option<TextFormat>,
    /// The question, valid by [`Question::validate`].
    pub question: Question,
}

/// One problem in a GIFT file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftError {
    /// 1-based line of the problem, or of the start of its question.
    pub line: usize,
    /// Stable code (`brace_unclosed`, `escape_unknown`, `numeric_invalid`, or a validation code
    /// such as `correct_answer_required`).
    pub message_code: String,
    /// For validation codes, the question field at fault (`options`, `answers.1.tolerance`).
    pub field: Option<String>,
    /// The line in question, trimmed and shortened.
    pub excerpt: String,
}

impl std::fmt::Display for GiftError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message_code)?;
        if let Some(field) = &self.field {
            write!(f, " ({field})")?;
        }
        write!(f, ": {}", self.excerpt)
    }
}

impl std::error::Error for GiftError {}

/// What [`export`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GiftExport {
    /// The GIFT text.
    pub text: String,
    /// Questions written.
    pub exported: usize,
    /// Questions left out (ordering, several blanks), each marked by a comment line.
    pub skipped: usize,
    /// Written questions that GIFT could only approximate.
    pub approximated: usize,
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

/// Parses a GIFT file. Either every question is valid and they are all returned, in file
/// order, or nothing is and every problem found is returned, sorted by line.
pub fn parse(src: &str) -> Result<Vec<GiftItem>, Vec<GiftError>> {
    if src.len() > MAX_SOURCE_BYTES {
        return Err(vec![GiftError {
            line: 1,
            message_code: "file_too_large".into(),
            field: None,
            excerpt: String::new(),
        }]);
    }
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let mut category: Vec<String> = Vec::new();
    let mut block = Block::default();
    let mut flush = |block: &mut Block, category: &[String]| {
        if !block.lines.is_empty() {
            match parse_block(block, category) {
                Ok(item) => items.push(item),
                Err(mut e) => errors.append(&mut e),
            }
        }
        *block = Block::default();
    };
    for (i, line) in src.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("//") {
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut block, &category);
        } else if let Some(path) = trimmed.strip_prefix("$CATEGORY:") {
            flush(&mut block, &category);
            category = parse_category(path);
        } else {
            block.push(i + 1, line);
        }
    }
    flush(&mut block, &category);
    if errors.is_empty() {
        Ok(items)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

fn parse_category(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c == '/' {
            if chars.peek() == Some(&'/') {
                chars.next();
                cur.push('/');
            } else {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The lines of one question, joined with `\n`, remembering each line's number.
#[derive(Default)]
struct Block {
    text: String,
    /// Byte offset in `text` where each line starts.
    starts: Vec<usize>,
    /// 1-based line number in the file of each line.
    lines: Vec<usize>,
}

impl Block {
    fn push(&mut self, line_no: usize, line: &str) {
        if !self.lines.is_empty() {
            self.text.push('\n');
        }
        self.starts.push(self.text.len());
        self.lines.push(line_no);
        self.text.push_str(line);
    }

    fn index_at(&self, off: usize) -> usize {
        self.starts.partition_point(|&s| s <= off).saturating_sub(1)
    }

    fn line_at(&self, off: usize) -> usize {
        self.lines.get(self.index_at(off)).copied().unwrap_or(1)
    }

    fn excerpt_at(&self, off: usize) -> String {
        let i = self.index_at(off);
        let from = self.starts.get(i).copied().unwrap_or(0);
        let to = self
            .starts
            .get(i + 1)
            .map_or(self.text.len(), |&s| s.saturating_sub(1));
        excerpt(self.text.get(from..to).unwrap_or(""))
    }
}

fn excerpt(s: &str) -> String {
    let t = s.trim();
    if t.chars().count() > 80 {
        let mut e: String = t.chars().take(79).collect();
        e.push('…');
        e
    } else {
        t.to_owned()
    }
}

/// One character of a question after escapes: `esc` marks a character that was escaped (and
/// so is never syntax); `off` is the byte offset of its source in the block.
#[derive(Debug, Clone, Copy)]
struct Ch {
    c: char,
    esc: bool,
    off: usize,
}

/// Whether `ch` is the unescaped character `c`.
fn is(ch: &Ch, c: char) -> bool {
    !ch.esc && ch.c == c
}

fn starts_with_ch(s: &[Ch], c: char) -> bool {
    s.first().is_some_and(|ch| is(ch, c))
}

fn find_ch(s: &[Ch], c: char) -> Option<usize> {
    s.iter().position(|ch| is(ch, c))
}

fn find_seq(s: &[Ch], pat: &[char]) -> Option<usize> {
    (0..s.len()).find(|&i| {
        pat.iter()
            .enumerate()
            .all(|(k, &p)| s.get(i + k).is_some_and(|ch| is(ch, p)))
    })
}

fn trim_start(s: &[Ch]) -> &[Ch] {
    let start = s
        .iter()
        .position(|c| !c.c.is_whitespace())
        .unwrap_or(s.len());
    s.get(start..).unwrap_or(&[])
}

fn trim_end(s: &[Ch]) -> &[Ch] {
    let end = s
        .iter()
        .rposition(|c| !c.c.is_whitespace())
        .map_or(0, |e| e + 1);
    s.get(..end).unwrap_or(&[])
}

fn trim(s: &[Ch]) -> &[Ch] {
    trim_end(trim_start(s))
}

fn text(s: &[Ch]) -> String {
    s.iter().map(|c| c.c).collect()
}

/// Splits answers at each unescaped `=` or `~`: (marker, body, offset of the marker).
fn split_items(a: &[Ch]) -> Vec<(char, &[Ch], usize)> {
    let mut out = Vec::new();
    let mut cur: Option<(char, usize, usize)> = None;
    for (i, ch) in a.iter().enumerate() {
        if !ch.esc && (ch.c == '=' || ch.c == '~') {
            if let Some((m, s, o)) = cur {
                out.push((m, a.get(s..i).unwrap_or(&[]), o));
            }
            cur = Some((ch.c, i + 1, ch.off));
        }
    }
    if let Some((m, s, o)) = cur {
        out.push((m, a.get(s..).unwrap_or(&[]), o));
    }
    out
}

/// A leading `[format]` tag, and the text after it.
fn strip_format(s: &[Ch]) -> (Option<TextFormat>, &[Ch]) {
    let s = trim_start(s);
    if !starts_with_ch(s, '[') {
        return (None, s);
    }
    let Some(k) = s.iter().take(12).position(|c| is(c, ']')) else {
        return (None, s);
    };
    match TextFormat::from_tag(&text(s.get(1..k).unwrap_or(&[]))) {
        Some(f) => (Some(f), s.get(k + 1..).unwrap_or(&[])),
        None => (None, s),
    }
}

/// One `=…` or `~…` answer.
struct Item {
    marker: char,
    weight: Option<f64>,
    text: String,
    feedback: String,
    off: usize,
}

impl Item {
    fn credit(&self) -> f64 {
        self.weight
            .unwrap_or(if self.marker == '=' { 1.0 } else { 0.0 })
    }
}

/// What the answer block says, before the missing-word rule is applied.
enum Parsed {
    Essay,
    TrueFalse(TrueFalse),
    Numeric(Vec<NumericAnswer>),
    Matching(Matching),
    Choice(Vec<Item>),
}

struct Parser<'b> {
    b: &'b Block,
    errors: Vec<GiftError>,
    saw_html: bool,
}

fn parse_block(b: &Block, category: &[String]) -> Result<GiftItem, Vec<GiftError>> {
    let mut p = Parser {
        b,
        errors: Vec::new(),
        saw_html: false,
    };
    let chars = p.lex();
    let item = p.question(&chars, category);
    match item {
        Some(item) if p.errors.is_empty() => Ok(item),
        _ => Err(p.errors),
    }
}

impl Parser<'_> {
    fn err_at(&mut self, off: usize, code: &str) {
        self.errors.push(GiftError {
            line: self.b.line_at(off),
            message_code: code.to_owned(),
            field: None,
            excerpt: self.b.excerpt_at(off),
        });
    }

    /// An error reported on the question's first line.
    fn err(&mut self, code: &str) {
        self.err_at(0, code);
    }

    fn lex(&mut self) -> Vec<Ch> {
        let mut out = Vec::with_capacity(self.b.text.len());
        let mut it = self.b.text.char_indices().peekable();
        while let Some((off, c)) = it.next() {
            if c != '\\' {
                out.push(Ch { c, esc: false, off });
                continue;
            }
            match it.peek().map(|&(_, n)| n) {
                Some(n @ ('~' | '=' | '#' | '{' | '}' | ':' | '\\')) => {
                    it.next();
                    out.push(Ch {
                        c: n,
                        esc: true,
                        off,
                    });
                }
                Some('n') => {
                    it.next();
                    out.push(Ch {
                        c: '\n',
                        esc: true,
                        off,
                    });
                }
                _ => {
                    self.err_at(off, "escape_unknown");
                    out.push(Ch {
                        c: '\\',
                        esc: true,
                        off,
                    });
                }
            }
        }
        out
    }

    /// Trimmed text of an answer or feedback, without a leading format tag.
    fn clean(&mut self, s: &[Ch]) -> String {
        let (format, s) = strip_format(s);
        if format == Some(TextFormat::Html) {
            self.saw_html = true;
        }
        text(trim(s))
    }

    fn question(&mut self, all: &[Ch], category: &[String]) -> Option<GiftItem> {
        let s = trim(all);
        // Title.
        let (title, rest) = if starts_with_ch(s, ':') && s.get(1).is_some_and(|c| is(c, ':')) {
            let after = s.get(2..).unwrap_or(&[]);
            match find_seq(after, &[':', ':']) {
                Some(j) => (
                    text(trim(after.get(..j).unwrap_or(&[]))),
                    after.get(j + 2..).unwrap_or(&[]),
                ),
                None => {
                    self.err("title_unclosed");
                    return None;
                }
            }
        } else {
            (String::new(), s)
        };

        // The answer block.
        let open = find_ch(rest, '{');
        let before_end = open.unwrap_or(rest.len());
        if let Some(k) = find_ch(rest.get(..before_end).unwrap_or(&[]), '}') {
            self.err_at(rest.get(k).map_or(0, |c| c.off), "brace_unexpected");
        }
        let Some(open) = open else {
            if trim(rest).is_empty() {
                self.err("question_empty");
            } else {
                self.err("answer_block_missing");
            }
            return None;
        };
        let open_off = rest.get(open).map_or(0, |c| c.off);
        let inside = rest.get(open + 1..).unwrap_or(&[]);
        let close = match (find_ch(inside, '}'), find_ch(inside, '{')) {
            (Some(c), None) => c,
            (Some(c), Some(n)) if c < n => c,
            _ => {
                self.err_at(open_off, "brace_unclosed");
                return None;
            }
        };
        let answers = inside.get(..close).unwrap_or(&[]);
        let tail = inside.get(close + 1..).unwrap_or(&[]);
        if let Some(k) = find_ch(tail, '{') {
            self.err_at(tail.get(k).map_or(0, |c| c.off), "answer_block_repeated");
        } else if let Some(k) = find_ch(tail, '}') {
            self.err_at(tail.get(k).map_or(0, |c| c.off), "brace_unexpected");
        }
        let (format, before) = strip_format(rest.get(..open).unwrap_or(&[]));
        let tail = trim_end(tail);
        let missing_word = !trim(tail).is_empty();

        // General feedback, then the answers proper.
        let (answers, general) = match find_seq(answers, &['#', '#', '#', '#']) {
            Some(k) => (
                answers.get(..k).unwrap_or(&[]),
                self.clean(answers.get(k + 4..).unwrap_or(&[])),
            ),
            None => (answers, String::new()),
        };
        let a = trim(answers);
        let parsed = if a.is_empty() {
            Some(Parsed::Essay)
        } else if starts_with_ch(a, '#') {
            self.numeric(a.get(1..).unwrap_or(&[])).map(Parsed::Numeric)
        } else if let Some(tf) = self.true_false(a) {
            Some(Parsed::TrueFalse(tf))
        } else if starts_with_ch(a, '=') || starts_with_ch(a, '~') {
            self.choice_or_matching(a)
        } else {
            self.err_at(
                a.first().map_or(open_off, |c| c.off),
                "answer_syntax_invalid",
            );
            None
        };

        let prompt = if missing_word {
            format!("{}[[1]]{}", text(before), text(tail))
                .trim()
                .to_owned()
        } else {
            text(trim(before))
        };
        if prompt.is_empty() {
            self.err("question_empty");
            return None;
        }
        if format == Some(TextFormat::Html) || self.saw_html {
            let chars: Vec<char> = all.iter().map(|c| c.c).collect();
            if let Some(i) = unsafe_html_at(&chars) {
                self.err_at(all.get(i).map_or(0, |c| c.off), "html_unsafe");
            }
        }
        let kind = match (parsed?, missing_word) {
            (Parsed::Choice(items), true) => blank(items),
            (Parsed::Choice(items), false) => choice(items),
            (_, true) => {
                self.err_at(
                    trim(tail).first().map_or(0, |c| c.off),
                    "missing_word_unsupported",
                );
                return None;
            }
            (Parsed::Essay, false) => QuestionKind::Essay(Essay {}),
            (Parsed::TrueFalse(t), false) => QuestionKind::TrueFalse(t),
            (Parsed::Numeric(answers), false) => QuestionKind::Numeric(Numeric {
                answers,
                units: UnitRule::Optional,
            }),
            (Parsed::Matching(m), false) => QuestionKind::Matching(m),
        };
        let title = if title.is_empty() {
            derive_title(&prompt)
        } else {
            title
        };
        let question = Question {
            id: QuestionId::new(),
            title,
            prompt,
            points: DEFAULT_POINTS,
            general_feedback: general,
            kind,
        };
        match question.validate() {
            Ok(()) => {}
            Err(Error::Validation(fields)) => {
                for f in fields {
                    self.errors.push(GiftError {
                        line: self.b.line_at(0),
                        message_code: f.code,
                        field: Some(f.field),
                        excerpt: self.b.excerpt_at(0),
                    });
                }
            }
            Err(other) => self.err(other.code()),
        }
        Some(GiftItem {
            category: category.to_vec(),
            format,
            question,
        })
    }

    /// `%50%` at the start of an answer: the weight as a fraction, and the rest.
    fn weight<'s>(&mut self, body: &'s [Ch]) -> Option<(Option<f64>, &'s [Ch])> {
        if !starts_with_ch(body, '%') {
            return Some((None, body));
        }
        let after = body.get(1..).unwrap_or(&[]);
        let Some(k) = find_ch(after, '%') else {
            return Some((None, body));
        };
        let inner = text(after.get(..k).unwrap_or(&[]));
        let t = inner.trim();
        let numeric_looking = !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | ',' | ' '));
        if !numeric_looking {
            // Moodle reads `%…%` that is not a number as text.
            return Some((None, body));
        }
        match t.parse::<f64>() {
            Ok(w) if w.is_finite() && (-100.0..=100.0).contains(&w) => {
                Some((Some(w / 100.0), after.get(k + 1..).unwrap_or(&[])))
            }
            _ => {
                self.err_at(body.first().map_or(0, |c| c.off), "weight_invalid");
                None
            }
        }
    }

    fn item(&mut self, marker: char, body: &[Ch], off: usize, feedback: bool) -> Option<Item> {
        let body = trim(body);
        let (weight, body) = self.weight(body)?;
        let (t, fb) = match find_ch(body, '#').filter(|_| feedback) {
            Some(k) => (
                body.get(..k).unwrap_or(&[]),
                body.get(k + 1..).unwrap_or(&[]),
            ),
            None => (body, &[][..]),
        };
        let text = self.clean(t);
        if text.is_empty() {
            self.err_at(off, "answer_empty");
            return None;
        }
        Some(Item {
            marker,
            weight,
            text,
            feedback: self.clean(fb),
            off,
        })
    }

    fn true_false(&mut self, a: &[Ch]) -> Option<TrueFalse> {
        let k = find_ch(a, '#').unwrap_or(a.len());
        let correct = match text(trim(a.get(..k).unwrap_or(&[])))
            .to_lowercase()
            .as_str()
        {
            "t" | "true" => true,
            "f" | "false" => false,
            _ => return None,
        };
        let rest = a.get(k + 1..).unwrap_or(&[]);
        let (wrong, right) = match find_ch(rest, '#') {
            Some(j) => (
                rest.get(..j).unwrap_or(&[]),
                rest.get(j + 1..).unwrap_or(&[]),
            ),
            None => (rest, &[][..]),
        };
        let (wrong, right) = (self.clean(wrong), self.clean(right));
        Some(if correct {
            TrueFalse {
                correct,
                feedback_true: right,
                feedback_false: wrong,
            }
        } else {
            TrueFalse {
                correct,
                feedback_true: wrong,
                feedback_false: right,
            }
        })
    }

    /// `=a ~b` answers, or `=x -> y` pairs when every answer is `=` and has an arrow.
    fn choice_or_matching(&mut self, a: &[Ch]) -> Option<Parsed> {
        let raw = split_items(a);
        let arrows = raw
            .iter()
            .filter(|(_, body, _)| find_seq(body, &['-', '>']).is_some())
            .count();
        let any_wrong = raw.iter().any(|(m, _, _)| *m == '~');
        if arrows > 0 && !any_wrong {
            if arrows < raw.len() {
                let off = raw
                    .iter()
                    .find(|(_, body, _)| find_seq(body, &['-', '>']).is_none())
                    .map_or(0, |(_, _, o)| *o);
                self.err_at(off, "matching_syntax_invalid");
                return None;
            }
            return self.matching(&raw).map(Parsed::Matching);
        }
        let mut items = Vec::with_capacity(raw.len());
        let mut ok = true;
        for (marker, body, off) in raw {
            match self.item(marker, body, off, true) {
                Some(i) => items.push(i),
                None => ok = false,
            }
        }
        ok.then_some(Parsed::Choice(items))
    }

    fn matching(&mut self, raw: &[(char, &[Ch], usize)]) -> Option<Matching> {
        let mut pairs = Vec::new();
        let mut extra = Vec::new();
        let mut ok = true;
        for &(_, body, off) in raw {
            let k = find_seq(body, &['-', '>']).unwrap_or(body.len());
            let left = self.clean(body.get(..k).unwrap_or(&[]));
            let right = self.clean(body.get(k + 2..).unwrap_or(&[]));
            if right.is_empty() {
                self.err_at(off, "answer_empty");
                ok = false;
            } else if left.is_empty() {
                extra.push(right);
            } else {
                pairs.push((left, right));
            }
        }
        if !ok {
            return None;
        }
        let n = pairs.len();
        Some(Matching {
            pairs: pairs
                .into_iter()
                .enumerate()
                .map(|(i, (left, right))| MatchPair {
                    id: option_id(i),
                    left,
                    right,
                })
                .collect(),
            distractors: extra
                .into_iter()
                .enumerate()
                .map(|(i, text)| Distractor {
                    id: option_id(n + i),
                    text,
                })
                .collect(),
        })
    }

    fn numeric(&mut self, a: &[Ch]) -> Option<Vec<NumericAnswer>> {
        let a = trim(a);
        let first_off = a.first().map_or(0, |c| c.off);
        let raw: Vec<(char, &[Ch], usize)> = if starts_with_ch(a, '=') || starts_with_ch(a, '~') {
            split_items(a)
        } else if a.is_empty() {
            self.err("numeric_invalid");
            return None;
        } else {
            vec![('=', a, first_off)]
        };
        let mut out = Vec::with_capacity(raw.len());
        let mut ok = true;
        for (marker, body, off) in raw {
            let Some(item) = self.item(marker, body, off, true) else {
                ok = false;
                continue;
            };
            match number_spec(&item.text) {
                Some((value, tolerance)) => out.push(NumericAnswer {
                    value,
                    tolerance,
                    unit: None,
                    credit: item.credit(),
                    feedback: item.feedback,
                }),
                None => {
                    self.err_at(item.off, "numeric_invalid");
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }
}

fn option_id(i: usize) -> OptionId {
    OptionId(u32::try_from(i + 1).unwrap_or(u32::MAX))
}

/// `3.14`, `3.14:0.01` or `1..5` as (value, tolerance).
fn number_spec(s: &str) -> Option<(f64, f64)> {
    let num = |x: &str| x.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    let s = s.trim();
    let (value, tolerance) = if let Some((lo, hi)) = s.split_once("..") {
        let (lo, hi) = (num(lo)?, num(hi)?);
        if lo > hi {
            return None;
        }
        (lo / 2.0 + hi / 2.0, hi / 2.0 - lo / 2.0)
    } else if let Some((v, t)) = s.split_once(':') {
        (num(v)?, num(t)?)
    } else {
        (num(s)?, 0.0)
    };
    (value.is_finite() && tolerance.is_finite() && tolerance >= 0.0).then_some((value, tolerance))
}

fn text_mode(text: &str) -> TextMatch {
    if text.contains('*') {
        TextMatch::Pattern
    } else {
        TextMatch::CaseInsensitive
    }
}

/// `=a ~b ~c`: single choice with one `=`, Moodle-weighted multiple choice without; only `=`:
/// short text.
fn choice(items: Vec<Item>) -> QuestionKind {
    let has_wrong = items.iter().any(|i| i.marker == '~');
    let has_right = items.iter().any(|i| i.marker == '=');
    if !has_wrong {
        return QuestionKind::ShortText(ShortText {
            answers: items
                .into_iter()
                .map(|it| TextAnswer {
                    mode: text_mode(&it.text),
                    credit: it.credit(),
                    text: it.text,
                    feedback: it.feedback,
                })
                .collect(),
        });
    }
    let options: Vec<ChoiceOption> = items
        .into_iter()
        .enumerate()
        .map(|(i, it)| ChoiceOption {
            id: option_id(i),
            credit: it.credit(),
            text: it.text,
            feedback: it.feedback,
        })
        .collect();
    if has_right {
        QuestionKind::SingleChoice(SingleChoice {
            options,
            shuffle: true,
        })
    } else {
        QuestionKind::MultipleChoice(MultipleChoice {
            options,
            credit_rule: CreditRule::Weighted,
            shuffle: true,
        })
    }
}

/// Missing word: one blank, a drop-down when there are `~` choices.
fn blank(items: Vec<Item>) -> QuestionKind {
    let dropdown = items.iter().any(|i| i.marker == '~');
    let answers = items
        .into_iter()
        .map(|it| TextAnswer {
            mode: if dropdown {
                TextMatch::Exact
            } else {
                text_mode(&it.text)
            },
            credit: it.credit(),
            text: it.text,
            feedback: it.feedback,
        })
        .collect();
    QuestionKind::FillBlanks(FillBlanks {
        blanks: vec![Blank { answers, dropdown }],
    })
}

/// A title from the prompt, for questions without `::title::`.
fn derive_title(prompt: &str) -> String {
    let t = normalize_text(&prompt.replace("[[1]]", "…"));
    if t.chars().count() > 80 {
        let mut s: String = t.chars().take(79).collect();
        s.push('…');
        s
    } else {
        t
    }
}

/// Index of the first character of HTML a page must not carry: script, frames, objects,
/// styles, `javascript:`/`vbscript:` links, `srcdoc`, `on…=` handlers.
fn unsafe_html_at(chars: &[char]) -> Option<usize> {
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

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// Writes questions as GIFT. Never fails: what GIFT cannot say is skipped (with a comment) or
/// approximated, and counted.
pub fn export(items: &[GiftItem]) -> GiftExport {
    let mut out = String::new();
    let mut category: &[String] = &[];
    let (mut exported, mut skipped, mut approximated) = (0, 0, 0);
    for item in items {
        if item.category.as_slice() != category {
            let path: Vec<String> = item
                .category
                .iter()
                .map(|s| one_line(s).replace('/', "//"))
                .collect();
            let _ = write!(out, "$CATEGORY: {}\n\n", path.join("/"));
            category = &item.category;
        }
        match write_question(item) {
            Some((text, exact)) => {
                out.push_str(&text);
                exported += 1;
                if !exact {
                    approximated += 1;
                }
            }
            None => {
                let q = &item.question;
                let _ = write!(
                    out,
                    "// Skipped {} question \"{}\": GIFT has no form for it.\n\n",
                    describe(&q.kind),
                    one_line(&q.title)
                );
                skipped += 1;
            }
        }
    }
    GiftExport {
        text: out,
        exported,
        skipped,
        approximated,
    }
}

fn describe(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::FillBlanks(_) => "multi-blank fill-in",
        other => other.type_name(),
    }
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Escapes GIFT's special characters and line breaks.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '~' | '=' | '#' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

fn starts_with_format_tag(s: &str) -> bool {
    let s = s.trim_start();
    s.strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .is_some_and(|(name, _)| TextFormat::from_tag(name).is_some())
}

/// An answer or feedback text: escaped, and protected from being read as a format tag.
fn esc_text(s: &str) -> String {
    if starts_with_format_tag(s) {
        format!("[markdown]{}", esc(s))
    } else {
        esc(s)
    }
}

fn is_full(x: f64) -> bool {
    (x - 1.0).abs() < 1e-9
}

/// A weight as Moodle writes it: a percentage, at most 5 decimals.
fn percent(credit: f64) -> String {
    let p = (credit * 100.0 * 1e5).round() / 1e5;
    format!("{}", if p == 0.0 { 0.0 } else { p })
}

/// `=`/`~` with a weight when needed, then the (already escaped) answer and its feedback.
fn answer_line(marker: char, default: f64, credit: f64, answer: &str, feedback: &str) -> String {
    // A weight is also written when the answer itself starts with `%`, so that it is not
    // read as one.
    let weight = if (credit - default).abs() > 1e-9 || answer.starts_with('%') {
        format!("%{}%", percent(credit))
    } else {
        String::new()
    };
    let fb = if feedback.is_empty() {
        String::new()
    } else {
        format!("#{}", esc_text(feedback))
    };
    format!("\t{marker}{weight}{answer}{fb}\n")
}

fn number(v: f64, tolerance: f64) -> String {
    if tolerance == 0.0 {
        format!("{v}")
    } else {
        format!("{v}:{tolerance}")
    }
}

fn text_answer_exact(a: &TextAnswer) -> bool {
    match a.mode {
        TextMatch::Exact => false,
        TextMatch::CaseInsensitive => !a.text.contains('*'),
        TextMatch::Pattern => true,
    }
}

/// The GIFT text of one question (ending with a blank line) and whether it says exactly what
/// the model says; None when GIFT cannot express the question at all.
fn write_question(item: &GiftItem) -> Option<(String, bool)> {
    let q = &item.question;
    let mut exact = q.points == DEFAULT_POINTS;
    let prompt_tag = match item.format {
        Some(f) => format!("[{}]", f.tag()),
        None if starts_with_format_tag(&q.prompt) => {
            exact = false;
            "[markdown]".to_owned()
        }
        None => String::new(),
    };
    let head = format!("::{}::{prompt_tag}", esc(&q.title));
    let general = if q.general_feedback.is_empty() {
        String::new()
    } else {
        format!("####{}", esc_text(&q.general_feedback))
    };
    let block = |prefix: &str, lines: String| {
        let general = if general.is_empty() {
            String::new()
        } else {
            format!("\t{general}\n")
        };
        format!("{{{prefix}\n{lines}{general}}}")
    };
    let out = match &q.kind {
        QuestionKind::SingleChoice(s) => {
            exact &= s.shuffle;
            let lines: String = s
                .options
                .iter()
                .map(|o| {
                    if is_full(o.credit) {
                        answer_line('=', 1.0, o.credit, &esc_text(&o.text), &o.feedback)
                    } else {
                        answer_line('~', 0.0, o.credit, &esc_text(&o.text), &o.feedback)
                    }
                })
                .collect();
            format!("{head}{} {}", esc(&q.prompt), block("", lines))
        }
        QuestionKind::MultipleChoice(m) => {
            exact &= m.shuffle && m.credit_rule != CreditRule::AllOrNothing;
            let k = m.options.iter().filter(|o| o.is_correct()).count().max(1) as f64;
            let lines: String = m
                .options
                .iter()
                .map(|o| {
                    let w = match m.credit_rule {
                        CreditRule::Weighted => o.credit,
                        // (right − wrong) / k is exactly Moodle weights of ±1/k.
                        CreditRule::Proportional | CreditRule::AllOrNothing => {
                            if o.is_correct() {
                                1.0 / k
                            } else {
                                -1.0 / k
                            }
                        }
                    };
                    answer_line('~', 0.0, w, &esc_text(&o.text), &o.feedback)
                })
                .collect();
            format!("{head}{} {}", esc(&q.prompt), block("", lines))
        }
        QuestionKind::TrueFalse(t) => {
            let (word, right, wrong) = if t.correct {
                ("TRUE", &t.feedback_true, &t.feedback_false)
            } else {
                ("FALSE", &t.feedback_false, &t.feedback_true)
            };
            let mut answer = word.to_owned();
            if !wrong.is_empty() || !right.is_empty() {
                answer.push('#');
                answer.push_str(&esc_text(wrong));
            }
            if !right.is_empty() {
                answer.push('#');
                answer.push_str(&esc_text(right));
            }
            format!("{head}{} {{{answer}{general}}}", esc(&q.prompt))
        }
        QuestionKind::Numeric(n) => {
            exact &= n.units == UnitRule::Optional && n.answers.iter().all(|a| a.unit.is_none());
            match n.answers.as_slice() {
                [a] if is_full(a.credit) => {
                    let fb = if a.feedback.is_empty() {
                        String::new()
                    } else {
                        format!("#{}", esc_text(&a.feedback))
                    };
                    format!(
                        "{head}{} {{#{}{fb}{general}}}",
                        esc(&q.prompt),
                        number(a.value, a.tolerance)
                    )
                }
                answers => {
                    let lines: String = answers
                        .iter()
                        .map(|a| {
                            let (marker, default) = if a.credit == 0.0 {
                                ('~', 0.0)
                            } else {
                                ('=', 1.0)
                            };
                            answer_line(
                                marker,
                                default,
                                a.credit,
                                &number(a.value, a.tolerance),
                                &a.feedback,
                            )
                        })
                        .collect();
                    format!("{head}{} {}", esc(&q.prompt), block("#", lines))
                }
            }
        }
        QuestionKind::ShortText(s) => {
            exact &= s.answers.iter().all(text_answer_exact)
                && !s.answers.iter().all(|a| a.text.contains("->"));
            let lines: String = s
                .answers
                .iter()
                .map(|a| answer_line('=', 1.0, a.credit, &esc_text(&a.text), &a.feedback))
                .collect();
            format!("{head}{} {}", esc(&q.prompt), block("", lines))
        }
        QuestionKind::Matching(m) => {
            exact &= m.pairs.iter().all(|p| !p.left.contains("->"));
            let lines: String = m
                .pairs
                .iter()
                .map(|p| format!("\t={} -> {}\n", esc_text(&p.left), esc_text(&p.right)))
                .chain(
                    m.distractors
                        .iter()
                        .map(|d| format!("\t= -> {}\n", esc_text(&d.text))),
                )
                .collect();
            format!("{head}{} {}", esc(&q.prompt), block("", lines))
        }
        QuestionKind::Essay(_) => format!("{head}{} {{{general}}}", esc(&q.prompt)),
        QuestionKind::Ordering(_) => return None,
        QuestionKind::FillBlanks(f) => {
            let [b] = f.blanks.as_slice() else {
                return None;
            };
            let (before, after) = q.prompt.split_once("[[1]]")?;
            // GIFT's missing word needs text after the braces; a blank that ends the prompt is
            // written as a plain question whose answers follow the text.
            let at_end = after.trim().is_empty();
            let full = b.answers.iter().filter(|a| is_full(a.credit)).count();
            let as_choice = b.dropdown && (!at_end || full == 1);
            exact &= !at_end
                && if b.dropdown {
                    as_choice
                        && full < b.answers.len()
                        && b.answers.iter().all(|a| a.mode == TextMatch::Exact)
                } else {
                    b.answers.iter().all(text_answer_exact)
                };
            let lines: String = b
                .answers
                .iter()
                .map(|a| {
                    let answer = esc_text(&a.text);
                    if as_choice && !is_full(a.credit) {
                        answer_line('~', 0.0, a.credit, &answer, &a.feedback)
                    } else {
                        answer_line('=', 1.0, a.credit, &answer, &a.feedback)
                    }
                })
                .collect();
            if at_end {
                let prompt = match before.trim() {
                    "" => "_____",
                    p => p,
                };
                format!("{head}{} {}", esc(prompt), block("", lines))
            } else {
                format!("{head}{}{}{}", esc(before), block("", lines), esc(after))
            }
        }
    };
    Some((format!("{out}\n\n"), exact))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> GiftItem {
        let mut v = parse(src).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(v.len(), 1, "{v:?}");
        v.remove(0)
    }

    fn errors(src: &str) -> Vec<(usize, String)> {
        match parse(src) {
            Ok(v) => panic!("parsed: {v:?}"),
            Err(e) => e.into_iter().map(|e| (e.line, e.message_code)).collect(),
        }
    }

    fn has(errs: &[(usize, String)], line: usize, code: &str) -> bool {
        errs.iter().any(|(l, c)| *l == line && c == code)
    }

    #[test]
    fn single_choice_with_feedback_and_partial_credit() {
        let it = one("::Capital::What is the capital of France? {=Paris#Yes ~Lyon#No ~%50%Versailles####Since 508.}");
        assert_eq!(it.question.title, "Capital");
        assert_eq!(it.question.prompt, "What is the capital of France?");
        assert_eq!(it.question.general_feedback, "Since 508.");
        let QuestionKind::SingleChoice(s) = &it.question.kind else {
            panic!("{:?}", it.question.kind)
        };
        let got: Vec<(u32, &str, f64, &str)> = s
            .options
            .iter()
            .map(|o| (o.id.0, o.text.as_str(), o.credit, o.feedback.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "Paris", 1.0, "Yes"),
                (2, "Lyon", 0.0, "No"),
                (3, "Versailles", 0.5, "")
            ]
        );
    }

    #[test]
    fn multiple_answers_are_weighted() {
        let it = one("Rivers? {~%50%Seine ~%50%Loire ~%-100%Alps}");
        let QuestionKind::MultipleChoice(m) = &it.question.kind else {
            panic!()
        };
        assert_eq!(m.credit_rule, CreditRule::Weighted);
        let credits: Vec<f64> = m.options.iter().map(|o| o.credit).collect();
        assert_eq!(credits, vec![0.5, 0.5, -1.0]);
        assert_eq!(it.question.title, "Rivers?", "title from the text");
    }

    #[test]
    fn true_false_feedback_order() {
        let it = one("The Earth is flat. {FALSE#It is round.#Right.}");
        assert_eq!(
            it.question.kind,
            QuestionKind::TrueFalse(TrueFalse {
                correct: false,
                feedback_true: "It is round.".into(),
                feedback_false: "Right.".into(),
            })
        );
        for (src, correct) in [("A {T}", true), ("A {true}", true), ("A {F}", false)] {
            let QuestionKind::TrueFalse(t) = one(src).question.kind else {
                panic!()
            };
            assert_eq!(t.correct, correct);
        }
    }

    #[test]
    fn numeric_forms() {
        let num = |src: &str| match one(src).question.kind {
            QuestionKind::Numeric(n) => n
                .answers
                .into_iter()
                .map(|a| (a.value, a.tolerance, a.credit))
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(num("Half? {#2.5:0.01}"), vec![(2.5, 0.01, 1.0)]);
        assert_eq!(num("Between? {#1..5}"), vec![(3.0, 2.0, 1.0)]);
        assert_eq!(num("Neg? {#-5..-1}"), vec![(-3.0, 2.0, 1.0)]);
        assert_eq!(num("Exact? {#42}"), vec![(42.0, 0.0, 1.0)]);
        assert_eq!(
            num("Grant? {# =1822:0 #Right =%50%1822:2 ~1900#No}"),
            vec![(1822.0, 0.0, 1.0), (1822.0, 2.0, 0.5), (1900.0, 0.0, 0.0)]
        );
    }

    #[test]
    fn short_answer_matching_essay() {
        let QuestionKind::ShortText(s) = one("Who? {=Grant =%50%Ulysses =*Grant*}").question.kind
        else {
            panic!()
        };
        let got: Vec<(TextMatch, f64)> = s.answers.iter().map(|a| (a.mode, a.credit)).collect();
        assert_eq!(
            got,
            vec![
                (TextMatch::CaseInsensitive, 1.0),
                (TextMatch::CaseInsensitive, 0.5),
                (TextMatch::Pattern, 1.0)
            ]
        );
        let QuestionKind::Matching(m) = one("Match {=Canada -> Ottawa =Italy -> Rome = -> Paris}")
            .question
            .kind
        else {
            panic!()
        };
        assert_eq!(m.pairs.len(), 2);
        assert_eq!(m.pairs[1].right, "Rome");
        assert_eq!(m.distractors[0].text, "Paris");
        assert_eq!(m.distractors[0].id, OptionId(3));
        let e = one("Write. {####Graded by hand.}");
        assert_eq!(e.question.kind, QuestionKind::Essay(Essay {}));
        assert_eq!(e.question.general_feedback, "Graded by hand.");
        // Arrows in choice answers are text.
        assert!(matches!(
            one("Which? {=a -> b ~c}").question.kind,
            QuestionKind::SingleChoice(_)
        ));
    }

    #[test]
    fn missing_word_becomes_one_blank() {
        let it = one("Moodle costs {~lots of money =nothing ~a small amount} to download.");
        assert_eq!(it.question.prompt, "Moodle costs [[1]] to download.");
        let QuestionKind::FillBlanks(f) = &it.question.kind else {
            panic!()
        };
        assert!(f.blanks[0].dropdown);
        assert_eq!(f.blanks[0].answers[1].text, "nothing");
        assert_eq!(f.blanks[0].answers[1].credit, 1.0);
        let it = one("Two plus two is {=four =4} in words.");
        let QuestionKind::FillBlanks(f) = &it.question.kind else {
            panic!()
        };
        assert!(!f.blanks[0].dropdown);
    }

    #[test]
    fn escapes_comments_categories_and_formats() {
        let src = "// a comment\n$CATEGORY: $course$/top/Maths//Physics\n\n::Title \\: sub::[markdown]Is 1 \\= 1 \\{really\\} \\~ \\# \\\\ ?\\nYes.\n// inner comment\n{T}\n\n$CATEGORY: Other\n\n[html]<p>Hi</p>{F}";
        let v = parse(src).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].category, vec!["$course$", "top", "Maths/Physics"]);
        assert_eq!(v[0].question.title, "Title : sub");
        assert_eq!(v[0].format, Some(TextFormat::Markdown));
        assert_eq!(v[0].question.prompt, "Is 1 = 1 {really} ~ # \\ ?\nYes.");
        assert_eq!(v[1].category, vec!["Other"]);
        assert_eq!(v[1].format, Some(TextFormat::Html));
        assert_eq!(v[1].question.prompt, "<p>Hi</p>");
    }

    #[test]
    fn unsafe_html_is_refused() {
        for bad in [
            "[html]<script>alert(1)</script> Ok? {T}",
            "[html]<img src=x onerror=alert(1)> Ok? {T}",
            "[html]<a href=\"javascript:x()\">x</a> Ok? {T}",
            "[html]<iframe src=x></iframe> Ok? {T}",
            "Ok? {=[html]<b onclick\\=\"x\">a</b> ~b}",
        ] {
            let e = errors(bad);
            assert!(has(&e, 1, "html_unsafe"), "{bad}: {e:?}");
        }
        // Words, and Markdown or plain text, are not HTML.
        assert!(parse("[html]<p>Click on = the button, once more</p> {T}").is_ok());
        assert!(parse("[plain]<script> is a tag {T}").is_ok());
    }

    #[test]
    fn unsafe_html_scanner() {
        let at = |s: &str| unsafe_html_at(&s.chars().collect::<Vec<_>>());
        assert_eq!(at("ab<ScRiPt>"), Some(2));
        assert_eq!(at("<div\n  onMouseOver = 'x'>"), Some(7));
        assert_eq!(at("<p>only once</p>"), None);
        assert_eq!(at("<p title=\"x\">on=</p>"), None);
    }

    #[test]
    fn error_unclosed_brace_reports_its_line() {
        let src = "::Q1:: Fine {=a ~b}\n\n::Q2:: Broken\n{=a\n~b\n\n::Q3:: Fine {T}\n";
        let e = errors(src);
        assert_eq!(e, vec![(4, "brace_unclosed".to_owned())]);
        let e = errors("Q {=a ~b\nQ2 {=c ~d}");
        assert!(has(&e, 1, "brace_unclosed"), "{e:?}");
        assert!(has(&errors("Q =a} {T}"), 1, "brace_unexpected"));
        assert!(has(&errors("Q {T}\nthen {F}"), 2, "answer_block_repeated"));
    }

    #[test]
    fn error_no_correct_answer() {
        let src = "A {T}\n\n\n::No right:: Pick {\n~a\n~b\n}\n\nSingle {=%50%a ~b}";
        let e = errors(src);
        assert!(has(&e, 4, "correct_answer_required"), "{e:?}");
        assert!(has(&e, 9, "correct_answer_required"), "{e:?}");
        let errs = parse(src).unwrap_err();
        assert_eq!(errs[0].field.as_deref(), Some("options"));
        assert_eq!(errs[0].excerpt, "::No right:: Pick {");
    }

    #[test]
    fn error_unknown_escape() {
        let src = "Fine {T}\n\n::Q:: What is \\frac? {\n=a\n~b \\q\n}";
        let e = errors(src);
        assert_eq!(
            e,
            vec![
                (3, "escape_unknown".to_owned()),
                (5, "escape_unknown".to_owned())
            ]
        );
        let errs = parse(src).unwrap_err();
        assert_eq!(errs[1].excerpt, "~b \\q");
        assert!(has(&errors("Trailing {T} \\"), 1, "escape_unknown"));
    }

    #[test]
    fn error_empty_question() {
        assert_eq!(
            errors("::Empty::{=a ~b}"),
            vec![(1, "question_empty".into())]
        );
        assert_eq!(
            errors("{T}\n\n::Only a title::"),
            vec![(1, "question_empty".into()), (3, "question_empty".into())]
        );
        assert_eq!(
            errors("Just text, no answers"),
            vec![(1, "answer_block_missing".into())]
        );
    }

    #[test]
    fn error_bad_numeric() {
        assert_eq!(errors("N {#abc}"), vec![(1, "numeric_invalid".into())]);
        assert_eq!(errors("N {#5..1}"), vec![(1, "numeric_invalid".into())]);
        assert_eq!(errors("N {#3:-1}"), vec![(1, "numeric_invalid".into())]);
        assert_eq!(errors("N {#}"), vec![(1, "numeric_invalid".into())]);
        assert_eq!(errors("N {#inf}"), vec![(1, "numeric_invalid".into())]);
        let e = errors("A {T}\n\nN {#\n=1:0\n=%50%two:1\n~3..x\n}");
        assert_eq!(
            e,
            vec![(5, "numeric_invalid".into()), (6, "numeric_invalid".into())]
        );
    }

    #[test]
    fn other_errors() {
        assert!(has(&errors("::T No end {T}"), 1, "title_unclosed"));
        assert!(has(&errors("Q {~%500%a =b}"), 1, "weight_invalid"));
        assert!(has(&errors("Q {maybe}"), 1, "answer_syntax_invalid"));
        assert!(has(&errors("Q {T} more"), 1, "missing_word_unsupported"));
        assert!(has(&errors("Q {=a -> b =c}"), 1, "matching_syntax_invalid"));
        assert!(has(&errors("Q {=a -> b}"), 1, "too_few"));
        assert!(has(&errors("Q {=a ~}"), 1, "answer_empty"));
        assert!(has(&errors("Q {=a =b ~c}"), 1, "correct_answer_not_unique"));
    }

    #[test]
    fn every_error_is_reported_and_nothing_is_imported() {
        let src = "Good {T}\n\nBad {~a ~b}\n\nAlso good {=x ~y}\n\nBad too {#x}\n";
        let e = errors(src);
        assert_eq!(
            e,
            vec![
                (3, "correct_answer_required".into()),
                (7, "numeric_invalid".into())
            ]
        );
    }

    #[test]
    fn export_skips_what_gift_cannot_say() {
        use amphi_core::assessment::question::{OrderCredit, OrderItem, Ordering};
        let mut items = Vec::new();
        let base = one("::T:: Q {T}");
        items.push(base.clone());
        let mut ord = base.clone();
        ord.question.kind = QuestionKind::Ordering(Ordering {
            items: vec![
                OrderItem {
                    id: OptionId(1),
                    text: "a".into(),
                },
                OrderItem {
                    id: OptionId(2),
                    text: "b".into(),
                },
            ],
            credit_rule: OrderCredit::Positional,
        });
        ord.question.title = "Steps".into();
        items.push(ord);
        let mut blanks = base.clone();
        blanks.question.prompt = "[[1]] and [[2]]".into();
        blanks.question.kind = QuestionKind::FillBlanks(FillBlanks {
            blanks: vec![
                Blank {
                    answers: vec![TextAnswer {
                        text: "x".into(),
                        mode: TextMatch::CaseInsensitive,
                        credit: 1.0,
                        feedback: String::new(),
                    }],
                    dropdown: false,
                };
                2
            ],
        });
        items.push(blanks);
        let out = export(&items);
        assert_eq!((out.exported, out.skipped, out.approximated), (1, 2, 0));
        assert!(out
            .text
            .contains("// Skipped ordering question \"Steps\": GIFT has no form for it."));
        assert!(out.text.contains("// Skipped multi-blank fill-in question"));
        let back = parse(&out.text).unwrap();
        assert_eq!(back.len(), 1);
    }
}
