//! The official legacy result JSON, and JSON lines of [`DrawRecord`]s.

use std::io::{BufRead, BufReader, Read, Write};

use serde::{Deserialize, Serialize};

use super::DrawRecord;
use crate::date::Date;
use crate::draw::{Draw, TierResult};
use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::money::Money;

/// One result object of the official legacy endpoint
/// (`common.do?method=getLottoNumber&drwNo=N`).
#[derive(Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
struct LegacyResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    return_value: Option<String>,
    #[serde(default)]
    drw_no: Option<u32>,
    #[serde(default)]
    drw_no_date: Option<String>,
    #[serde(default)]
    drwt_no1: Option<u8>,
    #[serde(default)]
    drwt_no2: Option<u8>,
    #[serde(default)]
    drwt_no3: Option<u8>,
    #[serde(default)]
    drwt_no4: Option<u8>,
    #[serde(default)]
    drwt_no5: Option<u8>,
    #[serde(default)]
    drwt_no6: Option<u8>,
    #[serde(default)]
    bnus_no: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tot_sellamnt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_winamnt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_przwner_co: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_accumamnt: Option<i64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<LegacyResult>),
    One(Box<LegacyResult>),
}

fn json_error(e: &serde_json::Error) -> Error {
    Error::Parse {
        location: format!("line {}, column {}", e.line(), e.column()),
        line: Some(e.line() as u64),
        column: None,
        message: e.to_string(),
    }
}

impl LegacyResult {
    fn into_draw(self, game: &GameSpec) -> Result<Draw> {
        if let Some(rv) = &self.return_value
            && rv != "success"
        {
            return Err(Error::invalid(
                "returnValue",
                format!("is '{rv}': the source has no result for this round (not drawn yet?)"),
            ));
        }
        let need = |v: Option<u8>, name: &str| v.ok_or_else(|| Error::invalid(name, "is missing"));
        let round = self
            .drw_no
            .ok_or_else(|| Error::invalid("drwNo", "is missing"))?;
        let date = Date::parse(
            self.drw_no_date
                .as_deref()
                .ok_or_else(|| Error::invalid("drwNoDate", "is missing"))?,
        )
        .map_err(|e| Error::invalid("drwNoDate", e.to_string()))?;
        let numbers = [
            need(self.drwt_no1, "drwtNo1")?,
            need(self.drwt_no2, "drwtNo2")?,
            need(self.drwt_no3, "drwtNo3")?,
            need(self.drwt_no4, "drwtNo4")?,
            need(self.drwt_no5, "drwtNo5")?,
            need(self.drwt_no6, "drwtNo6")?,
        ];
        let bonus = [need(self.bnus_no, "bnusNo")?];
        let amount = |v: Option<i64>, name: &str| v.map(|a| Money::from_i64(a, name)).transpose();
        let sales = amount(self.tot_sellamnt, "totSellamnt")?;
        let mut draw = Draw::new(game, round, date, &numbers, &bonus)?.with_total_sales(sales);
        if let (Some(w), Some(p)) = (self.first_przwner_co, self.first_winamnt) {
            let winners = u64::try_from(w)
                .map_err(|_| Error::invalid("firstPrzwnerCo", format!("{w} is negative")))?;
            let prize_each = Money::from_i64(p, "firstWinamnt")?;
            draw = draw.with_results(
                game,
                &[TierResult {
                    rank: 1,
                    winners,
                    prize_each,
                }],
            )?;
        }
        Ok(draw)
    }

    fn from_draw(d: &Draw) -> LegacyResult {
        let n: Vec<u8> = d.numbers().to_vec();
        let at = |i: usize| n.get(i).copied();
        let first = d.result(1);
        let as_i64 = |m: Money| i64::try_from(m.get()).unwrap_or(i64::MAX);
        LegacyResult {
            return_value: Some("success".into()),
            drw_no: Some(d.round()),
            drw_no_date: Some(d.date().to_string()),
            drwt_no1: at(0),
            drwt_no2: at(1),
            drwt_no3: at(2),
            drwt_no4: at(3),
            drwt_no5: at(4),
            drwt_no6: at(5),
            bnus_no: d.bonus().iter().next(),
            tot_sellamnt: d.total_sales().map(as_i64),
            first_winamnt: first.map(|r| as_i64(r.prize_each)),
            first_przwner_co: first.map(|r| i64::try_from(r.winners).unwrap_or(i64::MAX)),
            first_accumamnt: first
                .and_then(|r| r.prize_each.checked_mul(r.winners).ok())
                .map(as_i64),
        }
    }
}

fn legacy_game_check(game: &GameSpec) -> Result<()> {
    if game.picks() != 6 || game.bonus().drawn() != 1 {
        return Err(Error::invalid(
            "format",
            format!(
                "the legacy JSON holds 6 numbers and 1 bonus; {} does not have that shape",
                game.name()
            ),
        ));
    }
    Ok(())
}

pub(super) fn read_legacy<R: Read>(r: R, game: &GameSpec) -> Result<Vec<Draw>> {
    legacy_game_check(game)?;
    let parsed: OneOrMany = serde_json::from_reader(r).map_err(|e| json_error(&e))?;
    let items = match parsed {
        OneOrMany::Many(v) => v,
        OneOrMany::One(one) => vec![*one],
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| item.into_draw(game).map_err(|e| e.at_item(i + 1)))
        .collect()
}

pub(super) fn write_legacy<W: Write>(mut w: W, draws: &[Draw]) -> Result<()> {
    let items: Vec<LegacyResult> = draws.iter().map(LegacyResult::from_draw).collect();
    serde_json::to_writer(&mut w, &items).map_err(|e| Error::Io(std::io::Error::other(e)))?;
    w.write_all(b"\n")?;
    Ok(())
}

pub(super) fn read_jsonl<R: Read>(r: R, game: &GameSpec) -> Result<Vec<Draw>> {
    let mut draws = Vec::new();
    for (i, line) in BufReader::new(r).lines().enumerate() {
        let n = i as u64 + 1;
        let line = line.map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => {
                Error::invalid("line", "is not valid UTF-8").at_line(n, None)
            }
            _ => Error::Io(e),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let rec: DrawRecord = serde_json::from_str(&line).map_err(|e| Error::Parse {
            location: format!("line {n}, column {}", e.column()),
            line: Some(n),
            column: None,
            message: e.to_string(),
        })?;
        draws.push(rec.into_draw(game).map_err(|e| e.at_line(n, None))?);
    }
    Ok(draws)
}

pub(super) fn write_jsonl<W: Write>(mut w: W, draws: &[Draw]) -> Result<()> {
    for d in draws {
        serde_json::to_writer(&mut w, &DrawRecord::from(d))
            .map_err(|e| Error::Io(std::io::Error::other(e)))?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
