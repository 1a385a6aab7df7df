//! Fitting: quasi-likelihood by Fisher scoring with step halving, the
//! profile-likelihood interval of the pattern share, and the dispersion of
//! each rank.

use ndarray::{Array1, Array2};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::MAX_PICKS;
use super::math::{cholesky, esym, logit, sigmoid, solve_spd, without};
use super::{Obs, Popularity};

impl Popularity {
    /// `μ_r` for `obs`; with `grad`, also `∂μ_r/∂θ` for θ = (γ_1..γ_pool,
    /// log s_1.., logit ε).
    pub(super) fn mu_and_grad(&self, obs: &Obs, r: usize, grad: Option<&mut [f64]>) -> f64 {
        let k = usize::from(self.picks);
        let tier = self.tiers[r];
        let m = usize::from(tier.main);
        let pool = usize::from(self.pool);
        let bonus = obs.bonus.filter(|_| self.bonus);
        let is_other = |n: u8| !obs.main.contains(n) && Some(n) != bonus;
        let e_w = esym(obs.main.iter().map(|n| self.weights.w[usize::from(n)]), k);
        let e_o = esym(
            (1..=self.pool)
                .filter(|&n| is_other(n))
                .map(|n| self.weights.w[usize::from(n)]),
            k,
        );
        let wb = bonus.map_or(0.0, |b| self.weights.w[usize::from(b)]);
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
        let base = a / self.weights.z;
        let n_s = obs.tickets * self.scale[r];
        let pattern = obs.pattern_wins[r] / self.patterns.len() as f64;
        // Quick picks win at the tier's odds; the chosen tickets outside the
        // named classes follow the number weights and the patterns.
        let chosen = (1.0 - obs.quick) * (1.0 - self.named_mass);
        let mu = n_s
            * (obs.quick * tier.probability
                + chosen * ((1.0 - self.share) * base + self.share * pattern)
                + (1.0 - obs.quick) * obs.named_wins[r]);
        if let Some(g) = grad {
            g.iter_mut().for_each(|x| *x = 0.0);
            let other_factor = (if accepts_with {
                wb * at(&e_o, rest - 1)
            } else {
                0.0
            }) + (if accepts_without { at(&e_o, rest) } else { 0.0 });
            let e_all = self.weights.e_all;
            for n in 1..=self.pool {
                let wn = self.weights.w[usize::from(n)];
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
                let dbase = (da - a * dz / self.weights.z) / self.weights.z;
                g[usize::from(n) - 1] = n_s * chosen * (1.0 - self.share) * dbase;
            }
            g[pool + r] = mu;
            g[pool + self.tiers.len()] =
                n_s * chosen * self.share * (1.0 - self.share) * (pattern - base);
        }
        mu
    }

    /// Maximum quasi-likelihood by Fisher scoring; see the module docs. With
    /// `free_share` false, `ε` stays where it is (for the profile likelihood).
    pub(super) fn fit_observations(&mut self, obs: &[Obs], iterations: usize, free_share: bool) {
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
                let (mut info, mut score) = self.information(obs, false);
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
                let saved = (self.weights.gamma.clone(), self.scale.clone(), self.share);
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

    /// The penalised quasi-likelihood's expected information and score at
    /// the current parameters, θ ordered as in [`Popularity::mu_and_grad`].
    /// With `blocks` (second model), θ goes on with the logit of each
    /// block's quick-pick share (the fit takes the shares as given; these
    /// rows say how the weights would move with them).
    pub(super) fn information(&self, obs: &[Obs], blocks: bool) -> (Array2<f64>, Array1<f64>) {
        let pool = usize::from(self.pool);
        let tiers = self.tiers.len();
        let base = pool + tiers + 1;
        let quick = self.quick.as_ref().filter(|_| blocks);
        let p = base + quick.map_or(0, |q| q.blocks.len());
        let mut info = Array2::<f64>::zeros((p, p));
        let mut score = Array1::<f64>::zeros(p);
        let mut g = vec![0.0; p];
        for o in obs {
            for r in 0..tiers {
                let mu = self.mu_and_grad(o, r, Some(&mut g[..base]));
                if mu.is_nan() || mu <= 0.0 || !mu.is_finite() {
                    continue;
                }
                g[base..].iter_mut().for_each(|x| *x = 0.0);
                if let (Some(_), Some(b)) = (quick, o.block) {
                    // μ = n q p_r + (1 − q) X, so ∂μ/∂q = n p_r − X.
                    let n_p = o.tickets * self.scale[r] * self.tiers[r].probability;
                    let d_q = n_p - (mu - n_p * o.quick) / (1.0 - o.quick);
                    g[base + b] = d_q * o.quick * (1.0 - o.quick);
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
            score[n - 1] -= self.ridge * self.weights.gamma[n];
            info[[n - 1, n - 1]] += self.ridge;
        }
        (info, score)
    }

    /// How uncertain the number weights are: the lower Cholesky factor `L`
    /// of the covariance of `γ_1..γ_pool` with the quick-pick shares known,
    /// and `J`, how `γ` moves per unit of each block's logit share (`γ` is
    /// fitted given shares estimated from other data, so its error is
    /// `L z − J δ` for a share error `δ`: the two-step estimator's
    /// covariance, Murphy and Topel 1985). From the information at the fit
    /// (see [`Popularity::information`]; kept from the last full fit, which
    /// a refit on a few more draws barely changes); `None` before a fit or
    /// if the information is singular.
    pub(super) fn weights_uncertainty(&self) -> Option<(Array2<f64>, Array2<f64>)> {
        let info = self.information.as_ref()?;
        let pool = usize::from(self.pool);
        let base = pool + self.tiers.len() + 1;
        let blocks = info.nrows() - base;
        let a = Array2::from_shape_fn((base, base), |(i, j)| info[[i, j]]);
        let solve = |rhs: Array1<f64>| solve_spd(a.clone(), rhs);
        let mut cov = Array2::<f64>::zeros((pool, pool));
        for i in 0..pool {
            let mut e = Array1::<f64>::zeros(base);
            e[i] = 1.0;
            let col = solve(e)?;
            for j in 0..pool {
                cov[[j, i]] = col[j];
            }
        }
        let mut moves = Array2::<f64>::zeros((pool, blocks));
        for b in 0..blocks {
            let col = solve(Array1::from_shape_fn(base, |i| info[[i, base + b]]))?;
            for j in 0..pool {
                moves[[j, b]] = col[j];
            }
        }
        Some((cholesky(cov)?, moves))
    }

    /// The 95 % profile-likelihood interval of the pattern multiplier: the
    /// multipliers whose best fit (with `ε` held there) is within 1.92
    /// quasi-log-likelihood units of the best fit overall. The lower end is 0
    /// when no pattern share at all is within reach. Also the p-value of the
    /// likelihood-ratio test of "no pattern share" (half a χ²₁ tail: the
    /// null value is on the boundary).
    pub(super) fn pattern_interval(&self, obs: &[Obs]) -> ((f64, f64), f64) {
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

    pub(super) fn apply(&mut self, saved: &(Vec<f64>, Vec<f64>, f64), step: &Array1<f64>, t: f64) {
        let pool = usize::from(self.pool);
        let tiers = self.tiers.len();
        for n in 1..=pool {
            self.weights.gamma[n] = saved.0[n] + t * step[n - 1];
        }
        for r in 0..tiers {
            self.scale[r] = saved.1[r] * (t * step[pool + r]).clamp(-5.0, 5.0).exp();
        }
        let theta = logit(saved.2) + t * step[pool + tiers];
        self.share = sigmoid(theta.clamp(-40.0, 0.0));
        self.refresh();
    }

    /// The penalised quasi-log-likelihood.
    pub(super) fn objective(&self, obs: &[Obs]) -> f64 {
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
        l - 0.5 * self.ridge * self.weights.gamma[1..].iter().map(|g| g * g).sum::<f64>()
    }

    pub(super) fn pearson_dispersion(&self, obs: &[Obs]) -> Vec<f64> {
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
}
