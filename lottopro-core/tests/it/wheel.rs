//! Wheels: known covering numbers, generated wheels checked by an
//! independent brute force, and the full-pool designs over every draw.

use lottopro_core::{ErrorKind, GameSpec, Guarantee, NumberSet, Wheel};

fn g(t: u8, m: u8) -> Guarantee {
    Guarantee { t, m }
}

/// Every m-subset of `numbers` shares at least t numbers with a ticket:
/// the brute-force check, written independently of the library's.
fn brute_force_holds(numbers: &[u8], tickets: &[Vec<u8>], g: Guarantee) -> bool {
    fn subsets(from: &[u8], k: usize, out: &mut Vec<Vec<u8>>, cur: &mut Vec<u8>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for (i, &n) in from.iter().enumerate() {
            cur.push(n);
            subsets(&from[i + 1..], k, out, cur);
            cur.pop();
        }
    }
    let mut all = Vec::new();
    subsets(numbers, usize::from(g.m), &mut all, &mut Vec::new());
    all.iter().all(|s| {
        tickets
            .iter()
            .any(|t| s.iter().filter(|n| t.contains(n)).count() >= usize::from(g.t))
    })
}

#[test]
fn known_covering_numbers() {
    let game = GameSpec::kr645();
    // C(7,6,5) = 6 and C(9,6,2) = 3 (minimum sizes, from the literature), and
    // C(8,6,5) = 12 ... is beyond "known small"; these two are exact.
    let w = Wheel::build(&game, &[1, 2, 3, 4, 5, 6, 7], g(5, 5), 1).unwrap();
    assert_eq!(w.tickets.len(), 6);
    let w = Wheel::build(&game, &[11, 12, 13, 14, 15, 16, 17, 18, 19], g(2, 2), 1).unwrap();
    assert_eq!(w.tickets.len(), 3);
    // Six numbers: one ticket is every guarantee.
    let w = Wheel::build(&game, &[4, 8, 15, 16, 23, 42], g(6, 6), 1).unwrap();
    assert_eq!(w.tickets, vec![vec![4, 8, 15, 16, 23, 42]]);
}

#[test]
fn generated_wheels_hold_by_brute_force_too() {
    let game = GameSpec::kr645();
    let numbers: Vec<u8> = vec![2, 5, 9, 13, 17, 21, 26, 30, 34, 38, 41, 44];
    for guarantee in [g(3, 3), g(3, 4), g(4, 5), g(3, 6), g(4, 6), g(5, 6)] {
        let w = Wheel::build(&game, &numbers, guarantee, 7).unwrap();
        assert!(w.verified);
        assert!(
            brute_force_holds(&numbers, &w.tickets, guarantee),
            "{guarantee}"
        );
        for t in &w.tickets {
            assert_eq!(t.len(), 6);
            assert!(t.iter().all(|n| numbers.contains(n)));
        }
        assert_eq!(w.cost.get(), 1_000 * w.tickets.len() as u64);
        assert_eq!(
            w.expected_value.unwrap().get(),
            500 * w.tickets.len() as u64
        );
        // Fewer tickets than playing every combination of the numbers.
        assert!(w.tickets.len() < 924, "{guarantee}: {}", w.tickets.len());
    }
}

#[test]
fn the_library_check_finds_a_hole() {
    let game = GameSpec::kr645();
    let numbers: Vec<u8> = (1..=9).collect();
    let tickets = [
        NumberSet::from_numbers(&[1, 2, 3, 4, 5, 6]),
        NumberSet::from_numbers(&[1, 2, 3, 7, 8, 9]),
    ];
    let v = lottopro_core::wheel::verify(&game, &numbers, &tickets, g(2, 2)).unwrap();
    assert!(!v.holds);
    let hole = v.counterexample.unwrap();
    assert!(
        hole.iter().all(|n| (4..=9).contains(n)) && hole.len() == 2,
        "{hole:?}"
    );
}

#[test]
fn full_pool_designs_hold_for_every_draw() {
    let game = GameSpec::kr645();
    let two = Wheel::full_pool(&game, 2).unwrap();
    assert_eq!(two.tickets.len(), 15);
    assert_eq!((two.draws_checked, two.total_draws), (8_145_060, 8_145_060));
    let three = Wheel::full_pool(&game, 3).unwrap();
    assert!(three.tickets.len() <= 146, "{}", three.tickets.len());
    assert_eq!(three.draws_checked, 8_145_060);
    assert_eq!(three.guarantee, g(3, 6));
    // Removing any one ticket of the 2-match design breaks it, and the
    // check says for which draw.
    let mut fewer: Vec<NumberSet> = two
        .tickets
        .iter()
        .map(|t| NumberSet::from_numbers(t))
        .collect();
    fewer.remove(4);
    let all: Vec<u8> = (1..=45).collect();
    let v = lottopro_core::wheel::verify(&game, &all, &fewer, g(2, 6)).unwrap();
    assert!(!v.holds && v.counterexample.is_some());
}

#[test]
fn bad_requests_name_the_field() {
    let game = GameSpec::kr645();
    let cases: [(&[u8], Guarantee, &str); 6] = [
        (&[1, 2, 3, 4, 5], g(3, 4), "numbers"),
        (&[1, 2, 3, 4, 5, 46], g(3, 4), "numbers"),
        (&[1, 1, 2, 3, 4, 5, 6], g(3, 4), "numbers"),
        (&[1, 2, 3, 4, 5, 6, 7], g(5, 4), "guarantee"),
        (&[1, 2, 3, 4, 5, 6, 7], g(3, 7), "guarantee"),
        (&[1, 2, 3, 4, 5, 6, 7], g(0, 2), "guarantee"),
    ];
    for (numbers, guarantee, field) in cases {
        let e = Wheel::build(&game, numbers, guarantee, 1).unwrap_err();
        assert!(
            e.to_string().starts_with(field),
            "{numbers:?} {guarantee}: {e}"
        );
    }
    let many: Vec<u8> = (1..=30).collect();
    assert_eq!(
        Wheel::build(&game, &many, g(3, 4), 1).unwrap_err().kind(),
        ErrorKind::Limit
    );
    // 24 numbers are allowed, but not 134,596 sets of six drawn numbers to cover.
    let e = Wheel::build(&game, &(1..=24).collect::<Vec<u8>>(), g(3, 6), 1).unwrap_err();
    assert!(e.to_string().contains("at most 50000"), "{e}");
    assert!(Wheel::full_pool(&game, 4).is_err());
    // A request, as the CLI, Python and HTTP pass it, names the field at fault.
    let request = |numbers: Option<Vec<u8>>, guarantee: &str, full_pool: bool| {
        lottopro_core::WheelRequest {
            numbers,
            guarantee: guarantee.into(),
            full_pool,
            seed: None,
        }
        .build(&game)
    };
    for (r, field) in [
        (
            request(Some(vec![1, 2, 3, 4, 5, 6]), "2", true),
            "full_pool",
        ),
        (request(None, "3if4", true), "guarantee"),
        (request(None, "3", false), "numbers"),
        (request(None, "x", true), "guarantee"),
    ] {
        let e = r.unwrap_err();
        assert!(e.to_string().starts_with(field), "{e}");
    }
    assert_eq!(request(None, "2", true).unwrap().tickets.len(), 15);
    assert!(
        request(Some((1..=8).collect()), "3if4", false)
            .unwrap()
            .verified
    );
    // The public check refuses what it cannot check, by name.
    let ticket = [NumberSet::from_numbers(&[1, 2, 3, 4, 5, 6])];
    for (numbers, field) in [
        (&[0u8, 1, 2, 3, 4, 5][..], "numbers"),
        (&[1, 2, 3, 4, 5, 99], "numbers"),
        (&[1, 2, 3, 4, 5, 7], "tickets[0]"),
    ] {
        let e = lottopro_core::wheel::verify(&game, numbers, &ticket, g(2, 2)).unwrap_err();
        assert!(e.to_string().starts_with(field), "{numbers:?}: {e}");
    }
    assert!(Wheel::full_pool(&GameSpec::preset("uk-lotto").unwrap(), 2).is_err());
    assert!(
        Wheel::build(
            &GameSpec::preset("powerball").unwrap(),
            &[1, 2, 3, 4, 5, 6],
            g(2, 2),
            1
        )
        .is_err()
    );
}
