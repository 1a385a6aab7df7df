//! Draw routes: the history the service holds.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use lottopro_core::io::DrawRecord;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, ApiQuery, AppState, require_draws};

/// Most draws one page of `GET /api/draws` returns.
pub const MAX_PAGE: usize = 500;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/draws", get(list))
        .route("/api/draws/latest", get(latest))
        .route("/api/draws/{round}", get(one))
}

#[derive(Deserialize)]
struct Page {
    /// First round of the page (default: the latest `limit` draws).
    from: Option<u32>,
    /// Draws per page, 1..=500 (default 50).
    limit: Option<usize>,
}

async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<Page>,
) -> Result<Json<Value>, ApiError> {
    let h = state.engine.history();
    let limit = p.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::from(lottopro_core::Error::Limit {
            field: "limit".into(),
            value: limit as u64,
            limit: MAX_PAGE as u64,
        }));
    }
    let draws = h.draws();
    let start = match p.from {
        Some(r) => draws.partition_point(|d| d.round() < r),
        None => draws.len().saturating_sub(limit),
    };
    let page: Vec<DrawRecord> = draws[start..]
        .iter()
        .take(limit)
        .map(DrawRecord::from)
        .collect();
    Ok(Json(
        json!({ "game": h.game().id(), "total": draws.len(), "draws": page }),
    ))
}

async fn latest(State(state): State<AppState>) -> Result<Json<DrawRecord>, ApiError> {
    require_draws(&state)?;
    let h = state.engine.history();
    h.latest()
        .map(|d| Json(DrawRecord::from(d)))
        .ok_or_else(ApiError::no_draws)
}

async fn one(
    State(state): State<AppState>,
    Path(round): Path<String>,
) -> Result<Json<DrawRecord>, ApiError> {
    let round: u32 = round.parse().map_err(|_| {
        ApiError::from(lottopro_core::Error::InvalidInput {
            field: "round".into(),
            message: format!("'{round}' is not a round number"),
        })
    })?;
    require_draws(&state)?;
    let h = state.engine.history();
    Ok(Json(DrawRecord::from(h.require(round)?)))
}
