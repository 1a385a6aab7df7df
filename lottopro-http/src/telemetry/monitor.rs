//! The service measuring itself: per-route request counts, errors and
//! latency percentiles, a time series of the last hour, and the Prometheus
//! exporter behind `GET /metrics`.
//!
//! Two sinks are fed from the same middleware. [`Monitor`] keeps what
//! `/admin/performance` shows (the core's [`MetricsRecorder`], keyed by
//! `METHOD /matched/route`, plus [`SERIES_LEN`] buckets of
//! [`BUCKET_SECS`] seconds); the `metrics` crate feeds the Prometheus
//! recorder. That recorder is process-global (the `metrics` facade allows
//! one), so it is installed once and shared by every router in the process.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use lottopro_core::metrics::{
    CacheEvent, Metrics, MetricsRecorder, MetricsSnapshot, OperationStats, Outcome,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use serde::Serialize;

/// Seconds per time-series bucket.
pub const BUCKET_SECS: u64 = 10;
/// Buckets kept: one hour.
pub const SERIES_LEN: usize = 360;

/// Latency buckets of the Prometheus histograms, seconds: up to a minute,
/// so that a p95 above the 10 s of THRESHOLD_RESPONSE_TIME (the
/// `LottoProSlow` alert) can be seen; deploy/prometheus/alerts_test.yml
/// uses the same bounds.
const LATENCY_BUCKETS: [f64; 16] = [
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0,
];

/// Seconds between upkeeps of the Prometheus recorder.
pub const UPKEEP_SECS: u64 = 5;

/// The process's Prometheus recorder, installed on first use; `None` if
/// another recorder was installed first.
///
/// The recorder keeps histogram samples until an upkeep folds them into the
/// buckets; its own HTTP listener would run that, but `/metrics` is served
/// by our router, so a thread does it every [`UPKEEP_SECS`] seconds.
/// Without it memory grows by every request's samples.
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                .ok()?
                .install_recorder()
                .ok()?;
            let upkeep = handle.clone();
            std::thread::Builder::new()
                .name("lottopro-metrics-upkeep".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(Duration::from_secs(UPKEEP_SECS));
                        upkeep.run_upkeep();
                    }
                })
                .ok()?;
            Some(handle)
        })
        .as_ref()
}

pub use super::alerts::Thresholds;

/// One bucket of the time series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Bucket {
    /// Start, seconds since 1970.
    pub start: u64,
    /// Requests answered.
    pub requests: u64,
    /// Answered 4xx.
    pub client_errors: u64,
    /// Answered 5xx.
    pub server_errors: u64,
    /// Mean latency, milliseconds.
    pub mean_ms: f64,
    /// Slowest, milliseconds.
    pub max_ms: f64,
}

/// What `/admin/performance` returns.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Performance {
    /// Seconds since the service started.
    pub uptime_secs: u64,
    /// Requests answered since start.
    pub requests: u64,
    /// Share answered 5xx, percent.
    pub error_rate_percent: f64,
    /// Per route (`METHOD /path`).
    pub routes: Vec<OperationStats>,
    /// The engine's operations and cache lookups.
    pub engine: Option<MetricsSnapshot>,
    /// The thresholds, and which are crossed now.
    pub thresholds: Thresholds,
    /// The latest system reading.
    pub system: Option<super::alerts::SystemSample>,
    /// Names of the crossed thresholds (`response_time`, `error_rate`).
    #[schema(value_type = Vec<String>)]
    pub alerts: Vec<&'static str>,
}

/// See the module docs.
pub struct Monitor {
    /// Readings of the process and machine, when the service samples them.
    pub system: Mutex<Option<super::alerts::SystemSampler>>,
    enabled: bool,
    started: Instant,
    routes: MetricsRecorder,
    series: Mutex<VecDeque<(Bucket, f64)>>,
    names: Mutex<HashSet<&'static str>>,
    thresholds: Thresholds,
    notices: Mutex<VecDeque<(u64, super::alerts::Notice)>>,
}

/// Alerts and all-clears kept for the monitoring page.
const NOTICES_KEPT: usize = 20;

impl Monitor {
    /// The system readings kept so far, oldest first (none when the service
    /// does not sample the system).
    pub fn system_samples(&self) -> Vec<super::alerts::SystemSample> {
        self.system
            .lock()
            .ok()
            .and_then(|s| s.as_ref().map(super::alerts::SystemSampler::samples))
            .unwrap_or_default()
    }

    /// A monitor; a disabled one records nothing (Prometheus still counts).
    pub fn new(enabled: bool, thresholds: Thresholds) -> Monitor {
        Monitor {
            system: Mutex::new(None),
            enabled,
            started: Instant::now(),
            routes: MetricsRecorder::new(),
            series: Mutex::new(VecDeque::with_capacity(SERIES_LEN)),
            names: Mutex::new(HashSet::new()),
            thresholds,
            notices: Mutex::new(VecDeque::with_capacity(NOTICES_KEPT)),
        }
    }

    /// The latest alerts and all-clears, newest first, with when they were
    /// raised (Unix seconds).
    pub fn notices(&self) -> Vec<(u64, super::alerts::Notice)> {
        self.notices
            .lock()
            .map(|n| n.iter().rev().cloned().collect())
            .unwrap_or_default()
    }

    fn keep_notice(&self, at: u64, notice: &super::alerts::Notice) {
        if let Ok(mut n) = self.notices.lock() {
            if n.len() == NOTICES_KEPT {
                n.pop_front();
            }
            n.push_back((at, notice.clone()));
        }
    }

    /// A route name with a static lifetime. Names come from the router's
    /// own routes and a fixed method list, so the set is small and bounded.
    fn intern(&self, name: String) -> &'static str {
        let Ok(mut names) = self.names.lock() else {
            return "unknown";
        };
        if let Some(n) = names.get(name.as_str()) {
            return n;
        }
        let leaked: &'static str = Box::leak(name.into_boxed_str());
        names.insert(leaked);
        leaked
    }

    fn record(&self, route: &'static str, status: u16, elapsed: Duration) {
        if !self.enabled {
            return;
        }
        let outcome = if status >= 500 {
            Outcome::Error(lottopro_core::ErrorKind::Io)
        } else {
            Outcome::Ok
        };
        self.routes.operation(route, elapsed, outcome);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let start = now - now % BUCKET_SECS;
        let ms = elapsed.as_secs_f64() * 1000.0;
        if let Ok(mut series) = self.series.lock() {
            if series.back().is_none_or(|(b, _)| b.start != start) {
                if series.len() == SERIES_LEN {
                    series.pop_front();
                }
                series.push_back((
                    Bucket {
                        start,
                        ..Bucket::default()
                    },
                    0.0,
                ));
            }
            if let Some((b, total_ms)) = series.back_mut() {
                b.requests += 1;
                b.client_errors += u64::from((400..500).contains(&status));
                b.server_errors += u64::from(status >= 500);
                *total_ms += ms;
                b.mean_ms = *total_ms / b.requests as f64;
                b.max_ms = b.max_ms.max(ms);
            }
        }
    }

    /// Requests and 5xx answers of the last `secs` seconds.
    pub fn recent(&self, secs: u64) -> (u64, u64) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.series
            .lock()
            .map(|s| {
                s.iter()
                    .filter(|(b, _)| b.start + secs >= now)
                    .fold((0, 0), |(r, e), (b, _)| {
                        (r + b.requests, e + b.server_errors)
                    })
            })
            .unwrap_or((0, 0))
    }

    /// The time series, oldest first.
    pub fn series(&self) -> Vec<Bucket> {
        self.series
            .lock()
            .map(|s| s.iter().map(|(b, _)| *b).collect())
            .unwrap_or_default()
    }

    /// Everything `/admin/performance` shows.
    pub fn performance(&self, engine: Option<MetricsSnapshot>) -> Performance {
        let routes = self.routes.snapshot().operations;
        let requests: u64 = routes.iter().map(|r| r.count).sum();
        let errors: u64 = routes.iter().map(|r| r.errors).sum();
        let error_rate_percent = if requests == 0 {
            0.0
        } else {
            100.0 * errors as f64 / requests as f64
        };
        let slowest_p95 = routes.iter().map(|r| r.p95_ms).fold(0.0, f64::max);
        let mut alerts = Vec::new();
        if slowest_p95 / 1000.0 > self.thresholds.response_time_secs {
            alerts.push("response_time");
        }
        if error_rate_percent > self.thresholds.error_rate_percent {
            alerts.push("error_rate");
        }
        Performance {
            uptime_secs: self.started.elapsed().as_secs(),
            requests,
            error_rate_percent,
            routes,
            engine,
            thresholds: self.thresholds,
            alerts,
            system: self
                .system
                .lock()
                .ok()
                .and_then(|s| s.as_ref().and_then(|s| s.samples().last().copied())),
        }
    }
}

/// The middleware on every route: times the request and records it under
/// its matched route.
pub async fn track(State(monitor): State<Arc<Monitor>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = match *request.method() {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    };
    let name = {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("unmatched", MatchedPath::as_str);
        monitor.intern(format!("{method} {route}"))
    };
    let id = request_id(request.headers());
    let mut response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    monitor.record(name, status, elapsed);
    if elapsed.as_secs_f64() > monitor.thresholds.response_time_secs {
        tracing::warn!(
            target: "performance",
            route = name,
            status,
            seconds = elapsed.as_secs_f64(),
            request_id = %id,
            "slow request"
        );
    }
    // One line per request at info (probes of health, readiness and
    // metrics at debug: they come every few seconds), the failed ones as
    // warnings. The id is the one nginx logged (or a new one), so the two
    // logs join on it.
    let (method_name, route) = name.split_once(' ').unwrap_or(("OTHER", name));
    let seconds = elapsed.as_secs_f64();
    if status >= 500 {
        tracing::warn!(target: "access", method = method_name, route, status, seconds, request_id = %id, "request failed");
    } else if matches!(route, "/api/health" | "/api/ready" | "/metrics") {
        tracing::debug!(target: "access", method = method_name, route, status, seconds, request_id = %id, "request");
    } else {
        tracing::info!(target: "access", method = method_name, route, status, seconds, request_id = %id, "request");
    }
    if let Ok(value) = axum::http::HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let (route, status_class) = match name.split_once(' ') {
        Some((_, r)) => (r, status_class(status)),
        None => (name, status_class(status)),
    };
    metrics::counter!(
        "lottopro_http_requests_total",
        "method" => method,
        "route" => route,
        "status" => status_class,
    )
    .increment(1);
    metrics::histogram!(
        "lottopro_http_request_duration_seconds",
        "method" => method,
        "route" => route,
    )
    .record(elapsed.as_secs_f64());
    response
}

/// The request's `X-Request-Id` (from nginx) when it is a plain token of
/// at most 64 characters, else a new one: a per-process random prefix and
/// a counter, unique without a random draw per request.
fn request_id(headers: &axum::http::HeaderMap) -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    if let Some(given) = headers.get("x-request-id").and_then(|v| v.to_str().ok())
        && !given.is_empty()
        && given.len() <= 64
        && given
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return given.to_owned();
    }
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let prefix = PREFIX.get_or_init(|| crate::secret::random_hex(6));
    format!("{prefix}-{n:x}")
}

fn status_class(status: u16) -> &'static str {
    match status {
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// An engine builder with the service's hooks: Prometheus, and the
/// in-memory recorder that `/admin/performance` reads.
pub fn instrumented(
    builder: lottopro_core::engine::EngineBuilder,
) -> lottopro_core::engine::EngineBuilder {
    prometheus();
    builder.metrics(Arc::new(EngineMetrics)).record_metrics()
}

/// The engine's hooks, forwarded to Prometheus.
pub struct EngineMetrics;

impl Metrics for EngineMetrics {
    fn operation(&self, name: &'static str, elapsed: Duration, outcome: Outcome) {
        let outcome = match outcome {
            Outcome::Ok => "ok",
            Outcome::Error(_) => "error",
        };
        metrics::histogram!(
            "lottopro_engine_operation_duration_seconds",
            "operation" => name,
            "outcome" => outcome,
        )
        .record(elapsed.as_secs_f64());
    }

    fn cache(&self, tier: &'static str, event: CacheEvent) {
        let result = match event {
            CacheEvent::Hit => "hit",
            CacheEvent::Miss => "miss",
        };
        metrics::counter!("lottopro_cache_lookups_total", "tier" => tier, "result" => result)
            .increment(1);
    }
}

/// The self-check loop of the service (see `super::alerts`): samples
/// the system every `interval`, evaluates the thresholds, and delivers
/// notices on tasks of their own. Runs until the process ends.
pub async fn watch(
    monitor: Arc<Monitor>,
    interval: Duration,
    cooldown: Duration,
    channels: super::alerts::Channels,
) {
    let notifier = Arc::new(super::alerts::Notifier::new(
        channels,
        3,
        Duration::from_secs(1),
    ));
    let mut alerter = super::alerts::Alerter::new(monitor.thresholds, cooldown);
    let mut tick = tokio::time::interval(interval);
    loop {
        tick.tick().await;
        let m = monitor.clone();
        let sample = tokio::task::spawn_blocking(move || {
            m.system
                .lock()
                .ok()
                .and_then(|mut s| s.as_mut().map(super::alerts::SystemSampler::sample))
        })
        .await
        .ok()
        .flatten();
        let performance = monitor.performance(None);
        let (requests, errors) = monitor.recent(60);
        let readings = super::alerts::Readings {
            response_time_secs: performance
                .routes
                .iter()
                .map(|r| r.p95_ms)
                .fold(0.0, f64::max)
                / 1000.0,
            cpu_percent: sample.map_or(0.0, |s| s.cpu_percent),
            memory_percent: sample.map_or(0.0, |s| s.memory_percent),
            error_rate_percent: if requests == 0 {
                0.0
            } else {
                100.0 * errors as f64 / requests as f64
            },
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        for notice in alerter.evaluate(now, &readings) {
            monitor.keep_notice(now, &notice);
            tracing::warn!(target: "performance", kind = notice.kind, metric = notice.metric, value = notice.value, threshold = notice.threshold, "threshold");
            let notifier = notifier.clone();
            tokio::spawn(async move {
                notifier.deliver(&notice).await;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_land_in_routes_and_buckets() {
        let m = Monitor::new(true, Thresholds::default());
        let r = m.intern("GET /api/stats".into());
        assert!(std::ptr::eq(r, m.intern("GET /api/stats".into())));
        m.record(r, 200, Duration::from_millis(2));
        m.record(r, 500, Duration::from_millis(4));
        m.record(r, 404, Duration::from_millis(6));
        let p = m.performance(None);
        assert_eq!(p.requests, 3);
        assert!((p.error_rate_percent - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(p.alerts, vec!["error_rate"]);
        let series = m.series();
        let total: u64 = series.iter().map(|b| b.requests).sum();
        assert_eq!(total, 3);
        let last = series.last().unwrap();
        assert!(last.max_ms >= 6.0 && last.server_errors + last.client_errors >= 1);
    }

    #[test]
    fn a_disabled_monitor_records_nothing() {
        let m = Monitor::new(false, Thresholds::default());
        m.record("GET /x", 200, Duration::from_millis(1));
        assert_eq!(m.performance(None).requests, 0);
        assert!(m.series().is_empty());
    }
}
