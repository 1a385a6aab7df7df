//! The parts of a Pension Lottery 720+ ticket: a group (조) and six digits
//! kept with their leading zeros, and a ticket of one group or of all five.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Reason, Result};
use crate::money::Money;

use super::{DIGIT_COUNT, GROUPS, TICKET_PRICE};

/// A group (조), 1 to [`GROUPS`]. It serializes as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Group(pub(super) u8);

impl Group {
    /// A group, or an error naming the field `group` outside 1..=5.
    pub fn new(n: u8) -> Result<Group> {
        if (1..=GROUPS).contains(&n) {
            Ok(Group(n))
        } else {
            Err(Error::rejected(
                "group",
                Reason::OutOfRange {
                    value: i64::from(n),
                    min: 1,
                    max: i64::from(GROUPS),
                },
            ))
        }
    }

    /// Parses `3` or `3조` (surrounding spaces ignored), naming `field` in errors.
    pub fn parse(text: &str, field: &str) -> Result<Group> {
        let t = text.trim();
        let t = t.strip_suffix('조').unwrap_or(t).trim_end();
        match t.parse::<i64>() {
            Ok(value) => u8::try_from(value)
                .ok()
                .and_then(|n| Group::new(n).ok())
                .ok_or_else(|| {
                    Error::rejected(
                        field,
                        Reason::OutOfRange {
                            value,
                            min: 1,
                            max: i64::from(GROUPS),
                        },
                    )
                }),
            Err(_) => Err(Error::rejected(
                field,
                Reason::NotANumber {
                    text: text.trim().to_owned(),
                },
            )),
        }
    }

    /// The group's number, 1..=5.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// Every group, 1 first.
    pub fn all() -> impl Iterator<Item = Group> {
        (1..=GROUPS).map(Group)
    }
}

impl TryFrom<u8> for Group {
    type Error = Error;
    fn try_from(n: u8) -> Result<Group> {
        Group::new(n)
    }
}

impl From<Group> for u8 {
    fn from(g: Group) -> u8 {
        g.0
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Six digits, `000000` to `999999`: the number on a ticket, a winning
/// number or a bonus number. Leading zeros are part of the number, so it
/// prints and serializes as six characters (`"034844"`), never as an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digits(pub(super) u32);

/// One more than the largest six-digit number.
const DIGIT_SPACE: u32 = 1_000_000;

impl Digits {
    /// The digits of `value`, or an error naming the field `digits` when it
    /// has more than six.
    pub fn new(value: u32) -> Result<Digits> {
        if value < DIGIT_SPACE {
            Ok(Digits(value))
        } else {
            Err(Error::rejected(
                "digits",
                Reason::OutOfRange {
                    value: i64::from(value),
                    min: 0,
                    max: i64::from(DIGIT_SPACE - 1),
                },
            ))
        }
    }

    /// Parses exactly six digits (`012345`; spaces between them are
    /// ignored, `0 1 2 3 4 5`), naming `field` in errors: anything but a digit
    /// is refused, and so is a count other than six — `12345` is not
    /// `012345`, since a ticket always shows all six.
    pub fn parse(text: &str, field: &str) -> Result<Digits> {
        let t = text.trim();
        if let Some(bad) = t
            .split_whitespace()
            .find(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(Error::rejected(
                field,
                Reason::NotANumber {
                    text: bad.to_owned(),
                },
            ));
        }
        let digits: Vec<u32> = t
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| u32::from(b - b'0'))
            .collect();
        if digits.len() != DIGIT_COUNT {
            return Err(Error::rejected(
                field,
                Reason::Count {
                    expected: DIGIT_COUNT,
                    given: digits.len(),
                },
            ));
        }
        Ok(Digits(digits.iter().fold(0, |acc, d| acc * 10 + d)))
    }

    /// The number, 0..=999,999.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The digit at `position`, 0 the leftmost and 5 the last; `None` past 5.
    pub fn digit(self, position: usize) -> Option<u8> {
        let shift = DIGIT_COUNT.checked_sub(position + 1)?;
        let d = self.0 / 10u32.pow(shift as u32) % 10;
        u8::try_from(d).ok()
    }

    /// The six digits, leftmost first.
    pub fn to_array(self) -> [u8; DIGIT_COUNT] {
        let mut out = [0u8; DIGIT_COUNT];
        let mut v = self.0;
        for slot in out.iter_mut().rev() {
            *slot = (v % 10) as u8;
            v /= 10;
        }
        out
    }

    /// How many digits agree from the right before the first that differs:
    /// 6 when all agree, 0 when the last digits differ.
    pub fn trailing_matches(self, other: Digits) -> u8 {
        let (mut a, mut b, mut n) = (self.0, other.0, 0u8);
        while n < DIGIT_COUNT as u8 && a % 10 == b % 10 {
            a /= 10;
            b /= 10;
            n += 1;
        }
        n
    }
}

impl fmt::Display for Digits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl FromStr for Digits {
    type Err = Error;
    fn from_str(s: &str) -> Result<Digits> {
        Digits::parse(s, "digits")
    }
}

impl Serialize for Digits {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Six digits are read from text only: a JSON number would have lost its
/// leading zeros before it arrived, so `12345` is refused rather than read
/// as `012345`.
impl<'de> Deserialize<'de> for Digits {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Digits, D::Error> {
        let s = String::deserialize(d)?;
        Digits::parse(&s, "digits").map_err(serde::de::Error::custom)
    }
}

/// The group a ticket is bought for: one, or all five ("all groups" buys
/// the same digits in every group, five games in one step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupChoice {
    /// One group.
    One(Group),
    /// All five groups.
    All,
}

impl GroupChoice {
    /// Parses `3`, `3조`, or `all` / `전체` / `*` for every group, naming
    /// `field` in errors.
    pub fn parse(text: &str, field: &str) -> Result<GroupChoice> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("all") || t == "전체" || t == "*" {
            Ok(GroupChoice::All)
        } else {
            Group::parse(t, field).map(GroupChoice::One)
        }
    }

    /// The groups chosen, in order.
    pub fn groups(self) -> impl Iterator<Item = Group> {
        let (from, to) = match self {
            GroupChoice::One(g) => (g.0, g.0),
            GroupChoice::All => (1, GROUPS),
        };
        (from..=to).map(Group)
    }
}

impl fmt::Display for GroupChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupChoice::One(g) => write!(f, "{g}조"),
            GroupChoice::All => f.write_str("all"),
        }
    }
}

/// A group serializes as its number, all groups as `"all"`.
impl Serialize for GroupChoice {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            GroupChoice::One(g) => s.serialize_u8(g.0),
            GroupChoice::All => s.serialize_str("all"),
        }
    }
}

/// Read from a number (`3`) or text (`"3"`, `"3조"`, `"all"`).
impl<'de> Deserialize<'de> for GroupChoice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<GroupChoice, D::Error> {
        struct ChoiceVisitor;
        impl serde::de::Visitor<'_> for ChoiceVisitor {
            type Value = GroupChoice;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a group 1 to 5, or \"all\"")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<GroupChoice, E> {
                GroupChoice::parse(&v.to_string(), "group").map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<GroupChoice, E> {
                GroupChoice::parse(&v.to_string(), "group").map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(
                self,
                v: &str,
            ) -> std::result::Result<GroupChoice, E> {
                GroupChoice::parse(v, "group").map_err(E::custom)
            }
        }
        d.deserialize_any(ChoiceVisitor)
    }
}

/// A 720+ ticket: a group choice and six digits. Holding one means it is
/// valid; "all groups" is five games with the same digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PensionTicket {
    /// The group, or all groups.
    pub group: GroupChoice,
    /// The six digits.
    pub digits: Digits,
}

impl PensionTicket {
    /// A ticket of one group.
    pub fn new(group: Group, digits: Digits) -> PensionTicket {
        PensionTicket {
            group: GroupChoice::One(group),
            digits,
        }
    }

    /// The same digits in all five groups.
    pub fn all_groups(digits: Digits) -> PensionTicket {
        PensionTicket {
            group: GroupChoice::All,
            digits,
        }
    }

    /// Parses a ticket as people write it: the group then the six digits
    /// (`3조 012345`, `3 012345`, `3조012345`, `all 012345`, `전체 012345`),
    /// or the seven digits of the official winning-number form (`3012345`,
    /// group first). Errors name the field `group` or `digits`.
    pub fn parse(text: &str) -> Result<PensionTicket> {
        let t = text.trim();
        if t.is_empty() {
            return Err(Error::rejected(
                "ticket",
                Reason::Count {
                    expected: DIGIT_COUNT + 1,
                    given: 0,
                },
            ));
        }
        let (group, digits) = if let Some(i) = t.find('조') {
            (&t[..i + '조'.len_utf8()], &t[i + '조'.len_utf8()..])
        } else if let Some((g, rest)) = t.split_once(char::is_whitespace) {
            (g, rest)
        } else if t.len() == DIGIT_COUNT + 1 && t.bytes().all(|b| b.is_ascii_digit()) {
            t.split_at(1)
        } else {
            return Err(Error::invalid(
                "ticket",
                format!("'{t}' is not a ticket; write the group and six digits, e.g. 3조 012345"),
            ));
        };
        Ok(PensionTicket {
            group: GroupChoice::parse(group, "group")?,
            digits: Digits::parse(digits, "digits")?,
        })
    }

    /// Parses several tickets separated by `;` or new lines (blank entries
    /// skipped), as Lotto's `parse_tickets` does; an error names the ticket
    /// at fault (`tickets[1]`).
    pub fn parse_list(text: &str) -> Result<Vec<PensionTicket>> {
        text.split([';', '\n'])
            .filter(|t| !t.trim().is_empty())
            .enumerate()
            .map(|(i, t)| PensionTicket::parse(t).map_err(|e| e.within(format!("tickets[{i}]"))))
            .collect()
    }

    /// The games on this ticket, one per group, in group order.
    pub fn games(&self) -> impl Iterator<Item = (Group, Digits)> {
        let digits = self.digits;
        self.group.groups().map(move |g| (g, digits))
    }

    /// Games on this ticket: 1, or 5 for all groups.
    pub fn game_count(&self) -> u64 {
        self.group.groups().count() as u64
    }

    /// What it costs: 1,000 won a game.
    pub fn price(&self) -> Money {
        Money(TICKET_PRICE * self.game_count())
    }
}

impl fmt::Display for PensionTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.group, self.digits)
    }
}

impl FromStr for PensionTicket {
    type Err = Error;
    fn from_str(s: &str) -> Result<PensionTicket> {
        PensionTicket::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_keep_their_leading_zeros() {
        let d = Digits::parse("034844", "digits").unwrap();
        assert_eq!((d.get(), d.to_string()), (34_844, "034844".to_owned()));
        assert_eq!(d.to_array(), [0, 3, 4, 8, 4, 4]);
        assert_eq!(
            (d.digit(0), d.digit(5), d.digit(6)),
            (Some(0), Some(4), None)
        );
        assert_eq!(Digits::parse("0 3 4 8 4 4", "digits").unwrap(), d);
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"034844\"");
        assert_eq!(serde_json::from_str::<Digits>("\"034844\"").unwrap(), d);
        assert!(serde_json::from_str::<Digits>("34844").is_err());
        assert_eq!(Digits::new(0).unwrap().to_string(), "000000");
        assert_eq!(Digits::new(1_000_000).unwrap_err().field(), Some("digits"));
    }

    #[test]
    fn bad_digits_name_the_field_and_the_reason() {
        for (text, reason) in [
            (
                "12345",
                Reason::Count {
                    expected: 6,
                    given: 5,
                },
            ),
            (
                "1234567",
                Reason::Count {
                    expected: 6,
                    given: 7,
                },
            ),
            (
                "",
                Reason::Count {
                    expected: 6,
                    given: 0,
                },
            ),
            (
                "12a456",
                Reason::NotANumber {
                    text: "12a456".into(),
                },
            ),
            (
                "-12345",
                Reason::NotANumber {
                    text: "-12345".into(),
                },
            ),
        ] {
            let e = Digits::parse(text, "number").unwrap_err();
            assert_eq!(
                (e.field(), e.reason()),
                (Some("number"), Some(&reason)),
                "{text}"
            );
        }
    }

    #[test]
    fn trailing_matches_count_from_the_right() {
        let d = |s: &str| Digits::parse(s, "d").unwrap();
        assert_eq!(d("162132").trailing_matches(d("162132")), 6);
        assert_eq!(d("162132").trailing_matches(d("062132")), 5);
        assert_eq!(d("162132").trailing_matches(d("000002")), 1);
        assert_eq!(d("162132").trailing_matches(d("162130")), 0);
        assert_eq!(d("000000").trailing_matches(d("100000")), 5);
    }

    #[test]
    fn tickets_parse_as_people_write_them() {
        let d = Digits::parse("012345", "d").unwrap();
        let three = PensionTicket::new(Group::new(3).unwrap(), d);
        for text in [
            "3조 012345",
            "3 012345",
            "3조012345",
            " 3 조 012345 ",
            "3012345",
        ] {
            assert_eq!(PensionTicket::parse(text).unwrap(), three, "{text}");
        }
        let all = PensionTicket::all_groups(d);
        for text in ["all 012345", "ALL 012345", "전체 012345", "* 012345"] {
            assert_eq!(PensionTicket::parse(text).unwrap(), all, "{text}");
        }
        assert_eq!(three.to_string(), "3조 012345");
        assert_eq!(all.to_string(), "all 012345");
        assert_eq!(PensionTicket::parse(&all.to_string()).unwrap(), all);
        assert_eq!((three.game_count(), three.price().get()), (1, 1_000));
        assert_eq!((all.game_count(), all.price().get()), (5, 5_000));
        assert_eq!(
            all.games().map(|(g, _)| g.get()).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5]
        );
    }

    #[test]
    fn lists_of_tickets_name_the_one_at_fault() {
        let list = PensionTicket::parse_list("3조 012345;\nall 999999\n\n").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].game_count(), 5);
        let e = PensionTicket::parse_list("3조 012345; 9조 000000").unwrap_err();
        assert_eq!(e.field(), Some("tickets[1]"));
        assert!(matches!(
            e.reason(),
            Some(Reason::OutOfRange { value: 9, .. })
        ));
    }

    #[test]
    fn bad_tickets_name_the_field() {
        for (text, field) in [
            ("6조 012345", "group"),
            ("0 012345", "group"),
            ("x 012345", "group"),
            ("3조 12345", "digits"),
            ("3조", "digits"),
            ("012345", "ticket"),
            ("", "ticket"),
        ] {
            let e = PensionTicket::parse(text).unwrap_err();
            assert_eq!(e.field(), Some(field), "{text}: {e}");
        }
    }

    #[test]
    fn tickets_round_trip_through_json() {
        let t = PensionTicket::parse("2조 000777").unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"group":2,"digits":"000777"}"#);
        assert_eq!(serde_json::from_str::<PensionTicket>(&json).unwrap(), t);
        let all: PensionTicket =
            serde_json::from_str(r#"{"group":"all","digits":"000777"}"#).unwrap();
        assert_eq!(all.group, GroupChoice::All);
        assert!(serde_json::from_str::<PensionTicket>(r#"{"group":6,"digits":"000777"}"#).is_err());
    }

    proptest::proptest! {
        #[test]
        fn tickets_print_and_parse_back(g in 0u8..=5, v in 0u32..1_000_000) {
            let digits = Digits::new(v).unwrap();
            let ticket = match g {
                0 => PensionTicket::all_groups(digits),
                g => PensionTicket::new(Group::new(g).unwrap(), digits),
            };
            let text = ticket.to_string();
            proptest::prop_assert_eq!(PensionTicket::parse(&text).unwrap(), ticket);
            let json = serde_json::to_string(&ticket).unwrap();
            proptest::prop_assert_eq!(serde_json::from_str::<PensionTicket>(&json).unwrap(), ticket);
        }
    }
}
