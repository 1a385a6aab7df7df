//! The distribution of one draw's sales over all combinations (see
//! [`second`](super::second)): every combination's weights part binned by
//! the sum of its numbers' `γ` (512 bins, counted on bins eight times
//! finer), the few with a share of their own taken one by one, and the
//! crowding spread integrated by Gauss–Hermite quadrature. A Monte Carlo
//! of every combination in the tests checks the binned figures.

use statrs::function::gamma::gamma_lr;

use super::crowd::{Spread, normal_nodes};
use super::math::Weights;
use super::{NamedKind, Popularity};
use crate::ticket::NumberSet;

/// Bins of the weights part.
const BINS: usize = 512;
/// Quadrature nodes of the spread.
const NODES: usize = 24;

/// Fine bins per bin while counting (see [`ShareTable::new`]).
const FINE: usize = 8;

impl Popularity {
    /// Every combination's weights part at the point estimates, binned
    /// (built on first use and kept with the model); see the module docs.
    pub(super) fn share_table(&self) -> &ShareTable {
        self.table
            .get_or_init(|| ShareTable::new(self, &self.parameters()))
    }

    /// The combinations with a share of their own (patterns, named
    /// classes), each once.
    pub(super) fn special(&self) -> Vec<NumberSet> {
        let mut special: Vec<NumberSet> = self.patterns.clone();
        for n in &self.named {
            match &n.kind {
                NamedKind::Lines(l) => special.extend(l.iter().copied()),
                NamedKind::MostDrawn => special.extend(self.most_drawn.iter().copied()),
            }
        }
        special.sort_by_key(|s| s.to_vec());
        special.dedup();
        special
    }
}

/// Combinations binned by the sum of their numbers' `γ` under one
/// parameter set, and the special ones.
#[derive(Debug, Clone)]
pub(super) struct ShareTable {
    count: Vec<u64>,
    /// Per bin, the sum of `Π w` over its combinations.
    sum: Vec<f64>,
    /// `Σ γ` at fine index 0, and the fine bins' width.
    fine_base: f64,
    fine: f64,
    /// From fine index `fine_first` on: the combinations at that index and
    /// above (the special ones not counted).
    fine_first: usize,
    fine_above: Vec<u64>,
    special: Vec<NumberSet>,
    /// The special combinations' chosen shares, ascending.
    special_shares: Vec<f64>,
}

impl ShareTable {
    /// The table of `m`'s combinations under `p`. Counting is a dynamic
    /// programme over the numbers (a combination's `Σ γ` is the sum of its
    /// numbers'), on bins eight times finer than the table's with each `γ`
    /// rounded to one: a combination lands at most 3/8 of a bin from its
    /// exact place, and each bin's `Σ Π w` is exact for the combinations
    /// it holds. About 2 ms, where visiting all 8,145,060 took 60.
    pub(super) fn new(m: &Popularity, p: &Parameters) -> ShareTable {
        let k = usize::from(m.picks);
        let gamma = &p.weights.gamma[1..];
        let w = &p.weights.w[1..];
        let mut sorted = gamma.to_vec();
        sorted.sort_by(f64::total_cmp);
        let lo: f64 = sorted[..k].iter().sum();
        let hi: f64 = sorted[sorted.len() - k..].iter().sum();
        let width = ((hi - lo) / BINS as f64).max(1e-12);
        let fine = width / FINE as f64;
        let floor = sorted[0];
        let index: Vec<usize> = gamma
            .iter()
            .map(|g| ((g - floor) / fine).round() as usize)
            .collect();
        let top = index.iter().copied().max().unwrap_or(0);
        let len = k * top + 1;
        // counts[j][f], sums[j][f]: j-number subsets at fine index f.
        let mut counts = vec![vec![0u64; len]; k + 1];
        let mut sums = vec![vec![0.0f64; len]; k + 1];
        counts[0][0] = 1;
        sums[0][0] = 1.0;
        for (n, (&f, &wn)) in index.iter().zip(w).enumerate() {
            for j in (1..=k.min(n + 1)).rev() {
                let reach = (j - 1) * top;
                let (lower, upper) = counts.split_at_mut(j);
                let (slower, supper) = sums.split_at_mut(j);
                for i in 0..=reach {
                    let c = lower[j - 1][i];
                    if c > 0 {
                        upper[0][i + f] += c;
                        supper[0][i + f] += slower[j - 1][i] * wn;
                    }
                }
            }
        }
        let offset = (lo - k as f64 * floor) / fine;
        let bin_of = |i: usize| -> usize {
            (((i as f64 - offset) / FINE as f64).max(0.0) as usize).min(BINS - 1)
        };
        let (mut count, mut sum) = (vec![0u64; BINS], vec![0.0; BINS]);
        for (i, (&c, &s)) in counts[k].iter().zip(&sums[k]).enumerate() {
            if c > 0 {
                let b = bin_of(i);
                count[b] += c;
                sum[b] += s;
            }
        }
        let special = m.special();
        let mut at_index = std::mem::take(&mut counts[k]);
        for s in &special {
            let i: usize = s.iter().map(|n| index[usize::from(n) - 1]).sum();
            let b = bin_of(i);
            count[b] = count[b].saturating_sub(1);
            sum[b] -= s
                .iter()
                .map(|n| p.weights.w[usize::from(n)])
                .product::<f64>();
            at_index[i] = at_index[i].saturating_sub(1);
        }
        let fine_first = at_index.iter().position(|c| *c > 0).unwrap_or(0);
        let fine_last = at_index.iter().rposition(|c| *c > 0).unwrap_or(0);
        let mut fine_above = at_index[fine_first..=fine_last].to_vec();
        for i in (0..fine_above.len().saturating_sub(1)).rev() {
            fine_above[i] += fine_above[i + 1];
        }
        let mut special_shares: Vec<f64> = special
            .iter()
            .map(|s| {
                let (w, own) = m.chosen_parts(*s, p);
                w + own
            })
            .collect();
        special_shares.sort_by(f64::total_cmp);
        ShareTable {
            count,
            sum,
            fine_base: k as f64 * floor,
            fine,
            fine_first,
            fine_above,
            special,
            special_shares,
        }
    }

    /// The rank of a chosen share `mine` among all combinations under the
    /// parameters the table was built for (`factor`: their
    /// [`Popularity::weights_factor`]): the combinations at fine
    /// indices above its share's, and the fraction of its own index's that
    /// lies above it (exact to a few fine bins, a few thousand places in
    /// the crowded middle of the 8,145,060).
    pub(super) fn rank(&self, mine: f64, factor: f64) -> u64 {
        let all = self.fine_above.first().copied().unwrap_or(0);
        let from_bins = if factor <= 0.0 || mine <= 0.0 {
            all as f64
        } else {
            let x = ((mine / factor).ln() - self.fine_base) / self.fine - self.fine_first as f64;
            let i = x.round();
            let above = |j: f64| -> f64 {
                if j < 0.0 {
                    all as f64
                } else {
                    self.fine_above.get(j as usize).map_or(0.0, |c| *c as f64)
                }
            };
            // Index i holds the combinations within half a fine bin of it.
            let here = above(i) - above(i + 1.0);
            above(i + 1.0) + here * (i + 0.5 - x).clamp(0.0, 1.0)
        };
        let not_above = self.special_shares.partition_point(|s| *s <= mine);
        let specials = (self.special_shares.len() - not_above) as u64;
        from_bins.round() as u64 + specials + 1
    }

    /// `[never, once, 50 or more, largest]` for `games` games under `p`.
    pub(super) fn figures(&self, m: &Popularity, p: &Parameters, games: f64) -> [f64; 4] {
        let nodes = normal_nodes(NODES);
        let total = m.total_combinations();
        let factor = m.weights_factor(p);
        // Each group: (how many combinations, weights part, own part).
        let mut groups: Vec<(f64, f64, f64)> = self
            .count
            .iter()
            .zip(&self.sum)
            .filter(|(c, _)| **c > 0)
            .map(|(c, s)| (*c as f64, factor * s / *c as f64, 0.0))
            .collect();
        for s in &self.special {
            let (w, own) = m.chosen_parts(*s, p);
            groups.push((1.0, w, own));
        }
        let [sigma, share, mult] = p.spread;
        // Quadrature points of U: (weight, value).
        let points: Vec<(f64, f64)> = Spread::components(share, mult)
            .iter()
            .filter(|(prob, _)| *prob > 0.0)
            .flat_map(|&(prob, factor)| {
                nodes.iter().map(move |&(z, w)| {
                    (prob * w, factor * (sigma * z - 0.5 * sigma * sigma).exp())
                })
            })
            .collect();
        let u_top = points.iter().map(|p| p.1).fold(0.0, f64::max);
        let mean =
            |w: f64, own: f64, u: f64| games * (p.quick / total + (1.0 - p.quick) * (own + w * u));
        let fifty_table = TailTable::fifty();
        let (mut never, mut once, mut fifty) = (0.0, 0.0, 0.0);
        for &(n, w, own) in &groups {
            for &(wt, u) in &points {
                let mu = mean(w, own, u);
                never += n * wt * (-mu).exp();
                once += n * wt * mu * (-mu).exp();
                fifty += n * wt * fifty_table.at(mu);
            }
        }
        // The largest crowd: P(max < x) = Π P(count < x); its mean from
        // the quantiles at (i + ½)/16.
        let ln_below = |x: f64| -> f64 {
            let mut s = 0.0;
            for &(n, w, own) in &groups {
                // Groups far below x cannot reach it.
                if mean(w, own, u_top) < x / 4.0 {
                    continue;
                }
                // When the spread barely moves the mean (the named
                // combinations), one evaluation stands for all points.
                let reach: f64 = if w * games < 1e-3 * own * games {
                    poisson_tail(x, mean(w, own, 1.0))
                } else {
                    points
                        .iter()
                        .map(|&(wt, u)| wt * poisson_tail(x, mean(w, own, u)))
                        .sum()
                };
                s += n * (-reach.min(1.0)).ln_1p();
            }
            s
        };
        // The largest crowd is at least the largest mean's median and at
        // most a few times the largest mean at the top of U.
        let top = groups
            .iter()
            .map(|&(_, w, own)| mean(w, own, u_top))
            .fold(1.0, f64::max);
        let quantile_of_max = |level: f64| -> f64 {
            let target = level.ln();
            let (mut a, mut b) = (1.0f64, 2.0 * top + 100.0);
            // P(max < x) rises with x: find the x where it crosses `level`.
            for _ in 0..60 {
                let mid = (0.5 * (a + b)).floor().max(a + 1.0);
                if mid >= b {
                    break;
                }
                if ln_below(mid) < target {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            a
        };
        let levels = 4;
        let max = (0..levels)
            .map(|i| quantile_of_max((i as f64 + 0.5) / levels as f64))
            .sum::<f64>()
            / levels as f64;
        [never, once, fifty, max]
    }
}

/// `P(X ≥ x)` for `X ~ Poisson(μ)`: exact for small counts, the normal
/// approximation with a continuity correction for large ones (where the
/// exact series is slow; `μ ≥ x/4 > 50` there, so the approximation is
/// within a few thousandths), and 0 far below the mean.
fn poisson_tail(x: f64, mu: f64) -> f64 {
    if x > 50.0 && mu < x / 4.0 {
        // Below 10⁻¹⁴ at these sizes.
        0.0
    } else if x > 200.0 {
        let z = (x - 0.5 - mu) / mu.sqrt();
        0.5 * statrs::function::erf::erfc(z / std::f64::consts::SQRT_2)
    } else {
        gamma_lr(x, mu)
    }
}

/// `P(X ≥ k)` for `X ~ Poisson(μ)`, tabulated on a log grid of `μ` and
/// interpolated in `ln P`: the figures need it tens of thousands of times.
struct TailTable {
    k: f64,
    ln_p: Vec<f64>,
}

/// The grid: `μ` from `k / 40` to `4k`, 4,000 steps in `ln μ`.
const TAIL_STEPS: usize = 4000;

impl TailTable {
    /// The table for 50, built once.
    fn fifty() -> &'static TailTable {
        static TABLE: std::sync::OnceLock<TailTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| TailTable::new(50.0))
    }

    fn new(k: f64) -> TailTable {
        let (lo, hi) = ((k / 40.0).ln(), (4.0 * k).ln());
        let ln_p = (0..=TAIL_STEPS)
            .map(|i| {
                let mu = (lo + (hi - lo) * i as f64 / TAIL_STEPS as f64).exp();
                gamma_lr(k, mu).max(1e-300).ln()
            })
            .collect();
        TailTable { k, ln_p }
    }

    fn at(&self, mu: f64) -> f64 {
        let (lo, hi) = ((self.k / 40.0).ln(), (4.0 * self.k).ln());
        let x = (mu.max(1e-300).ln() - lo) / (hi - lo) * TAIL_STEPS as f64;
        if x <= 0.0 {
            return 0.0;
        }
        if x >= TAIL_STEPS as f64 {
            return 1.0;
        }
        let i = x as usize;
        let f = x - i as f64;
        (self.ln_p[i] * (1.0 - f) + self.ln_p[i + 1] * f).exp()
    }
}

/// The `q` quantile of sorted `v` (0 when empty).
pub(super) fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let i = ((v.len() - 1) as f64 * q).round() as usize;
    v[i.min(v.len() - 1)]
}

/// Which classes with a share of their own hold a combination.
#[derive(Debug, Clone, Copy)]
pub(super) struct Membership {
    pub(super) pattern: bool,
    /// Bit `i`: the `i`-th named class.
    pub(super) named: u32,
}

/// The parameters the intervals vary.
#[derive(Debug, Clone)]
pub(super) struct Parameters {
    pub(super) quick: f64,
    /// `(sigma, cluster share, cluster multiplier)`.
    pub(super) spread: [f64; 3],
    pub(super) named: Vec<f64>,
    pub(super) weights: Weights,
}

/// The bootstrap's parameter sets and, built when first needed, each one's
/// share table.
#[derive(Debug, Clone)]
pub(super) struct Bootstrap {
    pub(super) samples: Vec<Parameters>,
    pub(super) tables: std::sync::OnceLock<Vec<ShareTable>>,
}

impl Bootstrap {
    pub(super) fn tables(&self, m: &Popularity) -> &[ShareTable] {
        self.tables
            .get_or_init(|| self.samples.iter().map(|p| ShareTable::new(m, p)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;
    use rand_distr::{Distribution, Poisson};

    /// The binned, quadrature figures agree with a Monte Carlo of the fitted
    /// model that draws every one of the 8,145,060 combinations' buyers from
    /// its own exact share.
    #[test]
    fn the_figures_agree_with_a_monte_carlo_of_the_model() {
        let h = crate::data::kr645();
        let m = Popularity::fit_second_bundled(h.view()).unwrap();
        let games = 100_000_000.0;
        let p = m.parameters();
        let table = m.share_table();
        let [never, once, fifty, max] = table.figures(&m, &p, games);
        let [sigma, share, mult] = p.spread;
        let components = Spread::components(share, mult);
        let special: std::collections::HashSet<NumberSet> = table.special.iter().copied().collect();
        let total = m.total_combinations();
        let factor = m.weights_factor(&p);
        let mut rng = crate::rng::seeded(2026);
        let (mut n0, mut n1, mut n50, mut largest) = (0u64, 0u64, 0u64, 0u64);
        let mut nums = [0u8; 6];
        let mut each = |t: NumberSet, rng: &mut crate::rng::LottoRng| {
            let (w, own) = if special.contains(&t) {
                m.chosen_parts(t, &p)
            } else {
                let product: f64 = t.iter().map(|n| m.weights.w[usize::from(n)]).product();
                (factor * product, 0.0)
            };
            let (_, f) = if rng.random::<f64>() < components[0].0 {
                components[0]
            } else {
                components[1]
            };
            let z: f64 = rand_distr::StandardNormal.sample(rng);
            let u = f * (sigma * z - 0.5 * sigma * sigma).exp();
            let mu = games * (p.quick / total + (1.0 - p.quick) * (own + w * u));
            let k = Poisson::new(mu).map_or(0.0, |d| d.sample(rng)) as u64;
            match k {
                0 => n0 += 1,
                1 => n1 += 1,
                50.. => n50 += 1,
                _ => {}
            }
            largest = largest.max(k);
        };
        for a in 1..=40u8 {
            nums[0] = a;
            for b in a + 1..=41 {
                nums[1] = b;
                for c in b + 1..=42 {
                    nums[2] = c;
                    for d in c + 1..=43 {
                        nums[3] = d;
                        for e in d + 1..=44 {
                            nums[4] = e;
                            for f in e + 1..=45 {
                                nums[5] = f;
                                each(NumberSet::from_numbers(&nums), &mut rng);
                            }
                        }
                    }
                }
            }
        }
        // Each count is a sum of independent indicators: its Monte Carlo sd
        // is below √expectation; five of them, plus the binning.
        for (what, model, seen) in [
            ("never", never, n0),
            ("once", once, n1),
            ("50 or more", fifty, n50),
        ] {
            let tolerance = 5.0 * model.sqrt() + 0.01 * model;
            assert!(
                (model - seen as f64).abs() < tolerance,
                "{what}: model {model:.1}, Monte Carlo {seen}"
            );
        }
        assert!(
            (max - largest as f64).abs() < 5.0 * max.sqrt(),
            "largest: model {max:.0}, Monte Carlo {largest}"
        );
    }
}
