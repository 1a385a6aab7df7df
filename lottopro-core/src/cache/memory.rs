//! The in-process cache (moka): bounded by entry count, TTL per entry.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use super::{Cache, CacheStats, Hit, TierStats, TypedValue, decode, encode};
use crate::error::{Error, Result};

/// One stored value with what invalidates it.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The encoded value (see `encode`).
    pub(crate) stored: Vec<u8>,
    pub(crate) tags: Vec<String>,
    pub(crate) ttl: Duration,
    /// Versions of `tags` when stored (tiered caches; empty otherwise).
    pub(crate) versions: Vec<u64>,
    /// The decoded value, once someone has decoded or computed it.
    pub(crate) typed: OnceLock<TypedValue>,
}

struct PerEntryTtl;

impl moka::Expiry<String, Arc<Entry>> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _key: &String,
        value: &Arc<Entry>,
        _now: Instant,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

/// The in-process backend; see the module docs of [`crate::cache`].
pub struct MemoryCache {
    inner: moka::sync::Cache<String, Arc<Entry>>,
    compress_above: Option<usize>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl std::fmt::Debug for MemoryCache {
    /// Its counters ([`Cache::stats`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryCache")
            .field("stats", &self.stats())
            .field("compress_above", &self.compress_above)
            .finish_non_exhaustive()
    }
}

impl MemoryCache {
    /// A cache of at most `max_entries` entries; values larger than
    /// `compress_above` bytes are stored compressed.
    pub fn new(max_entries: u64, compress_above: Option<usize>) -> MemoryCache {
        MemoryCache {
            inner: moka::sync::Cache::builder()
                .max_capacity(max_entries.max(1))
                .expire_after(PerEntryTtl)
                .support_invalidation_closures()
                .build(),
            compress_above,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The stored entry of `key`, counting a hit or a miss.
    pub(crate) fn entry(&self, key: &str) -> Option<Arc<Entry>> {
        let e = self.inner.get(key);
        let counter = if e.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        e
    }

    /// Stores an already encoded value with the versions of its tags.
    pub(crate) fn insert(
        &self,
        key: &str,
        stored: Vec<u8>,
        ttl: Duration,
        tags: &[&str],
        versions: Vec<u64>,
    ) {
        let entry = Entry {
            stored,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            ttl,
            versions,
            typed: OnceLock::new(),
        };
        self.inner.insert(key.to_owned(), Arc::new(entry));
    }

    /// The entry of `key` without counting a hit or a miss.
    pub(crate) fn peek(&self, key: &str) -> Option<Arc<Entry>> {
        self.inner.get(key)
    }

    /// The decoded value of a live entry, counting a hit when there is one.
    pub(crate) fn typed_of(&self, entry: &Entry) -> Option<TypedValue> {
        let v = entry.typed.get().cloned();
        if v.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        v
    }

    /// Forgets `key`.
    pub(crate) fn remove(&self, key: &str) {
        self.inner.invalidate(key);
    }

    pub(crate) fn encode(&self, value: &[u8]) -> Vec<u8> {
        encode(value, self.compress_above)
    }

    pub(crate) fn tier_stats(&self) -> TierStats {
        self.inner.run_pending_tasks();
        TierStats {
            tier: "memory".into(),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: self.inner.entry_count(),
            bytes: self.inner.iter().map(|(_, e)| e.stored.len() as u64).sum(),
            errors: 0,
            healthy: true,
        }
    }
}

impl Cache for MemoryCache {
    fn get(&self, key: &str) -> Result<Option<Hit>> {
        Ok(self
            .entry(key)
            .and_then(|e| decode(&e.stored))
            .map(|value| Hit {
                value,
                tier: "memory",
            }))
    }

    fn put(&self, key: &str, value: &[u8], ttl: Duration, tags: &[&str]) -> Result<()> {
        self.insert(key, self.encode(value), ttl, tags, Vec::new());
        Ok(())
    }

    fn invalidate_tag(&self, tag: &str) -> Result<()> {
        let tag = tag.to_owned();
        self.inner
            .invalidate_entries_if(move |_, e| e.tags.contains(&tag))
            .map(|_| ())
            .map_err(|e| Error::Cache(format!("memory cache: {e}")))
    }

    fn clear(&self) -> Result<()> {
        self.inner.invalidate_all();
        Ok(())
    }

    fn get_typed(&self, key: &str) -> Option<TypedValue> {
        // Looked up without counting: a miss here is counted by `get`.
        let e = self.peek(key)?;
        self.typed_of(&e)
    }

    fn put_typed(&self, key: &str, value: TypedValue) {
        if let Some(e) = self.inner.get(key) {
            let _ = e.typed.set(value);
        }
    }

    fn stats(&self) -> CacheStats {
        CacheStats {
            backend: "memory".into(),
            tiers: vec![self.tier_stats()],
            degraded: false,
        }
    }
}
