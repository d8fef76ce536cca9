//! GIFT import: a file into questions, or every problem found in it.

use super::chars::{
    find_ch, find_seq, is, split_items, starts_with_ch, strip_format, text, trim, trim_end, Ch,
};
use super::html::unsafe_html_at;
use super::model::{GiftError, GiftItem, TextFormat, DEFAULT_POINTS, MAX_SOURCE_BYTES};
use amphi_core::assessment::question::{
    normalize_text, Blank, ChoiceOption, CreditRule, Distractor, Essay, FillBlanks, MatchPair,
    Matching, MultipleChoice, Numeric, NumericAnswer, OptionId, Question, QuestionId, QuestionKind,
    ShortText, SingleChoice, TextAnswer, TextMatch, TrueFalse, UnitRule,
};
use amphi_core::{codes, Error};

/// Parses a GIFT file. Either every question is valid and they are all returned, in file
/// order, or nothing is and every problem found is returned, sorted by line.
pub fn parse(src: &str) -> Result<Vec<GiftItem>, Vec<GiftError>> {
    if src.len() > MAX_SOURCE_BYTES {
        return Err(vec![GiftError {
            line: 1,
            message_code: codes::GIFT_FILE_TOO_LARGE,
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
    shorten(s.trim())
}

/// At most 80 characters, the last an ellipsis when some were cut, so error lines and derived
/// titles stay readable.
fn shorten(t: &str) -> String {
    if t.chars().count() > 80 {
        let mut s: String = t.chars().take(79).collect();
        s.push('…');
        s
    } else {
        t.to_owned()
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
    fn err_at(&mut self, off: usize, code: &'static str) {
        self.errors.push(GiftError {
            line: self.b.line_at(off),
            message_code: code,
            field: None,
            excerpt: self.b.excerpt_at(off),
        });
    }

    /// An error reported on the question's first line.
    fn err(&mut self, code: &'static str) {
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
                    self.err_at(off, codes::GIFT_ESCAPE_UNKNOWN);
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
                    self.err(codes::GIFT_TITLE_UNCLOSED);
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
            self.err_at(
                rest.get(k).map_or(0, |c| c.off),
                codes::GIFT_BRACE_UNEXPECTED,
            );
        }
        let Some(open) = open else {
            if trim(rest).is_empty() {
                self.err(codes::GIFT_QUESTION_EMPTY);
            } else {
                self.err(codes::GIFT_ANSWER_BLOCK_MISSING);
            }
            return None;
        };
        let open_off = rest.get(open).map_or(0, |c| c.off);
        let inside = rest.get(open + 1..).unwrap_or(&[]);
        let close = match (find_ch(inside, '}'), find_ch(inside, '{')) {
            (Some(c), None) => c,
            (Some(c), Some(n)) if c < n => c,
            _ => {
                self.err_at(open_off, codes::GIFT_BRACE_UNCLOSED);
                return None;
            }
        };
        let answers = inside.get(..close).unwrap_or(&[]);
        let tail = inside.get(close + 1..).unwrap_or(&[]);
        if let Some(k) = find_ch(tail, '{') {
            self.err_at(
                tail.get(k).map_or(0, |c| c.off),
                codes::GIFT_ANSWER_BLOCK_REPEATED,
            );
        } else if let Some(k) = find_ch(tail, '}') {
            self.err_at(
                tail.get(k).map_or(0, |c| c.off),
                codes::GIFT_BRACE_UNEXPECTED,
            );
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
                codes::GIFT_ANSWER_SYNTAX_INVALID,
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
            self.err(codes::GIFT_QUESTION_EMPTY);
            return None;
        }
        if format == Some(TextFormat::Html) || self.saw_html {
            let chars: Vec<char> = all.iter().map(|c| c.c).collect();
            if let Some(i) = unsafe_html_at(&chars) {
                self.err_at(all.get(i).map_or(0, |c| c.off), codes::GIFT_HTML_UNSAFE);
            }
        }
        let kind = match (parsed?, missing_word) {
            (Parsed::Choice(items), true) => blank(items),
            (Parsed::Choice(items), false) => choice(items),
            (_, true) => {
                self.err_at(
                    trim(tail).first().map_or(0, |c| c.off),
                    codes::GIFT_MISSING_WORD_UNSUPPORTED,
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
                        message_code: validation_code(&f.code),
                        field: Some(f.field),
                        excerpt: self.b.excerpt_at(0),
                    });
                }
            }
            Err(_) => self.err(codes::GIFT_QUESTION_INVALID),
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
                self.err_at(
                    body.first().map_or(0, |c| c.off),
                    codes::GIFT_WEIGHT_INVALID,
                );
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
            self.err_at(off, codes::GIFT_ANSWER_EMPTY);
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
                self.err_at(off, codes::GIFT_MATCHING_SYNTAX_INVALID);
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
                self.err_at(off, codes::GIFT_ANSWER_EMPTY);
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
            self.err(codes::GIFT_NUMERIC_INVALID);
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
                    self.err_at(item.off, codes::GIFT_NUMERIC_INVALID);
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
    shorten(&normalize_text(&prompt.replace("[[1]]", "…")))
}

/// The GIFT code of a question validation code, shown with the line of the question at fault.
/// A code with no GIFT counterpart reads as an invalid question.
fn validation_code(code: &str) -> &'static str {
    match code {
        codes::REQUIRED => codes::GIFT_REQUIRED,
        codes::TOO_LONG => codes::GIFT_TOO_LONG,
        codes::TOO_MANY => codes::GIFT_TOO_MANY,
        codes::TOO_FEW => codes::GIFT_TOO_FEW,
        codes::OUT_OF_RANGE => codes::GIFT_OUT_OF_RANGE,
        codes::INVALID_CHARACTERS => codes::GIFT_INVALID_CHARACTERS,
        codes::WEIGHTS_SUM_INVALID => codes::GIFT_WEIGHTS_SUM_INVALID,
        codes::IDS_DUPLICATE => codes::GIFT_IDS_DUPLICATE,
        codes::BLANKS_MISMATCH => codes::GIFT_BLANKS_MISMATCH,
        codes::CORRECT_ANSWER_NOT_UNIQUE => codes::GIFT_CORRECT_ANSWER_NOT_UNIQUE,
        codes::CORRECT_ANSWER_REQUIRED => codes::GIFT_CORRECT_ANSWER_REQUIRED,
        _ => codes::GIFT_QUESTION_INVALID,
    }
}
