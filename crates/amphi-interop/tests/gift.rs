//! GIFT round trips and robustness: parse → export → parse gives the same questions.

use amphi_core::assessment::question::{
    Blank, ChoiceOption, CreditRule, FillBlanks, MultipleChoice, OptionId, QuestionKind,
    SingleChoice, TextAnswer, TextMatch,
};
use amphi_core::assessment::{score, Response, Scored};
use amphi_interop::gift::{export, parse, GiftItem, TextFormat};
use proptest::prelude::*;

const SAMPLE: &str = include_str!("data/sample.gift");

/// Copies ids from `a` onto `b` (ids are fresh on every import) so the rest can be compared.
fn same_ids(a: &[GiftItem], b: &mut [GiftItem]) {
    for (x, y) in a.iter().zip(b.iter_mut()) {
        y.question.id = x.question.id;
    }
}

#[test]
fn sample_parses_with_every_type() {
    let items = parse(SAMPLE).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(items.len(), 15);
    let types: Vec<&str> = items.iter().map(|i| i.question.kind.type_name()).collect();
    assert_eq!(
        types,
        vec![
            "single_choice",
            "multiple_choice",
            "true_false",
            "true_false",
            "fill_blanks",
            "numeric",
            "numeric",
            "numeric",
            "fill_blanks",
            "short_text",
            "matching",
            "essay",
            "true_false",
            "true_false",
            "single_choice",
        ]
    );
    assert_eq!(items[0].category, vec!["$course$", "top", "Geography"]);
    assert_eq!(items[5].category, vec!["$course$", "top", "Maths/Physics"]);
    assert_eq!(items[5].format, Some(TextFormat::Markdown));
    assert_eq!(items[3].question.title, "Grant is buried in Grant's tomb.");
    assert_eq!(
        items[11].question.prompt,
        "Write about {, }, ~, =, #, : and a backslash \\.\nSecond line."
    );
    assert_eq!(items[11].question.title, "Escapes : all of them");
    assert_eq!(
        items[12].question.prompt,
        "<p>This prompt\nspans <b>two</b> lines.</p>"
    );
    assert_eq!(items[12].question.general_feedback, "See <em>this</em>.");
    assert_eq!(items[13].format, Some(TextFormat::Plain));
    for it in &items {
        it.question.validate().unwrap();
    }
}

#[test]
fn sample_round_trips() {
    let first = parse(SAMPLE).unwrap();
    let out = export(&first);
    assert_eq!(
        (out.exported, out.skipped, out.approximated),
        (15, 0, 0),
        "{}",
        out.text
    );
    let mut second = parse(&out.text).unwrap_or_else(|e| panic!("{e:#?}\n{}", out.text));
    same_ids(&first, &mut second);
    assert_eq!(first, second, "{}", out.text);
    // And the export of the re-import is the same text.
    assert_eq!(export(&second).text, out.text);
}

#[test]
fn imported_questions_score() {
    let items = parse(SAMPLE).unwrap();
    let frac = |i: usize, r: Response| match score(&items[i].question, &r).unwrap() {
        Scored::Graded { fraction, .. } => fraction,
        Scored::NeedsGrading => -1.0,
    };
    assert_eq!(
        frac(
            0,
            Response::SingleChoice {
                chosen: Some(OptionId(3))
            }
        ),
        0.5
    );
    assert_eq!(
        frac(
            1,
            Response::MultipleChoice {
                chosen: vec![OptionId(1), OptionId(2)]
            }
        ),
        1.0
    );
    assert_eq!(
        frac(
            4,
            Response::FillBlanks {
                blanks: vec!["nothing".into()]
            }
        ),
        1.0
    );
    assert_eq!(
        frac(
            6,
            Response::Numeric {
                value: Some(4.9),
                unit: String::new()
            }
        ),
        1.0
    );
    assert_eq!(
        frac(
            9,
            Response::ShortText {
                text: "general grant".into()
            }
        ),
        1.0
    );
    assert_eq!(frac(11, Response::Essay { text: "…".into() }), -1.0);
}

#[test]
fn approximations_are_counted() {
    let mut items = parse("::A::Pick {~%50%a ~%50%b ~c}\n\n::B::Say {=Paris}").unwrap();
    let QuestionKind::MultipleChoice(m) = &mut items[0].question.kind else {
        panic!()
    };
    m.credit_rule = CreditRule::AllOrNothing;
    items[1].question.points = 2.0;
    let out = export(&items);
    assert_eq!((out.exported, out.skipped, out.approximated), (2, 0, 2));
    // Proportional credit is exactly Moodle's ±1/k weights: not an approximation.
    let QuestionKind::MultipleChoice(m) = &mut items[0].question.kind else {
        panic!()
    };
    m.credit_rule = CreditRule::Proportional;
    items[1].question.points = 1.0;
    let out = export(&items);
    assert_eq!(out.approximated, 0, "{}", out.text);
    let back = parse(&out.text).unwrap();
    let r = Response::MultipleChoice {
        chosen: vec![OptionId(1), OptionId(3)],
    };
    assert_eq!(
        score(&items[0].question, &r).unwrap(),
        score(&back[0].question, &r).unwrap()
    );
}

/// Texts with every GIFT special character, never blank at either end.
fn gift_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9~=#{}:%\\\\/\\[\\]<>*\\- \n.]{0,24}[a-zA-Z0-9~=#{}:%\\\\/\\[\\]<>*.-]"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("non-blank", |s| !s.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_never_panics(src in "[a-zA-Z0-9~=#{}:%\\\\/\\[\\]<>*\\-$ \n\t.]{0,200}") {
        let _ = parse(&src);
    }

    #[test]
    fn parse_never_panics_on_any_unicode(src in "\\PC{0,200}") {
        let _ = parse(&src);
    }

    #[test]
    fn any_text_survives_a_round_trip(
        title in gift_text(),
        prompt in gift_text(),
        texts in proptest::collection::vec(gift_text(), 2..6),
        feedback in proptest::collection::vec(prop_oneof![Just(String::new()), gift_text()], 6),
        general in prop_oneof![Just(String::new()), gift_text()],
        weights in proptest::collection::vec(0u32..100, 6),
        multi in any::<bool>(),
        category in proptest::collection::vec("[a-zA-Z/ ]{1,8}[a-z]", 0..3),
    ) {
        let options: Vec<ChoiceOption> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| ChoiceOption {
                id: OptionId(i as u32 + 1),
                text: t.clone(),
                credit: if i == 0 { 1.0 } else { f64::from(weights[i]) / 100.0 },
                feedback: feedback[i].clone(),
            })
            .collect();
        let kind = if multi {
            let mut options = options;
            options[0].credit = 1.0;
            for o in options.iter_mut().skip(1) { o.credit = -o.credit; }
            QuestionKind::MultipleChoice(MultipleChoice {
                options, credit_rule: CreditRule::Weighted, shuffle: true,
            })
        } else {
            QuestionKind::SingleChoice(SingleChoice { options, shuffle: true })
        };
        let mut item = parse("Seed {T}").unwrap().remove(0);
        item.category = category
            .iter()
            .flat_map(|c| c.split('/').map(|s| s.trim().to_owned()).collect::<Vec<_>>())
            .filter(|s| !s.is_empty())
            .collect();
        item.question.title = title;
        item.question.prompt = prompt;
        item.question.general_feedback = general;
        item.question.kind = kind;
        prop_assume!(item.question.validate().is_ok());
        let out = export(std::slice::from_ref(&item));
        let mut back = parse(&out.text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{}", out.text)))?;
        prop_assert_eq!(back.len(), 1);
        back[0].question.id = item.question.id;
        if item.format.is_none() && back[0].format == Some(TextFormat::Markdown) {
            // A prompt that itself starts with a format tag is protected by `[markdown]`.
            back[0].format = None;
        }
        prop_assert_eq!(&back[0], &item, "{}", out.text);
    }

    #[test]
    fn one_blank_round_trips(
        before in "[a-zA-Z ,]{0,10}",
        after in "[a-zA-Z ,.]{0,10}",
        answers in proptest::collection::vec("[a-zA-Z][a-zA-Z ]{0,8}[a-z]", 2..5),
        dropdown in any::<bool>(),
    ) {
        let prompt = format!("{before}[[1]]{after}").trim().to_owned();
        let mut item = parse("Seed {T}").unwrap().remove(0);
        item.question.prompt = prompt;
        item.question.kind = QuestionKind::FillBlanks(FillBlanks {
            blanks: vec![Blank {
                answers: answers
                    .iter()
                    .enumerate()
                    .map(|(i, a)| TextAnswer {
                        text: a.clone(),
                        mode: if dropdown { TextMatch::Exact } else { TextMatch::CaseInsensitive },
                        credit: if i == 0 { 1.0 } else { 0.0 },
                        feedback: String::new(),
                    })
                    .collect(),
                dropdown,
            }],
        });
        prop_assume!(item.question.validate().is_ok());
        let out = export(std::slice::from_ref(&item));
        let mut back = parse(&out.text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{}", out.text)))?;
        back[0].question.id = item.question.id;
        if after.trim().is_empty() {
            // No text after the blank: GIFT cannot say "missing word"; the answers follow the
            // text as a short answer or single choice, and the export says so.
            prop_assert_eq!(out.approximated, 1);
            prop_assert!(matches!(
                back[0].question.kind,
                QuestionKind::ShortText(_) | QuestionKind::SingleChoice(_)
            ));
        } else {
            prop_assert_eq!(out.approximated, 0);
            prop_assert_eq!(&back[0], &item, "{}", out.text);
        }
    }
}
