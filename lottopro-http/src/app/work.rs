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

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use lottopro_core::{Cancel, Engine};
use tokio::sync::Semaphore;

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

/// The gate of heavy work.
#[derive(Debug)]
pub(crate) struct Gate {
    limits: WorkLimits,
    permits: Arc<Semaphore>,
}

impl Gate {
    pub(crate) fn new(limits: WorkLimits) -> Gate {
        Gate {
            limits,
            permits: Arc::new(Semaphore::new(limits.concurrency.max(1))),
        }
    }
}

/// Cancels its handle when dropped: held by the request's future, so a
/// client that hangs up stops its work.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
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
    let waited =
        tokio::time::timeout(limits.queue_wait, gate.permits.clone().acquire_owned()).await;
    let Ok(Ok(permit)) = waited else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Busy",
            format!(
                "{} heavy requests are running and none finished within {} s; try again shortly",
                limits.concurrency,
                limits.queue_wait.as_secs_f64()
            ),
        )
        .with_retry_after(limits.queue_wait.as_secs().max(1) * 2));
    };
    let cancel = Cancel::with_deadline(limits.deadline);
    let _on_drop = CancelOnDrop(cancel.clone());
    let engine = state.engine.clone();
    let work = move || {
        let _permit = permit;
        cancel.scope(|| f(&engine))
    };
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(|e| match e {
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
        }),
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
}
