//! A 720+ draw and what a ticket wins in it.
//!
//! Ranks 1–7 are one ladder read from the right of the six digits, and a
//! game wins the best rung it reaches: the group and all six digits is 1st;
//! all six in another group is 2nd; otherwise the number of trailing digits
//! that agree — five, four, three, two, one — is 3rd to 7th. So the ranks
//! exclude each other by construction ("1등 제외", "오른쪽 끝부터 연속 N자리"
//! in the operator's table). The bonus is a separate drawing of six digits
//! that pays in any group; it is judged apart from the ladder, as the
//! operator's table counts it (5 bonus games per 5,000,000, beside the
//! ladder's fixed counts): a game can win a rank and the bonus.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::{Error, Result};
use crate::money::Money;

use super::prize::PensionPrize;
use super::ticket::{Digits, Group, PensionTicket};

/// A prize of 720+: ranks 1 to 7 of the ladder, and the bonus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PensionRank {
    /// The group and all six digits.
    First,
    /// All six digits, in another group.
    Second,
    /// The last five digits (not all six).
    Third,
    /// The last four (not five).
    Fourth,
    /// The last three (not four).
    Fifth,
    /// The last two (not three).
    Sixth,
    /// The last one (not two).
    Seventh,
    /// All six digits of the bonus number, in any group.
    Bonus,
}

impl PensionRank {
    /// Every prize, 1st first and the bonus last.
    pub const ALL: [PensionRank; 8] = [
        PensionRank::First,
        PensionRank::Second,
        PensionRank::Third,
        PensionRank::Fourth,
        PensionRank::Fifth,
        PensionRank::Sixth,
        PensionRank::Seventh,
        PensionRank::Bonus,
    ];

    /// The ladder rank 1..=7; `None` for the bonus.
    pub fn number(self) -> Option<u8> {
        match self {
            PensionRank::Bonus => None,
            r => Some(r as u8 + 1),
        }
    }

    /// The ladder rank for `n` in 1..=7.
    pub fn from_number(n: u8) -> Option<PensionRank> {
        PensionRank::ALL
            .get(usize::from(n).checked_sub(1)?)
            .copied()
            .filter(|r| *r != PensionRank::Bonus)
    }

    /// The trailing digits that must agree: 6 for 1st, 2nd and the bonus,
    /// 5 for 3rd down to 1 for 7th.
    pub fn trailing(self) -> u8 {
        match self {
            PensionRank::First | PensionRank::Second | PensionRank::Bonus => 6,
            r => 8 - (r as u8 + 1),
        }
    }

    /// What it takes, in words: `group + 6 digits`, `last 5 digits`.
    pub fn label(self) -> String {
        match self {
            PensionRank::First => "group + 6 digits".into(),
            PensionRank::Second => "6 digits, another group".into(),
            PensionRank::Bonus => "bonus: 6 digits, any group".into(),
            r if r.trailing() == 1 => "last digit".into(),
            r => format!("last {} digits", r.trailing()),
        }
    }

    /// What it pays, before tax (see [`PensionPrize`]).
    pub fn prize(self) -> PensionPrize {
        super::prize::prize_of(self)
    }
}

/// One round's result; valid by construction ([`PensionDraw::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(try_from = "DrawFields")]
pub struct PensionDraw {
    /// The round (회차), from 1.
    pub(super) round: u32,
    /// The draw date.
    pub(super) date: Date,
    /// The winning group.
    pub(super) group: Group,
    /// The winning six digits.
    pub(super) digits: Digits,
    /// The bonus number's six digits.
    pub(super) bonus: Digits,
}

#[derive(Deserialize)]
struct DrawFields {
    round: u32,
    date: Date,
    group: Group,
    digits: Digits,
    bonus: Digits,
}

impl TryFrom<DrawFields> for PensionDraw {
    type Error = Error;
    fn try_from(f: DrawFields) -> Result<PensionDraw> {
        PensionDraw::new(f.round, f.date, f.group, f.digits, f.bonus)
    }
}

/// One game of a ticket checked against a draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PensionCheck {
    /// The round.
    pub round: u32,
    /// The game's group.
    pub group: Group,
    /// The game's digits.
    pub digits: Digits,
    /// Digits that agree with the winning number, counted from the right.
    pub trailing: u8,
    /// The ladder rank won (1st to 7th), if any.
    pub rank: Option<PensionRank>,
    /// Whether the game won the bonus.
    pub bonus: bool,
    /// Everything it won, before tax: the rank's prize and the bonus
    /// prize, each counted in full (annuities at their total).
    pub gross_total: Money,
}

/// A whole ticket checked against a draw: every game, the best rank, the
/// bonus, and everything it won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PensionTicketCheck {
    /// The draw: round, date, winning group and digits, bonus.
    pub draw: PensionDraw,
    /// The ticket checked.
    pub ticket: PensionTicket,
    /// What it cost: 1,000 won a game.
    pub price: Money,
    /// The best ladder rank of its games (1st to 7th), if any.
    pub rank: Option<PensionRank>,
    /// Whether a game won the bonus.
    pub bonus: bool,
    /// Everything its games won, before tax (annuities at their total).
    pub gross_total: Money,
    /// Each game, in group order.
    pub games: Vec<PensionCheck>,
}

impl PensionDraw {
    /// A draw, validated: rounds start at 1 (the group and digits are valid
    /// by their types).
    pub fn new(
        round: u32,
        date: Date,
        group: Group,
        digits: Digits,
        bonus: Digits,
    ) -> Result<PensionDraw> {
        if round == 0 {
            return Err(Error::invalid("round", "rounds are numbered from 1"));
        }
        Ok(PensionDraw {
            round,
            date,
            group,
            digits,
            bonus,
        })
    }

    /// The round (회차), from 1.
    pub fn round(&self) -> u32 {
        self.round
    }
    /// The draw date.
    pub fn date(&self) -> Date {
        self.date
    }
    /// The winning group.
    pub fn group(&self) -> Group {
        self.group
    }
    /// The winning six digits.
    pub fn digits(&self) -> Digits {
        self.digits
    }
    /// The bonus number's six digits.
    pub fn bonus(&self) -> Digits {
        self.bonus
    }

    /// The ladder rank of one game (`group`, `digits`) in this draw.
    pub fn rank(&self, group: Group, digits: Digits) -> Option<PensionRank> {
        match digits.trailing_matches(self.digits) {
            6 if group == self.group => Some(PensionRank::First),
            6 => Some(PensionRank::Second),
            0 => None,
            k => PensionRank::from_number(8 - k),
        }
    }

    /// Whether `digits` win the bonus (any group).
    pub fn bonus_matches(&self, digits: Digits) -> bool {
        digits == self.bonus
    }

    /// `ticket` checked against this draw as a whole ([`PensionTicketCheck`]).
    pub fn check_ticket(&self, ticket: &PensionTicket) -> PensionTicketCheck {
        let games = self.check(ticket);
        PensionTicketCheck {
            draw: *self,
            ticket: *ticket,
            price: ticket.price(),
            rank: games.iter().filter_map(|g| g.rank).min(),
            bonus: games.iter().any(|g| g.bonus),
            gross_total: Money(games.iter().map(|g| g.gross_total.get()).sum()),
            games,
        }
    }

    /// Every game of `ticket` checked against this draw, in group order.
    pub fn check(&self, ticket: &PensionTicket) -> Vec<PensionCheck> {
        ticket
            .games()
            .map(|(group, digits)| {
                let rank = self.rank(group, digits);
                let bonus = self.bonus_matches(digits);
                let total = |r: Option<PensionRank>| r.map_or(0, |r| r.prize().total().get());
                PensionCheck {
                    round: self.round,
                    group,
                    digits,
                    trailing: digits.trailing_matches(self.digits),
                    rank,
                    bonus,
                    gross_total: Money(total(rank) + total(bonus.then_some(PensionRank::Bonus))),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw() -> PensionDraw {
        let d = |s: &str| Digits::parse(s, "d").unwrap();
        PensionDraw::new(
            1,
            Date::parse("2020-05-07").unwrap(),
            Group::new(4).unwrap(),
            d("162132"),
            d("278239"),
        )
        .unwrap()
    }

    #[test]
    fn ranks_are_numbered_and_labelled() {
        for (i, r) in PensionRank::ALL.iter().take(7).enumerate() {
            let n = i as u8 + 1;
            assert_eq!(
                (r.number(), PensionRank::from_number(n)),
                (Some(n), Some(*r))
            );
        }
        assert_eq!(PensionRank::Bonus.number(), None);
        assert_eq!(PensionRank::from_number(8), None);
        assert_eq!(PensionRank::from_number(0), None);
        assert_eq!(PensionRank::Third.label(), "last 5 digits");
        assert_eq!(PensionRank::Seventh.label(), "last digit");
        assert_eq!(
            serde_json::to_string(&PensionRank::Bonus).unwrap(),
            "\"bonus\""
        );
    }

    #[test]
    fn an_all_groups_ticket_is_five_games() {
        let t = PensionTicket::parse("all 162132").unwrap();
        let checks = draw().check(&t);
        let ranks: Vec<_> = checks.iter().map(|c| c.rank).collect();
        let s = Some(PensionRank::Second);
        assert_eq!(ranks, vec![s, s, s, Some(PensionRank::First), s]);
        assert_eq!(checks[3].gross_total.get(), 7_000_000 * 240);
        assert!(checks.iter().all(|c| c.trailing == 6 && !c.bonus));
    }

    #[test]
    fn draws_reject_round_zero_and_read_json() {
        let d = draw();
        assert_eq!(
            PensionDraw::new(0, d.date, d.group, d.digits, d.bonus)
                .unwrap_err()
                .field(),
            Some("round")
        );
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"{"round":1,"date":"2020-05-07","group":4,"digits":"162132","bonus":"278239"}"#
        );
        assert_eq!(serde_json::from_str::<PensionDraw>(&json).unwrap(), d);
        assert!(
            serde_json::from_str::<PensionDraw>(&json.replace("\"round\":1", "\"round\":0"))
                .is_err()
        );
    }

    proptest::proptest! {
        /// The rank read from the printed digits, by the operator's words
        /// ("오른쪽 끝부터 연속 N자리"): the longest common suffix of the two
        /// six-character strings, then the group for all six.
        #[test]
        fn ranks_agree_with_the_printed_digits(
            g in 1u8..=5, t in 0u32..1_000_000, dg in 1u8..=5, dd in 0u32..1_000_000,
            keep in 0usize..=6,
        ) {
            // Make long suffixes common: keep `keep` trailing digits of the draw.
            let scale = 10u32.pow(keep as u32);
            let t = t / scale * scale + dd % scale;
            let (ticket, drawn) = (format!("{t:06}"), format!("{dd:06}"));
            let suffix = (0..=6).rev().find(|&k| ticket[6 - k..] == drawn[6 - k..]).unwrap_or(0);
            let want = match suffix {
                6 if g == dg => Some(1),
                6 => Some(2),
                0 => None,
                k => Some(8 - k as u8),
            };
            let d = PensionDraw::new(
                1,
                Date::parse("2020-05-07").unwrap(),
                Group::new(dg).unwrap(),
                Digits::new(dd).unwrap(),
                Digits::new(dd).unwrap(),
            )
            .unwrap();
            let got = d.rank(Group::new(g).unwrap(), Digits::parse(&ticket, "t").unwrap());
            proptest::prop_assert_eq!(got.and_then(PensionRank::number), want);
        }
    }
}
