//! Draw routes: the history the service holds.

use axum::Json;
use axum::extract::{Path, State};
use lottopro_core::io::DrawRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::{ApiError, ApiQuery, AppState, Problem, bounded, require_draws};

/// Most draws one page of `GET /api/draws` returns.
pub const MAX_PAGE: usize = 500;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(latest))
        .routes(routes!(one))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct Page {
    /// First round of the page (default: the latest `limit` draws).
    #[param(minimum = 0, maximum = 4294967295_u64)]
    from: Option<u32>,
    /// Draws per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// One page of the draws the service holds, oldest first.
#[utoipa::path(get, path = "/api/draws", tag = "draws", params(Page),
    responses((status = 200, description = "game, total and the page of draws", body = DrawPage),
              (status = 422, description = "limit is 0 or above 500", body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<Page>,
) -> Result<Json<DrawPage>, ApiError> {
    let h = state.engine.history();
    let limit = bounded("limit", p.limit, 50, 1, MAX_PAGE as u32)? as usize;
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
    Ok(Json(DrawPage {
        game: h.game().id().to_owned(),
        total: draws.len(),
        draws: page,
    }))
}

/// A page of draws, oldest first.
#[derive(Serialize, ToSchema)]
struct DrawPage {
    /// The game.
    game: String,
    /// Draws the service holds in all.
    total: usize,
    /// This page.
    draws: Vec<DrawRecord>,
}

/// The latest draw.
#[utoipa::path(get, path = "/api/draws/latest", tag = "draws",
    responses((status = 200, description = "the latest draw", body = DrawRecord),
              (status = 409, description = "no draws loaded", body = Problem, content_type = "application/problem+json")))]
async fn latest(State(state): State<AppState>) -> Result<Json<DrawRecord>, ApiError> {
    require_draws(&state)?;
    let h = state.engine.history();
    h.latest()
        .map(|d| Json(DrawRecord::from(d)))
        .ok_or_else(ApiError::no_draws)
}

/// One draw by its round.
#[utoipa::path(get, path = "/api/draws/{round}", tag = "draws",
    params(("round" = u32, Path, description = "the round")),
    responses((status = 200, description = "the draw", body = DrawRecord),
              (status = 400, description = "not a round number", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "no such round", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "no draws loaded", body = Problem, content_type = "application/problem+json")))]
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
