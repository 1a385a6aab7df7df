//! Caching of engine results: bytes in, bytes out, with TTLs and tags.
//!
//! [`Cache`] is a small synchronous trait so that Rust, Python and HTTP
//! callers use it the same way. Three backends implement it:
//!
//! * [`MemoryCache`] (moka): in-process, bounded by entry count, per-entry TTL;
//! * [`RedisCache`] (cargo feature `redis`): shared by processes; tags are
//!   Redis sets, so invalidating a tag in one process removes its entries for
//!   all of them; short timeouts and a small connection pool;
//! * [`TieredCache`]: memory in front of Redis. When Redis fails it keeps
//!   serving from memory, counts the failure, reports itself degraded, and
//!   retries with exponential backoff until Redis answers again.
//!
//! A build without the `redis` feature still has a `RedisCache` type whose
//! constructor returns a clear "built without redis" error, so call sites
//! carry no `cfg`. [`CacheConfig`] chooses a backend from settings (the
//! original app's `CACHE_TYPE`, `REDIS_URL`, `CACHE_DEFAULT_TIMEOUT`,
//! `MEMORY_CACHE_SIZE`, `CACHE_COMPRESSION`).
//!
//! Values may be compressed (lz4) above a size threshold; every stored value
//! starts with one format byte, so compressed and plain entries mix safely.

mod memory;
#[cfg_attr(feature = "redis", path = "redis_enabled.rs")]
#[cfg_attr(not(feature = "redis"), path = "redis_disabled.rs")]
mod redis;
mod tiered;

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

pub use memory::MemoryCache;
pub use redis::RedisCache;
pub use tiered::TieredCache;

/// A value found in a cache, and the tier that had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The stored bytes.
    pub value: Vec<u8>,
    /// `memory` or `redis`.
    pub tier: &'static str,
}

/// Counters of one cache tier.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TierStats {
    /// `memory` or `redis`.
    pub tier: String,
    /// Lookups that found a value.
    pub hits: u64,
    /// Lookups that did not.
    pub misses: u64,
    /// Entries held (for Redis: keys under this cache's prefix).
    pub entries: u64,
    /// Bytes held, as stored (after compression).
    pub bytes: u64,
    /// Operations that failed.
    pub errors: u64,
    /// Whether the tier is currently answering.
    pub healthy: bool,
}

/// Counters of a cache, per tier, front tier first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct CacheStats {
    /// The backend: `memory`, `redis` or `tiered`.
    pub backend: String,
    /// One entry per tier.
    pub tiers: Vec<TierStats>,
    /// Whether the cache is running with a failed tier.
    pub degraded: bool,
}

/// A byte cache with TTLs and tags; see the module docs.
///
/// Errors are reported, never hidden, but the engine treats every cache error
/// as a miss: a failing cache never fails an engine call.
pub trait Cache: Send + Sync {
    /// The stored value of `key`, if any and not expired.
    fn get(&self, key: &str) -> Result<Option<Hit>>;

    /// Stores `value` under `key` for `ttl`, under each of `tags`.
    fn put(&self, key: &str, value: &[u8], ttl: Duration, tags: &[&str]) -> Result<()>;

    /// Removes every entry stored under `tag`.
    fn invalidate_tag(&self, tag: &str) -> Result<()>;

    /// Removes every entry of this cache.
    fn clear(&self) -> Result<()>;

    /// Counters, per tier. May be costly (a Redis tier counts its keys).
    fn stats(&self) -> CacheStats;

    /// Whether a tier is failing; cheap, for health checks.
    fn is_degraded(&self) -> bool {
        false
    }

    /// Asks every remote tier whether it answers (a Redis `PING`), now,
    /// whatever backoff is running, and records the answer: a tiered cache
    /// leaves its degraded state as soon as Redis is back, without waiting
    /// for traffic. In-process caches always answer.
    fn probe(&self) -> Result<()> {
        Ok(())
    }

    /// Whether a tier lives in another process (and so can be probed).
    fn is_remote(&self) -> bool {
        false
    }

    /// The decoded value of `key` kept in process beside its bytes, if any
    /// (see [`get_or_compute`]). Backends without an in-process tier keep none.
    fn get_typed(&self, _key: &str) -> Option<TypedValue> {
        None
    }

    /// Keeps the decoded `value` of an entry already stored under `key`.
    fn put_typed(&self, _key: &str, _value: TypedValue) {}
}

/// A decoded value kept in process beside its bytes by an in-process tier.
/// Opaque: a backend stores and returns it as it is; only
/// [`get_or_compute`] looks inside.
#[derive(Clone)]
pub struct TypedValue(Arc<dyn Any + Send + Sync>);

impl TypedValue {
    fn new<T: Send + Sync + 'static>(value: T) -> TypedValue {
        TypedValue(Arc::new(value))
    }

    fn get<T: 'static>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }
}

impl std::fmt::Debug for TypedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TypedValue(..)")
    }
}

/// The typed front of a cache: the value of `key` if cached, else `compute()`
/// stored for `ttl` under `tags`. Cache failures and undecodable entries count
/// as misses; only `compute`'s own error is returned. Returns the value and
/// the tier that had it (`None` when computed).
///
/// Decoding a cached value costs more than many computations (40 µs for the
/// statistics of the full history, against 0.5 µs to clone them), so the
/// in-process tier also keeps the decoded value beside the bytes: a memory
/// hit is a clone. The bytes stay the contract every backend shares.
pub fn get_or_compute<T, F>(
    cache: &dyn Cache,
    key: &str,
    ttl: Duration,
    tags: &[&str],
    compute: F,
) -> Result<(T, Option<&'static str>)>
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
    F: FnOnce() -> Result<T>,
{
    if let Some((value, tier)) = get_cached(cache, key) {
        return Ok((value, Some(tier)));
    }
    let value = compute()?;
    if let Ok(bytes) = serde_json::to_vec(&value) {
        // A failed put is the cache's problem, counted in its stats.
        if cache.put(key, &bytes, ttl, tags).is_ok() {
            cache.put_typed(key, TypedValue::new(value.clone()));
        }
    }
    Ok((value, None))
}

/// The value of `key` if a tier holds it (undecodable entries and cache
/// failures count as absent), and the tier that had it.
pub fn get_cached<T>(cache: &dyn Cache, key: &str) -> Option<(T, &'static str)>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    if let Some(typed) = cache.get_typed(key)
        && let Some(value) = typed.get::<T>()
    {
        return Some((value.clone(), "memory"));
    }
    if let Ok(Some(hit)) = cache.get(key)
        && let Ok(value) = serde_json::from_slice::<T>(&hit.value)
    {
        cache.put_typed(key, TypedValue::new(value.clone()));
        return Some((value, hit.tier));
    }
    None
}

/// A value as a backend stores it: encoded bytes, its tags, its remaining TTL.
pub(crate) struct Stored {
    pub(crate) bytes: Vec<u8>,
    pub(crate) tags: Vec<String>,
    pub(crate) ttl: Duration,
}

/// The pseudo-tag whose version changes when a whole cache is cleared.
pub(crate) const ALL: &str = "*";

/// Format byte of a stored value: plain bytes follow.
const PLAIN: u8 = 0;
/// Format byte of a stored value: lz4 with the uncompressed size prepended.
const LZ4: u8 = 1;

/// Encodes a value for storage, compressing it when `compress_above` is set
/// and the value is larger.
pub(crate) fn encode(value: &[u8], compress_above: Option<usize>) -> Vec<u8> {
    match compress_above {
        Some(limit) if value.len() > limit => {
            let mut out = vec![LZ4];
            out.extend(lz4_flex::compress_prepend_size(value));
            out
        }
        _ => {
            let mut out = Vec::with_capacity(value.len() + 1);
            out.push(PLAIN);
            out.extend_from_slice(value);
            out
        }
    }
}

/// Decodes a stored value; `None` for anything not written by [`encode`].
pub(crate) fn decode(stored: &[u8]) -> Option<Vec<u8>> {
    match stored.split_first()? {
        (&PLAIN, rest) => Some(rest.to_vec()),
        (&LZ4, rest) => lz4_flex::decompress_size_prepended(rest).ok(),
        _ => None,
    }
}

/// Settings of a [`RedisCache`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisOptions {
    /// Key prefix, so several applications can share one Redis.
    pub prefix: String,
    /// Connect, read and write timeout.
    pub timeout: Duration,
    /// Idle connections kept.
    pub pool_size: usize,
    /// Compress values larger than this many bytes.
    pub compress_above: Option<usize>,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            prefix: "lottopro".into(),
            timeout: Duration::from_millis(250),
            pool_size: 4,
            compress_above: None,
        }
    }
}

/// Which backend to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CacheKind {
    /// No caching.
    None,
    /// [`MemoryCache`].
    Memory,
    /// [`RedisCache`].
    Redis,
    /// [`TieredCache`].
    Tiered,
}

impl std::str::FromStr for CacheKind {
    type Err = Error;
    /// `memory` (or the original's `simple`), `redis`, `tiered`, or `none`
    /// (or `null`), in any case.
    fn from_str(s: &str) -> Result<CacheKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "memory" | "simple" => Ok(CacheKind::Memory),
            "redis" => Ok(CacheKind::Redis),
            "tiered" => Ok(CacheKind::Tiered),
            "none" | "null" => Ok(CacheKind::None),
            other => Err(Error::invalid(
                "cache",
                format!("'{other}' is not memory, redis, tiered or none"),
            )),
        }
    }
}

/// Cache settings, with the original app's defaults. Hosts fill it from
/// their own configuration (the service from `CACHE_TYPE`, `REDIS_URL`,
/// ...; Python from `Engine(cache=...)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CacheConfig {
    /// `CACHE_TYPE`: `memory` (default), `redis`, `tiered` or `none`.
    pub kind: CacheKind,
    /// `REDIS_URL` (default `redis://127.0.0.1:6379/0`).
    pub redis_url: String,
    /// `CACHE_DEFAULT_TIMEOUT`: TTL of cached results (default 300 s).
    pub default_ttl: Duration,
    /// `MEMORY_CACHE_SIZE`: most entries in memory (default 1000).
    pub memory_size: u64,
    /// `CACHE_COMPRESSION`: compress values larger than 1 KiB (default off).
    pub compression: bool,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            kind: CacheKind::Memory,
            redis_url: "redis://127.0.0.1:6379/0".into(),
            default_ttl: Duration::from_secs(300),
            memory_size: 1000,
            compression: false,
        }
    }
}

impl CacheConfig {
    /// Builds the configured cache; `None` for [`CacheKind::None`]. Redis is
    /// contacted lazily, so a Redis that is down at start-up degrades the
    /// tiered cache instead of failing; a malformed URL, or a build without
    /// the `redis` feature, is an error.
    pub fn build(&self) -> Result<Option<Arc<dyn Cache>>> {
        let compress = self.compression.then_some(1024);
        let memory = || MemoryCache::new(self.memory_size, compress);
        let redis = || {
            RedisCache::new(
                &self.redis_url,
                RedisOptions {
                    compress_above: compress,
                    ..RedisOptions::default()
                },
            )
        };
        Ok(match self.kind {
            CacheKind::None => None,
            CacheKind::Memory => Some(Arc::new(memory())),
            CacheKind::Redis => Some(Arc::new(redis()?)),
            CacheKind::Tiered => Some(Arc::new(TieredCache::new(memory(), redis()?))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips_and_rejects_foreign_bytes() {
        let big = vec![b'x'; 10_000];
        let stored = encode(&big, Some(1024));
        assert!(stored.len() < 1_000, "compressed to {}", stored.len());
        assert_eq!(decode(&stored).unwrap(), big);
        assert_eq!(decode(&encode(b"small", Some(1024))).unwrap(), b"small");
        assert_eq!(decode(&encode(&big, None)).unwrap().len(), 10_000);
        assert!(
            decode(b"").is_none() && decode(&[7, 1, 2]).is_none() && decode(&[LZ4, 1]).is_none()
        );
    }

    #[test]
    fn cache_kinds_parse_in_any_case() {
        for (text, kind) in [
            ("memory", CacheKind::Memory),
            ("Simple", CacheKind::Memory),
            (" REDIS ", CacheKind::Redis),
            ("tiered", CacheKind::Tiered),
            ("none", CacheKind::None),
            ("null", CacheKind::None),
        ] {
            assert_eq!(text.parse::<CacheKind>().unwrap(), kind, "{text}");
        }
        let e = "disk".parse::<CacheKind>().unwrap_err();
        assert_eq!(e.field(), Some("cache"));
        assert!(CacheConfig::default().build().unwrap().is_some());
    }

    #[cfg(not(feature = "redis"))]
    #[test]
    fn redis_without_the_feature_is_a_clear_error() {
        for kind in [CacheKind::Redis, CacheKind::Tiered] {
            let c = CacheConfig {
                kind,
                ..CacheConfig::default()
            };
            let e = c.build().err().unwrap();
            assert_eq!(e.field(), Some("CACHE_TYPE"));
            assert!(e.to_string().contains("`redis` cargo feature"), "{e}");
        }
    }
}
