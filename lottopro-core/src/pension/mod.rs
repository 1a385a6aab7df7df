//! Pension Lottery 720+ (연금복권720+), Korea's second draw game.
//!
//! A game is a group (조, 1–5) and six digits (000000–999999); every week
//! the operator draws one group and six digits, and a separate six-digit
//! bonus number. Each (group, digits) exists once a draw, so there are
//! 5,000,000 games; a ticket is one game, or the same digits in all five
//! groups ("all groups", five games). Prizes are fixed, and the top ones
//! are annuities:
//!
//! | prize | match | pays, before tax | games of 5,000,000 |
//! | --- | --- | --- | --- |
//! | 1st | group and all six digits | 7,000,000 won a month for 20 years | 1 |
//! | 2nd | all six digits, another group | 1,000,000 won a month for 10 years | 4 |
//! | 3rd | the last five digits | 1,000,000 won | 45 |
//! | 4th | the last four | 100,000 won | 450 |
//! | 5th | the last three | 50,000 won | 4,500 |
//! | 6th | the last two | 5,000 won | 45,000 |
//! | 7th | the last one | 1,000 won | 450,000 |
//! | bonus | all six digits of the bonus number, any group | 1,000,000 won a month for 10 years | 5 |
//!
//! Sources: the operator's (동행복권) 720+ prize table — winning condition
//! "오른쪽 끝부터 연속 N자리", prize, odds and winning games per 5,000,000 for
//! each rank — and the Ministry of Economy and Finance's announcement of
//! 2020-04-20 (the game replaced Pension Lottery 520 from round 1,
//! 2020-05-07; draws on Thursdays; 1,000 won a game; the bonus drawn apart
//! from the main draw, its six digits winning in any group). The operator
//! sells every game twice, once in shops and once online, so each number
//! wins twice a week; the odds of one ticket are those of one set of
//! 5,000,000. Games counted here are for one set.
//!
//! **Where it fits the core's types, and where not.** Money, dates, errors
//! ([`Error::Rejected`](crate::Error::Rejected) with the shared
//! [`Reason`](crate::Reason)s), the Korean tax rule, chi-square tests and the
//! history's round-and-date discipline are the same as Lotto 6/45's; but a
//! 720+ number is an ordered string of digits with leading zeros, ranked by
//! trailing digits, not a set of distinct numbers matched by count, so it
//! has its own ticket, draw, odds and prize types here rather than a
//! [`GameSpec`](crate::GameSpec) (whose tiers are "k of n numbers"). The
//! annuity prizes need their own value and tax ([`PrizeValue`]), since a
//! monthly payment is taxed one payment at a time.
//!
//! ```
//! use lottopro_core::pension::{self, PensionRank, PensionTicket, PrizeValue};
//!
//! // Round 1 drew group 4, 162132, bonus 278239.
//! let history = pension::bundled();
//! let ticket = PensionTicket::parse("4조 062132")?; // the last five digits
//! let checked = history.check(&ticket, 1)?;
//! assert_eq!(checked[0].rank, Some(PensionRank::Third));
//! assert_eq!(checked[0].gross_total.get(), 1_000_000);
//!
//! // 1st prize: 7,000,000 won a month, 1,540,000 of it tax.
//! let first = PrizeValue::of(PensionRank::First, pension::DEFAULT_DISCOUNT_RATE)?;
//! assert_eq!(first.payment_tax.tax.get(), 1_540_000);
//! assert_eq!(first.gross_total.get(), 1_680_000_000);
//! # Ok::<(), lottopro_core::Error>(())
//! ```

mod draw;
mod history;
mod odds;
mod prize;
mod stats;
#[cfg(test)]
mod tests;
mod ticket;

pub use draw::{PensionCheck, PensionDraw, PensionRank, PensionTicketCheck};
pub use history::PensionHistory;
pub use odds::{PensionCounts, PensionOdds, PensionTierOdds, enumerate_games, games_winning};
pub use prize::{DEFAULT_DISCOUNT_RATE, PensionExpectedValue, PensionPrize, PrizeValue};
pub use stats::{ChanceCount, PensionStats, PositionStats};
pub use ticket::{Digits, Group, GroupChoice, PensionTicket};

/// The game's id where games are named, beside Lotto's `kr645`.
pub const GAME_ID: &str = "kr720";
/// The game's name.
pub const NAME: &str = "Pension Lottery 720+ (연금복권720+)";
/// Groups (조) in a draw.
pub const GROUPS: u8 = 5;
/// Digits of a number.
pub const DIGIT_COUNT: usize = 6;
/// Games in one set of a draw: every group with every six digits.
pub const TICKETS: u64 = 5_000_000;
/// The price of one game, in won.
pub const TICKET_PRICE: u64 = 1_000;

/// The bundled history of 720+ (see [`crate::data`]).
pub fn bundled() -> PensionHistory {
    crate::data::kr720()
}
