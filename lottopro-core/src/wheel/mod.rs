//! Wheels: small sets of tickets with a guarantee (covering designs).
//!
//! You choose `v` numbers and a guarantee "`t` if `m`": whenever at least `m`
//! of the drawn numbers are among yours, at least one ticket matches `t` of
//! them. The designs LottoPro has searched for offline, as small as the
//! best known ones or close (see [`table`] and `data/wheels/`), ship with
//! the core: a request for one of them is a lookup, relabelled onto your
//! numbers, and the wheel shows the best size known elsewhere and the lower
//! bound beside its own ([`WheelRecord`]). Any other request is searched
//! for ([`Wheel::build`]: a randomised greedy cover, then a local search that
//! removes a ticket and repairs the cover by swapping numbers, for as long as
//! it keeps succeeding). Either way the guarantee is **verified
//! exhaustively** before the wheel is returned: every way the draw can meet
//! your numbers is checked (the smallest intersections that trigger the
//! guarantee one by one; every larger one contains such a set), and
//! `draws_checked` says how many draws that covers. [`Wheel::full_pool`]
//! gives the designs over the whole pool of Korean Lotto 6/45, checked
//! against all 8,145,060 draws.
//!
//! A searched request is bounded: at most [`MAX_NUMBERS`] numbers (more
//! where the table holds the design) and [`MAX_TARGETS`] sets of drawn
//! numbers to cover, and a fixed amount of local-search work (about a second
//! and a half of a release build at most), so the search stops at a good
//! wheel rather than the smallest one.
//!
//! A wheel changes *which* draws you win in, never how much you win on
//! average: its expected value is exactly that of the same number of random
//! tickets. [`Wheel::weighted`] relabels a wheel's numbers so that its
//! tickets are ones other players avoid: the same guarantee and chances,
//! more expected value under the popularity model (see `weighted`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::game::{BonusRule, GameSpec};
use crate::money::Money;
use crate::odds::binomial;
use crate::rng;
use crate::ticket::NumberSet;

/// The most numbers a wheel may be built from: beyond this the candidate
/// tickets and the draws to cover grow past what a request should cost.
pub const MAX_NUMBERS: usize = 24;

/// The most draws-to-cover (`m`-subsets of the numbers) a wheel may have.
pub const MAX_TARGETS: u64 = 50_000;

/// The most tickets a wheel may hold: 2,000 games, twenty times what one
/// player may buy for one Korean Lotto draw (100,000 won). A request whose
/// lower bound passes it is refused before any search, so a 24-number
/// "5 if 5" (over seven thousand tickets) costs nothing to refuse.
pub const MAX_TICKETS: u64 = 2_000;

/// What a wheel will hold, known before it is built: the shipped design's
/// size where the table holds one, and always a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct WheelEstimate {
    /// The tickets of the shipped design, when the table holds it.
    pub tickets: Option<u64>,
    /// No wheel with this guarantee has fewer tickets (the Schönheim bound
    /// for "t if t"; 1 otherwise).
    pub at_least: u64,
    /// Whether a build would be refused for passing [`MAX_TICKETS`].
    pub over_cap: bool,
}

/// How many tickets a wheel of `v` numbers with `guarantee` holds, before
/// building it (for six-number games).
pub fn estimate(v: usize, guarantee: Guarantee) -> WheelEstimate {
    let v8 = u8::try_from(v).unwrap_or(u8::MAX);
    let tickets = table::shipped()
        .design(v8, guarantee.t, guarantee.m)
        .map(|d| d.blocks.len() as u64);
    let at_least = if guarantee.t == guarantee.m {
        schonheim(
            u32::try_from(v).unwrap_or(u32::MAX),
            table::BLOCK_SIZE as u32,
            u32::from(guarantee.t),
        )
        .max(1)
    } else {
        1
    };
    WheelEstimate {
        tickets,
        at_least,
        over_cap: tickets.unwrap_or(at_least) > MAX_TICKETS,
    }
}

/// Local-search moves per attempt to remove one more ticket, per target to
/// cover, within `MIN_MOVES..=MAX_MOVES`.
const MOVES_PER_TARGET: usize = 20;
const MIN_MOVES: usize = 2_000;
const MAX_MOVES: usize = 20_000;

/// Targets a build may enumerate in its local search, in all (each move
/// looks at five blocks' targets): bounds a request at about a second and a
/// half of a release build.
const WORK_PER_BUILD: usize = 300_000_000;

/// What a wheel guarantees: `t` matches whenever `m` drawn numbers are
/// among yours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Guarantee {
    /// Matches guaranteed on at least one ticket.
    pub t: u8,
    /// Drawn numbers among yours that trigger the guarantee.
    pub m: u8,
}

impl Guarantee {
    /// Parses `3if4`, `3 if 4` or `3/4`; a bare `3` means "3 if all the
    /// drawn numbers are yours" (`m` = the game's picks).
    pub fn parse(text: &str, picks: u8) -> Result<Guarantee> {
        let t = text.trim().to_ascii_lowercase();
        let bad = || {
            Error::invalid(
                "guarantee",
                format!(
                    "'{text}' is not a guarantee like 3if4 (3 matches if 4 of the drawn numbers are yours) or 3"
                ),
            )
        };
        let parts: Vec<&str> = if t.contains("if") {
            t.split("if").map(str::trim).collect()
        } else if t.contains('/') {
            t.split('/').map(str::trim).collect()
        } else {
            vec![t.as_str()]
        };
        let num = |s: &str| s.parse::<u8>().map_err(|_| bad());
        let g = match parts.as_slice() {
            [a] => Guarantee {
                t: num(a)?,
                m: picks,
            },
            [a, b] => Guarantee {
                t: num(a)?,
                m: num(b)?,
            },
            _ => return Err(bad()),
        };
        g.check(picks)?;
        Ok(g)
    }

    fn check(self, picks: u8) -> Result<()> {
        if self.t == 0 {
            return Err(Error::invalid("guarantee", "t must be at least 1"));
        }
        if self.t > self.m {
            return Err(Error::invalid(
                "guarantee",
                format!(
                    "{} matches cannot be guaranteed from {} drawn numbers",
                    self.t, self.m
                ),
            ));
        }
        if self.m > picks {
            return Err(Error::invalid(
                "guarantee",
                format!("only {picks} numbers are drawn, not {}", self.m),
            ));
        }
        Ok(())
    }
}

impl fmt::Display for Guarantee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}if{}", self.t, self.m)
    }
}

impl FromStr for Guarantee {
    type Err = Error;
    /// Parses with `m` defaulting to 6 picks; use [`Guarantee::parse`] for
    /// other games.
    fn from_str(s: &str) -> Result<Guarantee> {
        Guarantee::parse(s, 6)
    }
}

/// What to build, as the CLI, Python and HTTP take it: a wheel of `numbers`,
/// or (`full_pool`) a design over the whole pool. Its `Default` asks for
/// nothing yet: give `numbers` (or `full_pool`) and `guarantee`, and take
/// the rest with `..Default::default()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WheelRequest {
    /// The numbers to wheel; none with `full_pool`.
    #[serde(default)]
    pub numbers: Option<Vec<u8>>,
    /// `3if4`, or a bare `3` (all drawn numbers: the only form with
    /// `full_pool`); see [`Guarantee::parse`].
    pub guarantee: String,
    /// The full-pool design instead of a wheel of `numbers`.
    #[serde(default)]
    pub full_pool: bool,
    /// Seed of the search (default 1).
    #[serde(default)]
    pub seed: Option<u64>,
}

impl WheelRequest {
    /// The verified wheel this request asks for; bad requests name the field.
    pub fn build(&self, game: &GameSpec) -> Result<Wheel> {
        let picks = game.picks();
        let g = Guarantee::parse(&self.guarantee, picks)?;
        match (self.full_pool, &self.numbers) {
            (true, Some(_)) => Err(Error::invalid(
                "full_pool",
                "a full-pool design takes no numbers: it wheels the whole pool",
            )),
            (true, None) if g.m != picks => Err(Error::invalid(
                "guarantee",
                format!(
                    "a full-pool design guarantees matches in every draw: give just t, e.g. 3, not {g}"
                ),
            )),
            (true, None) => Wheel::full_pool(game, g.t),
            (false, Some(numbers)) => Wheel::build(game, numbers, g, self.seed.unwrap_or(1)),
            (false, None) => Err(Error::invalid(
                "numbers",
                "give the numbers to wheel, or ask for the full-pool design",
            )),
        }
    }
}

/// A verified wheel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Wheel {
    /// The numbers wheeled, ascending.
    pub numbers: Vec<u8>,
    /// The guarantee.
    pub guarantee: Guarantee,
    /// The tickets, each ascending.
    pub tickets: Vec<Vec<u8>>,
    /// Always `true` for a returned wheel: the guarantee was checked.
    pub verified: bool,
    /// Draws in which the guarantee applies (at least `m` of the drawn
    /// numbers are yours), every one of them checked.
    pub draws_checked: u64,
    /// All draws of the game.
    pub total_draws: u64,
    /// Price of all tickets.
    pub cost: Money,
    /// Expected prizes before tax where the game fixes its prize fund
    /// (Korea: half of sales), the same as for as many random tickets.
    pub expected_value: Option<Money>,
    /// How its size compares with the best known elsewhere and with the
    /// lower bound, and whether it came from the shipped table.
    pub record: WheelRecord,
    /// What weighting it by popularity gained over the plain design, for a
    /// wheel from [`Wheel::weighted`]; `None` for a plain wheel.
    pub popularity: Option<WheelPopularity>,
    /// What a wheel does and does not change.
    pub note: &'static str,
}

/// The note every wheel carries.
pub const NOTE: &str = "A wheel guarantees a match when enough of your numbers are drawn; \
                        its expected value is exactly that of the same number of random tickets.";

/// The outcome of an exhaustive check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Verification {
    /// Whether every applicable draw is covered.
    pub holds: bool,
    /// Draws in which the guarantee applies, all checked.
    pub draws_checked: u64,
    /// A drawn set of your numbers no ticket covers, if any.
    pub counterexample: Option<Vec<u8>>,
}

impl Wheel {
    /// Builds a small wheel of `numbers` with `guarantee` for `game` (seeded,
    /// so the same request gives the same wheel), verified before return.
    pub fn build(
        game: &GameSpec,
        numbers: &[u8],
        guarantee: Guarantee,
        seed: u64,
    ) -> Result<Wheel> {
        Wheel::build_with_work(game, numbers, guarantee, seed, WORK_PER_BUILD)
    }

    fn build_with_work(
        game: &GameSpec,
        numbers: &[u8],
        guarantee: Guarantee,
        seed: u64,
        work: usize,
    ) -> Result<Wheel> {
        let k = check_game(game)?;
        guarantee.check(k)?;
        crate::game::check_numbers(numbers, numbers.len() as u8, game.pool(), "numbers")?;
        let v = numbers.len();
        if v < usize::from(k) {
            return Err(Error::invalid(
                "numbers",
                format!("{v} numbers given; a wheel needs at least {k}"),
            ));
        }
        let stored = table::shipped().design(v as u8, guarantee.t, guarantee.m);
        if v > MAX_NUMBERS && stored.is_none() {
            return Err(Error::Limit {
                field: "numbers".into(),
                value: v as u64,
                limit: MAX_NUMBERS as u64,
            });
        }
        if usize::from(guarantee.m) > v {
            return Err(Error::invalid(
                "guarantee",
                format!(
                    "{} drawn numbers cannot be among only {v} of yours",
                    guarantee.m
                ),
            ));
        }
        let targets = binomial(v as u32, u32::from(guarantee.m)).unwrap_or(u128::MAX);
        if targets > u128::from(MAX_TARGETS) {
            return Err(Error::invalid(
                "numbers",
                format!(
                    "{v} numbers with m = {} make {targets} sets of drawn numbers to cover; at most {MAX_TARGETS} \
                     (use fewer numbers or a smaller m)",
                    guarantee.m
                ),
            ));
        }
        let est = estimate(v, guarantee);
        if est.over_cap {
            return Err(Error::Limit {
                field: "tickets".into(),
                value: est.tickets.unwrap_or(est.at_least),
                limit: MAX_TICKETS,
            });
        }
        let mut sorted = numbers.to_vec();
        sorted.sort_unstable();
        let to_tickets = |blocks: &[u64]| -> Vec<NumberSet> {
            blocks
                .iter()
                .map(|b| {
                    NumberSet::from_numbers(&positions(*b).map(|i| sorted[i]).collect::<Vec<_>>())
                })
                .collect()
        };
        // The shipped table answers what it holds (for six-number tickets):
        // a lookup, verified again below like any other wheel.
        let key = (v as u8, guarantee.t, guarantee.m);
        if let Some(d) = stored.filter(|_| usize::from(k) == table::BLOCK_SIZE) {
            let record = table::shipped().record(key, d.blocks.len(), true);
            return Wheel::verified(game, &sorted, guarantee, to_tickets(&d.blocks), record);
        }
        let blocks =
            Cover::new(v, usize::from(k), guarantee).search(&mut rng::stream(seed, 0x77), work);
        // A stopped search returns what it had: report the stop instead, so
        // that a seed always gives the same wheel.
        crate::cancel::check()?;
        if blocks.len() as u64 > MAX_TICKETS {
            return Err(Error::Limit {
                field: "tickets".into(),
                value: blocks.len() as u64,
                limit: MAX_TICKETS,
            });
        }
        let record = table::shipped().record(key, blocks.len(), false);
        Wheel::verified(game, &sorted, guarantee, to_tickets(&blocks), record)
    }

    /// The full-pool designs of Korean Lotto 6/45: `t = 2` (15 tickets, five
    /// groups of nine numbers, each group covering its pairs with three
    /// tickets) and `t = 3` (the 77 blocks of the Steiner system S(3,6,22)
    /// on 1–22, which hold every triple of those numbers once, and a wheel
    /// guaranteeing 3 if 4 on 23–45: a draw has three numbers in the first
    /// part or four in the second). Each is verified against every draw.
    pub fn full_pool(game: &GameSpec, t: u8) -> Result<Wheel> {
        if game.pool() != 45 || game.picks() != 6 {
            return Err(Error::invalid(
                "game",
                format!("full-pool designs exist for 6/45 only, not {}", game.id()),
            ));
        }
        let numbers: Vec<u8> = (1..=45).collect();
        let tickets: Vec<NumberSet> = match t {
            1 => (0..8u8)
                .map(|i| {
                    let start = (i * 6 + 1).min(40);
                    NumberSet::from_numbers(&(start..start + 6).collect::<Vec<_>>())
                })
                .collect(),
            2 => (0..5u8)
                .flat_map(|g| {
                    let base = g * 9;
                    [[1, 2, 3, 4, 5, 6], [1, 2, 3, 7, 8, 9], [4, 5, 6, 7, 8, 9]]
                        .map(|b| NumberSet::from_numbers(&b.map(|x| base + x)))
                })
                .collect(),
            3 => witt_s3_6_22()
                .into_iter()
                .map(|b| NumberSet::from_bits(u128::from(b) << 1))
                .chain(
                    KR645_23_TO_45_3IF4
                        .iter()
                        .map(|t| NumberSet::from_numbers(t)),
                )
                .collect(),
            _ => {
                return Err(Error::invalid(
                    "guarantee",
                    format!("full-pool designs are for 1, 2 or 3 matches, not {t}"),
                ));
            }
        };
        let record = table::shipped().record((45, t, 6), tickets.len(), false);
        Wheel::verified(game, &numbers, Guarantee { t, m: 6 }, tickets, record)
    }

    fn verified(
        game: &GameSpec,
        numbers: &[u8],
        guarantee: Guarantee,
        tickets: Vec<NumberSet>,
        record: WheelRecord,
    ) -> Result<Wheel> {
        let check = verify_checked(game, numbers, &tickets, guarantee);
        if !check.holds {
            return Err(Error::invalid(
                "guarantee",
                format!(
                    "the wheel found does not hold for the draw {:?}; this is a bug",
                    check.counterexample.unwrap_or_default()
                ),
            ));
        }
        let cost = Money(game.ticket_price().0.saturating_mul(tickets.len() as u64));
        let expected_value = game
            .prize_fund_permille()
            .map(|p| Money(cost.0.saturating_mul(u64::from(p)) / 1000));
        Ok(Wheel {
            numbers: numbers.to_vec(),
            guarantee,
            tickets: tickets.iter().map(|t| t.to_vec()).collect(),
            verified: true,
            draws_checked: check.draws_checked,
            total_draws: game.total_combinations(),
            cost,
            expected_value,
            record,
            popularity: None,
            note: NOTE,
        })
    }
}

fn check_game(game: &GameSpec) -> Result<u8> {
    if matches!(game.bonus(), BonusRule::SecondPool { .. }) {
        return Err(Error::invalid(
            "game",
            format!(
                "wheels cover the main pool; {} also draws from a second pool",
                game.id()
            ),
        ));
    }
    if game.pool() > 63 {
        return Err(Error::invalid(
            "game",
            "wheels cover pools of up to 63 numbers",
        ));
    }
    Ok(game.picks())
}

mod anneal;
mod designs;
mod search;
pub mod table;
mod verify;
mod weighted;

use designs::KR645_23_TO_45_3IF4;
use search::Cover;
use verify::{positions, verify_checked};

pub use anneal::{anneal_cover, schonheim};
pub use designs::witt_s3_6_22;
pub use table::{
    BestKnown, StoredDesign, Table, WheelRecord, parse_best_known, parse_covers, shipped,
};
pub use verify::verify;
pub use weighted::WheelPopularity;

#[cfg(test)]
mod tests {
    use super::verify::for_each_subset;
    use super::*;

    #[test]
    fn witt_design_holds_every_triple_once() {
        let blocks = witt_s3_6_22();
        assert_eq!(blocks.len(), 77);
        let mut seen = std::collections::HashMap::new();
        for b in &blocks {
            assert_eq!(b.count_ones(), 6);
            for_each_subset(22, 3, |t| {
                if u64::from(*b) & t == t {
                    *seen.entry(t).or_insert(0) += 1;
                }
                true
            });
        }
        assert_eq!(seen.len(), 1540);
        assert!(seen.values().all(|&c| c == 1));
    }

    /// The work spent on the stored 23–45 design (`KR645_23_TO_45_3IF4`).
    const WORK_STORED_DESIGN: usize = 3_000_000_000;

    #[test]
    fn the_stored_design_is_what_the_search_finds() {
        let game = GameSpec::kr645();
        let numbers: Vec<u8> = (23..=45).collect();
        let w = Wheel::build_with_work(
            &game,
            &numbers,
            Guarantee { t: 3, m: 4 },
            3,
            WORK_STORED_DESIGN,
        )
        .unwrap();
        let stored: Vec<Vec<u8>> = KR645_23_TO_45_3IF4.iter().map(|t| t.to_vec()).collect();
        assert_eq!(
            w.tickets, stored,
            "regenerate KR645_23_TO_45_3IF4 from this output"
        );
    }

    #[test]
    fn guarantees_parse_and_refuse_nonsense() {
        assert_eq!(
            Guarantee::parse("3if4", 6).unwrap(),
            Guarantee { t: 3, m: 4 }
        );
        assert_eq!(
            Guarantee::parse(" 3 IF 4 ", 6).unwrap(),
            Guarantee { t: 3, m: 4 }
        );
        assert_eq!(Guarantee::parse("2", 6).unwrap(), Guarantee { t: 2, m: 6 });
        for bad in ["", "x", "4if3", "0if2", "3if7", "3if4if5", "-1"] {
            let e = Guarantee::parse(bad, 6).unwrap_err();
            assert!(e.to_string().starts_with("guarantee:"), "{bad}: {e}");
        }
    }

    #[test]
    fn subsets_are_enumerated_once_each() {
        let mut n = 0;
        for_each_subset(9, 4, |s| {
            assert_eq!(s.count_ones(), 4);
            n += 1;
            true
        });
        assert_eq!(n, 126);
    }
}
