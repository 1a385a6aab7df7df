//! Monte Carlo of a playing plan, next to its exact expected value.
//!
//! A [`Plan`] plays `tickets_per_draw` tickets in each of `draws` draws, and
//! is repeated `trials` times to show the spread of outcomes. Draws are fair.
//! Each winning ticket is paid by the [`PrizeModel`] and taxed on its own.
//!
//! Two methods give the same distribution:
//!
//! * **per ticket** ([`Method::PerTicket`]): every draw and every quick pick
//!   is generated as a bit mask and scored by popcount (see `kernel`);
//! * **outcome counts** ([`Method::OutcomeCounts`]): quick picks are
//!   independent of the draw and of each other, and a uniformly random
//!   ticket has exactly the tier probabilities of [`Odds`] against *any*
//!   draw, so the number of tickets at each rank in a trial is multinomial.
//!   It is sampled directly as a chain of binomials, in time independent of
//!   the number of tickets. Wins of ranks whose amount depends on the draw
//!   are then placed in uniformly chosen draws of the trial, so two wins in
//!   one draw share that draw's prize pool exactly as per ticket.
//!
//! **Determinism.** Work is cut into fixed batches (a trial for outcome
//! counts; a trial's draws in chunks of about 65,536 tickets per ticket),
//! each with its own random stream derived from the seed and the batch index
//! ([`crate::rng::stream`]), and batch results are combined with integer
//! sums. The report is therefore identical for any number of threads.
//!
//! The exact expected value per ticket is `Σ P(rank)·E[prize | rank]` with the
//! exact probabilities; the simulated mean must agree with it within its
//! standard error, which is computed from the exact per-ticket variance (exact
//! for quick picks and for one fixed ticket; tickets of a fixed set that
//! share numbers are correlated, which this does not include).

mod kernel;
mod prizes;
mod report;
mod request;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rand_distr::{Binomial, Distribution};

use crate::error::{Error, Result};
use crate::game::{BonusRule, GameSpec};
use crate::history::HistoryView;
use crate::odds::Odds;
use crate::predict::{PredictRequest, predict};
use crate::rng;
use crate::ticket::{Ticket, TicketRecord};

use kernel::{Bits, Scorer, Shape, Uniforms};
pub use prizes::{Payment, PrizeModel};
use report::report;
pub use report::{Percentiles, RankWins, SimulationReport};
pub use request::{Method, Plan, SimulationRequest, Strategy};

/// Most tickets per draw.
pub const MAX_TICKETS_PER_DRAW: u64 = 10_000;
/// Most trials (the outcome of every trial is kept for percentiles).
pub const MAX_TRIALS: u64 = 1_000_000;
/// Most tickets in a whole plan simulated ticket by ticket (about a minute
/// on two cores).
pub const MAX_TICKETS_PER_TICKET: u64 = 5_000_000_000;
/// Most tickets in a whole plan sampled by outcome counts.
pub const MAX_TICKETS_OUTCOME_COUNTS: u64 = 1_000_000_000_000;
/// Most threads.
pub const MAX_THREADS: usize = 256;
/// Most prize tiers a simulated game may have.
const MAX_TIERS: usize = 16;
/// Tickets per batch of the per-ticket method.
const BATCH_TICKETS: u64 = 1 << 16;

/// Totals of one batch (or of many, summed).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Totals {
    counts: [u64; MAX_TIERS],
    gross_by_rank: [u128; MAX_TIERS],
    net_by_rank: [u128; MAX_TIERS],
    gross: u128,
    net: u128,
}

impl Totals {
    fn add(&mut self, o: &Totals) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        for (a, b) in self.gross_by_rank.iter_mut().zip(&o.gross_by_rank) {
            *a += b;
        }
        for (a, b) in self.net_by_rank.iter_mut().zip(&o.net_by_rank) {
            *a += b;
        }
        self.gross += o.gross;
        self.net += o.net;
    }

    #[inline(always)]
    fn win(&mut self, rank: u8, p: Payment) {
        self.wins(rank, 1, p);
    }

    #[inline(always)]
    fn wins(&mut self, rank: u8, n: u64, p: Payment) {
        let i = usize::from(rank) - 1;
        let gross = u128::from(p.gross.get()) * u128::from(n);
        self.counts[i] += n;
        let net = u128::from(p.net.get()) * u128::from(n);
        self.gross_by_rank[i] += gross;
        self.net_by_rank[i] += net;
        self.gross += gross;
        self.net += net;
    }
}

/// Simulates `request` for `game`, valuing prizes with `prizes`. `history`
/// is needed only by the model strategy (to pick its tickets).
pub fn simulate(
    game: &GameSpec,
    prizes: &PrizeModel,
    request: &SimulationRequest,
    history: Option<HistoryView<'_>>,
) -> Result<SimulationReport> {
    simulate_picking(game, prizes, request, |req| {
        let view = history.ok_or_else(|| {
            Error::invalid(
                "history",
                "the model strategy needs a history to pick tickets from",
            )
        })?;
        predict(view, req)
    })
}

/// [`simulate`], with the model strategy's tickets from `pick` (the
/// engine's already fitted model, so that a simulation does not fit it
/// again).
pub(crate) fn simulate_picking(
    game: &GameSpec,
    prizes: &PrizeModel,
    request: &SimulationRequest,
    pick: impl FnOnce(&PredictRequest) -> Result<crate::predict::Prediction>,
) -> Result<SimulationReport> {
    let plan = request.plan;
    let tickets_played = match &request.strategy {
        Strategy::Random => Vec::new(),
        Strategy::Fixed(t) => t.clone(),
        Strategy::Model(model) => {
            let count = usize::try_from(plan.tickets_per_draw).unwrap_or(usize::MAX);
            let req = PredictRequest {
                model: *model,
                count,
                include: vec![],
                exclude: vec![],
                seed: request.seed,
            };
            pick(&req)?.tickets.into_iter().map(|t| t.ticket).collect()
        }
    };
    let method = validate(game, request, &tickets_played)?;
    let threads = match request.threads {
        Some(t) => t,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let odds = Odds::of(game);
    let totals_and_nets = match method {
        Method::OutcomeCounts => run_counts(game, prizes, &odds, plan, request.seed, threads)?,
        _ => run_per_ticket(game, prizes, plan, &tickets_played, request.seed, threads),
    };
    // A stopped run has skipped batches: report that, not a partial result.
    crate::cancel::check()?;
    let (totals, nets) = totals_and_nets;
    let played = tickets_played.iter().map(TicketRecord::from).collect();
    Ok(report(
        game, prizes, &odds, request, method, threads, played, &totals, nets,
    ))
}

fn validate(game: &GameSpec, request: &SimulationRequest, tickets: &[Ticket]) -> Result<Method> {
    let plan = request.plan;
    let limit = |field: &str, value: u64, limit: u64| -> Result<()> {
        if value > limit {
            return Err(Error::Limit {
                field: field.into(),
                value,
                limit,
            });
        }
        Ok(())
    };
    for (field, v) in [
        ("tickets_per_draw", plan.tickets_per_draw),
        ("draws", plan.draws),
        ("trials", plan.trials),
    ] {
        if v == 0 {
            return Err(Error::invalid(field, "must be at least 1"));
        }
    }
    limit(
        "tickets_per_draw",
        plan.tickets_per_draw,
        MAX_TICKETS_PER_DRAW,
    )?;
    limit("trials", plan.trials, MAX_TRIALS)?;
    if let Some(t) = request.threads {
        if t == 0 {
            return Err(Error::invalid("threads", "must be at least 1"));
        }
        limit("threads", t as u64, MAX_THREADS as u64)?;
    }
    if game.tiers().len() > MAX_TIERS {
        return Err(Error::invalid(
            "game",
            format!("simulation supports up to {MAX_TIERS} prize tiers"),
        ));
    }
    if !matches!(request.strategy, Strategy::Random)
        && tickets.len() as u64 != plan.tickets_per_draw
    {
        return Err(Error::invalid(
            "tickets_per_draw",
            format!(
                "{} tickets are played every draw, but the plan says {}",
                tickets.len(),
                plan.tickets_per_draw
            ),
        ));
    }
    let total = plan
        .tickets_per_draw
        .saturating_mul(plan.draws)
        .saturating_mul(plan.trials);
    let method = match (request.method, &request.strategy) {
        _ if request.counts_outcomes() => Method::OutcomeCounts,
        (Method::OutcomeCounts, s) => {
            return Err(Error::invalid(
                "method",
                format!(
                    "outcome counts apply only to random quick picks, not the {} strategy",
                    s.name()
                ),
            ));
        }
        _ => Method::PerTicket,
    };
    match method {
        Method::OutcomeCounts => limit("tickets", total, MAX_TICKETS_OUTCOME_COUNTS)?,
        _ => limit("tickets", total, MAX_TICKETS_PER_TICKET)?,
    }
    Ok(method)
}

/// Runs `n` batches on `threads` workers; `work(i)` returns batch `i`'s
/// totals and its (trial, net winnings) contribution.
fn run_batches<F>(n: u64, threads: usize, trials: u64, work: F) -> (Totals, Vec<u128>)
where
    F: Fn(u64) -> (Totals, u64) + Sync,
{
    // Workers stop taking batches once the caller's handle says stop; the
    // caller then reports the cancellation (see `crate::cancel`).
    let cancel = crate::cancel::current();
    let stop = || {
        cancel
            .as_ref()
            .is_some_and(crate::cancel::Cancel::is_cancelled)
    };
    let next = AtomicUsize::new(0);
    let per_trial = Mutex::new(vec![0u128; usize::try_from(trials).unwrap_or(0)]);
    let merged = Mutex::new(Totals::default());
    let threads = threads.clamp(1, usize::try_from(n).unwrap_or(usize::MAX).max(1));
    if threads == 1 {
        // One worker: run on the calling thread rather than spawning one.
        let mut totals = Totals::default();
        let mut nets = vec![0u128; usize::try_from(trials).unwrap_or(0)];
        for i in 0..n {
            if stop() {
                break;
            }
            let (t, trial) = work(i);
            totals.add(&t);
            if let Some(slot) = nets.get_mut(usize::try_from(trial).unwrap_or(usize::MAX)) {
                *slot += t.net;
            }
        }
        return (totals, nets);
    }
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut local = Totals::default();
                let mut nets: Vec<(u64, u128)> = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as u64;
                    if i >= n || stop() {
                        break;
                    }
                    let (t, trial) = work(i);
                    nets.push((trial, t.net));
                    local.add(&t);
                }
                // Integer sums: the merge order cannot change the result.
                if let Ok(mut m) = merged.lock() {
                    m.add(&local);
                }
                if let Ok(mut p) = per_trial.lock() {
                    for (trial, net) in nets {
                        if let Some(slot) = p.get_mut(usize::try_from(trial).unwrap_or(usize::MAX))
                        {
                            *slot += net;
                        }
                    }
                }
            });
        }
    });
    (
        merged.into_inner().unwrap_or_default(),
        per_trial.into_inner().unwrap_or_default(),
    )
}

fn shape(game: &GameSpec) -> Shape {
    let (same_pool_bonus, second) = match game.bonus() {
        BonusRule::None => (0, None),
        BonusRule::SamePool { count } => (u32::from(count), None),
        BonusRule::SecondPool { pool, picks } => (0, Some((u32::from(pool), u32::from(picks)))),
    };
    Shape {
        pool: u32::from(game.pool()),
        picks: u32::from(game.picks()),
        same_pool_bonus,
        second,
    }
}

fn run_per_ticket(
    game: &GameSpec,
    prizes: &PrizeModel,
    plan: Plan,
    tickets: &[Ticket],
    seed: u64,
    threads: usize,
) -> (Totals, Vec<u128>) {
    let fits_u64 = game.pool() < 64
        && !matches!(game.bonus(), BonusRule::SecondPool { pool, .. } if pool >= 64);
    if fits_u64 {
        per_ticket::<u64>(game, prizes, plan, tickets, seed, threads)
    } else {
        per_ticket::<u128>(game, prizes, plan, tickets, seed, threads)
    }
}

fn per_ticket<B: Bits>(
    game: &GameSpec,
    prizes: &PrizeModel,
    plan: Plan,
    tickets: &[Ticket],
    seed: u64,
    threads: usize,
) -> (Totals, Vec<u128>) {
    let shape = shape(game);
    let (ranks, width) = game.rank_table();
    let scorer = Scorer {
        ranks,
        width,
        same_pool: shape.second.is_none(),
    };
    let fixed: Vec<(B, B)> = tickets
        .iter()
        .map(|t| {
            (
                B::from_u128(t.main().bits()),
                B::from_u128(t.extra().bits()),
            )
        })
        .collect();
    let draws_per_batch = (BATCH_TICKETS / plan.tickets_per_draw).max(1);
    let chunks = plan.draws.div_ceil(draws_per_batch);
    let references = u32::try_from(prizes.references()).unwrap_or(u32::MAX);
    let work = |batch: u64| -> (Totals, u64) {
        let (trial, chunk) = (batch / chunks, batch % chunks);
        let draws = draws_per_batch.min(plan.draws - chunk * draws_per_batch);
        let mut rng = rng::stream(seed, batch);
        let mut u = Uniforms::new(&mut rng);
        let mut totals = Totals::default();
        for _ in 0..draws {
            let draw: (B, B) = shape.draw(&mut u);
            // Which real draw this one is like, for draw-dependent prizes.
            let reference = if references > 1 {
                u.up_to(references) as usize - 1
            } else {
                0
            };
            if fixed.is_empty() {
                for _ in 0..plan.tickets_per_draw {
                    let rank = scorer.rank(shape.ticket::<B>(&mut u), draw);
                    if rank != 0 {
                        totals.win(rank, prizes.payment(rank, reference));
                    }
                }
            } else {
                for &t in &fixed {
                    let rank = scorer.rank(t, draw);
                    if rank != 0 {
                        totals.win(rank, prizes.payment(rank, reference));
                    }
                }
            }
        }
        (totals, trial)
    };
    run_batches(plan.trials * chunks, threads, plan.trials, work)
}

fn run_counts(
    game: &GameSpec,
    prizes: &PrizeModel,
    odds: &Odds,
    plan: Plan,
    seed: u64,
    threads: usize,
) -> Result<(Totals, Vec<u128>)> {
    let probabilities: Vec<f64> = odds.tiers.iter().map(|t| t.probability).collect();
    let dependent: Vec<bool> = game
        .tiers()
        .iter()
        .map(|t| prizes.depends_on_draw(t.rank))
        .collect();
    let references = prizes.references() as u64;
    let tickets = plan.tickets_per_draw * plan.draws;
    // Binomial::new only fails for p outside [0, 1], which the clamp rules out.
    let binomial = |n: u64, p: f64| {
        Binomial::new(n, p.clamp(0.0, 1.0)).map_err(|e| Error::invalid("simulation", e.to_string()))
    };
    binomial(1, 0.5)?;
    let work = |trial: u64| -> (Totals, u64) {
        let mut rng = rng::stream(seed, trial);
        let mut totals = Totals::default();
        let mut remaining = tickets;
        let mut mass = 1.0f64;
        // draw index → reference draw, for wins whose prize depends on the draw.
        let mut reference_of: HashMap<u64, usize> = HashMap::new();
        for (i, &p) in probabilities.iter().enumerate() {
            if remaining == 0 {
                break;
            }
            let q = if mass > 0.0 { p / mass } else { 1.0 };
            let wins = binomial(remaining, q).map_or(0, |b| b.sample(&mut rng));
            remaining -= wins;
            mass -= p;
            let rank = (i + 1) as u8;
            if wins == 0 {
                continue;
            }
            if dependent[i] && references > 1 {
                for _ in 0..wins {
                    let draw = rng::below(&mut rng, plan.draws);
                    let r = *reference_of
                        .entry(draw)
                        .or_insert_with(|| rng::below(&mut rng, references) as usize);
                    totals.win(rank, prizes.payment(rank, r));
                }
            } else {
                totals.wins(rank, wins, prizes.payment(rank, 0));
            }
        }
        (totals, trial)
    };
    Ok(run_batches(plan.trials, threads, plan.trials, work))
}
