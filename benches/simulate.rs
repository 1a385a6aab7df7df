//! Benchmarks of the simulator (Korean Lotto 6/45, fixed-tier prizes so the
//! figures measure simulation, not prize lookup):
//!
//! * per-ticket Monte Carlo, each ticket against its own random draw, on one
//!   and two threads (throughput in tickets per second);
//! * a fixed set of 100 tickets scored against many random draws;
//! * outcome-count sampling of random quick picks, for plans of 2.6 million
//!   and 1 billion tickets.

#![allow(clippy::expect_used)] // Setup failures should stop a benchmark loudly.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lottopro_core::{
    GameSpec, Method, Plan, PrizeModel, SimulationRequest, Strategy, Ticket, simulate,
};

fn request(plan: Plan, strategy: Strategy, method: Method, threads: usize) -> SimulationRequest {
    SimulationRequest {
        plan,
        strategy,
        method,
        threads: Some(threads),
        seed: 1,
    }
}

fn simulator(c: &mut Criterion) {
    let game = GameSpec::kr645();
    let prizes = PrizeModel::new(&game, None, 0, &[]).expect("prize model");
    let run = |req: &SimulationRequest| {
        simulate(&game, &prizes, black_box(req), None).expect("simulation")
    };

    let mut g = c.benchmark_group("per_ticket");
    g.sample_size(10);
    // Each ticket against its own draw: one ticket per draw.
    let own_draw = Plan {
        tickets_per_draw: 1,
        draws: 20_000_000,
        trials: 1,
    };
    g.throughput(Throughput::Elements(own_draw.draws));
    for threads in [1, 2] {
        let req = request(own_draw, Strategy::Random, Method::PerTicket, threads);
        g.bench_function(format!("own_draw_{threads}_threads"), |b| {
            b.iter(|| run(&req));
        });
    }
    // 100 fixed tickets against 1 million draws: 100 million evaluations.
    let fixed: Vec<Ticket> = (0..100u32)
        .map(|i| {
            let n: Vec<u8> = (0..6).map(|k| ((i * 7 + k * 6) % 45 + 1) as u8).collect();
            Ticket::new(&game, &n, &[]).expect("distinct numbers")
        })
        .collect();
    let fixed_plan = Plan {
        tickets_per_draw: 100,
        draws: 1_000_000,
        trials: 1,
    };
    g.throughput(Throughput::Elements(100_000_000));
    for threads in [1, 2] {
        let req = request(
            fixed_plan,
            Strategy::Fixed(fixed.clone()),
            Method::PerTicket,
            threads,
        );
        g.bench_function(format!("fixed_100_tickets_{threads}_threads"), |b| {
            b.iter(|| run(&req));
        });
    }
    g.finish();

    let mut g = c.benchmark_group("outcome_counts");
    // Ten years of five tickets a week, 1,000 trials: 520,000 simulated draws.
    let ten_years = Plan {
        tickets_per_draw: 5,
        draws: 520,
        trials: 1_000,
    };
    g.throughput(Throughput::Elements(ten_years.draws * ten_years.trials));
    let req = request(ten_years, Strategy::Random, Method::OutcomeCounts, 2);
    g.bench_function("ten_years_1000_trials", |b| b.iter(|| run(&req)));
    // One billion tickets: 5 a draw for 200 million draws, and 1,000 trials of a million.
    for (name, plan) in [
        (
            "billion_tickets_1_trial",
            Plan {
                tickets_per_draw: 5,
                draws: 200_000_000,
                trials: 1,
            },
        ),
        (
            "billion_tickets_1000_trials",
            Plan {
                tickets_per_draw: 5,
                draws: 200_000,
                trials: 1_000,
            },
        ),
    ] {
        g.throughput(Throughput::Elements(plan.draws * plan.trials));
        let req = request(plan, Strategy::Random, Method::OutcomeCounts, 2);
        g.bench_function(name, |b| b.iter(|| run(&req)));
    }
    g.finish();
}

criterion_group!(benches, simulator);
criterion_main!(benches);
