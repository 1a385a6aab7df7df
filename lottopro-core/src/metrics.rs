//! Hooks through which the engine reports what it does.
//!
//! The library emits, the host installs the sink: [`Metrics`] receives the
//! timing and outcome of every engine operation and every cache hit or miss.
//! [`NoopMetrics`] discards them (the default); [`MetricsRecorder`] keeps
//! counts and the latencies of the last 4,096 calls per operation in memory,
//! for tests, the Python module (`engine.metrics()`) and quick diagnostics;
//! the HTTP service plugs Prometheus into the same trait.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::ErrorKind;

/// How an operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It returned a result.
    Ok,
    /// It returned an error of this kind.
    Error(ErrorKind),
}

/// What a cache lookup found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheEvent {
    /// The value was cached.
    Hit,
    /// It was not; the engine computed it.
    Miss,
}

/// The sink of the engine's hooks.
pub trait Metrics: Send + Sync {
    /// An engine operation (`stats`, `predict`, ...) took `elapsed` and ended with `outcome`.
    fn operation(&self, name: &'static str, elapsed: Duration, outcome: Outcome);
    /// A cache lookup: a hit in `tier` (`memory`, `redis`), or a miss (`tier` is `cache`).
    fn cache(&self, tier: &'static str, event: CacheEvent);
}

/// Discards everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoopMetrics;

impl Metrics for NoopMetrics {
    fn operation(&self, _name: &'static str, _elapsed: Duration, _outcome: Outcome) {}
    fn cache(&self, _tier: &'static str, _event: CacheEvent) {}
}

/// Latencies kept per operation for percentiles.
const SAMPLES: usize = 4096;

#[derive(Default)]
struct OperationState {
    count: u64,
    errors: u64,
    micros: VecDeque<f64>,
}

#[derive(Default)]
struct State {
    operations: BTreeMap<&'static str, OperationState>,
    cache: BTreeMap<&'static str, (u64, u64)>,
}

/// Keeps counts and recent latencies in memory; see the module docs.
#[derive(Default)]
pub struct MetricsRecorder {
    state: Mutex<State>,
}

impl std::fmt::Debug for MetricsRecorder {
    /// What it has recorded so far ([`MetricsRecorder::snapshot`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("MetricsRecorder")
            .field(&self.snapshot())
            .finish()
    }
}

/// Counts and latency percentiles of one operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct OperationStats {
    /// The operation.
    pub name: String,
    /// Calls.
    pub count: u64,
    /// Calls that returned an error.
    pub errors: u64,
    /// Mean latency of the recent calls, milliseconds.
    pub mean_ms: f64,
    /// Median latency of the recent calls.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
}

/// Cache lookups seen by the engine, per tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct CacheTierEvents {
    /// `memory`, `redis`, or `cache` for misses.
    pub tier: String,
    /// Hits.
    pub hits: u64,
    /// Misses.
    pub misses: u64,
}

/// Everything a [`MetricsRecorder`] has seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct MetricsSnapshot {
    /// Per operation, by name.
    pub operations: Vec<OperationStats>,
    /// Per cache tier.
    pub cache: Vec<CacheTierEvents>,
}

impl MetricsRecorder {
    /// An empty recorder.
    pub fn new() -> MetricsRecorder {
        MetricsRecorder::default()
    }

    /// What has been recorded so far.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let Ok(s) = self.state.lock() else {
            return MetricsSnapshot {
                operations: vec![],
                cache: vec![],
            };
        };
        let operations = s
            .operations
            .iter()
            .map(|(name, o)| {
                let mut sorted: Vec<f64> = o.micros.iter().copied().collect();
                sorted.sort_by(f64::total_cmp);
                let pct = |q: f64| -> f64 {
                    if sorted.is_empty() {
                        return 0.0;
                    }
                    let idx =
                        ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
                    sorted[idx] / 1000.0
                };
                OperationStats {
                    name: (*name).to_owned(),
                    count: o.count,
                    errors: o.errors,
                    mean_ms: if sorted.is_empty() {
                        0.0
                    } else {
                        sorted.iter().sum::<f64>() / sorted.len() as f64 / 1000.0
                    },
                    p50_ms: pct(0.50),
                    p95_ms: pct(0.95),
                    p99_ms: pct(0.99),
                }
            })
            .collect();
        let cache = s
            .cache
            .iter()
            .map(|(tier, (hits, misses))| CacheTierEvents {
                tier: (*tier).to_owned(),
                hits: *hits,
                misses: *misses,
            })
            .collect();
        MetricsSnapshot { operations, cache }
    }
}

impl Metrics for MetricsRecorder {
    fn operation(&self, name: &'static str, elapsed: Duration, outcome: Outcome) {
        if let Ok(mut s) = self.state.lock() {
            let o = s.operations.entry(name).or_default();
            o.count += 1;
            if matches!(outcome, Outcome::Error(_)) {
                o.errors += 1;
            }
            if o.micros.len() == SAMPLES {
                o.micros.pop_front();
            }
            o.micros.push_back(elapsed.as_secs_f64() * 1e6);
        }
    }

    fn cache(&self, tier: &'static str, event: CacheEvent) {
        if let Ok(mut s) = self.state.lock() {
            let e = s.cache.entry(tier).or_default();
            match event {
                CacheEvent::Hit => e.0 += 1,
                CacheEvent::Miss => e.1 += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorder_counts_and_percentiles() {
        let r = MetricsRecorder::new();
        for ms in 1..=100u64 {
            r.operation("stats", Duration::from_millis(ms), Outcome::Ok);
        }
        r.operation(
            "stats",
            Duration::from_millis(1),
            Outcome::Error(ErrorKind::InvalidInput),
        );
        r.cache("memory", CacheEvent::Hit);
        r.cache("cache", CacheEvent::Miss);
        let s = r.snapshot();
        let op = &s.operations[0];
        assert_eq!((op.name.as_str(), op.count, op.errors), ("stats", 101, 1));
        assert!(
            (op.p50_ms - 50.0).abs() < 1e-6 && (op.p99_ms - 99.0).abs() < 1e-6,
            "{op:?}"
        );
        assert_eq!(s.cache.len(), 2);
    }
}
