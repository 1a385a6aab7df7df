//! Reading and writing draw histories.
//!
//! | [`Format`] | shape |
//! | --- | --- |
//! | `csv` | `draw,date,n1..n6,bonus[,first_winners,first_prize_each,total_sales]`, the layout of `kr_lotto_645.csv` (`bonus1..bonusK` for games with several bonus numbers); plus the per-rank prizes file `draw,rank,winners,prize_each` |
//! | `json` | the official legacy result JSON (`drwNo`, `drwNoDate`, `drwtNo1..6`, `bnusNo`, `totSellamnt`, `firstWinamnt`, `firstPrzwnerCo`): one object or an array |
//! | `jsonl` | one [`DrawRecord`] per line: LottoPro's own lossless format |
//!
//! Readers take any `Read` and never panic on bad input: every error names the
//! line (or item) and the column or field, and a file that fails validation
//! yields no history at all.

pub(crate) mod csv;
mod json;
pub mod official;

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::draw::{Draw, TierResult};
use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::history::History;
use crate::money::Money;

pub use self::csv::{
    FirstPrizeChoice, PrizeRow, read_first_prize_choice, read_prize_rows, write_prize_rows,
};
pub use self::official::{
    OfficialDraw, read_mirror, read_official_api, read_official_legacy, read_official_pension,
};

/// A file format of draw histories; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values, one draw per row.
    Csv,
    /// The official legacy result JSON.
    Json,
    /// One JSON [`DrawRecord`] per line.
    Jsonl,
}

impl Format {
    /// The format a file name suggests: `.csv`, `.json`, `.jsonl` / `.ndjson`.
    pub fn from_path(path: &Path) -> Result<Format> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        ext.parse().map_err(|_| {
            Error::invalid(
                "format",
                format!(
                    "cannot tell the format of '{}' from its extension; pass csv, json or jsonl",
                    path.display()
                ),
            )
        })
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
        }
    }
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            other => Err(Error::invalid(
                "format",
                format!("'{other}' is not one of csv, json, jsonl"),
            )),
        }
    }
}

/// The plain, unvalidated form of a draw, as it is stored in JSON lines and
/// sent over the wire. [`DrawRecord::into_draw`] validates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DrawRecord {
    /// Round number.
    pub round: u32,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Main numbers.
    pub numbers: Vec<u8>,
    /// Bonus numbers (same pool or second pool, per the game).
    #[serde(default)]
    pub bonus: Vec<u8>,
    /// Total sales, minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_sales: Option<Money>,
    /// What each rank paid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prizes: Vec<TierResult>,
}

impl DrawRecord {
    /// Validates the record against `game`.
    pub fn into_draw(self, game: &GameSpec) -> Result<Draw> {
        let date = Date::parse(&self.date)?;
        Draw::new(game, self.round, date, &self.numbers, &self.bonus)?
            .with_total_sales(self.total_sales)
            .with_results(game, &self.prizes)
    }
}

impl From<&Draw> for DrawRecord {
    fn from(d: &Draw) -> DrawRecord {
        DrawRecord {
            round: d.round(),
            date: d.date().to_string(),
            numbers: d.numbers().to_vec(),
            bonus: d.bonus().to_vec(),
            total_sales: d.total_sales(),
            prizes: d.results().to_vec(),
        }
    }
}

/// Reads draws in `format`, validating each against `game`.
pub fn read_draws<R: Read>(reader: R, format: Format, game: &GameSpec) -> Result<Vec<Draw>> {
    match format {
        Format::Csv => csv::read_draws(reader, game),
        Format::Json => json::read_legacy(reader, game),
        Format::Jsonl => json::read_jsonl(reader, game),
    }
}

/// Reads and validates a whole history.
pub fn read_history<R: Read>(reader: R, format: Format, game: GameSpec) -> Result<History> {
    let draws = read_draws(reader, format, &game)?;
    History::new(game, draws)
}

/// Opens a history file; the format comes from the extension unless given.
pub fn load_history(path: &Path, format: Option<Format>, game: GameSpec) -> Result<History> {
    let format = match format {
        Some(f) => f,
        None => Format::from_path(path)?,
    };
    read_history(BufReader::new(open(path)?), format, game)
}

/// Opens a history file with its per-rank prizes: the `prizes` file when
/// given, else `<stem>_prizes.csv` beside the history when it exists (the
/// layout of LottoPro's own data), else none.
pub fn load_history_with_prizes(
    path: &Path,
    format: Option<Format>,
    prizes: Option<&Path>,
    game: GameSpec,
) -> Result<History> {
    let history = load_history(path, format, game)?;
    let beside = path.with_file_name(format!(
        "{}_prizes.csv",
        path.file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default()
    ));
    match prizes {
        Some(p) => load_prizes(&history, p),
        None if beside.is_file() => load_prizes(&history, &beside),
        None => Ok(history),
    }
}

/// Opens a 720+ history file: the CSV of [`PensionHistory::read_csv`](crate::pension::PensionHistory::read_csv).
pub fn load_pension_history(path: &Path) -> Result<crate::pension::PensionHistory> {
    crate::pension::PensionHistory::read_csv(BufReader::new(open(path)?))
}

/// Opens a per-rank prizes CSV and attaches its rows to `history`.
pub fn load_prizes(history: &History, path: &Path) -> Result<History> {
    let rows = read_prize_rows(BufReader::new(open(path)?))?;
    attach_prizes(history, &rows)
}

fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("cannot open '{}': {e}", path.display()),
        ))
    })
}

/// A new history with per-rank prize rows attached to their draws. A row for
/// a round the history does not hold, or one that contradicts a result the
/// draw already has, is an error; `history` itself is unchanged.
pub fn attach_prizes(history: &History, rows: &[PrizeRow]) -> Result<History> {
    let game = history.game();
    let mut draws = history.draws().to_vec();
    let first = history.first_round().unwrap_or(1);
    for row in rows {
        let idx = row
            .round
            .checked_sub(first)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i < draws.len())
            .ok_or_else(|| {
                Error::history(
                    Some(row.round),
                    format!(
                        "prizes given for round {} which the history does not hold",
                        row.round
                    ),
                )
                .at_line(row.line, Some("draw"))
            })?;
        let draw = &mut draws[idx];
        if let Some(old) = draw.result(row.result.rank)
            && *old != row.result
        {
            return Err(Error::history(
                Some(row.round),
                format!(
                    "round {} rank {}: the prizes file says {} × {} but the draws file says {} × {}",
                    row.round, row.result.rank, row.result.winners, row.result.prize_each, old.winners, old.prize_each
                ),
            )
            .at_line(row.line, Some("rank")));
        }
        *draw = draw
            .clone()
            .with_results(game, &[row.result])
            .map_err(|e| e.at_line(row.line, None))?;
    }
    History::new(game.clone(), draws)
}

/// Writes draws in `format`.
pub fn write_draws<W: Write>(
    writer: W,
    format: Format,
    game: &GameSpec,
    draws: &[Draw],
) -> Result<()> {
    match format {
        Format::Csv => csv::write_draws(writer, game, draws),
        Format::Json => json::write_legacy(writer, draws),
        Format::Jsonl => json::write_jsonl(writer, draws),
    }
}
