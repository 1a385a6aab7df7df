//! How a prediction's tickets did once their round was drawn.

use serde::{Deserialize, Serialize};

use super::Prediction;
use crate::draw::{Draw, DrawNumbers};
use crate::game::GameSpec;
use crate::money::Money;
use crate::ticket::Ticket;

/// How a prediction's tickets did in its target round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PredictionScore {
    /// The round.
    pub round: u32,
    /// What was drawn.
    pub draw: DrawNumbers,
    /// Per ticket, in order.
    pub tickets: Vec<TicketScore>,
    /// The most main numbers any ticket matched.
    pub best_matches: u8,
    /// The best prize rank any ticket reached.
    pub best_rank: Option<u8>,
}

/// One ticket's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TicketScore {
    /// Main numbers matched.
    pub matches: u8,
    /// Whether a bonus number matched.
    pub bonus: bool,
    /// The prize rank, if any.
    pub rank: Option<u8>,
    /// What the draw paid at that rank, when known.
    pub prize: Option<Money>,
}

impl PredictionScore {
    /// `tickets` checked against `draw`.
    pub fn of(game: &GameSpec, tickets: &[Ticket], draw: &Draw) -> PredictionScore {
        let checks: Vec<_> = tickets.iter().map(|t| draw.check(game, t)).collect();
        PredictionScore {
            round: draw.round(),
            draw: DrawNumbers {
                numbers: draw.numbers().to_vec(),
                bonus: draw.bonus().to_vec(),
            },
            best_matches: checks.iter().map(|c| c.matches).max().unwrap_or(0),
            best_rank: checks.iter().filter_map(|c| c.rank).min(),
            tickets: checks
                .into_iter()
                .map(|c| TicketScore {
                    matches: c.matches,
                    bonus: c.bonus,
                    rank: c.rank,
                    prize: c.prize,
                })
                .collect(),
        }
    }
}

impl Prediction {
    /// How these tickets did in `draw` (normally the round they were made
    /// for: the one after [`Prediction::based_on_round`]).
    pub fn score(&self, game: &GameSpec, draw: &Draw) -> PredictionScore {
        let tickets: Vec<Ticket> = self.tickets.iter().map(|t| t.ticket).collect();
        PredictionScore::of(game, &tickets, draw)
    }
}
