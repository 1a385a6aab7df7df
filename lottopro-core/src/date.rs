//! Calendar dates of draws.
//!
//! Draw dates need only parsing, validation, weekday and day arithmetic, so
//! the core carries this small proleptic-Gregorian [`Date`] (days are counted
//! with the well-known civil-from-days algorithm) instead of a date-time
//! dependency whose types would then appear in the public API.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// A calendar date between the years 1900 and 2999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// Day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Date {
    /// A date, validated (month 1..=12, day within the month, year 1900..=2999).
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date> {
        if !(1900..=2999).contains(&year) {
            return Err(Error::invalid(
                "date",
                format!("year {year} is outside 1900..=2999"),
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(Error::invalid(
                "date",
                format!("month {month} is outside 1..=12"),
            ));
        }
        let max = days_in_month(year, month);
        if day == 0 || day > max {
            return Err(Error::invalid(
                "date",
                format!("day {day} is outside 1..={max} for {year}-{month:02}"),
            ));
        }
        Ok(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` or `YYYYMMDD`.
    pub fn parse(text: &str) -> Result<Date> {
        let t = text.trim();
        let b = t.as_bytes();
        // Only ASCII can be a date; checking first also makes the byte
        // slicing below safe (a multi-byte character would split).
        if !t.is_ascii() {
            return Err(Error::invalid(
                "date",
                format!("'{t}' is not a date; expected YYYY-MM-DD"),
            ));
        }
        let (y, m, d) = match b.len() {
            10 if b[4] == b'-' && b[7] == b'-' => (&t[0..4], &t[5..7], &t[8..10]),
            8 => (&t[0..4], &t[4..6], &t[6..8]),
            _ => {
                return Err(Error::invalid(
                    "date",
                    format!("'{t}' is not a date; expected YYYY-MM-DD"),
                ));
            }
        };
        let num = |s: &str| -> Result<u16> {
            if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse()
                    .map_err(|_| Error::invalid("date", format!("'{t}' is not a date")))
            } else {
                Err(Error::invalid(
                    "date",
                    format!("'{t}' is not a date; expected YYYY-MM-DD"),
                ))
            }
        };
        let (y, m, d) = (num(y)?, num(m)?, num(d)?);
        // m and d are two digits, so at most 99: the conversions cannot fail.
        Date::new(
            y,
            u8::try_from(m).unwrap_or(0),
            u8::try_from(d).unwrap_or(0),
        )
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }
    /// The month, 1..=12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after this one (before it when negative).
    pub fn add_days(self, days: i64) -> Result<Date> {
        let z = self.days_since_epoch() + days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        let year = u16::try_from(y)
            .map_err(|_| Error::invalid("date", format!("year {y} is outside 1900..=2999")))?;
        Date::new(
            year,
            u8::try_from(m).unwrap_or(0),
            u8::try_from(d).unwrap_or(0),
        )
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.days_since_epoch() + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = Error;
    fn from_str(s: &str) -> Result<Date> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        let first = Date::parse("2002-12-07").unwrap();
        assert_eq!(first.weekday(), Weekday::Saturday);
        assert_eq!(first.add_days(7).unwrap().to_string(), "2002-12-14");
        assert_eq!(Date::parse("19700101").unwrap().days_since_epoch(), 0);
        assert_eq!(
            Date::parse("2000-03-01")
                .unwrap()
                .add_days(-1)
                .unwrap()
                .to_string(),
            "2000-02-29"
        );
        assert_eq!(
            Date::parse("2026-10-10").unwrap().weekday(),
            Weekday::Saturday
        );
    }

    #[test]
    fn round_trips_every_day_of_a_century() {
        let mut d = Date::new(1950, 1, 1).unwrap();
        let start = d.days_since_epoch();
        for i in 0..36_525 {
            assert_eq!(d.days_since_epoch(), start + i);
            assert_eq!(Date::parse(&d.to_string()).unwrap(), d);
            d = d.add_days(1).unwrap();
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-1",
            "20x4-01-01",
            "",
            "1899-12-31",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }
}
