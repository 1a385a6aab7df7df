//! Benchmarks of the foundation: parsing, scoring, odds, tax and import.
#![allow(clippy::expect_used)] // Setup failures should stop a benchmark loudly.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lottopro_core::io::{self, Format};
use lottopro_core::{GameSpec, Money, Odds, TaxRule, Ticket};

fn foundation(c: &mut Criterion) {
    let game = GameSpec::kr645();
    let csv = lottopro_core::data::KR645_DRAWS_CSV.as_bytes();
    let history = io::read_history(csv, Format::Csv, game.clone()).expect("valid history");
    let ticket = Ticket::parse(&game, "3 11 17 25 33 41").expect("valid ticket");

    c.bench_function("ticket_parse", |b| {
        b.iter(|| Ticket::parse(&game, black_box("3 11 17 25 33 41")));
    });
    c.bench_function("rank_1245_draws", |b| {
        b.iter(|| {
            history
                .draws()
                .iter()
                .filter_map(|d| game.rank(black_box(&ticket), d))
                .count()
        });
    });
    c.bench_function("odds_kr645", |b| b.iter(|| Odds::of(black_box(&game))));
    c.bench_function("tax_kr645", |b| {
        b.iter(|| {
            game.tax().assess(
                black_box(Money::new(1_000_000_000, "gross").unwrap_or_default()),
                game.ticket_price(),
            )
        });
    });
    c.bench_function("import_csv_1245_draws", |b| {
        b.iter(|| io::read_history(black_box(csv), Format::Csv, game.clone()));
    });
}

criterion_group!(benches, foundation);
criterion_main!(benches);
