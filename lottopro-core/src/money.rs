//! Amounts of money: integer minor units of a game's currency, never `f64`.
//!
//! A [`Money`] is a non-negative count of the smallest unit of the currency
//! its game uses (won for KRW, cents for USD). Amounts above [`Money::MAX`]
//! (10^15 minor units: a quadrillion won, ten trillion dollars) are treated as
//! input errors rather than silently wrapping or overflowing later; every
//! operation that could leave that range is checked.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};

/// A non-negative amount in minor units of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Money(pub(crate) u64);

impl Money {
    /// The largest amount accepted anywhere: 10^15 minor units.
    pub const MAX: Money = Money(1_000_000_000_000_000);
    /// Nothing.
    pub const ZERO: Money = Money(0);

    /// An amount, or an error naming `field` when it exceeds [`Money::MAX`].
    pub fn new(amount: u64, field: &str) -> Result<Money> {
        if amount > Self::MAX.0 {
            return Err(Error::invalid(
                field,
                format!(
                    "{amount} is larger than the largest accepted amount {}",
                    Self::MAX.0
                ),
            ));
        }
        Ok(Money(amount))
    }

    /// An amount from a signed integer, rejecting negatives by name.
    pub fn from_i64(amount: i64, field: &str) -> Result<Money> {
        match u64::try_from(amount) {
            Ok(a) => Money::new(a, field),
            Err(_) => Err(Error::invalid(
                field,
                format!("{amount} is negative; amounts must be 0 or more"),
            )),
        }
    }

    /// Parses an amount as people write it: digits, optionally grouped with
    /// `,`, `_`, spaces or thin spaces (`1000000`, `1,000,000`,
    /// `1 000 000`), optionally with the Korean or Japanese units 조/兆,
    /// 억/億, 만/万, 천/千, 백/百, 십/十 (`10억`, `1억 2천만`, `1.5억`, `5万`)
    /// and a trailing `원`, `円` or `won`. The result must be a whole number
    /// of minor units. Signs and other text are rejected with an error naming
    /// `field`.
    pub fn parse(text: &str, field: &str) -> Result<Money> {
        let t = text.trim();
        if t.is_empty() {
            return Err(Error::invalid(field, "is empty; expected an amount"));
        }
        if t.starts_with('-') {
            return Err(Error::invalid(
                field,
                format!("{t} is negative; amounts must be 0 or more"),
            ));
        }
        let not_amount = || {
            Error::rejected(
                field,
                crate::error::Reason::NotAnAmount { text: t.to_owned() },
            )
        };
        let too_large = || {
            Error::invalid(
                field,
                format!(
                    "{t} is larger than the largest accepted amount {}",
                    Self::MAX.0
                ),
            )
        };
        let body = ["원", "円", "won", "KRW", "krw"]
            .iter()
            .find_map(|s| t.strip_suffix(s))
            .unwrap_or(t)
            .trim_end();
        // Exact arithmetic in u128: `digits` read so far, and how many of
        // them came after a decimal point.
        let (mut total, mut small) = (0u128, 0u128);
        let (mut number, mut scale, mut seen_digit, mut in_fraction) = (0u128, 0u32, false, false);
        let mut saw_unit = false;
        let mut last_big = u128::MAX;
        let take = |number: u128, scale: u32, unit: u128| -> Option<u128> {
            let v = number.checked_mul(unit)?;
            let d = 10u128.checked_pow(scale)?;
            (v % d == 0).then_some(v / d)
        };
        for c in body.chars() {
            match c {
                '0'..='9' => {
                    number = number
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(u128::from(c as u8 - b'0')))
                        .ok_or_else(too_large)?;
                    seen_digit = true;
                    if in_fraction {
                        scale += 1;
                    }
                }
                ',' | '_' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' if !in_fraction => {}
                '.' if seen_digit && !in_fraction => in_fraction = true,
                '십' | '十' | '백' | '百' | '천' | '千' => {
                    let unit = match c {
                        '십' | '十' => 10,
                        '백' | '百' => 100,
                        _ => 1_000,
                    };
                    let n = if seen_digit { number } else { 1 };
                    let s = if seen_digit { scale } else { 0 };
                    small += take(n, s, unit).ok_or_else(not_amount)?;
                    (number, scale, seen_digit, in_fraction, saw_unit) = (0, 0, false, false, true);
                }
                '만' | '万' | '억' | '億' | '조' | '兆' => {
                    let unit: u128 = match c {
                        '만' | '万' => 10_000,
                        '억' | '億' => 100_000_000,
                        _ => 1_000_000_000_000,
                    };
                    // Big units come in descending order: 1억 2천만, not 2천만 1억.
                    if unit >= last_big || (!seen_digit && small == 0) {
                        return Err(not_amount());
                    }
                    last_big = unit;
                    let group = small
                        .checked_mul(unit)
                        .and_then(|g| g.checked_add(take(number, scale, unit)?))
                        .ok_or_else(not_amount)?;
                    total = total.checked_add(group).ok_or_else(too_large)?;
                    (number, scale, seen_digit, in_fraction, saw_unit, small) =
                        (0, 0, false, false, true, 0);
                }
                _ => return Err(not_amount()),
            }
        }
        if in_fraction {
            return Err(not_amount());
        }
        if !seen_digit && !saw_unit {
            return Err(not_amount());
        }
        total = total
            .checked_add(small)
            .and_then(|v| v.checked_add(number))
            .ok_or_else(too_large)?;
        match u64::try_from(total) {
            Ok(v) if v <= Self::MAX.0 => Ok(Money(v)),
            _ => Err(too_large()),
        }
    }

    /// The amount in minor units.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// `self + other`, or an error when the sum passes [`Money::MAX`].
    pub fn checked_add(self, other: Money) -> Result<Money> {
        Money::new(self.0.saturating_add(other.0), "amount")
    }

    /// `self - other`, floored at zero.
    pub const fn saturating_sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0))
    }

    /// `self × count`, or an error when the product passes [`Money::MAX`].
    pub fn checked_mul(self, count: u64) -> Result<Money> {
        Money::new(self.0.saturating_mul(count), "amount")
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Money {
    type Err = Error;
    fn from_str(s: &str) -> Result<Money> {
        Money::parse(s, "amount")
    }
}

/// An amount is read from a whole number (`1000000`) or from text as
/// [`Money::parse`] reads it (`"1,000,000"`): clients of the HTTP API, forms
/// and Python all send either, and both mean the same amount.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Money, D::Error> {
        struct AmountVisitor;
        impl serde::de::Visitor<'_> for AmountVisitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an amount: a whole number of minor units, or text such as \"1,000,000\"",
                )
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Money, E> {
                Money::new(v, "amount").map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Money, E> {
                Money::from_i64(v, "amount").map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Money, E> {
                Err(E::custom(format!(
                    "amount: {v} is not a whole amount in minor units"
                )))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Money, E> {
                Money::parse(v, "amount").map_err(E::custom)
            }
        }
        d.deserialize_any(AmountVisitor)
    }
}

/// The currency of a game: its ISO 4217 code and the number of decimal
/// digits of its minor unit (0 for KRW and JPY, 2 for USD, EUR, GBP, CAD).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Currency {
    /// ISO 4217 code, e.g. `KRW`.
    pub code: String,
    /// Decimal digits of the minor unit.
    pub minor_digits: u8,
}

impl Currency {
    /// Formats an amount for people: `1,000,000 KRW`, `2.50 EUR`.
    pub fn format(&self, amount: Money) -> String {
        let scale = 10u64.pow(u32::from(self.minor_digits));
        let major = group_thousands(amount.get() / scale);
        if self.minor_digits == 0 {
            format!("{major} {}", self.code)
        } else {
            let minor = amount.get() % scale;
            let width = usize::from(self.minor_digits);
            format!("{major}.{minor:0width$} {}", self.code)
        }
    }
}

/// Writes a whole number with `,` between groups of three digits: `8,145,060`.
pub fn group_thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_people_write_them() {
        let p = |t: &str| Money::parse(t, "amount").map(Money::get);
        for (text, want) in [
            ("1000000", 1_000_000),
            ("1,000,000", 1_000_000),
            ("1 000 000", 1_000_000),
            ("1\u{a0}000\u{a0}000원", 1_000_000),
            ("10억", 1_000_000_000),
            ("10억원", 1_000_000_000),
            ("1억 2천만", 120_000_000),
            ("1억2000만", 120_000_000),
            ("1.5억", 150_000_000),
            ("5천", 5_000),
            ("3만 5천원", 35_000),
            ("천만", 10_000_000),
            ("5万", 50_000),
            ("2億", 200_000_000),
            ("1조", 1_000_000_000_000),
        ] {
            assert_eq!(p(text).unwrap(), want, "{text}");
        }
        for bad in [
            "",
            "만",
            "abc",
            "1.5",
            "12abc",
            "2천만 1억",
            "-5",
            "1..5억",
            "1.234567891억",
        ] {
            let e = p(bad).unwrap_err().to_string();
            assert!(e.starts_with("amount"), "{bad}: {e}");
        }
        assert!(p("10000조").unwrap_err().to_string().contains("larger"));
    }

    #[test]
    fn amounts_deserialize_from_numbers_and_text() {
        let read = |json: &str| serde_json::from_str::<Money>(json);
        assert_eq!(read("1000000").unwrap().get(), 1_000_000);
        assert_eq!(read("\"1,000,000\"").unwrap().get(), 1_000_000);
        for bad in ["-5", "\"-5\"", "1.5", "\"\"", "\"12 dollars\"", "null"] {
            let e = read(bad).unwrap_err().to_string();
            assert!(
                e.contains("amount") || e.contains("invalid type"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn parses_grouped_digits_and_rejects_the_rest() {
        assert_eq!(Money::parse("1,000,000", "gross").unwrap().get(), 1_000_000);
        assert_eq!(Money::parse(" 2_000 ", "gross").unwrap().get(), 2_000);
        for bad in ["", "-5", "1.5", "abc", "1e9", "10000000000000000000000"] {
            let e = Money::parse(bad, "gross").unwrap_err();
            assert_eq!(e.field(), Some("gross"), "{bad}: {e}");
        }
        assert!(Money::parse("1000000000000001", "gross").is_err());
        assert!(
            Money::from_i64(-1, "x")
                .unwrap_err()
                .to_string()
                .contains("negative")
        );
    }

    #[test]
    fn formats_for_people() {
        let krw = Currency {
            code: "KRW".into(),
            minor_digits: 0,
        };
        let eur = Currency {
            code: "EUR".into(),
            minor_digits: 2,
        };
        assert_eq!(krw.format(Money(1_234_567)), "1,234,567 KRW");
        assert_eq!(eur.format(Money(250)), "2.50 EUR");
        assert_eq!(eur.format(Money(5)), "0.05 EUR");
    }

    #[test]
    fn arithmetic_is_checked() {
        assert!(Money::MAX.checked_add(Money(1)).is_err());
        assert!(Money(10).checked_mul(u64::MAX).is_err());
        assert_eq!(Money(3).saturating_sub(Money(5)), Money::ZERO);
    }
}
