//! Statistics of the real history against values computed independently
//! (a separate Python script over the raw CSV, p-value with mpmath).

use lottopro_core::{Stats, StatsOptions};

use crate::common::real_history;

#[test]
fn real_history_statistics() {
    let h = real_history();
    let s = Stats::compute(h.view(), &StatsOptions::default());
    assert_eq!(
        (s.draws, s.first_round, s.latest_round),
        (1245, Some(1), Some(1245))
    );
    let counts: Vec<u64> = s.numbers.iter().map(|n| n.count).collect();
    assert_eq!(
        counts,
        [
            171, 157, 172, 164, 154, 166, 171, 158, 137, 163, 168, 180, 184, 172, 170, 170, 171,
            180, 171, 172, 167, 146, 149, 168, 154, 166, 181, 158, 156, 158, 171, 147, 175, 187,
            163, 165, 174, 174, 168, 174, 151, 159, 167, 166, 175
        ]
    );
    assert!((s.expected_count - 1245.0 * 6.0 / 45.0).abs() < 1e-9);
    let chi = s.uniformity.unwrap();
    assert!(
        (chi.statistic - 33.057_769_539_697_24).abs() < 1e-9,
        "{}",
        chi.statistic
    );
    assert!(
        (chi.p_value - 0.886_366_647_122_027_4).abs() < 1e-9,
        "{}",
        chi.p_value
    );
    assert_eq!(chi.df, 44.0);

    let top: Vec<(u8, u8, u64)> = s
        .pairs
        .top
        .iter()
        .take(3)
        .map(|p| (p.a, p.b, p.count))
        .collect();
    assert_eq!(top, [(11, 21, 34), (33, 40, 33), (6, 38, 31)]);
    assert_eq!(s.pair_matrix.count(21, 11), 34);
    assert_eq!(s.pair_matrix.count(11, 21), 34);
    assert_eq!(
        (
            s.pair_matrix.width(),
            s.pair_matrix.count(0, 11),
            s.pair_matrix.count(46, 11)
        ),
        (46, 0, 0)
    );
    assert!((s.pairs.expected - 1245.0 * 30.0 / 1980.0).abs() < 1e-9);

    let carry: Vec<u64> = s
        .carry_over
        .distribution
        .rows
        .iter()
        .map(|r| r.observed)
        .collect();
    assert_eq!(carry, [481, 526, 211, 24, 2, 0, 0]);
    assert!((s.carry_over.distribution.chance_mean - 0.8).abs() < 1e-12);
    let carry_bonus: Vec<u64> = s
        .carry_over
        .with_bonus
        .rows
        .iter()
        .map(|r| r.observed)
        .collect();
    assert_eq!(carry_bonus, [404, 532, 260, 45, 2, 1, 0]);
    // Draw 1245 (4 5 25 28 32 42) after 1244 (1 13 18 26 34 38 + 25).
    assert!(s.carry_over.latest.is_empty());
    assert_eq!(s.carry_over.latest_with_bonus, [25]);

    let p = &s.patterns;
    assert!((p.any_consecutive - 0.517_269_076_305_220_9).abs() < 1e-12);
    assert!((p.chance_any_consecutive - 0.528_747_486_206_363).abs() < 1e-12);
    let odd: Vec<u64> = p.odd.rows.iter().map(|r| r.observed).collect();
    assert_eq!(odd, [17, 83, 283, 414, 330, 99, 19]);
    assert!((p.sum.mean - 138.276_305_220_883_53).abs() < 1e-9);
    assert!((p.sum.sd - 30.665_409_241_655_528).abs() < 1e-9);

    let gap = |n: usize| s.numbers[n - 1].gap;
    assert_eq!((gap(1), gap(9), gap(45)), (1, 2, 21));
    assert_eq!(s.hot, [31, 38, 13, 1, 15, 18]);
    assert_eq!(s.cold, [14, 21, 3, 5, 6, 11]);
    assert_eq!(s.numbers[3].last_round, Some(1245));
}

#[test]
fn prefixes_and_empty_histories() {
    let h = real_history();
    let s = Stats::compute(
        h.prefix(10),
        &StatsOptions {
            window: 5,
            top: 3,
            last: None,
        },
    );
    assert_eq!((s.draws, s.window, s.hot.len()), (10, 5, 3));
    let s = Stats::compute(h.prefix(0), &StatsOptions::default());
    assert_eq!(s.draws, 0);
    assert!(s.uniformity.is_none());
    assert!(
        s.numbers
            .iter()
            .all(|n| n.count == 0 && n.last_round.is_none())
    );
}

/// A planted bias is visible: number 7 in every draw fails the uniformity test.
#[test]
fn uniformity_test_detects_a_planted_bias() {
    use lottopro_core::{Date, Draw, GameSpec, History};
    let game = GameSpec::kr645();
    let start = Date::parse("2020-01-04").unwrap();
    let draws = (0..200u32)
        .map(|i| {
            // Numbers cycle through the pool, but 7 is always drawn.
            let mut nums = vec![7u8];
            let mut k = i * 5;
            while nums.len() < 6 {
                let n = (k % 45 + 1) as u8;
                if !nums.contains(&n) {
                    nums.push(n);
                }
                k += 1;
            }
            let bonus = (1..=45).find(|b| !nums.contains(b)).unwrap();
            Draw::new(
                &game,
                i + 1,
                start.add_days(7 * i64::from(i)).unwrap(),
                &nums,
                &[bonus],
            )
            .unwrap()
        })
        .collect();
    let h = History::new(game, draws).unwrap();
    let s = Stats::compute(h.view(), &StatsOptions::default());
    assert!(s.uniformity.unwrap().p_value < 1e-10);
    assert_eq!(s.numbers[6].count, 200);
    assert!(s.numbers[6].z > 10.0);
}

/// A history of `len` draws in which numbers 7 and 8 are each drawn with
/// probability `rate`: independently (`together` false), or always both or
/// neither (a real pair effect with the same frequencies).
fn with_7_and_8(len: u32, rate: f64, together: bool, seed: u64) -> lottopro_core::History {
    use lottopro_core::{Date, Draw, GameSpec, History};
    use rand::RngExt;
    let game = GameSpec::kr645();
    let start = Date::parse("2002-12-07").unwrap();
    let mut rng = lottopro_core::rng::seeded(seed);
    let draws = (1..=len)
        .map(|round| {
            let mut nums: Vec<u8> = Vec::with_capacity(7);
            let seven = rng.random::<f64>() < rate;
            let eight = if together {
                seven
            } else {
                rng.random::<f64>() < rate
            };
            nums.extend(
                [(seven, 7u8), (eight, 8)]
                    .iter()
                    .filter(|x| x.0)
                    .map(|x| x.1),
            );
            while nums.len() < 7 {
                let n = rng.random_range(1..=45u8);
                if n != 7 && n != 8 && !nums.contains(&n) {
                    nums.push(n);
                }
            }
            let bonus = nums.pop().unwrap();
            let date = start.add_days(7 * i64::from(round - 1)).unwrap();
            Draw::new(&game, round, date, &nums, &[bonus]).unwrap()
        })
        .collect();
    History::new(game, draws).unwrap()
}

/// Two over-drawn numbers meet often without any pair effect: read against
/// their own frequencies the pair is unremarkable, while a planted pair with
/// the same frequencies stands out; and the top pair is read against the
/// largest of all 990 pairs, not against one pair.
#[test]
fn companion_pairs_are_read_given_their_numbers_and_against_the_largest() {
    let opts = StatsOptions {
        top: 3,
        ..StatsOptions::default()
    };
    let find = |s: &Stats| *s.pairs.top.iter().find(|p| (p.a, p.b) == (7, 8)).unwrap();
    for seed in 1..=5 {
        let apart = Stats::compute(with_7_and_8(1000, 0.2, false, seed).view(), &opts);
        let pair = find(&apart);
        // One pair's baseline calls it a strong pair effect …
        assert!((pair.count as f64 - apart.pairs.expected) / apart.pairs.sd > 4.0);
        // … its numbers' own frequencies explain it.
        assert!(pair.z_given_numbers.abs() < 3.0, "{pair:?}");
        let together = Stats::compute(with_7_and_8(1000, 0.2, true, seed).view(), &opts);
        let pair = find(&together);
        assert!(pair.z_given_numbers > 10.0, "{pair:?}");
        assert!(together.pairs.max_p_value < 1e-6);
    }
    // The largest of 990 pairs in fair histories: the baseline's mean and
    // range agree with a Monte Carlo of fair draws.
    let runs = 200;
    let mut maxima = Vec::with_capacity(runs);
    let mut baseline = None;
    for seed in 0..runs as u64 {
        let h = lottopro_core::History::simulated(
            lottopro_core::GameSpec::kr645(),
            500,
            lottopro_core::Date::parse("2002-12-07").unwrap(),
            1000 + seed,
        )
        .unwrap();
        let s = Stats::compute(h.view(), &opts);
        maxima.push(s.pairs.top[0].count);
        baseline = Some(s.pairs);
    }
    let b = baseline.unwrap();
    assert_eq!(b.pairs, 990);
    let mean = maxima.iter().sum::<u64>() as f64 / runs as f64;
    assert!(
        (mean - b.max_expected).abs() < 0.6,
        "{mean} vs {}",
        b.max_expected
    );
    let inside = maxima
        .iter()
        .filter(|m| (b.max_range.0..=b.max_range.1).contains(m))
        .count() as f64
        / runs as f64;
    assert!(inside > 0.9, "{inside}");
    assert!(b.max_expected > b.expected + 3.0 * b.sd);
}

/// `last` limits every figure to the latest draws, and the chance figures
/// follow the number of draws; 0 is refused with the field named.
#[test]
fn the_last_draws_only() {
    let h = real_history();
    let opts = StatsOptions {
        last: Some(100),
        ..StatsOptions::default()
    };
    let s = Stats::compute(h.view(), opts.check().unwrap());
    assert_eq!(s.draws, 100);
    assert_eq!(s.latest_round, h.latest_round());
    assert_eq!(s.first_round, h.latest_round().map(|r| r - 99));
    let whole = Stats::compute(h.view(), &StatsOptions::default());
    assert!((s.expected_count * whole.draws as f64 - whole.expected_count * 100.0).abs() < 1e-6);
    let engine = lottopro_core::Engine::builder(h).build();
    assert_eq!(engine.stats(&opts).unwrap().draws, 100);
    let zero = StatsOptions {
        last: Some(0),
        ..StatsOptions::default()
    };
    let e = engine.stats(&zero).unwrap_err().to_string();
    assert!(e.contains("last"), "{e}");
}
