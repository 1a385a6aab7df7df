//! Valuing a ticket: expected co-winners per rank, the share of a
//! pari-mutuel pool, and the expected value that follows.

use std::collections::BTreeMap;

use super::math::Weights;
use super::math::{esym, without};
use super::sales::Parameters;
use serde::Serialize;

use super::{NOTE, Popularity, TierRule};
use crate::error::{Error, Result};
use crate::game::{GameSpec, Payout};
use crate::history::HistoryView;
use crate::money::Money;
use crate::odds::binomial;
use crate::ticket::{NumberSet, Ticket};

impl Popularity {
    /// `K_r(j)`: the chance that a ticket sharing `j` numbers with yours also
    /// wins `tier` when yours does, counted exactly over draws.
    pub(super) fn co_win_table(&self, tier: TierRule) -> Vec<f64> {
        let k = i64::from(self.picks);
        let pool = i64::from(self.pool);
        let m = i64::from(tier.main);
        let c = |n: i64, r: i64| -> f64 {
            if n < 0 || r < 0 || r > n {
                0.0
            } else {
                binomial(n as u32, r as u32).map_or(0.0, |v| v as f64)
            }
        };
        let bonus_ok = |b: u8| tier.bonus.accepts(b);
        // Draws (W, b) in which your ticket wins the tier.
        let yours = {
            let draws = c(k, m) * c(pool - k, k - m);
            if self.bonus {
                let with = (k - m) as f64;
                let without = (pool - k - (k - m)) as f64;
                draws
                    * (if bonus_ok(1) { with } else { 0.0 }
                        + if bonus_ok(0) { without } else { 0.0 })
            } else if bonus_ok(0) {
                draws
            } else {
                0.0
            }
        };
        (0..=k)
            .map(|j| {
                if yours == 0.0 {
                    return 0.0;
                }
                let rest = pool - 2 * k + j;
                let mut both = 0.0;
                for a in 0..=j.min(m) {
                    let x = m - a;
                    let z = k - a - 2 * x;
                    if x > k - j || z < 0 {
                        continue;
                    }
                    let draws = c(j, a) * c(k - j, x) * c(k - j, x) * c(rest, z);
                    if draws == 0.0 {
                        continue;
                    }
                    if !self.bonus {
                        if bonus_ok(0) {
                            both += draws;
                        }
                        continue;
                    }
                    // Where the bonus falls: shared and undrawn, only yours,
                    // only theirs, or neither ticket.
                    let places = [
                        ((j - a) as f64, 1u8, 1u8),
                        ((k - j - x) as f64, 1, 0),
                        ((k - j - x) as f64, 0, 1),
                        ((rest - z) as f64, 0, 0),
                    ];
                    for (count, mine, theirs) in places {
                        if count > 0.0 && bonus_ok(mine) && bonus_ok(theirs) {
                            both += draws * count;
                        }
                    }
                }
                both / yours
            })
            .collect()
    }

    /// What the model predicts for `ticket` in a draw with `sales`; see
    /// [`TicketPopularity`]. `sales` defaults to the mean of the last ten
    /// draws of `view` that have sales.
    pub fn ticket(
        &self,
        game: &GameSpec,
        ticket: &Ticket,
        view: Option<HistoryView<'_>>,
        sales: Option<Money>,
    ) -> Result<TicketPopularity> {
        if ticket.main().len() != u32::from(self.picks) || game.pool() != self.pool {
            return Err(Error::invalid(
                "ticket",
                "does not belong to this model's game",
            ));
        }
        let sales = super::sales_or_recent(view, sales)?;
        let value = self.valuation(game, sales)?;
        let co = self.co_winners(ticket.main(), value.tickets);
        let uniform: Vec<f64> = self
            .tiers
            .iter()
            .map(|t| value.tickets * t.probability)
            .collect();
        let ev = value.ev(&co);
        let uniform_ev = value.ev(&uniform);
        let by_rank = |v: &[f64]| -> BTreeMap<u8, f64> {
            self.tiers
                .iter()
                .zip(v)
                .map(|(t, x)| (t.rank, *x))
                .collect()
        };
        let probabilities: Vec<f64> = self.tiers.iter().map(|t| t.probability).collect();
        // One bootstrap for every interval: the expected buyers, the
        // co-winners and the expected value (second model only).
        let crowd = self.ticket_crowd(ticket.main(), sales).ok();
        let replicates: Vec<(f64, Vec<f64>)> = self
            .co_winner_replicates(ticket.main(), value.tickets)
            .into_iter()
            .map(|co| (value.ev(&co), co))
            .collect();
        let interval = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            (
                super::sales::quantile(&v, 0.025),
                super::sales::quantile(&v, 0.975),
            )
        };
        let (ev_interval, co_interval) = if replicates.is_empty() {
            (None, None)
        } else {
            let (lo, hi) = interval(replicates.iter().map(|r| r.0).collect());
            let co_by_rank = self
                .tiers
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let (l, h) = interval(replicates.iter().map(|r| r.1[i]).collect());
                    (t.rank, (l.min(co[i]), h.max(co[i])))
                })
                .collect();
            (Some((lo.min(ev), hi.max(ev))), Some(co_by_rank))
        };
        // A prize share falls as co-winners rise: its interval is the
        // shares at the ends of theirs.
        let prize_interval = co_interval
            .as_ref()
            .map(|by_rank: &BTreeMap<u8, (f64, f64)>| {
                let ends = |pick: fn(&(f64, f64)) -> f64| -> Vec<f64> {
                    self.tiers
                        .iter()
                        .map(|t| by_rank.get(&t.rank).map_or(0.0, pick))
                        .collect()
                };
                let (most, fewest) = (value.shares(&ends(|r| r.1)), value.shares(&ends(|r| r.0)));
                self.tiers
                    .iter()
                    .zip(most.iter().zip(&fewest))
                    .map(|(t, (lo, hi))| (t.rank, (*lo, *hi)))
                    .collect::<BTreeMap<u8, (f64, f64)>>()
            });
        let total = self.total_combinations();
        let popularity_interval = crowd.as_ref().map(|c| {
            let per = total / (sales.0 as f64 / self.price);
            (c.expected_buyers.low * per, c.expected_buyers.high * per)
        });
        Ok(TicketPopularity {
            numbers: ticket.numbers(),
            popularity: self.multiplier(ticket.main()),
            expected_co_winners: by_rank(&co),
            uniform_co_winners: by_rank(&uniform),
            expected_prize: by_rank(&value.shares(&co)),
            win_probability: by_rank(&probabilities),
            ev_per_ticket: ev,
            uniform_ev_per_ticket: uniform_ev,
            ticket_price: game.ticket_price(),
            sales,
            tickets_sold: value.tickets,
            ev_interval,
            co_winners_interval: co_interval,
            expected_prize_interval: prize_interval,
            popularity_interval,
            expected_buyers: crowd.as_ref().map(|c| c.expected_buyers),
            buyers_predictive: crowd.as_ref().map(|c| c.buyers_predictive),
            popularity_rank: crowd.as_ref().map(|c| c.popularity_rank),
            popularity_rank_interval: crowd.as_ref().map(|c| {
                (
                    c.popularity_rank_interval.low,
                    c.popularity_rank_interval.high,
                )
            }),
            model: self.kind(),
            note: NOTE,
        })
    }

    /// Expected other winners of each rank, given that `main` wins it, with
    /// `tickets` sold.
    pub fn co_winners(&self, main: NumberSet, tickets: f64) -> Vec<f64> {
        let parts = self.co_winner_parts(main);
        let q = self.mixture(
            &parts,
            main,
            self.quick_share(),
            &self.named_shares(),
            &self.weights,
        );
        self.co_winners_of(&q, tickets)
    }

    /// `main`'s expected other winners per tier with `tickets` sold, under
    /// every parameter set of the bootstrap in its order (none in the first
    /// model): what every interval of a ticket's value is drawn from.
    fn co_winner_replicates(&self, main: NumberSet, tickets: f64) -> Vec<Vec<f64>> {
        let parts = self.co_winner_parts(main);
        self.bootstrap()
            .samples
            .iter()
            .map(|p| self.co_winners_from(&parts, main, tickets, p))
            .collect()
    }

    /// `main`'s expected value per ticket with the pools of `value` under
    /// every parameter set of the bootstrap, in its order (none in the first
    /// model): two sets of tickets valued this way can be compared set by
    /// set, so that the interval of a difference is that of the difference.
    pub(crate) fn expected_value_replicates(&self, main: NumberSet, value: &Valuation) -> Vec<f64> {
        self.co_winner_replicates(main, value.tickets)
            .iter()
            .map(|co| value.ev(co))
            .collect()
    }

    /// The pools of a draw of `game` with `sales`, for valuing its tickets
    /// with this model; fails, naming the field, for another game or no
    /// sales.
    pub(crate) fn valuation(&self, game: &GameSpec, sales: Money) -> Result<Valuation> {
        if game.pool() != self.pool || game.picks() != self.picks {
            return Err(Error::invalid(
                "game",
                format!(
                    "the popularity model is of a {}/{} game, not {}",
                    self.picks,
                    self.pool,
                    game.id()
                ),
            ));
        }
        if sales.0 == 0 {
            return Err(Error::invalid("sales", "must be more than 0"));
        }
        Ok(Valuation::new(self, game, sales))
    }

    /// Which model this is: `second` (quick picks, named combinations, the
    /// crowding spread) or `first` (number weights and patterns only).
    pub fn kind(&self) -> &'static str {
        if self.quick.is_some() {
            "second"
        } else {
            "first"
        }
    }

    /// The named classes' shares as fitted.
    fn named_shares(&self) -> Vec<f64> {
        self.named.iter().map(|n| n.share).collect()
    }

    /// What the tickets sharing `j = 0..=k` numbers with `main` are made of,
    /// apart from the parameters that intervals vary: the hypergeometric
    /// count (quick picks), the patterns, and each named class's members.
    pub(super) fn co_winner_parts(&self, main: NumberSet) -> CoWinnerParts {
        let k = usize::from(self.picks);
        let per_pattern = self.share / self.patterns.len().max(1) as f64;
        let total = self.total_combinations();
        let (pool, kk) = (u32::from(self.pool), u32::from(self.picks));
        let mut parts = CoWinnerParts {
            uniform: vec![0.0; k + 1],
            patterns: vec![0.0; k + 1],
            named: vec![vec![0.0; k + 1]; self.named.len()],
        };
        for j in 0..=k {
            parts.uniform[j] = binomial(kk, j as u32).unwrap_or(0) as f64
                * binomial(pool - kk, kk - j as u32).unwrap_or(0) as f64
                / total;
        }
        if per_pattern > 0.0 {
            for p in &self.patterns {
                parts.patterns[usize::from(p.common(main))] += per_pattern;
            }
        }
        for (c, counts) in self.named.iter().zip(&mut parts.named) {
            let mut add = |m: NumberSet| counts[usize::from(m.common(main))] += 1.0;
            match &c.kind {
                super::NamedKind::Lines(lines) => lines.iter().for_each(|l| add(*l)),
                super::NamedKind::MostDrawn => self.most_drawn.iter().for_each(|m| add(*m)),
            }
        }
        parts
    }

    /// Expected other winners per tier with `tickets` sold, under the
    /// parameters `p`, from `main`'s `parts`.
    pub(super) fn co_winners_from(
        &self,
        parts: &CoWinnerParts,
        main: NumberSet,
        tickets: f64,
        p: &Parameters,
    ) -> Vec<f64> {
        let q = self.mixture(parts, main, p.quick, &p.named, &p.weights);
        self.co_winners_of(&q, tickets)
    }

    /// The share of all tickets that share `j = 0..=k` numbers with `main`.
    fn mixture(
        &self,
        parts: &CoWinnerParts,
        main: NumberSet,
        quick: f64,
        named: &[f64],
        weights: &Weights,
    ) -> Vec<f64> {
        let k = usize::from(self.picks);
        let inside = esym(main.iter().map(|n| weights.w[usize::from(n)]), k);
        // The other numbers: the whole pool with the ticket's divided out.
        let outside = main
            .iter()
            .fold(weights.e_all, |e, n| without(&e, weights.w[usize::from(n)]));
        let chosen = (1.0 - quick) * (1.0 - self.named_mass_with(named));
        (0..=k)
            .map(|j| {
                let by_weights = (1.0 - self.share) * inside[j] * outside[k - j] / weights.z;
                quick * parts.uniform[j]
                    + chosen * (by_weights + parts.patterns[j])
                    + (1.0 - quick)
                        * parts
                            .named
                            .iter()
                            .zip(named)
                            .map(|(c, s)| c[j] * s)
                            .sum::<f64>()
            })
            .collect()
    }

    fn co_winners_of(&self, q: &[f64], tickets: f64) -> Vec<f64> {
        self.tiers
            .iter()
            .enumerate()
            .map(|(r, _)| {
                let mass: f64 = q.iter().zip(&self.k_table[r]).map(|(q, k)| q * k).sum();
                tickets * self.scale[r] * mass
            })
            .collect()
    }

    /// The expected value of `main` per ticket under this model, with the
    /// pools of `value`: what the `anti-popular` strategy maximises.
    pub(crate) fn expected_value(&self, main: NumberSet, value: &Valuation) -> f64 {
        value.ev(&self.co_winners(main, value.tickets))
    }
}

/// The parts of a ticket's co-winners that do not depend on the shares an
/// interval varies; see [`Popularity::co_winner_parts`].
pub(super) struct CoWinnerParts {
    uniform: Vec<f64>,
    patterns: Vec<f64>,
    named: Vec<Vec<f64>>,
}

/// The pools of one draw, for expected values.
#[derive(Debug, Clone)]
pub(crate) struct Valuation {
    pub(crate) tickets: f64,
    /// Per tier: `(probability, fixed amount or pari-mutuel pool)`.
    tiers: Vec<(f64, Prize)>,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Prize {
    Fixed(f64),
    Pool(f64),
    Unknown,
}

impl Valuation {
    pub(crate) fn new(model: &Popularity, game: &GameSpec, sales: Money) -> Valuation {
        let tickets = sales.0 as f64 / game.ticket_price().0.max(1) as f64;
        let fund = game
            .prize_fund_permille()
            .map(|p| sales.0 as f64 * f64::from(p) / 1000.0);
        let fixed_paid: f64 = game
            .tiers()
            .iter()
            .zip(&model.tiers)
            .map(|(t, rule)| match t.payout {
                Payout::Fixed { amount } => amount.0 as f64 * tickets * rule.probability,
                Payout::PariMutuel { .. } => 0.0,
            })
            .sum();
        let tiers = game
            .tiers()
            .iter()
            .zip(&model.tiers)
            .map(|(t, rule)| {
                let prize = match t.payout {
                    Payout::Fixed { amount } => Prize::Fixed(amount.0 as f64),
                    Payout::PariMutuel {
                        share_permille: Some(s),
                    } => match fund {
                        Some(f) => Prize::Pool((f - fixed_paid).max(0.0) * f64::from(s) / 1000.0),
                        None => Prize::Unknown,
                    },
                    Payout::PariMutuel {
                        share_permille: None,
                    } => Prize::Unknown,
                };
                (rule.probability, prize)
            })
            .collect();
        Valuation { tickets, tiers }
    }

    /// What you would receive at each rank, given `co` other winners.
    pub(super) fn shares(&self, co: &[f64]) -> Vec<f64> {
        self.tiers
            .iter()
            .zip(co)
            .map(|((_, prize), &lambda)| match prize {
                Prize::Fixed(a) => *a,
                Prize::Pool(pool) => pool * share_factor(lambda),
                Prize::Unknown => f64::NAN,
            })
            .collect()
    }

    /// Expected value of one ticket before tax; tiers of unknown value count 0.
    pub(super) fn ev(&self, co: &[f64]) -> f64 {
        self.tiers
            .iter()
            .zip(self.shares(co))
            .map(|((p, _), s)| if s.is_finite() { p * s } else { 0.0 })
            .sum()
    }
}

/// `E[1 / (1 + C)]` for `C ~ Poisson(λ)`: `(1 − e^{−λ}) / λ`.
pub(super) fn share_factor(lambda: f64) -> f64 {
    if lambda < 1e-9 {
        1.0 - lambda / 2.0
    } else {
        -(-lambda).exp_m1() / lambda
    }
}

/// What the popularity model says about one ticket.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TicketPopularity {
    /// The ticket.
    pub numbers: Vec<u8>,
    /// How many times more often than a uniformly random ticket it is played.
    pub popularity: f64,
    /// Other winners expected at each rank if this ticket wins it.
    pub expected_co_winners: BTreeMap<u8, f64>,
    /// The same under uniform choice (tickets sold × odds).
    pub uniform_co_winners: BTreeMap<u8, f64>,
    /// What this ticket would receive at each rank (pool share for
    /// pari-mutuel ranks, the amount for fixed ones), before tax.
    pub expected_prize: BTreeMap<u8, f64>,
    /// The chance of each rank: the same for every ticket.
    pub win_probability: BTreeMap<u8, f64>,
    /// Expected value of one ticket under the model, before tax.
    pub ev_per_ticket: f64,
    /// Expected value if every player chose uniformly.
    pub uniform_ev_per_ticket: f64,
    /// The price of the ticket.
    pub ticket_price: Money,
    /// The draw's assumed sales.
    pub sales: Money,
    /// Tickets sold at that price.
    pub tickets_sold: f64,
    /// The 95 % interval of `ev_per_ticket` (second model only): the
    /// quick-pick share and the named shares varied as their data allow.
    pub ev_interval: Option<(f64, f64)>,
    /// The 95 % intervals of `expected_co_winners` (second model only).
    pub co_winners_interval: Option<BTreeMap<u8, (f64, f64)>>,
    /// The 95 % intervals of `expected_prize` (second model only).
    pub expected_prize_interval: Option<BTreeMap<u8, (f64, f64)>>,
    /// The 95 % interval of `popularity` (second model only).
    pub popularity_interval: Option<(f64, f64)>,
    /// Games other players are expected to buy on this combination, with
    /// the 95 % interval of that mean (the parameters' uncertainty only;
    /// second model only).
    pub expected_buyers: Option<super::Estimate>,
    /// The 95 % predictive interval of the games bought on this one
    /// combination: its own crowding as well as the parameters (second
    /// model only); see [`super::TicketCrowd::buyers_predictive`].
    pub buyers_predictive: Option<super::Estimate>,
    /// Its rank among all combinations by expected buyers, 1 the most
    /// bought (second model only).
    pub popularity_rank: Option<u64>,
    /// The rank's 95 % interval (second model only).
    pub popularity_rank_interval: Option<(f64, f64)>,
    /// Which model valued it: `second` (quick picks, named combinations,
    /// the crowding spread; see `lottopro_core::popularity::crowd`) or
    /// `first` (number weights and patterns only, where the data for the
    /// second are missing).
    pub model: &'static str,
    /// What popularity does and does not change.
    pub note: &'static str,
}
