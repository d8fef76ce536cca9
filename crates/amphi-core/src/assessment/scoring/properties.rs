//! Property tests of scoring: any question of any type, any response of its shape.

use super::super::question::*;
use super::tests::*;
use super::*;
use proptest::prelude::*;

/// Any valid question of any type (with its fully correct response).
fn arb_question() -> impl Strategy<Value = (Question, Response)> {
    prop_oneof![
        arb_single(),
        arb_multi(),
        any::<bool>().prop_map(|c| (
            question(QuestionKind::TrueFalse(TrueFalse {
                correct: c,
                feedback_true: String::new(),
                feedback_false: String::new()
            })),
            Response::TrueFalse { answer: Some(c) }
        )),
        arb_numeric(),
        arb_short(),
        arb_matching(),
        arb_ordering(),
        arb_blanks(),
    ]
}

fn arb_single() -> impl Strategy<Value = (Question, Response)> {
    (
        2usize..8,
        0usize..8,
        proptest::collection::vec(0.0f64..1.0, 8),
    )
        .prop_map(|(n, right, partial)| {
            let right = right % n;
            let options = (0..n)
                .map(|i| {
                    opt(
                        i as u32 + 10,
                        if i == right { 1.0 } else { partial[i] * 0.99 },
                    )
                })
                .collect();
            (
                question(QuestionKind::SingleChoice(SingleChoice {
                    options,
                    shuffle: true,
                })),
                Response::SingleChoice {
                    chosen: Some(OptionId(right as u32 + 10)),
                },
            )
        })
}

fn arb_multi() -> impl Strategy<Value = (Question, Response)> {
    (
        proptest::collection::vec(any::<bool>(), 2..9),
        prop_oneof![
            Just(CreditRule::AllOrNothing),
            Just(CreditRule::Proportional),
            Just(CreditRule::Weighted)
        ],
        proptest::collection::vec(-1.0f64..=0.0, 9),
    )
        .prop_map(|(mut right, rule, neg)| {
            right[0] = true;
            let k = right.iter().filter(|r| **r).count() as f64;
            let options = right
                .iter()
                .enumerate()
                .map(|(i, &r)| opt(i as u32 + 1, if r { 1.0 / k } else { neg[i] }))
                .collect();
            let chosen = right
                .iter()
                .enumerate()
                .filter(|(_, r)| **r)
                .map(|(i, _)| OptionId(i as u32 + 1))
                .collect();
            (
                question(QuestionKind::MultipleChoice(MultipleChoice {
                    options,
                    credit_rule: rule,
                    shuffle: true,
                })),
                Response::MultipleChoice { chosen },
            )
        })
}

fn arb_numeric() -> impl Strategy<Value = (Question, Response)> {
    (-1e6f64..1e6, 0.0f64..100.0, any::<bool>()).prop_map(|(v, tol, unit)| {
        (
            question(QuestionKind::Numeric(Numeric {
                answers: vec![NumericAnswer {
                    value: v,
                    tolerance: tol,
                    unit: unit.then(|| "kg".to_owned()),
                    credit: 1.0,
                    feedback: String::new(),
                }],
                units: if unit {
                    UnitRule::Required
                } else {
                    UnitRule::Optional
                },
            })),
            Response::Numeric {
                value: Some(v),
                unit: if unit { "kg".into() } else { String::new() },
            },
        )
    })
}

fn arb_short() -> impl Strategy<Value = (Question, Response)> {
    ("[a-zA-Z][a-zA-Z ]{0,12}", 0usize..3).prop_map(|(text, mode)| {
        let mode = [
            TextMatch::Exact,
            TextMatch::CaseInsensitive,
            TextMatch::Pattern,
        ][mode];
        (
            question(QuestionKind::ShortText(ShortText {
                answers: vec![ta(&text, mode, 1.0)],
            })),
            Response::ShortText { text },
        )
    })
}

fn arb_matching() -> impl Strategy<Value = (Question, Response)> {
    (2usize..7, 0usize..3).prop_map(|(n, d)| {
        let q = question(QuestionKind::Matching(Matching {
            pairs: (0..n)
                .map(|i| MatchPair {
                    id: OptionId(i as u32 + 1),
                    left: format!("left {i}"),
                    right: format!("right {}", i % 3),
                })
                .collect(),
            distractors: (0..d)
                .map(|i| Distractor {
                    id: OptionId(100 + i as u32),
                    text: format!("nope {i}"),
                })
                .collect(),
        }));
        let r = Response::Matching {
            pairs: (0..n)
                .map(|i| MatchAnswer {
                    left: OptionId(i as u32 + 1),
                    right: OptionId(i as u32 + 1),
                })
                .collect(),
        };
        (q, r)
    })
}

fn arb_ordering() -> impl Strategy<Value = (Question, Response)> {
    (2usize..8, any::<bool>()).prop_map(|(n, all)| {
        let q = question(QuestionKind::Ordering(Ordering {
            items: (0..n)
                .map(|i| OrderItem {
                    id: OptionId(i as u32 * 7 + 3),
                    text: format!("item {i}"),
                })
                .collect(),
            credit_rule: if all {
                OrderCredit::AllOrNothing
            } else {
                OrderCredit::Positional
            },
        }));
        let r = Response::Ordering {
            order: (0..n).map(|i| OptionId(i as u32 * 7 + 3)).collect(),
        };
        (q, r)
    })
}

fn arb_blanks() -> impl Strategy<Value = (Question, Response)> {
    (1usize..5, any::<bool>()).prop_map(|(n, dropdown)| {
        let mut q = question(QuestionKind::FillBlanks(FillBlanks {
            blanks: (0..n)
                .map(|i| Blank {
                    answers: vec![
                        ta(&format!("w{i}"), TextMatch::CaseInsensitive, 1.0),
                        ta(&format!("x{i}"), TextMatch::Exact, 0.0),
                    ],
                    dropdown,
                })
                .collect(),
        }));
        q.prompt = (1..=n).map(|i| format!("[[{i}]] ")).collect();
        let r = Response::FillBlanks {
            blanks: (0..n).map(|i| format!("W{i}")).collect(),
        };
        (q, r)
    })
}

/// Ids a response might name: every part id of the question plus some that do not exist.
fn part_ids(q: &Question) -> Vec<OptionId> {
    let mut ids: Vec<OptionId> = match &q.kind {
        QuestionKind::SingleChoice(s) => s.options.iter().map(|o| o.id).collect(),
        QuestionKind::MultipleChoice(m) => m.options.iter().map(|o| o.id).collect(),
        QuestionKind::Matching(m) => m
            .pairs
            .iter()
            .map(|p| p.id)
            .chain(m.distractors.iter().map(|d| d.id))
            .collect(),
        QuestionKind::Ordering(o) => o.items.iter().map(|i| i.id).collect(),
        _ => Vec::new(),
    };
    ids.sort();
    ids
}

/// A random response of the question's own shape, using only ids the question has (the
/// garbage a confused learner can produce in the UI).
fn garbage_for(q: &Question, picks: &[usize], texts: &[String], num: f64) -> Response {
    let ids = part_ids(q);
    let pick = |i: usize| ids[picks[i % picks.len()] % ids.len()];
    let distinct = |n: usize| {
        let mut seen = Vec::new();
        for i in 0..n {
            let id = pick(i);
            if !seen.contains(&id) {
                seen.push(id);
            }
        }
        seen
    };
    match &q.kind {
        QuestionKind::SingleChoice(_) => Response::SingleChoice {
            chosen: (!picks[0].is_multiple_of(3)).then(|| pick(0)),
        },
        QuestionKind::MultipleChoice(_) => Response::MultipleChoice {
            chosen: distinct(picks.len()),
        },
        QuestionKind::TrueFalse(_) => Response::TrueFalse {
            answer: [None, Some(true), Some(false)][picks[0] % 3],
        },
        QuestionKind::Numeric(_) => Response::Numeric {
            value: Some(num),
            unit: texts[0].clone(),
        },
        QuestionKind::ShortText(_) => Response::ShortText {
            text: texts[0].clone(),
        },
        QuestionKind::Matching(m) => {
            let lefts: Vec<OptionId> = m.pairs.iter().map(|p| p.id).collect();
            Response::Matching {
                pairs: lefts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !picks[i % picks.len()].is_multiple_of(4))
                    .map(|(i, &l)| MatchAnswer {
                        left: l,
                        right: pick(i + 1),
                    })
                    .collect(),
            }
        }
        QuestionKind::Ordering(o) => Response::Ordering {
            order: distinct(picks.len())
                .into_iter()
                .take(o.items.len())
                .collect(),
        },
        QuestionKind::FillBlanks(f) => Response::FillBlanks {
            blanks: f
                .blanks
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    if b.dropdown {
                        b.answers[picks[i % picks.len()] % b.answers.len()]
                            .text
                            .clone()
                    } else {
                        texts[i % texts.len()].clone()
                    }
                })
                .collect(),
        },
        QuestionKind::Essay(_) => Response::Essay {
            text: texts[0].clone(),
        },
    }
}

fn graded(s: Scored) -> f64 {
    match s {
        Scored::Graded { fraction, points } => {
            assert!(points.is_finite());
            fraction
        }
        Scored::NeedsGrading => -1.0,
    }
}

/// The question with its options (pairs, distractors) listed in display order: the same
/// ids, another order.
fn reordered(q: &Question, seed: u64) -> Question {
    let order = q.display_order(seed);
    let pos = |id: &OptionId| order.iter().position(|x| x == id).unwrap_or(usize::MAX);
    let mut q = q.clone();
    match &mut q.kind {
        QuestionKind::SingleChoice(s) => s.options.sort_by_key(|o| pos(&o.id)),
        QuestionKind::MultipleChoice(m) => m.options.sort_by_key(|o| pos(&o.id)),
        QuestionKind::Matching(m) => {
            m.pairs.sort_by_key(|p| pos(&p.id));
            m.distractors.sort_by_key(|d| pos(&d.id));
        }
        _ => {}
    }
    q
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_questions_are_valid((q, _) in arb_question()) {
        prop_assert!(q.validate().is_ok(), "{:?}", q.validate());
    }

    #[test]
    fn fully_correct_scores_one((q, right) in arb_question()) {
        let f = graded(score(&q, &right).unwrap());
        prop_assert!((f - 1.0).abs() < 1e-12, "{f}");
    }

    #[test]
    fn empty_scores_zero((q, _) in arb_question()) {
        prop_assert_eq!(graded(score(&q, &Response::empty_for(&q)).unwrap()), 0.0);
    }

    #[test]
    fn garbage_of_the_right_shape_scores_within_bounds(
        (q, _) in arb_question(),
        picks in proptest::collection::vec(any::<usize>(), 1..12),
        texts in proptest::collection::vec(".{0,12}", 1..5),
        num in any::<f64>(),
    ) {
        let r = garbage_for(&q, &picks, &texts, num);
        let f = graded(score(&q, &r).unwrap());
        prop_assert!(f.is_finite() && (0.0..=1.0).contains(&f), "{f}");
    }

    #[test]
    fn forged_ids_never_panic(
        (q, _) in arb_question(),
        ids in proptest::collection::vec(0u32..120, 0..12),
        texts in proptest::collection::vec(".{0,6}", 0..8),
    ) {
        let ids: Vec<OptionId> = ids.into_iter().map(OptionId).collect();
        let candidates = [
            Response::SingleChoice { chosen: ids.first().copied() },
            Response::MultipleChoice { chosen: ids.clone() },
            Response::Ordering { order: ids.clone() },
            Response::Matching {
                pairs: ids.chunks(2).filter(|c| c.len() == 2)
                    .map(|c| MatchAnswer { left: c[0], right: c[1] }).collect(),
            },
            Response::FillBlanks { blanks: texts.clone() },
            Response::ShortText { text: texts.concat() },
            Response::Essay { text: String::new() },
        ];
        for r in &candidates {
            match score(&q, r) {
                Ok(s) => {
                    let f = graded(s);
                    prop_assert!(f == -1.0 || (0.0..=1.0).contains(&f));
                }
                Err(e) => prop_assert!(matches!(e, Error::BadRequest("answer_invalid"))),
            }
        }
    }

    #[test]
    fn display_order_does_not_change_the_score(
        (q, _) in arb_question(),
        seed in any::<u64>(),
        picks in proptest::collection::vec(any::<usize>(), 1..12),
        texts in proptest::collection::vec("[a-z]{0,4}", 1..4),
    ) {
        let r = garbage_for(&q, &picks, &texts, 1.0);
        let shown = reordered(&q, seed);
        prop_assert_eq!(score(&q, &r).unwrap(), score(&shown, &r).unwrap());
        // The display order is a permutation of the question's own parts.
        let mut order = q.display_order(seed);
        order.sort();
        prop_assert_eq!(order, part_ids(&q));
    }

    #[test]
    fn numeric_within_tolerance_scores_outside_does_not(
        v in -1e6f64..1e6,
        tol in 0.0f64..50.0,
        t in -1.0f64..=1.0,
        beyond in 1e-3f64..1e3,
        sign in any::<bool>(),
    ) {
        let q = question(QuestionKind::Numeric(Numeric {
            answers: vec![NumericAnswer {
                value: v, tolerance: tol, unit: None, credit: 1.0, feedback: String::new(),
            }],
            units: UnitRule::Optional,
        }));
        let inside = v + t * tol * 0.999_999;
        prop_assert_eq!(frac(&q, &num(inside, "")), 1.0);
        let d = tol + beyond;
        let outside = if sign { v + d } else { v - d };
        prop_assert_eq!(frac(&q, &num(outside, "")), 0.0);
    }

    #[test]
    fn proportional_equals_symmetric_weights(
        right in proptest::collection::vec(any::<bool>(), 2..9),
        chosen in proptest::collection::vec(any::<bool>(), 9),
    ) {
        // Proportional equals Moodle weights of +1/k for right and -1/k for wrong options.
        let mut right = right;
        right[0] = true;
        let k = right.iter().filter(|r| **r).count() as f64;
        let ids: Vec<u32> = (0..right.len()).filter(|&i| chosen[i]).map(|i| i as u32 + 1).collect();
        let flags: Vec<f64> = right.iter().map(|&r| if r { 1.0 } else { 0.0 }).collect();
        let weights: Vec<f64> = right.iter().map(|&r| if r { 1.0 / k } else { -1.0 / k }).collect();
        let p = frac(&multi(CreditRule::Proportional, &flags), &chose(&ids));
        let w = frac(&multi(CreditRule::Weighted, &weights), &chose(&ids));
        prop_assert!((p - w).abs() < 1e-9, "{p} vs {w}");
    }
}
