//! The operations the API and the dashboard both run: a prediction with its
//! backtest line and history row, and a simulation from a request body.
//! Each surface parses its own syntax into these bodies and renders what
//! comes back.

use lottopro_core::rng::entropy_seed;
use lottopro_core::ticket::parse_tickets;
use lottopro_core::{
    Method, Model, Money, PredictRequest, PredictionReport, PrizeOptions, SimulationReport,
    SimulationRequest, Strategy,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::client::Client;
use super::{ApiError, AppState};
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

/// What `POST /api/predict` answers: the core's prediction report, and
/// what the service did with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct PredictOutcome {
    /// The tickets, the model's backtest line and the target round.
    #[serde(flatten)]
    pub report: PredictionReport,
    /// Whether it was added to the client's history (`/api/predictions`).
    pub stored: bool,
    /// The client token, when this request issued it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// Predicts (with the backtest line, see `Engine::predict_with_backtest`)
/// and records the prediction for
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
        let report = engine.predict_with_backtest(&request)?;
        if let Some(store) = &store {
            store.save_prediction(NewPrediction {
                owner,
                game: engine.game().id().to_owned(),
                model: report.prediction.model.as_str().to_owned(),
                seed: report.prediction.seed,
                target_round: report.target_round,
                tickets: report
                    .prediction
                    .tickets
                    .iter()
                    .map(|t| t.ticket.to_string())
                    .collect(),
            })?;
        }
        Ok(PredictOutcome {
            report,
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
    /// Trials (default 1,000); see `SimulationCaps` for the bounds.
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
    pub recent: Option<u32>,
    /// `{"1": 2000000000}` or `{"1": "2,000,000,000"}`: amounts of ranks
    /// without a pool model.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub prizes: std::collections::BTreeMap<u8, Money>,
}

/// The most work one HTTP request may ask of the simulator, per field, so
/// that a request within every field's bound is always within the core's
/// budget (`MAX_TICKETS_OUTCOME_COUNTS`, `MAX_TICKETS_PER_TICKET`) and the
/// OpenAPI document can state the whole rule field by field. Counting
/// outcomes (random quick picks) is cheap; scoring ticket by ticket is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimulationCaps {
    /// Trials.
    pub trials: u64,
    /// Draws a trial (5,200: a century of weekly draws).
    pub draws: u64,
    /// Tickets a draw.
    pub tickets_per_draw: u64,
}

impl SimulationCaps {
    /// Random quick picks counted by outcome: 5.2 × 10^11 tickets at most,
    /// whose cost grows with the trials only (tens of milliseconds).
    pub const OUTCOME_COUNTS: SimulationCaps = SimulationCaps {
        trials: 100_000,
        draws: 5_200,
        tickets_per_draw: 1_000,
    };
    /// Every other simulation, ticket by ticket: 5.2 × 10^7 tickets at
    /// most, about a second on one core; the defaults (1,000 trials of ten
    /// years of five tickets) are within them.
    pub const PER_TICKET: SimulationCaps = SimulationCaps {
        trials: 1_000,
        draws: 5_200,
        tickets_per_draw: 10,
    };

    /// The caps that apply to `request`.
    pub fn of(request: &SimulationRequest) -> SimulationCaps {
        if request.counts_outcomes() {
            SimulationCaps::OUTCOME_COUNTS
        } else {
            SimulationCaps::PER_TICKET
        }
    }

    /// `request`'s plan within these caps, or the field that is not.
    fn check(self, request: &SimulationRequest) -> Result<(), ApiError> {
        for (field, value, limit) in [
            ("trials", request.plan.trials, self.trials),
            ("draws", request.plan.draws, self.draws),
            (
                "tickets_per_draw",
                request.plan.tickets_per_draw,
                self.tickets_per_draw,
            ),
        ] {
            if value > limit {
                return Err(ApiError::from(lottopro_core::Error::Limit {
                    field: field.into(),
                    value,
                    limit,
                }));
            }
        }
        Ok(())
    }
}

/// The most recent draws a request may ask the prize model to sample from.
pub const MAX_RECENT: u32 = 10_000;

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
        .transpose()?;
    let strategy = Strategy::from_name(b.strategy.as_deref().unwrap_or("random"), tickets)?;
    let mut request = SimulationRequest::new(strategy);
    request.plan.tickets_per_draw = b.tickets_per_draw.unwrap_or(request.plan.tickets_per_draw);
    request.plan.draws = b.draws.unwrap_or(request.plan.draws);
    request.plan.trials = b.trials.unwrap_or(request.plan.trials);
    if let Some(method) = b.method.as_deref() {
        request.method = method.parse::<Method>()?;
    }
    request.seed = b.seed.unwrap_or(request.seed);
    // One thread: heavy requests run side by side behind the work gate, and
    // a core is left to the light routes (the result does not depend on it).
    request.threads = Some(1);
    SimulationCaps::of(&request).check(&request)?;
    let recent = super::bounded(
        "recent",
        b.recent,
        PrizeOptions::DEFAULT_RECENT as u32,
        0,
        MAX_RECENT,
    )?;
    let prizes = PrizeOptions {
        recent: recent as usize,
        overrides: b.prizes.into_iter().collect(),
    };
    super::heavy(state, move |e| e.simulate(&request, &prizes)).await
}
