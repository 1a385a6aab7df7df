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

use std::collections::BTreeMap;

use ndarray::{Array1, Array2};
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, StudentsT};

use crate::draw::Draw;
use crate::error::{Error, Result};
use crate::game::{BonusMatch, BonusRule, GameSpec, Payout};
use crate::history::HistoryView;
use crate::money::Money;
use crate::odds::{Odds, binomial};
use crate::ticket::{NumberSet, Ticket};

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
    /// `γ_n`, index 0 unused.
    gamma: Vec<f64>,
    /// `w_n = exp(γ_n)`, index 0 unused.
    w: Vec<f64>,
    /// `e_0..e_k(w)` over the whole pool.
    e_all: [f64; MAX_PICKS + 1],
    /// `e_k(w)` over the whole pool.
    z: f64,
    /// `s_r` per tier.
    scale: Vec<f64>,
    /// `ε`.
    share: f64,
    patterns: Vec<NumberSet>,
    dispersion: Vec<f64>,
    training: Option<Training>,
    /// `K_r(j)` per tier, `j = 0..=k`.
    k_table: Vec<Vec<f64>>,
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
        let w = vec![1.0; usize::from(pool) + 1];
        let mut m = Popularity {
            pool,
            picks,
            bonus,
            gamma: vec![0.0; usize::from(pool) + 1],
            z: 0.0,
            e_all: [0.0; MAX_PICKS + 1],
            w,
            scale: vec![1.0; tiers.len()],
            dispersion: vec![1.0; tiers.len()],
            share: 0.0,
            patterns: progressions(pool, picks),
            training: None,
            k_table: Vec::new(),
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
        let mean = self.w[1..].iter().sum::<f64>() / f64::from(self.pool);
        let mut out: Vec<f64> = self.w.iter().map(|w| w / mean).collect();
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
        };
        (0..self.tiers.len())
            .map(|r| self.mu_and_grad(&obs, r, None))
            .collect()
    }

    fn total_combinations(&self) -> f64 {
        binomial(u32::from(self.pool), u32::from(self.picks)).map_or(f64::INFINITY, |c| c as f64)
    }

    fn share_of(&self, main: NumberSet) -> f64 {
        let product: f64 = main.iter().map(|n| self.w[usize::from(n)]).product();
        let pattern = if self.patterns.contains(&main) {
            self.share / self.patterns.len() as f64
        } else {
            0.0
        };
        (1.0 - self.share) * product / self.z + pattern
    }

    fn refresh(&mut self) {
        self.w = self.gamma.iter().map(|g| g.exp()).collect();
        self.e_all = esym(self.w[1..].iter().copied(), usize::from(self.picks));
        self.z = self.e_all[usize::from(self.picks)];
    }

    fn observations(&self, view: HistoryView<'_>) -> Vec<Obs> {
        let game = view.game();
        view.draws()
            .iter()
            .filter_map(|d| {
                let sales = d.total_sales()?;
                let price = ticket_price_at(game, d.round());
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

    /// `μ_r` for `obs`; with `grad`, also `∂μ_r/∂θ` for θ = (γ_1..γ_pool,
    /// log s_1.., logit ε).
    fn mu_and_grad(&self, obs: &Obs, r: usize, grad: Option<&mut [f64]>) -> f64 {
        let k = usize::from(self.picks);
        let tier = self.tiers[r];
        let m = usize::from(tier.main);
        let pool = usize::from(self.pool);
        let bonus = obs.bonus.filter(|_| self.bonus);
        let is_other = |n: u8| !obs.main.contains(n) && Some(n) != bonus;
        let e_w = esym(obs.main.iter().map(|n| self.w[usize::from(n)]), k);
        let e_o = esym(
            (1..=self.pool)
                .filter(|&n| is_other(n))
                .map(|n| self.w[usize::from(n)]),
            k,
        );
        let wb = bonus.map_or(0.0, |b| self.w[usize::from(b)]);
        let accepts_with = bonus.is_some() && tier.bonus.accepts(1);
        let accepts_without = tier.bonus.accepts(0);
        let at =
            |e: &[f64; MAX_PICKS + 1], i: isize| -> f64 { if i < 0 { 0.0 } else { e[i as usize] } };
        let rest = k as isize - m as isize;
        // Tickets with exactly m of the main numbers, with or without the bonus.
        let with_b = if accepts_with {
            at(&e_w, m as isize) * wb * at(&e_o, rest - 1)
        } else {
            0.0
        };
        let without_b = if accepts_without {
            at(&e_w, m as isize) * at(&e_o, rest)
        } else {
            0.0
        };
        let a = with_b + without_b;
        let base = a / self.z;
        let n_s = obs.tickets * self.scale[r];
        let pattern = obs.pattern_wins[r] / self.patterns.len() as f64;
        let mu = n_s * ((1.0 - self.share) * base + self.share * pattern);
        if let Some(g) = grad {
            g.iter_mut().for_each(|x| *x = 0.0);
            let other_factor = (if accepts_with {
                wb * at(&e_o, rest - 1)
            } else {
                0.0
            }) + (if accepts_without { at(&e_o, rest) } else { 0.0 });
            let e_all = self.e_all;
            for n in 1..=self.pool {
                let wn = self.w[usize::from(n)];
                let da = if obs.main.contains(n) {
                    if m == 0 {
                        0.0
                    } else {
                        wn * at(&without(&e_w, wn), m as isize - 1) * other_factor
                    }
                } else if Some(n) == bonus {
                    with_b
                } else {
                    let e_on = without(&e_o, wn);
                    let e_m = at(&e_w, m as isize);
                    (if accepts_with {
                        e_m * wb * wn * at(&e_on, rest - 2)
                    } else {
                        0.0
                    }) + (if accepts_without {
                        e_m * wn * at(&e_on, rest - 1)
                    } else {
                        0.0
                    })
                };
                let dz = wn * without(&e_all, wn)[k - 1];
                let dbase = (da - a * dz / self.z) / self.z;
                g[usize::from(n) - 1] = n_s * (1.0 - self.share) * dbase;
            }
            g[pool + r] = mu;
            g[pool + self.tiers.len()] = n_s * self.share * (1.0 - self.share) * (pattern - base);
        }
        mu
    }

    /// Maximum quasi-likelihood by Fisher scoring; see the module docs. With
    /// `free_share` false, `ε` stays where it is (for the profile likelihood).
    fn fit_observations(&mut self, obs: &[Obs], iterations: usize, free_share: bool) {
        let pool = usize::from(self.pool);
        let tiers = self.tiers.len();
        let p = pool + tiers + 1;
        if self.training.is_none() {
            // Start from uniform choice calibrated per rank, and a small
            // pattern share (the gradient in ε vanishes at exactly zero).
            self.share = 1e-5;
            for r in 0..tiers {
                let y: f64 = obs.iter().map(|o| o.winners[r]).sum();
                let mu: f64 = obs.iter().map(|o| self.mu_and_grad(o, r, None)).sum();
                if y > 0.0 && mu > 0.0 {
                    self.scale[r] *= y / mu;
                }
            }
        }
        // Two stages when starting afresh: unweighted, then weighted by the
        // dispersion the first stage finds.
        let stages = if self.training.is_none() { 2 } else { 1 };
        for stage in 0..stages {
            let mut objective = self.objective(obs);
            for _ in 0..iterations {
                let mut info = Array2::<f64>::zeros((p, p));
                let mut score = Array1::<f64>::zeros(p);
                let mut g = vec![0.0; p];
                for o in obs {
                    for r in 0..tiers {
                        let mu = self.mu_and_grad(o, r, Some(&mut g));
                        if mu.is_nan() || mu <= 0.0 || !mu.is_finite() {
                            continue;
                        }
                        let phi = self.dispersion[r];
                        let resid = (o.winners[r] / mu - 1.0) / phi;
                        let wgt = 1.0 / (mu * phi);
                        for i in 0..p {
                            if g[i] == 0.0 {
                                continue;
                            }
                            score[i] += resid * g[i];
                            let gi = g[i] * wgt;
                            for j in i..p {
                                info[[i, j]] += gi * g[j];
                            }
                        }
                    }
                }
                for i in 0..p {
                    for j in 0..i {
                        info[[i, j]] = info[[j, i]];
                    }
                }
                for n in 1..=pool {
                    score[n - 1] -= RIDGE * self.gamma[n];
                    info[[n - 1, n - 1]] += RIDGE;
                }
                if !free_share {
                    let theta = p - 1;
                    for i in 0..p {
                        info[[i, theta]] = 0.0;
                        info[[theta, i]] = 0.0;
                    }
                    info[[theta, theta]] = 1.0;
                    score[theta] = 0.0;
                }
                let jitter = 1e-9 * (0..p).map(|i| info[[i, i]]).fold(0.0, f64::max).max(1e-12);
                for i in 0..p {
                    info[[i, i]] += jitter;
                }
                let Some(step) = solve_spd(info, score) else {
                    break;
                };
                let saved = (self.gamma.clone(), self.scale.clone(), self.share);
                let mut t = 1.0;
                let mut improved = false;
                for _ in 0..30 {
                    self.apply(&saved, &step, t);
                    let candidate = self.objective(obs);
                    if candidate.is_finite() && candidate >= objective {
                        improved = candidate - objective > 1e-10 * objective.abs().max(1.0);
                        objective = candidate;
                        break;
                    }
                    t *= 0.5;
                    self.apply(&saved, &step, 0.0);
                }
                if !improved {
                    break;
                }
            }
            if stage + 1 < stages || self.training.is_none() {
                self.dispersion = self.pearson_dispersion(obs);
            }
        }
    }

    /// The 95 % profile-likelihood interval of the pattern multiplier: the
    /// multipliers whose best fit (with `ε` held there) is within 1.92
    /// quasi-log-likelihood units of the best fit overall. The lower end is 0
    /// when no pattern share at all is within reach. Also the p-value of the
    /// likelihood-ratio test of "no pattern share" (half a χ²₁ tail: the
    /// null value is on the boundary).
    fn pattern_interval(&self, obs: &[Obs]) -> ((f64, f64), f64) {
        const DROP: f64 = 1.92;
        let best = self.objective(obs);
        let per = self.patterns.len().max(1) as f64 / self.total_combinations();
        let profile = |multiplier: f64| {
            let mut m = self.clone();
            m.share = (multiplier * per).clamp(1e-300, 0.5);
            m.refresh();
            m.fit_observations(obs, 4, false);
            m.objective(obs)
        };
        let estimate = self.pattern_multiplier().max(1e-9);
        // Bisection on the log scale between a point inside and one outside.
        let bisect = |inside: f64, outside: f64| {
            let (mut a, mut b) = (inside.ln(), outside.ln());
            for _ in 0..10 {
                let mid = 0.5 * (a + b);
                if profile(mid.exp()) >= best - DROP {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            (0.5 * (a + b)).exp()
        };
        let at_zero = profile(1e-6);
        let lr = (2.0 * (best - at_zero)).max(0.0);
        let p_value = ChiSquared::new(1.0).map_or(f64::NAN, |c| 0.5 * (1.0 - c.cdf(lr)));
        let lower = if at_zero >= best - DROP {
            0.0
        } else {
            bisect(estimate, 1e-6)
        };
        let far = estimate * 1e3;
        let upper = if profile(far) >= best - DROP {
            f64::INFINITY
        } else {
            bisect(estimate, far)
        };
        ((lower, upper), p_value)
    }

    fn apply(&mut self, saved: &(Vec<f64>, Vec<f64>, f64), step: &Array1<f64>, t: f64) {
        let pool = usize::from(self.pool);
        let tiers = self.tiers.len();
        for n in 1..=pool {
            self.gamma[n] = saved.0[n] + t * step[n - 1];
        }
        for r in 0..tiers {
            self.scale[r] = saved.1[r] * (t * step[pool + r]).clamp(-5.0, 5.0).exp();
        }
        let theta = logit(saved.2) + t * step[pool + tiers];
        self.share = sigmoid(theta.clamp(-40.0, 0.0));
        self.refresh();
    }

    /// The penalised quasi-log-likelihood.
    fn objective(&self, obs: &[Obs]) -> f64 {
        let mut l = 0.0;
        for o in obs {
            for r in 0..self.tiers.len() {
                let mu = self.mu_and_grad(o, r, None);
                let y = o.winners[r];
                if mu <= 0.0 {
                    if y > 0.0 {
                        return f64::NEG_INFINITY;
                    }
                    continue;
                }
                l += (y * mu.ln() - mu) / self.dispersion[r];
            }
        }
        l - 0.5 * RIDGE * self.gamma[1..].iter().map(|g| g * g).sum::<f64>()
    }

    fn pearson_dispersion(&self, obs: &[Obs]) -> Vec<f64> {
        let params_per_tier = (usize::from(self.pool) + 1) as f64 / self.tiers.len() as f64 + 1.0;
        (0..self.tiers.len())
            .map(|r| {
                let chi2: f64 = obs
                    .iter()
                    .map(|o| {
                        let mu = self.mu_and_grad(o, r, None);
                        if mu > 0.0 {
                            (o.winners[r] - mu).powi(2) / mu
                        } else {
                            0.0
                        }
                    })
                    .sum();
                (chi2 / (obs.len() as f64 - params_per_tier).max(1.0)).max(1.0)
            })
            .collect()
    }

    /// `K_r(j)`: the chance that a ticket sharing `j` numbers with yours also
    /// wins `tier` when yours does, counted exactly over draws.
    fn co_win_table(&self, tier: TierRule) -> Vec<f64> {
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
        let sales = match sales {
            Some(s) => s,
            None => view.and_then(recent_sales).ok_or_else(|| {
                Error::invalid(
                    "sales",
                    "the history has no sales figures; give the expected sales of the draw",
                )
            })?,
        };
        if sales.0 == 0 {
            return Err(Error::invalid("sales", "must be more than 0"));
        }
        let value = Valuation::new(self, game, sales);
        let co = self.co_winners(ticket.main(), value.tickets);
        let uniform: Vec<f64> = self
            .tiers
            .iter()
            .map(|t| value.tickets * t.probability)
            .collect();
        let ev = value.ev(&co);
        let uniform_ev = value.ev(&uniform);
        let by_rank = |v: &[f64]| -> BTreeMap<String, f64> {
            self.tiers
                .iter()
                .zip(v)
                .map(|(t, x)| (t.rank.to_string(), *x))
                .collect()
        };
        let probabilities: Vec<f64> = self.tiers.iter().map(|t| t.probability).collect();
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
            note: NOTE,
        })
    }

    /// Expected other winners of each rank, given that `main` wins it, with
    /// `tickets` sold.
    pub fn co_winners(&self, main: NumberSet, tickets: f64) -> Vec<f64> {
        let k = usize::from(self.picks);
        let inside = esym(main.iter().map(|n| self.w[usize::from(n)]), k);
        // The other numbers: the whole pool with the ticket's divided out.
        let outside = main
            .iter()
            .fold(self.e_all, |e, n| without(&e, self.w[usize::from(n)]));
        let per_pattern = self.share / self.patterns.len().max(1) as f64;
        let mut q = vec![0.0; k + 1];
        for (j, qj) in q.iter_mut().enumerate() {
            *qj = (1.0 - self.share) * inside[j] * outside[k - j] / self.z;
        }
        if per_pattern > 0.0 {
            for p in &self.patterns {
                q[usize::from(p.common(main))] += per_pattern;
            }
        }
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

    /// Trains on the draws of `history` up to round `split` and scores the
    /// draws after it against uniform choice; see [`PopularityEvaluation`].
    pub fn evaluate(view: HistoryView<'_>, split: u32) -> Result<PopularityEvaluation> {
        let (train, test) = view.split_at_round(split);
        let model = Popularity::fit(train)?;
        let (interval, pattern_p_value) = model.pattern_interval(&model.observations(train));
        let uniform = Popularity::uniform(view.game())?;
        let obs = model.observations(test);
        if obs.len() < 2 {
            return Err(Error::invalid(
                "history",
                format!(
                    "{} usable draws after round {split}; at least 2 are needed to evaluate",
                    obs.len()
                ),
            ));
        }
        let n = obs.len();
        let mut combined = vec![0.0; n];
        let mut tiers = Vec::new();
        for (r, tier) in model.tiers.iter().enumerate() {
            let mut diffs = Vec::with_capacity(n);
            let (mut du, mut ds, mut dm, mut y) = (0.0, 0.0, 0.0, 0.0);
            for (i, o) in obs.iter().enumerate() {
                let mu_u = uniform.mu_and_grad(o, r, None);
                let mu_m = model.mu_and_grad(o, r, None);
                let u = deviance(o.winners[r], mu_u);
                let m = deviance(o.winners[r], mu_m);
                du += u;
                dm += m;
                ds += deviance(o.winners[r], mu_u * model.scale[r]);
                y += o.winners[r];
                diffs.push(u - m);
                combined[i] += (u - m) / model.dispersion[r];
            }
            let (t, p) = paired_t(&diffs);
            tiers.push(TierEvaluation {
                rank: tier.rank,
                winners: y,
                deviance_uniform: du,
                deviance_calibrated_uniform: ds,
                deviance_model: dm,
                improvement: 1.0 - dm / du,
                dispersion: model.dispersion[r],
                t,
                p_value: p,
            });
        }
        let (t, p) = paired_t(&combined);
        let pop = model.number_popularity();
        let mut numbers: Vec<(u8, f64)> =
            (1..=model.pool).map(|n| (n, pop[usize::from(n)])).collect();
        numbers.sort_by(|a, b| b.1.total_cmp(&a.1));
        Ok(PopularityEvaluation {
            train: model.training.clone().unwrap_or(Training {
                draws: 0,
                first_round: 0,
                last_round: 0,
            }),
            test_draws: obs.len(),
            test_first_round: test.draws().first().map_or(0, Draw::round),
            test_last_round: test.latest_round().unwrap_or(0),
            tiers,
            combined_t: t,
            combined_p_value: p,
            pattern_share: model.share,
            pattern_multiplier: model.pattern_multiplier(),
            pattern_multiplier_interval: interval,
            pattern_p_value,
            patterns: model.patterns.len(),
            most_popular_numbers: numbers.iter().take(5).copied().collect(),
            least_popular_numbers: numbers.iter().rev().take(5).copied().collect(),
            note: NOTE,
        })
    }
}

/// The pools of one draw, for expected values.
#[derive(Debug, Clone)]
pub(crate) struct Valuation {
    pub(crate) tickets: f64,
    /// Per tier: `(probability, fixed amount or pari-mutuel pool)`.
    tiers: Vec<(f64, Prize)>,
}

#[derive(Debug, Clone, Copy)]
enum Prize {
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
    fn shares(&self, co: &[f64]) -> Vec<f64> {
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
    fn ev(&self, co: &[f64]) -> f64 {
        self.tiers
            .iter()
            .zip(self.shares(co))
            .map(|((p, _), s)| if s.is_finite() { p * s } else { 0.0 })
            .sum()
    }
}

/// `E[1 / (1 + C)]` for `C ~ Poisson(λ)`: `(1 − e^{−λ}) / λ`.
fn share_factor(lambda: f64) -> f64 {
    if lambda < 1e-9 {
        1.0 - lambda / 2.0
    } else {
        -(-lambda).exp_m1() / lambda
    }
}

/// What the popularity model says about one ticket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketPopularity {
    /// The ticket.
    pub numbers: Vec<u8>,
    /// How many times more often than a uniformly random ticket it is played.
    pub popularity: f64,
    /// Other winners expected at each rank if this ticket wins it.
    pub expected_co_winners: BTreeMap<String, f64>,
    /// The same under uniform choice (tickets sold × odds).
    pub uniform_co_winners: BTreeMap<String, f64>,
    /// What this ticket would receive at each rank (pool share for
    /// pari-mutuel ranks, the amount for fixed ones), before tax.
    pub expected_prize: BTreeMap<String, f64>,
    /// The chance of each rank: the same for every ticket.
    pub win_probability: BTreeMap<String, f64>,
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
    /// What popularity does and does not change.
    pub note: &'static str,
}

/// The out-of-sample evaluation of [`Popularity::evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopularityEvaluation {
    /// What the model was trained on.
    pub train: Training,
    /// Held-out draws scored.
    pub test_draws: usize,
    /// The first held-out round.
    pub test_first_round: u32,
    /// The last held-out round.
    pub test_last_round: u32,
    /// Per rank.
    pub tiers: Vec<TierEvaluation>,
    /// Paired t statistic of the per-draw deviance gain over all ranks
    /// (each rank's gain divided by its dispersion).
    pub combined_t: f64,
    /// Its one-sided p-value.
    pub combined_p_value: f64,
    /// `ε`, the share of tickets on the salient patterns.
    pub pattern_share: f64,
    /// A pattern ticket's popularity relative to a uniform ticket, from the
    /// pattern share alone.
    pub pattern_multiplier: f64,
    /// Its 95 % profile-likelihood interval (quasi-likelihood, so it
    /// allows for the dispersion); the upper end is infinite when the data
    /// set none.
    pub pattern_multiplier_interval: (f64, f64),
    /// One-sided p-value of the likelihood-ratio test that nobody favours
    /// the patterns (training draws).
    pub pattern_p_value: f64,
    /// How many salient patterns there are.
    pub patterns: usize,
    /// The five most picked numbers and their popularity (1 = average).
    pub most_popular_numbers: Vec<(u8, f64)>,
    /// The five least picked.
    pub least_popular_numbers: Vec<(u8, f64)>,
    /// What popularity does and does not change.
    pub note: &'static str,
}

/// One rank's out-of-sample scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierEvaluation {
    /// The rank.
    pub rank: u8,
    /// Winners in the held-out draws.
    pub winners: f64,
    /// Poisson deviance of uniform choice (tickets sold × odds).
    pub deviance_uniform: f64,
    /// Of uniform choice rescaled by the trained per-rank calibration alone.
    pub deviance_calibrated_uniform: f64,
    /// Of the model.
    pub deviance_model: f64,
    /// `1 − model / uniform`.
    pub improvement: f64,
    /// The rank's dispersion `φ` (Pearson, training draws).
    pub dispersion: f64,
    /// Paired t statistic of the per-draw deviance gain.
    pub t: f64,
    /// Its one-sided p-value (is the model better than uniform?).
    pub p_value: f64,
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

/// The ticket price when `round` was drawn. Korean Lotto cost 2,000 won a
/// game until draw 87 (2004-08-21); the winner counts of draws 1–87 are half
/// what their sales at 1,000 won would predict at every rank.
pub fn ticket_price_at(game: &GameSpec, round: u32) -> Money {
    if game.id() == "kr645" && round < 88 {
        Money(2_000)
    } else {
        game.ticket_price()
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

/// `e_0..e_max` of the weights (entries past `max` stay 0).
fn esym(weights: impl Iterator<Item = f64>, max: usize) -> [f64; MAX_PICKS + 1] {
    let mut e = [0.0; MAX_PICKS + 1];
    e[0] = 1.0;
    for w in weights {
        for j in (1..=max.min(MAX_PICKS)).rev() {
            e[j] += e[j - 1] * w;
        }
    }
    e
}

/// The symmetric polynomials of a set with one weight `w` removed.
fn without(e: &[f64; MAX_PICKS + 1], w: f64) -> [f64; MAX_PICKS + 1] {
    let mut out = [0.0; MAX_PICKS + 1];
    out[0] = 1.0;
    for j in 1..=MAX_PICKS {
        out[j] = e[j] - w * out[j - 1];
    }
    out
}

fn deviance(y: f64, mu: f64) -> f64 {
    let t = if y > 0.0 { y * (y / mu).ln() } else { 0.0 };
    2.0 * (t - (y - mu))
}

/// Paired one-sided t-test that the mean of `d` is above zero.
fn paired_t(d: &[f64]) -> (f64, f64) {
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let t = mean / (var / n).sqrt();
    let p = StudentsT::new(0.0, 1.0, n - 1.0).map_or(f64::NAN, |dist| 1.0 - dist.cdf(t));
    (t, p)
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-300, 1.0 - 1e-12);
    (p / (1.0 - p)).ln()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Solves `a · x = b` for a symmetric positive definite `a` (Cholesky).
fn solve_spd(mut a: Array2<f64>, b: Array1<f64>) -> Option<Array1<f64>> {
    let n = b.len();
    for j in 0..n {
        let mut d = a[[j, j]];
        for k in 0..j {
            d -= a[[j, k]] * a[[j, k]];
        }
        if d.is_nan() || d <= 0.0 {
            return None;
        }
        let d = d.sqrt();
        a[[j, j]] = d;
        for i in j + 1..n {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= a[[i, k]] * a[[j, k]];
            }
            a[[i, j]] = s / d;
        }
    }
    let mut y = b;
    for i in 0..n {
        let mut s = y[i];
        for k in 0..i {
            s -= a[[i, k]] * y[k];
        }
        y[i] = s / a[[i, i]];
    }
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= a[[k, i]] * y[k];
        }
        y[i] = s / a[[i, i]];
    }
    Some(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_co_winners_are_tickets_times_odds() {
        let g = GameSpec::kr645();
        let m = Popularity::uniform(&g).unwrap();
        let t = NumberSet::from_numbers(&[1, 2, 3, 4, 5, 6]);
        let co = m.co_winners(t, 1e8);
        let odds = Odds::of(&g);
        for (c, o) in co.iter().zip(&odds.tiers) {
            assert!(
                (c / (1e8 * o.probability) - 1.0).abs() < 1e-9,
                "{c} vs {}",
                o.probability
            );
        }
        assert!((m.multiplier(t) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn uniform_expected_winners_are_tickets_times_odds() {
        let g = GameSpec::kr645();
        let m = Popularity::uniform(&g).unwrap();
        let w = m.expected_winners(
            NumberSet::from_numbers(&[3, 9, 20, 31, 40, 44]),
            Some(7),
            1e8,
        );
        for (x, o) in w.iter().zip(&Odds::of(&g).tiers) {
            assert!((x / (1e8 * o.probability) - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn co_win_table_is_one_for_the_same_ticket_and_matches_the_odds() {
        let g = GameSpec::kr645();
        let m = Popularity::uniform(&g).unwrap();
        for table in &m.k_table {
            assert!((table[6] - 1.0).abs() < 1e-12);
        }
        // Only your own combination wins rank 1 with you.
        assert!(m.k_table[0][..6].iter().all(|k| *k == 0.0));
        // Sharing five numbers, including the bonus you hold, and the sixth
        // drawn number: the other ticket wins rank 2 too.
        assert!(m.k_table[1][5] > 0.0);
    }

    #[test]
    fn progressions_include_runs_columns_and_multiples() {
        let p = progressions(45, 6);
        assert_eq!(p.len(), 180);
        for t in [
            [1, 2, 3, 4, 5, 6],
            [7, 14, 21, 28, 35, 42],
            [5, 10, 15, 20, 25, 30],
        ] {
            assert!(p.contains(&NumberSet::from_numbers(&t)));
        }
    }

    #[test]
    fn symmetric_polynomials_and_removal() {
        let e = esym([1.0, 2.0, 3.0].into_iter(), 3);
        assert_eq!(&e[..4], &[1.0, 6.0, 11.0, 6.0]);
        let w = without(&e, 2.0);
        assert_eq!(&w[..3], &[1.0, 4.0, 3.0]);
    }

    /// A 4-of-12 game with one bonus number and tiers like Korea's, and a
    /// model with uneven number weights, a pattern share and calibrations.
    fn small() -> (GameSpec, Popularity) {
        use crate::game::{Payout, Tier};
        let mut def = GameSpec::kr645().def().clone();
        def.pool = 12;
        def.picks = 4;
        let pari = |rank, main, bonus| Tier {
            rank,
            main,
            bonus,
            payout: Payout::PariMutuel {
                share_permille: Some(300),
            },
        };
        def.tiers = vec![
            pari(1, 4, BonusMatch::Any),
            pari(2, 3, BonusMatch::Exactly(1)),
            pari(3, 3, BonusMatch::Exactly(0)),
            Tier {
                rank: 4,
                main: 2,
                bonus: BonusMatch::Any,
                payout: Payout::Fixed {
                    amount: Money(1_000),
                },
            },
        ];
        let game = GameSpec::new(def).unwrap();
        let mut m = Popularity::uniform(&game).unwrap();
        for n in 1..=12usize {
            m.gamma[n] = ((n * 7) % 5) as f64 * 0.3 - 0.6;
        }
        m.share = 0.05;
        m.scale = vec![1.3, 0.9, 1.1, 0.7];
        m.refresh();
        (game, m)
    }

    fn all_tickets(pool: u8, k: u8) -> Vec<NumberSet> {
        let mut out = Vec::new();
        let mut x: u64 = (1 << k) - 1;
        while x < 1 << pool {
            out.push(NumberSet::from_bits(u128::from(x) << 1));
            let c = x & x.wrapping_neg();
            let r = x + c;
            x = (((r ^ x) >> 2) / c) | r;
        }
        out
    }

    fn wins(game: &GameSpec, t: NumberSet, main: NumberSet, bonus: u8) -> Option<usize> {
        let m = t.common(main);
        let b = u8::from(t.contains(bonus));
        game.tiers()
            .iter()
            .position(|tier| tier.main == m && tier.bonus.accepts(b))
    }

    #[test]
    fn shares_sum_to_one_over_all_tickets() {
        let (_, m) = small();
        let total: f64 = all_tickets(12, 4).into_iter().map(|t| m.share_of(t)).sum();
        assert!((total - 1.0).abs() < 1e-12, "{total}");
    }

    #[test]
    fn expected_winners_match_a_sum_over_every_ticket() {
        let (game, m) = small();
        let tickets = all_tickets(12, 4);
        for (main, bonus) in [
            (&[1u8, 2, 3, 4][..], 5u8),
            (&[2, 5, 9, 12], 1),
            (&[3, 6, 9, 12], 7),
        ] {
            let main = NumberSet::from_numbers(main);
            let got = m.expected_winners(main, Some(bonus), 1e6);
            let mut want = [0.0; 4];
            for &t in &tickets {
                if let Some(r) = wins(&game, t, main, bonus) {
                    want[r] += m.share_of(t);
                }
            }
            for r in 0..4 {
                let w = 1e6 * m.scale[r] * want[r];
                assert!(
                    (got[r] / w - 1.0).abs() < 1e-9,
                    "rank {}: {} vs {w}",
                    r + 1,
                    got[r]
                );
            }
        }
    }

    #[test]
    fn co_winners_match_a_sum_over_every_draw_and_ticket() {
        let (game, m) = small();
        let tickets = all_tickets(12, 4);
        let draws: Vec<(NumberSet, u8)> = tickets
            .iter()
            .flat_map(|&w| {
                (1..=12u8)
                    .filter(move |b| !w.contains(*b))
                    .map(move |b| (w, b))
            })
            .collect();
        for mine in [
            NumberSet::from_numbers(&[1, 2, 3, 4]),
            NumberSet::from_numbers(&[2, 6, 7, 11]),
        ] {
            let got = m.co_winners(mine, 1e6);
            // Σ over tickets of π(t) · P(t wins r | mine wins r), by counting draws.
            for (r, got) in got.iter().enumerate() {
                let mine_wins: Vec<&(NumberSet, u8)> = draws
                    .iter()
                    .filter(|(w, b)| wins(&game, mine, *w, *b) == Some(r))
                    .collect();
                let want: f64 = tickets
                    .iter()
                    .map(|&t| {
                        let both = mine_wins
                            .iter()
                            .filter(|(w, b)| wins(&game, t, *w, *b) == Some(r))
                            .count();
                        m.share_of(t) * both as f64 / mine_wins.len() as f64
                    })
                    .sum::<f64>()
                    * 1e6
                    * m.scale[r];
                assert!(
                    (got / want - 1.0).abs() < 1e-9,
                    "rank {}: {got} vs {want}",
                    r + 1
                );
            }
        }
    }

    #[test]
    fn the_gradient_matches_finite_differences() {
        let (_, mut m) = small();
        let obs = Obs {
            main: NumberSet::from_numbers(&[2, 5, 9, 12]),
            bonus: Some(4),
            tickets: 1e6,
            winners: vec![],
            pattern_wins: m.pattern_wins(NumberSet::from_numbers(&[2, 5, 9, 12]), Some(4)),
        };
        let p = 12 + 4 + 1;
        for r in 0..4 {
            let mut g = vec![0.0; p];
            let mu = m.mu_and_grad(&obs, r, Some(&mut g));
            let h = 1e-6;
            for n in 1..=12usize {
                m.gamma[n] += h;
                m.refresh();
                let up = m.mu_and_grad(&obs, r, None);
                m.gamma[n] -= h;
                m.refresh();
                let numeric = (up - mu) / h;
                assert!(
                    (numeric - g[n - 1]).abs() < 1e-4 * mu.max(1.0),
                    "rank {} γ{n}: {numeric} vs {}",
                    r + 1,
                    g[n - 1]
                );
            }
            let saved = m.share;
            m.share = sigmoid(logit(saved) + h);
            let up = m.mu_and_grad(&obs, r, None);
            m.share = saved;
            assert!(
                ((up - mu) / h - g[p - 1]).abs() < 1e-4 * mu.max(1.0),
                "rank {} ε",
                r + 1
            );
            assert!((g[12 + r] - mu).abs() < 1e-12);
        }
    }

    #[test]
    fn games_beyond_the_model_are_refused_by_name() {
        let e = Popularity::uniform(&GameSpec::preset("powerball").unwrap()).unwrap_err();
        assert!(e.to_string().starts_with("game:"), "{e}");
    }
}
