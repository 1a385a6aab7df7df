//! Chi-square test of uniform number frequencies.
//!
//! Each draw takes `n` of `N` numbers *without replacement*, so a number's
//! count over `D` draws has variance `D·p·(1−p)` (`p = n/N`) and the counts
//! are negatively correlated. The textbook statistic `Σ (O−E)²/E` then has
//! mean `N−n`, not `N−1`, and compared with χ²(N−1) it would hide real bias.
//! We use the exact covariance instead: the statistic
//! `X² = Σ (O−E)² / (D·p·(1−p)·N/(N−1))`, which equals the textbook value
//! times `(N−1)/(N−n)`, is asymptotically χ² with `N−1` degrees of freedom.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// The outcome of a chi-square test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct ChiSquare {
    /// The test statistic.
    pub statistic: f64,
    /// Degrees of freedom.
    pub df: f64,
    /// Probability of a statistic at least this large under the null.
    pub p_value: f64,
}

/// `P(χ²(df) ≥ statistic)`, or `None` when `df` is not positive.
pub fn chi_square_sf(statistic: f64, df: f64) -> Option<f64> {
    let dist = ChiSquared::new(df).ok()?;
    Some(dist.sf(statistic.max(0.0)))
}

/// Pearson's test of `observed` against equal expected counts: `Σ (O−E)²/E`
/// with `k−1` degrees of freedom. `None` with fewer than two cells or no data.
pub fn pearson_uniform(observed: &[u64]) -> Option<ChiSquare> {
    let k = observed.len();
    let total: u64 = observed.iter().sum();
    if k < 2 || total == 0 {
        return None;
    }
    let e = total as f64 / k as f64;
    let statistic: f64 = observed.iter().map(|&o| (o as f64 - e).powi(2) / e).sum();
    let df = (k - 1) as f64;
    Some(ChiSquare {
        statistic,
        df,
        p_value: chi_square_sf(statistic, df)?,
    })
}

/// The test for lottery number counts: `counts[i]` of `pool` numbers over
/// `draws` draws of `picks` numbers each; see the module docs.
pub fn lottery_uniformity(counts: &[u64], draws: u64, picks: u8) -> Option<ChiSquare> {
    let big_n = counts.len() as f64;
    let n = f64::from(picks);
    if counts.len() < 2 || draws == 0 || n >= big_n {
        return None;
    }
    let p = n / big_n;
    let d = draws as f64;
    let e = d * p;
    let var = d * p * (1.0 - p) * big_n / (big_n - 1.0);
    let statistic: f64 = counts.iter().map(|&o| (o as f64 - e).powi(2) / var).sum();
    let df = big_n - 1.0;
    Some(ChiSquare {
        statistic,
        df,
        p_value: chi_square_sf(statistic, df)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_against_closed_forms() {
        // df = 2: P(χ² ≥ x) = exp(−x/2). Counts 10, 20, 30: X² = 10.
        let t = pearson_uniform(&[10, 20, 30]).unwrap();
        assert!((t.statistic - 10.0).abs() < 1e-12);
        assert!((t.p_value - (-5.0f64).exp()).abs() < 1e-12, "{}", t.p_value);
        // df = 4: P(χ² ≥ x) = exp(−x/2)·(1 + x/2). Counts 8, 12, 10, 6, 14: X² = 4.
        let t = pearson_uniform(&[8, 12, 10, 6, 14]).unwrap();
        assert!((t.statistic - 4.0).abs() < 1e-12);
        assert!(
            (t.p_value - (-2.0f64).exp() * 3.0).abs() < 1e-12,
            "{}",
            t.p_value
        );
        assert!(pearson_uniform(&[5]).is_none() && pearson_uniform(&[0, 0]).is_none());
    }

    #[test]
    fn lottery_statistic_is_the_corrected_pearson() {
        let counts = [150, 170, 160, 180, 140, 165, 175, 155, 160, 145];
        let draws = 400; // 10 numbers, 4 per draw: 1,600 = Σ counts
        assert_eq!(counts.iter().sum::<u64>(), 1600);
        let plain = pearson_uniform(&counts).unwrap().statistic;
        let t = lottery_uniformity(&counts, draws, 4).unwrap();
        assert!(
            (t.statistic - plain * 9.0 / 6.0).abs() < 1e-9,
            "{} vs {plain}",
            t.statistic
        );
        assert_eq!(t.df, 9.0);
    }
}
