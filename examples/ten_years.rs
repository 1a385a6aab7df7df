//! Ten years of five quick picks a week in Korean Lotto 6/45: what happens
//! to the money, over 10,000 repetitions. Prizes of ranks 1–3 follow the pool
//! model on the last year of real draws.
//!
//! `cargo run --release -p lottopro-examples --example ten_years`

use lottopro_core::{History, Method, Plan, PrizeModel, SimulationRequest, Strategy, simulate};

fn main() -> Result<(), lottopro_core::Error> {
    let history = History::bundled();
    let game = history.game();
    let prizes = PrizeModel::new(game, Some(history.view()), 52, &[])?;
    let request = SimulationRequest {
        plan: Plan {
            tickets_per_draw: 5,
            draws: 52 * 10,
            trials: 10_000,
        },
        strategy: Strategy::Random,
        method: Method::Auto,
        threads: None,
        seed: 2026,
    };
    let r = simulate(game, &prizes, &request, None)?;
    let won = |v: i128| format!("{v} won");
    println!(
        "Ten years of 5 quick picks a week ({} tickets, {} won per trial), {} trials:",
        r.plan.tickets_per_draw * r.plan.draws,
        r.spent_per_trial,
        r.plan.trials
    );
    println!("  prizes: {}", r.prize_basis);
    println!(
        "  a ticket is worth {:.1} won before tax and {:.1} after (exact); the simulation says {:.1} ± {:.1}",
        r.exact_ev_per_ticket,
        r.exact_ev_per_ticket_after_tax,
        r.simulated_ev_per_ticket,
        r.standard_error
    );
    println!(
        "  net outcome per trial: median {}, 5 % {}, 95 % {}, 99 % {}",
        won(r.percentiles.p50),
        won(r.percentiles.p5),
        won(r.percentiles.p95),
        won(r.percentiles.p99)
    );
    println!(
        "  ended ahead in {:.2} % of trials; mean {:.0} won; return {:.1} %",
        100.0 * r.p_profit,
        r.mean_net,
        100.0 * (1.0 + r.roi)
    );
    for w in &r.wins {
        println!(
            "  rank {}: {} wins (expected {:.1})",
            w.rank, w.wins, w.expected
        );
    }
    Ok(())
}
