//! What each prize rank pays a simulated winning ticket.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::game::{GameSpec, Payout};
use crate::history::HistoryView;
use crate::money::Money;
use crate::odds::Odds;
use crate::prize::pool_prizes;
use crate::tax::TaxRule;

/// One way a rank can pay: the amount before and after tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Payment {
    /// Prize before tax.
    pub gross: Money,
    /// Prize after the game's tax rule, applied to this one ticket.
    pub net: Money,
}

/// How the pari-mutuel ranks of a game are valued in a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PrizeModel {
    /// A description for reports.
    pub basis: String,
    /// `fixed[r − 1]`: what rank `r` pays when it does not depend on the draw.
    fixed: Vec<Option<Payment>>,
    /// `sampled[i][r − 1]`: what rank `r` pays if the simulated draw is like
    /// reference draw `i` (pool-model ranks only).
    sampled: Vec<Vec<Option<Payment>>>,
    /// Ranks valued at zero for lack of information.
    pub unvalued_ranks: Vec<u8>,
    /// Rounds of the reference draws.
    pub reference_rounds: Vec<u32>,
}

impl PrizeModel {
    /// Values every rank of `game`:
    ///
    /// * fixed tiers pay their amount;
    /// * a rank in `overrides` pays the amount given there;
    /// * for a game with a published pool rule (Korean Lotto 6/45), the
    ///   pari-mutuel ranks follow the pool model on each of the `recent` most
    ///   recent draws of `history` that record sales and winners — with the
    ///   simulated ticket added to that draw's winners, since it would share
    ///   the pool; each simulated draw takes one of them at random;
    /// * any other pari-mutuel rank pays 0 and is listed in `unvalued_ranks`.
    ///
    /// Tax is the game's rule applied to each winning ticket on its own.
    pub fn new(
        game: &GameSpec,
        history: Option<HistoryView<'_>>,
        recent: usize,
        overrides: &[(u8, Money)],
    ) -> Result<PrizeModel> {
        for (rank, _) in overrides {
            if game.tier(*rank).is_none() {
                return Err(Error::invalid(
                    "prize",
                    format!(
                        "{} has no rank {rank}; ranks are 1..={}",
                        game.name(),
                        game.tiers().len()
                    ),
                ));
            }
        }
        let pay = |gross: Money| -> Result<Payment> {
            Ok(Payment {
                gross,
                net: game.tax().assess(gross, game.ticket_price())?.net,
            })
        };
        let mut fixed = Vec::with_capacity(game.tiers().len());
        let mut pool_ranks = Vec::new();
        for tier in game.tiers() {
            let value = match (overrides.iter().find(|(r, _)| *r == tier.rank), tier.payout) {
                (Some((_, amount)), _) => Some(pay(*amount)?),
                (None, Payout::Fixed { amount }) => Some(pay(amount)?),
                (
                    None,
                    Payout::PariMutuel {
                        share_permille: Some(_),
                    },
                ) if game.prize_fund_permille().is_some() => {
                    pool_ranks.push(tier.rank);
                    None
                }
                (None, Payout::PariMutuel { .. }) => None,
            };
            fixed.push(value);
        }

        let mut sampled = Vec::new();
        let mut reference_rounds = Vec::new();
        if let (false, Some(view)) = (pool_ranks.is_empty(), history) {
            let usable = view.draws().iter().rev().filter(|d| {
                d.total_sales().is_some() && game.tiers().iter().all(|t| d.result(t.rank).is_some())
            });
            for d in usable.take(recent) {
                let winners: Vec<u64> = game
                    .tiers()
                    .iter()
                    .map(|t| d.result(t.rank).map_or(0, |r| r.winners))
                    .collect();
                let sales = d.total_sales().unwrap_or_default();
                let mut row = vec![None; game.tiers().len()];
                for &rank in &pool_ranks {
                    let i = usize::from(rank) - 1;
                    let mut with_us = winners.clone();
                    with_us[i] += 1;
                    let out = pool_prizes(game, sales, &with_us, Money::ZERO)?;
                    row[i] = out.tiers[i].prize_each.map(pay).transpose()?;
                }
                sampled.push(row);
                reference_rounds.push(d.round());
            }
            reference_rounds.reverse();
            sampled.reverse();
        }

        let unvalued_ranks: Vec<u8> = game
            .tiers()
            .iter()
            .filter(|t| {
                fixed[usize::from(t.rank) - 1].is_none()
                    && (sampled.is_empty() || !pool_ranks.contains(&t.rank))
            })
            .map(|t| t.rank)
            .collect();
        let basis = match (
            sampled.is_empty(),
            reference_rounds.first(),
            reference_rounds.last(),
        ) {
            (false, Some(a), Some(b)) => format!(
                "fixed tiers at their amounts; ranks {pool_ranks:?} by the pool model on one of the {} real draws {a}..={b} (sales and winner counts, with the simulated ticket among the winners)",
                sampled.len()
            ),
            _ if unvalued_ranks.is_empty() => "fixed amounts".to_owned(),
            _ => format!(
                "fixed amounts; ranks {unvalued_ranks:?} are pari-mutuel and valued at 0 (give a history with prize results, or an amount per rank)"
            ),
        };
        Ok(PrizeModel {
            basis,
            fixed,
            sampled,
            unvalued_ranks,
            reference_rounds,
        })
    }

    /// Parses a prize override written `RANK=AMOUNT` (`1=2000000000`).
    pub fn parse_override(text: &str) -> Result<(u8, Money)> {
        let (rank, amount) = text.split_once('=').ok_or_else(|| {
            Error::invalid(
                "prize",
                format!("'{text}' is not RANK=AMOUNT, e.g. 1=2000000000"),
            )
        })?;
        let rank = rank.trim().parse::<u8>().map_err(|_| {
            Error::invalid("prize", format!("'{}' is not a rank number", rank.trim()))
        })?;
        Ok((rank, Money::parse(amount, "prize")?))
    }

    /// Number of reference draws that pool-model ranks are sampled from.
    pub fn references(&self) -> usize {
        self.sampled.len()
    }

    /// What rank `rank` pays when the simulated draw is like reference
    /// `reference` (ignored for ranks that do not depend on it).
    pub fn payment(&self, rank: u8, reference: usize) -> Payment {
        let i = usize::from(rank) - 1;
        let none = Payment {
            gross: Money::ZERO,
            net: Money::ZERO,
        };
        match self.fixed.get(i).copied().flatten() {
            Some(p) => p,
            None => self
                .sampled
                .get(reference)
                .and_then(|row| row.get(i).copied().flatten())
                .unwrap_or(none),
        }
    }

    /// Whether rank `rank` needs a reference draw to be valued.
    pub fn depends_on_draw(&self, rank: u8) -> bool {
        self.fixed
            .get(usize::from(rank) - 1)
            .is_some_and(Option::is_none)
            && !self.sampled.is_empty()
    }

    /// Exact moments of one ticket's prize under a fair draw: (mean gross,
    /// mean net, mean of gross², mean of net²), in minor units.
    pub fn moments(&self, odds: &Odds) -> (f64, f64, f64, f64) {
        let refs = self.sampled.len().max(1);
        let mut m = (0.0, 0.0, 0.0, 0.0);
        for t in &odds.tiers {
            let (mut g, mut n, mut g2, mut n2) = (0.0, 0.0, 0.0, 0.0);
            for r in 0..refs {
                let p = self.payment(t.rank, r);
                let (pg, pn) = (p.gross.get() as f64, p.net.get() as f64);
                g += pg;
                n += pn;
                g2 += pg * pg;
                n2 += pn * pn;
            }
            let w = t.probability / refs as f64;
            m.0 += w * g;
            m.1 += w * n;
            m.2 += w * g2;
            m.3 += w * n2;
        }
        m
    }
}
