//! Exact odds of every 720+ prize, by counting tickets.
//!
//! Of the 5 × 10^6 (group, digits) games, for any draw: 1st is 1 game; 2nd
//! is the same six digits in the other 4 groups; a rank that needs exactly
//! `k` trailing digits (3rd: k = 5 … 7th: k = 1) fixes the last `k`
//! digits, excludes one value of the digit before them (that would be a
//! better rank) and leaves the `5 − k` digits before that free, in any
//! group: `5 · 9 · 10^(5−k)` games; the bonus is its six digits in any of
//! the 5 groups. None of these counts depends on which number is drawn, so
//! they are the odds of a ticket bought before the draw. [`enumerate_games`]
//! checks them by going through all 5,000,000 games against a given draw.

use serde::{Deserialize, Serialize};

use super::draw::{PensionDraw, PensionRank};
use super::prize::PensionPrize;
use super::ticket::{Digits, Group};
use super::{DIGIT_COUNT, GROUPS, TICKETS};

/// The chance of one prize.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PensionTierOdds {
    /// The prize.
    pub rank: PensionRank,
    /// What it takes, e.g. `last 5 digits`.
    pub label: String,
    /// Games that win it among all 5,000,000.
    pub games: u64,
    /// `games / 5,000,000`.
    pub probability: f64,
    /// `1 / probability`: "1 in x".
    pub one_in: f64,
    /// What it pays.
    pub prize: PensionPrize,
}

/// The odds of every 720+ prize.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PensionOdds {
    /// All games of a draw: 5 groups × 1,000,000 digits.
    pub total_games: u64,
    /// 1st to 7th, then the bonus.
    pub tiers: Vec<PensionTierOdds>,
    /// Games that win one of ranks 1–7 (the bonus aside): one in ten,
    /// every game whose last digit is drawn.
    pub ranked_games: u64,
    /// `ranked_games / total_games`.
    pub ranked_probability: f64,
}

/// Games, among all 5,000,000 of a draw, that win `rank`; see the module docs.
pub fn games_winning(rank: PensionRank) -> u64 {
    let groups = u64::from(GROUPS);
    match rank {
        PensionRank::First => 1,
        PensionRank::Second => groups - 1,
        PensionRank::Bonus => groups,
        r => {
            let k = u32::from(r.trailing());
            groups * 9 * 10u64.pow(DIGIT_COUNT as u32 - 1 - k)
        }
    }
}

impl PensionOdds {
    /// The odds of every prize.
    pub fn compute() -> PensionOdds {
        let tiers: Vec<PensionTierOdds> = PensionRank::ALL
            .iter()
            .map(|&rank| {
                let games = games_winning(rank);
                let probability = games as f64 / TICKETS as f64;
                PensionTierOdds {
                    rank,
                    label: rank.label(),
                    games,
                    probability,
                    one_in: 1.0 / probability,
                    prize: rank.prize(),
                }
            })
            .collect();
        let ranked_games = tiers
            .iter()
            .filter(|t| t.rank != PensionRank::Bonus)
            .map(|t| t.games)
            .sum::<u64>();
        PensionOdds {
            total_games: TICKETS,
            tiers,
            ranked_games,
            ranked_probability: ranked_games as f64 / TICKETS as f64,
        }
    }
}

/// Counts of an enumeration: games of each prize, and games winning nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PensionCounts {
    /// Games per prize, in the order of [`PensionRank::ALL`].
    pub games: [u64; 8],
    /// Games that win a rank and the bonus.
    pub rank_and_bonus: u64,
    /// Games that win nothing.
    pub nothing: u64,
}

/// Checks every one of the 5,000,000 games against `draw` with
/// [`PensionDraw::rank`] and [`PensionDraw::bonus_matches`] and counts
/// what each wins: the independent count that [`games_winning`] must equal.
pub fn enumerate_games(draw: &PensionDraw) -> PensionCounts {
    let mut counts = PensionCounts::default();
    for group in Group::all() {
        for value in 0..1_000_000u32 {
            let digits = Digits(value);
            let rank = draw.rank(group, digits);
            let bonus = draw.bonus_matches(digits);
            if let Some(r) = rank {
                counts.games[r as usize] += 1;
            }
            if bonus {
                counts.games[PensionRank::Bonus as usize] += 1;
            }
            match (rank.is_some(), bonus) {
                (true, true) => counts.rank_and_bonus += 1,
                (false, false) => counts.nothing += 1,
                _ => {}
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    fn draw(group: u8, digits: &str, bonus: &str) -> PensionDraw {
        let d = |s: &str| Digits::parse(s, "d").unwrap();
        PensionDraw::new(
            1,
            Date::parse("2020-05-07").unwrap(),
            Group::new(group).unwrap(),
            d(digits),
            d(bonus),
        )
        .unwrap()
    }

    /// The operator's table, per 5,000,000 games: 1, 4, 45, 450, 4,500,
    /// 45,000, 450,000 and 5 bonus games.
    #[test]
    fn closed_forms_give_the_published_counts() {
        let odds = PensionOdds::compute();
        let games: Vec<u64> = odds.tiers.iter().map(|t| t.games).collect();
        assert_eq!(games, vec![1, 4, 45, 450, 4_500, 45_000, 450_000, 5]);
        assert_eq!(odds.ranked_games, 500_000);
        assert!((odds.ranked_probability - 0.1).abs() < 1e-15);
        assert!((odds.tiers[0].one_in - 5_000_000.0).abs() < 1e-6);
        assert!((odds.tiers[1].one_in - 1_250_000.0).abs() < 1e-6);
        assert!((odds.tiers[7].one_in - 1_000_000.0).abs() < 1e-6);
    }

    /// Every game of a draw enumerated, for draws chosen so that the bonus
    /// shares no trailing digit with the winning number, shares three, or
    /// equals it, and for the edges 000000 and 999999: the counts of every
    /// prize equal the closed forms in each case.
    #[test]
    fn enumerating_all_five_million_games_gives_the_closed_forms() {
        let closed: Vec<u64> = PensionRank::ALL.iter().map(|&r| games_winning(r)).collect();
        for (d, rank_and_bonus) in [
            (draw(4, "162132", "278239"), 0), // round 1: bonus ends in 9, number in 2
            (draw(3, "221540", "727161"), 0), // round 327
            (draw(1, "000000", "999000"), 5), // the bonus wins 5th in all five groups
            (draw(5, "999999", "999999"), 5), // the bonus is the winning number itself
        ] {
            let counts = enumerate_games(&d);
            assert_eq!(counts.games.to_vec(), closed, "{d:?}");
            assert_eq!(counts.rank_and_bonus, rank_and_bonus, "{d:?}");
            let won: u64 = counts.games.iter().sum::<u64>() - counts.rank_and_bonus;
            assert_eq!(won + counts.nothing, TICKETS, "{d:?}");
        }
    }
}
