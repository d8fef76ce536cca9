//! A bounded memo of text made from text (translated messages, rendered question text): read
//! often, made rarely, from keys that come from the platform's own content, not from visitors.

use amphi_core::TenantId;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use uuid::Uuid;

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

/// Values made per course run (its structure, its gradebook scheme), kept under the run's
/// `version` they were made at: every change to what they hold bumps the version in its
/// transaction, so an entry made at an older version is never used, on this node or another.
/// Emptied when 5,000 runs are held (a safety net, not an eviction policy).
#[derive(Debug)]
pub struct RunCache<T> {
    map: RwLock<HashMap<(TenantId, Uuid), Versioned<T>>>,
}

/// A value and the run version it was made at.
type Versioned<T> = (i64, Arc<T>);

impl<T> Default for RunCache<T> {
    fn default() -> Self {
        Self {
            map: RwLock::default(),
        }
    }
}

impl<T> RunCache<T> {
    /// The value of the run made at `version`, if held.
    pub(crate) fn get(&self, tenant: TenantId, run: Uuid, version: i64) -> Option<Arc<T>> {
        let m = self.map.read().ok()?;
        m.get(&(tenant, run))
            .filter(|(at, _)| *at == version)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value`, made at `version`, for the run.
    pub(crate) fn put(&self, tenant: TenantId, run: Uuid, version: i64, value: Arc<T>) {
        if let Ok(mut m) = self.map.write() {
            if m.len() >= 5_000 {
                m.clear();
            }
            m.insert((tenant, run), (version, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Memo, RunCache};
    use amphi_core::TenantId;
    use std::sync::Arc;
    use uuid::Uuid;

    #[test]
    fn a_run_cache_answers_only_for_the_version_and_tenant_it_was_made_for() {
        let cache = RunCache::default();
        let (tenant, run) = (TenantId(Uuid::now_v7()), Uuid::now_v7());
        cache.put(tenant, run, 3, Arc::new("v3"));
        assert_eq!(cache.get(tenant, run, 3).as_deref(), Some(&"v3"));
        assert!(cache.get(tenant, run, 4).is_none());
        assert!(cache.get(TenantId(Uuid::now_v7()), run, 3).is_none());
        cache.put(tenant, run, 4, Arc::new("v4"));
        assert!(cache.get(tenant, run, 3).is_none());
        assert_eq!(cache.get(tenant, run, 4).as_deref(), Some(&"v4"));
    }
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
