//! Draws: the winning numbers of one round, and what it paid when known.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::{Error, Result};
use crate::game::{BonusRule, GameSpec, check_numbers};
use crate::money::Money;
use crate::ticket::{Matches, NumberSet, Ticket, TicketRecord};

/// What one prize rank of a draw actually paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TierResult {
    /// The rank (1 = top prize).
    pub rank: u8,
    /// Winning tickets (games) at this rank.
    pub winners: u64,
    /// Prize per winning ticket before tax; 0 when nobody won.
    pub prize_each: Money,
}

/// A ticket checked against one draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct CheckResult {
    /// The round.
    pub round: u32,
    /// The draw date.
    pub date: Date,
    /// The draw's numbers.
    pub draw: DrawNumbers,
    /// The ticket.
    pub ticket: TicketRecord,
    /// Main numbers matched.
    pub matches: u8,
    /// Bonus numbers matched.
    pub bonus_matches: u8,
    /// Whether any bonus number matched.
    pub bonus: bool,
    /// The prize rank, if any.
    pub rank: Option<u8>,
    /// What this draw paid per winning ticket at that rank, when the history
    /// records it and somebody won it.
    pub prize: Option<Money>,
}

/// The numbers of a draw, as plain lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct DrawNumbers {
    /// Main numbers, ascending.
    pub numbers: Vec<u8>,
    /// Bonus numbers, ascending.
    pub bonus: Vec<u8>,
}

/// One round's result; valid for the game it was built for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Draw {
    round: u32,
    date: Date,
    numbers: NumberSet,
    bonus: NumberSet,
    bonus_same_pool: bool,
    total_sales: Option<Money>,
    results: Vec<TierResult>,
}

impl Draw {
    /// A draw, validated against `game`: the right count of distinct main
    /// numbers in range, the right count of bonus numbers, and a same-pool
    /// bonus not among the main numbers. Rounds start at 1.
    pub fn new(
        game: &GameSpec,
        round: u32,
        date: Date,
        numbers: &[u8],
        bonus: &[u8],
    ) -> Result<Draw> {
        if round == 0 {
            return Err(Error::invalid("round", "rounds are numbered from 1"));
        }
        game.check_main(numbers, "numbers")?;
        let main = NumberSet::from_numbers(numbers);
        let same_pool = match game.bonus() {
            BonusRule::None => {
                check_numbers(bonus, 0, game.pool(), "bonus")?;
                false
            }
            BonusRule::SamePool { count } => {
                check_numbers(bonus, count, game.pool(), "bonus")?;
                if let Some(n) = bonus.iter().find(|n| main.contains(**n)) {
                    return Err(Error::invalid(
                        "bonus",
                        format!(
                            "{n} is also a main number; the bonus is drawn from the remaining numbers"
                        ),
                    ));
                }
                true
            }
            BonusRule::SecondPool { pool, picks } => {
                check_numbers(bonus, picks, pool, "bonus")?;
                false
            }
        };
        Ok(Draw {
            round,
            date,
            numbers: main,
            bonus: NumberSet::from_numbers(bonus),
            bonus_same_pool: same_pool,
            total_sales: None,
            results: Vec::new(),
        })
    }

    /// A fair random draw of `game`: main numbers uniformly at random, then
    /// the bonus numbers from what is left of the same pool (or from the
    /// second pool).
    pub fn random<R: rand::Rng + ?Sized>(
        game: &GameSpec,
        round: u32,
        date: Date,
        rng: &mut R,
    ) -> Result<Draw> {
        use rand::seq::IndexedRandom;
        let (main, bonus) = match game.bonus() {
            BonusRule::SecondPool { pool, picks } => (
                crate::rng::random_set(rng, game.pool(), game.picks()).to_vec(),
                crate::rng::random_set(rng, pool, picks).to_vec(),
            ),
            rule => {
                let all =
                    crate::rng::random_set(rng, game.pool(), game.picks() + rule.drawn()).to_vec();
                let bonus: Vec<u8> = all
                    .sample(rng, usize::from(rule.drawn()))
                    .copied()
                    .collect();
                (
                    all.into_iter().filter(|n| !bonus.contains(n)).collect(),
                    bonus,
                )
            }
        };
        Draw::new(game, round, date, &main, &bonus)
    }

    /// Adds total ticket sales of the round.
    pub fn with_total_sales(mut self, sales: Option<Money>) -> Draw {
        self.total_sales = sales;
        self
    }

    /// Adds (or replaces) what prize ranks paid. Ranks must exist in `game`;
    /// `winners × prize_each` must stay within [`Money::MAX`]; a rank with no
    /// winners pays nothing.
    pub fn with_results(mut self, game: &GameSpec, results: &[TierResult]) -> Result<Draw> {
        for r in results {
            let field = format!("prizes.rank{}", r.rank);
            if game.tier(r.rank).is_none() {
                return Err(Error::invalid(
                    field,
                    format!(
                        "{} has no rank {}; ranks are 1..={}",
                        game.name(),
                        r.rank,
                        game.tiers().len()
                    ),
                ));
            }
            if r.winners == 0 && r.prize_each != Money::ZERO {
                return Err(Error::invalid(field, "no winners but a prize per winner"));
            }
            r.prize_each.checked_mul(r.winners).map_err(|_| {
                Error::invalid(
                    field.clone(),
                    "winners × prize_each exceeds the largest accepted amount",
                )
            })?;
            match self.results.iter_mut().find(|x| x.rank == r.rank) {
                Some(x) => *x = *r,
                None => self.results.push(*r),
            }
        }
        self.results.sort_by_key(|r| r.rank);
        Ok(self)
    }

    /// The round number (회차).
    pub fn round(&self) -> u32 {
        self.round
    }
    /// The draw date.
    pub fn date(&self) -> Date {
        self.date
    }
    /// The main numbers.
    pub fn numbers(&self) -> NumberSet {
        self.numbers
    }
    /// The bonus numbers (same pool or second pool, per the game).
    pub fn bonus(&self) -> NumberSet {
        self.bonus
    }
    /// Total ticket sales of the round, when known.
    pub fn total_sales(&self) -> Option<Money> {
        self.total_sales
    }
    /// What each known rank paid, rank order.
    pub fn results(&self) -> &[TierResult] {
        &self.results
    }
    /// What `rank` paid, when known.
    pub fn result(&self, rank: u8) -> Option<&TierResult> {
        self.results.iter().find(|r| r.rank == rank)
    }

    /// Checks `ticket` against this draw: matches, rank, and what the draw
    /// paid for that rank when it is recorded.
    pub fn check(&self, game: &GameSpec, ticket: &Ticket) -> CheckResult {
        let m = self.matches(ticket);
        let rank = game.rank_of(m);
        CheckResult {
            round: self.round,
            date: self.date,
            draw: DrawNumbers {
                numbers: self.numbers.to_vec(),
                bonus: self.bonus.to_vec(),
            },
            ticket: TicketRecord::from(ticket),
            matches: m.main,
            bonus_matches: m.bonus,
            bonus: m.bonus > 0,
            rank,
            prize: rank
                .and_then(|r| self.result(r))
                .filter(|r| r.winners > 0)
                .map(|r| r.prize_each),
        }
    }

    /// How `ticket` matched this draw.
    pub fn matches(&self, ticket: &Ticket) -> Matches {
        let bonus = if self.bonus_same_pool {
            ticket.main().common(self.bonus)
        } else {
            ticket.extra().common(self.bonus)
        };
        Matches {
            main: ticket.main().common(self.numbers),
            bonus,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> Date {
        Date::parse("2002-12-07").unwrap()
    }

    #[test]
    fn korean_ranks() {
        let g = GameSpec::kr645();
        let d = Draw::new(&g, 1, date(), &[10, 23, 29, 33, 37, 40], &[16]).unwrap();
        let rank = |t: &str| g.rank(&Ticket::parse(&g, t).unwrap(), &d);
        assert_eq!(rank("10 23 29 33 37 40"), Some(1));
        assert_eq!(rank("10 23 29 33 37 16"), Some(2));
        assert_eq!(rank("10 23 29 33 37 1"), Some(3));
        assert_eq!(rank("10 23 29 33 1 16"), Some(4));
        assert_eq!(rank("10 23 29 1 2 16"), Some(5));
        assert_eq!(rank("10 23 1 2 3 16"), None);
    }

    #[test]
    fn rejects_bad_draws() {
        let g = GameSpec::kr645();
        let bad = [
            (&[1u8, 2, 3, 4, 5][..], &[6u8][..], "numbers"),
            (&[1, 2, 3, 4, 5, 6], &[6], "bonus"),
            (&[1, 2, 3, 4, 5, 46], &[7], "numbers[5]"),
            (&[1, 2, 3, 4, 5, 6], &[], "bonus"),
        ];
        for (n, b, field) in bad {
            let e = Draw::new(&g, 1, date(), n, b).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
        }
        assert!(Draw::new(&g, 0, date(), &[1, 2, 3, 4, 5, 6], &[7]).is_err());
    }

    #[test]
    fn results_are_checked() {
        let g = GameSpec::kr645();
        let d = Draw::new(&g, 1, date(), &[1, 2, 3, 4, 5, 6], &[7]).unwrap();
        let r = |rank, winners, prize| TierResult {
            rank,
            winners,
            prize_each: Money(prize),
        };
        assert!(d.clone().with_results(&g, &[r(6, 1, 1)]).is_err());
        assert!(d.clone().with_results(&g, &[r(1, 0, 5)]).is_err());
        let d = d.with_results(&g, &[r(5, 10, 5_000), r(1, 1, 9)]).unwrap();
        assert_eq!(
            d.results().iter().map(|r| r.rank).collect::<Vec<_>>(),
            vec![1, 5]
        );
    }
}
