//! The parts of the second popularity model that the first one lacks: who
//! buys quick picks, the combinations every player knows, and how unevenly
//! chosen tickets pile onto single combinations.
//!
//! **Quick picks.** A quick pick (자동) is uniform over all combinations,
//! so it cannot crowd. The 1st-prize winners of draws 262–1238 say how each
//! winning game was picked; since the drawn combination is uniform, a draw's
//! quick-pick winners are Poisson with mean `N · q / C` whatever was drawn
//! (`N` games sold, `C` combinations, `q` the quick-pick share of games).
//! [`QuickPicks`] estimates `q` by maximum likelihood in blocks of 100
//! draws. The chosen tickets (manual and semi-automatic) carry all the
//! crowding.
//!
//! **Combinations everyone knows.** Published purchase counts show single
//! combinations bought a thousand times more often than a uniform ticket: a
//! line on the play slip (1 2 3 4 5 6, the column 7 14 21 28 35 42) and the
//! six most-drawn numbers of the history, bonus draws included (1 13 17 27
//! 34 43 before draw 1019). A model of independent number preferences cannot put that much
//! on one combination, and winner counts barely see it (such a combination
//! is almost never drawn). So these are classes of their own, each member
//! carrying a fixed share of the chosen tickets, calibrated on the counts of
//! draw 1019 ([`KR645_CALIBRATION`]): the slip's straight lines share one
//! per-combination share (both published lines give it; their mean is used),
//! the most-drawn combination another.
//!
//! **How unevenly chosen tickets crowd.** Beyond the number preferences,
//! chosen tickets cluster on particular combinations (birthdays of a family,
//! numbers passed around). Each combination's chosen share is multiplied by
//! `U`, log-normal with mean 1 and log-sd `σ`, independent between
//! combinations. It changes no expectation, only the spread: how many
//! combinations nobody bought, or 50 people did. `σ` is fitted by maximum
//! likelihood to the chosen 1st-prize winners of each draw, Poisson given
//! `U` (a Poisson–log-normal, by Gauss–Hermite quadrature), with a profile
//! likelihood interval.

use serde::Serialize;

use crate::ticket::NumberSet;

/// Published purchase counts of single combinations in one draw: the facts
/// the model's named classes are calibrated on.
#[derive(Debug, Clone, Copy)]
pub struct Calibration {
    /// The round.
    pub round: u32,
    /// Its sales in won.
    pub sales: u64,
    /// Combinations and how many games were bought on each.
    pub counts: [([u8; 6], u64); 3],
    /// How many combinations were bought 50 times or more (a check of the
    /// fitted spread, not an input).
    pub bought_50_or_more: u64,
    /// Which of `counts` is the history's most-drawn combination before the
    /// draw, as published: how a model trained on earlier draws, which
    /// cannot compute that list, still knows which count calibrates it.
    pub most_drawn: Option<[u8; 6]>,
}

/// Draw 1019 of Korean Lotto 6/45, as the Korean Lottery Commission
/// published it: sales of 102,804,882,000 won, the six most-drawn numbers
/// bought 15,964 times, the slip's 7th column 11,479 times, 1 2 3 4 5 6
/// 11,232 times, and 10,299 combinations bought 50 times or more.
pub const KR645_CALIBRATION: Calibration = Calibration {
    round: 1019,
    sales: 102_804_882_000,
    counts: [
        ([1, 13, 17, 27, 34, 43], 15_964),
        ([7, 14, 21, 28, 35, 42], 11_479),
        ([1, 2, 3, 4, 5, 6], 11_232),
    ],
    bought_50_or_more: 10_299,
    most_drawn: Some([1, 13, 17, 27, 34, 43]),
};

/// The quick-pick share of games, by round; see the module docs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct QuickPicks {
    /// Blocks of [`QUICK_BLOCK`] consecutive draws with a choice split, in
    /// round order.
    pub blocks: Vec<QuickBlock>,
}

/// Draws per block of the quick-pick share.
pub const QUICK_BLOCK: usize = 100;

/// The quick-pick share over a block of draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct QuickBlock {
    /// The first round of the block.
    pub first_round: u32,
    /// The last.
    pub last_round: u32,
    /// Quick-pick winners over uniform expectation: the maximum-likelihood
    /// share.
    pub share: f64,
    /// Standard error of `logit share`.
    pub logit_se: f64,
}

/// One draw's quick-pick winners and the uniform expectation per unit share.
#[derive(Debug, Clone, Copy)]
pub(super) struct QuickObs {
    pub(super) round: u32,
    /// `N / C`: quick-pick winners expected if every game were one.
    pub(super) exposure: f64,
    pub(super) auto: f64,
}

impl QuickPicks {
    /// The share in blocks of [`QUICK_BLOCK`] draws (the last block takes
    /// up to half a block more rather than stand alone); `None` with fewer
    /// than ten draws. The share is not a smooth trend (in Korea it fell
    /// from 0.75 to 0.62 and rose again), so the forecast for new draws is
    /// the latest block's.
    pub(super) fn fit(obs: &[QuickObs]) -> Option<QuickPicks> {
        if obs.len() < 10 {
            return None;
        }
        let mut chunks: Vec<&[QuickObs]> = obs.chunks(QUICK_BLOCK).collect();
        if chunks.len() > 1 && chunks.last().is_some_and(|c| c.len() < QUICK_BLOCK / 2) {
            let tail = chunks.len() - 2;
            let start = tail * QUICK_BLOCK;
            chunks.truncate(tail);
            chunks.push(&obs[start..]);
        }
        let blocks = chunks
            .iter()
            .filter_map(|c| {
                let auto: f64 = c.iter().map(|o| o.auto).sum();
                let exposure: f64 = c.iter().map(|o| o.exposure).sum();
                let share = (auto / exposure).clamp(1e-6, 1.0 - 1e-6);
                // Var(auto) = auto, so Var(share) = share² / auto and
                // Var(logit) = 1 / (auto (1 − share)²).
                let logit_se = 1.0 / (auto.max(0.5).sqrt() * (1.0 - share));
                Some(QuickBlock {
                    first_round: c.first()?.round,
                    last_round: c.last()?.round,
                    share,
                    logit_se,
                })
            })
            .collect();
        Some(QuickPicks { blocks })
    }

    /// The block that holds `round`, or the nearest one.
    fn block(&self, round: u32) -> Option<&QuickBlock> {
        self.blocks.get(self.block_index(round)?)
    }

    /// The index of [`QuickPicks::block`]'s block.
    pub(super) fn block_index(&self, round: u32) -> Option<usize> {
        self.blocks
            .iter()
            .position(|b| round <= b.last_round)
            .or(self.blocks.len().checked_sub(1))
    }

    /// The quick-pick share at `round`: its block's (rounds after the last
    /// block take the last block's).
    pub fn share(&self, round: u32) -> f64 {
        self.block(round).map_or(0.0, |b| b.share)
    }

    /// The 95 % interval of the share at `round`.
    pub fn interval(&self, round: u32) -> (f64, f64) {
        self.block(round).map_or((0.0, 0.0), |b| {
            let l = (b.share / (1.0 - b.share)).ln();
            (
                sigmoid(l - 1.96 * b.logit_se),
                sigmoid(l + 1.96 * b.logit_se),
            )
        })
    }
}

/// The straight lines of six numbers on a play slip of `columns` columns
/// holding `1..=pool`: rows, columns and both diagonals.
pub fn slip_lines(pool: u8, picks: u8, columns: u8) -> Vec<NumberSet> {
    let (pool, k, cols) = (i32::from(pool), i32::from(picks), i32::from(columns));
    let mut out: Vec<NumberSet> = Vec::new();
    if k < 2 || cols < 1 {
        return out;
    }
    for start in 1..=pool {
        let (row, col) = ((start - 1) / cols, (start - 1) % cols);
        for (dr, dc) in [(0, 1), (1, 0), (1, 1), (1, -1)] {
            let cells: Vec<i32> = (0..k)
                .map(|i| (row + dr * i, col + dc * i))
                .filter(|&(_, c)| (0..cols).contains(&c))
                .map(|(r, c)| r * cols + c + 1)
                .filter(|&n| n <= pool)
                .collect();
            if cells.len() == usize::try_from(k).unwrap_or(0) {
                let nums: Vec<u8> = cells.iter().map(|&n| n as u8).collect();
                let set = NumberSet::from_numbers(&nums);
                if !out.contains(&set) {
                    out.push(set);
                }
            }
        }
    }
    out
}

/// How often each number was drawn: with bonus draws counted, as the
/// lottery's own statistics count them (before draw 1019 that gives the
/// published 1 13 17 27 34 43), and as main numbers only, as many other
/// lists do (before draw 600 that gives 1 20 27 34 37 40, which players
/// bought 6,532 times in that draw). Players see either list depending on
/// where they look, so the named class "most drawn" holds both, each
/// member with the one share calibrated on the published count: no draw
/// published both lists' counts, so the data cannot give them two shares.
pub(super) struct DrawCounts {
    with_bonus: Vec<u64>,
    main: Vec<u64>,
}

impl DrawCounts {
    pub(super) fn new(pool: u8) -> DrawCounts {
        DrawCounts {
            with_bonus: vec![0; usize::from(pool) + 1],
            main: vec![0; usize::from(pool) + 1],
        }
    }

    pub(super) fn of(view: crate::history::HistoryView<'_>, pool: u8) -> DrawCounts {
        let mut c = DrawCounts::new(pool);
        view.draws().iter().for_each(|d| c.add(d));
        c
    }

    pub(super) fn add(&mut self, d: &crate::draw::Draw) {
        for n in d.numbers().iter() {
            self.main[usize::from(n)] += 1;
            self.with_bonus[usize::from(n)] += 1;
        }
        for n in d.bonus().iter() {
            self.with_bonus[usize::from(n)] += 1;
        }
    }

    /// The most-drawn combination, bonus draws counted.
    pub(super) fn with_bonus(&self, picks: u8) -> NumberSet {
        most_drawn(&self.with_bonus, picks)
    }

    /// Both lists, each once (they can coincide).
    pub(super) fn most_drawn_lists(&self, picks: u8) -> Vec<NumberSet> {
        let a = most_drawn(&self.with_bonus, picks);
        let b = most_drawn(&self.main, picks);
        if a == b { vec![a] } else { vec![a, b] }
    }
}

/// The `picks` most-drawn numbers of `counts` (index = number), ties to the
/// smaller number.
fn most_drawn(counts: &[u64], picks: u8) -> NumberSet {
    let mut order: Vec<usize> = (1..counts.len()).collect();
    order.sort_by_key(|&n| (std::cmp::Reverse(counts[n]), n));
    let top: Vec<u8> = order
        .iter()
        .take(usize::from(picks))
        .map(|&n| n as u8)
        .collect();
    NumberSet::from_numbers(&top)
}

pub(super) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Gauss–Hermite nodes and weights for `E[f(Z)]`, `Z ~ N(0, 1)`.
pub(super) fn normal_nodes(n: usize) -> Vec<(f64, f64)> {
    // The physicists' rule (weight e^{−x²}) by Newton's method on the
    // orthonormal recurrence, then z = √2·x and w / √π.
    let mut nodes = Vec::with_capacity(n);
    let pim4 = std::f64::consts::PI.powf(-0.25);
    let m = n.div_ceil(2);
    let nf = n as f64;
    let mut z = 0.0f64;
    for i in 0..m {
        z = match i {
            0 => (2.0 * nf + 1.0).sqrt() - 1.85575 * (2.0 * nf + 1.0).powf(-1.0 / 6.0),
            1 => z - 1.14 * nf.powf(0.426) / z,
            2 => 1.86 * z - 0.86 * nodes_x(&nodes, 0),
            3 => 1.91 * z - 0.91 * nodes_x(&nodes, 1),
            _ => 2.0 * z - nodes_x(&nodes, i - 2),
        };
        let mut pp = 0.0;
        for _ in 0..100 {
            let (mut p1, mut p2) = (pim4, 0.0);
            for j in 1..=n {
                let p3 = p2;
                p2 = p1;
                let jf = j as f64;
                p1 = z * (2.0 / jf).sqrt() * p2 - ((jf - 1.0) / jf).sqrt() * p3;
            }
            pp = (2.0 * nf).sqrt() * p2;
            let dz = p1 / pp;
            z -= dz;
            if dz.abs() < 1e-14 {
                break;
            }
        }
        nodes.push((z, 2.0 / (pp * pp)));
    }
    let root_pi = std::f64::consts::PI.sqrt();
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(n);
    for &(x, w) in &nodes {
        out.push((std::f64::consts::SQRT_2 * x, w / root_pi));
        if x.abs() > 1e-15 {
            out.push((-std::f64::consts::SQRT_2 * x, w / root_pi));
        }
    }
    out
}

fn nodes_x(nodes: &[(f64, f64)], i: usize) -> f64 {
    nodes.get(i).map_or(0.0, |n| n.0)
}

/// How unevenly chosen tickets crowd single combinations: each
/// combination's chosen share is multiplied by `U = c · L · K`, with `L`
/// log-normal (mean 1, log-sd `sigma`), `K = cluster_multiplier` for a
/// share `cluster_share` of the combinations and 1 for the rest, and `c`
/// making the mean 1. Fitted by maximum likelihood over a grid; the grid's
/// likelihoods give the intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Spread {
    /// Log-sd of the continuous part.
    pub sigma: f64,
    /// Share of combinations in the crowded cluster.
    pub cluster_share: f64,
    /// How many times more chosen tickets a cluster combination draws.
    pub cluster_multiplier: f64,
    /// The central 95 % of `sigma` under the grid's likelihood weights.
    pub sigma_interval: (f64, f64),
    /// Likelihood ratio of the fit against the log-normal alone (2 Δℓ).
    pub lr_against_lognormal: f64,
    /// Grid points `(sigma, share, multiplier)` and their likelihood
    /// weights, for intervals.
    #[serde(skip)]
    pub(super) surface: Vec<([f64; 3], f64)>,
}

impl Spread {
    /// The components of `U`: `(probability, factor)`, the log-normal
    /// applying to both.
    pub(super) fn components(share: f64, multiplier: f64) -> [(f64, f64); 2] {
        let c = 1.0 / (1.0 - share + share * multiplier);
        [(1.0 - share, c), (share, c * multiplier)]
    }
}

pub(super) fn mixture_ln(
    y: f64,
    lambda: f64,
    p: [f64; 3],
    nodes: &[(f64, f64)],
    ln_fact: f64,
) -> f64 {
    let [sigma, share, mult] = p;
    let mut total = 0.0;
    for (prob, factor) in Spread::components(share, mult) {
        if prob <= 0.0 {
            continue;
        }
        for &(z, w) in nodes {
            let m = lambda * factor * (sigma * z - 0.5 * sigma * sigma).exp();
            total += prob * w * (y * m.ln() - m - ln_fact).exp();
        }
    }
    total.max(1e-300).ln()
}

/// Fits [`Spread`] to chosen 1st-prize winners `y` with structured means
/// `lambda`.
pub(super) fn fit_spread(data: &[(f64, f64)]) -> Spread {
    let nodes = normal_nodes(20);
    let facts: Vec<f64> = data
        .iter()
        .map(|&(y, _)| statrs::function::gamma::ln_gamma(y + 1.0))
        .collect();
    let ll = |p: [f64; 3]| -> f64 {
        data.iter()
            .zip(&facts)
            .map(|(&(y, l), &f)| mixture_ln(y, l, p, &nodes, f))
            .sum()
    };
    let sigmas: Vec<f64> = (0..=16).map(|i| 0.2 + 0.05 * f64::from(i)).collect();
    let shares = [0.0, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1];
    let mults = [3.0, 5.0, 10.0, 20.0, 40.0];
    let mut surface = Vec::new();
    for &sigma in &sigmas {
        for &share in &shares {
            for &mult in &mults {
                if share == 0.0 && mult != mults[0] {
                    continue;
                }
                surface.push(([sigma, share, mult], ll([sigma, share, mult])));
            }
        }
    }
    let best = surface
        .iter()
        .copied()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or(([0.0, 0.0, 1.0], 0.0));
    let lognormal = surface
        .iter()
        .filter(|p| p.0[1] == 0.0)
        .map(|p| p.1)
        .fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<([f64; 3], f64)> = surface
        .iter()
        .map(|(p, l)| (*p, (l - best.1).exp()))
        .filter(|(_, w)| *w > 1e-6)
        .collect();
    // The weights' marginal over sigma, and its central 95 %.
    let mut by_sigma: Vec<(f64, f64)> = sigmas
        .iter()
        .map(|&sg| {
            let w = weights
                .iter()
                .filter(|(p, _)| (p[0] - sg).abs() < 1e-9)
                .map(|(_, w)| w)
                .sum();
            (sg, w)
        })
        .collect();
    let total: f64 = by_sigma.iter().map(|p| p.1).sum();
    let mut running = 0.0;
    for p in &mut by_sigma {
        running += p.1 / total;
        p.1 = running;
    }
    let at = |level: f64| {
        by_sigma
            .iter()
            .find(|p| p.1 >= level)
            .map_or(best.0[0], |p| p.0)
    };
    Spread {
        sigma_interval: (at(0.025), at(0.975)),
        sigma: best.0[0],
        cluster_share: best.0[1],
        cluster_multiplier: if best.0[1] > 0.0 { best.0[2] } else { 1.0 },
        lr_against_lognormal: 2.0 * (best.1 - lognormal),
        surface: weights,
    }
}

#[cfg(test)]
mod tests;
