//! The application: its state and options, the router that puts the API and
//! the dashboard together (`app(state) -> Router`), and the request plumbing
//! both surfaces share — errors, extractors, client tokens, rate limits and
//! the operations both of them run (`ops`).
//!
//! `api` and `web` are leaves: each imports this module and neither imports
//! the other, so a page and an endpoint that do the same thing call the same
//! function here (or in the core) instead of each other. `lottopro serve`
//! builds the state and runs it (see `crate::server`); tests drive `app`
//! with `tower::ServiceExt::oneshot`, without a socket.
//!
//! Every handler parses its input into core types, runs the engine call on
//! tokio's blocking pool (the core is synchronous and some calls take
//! milliseconds), and renders the core's result. Errors are
//! `application/problem+json` through [`ApiError`]. Request bodies are
//! limited to [`MAX_BODY_BYTES`]; every count is limited before any work
//! starts.

mod answers;
pub mod client;
mod error;
mod extract;
pub(crate) mod ids;
pub mod limit;
mod openapi;
pub(crate) mod ops;
mod origin;
pub(crate) mod policies;
pub mod ready;
mod store_call;
mod upload;
pub(crate) mod week;
mod work;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::from_fn_with_state;
use lottopro_core::Engine;
use lottopro_core::pension::PensionHistory;
use utoipa_axum::router::OpenApiRouter;

pub use error::ApiError;
pub(crate) use error::Problem;
pub(crate) use extract::Admin;
pub use extract::{ApiJson, ApiQuery};
pub use ops::{MAX_RECENT, SimulationCaps};
pub(crate) use store_call::on_store;
pub(crate) use upload::{read_photo, upload_slot};
pub use work::WorkLimits;
pub(crate) use work::{cached_or_heavy, heavy};

use crate::config::{Rate, ServeConfig};
use crate::store::Store;
use crate::telemetry::monitor::{self, Monitor, Thresholds};

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The most header bytes (names and values) a request may carry.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// How the service protects and measures itself; see [`ServeConfig`] for
/// the variables behind each field.
#[derive(Debug, Clone)]
pub struct Options {
    /// Key that client tokens are hashed with before storage.
    pub secret: Vec<u8>,
    /// Bearer token of the admin routes; `None` switches them off.
    pub admin_token: Option<String>,
    /// Limit of `POST /api/predict` per client (`None`: unlimited).
    pub predict_limit: Option<Rate>,
    /// Limit of `POST /api/numbers` per client.
    pub save_limit: Option<Rate>,
    /// Proxy hops whose `X-Forwarded-For` entries are trusted (see
    /// `client::address`).
    pub trust_proxy: u8,
    /// Keep per-route figures for `/admin/performance`.
    pub monitoring: bool,
    /// Alert thresholds.
    pub thresholds: Thresholds,
    /// Where `POST /admin/sync` and the schedule fetch new draws.
    pub sync: crate::sync::SyncConfig,
    /// Origins allowed cross-origin access (none by default).
    pub cors_origins: Vec<String>,
    /// How much heavy work runs at once, and for how long.
    pub work: WorkLimits,
    /// How long a client may take to send a request body (408 after).
    pub body_timeout: std::time::Duration,
    /// The Redis whose buckets every replica shares (see [`limit`]);
    /// `None` counts each client in this process only.
    pub shared_limits: Option<String>,
    /// Whether `/docs`, the API explorer, is served.
    pub api_docs: bool,
    /// Web Push: VAPID key, contact, deadlines (see [`crate::push`]).
    pub push: crate::push::PushConfig,
}

impl Default for Options {
    /// A random secret, no admin routes, the original's rate limits.
    fn default() -> Self {
        let c = ServeConfig::defaults();
        Options {
            secret: crate::secret::random_hex(32).into_bytes(),
            admin_token: None,
            predict_limit: Some(c.rate_limit_predict),
            save_limit: Some(c.rate_limit_save_numbers),
            trust_proxy: 0,
            monitoring: true,
            thresholds: Thresholds::default(),
            sync: crate::sync::SyncConfig::default(),
            cors_origins: vec![],
            work: WorkLimits::default(),
            body_timeout: std::time::Duration::from_secs(c.body_timeout),
            shared_limits: None,
            api_docs: false,
            push: crate::push::PushConfig::default(),
        }
    }
}

impl Options {
    /// The options `config` asks for, with the resolved `secret`.
    pub fn from_config(config: &ServeConfig, secret: Vec<u8>) -> Options {
        let limits = config.rate_limit_enabled;
        Options {
            secret,
            admin_token: config.admin_token.clone(),
            predict_limit: limits.then_some(config.rate_limit_predict),
            save_limit: limits.then_some(config.rate_limit_save_numbers),
            trust_proxy: config.trust_proxy,
            push: config.push.clone(),
            api_docs: config.api_docs.unwrap_or(config.debug),
            monitoring: config.monitoring_enabled,
            thresholds: Thresholds {
                response_time_secs: config.threshold_response_time,
                cpu_percent: config.threshold_cpu_usage,
                memory_percent: config.threshold_memory_usage,
                error_rate_percent: config.threshold_error_rate,
            },
            sync: config.sources.apply(crate::sync::SyncConfig::default()),
            cors_origins: config
                .cors_origins
                .iter()
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
            work: WorkLimits {
                concurrency: match config.heavy_concurrency {
                    0 => WorkLimits::default().concurrency,
                    n => n,
                },
                queue_wait: std::time::Duration::from_secs(config.heavy_queue_wait),
                deadline: std::time::Duration::from_secs(config.work_timeout.max(1)),
            },
            body_timeout: std::time::Duration::from_secs(config.body_timeout.max(1)),
            // Replicas share a Redis when the cache is in one.
            shared_limits: config
                .cache()
                .ok()
                .filter(|c| {
                    limits
                        && matches!(
                            c.kind,
                            lottopro_core::cache::CacheKind::Redis
                                | lottopro_core::cache::CacheKind::Tiered
                        )
                })
                .map(|c| c.redis_url),
        }
    }
}

/// What every handler shares: one reference-counted [`Shared`], so that
/// the clone every middleware layer and extractor takes of it is one
/// atomic increment, not one per field (a request took five or six such
/// clones, each of a dozen counters that every core touches).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    /// The engine, with its history snapshot and cache.
    pub engine: Arc<Engine>,
    /// The database (saved numbers, predictions); `None` runs without one.
    pub store: Option<Arc<Store>>,
    options: Arc<Options>,
    monitor: Arc<Monitor>,
    /// The gate of heavy work.
    gate: Arc<work::Gate>,
    /// Wrong admin tokens per client.
    admin_failures: Arc<extract::AdminFailures>,
    /// The OpenAPI document, built on first request.
    openapi: Arc<std::sync::OnceLock<serde_json::Value>>,
    /// The rate-limit buckets every replica shares, when configured.
    buckets: Option<Arc<limit::SharedBuckets>>,
    /// The last readiness answer (see [`ready`]).
    ready: Arc<ready::ReadyCache>,
    /// Slots of store calls (see [`on_store`]).
    store_calls: Arc<tokio::sync::Semaphore>,
    /// When draws were last synced successfully, Unix seconds (0: never).
    last_sync: Arc<std::sync::atomic::AtomicI64>,
    /// Web Push delivery (see [`crate::push`]).
    push: Arc<crate::push::Pusher>,
    /// The last `/api/stats` answer as sent (see [`AppState::stats_json`]).
    stats_json: std::sync::Mutex<Option<(answers::StatsKey, axum::body::Bytes)>>,
    /// The Pension Lottery 720+ draws served: the bundled ones, extended
    /// by what sync stores.
    pension: Arc<std::sync::RwLock<Arc<PensionHistory>>>,
}

impl AppState {
    /// A state with the default [`Options`].
    pub fn new(engine: Arc<Engine>, store: Option<Arc<Store>>) -> AppState {
        AppState::with_options(engine, store, Options::default())
    }

    /// A state with `options`.
    pub fn with_options(
        engine: Arc<Engine>,
        store: Option<Arc<Store>>,
        options: Options,
    ) -> AppState {
        let monitor = Arc::new(Monitor::new(options.monitoring, options.thresholds));
        let gate = Arc::new(work::Gate::new(options.work));
        let buckets = options.shared_limits.as_deref().and_then(|url| {
            limit::SharedBuckets::new(url)
                .map_err(|e| tracing::warn!("rate limits stay per replica: REDIS_URL {e}"))
                .ok()
                .map(Arc::new)
        });
        AppState(Arc::new(Shared {
            push: Arc::new(crate::push::Pusher::new(options.push.clone())),
            buckets,
            ready: Arc::default(),
            store_calls: Arc::new(tokio::sync::Semaphore::new(store_call::STORE_CALLS)),
            engine,
            store,
            options: Arc::new(options),
            monitor,
            gate,
            admin_failures: Arc::default(),
            openapi: Arc::default(),
            last_sync: Arc::default(),
            stats_json: std::sync::Mutex::default(),
            pension: Arc::new(std::sync::RwLock::new(Arc::new(
                lottopro_core::pension::bundled(),
            ))),
        }))
    }

    /// The 720+ history served now.
    pub fn pension(&self) -> Arc<PensionHistory> {
        self.pension
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Serves `history` as the 720+ history from now on.
    pub fn set_pension(&self, history: PensionHistory) {
        *self
            .pension
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(history);
    }

    /// When draws were last synced successfully (by any replica sharing the
    /// store, as far as this one has seen), Unix seconds.
    pub fn last_sync(&self) -> Option<i64> {
        Some(self.last_sync.load(std::sync::atomic::Ordering::Relaxed)).filter(|t| *t > 0)
    }

    /// Records a successful sync at `at` (Unix seconds); an earlier time
    /// than the one held changes nothing.
    pub fn synced_at(&self, at: i64) {
        self.last_sync
            .fetch_max(at, std::sync::atomic::Ordering::Relaxed);
    }

    /// How far the served history is behind the draw schedule now.
    pub fn staleness(&self) -> Option<lottopro_core::Staleness> {
        self.engine.history().staleness(unix_now())
    }

    /// Starts sampling the process and machine (for `/admin/performance`,
    /// `/admin/monitoring` and the alerts).
    pub fn sample_system(&self, data_dir: &std::path::Path) {
        if let Ok(mut s) = self.monitor.system.lock() {
            *s = crate::telemetry::alerts::SystemSampler::new(data_dir);
            if let Some(s) = s.as_mut() {
                s.sample();
            }
        }
    }

    /// The OpenAPI document of this service (its game's ranges).
    pub fn openapi(&self) -> &serde_json::Value {
        self.openapi.get_or_init(|| openapi(&self.engine.game()))
    }

    /// The service's own figures.
    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// A shared handle on [`AppState::monitor`], for tasks that outlive a request.
    pub fn monitor_handle(&self) -> Arc<Monitor> {
        self.monitor.clone()
    }

    /// Where the rate-limit buckets live now.
    pub fn rate_limit_status(&self) -> limit::SharedStatus {
        self.buckets.as_ref().map_or(
            limit::SharedStatus {
                buckets: "per-replica",
                fallbacks: 0,
            },
            |b| b.status(),
        )
    }

    /// Web Push delivery.
    pub fn push(&self) -> &crate::push::Pusher {
        &self.push
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }
}

/// The per-client allowances that several routers share: one allowance per
/// client, whichever way it is spent (API or dashboard).
pub(crate) struct Limits {
    predict: Option<Arc<limit::Limit>>,
    save: Option<Arc<limit::Limit>>,
}

impl Limits {
    fn new(options: &Options, shared: Option<&Arc<limit::SharedBuckets>>) -> Limits {
        let limit = |name, rate: Option<Rate>| {
            rate.map(|rate| {
                limit::Limit::new(name, rate, options.trust_proxy).shared(shared.cloned())
            })
        };
        Limits {
            // Every request to a computing route spends the allowance,
            // whatever its method (backtests and the evaluation are GETs).
            predict: limit("predictions", options.predict_limit).map(Arc::new),
            // Saves, not reads, of the saved numbers.
            save: limit("saved-number writes", options.save_limit)
                .map(|l| Arc::new(l.only(axum::http::Method::POST))),
        }
    }

    /// `router` counted against the prediction allowance.
    pub(crate) fn predictions(&self, router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
        Self::apply(router, self.predict.as_ref())
    }

    /// `router` counted against the saved-number allowance.
    pub(crate) fn saves(&self, router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
        Self::apply(router, self.save.as_ref())
    }

    fn apply(
        router: OpenApiRouter<AppState>,
        limit: Option<&Arc<limit::Limit>>,
    ) -> OpenApiRouter<AppState> {
        match limit {
            Some(l) => router.route_layer(from_fn_with_state(l.clone(), limit::enforce)),
            None => router,
        }
    }
}

/// Seconds since 1970, now.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// The round a ticket saved now is for (see `History::upcoming_round`).
pub(crate) fn upcoming_round(state: &AppState) -> Option<u32> {
    state.engine.history().upcoming_round(unix_now())
}

/// The routes and their OpenAPI description, before the state is attached.
fn routes(
    options: &Options,
    shared: Option<&Arc<limit::SharedBuckets>>,
) -> OpenApiRouter<AppState> {
    let limits = Limits::new(options, shared);
    OpenApiRouter::with_openapi(openapi::base())
        .merge(crate::api::router(&limits))
        .merge(crate::web::router(&limits))
}

/// The OpenAPI document of every route, for a service that plays `game`.
pub fn openapi(game: &lottopro_core::GameSpec) -> serde_json::Value {
    let mut doc = routes(&Options::default(), None).into_openapi();
    openapi::describe_extractor_errors(&mut doc);
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    openapi::refine(&mut doc, game);
    doc
}

/// The whole service: API, admin routes, metrics and dashboard.
pub fn app(state: AppState) -> Router {
    // Install the Prometheus recorder before the first request is counted.
    monitor::prometheus();
    let (router, _) = routes(&state.options, state.buckets.as_ref()).split_for_parts();
    // CORS is closed unless origins are configured: without the headers a
    // browser refuses cross-origin calls. The admin routes never allow it
    // (`policies::every_request`, outside the CORS layer, removes them).
    let router = match cors(&state.options.cors_origins) {
        Some(layer) => router.layer(layer),
        None => router,
    };
    router
        .layer(from_fn_with_state(state.clone(), policies::every_request))
        .layer(from_fn_with_state(state.monitor.clone(), monitor::track))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state.options.body_timeout,
        ))
        .layer(axum::middleware::from_fn(limit_headers))
        .layer(axum::middleware::from_fn(crate::web::security_headers))
        .with_state(state)
}

/// Refuses requests whose headers exceed [`MAX_HEADER_BYTES`] (hyper's own
/// limit is far larger) with a problem+json 431.
async fn limit_headers(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let size: usize = request
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if size > MAX_HEADER_BYTES {
        return ApiError::new(
            axum::http::StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Headers too large",
            format!(
                "the request headers hold {size} bytes; at most {MAX_HEADER_BYTES} are accepted"
            ),
        )
        .with_field("headers")
        .into_response();
    }
    next.run(request).await
}

/// The CORS layer for `origins`, or `None` when there are none.
fn cors(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use axum::http::{HeaderName, HeaderValue, Method};
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        tower_http::cors::CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([
                axum::http::header::CONTENT_TYPE,
                HeaderName::from_static(client::TOKEN_HEADER),
            ])
            .expose_headers([HeaderName::from_static(client::TOKEN_HEADER)]),
    )
}

/// Runs an engine call on the blocking pool.
pub(crate) async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> lottopro_core::Result<T> + Send + 'static,
{
    let engine = state.engine.clone();
    match tokio::task::spawn_blocking(move || f(&engine)).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(e) => Err(ApiError::internal(e)),
    }
}

/// `value` (or `default` when absent) if it lies in `min..=max`: below is
/// bad input (400), above is a limit (422). The bounds are those the
/// parameter declares in the OpenAPI document, so a request the document
/// accepts is never refused here.
pub(crate) fn bounded<T>(
    field: &str,
    value: Option<T>,
    default: T,
    min: T,
    max: T,
) -> Result<T, ApiError>
where
    T: Copy + PartialOrd + std::fmt::Display + Into<u64>,
{
    let v = value.unwrap_or(default);
    if v < min {
        return Err(ApiError::from(lottopro_core::Error::invalid(
            field,
            format!("must be at least {min}"),
        )));
    }
    if v > max {
        return Err(ApiError::from(lottopro_core::Error::Limit {
            field: field.into(),
            value: v.into(),
            limit: max.into(),
        }));
    }
    Ok(v)
}

/// The draws must exist for history-dependent routes.
pub(crate) fn require_draws(state: &AppState) -> Result<(), ApiError> {
    if state.engine.history().is_empty() {
        Err(ApiError::no_draws())
    } else {
        Ok(())
    }
}

/// The database, or 503 when the service runs without one.
pub(crate) fn require_store(state: &AppState) -> Result<Arc<Store>, ApiError> {
    state.store.clone().ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "No store",
            "this service runs without a database",
        )
    })
}

/// A ticket as clients send it: `numbers` (a list) or `ticket` (text), exactly one.
pub(crate) fn ticket_from(
    game: &lottopro_core::GameSpec,
    numbers: Option<Vec<u8>>,
    text: Option<String>,
) -> Result<lottopro_core::Ticket, ApiError> {
    match (numbers, text) {
        (Some(n), None) => Ok(lottopro_core::Ticket::new(game, &n, &[])?),
        (None, Some(t)) => Ok(lottopro_core::Ticket::parse(game, &t)?),
        _ => Err(ApiError::from(lottopro_core::Error::InvalidInput {
            field: "numbers".into(),
            message: "give either numbers (a list) or ticket (text)".into(),
        })),
    }
}
