//! Per-client rate limits on the expensive or writing routes, as the
//! original had them: `RATE_LIMIT_PREDICT` (30/hour) on `POST /api/predict`
//! and `RATE_LIMIT_SAVE_NUMBERS` (50/hour) on `POST /api/numbers`.
//!
//! Each limit is a GCRA bucket per client address (governor): a client may
//! spend the whole allowance at once and then regains one request every
//! period/count. A refused request gets `429` with `Retry-After` in whole
//! seconds. The limiter is a middleware of its own rather than
//! tower_governor, so it runs the same in `oneshot` tests (no peer address:
//! counted as 127.0.0.1) as behind a socket.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

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
            trusted_hops,
            method: None,
        }
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

    /// `Ok` if `client` may go on, else the seconds until it may.
    fn check(&self, client: IpAddr) -> Result<(), u64> {
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
    match limit.check(client) {
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
