//! When the service syncs each game: after its draw, Korea time, retrying
//! through the next day.
//!
//! Lotto 6/45 is drawn at about 20:45 KST on Saturday and Pension Lottery
//! 720+ at about 19:05 KST on Thursday; results appear within minutes, so
//! the first attempt is a quarter of an hour or so later (21:00 and 19:30
//! KST; Korea has no daylight saving). Until the new round is in, attempts
//! repeat every [`RETRY_SECS`] until the end of the next day KST; a service
//! that starts late catches up at once and then waits for the next draw.
//! [`Schedule::plan`] is a pure function of the clock, so the schedule is
//! tested without waiting.

use lottopro_core::Date;

/// Between attempts while a draw is due.
pub const RETRY_SECS: i64 = 30 * 60;
/// Korea Standard Time is UTC+9 all year.
pub const KST_OFFSET_SECS: i64 = 9 * 3_600;
/// The Lotto 6/45 draw, 20:45 KST, in seconds after midnight UTC of its date.
pub const DRAW_UTC_SECS: i64 = 20 * 3_600 + 45 * 60 - KST_OFFSET_SECS;
const DAY: i64 = 86_400;

/// What the scheduler should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Sync now.
    SyncNow,
    /// Sleep this many seconds, then ask again.
    Wait(i64),
}

/// When one game's results are fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The draw's weekday, in days after Thursday (1970-01-01 was one).
    weekday: i64,
    /// The first attempt, in seconds after midnight UTC of the draw's date.
    first_attempt_utc: i64,
    /// How long attempts go on after the first: to midnight KST of the
    /// day after the draw.
    window: i64,
}

impl Schedule {
    /// Lotto 6/45: Saturday, first attempt 21:00 KST (12:00 UTC), until
    /// Monday 00:00 KST.
    pub const LOTTO: Schedule = Schedule {
        weekday: 2,
        first_attempt_utc: 12 * 3_600,
        window: 27 * 3_600,
    };
    /// Pension Lottery 720+: Thursday, first attempt 19:30 KST (10:30
    /// UTC), until Saturday 00:00 KST.
    pub const PENSION: Schedule = Schedule {
        weekday: 0,
        first_attempt_utc: 10 * 3_600 + 30 * 60,
        window: 28 * 3_600 + 30 * 60,
    };

    /// The plan at `now` (seconds since 1970, UTC), given the date of the
    /// latest stored draw and when the last attempt was made.
    pub fn plan(&self, now: i64, latest: Option<Date>, last_attempt: Option<i64>) -> Next {
        let due = latest.map_or(i64::MIN, |d| {
            (d.days_since_epoch() + 7) * DAY + self.first_attempt_utc
        });
        if now < due {
            return Next::Wait(due - now);
        }
        // The latest first attempt of a draw day at or before now.
        let day = (now - self.first_attempt_utc).div_euclid(DAY);
        let draw_day = (day - (day - self.weekday).rem_euclid(7)) * DAY + self.first_attempt_utc;
        let in_window = now < draw_day + self.window;
        match last_attempt {
            None => Next::SyncNow,
            Some(t) if in_window && now - t >= RETRY_SECS => Next::SyncNow,
            Some(t) if in_window => Next::Wait(RETRY_SECS - (now - t)),
            Some(_) => Next::Wait(draw_day + 7 * DAY - now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str, hour_utc: i64, minute: i64) -> i64 {
        Date::parse(date).unwrap().days_since_epoch() * DAY + hour_utc * 3_600 + minute * 60
    }

    #[test]
    fn the_weekend_schedule() {
        // Latest draw 2026-10-10; the next is Saturday 2026-10-17.
        let latest = Some(Date::parse("2026-10-10").unwrap());
        // Friday: wait until Saturday 21:00 KST (12:00 UTC).
        assert_eq!(
            Schedule::LOTTO.plan(at("2026-10-16", 12, 0), latest, None),
            Next::Wait(DAY)
        );
        // Saturday 21:05 KST: sync.
        assert_eq!(
            Schedule::LOTTO.plan(at("2026-10-17", 12, 5), latest, None),
            Next::SyncNow
        );
        // Results not out yet: retry every 30 minutes.
        let tried = at("2026-10-17", 12, 5);
        assert_eq!(
            Schedule::LOTTO.plan(at("2026-10-17", 12, 15), latest, Some(tried)),
            Next::Wait(20 * 60)
        );
        assert_eq!(
            Schedule::LOTTO.plan(at("2026-10-17", 12, 35), latest, Some(tried)),
            Next::SyncNow
        );
        // Sunday 23:50 KST is still in the window.
        assert_eq!(
            Schedule::LOTTO.plan(at("2026-10-18", 14, 50), latest, Some(tried)),
            Next::SyncNow
        );
        // Monday 00:30 KST: give up until next Saturday 21:00 KST.
        let monday = at("2026-10-18", 15, 30);
        assert_eq!(
            Schedule::LOTTO.plan(monday, latest, Some(at("2026-10-18", 15, 0))),
            Next::Wait(at("2026-10-24", 12, 0) - monday)
        );
        // A service that starts late catches up at once.
        assert_eq!(
            Schedule::LOTTO.plan(at("2026-11-26", 9, 0), latest, None),
            Next::SyncNow
        );
        // No draws at all: sync at once.
        assert_eq!(
            Schedule::LOTTO.plan(at("2026-11-26", 9, 0), None, None),
            Next::SyncNow
        );
    }

    #[test]
    fn the_thursday_schedule_of_720() {
        // Latest draw Thursday 2026-08-06; the next is 2026-08-13.
        let latest = Some(Date::parse("2026-08-06").unwrap());
        let plan = |now, last| Schedule::PENSION.plan(now, latest, last);
        // Thursday 19:00 KST (10:00 UTC): wait half an hour.
        assert_eq!(plan(at("2026-08-13", 10, 0), None), Next::Wait(30 * 60));
        // 19:35 KST: sync; not out yet, retry after 30 minutes.
        let tried = at("2026-08-13", 10, 35);
        assert_eq!(plan(tried, None), Next::SyncNow);
        assert_eq!(
            plan(at("2026-08-13", 10, 45), Some(tried)),
            Next::Wait(20 * 60)
        );
        // Friday 23:50 KST is still in the window.
        assert_eq!(plan(at("2026-08-14", 14, 50), Some(tried)), Next::SyncNow);
        // Saturday 00:30 KST: wait until next Thursday 19:30 KST.
        let saturday = at("2026-08-14", 15, 30);
        assert_eq!(
            plan(saturday, Some(at("2026-08-14", 15, 0))),
            Next::Wait(at("2026-08-20", 10, 30) - saturday)
        );
        // The two games keep their own days: on the Thursday, Lotto waits.
        let lotto_latest = Some(Date::parse("2026-08-08").unwrap());
        assert_eq!(
            Schedule::LOTTO.plan(at("2026-08-13", 10, 35), lotto_latest, None),
            Next::Wait(at("2026-08-15", 12, 0) - at("2026-08-13", 10, 35))
        );
    }
}
