//! One contract suite over every cache backend: memory, Redis (a real
//! `redis-server` on a loopback port) and tiered.

use std::thread::sleep;
use std::time::Duration;

use lottopro_core::cache::{Cache, MemoryCache};

/// What every backend must do.
fn contract(cache: &dyn Cache, name: &str) {
    cache.clear().unwrap();
    let ttl = Duration::from_secs(60);
    assert!(cache.get("missing").unwrap().is_none(), "{name}");
    cache
        .put("a", b"alpha", ttl, &["letters", "first"])
        .unwrap();
    cache.put("b", b"beta", ttl, &["letters"]).unwrap();
    cache.put("n", b"one", ttl, &["numbers"]).unwrap();
    assert_eq!(cache.get("a").unwrap().unwrap().value, b"alpha", "{name}");
    // Overwrite.
    cache.put("a", b"ALPHA", ttl, &["letters"]).unwrap();
    assert_eq!(cache.get("a").unwrap().unwrap().value, b"ALPHA", "{name}");
    // A large value survives (compressed where the backend compresses).
    let big: Vec<u8> = (0..200_000u32)
        .flat_map(|i| (i % 251).to_le_bytes())
        .collect();
    cache.put("big", &big, ttl, &[]).unwrap();
    assert_eq!(cache.get("big").unwrap().unwrap().value, big, "{name}");
    // Tags remove exactly their entries.
    cache.invalidate_tag("letters").unwrap();
    assert!(
        cache.get("a").unwrap().is_none(),
        "{name}: tagged entry survived"
    );
    assert!(cache.get("b").unwrap().is_none(), "{name}");
    assert_eq!(
        cache.get("n").unwrap().unwrap().value,
        b"one",
        "{name}: untagged entry removed"
    );
    // TTLs expire.
    cache
        .put("short", b"x", Duration::from_millis(150), &[])
        .unwrap();
    assert!(cache.get("short").unwrap().is_some(), "{name}");
    sleep(Duration::from_millis(400));
    assert!(cache.get("short").unwrap().is_none(), "{name}: TTL ignored");
    // Clear removes everything.
    cache.clear().unwrap();
    assert!(
        cache.get("n").unwrap().is_none() && cache.get("big").unwrap().is_none(),
        "{name}"
    );
    let stats = cache.stats();
    let front = &stats.tiers[0];
    assert!(front.hits >= 4 && front.misses >= 4, "{name}: {stats:?}");
    assert!(!stats.degraded, "{name}");
}

#[test]
fn memory_backend_meets_the_contract() {
    contract(&MemoryCache::new(100, None), "memory");
    contract(&MemoryCache::new(100, Some(1024)), "memory, compressed");
}

#[test]
fn memory_backend_is_bounded() {
    let c = MemoryCache::new(10, None);
    for i in 0..100 {
        c.put(&format!("k{i}"), b"v", Duration::from_secs(60), &[])
            .unwrap();
    }
    let s = c.stats();
    assert!(s.tiers[0].entries <= 10, "{s:?}");
}

#[cfg(feature = "redis")]
mod redis {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    use lottopro_core::cache::{Cache, MemoryCache, RedisCache, RedisOptions, TieredCache};
    use lottopro_core::{Engine, StatsOptions};

    use super::contract;
    use crate::common::{RedisServer, real_history};

    fn redis(server: &RedisServer, prefix: &str) -> RedisCache {
        let options = RedisOptions {
            prefix: prefix.into(),
            compress_above: Some(1024),
            ..RedisOptions::default()
        };
        RedisCache::new(&server.url(), options).unwrap()
    }

    #[test]
    fn redis_and_tiered_backends_meet_the_contract() {
        let Some(server) = RedisServer::start("redis_and_tiered_backends_meet_the_contract") else {
            return;
        };
        let r = redis(&server, "contract-redis");
        r.ping().unwrap();
        contract(&r, "redis");
        let t = TieredCache::new(
            MemoryCache::new(100, None),
            redis(&server, "contract-tiered"),
        );
        contract(&t, "tiered");
        assert_eq!(t.stats().tiers.len(), 2);
    }

    /// A Redis that accepts and never answers: once the cache has backed
    /// off, a probe waiting on it does not make requests wait too.
    #[test]
    fn a_probe_of_a_hung_redis_keeps_requests_in_the_backoff() {
        let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("redis://{}/", hung.local_addr().unwrap());
        let cache = Arc::new(TieredCache::new(
            MemoryCache::new(100, None),
            RedisCache::new(&url, RedisOptions::default()).unwrap(),
        ));
        // The first miss finds Redis hung and starts the backoff; a probe
        // that fails doubles it (to 0.2 s).
        assert!(cache.get("a").unwrap().is_none());
        assert!(cache.is_degraded());
        assert!(cache.probe().is_err());
        let prober = {
            let cache = cache.clone();
            std::thread::spawn(move || cache.probe())
        };
        std::thread::sleep(Duration::from_millis(20));
        let started = Instant::now();
        for _ in 0..20 {
            assert!(cache.get("b").unwrap().is_none());
        }
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "requests waited on the probe: {:?}",
            started.elapsed()
        );
        assert!(prober.join().unwrap().is_err());
    }

    #[test]
    fn a_bad_url_is_an_error_naming_the_setting() {
        let e = RedisCache::new("not a url", RedisOptions::default())
            .err()
            .unwrap();
        assert_eq!(e.field(), Some("redis_url"));
    }

    /// A tag invalidated through one engine is gone for another sharing the Redis.
    #[test]
    fn invalidation_is_seen_by_another_engine() {
        let Some(server) = RedisServer::start("invalidation_is_seen_by_another_engine") else {
            return;
        };
        let h = real_history();
        let opts = StatsOptions::default();
        // Two processes' worth of engines: plain Redis, then tiered.
        let plain = |_: u8| -> Arc<dyn Cache> { Arc::new(redis(&server, "shared")) };
        let tiered = |_: u8| -> Arc<dyn Cache> {
            Arc::new(
                TieredCache::new(MemoryCache::new(100, None), redis(&server, "shared-tiered"))
                    .with_sync_interval(Duration::from_millis(50)),
            )
        };
        for make in [&plain as &dyn Fn(u8) -> Arc<dyn Cache>, &tiered] {
            let a = Engine::builder(h.clone())
                .cache(Some(make(0)))
                .record_metrics()
                .build();
            let b = Engine::builder(h.clone())
                .cache(Some(make(1)))
                .record_metrics()
                .build();
            a.clear_cache().unwrap();
            a.stats(&opts).unwrap();
            b.stats(&opts).unwrap();
            let hits = |e: &Engine| {
                e.metrics()
                    .unwrap()
                    .cache
                    .iter()
                    .filter(|t| t.tier != "cache")
                    .map(|t| t.hits)
                    .sum::<u64>()
            };
            let misses = |e: &Engine| {
                e.metrics()
                    .unwrap()
                    .cache
                    .iter()
                    .map(|t| t.misses)
                    .sum::<u64>()
            };
            assert_eq!(hits(&b), 1, "b found a's result in Redis");
            b.stats(&opts).unwrap();
            a.invalidate("stats");
            std::thread::sleep(Duration::from_millis(120));
            let before = misses(&b);
            b.stats(&opts).unwrap();
            assert_eq!(
                misses(&b),
                before + 1,
                "b still served an invalidated entry"
            );
        }
    }

    /// Redis dies under concurrent engine calls: every call still succeeds and
    /// the cache reports itself degraded; Redis comes back: the cache recovers
    /// by itself.
    #[test]
    fn tiered_cache_survives_redis_dying_and_recovers() {
        let Some(mut server) = RedisServer::start("tiered_cache_survives_redis_dying_and_recovers")
        else {
            return;
        };
        let cache = Arc::new(TieredCache::new(
            MemoryCache::new(1000, None),
            redis(&server, "fault"),
        ));
        let engine = Arc::new(
            Engine::builder(real_history())
                .cache(Some(cache.clone() as Arc<dyn Cache>))
                .build(),
        );
        let stop = Arc::new(AtomicBool::new(false));
        let calls = Arc::new(AtomicU64::new(0));
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let (engine, stop, calls) = (engine.clone(), stop.clone(), calls.clone());
                std::thread::spawn(move || {
                    let mut i = 0usize;
                    while !stop.load(Ordering::Relaxed) {
                        // Fresh parameters on every call, so every call writes
                        // to the cache (and so to Redis when it is up).
                        let opts = StatsOptions {
                            window: 1 + w + 4 * i,
                            top: 3,
                            last: None,
                        };
                        engine.stats(&opts).expect("an engine call failed");
                        calls.fetch_add(1, Ordering::Relaxed);
                        i += 1;
                    }
                })
            })
            .collect();
        let wait_for = |what: &str, cond: &dyn Fn() -> bool| {
            let start = Instant::now();
            while !cond() {
                assert!(
                    start.elapsed() < Duration::from_secs(40),
                    "timed out waiting until {what}"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        };
        std::thread::sleep(Duration::from_millis(300));
        assert!(!cache.is_degraded());
        server.kill();
        wait_for("degraded", &|| cache.is_degraded());
        let during = calls.load(Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            calls.load(Ordering::Relaxed) > during,
            "calls stopped while Redis was down"
        );
        assert!(engine.cache_stats().unwrap().degraded);
        assert!(engine.cache_degraded(), "the cheap health flag agrees");
        server.restart().unwrap();
        wait_for("recovered", &|| !cache.is_degraded());
        std::thread::sleep(Duration::from_millis(300));
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            w.join().expect("a worker panicked");
        }
        let stats = cache.stats();
        assert!(!stats.degraded && stats.tiers[1].healthy, "{stats:?}");
        assert!(!engine.cache_degraded());
        assert!(stats.tiers[1].errors > 0, "the failures were counted");
        assert!(
            stats.tiers[1].entries > 0,
            "writes reach Redis again after recovery"
        );
    }
}
