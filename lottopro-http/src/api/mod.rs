//! The HTTP API: `app(state) -> Router`, driven by `lottopro serve` and, in
//! tests, by `tower::ServiceExt::oneshot` without a socket.
//!
//! Every handler parses its input into core types, runs the engine call on
//! tokio's blocking pool (the core is synchronous and some calls take
//! milliseconds), and renders the core's result as JSON. Errors are
//! `application/problem+json` through [`ApiError`]. Request bodies are
//! limited to [`MAX_BODY_BYTES`]; every count is limited before any work
//! starts.
//!
//! Every route is registered through utoipa's `OpenApiRouter` from its
//! handler's `#[utoipa::path]`, so the router and `GET /openapi.json` are
//! built from the same list and cannot drift apart.

mod admin;
mod analysis;
pub mod client;
mod docs;
mod draws;
mod error;
mod game;
pub mod limit;
pub mod monitor;
mod numbers;
mod popularity;
mod predictions;
mod qr;

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::from_fn_with_state;
use lottopro_core::Engine;
use serde::de::DeserializeOwned;
use utoipa_axum::router::OpenApiRouter;

pub(crate) use admin::Admin;
pub use admin::{follow_store, scheduled_sync, sync_now};
pub use analysis::MAX_HTTP_TRIALS;
pub(crate) use analysis::{BacktestSummary, PredictBody, SimulateBody, run_predict, run_simulate};
pub(crate) use client::random_hex;
pub(crate) use docs::Problem as ProblemDoc;
pub use draws::MAX_PAGE;
pub use error::ApiError;
pub(crate) use numbers::store as require_store;
pub use qr::MAX_QR_TICKETS;

use crate::config::{Rate, ServeConfig};
use monitor::{Monitor, Thresholds};

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
    /// Count clients by `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// Keep per-route figures for `/admin/performance`.
    pub monitoring: bool,
    /// Alert thresholds.
    pub thresholds: Thresholds,
    /// Where `POST /admin/sync` and the schedule fetch new draws.
    pub sync: crate::sync::SyncConfig,
    /// Origins allowed cross-origin access (none by default).
    pub cors_origins: Vec<String>,
}

impl Default for Options {
    /// A random secret, no admin routes, the original's rate limits.
    fn default() -> Self {
        let c = ServeConfig::defaults();
        Options {
            secret: random_hex(32).into_bytes(),
            admin_token: None,
            predict_limit: Some(c.rate_limit_predict),
            save_limit: Some(c.rate_limit_save_numbers),
            trust_proxy: false,
            monitoring: true,
            thresholds: Thresholds::default(),
            sync: crate::sync::SyncConfig::default(),
            cors_origins: vec![],
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
            monitoring: config.monitoring_enabled,
            thresholds: Thresholds {
                response_time_secs: config.threshold_response_time,
                cpu_percent: config.threshold_cpu_usage,
                memory_percent: config.threshold_memory_usage,
                ..Thresholds::default()
            },
            sync: config.sources.apply(crate::sync::SyncConfig::default()),
            cors_origins: config
                .cors_origins
                .iter()
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The engine, with its history snapshot and cache.
    pub engine: Arc<Engine>,
    /// The database (saved numbers, predictions); `None` runs without one.
    pub store: Option<Arc<crate::store::Store>>,
    options: Arc<Options>,
    monitor: Arc<Monitor>,
}

impl AppState {
    /// A state with the default [`Options`].
    pub fn new(engine: Arc<Engine>, store: Option<Arc<crate::store::Store>>) -> AppState {
        AppState::with_options(engine, store, Options::default())
    }

    /// A state with `options`.
    pub fn with_options(
        engine: Arc<Engine>,
        store: Option<Arc<crate::store::Store>>,
        options: Options,
    ) -> AppState {
        let monitor = Arc::new(Monitor::new(options.monitoring, options.thresholds));
        AppState {
            engine,
            store,
            options: Arc::new(options),
            monitor,
        }
    }

    /// Starts sampling the process and machine (for `/admin/performance`,
    /// `/admin/monitoring` and the alerts).
    pub fn sample_system(&self, data_dir: &std::path::Path) {
        if let Ok(mut s) = self.monitor.system.lock() {
            *s = crate::monitoring::SystemSampler::new(data_dir);
            if let Some(s) = s.as_mut() {
                s.sample();
            }
        }
    }

    /// The service's own figures.
    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }
}

/// The routes and their OpenAPI description, before the state is attached.
fn routes(options: &Options) -> OpenApiRouter<AppState> {
    let limit = |name, rate: Option<Rate>| {
        rate.map(|rate| {
            Arc::new(
                limit::Limit::new(name, rate, options.trust_proxy).only(axum::http::Method::POST),
            )
        })
    };
    // One allowance per client, whichever way it is spent (API or dashboard).
    let predict_limit = limit("predictions", options.predict_limit);
    let save_limit = limit("saved-number writes", options.save_limit);
    let limited = |router: OpenApiRouter<AppState>, limit: &Option<Arc<limit::Limit>>| match limit {
        Some(l) => router.route_layer(from_fn_with_state(l.clone(), limit::enforce)),
        None => router,
    };
    OpenApiRouter::with_openapi(docs::base())
        .merge(game::router())
        .merge(limited(analysis::predict_router(), &predict_limit))
        .merge(limited(crate::web::predict_router(), &predict_limit))
        .merge(limited(popularity::wheel_router(), &predict_limit))
        .merge(popularity::router())
        .merge(analysis::router())
        .merge(draws::router())
        .merge(limited(numbers::router(), &save_limit))
        .merge(limited(crate::web::save_router(), &save_limit))
        .merge(predictions::router())
        .merge(qr::router())
        .merge(admin::router())
        .merge(docs::router())
        .merge(monitor::router())
        .merge(crate::web::router())
}

/// The OpenAPI document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes(&Options::default()).into_openapi()
}

/// The whole service: API, admin routes, metrics and dashboard.
pub fn app(state: AppState) -> Router {
    // Install the Prometheus recorder before the first request is counted.
    monitor::prometheus();
    let (router, _) = routes(&state.options).split_for_parts();
    // CORS is closed unless origins are configured: without the headers a
    // browser refuses cross-origin calls. The admin routes never allow it.
    let router = match cors(&state.options.cors_origins) {
        Some(layer) => router.layer(layer),
        None => router,
    };
    router
        .layer(from_fn_with_state(state.monitor.clone(), monitor::track))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
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
async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
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

/// The draws must exist for history-dependent routes.
fn require_draws(state: &AppState) -> Result<(), ApiError> {
    if state.engine.history().is_empty() {
        Err(ApiError::no_draws())
    } else {
        Ok(())
    }
}

/// A ticket as clients send it: `numbers` (a list) or `ticket` (text), exactly one.
fn ticket_from(
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

/// A JSON body whose rejection is a problem+json response.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(r: &JsonRejection) -> ApiError {
    let status = r.status();
    let title = if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        "Body too large"
    } else {
        "Invalid JSON body"
    };
    ApiError::new(status, title, r.body_text()).with_field("body")
}

/// Query parameters whose rejection is a problem+json response.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(r) => Err(query_rejection(&r)),
        }
    }
}

fn query_rejection(r: &QueryRejection) -> ApiError {
    ApiError::new(r.status(), "Invalid query", r.body_text()).with_field("query")
}
