//! The Redis backend in a build without the `redis` feature: the same API,
//! whose constructor says how to get the real one.

use std::time::Duration;

use super::{Cache, CacheStats, Hit, RedisOptions, Stored, TierStats};
use crate::error::{Error, Result};

/// The Redis backend; this build has none (see [`RedisCache::new`]).
pub struct RedisCache {
    never: std::convert::Infallible,
}

impl std::fmt::Debug for RedisCache {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.never {}
    }
}

impl RedisCache {
    /// Always an error: this build was made without the `redis` feature.
    pub fn new(_url: &str, _options: RedisOptions) -> Result<RedisCache> {
        Err(Error::invalid(
            "CACHE_TYPE",
            "this build of LottoPro has no Redis support; rebuild with the `redis` cargo feature \
             (cargo build --features lottopro-core/redis) or use CACHE_TYPE=memory",
        ))
    }

    /// Unreachable: no value of this type exists.
    pub fn ping(&self) -> Result<()> {
        match self.never {}
    }

    pub(crate) fn get_full(&self, _key: &str) -> Result<Option<Stored>> {
        match self.never {}
    }
    pub(crate) fn put_encoded(
        &self,
        _key: &str,
        _stored: &[u8],
        _ttl: Duration,
        _tags: &[&str],
    ) -> Result<()> {
        match self.never {}
    }
    pub(crate) fn tag_versions(&self, _tags: &[String]) -> Result<Vec<u64>> {
        match self.never {}
    }
    pub(crate) fn tier_stats(&self) -> TierStats {
        match self.never {}
    }
    pub(crate) fn compress_above(&self) -> Option<usize> {
        match self.never {}
    }
}

impl Cache for RedisCache {
    fn get(&self, _key: &str) -> Result<Option<Hit>> {
        match self.never {}
    }
    fn put(&self, _key: &str, _value: &[u8], _ttl: Duration, _tags: &[&str]) -> Result<()> {
        match self.never {}
    }
    fn invalidate_tag(&self, _tag: &str) -> Result<()> {
        match self.never {}
    }
    fn clear(&self) -> Result<()> {
        match self.never {}
    }
    fn stats(&self) -> CacheStats {
        match self.never {}
    }
}
