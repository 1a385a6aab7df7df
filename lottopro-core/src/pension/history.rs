//! The draws of 720+ in round order, and the CSV file they are kept in.
//!
//! The file's layout is `draw,date,group,number,bonus_number` (the bundled
//! `kr_pension_720.csv`): the digits as printed, leading zeros kept. A
//! history is validated like Lotto's ([`crate::History`]): one round after
//! another, dates moving forward.

use std::io::Read;

use serde::Serialize;

use crate::date::Date;
use crate::error::{Error, Result};
use crate::io::csv::{column, csv_error, field, int, reader};

use super::draw::{PensionCheck, PensionDraw, PensionTicketCheck};
use super::stats::PensionStats;
use super::ticket::{Digits, Group, PensionTicket};

/// The draws of 720+, validated: contiguous rounds, dates moving forward.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PensionHistory {
    draws: Vec<PensionDraw>,
}

impl PensionHistory {
    /// A history of `draws` (in any order; they are sorted by round), or a
    /// history error naming the round where rounds skip or repeat or dates
    /// do not move forward.
    pub fn new(mut draws: Vec<PensionDraw>) -> Result<PensionHistory> {
        draws.sort_by_key(|d| d.round);
        crate::history::check_rounds(draws.iter().map(|d| (d.round, d.date)), None)?;
        Ok(PensionHistory { draws })
    }

    /// Reads the CSV layout of the module docs. Errors name the line and the
    /// column (`line 7, column number: number: expected 6 numbers, got 5`),
    /// and a file with any bad row gives no history.
    pub fn read_csv<R: Read>(r: R) -> Result<PensionHistory> {
        let mut rdr = reader(r);
        let header = rdr.headers().map_err(|e| csv_error(&e))?.clone();
        let col = |name: &str| column(&header, name);
        let (c_round, c_date, c_group, c_number, c_bonus) = (
            col("draw")?,
            col("date")?,
            col("group")?,
            col("number")?,
            col("bonus_number")?,
        );
        let mut draws = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_error(&e))?;
            let line = rec.position().map_or(0, csv::Position::line);
            let at = |name: &'static str| move |e: Error| e.at_line(line, Some(name));
            let text = |idx, name| field(&rec, idx, name, line);
            let round: u32 = int(&rec, c_round, "draw", line)?;
            let date = Date::parse(text(c_date, "date")?).map_err(at("date"))?;
            let group = Group::parse(text(c_group, "group")?, "group").map_err(at("group"))?;
            let digits =
                Digits::parse(text(c_number, "number")?, "number").map_err(at("number"))?;
            let bonus = Digits::parse(text(c_bonus, "bonus_number")?, "bonus_number")
                .map_err(at("bonus_number"))?;
            draws.push(PensionDraw::new(round, date, group, digits, bonus).map_err(at("draw"))?);
        }
        PensionHistory::new(draws)
    }

    /// A new history with `more` draws appended: they must continue this one
    /// (the next round onward, later dates), or nothing is added and the
    /// error names the round at fault. `self` is not changed.
    pub fn extended(&self, mut more: Vec<PensionDraw>) -> Result<PensionHistory> {
        more.sort_by_key(|d| d.round);
        crate::history::check_rounds(
            more.iter().map(|d| (d.round, d.date)),
            self.draws.last().map(|d| (d.round, d.date)),
        )?;
        let mut draws = self.draws.clone();
        draws.extend(more);
        Ok(PensionHistory { draws })
    }

    /// The first of `draws` whose round this history holds with another
    /// result: a source that disagrees with what is held.
    pub fn disagreement<'a>(&self, draws: &'a [PensionDraw]) -> Option<&'a PensionDraw> {
        draws
            .iter()
            .find(|d| self.get(d.round).is_some_and(|held| held != *d))
    }

    /// The draws, in round order.
    pub fn draws(&self) -> &[PensionDraw] {
        &self.draws
    }
    /// The number of draws.
    pub fn len(&self) -> usize {
        self.draws.len()
    }
    /// Whether there are no draws.
    pub fn is_empty(&self) -> bool {
        self.draws.is_empty()
    }
    /// The latest draw.
    pub fn latest(&self) -> Option<&PensionDraw> {
        self.draws.last()
    }
    /// The draw of `round`, if held.
    pub fn get(&self, round: u32) -> Option<&PensionDraw> {
        let first = self.draws.first()?.round;
        self.draws
            .get(usize::try_from(round.checked_sub(first)?).ok()?)
    }
    /// The draw of `round`, or a not-found error saying which rounds are held.
    pub fn require(&self, round: u32) -> Result<&PensionDraw> {
        self.get(round).ok_or_else(|| {
            Error::NotFound(match (self.draws.first(), self.draws.last()) {
                (Some(a), Some(b)) => format!(
                    "round {round} is not in the 720+ history (it holds rounds {}..={})",
                    a.round, b.round
                ),
                _ => format!("round {round} is not in the 720+ history (it is empty)"),
            })
        })
    }
    /// `ticket` checked against the draw of `round` as a whole, or a
    /// not-found error when the round is not held.
    pub fn check_ticket(&self, ticket: &PensionTicket, round: u32) -> Result<PensionTicketCheck> {
        Ok(self.require(round)?.check_ticket(ticket))
    }

    /// The digit and group statistics of the latest `last` draws (all of
    /// them when `None`, or when fewer are held); `last` = 0 is refused,
    /// naming the field.
    pub fn stats(&self, last: Option<usize>) -> Result<PensionStats> {
        let n = match last {
            Some(0) => return Err(Error::invalid("last", "must be at least 1")),
            Some(n) => n.min(self.draws.len()),
            None => self.draws.len(),
        };
        Ok(PensionStats::compute(&self.draws[self.draws.len() - n..]))
    }

    /// `ticket` checked against the draw of `round`, one result per game.
    pub fn check(&self, ticket: &PensionTicket, round: u32) -> Result<Vec<PensionCheck>> {
        Ok(self.require(round)?.check(ticket))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const GOOD: &str = "draw,date,group,number,bonus_number\n\
                        1,2020-05-07,4,162132,278239\n\
                        2,2020-05-14,2,450558,154457\n";

    #[test]
    fn reads_the_file_layout_with_leading_zeros() {
        let csv = format!("{GOOD}3,2020-05-21,4,544955,059369\n");
        let h = PensionHistory::read_csv(csv.as_bytes()).unwrap();
        assert_eq!(h.len(), 3);
        let d = h.require(3).unwrap();
        assert_eq!(
            (d.group.get(), d.bonus.to_string()),
            (4, "059369".to_owned())
        );
        assert_eq!(h.get(0), None);
        assert_eq!(h.require(4).unwrap_err().kind(), ErrorKind::NotFound);
    }

    #[test]
    fn bad_rows_name_the_line_and_column() {
        for (row, want) in [
            (
                "3,2020-05-21,6,544955,059369",
                "line 4, column group: group: 6 is out of range 1..=5",
            ),
            (
                "3,2020-05-21,4,54495,059369",
                "line 4, column number: number: expected 6 numbers, got 5",
            ),
            (
                "3,2020-05-21,4,544955,05936x",
                "line 4, column bonus_number: bonus_number: '05936x' is not a number",
            ),
            (
                "3,2020-02-30,4,544955,059369",
                "line 4, column date: date: day 30 is outside 1..=29 for 2020-02",
            ),
            (
                "3,2020-05-21,4,,059369",
                "line 4, column number: number: is empty",
            ),
            (
                "4,2020-05-21,4,544955,059369",
                "history: rounds 3..=3 are missing",
            ),
            (
                "3,2020-05-14,4,544955,059369",
                "history: round 3 is dated 2020-05-14, not after round 2 (2020-05-14)",
            ),
        ] {
            let csv = format!("{GOOD}{row}\n");
            let e = PensionHistory::read_csv(csv.as_bytes()).unwrap_err();
            assert_eq!(e.to_string(), want, "{row}");
        }
        let e = PensionHistory::read_csv("draw,date,group,number\n".as_bytes()).unwrap_err();
        assert_eq!(e.field(), Some("bonus_number"));
    }

    #[test]
    fn extending_keeps_the_rounds_contiguous() {
        let h = PensionHistory::read_csv(GOOD.as_bytes()).unwrap();
        let next = |round: u32, date: &str| {
            let mut d = *h.require(2).unwrap();
            d.round = round;
            d.date = Date::parse(date).unwrap();
            d
        };
        let longer = h.extended(vec![next(3, "2020-05-21")]).unwrap();
        assert_eq!((longer.len(), h.len()), (3, 2));
        let e = h.extended(vec![next(4, "2020-05-28")]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::History);
        let e = h.extended(vec![next(3, "2020-05-14")]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::History);
    }
}
