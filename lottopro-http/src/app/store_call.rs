//! Store calls from requests: on the blocking pool, a few at a time, each
//! answered by a deadline, so that a database that stops answering costs
//! its own callers a 503 and nobody else a thread.

use super::{ApiError, AppState, require_store};
use crate::store::Store;

/// Store calls on the blocking pool at once: fewer than its threads (four
/// at least), so that a database that stops answering (a PostgreSQL stopped
/// by SIGSTOP holds its callers' threads until it continues) leaves threads
/// for everything else.
pub(super) const STORE_CALLS: usize = 2;
/// How long a request waits for a store call, queueing included, before a
/// 503 (the pool's own checkout wait).
const STORE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs a store call on the blocking pool, [`STORE_CALLS`] at a time,
/// answered by [`STORE_DEADLINE`] (503 with `Retry-After` after it; the
/// call's thread and slot are freed when the call returns).
pub(crate) async fn on_store<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> lottopro_core::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    on_store_within(state, STORE_DEADLINE, f).await
}

async fn on_store_within<T: Send + 'static>(
    state: &AppState,
    deadline: std::time::Duration,
    f: impl FnOnce(&Store) -> lottopro_core::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let s = require_store(state)?;
    let late = || {
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "Database unavailable",
            format!(
                "the database did not answer within {} s; try again shortly",
                deadline.as_secs_f64()
            ),
        )
        .with_retry_after(deadline.as_secs().max(1))
    };
    let until = tokio::time::Instant::now() + deadline;
    let slot = state.store_calls.clone().acquire_owned();
    let Ok(Ok(slot)) = tokio::time::timeout_at(until, slot).await else {
        return Err(late());
    };
    let call = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        f(&s)
    });
    match tokio::time::timeout_at(until, call).await {
        Ok(Ok(r)) => r.map_err(ApiError::from),
        Ok(Err(e)) => Err(ApiError::internal(e)),
        Err(_) => Err(late()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use axum::response::IntoResponse;

    use std::sync::Arc;

    use lottopro_core::Engine;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_store_that_stops_answering_costs_two_threads_and_a_503() {
        let dir = std::env::temp_dir().join(format!("lp-store-calls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(&dir.join("lp.db")).unwrap();
        let engine = Arc::new(Engine::new(lottopro_core::History::bundled()));
        let state = AppState::new(engine, Some(Arc::new(store)));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = Arc::new(Mutex::new(hold));
        let deadline = Duration::from_millis(300);
        let stuck = |hold: Arc<Mutex<std::sync::mpsc::Receiver<()>>>| {
            move |_: &Store| {
                let _ = hold.lock().map(|h| h.recv());
                Ok(())
            }
        };
        let calls: Vec<_> = (0..3)
            .map(|_| {
                let (state, f) = (state.clone(), stuck(hold.clone()));
                tokio::spawn(async move {
                    let started = Instant::now();
                    let r = on_store_within(&state, deadline, f).await;
                    (r.map_err(IntoResponse::into_response), started.elapsed())
                })
            })
            .collect();
        for call in calls {
            let (r, took) = call.await.unwrap();
            assert_eq!(r.err().unwrap().status(), 503);
            assert!(took < deadline * 3, "{took:?}");
        }
        // Only two calls ever started: the blocking pool keeps its other threads.
        assert_eq!(state.store_calls.available_permits(), 0);
        drop(release);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(state.store_calls.available_permits(), STORE_CALLS);
        let _ = std::fs::remove_dir_all(dir);
    }
}
