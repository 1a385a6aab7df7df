//! The bundled 720+ history, and known tickets checked against real draws.

use super::*;
use crate::date::Weekday;

#[test]
fn the_bundled_history_is_every_thursday_from_round_1() {
    let h = bundled();
    assert_eq!(h.len(), 327);
    let (first, last) = (&h.draws()[0], h.latest().unwrap());
    assert_eq!(
        (first.round, first.date.to_string()),
        (1, "2020-05-07".to_owned())
    );
    assert_eq!(
        (last.round, last.date.to_string()),
        (327, "2026-08-06".to_owned())
    );
    for pair in h.draws().windows(2) {
        assert_eq!(
            pair[1].date.days_since_epoch() - pair[0].date.days_since_epoch(),
            7
        );
    }
    assert!(
        h.draws()
            .iter()
            .all(|d| d.date.weekday() == Weekday::Thursday)
    );
    // Leading zeros survive the file: round 3's bonus is 059369.
    assert_eq!(h.require(3).unwrap().bonus.to_string(), "059369");
}

/// A known ticket for every prize, each against a real draw of the file.
#[test]
fn a_known_ticket_wins_every_prize_in_real_draws() {
    let h = bundled();
    let r = |n| PensionRank::from_number(n);
    for (round, ticket, rank, bonus, gross) in [
        // Round 100: group 4, 419399.
        (100, "4조 419399", r(1), false, 1_680_000_000),
        (100, "1조 419399", r(2), false, 120_000_000),
        // Round 101: 068561; 968561 agrees in the last five.
        (101, "2조 968561", r(3), false, 1_000_000),
        // Round 200: 146362.
        (200, "5조 106362", r(4), false, 100_000),
        // Round 201: 472675.
        (201, "3조 000675", r(5), false, 50_000),
        // Round 326: 502733.
        (326, "2조 000033", r(6), false, 5_000),
        // Round 327: 221540, bonus 727161.
        (327, "3조 999990", r(7), false, 1_000),
        (327, "5조 727161", None, true, 120_000_000),
        // Round 9: 133510, bonus 213240 — the bonus also ends in 0, so
        // the bonus number wins 7th as well.
        (9, "1조 213240", r(7), true, 120_001_000),
        // Round 1: 162132; 000000 wins nothing.
        (1, "1조 000000", None, false, 0),
    ] {
        let t = PensionTicket::parse(ticket).unwrap();
        let c = h.check(&t, round).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].rank, c[0].bonus, c[0].gross_total.get()),
            (rank, bonus, gross),
            "round {round}, {ticket}"
        );
    }
    // All groups: 1st in the drawn group, 2nd in the four others.
    let all = h
        .check(&PensionTicket::parse("all 419399").unwrap(), 100)
        .unwrap();
    let ranks: Vec<_> = all
        .iter()
        .map(|c| c.rank.and_then(PensionRank::number))
        .collect();
    assert_eq!(ranks, vec![Some(2), Some(2), Some(2), Some(1), Some(2)]);
    assert!(
        h.check(&PensionTicket::parse("1 000000").unwrap(), 328)
            .is_err()
    );
}

#[test]
fn statistics_of_the_bundled_history_count_every_draw() {
    let h = bundled();
    let s = PensionStats::compute(h.draws());
    assert_eq!(s.draws, 327);
    let groups: Vec<u64> = s.groups.iter().map(|g| g.count).collect();
    assert_eq!(groups, vec![67, 57, 65, 74, 64]);
    for p in s.positions.iter().chain(&s.bonus_positions) {
        assert_eq!(p.digits.iter().map(|c| c.count).sum::<u64>(), 327);
        assert!((p.digits[3].expected - 32.7).abs() < 1e-9);
    }
    // A range of whole counts holds a little more than 95 %: over 327 draws
    // about 3.3 % of the 120 cells (4 of them) fall outside it by chance.
    assert!(
        (3.5..=4.5).contains(&s.chance_outside),
        "{}",
        s.chance_outside
    );
}

/// A whole ticket's check agrees with its games: the best rank, any bonus,
/// the sum of what they won, the price of all groups.
#[test]
fn a_ticket_is_checked_as_a_whole() {
    let h = bundled();
    let all = PensionTicket::parse("all 419399").unwrap();
    let c = h.check_ticket(&all, 100).unwrap();
    assert_eq!(c.games, h.check(&all, 100).unwrap());
    assert_eq!(
        (c.rank, c.bonus, c.price.get(), c.gross_total.get()),
        (
            Some(PensionRank::First),
            false,
            5_000,
            1_680_000_000 + 4 * 120_000_000
        )
    );
    assert_eq!(
        (c.draw.round(), c.draw.digits().to_string()),
        (100, "419399".to_owned())
    );
    let bonus = h
        .check_ticket(&PensionTicket::parse("1조 213240").unwrap(), 9)
        .unwrap();
    assert_eq!(
        (bonus.rank, bonus.bonus),
        (PensionRank::from_number(7), true)
    );
    assert!(h.check_ticket(&all, 328).is_err());
}

#[test]
fn statistics_of_the_latest_draws_count_only_them() {
    let h = bundled();
    assert_eq!(h.stats(Some(10)).unwrap().draws, 10);
    assert_eq!(h.stats(Some(10_000)).unwrap().draws, 327);
    assert_eq!(h.stats(None).unwrap(), PensionStats::compute(h.draws()));
    assert_eq!(h.stats(Some(0)).unwrap_err().field(), Some("last"));
}
