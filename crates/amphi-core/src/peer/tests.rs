use super::*;
use proptest::prelude::*;
use std::time::Instant;

type Sub = Submission<u32, u32>;
type Asg = Assignment<u32, u32>;

fn subs(authors: std::ops::Range<u32>) -> Vec<Sub> {
    authors
        .map(|a| Submission {
            id: 1_000_000 + a,
            author: a,
            order: i64::from(a),
        })
        .collect()
}

fn req<'a>(
    k: u32,
    m: u32,
    seed: u64,
    s: &'a [Sub],
    r: &'a [Reviewer<u32>],
    e: &'a [Asg],
) -> AllocationRequest<'a, u32, u32> {
    AllocationRequest {
        settings: AllocationSettings {
            reviews_per_submission: k,
            reviews_per_reviewer: m,
            seed,
        },
        submissions: s,
        reviewers: r,
        existing: e,
    }
}

fn cap(kind: ReviewerKind, m: u32) -> usize {
    match kind {
        ReviewerKind::Peer => m as usize,
        ReviewerKind::Volunteer { extra } => (m + extra) as usize,
        ReviewerKind::Staff { capacity } => capacity as usize,
    }
}

/// Checks every rule on `existing + new`; returns the loads per reviewer id.
fn check(rq: &AllocationRequest<'_, u32, u32>, out: &Allocation<u32, u32>) -> HashMap<u32, usize> {
    let k = rq.settings.reviews_per_submission as usize;
    let m = rq.settings.reviews_per_reviewer;
    let author: HashMap<u32, u32> = rq.submissions.iter().map(|s| (s.id, s.author)).collect();
    let kinds: HashMap<u32, ReviewerKind> = rq.reviewers.iter().map(|r| (r.id, r.kind)).collect();
    let mut pairs: HashSet<(u32, u32)> = HashSet::new();
    let mut per_sub: HashMap<u32, usize> = HashMap::new();
    let mut load: HashMap<u32, usize> = HashMap::new();
    for a in rq.existing {
        if pairs.insert((a.submission, a.reviewer)) {
            *per_sub.entry(a.submission).or_default() += 1;
            *load.entry(a.reviewer).or_default() += 1;
        }
    }
    let before = load.clone();
    for a in &out.assignments {
        assert_ne!(
            author.get(&a.submission),
            Some(&a.reviewer),
            "self review {a:?}"
        );
        assert!(pairs.insert((a.submission, a.reviewer)), "duplicate {a:?}");
        assert!(author.contains_key(&a.submission), "unknown submission");
        assert!(kinds.contains_key(&a.reviewer), "unknown reviewer");
        *per_sub.entry(a.submission).or_default() += 1;
        *load.entry(a.reviewer).or_default() += 1;
    }
    // Capacities: new work only below capacity.
    for (id, kind) in &kinds {
        let l = load.get(id).copied().unwrap_or(0);
        let b = before.get(id).copied().unwrap_or(0);
        assert!(l <= cap(*kind, m).max(b), "over capacity: {id} {l}");
    }
    // Never more than k new per submission; short list exact.
    let mut short = Vec::new();
    for s in rq.submissions {
        let c = per_sub.get(&s.id).copied().unwrap_or(0);
        let had = rq.existing.iter().filter(|a| a.submission == s.id).count();
        assert!(c <= k.max(had), "too many reviews for {}", s.id);
        if c < k {
            short.push(Shortfall {
                submission: s.id,
                reviews: c as u32,
                missing: (k - c) as u32,
            });
            // Maximal: nobody could still take it.
            for (id, kind) in &kinds {
                let free = load.get(id).copied().unwrap_or(0) < cap(*kind, m);
                assert!(
                    !(free && s.author != *id && !pairs.contains(&(s.id, *id))),
                    "{} short although {id} is free",
                    s.id
                );
            }
        }
    }
    assert_eq!(out.short, short);
    // Staff only when no peer or volunteer could still take the review.
    for a in &out.assignments {
        if !matches!(kinds[&a.reviewer], ReviewerKind::Staff { .. }) {
            continue;
        }
        for (id, kind) in &kinds {
            let free = load.get(id).copied().unwrap_or(0) < cap(*kind, m);
            let tier0 = !matches!(kind, ReviewerKind::Staff { .. });
            assert!(
                !(tier0
                    && free
                    && author[&a.submission] != *id
                    && !pairs.contains(&(a.submission, *id))),
                "staff {} used although {id} could review {}",
                a.reviewer,
                a.submission
            );
        }
    }
    // Balance: a peer's load exceeds by at most one the load of any peer that could still
    // have taken its last new review.
    let mut last: HashMap<u32, u32> = HashMap::new();
    for a in &out.assignments {
        last.insert(a.reviewer, a.submission);
    }
    for (r, s) in &last {
        if kinds.get(r) != Some(&ReviewerKind::Peer) {
            continue;
        }
        let lr = load[r];
        for (id, kind) in &kinds {
            let la = load.get(id).copied().unwrap_or(0);
            if *kind == ReviewerKind::Peer
                && author[s] != *id
                && !pairs.contains(&(*s, *id))
                && la < m as usize
            {
                assert!(
                    lr <= la + 1,
                    "{r} has {lr} while {id} has {la} and could take {s}"
                );
            }
        }
    }
    load
}

fn peers(ids: std::ops::Range<u32>) -> Vec<Reviewer<u32>> {
    ids.map(|id| Reviewer {
        id,
        kind: ReviewerKind::Peer,
    })
    .collect()
}

#[test]
fn splitmix_matches_the_reference() {
    let mut g = SplitMix64(0);
    assert_eq!(g.next_u64(), 0xE220_A839_7B1D_CDAF);
    assert_eq!(g.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    let mut v: Vec<u32> = (0..100).collect();
    g.shuffle(&mut v);
    let mut w = v.clone();
    w.sort_unstable();
    assert_eq!(w, (0..100).collect::<Vec<_>>());
    assert_ne!(v, w);
}

#[test]
fn small_course_gets_exactly_k_and_even_loads() {
    let s = subs(0..7);
    let r = peers(0..7);
    let rq = req(3, 3, 42, &s, &r, &[]);
    let out = allocate(&rq).unwrap();
    assert_eq!(out.assignments.len(), 21);
    assert!(out.short.is_empty());
    let load = check(&rq, &out);
    assert!(load.values().all(|&l| l == 3));
    // Deterministic for a seed, different for another.
    assert_eq!(allocate(&rq).unwrap(), out);
    let other = allocate(&req(3, 3, 43, &s, &r, &[])).unwrap();
    assert_ne!(other.assignments, out.assignments);
}

#[test]
fn too_few_peers_are_reported_short() {
    let s = subs(0..3);
    let r = peers(0..3);
    let rq = req(3, 3, 1, &s, &r, &[]);
    let out = allocate(&rq).unwrap();
    check(&rq, &out);
    assert_eq!(out.assignments.len(), 6, "each reviews the two others");
    assert_eq!(out.short.len(), 3);
    assert!(out.short.iter().all(|x| x.reviews == 2 && x.missing == 1));
    // A single submitter gets nothing.
    let s1 = subs(0..1);
    let out = allocate(&req(3, 3, 1, &s1, &r[..1], &[])).unwrap();
    assert!(out.assignments.is_empty());
    assert_eq!(out.short[0].missing, 3);
}

#[test]
fn staff_and_volunteers_fill_the_gap() {
    // m = 2 < k = 3: peers do 2 each, the volunteer and staff take the rest.
    let s = subs(0..6);
    let mut r = eligible_reviewers(&s, &[(5, 6), (99, 4)], &[(100, 2)]);
    assert_eq!(r.len(), 7, "non-author volunteer 99 is not eligible");
    assert_eq!(r[5].kind, ReviewerKind::Volunteer { extra: 6 });
    let rq = req(3, 2, 7, &s, &r, &[]);
    let out = allocate(&rq).unwrap();
    let load = check(&rq, &out);
    assert!((0..5).all(|p| load[&p] == 2));
    assert_eq!(
        load[&5], 5,
        "the volunteer took every one it could: not its own, not the two it had"
    );
    assert_eq!(load[&100], 2, "staff took two of the three left");
    assert_eq!(out.short.iter().map(|x| x.missing).sum::<u32>(), 1);
    // Without the volunteer, staff capacity runs out and the rest is short.
    r[5].kind = ReviewerKind::Peer;
    let rq = req(3, 2, 7, &s, &r, &[]);
    let out = allocate(&rq).unwrap();
    check(&rq, &out);
    assert_eq!(out.short.iter().map(|x| x.missing).sum::<u32>(), 6 - 2);
}

#[test]
fn late_submitters_are_added_without_touching_earlier_work() {
    let s = subs(0..10);
    let r = peers(0..10);
    let first = allocate(&req(3, 4, 9, &s, &r, &[])).unwrap();
    let s2 = subs(0..12);
    let r2 = peers(0..12);
    let rq = req(3, 4, 9, &s2, &r2, &first.assignments);
    let second = allocate(&rq).unwrap();
    check(&rq, &second);
    assert!(second
        .assignments
        .iter()
        .all(|a| !first.assignments.contains(a)));
    assert_eq!(second.assignments.len(), 6, "only the two late ones");
    assert!(second.short.is_empty());
    // Re-running with everything adds nothing.
    let mut all = first.assignments.clone();
    all.extend(&second.assignments);
    let third = allocate(&req(3, 4, 9, &s2, &r2, &all)).unwrap();
    assert!(third.assignments.is_empty() && third.short.is_empty());
}

#[test]
fn bad_input_is_refused() {
    let s = subs(0..3);
    let r = peers(0..3);
    let e = |x: Result<Allocation<u32, u32>>| x.unwrap_err().code();
    assert_eq!(e(allocate(&req(0, 3, 0, &s, &r, &[]))), "validation");
    assert_eq!(e(allocate(&req(3, 101, 0, &s, &r, &[]))), "validation");
    let mut d = s.clone();
    d.push(s[0]);
    assert!(matches!(
        allocate(&req(3, 3, 0, &d, &r, &[])),
        Err(Error::BadRequest("submission_duplicate"))
    ));
    let mut d = r.clone();
    d.push(r[0]);
    assert!(matches!(
        allocate(&req(3, 3, 0, &s, &d, &[])),
        Err(Error::BadRequest("reviewer_duplicate"))
    ));
}

#[test]
fn existing_assignments_outside_the_run_still_count() {
    let s = subs(0..5);
    let r = peers(0..5);
    // Submission 0 was already reviewed by 77 (not eligible now), twice by mistake; reviewer
    // 1 reviewed a withdrawn submission.
    let e = vec![
        Assignment {
            submission: 1_000_000,
            reviewer: 77,
        },
        Assignment {
            submission: 1_000_000,
            reviewer: 77,
        },
        Assignment {
            submission: 5,
            reviewer: 1,
        },
    ];
    let rq = req(2, 2, 3, &s, &r, &e);
    let out = allocate(&rq).unwrap();
    let load = check(&rq, &out);
    let on0 = out
        .assignments
        .iter()
        .filter(|a| a.submission == 1_000_000)
        .count();
    assert_eq!(on0, 1);
    assert!(load[&1] <= 2);
}

#[test]
fn one_hundred_thousand_submissions() {
    let n = 100_000u32;
    let s = subs(0..n);
    let r = peers(0..n);
    let t = Instant::now();
    let out = allocate(&req(3, 3, 2027, &s, &r, &[])).unwrap();
    let first = t.elapsed();
    assert_eq!(out.assignments.len(), 300_000);
    assert!(out.short.is_empty());
    let mut per_sub = vec![0u8; n as usize];
    let mut load = vec![0u8; n as usize];
    let mut pairs = HashSet::with_capacity(300_000);
    for a in &out.assignments {
        assert_ne!(a.submission - 1_000_000, a.reviewer);
        assert!(pairs.insert((a.submission, a.reviewer)));
        per_sub[(a.submission - 1_000_000) as usize] += 1;
        load[a.reviewer as usize] += 1;
    }
    assert!(per_sub.iter().all(|&c| c == 3) && load.iter().all(|&l| l == 3));

    // 500 late submitters on top, with m = 4 so the early ones have room.
    let s2 = subs(0..n + 500);
    let r2 = peers(0..n + 500);
    let t = Instant::now();
    let late = allocate(&req(3, 4, 2027, &s2, &r2, &out.assignments)).unwrap();
    let second = t.elapsed();
    assert_eq!(late.assignments.len(), 1_500);
    assert!(late.short.is_empty());
    assert!(late
        .assignments
        .iter()
        .all(|a| !pairs.contains(&(a.submission, a.reviewer))));
    eprintln!(
        "peer allocation: 100000 submissions (k=3, m=3) in {first:?}; \
         500 late ones on top in {second:?}"
    );
}

#[test]
fn rubric_validation_and_scoring() {
    let level = |p: f64| Level {
        label: format!("{p}"),
        points: p,
    };
    let rubric = Rubric {
        criteria: vec![
            Criterion {
                title: "Ideas".into(),
                levels: vec![level(0.0), level(2.0), level(4.0)],
            },
            Criterion {
                title: "Style".into(),
                levels: vec![level(0.0), level(1.5)],
            },
        ],
    };
    rubric.validate().unwrap();
    assert_eq!(rubric.max_points(), 5.5);
    assert_eq!(score_review(&rubric, &[Some(1), Some(1)]).unwrap(), 3.5);
    let codes = |r: Result<f64>| match r {
        Err(Error::Validation(v)) => v.into_iter().map(|f| (f.field, f.code)).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        codes(score_review(&rubric, &[Some(1)])),
        vec![("criteria.1".to_owned(), "rubric_incomplete".to_owned())]
    );
    assert_eq!(
        codes(score_review(&rubric, &[Some(3), None])),
        vec![
            ("criteria.0".to_owned(), "rubric_level_invalid".to_owned()),
            ("criteria.1".to_owned(), "rubric_incomplete".to_owned())
        ]
    );
    assert_eq!(
        codes(score_review(&rubric, &[Some(0), Some(0), Some(0)])),
        vec![("criteria.2".to_owned(), "rubric_level_invalid".to_owned())]
    );

    let bad = Rubric {
        criteria: vec![
            Criterion {
                title: "A".into(),
                levels: vec![level(1.0)],
            },
            Criterion {
                title: "B".into(),
                levels: vec![level(1.0), level(-1.0), level(1.0)],
            },
        ],
    };
    let Err(Error::Validation(v)) = bad.validate() else {
        panic!()
    };
    let got: Vec<_> = v
        .iter()
        .map(|f| (f.field.as_str(), f.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("criteria.0.levels", "rubric_levels_too_few"),
            ("criteria.1.levels.1.points", "rubric_points_invalid"),
            ("criteria.1.levels.2.points", "rubric_points_duplicate"),
        ]
    );
    assert!(Rubric::default().validate().is_err());
    assert!(score_review(&Rubric::default(), &[]).is_err());
}

#[test]
fn shortfall_rule() {
    use ReviewOutcome::*;
    use ShortfallRule as R;
    assert_eq!(after_review_phase(R::StaffQueue, 3, 3), Grade);
    assert_eq!(after_review_phase(R::StaffQueue, 3, 2), StaffQueue);
    assert_eq!(after_review_phase(R::GradeFromAvailable, 3, 2), Grade);
    assert_eq!(after_review_phase(R::GradeFromAvailable, 3, 0), StaffQueue);
    assert_eq!(after_review_phase(R::GradeFromAvailable, 0, 0), StaffQueue);
}

#[test]
fn submission_grades() {
    let p = GradePolicy::default();
    let r = SubmissionReviews {
        peer_scores: &[2.0, 9.0, 4.0],
        ..Default::default()
    };
    assert_eq!(grade_submission(&p, 10.0, &r).unwrap().points, 4.0);
    let mean = GradePolicy {
        aggregate: Aggregate::Mean,
        ..p
    };
    assert_eq!(grade_submission(&mean, 10.0, &r).unwrap().points, 5.0);
    // Self-assessment weighs 20%.
    let selfw = GradePolicy {
        self_weight: 0.2,
        ..p
    };
    let with_self = SubmissionReviews {
        self_score: Some(9.0),
        ..r
    };
    assert!((grade_submission(&selfw, 10.0, &with_self).unwrap().points - 5.0).abs() < 1e-12);
    assert_eq!(
        grade_submission(&selfw, 10.0, &r).unwrap().points,
        4.0,
        "no self score: peers only"
    );
    // 10% of the maximum per missing review, floored at 0.
    let pen = GradePolicy {
        missing_review_penalty: 10.0,
        ..p
    };
    let lazy = SubmissionReviews {
        reviews_required: 3,
        reviews_completed: 1,
        ..r
    };
    let g = grade_submission(&pen, 10.0, &lazy).unwrap();
    assert_eq!((g.points, g.penalty), (2.0, 2.0));
    let idle = SubmissionReviews {
        reviews_required: 3,
        reviews_completed: 0,
        ..r
    };
    let heavy = GradePolicy {
        missing_review_penalty: 50.0,
        ..p
    };
    assert_eq!(grade_submission(&heavy, 10.0, &idle).unwrap().points, 0.0);
    // The override wins; nothing to grade without peers.
    let over = SubmissionReviews {
        staff_override: Some(7.5),
        ..idle
    };
    let g = grade_submission(&heavy, 10.0, &over).unwrap();
    assert!(g.overridden && g.points == 7.5);
    assert!(grade_submission(&p, 10.0, &SubmissionReviews::default()).is_none());
    assert_eq!(
        aggregate(Aggregate::Median, &[1.0, 2.0, 3.0, 10.0]),
        Some(2.5)
    );
    assert!(GradePolicy {
        self_weight: 1.5,
        ..p
    }
    .validate()
    .is_err());
    assert!(p.validate().is_ok());
}

fn kind() -> impl Strategy<Value = ReviewerKind> {
    prop_oneof![
        6 => Just(ReviewerKind::Peer),
        1 => (1u32..4).prop_map(|extra| ReviewerKind::Volunteer { extra }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn allocation_rules_hold_in_two_rounds(
        n1 in 1u32..40,
        n2 in 0u32..15,
        k in 1u32..5,
        m in 0u32..7,
        kinds in proptest::collection::vec(kind(), 55),
        staff in proptest::collection::vec(0u32..5, 0..3),
        seed in any::<u64>(),
    ) {
        let mk = |n: u32| -> Vec<Reviewer<u32>> {
            let mut r: Vec<_> = (0..n).map(|id| Reviewer { id, kind: kinds[id as usize] }).collect();
            r.extend(staff.iter().enumerate().map(|(i, &c)| Reviewer {
                id: 500 + i as u32,
                kind: ReviewerKind::Staff { capacity: c },
            }));
            r
        };
        let s1 = subs(0..n1);
        let r1 = mk(n1);
        let rq = req(k, m, seed, &s1, &r1, &[]);
        let first = allocate(&rq).unwrap();
        let load = check(&rq, &first);
        // Fresh allocation: exactly k when possible, peers' loads within one.
        if n1 > k && m >= k {
            prop_assert!(first.short.is_empty());
        }
        let pl: Vec<usize> = r1.iter().filter(|r| r.kind == ReviewerKind::Peer)
            .map(|r| load.get(&r.id).copied().unwrap_or(0)).collect();
        if let (Some(lo), Some(hi)) = (pl.iter().min(), pl.iter().max()) {
            prop_assert!(hi - lo <= 1, "loads {lo}..{hi}");
        }

        // Late submitters: earlier assignments kept, rules still hold on the whole.
        let s2 = subs(0..n1 + n2);
        let r2 = mk(n1 + n2);
        let rq2 = req(k, m, seed ^ 1, &s2, &r2, &first.assignments);
        let second = allocate(&rq2).unwrap();
        check(&rq2, &second);
        for a in &second.assignments {
            prop_assert!(!first.assignments.contains(a));
        }
    }

    #[test]
    fn aggregates_stay_within_the_scores(
        v in proptest::collection::vec(0.0f64..1000.0, 1..12),
        mean in any::<bool>(),
    ) {
        let how = if mean { Aggregate::Mean } else { Aggregate::Median };
        let x = aggregate(how, &v).unwrap();
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(lo <= x && x <= hi, "{x} outside {lo}..{hi}");
    }

    #[test]
    fn grades_are_never_negative_and_overrides_win(
        v in proptest::collection::vec(0.0f64..20.0, 0..6),
        own in proptest::option::of(0.0f64..20.0),
        w in 0.0f64..=1.0,
        rate in 0.0f64..=100.0,
        req_n in 0u32..5,
        done in 0u32..5,
        over in proptest::option::of(0.0f64..20.0),
    ) {
        let p = GradePolicy { aggregate: Aggregate::Median, self_weight: w, missing_review_penalty: rate };
        let r = SubmissionReviews { peer_scores: &v, self_score: own, reviews_required: req_n, reviews_completed: done, staff_override: over };
        match (grade_submission(&p, 20.0, &r), over) {
            (Some(g), Some(o)) => prop_assert_eq!(g.points, o),
            (Some(g), None) => prop_assert!(g.points >= 0.0 && g.points <= 20.0),
            (None, _) => prop_assert!(v.is_empty() && over.is_none()),
        }
    }
}
