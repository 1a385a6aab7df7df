//! The popularity model and wheels: how many people share a ticket's
//! prizes, and small ticket sets with a verified guarantee. Neither changes
//! the chance of winning; both say so in every answer.

use axum::Json;
use axum::extract::State;
use lottopro_core::popularity::{PopularityEvaluation, SalesDistribution, TicketPopularity};
use lottopro_core::wheel::Wheel;
use lottopro_core::{Money, WheelRequest};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::{
    ApiError, ApiJson, ApiQuery, AppState, Problem, heavy, require_draws, ticket_from,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(popularity))
}

/// Building a wheel or evaluating the model costs as much CPU as a
/// prediction, so they share the prediction allowance.
pub(super) fn compute_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(wheel))
        .routes(routes!(evaluation))
        .routes(routes!(distribution))
}

/// `{"numbers": [..] | "ticket": "1 2 3 4 5 6", "sales": 120000000000}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PopularityBody {
    /// The ticket's numbers (or give `ticket`).
    numbers: Option<Vec<u8>>,
    /// The ticket as text.
    ticket: Option<String>,
    /// Expected sales of the draw in minor units (won); the mean of the last
    /// ten draws when omitted.
    sales: Option<u64>,
}

/// How many other players are expected to share each prize of a ticket, and
/// its expected value; the chance of winning is the same for every ticket.
#[utoipa::path(post, path = "/api/popularity", tag = "analysis", request_body = PopularityBody,
    responses((status = 200, description = "co-winners per rank, prize shares and expected value", body = TicketPopularity),
              (status = 400, description = "a bad ticket or sales figure, or a history without winner counts", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "no draws loaded", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "busy: heavy work could not start or finish in time; see Retry-After", body = Problem, content_type = "application/problem+json")))]
async fn popularity(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<PopularityBody>,
) -> Result<Json<TicketPopularity>, ApiError> {
    require_draws(&state)?;
    let ticket = ticket_from(&state.engine.game(), b.numbers, b.ticket)?;
    let sales = b.sales.map(|s| Money::new(s, "sales")).transpose()?;
    Ok(Json(
        heavy(&state, move |e| e.popularity(&ticket, sales)).await?,
    ))
}

/// The popularity model's out-of-sample evaluation: trained on draws up to
/// 1000, scored on the rest against uniform choice.
#[utoipa::path(get, path = "/api/popularity/evaluation", tag = "analysis",
    responses((status = 200, description = "deviance per rank against uniform choice, with one-sided p-values", body = PopularityEvaluation),
              (status = 400, description = "the history lacks winner counts", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "no draws loaded", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "rate limit (RATE_LIMIT_PREDICT); see Retry-After", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "busy: heavy work could not start or finish in time; see Retry-After", body = Problem, content_type = "application/problem+json")))]
async fn evaluation(State(state): State<AppState>) -> Result<Json<PopularityEvaluation>, ApiError> {
    require_draws(&state)?;
    Ok(Json(heavy(&state, |e| e.popularity_evaluation()).await?))
}

/// `?sales=102804882000`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DistributionQuery {
    /// Sales of the draw in minor units (won); the mean of the last ten
    /// draws when omitted.
    #[param(minimum = 1, maximum = 1_000_000_000_000_000u64)]
    sales: Option<u64>,
}

/// What a draw's sales look like under the popularity model: combinations
/// nobody bought, bought once, 50 times or more, and the largest crowd,
/// each with a 95 % interval.
#[utoipa::path(get, path = "/api/popularity/distribution", tag = "analysis",
    params(DistributionQuery),
    responses((status = 200, description = "expected counts with intervals", body = SalesDistribution),
              (status = 400, description = "a bad sales figure, or a history the second model cannot learn from", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "no draws loaded", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "rate limit (RATE_LIMIT_PREDICT); see Retry-After", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "busy: heavy work could not start or finish in time; see Retry-After", body = Problem, content_type = "application/problem+json")))]
async fn distribution(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DistributionQuery>,
) -> Result<Json<SalesDistribution>, ApiError> {
    require_draws(&state)?;
    let sales = q.sales.map(|s| Money::new(s, "sales")).transpose()?;
    Ok(Json(
        heavy(&state, move |e| e.sales_distribution(sales)).await?,
    ))
}

/// `{"numbers": [..], "guarantee": "3if4"}` or `{"full_pool": true, "guarantee": "3"}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct WheelBody {
    /// The numbers to wheel (at most 24).
    numbers: Option<Vec<u8>>,
    /// "3if4" (3 matches whenever 4 drawn numbers are yours); "3" alone for
    /// the full-pool designs.
    guarantee: String,
    /// The designs over the whole pool (guarantee 2 or 3).
    #[serde(default)]
    full_pool: bool,
    /// Seed of the search (default 1).
    seed: Option<u64>,
    /// Relabel the wheel onto the combinations other players avoid (the
    /// popularity model): the same guarantee and chances, a larger expected
    /// share when it wins; `popularity` says by how much, with its interval.
    #[serde(default)]
    weighted: bool,
    /// With `weighted`: expected sales of the draw in won (default: the
    /// mean of the last ten draws).
    sales: Option<u64>,
}

/// A small set of tickets with a guarantee, verified over every draw before
/// it is returned. Its expected value is that of as many random tickets;
/// `weighted` relabels it onto the combinations other players avoid.
#[utoipa::path(post, path = "/api/wheel", tag = "analysis", request_body = WheelBody,
    responses((status = 200, description = "tickets, guarantee, draws checked, cost and expected value", body = Wheel),
              (status = 400, description = "bad numbers or guarantee", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "weighted, but no draws loaded", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "more numbers than a wheel may hold", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "rate limit (RATE_LIMIT_PREDICT); see Retry-After", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "busy: heavy work could not start or finish in time; see Retry-After", body = Problem, content_type = "application/problem+json")))]
async fn wheel(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<WheelBody>,
) -> Result<Json<Wheel>, ApiError> {
    let request = WheelRequest {
        numbers: b.numbers,
        guarantee: b.guarantee,
        full_pool: b.full_pool,
        seed: b.seed,
    };
    if b.weighted {
        require_draws(&state)?;
    }
    let sales = b.sales.map(|s| Money::new(s, "sales")).transpose()?;
    let weighted = b.weighted;
    let w = heavy(&state, move |e| e.wheel_with(&request, weighted, sales)).await?;
    Ok(Json(w))
}
