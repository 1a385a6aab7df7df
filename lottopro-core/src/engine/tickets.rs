//! The engine's operations on a player's tickets: a QR code checked
//! against its round (or waiting for it), and a saved ticket's outcome at a
//! moment (see [`crate::slip`]).

use serde::Serialize;

use super::Engine;
use crate::error::Result;
use crate::money::Money;
use crate::tax::TaxRule;
use crate::ticket::Ticket;

/// A ticket's QR code checked against its round: every game with its
/// outcome once the round is drawn, or waiting for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct QrCheck {
    /// The round the ticket was bought for.
    pub round: u32,
    /// Where that round stands: drawn, or waiting for its draw (or for its
    /// results).
    pub status: crate::slip::RoundStatus,
    /// The date of the round's draw, when known.
    pub draw_date: Option<crate::date::Date>,
    /// The operator's serial, which identifies the slip.
    pub serial: Option<String>,
    /// What the slip cost.
    pub cost: Money,
    /// Every game, in print order.
    pub games: Vec<QrGame>,
}

/// One game of a checked QR ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct QrGame {
    /// Its line on the slip, `A` to `E`.
    #[cfg_attr(feature = "schema", schema(value_type = String, example = "A"))]
    pub letter: char,
    /// Its numbers.
    pub numbers: Vec<u8>,
    /// How it was chosen, as printed (`q` quick pick, `m` manual, `s` semi).
    pub kind: char,
    /// The same, by name.
    pub choice: crate::slip::Choice,
    /// Main numbers matched (`None` until the round is drawn).
    pub matches: Option<u8>,
    /// Whether the bonus matched (`None` until the round is drawn).
    pub bonus: Option<bool>,
    /// The numbers of the ticket that were drawn (empty until then).
    pub matched: Vec<u8>,
    /// The prize rank, if any.
    pub rank: Option<u8>,
    /// What the draw paid at that rank, when known.
    pub prize: Option<Money>,
}

impl Engine {
    /// Every game of a ticket's QR code (see [`TicketQr::read`](crate::qr::TicketQr::read))
    /// checked against the draw of its round; the URL is never fetched.
    pub fn check_qr(&self, url: &str) -> Result<QrCheck> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        self.check_qr_at(url, now)
    }

    /// [`Engine::check_qr`] at `now` (Unix seconds), which decides whether a
    /// round not in the history is still to be drawn (its games wait) or too
    /// far ahead (an error naming `round`, see
    /// [`History::saveable_round`](crate::History::saveable_round)).
    pub fn check_qr_at(&self, url: &str, now: i64) -> Result<QrCheck> {
        self.timed("check_qr", || self.check_qr_untimed(url, now))
    }

    fn check_qr_untimed(&self, url: &str, now: i64) -> Result<QrCheck> {
        let h = self.history();
        let qr = crate::qr::TicketQr::read(h.game(), url)?;
        let slip = crate::slip::Slip::from_qr(h.game(), &qr)?;
        let status = h.saveable_round(qr.round, now)?;
        let draw = h.get(qr.round);
        let games = slip
            .games
            .iter()
            .zip(&qr.kinds)
            .map(|(g, kind)| {
                let c = draw.map(|_| self.check(&g.ticket, qr.round)).transpose()?;
                let matched = draw.map_or_else(Vec::new, |d| {
                    g.ticket
                        .numbers()
                        .into_iter()
                        .filter(|n| d.numbers().contains(*n))
                        .collect()
                });
                Ok(QrGame {
                    letter: g.letter,
                    numbers: g.ticket.numbers(),
                    kind: *kind,
                    choice: g.choice,
                    matches: c.as_ref().map(|c| c.matches),
                    bonus: c.as_ref().map(|c| c.bonus),
                    matched,
                    rank: c.as_ref().and_then(|c| c.rank),
                    prize: c.and_then(|c| c.prize),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(QrCheck {
            round: qr.round,
            status,
            draw_date: h.draw_date(qr.round),
            serial: slip.serial,
            cost: slip.cost,
            games,
        })
    }

    /// A saved ticket for `round` at `now` (Unix seconds): waiting for its
    /// draw (or its results), or checked, with the tax on its prize and how
    /// to claim it. Every surface shows a ticket through this one rule.
    pub fn outcome(
        &self,
        ticket: &Ticket,
        round: u32,
        now: i64,
    ) -> Result<crate::slip::TicketOutcome> {
        self.timed("outcome", || {
            let h = self.history();
            let status = h.round_status(round, now);
            let Some(draw) = h.get(round) else {
                return Ok(crate::slip::TicketOutcome {
                    status,
                    check: None,
                    matched: Vec::new(),
                    tax: None,
                    claim: None,
                });
            };
            let check = draw.check(h.game(), ticket);
            let matched = ticket
                .numbers()
                .into_iter()
                .filter(|n| draw.numbers().contains(*n))
                .collect();
            let tax = check
                .prize
                .map(|p| h.game().tax().assess(p, h.game().ticket_price_at(round)))
                .transpose()?;
            let claim = check
                .rank
                .and_then(|r| crate::claim::claim(h.game(), r, draw.date()));
            Ok(crate::slip::TicketOutcome {
                status,
                check: Some(check),
                matched,
                tax,
                claim,
            })
        })
    }
}
