//! The popularity model: how many other players share a combination.
//!
//! A fair draw cannot be predicted, but players do not choose uniformly, so
//! how many people you would share a prize with can be estimated. This
//! changes what a prize is worth, **never the probability of winning it**:
//! every combination is drawn with the same chance.
//!
//! **The model.** The share of all tickets sold that carry combination `t` is
//!
//! ```text
//! π(t) = (1 − ε) · Π_{n∈t} w_n / e_k(w)  +  ε · [t ∈ S] / |S|
//! ```
//!
//! * `w_n = exp(γ_n)` is the popularity of number `n` (players' birthdays,
//!   lucky numbers); `e_k` is the elementary symmetric polynomial, so the
//!   first part sums to one over all tickets;
//! * `S` are the salient patterns: every `k`-term arithmetic progression in
//!   the pool. On a 7-column play slip they are the runs (1 2 3 4 5 6), the
//!   columns (7 14 21 28 35 42), the diagonals (steps 6 and 8) and the
//!   multiples (5 10 15 20 25 30); `ε` is the share of tickets on them.
//!
//! The expected number of winning tickets at rank `r` in a draw is
//! `N · s_r · Σ π(t)` over the tickets that win rank `r`, with `N` the tickets
//! sold and `s_r` a per-rank calibration (1 under uniform choice). The sum
//! over winners has a closed form through symmetric polynomials of the
//! drawn, bonus and other numbers, so a draw costs `O(pool · k)` and every
//! rank of every draw — millions of winners at rank 5, a handful at rank 1 —
//! informs the same `π`.
//!
//! **Why this form.** Winning combinations of a fair draw are almost never
//! patterned, so a regression of rank-1 winners on features of the winning
//! combination cannot see how popular 1 2 3 4 5 6 is: no such draw exists.
//! The lower ranks can. A draw sharing three or four numbers with a pattern
//! pays rank 5 or 4 to everyone who played that pattern, and those ranks
//! have hundreds of thousands of winners per draw; one `π` for all ranks
//! lets them identify `ε`.
//!
//! **Fitting.** Maximum quasi-likelihood (Poisson with a dispersion `φ_r`
//! per rank, estimated from Pearson residuals, because the counts vary far
//! more than Poisson between draws) by Fisher scoring with step halving and a
//! ridge penalty on `γ`. Tickets sold are sales divided by the ticket price
//! at the time (Korea: 2,000 won until draw 87).
//!
//! **The second model** ([`Popularity::fit_second`], what the engine uses
//! wherever its data exist): the formula above describes the *chosen*
//! tickets only, a quick-pick share `q` of the games is uniform, named
//! combinations (the slip's lines, the history's most-drawn numbers) carry
//! calibrated shares, and each combination's chosen share varies around its
//! expectation by a fitted spread; see [`crowd`] for each part and
//! [`SalesDistribution`] for the sales figures it gives. Out of sample it
//! beats this first model on every rank and, clearly, on the chosen
//! 1st-prize winners; the figures are in the README.
//!
//! **Validation** ([`Popularity::evaluate`]): trained on draws ≤ 1000 and
//! scored on the rest by deviance against the uniform-choice model
//! (winners ~ Poisson(tickets sold × odds)), with a one-sided paired t-test
//! over the held-out draws. The figures are in the README.
//!
//! **Using it** ([`Popularity::ticket`]): given that you win rank `r` with
//! ticket `t`, the other winners are `N · s_r · Σ_j Q_t(j) · K_r(j)`, where
//! `Q_t(j)` is the share of tickets sharing `j` numbers with `t` and
//! `K_r(j)` the chance that such a ticket also wins rank `r` when `t` does
//! (an exact count over draws). With co-winners taken as Poisson, your share
//! of a pari-mutuel pool is `pool · (1 − e^{−λ}) / λ`.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::draw::Draw;
use crate::error::{Error, Result};
use crate::game::{BonusMatch, BonusRule, GameSpec};
use crate::history::HistoryView;
use crate::money::Money;
use crate::odds::{Odds, binomial};
use crate::ticket::NumberSet;

use math::Weights;

/// Draws with sales and winner counts needed before a model is fitted.
pub const MIN_TRAINING_DRAWS: usize = 100;

/// The round the popularity model is validated at: trained on draws up to
/// it, scored on the draws after it.
pub const VALIDATION_SPLIT: u32 = 1000;

/// Recent draws whose mean sales stand for the next draw's.
const SALES_WINDOW: usize = 10;

/// Ridge penalty on the number effects `γ` (in quasi-log-likelihood units).
const RIDGE: f64 = 1.0;

/// The largest `picks` the symmetric-polynomial arrays hold.
const MAX_PICKS: usize = 15;

/// The note every output carries.
pub const NOTE: &str = "Popularity changes how many people you would share a prize with, \
                        never the probability of winning it: every combination is drawn with the same chance.";

/// One prize tier as the model sees it.
#[derive(Debug, Clone, Copy)]
struct TierRule {
    rank: u8,
    main: u8,
    bonus: BonusMatch,
    /// Probability that a ticket wins this tier.
    probability: f64,
}

/// What a fitted model learnt from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Training {
    /// Draws used.
    pub draws: usize,
    /// The first and last round used.
    pub first_round: u32,
    /// The last round used.
    pub last_round: u32,
}

/// A fitted popularity model; see the module docs.
#[derive(Debug, Clone)]
pub struct Popularity {
    pool: u8,
    picks: u8,
    bonus: bool,
    tiers: Vec<TierRule>,
    /// The number weights `γ_n` and what follows from them.
    weights: Weights,
    /// `s_r` per tier.
    scale: Vec<f64>,
    /// `ε`.
    share: f64,
    patterns: Vec<NumberSet>,
    dispersion: Vec<f64>,
    training: Option<Training>,
    /// `K_r(j)` per tier, `j = 0..=k`.
    k_table: Vec<Vec<f64>>,
    /// The quick-pick share by round (the second model, see [`crowd`]);
    /// `None` in the first model, where every ticket counts as chosen.
    quick: Option<QuickPicks>,
    /// Named classes of combinations with a calibrated share each.
    named: Vec<Named>,
    /// The round the named shares were calibrated on.
    calibrated_at: Option<u32>,
    /// `Σ` over named classes of share × members: the chosen tickets they hold.
    named_mass: f64,
    /// The history's most-drawn combinations now, by both counts (the named
    /// class's members; see [`crowd::most_drawn_lists`]).
    most_drawn: Vec<NumberSet>,
    /// The round a valuation is for (the one after the latest).
    next_round: u32,
    /// How unevenly chosen tickets crowd single combinations.
    spread: Option<crowd::Spread>,
    /// 1st-prize winners by round: all of them, and the chosen ones
    /// (second model).
    chosen_first: std::collections::HashMap<u32, (u64, f64)>,
    /// The price of a game now, for turning sales into games.
    price: f64,
    /// Every combination's share, binned: built on first use (see
    /// [`second`]).
    table: std::sync::OnceLock<sales::ShareTable>,
    /// The parameter sets of the intervals: drawn on first use.
    bootstrap: std::sync::OnceLock<sales::Bootstrap>,
    /// The expected information at the fit (for the covariance of `γ`).
    information: Option<ndarray::Array2<f64>>,
    /// The ridge penalty on `γ`.
    ridge: f64,
}

/// A named class of combinations: each member carries `share` of the chosen
/// tickets (see [`crowd`]).
#[derive(Debug, Clone)]
struct Named {
    kind: NamedKind,
    share: f64,
}

#[derive(Debug, Clone)]
enum NamedKind {
    /// Fixed combinations: the slip's straight lines.
    Lines(Vec<NumberSet>),
    /// The most-drawn combination of the history before the draw.
    MostDrawn,
}

/// One draw as a training or test observation.
struct Obs {
    main: NumberSet,
    bonus: Option<u8>,
    tickets: f64,
    /// Winning tickets per tier.
    winners: Vec<f64>,
    /// Patterns winning each tier in this draw.
    pattern_wins: Vec<f64>,
    /// The quick-pick share of the draw's games (0 in the first model).
    quick: f64,
    /// The quick-pick block the share comes from (second model).
    block: Option<usize>,
    /// Per tier: the chosen share held by named combinations that win it.
    named_wins: Vec<f64>,
    /// Chosen (manual and semi-automatic) 1st-prize winners, where known.
    chosen_first: Option<f64>,
}

impl Popularity {
    /// The uniform-choice model for `game`: every ticket equally popular.
    /// Fails for games the model does not cover (a second pool, or more than
    /// one bonus number drawn from the main pool).
    pub fn uniform(game: &GameSpec) -> Result<Popularity> {
        let bonus = match game.bonus() {
            BonusRule::None => false,
            BonusRule::SamePool { count: 1 } => true,
            other => {
                return Err(Error::invalid(
                    "game",
                    format!(
                        "the popularity model covers games with at most one bonus number from the main pool; {} has {other:?}",
                        game.id()
                    ),
                ));
            }
        };
        let (pool, picks) = (game.pool(), game.picks());
        if usize::from(picks) >= MAX_PICKS || picks >= pool {
            return Err(Error::invalid(
                "game",
                format!(
                    "{} picks of {} are beyond the popularity model",
                    picks, pool
                ),
            ));
        }
        let odds = Odds::of(game);
        let tiers: Vec<TierRule> = game
            .tiers()
            .iter()
            .zip(&odds.tiers)
            .map(|(t, o)| TierRule {
                rank: t.rank,
                main: t.main,
                bonus: t.bonus,
                probability: o.probability,
            })
            .collect();
        let mut m = Popularity {
            pool,
            picks,
            bonus,
            weights: Weights::new(vec![0.0; usize::from(pool) + 1], picks),
            scale: vec![1.0; tiers.len()],
            dispersion: vec![1.0; tiers.len()],
            share: 0.0,
            patterns: progressions(pool, picks),
            training: None,
            k_table: Vec::new(),
            quick: None,
            named: Vec::new(),
            calibrated_at: None,
            named_mass: 0.0,
            most_drawn: Vec::new(),
            next_round: 1,
            spread: None,
            chosen_first: std::collections::HashMap::new(),
            price: game.ticket_price().0.max(1) as f64,
            table: std::sync::OnceLock::new(),
            bootstrap: std::sync::OnceLock::new(),
            information: None,
            ridge: RIDGE,
            tiers,
        };
        m.refresh();
        m.k_table = m.tiers.iter().map(|t| m.co_win_table(*t)).collect();
        Ok(m)
    }

    /// Fits the model to every draw of `view` that has sales and winner
    /// counts for every rank. Fails with fewer than [`MIN_TRAINING_DRAWS`].
    pub fn fit(view: HistoryView<'_>) -> Result<Popularity> {
        let mut m = Popularity::uniform(view.game())?;
        m.train(view, 30)?;
        Ok(m)
    }

    /// Refits on `view`, starting from this model's parameters: cheaper than
    /// [`Popularity::fit`] when the history grew by a few draws.
    pub fn refit(&mut self, view: HistoryView<'_>, iterations: usize) -> Result<()> {
        if self.quick.is_some() {
            self.follow(view);
        }
        self.train(view, iterations)
    }

    fn train(&mut self, view: HistoryView<'_>, iterations: usize) -> Result<()> {
        let obs = self.observations(view);
        if obs.len() < MIN_TRAINING_DRAWS {
            return Err(Error::invalid(
                "history",
                format!(
                    "{} draws have sales and winner counts for every rank; the popularity model needs at least {MIN_TRAINING_DRAWS}",
                    obs.len()
                ),
            ));
        }
        self.fit_observations(&obs, iterations, true);
        self.training = Some(Training {
            draws: obs.len(),
            first_round: view.draws().first().map_or(0, Draw::round),
            last_round: view.latest_round().unwrap_or(0),
        });
        Ok(())
    }

    /// What the model was fitted on; `None` for the uniform model.
    pub fn training(&self) -> Option<&Training> {
        self.training.as_ref()
    }

    /// `ε`: the share of tickets on the salient patterns.
    pub fn pattern_share(&self) -> f64 {
        self.share
    }

    /// How many times more often than a uniformly random ticket a pattern
    /// ticket is played, from the pattern part alone.
    pub fn pattern_multiplier(&self) -> f64 {
        self.share / self.patterns.len().max(1) as f64 * self.total_combinations()
    }

    /// `w_n / mean(w)` for each number `n` in `1..=pool` (index 0 unused):
    /// how much more often than average `n` is picked.
    pub fn number_popularity(&self) -> Vec<f64> {
        let mean = self.weights.w[1..].iter().sum::<f64>() / f64::from(self.pool);
        let mut out: Vec<f64> = self.weights.w.iter().map(|w| w / mean).collect();
        out[0] = 0.0;
        out
    }

    /// `π(t)` relative to uniform choice: how many times more often than a
    /// uniformly random ticket `main` is played.
    pub fn multiplier(&self, main: NumberSet) -> f64 {
        self.share_of(main) * self.total_combinations()
    }

    /// The predicted winners of every rank for a draw of `main` (+ `bonus`)
    /// with `tickets` sold, rank order.
    pub fn expected_winners(&self, main: NumberSet, bonus: Option<u8>, tickets: f64) -> Vec<f64> {
        let obs = Obs {
            main,
            bonus,
            tickets,
            winners: Vec::new(),
            pattern_wins: self.pattern_wins(main, bonus),
            quick: self.quick_share(),
            block: None,
            named_wins: self.named_wins(main, bonus, &self.most_drawn),
            chosen_first: None,
        };
        (0..self.tiers.len())
            .map(|r| self.mu_and_grad(&obs, r, None))
            .collect()
    }

    fn total_combinations(&self) -> f64 {
        binomial(u32::from(self.pool), u32::from(self.picks)).map_or(f64::INFINITY, |c| c as f64)
    }

    fn share_of(&self, main: NumberSet) -> f64 {
        self.share_with(main, &self.parameters())
    }

    /// The quick-pick share of the next draw (0 in the first model).
    fn quick_share(&self) -> f64 {
        self.quick
            .as_ref()
            .map_or(0.0, |q| q.share(self.next_round))
    }

    /// Per tier, the chosen share held by named combinations that win it in
    /// a draw of `main` + `bonus`, with `most_drawn` the most-drawn lists
    /// combination before that draw.
    fn named_wins(&self, main: NumberSet, bonus: Option<u8>, most_drawn: &[NumberSet]) -> Vec<f64> {
        let mut out = vec![0.0; self.tiers.len()];
        let mut add = |member: NumberSet, share: f64| {
            let m = member.common(main);
            let b = u8::from(bonus.is_some_and(|b| member.contains(b)));
            if let Some(i) = self
                .tiers
                .iter()
                .position(|t| t.main == m && t.bonus.accepts(b))
            {
                out[i] += share;
            }
        };
        for c in &self.named {
            match &c.kind {
                NamedKind::Lines(lines) => lines.iter().for_each(|l| add(*l, c.share)),
                NamedKind::MostDrawn => most_drawn.iter().for_each(|m| add(*m, c.share)),
            }
        }
        out
    }

    /// Brings what follows from `γ` up to date, and forgets what was
    /// derived from the parameters before.
    fn refresh(&mut self) {
        self.weights = Weights::new(std::mem::take(&mut self.weights.gamma), self.picks);
        self.forget();
    }

    /// Drops the share tables and the bootstrap (built again on first use).
    fn forget(&mut self) {
        self.table = std::sync::OnceLock::new();
        self.bootstrap = std::sync::OnceLock::new();
    }

    fn observations(&self, view: HistoryView<'_>) -> Vec<Obs> {
        let game = view.game();
        let mut counts = crowd::DrawCounts::new(self.pool);
        view.draws()
            .iter()
            .filter_map(|d| {
                let most_drawn = counts.most_drawn_lists(self.picks);
                counts.add(d);
                let sales = d.total_sales()?;
                let price = game.ticket_price_at(d.round());
                let tickets = sales.0 as f64 / price.0.max(1) as f64;
                let winners: Option<Vec<f64>> = self
                    .tiers
                    .iter()
                    .map(|t| d.result(t.rank).map(|r| r.winners as f64))
                    .collect();
                let winners = winners?;
                if tickets < 1.0 {
                    return None;
                }
                // The second model learns only from draws whose quick-pick
                // share is measured, or that come after such draws: before
                // the first choice split nothing says how many games were
                // quick picks.
                if self
                    .quick
                    .as_ref()
                    .and_then(|q| q.blocks.first())
                    .is_some_and(|b| d.round() < b.first_round)
                {
                    return None;
                }
                let bonus = if self.bonus {
                    d.bonus().iter().next()
                } else {
                    None
                };
                Some(Obs {
                    main: d.numbers(),
                    bonus,
                    tickets,
                    winners,
                    pattern_wins: self.pattern_wins(d.numbers(), bonus),
                    quick: self.quick.as_ref().map_or(0.0, |q| q.share(d.round())),
                    block: self.quick.as_ref().and_then(|q| q.block_index(d.round())),
                    named_wins: self.named_wins(d.numbers(), bonus, &most_drawn),
                    chosen_first: self
                        .chosen_first
                        .get(&d.round())
                        .filter(|(all, _)| d.result(1).is_some_and(|r| r.winners == *all))
                        .map(|(_, chosen)| *chosen),
                })
            })
            .collect()
    }

    /// How many salient patterns win each tier in a draw of `main` + `bonus`.
    fn pattern_wins(&self, main: NumberSet, bonus: Option<u8>) -> Vec<f64> {
        let mut out = vec![0.0; self.tiers.len()];
        for p in &self.patterns {
            let m = p.common(main);
            let b = u8::from(bonus.is_some_and(|b| p.contains(b)));
            if let Some(i) = self
                .tiers
                .iter()
                .position(|t| t.main == m && t.bonus.accepts(b))
            {
                out[i] += 1.0;
            }
        }
        out
    }
}

/// Mean sales of the last ten draws of `view` with sales.
pub(crate) fn recent_sales(view: HistoryView<'_>) -> Option<Money> {
    let recent: Vec<u64> = view
        .draws()
        .iter()
        .rev()
        .filter_map(|d| d.total_sales().map(|s| s.0))
        .take(SALES_WINDOW)
        .collect();
    if recent.is_empty() {
        return None;
    }
    Some(Money(recent.iter().sum::<u64>() / recent.len() as u64))
}

/// `sales`, or the mean of the last ten draws of `view` with sales; fails,
/// naming the field, when neither is known.
pub(crate) fn sales_or_recent(
    view: Option<HistoryView<'_>>,
    sales: Option<Money>,
) -> Result<Money> {
    match sales {
        Some(s) => Ok(s),
        None => view.and_then(recent_sales).ok_or_else(|| {
            Error::invalid(
                "sales",
                "the history has no sales figures; give the expected sales of the draw",
            )
        }),
    }
}

/// Every `k`-term arithmetic progression in `1..=pool`.
fn progressions(pool: u8, k: u8) -> Vec<NumberSet> {
    let mut out = Vec::new();
    if k < 2 {
        return out;
    }
    let span = u32::from(k) - 1;
    for d in 1..=u32::from(pool) {
        if 1 + span * d > u32::from(pool) {
            break;
        }
        for a in 1..=u32::from(pool) - span * d {
            let nums: Vec<u8> = (0..u32::from(k)).map(|i| (a + i * d) as u8).collect();
            out.push(NumberSet::from_numbers(&nums));
        }
    }
    out
}

pub(super) fn deviance(y: f64, mu: f64) -> f64 {
    let t = if y > 0.0 { y * (y / mu).ln() } else { 0.0 };
    2.0 * (t - (y - mu))
}

/// Paired one-sided t-test that the mean of `d` is above zero.
pub(super) fn paired_t(d: &[f64]) -> (f64, f64) {
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let t = mean / (var / n).sqrt();
    let p = StudentsT::new(0.0, 1.0, n - 1.0).map_or(f64::NAN, |dist| 1.0 - dist.cdf(t));
    (t, p)
}

pub mod crowd;
mod evaluate;
mod fit;
mod math;
mod sales;
mod second;
mod value;

pub use crowd::{Calibration, KR645_CALIBRATION, QUICK_BLOCK, QuickBlock, QuickPicks, Spread};
pub use evaluate::{PopularityEvaluation, SecondEvaluation, SecondTier, TierEvaluation};
pub(crate) use second::estimate;
pub use second::{Estimate, SalesDistribution, TicketCrowd};
pub use value::TicketPopularity;
pub(crate) use value::Valuation;

#[cfg(test)]
mod coverage;
#[cfg(test)]
mod tests;
