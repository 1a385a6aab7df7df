//! Intervals against the truth: histories simulated from a known second
//! model (the one fitted to the real Korean history), refitted, and each
//! 95 % interval checked for holding the value the known model gives.

use rand::RngExt;
use rand_distr::{Distribution, Poisson, StandardNormal};

use super::Popularity;
use super::crowd::{Calibration, KR645_CALIBRATION, Spread};
use crate::draw::{Draw, TierResult};
use crate::history::History;
use crate::io::FirstPrizeChoice;
use crate::money::Money;
use crate::ticket::NumberSet;

/// One history like the real one, drawn from `truth`: every draw keeps its
/// numbers and sales, its winners of each rank are drawn from the model
/// (the chosen 1st-prize winners with the crowding spread), and so are the
/// 1st-prize choice split and the draw-1019 purchase counts.
fn simulate(
    truth: &Popularity,
    real: &History,
    rng: &mut crate::rng::LottoRng,
) -> (History, Vec<FirstPrizeChoice>, Calibration) {
    let game = real.game().clone();
    let view = real.view();
    let obs = truth.observations(view);
    let [sigma, share, mult] = truth.parameters().spread;
    let components = Spread::components(share, mult);
    let poisson = |mean: f64, rng: &mut crate::rng::LottoRng| -> u64 {
        if mean <= 0.0 {
            0
        } else {
            Poisson::new(mean).map_or(0.0, |d| d.sample(rng)) as u64
        }
    };
    let mut choices = Vec::new();
    let mut draws: Vec<Draw> = Vec::new();
    let mut next = obs.iter().peekable();
    for d in view.draws() {
        let Some(o) = next.next_if(|o| o.main == d.numbers()) else {
            draws.push(d.clone());
            continue;
        };
        let mut results = Vec::new();
        for (r, tier) in truth.tiers.iter().enumerate() {
            let mu = truth.mu_and_grad(o, r, None);
            let winners = if r == 0 {
                let quick = o.tickets * truth.scale[0] * o.quick * tier.probability;
                let factor = if rng.random::<f64>() < components[0].0 {
                    components[0].1
                } else {
                    components[1].1
                };
                let z: f64 = StandardNormal.sample(rng);
                let u = factor * (sigma * z - 0.5 * sigma * sigma).exp();
                let auto = poisson(quick, rng);
                let chosen = poisson((mu - quick) * u, rng);
                choices.push(FirstPrizeChoice {
                    round: d.round(),
                    auto: auto as u32,
                    semi_auto: 0,
                    manual: chosen as u32,
                });
                auto + chosen
            } else {
                poisson(mu, rng)
            };
            results.push(TierResult {
                rank: tier.rank,
                winners,
                prize_each: if winners == 0 { Money::ZERO } else { Money(1) },
            });
        }
        draws.push(d.clone().with_results(&game, &results).unwrap());
    }
    let c = &KR645_CALIBRATION;
    let games = c.sales as f64 / 1000.0;
    let mut at_1019 = truth.parameters();
    at_1019.quick = truth.quick.as_ref().unwrap().share(c.round);
    let mut calibration = *c;
    let mut then = truth.clone();
    then.most_drawn = vec![NumberSet::from_numbers(&c.counts[0].0)];
    for (t, n) in &mut calibration.counts {
        let share = then.share_with(NumberSet::from_numbers(t), &at_1019);
        *n = poisson(games * share, rng);
    }
    (History::new(game, draws).unwrap(), choices, calibration)
}

/// Over histories simulated from a known model, the intervals of a ticket's
/// expected buyers and popularity rank and of a draw's sales figures hold
/// the known model's values about as often as they say.
#[test]
fn intervals_cover_the_truth_on_simulated_histories() {
    let real = crate::data::kr645();
    let truth = Popularity::fit_second_bundled(real.view()).unwrap();
    let sales = Money(110_000_000_000);
    let tickets: Vec<NumberSet> = [
        [3, 11, 19, 26, 38, 44],
        [5, 9, 22, 31, 36, 41],
        [1, 2, 3, 4, 5, 6],
        [7, 14, 21, 28, 35, 42],
        [10, 20, 30, 33, 40, 45],
    ]
    .iter()
    .map(|t| NumberSet::from_numbers(t))
    .collect();
    let true_crowd: Vec<_> = tickets
        .iter()
        .map(|t| truth.ticket_crowd(*t, sales).unwrap())
        .collect();
    let true_sales = truth.sales_distribution(sales).unwrap();
    let mut rng = crate::rng::seeded(2027);
    let runs = 20;
    let mut covered: std::collections::BTreeMap<&str, (u32, u32)> = Default::default();
    let mut tally = |what: &'static str, hit: bool| {
        let e = covered.entry(what).or_default();
        e.0 += u32::from(hit);
        e.1 += 1;
    };
    for _ in 0..runs {
        let (history, choices, calibration) = simulate(&truth, &real, &mut rng);
        let fit = Popularity::fit_second(history.view(), &choices, Some(&calibration)).unwrap();
        for (t, truth) in tickets.iter().zip(&true_crowd) {
            let c = fit.ticket_crowd(*t, sales).unwrap();
            let b = c.expected_buyers;
            tally(
                "buyers",
                (b.low..=b.high).contains(&truth.expected_buyers.estimate),
            );
            let r = c.popularity_rank_interval;
            tally(
                "rank",
                (r.low..=r.high).contains(&(truth.popularity_rank as f64)),
            );
        }
        let d = fit.sales_distribution(sales).unwrap();
        for (what, e, t) in [
            ("never", d.never_bought, true_sales.never_bought),
            ("once", d.bought_once, true_sales.bought_once),
            ("fifty", d.bought_50_or_more, true_sales.bought_50_or_more),
            ("max", d.max_bought, true_sales.max_bought),
        ] {
            tally(what, (e.low..=e.high).contains(&t.estimate));
        }
    }
    // 95 % intervals: over 100 checks (five tickets) a rate below 0.88,
    // over 20 one below 0.8, is more than three standard errors short.
    eprintln!("coverage over {runs} simulated histories: {covered:?}");
    for (what, (hit, all)) in &covered {
        let rate = f64::from(*hit) / f64::from(*all);
        let floor = if *all >= 100 { 0.88 } else { 0.8 };
        assert!(rate >= floor, "{what}: {hit} of {all}");
    }
}
