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

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
        if let Some(shared) = &self.shared
            && let Some(verdict) = shared.check(self.name, client, self.rate)
        {
            return verdict;
        }
        self.check_here(client)
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
    // Shared buckets are a network round trip: off the async workers.
    let verdict = if limit.shared.is_some() {
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
        })
    }

    /// The verdict for `client` under `rate`, or `None` (logged once per
    /// outage) when Redis does not answer in time.
    fn check(&self, name: &str, client: IpAddr, rate: Rate) -> Option<Result<(), u64>> {
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
}
