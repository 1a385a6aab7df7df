//! The simulator: its means agree with the exact expected values, its rank
//! frequencies with the exact odds, tax is per ticket, and threads do not
//! change a result.

use lottopro_core::simulate::{MAX_TICKETS_PER_DRAW, MAX_TRIALS};
use lottopro_core::stats::uniformity::chi_square_sf;
use lottopro_core::{
    ErrorKind, GameSpec, Method, Model, Money, Odds, Plan, PrizeModel, SimulationReport,
    SimulationRequest, Strategy, TaxRule, Ticket, simulate,
};

use crate::common::real_history;

fn plan(tickets_per_draw: u64, draws: u64, trials: u64) -> Plan {
    Plan {
        tickets_per_draw,
        draws,
        trials,
    }
}

fn run(
    game: &GameSpec,
    prizes: &PrizeModel,
    plan: Plan,
    strategy: Strategy,
    method: Method,
    threads: usize,
    seed: u64,
) -> SimulationReport {
    let req = SimulationRequest {
        plan,
        strategy,
        method,
        threads: Some(threads),
        seed,
    };
    simulate(game, prizes, &req, None).unwrap()
}

fn money(v: u64) -> Money {
    Money::new(v, "x").unwrap()
}

fn assert_agrees(r: &SimulationReport, what: &str) {
    let dev = (r.simulated_ev_per_ticket - r.exact_ev_per_ticket).abs();
    assert!(r.standard_error > 0.0, "{what}: no standard error");
    assert!(
        dev <= 4.0 * r.standard_error,
        "{what}: simulated {} vs exact {} (SE {})",
        r.simulated_ev_per_ticket,
        r.exact_ev_per_ticket,
        r.standard_error
    );
    let dev = (r.simulated_ev_per_ticket_after_tax - r.exact_ev_per_ticket_after_tax).abs();
    assert!(
        dev <= 4.0 * r.standard_error_after_tax,
        "{what} after tax: {} vs {}",
        r.simulated_ev_per_ticket_after_tax,
        r.exact_ev_per_ticket_after_tax
    );
}

/// Within 4 standard errors, for several plans and games. A win of a tier
/// with probability `p` moves the mean of `n` tickets by `1/√(n·p)` standard
/// errors, so the normal comparison only holds when every valued tier is
/// expected to be won several times: plans simulated ticket by ticket value
/// the tiers too rare for their size at 0 (an override), while the large
/// outcome-count plans keep their jackpots.
#[test]
fn simulated_means_agree_with_exact_expected_values() {
    let zero = |ranks: &[u8]| ranks.iter().map(|&r| (r, money(0))).collect::<Vec<_>>();
    let h = real_history();
    let kr = h.game().clone();
    // Korean Lotto, pool model on real draws, 1.04 billion tickets (about 128 jackpots).
    let real = PrizeModel::new(&kr, Some(h.view()), 52, &[]).unwrap();
    assert_eq!(real.references(), 52);
    assert!(real.unvalued_ranks.is_empty());
    assert_agrees(
        &run(
            &kr,
            &real,
            plan(5, 520, 400_000),
            Strategy::Random,
            Method::OutcomeCounts,
            2,
            1,
        ),
        "kr645 counts",
    );
    // Ticket by ticket, 5.2 million tickets: rank 3 still from the pool model.
    let real_no_top = PrizeModel::new(&kr, Some(h.view()), 52, &zero(&[1, 2])).unwrap();
    assert_agrees(
        &run(
            &kr,
            &real_no_top,
            plan(5, 520, 2_000),
            Strategy::Random,
            Method::PerTicket,
            2,
            2,
        ),
        "kr645 per ticket",
    );
    // One fixed ticket (independent across draws).
    let fixed = Strategy::Fixed(vec![Ticket::parse(&kr, "1 2 3 4 5 6").unwrap()]);
    assert_agrees(
        &run(
            &kr,
            &real_no_top,
            plan(1, 2_000_000, 2),
            fixed,
            Method::Auto,
            2,
            3,
        ),
        "kr645 fixed ticket",
    );
    // Powerball (u128 masks, second pool): a $500M jackpot over 10 billion tickets…
    let pb = GameSpec::preset("powerball").unwrap();
    let pb_jackpot = PrizeModel::new(&pb, None, 0, &[(1, money(50_000_000_000))]).unwrap();
    assert_agrees(
        &run(
            &pb,
            &pb_jackpot,
            plan(10, 10_000, 100_000),
            Strategy::Random,
            Method::OutcomeCounts,
            2,
            5,
        ),
        "powerball counts",
    );
    // …and its lower tiers ticket by ticket (amounts in cents: $500M above).
    let pb_low = PrizeModel::new(&pb, None, 0, &zero(&[1, 2, 3])).unwrap();
    assert_agrees(
        &run(
            &pb,
            &pb_low,
            plan(10, 100_000, 2),
            Strategy::Random,
            Method::PerTicket,
            2,
            4,
        ),
        "powerball",
    );
    // Japan Loto 7 (two same-pool bonus numbers).
    let l7 = GameSpec::preset("jp-loto7").unwrap();
    let l7_prizes = PrizeModel::new(
        &l7,
        None,
        0,
        &[
            (1, money(0)),
            (2, money(0)),
            (3, money(700_000)),
            (4, money(9_000)),
            (5, money(1_400)),
        ],
    )
    .unwrap();
    assert_agrees(
        &run(
            &l7,
            &l7_prizes,
            plan(3, 500_000, 2),
            Strategy::Random,
            Method::PerTicket,
            1,
            6,
        ),
        "loto7",
    );
    // EuroMillions (two second-pool numbers), its two lowest tiers.
    let em = GameSpec::preset("euromillions").unwrap();
    let em_prizes = PrizeModel::new(&em, None, 0, &[(12, money(8_00)), (13, money(4_50))]).unwrap();
    assert_agrees(
        &run(
            &em,
            &em_prizes,
            plan(2, 500_000, 1),
            Strategy::Random,
            Method::PerTicket,
            2,
            7,
        ),
        "euromillions",
    );
}

#[test]
fn exact_expected_value_by_hand() {
    // Without a history, Korean ranks 1–3 are pari-mutuel and valued at 0:
    // EV = 50,000 · 11,115/8,145,060 + 5,000 · 182,780/8,145,060.
    let kr = GameSpec::kr645();
    let prizes = PrizeModel::new(&kr, None, 0, &[]).unwrap();
    assert_eq!(prizes.unvalued_ranks, [1, 2, 3]);
    let r = run(
        &kr,
        &prizes,
        plan(1, 1, 1),
        Strategy::Random,
        Method::OutcomeCounts,
        1,
        0,
    );
    let want = (50_000.0 * 11_115.0 + 5_000.0 * 182_780.0) / 8_145_060.0;
    assert!(
        (r.exact_ev_per_ticket - want).abs() < 1e-9,
        "{}",
        r.exact_ev_per_ticket
    );
    assert!(r.prize_basis.contains("valued at 0"));
}

#[test]
fn threads_do_not_change_the_result() {
    let h = real_history();
    let kr = h.game().clone();
    let prizes = PrizeModel::new(&kr, Some(h.view()), 52, &[]).unwrap();
    let fixed = Strategy::Fixed(
        Ticket::parse(&kr, "1 2 3 4 5 6")
            .into_iter()
            .chain(Ticket::parse(&kr, "7 8 9 10 11 12"))
            .collect(),
    );
    for (strategy, method, p) in [
        (Strategy::Random, Method::PerTicket, plan(5, 300_000, 3)),
        (Strategy::Random, Method::OutcomeCounts, plan(5, 520, 5_000)),
        (fixed, Method::PerTicket, plan(2, 200_000, 2)),
    ] {
        let one = run(&kr, &prizes, p, strategy.clone(), method, 1, 9);
        let two = run(&kr, &prizes, p, strategy, method, 2, 9);
        assert_eq!(SimulationReport { threads: 2, ..one }, two, "{method:?}");
    }
}

/// 10 million quick picks, each against a random draw, scored by the kernel:
/// the rank counts follow the exact odds. Chi-square over the ranks and
/// "no prize", with the rarest ranks pooled until each cell expects at least
/// five wins, as the test requires.
#[test]
fn rank_frequencies_of_ten_million_tickets_match_the_odds() {
    for id in ["kr645", "powerball", "jp-loto7"] {
        let game = GameSpec::preset(id).unwrap();
        let prizes = PrizeModel::new(&game, None, 0, &[]).unwrap();
        let r = run(
            &game,
            &prizes,
            plan(10, 1_000_000, 1),
            Strategy::Random,
            Method::PerTicket,
            2,
            11,
        );
        assert_eq!(r.tickets, 10_000_000);
        let n = r.tickets as f64;
        let odds = Odds::of(&game);
        // (observed, expected) per rank, rarest first, then pooled.
        let mut cells: Vec<(f64, f64)> = r
            .wins
            .iter()
            .zip(&odds.tiers)
            .map(|(w, t)| (w.wins as f64, t.probability * n))
            .collect();
        cells.sort_by(|a, b| a.1.total_cmp(&b.1));
        let mut pooled: Vec<(f64, f64)> = Vec::new();
        let mut acc = (0.0, 0.0);
        for c in cells {
            acc = (acc.0 + c.0, acc.1 + c.1);
            if acc.1 >= 5.0 {
                pooled.push(acc);
                acc = (0.0, 0.0);
            }
        }
        if acc.1 > 0.0
            && let Some(last) = pooled.last_mut()
        {
            *last = (last.0 + acc.0, last.1 + acc.1);
        }
        let wins: f64 = pooled.iter().map(|c| c.0).sum();
        let expected: f64 = pooled.iter().map(|c| c.1).sum();
        pooled.push((n - wins, n - expected));
        let statistic: f64 = pooled.iter().map(|(o, e)| (o - e).powi(2) / e).sum();
        let p = chi_square_sf(statistic, (pooled.len() - 1) as f64).unwrap();
        assert!(
            p > 1e-3,
            "{id}: chi-square {statistic} on {} cells, p {p}, wins {:?}",
            pooled.len(),
            r.wins
        );
    }
}

/// Tax applies to each winning ticket on its own: two 1,500,000-won wins are
/// each under the 2,000,000-won threshold, a 3,000,000-won win is taxed.
#[test]
fn tax_is_applied_per_ticket() {
    let kr = GameSpec::kr645();
    let small = PrizeModel::new(&kr, None, 0, &[(5, money(1_500_000))]).unwrap();
    let r = run(
        &kr,
        &small,
        plan(5, 1000, 1),
        Strategy::Random,
        Method::OutcomeCounts,
        1,
        12,
    );
    assert!(r.wins[4].wins >= 2);
    assert_eq!(r.tax, 0);
    let big = PrizeModel::new(&kr, None, 0, &[(5, money(3_000_000))]).unwrap();
    let r = run(
        &kr,
        &big,
        plan(5, 1000, 1),
        Strategy::Random,
        Method::OutcomeCounts,
        1,
        12,
    );
    let each = kr
        .tax()
        .assess(money(3_000_000), kr.ticket_price())
        .unwrap()
        .tax
        .get();
    assert_eq!(each, 659_780);
    // Rank 4 pays 50,000 won, under the threshold: only rank 5 is taxed.
    assert_eq!(r.tax, u128::from(r.wins[4].wins) * u128::from(each));
}

#[test]
fn report_fields_are_consistent() {
    let h = real_history();
    let kr = h.game().clone();
    let prizes = PrizeModel::new(&kr, Some(h.view()), 52, &[]).unwrap();
    let r = run(
        &kr,
        &prizes,
        plan(5, 520, 1000),
        Strategy::Random,
        Method::Auto,
        2,
        13,
    );
    assert_eq!(r.method, Method::OutcomeCounts);
    assert_eq!((r.tickets, r.spent_per_trial), (2_600_000, 2_600_000));
    assert_eq!(r.gross, r.wins.iter().map(|w| w.gross).sum::<u128>());
    assert_eq!(r.gross, r.tax + r.net_winnings);
    let p = r.percentiles;
    assert!(p.p1 <= p.p5 && p.p5 <= p.p50 && p.p50 <= p.p95 && p.p95 <= p.p99);
    assert!(p.p50 < 0 && r.mean_net < 0.0 && r.roi < 0.0 && r.roi > -1.0);
    assert!(r.p_profit < 0.05);
    // A model's tickets, played every draw.
    let req = SimulationRequest {
        plan: plan(3, 100, 2),
        strategy: Strategy::Model(Model::Frequency),
        method: Method::Auto,
        threads: Some(1),
        seed: 1,
    };
    let m = simulate(&kr, &prizes, &req, Some(h.view())).unwrap();
    assert_eq!(
        (m.strategy.as_str(), m.tickets_played.len(), m.method),
        ("frequency", 3, Method::PerTicket)
    );
}

#[test]
fn limits_and_bad_requests() {
    let kr = GameSpec::kr645();
    let prizes = PrizeModel::new(&kr, None, 0, &[]).unwrap();
    let ticket = Ticket::parse(&kr, "1 2 3 4 5 6").unwrap();
    let cases: Vec<(Plan, Strategy, Method, Option<usize>, &str)> = vec![
        (
            plan(0, 1, 1),
            Strategy::Random,
            Method::Auto,
            None,
            "tickets_per_draw",
        ),
        (
            plan(MAX_TICKETS_PER_DRAW + 1, 1, 1),
            Strategy::Random,
            Method::Auto,
            None,
            "tickets_per_draw",
        ),
        (plan(1, 0, 1), Strategy::Random, Method::Auto, None, "draws"),
        (
            plan(1, 1, MAX_TRIALS + 1),
            Strategy::Random,
            Method::Auto,
            None,
            "trials",
        ),
        (
            plan(10_000, 1_000_000, 1_000),
            Strategy::Random,
            Method::PerTicket,
            None,
            "tickets",
        ),
        (
            plan(10_000, 1_000_000, 1_000_000),
            Strategy::Random,
            Method::OutcomeCounts,
            None,
            "tickets",
        ),
        (
            plan(1, 1, 1),
            Strategy::Fixed(vec![ticket]),
            Method::OutcomeCounts,
            None,
            "method",
        ),
        (
            plan(2, 1, 1),
            Strategy::Fixed(vec![ticket]),
            Method::Auto,
            None,
            "tickets_per_draw",
        ),
        (
            plan(1, 1, 1),
            Strategy::Random,
            Method::Auto,
            Some(0),
            "threads",
        ),
        (
            plan(1, 1, 1),
            Strategy::Model(Model::Ml),
            Method::Auto,
            None,
            "history",
        ),
    ];
    for (p, strategy, method, threads, field) in cases {
        let req = SimulationRequest {
            plan: p,
            strategy,
            method,
            threads,
            seed: 0,
        };
        let e = simulate(&kr, &prizes, &req, None).unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(matches!(
            e.kind(),
            ErrorKind::InvalidInput | ErrorKind::Limit
        ));
    }
    assert_eq!(
        PrizeModel::new(&kr, None, 0, &[(6, money(1))])
            .unwrap_err()
            .field(),
        Some("prize")
    );
}

/// Ten years of five games a week, a thousand trials: the whole simulation
/// holds a 1st prize with chance 27 %, and when it does the mean turns
/// positive while the median and the mean without 1st prizes do not. The
/// report says which it is.
#[test]
fn jackpots_are_told_apart_from_the_mean() {
    let h = real_history();
    let game = h.game();
    let prizes = PrizeModel::new(game, Some(h.view()), 52, &[]).unwrap();
    let p1 = Odds::of(game).tiers[0].probability;
    let (mut with, mut without) = (0, 0);
    for seed in 0..40 {
        let r = run(
            game,
            &prizes,
            plan(5, 520, 1000),
            Strategy::Random,
            Method::OutcomeCounts,
            1,
            seed,
        );
        let per_trial = 1.0 - (1.0 - p1).powf(2600.0);
        assert!((r.jackpot_chance_per_trial - per_trial).abs() < 1e-12);
        let whole = 1.0 - (1.0 - p1).powf(2_600_000.0);
        assert!((r.jackpot_chance_in_simulation - whole).abs() < 1e-9);
        assert!((0.27..0.28).contains(&r.jackpot_chance_in_simulation));
        assert!(r.percentiles.p50 < 0 && r.mean_net_without_jackpots < 0.0);
        if r.wins[0].wins == 0 {
            without += 1;
            assert_eq!(r.jackpot_share, 0.0);
            assert!((r.mean_net_without_jackpots - r.mean_net).abs() < 1e-3);
        } else {
            with += 1;
            assert!(r.jackpot_share > 0.5, "{}", r.jackpot_share);
            assert!(r.mean_net > r.mean_net_without_jackpots + 1e5);
        }
    }
    assert!(with > 0 && without > 0, "{with} with, {without} without");
}

#[test]
fn a_strategy_takes_tickets_only_when_fixed_and_never_an_empty_list() {
    let game = GameSpec::kr645();
    let one = vec![Ticket::new(&game, &[1, 2, 3, 4, 5, 6], &[]).unwrap()];
    assert!(matches!(
        Strategy::from_name("random", None),
        Ok(Strategy::Random)
    ));
    assert!(matches!(
        Strategy::from_name("fixed", Some(one.clone())),
        Ok(Strategy::Fixed(t)) if t == one
    ));
    for (name, tickets) in [
        ("random", Some(Vec::new())),
        ("fixed", Some(Vec::new())),
        ("fixed", None),
        ("random", Some(one)),
    ] {
        let e = Strategy::from_name(name, tickets.clone()).unwrap_err();
        assert_eq!(e.field(), Some("tickets"), "{name} {tickets:?}: {e}");
    }
}
