//! When the service syncs: after the Saturday draw, Korea time, retrying
//! through Sunday.
//!
//! The draw is at about 20:45 KST on Saturday and results appear within
//! minutes, so the first attempt is at 21:00 KST (12:00 UTC; Korea has no
//! daylight saving). Until the new round is in, attempts repeat every
//! [`RETRY_SECS`] until the end of Sunday KST; a service that starts late
//! catches up at once and then waits for the next Saturday. [`plan`] is a
//! pure function of the clock, so the schedule is tested without waiting.

use lottopro_core::Date;

/// Between attempts while a draw is due.
pub const RETRY_SECS: i64 = 30 * 60;
/// Korea Standard Time is UTC+9 all year.
pub const KST_OFFSET_SECS: i64 = 9 * 3_600;
/// The draw, 20:45 KST, in seconds after midnight UTC of its date.
pub const DRAW_UTC_SECS: i64 = 20 * 3_600 + 45 * 60 - KST_OFFSET_SECS;
const DAY: i64 = 86_400;
/// Saturday 21:00 KST is 12:00 UTC.
const FIRST_ATTEMPT_UTC: i64 = 12 * 3_600;
/// From Saturday 21:00 KST to Monday 00:00 KST.
const WINDOW: i64 = 27 * 3_600;

/// What the scheduler should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Sync now.
    SyncNow,
    /// Sleep this many seconds, then ask again.
    Wait(i64),
}

/// The plan at `now` (seconds since 1970, UTC), given the date of the
/// latest stored draw and when the last attempt was made.
pub fn plan(now: i64, latest: Option<Date>, last_attempt: Option<i64>) -> Next {
    let due = latest.map_or(i64::MIN, |d| {
        (d.days_since_epoch() + 7) * DAY + FIRST_ATTEMPT_UTC
    });
    if now < due {
        return Next::Wait(due - now);
    }
    // The latest Saturday 12:00 UTC at or before now (1970-01-03 was a Saturday).
    let day = (now - FIRST_ATTEMPT_UTC).div_euclid(DAY);
    let saturday = (day - (day - 2).rem_euclid(7)) * DAY + FIRST_ATTEMPT_UTC;
    let in_window = now < saturday + WINDOW;
    match last_attempt {
        None => Next::SyncNow,
        Some(t) if in_window && now - t >= RETRY_SECS => Next::SyncNow,
        Some(t) if in_window => Next::Wait(RETRY_SECS - (now - t)),
        Some(_) => Next::Wait(saturday + 7 * DAY - now),
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
        assert_eq!(plan(at("2026-10-16", 12, 0), latest, None), Next::Wait(DAY));
        // Saturday 21:05 KST: sync.
        assert_eq!(plan(at("2026-10-17", 12, 5), latest, None), Next::SyncNow);
        // Results not out yet: retry every 30 minutes.
        let tried = at("2026-10-17", 12, 5);
        assert_eq!(
            plan(at("2026-10-17", 12, 15), latest, Some(tried)),
            Next::Wait(20 * 60)
        );
        assert_eq!(
            plan(at("2026-10-17", 12, 35), latest, Some(tried)),
            Next::SyncNow
        );
        // Sunday 23:50 KST is still in the window.
        assert_eq!(
            plan(at("2026-10-18", 14, 50), latest, Some(tried)),
            Next::SyncNow
        );
        // Monday 00:30 KST: give up until next Saturday 21:00 KST.
        let monday = at("2026-10-18", 15, 30);
        assert_eq!(
            plan(monday, latest, Some(at("2026-10-18", 15, 0))),
            Next::Wait(at("2026-10-24", 12, 0) - monday)
        );
        // A service that starts late catches up at once.
        assert_eq!(plan(at("2026-11-26", 9, 0), latest, None), Next::SyncNow);
        // No draws at all: sync at once.
        assert_eq!(plan(at("2026-11-26", 9, 0), None, None), Next::SyncNow);
    }
}
