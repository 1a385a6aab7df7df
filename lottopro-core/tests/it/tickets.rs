//! Tickets and ranks: round-trips, symmetry, brute-force checks of the odds.

use lottopro_core::{
    BonusMatch, BonusRule, BracketTax, Currency, Date, Draw, GameDef, GameSpec, Money, NumberSet,
    Odds, Payout, Ticket, Tier,
};
use proptest::prelude::*;
use proptest::sample::subsequence;

/// A valid ticket of a preset, as (game, main, extra) with numbers shuffled.
fn any_ticket() -> impl Strategy<Value = (GameSpec, Vec<u8>, Vec<u8>)> {
    (0..GameSpec::preset_ids().len()).prop_flat_map(|i| {
        let game = GameSpec::preset(GameSpec::preset_ids()[i]).unwrap();
        let main = subsequence(
            (1..=game.pool()).collect::<Vec<u8>>(),
            usize::from(game.picks()),
        )
        .prop_shuffle();
        let extra = match game.bonus() {
            BonusRule::SecondPool { pool, picks } => {
                subsequence((1..=pool).collect::<Vec<u8>>(), usize::from(picks)).boxed()
            }
            _ => Just(Vec::new()).boxed(),
        };
        (Just(game), main, extra)
    })
}

proptest! {
    #[test]
    fn any_valid_ticket_round_trips_through_text((game, main, extra) in any_ticket(), comma in any::<bool>()) {
        let t = Ticket::new(&game, &main, &extra).unwrap();
        let text = if comma { t.to_string().replace(' ', ",").replace(",+,", " + ") } else { t.to_string() };
        prop_assert_eq!(Ticket::parse(&game, &text).unwrap(), t);
        let mut sorted = main.clone();
        sorted.sort_unstable();
        prop_assert_eq!(t.numbers(), sorted);
    }

    #[test]
    fn match_count_is_symmetric_and_bounded(a in subsequence((1..=45u8).collect::<Vec<_>>(), 6), b in subsequence((1..=45u8).collect::<Vec<_>>(), 7)) {
        let game = GameSpec::kr645();
        let (b_main, b_bonus) = (&b[..6], b[6]);
        let ta = Ticket::new(&game, &a, &[]).unwrap();
        let tb = Ticket::new(&game, b_main, &[]).unwrap();
        let date = Date::parse("2024-01-06").unwrap();
        let draw_b = Draw::new(&game, 1, date, b_main, &[b_bonus]).unwrap();
        let bonus_a = (1..=45).find(|n| !a.contains(n)).unwrap();
        let draw_a = Draw::new(&game, 1, date, &a, &[bonus_a]).unwrap();
        let ab = draw_b.matches(&ta).main;
        prop_assert_eq!(ab, draw_a.matches(&tb).main);
        prop_assert_eq!(ab, ta.main().common(tb.main()));
        prop_assert!(ab <= game.picks());
    }

    /// For random small games, summing the exact tier counts and the
    /// non-winning outcomes covers every possible ticket.
    #[test]
    fn a_random_tickets_rank_distribution_sums_to_one(pool in 8u8..=40, picks in 1u8..=6, bonus in 0u8..=2, second in any::<bool>()) {
        // A pool this large makes every main-match count reachable.
        prop_assume!(2 * picks + bonus <= pool);
        let rule = match (bonus, second) {
            (0, _) => BonusRule::None,
            (b, false) => BonusRule::SamePool { count: b },
            (b, true) => BonusRule::SecondPool { pool: 10, picks: b },
        };
        // One tier per main-match count, any bonus: every outcome wins something.
        let tiers = (0..=picks).rev().zip(1u8..).map(|(main, rank)| Tier { rank, main, bonus: BonusMatch::Any, payout: Payout::Fixed { amount: Money::new(1, "x").unwrap() } }).collect();
        let game = GameSpec::new(small_def(pool, picks, rule, tiers)).unwrap();
        let odds = Odds::of(&game);
        let total: f64 = odds.tiers.iter().map(|t| t.probability).sum();
        prop_assert!((total - 1.0).abs() < 1e-12, "sum {}", total);
        let combos: u64 = odds.tiers.iter().map(|t| t.combinations).sum();
        prop_assert_eq!(combos, game.total_combinations());
    }
}

fn small_def(pool: u8, picks: u8, bonus: BonusRule, tiers: Vec<Tier>) -> GameDef {
    GameDef {
        id: "small".into(),
        name: "small test game".into(),
        pool,
        picks,
        bonus,
        ticket_price: Money::new(100, "x").unwrap(),
        earlier_prices: Vec::new(),
        currency: Currency {
            code: "XTS".into(),
            minor_digits: 2,
        },
        prize_fund_permille: None,
        tiers,
        tax: BracketTax::tax_free(),
        rules_source: "test".into(),
    }
}

/// Every ticket of a small game, scored against one draw by `GameSpec::rank`,
/// gives exactly the per-tier counts that `Odds` computes by formula.
#[test]
fn brute_force_counts_equal_the_formula() {
    use BonusMatch::*;
    let fixed = |rank, main, bonus| Tier {
        rank,
        main,
        bonus,
        payout: Payout::Fixed {
            amount: Money::new(1, "x").unwrap(),
        },
    };
    let cases = [
        // Korean-style: 5 of 16 + 1 bonus.
        (
            small_def(
                16,
                5,
                BonusRule::SamePool { count: 1 },
                vec![
                    fixed(1, 5, Any),
                    fixed(2, 4, Exactly(1)),
                    fixed(3, 4, Exactly(0)),
                    fixed(4, 3, Any),
                ],
            ),
            vec![1, 2, 3, 4, 5],
            vec![6],
        ),
        // Loto 7-style: 5 of 17 + 2 bonus.
        (
            small_def(
                17,
                5,
                BonusRule::SamePool { count: 2 },
                vec![
                    fixed(1, 5, Any),
                    fixed(2, 4, AtLeast(1)),
                    fixed(3, 4, Exactly(0)),
                    fixed(4, 2, AtLeast(1)),
                ],
            ),
            vec![2, 4, 6, 8, 10],
            vec![1, 17],
        ),
        // EuroMillions-style: 4 of 14 + 2 of 6.
        (
            small_def(
                14,
                4,
                BonusRule::SecondPool { pool: 6, picks: 2 },
                vec![
                    fixed(1, 4, Exactly(2)),
                    fixed(2, 4, Exactly(1)),
                    fixed(3, 3, AtLeast(1)),
                    fixed(4, 0, Exactly(2)),
                ],
            ),
            vec![3, 5, 7, 9],
            vec![2, 6],
        ),
    ];
    for (def, numbers, bonus) in cases {
        let game = GameSpec::new(def).unwrap();
        let draw = Draw::new(
            &game,
            1,
            Date::parse("2024-01-06").unwrap(),
            &numbers,
            &bonus,
        )
        .unwrap();
        let mut counts = vec![0u64; game.tiers().len()];
        let extras: Vec<Vec<u8>> = match game.bonus() {
            BonusRule::SecondPool { pool, picks } => subsets(pool, picks),
            _ => vec![vec![]],
        };
        for main in subsets(game.pool(), game.picks()) {
            for extra in &extras {
                let t = Ticket::new(&game, &main, extra).unwrap();
                if let Some(r) = game.rank(&t, &draw) {
                    counts[usize::from(r) - 1] += 1;
                }
            }
        }
        let formula: Vec<u64> = Odds::of(&game)
            .tiers
            .iter()
            .map(|t| t.combinations)
            .collect();
        assert_eq!(counts, formula, "{:?}", game.bonus());
    }
}

fn subsets(pool: u8, k: u8) -> Vec<Vec<u8>> {
    (0u64..1 << pool)
        .filter(|m| m.count_ones() == u32::from(k))
        .map(|m| NumberSet::from_bits(u128::from(m) << 1).to_vec())
        .collect()
}

#[test]
fn bad_tickets_name_what_is_wrong() {
    let game = GameSpec::kr645();
    let cases = [
        ("1 2 3 4 5 6 7", "numbers", "expected 6 numbers, got 7"),
        ("0 2 3 4 5 6", "numbers[0]", "0 is out of range 1..=45"),
        ("1 2 3 4 5 46", "numbers[5]", "46 is out of range 1..=45"),
        ("1 2 3 4 5 5", "numbers", "5 appears more than once"),
        ("", "numbers", "is empty"),
        ("   ", "numbers", "is empty"),
        ("1 2 x 4 5 6", "numbers[2]", "'x' is not a number"),
        ("1 2 3 4 5 -6", "numbers[5]", "-6 is out of range 1..=45"),
        ("1 2 3 4 5 300", "numbers[5]", "300 is out of range 1..=45"),
    ];
    for (input, field, message) in cases {
        let e = Ticket::parse(&game, input).unwrap_err();
        assert_eq!(e.field(), Some(field), "{input:?}: {e}");
        assert!(e.to_string().contains(message), "{input:?}: {e}");
    }
}

/// A game read from JSON is validated and has its computed tables, like a
/// preset; a definition that cannot be a game is refused.
#[test]
fn games_deserialize_through_validation() {
    let presets = GameSpec::presets();
    assert_eq!(presets.len(), GameSpec::preset_ids().len());
    for spec in presets {
        let json = serde_json::to_string(&spec).unwrap();
        let back: GameSpec = serde_json::from_str(&json).unwrap();
        assert_eq!(back, spec, "{}", spec.id());
        assert_eq!(
            lottopro_core::Odds::of(&back).total_combinations,
            lottopro_core::Odds::of(&spec).total_combinations
        );
    }
    let mut def: GameDef = GameSpec::kr645().into();
    def.picks = 50;
    let e = serde_json::from_str::<GameSpec>(&serde_json::to_string(&def).unwrap()).unwrap_err();
    assert!(e.to_string().contains("picks"), "{e}");
    // The price history lives in the game's data.
    let kr = GameSpec::kr645();
    assert_eq!(
        (kr.ticket_price_at(87).get(), kr.ticket_price_at(88).get()),
        (2_000, 1_000)
    );
    let pb = GameSpec::preset("powerball").unwrap();
    assert_eq!(pb.ticket_price_at(1), pb.ticket_price());
}
