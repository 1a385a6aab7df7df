//! Game routes: health and readiness, games, odds, tax.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use lottopro_core::{GameDef, GameSpec, Money, Odds, TaxAssessment};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::ready::Readiness;
use crate::app::{ApiError, ApiJson, ApiQuery, AppState, Problem, blocking};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ready))
        .routes(routes!(games))
        .routes(routes!(odds))
        .routes(routes!(tax))
}

/// Liveness and what the service holds; `status` is `degraded` while a
/// cache tier is failing (answers are still correct, only slower).
#[utoipa::path(get, path = "/api/health", tag = "service",
    responses((status = 200, description = "status, version, game, draws, latest_round, cache_degraded", body = Health)))]
async fn health(State(state): State<AppState>) -> Json<Health> {
    let h = state.engine.history();
    // Cheap by design: no cache statistics (a Redis tier would count its keys).
    let degraded = state.engine.cache_degraded();
    Json(Health {
        status: if degraded { "degraded" } else { "ok" },
        version: env!("CARGO_PKG_VERSION"),
        game: h.game().id().to_owned(),
        draws: h.len(),
        latest_round: h.latest_round(),
        cache_degraded: degraded,
        stale: state.staleness(),
        last_sync: state.last_sync(),
    })
}

/// Readiness: the store and, when the cache has one, Redis answer a probe
/// within 250 ms (probed at most once a second); 503 while the store does
/// not. See `app::ready`.
#[utoipa::path(get, path = "/api/ready", tag = "service",
    responses((status = 200, description = "ready, or degraded (Redis down: the memory tier serves)", body = Readiness),
              (status = 503, description = "the store does not answer", body = Readiness)))]
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let r = crate::app::ready::readiness(&state).await;
    let status = if r.status == "unavailable" {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (status, Json(r))
}

/// What `GET /api/health` answers.
#[derive(Serialize, ToSchema)]
struct Health {
    /// `ok`, or `degraded` while a cache tier is failing.
    #[schema(value_type = String, example = "ok")]
    status: &'static str,
    /// The service's version.
    #[schema(value_type = String)]
    version: &'static str,
    /// The game served.
    game: String,
    /// Draws held.
    draws: usize,
    /// The latest round held.
    latest_round: Option<u32>,
    /// Whether a cache tier is failing.
    cache_degraded: bool,
    /// How far the draws held are behind the draw schedule (`null` when
    /// they are up to date): the first missing round, how many, since when.
    stale: Option<lottopro_core::Staleness>,
    /// When draws were last synced successfully, seconds since 1970 (`null`:
    /// not since this replica started, as far as it has seen).
    last_sync: Option<i64>,
}

/// The preset games with their rules and prize tiers.
#[utoipa::path(get, path = "/api/games", tag = "games",
    responses((status = 200, description = "every preset game", body = Vec<GameDef>)))]
async fn games() -> Json<Vec<GameSpec>> {
    Json(GameSpec::presets())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct GameQuery {
    /// Game id (default: the service's game); see `/api/games`.
    game: Option<String>,
}

/// The exact odds of every prize tier, counted from the game's rules.
#[utoipa::path(get, path = "/api/odds", tag = "games", params(GameQuery),
    responses((status = 200, description = "odds per tier and of any prize", body = Odds),
              (status = 400, description = "unknown game", body = Problem, content_type = "application/problem+json")))]
async fn odds(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<GameQuery>,
) -> Result<Json<Odds>, ApiError> {
    Ok(Json(state.engine.odds(q.game.as_deref())?))
}

/// `{"amount": 1000000000, "game": "kr645"}`; the amount may also be a string like "1,000,000".
#[derive(Deserialize, ToSchema)]
struct TaxRequest {
    /// Gross prize in minor units (won), a number or a string with separators.
    #[schema(value_type = String, example = "1000000000")]
    amount: Value,
    /// Game whose tax rule applies (default: the service's game).
    game: Option<String>,
}

/// Tax on a prize, exactly, in integer minor units.
#[utoipa::path(post, path = "/api/tax", tag = "games", request_body = TaxRequest,
    responses((status = 200, description = "gross, tax, net and the rule applied", body = TaxAssessment),
              (status = 400, description = "amount is not a non-negative whole number, or unknown game", body = Problem, content_type = "application/problem+json")))]
async fn tax(
    State(state): State<AppState>,
    ApiJson(r): ApiJson<TaxRequest>,
) -> Result<Json<TaxAssessment>, ApiError> {
    let text = match &r.amount {
        // `ApiJson` has already read 3.0 as the whole number 3.
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => {
            return Err(ApiError::from(lottopro_core::Error::InvalidInput {
                field: "amount".into(),
                message: "must be a whole number".into(),
            }));
        }
    };
    let gross = Money::parse(&text, "amount")?;
    let game = r.game;
    Ok(Json(
        blocking(&state, move |e| e.tax(gross, game.as_deref())).await?,
    ))
}
