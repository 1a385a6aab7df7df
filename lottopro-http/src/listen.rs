//! The accept loop of `lottopro serve`: bounded connections.
//!
//! Each connection is HTTP/1.1 with a header-read timeout that also closes
//! an idle keep-alive connection (hyper starts it whenever the connection
//! waits for a request head). A request body must keep a minimum pace: it
//! may take [`Limits::body_timeout`] plus one second per
//! [`Limits::min_body_rate`] bytes in all, so a client trickling a byte now
//! and then is cut off however regularly it sends, while a slow phone
//! uploading a photo is not (an idle timeout alone, reset by every byte, let
//! 512 trickling connections hold the service for minutes).
//!
//! At most [`Limits::max_connections`] connections are open, and at most
//! [`Limits::per_address`] from one address. When a new one arrives at a cap,
//! room is made at the address holding the most connections (at the
//! per-address cap, the new one's own): the connection that has waited
//! longest without a request in flight (idle, or trickling its headers) is
//! closed; if every one is serving
//! a request, the one receiving its body the slowest is closed instead. So a
//! client holding sockets open cannot lock others out and `/api/health` on a
//! fresh connection still answers; a connection whose request is being
//! computed is never closed this way. On shutdown the loop stops accepting
//! and every connection finishes its request in flight.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::{Body as _, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// The slowest pace a request body may keep once its grace
/// ([`Limits::body_timeout`]) is used: 4 KiB a second, a tenth of a poor
/// mobile uplink, so a 3 MB photo has 12 minutes beyond its grace.
pub const MIN_BODY_RATE: u64 = 4 * 1024;

/// How long a connection is spared at a cap after it was accepted or began
/// its body, while older ones can go: a fresh client's request is on its way,
/// and a pace over less time than this says little.
const SETTLING_MS: u64 = 1000;

/// The bounds of connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send a request's headers, and how long
    /// a kept-alive connection may wait for its next request.
    pub header_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// Connections open at once from one address; 0: no such cap (behind a
    /// balancer every connection comes from the balancer, which limits per
    /// client itself).
    pub per_address: usize,
    /// The time any request body may take, on top of its pace allowance.
    pub body_timeout: Duration,
    /// The slowest pace a body may keep, in bytes a second.
    pub min_body_rate: u64,
}

/// The request body a connection is receiving, as the loop sees it.
#[derive(Default)]
struct Receiving {
    /// A body is being received (its request has started and the body has
    /// not ended).
    active: AtomicBool,
    /// When the body began (ms since the loop began).
    since: AtomicU64,
    /// Bytes received of it.
    bytes: AtomicU64,
}

impl Receiving {
    /// Bytes a second received so far, or `None` if no body is arriving.
    fn pace(&self, now_ms: u64) -> Option<u64> {
        if !self.active.load(Ordering::Relaxed) {
            return None;
        }
        let elapsed = now_ms
            .saturating_sub(self.since.load(Ordering::Relaxed))
            .max(1);
        Some(self.bytes.load(Ordering::Relaxed).saturating_mul(1000) / elapsed)
    }
}

/// One open connection, as the loop sees it.
struct Open {
    /// Requests being served on it.
    in_flight: Arc<AtomicUsize>,
    /// When it last started or finished a request (ms since the loop began).
    last_active: Arc<AtomicU64>,
    /// The body it is receiving.
    receiving: Arc<Receiving>,
    /// Where it comes from.
    peer: IpAddr,
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

    /// Connections open from `peer`.
    fn from(&self, peer: IpAddr) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .filter(|c| c.peer == peer)
            .count()
    }

    /// The address holding the most connections.
    fn busiest(&self) -> Option<IpAddr> {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let mut counts: HashMap<IpAddr, usize> = HashMap::new();
        for c in open.values() {
            *counts.entry(c.peer).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map(|(peer, _)| peer)
    }

    /// Closes, among the connections `from` admits, the one idle the
    /// longest, else the one receiving its body the slowest; a connection
    /// younger than [`SETTLING_MS`] in its state (just accepted, or its body
    /// just begun) only when no settled one is left, and then a body before
    /// an idle one. `false` if every one is computing a request.
    fn evict(&self, now_ms: u64, from: Option<IpAddr>) -> bool {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let settled = |since: u64| now_ms.saturating_sub(since) >= SETTLING_MS;
        let candidates = || {
            open.iter()
                .filter(move |(_, c)| from.is_none_or(|peer| c.peer == peer))
        };
        let idlest = |settled_only: bool| {
            candidates()
                .filter(|(_, c)| c.in_flight.load(Ordering::Relaxed) == 0)
                .map(|(id, c)| (c.last_active.load(Ordering::Relaxed), *id))
                .filter(|(since, _)| !settled_only || settled(*since))
                .min()
                .map(|(_, id)| id)
        };
        let slowest = |settled_only: bool| {
            candidates()
                .filter(|(_, c)| {
                    !settled_only || settled(c.receiving.since.load(Ordering::Relaxed))
                })
                .filter_map(|(id, c)| c.receiving.pace(now_ms).map(|pace| (pace, *id)))
                .min()
                .map(|(_, id)| id)
        };
        // Among young ones a body goes first: a connection just accepted is
        // most likely a client about to ask, while a body still arriving
        // at all under attack is most likely the attack.
        let chosen = idlest(true)
            .or_else(|| slowest(true))
            .or_else(|| slowest(false))
            .or_else(|| idlest(false));
        match chosen.and_then(|id| open.remove(&id)) {
            Some(c) => {
                tracing::debug!(
                    peer = %c.peer,
                    serving = c.in_flight.load(Ordering::Relaxed),
                    body_bytes = c.receiving.bytes.load(Ordering::Relaxed),
                    "connection closed to make room"
                );
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
        let now_ms = move || started.elapsed().as_millis() as u64;
        let peer = remote.ip();
        if limits.per_address > 0
            && registry.from(peer) >= limits.per_address
            && !registry.evict(now_ms(), Some(peer))
        {
            // Every connection of this address is computing a request: the
            // new one is not taken.
            drop(stream);
            continue;
        }
        while registry.len() >= limits.max_connections.max(1) {
            // The room is made at the address holding the most connections:
            // a client with one or two is not closed for a flood from another.
            let busiest = registry.busiest();
            if !registry.evict(now_ms(), busiest) && !registry.evict(now_ms(), None) {
                // Every connection is computing a request: this one waits
                // for the first to finish.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        next_id += 1;
        let id = next_id;
        let in_flight = Arc::new(AtomicUsize::new(0));
        let receiving = Arc::new(Receiving::default());
        let last_active = Arc::new(AtomicU64::new(now_ms()));
        let service = {
            let (in_flight, last_active, receiving, app) = (
                in_flight.clone(),
                last_active.clone(),
                receiving.clone(),
                app.clone(),
            );
            hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                let (in_flight, last_active, receiving, app) = (
                    in_flight.clone(),
                    last_active.clone(),
                    receiving.clone(),
                    app.clone(),
                );
                async move {
                    in_flight.fetch_add(1, Ordering::Relaxed);
                    last_active.store(now_ms(), Ordering::Relaxed);
                    request.extensions_mut().insert(ConnectInfo(remote));
                    let request = request.map(|body| {
                        axum::body::Body::new(Paced::new(
                            body,
                            receiving.clone(),
                            &limits,
                            now_ms(),
                        ))
                    });
                    let response = app.oneshot(request).await;
                    receiving.active.store(false, Ordering::Relaxed);
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
                    receiving,
                    peer,
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

/// A request body held to a minimum pace (the module doc).
struct Paced {
    inner: Incoming,
    receiving: Arc<Receiving>,
    /// Fires when the body has used its allowance; pushed back by every
    /// frame that arrives.
    deadline: Pin<Box<tokio::time::Sleep>>,
    /// Time allowed per byte.
    per_byte: Duration,
}

/// The error of a body that kept too slow a pace; the app answers 408
/// (`crate::app::error`).
#[derive(Debug)]
pub struct TooSlow;

impl std::fmt::Display for TooSlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body arrived too slowly")
    }
}

impl std::error::Error for TooSlow {}

impl Paced {
    fn new(inner: Incoming, receiving: Arc<Receiving>, limits: &Limits, now_ms: u64) -> Self {
        let done = inner.is_end_stream();
        receiving.bytes.store(0, Ordering::Relaxed);
        receiving.since.store(now_ms, Ordering::Relaxed);
        receiving.active.store(!done, Ordering::Relaxed);
        let per_byte =
            Duration::from_secs(1) / u32::try_from(limits.min_body_rate.max(1)).unwrap_or(u32::MAX);
        Self {
            inner,
            receiving,
            deadline: Box::pin(tokio::time::sleep(limits.body_timeout)),
            per_byte,
        }
    }
}

impl hyper::body::Body for Paced {
    type Data = hyper::body::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    let len = data.len() as u64;
                    this.receiving.bytes.fetch_add(len, Ordering::Relaxed);
                    let more = this
                        .per_byte
                        .saturating_mul(u32::try_from(len).unwrap_or(u32::MAX));
                    let next = this.deadline.deadline() + more;
                    this.deadline.as_mut().reset(next);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => {
                this.receiving.active.store(false, Ordering::Relaxed);
                Poll::Ready(other.map(|r| r.map_err(Into::into)))
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.receiving.active.store(false, Ordering::Relaxed);
                    Poll::Ready(Some(Err(Box::new(TooSlow))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Registers connection `id` from 127.0.0.`peer` (a task that never
    /// ends), serving `in_flight` requests, last active at `last` ms, and
    /// receiving a body of `body` bytes (if any) since 0 ms; its handle.
    fn open(
        registry: &Registry,
        id: u64,
        peer: u8,
        in_flight: usize,
        last: u64,
        body: Option<u64>,
    ) -> tokio::task::AbortHandle {
        let task = tokio::spawn(std::future::pending::<()>());
        let receiving = Receiving::default();
        if let Some(bytes) = body {
            receiving.active.store(true, Ordering::Relaxed);
            receiving.bytes.store(bytes, Ordering::Relaxed);
        }
        registry.open.lock().unwrap().insert(
            id,
            Open {
                in_flight: Arc::new(AtomicUsize::new(in_flight)),
                last_active: Arc::new(AtomicU64::new(last)),
                receiving: Arc::new(receiving),
                peer: IpAddr::from([127, 0, 0, peer]),
                close: task.abort_handle(),
            },
        );
        task.abort_handle()
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_idlest_connection_without_a_request_is_closed_first() {
        let registry = Registry::default();
        let mut handles = Vec::new();
        for (id, in_flight, last) in [(1, 1, 0), (2, 0, 50), (3, 0, 10)] {
            handles.push(open(&registry, id, 1, in_flight, last, None));
        }
        assert!(registry.evict(100, None));
        tokio::task::yield_now().await;
        assert!(
            handles[2].is_finished(),
            "3 waited longest without a request"
        );
        assert!(registry.evict(100, None));
        assert!(!registry.evict(100, None), "1 is serving a request");
        assert_eq!(registry.len(), 1);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn when_every_connection_is_busy_the_slowest_body_is_closed_and_caps_count_per_address() {
        let registry = Registry::default();
        let mut handles = Vec::new();
        // (id, peer's last octet, receiving a body?, bytes since 0 ms);
        // 5 was accepted 100 ms ago and has not sent its request yet.
        for (id, peer, receiving, bytes) in [
            (1, 1, false, 0),
            (2, 1, true, 50_000),
            (3, 2, true, 10),
            (4, 2, true, 5_000),
            (5, 3, false, 0),
        ] {
            let (in_flight, last) = if id == 5 { (0, 900) } else { (1, 0) };
            let body = receiving.then_some(bytes);
            handles.push(open(&registry, id, peer, in_flight, last, body));
        }
        let one = IpAddr::from([127, 0, 0, 1]);
        assert_eq!(registry.from(one), 2);
        assert!(registry.evict(1000, Some(one)), "2 is receiving its body");
        tokio::task::yield_now().await;
        assert!(handles[1].is_finished(), "the only body from .1");
        assert!(
            !registry.evict(1000, Some(one)),
            "1 is computing its request"
        );
        assert!(registry.evict(1000, None));
        tokio::task::yield_now().await;
        assert!(
            handles[2].is_finished(),
            "3 is the slowest body (10 B/s); 5 has just arrived"
        );
        assert!(!handles[3].is_finished());
        assert!(registry.evict(1000, None));
        tokio::task::yield_now().await;
        assert!(handles[3].is_finished(), "then 4, before 5");
        assert!(registry.evict(1000, None));
        tokio::task::yield_now().await;
        assert!(handles[4].is_finished(), "5 when nothing else is left");
        assert_eq!(registry.len(), 1);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn room_is_made_at_the_address_holding_the_most_connections() {
        let registry = Registry::default();
        for (id, peer) in [(1, 1), (2, 2), (3, 2), (4, 2)] {
            open(&registry, id, peer, 0, 0, None);
        }
        let flood = IpAddr::from([127, 0, 0, 2]);
        assert_eq!(registry.busiest(), Some(flood));
        assert!(registry.evict(5000, registry.busiest()));
        assert!(
            registry.open.lock().unwrap().contains_key(&1),
            "the lone client keeps its connection"
        );
    }
}
