//! Pattern features of a combination, and their exact chance distributions.
//!
//! Features are computed from the bit set with masks and popcounts (odd, low,
//! consecutive pairs), so the `pattern` model can test thousands of candidate
//! tickets per round. The chance distributions are exact for a uniformly
//! random combination of the game: odd and low counts are hypergeometric, the
//! number of consecutive pairs follows from counting runs (a `k`-subset of
//! `1..=N` with `r` maximal runs can be chosen in `C(k−1, r−1)·C(N−k+1, r)`
//! ways), and the sum distribution comes from a subset-sum count.

use serde::{Deserialize, Serialize};

use crate::game::GameSpec;
use crate::odds::binomial;
use crate::ticket::NumberSet;

/// The pattern features of one combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Features {
    /// Odd numbers.
    pub odd: u8,
    /// Numbers in the low half of the pool (1..=pool/2; 1–22 for 6/45).
    pub low: u8,
    /// Sum of the numbers.
    pub sum: u16,
    /// Pairs of consecutive numbers (`12 13 14` has two).
    pub consecutive_pairs: u8,
    /// Distinct last digits.
    pub last_digits: u8,
}

/// Bits of the odd numbers 1, 3, 5, ...
const ODD_MASK: u128 = 0xAAAA_AAAA_AAAA_AAAA_AAAA_AAAA_AAAA_AAAA;

impl Features {
    /// The features of `set` in a pool of `pool` numbers.
    pub fn of(set: NumberSet, pool: u8) -> Features {
        let b = set.bits();
        let low_mask = low_mask(pool);
        let mut sum = 0u16;
        let mut digits = 0u16;
        for n in set.iter() {
            sum += u16::from(n);
            digits |= 1 << (n % 10);
        }
        // Popcounts of a u128 are at most 128; they fit in a u8.
        Features {
            odd: (b & ODD_MASK).count_ones() as u8,
            low: (b & low_mask).count_ones() as u8,
            sum,
            consecutive_pairs: (b & (b >> 1)).count_ones() as u8,
            last_digits: digits.count_ones() as u8,
        }
    }
}

/// Bits 1..=pool/2.
pub(crate) fn low_mask(pool: u8) -> u128 {
    let half = u32::from(pool / 2);
    ((1u128 << (half + 1)) - 1) & !1
}

/// Exact distributions of the pattern features of a random combination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PatternChance {
    /// `odd[k]`: probability of `k` odd numbers.
    pub odd: Vec<f64>,
    /// `low[k]`: probability of `k` low numbers.
    pub low: Vec<f64>,
    /// `consecutive_pairs[k]`: probability of `k` consecutive pairs.
    pub consecutive_pairs: Vec<f64>,
    /// Mean of the sum.
    pub sum_mean: f64,
    /// Standard deviation of the sum.
    pub sum_sd: f64,
    /// The central 90 % of sums: 5th and 95th percentiles.
    pub sum_band: (u16, u16),
}

impl PatternChance {
    /// The exact distributions for `game`'s main numbers.
    pub fn of(game: &GameSpec) -> PatternChance {
        let (big_n, n) = (u32::from(game.pool()), u32::from(game.picks()));
        let total = binomial(big_n, n).unwrap_or(0) as f64;
        let hyper = |good: u32| -> Vec<f64> {
            (0..=n)
                .map(|k| {
                    let c = binomial(good, k)
                        .zip(binomial(big_n - good, n - k))
                        .map_or(0.0, |(a, b)| a as f64 * b as f64);
                    c / total
                })
                .collect()
        };
        let odd_in_pool = big_n.div_ceil(2);
        let low_in_pool = big_n / 2;
        // k − r consecutive pairs when the k numbers form r runs.
        let mut consecutive = vec![0.0; n as usize];
        for r in 1..=n {
            let ways = binomial(n - 1, r - 1)
                .zip(binomial(big_n - n + 1, r))
                .map_or(0.0, |(a, b)| a as f64 * b as f64);
            consecutive[(n - r) as usize] += ways / total;
        }
        let mean = f64::from(n) * f64::from(big_n + 1) / 2.0;
        let var = f64::from(n) * f64::from(big_n - n) * f64::from(big_n + 1) / 12.0;
        PatternChance {
            odd: hyper(odd_in_pool),
            low: hyper(low_in_pool),
            consecutive_pairs: consecutive,
            sum_mean: mean,
            sum_sd: var.sqrt(),
            sum_band: sum_band(game.pool(), game.picks(), total),
        }
    }

    /// Probability of at least one pair of consecutive numbers.
    pub fn p_any_consecutive(&self) -> f64 {
        1.0 - self.consecutive_pairs.first().copied().unwrap_or(1.0)
    }
}

/// 5th and 95th percentiles of the sum of a random `picks`-subset of
/// `1..=pool`, from the exact count of subsets by sum.
fn sum_band(pool: u8, picks: u8, total: f64) -> (u16, u16) {
    let (pool, picks) = (usize::from(pool), usize::from(picks));
    let max_sum = picks * pool;
    // ways[j * (max_sum + 1) + s]: subsets of j numbers with sum s.
    let width = max_sum + 1;
    let mut ways = vec![0.0f64; (picks + 1) * width];
    ways[0] = 1.0;
    for v in 1..=pool {
        for j in (1..=picks.min(v)).rev() {
            let (lower, upper) = ways.split_at_mut(j * width);
            let from = &lower[(j - 1) * width..];
            let to = &mut upper[..width];
            // j − 1 numbers below v sum to at most (j − 1)·(v − 1).
            for s in 0..((j - 1) * (v - 1) + 1).min(width - v) {
                to[s + v] += from[s];
            }
        }
    }
    let dist = &ways[picks * width..];
    let (mut acc, mut lo, mut hi) = (0.0, None, 0);
    for (s, w) in dist.iter().enumerate() {
        acc += w / total;
        if lo.is_none() && acc >= 0.05 {
            lo = Some(s);
        }
        if acc < 0.95 {
            hi = s + 1;
        }
    }
    let to16 = |s: usize| u16::try_from(s).unwrap_or(u16::MAX);
    (to16(lo.unwrap_or(0)), to16(hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_of_a_known_ticket() {
        let f = Features::of(NumberSet::from_numbers(&[1, 2, 3, 22, 23, 45]), 45);
        assert_eq!(
            f,
            Features {
                odd: 4,
                low: 4,
                sum: 96,
                consecutive_pairs: 3,
                last_digits: 4
            }
        );
    }

    #[test]
    fn korean_chance_distributions() {
        let c = PatternChance::of(&GameSpec::kr645());
        // No two consecutive: C(40,6) of the C(45,6) combinations.
        assert!((c.p_any_consecutive() - (1.0 - 3_838_380.0 / 8_145_060.0)).abs() < 1e-12);
        assert!((c.sum_mean - 138.0).abs() < 1e-12);
        assert!((c.sum_sd - 897f64.sqrt()).abs() < 1e-12);
        for d in [&c.odd, &c.low, &c.consecutive_pairs] {
            assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
        // 23 odd numbers in 1..=45: P(3 odd) = C(23,3)·C(22,3)/C(45,6).
        assert!((c.odd[3] - 1771.0 * 1540.0 / 8_145_060.0).abs() < 1e-15);
        // The band is symmetric about 138, since s ↔ 6·46 − s is a bijection.
        assert_eq!(c.sum_band.0 + c.sum_band.1, 276);
    }
}
