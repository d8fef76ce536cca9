use super::*;
use crate::error::Error;

fn opt(id: u32, text: &str, credit: f64) -> ChoiceOption {
    ChoiceOption {
        id: OptionId(id),
        text: text.into(),
        credit,
        feedback: String::new(),
    }
}

fn q(prompt: &str, kind: QuestionKind) -> Question {
    Question {
        id: QuestionId::new(),
        title: "T".into(),
        prompt: prompt.into(),
        points: 1.0,
        general_feedback: String::new(),
        kind,
    }
}

fn fields(r: Result<()>) -> Vec<(String, String)> {
    match r {
        Err(Error::Validation(v)) => v.into_iter().map(|e| (e.field, e.code)).collect(),
        Err(e) => panic!("unexpected {e}"),
        Ok(()) => Vec::new(),
    }
}

fn has(r: &[(String, String)], field: &str, code: &str) -> bool {
    r.iter().any(|(f, c)| f == field && c == code)
}

fn ta(text: &str, credit: f64) -> TextAnswer {
    TextAnswer {
        text: text.into(),
        mode: TextMatch::CaseInsensitive,
        credit,
        feedback: String::new(),
    }
}

#[test]
fn common_fields() {
    let mut x = q(
        "  ",
        QuestionKind::TrueFalse(TrueFalse {
            correct: true,
            feedback_true: String::new(),
            feedback_false: String::new(),
        }),
    );
    x.title = String::new();
    x.points = 0.0;
    let r = fields(x.validate());
    assert!(has(&r, "title", "required"));
    assert!(has(&r, "prompt", "required"));
    assert!(has(&r, "points", "out_of_range"));
    x.points = 1000.5;
    assert!(has(&fields(x.validate()), "points", "out_of_range"));
    x.points = f64::NAN;
    assert!(has(&fields(x.validate()), "points", "out_of_range"));
    x.points = 1000.0;
    x.title = "ok".into();
    x.prompt = "Is it?".into();
    assert!(x.validate().is_ok());
}

#[test]
fn choice_rules() {
    let single = |o: Vec<ChoiceOption>| {
        q(
            "p",
            QuestionKind::SingleChoice(SingleChoice {
                options: o,
                shuffle: true,
            }),
        )
        .validate()
    };
    assert!(has(
        &fields(single(vec![opt(1, "a", 1.0)])),
        "options",
        "too_few"
    ));
    assert!(has(
        &fields(single(vec![opt(1, "a", 0.0), opt(2, "b", 0.5)])),
        "options",
        "correct_answer_required"
    ));
    assert!(has(
        &fields(single(vec![opt(1, "a", 1.0), opt(2, "b", 1.0)])),
        "options",
        "correct_answer_not_unique"
    ));
    assert!(has(
        &fields(single(vec![opt(1, "a", 1.0), opt(1, "b", 0.0)])),
        "options",
        "ids_duplicate"
    ));
    assert!(has(
        &fields(single(vec![opt(1, "a", 1.0), opt(2, " ", -0.5)])),
        "options.1.credit",
        "out_of_range"
    ));
    assert!(single(vec![opt(1, "a", 1.0), opt(2, "b", 0.5)]).is_ok());

    let multi = |o: Vec<ChoiceOption>, rule| {
        q(
            "p",
            QuestionKind::MultipleChoice(MultipleChoice {
                options: o,
                credit_rule: rule,
                shuffle: false,
            }),
        )
        .validate()
    };
    assert!(has(
        &fields(multi(
            vec![opt(1, "a", 0.0), opt(2, "b", -1.0)],
            CreditRule::Proportional
        )),
        "options",
        "correct_answer_required"
    ));
    assert!(has(
        &fields(multi(
            vec![opt(1, "a", 0.5), opt(2, "b", 0.3)],
            CreditRule::Weighted
        )),
        "options",
        "weights_sum_invalid"
    ));
    assert!(multi(
        vec![opt(1, "a", 0.5), opt(2, "b", 0.3)],
        CreditRule::AllOrNothing
    )
    .is_ok());
    assert!(multi(
        vec![opt(1, "a", 0.5), opt(2, "b", 0.5), opt(3, "c", -1.0)],
        CreditRule::Weighted
    )
    .is_ok());
}

#[test]
fn numeric_text_matching_ordering_blanks() {
    let num = q(
        "p",
        QuestionKind::Numeric(Numeric {
            answers: vec![NumericAnswer {
                value: 1.0,
                tolerance: -0.1,
                unit: None,
                credit: 1.0,
                feedback: String::new(),
            }],
            units: UnitRule::Required,
        }),
    );
    let r = fields(num.validate());
    assert!(has(&r, "answers.0.tolerance", "out_of_range"));
    assert!(has(&r, "answers.0.unit", "required"));

    let st = q(
        "p",
        QuestionKind::ShortText(ShortText {
            answers: vec![ta("x", 0.5)],
        }),
    );
    assert!(has(
        &fields(st.validate()),
        "answers",
        "correct_answer_required"
    ));

    let pair = |id, l: &str, r: &str| MatchPair {
        id: OptionId(id),
        left: l.into(),
        right: r.into(),
    };
    let m = q(
        "p",
        QuestionKind::Matching(Matching {
            pairs: vec![pair(1, "Cat", "meow"), pair(2, " cat ", "purr")],
            distractors: vec![],
        }),
    );
    assert!(has(&fields(m.validate()), "pairs.1.left", "duplicate"));
    let m = q(
        "p",
        QuestionKind::Matching(Matching {
            pairs: vec![pair(1, "Cat", "meow")],
            distractors: vec![],
        }),
    );
    assert!(has(&fields(m.validate()), "pairs", "too_few"));

    let o = q(
        "p",
        QuestionKind::Ordering(Ordering {
            items: vec![OrderItem {
                id: OptionId(1),
                text: "a".into(),
            }],
            credit_rule: OrderCredit::Positional,
        }),
    );
    assert!(has(&fields(o.validate()), "items", "too_few"));

    let blanks = |prompt: &str, n: usize| {
        q(
            prompt,
            QuestionKind::FillBlanks(FillBlanks {
                blanks: (0..n)
                    .map(|_| Blank {
                        answers: vec![ta("x", 1.0)],
                        dropdown: false,
                    })
                    .collect(),
            }),
        )
        .validate()
    };
    assert!(blanks("a [[1]] b [[2]]", 2).is_ok());
    assert!(blanks("[[2]] then [[1]]", 2).is_ok());
    assert!(has(
        &fields(blanks("a [[1]] b", 2)),
        "prompt",
        "blanks_mismatch"
    ));
    assert!(has(
        &fields(blanks("a [[1]] [[1]]", 2)),
        "prompt",
        "blanks_mismatch"
    ));
    assert!(has(
        &fields(blanks("a [[1]] [[3]]", 2)),
        "prompt",
        "blanks_mismatch"
    ));
}

#[test]
fn placeholders() {
    assert_eq!(blank_placeholders("[[1]] and [[12]]"), vec![1, 12]);
    assert_eq!(blank_placeholders("[[[1]]] [[0]] [[x]] [[3]"), vec![1]);
    assert_eq!(blank_placeholders("é[[2]]ü"), vec![2]);
    assert!(blank_placeholders("[[").is_empty());
}

#[test]
fn serde_shape() {
    let x = q(
        "p",
        QuestionKind::MultipleChoice(MultipleChoice {
            options: vec![opt(1, "a", 1.0), opt(2, "b", 0.0)],
            credit_rule: CreditRule::AllOrNothing,
            shuffle: true,
        }),
    );
    let v = serde_json::to_value(&x).unwrap();
    assert_eq!(v["type"], "multiple_choice");
    assert_eq!(v["credit_rule"], "all_or_nothing");
    assert_eq!(v["options"][0]["id"], 1);
    let back: Question = serde_json::from_value(v).unwrap();
    assert_eq!(back, x);
    let e: Question = serde_json::from_str(&format!(
        r#"{{"id":"{}","title":"t","prompt":"p","points":2,"type":"essay"}}"#,
        x.id
    ))
    .unwrap();
    assert_eq!(e.kind, QuestionKind::Essay(Essay {}));
    assert_eq!(e.points, 2.0);
}

#[test]
fn display_order_is_stable_and_complete() {
    let x = q(
        "p",
        QuestionKind::SingleChoice(SingleChoice {
            options: (1..=6)
                .map(|i| opt(i, "o", if i == 1 { 1.0 } else { 0.0 }))
                .collect(),
            shuffle: true,
        }),
    );
    let a = x.display_order(42);
    assert_eq!(a, x.display_order(42));
    let mut sorted = a.clone();
    sorted.sort();
    assert_eq!(sorted, (1..=6).map(OptionId).collect::<Vec<_>>());
    assert!((0..20).any(|s| x.display_order(s) != a), "seeds differ");

    let o = q(
        "p",
        QuestionKind::Ordering(Ordering {
            items: (1..=2)
                .map(|i| OrderItem {
                    id: OptionId(i),
                    text: i.to_string(),
                })
                .collect(),
            credit_rule: OrderCredit::AllOrNothing,
        }),
    );
    for s in 0..50 {
        assert_eq!(o.display_order(s), vec![OptionId(2), OptionId(1)]);
    }
}

#[test]
fn question_types_round_trip_and_name_the_serde_tag() {
    // `questions.kind` is 24 characters wide (m0004).
    crate::str_enum::tests::round_trips::<QuestionType>(24);
    let kinds = [
        QuestionKind::TrueFalse(TrueFalse {
            correct: true,
            feedback_true: String::new(),
            feedback_false: String::new(),
        }),
        QuestionKind::Essay(Essay {}),
    ];
    for kind in kinds {
        let json = serde_json::to_value(q("p", kind.clone())).unwrap();
        assert_eq!(json["type"], kind.question_type().as_str());
        assert_eq!(kind.type_name(), kind.question_type().as_str());
    }
}
