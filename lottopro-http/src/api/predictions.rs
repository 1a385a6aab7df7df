//! Prediction history: `GET /api/predictions`.
//!
//! Every `POST /api/predict` is stored for its client with the round it was
//! made for; when that round's draw reaches the store the prediction is
//! scored (see `Store::score_predictions`), so a client sees what its
//! tickets actually matched next to what chance expects.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::client::Client;
use crate::app::ids::{IdKind, PublicIds};
use crate::app::{ApiError, AppState, Problem, on_store};
use crate::store::StoredPrediction;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// The client's predictions, newest first, each with its score once the
/// target round is drawn, and the mean matches chance gives per ticket.
#[utoipa::path(get, path = "/api/predictions", tag = "analysis",
    params(("x-client-token" = Option<String>, Header, description = "the client token")),
    responses((status = 200, description = "predictions with target round and score", body = PredictionHistory),
              (status = 400, description = "a malformed token", body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<PredictionHistory>, ApiError> {
    let game = state.engine.game();
    let chance = game.chance_mean_matches();
    let Some(client) = Client::from_headers(&headers, &state).await? else {
        return Ok(Json(PredictionHistory {
            predictions: Vec::new(),
            scored_tickets: 0,
            mean_matches: None,
            chance_mean_matches: chance,
        }));
    };
    let owner = client.owner(&state.options().secret);
    let mut predictions = on_store(&state, move |s| s.predictions(&owner)).await?;
    let ids = PublicIds::new(&state.options().secret, IdKind::Prediction);
    for p in &mut predictions {
        p.id = ids.public(p.id);
    }
    let scored: Vec<_> = predictions
        .iter()
        .filter_map(|p| p.score.as_ref())
        .collect();
    let tickets: usize = scored.iter().map(|s| s.tickets.len()).sum();
    let matches: u64 = scored
        .iter()
        .flat_map(|s| &s.tickets)
        .map(|t| u64::from(t.matches))
        .sum();
    Ok(Json(PredictionHistory {
        predictions,
        scored_tickets: tickets,
        mean_matches: (tickets > 0).then(|| matches as f64 / tickets as f64),
        chance_mean_matches: chance,
    }))
}

/// A client's predictions and how they did against chance.
#[derive(Serialize, ToSchema)]
struct PredictionHistory {
    /// Newest first.
    predictions: Vec<StoredPrediction>,
    /// Tickets whose round has been drawn.
    scored_tickets: usize,
    /// Mean main numbers they matched (`null` before any is scored).
    mean_matches: Option<f64>,
    /// What chance gives per ticket.
    chance_mean_matches: f64,
}
