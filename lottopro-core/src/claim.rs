//! Claiming a prize: where, from when and until when.
//!
//! Korean Lotto 6/45 (복권 및 복권기금법, and the operator's published
//! rules): payment opens the day after the draw and the prize must be
//! claimed within one year of that day; a deadline that falls on a day the
//! banks are closed moves to the next business day. 1st prizes are paid at
//! the head office of NH NongHyup Bank (농협은행 본점), 2nd and 3rd at any of
//! its branches, 4th and 5th at any lottery retailer (or a branch). An
//! unclaimed prize goes to the Lottery Fund. Two published cases agree with
//! this reckoning: the draw of 2015-10-31 had to be claimed by 2016-11-01,
//! the draw of 2019-06-01 by 2020-06-02.
//!
//! Business days are weekdays that are not public holidays. The fixed
//! holidays, with the substitute days the law gives when they fall on a
//! weekend, are computed; the lunar holidays (설날, 추석, 부처님오신날) and
//! one-off days (elections) come from [`LUNAR_HOLIDAYS`], which covers the
//! deadlines of draws from 2024 to 2027. A deadline outside that table is
//! moved over weekends and fixed holidays only, and says so
//! ([`Claim::holidays_known`]).

use serde::Serialize;

use crate::date::{Date, Weekday};
use crate::game::GameSpec;

/// Where a prize is claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClaimPlace {
    /// The paying bank's head office only (1st prize: NH NongHyup Bank,
    /// Seoul).
    BankHeadOffice,
    /// Any branch of the paying bank (2nd and 3rd prizes).
    BankBranch,
    /// Any lottery retailer, or a branch of the paying bank (4th and 5th).
    Retailer,
}

/// How a prize of one rank is claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Claim {
    /// The prize rank.
    pub rank: u8,
    /// Where.
    pub place: ClaimPlace,
    /// The first day it is paid.
    pub opens: Date,
    /// The last day it is paid.
    pub deadline: Date,
    /// Whether every holiday up to the deadline is known (see the module
    /// docs); when not, the deadline may move later, never earlier.
    pub holidays_known: bool,
}

impl Claim {
    /// Days from `today` to the deadline, counting the deadline (0 on the
    /// deadline itself, negative once it has passed).
    pub fn days_left(&self, today: Date) -> i64 {
        self.deadline.days_since_epoch() - today.days_since_epoch()
    }

    /// Whether the prize can no longer be claimed on `today`.
    pub fn expired(&self, today: Date) -> bool {
        self.days_left(today) < 0
    }
}

/// How `rank` of `game`, drawn on `draw_date`, is claimed; `None` for a
/// game whose rules are not known here (only Korean Lotto 6/45's are).
pub fn claim(game: &GameSpec, rank: u8, draw_date: Date) -> Option<Claim> {
    if game.id() != "kr645" {
        return None;
    }
    let place = match rank {
        1 => ClaimPlace::BankHeadOffice,
        2 | 3 => ClaimPlace::BankBranch,
        4 | 5 => ClaimPlace::Retailer,
        _ => return None,
    };
    let opens = draw_date.add_days(1).ok()?;
    let year_later = Date::new(opens.year() + 1, opens.month(), opens.day())
        // 29 February: a year later is 1 March.
        .or_else(|_| Date::new(opens.year() + 1, 3, 1))
        .ok()?;
    let mut deadline = year_later;
    while !business_day(deadline) {
        deadline = deadline.add_days(1).ok()?;
    }
    Some(Claim {
        rank,
        place,
        opens,
        deadline,
        holidays_known: KNOWN_YEARS.contains(&deadline.year()),
    })
}

/// The years [`LUNAR_HOLIDAYS`] covers completely.
pub const KNOWN_YEARS: std::ops::RangeInclusive<u16> = 2025..=2028;

/// Korea's public holidays that move with the lunar calendar or are
/// declared for one year (with their substitute days), as (year, month,
/// day), for [`KNOWN_YEARS`]. Source: the government's published calendars
/// (관공서의 공휴일에 관한 규정 and the yearly announcements).
pub const LUNAR_HOLIDAYS: &[(u16, u8, u8)] = &[
    // 2025: 설날 1/28–30 (and the declared 1/27), 부처님오신날 5/5 with its
    // substitute 5/6, the election 6/3, 추석 10/5–7 with the substitute 10/8.
    (2025, 1, 27),
    (2025, 1, 28),
    (2025, 1, 29),
    (2025, 1, 30),
    (2025, 5, 6),
    (2025, 6, 3),
    (2025, 10, 5),
    (2025, 10, 6),
    (2025, 10, 7),
    (2025, 10, 8),
    // 2026: 설날 2/16–18, 부처님오신날 5/24 with the substitute 5/25, the
    // local elections 6/3, 추석 9/24–26.
    (2026, 2, 16),
    (2026, 2, 17),
    (2026, 2, 18),
    (2026, 5, 24),
    (2026, 5, 25),
    (2026, 6, 3),
    (2026, 9, 24),
    (2026, 9, 25),
    (2026, 9, 26),
    // 2027: 설날 2/6–8 with the substitute 2/9, 부처님오신날 5/13, 추석 9/14–16.
    (2027, 2, 6),
    (2027, 2, 7),
    (2027, 2, 8),
    (2027, 2, 9),
    (2027, 5, 13),
    (2027, 9, 14),
    (2027, 9, 15),
    (2027, 9, 16),
    // 2028: 설날 1/26–28, 부처님오신날 5/2, 추석 10/2–4 with the substitute
    // 10/5 (추석 meets 개천절 on 10/3).
    (2028, 1, 26),
    (2028, 1, 27),
    (2028, 1, 28),
    (2028, 5, 2),
    (2028, 10, 2),
    (2028, 10, 4),
    (2028, 10, 5),
];

/// Fixed-date holidays (month, day) and whether a weekend one gets a
/// substitute weekday.
const FIXED_HOLIDAYS: &[(u8, u8, bool)] = &[
    (1, 1, false),  // 신정
    (3, 1, true),   // 삼일절
    (5, 5, true),   // 어린이날
    (6, 6, false),  // 현충일
    (8, 15, true),  // 광복절
    (10, 3, true),  // 개천절
    (10, 9, true),  // 한글날
    (12, 25, true), // 성탄절
];

fn weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn holiday(d: Date) -> bool {
    if LUNAR_HOLIDAYS.contains(&(d.year(), d.month(), d.day())) {
        return true;
    }
    FIXED_HOLIDAYS.iter().any(|&(m, day, substitute)| {
        let Ok(h) = Date::new(d.year(), m, day) else {
            return false;
        };
        if h == d {
            return true;
        }
        // The substitute: the first weekday after a weekend holiday.
        if substitute && weekend(h) {
            let mut s = h;
            while weekend(s) || LUNAR_HOLIDAYS.contains(&(s.year(), s.month(), s.day())) {
                match s.add_days(1) {
                    Ok(n) => s = n,
                    Err(_) => return false,
                }
            }
            return s == d;
        }
        false
    })
}

/// Whether the banks pay prizes on `d` (a weekday that is not a public
/// holiday).
pub fn business_day(d: Date) -> bool {
    !weekend(d) && !holiday(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn the_published_deadlines() {
        let g = GameSpec::kr645();
        // Draw 674 (2015-10-31): claimable until 2016-11-01.
        assert_eq!(
            claim(&g, 1, d("2015-10-31")).unwrap().deadline,
            d("2016-11-01")
        );
        // Draw 861 (2019-06-01): until 2020-06-02.
        assert_eq!(
            claim(&g, 1, d("2019-06-01")).unwrap().deadline,
            d("2020-06-02")
        );
    }

    #[test]
    fn deadlines_move_past_closed_days() {
        let g = GameSpec::kr645();
        // Draw of 2026-12-12: opens 12-13, a year later is Monday 2027-12-13.
        let c = claim(&g, 5, d("2026-12-12")).unwrap();
        assert_eq!((c.opens, c.deadline), (d("2026-12-13"), d("2027-12-13")));
        assert_eq!(c.place, ClaimPlace::Retailer);
        assert!(c.holidays_known);
        assert_eq!(c.days_left(d("2027-12-10")), 3);
        assert!(!c.expired(d("2027-12-13")) && c.expired(d("2027-12-14")));
        // Draw of 2027-02-06 (설날): a year on, 2028-02-07 is a Monday.
        assert_eq!(
            claim(&g, 2, d("2027-02-06")).unwrap().deadline,
            d("2028-02-07")
        );
        // Draw of 2026-09-26: opens on 추석 (9/27 is Sunday), a year later
        // 2027-09-27 is a Monday.
        assert_eq!(
            claim(&g, 3, d("2026-09-26")).unwrap().deadline,
            d("2027-09-27")
        );
        // Draw of 2027-10-02: a year after 10-03 is 개천절 2028-10-03 (and
        // 추석 10/2–5): paid from Friday 10-06.
        assert_eq!(
            claim(&g, 1, d("2027-10-02")).unwrap().deadline,
            d("2028-10-06")
        );
        // Christmas 2027 is a Saturday: its substitute Monday 12-27 is closed.
        assert!(!business_day(d("2027-12-27")));
        assert!(business_day(d("2027-12-28")));
        assert_eq!(claim(&g, 6, d("2026-12-12")), None);
        assert_eq!(
            claim(&GameSpec::preset("powerball").unwrap(), 1, d("2026-12-12")),
            None
        );
    }
}
