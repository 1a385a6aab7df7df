//! The engine with its memory cache: a cached call against the same call
//! computed every time (no cache), on the real history.

#![allow(clippy::expect_used)] // Setup failures should stop a benchmark loudly.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lottopro_core::{BacktestOptions, Engine, Model, PredictRequest, StatsOptions};

fn engine(c: &mut Criterion) {
    let h = lottopro_core::History::bundled();
    let cached = Engine::new(h.clone());
    let uncached = Engine::builder(h).cache(None).build();
    let stats = StatsOptions::default();
    let predict = PredictRequest {
        model: Model::Ml,
        count: 5,
        include: vec![],
        exclude: vec![],
        seed: 1,
    };
    let backtest = BacktestOptions {
        models: vec![Model::Ml],
        ..BacktestOptions::default()
    };
    let mut g = c.benchmark_group("engine");
    for (name, engine) in [("memory_hit", &cached), ("uncached", &uncached)] {
        g.bench_function(format!("stats_{name}"), |b| {
            b.iter(|| engine.stats(black_box(&stats)));
        });
        g.bench_function(format!("predict_ml_{name}"), |b| {
            b.iter(|| engine.predict(black_box(&predict)));
        });
        g.bench_function(format!("backtest_ml_{name}"), |b| {
            b.iter(|| engine.backtest(black_box(&backtest)));
        });
    }
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
