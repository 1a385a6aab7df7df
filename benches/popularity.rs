//! Benchmarks of the popularity model and of wheels: fitting both models to
//! the real Korean history (with per-rank winners), valuing one ticket, a
//! draw's sales distribution, the anti-popular strategy's tickets, the
//! exhaustive wheel checks, and the shipped wheel table (its load-and-verify
//! time and a request it answers).

#![allow(clippy::expect_used)] // Setup failures should stop a benchmark loudly.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lottopro_core::{
    BacktestOptions, GameSpec, Guarantee, History, Model, Popularity, PredictRequest, Ticket,
    Wheel, backtest, predict,
};

fn popularity(c: &mut Criterion) {
    let game = GameSpec::kr645();
    let h = History::bundled();
    let model = Popularity::fit(h.view()).expect("a fit");
    let ticket = Ticket::parse(&game, "3 11 17 25 33 41").expect("a ticket");

    let mut g = c.benchmark_group("popularity");
    g.sample_size(20);
    g.bench_function("fit_1245_draws", |b| {
        b.iter(|| Popularity::fit(black_box(h.view())));
    });
    g.bench_function("ticket_value", |b| {
        b.iter(|| model.ticket(&game, black_box(&ticket), Some(h.view()), None));
    });
    // The second model, which the engine uses: its fit, one ticket's full
    // valuation (with expected buyers, their interval and the rank), and a
    // whole draw's sales distribution.
    let second = Popularity::fit_second_bundled(h.view()).expect("a fit");
    g.bench_function("second_fit_1245_draws", |b| {
        b.iter(|| Popularity::fit_second_bundled(black_box(h.view())));
    });
    g.bench_function("second_ticket_value", |b| {
        b.iter(|| second.ticket(&game, black_box(&ticket), Some(h.view()), None));
    });
    let sales = lottopro_core::Money::new(102_804_882_000, "sales").expect("sales");
    g.bench_function("second_sales_distribution", |b| {
        b.iter(|| second.sales_distribution(black_box(sales)));
    });
    g.bench_function("anti_popular_predict_5_tickets", |b| {
        let request = PredictRequest {
            model: Model::AntiPopular,
            count: 5,
            include: vec![],
            exclude: vec![],
            seed: 1,
        };
        b.iter(|| predict(black_box(h.view()), &request));
    });
    g.bench_function("backtest_anti_popular_1245_draws", |b| {
        // Walk-forward: the model is refitted every 100 draws.
        let options = BacktestOptions {
            models: vec![Model::AntiPopular],
            ..BacktestOptions::default()
        };
        b.iter(|| backtest(black_box(h.view()), &options));
    });
    g.finish();

    let mut w = c.benchmark_group("wheel");
    w.sample_size(10);
    w.bench_function("full_pool_3_verified_8145060_draws", |b| {
        b.iter(|| Wheel::full_pool(&game, 3));
    });
    let numbers: Vec<u8> = (1..=12).collect();
    w.bench_function("build_12_numbers_3if4", |b| {
        b.iter(|| Wheel::build(&game, &numbers, Guarantee { t: 3, m: 4 }, 1));
    });
    // The shipped table: parsing and verifying every design (what the first
    // wheel request of a process pays), then requests it answers (a lookup,
    // relabelled and verified over every draw).
    w.bench_function("table_load_and_verify_all", |b| {
        b.iter(lottopro_core::wheel::Table::load_shipped);
    });
    for (v, t) in [(20u8, 3u8), (25, 3), (20, 4), (25, 4)] {
        let numbers: Vec<u8> = (1..=v).map(|n| n + 10).collect();
        let request = lottopro_core::WheelRequest {
            numbers: Some(numbers),
            guarantee: format!("{t}if{t}"),
            full_pool: false,
            seed: None,
        };
        w.bench_function(format!("request_{v}_numbers_{t}if{t}_from_table"), |b| {
            b.iter(|| black_box(&request).build(&game));
        });
    }
    w.finish();
}

criterion_group!(benches, popularity);
criterion_main!(benches);
