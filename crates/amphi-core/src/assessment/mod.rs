//! Assessment: the question model ([`question`]), automatic scoring of learners' responses
//! ([`scoring`]), and the deterministic shuffling that gives each learner their own option
//! order while letting an attempt be reloaded exactly as it was shown.

pub mod question;
pub mod scoring;
pub mod status;

pub use question::{
    Blank, ChoiceOption, CreditRule, Distractor, Essay, FillBlanks, MatchPair, Matching,
    MultipleChoice, Numeric, NumericAnswer, OptionId, OrderCredit, OrderItem, Ordering, Question,
    QuestionId, QuestionKind, QuestionType, ShortText, SingleChoice, TextAnswer, TextMatch,
    TrueFalse, UnitRule,
};
pub use scoring::{score, MatchAnswer, Response, Scored};
pub use status::{AttemptStatus, FlagStatus, SubmissionStatus};

/// SplitMix64, a small, fast, well-mixed pseudo-random generator. Not for secrets: only for
/// reproducible display orders.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `0..n` (0 when `n` is 0), without modulo bias (Lemire's method).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as u64
    }
}

/// `items` in a pseudo-random order fixed by `seed` (Fisher–Yates over SplitMix64): the same
/// seed always gives the same order.
pub fn shuffled<T: Clone>(items: &[T], seed: u64) -> Vec<T> {
    let mut out = items.to_vec();
    let mut rng = SplitMix64::new(seed);
    for i in (1..out.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        out.swap(i, j);
    }
    out
}

/// The seed for one question of an attempt: the attempt's seed mixed with the question id, so
/// questions of one attempt are not all shuffled alike.
pub fn seed_for(attempt_seed: u64, question: QuestionId) -> u64 {
    let (hi, lo) = question.0.as_u64_pair();
    let mut rng = SplitMix64::new(attempt_seed ^ hi.rotate_left(17) ^ lo);
    rng.next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splitmix_reference_values() {
        // Reference output of SplitMix64 seeded with 0.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn shuffles_are_roughly_uniform() {
        let mut counts = [0u32; 6];
        let items = [0usize, 1, 2];
        for seed in 0..6000u64 {
            let s = shuffled(&items, seed);
            let k = match (s[0], s[1]) {
                (0, 1) => 0,
                (0, 2) => 1,
                (1, 0) => 2,
                (1, 2) => 3,
                (2, 0) => 4,
                _ => 5,
            };
            counts[k] += 1;
        }
        assert!(
            counts.iter().all(|&c| (850..1150).contains(&c)),
            "{counts:?}"
        );
    }

    proptest! {
        #[test]
        fn shuffle_is_a_deterministic_permutation(n in 0usize..40, seed in any::<u64>()) {
            let items: Vec<usize> = (0..n).collect();
            let a = shuffled(&items, seed);
            prop_assert_eq!(&a, &shuffled(&items, seed));
            let mut sorted = a.clone();
            sorted.sort_unstable();
            prop_assert_eq!(sorted, items);
        }

        #[test]
        fn below_stays_below(n in 1u64..u64::MAX, seed in any::<u64>()) {
            let mut r = SplitMix64::new(seed);
            for _ in 0..8 {
                prop_assert!(r.below(n) < n);
            }
        }
    }
}
