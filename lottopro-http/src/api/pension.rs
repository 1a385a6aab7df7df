//! Pension Lottery 720+ routes: odds, every prize taxed and valued, a
//! ticket checked against a draw, and digit statistics. They have routes of
//! their own rather than a `game=kr720` on the Lotto routes because their
//! answers are other types (digit tickets, annuities), and each route of
//! the OpenAPI document answers one type; `/api/odds?game=kr720` is refused
//! with a problem naming `game`. Every answer is the core's
//! ([`lottopro_core::pension`]).

use axum::Json;
use axum::extract::State;
use lottopro_core::pension::{PensionStats, PensionTicket, PensionTicketCheck};
use lottopro_core::{PensionExpectedValue, PensionOdds};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::{ApiError, ApiJson, ApiQuery, AppState, Problem, bounded};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(odds))
        .routes(routes!(tax))
        .routes(routes!(check))
        .routes(routes!(stats))
}

/// The exact odds of every 720+ prize, counted over the 5,000,000 games of
/// a draw.
#[utoipa::path(get, path = "/api/pension/odds", tag = "pension",
    responses((status = 200, description = "odds of 1st to 7th and the bonus", body = PensionOdds)))]
async fn odds() -> Json<PensionOdds> {
    Json(PensionOdds::compute())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TaxQuery {
    /// Annual discount rate of the present values, 0 to 1 (default 0.03).
    #[param(minimum = 0.0, maximum = 1.0)]
    rate: Option<f64>,
}

/// Every 720+ prize taxed as the operator withholds it (each monthly
/// payment by itself), its total and present value, and the expected value
/// of a 1,000-won game.
#[utoipa::path(get, path = "/api/pension/tax", tag = "pension", params(TaxQuery),
    responses((status = 200, description = "every prize valued and taxed, and the expected value", body = PensionExpectedValue),
              (status = 400, description = "rate is not between 0 and 1", body = Problem, content_type = "application/problem+json")))]
async fn tax(ApiQuery(q): ApiQuery<TaxQuery>) -> Result<Json<PensionExpectedValue>, ApiError> {
    Ok(Json(PensionExpectedValue::at(q.rate)?))
}

/// `{"ticket": "4조 419399", "round": 100}`; `"all 419399"` is the same
/// digits in all five groups.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PensionCheckBody {
    /// The ticket as people write it: `4조 419399`, `4 419399`, `all 419399`.
    #[schema(example = "4조 419399")]
    ticket: String,
    /// The round (회차) to check against.
    round: u32,
}

/// A 720+ ticket against the draw of one round: every game's rank and
/// bonus, and what they won before tax.
#[utoipa::path(post, path = "/api/pension/check", tag = "pension", request_body = PensionCheckBody,
    responses((status = 200, description = "the draw, each game's rank and bonus, and the total", body = PensionTicketCheck),
              (status = 400, description = "a bad ticket: the field names the group or the digits", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "no such round", body = Problem, content_type = "application/problem+json")))]
async fn check(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<PensionCheckBody>,
) -> Result<Json<PensionTicketCheck>, ApiError> {
    let ticket = PensionTicket::parse(&b.ticket)?;
    Ok(Json(state.pension().check_ticket(&ticket, b.round)?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StatsQuery {
    /// Only the latest `last` draws (default: all).
    #[param(minimum = 1, maximum = 100000)]
    last: Option<u32>,
}

/// How often each group and each digit at each position was drawn, beside
/// the range fair draws give. No digit is "due".
#[utoipa::path(get, path = "/api/pension/stats", tag = "pension", params(StatsQuery),
    responses((status = 200, description = "group and digit counts beside chance", body = PensionStats),
              (status = 400, description = "last is 0", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "last above its limit", body = Problem, content_type = "application/problem+json")))]
async fn stats(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Json<PensionStats>, ApiError> {
    let last = match q.last {
        None => None,
        last => Some(bounded("last", last, 1, 1, 100_000)? as usize),
    };
    Ok(Json(state.pension().stats(last)?))
}
