//! Analysis routes: statistics, predictions (always with the model's honest
//! backtest beside them), checks, simulations and backtests.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use lottopro_core::rng::entropy_seed;
use lottopro_core::stats::{Stats, StatsOptions};
use lottopro_core::ticket::parse_tickets;
use lottopro_core::{
    BacktestOptions, BacktestReport, CheckResult, Method, Model, Plan, PredictRequest, PrizeModel,
    PrizeOptions, SimulationReport, SimulationRequest, Strategy,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, ApiJson, ApiQuery, AppState, blocking, require_draws, ticket_from};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/stats", get(stats))
        .route("/api/predict", post(predict))
        .route("/api/check", post(check))
        .route("/api/simulate", post(simulate))
        .route("/api/backtest", get(backtest))
}

#[derive(Deserialize)]
struct StatsQuery {
    window: Option<usize>,
    top: Option<usize>,
}

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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PredictBody {
    #[serde(default)]
    user_numbers: Vec<u8>,
    #[serde(default)]
    exclude: Vec<u8>,
    model: Option<String>,
    count: Option<usize>,
    seed: Option<u64>,
}

async fn predict(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<PredictBody>,
) -> Result<Json<Value>, ApiError> {
    let model: Model = b.model.as_deref().unwrap_or("frequency").parse()?;
    let request = PredictRequest {
        model,
        count: b.count.unwrap_or(5),
        include: b.user_numbers,
        exclude: b.exclude,
        seed: b.seed.unwrap_or_else(entropy_seed),
    };
    let history_len = state.engine.history().len();
    let (prediction, backtest) = blocking(&state, move |e| {
        let p = e.predict(&request)?;
        // The honest line beside the tickets: this model's walk-forward
        // backtest against chance (cached per history epoch).
        let b = if history_len > 100 {
            Some(e.backtest(&BacktestOptions {
                models: vec![model],
                ..BacktestOptions::default()
            })?)
        } else {
            None
        };
        Ok((p, b))
    })
    .await?;
    let summary = backtest.as_ref().and_then(|r| r.models.first()).map(|m| {
        json!({
            "rounds": m.rounds,
            "mean_matches": m.mean_matches,
            "chance_mean_matches": m.chance_mean_matches,
            "ci95": m.ci95,
            "p_value": m.p_value,
            "significant": m.significant,
            "note": "walk-forward backtest over the history; no model can predict a fair draw",
        })
    });
    let mut v = serde_json::to_value(&prediction).map_err(ApiError::internal)?;
    v["backtest"] = summary.unwrap_or(Value::Null);
    Ok(Json(v))
}

/// `{"numbers": [..] | "ticket": "3 11 17 25 33 41", "round": 1245}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckBody {
    numbers: Option<Vec<u8>>,
    ticket: Option<String>,
    round: u32,
}

async fn check(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<CheckBody>,
) -> Result<Json<CheckResult>, ApiError> {
    require_draws(&state)?;
    let game = state.engine.game();
    let ticket = ticket_from(&game, b.numbers, b.ticket)?;
    let round = b.round;
    Ok(Json(
        blocking(&state, move |e| e.check(&ticket, round)).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulateBody {
    tickets_per_draw: Option<u64>,
    draws: Option<u64>,
    trials: Option<u64>,
    strategy: Option<String>,
    tickets: Option<String>,
    method: Option<String>,
    seed: Option<u64>,
    recent: Option<usize>,
    /// `{"1": 2000000000}`: amounts of ranks without a pool model.
    #[serde(default)]
    prizes: std::collections::BTreeMap<String, Value>,
}

/// Simulations a request may ask for over HTTP: at most this many trials.
pub const MAX_HTTP_TRIALS: u64 = 100_000;

async fn simulate(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<SimulateBody>,
) -> Result<Json<SimulationReport>, ApiError> {
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
    Ok(Json(
        blocking(&state, move |e| e.simulate(&request, &prizes)).await?,
    ))
}

#[derive(Deserialize)]
struct BacktestQuery {
    model: Option<String>,
    tickets: Option<usize>,
    warmup: Option<usize>,
    seed: Option<u64>,
}

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
