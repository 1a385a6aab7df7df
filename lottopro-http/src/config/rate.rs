//! Rate limits as settings read them: `N/second|minute|hour|day`.

use std::str::FromStr;
use std::time::Duration;

use lottopro_core::{Error, Result};

/// A rate: `count` requests per `period`, e.g. `30/hour`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests allowed per period (also the burst).
    pub count: u32,
    /// The period.
    pub period: Duration,
}

impl FromStr for Rate {
    type Err = Error;

    fn from_str(s: &str) -> Result<Rate> {
        let bad = || {
            Error::invalid(
                "rate",
                format!("'{s}' is not N/second, N/minute, N/hour or N/day with N ≥ 1"),
            )
        };
        let (n, unit) = s.trim().split_once('/').ok_or_else(bad)?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        let secs = match unit.trim().to_ascii_lowercase().as_str() {
            "second" | "s" => 1,
            "minute" | "m" => 60,
            "hour" | "h" => 3_600,
            "day" | "d" => 86_400,
            _ => return Err(bad()),
        };
        if count == 0 {
            return Err(bad());
        }
        Ok(Rate {
            count,
            period: Duration::from_secs(secs),
        })
    }
}

impl serde::Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.period.as_secs() {
            1 => "second",
            60 => "minute",
            3_600 => "hour",
            _ => "day",
        };
        write!(f, "{}/{unit}", self.count)
    }
}
