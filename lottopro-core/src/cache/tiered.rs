//! Memory in front of Redis, degrading to memory alone while Redis is down.
//!
//! Reads try memory, then Redis (and keep what Redis had in memory); writes
//! go to both. A Redis failure marks the cache degraded and starts a backoff
//! (0.1 s, doubling to at most 5 s) during which Redis is not tried at all,
//! so requests never wait on a dead server; the first Redis operation after
//! the backoff that succeeds clears the degraded state by itself. The cap is
//! short because one failed attempt every few seconds costs nothing, while a
//! long cap would keep a recovered Redis unused (and the cache degraded) for
//! as long.
//!
//! **Invalidation across processes.** Every memory entry remembers the
//! versions of its tags (and of the pseudo-tag `*` that `clear` bumps) as
//! they were when it was stored; a memory hit whose tag versions have since
//! changed in Redis counts as a miss. Versions are re-read from Redis at most
//! once per `sync_interval` (1 s by default), so an entry invalidated by
//! another process is served from this one's memory for at most that long.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{ALL, Cache, CacheStats, Hit, MemoryCache, RedisCache, TypedValue, decode, encode};
use crate::error::Result;

/// Memory in front of Redis; see the module docs.
pub struct TieredCache {
    front: MemoryCache,
    back: RedisCache,
    sync_interval: Duration,
    /// Tag → (version, when read from Redis).
    versions: Mutex<HashMap<String, (u64, Instant)>>,
    backoff: Mutex<Backoff>,
    degraded: AtomicBool,
    back_failures: AtomicU64,
}

impl std::fmt::Debug for TieredCache {
    /// Its counters ([`Cache::stats`]) and both tiers.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TieredCache")
            .field("stats", &self.stats())
            .field("front", &self.front)
            .field("back", &self.back)
            .field("sync_interval", &self.sync_interval)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Backoff {
    failures: u32,
    retry_at: Option<Instant>,
}

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

impl TieredCache {
    /// `front` in front of `back`.
    pub fn new(front: MemoryCache, back: RedisCache) -> TieredCache {
        TieredCache {
            front,
            back,
            sync_interval: Duration::from_secs(1),
            versions: Mutex::new(HashMap::new()),
            backoff: Mutex::new(Backoff::default()),
            degraded: AtomicBool::new(false),
            back_failures: AtomicU64::new(0),
        }
    }

    /// Sets how stale the tag versions may be (see the module docs).
    pub fn with_sync_interval(mut self, interval: Duration) -> TieredCache {
        self.sync_interval = interval;
        self
    }

    /// Runs `f` against Redis unless in backoff; records the outcome.
    fn back<T>(&self, f: impl FnOnce(&RedisCache) -> Result<T>) -> Option<T> {
        if let Ok(b) = self.backoff.lock()
            && b.retry_at.is_some_and(|t| Instant::now() < t)
        {
            return None;
        }
        self.attempt(f)
    }

    /// Runs `f` against Redis, backoff or not; records the outcome.
    fn attempt<T>(&self, f: impl FnOnce(&RedisCache) -> Result<T>) -> Option<T> {
        match f(&self.back) {
            Ok(v) => {
                if let Ok(mut b) = self.backoff.lock() {
                    *b = Backoff::default();
                }
                self.degraded.store(false, Ordering::Relaxed);
                Some(v)
            }
            Err(_) => {
                self.back_failures.fetch_add(1, Ordering::Relaxed);
                self.degraded.store(true, Ordering::Relaxed);
                if let Ok(mut b) = self.backoff.lock() {
                    b.failures = b.failures.saturating_add(1);
                    let wait = FIRST_BACKOFF
                        .saturating_mul(1 << b.failures.min(10).saturating_sub(1))
                        .min(MAX_BACKOFF);
                    // From when the failure is known: a timeout may have
                    // taken longer than the first backoffs.
                    b.retry_at = Some(Instant::now() + wait);
                }
                None
            }
        }
    }

    /// Current versions of `tags` plus `*`, refreshed from Redis when stale.
    fn versions_of(&self, tags: &[String]) -> Vec<u64> {
        let now = Instant::now();
        let mut wanted: Vec<String> = tags.to_vec();
        wanted.push(ALL.to_owned());
        let stale: Vec<String> = match self.versions.lock() {
            Ok(v) => wanted
                .iter()
                .filter(|t| {
                    v.get(*t)
                        .is_none_or(|(_, at)| now.duration_since(*at) >= self.sync_interval)
                })
                .cloned()
                .collect(),
            Err(_) => wanted.clone(),
        };
        if !stale.is_empty()
            && let Some(fresh) = self.back(|b| b.tag_versions(&stale))
            && let Ok(mut v) = self.versions.lock()
        {
            for (t, n) in stale.iter().zip(fresh) {
                v.insert(t.clone(), (n, now));
            }
        }
        let v = self.versions.lock().ok();
        wanted
            .iter()
            .map(|t| v.as_ref().and_then(|v| v.get(t)).map_or(0, |(n, _)| *n))
            .collect()
    }

    fn bump_local(&self, tag: &str) {
        if let Ok(mut v) = self.versions.lock() {
            let e = v.entry(tag.to_owned()).or_insert((0, Instant::now()));
            e.0 += 1;
        }
    }
}

impl Cache for TieredCache {
    fn get(&self, key: &str) -> Result<Option<Hit>> {
        if let Some(e) = self.front.entry(key) {
            if self.versions_of(&e.tags) == e.versions
                && let Some(value) = decode(&e.stored)
            {
                return Ok(Some(Hit {
                    value,
                    tier: "memory",
                }));
            }
            self.front.remove(key);
        }
        let Some(Some(stored)) = self.back(|b| b.get_full(key)) else {
            return Ok(None);
        };
        let Some(value) = decode(&stored.bytes) else {
            return Ok(None);
        };
        let versions = self.versions_of(&stored.tags);
        let tag_refs: Vec<&str> = stored.tags.iter().map(String::as_str).collect();
        self.front
            .insert(key, stored.bytes, stored.ttl, &tag_refs, versions);
        Ok(Some(Hit {
            value,
            tier: "redis",
        }))
    }

    fn put(&self, key: &str, value: &[u8], ttl: Duration, tags: &[&str]) -> Result<()> {
        let stored = encode(value, self.back_compress());
        let owned: Vec<String> = tags.iter().map(|t| (*t).to_owned()).collect();
        let versions = self.versions_of(&owned);
        self.front.insert(key, stored.clone(), ttl, tags, versions);
        self.back(|b| b.put_encoded(key, &stored, ttl, tags));
        Ok(())
    }

    fn invalidate_tag(&self, tag: &str) -> Result<()> {
        self.front.invalidate_tag(tag)?;
        self.bump_local(tag);
        self.back(|b| b.invalidate_tag(tag));
        Ok(())
    }

    fn clear(&self) -> Result<()> {
        self.front.clear()?;
        self.bump_local(ALL);
        self.back(|b| b.clear());
        Ok(())
    }

    /// Whether Redis is currently failing and memory serves alone.
    fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    fn is_remote(&self) -> bool {
        true
    }

    fn probe(&self) -> Result<()> {
        // Past the backoff: the probe is how a recovered Redis is noticed.
        // Requests stay in the backoff while it runs, so that a Redis that
        // hangs keeps only the probe waiting, not them.
        match self.attempt(|b| b.ping()) {
            Some(()) => Ok(()),
            None => Err(crate::error::Error::Cache(
                "redis: no answer to PING".into(),
            )),
        }
    }

    fn get_typed(&self, key: &str) -> Option<TypedValue> {
        let e = self.front.peek(key)?;
        if self.versions_of(&e.tags) != e.versions {
            return None;
        }
        self.front.typed_of(&e)
    }

    fn put_typed(&self, key: &str, value: TypedValue) {
        self.front.put_typed(key, value);
    }

    fn stats(&self) -> CacheStats {
        let mut back = match self.back(|b| Ok(b.tier_stats())) {
            Some(t) => t,
            None => super::TierStats {
                tier: "redis".into(),
                healthy: false,
                ..super::TierStats::default()
            },
        };
        back.errors = back.errors.max(self.back_failures.load(Ordering::Relaxed));
        back.healthy = back.healthy && !self.is_degraded();
        CacheStats {
            backend: "tiered".into(),
            degraded: self.is_degraded(),
            tiers: vec![self.front.tier_stats(), back],
        }
    }
}

impl TieredCache {
    fn back_compress(&self) -> Option<usize> {
        self.back.compress_above()
    }
}
