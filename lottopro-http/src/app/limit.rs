//! Per-client rate limits on the expensive or writing routes, as the
//! original had them: `RATE_LIMIT_PREDICT` (30/hour) on `POST /api/predict`
//! and `RATE_LIMIT_SAVE_NUMBERS` (50/hour) on `POST /api/numbers`.
//!
//! Each limit is a GCRA bucket per client address: a client may spend the
//! whole allowance at once and then regains one request every period/count.
//! A refused request gets `429` with `Retry-After` in whole seconds. The
//! limiter is a middleware of its own rather than tower_governor, so it runs
//! the same in `oneshot` tests (no peer address: counted as 127.0.0.1) as
//! behind a socket.
//!
//! With Redis configured (`CACHE_TYPE=redis|tiered`) the buckets live in
//! Redis ([`SharedBuckets`]), so replicas behind one proxy share one
//! allowance per client instead of each granting it in full: one Lua script
//! does the whole GCRA step atomically on Redis's own clock. While Redis
//! cannot answer (250 ms), each replica falls back to its own buckets
//! (governor) and says so in the log and `/admin/performance`.
//!
//! A Redis that hangs (accepts and never answers) must cost little: after a
//! failure the shared buckets are skipped for a backoff (1 s, doubling to
//! 30 s) and then tried by one request at a time, so the others decide
//! locally at once instead of each waiting 250 ms on the blocking pool. The
//! local buckets are charged on every request, Redis up or not, so an
//! outage never hands a client a fresh allowance on each replica.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{Quota, RateLimiter};

use super::ApiError;
use crate::config::Rate;

type Keyed =
    RateLimiter<IpAddr, governor::state::keyed::DefaultKeyedStateStore<IpAddr>, DefaultClock>;

/// Addresses tracked before old, refilled buckets are dropped.
const PRUNE_ABOVE: usize = 10_000;

/// One route's limit.
pub struct Limit {
    name: &'static str,
    rate: Rate,
    limiter: Keyed,
    shared: Option<Arc<SharedBuckets>>,
    trusted_hops: u8,
    method: Option<Method>,
}

impl Limit {
    /// `rate` per client for the route called `name` (in the 429 message).
    pub fn new(name: &'static str, rate: Rate, trusted_hops: u8) -> Limit {
        let count = NonZeroU32::new(rate.count).unwrap_or(NonZeroU32::MIN);
        let per_request = rate.period / count.get();
        let quota = Quota::with_period(per_request)
            .unwrap_or_else(|| Quota::per_second(count))
            .allow_burst(count);
        Limit {
            name,
            rate,
            limiter: RateLimiter::keyed(quota),
            shared: None,
            trusted_hops,
            method: None,
        }
    }

    /// Keeps the buckets in `shared` (falling back to this process's own
    /// while it cannot answer).
    pub fn shared(mut self, shared: Option<Arc<SharedBuckets>>) -> Limit {
        self.shared = shared;
        self
    }

    /// Limits only requests with `method` (e.g. saves, not reads, of a path).
    pub fn only(mut self, method: Method) -> Limit {
        self.method = Some(method);
        self
    }

    /// The configured rate.
    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// `Ok` if `client` may go on, else the seconds until it may: in the
    /// shared buckets when there are some and they answer, else here.
    fn check(&self, client: IpAddr) -> Result<(), u64> {
        let shared = self
            .shared
            .as_ref()
            .and_then(|shared| shared.check(self.name, client, self.rate));
        self.decide(client, shared)
    }

    /// The shared verdict when there is one, else the local; the local
    /// bucket is charged either way (see the module docs).
    fn decide(&self, client: IpAddr, shared: Option<Result<(), u64>>) -> Result<(), u64> {
        let here = self.check_here(client);
        shared.unwrap_or(here)
    }

    fn check_here(&self, client: IpAddr) -> Result<(), u64> {
        if self.limiter.len() > PRUNE_ABOVE {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// The middleware: `route_layer(from_fn_with_state(limit, enforce))`.
pub async fn enforce(State(limit): State<Arc<Limit>>, request: Request, next: Next) -> Response {
    if limit.method.as_ref().is_some_and(|m| m != request.method()) {
        return next.run(request).await;
    }
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>();
    let address = super::client::address(request.headers(), peer, limit.trusted_hops);
    let client = super::client::limit_key(address);
    // Shared buckets are a network round trip: off the async workers, and
    // only while Redis is not backed off.
    let verdict = if limit.shared.as_ref().is_some_and(|s| s.worth_asking()) {
        let l = limit.clone();
        tokio::task::spawn_blocking(move || l.check(client))
            .await
            .unwrap_or_else(|_| limit.check_here(client))
    } else {
        limit.check(client)
    };
    match verdict {
        Ok(()) => next.run(request).await,
        Err(retry_after) => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            format!(
                "{} is limited to {} per client; retry in {retry_after} s",
                limit.name, limit.rate
            ),
        )
        .with_retry_after(retry_after)
        .into_response(),
    }
}

/// One GCRA step for the bucket `KEYS[1]`: `ARGV[1]` is the emission
/// interval (period / count) and `ARGV[2]` the whole allowance (period), in
/// milliseconds. The bucket holds its theoretical arrival time; a request is
/// admitted if that time, moved one interval on, is within the allowance of
/// now. Answers 0 (admitted) or the milliseconds to wait.
const GCRA: &str = r"
local now = redis.call('TIME')
local t = now[1] * 1000 + math.floor(now[2] / 1000)
local interval = tonumber(ARGV[1])
local allowance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or t)
if tat < t then tat = t end
local next_tat = tat + interval
if next_tat - t > allowance then
  return next_tat - allowance - t
end
redis.call('SET', KEYS[1], next_tat, 'PX', next_tat - t)
return 0
";

/// How long a shared check may take before the replica decides alone.
const SHARED_TIMEOUT: Duration = Duration::from_millis(250);

/// Rate-limit buckets in Redis, shared by every replica; see the module
/// docs.
pub struct SharedBuckets {
    client: redis::Client,
    pool: Mutex<Vec<redis::Connection>>,
    /// Whether the last check fell back to the process's own buckets.
    down: AtomicBool,
    /// Checks decided here because Redis did not answer.
    fallbacks: AtomicU64,
    breaker: Mutex<Breaker>,
}

/// The shared buckets' circuit breaker: closed while Redis answers; after
/// a failure, open until `retry_at`, then one trial at a time.
#[derive(Debug, Default)]
struct Breaker {
    /// Failures in a row.
    failures: u32,
    /// Until when Redis is not asked.
    retry_at: Option<Instant>,
    /// When the trial in flight started, if one is.
    trial: Option<Instant>,
}

/// The first backoff after a failure, doubled on each further one.
const BACKOFF_MIN: Duration = Duration::from_secs(1);
/// The longest backoff.
const BACKOFF_MAX: Duration = Duration::from_secs(30);

impl Breaker {
    /// Whether a check may ask Redis now (and, if it is a trial, that it is
    /// the one in flight).
    fn admit(&mut self, now: Instant) -> bool {
        let Some(retry_at) = self.retry_at else {
            return true;
        };
        // A trial that never came back (a hung socket) stops counting.
        let trial_running = self
            .trial
            .is_some_and(|t| now.duration_since(t) < SHARED_TIMEOUT * 8);
        if now < retry_at || trial_running {
            return false;
        }
        self.trial = Some(now);
        true
    }

    fn succeeded(&mut self) {
        *self = Breaker::default();
    }

    fn failed(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        let backoff = BACKOFF_MIN
            .saturating_mul(1 << self.failures.saturating_sub(1).min(5))
            .min(BACKOFF_MAX);
        self.retry_at = Some(now + backoff);
        self.trial = None;
    }
}

impl SharedBuckets {
    /// Buckets on the Redis at `url`; the server is contacted on first use.
    pub fn new(url: &str) -> Result<SharedBuckets, String> {
        let client = redis::Client::open(url).map_err(|e| format!("'{url}': {e}"))?;
        Ok(SharedBuckets {
            client,
            pool: Mutex::new(Vec::new()),
            down: AtomicBool::new(false),
            fallbacks: AtomicU64::new(0),
            breaker: Mutex::default(),
        })
    }

    /// The verdict for `client` under `rate`, or `None` (logged once per
    /// outage) when Redis does not answer in time.
    /// Whether Redis is worth asking now, or backed off (see [`Breaker`]).
    fn worth_asking(&self) -> bool {
        let breaker = self.breaker.lock().unwrap_or_else(PoisonError::into_inner);
        breaker.retry_at.is_none_or(|at| Instant::now() >= at)
    }

    fn check(&self, name: &str, client: IpAddr, rate: Rate) -> Option<Result<(), u64>> {
        let admitted = self
            .breaker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .admit(Instant::now());
        if !admitted {
            self.fallbacks.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let count = rate.count.max(1);
        let interval = (rate.period.as_millis() / u128::from(count)).max(1);
        let key = format!("lottopro:limit:{name}:{client}");
        let answer = self.with(|c| {
            redis::cmd("EVAL")
                .arg(GCRA)
                .arg(1)
                .arg(&key)
                .arg(interval as u64)
                .arg((interval * u128::from(count)) as u64)
                .query::<i64>(c)
        });
        match answer {
            Ok(wait_ms) => {
                self.breaker
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .succeeded();
                if self.down.swap(false, Ordering::Relaxed) {
                    tracing::info!(
                        "rate limits: Redis answers again; the buckets are shared by every replica"
                    );
                }
                Some(if wait_ms <= 0 {
                    Ok(())
                } else {
                    Err(u64::try_from(wait_ms).unwrap_or(0).div_ceil(1000).max(1))
                })
            }
            Err(e) => {
                self.breaker
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .failed(Instant::now());
                self.fallbacks.fetch_add(1, Ordering::Relaxed);
                if !self.down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "rate limits: Redis does not answer; each replica counts its own clients until it does");
                }
                None
            }
        }
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> redis::RedisResult<T> {
        let pooled = self.pool.lock().ok().and_then(|mut p| p.pop());
        let mut conn = match pooled {
            Some(c) => c,
            None => {
                let c = self.client.get_connection_with_timeout(SHARED_TIMEOUT)?;
                c.set_read_timeout(Some(SHARED_TIMEOUT))?;
                c.set_write_timeout(Some(SHARED_TIMEOUT))?;
                c
            }
        };
        let result = f(&mut conn);
        // A connection that failed is dropped, not pooled.
        if result.is_ok()
            && let Ok(mut p) = self.pool.lock()
            && p.len() < 8
        {
            p.push(conn);
        }
        result
    }

    /// Where the buckets are now, for `/admin/performance`.
    pub fn status(&self) -> SharedStatus {
        SharedStatus {
            buckets: if self.down.load(Ordering::Relaxed) {
                "per-replica (Redis does not answer)"
            } else {
                "redis"
            },
            fallbacks: self.fallbacks.load(Ordering::Relaxed),
        }
    }
}

/// Where the rate-limit buckets live.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SharedStatus {
    /// `redis` (shared by every replica), or `per-replica` while Redis does
    /// not answer (or is not configured).
    pub buckets: &'static str,
    /// Checks this replica decided alone because Redis did not answer.
    pub fallbacks: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_client_spends_its_allowance_then_waits() {
        let limit = Limit::new(
            "test",
            Rate {
                count: 3,
                period: Duration::from_secs(3600),
            },
            0,
        );
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limit.check(a), Ok(()));
        }
        let wait = limit.check(a).unwrap_err();
        assert!(
            (1..=1200).contains(&wait),
            "one request comes back every 20 minutes, got {wait} s"
        );
        assert_eq!(limit.check(b), Ok(()), "other clients are not affected");
    }

    fn three_an_hour() -> Limit {
        Limit::new(
            "test",
            Rate {
                count: 3,
                period: Duration::from_secs(3600),
            },
            0,
        )
    }

    #[test]
    fn an_outage_never_hands_out_a_fresh_allowance() {
        let limit = three_an_hour();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        // Redis admitted three; then it stops answering.
        for _ in 0..3 {
            assert_eq!(limit.decide(a, Some(Ok(()))), Ok(()));
        }
        assert!(
            limit.decide(a, None).is_err(),
            "the local bucket was charged"
        );
    }

    #[test]
    fn a_hung_redis_is_asked_once_per_backoff() {
        // A listener that accepts and never answers.
        let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("redis://{}/", hung.local_addr().unwrap());
        let limit = three_an_hour().shared(Some(Arc::new(SharedBuckets::new(&url).unwrap())));
        let shared = limit.shared.clone().unwrap();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let first = Instant::now();
        assert_eq!(limit.check(a), Ok(()), "decided locally");
        assert!(
            first.elapsed() < SHARED_TIMEOUT * 4,
            "{:?}",
            first.elapsed()
        );
        assert!(!shared.worth_asking(), "backed off");
        // Backed off: the next checks do not wait for Redis at all.
        let next = Instant::now();
        assert_eq!(limit.check(a), Ok(()));
        assert!(limit.check(a).is_ok());
        assert!(limit.check(a).is_err(), "the local allowance is spent");
        assert!(
            next.elapsed() < Duration::from_millis(50),
            "{:?}",
            next.elapsed()
        );
        assert_eq!(shared.status().fallbacks, 4);
    }

    #[test]
    fn the_backoff_doubles_up_to_its_ceiling() {
        let mut b = Breaker::default();
        let now = Instant::now();
        assert!(b.admit(now));
        let mut waits = Vec::new();
        for _ in 0..8 {
            b.failed(now);
            waits.push(b.retry_at.unwrap() - now);
            assert!(!b.admit(now));
        }
        assert_eq!(waits[0], BACKOFF_MIN);
        assert_eq!(waits[1], BACKOFF_MIN * 2);
        assert_eq!(waits[7], BACKOFF_MAX);
        // After the wait, one trial at a time.
        let later = now + BACKOFF_MAX;
        assert!(b.admit(later));
        assert!(!b.admit(later), "a trial is in flight");
        b.succeeded();
        assert!(b.admit(later));
    }
}
