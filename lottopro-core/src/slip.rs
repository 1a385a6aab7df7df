//! A slip as the player holds it, and where its round is in the draw
//! schedule.
//!
//! A [`Slip`] is what a player bought for one round: up to five games,
//! lettered A–E as the paper prints them, each chosen automatically
//! (자동), semi-automatically (반자동) or by hand (수동) where the code
//! says so, and the operator's serial when it came from a QR code. A QR
//! code, a slip entered by hand, a prediction and a wheel all become slips,
//! so every surface saves, de-duplicates and checks tickets by one rule.
//!
//! Whether a round can hold a ticket is decided by the game's schedule, not
//! by the last round a history holds ([`History::round_status`]): a ticket
//! bought today for the coming draw is the usual case, and so is a store
//! whose latest results are a few weeks old. A round up to
//! [`ADVANCE_ROUNDS`] past the next draw is accepted (a ticket bought ahead,
//! or covering several draws); further ones are refused with the range that
//! is accepted, so a typo such as 99999 never waits for ever.

use serde::Serialize;

use crate::date::Date;
use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::history::History;
use crate::money::Money;
use crate::qr::{MAX_GAMES, TicketQr};
use crate::ticket::{Ticket, parse_tickets};

/// How many rounds after the next draw a ticket may be saved for.
pub const ADVANCE_ROUNDS: u32 = 4;

/// How a game on a slip was chosen, as the operator's code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Choice {
    /// Quick pick (자동): the terminal chose every number.
    Auto,
    /// Semi-automatic (반자동): some numbers chosen, the rest by the terminal.
    SemiAuto,
    /// The player's own numbers (수동).
    Manual,
    /// Not recorded: entered by hand here, or from LottoPro's own code.
    Unknown,
}

impl Choice {
    /// The choice a QR code's game letter stands for (`q`, `s`, `m`).
    pub fn from_code(code: char) -> Choice {
        match code {
            'q' => Choice::Auto,
            's' => Choice::SemiAuto,
            'm' => Choice::Manual,
            _ => Choice::Unknown,
        }
    }

    /// The letter stored for it (`q`, `s`, `m`, or `-`).
    pub fn code(self) -> char {
        match self {
            Choice::Auto => 'q',
            Choice::SemiAuto => 's',
            Choice::Manual => 'm',
            Choice::Unknown => '-',
        }
    }
}

/// One game of a slip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct SlipGame {
    /// Its line on the slip: `A` to `E`.
    #[cfg_attr(feature = "schema", schema(value_type = String, example = "A"))]
    pub letter: char,
    /// Its numbers.
    #[cfg_attr(feature = "schema", schema(value_type = crate::ticket::TicketRecord))]
    pub ticket: Ticket,
    /// How it was chosen.
    pub choice: Choice,
}

/// What a player bought for one round: one to five games.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Slip {
    /// The round it is for.
    pub round: u32,
    /// Its games, A first.
    pub games: Vec<SlipGame>,
    /// The operator's serial, from a QR code: the same slip scanned twice
    /// has the same serial.
    pub serial: Option<String>,
    /// What it cost: the game's price for that round, times the games.
    pub cost: Money,
}

/// The line letter of the `i`-th game (0-based): `A`, `B`, ….
pub fn letter(i: usize) -> char {
    char::from(b'A' + u8::try_from(i % 26).unwrap_or(0))
}

impl Slip {
    /// A slip of `games` for `round`; an error naming `games` unless it holds
    /// one to [`MAX_GAMES`].
    pub fn new(
        game: &GameSpec,
        round: u32,
        games: Vec<(Ticket, Choice)>,
        serial: Option<String>,
    ) -> Result<Slip> {
        if round == 0 {
            return Err(Error::invalid("round", "must be 1 or more"));
        }
        if games.is_empty() {
            return Err(Error::invalid("games", "holds no game"));
        }
        if games.len() > MAX_GAMES {
            return Err(Error::Limit {
                field: "games".into(),
                value: games.len() as u64,
                limit: MAX_GAMES as u64,
            });
        }
        let cost = game
            .ticket_price_at(round)
            .checked_mul(games.len() as u64)?;
        Ok(Slip {
            round,
            games: games
                .into_iter()
                .enumerate()
                .map(|(i, (ticket, choice))| SlipGame {
                    letter: letter(i),
                    ticket,
                    choice,
                })
                .collect(),
            serial: serial.filter(|s| !s.is_empty()),
            cost,
        })
    }

    /// The slip a QR code describes.
    pub fn from_qr(game: &GameSpec, qr: &TicketQr) -> Result<Slip> {
        let games = qr
            .games
            .iter()
            .zip(&qr.kinds)
            .map(|(t, k)| (*t, Choice::from_code(*k)))
            .collect();
        Slip::new(game, qr.round, games, qr.serial.clone())
    }

    /// A slip typed by hand: games separated by `;` or new lines
    /// (`"1 2 3 4 5 6; 7 8 9 10 11 12"`); errors name the game,
    /// `tickets[1]`.
    pub fn parse(game: &GameSpec, round: u32, text: &str) -> Result<Slip> {
        let tickets = parse_tickets(game, text)?;
        if tickets.is_empty() {
            return Err(Error::invalid(
                "ticket",
                format!(
                    "is empty; expected {} numbers such as \"3 11 17 25 33 41\"",
                    game.picks()
                ),
            ));
        }
        Slip::new(
            game,
            round,
            tickets.into_iter().map(|t| (t, Choice::Unknown)).collect(),
            None,
        )
    }
}

/// Where a round stands in the draw schedule at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoundStatus {
    /// Its draw is in the history: tickets for it can be checked.
    Drawn,
    /// Its draw is still to come (on `date`, where the game's schedule is
    /// known): tickets for it wait.
    Waiting {
        /// The draw's date, for games with a known schedule.
        date: Option<Date>,
    },
    /// Its draw has taken place by the schedule, but its results are not in
    /// the history yet: tickets for it wait for the results.
    Due {
        /// The day it was drawn.
        date: Date,
    },
    /// Too far ahead to hold a ticket: rounds up to `last` can.
    Beyond {
        /// The last round a ticket may be saved for now.
        last: u32,
    },
}

impl RoundStatus {
    /// Whether a ticket may be saved for the round.
    pub fn saveable(self) -> bool {
        !matches!(self, RoundStatus::Beyond { .. })
    }
}

/// How far a history has fallen behind the schedule (see
/// [`History::staleness`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Staleness {
    /// The first round whose draw has taken place but is not held.
    pub missing_from: u32,
    /// How many drawn rounds are missing.
    pub rounds_missing: u32,
    /// The date of the first missing draw.
    pub since: Date,
}

impl History {
    /// The date of `round`'s draw: the held draw's date, or by the weekly
    /// schedule after the latest; `None` for a round before the history or a
    /// game without a schedule.
    pub fn draw_date(&self, round: u32) -> Option<Date> {
        if let Some(d) = self.get(round) {
            return Some(d.date());
        }
        self.game().weekly_draw()?;
        let latest = self.latest()?;
        let weeks = i64::from(round.checked_sub(latest.round())?);
        latest.date().add_days(7 * weeks).ok()
    }

    /// Where `round` stands at `now` (Unix seconds): drawn, waiting for its
    /// draw, drawn by the schedule but not yet held, or beyond the rounds a
    /// ticket may be saved for (more than [`ADVANCE_ROUNDS`] after the next
    /// draw).
    pub fn round_status(&self, round: u32, now: i64) -> RoundStatus {
        let Some(latest) = self.latest_round() else {
            return RoundStatus::Waiting { date: None };
        };
        if round <= latest {
            return RoundStatus::Drawn;
        }
        let next = self.next_draw(now);
        let next_round = next.as_ref().map_or(latest + 1, |n| n.round);
        let last = next_round.saturating_add(ADVANCE_ROUNDS);
        if round > last {
            return RoundStatus::Beyond { last };
        }
        match self.draw_date(round) {
            Some(date) if round < next_round => RoundStatus::Due { date },
            date => RoundStatus::Waiting { date },
        }
    }

    /// [`History::round_status`] for a ticket about to be saved: an error
    /// naming `round` when it is beyond the rounds that can be saved.
    pub fn saveable_round(&self, round: u32, now: i64) -> Result<RoundStatus> {
        if round == 0 {
            return Err(Error::invalid("round", "must be 1 or more"));
        }
        match self.round_status(round, now) {
            RoundStatus::Beyond { last } => Err(Error::rejected(
                "round",
                crate::error::Reason::TooFarAhead { round, last },
            )),
            status => Ok(status),
        }
    }

    /// How far the history is behind the schedule at `now`: `None` when it
    /// holds every draw that has taken place (or the game has no schedule).
    pub fn staleness(&self, now: i64) -> Option<Staleness> {
        let latest = self.latest_round()?;
        let next = self.next_draw(now)?.round;
        let missing = next.checked_sub(latest + 1).filter(|m| *m > 0)?;
        Some(Staleness {
            missing_from: latest + 1,
            rounds_missing: missing,
            since: self.draw_date(latest + 1)?,
        })
    }
}

/// A saved ticket at a moment: where its round stands, and once drawn what
/// it won, the tax on it and how to claim it (see [`Engine::outcome`]).
///
/// [`Engine::outcome`]: crate::Engine::outcome
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TicketOutcome {
    /// Where the ticket's round stands.
    pub status: RoundStatus,
    /// The ticket against its draw, once drawn.
    pub check: Option<crate::draw::CheckResult>,
    /// The ticket's numbers that were drawn (main numbers; empty until drawn).
    pub matched: Vec<u8>,
    /// The tax on the prize and what is left, when the prize is known.
    pub tax: Option<crate::tax::TaxAssessment>,
    /// Where and until when the prize is claimed, for a winning ticket of a
    /// game whose rules are known.
    pub claim: Option<crate::claim::Claim>,
}

impl TicketOutcome {
    /// Whether the ticket won a prize.
    pub fn won(&self) -> bool {
        self.check.as_ref().is_some_and(|c| c.rank.is_some())
    }
}

/// The local date at `now` (Unix seconds) for a game drawn on a schedule
/// (Korea's for Korean Lotto), else UTC's.
pub fn local_today(game: &GameSpec, now: i64) -> Option<Date> {
    let offset = game.weekly_draw().map_or(0, |(_, _, o)| i64::from(o) * 60);
    Date::new(1970, 1, 1)
        .ok()?
        .add_days((now + offset).div_euclid(86_400))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str, hour_utc: i64) -> i64 {
        Date::parse(date).unwrap().days_since_epoch() * 86_400 + hour_utc * 3_600
    }

    #[test]
    fn rounds_by_the_schedule() {
        let h = History::bundled();
        let latest = h.latest_round().unwrap();
        assert_eq!(latest, 1245);
        // 2026-12-07 (Monday): the next draw is 1254 on 2026-12-12.
        let now = at("2026-12-07", 3);
        assert_eq!(h.round_status(1245, now), RoundStatus::Drawn);
        assert_eq!(
            h.round_status(1246, now),
            RoundStatus::Due {
                date: Date::parse("2026-10-17").unwrap()
            }
        );
        assert_eq!(
            h.round_status(1254, now),
            RoundStatus::Waiting {
                date: Some(Date::parse("2026-12-12").unwrap())
            }
        );
        assert!(h.round_status(1258, now).saveable());
        assert_eq!(
            h.round_status(1259, now),
            RoundStatus::Beyond { last: 1258 }
        );
        let e = h.saveable_round(99_999, now).unwrap_err().to_string();
        assert!(e.starts_with("round: 99999 is too far ahead"), "{e}");
        assert!(e.contains("up to 1258"), "{e}");
        let s = h.staleness(now).unwrap();
        assert_eq!((s.missing_from, s.rounds_missing), (1246, 8));
        assert_eq!(s.since, Date::parse("2026-10-17").unwrap());
        // The day after the latest draw nothing is missing.
        assert_eq!(h.staleness(at("2026-10-11", 3)), None);
    }

    #[test]
    fn slips_from_codes_and_text() {
        let g = GameSpec::kr645();
        let qr = TicketQr::parse(
            &g,
            "http://m.dhlottery.co.kr/qr.do?method=winQr&v=1179m052527293436q192427303134s0210121522440000000645",
        )
        .unwrap();
        let slip = Slip::from_qr(&g, &qr).unwrap();
        assert_eq!(slip.round, 1179);
        let letters: Vec<char> = slip.games.iter().map(|g| g.letter).collect();
        assert_eq!(letters, ['A', 'B', 'C']);
        let choices: Vec<Choice> = slip.games.iter().map(|g| g.choice).collect();
        assert_eq!(choices, [Choice::Manual, Choice::Auto, Choice::SemiAuto]);
        assert_eq!(slip.cost.get(), 3_000);
        assert_eq!(slip.serial.as_deref(), Some("0000000645"));
        let typed =
            Slip::parse(&g, 1254, "1 2 3 4 5 6; 7 8 9 10 11 12\n13 14 15 16 17 18").unwrap();
        assert_eq!(typed.games.len(), 3);
        assert_eq!(typed.games[2].letter, 'C');
        let e = Slip::parse(&g, 1254, "1 2 3 4 5 6; 7 8 9 10 11 46")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("tickets[1]"), "{e}");
        let six = ["1 2 3 4 5 6"; 6].join(";");
        assert!(
            Slip::parse(&g, 1254, &six)
                .unwrap_err()
                .to_string()
                .starts_with("games")
        );
        assert!(
            Slip::parse(&g, 1254, " ; ")
                .unwrap_err()
                .to_string()
                .starts_with("ticket")
        );
    }
}
