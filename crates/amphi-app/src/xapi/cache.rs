//! What the LRS keeps in memory for a few seconds, so that storing a statement pays no read
//! for what rarely changes: its clients by key (every request authenticates) and the activity
//! definitions stored (every statement that carries one is merged with it).
//!
//! A client changed or deleted on this node is forgotten at once (`forget_client`); other
//! nodes see the change within [`TTL`], as they see a tenant's. A definition is kept as this
//! node last read or wrote it: a statement whose definition adds nothing to it writes nothing.

use amphi_core::TenantId;
use amphi_db::rows;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// How long an entry is trusted.
pub const TTL: Duration = Duration::from_secs(5);

/// Entries held at most in each map before it is emptied (a safety net, not an eviction
/// policy).
const LIMIT: usize = 20_000;

/// The LRS's memory: clients by key, activity definitions by tenant and id.
#[derive(Debug, Default)]
pub struct LrsCache {
    clients: RwLock<HashMap<String, (Instant, rows::XapiClient)>>,
    definitions: RwLock<HashMap<(TenantId, String), (Instant, Value)>>,
}

fn get<K: std::hash::Hash + Eq, V: Clone>(
    map: &RwLock<HashMap<K, (Instant, V)>>,
    key: &K,
) -> Option<V> {
    let m = map.read().ok()?;
    m.get(key)
        .filter(|(at, _)| at.elapsed() < TTL)
        .map(|(_, v)| v.clone())
}

fn put<K: std::hash::Hash + Eq, V>(map: &RwLock<HashMap<K, (Instant, V)>>, key: K, value: V) {
    if let Ok(mut m) = map.write() {
        if m.len() >= LIMIT {
            m.clear();
        }
        m.insert(key, (Instant::now(), value));
    }
}

impl LrsCache {
    /// The client of `key`, if read less than [`TTL`] ago.
    pub(crate) fn client(&self, key: &str) -> Option<rows::XapiClient> {
        get(&self.clients, &key.to_owned())
    }

    /// Keeps a client as read.
    pub(crate) fn put_client(&self, c: rows::XapiClient) {
        put(&self.clients, c.key.clone(), c);
    }

    /// Forgets a client (changed, turned off or deleted).
    pub(crate) fn forget_client(&self, key: &str) {
        if let Ok(mut m) = self.clients.write() {
            m.remove(key);
        }
    }

    /// The stored definition of an activity, if known (`{}` for none stored).
    pub(crate) fn definition(&self, tenant: TenantId, id: &str) -> Option<Value> {
        get(&self.definitions, &(tenant, id.to_owned()))
    }

    /// Keeps an activity's definition as stored.
    pub(crate) fn put_definition(&self, tenant: TenantId, id: String, d: Value) {
        put(&self.definitions, (tenant, id), d);
    }
}
