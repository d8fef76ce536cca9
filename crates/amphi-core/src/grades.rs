//! Gradebook aggregation: from a learner's scores on the grade items of a course to category
//! percentages, the course percentage and pass or fail. Pure functions over plain values.
//!
//! The rules, in the order they apply:
//!
//! 1. An item's score is its override if it has one, else the learner's points. Excused items
//!    never count; missing items count as 0, except in a category that only counts graded
//!    items, where they do not count. Points are clamped to `[0, max_points]`.
//! 2. A category's percent is the weighted mean (item weights) of its counted items'
//!    percentages, plus its extra-credit items' weighted percentages over the same total
//!    weight (extra credit adds to the numerator only, so it can lift a category above 100).
//! 3. Drop-lowest `n` removes up to `n` counted items, never all of them. The items removed are
//!    those whose removal gives the best percent: with equal item weights these are exactly the
//!    `n` lowest percentages; with unequal weights dropping the plain lowest percentages could
//!    make a higher score give a lower grade, which the best choice never does.
//! 4. The course percent is the weighted mean of the category percents (category weights),
//!    normalised among the categories that have at least one counted item, so a category with
//!    nothing counted yet neither helps nor hurts.
//! 5. A course-total override replaces the result; rounding to 2 decimals comes last, and the
//!    pass mark is compared with the rounded percent the learner sees.

use crate::codes;
use crate::error::{Fields, Result};
use crate::str_enum::str_enum;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// A category of grade items ("Quizzes", "Project").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// Stable id, referenced by items.
    pub id: String,
    /// Weight among categories (finite, >= 0; only ratios matter).
    pub weight: f64,
    /// How many of the lowest items to drop (never all of them).
    pub drop_lowest: u32,
    /// Count only graded items: missing items are left out instead of counting as 0.
    pub only_graded: bool,
}

/// One graded thing: a quiz, an assignment, a peer-assessed project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeItem {
    /// Stable id, the key of scores and overrides.
    pub id: String,
    /// Id of its category.
    pub category: String,
    /// Maximum points (finite, > 0).
    pub max_points: f64,
    /// Weight within its category (finite, > 0; only ratios matter).
    pub weight: f64,
    /// Extra credit: adds to the category without raising what a full score needs.
    pub extra_credit: bool,
}

/// A learner's score on one item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Score {
    /// Points obtained.
    Points(f64),
    /// Not submitted or not graded yet.
    Missing,
    /// Excused: never counts.
    Excused,
}

/// The grading scheme of a course run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Gradebook {
    /// Categories, in display order.
    pub categories: Vec<Category>,
    /// Items, each in one category.
    pub items: Vec<GradeItem>,
    /// Percent needed to pass (0..=100).
    pub pass_percent: f64,
}

/// One learner's scores and the course team's overrides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LearnerScores {
    /// Score per item id; an item without an entry is missing.
    pub scores: HashMap<String, Score>,
    /// Points set by the course team per item id; they replace the score, even an excused one.
    pub item_overrides: HashMap<String, f64>,
    /// Course percent set by the course team; replaces the computed one.
    pub total_override: Option<f64>,
}

/// The result for one category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryGrade {
    /// The category id.
    pub category: String,
    /// Its percent (2 decimals); `None` when no item counts yet.
    pub percent: Option<f64>,
    /// Its share of the course percent, in percent (2 decimals); 0 when it does not count.
    pub share: f64,
    /// Items that counted (after dropping, extra credit included).
    pub counted: u32,
    /// Ids of the items dropped.
    pub dropped: Vec<String>,
}

/// A learner's course grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseGrade {
    /// Course percent (2 decimals); `None` when nothing counts yet and there is no override.
    pub percent: Option<f64>,
    /// Per category, in the gradebook's order.
    pub per_category: Vec<CategoryGrade>,
    /// Whether `percent` reaches the pass mark.
    pub passed: bool,
    /// Whether the course-total override was used.
    pub overridden: bool,
}

impl Gradebook {
    /// Refuses what [`course_grade`] would otherwise silently skip: empty or duplicate ids
    /// (`required`, `grade_id_duplicate`), an item in an unknown category
    /// (`grade_category_unknown`), non-positive maximum points or item weights, negative
    /// category weights, all category weights zero (`grade_weights_zero`) and a pass mark
    /// outside 0..=100 (`out_of_range`).
    pub fn validate(&self) -> Result<()> {
        let mut f = Fields::new();
        let mut cats = HashSet::new();
        for (i, c) in self.categories.iter().enumerate() {
            if c.id.trim().is_empty() {
                f.push(&format!("categories.{i}.id"), codes::REQUIRED);
            } else if !cats.insert(c.id.as_str()) {
                f.push(&format!("categories.{i}.id"), codes::GRADE_ID_DUPLICATE);
            }
            if !(c.weight.is_finite() && c.weight >= 0.0) {
                f.push(&format!("categories.{i}.weight"), codes::OUT_OF_RANGE);
            }
        }
        if !self.categories.is_empty() && self.categories.iter().all(|c| c.weight <= 0.0) {
            f.push("categories", codes::GRADE_WEIGHTS_ZERO);
        }
        let mut items = HashSet::new();
        for (i, it) in self.items.iter().enumerate() {
            if it.id.trim().is_empty() {
                f.push(&format!("items.{i}.id"), codes::REQUIRED);
            } else if !items.insert(it.id.as_str()) {
                f.push(&format!("items.{i}.id"), codes::GRADE_ID_DUPLICATE);
            }
            if !cats.contains(it.category.as_str()) {
                f.push(
                    &format!("items.{i}.category"),
                    codes::GRADE_CATEGORY_UNKNOWN,
                );
            }
            if !(it.max_points.is_finite() && it.max_points > 0.0) {
                f.push(&format!("items.{i}.max_points"), codes::OUT_OF_RANGE);
            }
            if !(it.weight.is_finite() && it.weight > 0.0) {
                f.push(&format!("items.{i}.weight"), codes::OUT_OF_RANGE);
            }
        }
        if !(0.0..=100.0).contains(&self.pass_percent) {
            f.push("pass_percent", codes::OUT_OF_RANGE);
        }
        f.finish()
    }
}

/// Computes a learner's course grade; see the [module documentation](self) for the rules.
/// Never fails: items that [`Gradebook::validate`] would refuse are left out, non-finite
/// points count as missing and non-finite overrides are ignored.
pub fn course_grade(book: &Gradebook, learner: &LearnerScores) -> CourseGrade {
    let raw = compute(book, learner);
    let percent = raw.percent.map(round2);
    CourseGrade {
        passed: percent.is_some_and(|p| p >= book.pass_percent),
        percent,
        overridden: raw.overridden,
        per_category: raw
            .categories
            .into_iter()
            .map(|c| CategoryGrade {
                category: c.id,
                percent: c.percent.map(round2),
                share: round2(c.share * 100.0),
                counted: c.counted,
                dropped: c.dropped,
            })
            .collect(),
    }
}

/// Rounds half away from zero to 2 decimals.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

struct RawCategory {
    id: String,
    percent: Option<f64>,
    weight: f64,
    share: f64,
    counted: u32,
    dropped: Vec<String>,
}

struct Raw {
    percent: Option<f64>,
    overridden: bool,
    categories: Vec<RawCategory>,
}

/// The unrounded computation.
fn compute(book: &Gradebook, learner: &LearnerScores) -> Raw {
    let index: HashMap<&str, usize> = book
        .categories
        .iter()
        .enumerate()
        .rev()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut members: Vec<Vec<&GradeItem>> = vec![Vec::new(); book.categories.len()];
    for it in &book.items {
        if let Some(&i) = index.get(it.category.as_str()) {
            members[i].push(it);
        }
    }

    let mut categories = Vec::with_capacity(book.categories.len());
    for (cat, items) in book.categories.iter().zip(members) {
        // (item, percent, weight) of counted regular items; extra credit sum.
        let mut regular: Vec<(&GradeItem, f64, f64)> = Vec::new();
        let mut extra = 0.0;
        let mut extra_counted = 0;
        for it in items {
            if !(it.max_points.is_finite()
                && it.max_points > 0.0
                && it.weight.is_finite()
                && it.weight > 0.0)
            {
                continue;
            }
            let score = match learner.item_overrides.get(&it.id) {
                Some(&o) if o.is_finite() => Score::Points(o),
                _ => learner
                    .scores
                    .get(&it.id)
                    .copied()
                    .unwrap_or(Score::Missing),
            };
            let points = match score {
                Score::Points(p) if p.is_finite() => p,
                Score::Points(_) | Score::Missing if !cat.only_graded => 0.0,
                _ => continue,
            };
            let pct = 100.0 * points.clamp(0.0, it.max_points) / it.max_points;
            if it.extra_credit {
                extra += it.weight * pct;
                extra_counted += 1;
            } else {
                regular.push((it, pct, it.weight));
            }
        }
        if regular.is_empty() {
            categories.push(RawCategory {
                id: cat.id.clone(),
                percent: None,
                weight: 0.0,
                share: 0.0,
                counted: 0,
                dropped: Vec::new(),
            });
            continue;
        }
        let keep = regular
            .len()
            .saturating_sub(cat.drop_lowest as usize)
            .max(1);
        let pw: Vec<(f64, f64)> = regular.iter().map(|&(_, p, w)| (p, w)).collect();
        let (percent, kept) = best_kept(&pw, keep, extra);
        let dropped = regular
            .iter()
            .zip(&kept)
            .filter(|(_, k)| !**k)
            .map(|((it, _, _), _)| it.id.clone())
            .collect();
        let weight = if cat.weight.is_finite() {
            cat.weight.max(0.0)
        } else {
            0.0
        };
        categories.push(RawCategory {
            id: cat.id.clone(),
            percent: Some(percent),
            weight,
            share: 0.0,
            counted: (keep + extra_counted) as u32,
            dropped,
        });
    }

    let total: f64 = categories
        .iter()
        .filter(|c| c.percent.is_some())
        .map(|c| c.weight)
        .sum();
    let mut percent = None;
    if total > 0.0 {
        let mut sum = 0.0;
        for c in categories.iter_mut() {
            if let Some(p) = c.percent {
                c.share = c.weight / total;
                sum += c.share * p;
            }
        }
        percent = Some(sum);
    }
    let over = learner.total_override.filter(|o| o.is_finite());
    Raw {
        percent: over.or(percent),
        overridden: over.is_some(),
        categories,
    }
}

/// Chooses `keep` of the items `(percent, weight)` maximising
/// `(Σ weight·percent + extra) / Σ weight`, returning that value and which items are kept.
///
/// Dinkelbach's method: for the current value `q`, the best set for `q` is the `keep` items
/// with the largest `weight·(percent - q)`; its value is higher than `q` unless `q` is the
/// optimum. It starts from dropping the lowest percentages (already optimal with equal
/// weights), so it ends in one or two rounds in practice; the cap on rounds only guards
/// against floating-point ties.
fn best_kept(items: &[(f64, f64)], keep: usize, extra: f64) -> (f64, Vec<bool>) {
    let value = |set: &[usize]| -> f64 {
        let (num, den) = set.iter().fold((extra, 0.0), |(n, d), &i| {
            (n + items[i].1 * items[i].0, d + items[i].1)
        });
        if den > 0.0 {
            num / den
        } else {
            0.0
        }
    };
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| items[b].0.total_cmp(&items[a].0).then(a.cmp(&b)));
    let keep = keep.clamp(1, items.len().max(1));
    let mut best: Vec<usize> = order.iter().copied().take(keep).collect();
    let mut q = value(&best);
    if keep < items.len() {
        for _ in 0..64 {
            order.sort_by(|&a, &b| {
                let ga = items[a].1 * (items[a].0 - q);
                let gb = items[b].1 * (items[b].0 - q);
                gb.total_cmp(&ga)
                    .then(items[b].0.total_cmp(&items[a].0))
                    .then(a.cmp(&b))
            });
            let next: Vec<usize> = order.iter().copied().take(keep).collect();
            let v = value(&next);
            if v > q {
                q = v;
                best = next;
            } else {
                break;
            }
        }
    }
    let mut kept = vec![false; items.len()];
    for i in best {
        kept[i] = true;
    }
    (q, kept)
}

str_enum!(
    /// What changed a learner's grade (`grade_events.kind`, read by API clients as the outbox).
    GradeEventKind {
        /// A graded piece of work set an item grade.
        Item = "item",
        /// The course team overrode (or excused, or cleared) an item grade.
        Override = "override",
        /// The course grade changed.
        Course = "course",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn event_kinds_round_trip_and_fit_their_column() {
        crate::str_enum::tests::round_trips::<GradeEventKind>(32);
    }

    fn cat(id: &str, weight: f64, drop_lowest: u32, only_graded: bool) -> Category {
        Category {
            id: id.into(),
            weight,
            drop_lowest,
            only_graded,
        }
    }

    fn item(id: &str, category: &str, max_points: f64, weight: f64) -> GradeItem {
        GradeItem {
            id: id.into(),
            category: category.into(),
            max_points,
            weight,
            extra_credit: false,
        }
    }

    fn scores(v: &[(&str, Score)]) -> LearnerScores {
        LearnerScores {
            scores: v.iter().map(|(k, s)| ((*k).to_owned(), *s)).collect(),
            ..Default::default()
        }
    }

    fn book() -> Gradebook {
        Gradebook {
            categories: vec![cat("quiz", 40.0, 1, false), cat("project", 60.0, 0, true)],
            items: vec![
                item("q1", "quiz", 10.0, 1.0),
                item("q2", "quiz", 10.0, 1.0),
                item("q3", "quiz", 10.0, 1.0),
                item("p1", "project", 50.0, 1.0),
                item("p2", "project", 50.0, 3.0),
            ],
            pass_percent: 60.0,
        }
    }

    #[test]
    fn worked_example() {
        use Score::*;
        let b = book();
        b.validate().unwrap();
        let l = scores(&[
            ("q1", Points(8.0)),
            ("q2", Points(2.0)),
            ("q3", Missing),
            ("p1", Points(40.0)),
            ("p2", Missing),
        ]);
        let g = course_grade(&b, &l);
        // Quizzes: the missing q3 (0) is dropped, (80 + 20) / 2 = 50. Project: only graded
        // items count, p1 = 80. Course: 0.4·50 + 0.6·80 = 68.
        assert_eq!(g.per_category[0].percent, Some(50.0));
        assert_eq!(g.per_category[0].dropped, vec!["q3".to_owned()]);
        assert_eq!(g.per_category[1].percent, Some(80.0));
        assert_eq!(g.percent, Some(68.0));
        assert!(g.passed);
        // Nothing graded in the project yet: the quizzes carry the whole weight.
        let l = scores(&[("q1", Points(8.0)), ("q2", Points(2.0)), ("q3", Excused)]);
        let g = course_grade(&b, &l);
        assert_eq!(
            g.per_category[0].percent,
            Some(80.0),
            "excused never counts; 2/10 dropped"
        );
        assert_eq!(g.per_category[1].percent, None);
        assert_eq!(g.per_category[0].share, 100.0);
        assert_eq!(g.percent, Some(80.0));
        // Nothing at all.
        let g = course_grade(&b, &LearnerScores::default());
        assert_eq!(
            g.per_category[0].percent,
            Some(0.0),
            "missing quizzes count as 0"
        );
        let empty = Gradebook {
            items: vec![],
            ..book()
        };
        let g = course_grade(&empty, &LearnerScores::default());
        assert_eq!((g.percent, g.passed), (None, false));
    }

    #[test]
    fn rounding_and_pass_mark_use_the_shown_value() {
        let b = Gradebook {
            categories: vec![cat("c", 1.0, 0, false)],
            items: vec![item("a", "c", 3.0, 1.0)],
            pass_percent: 66.67,
        };
        let g = course_grade(&b, &scores(&[("a", Score::Points(2.0))]));
        assert_eq!(g.percent, Some(66.67));
        assert!(g.passed);
    }

    #[test]
    fn drops_the_items_that_help_most() {
        // Plain "drop the lowest percentage" would drop b (50) once a reaches 51 and the grade
        // would fall from 75 to 51.5; choosing the best drop keeps it at 75 or above.
        let b = Gradebook {
            categories: vec![cat("c", 1.0, 1, false)],
            items: vec![
                item("a", "c", 100.0, 100.0),
                item("b", "c", 100.0, 1.0),
                item("c", "c", 100.0, 1.0),
            ],
            pass_percent: 50.0,
        };
        let at = |a: f64| {
            use Score::*;
            course_grade(
                &b,
                &scores(&[("a", Points(a)), ("b", Points(50.0)), ("c", Points(100.0))]),
            )
        };
        let low = at(0.0);
        assert_eq!(low.percent, Some(75.0));
        assert_eq!(low.per_category[0].dropped, vec!["a".to_owned()]);
        let high = at(51.0);
        assert_eq!(high.percent, Some(75.0));
        let higher = at(90.0);
        assert_eq!(higher.per_category[0].dropped, vec!["b".to_owned()]);
        assert!(higher.percent.unwrap() > 75.0);
        // Never drops everything.
        let one = Gradebook {
            categories: vec![cat("c", 1.0, 5, false)],
            items: vec![item("a", "c", 10.0, 1.0)],
            pass_percent: 50.0,
        };
        let g = course_grade(&one, &scores(&[("a", Score::Points(3.0))]));
        assert_eq!((g.percent, g.per_category[0].counted), (Some(30.0), 1));
    }

    #[test]
    fn extra_credit_and_overrides() {
        use Score::*;
        let mut b = Gradebook {
            categories: vec![cat("c", 1.0, 0, false)],
            items: vec![item("a", "c", 10.0, 1.0), item("x", "c", 10.0, 0.5)],
            pass_percent: 50.0,
        };
        b.items[1].extra_credit = true;
        let l = scores(&[("a", Points(10.0)), ("x", Points(10.0))]);
        assert_eq!(course_grade(&b, &l).percent, Some(150.0));
        let l = scores(&[("a", Points(6.0))]);
        assert_eq!(
            course_grade(&b, &l).percent,
            Some(60.0),
            "missing extra credit costs nothing"
        );

        let mut l = scores(&[("a", Excused), ("x", Points(2.0))]);
        assert_eq!(
            course_grade(&b, &l).percent,
            None,
            "extra credit alone does not count"
        );
        l.item_overrides.insert("a".into(), 4.0);
        assert_eq!(
            course_grade(&b, &l).percent,
            Some(50.0),
            "an item override beats excused"
        );
        l.total_override = Some(91.234);
        let g = course_grade(&b, &l);
        assert_eq!(
            (g.percent, g.overridden, g.passed),
            (Some(91.23), true, true)
        );
        l.total_override = Some(10.0);
        assert!(!course_grade(&b, &l).passed);
    }

    #[test]
    fn validation() {
        let mut b = book();
        b.categories.push(cat("quiz", -1.0, 0, false));
        b.items.push(item("q1", "nope", 0.0, 0.0));
        b.pass_percent = 101.0;
        let Err(crate::Error::Validation(v)) = b.validate() else {
            panic!()
        };
        let got: Vec<_> = v
            .iter()
            .map(|f| (f.field.as_str(), f.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("categories.2.id", "grade_id_duplicate"),
                ("categories.2.weight", "out_of_range"),
                ("items.5.id", "grade_id_duplicate"),
                ("items.5.category", "grade_category_unknown"),
                ("items.5.max_points", "out_of_range"),
                ("items.5.weight", "out_of_range"),
                ("pass_percent", "out_of_range"),
            ]
        );
        let zero = Gradebook {
            categories: vec![cat("c", 0.0, 0, false)],
            ..Default::default()
        };
        assert!(zero.validate().is_err());
    }

    /// A random gradebook and learner; `extra` allows extra-credit items.
    fn arb(extra: bool) -> impl Strategy<Value = (Gradebook, LearnerScores)> {
        let cats = proptest::collection::vec((0.0f64..10.0, 0u32..4, any::<bool>()), 1..5);
        let items = proptest::collection::vec(
            (
                0usize..5,
                1.0f64..100.0,
                0.1f64..5.0,
                any::<bool>(),
                0u8..6,
                0.0f64..1.2,
            ),
            1..14,
        );
        (cats, items).prop_map(move |(cats, items)| {
            let categories: Vec<Category> = cats
                .iter()
                .enumerate()
                .map(|(i, &(w, d, o))| cat(&format!("c{i}"), w, d, o))
                .collect();
            let mut l = LearnerScores::default();
            let items = items
                .iter()
                .enumerate()
                .map(|(i, &(c, max, w, x, kind, frac))| {
                    let id = format!("i{i}");
                    let score = match kind {
                        0 => Score::Missing,
                        1 => Score::Excused,
                        _ => Score::Points(frac * max),
                    };
                    l.scores.insert(id.clone(), score);
                    GradeItem {
                        id,
                        category: format!("c{}", c % categories.len()),
                        max_points: max,
                        weight: w,
                        extra_credit: extra && x,
                    }
                })
                .collect();
            (
                Gradebook {
                    categories,
                    items,
                    pass_percent: 50.0,
                },
                l,
            )
        })
    }

    fn close(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
            (None, None) => true,
            _ => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn percent_is_bounded_without_extra_credit((b, l) in arb(false)) {
            let g = course_grade(&b, &l);
            if let Some(p) = g.percent {
                prop_assert!((0.0..=100.0).contains(&p), "{p}");
            }
            for c in &g.per_category {
                if let Some(p) = c.percent {
                    prop_assert!((0.0..=100.0).contains(&p), "{p}");
                }
            }
        }

        #[test]
        fn dropping_never_lowers_a_category((b, l) in arb(true)) {
            let mut none = b.clone();
            for c in &mut none.categories {
                c.drop_lowest = 0;
            }
            let with = compute(&b, &l);
            let without = compute(&none, &l);
            for (x, y) in with.categories.iter().zip(&without.categories) {
                if let (Some(x), Some(y)) = (x.percent, y.percent) {
                    prop_assert!(x >= y - 1e-9, "{x} < {y}");
                }
            }
        }

        #[test]
        fn raising_a_score_never_lowers_the_total(
            (b, l) in arb(true),
            pick in any::<prop::sample::Index>(),
            by in 0.0f64..60.0,
        ) {
            let id = b.items[pick.index(b.items.len())].id.clone();
            if let Some(Score::Points(p)) = l.scores.get(&id).copied() {
                let mut up = l.clone();
                up.scores.insert(id, Score::Points(p + by));
                let (Some(before), Some(after)) = (compute(&b, &l).percent, compute(&b, &up).percent) else {
                    return Ok(());
                };
                prop_assert!(after >= before - 1e-9, "{after} < {before}");
                let (rb, ra) = (course_grade(&b, &l).percent, course_grade(&b, &up).percent);
                // Rounding is monotone; only float noise at a .005 boundary could show.
                prop_assert!(ra.unwrap_or(0.0) >= rb.unwrap_or(0.0) - 0.01 - 1e-9);
            }
        }

        #[test]
        fn scaling_category_weights_changes_nothing((b, l) in arb(true), factor in 0.01f64..100.0) {
            let mut scaled = b.clone();
            for c in &mut scaled.categories {
                c.weight *= factor;
            }
            prop_assert!(close(compute(&b, &l).percent, compute(&scaled, &l).percent));
        }

        #[test]
        fn overrides_win(
            (b, l) in arb(true),
            pick in any::<prop::sample::Index>(),
            points in 0.0f64..100.0,
            total in 0.0f64..100.0,
        ) {
            // An item override is the same as that score, whatever the learner had.
            let id = b.items[pick.index(b.items.len())].id.clone();
            let mut o = l.clone();
            o.item_overrides.insert(id.clone(), points);
            let mut same = l.clone();
            same.scores.insert(id, Score::Points(points));
            prop_assert_eq!(course_grade(&b, &o), course_grade(&b, &same));
            // The total override is the result.
            o.total_override = Some(total);
            let g = course_grade(&b, &o);
            prop_assert_eq!(g.percent, Some(round2(total)));
            prop_assert!(g.overridden);
            prop_assert_eq!(g.passed, round2(total) >= b.pass_percent);
        }
    }
}
