use super::super::question::*;
use super::*;

pub(super) fn opt(id: u32, credit: f64) -> ChoiceOption {
    ChoiceOption {
        id: OptionId(id),
        text: format!("option {id}"),
        credit,
        feedback: String::new(),
    }
}

pub(super) fn question(kind: QuestionKind) -> Question {
    Question {
        id: QuestionId::new(),
        title: "T".into(),
        prompt: "Fill [[1]] and [[2]]".into(),
        points: 4.0,
        general_feedback: String::new(),
        kind,
    }
}

pub(super) fn multi(rule: CreditRule, credits: &[f64]) -> Question {
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

pub(super) fn frac(q: &Question, r: &Response) -> f64 {
    match score(q, r).unwrap() {
        Scored::Graded { fraction, .. } => fraction,
        Scored::NeedsGrading => panic!("needs grading"),
    }
}

pub(super) fn chose(ids: &[u32]) -> Response {
    Response::MultipleChoice {
        chosen: ids.iter().map(|&i| OptionId(i)).collect(),
    }
}

pub(super) fn ta(text: &str, mode: TextMatch, credit: f64) -> TextAnswer {
    TextAnswer {
        text: text.into(),
        mode,
        credit,
        feedback: String::new(),
    }
}

pub(super) fn close(a: f64, b: f64) -> bool {
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

pub(super) fn num_q(units: UnitRule) -> Question {
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

pub(super) fn num(v: f64, unit: &str) -> Response {
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

pub(super) fn matching_q() -> Question {
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

pub(super) fn pairs(p: &[(u32, u32)]) -> Response {
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

pub(super) fn ordering_q(rule: OrderCredit) -> Question {
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

pub(super) fn order(ids: &[u32]) -> Response {
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

pub(super) fn blanks_q() -> Question {
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

pub(super) fn blanks(b: &[&str]) -> Response {
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
