//! What to simulate: the plan, the strategy that picks the tickets, the
//! method, and the request that holds them with LottoPro's defaults.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::predict::Model;
use crate::ticket::Ticket;

/// How much is played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Plan {
    /// Tickets in each draw.
    pub tickets_per_draw: u64,
    /// Draws played.
    pub draws: u64,
    /// Independent repetitions of the whole plan.
    pub trials: u64,
}

/// Which tickets are played.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    /// A fresh random quick pick for every ticket.
    Random,
    /// The same tickets every draw (`tickets_per_draw` must equal their number).
    Fixed(Vec<Ticket>),
    /// The tickets a model picks from the history (with the request's seed),
    /// played every draw: a player who keeps the model's numbers.
    Model(Model),
}

impl Strategy {
    /// The name used in reports.
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Random => "random",
            Strategy::Fixed(_) => "fixed",
            Strategy::Model(m) => m.as_str(),
        }
    }
}

impl Strategy {
    /// A strategy by name: `random`, `fixed` (playing `tickets`) or a model
    /// name. `tickets` are given for `fixed` only; given, they hold at least
    /// one ticket (a blank list is not "no tickets": its sender meant some).
    pub fn from_name(name: &str, tickets: Option<Vec<Ticket>>) -> Result<Strategy> {
        if tickets.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::invalid(
                "tickets",
                "holds no ticket; give tickets as \"1 2 3 4 5 6; 7 8 9 10 11 12\", or leave them out",
            ));
        }
        let tickets = tickets.unwrap_or_default();
        let strategy = match name.trim().to_ascii_lowercase().as_str() {
            "random" => Strategy::Random,
            "fixed" if tickets.is_empty() => return Err(Error::invalid("tickets", "the fixed strategy needs tickets to play")),
            "fixed" => return Ok(Strategy::Fixed(tickets)),
            other => Strategy::Model(other.parse().map_err(|_| {
                Error::invalid(
                    "strategy",
                    format!("'{other}' is not random, fixed or a model (frequency, trend, pattern, statistical, ml, anti-popular)"),
                )
            })?),
        };
        if !tickets.is_empty() {
            return Err(Error::invalid(
                "tickets",
                format!("tickets are played only by the fixed strategy, not {name}"),
            ));
        }
        Ok(strategy)
    }
}

/// How the plan is simulated; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Outcome counts for random quick picks, per ticket otherwise.
    Auto,
    /// Every ticket generated and scored.
    PerTicket,
    /// Rank counts sampled directly (random quick picks only).
    OutcomeCounts,
}

impl Method {
    /// The name as written on the command line: `auto`, `per-ticket`, `outcome-counts`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::PerTicket => "per-ticket",
            Method::OutcomeCounts => "outcome-counts",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Method {
    type Err = Error;
    /// `auto`, `per-ticket` or `outcome-counts` (`_` may stand for `-`).
    fn from_str(s: &str) -> Result<Method> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Ok(Method::Auto),
            "per-ticket" => Ok(Method::PerTicket),
            "outcome-counts" => Ok(Method::OutcomeCounts),
            other => Err(Error::invalid(
                "method",
                format!("'{other}' is not auto, per-ticket or outcome-counts"),
            )),
        }
    }
}

/// A simulation request.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationRequest {
    /// How much is played.
    pub plan: Plan,
    /// Which tickets.
    pub strategy: Strategy,
    /// How.
    pub method: Method,
    /// Worker threads (`None`: one per core). The result does not depend on it.
    pub threads: Option<usize>,
    /// Seed of everything random.
    pub seed: u64,
}

impl SimulationRequest {
    /// Tickets a draw when the strategy does not fix them: five, a common
    /// weekly play.
    pub const DEFAULT_TICKETS_PER_DRAW: u64 = 5;
    /// Draws a trial: 520, ten years of weekly draws.
    pub const DEFAULT_DRAWS: u64 = 520;
    /// Trials.
    pub const DEFAULT_TRIALS: u64 = 1_000;
    /// Seed.
    pub const DEFAULT_SEED: u64 = 42;

    /// Whether this request is simulated by outcome counts (random quick
    /// picks with the `auto` or `outcome-counts` method) rather than ticket
    /// by ticket; the two have different work limits.
    pub fn counts_outcomes(&self) -> bool {
        matches!(self.strategy, Strategy::Random)
            && matches!(self.method, Method::Auto | Method::OutcomeCounts)
    }

    /// A request for `strategy` with LottoPro's defaults: as many tickets a
    /// draw as a fixed strategy plays (else
    /// [`DEFAULT_TICKETS_PER_DRAW`](Self::DEFAULT_TICKETS_PER_DRAW)), ten
    /// years of draws, a thousand trials, the automatic method, seed 42, one
    /// thread per core. Change any field afterwards.
    pub fn new(strategy: Strategy) -> SimulationRequest {
        let tickets_per_draw = match &strategy {
            Strategy::Fixed(t) if !t.is_empty() => t.len() as u64,
            _ => Self::DEFAULT_TICKETS_PER_DRAW,
        };
        SimulationRequest {
            plan: Plan {
                tickets_per_draw,
                draws: Self::DEFAULT_DRAWS,
                trials: Self::DEFAULT_TRIALS,
            },
            strategy,
            method: Method::Auto,
            threads: None,
            seed: Self::DEFAULT_SEED,
        }
    }
}

impl Default for SimulationRequest {
    /// Random quick picks with the defaults of [`SimulationRequest::new`].
    fn default() -> Self {
        SimulationRequest::new(Strategy::Random)
    }
}
