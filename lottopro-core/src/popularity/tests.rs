//! Tests of the popularity model against brute force on small games.

use super::math::{esym, logit, sigmoid, without};
use super::*;

#[test]
fn uniform_co_winners_are_tickets_times_odds() {
    let g = GameSpec::kr645();
    let m = Popularity::uniform(&g).unwrap();
    let t = NumberSet::from_numbers(&[1, 2, 3, 4, 5, 6]);
    let co = m.co_winners(t, 1e8);
    let odds = Odds::of(&g);
    for (c, o) in co.iter().zip(&odds.tiers) {
        assert!(
            (c / (1e8 * o.probability) - 1.0).abs() < 1e-9,
            "{c} vs {}",
            o.probability
        );
    }
    assert!((m.multiplier(t) - 1.0).abs() < 1e-9);
}

#[test]
fn uniform_expected_winners_are_tickets_times_odds() {
    let g = GameSpec::kr645();
    let m = Popularity::uniform(&g).unwrap();
    let w = m.expected_winners(
        NumberSet::from_numbers(&[3, 9, 20, 31, 40, 44]),
        Some(7),
        1e8,
    );
    for (x, o) in w.iter().zip(&Odds::of(&g).tiers) {
        assert!((x / (1e8 * o.probability) - 1.0).abs() < 1e-9);
    }
}

#[test]
fn co_win_table_is_one_for_the_same_ticket_and_matches_the_odds() {
    let g = GameSpec::kr645();
    let m = Popularity::uniform(&g).unwrap();
    for table in &m.k_table {
        assert!((table[6] - 1.0).abs() < 1e-12);
    }
    // Only your own combination wins rank 1 with you.
    assert!(m.k_table[0][..6].iter().all(|k| *k == 0.0));
    // Sharing five numbers, including the bonus you hold, and the sixth
    // drawn number: the other ticket wins rank 2 too.
    assert!(m.k_table[1][5] > 0.0);
}

#[test]
fn progressions_include_runs_columns_and_multiples() {
    let p = progressions(45, 6);
    assert_eq!(p.len(), 180);
    for t in [
        [1, 2, 3, 4, 5, 6],
        [7, 14, 21, 28, 35, 42],
        [5, 10, 15, 20, 25, 30],
    ] {
        assert!(p.contains(&NumberSet::from_numbers(&t)));
    }
}

#[test]
fn symmetric_polynomials_and_removal() {
    let e = esym([1.0, 2.0, 3.0].into_iter(), 3);
    assert_eq!(&e[..4], &[1.0, 6.0, 11.0, 6.0]);
    let w = without(&e, 2.0);
    assert_eq!(&w[..3], &[1.0, 4.0, 3.0]);
}

/// A 4-of-12 game with one bonus number and tiers like Korea's, and a
/// model with uneven number weights, a pattern share and calibrations.
fn small() -> (GameSpec, Popularity) {
    use crate::game::{Payout, Tier};
    let mut def = GameSpec::kr645().def().clone();
    def.pool = 12;
    def.picks = 4;
    let pari = |rank, main, bonus| Tier {
        rank,
        main,
        bonus,
        payout: Payout::PariMutuel {
            share_permille: Some(300),
        },
    };
    def.tiers = vec![
        pari(1, 4, BonusMatch::Any),
        pari(2, 3, BonusMatch::Exactly(1)),
        pari(3, 3, BonusMatch::Exactly(0)),
        Tier {
            rank: 4,
            main: 2,
            bonus: BonusMatch::Any,
            payout: Payout::Fixed {
                amount: Money(1_000),
            },
        },
    ];
    let game = GameSpec::new(def).unwrap();
    let mut m = Popularity::uniform(&game).unwrap();
    for n in 1..=12usize {
        m.weights.gamma[n] = ((n * 7) % 5) as f64 * 0.3 - 0.6;
    }
    m.share = 0.05;
    m.scale = vec![1.3, 0.9, 1.1, 0.7];
    m.refresh();
    (game, m)
}

fn all_tickets(pool: u8, k: u8) -> Vec<NumberSet> {
    let mut out = Vec::new();
    let mut x: u64 = (1 << k) - 1;
    while x < 1 << pool {
        out.push(NumberSet::from_bits(u128::from(x) << 1));
        let c = x & x.wrapping_neg();
        let r = x + c;
        x = (((r ^ x) >> 2) / c) | r;
    }
    out
}

fn wins(game: &GameSpec, t: NumberSet, main: NumberSet, bonus: u8) -> Option<usize> {
    let m = t.common(main);
    let b = u8::from(t.contains(bonus));
    game.tiers()
        .iter()
        .position(|tier| tier.main == m && tier.bonus.accepts(b))
}

#[test]
fn shares_sum_to_one_over_all_tickets() {
    let (_, m) = small();
    let total: f64 = all_tickets(12, 4).into_iter().map(|t| m.share_of(t)).sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
}

#[test]
fn expected_winners_match_a_sum_over_every_ticket() {
    let (game, m) = small();
    let tickets = all_tickets(12, 4);
    for (main, bonus) in [
        (&[1u8, 2, 3, 4][..], 5u8),
        (&[2, 5, 9, 12], 1),
        (&[3, 6, 9, 12], 7),
    ] {
        let main = NumberSet::from_numbers(main);
        let got = m.expected_winners(main, Some(bonus), 1e6);
        let mut want = [0.0; 4];
        for &t in &tickets {
            if let Some(r) = wins(&game, t, main, bonus) {
                want[r] += m.share_of(t);
            }
        }
        for r in 0..4 {
            let w = 1e6 * m.scale[r] * want[r];
            assert!(
                (got[r] / w - 1.0).abs() < 1e-9,
                "rank {}: {} vs {w}",
                r + 1,
                got[r]
            );
        }
    }
}

#[test]
fn co_winners_match_a_sum_over_every_draw_and_ticket() {
    let (game, m) = small();
    let tickets = all_tickets(12, 4);
    let draws: Vec<(NumberSet, u8)> = tickets
        .iter()
        .flat_map(|&w| {
            (1..=12u8)
                .filter(move |b| !w.contains(*b))
                .map(move |b| (w, b))
        })
        .collect();
    for mine in [
        NumberSet::from_numbers(&[1, 2, 3, 4]),
        NumberSet::from_numbers(&[2, 6, 7, 11]),
    ] {
        let got = m.co_winners(mine, 1e6);
        // Σ over tickets of π(t) · P(t wins r | mine wins r), by counting draws.
        for (r, got) in got.iter().enumerate() {
            let mine_wins: Vec<&(NumberSet, u8)> = draws
                .iter()
                .filter(|(w, b)| wins(&game, mine, *w, *b) == Some(r))
                .collect();
            let want: f64 = tickets
                .iter()
                .map(|&t| {
                    let both = mine_wins
                        .iter()
                        .filter(|(w, b)| wins(&game, t, *w, *b) == Some(r))
                        .count();
                    m.share_of(t) * both as f64 / mine_wins.len() as f64
                })
                .sum::<f64>()
                * 1e6
                * m.scale[r];
            assert!(
                (got / want - 1.0).abs() < 1e-9,
                "rank {}: {got} vs {want}",
                r + 1
            );
        }
    }
}

#[test]
fn the_gradient_matches_finite_differences() {
    let (_, mut m) = small();
    let obs = Obs {
        main: NumberSet::from_numbers(&[2, 5, 9, 12]),
        bonus: Some(4),
        tickets: 1e6,
        winners: vec![],
        pattern_wins: m.pattern_wins(NumberSet::from_numbers(&[2, 5, 9, 12]), Some(4)),
        // The second model's parts: quick picks and named combinations.
        quick: 0.3,
        block: None,
        named_wins: vec![1e-5, 2e-5, 0.0, 3e-5],
        chosen_first: None,
    };
    m.named_mass = 0.02;
    let p = 12 + 4 + 1;
    for r in 0..4 {
        let mut g = vec![0.0; p];
        let mu = m.mu_and_grad(&obs, r, Some(&mut g));
        let h = 1e-6;
        for n in 1..=12usize {
            m.weights.gamma[n] += h;
            m.refresh();
            let up = m.mu_and_grad(&obs, r, None);
            m.weights.gamma[n] -= h;
            m.refresh();
            let numeric = (up - mu) / h;
            assert!(
                (numeric - g[n - 1]).abs() < 1e-4 * mu.max(1.0),
                "rank {} γ{n}: {numeric} vs {}",
                r + 1,
                g[n - 1]
            );
        }
        let saved = m.share;
        m.share = sigmoid(logit(saved) + h);
        let up = m.mu_and_grad(&obs, r, None);
        m.share = saved;
        assert!(
            ((up - mu) / h - g[p - 1]).abs() < 1e-4 * mu.max(1.0),
            "rank {} ε",
            r + 1
        );
        assert!((g[12 + r] - mu).abs() < 1e-12);
    }
}

#[test]
fn games_beyond_the_model_are_refused_by_name() {
    let e = Popularity::uniform(&GameSpec::preset("powerball").unwrap()).unwrap_err();
    assert!(e.to_string().starts_with("game:"), "{e}");
}
