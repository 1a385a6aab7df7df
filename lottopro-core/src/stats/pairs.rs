//! The table of how often each pair of numbers was drawn together
//! (companion numbers, 궁합수), and the two baselines a pair is read
//! against.
//!
//! **The largest of all pairs.** The top pair of 990 is the maximum of 990
//! counts, so it always looks remarkable beside the expectation of one
//! pair. [`MaxPair`] gives the distribution of that maximum under fair draws,
//! treating the pair counts as independent binomials (`P(max ≤ x) ≈ F(x)^M`);
//! the counts are weakly dependent, which a Monte Carlo of fair draws in the
//! tests shows moves the mean by well under a draw.
//!
//! **Given each number's own frequency.** Two numbers that are each drawn
//! often meet often: that is not a pair effect. Given that `a` was drawn in
//! `c_a` of `D` draws, each of `b`'s `c_b` appearances falls in one of
//! `a`'s draws with weight `k − 1` and elsewhere with weight `k` (the chance
//! that `b` is drawn beside `a` or without it), so `b` meets `a` about
//! `c_b · π` times with `π = c_a(k−1) / (c_a(k−1) + (D − c_a)k)`, binomial
//! around that; [`given_numbers`] averages the two directions.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use statrs::distribution::{Binomial, DiscreteCDF};

/// How often each pair of numbers was drawn together: a symmetric square
/// table indexed by the numbers themselves (`count(a, b)` for `a, b` in
/// `1..=pool`; row and column 0 hold zeros, so a number is its own index).
/// In JSON, a list of rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairMatrix {
    pub(super) width: usize,
    pub(super) counts: Vec<u32>,
}

impl PairMatrix {
    /// Draws containing both `a` and `b` (0 outside the pool).
    pub fn count(&self, a: u8, b: u8) -> u32 {
        let (a, b) = (usize::from(a), usize::from(b));
        if a < self.width && b < self.width {
            self.counts[a * self.width + b]
        } else {
            0
        }
    }

    /// The side of the table: `pool + 1`.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The whole table, row by row (`width × width` counts).
    pub fn as_slice(&self) -> &[u32] {
        &self.counts
    }

    /// The rows of the table.
    pub fn rows(&self) -> impl Iterator<Item = &[u32]> {
        self.counts.chunks(self.width.max(1))
    }
}

impl Serialize for PairMatrix {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.rows())
    }
}

impl<'de> Deserialize<'de> for PairMatrix {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<PairMatrix, D::Error> {
        let rows: Vec<Vec<u32>> = Vec::deserialize(d)?;
        let width = rows.len();
        if rows.iter().any(|r| r.len() != width) {
            return Err(serde::de::Error::custom("the pair matrix must be square"));
        }
        Ok(PairMatrix {
            width,
            counts: rows.concat(),
        })
    }
}

/// A pair of numbers and how often they were drawn together.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PairCount {
    /// The smaller number.
    pub a: u8,
    /// The larger number.
    pub b: u8,
    /// Draws containing both.
    pub count: u64,
    /// What chance gives given how often each of the two numbers was drawn
    /// on its own: two over-drawn numbers meet more often without any pair
    /// effect.
    pub expected_given_numbers: f64,
    /// `(count − expected_given_numbers) / sd`: the pair effect itself.
    pub z_given_numbers: f64,
}

/// Companion numbers (궁합수).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Pairs {
    /// The most frequent pairs.
    pub top: Vec<PairCount>,
    /// Expected count of any one pair under uniform draws.
    pub expected: f64,
    /// Its standard deviation.
    pub sd: f64,
    /// How many pairs there are: the top one is the largest of them all.
    pub pairs: u64,
    /// What chance gives for the largest count of all the pairs: the
    /// baseline the top pair is read against (not `expected`).
    pub max_expected: f64,
    /// The central 95 % range of that largest count under chance.
    pub max_range: (u64, u64),
    /// The chance that the largest pair count reaches the top pair's under
    /// fair draws (one-sided).
    pub max_p_value: f64,
}

impl Pairs {
    /// The companion pairs of `matrix`: the `top` most frequent, each read
    /// given its numbers' `counts` (indexed by number), and the baselines,
    /// over `draws` draws of `picks` numbers.
    pub(super) fn compute(
        matrix: &PairMatrix,
        counts: &[u64],
        draws: u64,
        picks: u8,
        top: usize,
    ) -> Pairs {
        let pool = matrix.width().saturating_sub(1);
        let pair_q = f64::from(picks) * f64::from(picks.saturating_sub(1))
            / (pool as f64 * (pool as f64 - 1.0));
        let mut top = top_pairs(matrix, top);
        for pair in &mut top {
            (pair.expected_given_numbers, pair.z_given_numbers) = given_numbers(
                pair.count,
                counts[usize::from(pair.a)],
                counts[usize::from(pair.b)],
                draws,
                picks,
            );
        }
        let all_pairs = (pool * pool.saturating_sub(1) / 2) as u64;
        let max = MaxPair::new(draws, pair_q, all_pairs);
        Pairs {
            max_p_value: max.p_at_least(top.first().map_or(0, |p| p.count)),
            top,
            expected: draws as f64 * pair_q,
            sd: (draws as f64 * pair_q * (1.0 - pair_q)).sqrt(),
            pairs: all_pairs,
            max_expected: max.mean(),
            max_range: (max.quantile(0.025), max.quantile(0.975)),
        }
    }
}

fn top_pairs(m: &PairMatrix, top: usize) -> Vec<PairCount> {
    let pool = m.width().saturating_sub(1);
    let mut all = Vec::with_capacity(pool * pool / 2);
    for a in 1..=pool {
        for b in a + 1..=pool {
            all.push(PairCount {
                a: a as u8,
                b: b as u8,
                count: u64::from(m.count(a as u8, b as u8)),
                expected_given_numbers: 0.0,
                z_given_numbers: 0.0,
            });
        }
    }
    let top = top.min(all.len());
    if top > 0 {
        all.select_nth_unstable_by_key(top - 1, |p| (std::cmp::Reverse(p.count), p.a, p.b));
    }
    all.truncate(top);
    all.sort_by_key(|p| (std::cmp::Reverse(p.count), p.a, p.b));
    all
}

/// The expected count of a pair and its z-score given how often each of
/// its numbers was drawn (`c_a`, `c_b` of `draws`, `picks` per draw); see
/// the module docs.
pub(super) fn given_numbers(count: u64, c_a: u64, c_b: u64, draws: u64, picks: u8) -> (f64, f64) {
    let k = f64::from(picks);
    let d = draws as f64;
    let share = |c: f64| {
        let inside = c * (k - 1.0);
        let total = inside + (d - c) * k;
        if total > 0.0 { inside / total } else { 0.0 }
    };
    let (a, b) = (c_a as f64, c_b as f64);
    let (pa, pb) = (share(a), share(b));
    let mean = 0.5 * (b * pa + a * pb);
    let var = 0.5 * (b * pa * (1.0 - pa) + a * pb * (1.0 - pb));
    let z = if var > 0.0 {
        (count as f64 - mean) / var.sqrt()
    } else {
        0.0
    };
    (mean, z)
}

/// The distribution of the largest of `pairs` pair counts under fair
/// draws; see the module docs.
pub(super) struct MaxPair {
    /// `P(max ≤ x)` for `x = 0, 1, …` until it reaches 1.
    cdf: Vec<f64>,
}

impl MaxPair {
    pub(super) fn new(draws: u64, q: f64, pairs: u64) -> MaxPair {
        let mut cdf = Vec::new();
        if let Ok(one) = Binomial::new(q.clamp(0.0, 1.0), draws) {
            let m = pairs as f64;
            for x in 0..=draws {
                let f = one.cdf(x).powf(m);
                cdf.push(f);
                if f >= 1.0 - 1e-12 {
                    break;
                }
            }
        }
        if cdf.last().is_none_or(|f| *f < 1.0) {
            cdf.push(1.0);
        }
        MaxPair { cdf }
    }

    /// `E[max]`.
    pub(super) fn mean(&self) -> f64 {
        self.cdf.iter().map(|f| 1.0 - f).sum()
    }

    /// The smallest `x` with `P(max ≤ x) ≥ q`.
    pub(super) fn quantile(&self, q: f64) -> u64 {
        self.cdf
            .iter()
            .position(|&f| f >= q)
            .unwrap_or(self.cdf.len() - 1) as u64
    }

    /// `P(max ≥ x)`.
    pub(super) fn p_at_least(&self, x: u64) -> f64 {
        match x.checked_sub(1) {
            None => 1.0,
            Some(below) => {
                let below = usize::try_from(below).unwrap_or(usize::MAX);
                1.0 - self.cdf.get(below).copied().unwrap_or(1.0)
            }
        }
    }
}
