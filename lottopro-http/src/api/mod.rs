//! The HTTP API: `app(state) -> Router`, driven by `lottopro serve` and, in
//! tests, by `tower::ServiceExt::oneshot` without a socket.
//!
//! Every handler parses its input into core types, runs the engine call on
//! tokio's blocking pool (the core is synchronous and some calls take
//! milliseconds), and renders the core's result as JSON. Errors are
//! `application/problem+json` through [`ApiError`]. Request bodies are
//! limited to [`MAX_BODY_BYTES`]; every count is limited by the core before
//! any work starts.
//!
//! This is the foundation of the service: prediction history, rate limits,
//! admin routes, metrics, the OpenAPI document and the dashboard of the HTTP
//! issue are still to come.

mod analysis;
mod draws;
mod error;
mod game;
mod numbers;

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use lottopro_core::Engine;
use serde::de::DeserializeOwned;

pub use analysis::MAX_HTTP_TRIALS;
pub use draws::MAX_PAGE;
pub use error::ApiError;

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The engine, with its history snapshot and cache.
    pub engine: Arc<Engine>,
    /// The database (saved numbers); `None` runs without one.
    pub store: Option<Arc<crate::store::Store>>,
}

/// The whole API.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(game::router())
        .merge(analysis::router())
        .merge(draws::router())
        .merge(numbers::router())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
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
