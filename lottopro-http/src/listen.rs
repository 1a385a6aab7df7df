//! The accept loop of `lottopro serve`: bounded connections.
//!
//! Each connection is HTTP/1.1 with a header-read timeout that also closes
//! an idle keep-alive connection (hyper starts it whenever the connection
//! waits for a request head); request bodies have their own timeout
//! (`crate::app`). At most [`Limits::max_connections`] connections are
//! open. When a new one arrives at the cap, the connection that has waited
//! longest without a request in flight (idle, or trickling its headers) is
//! closed to make room, so a client holding sockets open cannot lock others
//! out and `/api/health` on a fresh connection still answers; connections
//! serving a request are never closed this way. On shutdown the loop stops
//! accepting and every connection finishes its request in flight.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// The bounds of connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send a request's headers, and how long
    /// a kept-alive connection may wait for its next request.
    pub header_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

/// One open connection, as the loop sees it.
struct Open {
    /// Requests being served on it.
    in_flight: Arc<AtomicUsize>,
    /// When it last started or finished a request (ms since the loop began).
    last_active: Arc<AtomicU64>,
    /// Closes it.
    close: tokio::task::AbortHandle,
}

/// The open connections.
#[derive(Default)]
struct Registry {
    open: Mutex<HashMap<u64, Open>>,
}

impl Registry {
    fn len(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Closes the connection idle the longest, if one is idle.
    fn evict_idlest(&self) -> bool {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let idlest = open
            .iter()
            .filter(|(_, c)| c.in_flight.load(Ordering::Relaxed) == 0)
            .min_by_key(|(_, c)| c.last_active.load(Ordering::Relaxed))
            .map(|(id, _)| *id);
        match idlest.and_then(|id| open.remove(&id)) {
            Some(c) => {
                c.close.abort();
                true
            }
            None => false,
        }
    }

    fn remove(&self, id: u64) {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves,
/// then lets the requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let registry = Arc::new(Registry::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let started = Instant::now();
    let mut next_id = 0u64;
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors and the like: wait a moment, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        while registry.len() >= limits.max_connections.max(1) {
            if !registry.evict_idlest() {
                // Every connection is serving a request: this one waits
                // for the first to finish.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        next_id += 1;
        let id = next_id;
        let in_flight = Arc::new(AtomicUsize::new(0));
        let now_ms = move || started.elapsed().as_millis() as u64;
        let last_active = Arc::new(AtomicU64::new(now_ms()));
        let service = {
            let (in_flight, last_active, app) =
                (in_flight.clone(), last_active.clone(), app.clone());
            hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                let (in_flight, last_active, app) =
                    (in_flight.clone(), last_active.clone(), app.clone());
                async move {
                    in_flight.fetch_add(1, Ordering::Relaxed);
                    last_active.store(now_ms(), Ordering::Relaxed);
                    request.extensions_mut().insert(ConnectInfo(remote));
                    let response = app.oneshot(request.map(axum::body::Body::new)).await;
                    in_flight.fetch_sub(1, Ordering::Relaxed);
                    last_active.store(now_ms(), Ordering::Relaxed);
                    Ok::<_, Infallible>(response.unwrap_or_else(|e| match e {}))
                }
            })
        };
        let mut stop = stop_rx.clone();
        let registry_for_task = registry.clone();
        let handle = tasks.spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout);
            let connection = http.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                () = async { let _ = stop.wait_for(|s| *s).await; } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            registry_for_task.remove(id);
        });
        registry
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                id,
                Open {
                    in_flight,
                    last_active,
                    close: handle,
                },
            );
        // Reap finished connections as we go.
        while tasks.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = stop_tx.send(true);
    while tasks.join_next().await.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idlest_connection_without_a_request_is_closed_first() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let registry = Registry::default();
            let mut handles = Vec::new();
            for (id, in_flight, last) in [(1, 1, 0), (2, 0, 50), (3, 0, 10)] {
                let task = tokio::spawn(std::future::pending::<()>());
                handles.push(task.abort_handle());
                registry.open.lock().unwrap().insert(
                    id,
                    Open {
                        in_flight: Arc::new(AtomicUsize::new(in_flight)),
                        last_active: Arc::new(AtomicU64::new(last)),
                        close: task.abort_handle(),
                    },
                );
            }
            assert!(registry.evict_idlest());
            tokio::task::yield_now().await;
            assert!(
                handles[2].is_finished(),
                "3 waited longest without a request"
            );
            assert!(registry.evict_idlest());
            assert!(!registry.evict_idlest(), "1 is serving a request");
            assert_eq!(registry.len(), 1);
        });
    }
}
