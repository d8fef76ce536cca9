//! GIFT export: questions into GIFT text, skipping or approximating what GIFT cannot say.

use super::model::{GiftExport, GiftItem, TextFormat, DEFAULT_POINTS};
use amphi_core::assessment::question::{CreditRule, QuestionKind, TextAnswer, TextMatch, UnitRule};
use std::fmt::Write as _;

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
