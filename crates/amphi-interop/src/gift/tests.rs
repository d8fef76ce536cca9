//! The GIFT format through its public functions: import, its errors, and export.

use super::*;
use amphi_core::assessment::question::{
    Blank, CreditRule, Essay, FillBlanks, OptionId, QuestionKind, TextAnswer, TextMatch, TrueFalse,
};

fn one(src: &str) -> GiftItem {
    let mut v = parse(src).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(v.len(), 1, "{v:?}");
    v.remove(0)
}

fn errors(src: &str) -> Vec<(usize, String)> {
    match parse(src) {
        Ok(v) => panic!("parsed: {v:?}"),
        Err(e) => e
            .into_iter()
            .map(|e| (e.line, e.message_code.to_owned()))
            .collect(),
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
        assert!(has(&e, 1, "gift_html_unsafe"), "{bad}: {e:?}");
    }
    // Words, and Markdown or plain text, are not HTML.
    assert!(parse("[html]<p>Click on = the button, once more</p> {T}").is_ok());
    assert!(parse("[plain]<script> is a tag {T}").is_ok());
}

#[test]
fn error_unclosed_brace_reports_its_line() {
    let src = "::Q1:: Fine {=a ~b}\n\n::Q2:: Broken\n{=a\n~b\n\n::Q3:: Fine {T}\n";
    let e = errors(src);
    assert_eq!(e, vec![(4, "gift_brace_unclosed".to_owned())]);
    let e = errors("Q {=a ~b\nQ2 {=c ~d}");
    assert!(has(&e, 1, "gift_brace_unclosed"), "{e:?}");
    assert!(has(&errors("Q =a} {T}"), 1, "gift_brace_unexpected"));
    assert!(has(
        &errors("Q {T}\nthen {F}"),
        2,
        "gift_answer_block_repeated"
    ));
}

#[test]
fn error_no_correct_answer() {
    let src = "A {T}\n\n\n::No right:: Pick {\n~a\n~b\n}\n\nSingle {=%50%a ~b}";
    let e = errors(src);
    assert!(has(&e, 4, "gift_correct_answer_required"), "{e:?}");
    assert!(has(&e, 9, "gift_correct_answer_required"), "{e:?}");
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
            (3, "gift_escape_unknown".to_owned()),
            (5, "gift_escape_unknown".to_owned())
        ]
    );
    let errs = parse(src).unwrap_err();
    assert_eq!(errs[1].excerpt, "~b \\q");
    assert!(has(&errors("Trailing {T} \\"), 1, "gift_escape_unknown"));
}

#[test]
fn error_empty_question() {
    assert_eq!(
        errors("::Empty::{=a ~b}"),
        vec![(1, "gift_question_empty".into())]
    );
    assert_eq!(
        errors("{T}\n\n::Only a title::"),
        vec![
            (1, "gift_question_empty".into()),
            (3, "gift_question_empty".into())
        ]
    );
    assert_eq!(
        errors("Just text, no answers"),
        vec![(1, "gift_answer_block_missing".into())]
    );
}

#[test]
fn error_bad_numeric() {
    assert_eq!(errors("N {#abc}"), vec![(1, "gift_numeric_invalid".into())]);
    assert_eq!(
        errors("N {#5..1}"),
        vec![(1, "gift_numeric_invalid".into())]
    );
    assert_eq!(
        errors("N {#3:-1}"),
        vec![(1, "gift_numeric_invalid".into())]
    );
    assert_eq!(errors("N {#}"), vec![(1, "gift_numeric_invalid".into())]);
    assert_eq!(errors("N {#inf}"), vec![(1, "gift_numeric_invalid".into())]);
    let e = errors("A {T}\n\nN {#\n=1:0\n=%50%two:1\n~3..x\n}");
    assert_eq!(
        e,
        vec![
            (5, "gift_numeric_invalid".into()),
            (6, "gift_numeric_invalid".into())
        ]
    );
}

#[test]
fn other_errors() {
    assert!(has(&errors("::T No end {T}"), 1, "gift_title_unclosed"));
    assert!(has(&errors("Q {~%500%a =b}"), 1, "gift_weight_invalid"));
    assert!(has(&errors("Q {maybe}"), 1, "gift_answer_syntax_invalid"));
    assert!(has(
        &errors("Q {T} more"),
        1,
        "gift_missing_word_unsupported"
    ));
    assert!(has(
        &errors("Q {=a -> b =c}"),
        1,
        "gift_matching_syntax_invalid"
    ));
    assert!(has(&errors("Q {=a -> b}"), 1, "gift_too_few"));
    assert!(has(&errors("Q {=a ~}"), 1, "gift_answer_empty"));
    assert!(has(
        &errors("Q {=a =b ~c}"),
        1,
        "gift_correct_answer_not_unique"
    ));
}

#[test]
fn every_error_is_reported_and_nothing_is_imported() {
    let src = "Good {T}\n\nBad {~a ~b}\n\nAlso good {=x ~y}\n\nBad too {#x}\n";
    let e = errors(src);
    assert_eq!(
        e,
        vec![
            (3, "gift_correct_answer_required".into()),
            (7, "gift_numeric_invalid".into())
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

#[test]
fn every_error_code_is_declared_with_a_message() {
    let bad = [
        "[html]<script>alert(1)</script> Ok? {T}",
        "Q {=a -> b}",
        "Q {=a",
        "Q =a} {T}",
        "Q {T}\nthen {F}",
        "Q {~a ~b}",
        "Esc \\q {T}",
        "{T}",
        "No answers here",
        "N {#abc}",
        "::T No end {T}",
        "Q {~%500%a =b}",
        "Q {maybe}",
        "Q {T} more",
        "Q {=a -> b =c}",
        "Q {=a ~}",
        "Q {=a =b ~c}",
    ];
    for src in bad {
        for (_, code) in errors(src) {
            assert!(
                amphi_core::codes::ALL.contains(&code.as_str()) && code.starts_with("gift_"),
                "{src}: {code} is not a declared gift_ code"
            );
        }
    }
}
