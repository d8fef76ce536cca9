//! Showing an attempt: its questions in the attempt's order, saved answers, and after
//! submission the score, feedback and correct answers as the quiz's rules allow.

use super::access::own_attempt;
use super::answers::is_blank;
use super::closing::{expired, finish_loaded};
use super::stored::{parse_questions, parse_responses, parse_results, AttemptQuestion};
use crate::courses::content;
use crate::{App, Caller};
use amphi_core::assessment::{
    seed_for, AttemptStatus, MultipleChoice, Question, QuestionKind, QuestionType, Response,
    Scored, SingleChoice, UnitRule,
};
use amphi_core::{AttemptId, Error, Result, RunId};
use amphi_db::repo::quiz as repo;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// An option, pair choice or ordering item as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Choice {
    /// Stable id within the question.
    pub id: u32,
    /// Text (HTML, sanitised).
    pub html: String,
}

/// A question as one attempt shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShownQuestion {
    /// Question id (the answer key).
    pub id: Uuid,
    /// 1-based position.
    pub number: usize,
    /// Type name (`single_choice`, …).
    #[schema(value_type = String)]
    pub kind: QuestionType,
    /// Prompt (HTML, sanitised). For fill-in-the-blanks, split around the blanks.
    pub prompt_html: String,
    /// Fill-in-the-blanks: the prompt's pieces between blanks (HTML).
    pub pieces: Vec<String>,
    /// Fill-in-the-blanks drop-downs: per blank, the choices (empty for typed blanks).
    pub blank_choices: Vec<Vec<String>>,
    /// Points.
    pub points: f64,
    /// Options (choice), right-hand choices (matching) or items (ordering), in display order.
    pub choices: Vec<Choice>,
    /// Matching: the left items, in authored order.
    pub lefts: Vec<Choice>,
    /// The saved response.
    #[schema(value_type = Option<Object>)]
    pub response: Option<Response>,
    /// Score, when the rules show it.
    #[schema(value_type = Option<Object>)]
    pub result: Option<Scored>,
    /// Feedback (HTML), when the rules show it.
    pub feedback_html: Vec<String>,
    /// The correct answer in words (HTML), when the rules show it (true/false questions: "true"
    /// or "false", and `correct_truth`, which the page says in the learner's language).
    pub correct_html: Option<String>,
    /// The correct answer of a true/false question, when the rules show it.
    pub correct_truth: Option<bool>,
    /// A numeric question whose answers carry units: the attempt asks for one.
    pub units: bool,
    /// The saved response answers something.
    pub answered: bool,
}

/// An attempt as its learner sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    /// Id.
    pub id: Uuid,
    /// The quiz item.
    pub item_id: Uuid,
    /// Quiz title.
    pub title: String,
    /// Number.
    pub number: i32,
    /// `open` or `submitted`.
    pub status: String,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Deadline.
    pub deadline_at: Option<DateTime<Utc>>,
    /// Seconds left, for an open timed attempt.
    pub seconds_left: Option<i64>,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Score, when shown.
    pub score: Option<f64>,
    /// Maximum.
    pub max_score: f64,
    /// Essays await a grader.
    pub pending: bool,
    /// The score as a share of the maximum, 0–100, when the score is shown.
    pub percent: Option<f64>,
    /// The quiz's pass mark in percent, if it has one.
    pub pass_percent: Option<f64>,
    /// Whether the score reaches the pass mark: when both are known and nothing awaits a
    /// grader.
    pub passed: Option<bool>,
    /// Numbers of the questions left unanswered.
    pub unanswered: Vec<usize>,
    /// Questions.
    pub questions: Vec<ShownQuestion>,
}

/// Question text rendered and sanitised. The same stems and options are shown to every
/// learner who draws them, so short texts are remembered (a bounded map: emptied when full).
pub(super) fn md(s: &str) -> String {
    static MEMO: std::sync::LazyLock<crate::memo::Memo> =
        std::sync::LazyLock::new(|| crate::memo::Memo::new(10_000));
    if s.len() > 2_048 {
        return content::markdown_to_html(s);
    }
    MEMO.get_or(s, || content::markdown_to_html(s))
}

fn correct_html(q: &Question) -> Option<String> {
    let text = match &q.kind {
        QuestionKind::SingleChoice(c) => c
            .options
            .iter()
            .filter(|o| o.credit >= 1.0)
            .map(|o| o.text.clone())
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::MultipleChoice(c) => c
            .options
            .iter()
            .filter(|o| o.is_correct())
            .map(|o| o.text.clone())
            .collect::<Vec<_>>()
            .join("; "),
        // API clients read "true" or "false"; the page says it in the learner's language
        // from `correct_truth`.
        QuestionKind::TrueFalse(t) => if t.correct { "true" } else { "false" }.into(),
        QuestionKind::Numeric(n) => n
            .answers
            .iter()
            .filter(|a| a.credit >= 1.0)
            .map(|a| {
                let unit = a.unit.as_deref().unwrap_or("");
                if a.tolerance > 0.0 {
                    format!("{} ± {} {unit}", a.value, a.tolerance)
                } else {
                    format!("{} {unit}", a.value)
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::ShortText(t) => t
            .answers
            .iter()
            .filter(|a| a.credit >= 1.0)
            .map(|a| a.text.clone())
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::Matching(m) => m
            .pairs
            .iter()
            .map(|p| format!("{} → {}", p.left, p.right))
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::Ordering(o) => o
            .items
            .iter()
            .map(|i| i.text.clone())
            .collect::<Vec<_>>()
            .join(" → "),
        QuestionKind::FillBlanks(f) => f
            .blanks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let best = b
                    .answers
                    .iter()
                    .filter(|a| a.credit >= 1.0)
                    .map(|a| a.text.clone())
                    .next()
                    .unwrap_or_default();
                format!("[{}] {best}", i + 1)
            })
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::Essay(_) => return None,
    };
    Some(ammonia::clean_text(&text))
}

fn feedback_for(q: &Question, r: Option<&Response>) -> Vec<String> {
    let mut out = Vec::new();
    match (&q.kind, r) {
        (QuestionKind::SingleChoice(c), Some(Response::SingleChoice { chosen: Some(id) })) => {
            out.extend(
                c.options
                    .iter()
                    .filter(|o| o.id == *id && !o.feedback.is_empty())
                    .map(|o| md(&o.feedback)),
            );
        }
        (QuestionKind::MultipleChoice(c), Some(Response::MultipleChoice { chosen })) => {
            out.extend(
                c.options
                    .iter()
                    .filter(|o| chosen.contains(&o.id) && !o.feedback.is_empty())
                    .map(|o| md(&o.feedback)),
            );
        }
        (QuestionKind::TrueFalse(t), Some(Response::TrueFalse { answer: Some(a) })) => {
            let f = if *a {
                &t.feedback_true
            } else {
                &t.feedback_false
            };
            if !f.is_empty() {
                out.push(md(f));
            }
        }
        (QuestionKind::ShortText(t), Some(Response::ShortText { text })) => {
            if let Some(a) = amphi_core::assessment::scoring::matched_text_answer(&t.answers, text)
            {
                if !a.feedback.is_empty() {
                    out.push(md(&a.feedback));
                }
            }
        }
        _ => {}
    }
    if !q.general_feedback.is_empty() {
        out.push(md(&q.general_feedback));
    }
    out
}

fn shown(q: &AttemptQuestion, n: usize, seed: u64, shuffle: bool) -> ShownQuestion {
    let question = &q.question;
    let order = if shuffle {
        question.display_order(seed_for(seed, question.id))
    } else {
        question.display_order(0)
    };
    let by_id = |id: u32, text: &str| Choice { id, html: md(text) };
    let mut choices = Vec::new();
    let mut lefts = Vec::new();
    let mut pieces = Vec::new();
    let mut blank_choices = Vec::new();
    match &question.kind {
        QuestionKind::SingleChoice(SingleChoice { options, .. })
        | QuestionKind::MultipleChoice(MultipleChoice { options, .. }) => {
            let ids = if shuffle {
                order
            } else {
                options.iter().map(|o| o.id).collect()
            };
            for id in ids {
                if let Some(o) = options.iter().find(|o| o.id == id) {
                    choices.push(by_id(o.id.0, &o.text));
                }
            }
        }
        QuestionKind::Matching(m) => {
            for p in &m.pairs {
                lefts.push(by_id(p.id.0, &p.left));
            }
            for id in order {
                if let Some(p) = m.pairs.iter().find(|p| p.id == id) {
                    choices.push(by_id(id.0, &p.right));
                } else if let Some(d) = m.distractors.iter().find(|d| d.id == id) {
                    choices.push(by_id(id.0, &d.text));
                }
            }
        }
        QuestionKind::Ordering(o) => {
            for id in order {
                if let Some(i) = o.items.iter().find(|i| i.id == id) {
                    choices.push(by_id(id.0, &i.text));
                }
            }
        }
        QuestionKind::FillBlanks(f) => {
            let mut rest = question.prompt.as_str();
            for i in 0..f.blanks.len() {
                let ph = amphi_core::assessment::question::blank_placeholder(i + 1);
                match rest.split_once(&ph) {
                    Some((before, after)) => {
                        pieces.push(ammonia::clean_text(before));
                        rest = after;
                    }
                    None => pieces.push(String::new()),
                }
            }
            pieces.push(ammonia::clean_text(rest));
            for b in &f.blanks {
                blank_choices.push(if b.dropdown {
                    let mut texts: Vec<String> = b.answers.iter().map(|a| a.text.clone()).collect();
                    texts = amphi_core::assessment::shuffled(&texts, seed_for(seed, question.id));
                    texts
                } else {
                    Vec::new()
                });
            }
        }
        _ => {}
    }
    ShownQuestion {
        id: question.id.0,
        number: n,
        kind: question.kind.question_type(),
        prompt_html: if pieces.is_empty() {
            md(&question.prompt)
        } else {
            String::new()
        },
        pieces,
        blank_choices,
        points: q.points,
        choices,
        lefts,
        response: None,
        result: None,
        feedback_html: Vec::new(),
        correct_html: None,
        correct_truth: None,
        units: matches!(&question.kind, QuestionKind::Numeric(n)
            if n.units == UnitRule::Required || n.answers.iter().any(|a| a.unit.as_deref().is_some_and(|u| !u.trim().is_empty()))),
        answered: false,
    }
}

/// An attempt as its learner sees it: questions with saved answers while open; after
/// submission, the score, feedback and correct answers as the quiz's rules allow.
pub async fn attempt(
    app: &App,
    caller: &Caller,
    run_id: RunId,
    attempt_id: AttemptId,
) -> Result<AttemptView> {
    let (user, tenant) = (&caller.user, caller.tenant);
    let (run_id, attempt_id) = (run_id.0, attempt_id.0);
    let (l, mut at) = own_attempt(app, user, tenant, run_id, attempt_id).await?;
    let now = app.now();
    if at.status()? == AttemptStatus::Open && expired(&at, now) {
        finish_loaded(app, at.clone(), &l, now).await?;
        at = repo::by_id(app.db.reader(), tenant, attempt_id)
            .await?
            .ok_or(Error::NotFound)?;
    }
    let qs = parse_questions(&at)?;
    let responses = parse_responses(&at);
    let results = parse_results(&at);
    let submitted = at.status()? == AttemptStatus::Submitted;
    let show_feedback = submitted && l.settings.revealed(l.settings.feedback, now);
    let show_answers = submitted && l.settings.revealed(l.settings.answers, now);
    let questions = qs
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut s = shown(q, i + 1, at.seed as u64, l.settings.shuffle_answers);
            let r = responses.get(&q.question.id.0);
            s.response = r.cloned();
            s.answered = r.is_some_and(|r| !is_blank(r));
            if show_feedback {
                s.result = results.get(&q.question.id.0).copied();
                s.feedback_html = feedback_for(&q.question, r);
            }
            if show_answers {
                s.correct_html = correct_html(&q.question);
                if let QuestionKind::TrueFalse(t) = &q.question.kind {
                    s.correct_truth = Some(t.correct);
                }
            }
            s
        })
        .collect::<Vec<ShownQuestion>>();
    let score = at.score.filter(|_| show_feedback);
    let percent = score
        .filter(|_| at.max_score > 0.0)
        .map(|sc| (sc / at.max_score * 10_000.0).round() / 100.0);
    let pass_percent = l.settings.pass_percent;
    let unanswered = questions
        .iter()
        .filter(|q| !q.answered)
        .map(|q| q.number)
        .collect();
    Ok(AttemptView {
        id: at.id,
        item_id: at.item_id,
        title: l.item.title.clone(),
        number: at.number,
        status: at.status.clone(),
        started_at: at.started_at,
        deadline_at: at.deadline_at,
        seconds_left: at
            .deadline_at
            .filter(|_| !submitted)
            .map(|d| (d - now).num_seconds().max(0)),
        submitted_at: at.submitted_at,
        score,
        max_score: at.max_score,
        pending: at.pending,
        percent,
        pass_percent,
        passed: match (percent, pass_percent) {
            (Some(p), Some(mark)) if !at.pending => Some(p >= mark),
            _ => None,
        },
        unanswered,
        questions,
    })
}

#[cfg(test)]
mod tests {
    use super::super::stored::{test_options, test_question};
    use super::*;
    use amphi_core::assessment::{
        Blank, Essay, FillBlanks, Numeric, NumericAnswer, TextAnswer, TextMatch, TrueFalse,
    };

    fn single(shuffle: bool) -> AttemptQuestion {
        test_question(
            "Capital?",
            QuestionKind::SingleChoice(SingleChoice {
                options: test_options(&[(2, "Paris", 1.0), (1, "Lyon", 0.0), (3, "Nice", 0.0)]),
                shuffle,
            }),
        )
    }

    #[test]
    fn the_correct_answer_is_given_in_words_except_for_essays() {
        assert_eq!(
            correct_html(&single(true).question).as_deref(),
            Some("Paris")
        );
        let tf = test_question(
            "Sky green?",
            QuestionKind::TrueFalse(TrueFalse {
                correct: false,
                feedback_true: String::new(),
                feedback_false: String::new(),
            }),
        );
        // True or false: the API's word; the page says it from `correct_truth`.
        assert_eq!(correct_html(&tf.question).as_deref(), Some("false"));
        let essay = test_question("Discuss.", QuestionKind::Essay(Essay {}));
        assert_eq!(correct_html(&essay.question), None);
    }

    #[test]
    fn a_unit_is_asked_only_of_numbers_whose_answers_have_one() {
        let numeric = |unit: Option<&str>, units| {
            test_question(
                "How long?",
                QuestionKind::Numeric(Numeric {
                    answers: vec![NumericAnswer {
                        value: 2.0,
                        tolerance: 0.0,
                        unit: unit.map(str::to_owned),
                        credit: 1.0,
                        feedback: String::new(),
                    }],
                    units,
                }),
            )
        };
        assert!(shown(&numeric(Some("cm"), UnitRule::Optional), 1, 0, false).units);
        assert!(!shown(&numeric(None, UnitRule::Optional), 1, 0, false).units);
        assert!(!shown(&numeric(Some(" "), UnitRule::Optional), 1, 0, false).units);
        assert!(shown(&numeric(None, UnitRule::Required), 1, 0, false).units);
        assert!(!shown(&single(false), 1, 0, false).units);
    }

    #[test]
    fn options_keep_their_authored_order_unless_the_quiz_shuffles() {
        let ids = |q: &ShownQuestion| q.choices.iter().map(|c| c.id).collect::<Vec<_>>();
        let q = single(true);
        assert_eq!(ids(&shown(&q, 1, 42, false)), [2, 1, 3]);
        let mixed = shown(&q, 1, 42, true);
        let mut sorted = ids(&mixed);
        sorted.sort_unstable();
        assert_eq!(sorted, [1, 2, 3]);
        // One attempt (one seed) always shows the same order.
        assert_eq!(ids(&shown(&q, 1, 42, true)), ids(&mixed));
    }

    #[test]
    fn blanks_split_the_prompt_and_dropdowns_offer_their_answers() {
        let answer = |text: &str| TextAnswer {
            text: text.into(),
            mode: TextMatch::Exact,
            credit: 1.0,
            feedback: String::new(),
        };
        let q = test_question(
            "a[[1]]b[[2]]c",
            QuestionKind::FillBlanks(FillBlanks {
                blanks: vec![
                    Blank {
                        answers: vec![answer("x"), answer("y")],
                        dropdown: true,
                    },
                    Blank {
                        answers: vec![answer("z")],
                        dropdown: false,
                    },
                ],
            }),
        );
        let s = shown(&q, 3, 9, false);
        assert_eq!(s.number, 3);
        assert_eq!(s.pieces, ["a", "b", "c"]);
        assert!(s.prompt_html.is_empty());
        let mut first = s.blank_choices[0].clone();
        first.sort();
        assert_eq!(first, ["x", "y"]);
        assert!(s.blank_choices[1].is_empty());
    }

    #[test]
    fn feedback_is_the_chosen_options_then_the_general_one() {
        let mut q = single(false).question;
        if let QuestionKind::SingleChoice(c) = &mut q.kind {
            c.options[1].feedback = "Not Lyon".into();
        }
        q.general_feedback = "See chapter 2".into();
        let lyon = Response::SingleChoice {
            chosen: Some(amphi_core::assessment::OptionId(1)),
        };
        let f = feedback_for(&q, Some(&lyon));
        assert_eq!(f.len(), 2);
        assert!(f[0].contains("Not Lyon") && f[1].contains("See chapter 2"));
        assert_eq!(feedback_for(&q, None).len(), 1);
    }
}
