//! Analysis routes: statistics, predictions (always with the model's honest
//! backtest beside them), checks, simulations and backtests.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use lottopro_core::stats::{Stats, StatsOptions};
use lottopro_core::{
    BacktestOptions, BacktestReport, CheckResult, EverWon, ModelSelection, QrCheck,
    SimulationReport,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::client::Client;
use crate::app::ops::{PredictBody, PredictOutcome, SimulateBody, run_predict, run_simulate};
use crate::app::{
    ApiError, ApiJson, ApiQuery, AppState, Problem, blocking, bounded, heavy, require_draws,
    ticket_from,
};

/// The routes that compute for a while (predictions, simulations,
/// backtests): they spend the prediction allowance.
pub(super) fn compute_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(predict))
        .routes(routes!(simulate))
        .routes(routes!(backtest))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stats))
        .routes(routes!(check))
        .routes(routes!(check_history))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StatsQuery {
    /// Recent draws for hot/cold numbers (default 50).
    #[param(minimum = 1, maximum = 10000)]
    window: Option<u32>,
    /// How many hot/cold numbers and pairs to list (default 6).
    #[param(minimum = 1, maximum = 45)]
    top: Option<u32>,
    /// Only the latest `last` draws, for every figure (default: all).
    #[param(minimum = 1, maximum = 100000)]
    last: Option<u32>,
}

/// Frequency, hot and cold numbers, gaps, carry-overs, companion pairs and
/// patterns, each beside what chance alone would give.
#[utoipa::path(get, path = "/api/stats", tag = "analysis", params(StatsQuery),
    responses((status = 200, description = "the statistics of the history", body = Stats),
              (status = 409, description = "no draws loaded", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "window or top above its limit", body = Problem, content_type = "application/problem+json")))]
async fn stats(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Response, ApiError> {
    require_draws(&state)?;
    let defaults = StatsOptions::default();
    let opts = StatsOptions {
        window: bounded("window", q.window, defaults.window as u32, 1, 10_000)? as usize,
        top: bounded("top", q.top, defaults.top as u32, 1, 45)? as usize,
        last: match q.last {
            None => None,
            last => Some(bounded("last", last, 1, 1, 100_000)? as usize),
        },
    };
    let json = state.stats_json(opts).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        json,
    )
        .into_response())
}

/// Tickets from a model, always beside that model's walk-forward backtest
/// against chance. The prediction is kept in the client's history (see
/// `/api/predictions`) and scored once its target round is drawn.
#[utoipa::path(post, path = "/api/predict", tag = "analysis", request_body = PredictBody,
    responses((status = 200, description = "tickets with reasons, the backtest line, target_round and stored", body = PredictOutcome),
              (status = 400, description = "a bad number, include/exclude conflict or unknown model", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "count above 100", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "rate limit (RATE_LIMIT_PREDICT); see Retry-After", body = Problem, content_type = "application/problem+json")))]
async fn predict(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PredictBody>,
) -> Result<Response, ApiError> {
    let client = Client::or_issue(&headers, &state).await?;
    // The original API calls the numbers to include `user_numbers`.
    let outcome = run_predict(&state, &client, b)
        .await
        .map_err(|e| e.rename_field("include", "user_numbers"))?;
    let mut response = (StatusCode::OK, Json(outcome)).into_response();
    client.attach(&mut response);
    Ok(response)
}

/// `{"numbers": [..] | "ticket": "3 11 17 25 33 41", "round": 1245}`, or
/// `{"qr": "https://m.dhlottery.co.kr/qr.do?method=winQr&v=..."}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CheckBody {
    /// The ticket's numbers (or give `ticket`).
    numbers: Option<Vec<u8>>,
    /// The ticket as text, e.g. "3 11 17 25 33 41".
    ticket: Option<String>,
    /// The round to check against (with `numbers` or `ticket`).
    round: Option<u32>,
    /// The URL of a ticket's QR code: every game is checked against its round
    /// (the URL is never fetched).
    qr: Option<String>,
}

/// A ticket against one draw: matches, rank and what that draw paid; or
/// every game of a ticket's QR code against the draw of its round.
#[utoipa::path(post, path = "/api/check", tag = "analysis", request_body = CheckBody,
    responses((status = 200, description = "matches, rank and prize; for qr: round and games", body = CheckAnswer),
              (status = 400, description = "a bad ticket or QR URL", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "no such round", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "no draws loaded, or a QR code's round more than four after the next draw (not open yet)", body = Problem, content_type = "application/problem+json")))]
async fn check(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<CheckBody>,
) -> Result<Json<CheckAnswer>, ApiError> {
    require_draws(&state)?;
    if let Some(url) = b.qr {
        if b.numbers.is_some() || b.ticket.is_some() || b.round.is_some() {
            return Err(ApiError::from(lottopro_core::Error::invalid(
                "qr",
                "give either qr, or numbers/ticket with round",
            )));
        }
        let checked = blocking(&state, move |e| e.check_qr(&url)).await?;
        return Ok(Json(CheckAnswer::Qr(checked)));
    }
    let game = state.engine.game();
    let ticket = ticket_from(&game, b.numbers, b.ticket)?;
    let round = b
        .round
        .ok_or_else(|| ApiError::from(lottopro_core::Error::invalid("round", "is missing")))?;
    let checked: CheckResult = blocking(&state, move |e| e.check(&ticket, round)).await?;
    Ok(Json(CheckAnswer::Ticket(checked)))
}

/// `{"numbers": [..]}` or `{"ticket": "3 11 17 25 33 41"}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct HistoryCheckBody {
    /// The ticket's numbers (or give `ticket`).
    numbers: Option<Vec<u8>>,
    /// The ticket as text, e.g. "3 11 17 25 33 41".
    ticket: Option<String>,
}

/// Has this ticket ever won? It is checked against every draw the service
/// holds: the draws where it won, its best rank and what they paid.
#[utoipa::path(post, path = "/api/check/history", tag = "analysis", request_body = HistoryCheckBody,
    responses((status = 200, description = "every winning draw, the best rank and the total paid", body = EverWon),
              (status = 400, description = "a bad ticket", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "no draws loaded", body = Problem, content_type = "application/problem+json")))]
async fn check_history(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<HistoryCheckBody>,
) -> Result<Json<EverWon>, ApiError> {
    require_draws(&state)?;
    let ticket = ticket_from(&state.engine.game(), b.numbers, b.ticket)?;
    Ok(Json(blocking(&state, move |e| e.check_all(&ticket)).await?))
}

/// What `POST /api/check` answers: one ticket's result, or every game of a
/// QR code's ticket.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
enum CheckAnswer {
    /// A ticket checked against the draw of a round.
    Ticket(CheckResult),
    /// Every game of a ticket's QR code checked against its round.
    Qr(QrCheck),
}

/// Buying tickets for years, simulated: spending, winnings by rank, the
/// distribution of outcomes and the expected value, against exact odds.
#[utoipa::path(post, path = "/api/simulate", tag = "analysis", request_body = SimulateBody,
    responses((status = 200, description = "the simulation report", body = SimulationReport),
              (status = 400, description = "bad tickets, strategy, method or prize", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "trials above 100,000 or too much work", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "rate limit (RATE_LIMIT_PREDICT); see Retry-After", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "busy: heavy work could not start or finish in time; see Retry-After", body = Problem, content_type = "application/problem+json")))]
async fn simulate(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<SimulateBody>,
) -> Result<Json<SimulationReport>, ApiError> {
    Ok(Json(run_simulate(&state, b).await?))
}

/// Tickets per model per round a backtest request may ask for (the
/// library allows `MAX_TICKETS`); the work grows with it.
const MAX_BACKTEST_TICKETS: u32 = 10;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BacktestQuery {
    /// all (default) or a comma-separated list of models.
    #[param(
        pattern = r"^(all|(frequency|trend|pattern|statistical|ml|anti-popular|random)(,(frequency|trend|pattern|statistical|ml|anti-popular|random))*)$"
    )]
    model: Option<String>,
    /// Tickets per model per round (default 5, at most 10 over HTTP: each
    /// one is scored against every round for every model).
    #[param(minimum = 1, maximum = 10)]
    tickets: Option<u32>,
    /// Rounds before the first scored one (default 100); the history must
    /// hold more draws than this (409 otherwise).
    #[param(minimum = 0, maximum = 100000)]
    warmup: Option<u32>,
    /// Seed (default 42).
    #[param(minimum = 0, maximum = 18446744073709551615_u64)]
    seed: Option<u64>,
}

/// Walk-forward backtest of the models against the exact chance baseline,
/// with p-values (Holm-corrected across models).
#[utoipa::path(get, path = "/api/backtest", tag = "analysis", params(BacktestQuery),
    responses((status = 200, description = "per model: mean matches, chance, CI, p-values, verdict", body = BacktestReport),
              (status = 400, description = "unknown model", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "no draws loaded, or no more than `warmup`", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "tickets or warmup out of range", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "rate limit (RATE_LIMIT_PREDICT); see Retry-After", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "busy: heavy work could not start or finish in time; see Retry-After", body = Problem, content_type = "application/problem+json")))]
async fn backtest(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<BacktestQuery>,
) -> Result<Json<BacktestReport>, ApiError> {
    require_draws(&state)?;
    let models = match q.model.as_deref() {
        None => ModelSelection::all(),
        Some(text) => ModelSelection::parse(text)?,
    };
    let defaults = BacktestOptions::default();
    let opts = BacktestOptions {
        models: models.into(),
        tickets_per_round: bounded(
            "tickets",
            q.tickets,
            defaults.tickets_per_round as u32,
            1,
            MAX_BACKTEST_TICKETS,
        )? as usize,
        warmup: bounded("warmup", q.warmup, defaults.warmup as u32, 0, 100_000)? as usize,
        seed: q.seed.unwrap_or(defaults.seed),
        alpha: defaults.alpha,
    };
    Ok(Json(heavy(&state, move |e| e.backtest(&opts)).await?))
}
