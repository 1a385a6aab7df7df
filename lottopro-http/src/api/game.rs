//! Game routes: health, games, odds, tax.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use lottopro_core::{GameSpec, Money, Odds, TaxAssessment};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, ApiJson, ApiQuery, AppState, blocking};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/games", get(games))
        .route("/api/odds", get(odds))
        .route("/api/tax", post(tax))
}

async fn health(State(state): State<AppState>) -> Json<Value> {
    let h = state.engine.history();
    // Cheap by design: no cache statistics (a Redis tier would count its keys).
    let degraded = state.engine.cache_degraded();
    Json(json!({
        "status": if degraded { "degraded" } else { "ok" },
        "version": env!("CARGO_PKG_VERSION"),
        "game": h.game().id(),
        "draws": h.len(),
        "latest_round": h.latest_round(),
        "cache_degraded": degraded,
    }))
}

async fn games() -> Result<Json<Vec<GameSpec>>, ApiError> {
    let all = GameSpec::preset_ids()
        .iter()
        .map(|id| GameSpec::preset(id))
        .collect::<lottopro_core::Result<Vec<_>>>()?;
    Ok(Json(all))
}

#[derive(Deserialize)]
struct GameQuery {
    game: Option<String>,
}

async fn odds(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<GameQuery>,
) -> Result<Json<Odds>, ApiError> {
    Ok(Json(state.engine.odds(q.game.as_deref())?))
}

/// `{"amount": 1000000000, "game": "kr645"}`; the amount may also be a string like "1,000,000".
#[derive(Deserialize)]
struct TaxRequest {
    amount: Value,
    game: Option<String>,
}

async fn tax(
    State(state): State<AppState>,
    ApiJson(r): ApiJson<TaxRequest>,
) -> Result<Json<TaxAssessment>, ApiError> {
    let text = match &r.amount {
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
