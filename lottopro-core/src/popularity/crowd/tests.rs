//! Tests of `crowd`.
use super::*;
use rand::RngExt;

#[test]
fn normal_nodes_integrate_moments() {
    let nodes = normal_nodes(32);
    assert_eq!(nodes.len(), 32);
    let moment = |k: i32| nodes.iter().map(|(z, w)| w * z.powi(k)).sum::<f64>();
    assert!((moment(0) - 1.0).abs() < 1e-12);
    assert!(moment(1).abs() < 1e-12);
    assert!((moment(2) - 1.0).abs() < 1e-10);
    assert!((moment(4) - 3.0).abs() < 1e-9);
    // E[e^{σZ − σ²/2}] = 1.
    let s = 1.2;
    let m: f64 = nodes
        .iter()
        .map(|(z, w)| w * (s * z - 0.5 * s * s).exp())
        .sum();
    assert!((m - 1.0).abs() < 1e-9, "{m}");
}

#[test]
fn slip_lines_are_the_rows_columns_and_diagonals() {
    let lines = slip_lines(45, 6, 7);
    for l in [
        [1, 2, 3, 4, 5, 6],
        [2, 3, 4, 5, 6, 7],
        [7, 14, 21, 28, 35, 42],
        [1, 8, 15, 22, 29, 36],
        [8, 15, 22, 29, 36, 43],
        [1, 9, 17, 25, 33, 41],
        [7, 13, 19, 25, 31, 37],
    ] {
        assert!(lines.contains(&NumberSet::from_numbers(&l)), "{l:?}");
    }
    assert!(!lines.contains(&NumberSet::from_numbers(&[5, 6, 7, 8, 9, 10])));
    // Rows 1–6 hold two runs each; columns 1–3 two lines, 4–7 one; two
    // diagonals run down to the right (1 9 …, 2 10 …), four to the left.
    assert_eq!(lines.len(), 12 + 10 + 2 + 4);
}

#[test]
fn quick_pick_intervals_cover_the_truth() {
    // Draws like Korea's: 6–12 uniform winners' worth of games per
    // draw, the share falling from 0.75 to 0.62 and rising again.
    let truth = |round: u32| match round {
        ..600 => 0.75,
        600..1000 => 0.62,
        _ => 0.67,
    };
    let mut rng = crate::rng::seeded(7);
    let (mut covered, mut checked) = (0, 0);
    for _ in 0..100 {
        let obs: Vec<QuickObs> = (300..1300)
            .map(|round| {
                let exposure = 6.0 + 6.0 * rng.random::<f64>();
                QuickObs {
                    round,
                    exposure,
                    auto: poisson(&mut rng, exposure * truth(round)),
                }
            })
            .collect();
        let fit = QuickPicks::fit(&obs).unwrap();
        assert_eq!(fit.blocks.len(), 10);
        for round in [350, 750, 1250] {
            let (lo, hi) = fit.interval(round);
            checked += 1;
            if (lo..=hi).contains(&truth(round)) {
                covered += 1;
            }
        }
    }
    let rate = f64::from(covered) / f64::from(checked);
    assert!((0.92..=0.98).contains(&rate), "coverage {rate}");
}

#[test]
fn the_spread_is_recovered() {
    // 800 draws of 2–5 expected chosen winners, log-sd 0.6, 1 % of
    // combinations crowded ten times over.
    let mut rng = crate::rng::seeded(11);
    let [(_, c), (share, cm)] = Spread::components(0.01, 10.0);
    let data: Vec<(f64, f64)> = (0..800)
        .map(|_| {
            let lambda = 2.0 + 3.0 * rng.random::<f64>();
            let z: f64 = normal(&mut rng);
            let k = if rng.random::<f64>() < share { cm } else { c };
            let m = lambda * k * (0.6 * z - 0.18).exp();
            (poisson(&mut rng, m), lambda)
        })
        .collect();
    let s = fit_spread(&data);
    assert!((0.4..=0.8).contains(&s.sigma), "{s:?}");
    let total: f64 = s.surface.iter().map(|p| p.1).sum();
    assert!(total >= 1.0);
    // Without crowding the fit needs no cluster.
    let plain: Vec<(f64, f64)> = (0..800)
        .map(|_| {
            let lambda = 2.0 + 3.0 * rng.random::<f64>();
            let z: f64 = normal(&mut rng);
            (poisson(&mut rng, lambda * (0.6 * z - 0.18).exp()), lambda)
        })
        .collect();
    let s = fit_spread(&plain);
    assert!(s.lr_against_lognormal < 6.0, "{s:?}");
}

/// Over histories simulated from a known spread, the 95 % interval of
/// `sigma` holds the truth about as often as it says.
#[test]
fn the_spread_interval_covers_the_truth() {
    let mut rng = crate::rng::seeded(19);
    let [(_, c), (share, cm)] = Spread::components(0.01, 10.0);
    let (runs, mut covered) = (30, 0);
    for _ in 0..runs {
        let data: Vec<(f64, f64)> = (0..800)
            .map(|_| {
                let lambda = 2.0 + 3.0 * rng.random::<f64>();
                let z: f64 = normal(&mut rng);
                let k = if rng.random::<f64>() < share { cm } else { c };
                (
                    poisson(&mut rng, lambda * k * (0.6 * z - 0.18).exp()),
                    lambda,
                )
            })
            .collect();
        let (lo, hi) = fit_spread(&data).sigma_interval;
        if lo - 1e-9 <= 0.6 && 0.6 <= hi + 1e-9 {
            covered += 1;
        }
    }
    let rate = f64::from(covered) / f64::from(runs);
    assert!(rate >= 0.85, "coverage {rate}");
}

fn normal(rng: &mut impl rand::Rng) -> f64 {
    let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn poisson(rng: &mut impl rand::Rng, mean: f64) -> f64 {
    // Knuth's method; means here are small.
    let limit = (-mean).exp();
    let (mut k, mut p) = (0.0, 1.0);
    loop {
        p *= rng.random::<f64>();
        if p <= limit {
            return k;
        }
        k += 1.0;
    }
}
