//! Verification codes: random, unambiguous, shown in groups of four.

use super::{CODE_ALPHABET, CODE_LEN};
use rand::Rng;

/// A fresh verification code from the operating system's random source.
pub fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// The stored form of a code as typed (`abcd-efgh-jkmn`, spaces, lower case); None if it
/// cannot be a code.
pub fn normalize_code(raw: &str) -> Option<String> {
    if raw.len() > 64 {
        return None;
    }
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == CODE_LEN && s.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(s)
}

/// A code as printed: `ABCD-EFGH-JKMN`.
pub fn display_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_unambiguous_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2000 {
            let c = new_code();
            assert_eq!(c.len(), CODE_LEN);
            assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)));
            assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
            let shown = display_code(&c);
            assert_eq!(shown.len(), CODE_LEN + 2);
            assert_eq!(normalize_code(&shown).as_deref(), Some(c.as_str()));
            assert_eq!(
                normalize_code(&shown.to_lowercase().replace('-', " ")).as_deref(),
                Some(c.as_str())
            );
            seen.insert(c);
        }
        assert_eq!(seen.len(), 2000);
        assert_eq!(normalize_code("ABCD-EFGH-JKM"), None);
        assert_eq!(normalize_code("ABCD-EFGH-JKM0"), None);
        assert_eq!(normalize_code("' OR 1=1 --"), None);
        assert_eq!(normalize_code(&"A".repeat(500)), None);
    }
}
