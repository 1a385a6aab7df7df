//! Fitting the second model (see [`crowd`](super::crowd)) and what it says
//! about one draw's sales: how many combinations nobody bought, how many
//! one person did, how many 50 or more, the largest crowd, and for one
//! ticket its expected buyers and its rank among all combinations.
//!
//! The figures sum over every combination. The weights part of a
//! combination's chosen share depends only on the sum of its numbers'
//! `γ`, so the `C` combinations are binned by that sum (512 bins, exact
//! within 0.3 %), and the few with a share of their own (patterns, named
//! classes) are taken one by one. The spread `U` is integrated by
//! Gauss–Hermite quadrature. Intervals come from a parametric bootstrap of
//! the quick-pick share (its standard error), the spread (a grid point
//! drawn by its likelihood) and the calibrated shares (Poisson counts); the
//! number weights are held at their estimates.

use serde::Serialize;

use super::crowd::{self, Calibration, KR645_CALIBRATION, QuickPicks, Spread};
use super::sales::quantile;
use super::{Named, NamedKind, Popularity};
use crate::error::{Error, Result};
use crate::history::HistoryView;
use crate::io::FirstPrizeChoice;
use crate::money::Money;
use crate::ticket::NumberSet;

/// Bootstrap replicates of the intervals.
const REPLICATES: usize = 40;

/// An estimate with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Estimate {
    /// The model's estimate.
    pub estimate: f64,
    /// The lower end of its 95 % interval.
    pub low: f64,
    /// The upper end.
    pub high: f64,
}

/// What one draw's sales look like under the second model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct SalesDistribution {
    /// The sales assumed.
    pub sales: Money,
    /// Games sold at the ticket price.
    pub games: f64,
    /// All combinations.
    pub combinations: f64,
    /// The quick-pick share of the games.
    pub quick_pick_share: Estimate,
    /// Expected combinations nobody bought.
    pub never_bought: Estimate,
    /// Expected combinations bought exactly once.
    pub bought_once: Estimate,
    /// Expected combinations bought 50 times or more.
    pub bought_50_or_more: Estimate,
    /// The expected largest number of games on one combination.
    pub max_bought: Estimate,
    /// What popularity does and does not change.
    pub note: &'static str,
}

/// One ticket's crowd under the second model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TicketCrowd {
    /// Expected games bought on this combination (yours not counted).
    pub expected_buyers: Estimate,
    /// Its rank among all combinations by expected buyers (1 = the most
    /// bought).
    pub popularity_rank: u64,
    /// How many combinations there are.
    pub combinations: f64,
}

impl Popularity {
    /// The second model for `view`'s game: quick picks fitted on `choices`,
    /// named classes calibrated on `calibration`, then the number weights
    /// and patterns on the winner counts with both in place, then the
    /// spread on the chosen 1st-prize winners. See [`crowd`].
    pub fn fit_second(
        view: HistoryView<'_>,
        choices: &[FirstPrizeChoice],
        calibration: Option<&Calibration>,
    ) -> Result<Popularity> {
        let game = view.game();
        let mut m = Popularity::uniform(game)?;
        // Every round's split is kept (scoring held-out draws needs them);
        // a draw uses it only when it agrees with its own winners.
        m.chosen_first = choices
            .iter()
            .map(|c| {
                let chosen = u64::from(c.semi_auto) + u64::from(c.manual);
                (c.round, (u64::from(c.auto) + chosen, chosen as f64))
            })
            .collect();
        let (measured, pooled_quick) = m.follow(view);
        if m.quick.is_none() {
            return Err(Error::invalid(
                "history",
                format!(
                    "{measured} draws have a quick-pick count that agrees with their 1st-prize winners; the second popularity model needs at least 10"
                ),
            ));
        }
        if let Some(c) = calibration.filter(|_| game.pool() == 45 && game.picks() == 6) {
            // The most-drawn combination before the calibration draw, when
            // the history reaches the draw before it.
            let (before, _) = view.split_at_round(c.round.saturating_sub(1));
            let most_drawn_then = (before.latest_round() == Some(c.round.saturating_sub(1)))
                .then(|| most_drawn_of(before, m.pool, m.picks));
            let price = game.ticket_price_at(c.round).0.max(1) as f64;
            m.calibrate(c, price, most_drawn_then);
        }
        // The weights now describe the chosen tickets alone, a third of
        // the games, so they are about 1 / (1 − q) times as large in log
        // terms: the ridge is scaled by (1 − q)² to shrink them as much.
        m.ridge = super::RIDGE * (1.0 - pooled_quick).clamp(0.05, 1.0).powi(2);
        m.train(view, 30)?;
        let obs = m.observations(view);
        let data: Vec<(f64, f64)> = obs
            .iter()
            .filter_map(|o| {
                let y = o.chosen_first?;
                let lambda = m.chosen_first_mean(o);
                (lambda > 0.0).then_some((y, lambda))
            })
            .collect();
        if data.len() >= 10 {
            m.spread = Some(crowd::fit_spread(&data));
        }
        Ok(m)
    }

    /// Brings the second model's history-dependent parts up to `view` (at
    /// its fit and before each refit): the quick-pick blocks from the choice
    /// rows it holds (a row counts only where it agrees with the draw's 1st-
    /// prize winners: another history's rows are not evidence here), the
    /// most-drawn combination and the round a valuation is for. The named
    /// shares and the spread stay as fitted. Returns how many draws measured
    /// the quick-pick share and their pooled share.
    pub(super) fn follow(&mut self, view: HistoryView<'_>) -> (usize, f64) {
        let game = view.game();
        let total = self.total_combinations();
        let mut quick_obs = Vec::new();
        for d in view.draws() {
            let (Some(sales), Some(first)) = (d.total_sales(), d.result(1)) else {
                continue;
            };
            if let Some((all, chosen)) = self.chosen_first.get(&d.round())
                && *all == first.winners
            {
                let price = game.ticket_price_at(d.round()).0.max(1) as f64;
                quick_obs.push(crowd::QuickObs {
                    round: d.round(),
                    exposure: sales.0 as f64 / price / total,
                    auto: *all as f64 - chosen,
                });
            }
        }
        if let Some(q) = QuickPicks::fit(&quick_obs) {
            self.quick = Some(q);
        }
        self.most_drawn = most_drawn_of(view, self.pool, self.picks);
        self.next_round = view.latest_round().map_or(1, |r| r + 1);
        self.table = std::sync::OnceLock::new();
        let auto: f64 = quick_obs.iter().map(|o| o.auto).sum();
        let exposure: f64 = quick_obs.iter().map(|o| o.exposure).sum();
        (quick_obs.len(), auto / exposure.max(1e-9))
    }

    /// The model LottoPro uses for `view`: the second where its data exist
    /// (see [`Popularity::fit_second_bundled`]), else the first.
    pub fn fit_best(view: HistoryView<'_>) -> Result<Popularity> {
        Popularity::fit_second_bundled(view).or_else(|_| Popularity::fit(view))
    }

    /// The second model fitted to `view` with the data LottoPro ships for
    /// its game (Korean Lotto 6/45: the 1st-prize choice split and the
    /// draw-1019 purchase counts).
    pub fn fit_second_bundled(view: HistoryView<'_>) -> Result<Popularity> {
        let (choices, calibration) = if view.game().id() == "kr645" {
            (
                crate::data::kr645_first_prize_choice(),
                Some(&KR645_CALIBRATION),
            )
        } else {
            (Vec::new(), None)
        };
        Popularity::fit_second(view, &choices, calibration)
    }

    /// Sets the named classes' shares from the published counts.
    fn calibrate(&mut self, c: &Calibration, price: f64, most_drawn_then: Option<NumberSet>) {
        let Some(quick) = &self.quick else {
            return;
        };
        let total = self.total_combinations();
        let q = quick.share(c.round);
        let games = c.sales as f64 / price;
        let share = |count: u64| ((count as f64 / games - q / total) / (1.0 - q)).max(0.0);
        let lines = crowd::slip_lines(self.pool, self.picks, 7);
        let on_lines: Vec<f64> = c
            .counts
            .iter()
            .filter(|(t, _)| lines.contains(&NumberSet::from_numbers(t)))
            .map(|(_, n)| share(*n))
            .collect();
        self.named.clear();
        if !on_lines.is_empty() {
            self.named.push(Named {
                share: on_lines.iter().sum::<f64>() / on_lines.len() as f64,
                kind: NamedKind::Lines(lines),
            });
        }
        if let Some((_, n)) = c
            .counts
            .iter()
            .find(|(t, _)| most_drawn_then == Some(NumberSet::from_numbers(t)))
        {
            self.named.push(Named {
                share: share(*n),
                kind: NamedKind::MostDrawn,
            });
        }
        let shares: Vec<f64> = self.named.iter().map(|n| n.share).collect();
        self.named_mass = self.named_mass_with(&shares);
    }

    /// The chosen tickets named classes hold with per-member `shares`: each
    /// share times the class's members.
    pub(super) fn named_mass_with(&self, shares: &[f64]) -> f64 {
        self.named
            .iter()
            .zip(shares)
            .map(|(n, s)| {
                s * match &n.kind {
                    NamedKind::Lines(l) => l.len() as f64,
                    NamedKind::MostDrawn => 1.0,
                }
            })
            .sum()
    }

    /// The chosen (manual and semi-automatic) part of `o`'s expected
    /// 1st-prize winners: the whole less the quick picks.
    pub(super) fn chosen_first_mean(&self, o: &super::Obs) -> f64 {
        self.mu_and_grad(o, 0, None)
            - o.tickets * self.scale[0] * o.quick * self.tiers[0].probability
    }

    /// What a combination's `Π w` is multiplied by to give its chosen share
    /// from the number weights under `p`: the share left after the named
    /// classes and the patterns, over the normaliser.
    pub(super) fn weights_factor(&self, p: &Parameters) -> f64 {
        (1.0 - self.named_mass_with(&p.named)) * (1.0 - self.share) / self.z
    }

    /// The quick-pick share by block, in the second model.
    pub fn quick_picks(&self) -> Option<&QuickPicks> {
        self.quick.as_ref()
    }

    /// How unevenly chosen tickets crowd single combinations, in the
    /// second model.
    pub fn spread(&self) -> Option<&Spread> {
        self.spread.as_ref()
    }

    /// What a draw with `sales` looks like; see [`SalesDistribution`].
    pub fn sales_distribution(&self, sales: Money) -> Result<SalesDistribution> {
        let games = self.games(sales)?;
        let table = self.share_table();
        let point = self.parameters();
        let figures = |p: &Parameters| table.figures(self, p, games);
        let best = figures(&point);
        let samples: Vec<[f64; 5]> = self
            .bootstrap(&point)
            .iter()
            .map(|p| {
                let f = figures(p);
                [p.quick, f[0], f[1], f[2], f[3]]
            })
            .collect();
        let est = |i: usize, value: f64| {
            let mut v: Vec<f64> = samples.iter().map(|s| s[i]).collect();
            v.sort_by(f64::total_cmp);
            Estimate {
                estimate: value,
                low: quantile(&v, 0.025).min(value),
                high: quantile(&v, 0.975).max(value),
            }
        };
        Ok(SalesDistribution {
            sales,
            games,
            combinations: self.total_combinations(),
            quick_pick_share: est(0, point.quick),
            never_bought: est(1, best[0]),
            bought_once: est(2, best[1]),
            bought_50_or_more: est(3, best[2]),
            max_bought: est(4, best[3]),
            note: super::NOTE,
        })
    }

    /// `main`'s expected buyers in a draw with `sales`, and its rank.
    pub fn ticket_crowd(&self, main: NumberSet, sales: Money) -> Result<TicketCrowd> {
        let point = self.parameters();
        self.ticket_crowd_with(main, sales, &point, &self.bootstrap(&point))
    }

    /// [`Popularity::ticket_crowd`] with the parameters and their bootstrap
    /// given (a valuation shares them with its other intervals).
    pub(super) fn ticket_crowd_with(
        &self,
        main: NumberSet,
        sales: Money,
        point: &Parameters,
        samples: &[Parameters],
    ) -> Result<TicketCrowd> {
        let games = self.games(sales)?;
        let buyers = |p: &Parameters| games * self.share_with(main, p);
        let mut v: Vec<f64> = samples.iter().map(buyers).collect();
        v.sort_by(f64::total_cmp);
        let estimate = buyers(point);
        let table = self.share_table();
        Ok(TicketCrowd {
            expected_buyers: Estimate {
                estimate,
                low: quantile(&v, 0.025).min(estimate),
                high: quantile(&v, 0.975).max(estimate),
            },
            popularity_rank: table.rank(self, main, point),
            combinations: self.total_combinations(),
        })
    }

    fn games(&self, sales: Money) -> Result<f64> {
        if sales.0 == 0 {
            return Err(Error::invalid("sales", "must be more than 0"));
        }
        if self.quick.is_none() {
            return Err(Error::invalid(
                "model",
                "the sales figures need the second popularity model (quick picks and the spread)",
            ));
        }
        Ok(sales.0 as f64 / self.price)
    }

    pub(super) fn parameters(&self) -> Parameters {
        let s = self.spread.as_ref();
        Parameters {
            quick: self.quick_share(),
            spread: s.map_or([0.0, 0.0, 1.0], |s| {
                [s.sigma, s.cluster_share, s.cluster_multiplier]
            }),
            named: self.named.iter().map(|n| n.share).collect(),
        }
    }

    /// Parameter sets drawn around `point`; see the module docs.
    pub(super) fn bootstrap(&self, point: &Parameters) -> Vec<Parameters> {
        use rand::RngExt;
        let mut rng = crate::rng::seeded(0x5EED_0019);
        let mut normal = move || -> f64 {
            let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        };
        let Some(quick) = &self.quick else {
            return Vec::new();
        };
        let logit_sd = quick.logit_se(self.next_round);
        let logit = (point.quick / (1.0 - point.quick)).ln();
        // The spread: a grid point drawn by its likelihood weight.
        let surface: &[([f64; 3], f64)] = self.spread.as_ref().map_or(&[], |s| &s.surface);
        let total: f64 = surface.iter().map(|p| p.1).sum();
        let mut uniform = {
            let mut r = crate::rng::seeded(0x5EED_0020);
            move || r.random::<f64>()
        };
        let mut pick = move || -> [f64; 3] {
            let mut u = uniform() * total;
            for (p, w) in surface {
                u -= w;
                if u <= 0.0 {
                    return *p;
                }
            }
            point.spread
        };
        (0..REPLICATES)
            .map(|_| Parameters {
                quick: crowd::sigmoid(logit + logit_sd * normal()),
                spread: pick(),
                // A count of ~11,000 has a relative sd of about 1 %.
                named: point
                    .named
                    .iter()
                    .map(|s| (s * (1.0 + 0.01 * normal())).max(0.0))
                    .collect(),
            })
            .collect()
    }

    /// `main`'s expected share of all games under `p`.
    pub(super) fn share_with(&self, main: NumberSet, p: &Parameters) -> f64 {
        let (weights, own) = self.chosen_parts(main, p);
        p.quick / self.total_combinations() + (1.0 - p.quick) * (weights + own)
    }

    /// `main`'s chosen share: the weights part (which the spread
    /// multiplies) and its own (patterns, named classes).
    pub(super) fn chosen_parts(&self, main: NumberSet, p: &Parameters) -> (f64, f64) {
        let mass = self.named_mass_with(&p.named);
        let product: f64 = main.iter().map(|n| self.w[usize::from(n)]).product();
        let weights = self.weights_factor(p) * product;
        let mut own = if self.patterns.contains(&main) {
            (1.0 - mass) * self.share / self.patterns.len() as f64
        } else {
            0.0
        };
        for (n, s) in self.named.iter().zip(&p.named) {
            let member = match &n.kind {
                NamedKind::Lines(l) => l.contains(&main),
                NamedKind::MostDrawn => main == self.most_drawn,
            };
            if member {
                own += s;
            }
        }
        (weights, own)
    }
}

/// The most-drawn combination of `view`'s draws, bonus draws counted (see
/// [`crowd`]).
fn most_drawn_of(view: HistoryView<'_>, pool: u8, picks: u8) -> NumberSet {
    let mut counts = vec![0u64; usize::from(pool) + 1];
    for d in view.draws() {
        for n in d.numbers().union(d.bonus()).iter() {
            counts[usize::from(n)] += 1;
        }
    }
    crowd::most_drawn(&counts, picks)
}

/// The parameters the intervals vary.
pub(super) struct Parameters {
    pub(super) quick: f64,
    /// `(sigma, cluster share, cluster multiplier)`.
    pub(super) spread: [f64; 3],
    pub(super) named: Vec<f64>,
}
