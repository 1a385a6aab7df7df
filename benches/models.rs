//! Benchmarks of statistics, prediction and the walk-forward backtest over
//! the real Korean history (1,245 draws, every draw scored, 5 tickets each).

#![allow(clippy::expect_used)] // Setup failures should stop a benchmark loudly.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lottopro_core::stats::{Stats, StatsOptions};
use lottopro_core::{BacktestOptions, Model, PredictRequest, backtest, predict};

fn models(c: &mut Criterion) {
    let h = lottopro_core::History::bundled();
    let opts = |models: &[Model]| BacktestOptions {
        models: models.to_vec(),
        tickets_per_round: 5,
        warmup: 0,
        ..BacktestOptions::default()
    };
    let four = opts(&[
        Model::Frequency,
        Model::Trend,
        Model::Pattern,
        Model::Statistical,
    ]);
    let five = opts(&[
        Model::Frequency,
        Model::Trend,
        Model::Pattern,
        Model::Statistical,
        Model::Ml,
    ]);

    c.bench_function("stats_full_history", |b| {
        b.iter(|| Stats::compute(black_box(h.view()), &StatsOptions::default()));
    });
    c.bench_function("predict_frequency_5_tickets", |b| {
        let req = PredictRequest {
            model: Model::Frequency,
            count: 5,
            include: vec![],
            exclude: vec![],
            seed: 1,
        };
        b.iter(|| predict(black_box(h.view()), &req));
    });
    let mut group = c.benchmark_group("backtest_1245_draws");
    group.sample_size(20);
    group.bench_function("four_statistical_models", |b| {
        b.iter(|| backtest(black_box(h.view()), &four));
    });
    group.bench_function("all_five_models", |b| {
        b.iter(|| backtest(black_box(h.view()), &five));
    });
    for m in Model::ALL {
        group.bench_function(m.as_str(), |b| {
            b.iter(|| backtest(black_box(h.view()), &opts(&[m])));
        });
    }
    group.finish();
}

criterion_group!(benches, models);
criterion_main!(benches);
