//! The CSV layouts of LottoPro's data files (`lottopro-core/data/`): draws,
//! per-rank prizes, and how 1st-prize winners picked their numbers.

use std::io::{Read, Write};

use serde::Serialize;

use crate::date::Date;
use crate::draw::{Draw, TierResult};
use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::money::Money;

/// One row of a per-rank prizes file (`draw,rank,winners,prize_each`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PrizeRow {
    /// The round.
    pub round: u32,
    /// What the rank paid.
    pub result: TierResult,
    /// The line it came from, for error messages (0 when not read from a file).
    #[serde(skip)]
    pub line: u64,
}

/// Column positions of a draws CSV, found from its header.
struct Columns {
    round: usize,
    date: usize,
    numbers: Vec<(usize, String)>,
    bonus: Vec<(usize, String)>,
    first_winners: Option<usize>,
    first_prize_each: Option<usize>,
    total_sales: Option<usize>,
}

impl Columns {
    fn from_header(header: &csv::StringRecord, game: &GameSpec) -> Result<Columns> {
        let find = |names: &[&str]| {
            header
                .iter()
                .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
        };
        let need = |names: &[&str]| {
            find(names).ok_or_else(|| {
                Error::invalid(names[0], format!("the header has no '{}' column", names[0]))
                    .at_line(1, Some(names[0]))
            })
        };
        let numbers = (1..=game.picks())
            .map(|i| {
                let name = format!("n{i}");
                need(&[&name]).map(|c| (c, name))
            })
            .collect::<Result<Vec<_>>>()?;
        let drawn = game.bonus().drawn();
        let bonus = (1..=drawn)
            .map(|i| {
                let name = format!("bonus{i}");
                let idx = if drawn == 1 {
                    need(&["bonus", &name])
                } else {
                    need(&[&name])
                };
                idx.map(|c| (c, header.get(c).unwrap_or(&name).to_owned()))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Columns {
            round: need(&["draw", "round"])?,
            date: need(&["date"])?,
            numbers,
            bonus,
            first_winners: find(&["first_winners"]),
            first_prize_each: find(&["first_prize_each"]),
            total_sales: find(&["total_sales"]),
        })
    }
}

/// The position of column `name` in `header` (any case), or an error naming it.
pub(crate) fn column(header: &csv::StringRecord, name: &str) -> Result<usize> {
    header
        .iter()
        .position(|h| h.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            Error::invalid(name, format!("the header has no '{name}' column"))
                .at_line(1, Some(name))
        })
}

pub(crate) fn csv_error(e: &csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("has {len} fields but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8".to_owned(),
        _ => e.to_string(),
    };
    Error::Parse {
        location: format!("line {line}"),
        line: Some(line),
        column: None,
        message,
    }
}

pub(crate) fn reader<R: Read>(r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(r)
}

pub(crate) fn field<'r>(
    rec: &'r csv::StringRecord,
    idx: usize,
    name: &str,
    line: u64,
) -> Result<&'r str> {
    match rec.get(idx) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::invalid(name, "is empty").at_line(line, Some(name))),
    }
}

pub(crate) fn int<T: std::str::FromStr>(
    rec: &csv::StringRecord,
    idx: usize,
    name: &str,
    line: u64,
) -> Result<T> {
    let v = field(rec, idx, name, line)?;
    v.parse::<T>().map_err(|_| {
        let what = if v.starts_with('-') {
            "is negative"
        } else {
            "is not a whole number in range"
        };
        Error::invalid(name, format!("'{v}' {what}")).at_line(line, Some(name))
    })
}

fn money(rec: &csv::StringRecord, idx: usize, name: &str, line: u64) -> Result<Money> {
    Money::parse(field(rec, idx, name, line)?, name).map_err(|e| e.at_line(line, Some(name)))
}

pub(super) fn read_draws<R: Read>(r: R, game: &GameSpec) -> Result<Vec<Draw>> {
    let mut rdr = reader(r);
    let header = rdr.headers().map_err(|e| csv_error(&e))?.clone();
    let cols = Columns::from_header(&header, game)?;
    let mut draws = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(&e))?;
        let line = rec.position().map_or(0, csv::Position::line);
        let round: u32 = int(&rec, cols.round, "draw", line)?;
        let date = Date::parse(field(&rec, cols.date, "date", line)?)
            .map_err(|e| e.at_line(line, Some("date")))?;
        let read_all = |cs: &[(usize, String)]| -> Result<Vec<u8>> {
            cs.iter()
                .map(|(c, name)| int::<u8>(&rec, *c, name, line))
                .collect()
        };
        let numbers = read_all(&cols.numbers)?;
        let bonus = read_all(&cols.bonus)?;
        let draw = Draw::new(game, round, date, &numbers, &bonus).map_err(|e| {
            // Point at the column of the offending number where we can.
            let col = match e.field() {
                Some(f) if f.starts_with("numbers[") => f[8..f.len() - 1]
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| cols.numbers.get(i))
                    .map(|(_, n)| n.clone()),
                Some(f) if f.starts_with("bonus") => cols.bonus.first().map(|(_, n)| n.clone()),
                _ => None,
            };
            e.at_line(line, col.as_deref())
        })?;
        // Optional columns may be present but empty: the value is unknown.
        let present = |c: Option<usize>| c.filter(|&c| rec.get(c).is_some_and(|v| !v.is_empty()));
        let sales = present(cols.total_sales)
            .map(|c| money(&rec, c, "total_sales", line))
            .transpose()?;
        let mut draw = draw.with_total_sales(sales);
        if let (Some(w), Some(p)) = (present(cols.first_winners), present(cols.first_prize_each)) {
            let result = TierResult {
                rank: 1,
                winners: int(&rec, w, "first_winners", line)?,
                prize_each: money(&rec, p, "first_prize_each", line)?,
            };
            draw = draw
                .with_results(game, &[result])
                .map_err(|e| e.at_line(line, Some("first_prize_each")))?;
        }
        draws.push(draw);
    }
    Ok(draws)
}

/// Reads a per-rank prizes CSV (`draw,rank,winners,prize_each`).
pub fn read_prize_rows<R: Read>(r: R) -> Result<Vec<PrizeRow>> {
    let mut rdr = reader(r);
    let header = rdr.headers().map_err(|e| csv_error(&e))?.clone();
    let col = |name: &str| column(&header, name);
    let (c_round, c_rank, c_winners, c_prize) = (
        col("draw")?,
        col("rank")?,
        col("winners")?,
        col("prize_each")?,
    );
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(&e))?;
        let line = rec.position().map_or(0, csv::Position::line);
        rows.push(PrizeRow {
            round: int(&rec, c_round, "draw", line)?,
            result: TierResult {
                rank: int(&rec, c_rank, "rank", line)?,
                winners: int(&rec, c_winners, "winners", line)?,
                prize_each: money(&rec, c_prize, "prize_each", line)?,
            },
            line,
        });
    }
    Ok(rows)
}

/// How the 1st-prize winning games of one draw were picked: a row of
/// `draw,auto,semi_auto,manual`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct FirstPrizeChoice {
    /// The round.
    pub round: u32,
    /// Quick picks (자동): uniform over every combination.
    pub auto: u32,
    /// Partly chosen by the player, the rest picked by the terminal (반자동).
    pub semi_auto: u32,
    /// Chosen by the player (수동).
    pub manual: u32,
}

/// Reads a first-prize choice CSV (`draw,auto,semi_auto,manual`); rounds
/// must increase.
pub fn read_first_prize_choice<R: Read>(r: R) -> Result<Vec<FirstPrizeChoice>> {
    let mut rdr = reader(r);
    let header = rdr.headers().map_err(|e| csv_error(&e))?.clone();
    let col = |name: &str| column(&header, name);
    let cols = [
        col("draw")?,
        col("auto")?,
        col("semi_auto")?,
        col("manual")?,
    ];
    let mut rows: Vec<FirstPrizeChoice> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(&e))?;
        let line = rec.position().map_or(0, csv::Position::line);
        let row = FirstPrizeChoice {
            round: int(&rec, cols[0], "draw", line)?,
            auto: int(&rec, cols[1], "auto", line)?,
            semi_auto: int(&rec, cols[2], "semi_auto", line)?,
            manual: int(&rec, cols[3], "manual", line)?,
        };
        if rows.last().is_some_and(|prev| prev.round >= row.round) {
            return Err(Error::invalid(
                "draw",
                format!("round {} does not follow the round before it", row.round),
            )
            .at_line(line, Some("draw")));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Writes per-rank prize rows of `draws` (`draw,rank,winners,prize_each`).
pub fn write_prize_rows<W: Write>(w: W, draws: &[Draw]) -> Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    let io = |e: csv::Error| Error::Io(std::io::Error::other(e));
    wtr.write_record(["draw", "rank", "winners", "prize_each"])
        .map_err(io)?;
    for d in draws {
        for r in d.results() {
            wtr.write_record([
                d.round().to_string(),
                r.rank.to_string(),
                r.winners.to_string(),
                r.prize_each.to_string(),
            ])
            .map_err(io)?;
        }
    }
    wtr.flush()?;
    Ok(())
}

pub(super) fn write_draws<W: Write>(w: W, game: &GameSpec, draws: &[Draw]) -> Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    let io = |e: csv::Error| Error::Io(std::io::Error::other(e));
    let drawn = game.bonus().drawn();
    let mut header = vec!["draw".to_owned(), "date".to_owned()];
    header.extend((1..=game.picks()).map(|i| format!("n{i}")));
    match drawn {
        0 => {}
        1 => header.push("bonus".into()),
        k => header.extend((1..=k).map(|i| format!("bonus{i}"))),
    }
    header.extend(["first_winners", "first_prize_each", "total_sales"].map(String::from));
    wtr.write_record(&header).map_err(io)?;
    for d in draws {
        let mut row = vec![d.round().to_string(), d.date().to_string()];
        row.extend(d.numbers().iter().map(|n| n.to_string()));
        row.extend(d.bonus().iter().map(|n| n.to_string()));
        match d.result(1) {
            Some(r) => row.extend([r.winners.to_string(), r.prize_each.to_string()]),
            None => row.extend([String::new(), String::new()]),
        }
        row.push(d.total_sales().map(|m| m.to_string()).unwrap_or_default());
        wtr.write_record(&row).map_err(io)?;
    }
    wtr.flush()?;
    Ok(())
}
