//! Exact odds for any [`GameSpec`], by counting combinations.
//!
//! For a fixed draw, the number of tickets with `k` main matches and `j`
//! bonus matches is an integer:
//!
//! * same-pool bonus (`b` bonus balls, pool `N`, `n` picks):
//!   `C(n,k) · C(b,j) · C(N−n−b, n−k−j)` — the ticket's numbers split among the
//!   drawn main numbers, the bonus numbers and the rest;
//! * second pool (`p` of `P`): the product of two hypergeometric counts,
//!   `C(n,k)·C(N−n,n−k) · C(p,j)·C(P−p,p−j)`.
//!
//! Probabilities are those counts over the number of possible tickets, so the
//! combination counts in the output are exact and the `f64` fields are one
//! division away from them.

use serde::{Deserialize, Serialize};

use crate::game::{BonusRule, GameDef, GameSpec, Payout};

/// The chance of one prize tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TierOdds {
    /// The rank.
    pub rank: u8,
    /// What it takes, e.g. `5 + bonus`.
    pub label: String,
    /// Winning tickets for this tier among all possible tickets.
    pub combinations: u64,
    /// `combinations / total_combinations`.
    pub probability: f64,
    /// `1 / probability`: "1 in x".
    pub one_in: f64,
    /// How the tier pays.
    pub payout: Payout,
}

/// The odds of every tier of a game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Odds {
    /// The game id.
    pub game: String,
    /// All possible tickets.
    pub total_combinations: u64,
    /// Rank 1 first.
    pub tiers: Vec<TierOdds>,
    /// Probability that a ticket wins any prize.
    pub any_prize_probability: f64,
    /// `1 / any_prize_probability`.
    pub any_prize_one_in: f64,
}

/// Wins of each tier for one ticket's main numbers, counted by going
/// through every possible draw (main numbers and bonus) rather than by
/// formula: the check that a ticket's chances do not depend on which numbers
/// it holds. Counts are of (main draw, bonus) pairs; their total is
/// `C(pool, picks) · (pool − picks)` with one bonus number, `C(pool, picks)`
/// without. Covers games without a second pool, at most one bonus number
/// and a pool of at most 63.
pub fn enumerate_wins(
    game: &GameSpec,
    main: crate::ticket::NumberSet,
) -> crate::error::Result<Vec<u64>> {
    let bonus = match game.bonus() {
        BonusRule::None => false,
        BonusRule::SamePool { count: 1 } => true,
        _ => {
            return Err(crate::error::Error::invalid(
                "game",
                "enumeration covers games with at most one bonus number from the main pool",
            ));
        }
    };
    let (pool, k) = (u32::from(game.pool()), u32::from(game.picks()));
    if pool > 63 || main.len() != k {
        return Err(crate::error::Error::invalid(
            "ticket",
            "needs the game's number of picks from a pool of at most 63",
        ));
    }
    let t = (main.bits() >> 1) as u64;
    let tiers = game.tiers();
    let mut wins = vec![0u64; tiers.len()];
    let mut x: u64 = (1u64 << k) - 1;
    let limit = 1u64 << pool;
    while x < limit {
        let m = (x & t).count_ones();
        for (i, tier) in tiers.iter().enumerate() {
            if u32::from(tier.main) != m {
                continue;
            }
            if bonus {
                // The bonus is one of the pool − k undrawn numbers; k − m of
                // them are on the ticket.
                let on_ticket = u64::from(k - m);
                let off_ticket = u64::from(pool - k) - on_ticket;
                wins[i] += if tier.bonus.accepts(1) { on_ticket } else { 0 }
                    + if tier.bonus.accepts(0) { off_ticket } else { 0 };
            } else if tier.bonus.accepts(0) {
                wins[i] += 1;
            }
        }
        let c = x & x.wrapping_neg();
        let r = x + c;
        x = (((r ^ x) >> 2) / c) | r;
    }
    Ok(wins)
}

/// The chance of matching exactly `matches` main numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct MatchProbability {
    /// Main numbers matched.
    pub matches: u8,
    /// Tickets with exactly that many matches.
    pub combinations: u64,
    /// Their probability.
    pub probability: f64,
}

impl Odds {
    /// The odds of every tier of `game`.
    pub fn of(game: &GameSpec) -> Odds {
        let def = game.def();
        let total = game.total_combinations();
        let max_bonus = def.bonus.drawn();
        let mut tiers = Vec::with_capacity(def.tiers.len());
        let mut any = 0u64;
        for tier in &def.tiers {
            let combos: u128 = (0..=max_bonus)
                .filter(|j| tier.bonus.accepts(*j))
                .map(|j| outcome_count(def, tier.main, j))
                .sum();
            // Every count is at most `total`, which fits in u64.
            let combos = u64::try_from(combos).unwrap_or(u64::MAX);
            any += combos;
            tiers.push(TierOdds {
                rank: tier.rank,
                label: game.tier_label(tier),
                combinations: combos,
                probability: ratio(combos, total),
                one_in: ratio(total, combos),
                payout: tier.payout,
            });
        }
        Odds {
            game: def.id.clone(),
            total_combinations: total,
            tiers,
            any_prize_probability: ratio(any, total),
            any_prize_one_in: ratio(total, any),
        }
    }
}

/// The distribution of main-number matches of a random ticket (hypergeometric),
/// for `0..=picks` matches.
pub fn match_distribution(game: &GameSpec) -> Vec<MatchProbability> {
    let n = u32::from(game.picks());
    let pool = u32::from(game.pool());
    let total = binomial(pool, n).unwrap_or(0);
    (0..=game.picks())
        .map(|k| {
            let k32 = u32::from(k);
            let c = binomial(n, k32)
                .zip(binomial(pool - n, n - k32))
                .and_then(|(a, b)| a.checked_mul(b))
                .unwrap_or(0);
            MatchProbability {
                matches: k,
                combinations: u64::try_from(c).unwrap_or(u64::MAX),
                probability: c as f64 / total as f64,
            }
        })
        .collect()
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        f64::INFINITY
    } else {
        a as f64 / b as f64
    }
}

/// `C(n, k)`, exactly, or `None` if it does not fit in a `u128`.
pub(crate) fn binomial(n: u32, k: u32) -> Option<u128> {
    if k > n {
        return Some(0);
    }
    let k = k.min(n - k);
    let mut r: u128 = 1;
    for i in 0..k {
        // r · (n − i) / (i + 1) is exact at every step: r = C(n, i) here and
        // C(n, i) · (n − i) = C(n, i + 1) · (i + 1).
        r = r.checked_mul(u128::from(n - i))? / u128::from(i + 1);
    }
    Some(r)
}

/// Number of distinct tickets of a (shape-validated) game definition.
pub(crate) fn total_combinations(def: &GameDef) -> Option<u128> {
    let main = binomial(u32::from(def.pool), u32::from(def.picks))?;
    match def.bonus {
        BonusRule::SecondPool { pool, picks } => {
            main.checked_mul(binomial(u32::from(pool), u32::from(picks))?)
        }
        _ => Some(main),
    }
}

/// Tickets with exactly `k` main and `j` bonus matches against a fixed draw.
pub(crate) fn outcome_count(def: &GameDef, k: u8, j: u8) -> u128 {
    let (n, big_n, k, j) = (
        u32::from(def.picks),
        u32::from(def.pool),
        u32::from(k),
        u32::from(j),
    );
    if k > n {
        return 0;
    }
    let count = match def.bonus {
        BonusRule::None => {
            if j != 0 {
                return 0;
            }
            hyper(big_n, n, k)
        }
        BonusRule::SamePool { count } => {
            let b = u32::from(count);
            if k + j > n || big_n < n + b {
                return 0;
            }
            (|| {
                binomial(n, k)?
                    .checked_mul(binomial(b, j)?)?
                    .checked_mul(binomial(big_n - n - b, n - k - j)?)
            })()
        }
        BonusRule::SecondPool { pool, picks } => {
            let (p2, n2) = (u32::from(pool), u32::from(picks));
            if j > n2 {
                return 0;
            }
            hyper(big_n, n, k)
                .zip(hyper(p2, n2, j))
                .and_then(|(a, b)| a.checked_mul(b))
        }
    };
    count.unwrap_or(0)
}

/// Tickets of `n` numbers from a pool of `big_n` that share exactly `k` with a
/// fixed set of `n`.
fn hyper(big_n: u32, n: u32, k: u32) -> Option<u128> {
    if k > n || big_n < n || n - k > big_n - n {
        return Some(0);
    }
    binomial(n, k)?.checked_mul(binomial(big_n - n, n - k)?)
}

/// Whether any ticket can have `k` main and `j` bonus matches.
pub(crate) fn outcome_possible(def: &GameDef, k: u8, j: u8) -> bool {
    outcome_count(def, k, j) > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomials() {
        assert_eq!(binomial(45, 6), Some(8_145_060));
        assert_eq!(binomial(69, 5), Some(11_238_513));
        assert_eq!(binomial(5, 7), Some(0));
        assert_eq!(binomial(127, 20), Some(100_960_339_133_804_342_294_025));
    }

    #[test]
    fn outcomes_partition_all_tickets() {
        for id in GameSpec::preset_ids() {
            let g = GameSpec::preset(id).unwrap();
            let def = g.def();
            let mut sum = 0u128;
            for k in 0..=def.picks {
                for j in 0..=def.bonus.drawn() {
                    sum += outcome_count(def, k, j);
                }
            }
            assert_eq!(sum, u128::from(g.total_combinations()), "{id}");
        }
    }
}
