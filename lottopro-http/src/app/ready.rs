//! Readiness: whether this replica can serve now, found by asking its
//! dependencies rather than remembering how they last behaved.
//!
//! `GET /api/ready` probes the store (`SELECT 1`) and, when the cache has a
//! Redis tier, Redis (`PING`), each within [`PROBE_TIMEOUT`], and keeps the
//! answer for at most [`FRESH_FOR`] so that a load balancer polling every
//! replica often cannot turn probes into load. The store is required (503
//! without it); Redis is not (the memory tier serves alone), so a Redis
//! failure makes the replica `degraded`, still ready. [`watch_cache`] probes
//! Redis every second in the background as well, so that the tiered cache
//! leaves its degraded state as soon as Redis is back, with no traffic.
//!
//! A dependency that hangs must not make readiness lie about another: each
//! probe runs on a thread of its own, not on the blocking pool that request
//! work (and a hung Redis) may fill, and at most one probe per dependency is
//! in flight, so a probe stuck on a stopped server costs one thread, not one
//! per poll. The answer names the dependency and says `no answer` or
//! `failed`; what failed (addresses, users, the driver's message) goes to
//! the log only.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;

/// How long one dependency may take to answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(250);
/// How long an answer is reused.
pub const FRESH_FOR: Duration = Duration::from_secs(1);

/// What `GET /api/ready` answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`, `degraded` (ready, with an optional dependency failing) or
    /// `unavailable` (a required one failing: the answer is 503).
    pub status: &'static str,
    /// The database.
    pub store: Dependency,
    /// The Redis tier of the cache; `null` when there is none.
    pub redis: Option<Dependency>,
}

/// One dependency's answer to its probe.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dependency {
    /// `up`, `down` (an error or no answer within 250 ms) or `absent` (the
    /// service runs without it).
    pub state: &'static str,
    /// How long the probe took, in milliseconds.
    pub latency_ms: f64,
    /// What went wrong, when it is down: `no answer within 250 ms` or
    /// `failed` (the details are in the log).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The last answer, kept for [`FRESH_FOR`], and the probes in flight.
#[derive(Default)]
pub struct ReadyCache {
    last: Mutex<Option<(Instant, Readiness)>>,
    store: Arc<AtomicBool>,
    redis: Arc<AtomicBool>,
}

/// Probes `f` (the dependency called `name`) on a thread of its own within
/// [`PROBE_TIMEOUT`]; `busy` is set while a probe of it is in flight, and a
/// probe still in flight answers for the next one.
async fn probe(
    name: &'static str,
    busy: &Arc<AtomicBool>,
    f: impl FnOnce() -> lottopro_core::Result<()> + Send + 'static,
) -> Dependency {
    let started = Instant::now();
    let no_answer = || format!("no answer within {} ms", PROBE_TIMEOUT.as_millis());
    let down = |error: String| Dependency {
        state: "down",
        latency_ms: started.elapsed().as_secs_f64() * 1000.0,
        error: Some(error),
    };
    if busy.swap(true, Ordering::AcqRel) {
        return down(no_answer());
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let flag = busy.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("probe-{name}"))
        .spawn(move || {
            let outcome = f();
            flag.store(false, Ordering::Release);
            let _ = tx.send(outcome);
        });
    if let Err(e) = spawned {
        busy.store(false, Ordering::Release);
        tracing::warn!(dependency = name, error = %e, "readiness: cannot start a probe");
        return down("failed".into());
    }
    match tokio::time::timeout(PROBE_TIMEOUT, rx).await {
        Ok(Ok(Ok(()))) => Dependency {
            state: "up",
            latency_ms: started.elapsed().as_secs_f64() * 1000.0,
            error: None,
        },
        Ok(Ok(Err(e))) => {
            tracing::warn!(dependency = name, error = %e, "readiness: probe failed");
            down("failed".into())
        }
        Ok(Err(_)) => down("failed".into()),
        Err(_) => {
            tracing::warn!(
                dependency = name,
                "readiness: no answer within the probe's time"
            );
            down(no_answer())
        }
    }
}

/// This replica's readiness, probed at most once per [`FRESH_FOR`].
pub async fn readiness(state: &AppState) -> Readiness {
    if let Ok(cached) = state.ready.last.lock()
        && let Some((at, r)) = cached.as_ref()
        && at.elapsed() < FRESH_FOR
    {
        return r.clone();
    }
    let store = match state.store.clone() {
        Some(s) => probe("store", &state.ready.store, move || s.probe()).await,
        None => Dependency {
            state: "absent",
            latency_ms: 0.0,
            error: None,
        },
    };
    let redis = if state.engine.cache_is_remote() {
        let engine = state.engine.clone();
        Some(probe("redis", &state.ready.redis, move || engine.probe_cache()).await)
    } else {
        None
    };
    let status = if store.state == "down" {
        "unavailable"
    } else if redis.as_ref().is_some_and(|r| r.state == "down") {
        "degraded"
    } else {
        "ready"
    };
    let r = Readiness {
        status,
        store,
        redis,
    };
    if let Ok(mut cached) = state.ready.last.lock() {
        *cached = Some((Instant::now(), r.clone()));
    }
    r
}

/// Probes the cache's Redis tier every second, so that recovery (and
/// failure) is noticed without traffic. Runs until the process ends.
pub async fn watch_cache(state: AppState) {
    if !state.engine.cache_is_remote() {
        return;
    }
    let engine: Arc<lottopro_core::Engine> = state.engine.clone();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let e = engine.clone();
        let up = probe("redis", &state.ready.redis, move || e.probe_cache())
            .await
            .state
            == "up";
        // For the `CacheDegraded` alert rule (deploy/prometheus/alerts.yml).
        metrics::gauge!("lottopro_cache_redis_up").set(if up { 1.0 } else { 0.0 });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hung_probe_answers_in_time_and_is_not_repeated() {
        let busy = Arc::new(AtomicBool::new(false));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let started = Instant::now();
        let first = probe("store", &busy, move || {
            let _ = hold.recv();
            Ok(())
        })
        .await;
        assert_eq!(first.state, "down");
        assert_eq!(first.error.as_deref(), Some("no answer within 250 ms"));
        assert!(started.elapsed() < PROBE_TIMEOUT * 2);
        // Still stuck: the next poll starts no second probe.
        let second = probe("store", &busy, || unreachable!("not started")).await;
        assert_eq!(second.state, "down");
        release.send(()).unwrap();
        for _ in 0..100 {
            if !busy.load(Ordering::Acquire) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(probe("store", &busy, || Ok(())).await.state, "up");
        // A failure says so, without the driver's words.
        let failed = probe("store", &busy, || {
            Err(lottopro_core::Error::unavailable(
                "database",
                "cannot connect to postgres://lotto@db:5432/lotto",
            ))
        })
        .await;
        assert_eq!(failed.error.as_deref(), Some("failed"));
    }
}
