//! The operations the API and the dashboard both run: a prediction with its
//! backtest line and history row, and a simulation from a request body.
//! Each surface parses its own syntax into these bodies and renders what
//! comes back.

use lottopro_core::backtest::ModelResult;
use lottopro_core::rng::entropy_seed;
use lottopro_core::ticket::parse_tickets;
use lottopro_core::{
    BacktestOptions, Method, Model, Plan, PredictRequest, Prediction, PrizeModel, PrizeOptions,
    SimulationReport, SimulationRequest, Strategy,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::client::Client;
use super::{ApiError, AppState, blocking};
use crate::store::NewPrediction;

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
