//! The QR code printed on a Korean Lotto 6/45 ticket.
//!
//! It holds a URL such as
//! `https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q071524404245q151718273144...1785483554`:
//! `v` is the round (4 digits), then one to five games, each a letter (the
//! way it was chosen: `q` quick pick, `m` manual, `s` semi-automatic)
//! followed by six two-digit numbers, then a tail the operator uses to
//! identify the ticket. [`TicketQr::parse`] reads it strictly — the scheme,
//! the exact host (`m.dhlottery.co.kr`, or `m.nlotto.co.kr` / `nlotto.co.kr`
//! on older tickets), the path, exactly the two keys — and validates every
//! game like any other ticket. It never fetches the URL: checking a ticket
//! needs only the draw of its round.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::ticket::Ticket;

/// Hosts the operator has printed on tickets.
pub const HOSTS: [&str; 3] = ["m.dhlottery.co.kr", "m.nlotto.co.kr", "nlotto.co.kr"];
/// The most games one ticket holds.
pub const MAX_GAMES: usize = 5;

/// A ticket read from its QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TicketQr {
    /// The round it was bought for.
    pub round: u32,
    /// Its games, in print order.
    pub games: Vec<Ticket>,
    /// How each game was chosen: `q`, `m`, `s`, as printed (`l` for a
    /// code LottoPro printed).
    pub kinds: Vec<char>,
    /// The operator's serial printed after the games (`None` for LottoPro's
    /// own codes): the same slip always carries the same one.
    pub serial: Option<String>,
}

fn bad(message: impl Into<String>) -> Error {
    Error::invalid("qr", message)
}

impl TicketQr {
    /// Reads `url` for `game` (Korean Lotto 6/45 tickets: six numbers a game).
    pub fn parse(game: &GameSpec, url: &str) -> Result<TicketQr> {
        let url = url.trim();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| bad("is not an http(s) URL"))?;
        let (host, rest) = rest.split_once('/').ok_or_else(|| bad("has no path"))?;
        if !HOSTS.contains(&host) {
            return Err(bad(format!(
                "host '{host}' is not the lottery's ({})",
                HOSTS.join(", ")
            )));
        }
        let (path, query) = rest.split_once('?').ok_or_else(|| bad("has no query"))?;
        if path != "qr.do" {
            return Err(bad(format!("path '/{path}' is not /qr.do")));
        }
        let mut method = None;
        let mut v = None;
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match key {
                "method" => &mut method,
                "v" => &mut v,
                other => return Err(bad(format!("has an unexpected key '{other}'"))),
            };
            if slot.replace(value).is_some() {
                return Err(bad(format!("has the key '{key}' twice")));
            }
        }
        if method != Some("winQr") {
            return Err(bad("method is not winQr"));
        }
        let v = v.ok_or_else(|| bad("has no v"))?;
        if !v.is_ascii() {
            return Err(bad("v holds characters that are not ASCII"));
        }
        let round: u32 = v
            .get(..4)
            .filter(|r| r.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|r| r.parse().ok())
            .filter(|&r| r > 0)
            .ok_or_else(|| bad("v does not start with a 4-digit round"))?;
        let mut games = Vec::new();
        let mut kinds = Vec::new();
        let mut at = 4;
        let bytes = v.as_bytes();
        // A game: a letter and twelve digits.
        let is_game = |i: usize| {
            bytes.get(i).is_some_and(u8::is_ascii_lowercase)
                && bytes.len() >= i + 13
                && bytes[i + 1..i + 13].iter().all(u8::is_ascii_digit)
        };
        while is_game(at) {
            if games.len() == MAX_GAMES {
                return Err(bad(format!("holds more than {MAX_GAMES} games")));
            }
            let n = games.len() + 1;
            let numbers: Vec<u8> = (0..6)
                .map(|k| {
                    let d = &v[at + 1 + 2 * k..at + 3 + 2 * k];
                    d.parse().unwrap_or(0)
                })
                .collect();
            let ticket =
                Ticket::new(game, &numbers, &[]).map_err(|e| e.within(format!("qr.games[{n}]")))?;
            kinds.push(char::from(bytes[at]));
            games.push(ticket);
            at += 13;
        }
        if games.is_empty() {
            return Err(bad("v holds no game after the round"));
        }
        // What follows is the operator's ticket id: digits, maybe a suffix.
        let tail = &v[at..];
        if tail.bytes().next().is_some_and(|b| b.is_ascii_lowercase()) {
            return Err(bad(format!(
                "game {} is not a letter and 12 digits",
                games.len() + 1
            )));
        }
        if !tail.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') {
            return Err(bad("the end of v holds unexpected characters"));
        }
        Ok(TicketQr {
            round,
            games,
            kinds,
            serial: (!tail.is_empty()).then(|| tail.to_owned()),
        })
    }

    /// Reads either kind of code a player may hold: the lottery's URL
    /// ([`TicketQr::parse`]) or the code LottoPro prints for saved tickets,
    /// `LottoPro <game> round <r>` and then one ticket per line (its games'
    /// kind is `l`). A LottoPro code without a round cannot be checked and
    /// is refused.
    pub fn read(game: &GameSpec, text: &str) -> Result<TicketQr> {
        let text = text.trim();
        let Some(rest) = text.strip_prefix("LottoPro ") else {
            return TicketQr::parse(game, text);
        };
        let mut lines = rest.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
        let round = match header.as_slice() {
            [id, "round", r] if *id == game.id() => r
                .parse::<u32>()
                .ok()
                .filter(|r| *r > 0)
                .ok_or_else(|| bad(format!("round '{r}' is not a round number")))?,
            [id, ..] if *id != game.id() => {
                return Err(bad(format!("is for the game '{id}', not '{}'", game.id())));
            }
            _ => {
                return Err(bad(
                    "is a LottoPro code without a round, so it cannot be checked",
                ));
            }
        };
        let mut games = Vec::new();
        for (i, line) in lines.filter(|l| !l.trim().is_empty()).enumerate() {
            if i == MAX_GAMES {
                return Err(bad(format!("holds more than {MAX_GAMES} games")));
            }
            games.push(
                Ticket::parse(game, line).map_err(|e| e.within(format!("qr.games[{}]", i + 1)))?,
            );
        }
        if games.is_empty() {
            return Err(bad("holds no ticket"));
        }
        Ok(TicketQr {
            round,
            kinds: vec!['l'; games.len()],
            games,
            serial: None,
        })
    }
}

#[cfg(feature = "photo")]
mod photo;
#[cfg(feature = "photo")]
pub use photo::{MAX_FINDER_CANDIDATES, MAX_PHOTO_PIXELS, PHOTO_SIDE, read_image};

#[cfg(test)]
mod tests {
    use super::*;

    fn kr() -> GameSpec {
        GameSpec::kr645()
    }

    #[test]
    fn lottopros_own_code_reads_like_a_ticket() {
        let q = TicketQr::read(
            &kr(),
            "LottoPro kr645 round 1246\n3 11 17 25 33 41\n1 2 3 4 5 6\n",
        )
        .unwrap();
        assert_eq!(q.round, 1246);
        assert_eq!(q.games[1].numbers(), vec![1, 2, 3, 4, 5, 6]);
        assert_eq!(q.kinds, vec!['l', 'l']);
        for (text, says) in [
            ("LottoPro kr645\n1 2 3 4 5 6", "without a round"),
            ("LottoPro powerball round 3\n1 2 3 4 5 6", "not 'kr645'"),
            ("LottoPro kr645 round 0\n1 2 3 4 5 6", "round '0'"),
            ("LottoPro kr645 round 5\n1 2 3 4 5 46", "qr.games[1]"),
            ("LottoPro kr645 round 5", "no ticket"),
        ] {
            let e = TicketQr::read(&kr(), text).unwrap_err().to_string();
            assert!(e.contains(says), "{text}: {e}");
        }
        // The lottery's URL goes through the strict parser.
        assert!(TicketQr::read(&kr(), "https://example.com/qr.do?v=1").is_err());
    }

    #[test]
    fn the_printed_examples_parse() {
        let a = TicketQr::parse(
            &kr(),
            "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q071524404245q151718273144q111215232740q031114212226q2328304042441785483554",
        )
        .unwrap();
        assert_eq!(a.round, 997);
        assert_eq!(a.games.len(), 5);
        assert_eq!(a.games[0].numbers(), vec![7, 15, 24, 40, 42, 45]);
        assert_eq!(a.games[4].numbers(), vec![23, 28, 30, 40, 42, 44]);
        assert_eq!(a.kinds, vec!['q'; 5]);
        let b = TicketQr::parse(
            &kr(),
            "http://m.dhlottery.co.kr/qr.do?method=winQr&v=1179m052527293436m192427303134m021012152244m041623253540m1618212440440000000645.net",
        )
        .unwrap();
        assert_eq!(b.round, 1179);
        assert_eq!(b.games[1].numbers(), vec![19, 24, 27, 30, 31, 34]);
        assert_eq!(b.games[4].numbers(), vec![16, 18, 21, 24, 40, 44]);
        let old = TicketQr::parse(
            &kr(),
            "http://nlotto.co.kr/qr.do?v=0500q010203040506123&method=winQr",
        )
        .unwrap();
        assert_eq!((old.round, old.games.len()), (500, 1));
    }

    #[test]
    fn malformed_urls_are_refused_with_the_reason() {
        let cases = [
            (
                "https://evil.example/qr.do?method=winQr&v=0997q0102030405061",
                "host",
            ),
            (
                "https://m.dhlottery.co.kr.evil.example/qr.do?method=winQr&v=0997q0102030405061",
                "host",
            ),
            (
                "ftp://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q0102030405061",
                "http(s)",
            ),
            (
                "https://m.dhlottery.co.kr/gr.do?method=winQr&v=0997q0102030405061",
                "path",
            ),
            (
                "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q0102030405061&x=1",
                "unexpected key",
            ),
            (
                "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q0102030405061&v=1",
                "twice",
            ),
            (
                "https://m.dhlottery.co.kr/qr.do?method=other&v=0997q0102030405061",
                "winQr",
            ),
            (
                "https://m.dhlottery.co.kr/qr.do?method=winQr&v=97q010203040506",
                "4-digit round",
            ),
            (
                "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q01020304051",
                "no game",
            ),
            (
                "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q010203040546",
                "games[1]",
            ),
            (
                "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q010203040500",
                "games[1]",
            ),
            (
                "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q010203040505",
                "games[1]",
            ),
            (
                "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q010203040506q0102",
                "game 2",
            ),
        ];
        for (url, says) in cases {
            let e = TicketQr::parse(&kr(), url).unwrap_err().to_string();
            assert!(e.contains(says), "{url}: '{e}' does not say '{says}'");
        }
        let six = format!(
            "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997{}123",
            "q010203040506".repeat(6)
        );
        let e = TicketQr::parse(&kr(), &six).unwrap_err().to_string();
        assert!(e.contains("more than 5 games"), "{e}");
    }
}
