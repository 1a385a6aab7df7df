//! Fitting the second model (see [`crowd`](super::crowd)) and what it says
//! about one draw's sales: how many combinations nobody bought, how many
//! one person did, how many 50 or more, the largest crowd, and for one
//! ticket its expected buyers and its rank among all combinations.
//!
//! The figures sum over every combination. The weights part of a
//! combination's chosen share depends only on the sum of its numbers'
//! `γ`, so the `C` combinations are binned by that sum (see
//! [`sales`](super::sales)), and the few with a share of their own
//! (patterns, named classes) are taken one by one. The spread `U` is
//! integrated by Gauss–Hermite quadrature.
//!
//! Intervals come from a parametric bootstrap of 100 parameter sets: each
//! quick-pick block's share (its standard error), the spread (a grid point
//! drawn by its likelihood), the named shares (Poisson counts, and the
//! quick-pick share of the draw they were calibrated on) and the number
//! weights (their covariance from the fit's information, plus how they
//! move with the quick-pick shares they were fitted with). On histories
//! simulated from a known model the 95 % intervals held the truth in
//! 96 % (expected buyers), 98 % (rank) and 92–100 % (the sales figures) of
//! 40 histories; with 40 sets instead of 100 the rates were 90 %.

use serde::Serialize;

use super::crowd::{self, Calibration, KR645_CALIBRATION, QuickPicks, Spread};
use super::math::{Weights, poisson, standard_normal};
use super::sales::{Bootstrap, Membership, Parameters, ShareTable, quantile};
use super::{Named, NamedKind, Popularity};
use crate::error::{Error, Result};
use crate::history::HistoryView;
use crate::io::FirstPrizeChoice;
use crate::money::Money;
use crate::ticket::NumberSet;

/// Bootstrap replicates of the intervals.
const REPLICATES: usize = 100;

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
    /// The rank's 95 % interval.
    pub popularity_rank_interval: Estimate,
    /// The 95 % predictive interval of the games bought on this one
    /// combination: the class's expected buyers above, times the
    /// combination's own crowding factor (the fitted spread `U`), with
    /// Poisson noise, under every parameter set of the bootstrap. This is
    /// what one combination's published count should fall in;
    /// `expected_buyers`' interval is only that of its class's mean.
    pub buyers_predictive: Estimate,
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
            // Otherwise the calibration says which count is of that list.
            let most_drawn_then = (before.latest_round() == Some(c.round.saturating_sub(1)))
                .then(|| crowd::DrawCounts::of(before, m.pool).with_bonus(m.picks))
                .or(c.most_drawn.map(|t| NumberSet::from_numbers(&t)));
            let price = game.ticket_price_at(c.round).0.max(1) as f64;
            m.calibrate(c, price, most_drawn_then);
        }
        // The weights now describe the chosen tickets alone, a third of
        // the games, so they are about 1 / (1 − q) times as large in log
        // terms: the ridge is scaled by (1 − q)² to shrink them as much.
        m.ridge = super::RIDGE * (1.0 - pooled_quick).clamp(0.05, 1.0).powi(2);
        m.train(view, 30)?;
        let obs = m.observations(view);
        // The weights' covariance, for the intervals (refits keep it).
        m.information = Some(m.information(&obs, true).0);
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
        m.forget();
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
        self.most_drawn = crowd::DrawCounts::of(view, self.pool).most_drawn_lists(self.picks);
        self.next_round = view.latest_round().map_or(1, |r| r + 1);
        self.forget();
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
        self.calibrated_at = Some(c.round);
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
                    NamedKind::MostDrawn => self.most_drawn.len().max(1) as f64,
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
        (1.0 - self.named_mass_with(&p.named)) * (1.0 - self.share) / p.weights.z
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
        let point = self.parameters();
        let best = self.share_table().figures(self, &point, games);
        let bootstrap = self.bootstrap();
        let samples: Vec<[f64; 5]> = bootstrap
            .samples
            .iter()
            .zip(bootstrap.tables(self))
            .map(|(p, table)| {
                let f = table.figures(self, p, games);
                [p.quick, f[0], f[1], f[2], f[3]]
            })
            .collect();
        let est = |i: usize, value: f64| estimate(value, samples.iter().map(|s| s[i]).collect());
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
        let games = self.games(sales)?;
        let member = self.membership(main);
        let point = self.parameters();
        // Expected buyers and rank under one parameter set and its table.
        let crowd = |p: &Parameters, table: &ShareTable| {
            let (w, own) = self.chosen_parts_in(main, member, p);
            let share = p.quick / self.total_combinations() + (1.0 - p.quick) * (w + own);
            (
                games * share,
                table.rank(w + own, self.weights_factor(p)) as f64,
            )
        };
        let (buyers, rank) = crowd(&point, self.share_table());
        let bootstrap = self.bootstrap();
        let (all_buyers, ranks): (Vec<f64>, Vec<f64>) = bootstrap
            .samples
            .iter()
            .zip(bootstrap.tables(self))
            .map(|(p, table)| crowd(p, table))
            .unzip();
        let predictive = self.buyers_predictive(main, member, games, buyers);
        Ok(TicketCrowd {
            buyers_predictive: predictive,
            expected_buyers: estimate(buyers, all_buyers),
            popularity_rank: rank as u64,
            popularity_rank_interval: estimate(rank, ranks),
            combinations: self.total_combinations(),
        })
    }

    /// See [`TicketCrowd::buyers_predictive`]: [`PREDICTIVE_DRAWS`] draws
    /// of (parameter set, `U`, Poisson count), seeded, so the interval is
    /// the same on every call.
    fn buyers_predictive(
        &self,
        main: NumberSet,
        member: Membership,
        games: f64,
        expected: f64,
    ) -> Estimate {
        use rand::RngExt;
        let mut rng = crate::rng::seeded(0x5EED_0020);
        let point = self.parameters();
        let samples = &self.bootstrap().samples;
        let sets: Vec<&Parameters> = if samples.is_empty() {
            vec![&point]
        } else {
            samples.iter().collect()
        };
        let per = PREDICTIVE_DRAWS / sets.len();
        let total = self.total_combinations();
        let mut counts = Vec::with_capacity(per * sets.len());
        for p in sets {
            let (w, own) = self.chosen_parts_in(main, member, p);
            let quick = games * p.quick / total;
            let chosen = games * (1.0 - p.quick) * (w + own);
            let [sigma, share, multiplier] = p.spread;
            let [(_, plain), (cluster, crowded)] = crowd::Spread::components(share, multiplier);
            for _ in 0..per {
                let factor = if rng.random::<f64>() < cluster {
                    crowded
                } else {
                    plain
                };
                let z = standard_normal(&mut rng);
                let u = factor * (sigma * z - 0.5 * sigma * sigma).exp();
                counts.push(poisson(quick + chosen * u, &mut rng));
            }
        }
        estimate(expected, counts)
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

    /// The parameters at their estimates.
    pub(super) fn parameters(&self) -> Parameters {
        let s = self.spread.as_ref();
        Parameters {
            quick: self.quick_share(),
            spread: s.map_or([0.0, 0.0, 1.0], |s| {
                [s.sigma, s.cluster_share, s.cluster_multiplier]
            }),
            named: self.named.iter().map(|n| n.share).collect(),
            weights: Weights::new(self.weights.gamma.clone(), self.picks),
        }
    }

    /// The parameter sets of the intervals (drawn on first use and kept
    /// with the model); see the module docs. Empty in the first model.
    pub(super) fn bootstrap(&self) -> &Bootstrap {
        self.bootstrap.get_or_init(|| Bootstrap {
            samples: self.draw_samples(),
            tables: std::sync::OnceLock::new(),
        })
    }

    fn draw_samples(&self) -> Vec<Parameters> {
        use rand::RngExt;
        let Some(quick) = &self.quick else {
            return Vec::new();
        };
        let point = self.parameters();
        let mut rng = crate::rng::seeded(0x5EED_0019);
        let mut normal = move || -> f64 {
            let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        };
        // The quick-pick share: one draw per block, serving the draws now
        // and, for the named classes, the draw they were calibrated on (a
        // named share is its count over the chosen games then). The number
        // weights: their own error, and how they move with the shares they
        // were fitted with (see `weights_uncertainty`).
        let uncertainty = self.weights_uncertainty();
        let pool = usize::from(self.pool);
        let logit = |round: u32| {
            let q = quick.share(round);
            (q / (1.0 - q)).ln()
        };
        let then = self.calibrated_at;
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
            .map(|_| {
                let shift: Vec<f64> = quick.blocks.iter().map(|b| b.logit_se * normal()).collect();
                let at = |round: u32| {
                    let b = quick.block_index(round).unwrap_or(0);
                    crowd::sigmoid(logit(round) + shift[b])
                };
                let mut gamma = self.weights.gamma.clone();
                if let Some((l, moves)) = &uncertainty {
                    let z: Vec<f64> = (0..pool).map(|_| normal()).collect();
                    for i in 0..pool {
                        let own: f64 = (0..=i).map(|j| l[[i, j]] * z[j]).sum();
                        // (A refit may have added a block the fit did not see.)
                        let moved: f64 = shift
                            .iter()
                            .enumerate()
                            .map(|(b, d)| moves.get((i, b)).copied().unwrap_or(0.0) * d)
                            .sum();
                        gamma[i + 1] += own - moved;
                    }
                }
                let quick_now = at(self.next_round);
                let then_factor = then.map_or(1.0, |r| (1.0 - quick.share(r)) / (1.0 - at(r)));
                let spread = pick();
                // A count of ~11,000 has a relative sd of about 1 %.
                let named = point
                    .named
                    .iter()
                    .map(|s| (s * then_factor * (1.0 + 0.01 * normal())).max(0.0))
                    .collect();
                Parameters {
                    quick: quick_now,
                    spread,
                    named,
                    weights: Weights::new(gamma, self.picks),
                }
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
        self.chosen_parts_in(main, self.membership(main), p)
    }

    /// Which of the classes with a share of their own hold `main`.
    pub(super) fn membership(&self, main: NumberSet) -> Membership {
        let mut named = 0u32;
        for (i, n) in self.named.iter().enumerate() {
            let member = match &n.kind {
                NamedKind::Lines(l) => l.contains(&main),
                NamedKind::MostDrawn => self.most_drawn.contains(&main),
            };
            if member {
                named |= 1 << i;
            }
        }
        Membership {
            pattern: self.patterns.contains(&main),
            named,
        }
    }

    /// [`Popularity::chosen_parts`] with `main`'s membership known (the
    /// bootstrap asks for the same ticket under many parameter sets).
    pub(super) fn chosen_parts_in(
        &self,
        main: NumberSet,
        member: Membership,
        p: &Parameters,
    ) -> (f64, f64) {
        let mass = self.named_mass_with(&p.named);
        let product: f64 = main.iter().map(|n| p.weights.w[usize::from(n)]).product();
        let weights = self.weights_factor(p) * product;
        let mut own = if member.pattern {
            (1.0 - mass) * self.share / self.patterns.len() as f64
        } else {
            0.0
        };
        for (i, s) in p.named.iter().enumerate() {
            if member.named & (1 << i) != 0 {
                own += s;
            }
        }
        (weights, own)
    }
}

/// Draws behind a predictive interval.
const PREDICTIVE_DRAWS: usize = 20_000;

/// `value` with the 95 % interval of its bootstrap `samples` (widened to
/// hold `value`).
pub(crate) fn estimate(value: f64, mut samples: Vec<f64>) -> Estimate {
    samples.sort_by(f64::total_cmp);
    if samples.is_empty() {
        return Estimate {
            estimate: value,
            low: value,
            high: value,
        };
    }
    Estimate {
        estimate: value,
        low: quantile(&samples, 0.025).min(value),
        high: quantile(&samples, 0.975).max(value),
    }
}
