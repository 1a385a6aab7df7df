//! How often each digit and group was drawn, each beside chance.
//!
//! Every digit of the winning number, of the bonus number, and the group
//! are drawn afresh each week, uniformly and independently of every earlier
//! draw. So over `D` draws a digit's count at one position is binomial
//! (`D`, 1/10) and a group's binomial (`D`, 1/5). Each count here has its
//! expected value and the range that holds 95 % of counts under fair draws
//! (the exact binomial quantiles), and each position a chi-square test of
//! uniformity ([`pearson_uniform`]). With 120 digit cells, several fall
//! outside their range by chance alone (about four over 327 draws; a range
//! of whole counts holds a little more than 95 %):
//! [`PensionStats::chance_outside`] says how many to expect, beside how
//! many did.
//!
//! **No digit is "due".** A digit that has not come up for weeks is exactly
//! as likely as any other next week: the draw has no memory, and nothing
//! here predicts it.

use serde::{Deserialize, Serialize};
use statrs::distribution::{Binomial, DiscreteCDF};

use crate::stats::uniformity::{ChiSquare, pearson_uniform};

use super::draw::PensionDraw;
use super::ticket::Digits;
use super::{DIGIT_COUNT, GROUPS};

/// One value's count next to chance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct ChanceCount {
    /// The digit (0–9) or group (1–5).
    pub value: u8,
    /// Draws it came up in.
    pub count: u64,
    /// Draws it comes up in on average under fair draws.
    pub expected: f64,
    /// The smallest count of the central 95 % range under fair draws.
    pub chance_low: u64,
    /// The largest count of that range.
    pub chance_high: u64,
    /// Whether `count` is outside the range (by chance, at most 1 value in 20).
    pub outside: bool,
}

/// The digits drawn at one position, left to right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PositionStats {
    /// 1 is the leftmost digit, 6 the last.
    pub position: u8,
    /// Digits 0 to 9.
    pub digits: Vec<ChanceCount>,
    /// Chi-square test that the ten digits are equally likely (9 degrees of
    /// freedom); `None` without draws.
    pub test: Option<ChiSquare>,
}

/// Digit and group frequencies of a 720+ history; see the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PensionStats {
    /// Draws counted.
    pub draws: u64,
    /// Groups 1 to 5.
    pub groups: Vec<ChanceCount>,
    /// Chi-square test of the groups (4 degrees of freedom).
    pub groups_test: Option<ChiSquare>,
    /// The winning number's six positions.
    pub positions: Vec<PositionStats>,
    /// The bonus number's six positions.
    pub bonus_positions: Vec<PositionStats>,
    /// Digit cells (position × digit, winning and bonus numbers: 120)
    /// outside their 95 % range.
    pub outside: u64,
    /// How many of those cells fall outside by chance alone, on average.
    pub chance_outside: f64,
}

/// The central 95 % range of Binomial(`n`, `p`) and the chance of a count
/// outside it.
fn chance_range(n: u64, p: f64) -> (u64, u64, f64) {
    let Ok(dist) = Binomial::new(p, n) else {
        return (0, n, 0.0);
    };
    // The smallest k with P(X ≤ k) ≥ q, by bisection on the cdf.
    let quantile = |q: f64| {
        let (mut lo, mut hi) = (0u64, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if dist.cdf(mid) >= q {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    };
    let (low, high) = (quantile(0.025), quantile(0.975));
    let below = low.checked_sub(1).map_or(0.0, |k| dist.cdf(k));
    (low, high, below + (1.0 - dist.cdf(high)))
}

/// Counts of `values` (first value `first`) beside chance over `draws`.
fn beside_chance(counts: &[u64], first: u8, draws: u64) -> (Vec<ChanceCount>, f64) {
    let p = 1.0 / counts.len() as f64;
    let (low, high, p_out) = chance_range(draws, p);
    let rows = counts
        .iter()
        .zip(first..)
        .map(|(&count, value)| ChanceCount {
            value,
            count,
            expected: draws as f64 * p,
            chance_low: low,
            chance_high: high,
            outside: count < low || count > high,
        })
        .collect();
    (rows, p_out * counts.len() as f64)
}

fn positions(draws: &[PensionDraw], pick: fn(&PensionDraw) -> Digits) -> (Vec<PositionStats>, f64) {
    let mut counts = [[0u64; 10]; DIGIT_COUNT];
    for d in draws {
        for (pos, digit) in pick(d).to_array().iter().enumerate() {
            counts[pos][usize::from(*digit)] += 1;
        }
    }
    let mut chance_outside = 0.0;
    let stats = counts
        .iter()
        .zip(1u8..)
        .map(|(c, position)| {
            let (digits, expected_out) = beside_chance(c, 0, draws.len() as u64);
            chance_outside += expected_out;
            PositionStats {
                position,
                digits,
                test: pearson_uniform(c),
            }
        })
        .collect();
    (stats, chance_outside)
}

impl PensionStats {
    /// The frequencies of `draws` (a whole history or any part of it).
    pub fn compute(draws: &[PensionDraw]) -> PensionStats {
        let n = draws.len() as u64;
        let mut groups = vec![0u64; usize::from(GROUPS)];
        for d in draws {
            groups[usize::from(d.group.get() - 1)] += 1;
        }
        let (main, main_out) = positions(draws, |d| d.digits);
        let (bonus, bonus_out) = positions(draws, |d| d.bonus);
        let outside = main
            .iter()
            .chain(&bonus)
            .flat_map(|p| &p.digits)
            .filter(|c| c.outside)
            .count() as u64;
        PensionStats {
            draws: n,
            groups_test: pearson_uniform(&groups),
            groups: beside_chance(&groups, 1, n).0,
            positions: main,
            bonus_positions: bonus,
            outside,
            chance_outside: main_out + bonus_out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::pension::ticket::Group;

    #[test]
    fn ranges_are_the_binomial_quantiles() {
        // Binomial(100, 0.1): P(X ≤ 4) = 0.0237, P(X ≤ 5) = 0.0576;
        // P(X ≤ 15) = 0.9601, P(X ≤ 16) = 0.9794.
        let (low, high, out) = chance_range(100, 0.1);
        assert_eq!((low, high), (5, 16));
        assert!((out - (0.0237 + 0.0206)).abs() < 1e-3, "{out}");
        assert_eq!(chance_range(0, 0.1).0, 0);
    }

    #[test]
    fn counts_every_position_group_and_bonus() {
        let d = |s: &str| Digits::parse(s, "d").unwrap();
        let date = Date::parse("2020-05-07").unwrap();
        let draws: Vec<PensionDraw> = (0..20u32)
            .map(|i| {
                let g = Group::new(1 + (i % 5) as u8).unwrap();
                PensionDraw::new(
                    i + 1,
                    date,
                    g,
                    d("000000"),
                    Digits::new(i * 11_111 % 1_000_000).unwrap(),
                )
                .unwrap()
            })
            .collect();
        let s = PensionStats::compute(&draws);
        assert_eq!(s.draws, 20);
        assert!(
            s.groups
                .iter()
                .all(|g| g.count == 4 && (g.expected - 4.0).abs() < 1e-12)
        );
        assert!(s.groups_test.unwrap().statistic.abs() < 1e-12);
        // Always 0 in the winning number: far outside chance at every position.
        for p in &s.positions {
            assert_eq!((p.digits[0].count, p.digits[0].outside), (20, true));
            assert!(p.test.unwrap().p_value < 1e-10);
        }
        assert_eq!(s.positions.len(), 6);
        assert_eq!(s.positions[5].position, 6);
        let bonus_total: u64 = s.bonus_positions[0].digits.iter().map(|c| c.count).sum();
        assert_eq!(bonus_total, 20);
        // Digits 1–9 never drawn in 20 draws is within chance (P = 0.12 each);
        // 0 every time is not: one cell outside per position.
        let main_outside = s
            .positions
            .iter()
            .flat_map(|p| &p.digits)
            .filter(|c| c.outside);
        assert_eq!(main_outside.count(), 6);
        assert!(s.outside >= 6);
        assert!(s.chance_outside > 0.0 && s.chance_outside < 12.0);
    }
}
