//! Heavy work (backtests with custom parameters, simulations, wheels, the
//! popularity model) runs behind its own gate, so that it cannot take the
//! service from everyone else.
//!
//! At most [`WorkLimits::concurrency`] heavy calls run at once (by default
//! one fewer than the cores, so a core stays free for the light routes:
//! checks, saved numbers, pages, draws); a request that cannot start within
//! [`WorkLimits::queue_wait`] gets 503 with `Retry-After`. A heavy call runs
//! under a [`Cancel`] with the deadline [`WorkLimits::deadline`], and the
//! handle is cancelled when the request's future is dropped (its client
//! hung up), so abandoned work stops within a kernel step instead of
//! burning the cores to the end. The permit travels with the blocking task
//! and is released when the work has actually stopped, not when the client
//! left: the gate counts running work, not waiting clients.
//!
//! Each client (its address, as the rate limits key it) first takes one of
//! its own share of the permits, one fewer than the gate holds when it holds
//! more than one: a client sending many heavy requests queues behind itself,
//! so another client's request waits for at most one of its calls, and with
//! several permits one is always left to others. Calls that are usually a
//! cache lookup (the statistics and predictions pages) go through
//! [`cached_or_heavy`]: tried first without the gate, allowed only lookups,
//! and gated only when they need computing. Photos of QR codes are decoded
//! outside this gate (see `super::upload`).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::http::StatusCode;
use lottopro_core::{Cancel, Engine, ErrorKind};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{ApiError, AppState};

/// How much heavy work the service runs at once, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkLimits {
    /// Heavy calls running at once.
    pub concurrency: usize,
    /// How long a heavy request waits for its turn before a 503.
    pub queue_wait: Duration,
    /// How long a heavy call may run before it is stopped (503).
    pub deadline: Duration,
}

impl Default for WorkLimits {
    /// One fewer than the cores (at least one), 2 s of queueing, 10 s of work.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        WorkLimits {
            concurrency: cores.saturating_sub(1).max(1),
            queue_wait: Duration::from_secs(2),
            deadline: Duration::from_secs(10),
        }
    }
}

tokio::task_local! {
    /// The client of the request being served (see [`super::policies::every_request`]).
    pub(super) static CLIENT: IpAddr;
}

/// The gate of heavy work, and the places of uploads.
#[derive(Debug)]
pub(crate) struct Gate {
    pub(super) limits: WorkLimits,
    permits: Arc<Semaphore>,
    /// Each client's share of the permits, while it holds or awaits one.
    shares: Mutex<HashMap<IpAddr, Arc<Semaphore>>>,
    /// Photos being decoded (see `super::upload`).
    pub(super) photos: Arc<Semaphore>,
    /// Uploads being received or decoded, per client.
    pub(super) uploads: Mutex<HashMap<IpAddr, usize>>,
}

impl Gate {
    pub(crate) fn new(limits: WorkLimits) -> Gate {
        Gate {
            limits,
            permits: Arc::new(Semaphore::new(limits.concurrency.max(1))),
            shares: Mutex::default(),
            photos: Arc::new(Semaphore::new(super::upload::PHOTO_CONCURRENCY)),
            uploads: Mutex::default(),
        }
    }

    /// Permits one client may hold at once.
    fn share(&self) -> usize {
        self.limits.concurrency.saturating_sub(1).max(1)
    }
}

/// One client's hold on its share; forgets the client when it holds and
/// awaits nothing more.
struct Share {
    gate: Arc<Gate>,
    client: IpAddr,
    permit: Option<OwnedSemaphorePermit>,
}

impl Drop for Share {
    fn drop(&mut self) {
        drop(self.permit.take());
        let mut shares = self
            .gate
            .shares
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if shares.get(&self.client).is_some_and(|s| {
            Arc::strong_count(s) == 1 && s.available_permits() == self.gate.share()
        }) {
            shares.remove(&self.client);
        }
    }
}

/// The client `request` counts as at the heavy-work gate: its address
/// (behind a trusted proxy, the forwarded one), by its limit key.
pub(crate) fn client_of(request: &Request, trust_proxy: u8) -> IpAddr {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>();
    super::client::limit_key(super::client::address(request.headers(), peer, trust_proxy))
}

/// The client of the request being served, when it runs under
/// [`super::policies::every_request`].
pub(super) fn current_client() -> Option<IpAddr> {
    CLIENT.try_with(|c| *c).ok()
}

/// Cancels its handle when dropped: held by the request's future, so a
/// client that hangs up stops its work.
pub(super) struct CancelOnDrop(pub(super) Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// 503: the gate stayed full for the whole queue wait.
pub(super) fn busy(limits: WorkLimits, what: &str) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "Busy",
        format!(
            "{what} and none finished within {} s; try again shortly",
            limits.queue_wait.as_secs_f64()
        ),
    )
    .with_retry_after(limits.queue_wait.as_secs().max(1) * 2)
}

/// 503 for work stopped at its deadline; other errors as they are.
pub(super) fn stopped(limits: WorkLimits, e: lottopro_core::Error) -> ApiError {
    match e {
        lottopro_core::Error::Cancelled { .. } => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Took too long",
            format!(
                "the work did not finish within {} s (the service is busy); try again shortly",
                limits.deadline.as_secs_f64()
            ),
        )
        .with_retry_after(limits.queue_wait.as_secs().max(1) * 2),
        other => ApiError::from(other),
    }
}

/// Runs a heavy engine call: waits for a turn (503 after the queue wait),
/// then runs `f` on the blocking pool under a deadline, stopped early if the
/// request is dropped.
pub(crate) async fn heavy<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> lottopro_core::Result<T> + Send + 'static,
{
    let gate = &state.gate;
    let limits = gate.limits;
    let until = tokio::time::Instant::now() + limits.queue_wait;
    let share = match current_client() {
        Some(client) => {
            let semaphore = gate
                .shares
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(client)
                .or_insert_with(|| Arc::new(Semaphore::new(gate.share())))
                .clone();
            let mut share = Share {
                gate: gate.clone(),
                client,
                permit: None,
            };
            let waited = tokio::time::timeout_at(until, semaphore.acquire_owned()).await;
            let Ok(Ok(permit)) = waited else {
                return Err(busy(
                    limits,
                    &format!("{} of your heavy requests are running", gate.share()),
                ));
            };
            share.permit = Some(permit);
            Some(share)
        }
        None => None,
    };
    let waited = tokio::time::timeout_at(until, gate.permits.clone().acquire_owned()).await;
    let Ok(Ok(permit)) = waited else {
        return Err(busy(
            limits,
            &format!("{} heavy requests are running", limits.concurrency),
        ));
    };
    let cancel = Cancel::with_deadline(limits.deadline);
    let _on_drop = CancelOnDrop(cancel.clone());
    let engine = state.engine.clone();
    let work = move || {
        let _permits = (permit, share);
        cancel.scope(|| f(&engine))
    };
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(|e| stopped(limits, e)),
        Err(e) => Err(ApiError::internal(e)),
    }
}

/// Runs an engine call that is usually a cache lookup: first on the
/// blocking pool outside the gate, allowed only lookups
/// (`lottopro_core::cancel::computing`), and again under the gate
/// ([`heavy`]) only when it needs computing.
pub(crate) async fn cached_or_heavy<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: Fn(&Engine) -> lottopro_core::Result<T> + Send + Sync + 'static,
{
    let f = Arc::new(f);
    let (engine, lookup, light) = (
        state.engine.clone(),
        f.clone(),
        Cancel::lookups_only(state.gate.limits.deadline),
    );
    match tokio::task::spawn_blocking(move || light.scope(|| lookup(&engine))).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) if e.kind() == ErrorKind::Cancelled => heavy(state, move |e| f(e)).await,
        Ok(Err(e)) => Err(ApiError::from(e)),
        Err(e) => Err(ApiError::internal(e)),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use axum::response::IntoResponse;
    use lottopro_core::{Engine, History};

    use super::*;
    use crate::app::Options;

    fn state(limits: WorkLimits) -> AppState {
        let engine = Arc::new(Engine::builder(History::bundled()).build());
        let options = Options {
            work: limits,
            ..Options::default()
        };
        AppState::with_options(engine, None, options)
    }

    /// Work that runs until its handle says stop, reporting how long it ran.
    fn until_stopped(
        tx: std::sync::mpsc::Sender<Duration>,
    ) -> impl FnOnce(&Engine) -> lottopro_core::Result<()> + Send + 'static {
        move |_| {
            let started = Instant::now();
            loop {
                if let Err(e) = lottopro_core::cancel::check() {
                    let _ = tx.send(started.elapsed());
                    return Err(e);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_dropped_request_stops_its_work() {
        let state = state(WorkLimits::default());
        let (tx, rx) = std::sync::mpsc::channel();
        let request = heavy(&state, until_stopped(tx));
        // The client hangs up: its request future is dropped.
        assert!(
            tokio::time::timeout(Duration::from_millis(100), request)
                .await
                .is_err()
        );
        let ran = rx
            .recv_timeout(Duration::from_secs(2))
            .expect("the work saw the cancellation");
        assert!(ran < Duration::from_secs(1), "ran {ran:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_gate_answers_503_with_retry_after_and_a_deadline_stops_work() {
        let state = state(WorkLimits {
            concurrency: 1,
            queue_wait: Duration::from_millis(100),
            deadline: Duration::from_millis(300),
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let first = tokio::spawn({
            let state = state.clone();
            async move { heavy(&state, until_stopped(tx)).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let refused = heavy(&state, |_| Ok(())).await.unwrap_err();
        let response = refused.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers().contains_key("retry-after"));
        // The first ran into its deadline: 503, stopped within a step.
        let late = first.await.unwrap().unwrap_err().into_response();
        assert_eq!(late.status(), StatusCode::SERVICE_UNAVAILABLE);
        let ran = rx.recv_timeout(Duration::from_secs(1)).unwrap();
        assert!(
            ran >= Duration::from_millis(250) && ran < Duration::from_secs(1),
            "{ran:?}"
        );
        // The gate is free again.
        assert!(heavy(&state, |_| Ok(())).await.is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cached_answer_does_not_wait_for_a_full_gate() {
        let state = state(WorkLimits {
            concurrency: 1,
            queue_wait: Duration::from_millis(100),
            deadline: Duration::from_secs(2),
        });
        let warm = lottopro_core::StatsOptions::default();
        state.engine.stats(&warm).unwrap();
        let (tx, _rx) = std::sync::mpsc::channel();
        let busy = tokio::spawn({
            let state = state.clone();
            async move { heavy(&state, until_stopped(tx)).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        let cached = cached_or_heavy(&state, move |e| e.stats(&warm)).await;
        assert!(cached.is_ok());
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "{:?}",
            started.elapsed()
        );
        // What is not cached yet goes to the gate, which is full: 503.
        let cold = lottopro_core::StatsOptions {
            last: Some(10),
            ..Default::default()
        };
        let refused = cached_or_heavy(&state, move |e| e.stats(&cold)).await;
        let refused = refused.err().unwrap().into_response();
        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        busy.abort();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_client_cannot_take_every_permit() {
        let state = state(WorkLimits {
            concurrency: 3,
            queue_wait: Duration::from_millis(100),
            deadline: Duration::from_secs(2),
        });
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let mut running = Vec::new();
        for _ in 0..2 {
            let (tx, _rx) = std::sync::mpsc::channel();
            let state = state.clone();
            running.push(tokio::spawn(
                CLIENT.scope(a, async move { heavy(&state, until_stopped(tx)).await }),
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        // A third of A's waits behind A's own two, while B goes straight in.
        let third = CLIENT.scope(a, heavy(&state, |_| Ok(()))).await;
        assert_eq!(
            third.err().unwrap().into_response().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert!(CLIENT.scope(b, heavy(&state, |_| Ok(()))).await.is_ok());
        for r in &running {
            r.abort();
        }
        for r in running {
            let _ = r.await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            state.gate.shares.lock().unwrap().is_empty(),
            "idle clients are forgotten"
        );
    }
}
