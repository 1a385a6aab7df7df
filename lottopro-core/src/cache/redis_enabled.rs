//! The Redis backend (cargo feature `redis`), on the blocking client.
//!
//! Keys live under a prefix: `{prefix}:k:{key}` holds a value,
//! `{prefix}:t:{tag}` is the set of keys under a tag, `{prefix}:v:{tag}` the
//! tag's version, which every invalidation increments so that tiered caches
//! in other processes notice. A stored value carries its tags in front of the
//! encoded bytes (`u32` length, tags joined by `\n`), so a tiered cache that
//! reads it can keep them. Connections come from a small pool; every
//! operation has a short timeout, and a failed connection is dropped.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use redis::{Commands, Connection};

use super::{ALL, Cache, CacheStats, Hit, RedisOptions, Stored, TierStats, decode, encode};
use crate::error::{Error, Result};

/// The shared backend; see the module docs of [`crate::cache`].
pub struct RedisCache {
    client: redis::Client,
    options: RedisOptions,
    pool: Mutex<Vec<Connection>>,
    hits: AtomicU64,
    misses: AtomicU64,
    errors: AtomicU64,
    healthy: AtomicBool,
}

impl std::fmt::Debug for RedisCache {
    /// Its counters ([`Cache::stats`]) and options; the URL is left out (it
    /// may hold a password).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCache")
            .field("stats", &self.stats())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

fn failed(e: &redis::RedisError) -> Error {
    Error::Cache(format!("redis: {e}"))
}

impl RedisCache {
    /// A cache on the Redis at `url` (`redis://host:port/db`). The URL is
    /// checked now; the server is contacted on first use.
    pub fn new(url: &str, options: RedisOptions) -> Result<RedisCache> {
        let client = redis::Client::open(url)
            .map_err(|e| Error::invalid("redis_url", format!("'{url}' is not a Redis URL: {e}")))?;
        Ok(RedisCache {
            client,
            options,
            pool: Mutex::new(Vec::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            healthy: AtomicBool::new(true),
        })
    }

    /// Checks that the server answers.
    pub fn ping(&self) -> Result<()> {
        self.with(|c| redis::cmd("PING").query::<String>(c))
            .map(|_| ())
    }

    fn key(&self, key: &str) -> String {
        format!("{}:k:{key}", self.options.prefix)
    }
    fn tag_key(&self, tag: &str) -> String {
        format!("{}:t:{tag}", self.options.prefix)
    }
    fn version_key(&self, tag: &str) -> String {
        format!("{}:v:{tag}", self.options.prefix)
    }

    /// Runs `f` on a pooled connection; errors are counted and the
    /// connection is dropped.
    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> redis::RedisResult<T>) -> Result<T> {
        let pooled = self.pool.lock().ok().and_then(|mut p| p.pop());
        let conn = match pooled {
            Some(c) => Ok(c),
            None => self
                .client
                .get_connection_with_timeout(self.options.timeout)
                .and_then(|c| {
                    c.set_read_timeout(Some(self.options.timeout))?;
                    c.set_write_timeout(Some(self.options.timeout))?;
                    Ok(c)
                }),
        };
        let result = conn.and_then(|mut c| f(&mut c).map(|v| (v, c)));
        match result {
            Ok((v, c)) => {
                self.healthy.store(true, Ordering::Relaxed);
                if let Ok(mut p) = self.pool.lock()
                    && p.len() < self.options.pool_size
                {
                    p.push(c);
                }
                Ok(v)
            }
            Err(e) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                self.healthy.store(false, Ordering::Relaxed);
                Err(failed(&e))
            }
        }
    }

    /// The encoded value of `key`, its tags and its remaining TTL.
    pub(crate) fn get_full(&self, key: &str) -> Result<Option<Stored>> {
        let k = self.key(key);
        let (raw, ttl_ms): (Option<Vec<u8>>, i64) =
            self.with(|c| redis::pipe().get(&k).pttl(&k).query(c))?;
        let found = raw.and_then(|raw| split_envelope(&raw));
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        Ok(found.map(|(tags, bytes)| Stored {
            bytes,
            tags,
            ttl: Duration::from_millis(u64::try_from(ttl_ms).unwrap_or(0)),
        }))
    }

    /// Stores an encoded value.
    pub(crate) fn put_encoded(
        &self,
        key: &str,
        stored: &[u8],
        ttl: Duration,
        tags: &[&str],
    ) -> Result<()> {
        let k = self.key(key);
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let joined = tags.join("\n");
        let mut raw = Vec::with_capacity(4 + joined.len() + stored.len());
        raw.extend_from_slice(&u32::try_from(joined.len()).unwrap_or(0).to_le_bytes());
        raw.extend_from_slice(joined.as_bytes());
        raw.extend_from_slice(stored);
        self.with(|c| {
            let mut p = redis::pipe();
            p.cmd("SET").arg(&k).arg(&raw).arg("PX").arg(ms).ignore();
            for t in tags {
                let tk = self.tag_key(t);
                // A tag set lives as long as its longest-lived key.
                p.sadd(&tk, &k).ignore();
                p.cmd("PEXPIRE").arg(&tk).arg(ms).arg("NX").ignore();
                p.cmd("PEXPIRE").arg(&tk).arg(ms).arg("GT").ignore();
            }
            p.query::<()>(c)
        })
    }

    /// Current versions of `tags` (0 for a tag never invalidated).
    pub(crate) fn tag_versions(&self, tags: &[String]) -> Result<Vec<u64>> {
        if tags.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = tags.iter().map(|t| self.version_key(t)).collect();
        let v: Vec<Option<u64>> = self.with(|c| redis::cmd("MGET").arg(&keys).query(c))?;
        Ok(v.into_iter().map(Option::unwrap_or_default).collect())
    }

    pub(crate) fn tier_stats(&self) -> TierStats {
        let pattern = format!("{}:k:*", self.options.prefix);
        let (entries, bytes) = self
            .with(|c| {
                let keys: Vec<String> = c
                    .scan_match::<_, String>(&pattern)?
                    .take(100_000)
                    .collect::<redis::RedisResult<_>>()?;
                let mut bytes = 0u64;
                for chunk in keys.chunks(500) {
                    let mut p = redis::pipe();
                    for k in chunk {
                        p.strlen(k);
                    }
                    bytes += p.query::<Vec<u64>>(c)?.iter().sum::<u64>();
                }
                Ok((keys.len() as u64, bytes))
            })
            .unwrap_or((0, 0));
        TierStats {
            tier: "redis".into(),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries,
            bytes,
            errors: self.errors.load(Ordering::Relaxed),
            healthy: self.healthy.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn compress_above(&self) -> Option<usize> {
        self.options.compress_above
    }
}

/// Splits a stored Redis value into its tags and the encoded bytes.
fn split_envelope(raw: &[u8]) -> Option<(Vec<String>, Vec<u8>)> {
    let len = u32::from_le_bytes(raw.get(..4)?.try_into().ok()?) as usize;
    let tags = std::str::from_utf8(raw.get(4..4 + len)?).ok()?;
    let tags = if tags.is_empty() {
        Vec::new()
    } else {
        tags.split('\n').map(str::to_owned).collect()
    };
    Some((tags, raw.get(4 + len..)?.to_vec()))
}

impl Cache for RedisCache {
    fn get(&self, key: &str) -> Result<Option<Hit>> {
        Ok(self
            .get_full(key)?
            .and_then(|s| decode(&s.bytes))
            .map(|value| Hit {
                value,
                tier: "redis",
            }))
    }

    fn put(&self, key: &str, value: &[u8], ttl: Duration, tags: &[&str]) -> Result<()> {
        self.put_encoded(key, &encode(value, self.options.compress_above), ttl, tags)
    }

    fn invalidate_tag(&self, tag: &str) -> Result<()> {
        let tk = self.tag_key(tag);
        let vk = self.version_key(tag);
        self.with(|c| {
            let keys: Vec<String> = c.smembers(&tk)?;
            let mut p = redis::pipe();
            for chunk in keys.chunks(500) {
                p.del(chunk).ignore();
            }
            p.del(&tk).ignore().incr(&vk, 1).ignore();
            p.query::<()>(c)
        })
    }

    fn clear(&self) -> Result<()> {
        let prefix = &self.options.prefix;
        let all = self.version_key(ALL);
        self.with(|c| {
            for pattern in [format!("{prefix}:k:*"), format!("{prefix}:t:*")] {
                let keys: Vec<String> = c
                    .scan_match::<_, String>(&pattern)?
                    .collect::<redis::RedisResult<_>>()?;
                for chunk in keys.chunks(500) {
                    c.del::<_, ()>(chunk)?;
                }
            }
            // Versions are kept and the "all" version bumped, so tiered caches
            // elsewhere drop what they hold in memory.
            c.incr::<_, _, ()>(&all, 1)
        })
    }

    fn is_degraded(&self) -> bool {
        !self.healthy.load(Ordering::Relaxed)
    }

    fn is_remote(&self) -> bool {
        true
    }

    fn probe(&self) -> Result<()> {
        self.ping()
    }

    fn stats(&self) -> CacheStats {
        let tier = self.tier_stats();
        CacheStats {
            backend: "redis".into(),
            degraded: !tier.healthy,
            tiers: vec![tier],
        }
    }
}
