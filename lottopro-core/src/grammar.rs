//! The text the parsers read, stated as regular expressions: a ticket
//! ([`Ticket::parse`]), a list of tickets ([`parse_tickets`]), the URL in a
//! Lotto ticket's QR code ([`TicketQr::parse`]) and a 720+ ticket
//! ([`PensionTicket::parse`]).
//!
//! The service's OpenAPI document gives these as each text field's
//! `pattern`, so a client that knows only the document can tell what will
//! be accepted; the tests hold every pattern to its parser over generated
//! text (a string matches exactly when the parser takes it). The patterns
//! are ECMA-262, the dialect JSON Schema names, and read the same in Python's
//! `re`; they use a look-ahead with a back-reference to refuse a number
//! written twice, which no regular language without them states compactly.
//!
//! [`Ticket::parse`]: crate::Ticket::parse
//! [`parse_tickets`]: crate::ticket::parse_tickets
//! [`TicketQr::parse`]: crate::qr::TicketQr::parse
//! [`PensionTicket::parse`]: crate::pension::PensionTicket::parse

use crate::game::{BonusRule, GameSpec};

/// Unicode white space (`char::is_whitespace`, what the parsers trim and
/// split on) as the body of a class.
const WHITE_SPACE: &str =
    r"\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// The same without the new line, which separates tickets in a list.
const WHITE_SPACE_IN_LINE: &str =
    r"\u0009\u000b-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// The numbers `1..=max` in decimal without leading zeros, as the
/// alternatives of a group: `[1-9]`, `[1-3][0-9]`, `4[0-5]` for 45.
fn number_parts(max: u8) -> Vec<String> {
    let mut parts = vec![if max >= 9 {
        "[1-9]".to_owned()
    } else {
        format!("[1-{max}]")
    }];
    match (max.min(99) + 1) / 10 {
        0 | 1 => {}
        2 => parts.push("1[0-9]".to_owned()),
        k => parts.push(format!("[1-{}][0-9]", k - 1)),
    }
    if (10..99).contains(&max) && max % 10 != 9 {
        parts.push(format!("{}[0-{}]", max / 10, max % 10));
    }
    parts.extend((100..=max).map(|n| n.to_string()));
    parts
}

/// The numbers `1..=max`: `(?:[1-9]|[1-3][0-9]|4[0-5])` for 45.
fn number(max: u8) -> String {
    format!("(?:{})", number_parts(max).join("|"))
}

/// Whether `game`'s tickets are numbers of one pool, which the patterns
/// state (a second pool's `+ …` part is left to the parser).
fn one_pool(game: &GameSpec) -> bool {
    !matches!(game.bonus(), BonusRule::SecondPool { .. })
}

/// One ticket of `game` as [`crate::Ticket::parse`] reads it, `sep` being
/// the separators' class body (distinctness is checked apart, see
/// [`distinct`]).
fn ticket_body(game: &GameSpec, sep: &str) -> String {
    let n = format!("0*{}", number(game.pool()));
    format!("[{sep}]*{n}(?:[{sep}]+{n}){{{}}}[{sep}]*", game.picks() - 1)
}

/// A look-ahead refusing a number written twice in one ticket (`5` and
/// `05` alike): from the start of any ticket (`start`), past what may stand
/// in a ticket (`inside`), a number, then the same number up to `end`.
fn distinct(sep: &str, start: &str, inside: &str, end: &str) -> String {
    format!(
        "(?!{start}(?:{inside}*[{sep}])?0*([1-9][0-9]*)[{sep}](?:{inside}*[{sep}])?0*\\1(?:[{sep}]|{end}))"
    )
}

/// A ticket of `game` as text: its count of different numbers from its
/// pool, separated by commas or white space, leading zeros allowed. `None`
/// for a game with a second pool.
pub fn ticket(game: &GameSpec) -> Option<String> {
    if !one_pool(game) {
        return None;
    }
    let sep = format!(",{WHITE_SPACE}");
    Some(format!(
        "^{}{}$",
        distinct(&sep, "", r"[\s\S]", "$"),
        ticket_body(game, &sep)
    ))
}

/// One to `max` tickets of `game` separated by `;` or new lines, blank
/// entries allowed. `None` as for [`ticket`], or when `max` is 0.
pub fn tickets(game: &GameSpec, max: usize) -> Option<String> {
    if !one_pool(game) || max == 0 {
        return None;
    }
    let sep = format!(",{WHITE_SPACE_IN_LINE}");
    let blank = format!(r"(?:[{WHITE_SPACE_IN_LINE}]*[;\n])*");
    let one = ticket_body(game, &sep);
    Some(format!(
        r"^{}{blank}{one}(?:[;\n]{blank}{one}){{0,{}}}(?:[;\n][{WHITE_SPACE_IN_LINE}]*)*$",
        distinct(&sep, r"(?:[\s\S]*[;\n])?", r"[^;\n]", r"[;\n]|$"),
        max - 1
    ))
}

/// The URL in a Korean Lotto ticket's QR code: the lottery's host and
/// `/qr.do?method=winQr&v=…` (the two keys in either order), `v` being a
/// 4-digit round other than 0000, one to five games (a lowercase letter and
/// six different 2-digit numbers of the pool) and the ticket's id (ASCII
/// letters, digits and dots, not starting with a lowercase letter); white
/// space around it is ignored. `None` for a game whose tickets are not six
/// numbers of one pool of at most 99.
pub fn qr(game: &GameSpec) -> Option<String> {
    if !one_pool(game) || game.picks() != 6 || game.pool() > 99 {
        return None;
    }
    // Two digits each: the one-digit numbers with a leading 0.
    let mut parts = number_parts(game.pool());
    parts[0].insert(0, '0');
    let two = format!("(?:{})", parts.join("|"));
    // No number twice within a game's twelve digits: the pair at index i
    // against the pairs after it, one look-ahead per i. `v` is written
    // twice (the keys in either order), so its capture groups are numbered
    // from `first`: a back-reference to the other copy's would be unset.
    let v = |first: usize| {
        let distinct: String = (0..5)
            .map(|i| {
                format!(
                    "(?!(?:[0-9]{{2}}){{{i}}}([0-9]{{2}})(?:[0-9]{{2}}){{0,{}}}\\{})",
                    4 - i,
                    first + i
                )
            })
            .collect();
        format!(
            "(?!0000)[0-9]{{4}}(?:[a-z]{distinct}{two}{{6}}){{1,{}}}(?:[0-9A-Z.][0-9A-Za-z.]*)?",
            crate::qr::MAX_GAMES
        )
    };
    let hosts = crate::qr::HOSTS.map(|h| h.replace('.', r"\.")).join("|");
    Some(format!(
        r"^[{WHITE_SPACE}]*https?://(?:{hosts})/qr\.do\?(?:method=winQr&v={}|v={}&method=winQr)[{WHITE_SPACE}]*$",
        v(1),
        v(6)
    ))
}

/// A Pension Lottery 720+ ticket: the group (1–5, or all groups as `all`,
/// `전체` or `*`) then six digits, as `3조 012345`, `3 012345`,
/// `all 012345` or `3012345`; white space between the digits is ignored.
pub fn pension_ticket() -> String {
    let ws = format!("[{WHITE_SPACE}]");
    let group = r"\+?0*[1-5]";
    let digits = format!("[0-9](?:{ws}*[0-9]){{5}}");
    format!(
        "^{ws}*(?:{group}{ws}*조{ws}*{digits}|(?:[aA][lL][lL]|전체|\\*|{group}){ws}+{digits}|[1-5][0-9]{{6}}){ws}*$"
    )
}

#[cfg(test)]
mod tests;
