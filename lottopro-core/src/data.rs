//! LottoPro's own data: the real Korean Lotto 6/45 history, embedded in the
//! library, so that every program built on it has the history without a file.
//!
//! | file (in `lottopro-core/data/`) | what | rows |
//! | --- | --- | --- |
//! | `kr_lotto_645.csv` | every draw: numbers, bonus, 1st-prize winners and prize, total sales | draws 1–1245 (2002-12-07 to 2026-10-10) |
//! | `kr_lotto_645_prizes.csv` | winners and prize per game for ranks 1–5 | 5 per draw |
//! | `kr_lotto_645_first_prize_choice.csv` | how each 1st-prize winning game was picked: quick pick, semi-automatic, chosen | draws 262–1238 with winners |
//! | `kr_pension_720.csv` | every Pension Lottery 720+ draw: group, six digits, bonus digits ([`kr720`]) | draws 1–327 (2020-05-07 to 2026-08-06) |
//!
//! The files' sources and the checks they passed are in `data/README.md`
//! beside them. They live inside the core crate rather than at the
//! repository root because the crate embeds them (`include_str!` can only
//! reach files that `cargo package` ships with the crate), and because the
//! root `data/` folder is where the service keeps its database.
//!
//! Parsing the embedded files takes a few milliseconds; it happens once per
//! process and later calls get a copy of the parsed history.
//!
//! ```
//! use lottopro_core::History;
//!
//! let history = History::bundled();
//! assert_eq!(history.len(), 1245);
//! assert_eq!(history.latest_round(), Some(1245));
//! // Per-rank prizes are attached: what 5th prize paid in the latest draw.
//! let fifth = history.latest().and_then(|d| d.result(5)).map(|r| r.prize_each);
//! assert_eq!(fifth.map(|m| m.get()), Some(5_000));
//! ```

use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::history::History;
use crate::io::{self, FirstPrizeChoice, Format};
use crate::pension::PensionHistory;

/// `kr_lotto_645.csv`, as embedded.
pub const KR645_DRAWS_CSV: &str = include_str!("../data/kr_lotto_645.csv");
/// `kr_lotto_645_prizes.csv`, as embedded.
pub const KR645_PRIZES_CSV: &str = include_str!("../data/kr_lotto_645_prizes.csv");
/// `kr_lotto_645_first_prize_choice.csv`, as embedded.
pub const KR645_FIRST_PRIZE_CHOICE_CSV: &str =
    include_str!("../data/kr_lotto_645_first_prize_choice.csv");

/// `kr_pension_720.csv`, as embedded.
pub const KR720_DRAWS_CSV: &str = include_str!("../data/kr_pension_720.csv");

/// The ids of the games whose history is bundled.
pub const BUNDLED_GAMES: &[&str] = &["kr645"];

/// The bundled Korean Lotto 6/45 history, with per-rank prizes attached.
///
/// The embedded files are checked by this crate's tests, so parsing them
/// cannot fail in a released build.
pub fn kr645() -> History {
    static PARSED: OnceLock<History> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            parse_kr645().unwrap_or_else(|e| {
                // Unreachable in a tested build: the files are compiled in and
                // `tests::bundled_files_parse` parses them.
                #[allow(clippy::panic)]
                {
                    panic!("the embedded kr645 history is invalid: {e}")
                }
            })
        })
        .clone()
}

fn parse_kr645() -> Result<History> {
    let history = io::read_history(KR645_DRAWS_CSV.as_bytes(), Format::Csv, GameSpec::kr645())?;
    let prizes = io::read_prize_rows(KR645_PRIZES_CSV.as_bytes())?;
    io::attach_prizes(&history, &prizes)
}

/// The bundled history of `game`, or an error naming the field `game` for a
/// game LottoPro holds no history of (give one with a file then).
pub fn history(game: &GameSpec) -> Result<History> {
    match game.id() {
        "kr645" => Ok(kr645()),
        other => Err(Error::invalid(
            "game",
            format!(
                "no history of {other} is bundled (bundled: {}); give one from a file",
                BUNDLED_GAMES.join(", ")
            ),
        )),
    }
}

/// The history a program starts from when it is given none: the bundled one
/// when LottoPro ships it for `game`, else an empty history of `game`.
pub fn default_history(game: &GameSpec) -> History {
    history(game).unwrap_or_else(|_| History::empty(game.clone()))
}

/// The bundled Pension Lottery 720+ history ([`crate::pension`]).
///
/// Like [`kr645`], the embedded file is checked by this crate's tests, so
/// parsing it cannot fail in a released build.
pub fn kr720() -> PensionHistory {
    static PARSED: OnceLock<PensionHistory> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            PensionHistory::read_csv(KR720_DRAWS_CSV.as_bytes()).unwrap_or_else(|e| {
                #[allow(clippy::panic)]
                {
                    panic!("the embedded kr720 history is invalid: {e}")
                }
            })
        })
        .clone()
}

/// How the 1st-prize winners of each Korean draw picked their numbers
/// (draws 262–1238 that had winners), in round order.
pub fn kr645_first_prize_choice() -> Vec<FirstPrizeChoice> {
    static PARSED: OnceLock<Vec<FirstPrizeChoice>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            io::read_first_prize_choice(KR645_FIRST_PRIZE_CHOICE_CSV.as_bytes()).unwrap_or_else(
                |e| {
                    #[allow(clippy::panic)]
                    {
                        panic!("the embedded first-prize choice file is invalid: {e}")
                    }
                },
            )
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_files_parse() {
        let h = parse_kr645().unwrap();
        assert_eq!(h.len(), 1245);
        assert_eq!(h.first_round(), Some(1));
        // Draw 1: 10 23 29 33 37 40 + 16, no 1st-prize winner.
        let d1 = h.get(1).unwrap();
        assert_eq!(d1.numbers().to_vec(), vec![10, 23, 29, 33, 37, 40]);
        assert_eq!(d1.bonus().to_vec(), vec![16]);
        assert_eq!(d1.result(1).map(|r| r.winners), Some(0));
        // Five ranks on every draw.
        assert!(h.draws().iter().all(|d| d.results().len() == 5));
        let choice = io::read_first_prize_choice(KR645_FIRST_PRIZE_CHOICE_CSV.as_bytes()).unwrap();
        assert_eq!(choice.len(), 974);
        for c in &choice {
            let winners = h.get(c.round).and_then(|d| d.result(1)).map(|r| r.winners);
            assert_eq!(
                Some(u64::from(c.auto + c.semi_auto + c.manual)),
                winners,
                "round {}",
                c.round
            );
        }
        let (auto, manual): (u32, u32) = choice
            .iter()
            .fold((0, 0), |(a, m), c| (a + c.auto, m + c.manual));
        assert_eq!((auto, manual), (6_095, 2_859));
    }

    #[test]
    fn other_games_have_no_bundled_history() {
        let e = history(&GameSpec::preset("powerball").unwrap()).unwrap_err();
        assert_eq!(e.field(), Some("game"));
        assert_eq!(history(&GameSpec::kr645()).unwrap().len(), 1245);
    }
}
