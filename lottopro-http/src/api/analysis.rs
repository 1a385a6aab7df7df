//! Analysis routes: statistics, predictions (always with the model's honest
//! backtest beside them), checks, simulations and backtests.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use lottopro_core::backtest::ModelResult;
use lottopro_core::rng::entropy_seed;
use lottopro_core::stats::{Stats, StatsOptions};
use lottopro_core::ticket::parse_tickets;
use lottopro_core::{
    BacktestOptions, BacktestReport, CheckResult, Method, Model, Plan, PredictRequest, Prediction,
    PrizeModel, PrizeOptions, SimulationReport, SimulationRequest, Strategy,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::client::Client;
use super::docs::Problem;
use super::{ApiError, ApiJson, ApiQuery, AppState, blocking, require_draws, ticket_from};
use crate::store::NewPrediction;

/// `POST /api/predict`, on its own so that its rate limit applies to it alone.
pub(super) fn predict_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(predict))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stats))
        .routes(routes!(check))
        .routes(routes!(simulate))
        .routes(routes!(backtest))
}

#[derive(Deserialize, IntoParams)]
struct StatsQuery {
    /// Recent draws for hot/cold numbers (default 20).
    window: Option<usize>,
    /// How many hot/cold numbers and pairs to list (default 10, at most 45).
    top: Option<usize>,
}

/// Frequency, hot and cold numbers, gaps, carry-overs, companion pairs and
/// patterns, each beside what chance alone would give.
#[utoipa::path(get, path = "/api/stats", tag = "analysis", params(StatsQuery),
    responses((status = 200, description = "the statistics of the history", body = serde_json::Value),
              (status = 409, description = "no draws loaded", body = Problem, content_type = "application/problem+json")))]
async fn stats(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Json<Stats>, ApiError> {
    require_draws(&state)?;
    let defaults = StatsOptions::default();
    let opts = StatsOptions {
        window: q.window.unwrap_or(defaults.window),
        top: q.top.unwrap_or(defaults.top).min(45),
    };
    Ok(Json(blocking(&state, move |e| e.stats(&opts)).await?))
}

/// The original app's body: `user_numbers` are the numbers to include.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct PredictBody {
    /// Numbers every ticket must contain.
    #[serde(default)]
    pub user_numbers: Vec<u8>,
    /// Numbers no ticket may contain.
    #[serde(default)]
    pub exclude: Vec<u8>,
    /// frequency (default), trend, pattern, statistical, ml, anti-popular or random.
    pub model: Option<String>,
    /// Tickets, 1..=100 (default 5).
    pub count: Option<usize>,
    /// Seed for reproducible tickets (default: random).
    pub seed: Option<u64>,
}

/// Tickets from a model, always beside that model's walk-forward backtest
/// against chance. The prediction is kept in the client's history (see
/// `/api/predictions`) and scored once its target round is drawn.
#[utoipa::path(post, path = "/api/predict", tag = "analysis", request_body = PredictBody,
    responses((status = 200, description = "tickets with reasons, the backtest summary, target_round and stored", body = serde_json::Value),
              (status = 400, description = "a bad number, include/exclude conflict or unknown model", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "count above 100", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "rate limit (RATE_LIMIT_PREDICT); see Retry-After", body = Problem, content_type = "application/problem+json")))]
async fn predict(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PredictBody>,
) -> Result<Response, ApiError> {
    let client = Client::or_issue(&headers)?;
    // The original API calls the numbers to include `user_numbers`.
    let outcome = run_predict(&state, &client, b)
        .await
        .map_err(|e| e.rename_field("include", "user_numbers"))?;
    let mut response = (StatusCode::OK, Json(outcome)).into_response();
    client.attach(&mut response);
    Ok(response)
}

/// A model's walk-forward backtest in brief, shown beside its tickets.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BacktestSummary {
    /// Rounds scored.
    pub rounds: u64,
    /// Mean main numbers matched per ticket.
    pub mean_matches: f64,
    /// What chance gives.
    pub chance_mean_matches: f64,
    /// 95 % interval of the mean.
    pub ci95: (f64, f64),
    /// Two-sided p-value against chance.
    pub p_value: f64,
    /// Whether the difference is significant at 5 %.
    pub significant: bool,
    /// The reading.
    pub note: &'static str,
}

impl From<&ModelResult> for BacktestSummary {
    fn from(m: &ModelResult) -> Self {
        BacktestSummary {
            rounds: m.rounds,
            mean_matches: m.mean_matches,
            chance_mean_matches: m.chance_mean_matches,
            ci95: m.ci95,
            p_value: m.p_value,
            significant: m.significant,
            note: "walk-forward backtest over the history; no model can predict a fair draw",
        }
    }
}

/// What `POST /api/predict` answers.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PredictOutcome {
    #[serde(flatten)]
    pub prediction: Prediction,
    /// The model's backtest (`null` with 100 draws or fewer).
    pub backtest: Option<BacktestSummary>,
    /// The round the tickets are for.
    pub target_round: u32,
    /// Whether it was added to the client's history (`/api/predictions`).
    pub stored: bool,
    /// The client token, when this request issued it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// The draws a model needs before its backtest means anything.
const MIN_BACKTEST_DRAWS: usize = 100;

/// Predicts, adds the backtest summary and records the prediction for
/// `client`; shared by the API and the dashboard.
pub(crate) async fn run_predict(
    state: &AppState,
    client: &Client,
    b: PredictBody,
) -> Result<PredictOutcome, ApiError> {
    let model: Model = b.model.as_deref().unwrap_or("frequency").parse()?;
    let request = PredictRequest {
        model,
        count: b.count.unwrap_or(5),
        include: b.user_numbers,
        exclude: b.exclude,
        seed: b.seed.unwrap_or_else(entropy_seed),
    };
    let engine = state.engine.clone();
    let store = state.store.clone();
    let owner = client.owner(&state.options.secret);
    // One trip to the blocking pool for the tickets, the backtest line and
    // the history row: each hop is a thread hand-off under load.
    let work = move || -> lottopro_core::Result<PredictOutcome> {
        let prediction = engine.predict(&request)?;
        // The honest line beside the tickets: this model's walk-forward
        // backtest against chance (cached per history epoch).
        let backtest = if engine.history().len() > MIN_BACKTEST_DRAWS {
            let report = engine.backtest(&BacktestOptions {
                models: vec![model],
                ..BacktestOptions::default()
            })?;
            report.models.first().map(BacktestSummary::from)
        } else {
            None
        };
        let target_round = prediction.based_on_round.map_or(1, |r| r + 1);
        if let Some(store) = &store {
            store.save_prediction(NewPrediction {
                owner,
                game: engine.game().id().to_owned(),
                model: prediction.model.as_str().to_owned(),
                seed: prediction.seed,
                target_round,
                tickets: prediction
                    .tickets
                    .iter()
                    .map(|t| t.ticket.to_string())
                    .collect(),
            })?;
        }
        Ok(PredictOutcome {
            prediction,
            backtest,
            target_round,
            stored: store.is_some(),
            token: None,
        })
    };
    let mut outcome = tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)??;
    if outcome.stored && client.issued() {
        outcome.token = Some(client.token().to_owned());
    }
    Ok(outcome)
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
    responses((status = 200, description = "matches, rank and prize; for qr: round and games", body = serde_json::Value),
              (status = 400, description = "a bad ticket or QR URL", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "no such round", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "no draws loaded", body = Problem, content_type = "application/problem+json")))]
async fn check(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<CheckBody>,
) -> Result<Json<Value>, ApiError> {
    require_draws(&state)?;
    if let Some(url) = b.qr {
        if b.numbers.is_some() || b.ticket.is_some() || b.round.is_some() {
            return Err(ApiError::from(lottopro_core::Error::invalid(
                "qr",
                "give either qr, or numbers/ticket with round",
            )));
        }
        let checked = blocking(&state, move |e| e.check_qr(&url)).await?;
        return serde_json::to_value(checked)
            .map(Json)
            .map_err(ApiError::internal);
    }
    let game = state.engine.game();
    let ticket = ticket_from(&game, b.numbers, b.ticket)?;
    let round = b
        .round
        .ok_or_else(|| ApiError::from(lottopro_core::Error::invalid("round", "is missing")))?;
    let checked: CheckResult = blocking(&state, move |e| e.check(&ticket, round)).await?;
    serde_json::to_value(checked)
        .map(Json)
        .map_err(ApiError::internal)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct SimulateBody {
    /// Tickets bought per draw (default 5, or the number of `tickets`).
    pub tickets_per_draw: Option<u64>,
    /// Draws per trial (default 520: ten years).
    pub draws: Option<u64>,
    /// Trials, at most 100,000 (default 1,000).
    pub trials: Option<u64>,
    /// random (default) or fixed (play `tickets` every draw).
    pub strategy: Option<String>,
    /// Fixed tickets as text, separated by ';' or new lines.
    pub tickets: Option<String>,
    /// auto (default), per-ticket or outcome-counts.
    pub method: Option<String>,
    /// Seed (default 42).
    pub seed: Option<u64>,
    /// Recent draws the prize model samples from (default 52).
    pub recent: Option<usize>,
    /// `{"1": 2000000000}`: amounts of ranks without a pool model.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub prizes: std::collections::BTreeMap<String, Value>,
}

/// Simulations a request may ask for over HTTP: at most this many trials.
pub const MAX_HTTP_TRIALS: u64 = 100_000;

/// Buying tickets for years, simulated: spending, winnings by rank, the
/// distribution of outcomes and the expected value, against exact odds.
#[utoipa::path(post, path = "/api/simulate", tag = "analysis", request_body = SimulateBody,
    responses((status = 200, description = "the simulation report", body = serde_json::Value),
              (status = 400, description = "bad tickets, strategy, method or prize", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "trials above 100,000 or too much work", body = Problem, content_type = "application/problem+json")))]
async fn simulate(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<SimulateBody>,
) -> Result<Json<SimulationReport>, ApiError> {
    Ok(Json(run_simulate(&state, b).await?))
}

/// Runs a simulation as `b` asks; shared by the API and the dashboard.
pub(crate) async fn run_simulate(
    state: &AppState,
    b: SimulateBody,
) -> Result<SimulationReport, ApiError> {
    let game = state.engine.game();
    let tickets = b
        .tickets
        .as_deref()
        .map(|t| parse_tickets(&game, t))
        .transpose()?
        .unwrap_or_default();
    let count = tickets.len() as u64;
    let strategy = Strategy::from_name(b.strategy.as_deref().unwrap_or("random"), tickets)?;
    let method: Method = b.method.as_deref().unwrap_or("auto").parse()?;
    let overrides = b
        .prizes
        .iter()
        .map(|(rank, amount)| {
            let amount = match amount {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            PrizeModel::parse_override(&format!("{rank}={amount}"))
        })
        .collect::<lottopro_core::Result<Vec<_>>>()?;
    let trials = b.trials.unwrap_or(1000);
    if trials > MAX_HTTP_TRIALS {
        return Err(ApiError::from(lottopro_core::Error::Limit {
            field: "trials".into(),
            value: trials,
            limit: MAX_HTTP_TRIALS,
        }));
    }
    let request = SimulationRequest {
        plan: Plan {
            tickets_per_draw: b
                .tickets_per_draw
                .unwrap_or(if count > 0 { count } else { 5 }),
            draws: b.draws.unwrap_or(520),
            trials,
        },
        strategy,
        method,
        threads: None,
        seed: b.seed.unwrap_or(42),
    };
    let prizes = PrizeOptions {
        recent: b.recent.unwrap_or(52),
        overrides,
    };
    blocking(state, move |e| e.simulate(&request, &prizes)).await
}

#[derive(Deserialize, IntoParams)]
struct BacktestQuery {
    /// all (default) or a comma-separated list of models.
    model: Option<String>,
    /// Tickets per model per round (default 5).
    tickets: Option<usize>,
    /// Rounds before the first scored one (default 100).
    warmup: Option<usize>,
    /// Seed (default 42).
    seed: Option<u64>,
}

/// Walk-forward backtest of the models against the exact chance baseline,
/// with p-values (Holm-corrected across models).
#[utoipa::path(get, path = "/api/backtest", tag = "analysis", params(BacktestQuery),
    responses((status = 200, description = "per model: mean matches, chance, CI, p-values, verdict", body = serde_json::Value),
              (status = 400, description = "unknown model", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "no draws loaded", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "tickets or warmup out of range", body = Problem, content_type = "application/problem+json")))]
async fn backtest(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<BacktestQuery>,
) -> Result<Json<BacktestReport>, ApiError> {
    require_draws(&state)?;
    let models = match q.model.as_deref() {
        None | Some("all") => Model::ALL.to_vec(),
        Some(list) => list
            .split(',')
            .map(str::parse)
            .collect::<lottopro_core::Result<Vec<Model>>>()?,
    };
    let defaults = BacktestOptions::default();
    let opts = BacktestOptions {
        models,
        tickets_per_round: q.tickets.unwrap_or(defaults.tickets_per_round),
        warmup: q.warmup.unwrap_or(defaults.warmup),
        seed: q.seed.unwrap_or(defaults.seed),
        alpha: defaults.alpha,
    };
    Ok(Json(blocking(&state, move |e| e.backtest(&opts)).await?))
}
