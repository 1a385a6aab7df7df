//! Tickets: validated sets of numbers, stored as bit sets.
//!
//! A [`NumberSet`] keeps number `n` in bit `n` of a `u128`, so every preset
//! (pools up to 70) and any pool up to [`MAX_NUMBER`] fits, the numbers come
//! out sorted for free, and counting matches is one `popcount` of an AND.
//! A [`Ticket`] can only be built through validation against a
//! [`GameSpec`], so a ticket you hold is valid for the
//! game it was built for.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::game::{BonusRule, GameSpec};

/// The largest number any pool may contain.
pub const MAX_NUMBER: u8 = 127;

/// A set of numbers in `1..=127`, as bits of a `u128`. Its `Debug` lists
/// the numbers (`{3, 11, 17}`), not the bits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct NumberSet(u128);

impl fmt::Debug for NumberSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.to_vec()).finish()
    }
}

impl NumberSet {
    /// The empty set.
    pub const EMPTY: NumberSet = NumberSet(0);

    /// A set from its bit representation (bit `n` = number `n`); bit 0 is
    /// ignored, since no pool contains 0.
    pub const fn from_bits(bits: u128) -> NumberSet {
        NumberSet(bits & !1)
    }

    /// The bit representation.
    pub const fn bits(self) -> u128 {
        self.0
    }

    /// Builds a set without validation, ignoring numbers outside `1..=127`
    /// and repeats. Use [`Ticket::new`] for checked input.
    pub fn from_numbers(numbers: &[u8]) -> NumberSet {
        numbers
            .iter()
            .filter(|&&n| (1..=MAX_NUMBER).contains(&n))
            .fold(NumberSet::EMPTY, |s, &n| NumberSet(s.0 | (1u128 << n)))
    }

    /// Whether `n` is in the set.
    pub const fn contains(self, n: u8) -> bool {
        n <= MAX_NUMBER && self.0 & (1u128 << n) != 0
    }

    /// Number of elements.
    pub const fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Elements in both sets.
    pub const fn intersection(self, other: NumberSet) -> NumberSet {
        NumberSet(self.0 & other.0)
    }

    /// Elements in either set.
    pub const fn union(self, other: NumberSet) -> NumberSet {
        NumberSet(self.0 | other.0)
    }

    /// How many elements the two sets share.
    pub const fn common(self, other: NumberSet) -> u8 {
        // At most 127 bits are set, so this always fits.
        (self.0 & other.0).count_ones() as u8
    }

    /// The elements in ascending order.
    pub fn iter(self) -> impl Iterator<Item = u8> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let n = bits.trailing_zeros();
            bits &= bits - 1;
            // trailing_zeros of a u128 is below 128.
            Some(n as u8)
        })
    }

    /// The elements in ascending order.
    pub fn to_vec(self) -> Vec<u8> {
        self.iter().collect()
    }
}

impl fmt::Display for NumberSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, n) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

impl Serialize for NumberSet {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// How a ticket fared in a draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Matches {
    /// Main numbers matched.
    pub main: u8,
    /// Bonus numbers matched: for a same-pool bonus, how many of the ticket's
    /// numbers equal a bonus number; for a second pool, how many of the
    /// ticket's second-pool numbers were drawn.
    pub bonus: u8,
}

/// One game on a slip: the main numbers and, for two-pool games, the
/// second-pool numbers. Always valid for the game it was built for.
///
/// Its `Debug` shows the numbers:
///
/// ```
/// use lottopro_core::{GameSpec, Ticket};
///
/// let t = Ticket::parse(&GameSpec::default(), "41 3 17 25 33 11")?;
/// assert_eq!(format!("{t:?}"), "Ticket { main: {3, 11, 17, 25, 33, 41}, extra: {} }");
/// assert_eq!(t.to_string(), "3 11 17 25 33 41");
/// # Ok::<(), lottopro_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticket {
    main: NumberSet,
    extra: NumberSet,
}

impl Ticket {
    /// A ticket from main numbers (any order) and second-pool numbers (empty
    /// unless the game has a second pool). Errors name the offending field
    /// (`numbers`, `numbers[2]`, `extra`) and the allowed range.
    pub fn new(game: &GameSpec, main: &[u8], extra: &[u8]) -> Result<Ticket> {
        game.check_main(main, "numbers")?;
        match game.bonus() {
            BonusRule::SecondPool { pool, picks } => {
                crate::game::check_numbers(extra, picks, pool, "extra")?;
            }
            _ if !extra.is_empty() => {
                return Err(Error::invalid(
                    "extra",
                    format!(
                        "{} has no second pool; give only the {} main numbers",
                        game.name(),
                        game.picks()
                    ),
                ));
            }
            _ => {}
        }
        Ok(Ticket {
            main: NumberSet::from_numbers(main),
            extra: NumberSet::from_numbers(extra),
        })
    }

    /// Parses `"3 11 17 25 33 41"` or `"3,11,17,25,33,41"`; for two-pool
    /// games the second-pool numbers follow a `+`: `"5 12 23 44 61 + 7"`.
    pub fn parse(game: &GameSpec, text: &str) -> Result<Ticket> {
        let (main_text, extra_text) = match text.split_once('+') {
            Some((m, e)) => (m, Some(e)),
            None => (text, None),
        };
        let main = parse_numbers(main_text, "numbers", game.pool())?;
        let extra_max = match game.bonus() {
            BonusRule::SecondPool { pool, .. } => pool,
            _ if extra_text.is_some() => {
                return Err(Error::invalid(
                    "extra",
                    format!(
                        "'+' starts a second pool's numbers, and {} has none",
                        game.id()
                    ),
                ));
            }
            _ => MAX_NUMBER,
        };
        let extra = match extra_text {
            Some(e) => parse_numbers(e, "extra", extra_max)?,
            None => Vec::new(),
        };
        if main.is_empty() && extra.is_empty() {
            return Err(Error::rejected(
                "numbers",
                crate::error::Reason::Empty {
                    expected: usize::from(game.picks()),
                },
            ));
        }
        Ticket::new(game, &main, &extra)
    }

    /// The main numbers.
    pub fn main(&self) -> NumberSet {
        self.main
    }

    /// The second-pool numbers (empty for single-pool games).
    pub fn extra(&self) -> NumberSet {
        self.extra
    }

    /// The main numbers, ascending.
    pub fn numbers(&self) -> Vec<u8> {
        self.main.to_vec()
    }
}

/// The plain numbers of a ticket, as reports store them: not validated
/// against any game; [`TicketRecord::into_ticket`] validates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TicketRecord {
    /// Main numbers, ascending.
    pub numbers: Vec<u8>,
    /// Second-pool numbers, ascending (empty for single-pool games).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<u8>,
}

impl TicketRecord {
    /// Validates the record against `game`.
    pub fn into_ticket(&self, game: &GameSpec) -> Result<Ticket> {
        Ticket::new(game, &self.numbers, &self.extra)
    }
}

impl From<&Ticket> for TicketRecord {
    fn from(t: &Ticket) -> TicketRecord {
        TicketRecord {
            numbers: t.main().to_vec(),
            extra: t.extra().to_vec(),
        }
    }
}

/// Parses several tickets separated by `;` or new lines:
/// `"1 2 3 4 5 6; 7 8 9 10 11 12"`. Errors name the ticket: `tickets[1]`.
pub fn parse_tickets(game: &GameSpec, text: &str) -> Result<Vec<Ticket>> {
    text.split([';', '\n'])
        .filter(|t| !t.trim().is_empty())
        .enumerate()
        .map(|(i, t)| Ticket::parse(game, t).map_err(|e| e.within(format!("tickets[{i}]"))))
        .collect()
}

/// Parses whitespace- or comma-separated numbers, naming `field` in errors;
/// `max` is the largest number allowed, quoted when a token is out of range
/// (ranges of parsed numbers are checked again where they are used).
pub fn parse_numbers(text: &str, field: &str, max: u8) -> Result<Vec<u8>> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(i, t)| {
            t.parse::<u8>().map_err(|_| {
                let reason = match t.parse::<i64>() {
                    Ok(value) => crate::error::Reason::OutOfRange {
                        value,
                        min: 1,
                        max: i64::from(max),
                    },
                    Err(_) if t.starts_with('-') || t.bytes().all(|b| b.is_ascii_digit()) => {
                        crate::error::Reason::OutOfRange {
                            value: if t.starts_with('-') {
                                i64::MIN
                            } else {
                                i64::MAX
                            },
                            min: 1,
                            max: i64::from(max),
                        }
                    }
                    Err(_) => crate::error::Reason::NotANumber { text: t.to_owned() },
                };
                Error::rejected(format!("{field}[{i}]"), reason)
            })
        })
        .collect()
}

impl fmt::Display for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.main)?;
        if !self.extra.is_empty() {
            write!(f, " + {}", self.extra)?;
        }
        Ok(())
    }
}

impl Serialize for Ticket {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Ticket", 2)?;
        st.serialize_field("numbers", &self.main)?;
        if !self.extra.is_empty() {
            st.serialize_field("extra", &self.extra)?;
        }
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_set_basics() {
        let s = NumberSet::from_numbers(&[41, 3, 17, 0, 200, 3]);
        assert_eq!(s.to_vec(), vec![3, 17, 41]);
        assert_eq!(s.len(), 3);
        assert!(s.contains(17) && !s.contains(18) && !s.contains(200));
        assert_eq!(s.common(NumberSet::from_numbers(&[3, 4, 41])), 2);
        assert_eq!(s.to_string(), "3 17 41");
        assert_eq!(NumberSet::from_bits(1).len(), 0);
    }

    #[test]
    fn parses_both_separators() {
        let g = GameSpec::kr645();
        let a = Ticket::parse(&g, "3 11 17 25 33 41").unwrap();
        let b = Ticket::parse(&g, "41,33, 25,17,11,3").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "3 11 17 25 33 41");
        let pb = GameSpec::preset("powerball").unwrap();
        let t = Ticket::parse(&pb, "5 12 23 44 61 + 7").unwrap();
        assert_eq!(t.to_string(), "5 12 23 44 61 + 7");
        assert!(
            Ticket::parse(&pb, "5 12 23 44 61")
                .unwrap_err()
                .to_string()
                .starts_with("extra")
        );
        assert!(
            Ticket::parse(&g, "1 2 3 4 5 6 + 7")
                .unwrap_err()
                .to_string()
                .starts_with("extra")
        );
    }

    #[test]
    fn a_plus_is_refused_where_the_game_has_no_second_pool() {
        let game = GameSpec::kr645();
        let e = Ticket::parse(&game, "1 2 3 4 5 6 +").unwrap_err();
        assert_eq!(e.field(), Some("extra"));
    }
}
