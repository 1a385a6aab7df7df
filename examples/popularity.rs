//! The popularity model on the real Korean history: trained on draws up to
//! 1000, scored on draws 1001–1245 against uniform choice, then what it says
//! about a few tickets and about the anti-popular strategy's tickets against
//! random ones. Prints the figures the README quotes.
//!
//! `cargo run --release -p lottopro-examples --example popularity`

use lottopro_core::popularity::VALIDATION_SPLIT;
use lottopro_core::{GameSpec, History, Model, Popularity, PredictRequest, Ticket, predict};

fn main() -> Result<(), lottopro_core::Error> {
    let game = GameSpec::kr645();
    let history = History::bundled();
    let started = std::time::Instant::now();
    let e = Popularity::evaluate(history.view(), VALIDATION_SPLIT)?;
    println!(
        "trained on {} draws ({}–{}), scored on {} draws ({}–{}) in {:.2} s",
        e.train.draws,
        e.train.first_round,
        e.train.last_round,
        e.test_draws,
        e.test_first_round,
        e.test_last_round,
        started.elapsed().as_secs_f64()
    );
    println!(
        "rank  winners      uniform   calibrated        model  gain     φ       t  p (one-sided)"
    );
    for t in &e.tiers {
        println!(
            "{:>4} {:>8.0} {:>12.1} {:>12.1} {:>12.1} {:>5.1} % {:>7.1} {:>6.2}  {:.2e}",
            t.rank,
            t.winners,
            t.deviance_uniform,
            t.deviance_calibrated_uniform,
            t.deviance_model,
            100.0 * t.improvement,
            t.dispersion,
            t.t,
            t.p_value
        );
    }
    println!(
        "all ranks (gain / φ per draw): t = {:.2}, p = {:.2e}",
        e.combined_t, e.combined_p_value
    );
    println!(
        "pattern share ε = {:.2e} over {} progressions: a pattern ticket is played {:.1}× as often as a uniform one \
         (95 % profile interval {:.1}–{:.1}×; p = {:.3} against no pattern share)",
        e.pattern_share,
        e.patterns,
        e.pattern_multiplier,
        e.pattern_multiplier_interval.0,
        e.pattern_multiplier_interval.1,
        e.pattern_p_value
    );
    println!("most picked numbers: {:?}", e.most_popular_numbers);
    println!("least picked numbers: {:?}", e.least_popular_numbers);

    // Tickets and strategies are valued by the second model, as the engine
    // values them.
    let model = Popularity::fit_second_bundled(history.view())?;
    for text in [
        "1 2 3 4 5 6",
        "7 14 21 28 35 42",
        "3 11 17 25 33 41",
        "32 35 38 40 43 45",
    ] {
        let ticket = Ticket::parse(&game, text)?;
        let p = model.ticket(&game, &ticket, Some(history.view()), None)?;
        println!(
            "{text:>18}: {:>6.1}× uniform, rank-1 co-winners {:>7.1} (uniform {:.1}), EV {:.1} won (uniform {:.1})",
            p.popularity,
            p.expected_co_winners[&1],
            p.uniform_co_winners[&1],
            p.ev_per_ticket,
            p.uniform_ev_per_ticket
        );
    }
    // The anti-popular strategy against random tickets: 30 of each, seed 5
    // (the figures the README quotes), and the gain with a 95 % interval
    // over the tickets (Welch's t).
    let mut evs: Vec<Vec<f64>> = Vec::new();
    for strategy in [Model::AntiPopular, Model::Random] {
        let request = PredictRequest {
            model: strategy,
            count: 30,
            include: vec![],
            exclude: vec![],
            seed: 5,
        };
        let tickets = predict(history.view(), &request)?.tickets;
        let (mut ev, mut co) = (0.0, 0.0);
        let mut each = Vec::new();
        for t in &tickets {
            let p = model.ticket(&game, &t.ticket, Some(history.view()), None)?;
            ev += p.ev_per_ticket;
            co += p.expected_co_winners[&1];
            each.push(p.ev_per_ticket);
        }
        evs.push(each);
        let n = tickets.len() as f64;
        println!(
            "{:>18}: 30 tickets worth {:.1} won each on average, rank-1 co-winners {:.1}",
            strategy.as_str(),
            ev / n,
            co / n
        );
    }
    let stats = |v: &[f64]| {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var / n)
    };
    let ((a, va), (r, vr)) = (stats(&evs[0]), stats(&evs[1]));
    let half = 1.96 * (va + vr).sqrt();
    println!(
        "{:>18}: {:.1} won per ticket (95 % {:.1}–{:.1}), {:.1} % of a random ticket's value",
        "gain",
        a - r,
        a - r - half,
        a - r + half,
        100.0 * (a - r) / r
    );
    Ok(())
}
