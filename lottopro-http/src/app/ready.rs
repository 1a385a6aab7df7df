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
    /// What went wrong, when it is down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The last answer, kept for [`FRESH_FOR`].
#[derive(Default)]
pub struct ReadyCache(Mutex<Option<(Instant, Readiness)>>);

/// Probes `f` on a blocking thread, within [`PROBE_TIMEOUT`].
async fn probe(f: impl FnOnce() -> lottopro_core::Result<()> + Send + 'static) -> Dependency {
    let started = Instant::now();
    let outcome = tokio::time::timeout(PROBE_TIMEOUT, tokio::task::spawn_blocking(f)).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (state, error) = match outcome {
        Ok(Ok(Ok(()))) => ("up", None),
        Ok(Ok(Err(e))) => ("down", Some(e.to_string())),
        Ok(Err(e)) => ("down", Some(e.to_string())),
        Err(_) => (
            "down",
            Some(format!("no answer within {} ms", PROBE_TIMEOUT.as_millis())),
        ),
    };
    Dependency {
        state,
        latency_ms,
        error,
    }
}

/// This replica's readiness, probed at most once per [`FRESH_FOR`].
pub async fn readiness(state: &AppState) -> Readiness {
    if let Ok(cached) = state.ready.0.lock()
        && let Some((at, r)) = cached.as_ref()
        && at.elapsed() < FRESH_FOR
    {
        return r.clone();
    }
    let store = match state.store.clone() {
        Some(s) => probe(move || s.probe()).await,
        None => Dependency {
            state: "absent",
            latency_ms: 0.0,
            error: None,
        },
    };
    let redis = if state.engine.cache_is_remote() {
        let engine = state.engine.clone();
        Some(probe(move || engine.probe_cache()).await)
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
    if let Ok(mut cached) = state.ready.0.lock() {
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
        let up = matches!(
            tokio::time::timeout(
                PROBE_TIMEOUT * 2,
                tokio::task::spawn_blocking(move || e.probe_cache()),
            )
            .await,
            Ok(Ok(Ok(())))
        );
        // For the `CacheDegraded` alert rule (deploy/prometheus/alerts.yml).
        metrics::gauge!("lottopro_cache_redis_up").set(if up { 1.0 } else { 0.0 });
    }
}
