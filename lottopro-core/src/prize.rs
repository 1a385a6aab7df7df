//! Prize amounts: the pari-mutuel pool model.
//!
//! Ranks themselves come from [`GameSpec::rank`]. This module computes what
//! pari-mutuel tiers pay, for games whose operator fixes the prize fund as a
//! share of sales and each tier's share of it (Korean Lotto 6/45):
//!
//! 1. the prize fund is `prize_fund_permille` of total sales (Korea: 50 %);
//! 2. fixed-amount tiers are paid from it first (Korea: 4th 50,000 won and
//!    5th 5,000 won per winning ticket);
//! 3. what remains is split by the tiers' shares (Korea: 75 % / 12.5 % /
//!    12.5 % for ranks 1–3), and each tier's part equally among its winners;
//! 4. a top tier without winners rolls its part into the next draw's top tier.
//!
//! **Rounding**, found from the published Korean results: the amount per winner
//! is the exact share rounded *up* to the whole won. All arithmetic is exact:
//! pools are kept in millionths of a minor unit, so shares like 12.5 % and
//! rollovers lose nothing. Against every Korean draw from 401 (when 4th and
//! 5th became fixed) to 1245, this reproduces the published rank-1 and rank-2
//! amounts to the won and rank 3 in 839 of 845 draws; see the test suite.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::game::{GameSpec, Payout};
use crate::money::Money;

/// Millionths of a minor unit: pools are exact at this scale.
const SCALE: u128 = 1_000_000;

/// What each tier pays in one draw under the pool model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PoolOutcome {
    /// The prize fund (share of sales), whole minor units (rounded down).
    pub prize_fund: Money,
    /// Paid to fixed-amount tiers.
    pub fixed_total: Money,
    /// One entry per tier, rank order.
    pub tiers: Vec<TierPool>,
    /// The top tier's part carried into the next draw when nobody won it
    /// (rounded down to whole minor units).
    pub rollover: Money,
}

/// One tier's part of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TierPool {
    /// The rank.
    pub rank: u8,
    /// Winning tickets at this rank.
    pub winners: u64,
    /// The tier's pool (rounded down); for fixed tiers, winners × amount.
    pub pool: Money,
    /// Per winning ticket; `None` with no winners, or for a pari-mutuel tier
    /// whose share the game does not publish.
    pub prize_each: Option<Money>,
}

/// The pari-mutuel pool of one draw; see the module docs.
///
/// `winners[i]` is the number of winning tickets at rank `i + 1` (one entry
/// per tier); `carried_in` is the top-tier rollover from the previous draw.
pub fn pool_prizes(
    game: &GameSpec,
    total_sales: Money,
    winners: &[u64],
    carried_in: Money,
) -> Result<PoolOutcome> {
    let fund_permille = game.prize_fund_permille().ok_or_else(|| {
        Error::invalid(
            "game",
            format!(
                "{} has no published prize-fund share to model its pool",
                game.name()
            ),
        )
    })?;
    if winners.len() != game.tiers().len() {
        return Err(Error::invalid(
            "winners",
            format!(
                "expected {} counts (one per rank), got {}",
                game.tiers().len(),
                winners.len()
            ),
        ));
    }
    let fund_scaled = u128::from(total_sales.get()) * u128::from(fund_permille) * (SCALE / 1000);
    let mut fixed_scaled = 0u128;
    for (tier, &w) in game.tiers().iter().zip(winners) {
        if let Payout::Fixed { amount } = tier.payout {
            fixed_scaled += u128::from(amount.get()) * u128::from(w) * SCALE;
        }
    }
    let rest = fund_scaled.saturating_sub(fixed_scaled);
    let mut rollover = 0u128;
    let mut tiers = Vec::with_capacity(winners.len());
    for (tier, &w) in game.tiers().iter().zip(winners) {
        let (pool_scaled, each) = match tier.payout {
            Payout::Fixed { amount } => (
                u128::from(amount.get()) * u128::from(w) * SCALE,
                (w > 0).then_some(amount),
            ),
            Payout::PariMutuel {
                share_permille: None,
            } => (0, None),
            Payout::PariMutuel {
                share_permille: Some(share),
            } => {
                let mut p = rest * u128::from(share) / 1000;
                if tier.rank == 1 {
                    p += u128::from(carried_in.get()) * SCALE;
                }
                if w == 0 {
                    if tier.rank == 1 {
                        rollover = p;
                    }
                    (p, None)
                } else {
                    let per = p.div_ceil(u128::from(w) * SCALE);
                    (p, Some(to_money(per)?))
                }
            }
        };
        tiers.push(TierPool {
            rank: tier.rank,
            winners: w,
            pool: to_money(pool_scaled / SCALE)?,
            prize_each: each,
        });
    }
    Ok(PoolOutcome {
        prize_fund: to_money(fund_scaled / SCALE)?,
        fixed_total: to_money(fixed_scaled / SCALE)?,
        tiers,
        rollover: to_money(rollover / SCALE)?,
    })
}

fn to_money(v: u128) -> Result<Money> {
    Money::new(u64::try_from(v).unwrap_or(u64::MAX), "prize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_draw_401() {
        // Published: 9 × 1,168,214,792; 29 × 60,424,904; 1,355 × 1,293,227.
        let g = GameSpec::kr645();
        let out = pool_prizes(
            &g,
            Money(43_491_965_000),
            &[9, 29, 1355, 59_599, 949_491],
            Money::ZERO,
        )
        .unwrap();
        let each: Vec<_> = out
            .tiers
            .iter()
            .map(|t| t.prize_each.map(Money::get))
            .collect();
        assert_eq!(
            each,
            vec![
                Some(1_168_214_792),
                Some(60_424_904),
                Some(1_293_227),
                Some(50_000),
                Some(5_000)
            ]
        );
        assert_eq!(out.rollover, Money::ZERO);
    }

    #[test]
    fn a_top_tier_without_winners_rolls_over() {
        let g = GameSpec::kr645();
        let out = pool_prizes(&g, Money(10_000_000), &[0, 1, 1, 0, 0], Money(1_000)).unwrap();
        // fund 5,000,000; 75 % = 3,750,000 plus 1,000 carried in.
        assert_eq!(out.rollover, Money(3_751_000));
        assert_eq!(out.tiers[0].prize_each, None);
        assert!(pool_prizes(&g, Money(1), &[1, 2], Money::ZERO).is_err());
        assert!(
            pool_prizes(
                &GameSpec::preset("powerball").unwrap(),
                Money(1),
                &[0; 9],
                Money::ZERO
            )
            .is_err()
        );
    }
}
