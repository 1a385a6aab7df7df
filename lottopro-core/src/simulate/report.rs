//! What a simulation reports: wins per rank, percentiles of the outcome,
//! and the exact expected value beside the simulated one.

use serde::{Deserialize, Serialize};

use super::{Method, Plan, PrizeModel, SimulationRequest, Totals};
use crate::game::GameSpec;
use crate::money::Money;
use crate::odds::Odds;
use crate::ticket::TicketRecord;

/// Wins of one rank.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct RankWins {
    /// The rank.
    pub rank: u8,
    /// Winning tickets over all trials.
    pub wins: u64,
    /// Expected winning tickets: tickets × P(rank).
    pub expected: f64,
    /// Prizes paid to them before tax.
    pub gross: u128,
}

/// Percentiles of the net outcome of a trial (winnings after tax − spent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Percentiles {
    /// 1st percentile.
    pub p1: i128,
    /// 5th.
    pub p5: i128,
    /// Median.
    pub p50: i128,
    /// 95th.
    pub p95: i128,
    /// 99th.
    pub p99: i128,
}

/// What a plan did; amounts in minor units of the game's currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct SimulationReport {
    /// The game id.
    pub game: String,
    /// The strategy's name.
    pub strategy: String,
    /// The tickets played every draw (fixed and model strategies).
    pub tickets_played: Vec<TicketRecord>,
    /// The method used.
    pub method: Method,
    /// The plan.
    pub plan: Plan,
    /// The seed.
    pub seed: u64,
    /// Threads used (the result does not depend on it).
    pub threads: usize,
    /// Tickets over all trials.
    pub tickets: u64,
    /// Price of one ticket.
    pub ticket_price: Money,
    /// Spent in one trial.
    pub spent_per_trial: u128,
    /// Wins per rank over all trials.
    pub wins: Vec<RankWins>,
    /// Prizes before tax, all trials.
    pub gross: u128,
    /// Tax, all trials.
    pub tax: u128,
    /// Prizes after tax, all trials.
    pub net_winnings: u128,
    /// Mean over trials of (winnings after tax − spent).
    pub mean_net: f64,
    /// (winnings after tax − spent) / spent, over all trials.
    pub roi: f64,
    /// Percentiles over trials of (winnings after tax − spent).
    pub percentiles: Percentiles,
    /// Share of trials that ended with more than they spent.
    pub p_profit: f64,
    /// The chance that a trial wins the top prize at least once (exact:
    /// `1 − (1 − p₁)^tickets per trial`).
    pub jackpot_chance_per_trial: f64,
    /// The chance that the whole simulation (every trial) holds one: when
    /// it is far from 0 or 1, the simulated mean depends on luck.
    pub jackpot_chance_in_simulation: f64,
    /// Share of the winnings after tax that were top prizes: how much of
    /// `mean_net` a few rare trials make.
    pub jackpot_share: f64,
    /// `mean_net` without the top prizes: closer to what a typical player
    /// sees than the mean, which a single jackpot moves by many standard
    /// errors. The median is `percentiles.p50`.
    pub mean_net_without_jackpots: f64,
    /// Exact expected prize per ticket before tax.
    pub exact_ev_per_ticket: f64,
    /// Exact expected prize per ticket after tax.
    pub exact_ev_per_ticket_after_tax: f64,
    /// Simulated mean prize per ticket before tax.
    pub simulated_ev_per_ticket: f64,
    /// Simulated mean prize per ticket after tax.
    pub simulated_ev_per_ticket_after_tax: f64,
    /// Standard error of the simulated mean before tax.
    pub standard_error: f64,
    /// Standard error of the simulated mean after tax.
    pub standard_error_after_tax: f64,
    /// How prizes were valued.
    pub prize_basis: String,
    /// Pari-mutuel ranks valued at 0 for lack of information.
    pub unvalued_ranks: Vec<u8>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn report(
    game: &GameSpec,
    prizes: &PrizeModel,
    odds: &Odds,
    request: &SimulationRequest,
    method: Method,
    threads: usize,
    tickets_played: Vec<TicketRecord>,
    totals: &Totals,
    nets: Vec<u128>,
) -> SimulationReport {
    let plan = request.plan;
    let tickets = plan.tickets_per_draw * plan.draws * plan.trials;
    let price = game.ticket_price();
    let spent_per_trial = u128::from(plan.tickets_per_draw * plan.draws) * u128::from(price.get());
    let spent = spent_per_trial * u128::from(plan.trials);
    let wins = odds
        .tiers
        .iter()
        .enumerate()
        .map(|(i, t)| RankWins {
            rank: t.rank,
            wins: totals.counts[i],
            expected: t.probability * tickets as f64,
            gross: totals.gross_by_rank[i],
        })
        .collect();
    let mut outcomes: Vec<i128> = nets
        .iter()
        .map(|&n| n as i128 - spent_per_trial as i128)
        .collect();
    outcomes.sort_unstable();
    let pct = |q: f64| -> i128 {
        let idx = ((q * outcomes.len() as f64).ceil() as usize).clamp(1, outcomes.len().max(1)) - 1;
        outcomes.get(idx).copied().unwrap_or(0)
    };
    let trials = plan.trials as f64;
    let (ev, ev_net, m2, m2_net) = prizes.moments(odds);
    let n = tickets as f64;
    // `1 − (1 − p₁)^tickets`: the chance of at least one top prize.
    let at_least_one = |tickets: f64| {
        odds.tiers
            .first()
            .map_or(0.0, |t| -(tickets * (-t.probability).ln_1p()).exp_m1())
    };
    SimulationReport {
        game: game.id().to_owned(),
        strategy: request.strategy.name().to_owned(),
        tickets_played,
        method,
        plan,
        seed: request.seed,
        threads,
        tickets,
        ticket_price: price,
        spent_per_trial,
        wins,
        gross: totals.gross,
        tax: totals.gross - totals.net,
        net_winnings: totals.net,
        mean_net: outcomes.iter().map(|&o| o as f64).sum::<f64>() / trials,
        roi: (totals.net as f64 - spent as f64) / spent as f64,
        percentiles: Percentiles {
            p1: pct(0.01),
            p5: pct(0.05),
            p50: pct(0.50),
            p95: pct(0.95),
            p99: pct(0.99),
        },
        p_profit: outcomes.iter().filter(|&&o| o > 0).count() as f64 / trials,
        jackpot_chance_per_trial: at_least_one((plan.tickets_per_draw * plan.draws) as f64),
        jackpot_chance_in_simulation: at_least_one(n),
        jackpot_share: if totals.net > 0 {
            totals.net_by_rank[0] as f64 / totals.net as f64
        } else {
            0.0
        },
        mean_net_without_jackpots: (totals.net - totals.net_by_rank[0]) as f64 / trials
            - spent_per_trial as f64,
        exact_ev_per_ticket: ev,
        exact_ev_per_ticket_after_tax: ev_net,
        simulated_ev_per_ticket: totals.gross as f64 / n,
        simulated_ev_per_ticket_after_tax: totals.net as f64 / n,
        standard_error: ((m2 - ev * ev).max(0.0) / n).sqrt(),
        standard_error_after_tax: ((m2_net - ev_net * ev_net).max(0.0) / n).sqrt(),
        prize_basis: prizes.basis.clone(),
        unvalued_ranks: prizes.unvalued_ranks.clone(),
    }
}
