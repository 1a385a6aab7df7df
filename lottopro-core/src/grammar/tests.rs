//! Each pattern against its parser: over generated text near the grammar's
//! edges, a string matches exactly when the parser takes it.

use std::sync::LazyLock;

use fancy_regex::Regex;
use proptest::prelude::{ProptestConfig, Strategy, prop_oneof};
use proptest::sample::select;

use super::*;
use crate::pension::PensionTicket;
use crate::qr::TicketQr;
use crate::ticket::{Ticket, parse_tickets};

fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"))
}

struct Patterns {
    ticket: Regex,
    tickets: [(usize, Regex); 2],
    qr: Regex,
    pension: Regex,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let game = GameSpec::kr645();
    let list = |max| (max, compile(&tickets(&game, max).unwrap()));
    Patterns {
        ticket: compile(&ticket(&game).unwrap()),
        tickets: [list(5), list(10)],
        qr: compile(&qr(&game).unwrap()),
        pension: compile(&pension_ticket()),
    }
});

/// `pieces` joined, 0 to `most` of them.
fn joined(pieces: &'static [&'static str], most: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(select(pieces), 0..most).prop_map(|p| p.concat())
}

/// Pieces near a ticket's edges: numbers in and out of the pool, leading
/// zeros, each kind of separator, and what separates nothing.
const PIECES: &[&str] = &[
    "1", "5", "05", "007", "45", "46", "0", "9", "10", "19", "44", "99", "100", " ", " ", ",",
    ", ", "\t", "\n", ";", "\u{3000}", "\u{a0}", "\u{1c}", "+", "-", "x", "٣", "\r",
];

/// Tickets written as people do: numbers of the pool (some twice, some
/// too many or too few), separators of every kind, several tickets.
fn near_tickets() -> impl Strategy<Value = String> {
    let number = (1u8..=46, proptest::bool::ANY).prop_map(|(n, zero)| {
        if zero { format!("0{n}") } else { n.to_string() }
    });
    let sep = select(&[" ", ",", ", ", "\u{3000}", "\t", "  "][..]);
    let one = proptest::collection::vec((number, sep), 5..8)
        .prop_map(|t| t.into_iter().map(|(n, s)| n + s).collect::<String>());
    let between = select(&[";", "\n", "; ", ";\n ;", " \n"][..]);
    proptest::collection::vec((one, between), 1..13)
        .prop_map(|t| t.into_iter().map(|(t, b)| t + b).collect::<String>())
}

/// QR URLs near the grammar: the lottery's hosts and others, the keys in
/// either order or missing, games with numbers in and out of the pool
/// (some twice), ids of every kind.
fn near_qr() -> impl Strategy<Value = String> {
    let host = select(
        &[
            "m.dhlottery.co.kr",
            "nlotto.co.kr",
            "m.nlotto.co.kr",
            "example.com",
        ][..],
    );
    let round = select(&["0000", "1245", "0001", "124", "99999"][..]);
    let game = (
        select(&["a", "m", "q", "s", "A", ""][..]),
        proptest::collection::vec(0u8..=46, 5..8),
    )
        .prop_map(|(kind, numbers)| {
            kind.to_owned()
                + &numbers
                    .iter()
                    .map(|n| format!("{n:02}"))
                    .collect::<String>()
        });
    let games = proptest::collection::vec(game, 0..7).prop_map(|g| g.concat());
    let id = select(&["", "1234567890", "0000123.1", "x12", "Z9", " ", "%20", "-"][..]);
    let order = select(&[0, 1, 2, 3][..]);
    let around = select(&["", " ", "\n", "\u{3000}"][..]);
    (host, round, games, id, order, around).prop_map(|(host, round, games, id, order, around)| {
        let v = format!("{round}{games}{id}");
        let query = match order {
            0 => format!("method=winQr&v={v}"),
            1 => format!("v={v}&method=winQr"),
            2 => format!("v={v}"),
            _ => format!("method=winQr&v={v}&v={v}"),
        };
        format!("{around}https://{host}/qr.do?{query}{around}")
    })
}

/// 720+ tickets near the grammar.
fn near_pension() -> impl Strategy<Value = String> {
    let group = select(
        &[
            "3", "03", "+3", "0", "6", "-3", "3조", "3 조", "all", "ALL", "전체", "*", "조", "",
        ][..],
    );
    let between = select(&["", " ", "  ", "\u{3000}", "조"][..]);
    let digit = select(&["0", "1", "9", " ", "x", "\t"][..]);
    let digits = proptest::collection::vec(digit, 4..9).prop_map(|d| d.concat());
    let around = select(&["", " ", "\n"][..]);
    (around.clone(), group, between, digits, around)
        .prop_map(|(a, g, b, d, z)| format!("{a}{g}{b}{d}{z}"))
}

proptest::proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_ticket_matches_exactly_when_it_parses(text in prop_oneof![joined(PIECES, 40), near_tickets()]) {
        let game = GameSpec::kr645();
        let p = &*PATTERNS;
        let first = text.split(['\n', ';']).next().unwrap_or("");
        for candidate in [text.as_str(), first] {
            proptest::prop_assert_eq!(
                p.ticket.is_match(candidate).unwrap(),
                Ticket::parse(&game, candidate).is_ok(),
                "{:?}", candidate
            );
        }
        for (max, list) in &p.tickets {
            let parsed = parse_tickets(&game, &text).is_ok_and(|t| (1..=*max).contains(&t.len()));
            proptest::prop_assert_eq!(list.is_match(&text).unwrap(), parsed, "{:?} (at most {})", text, max);
        }
    }

    #[test]
    fn a_qr_url_matches_exactly_when_it_parses(url in near_qr()) {
        let game = GameSpec::kr645();
        proptest::prop_assert_eq!(
            PATTERNS.qr.is_match(&url).unwrap(),
            TicketQr::parse(&game, &url).is_ok(),
            "{:?}", url
        );
    }

    #[test]
    fn a_720_ticket_matches_exactly_when_it_parses(text in near_pension()) {
        proptest::prop_assert_eq!(
            PATTERNS.pension.is_match(&text).unwrap(),
            PensionTicket::parse(&text).is_ok(),
            "{:?}", text
        );
    }
}

#[test]
fn the_generators_reach_both_sides() {
    // A pattern that matched everything or nothing would agree with a
    // parser that did the same: real tickets and real codes must match.
    let p = &*PATTERNS;
    assert!(p.ticket.is_match("3 11 17 25 33 41").unwrap());
    assert!(p.ticket.is_match(" 03,11, 17 25\u{3000}33 41 ").unwrap());
    assert!(!p.ticket.is_match("3 11 17 25 33 03").unwrap());
    assert!(
        p.tickets[0]
            .1
            .is_match("1 2 3 4 5 6; 7 8 9 10 11 12\n")
            .unwrap()
    );
    assert!(!p.tickets[0].1.is_match(&"1 2 3 4 5 6;".repeat(6)).unwrap());
    assert!(
        p.qr.is_match(
            "https://m.dhlottery.co.kr/qr.do?method=winQr&v=1245q031117253341m010203040506000012345"
        )
        .unwrap()
    );
    for ticket in [
        "4조 419399",
        "4 419399",
        "all 419399",
        "전체 4 1 9 3 9 9",
        "4419399",
    ] {
        assert!(p.pension.is_match(ticket).unwrap(), "{ticket}");
    }
}

#[test]
fn the_number_patterns_hold_the_pool_and_nothing_else() {
    for max in [1, 5, 9, 10, 19, 20, 45, 49, 50, 69, 70, 99, 100, 127] {
        let re = compile(&format!("^0*{}$", number(max)));
        for n in 0..=300u32 {
            let want = (1..=u32::from(max)).contains(&n);
            assert_eq!(
                re.is_match(&n.to_string()).unwrap(),
                want,
                "{n} in 1..={max}"
            );
            assert_eq!(
                re.is_match(&format!("00{n}")).unwrap(),
                want,
                "00{n} in 1..={max}"
            );
        }
    }
}
