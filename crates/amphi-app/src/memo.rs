//! A bounded memo of text made from text (translated messages, rendered question text): read
//! often, made rarely, from keys that come from the platform's own content, not from visitors.

use std::collections::HashMap;
use std::sync::RwLock;

/// Values by key, emptied when `limit` keys are held (a safety net, not an eviction policy).
#[derive(Debug)]
pub(crate) struct Memo {
    map: RwLock<HashMap<Box<str>, String>>,
    limit: usize,
}

impl Memo {
    /// An empty memo holding at most `limit` keys.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            map: RwLock::default(),
            limit,
        }
    }

    /// The value of `key`, made by `make` the first time.
    pub(crate) fn get_or(&self, key: &str, make: impl FnOnce() -> String) -> String {
        if let Some(v) = self.map.read().ok().and_then(|m| m.get(key).cloned()) {
            return v;
        }
        let v = make();
        if let Ok(mut m) = self.map.write() {
            if m.len() >= self.limit {
                m.clear();
            }
            m.insert(key.into(), v.clone());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::Memo;
    use std::cell::Cell;

    #[test]
    fn makes_each_value_once_and_starts_over_when_full() {
        let memo = Memo::new(2);
        let made = Cell::new(0);
        let make = |v: &str| {
            made.set(made.get() + 1);
            v.to_owned()
        };
        assert_eq!(memo.get_or("a", || make("A")), "A");
        assert_eq!(memo.get_or("a", || make("other")), "A");
        assert_eq!(made.get(), 1);
        memo.get_or("b", || make("B"));
        // Full: the third key empties the memo, so "a" is made again afterwards.
        memo.get_or("c", || make("C"));
        assert_eq!(memo.get_or("a", || make("A2")), "A2");
        assert_eq!(made.get(), 4);
    }
}
