//! A single flight per key: callers that miss the cache for the same key at
//! the same time compute it once. The first takes the key's lock and
//! computes; the others wait on the lock and then find the value cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// One lock per key being computed.
#[derive(Default)]
pub(super) struct Flights(Mutex<HashMap<String, Arc<Mutex<()>>>>);

impl Flights {
    /// Runs `f` while holding the lock of `key`.
    pub(super) fn one_at_a_time<T>(&self, key: &str, f: impl FnOnce() -> T) -> T {
        let gate = {
            let mut gates = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            gates.entry(key.to_owned()).or_default().clone()
        };
        let out = {
            let _turn = gate.lock().unwrap_or_else(PoisonError::into_inner);
            f()
        };
        let mut gates = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // The map's reference and ours: nobody else is waiting.
        if Arc::strong_count(&gate) <= 2 {
            gates.remove(key);
        }
        out
    }
}
