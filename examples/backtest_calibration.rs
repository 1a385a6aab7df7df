//! How often does the backtest call a model significant when the draws are
//! fair? Runs every model over many fair synthetic histories and prints the
//! share of p-values below 0.05 per model and the family-wise rate after the
//! Holm correction (both should be near 5 %).
//!
//! `cargo run --release -p lottopro-examples --example backtest_calibration [HISTORIES] [DRAWS]`
//! (defaults: 1000 histories of 600 draws; about 10 s).

use lottopro_core::{BacktestOptions, Date, GameSpec, History, Model, backtest};

fn main() -> Result<(), lottopro_core::Error> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u64>());
    let histories = args.next().and_then(Result::ok).unwrap_or(1000);
    let draws = args
        .next()
        .and_then(Result::ok)
        .map_or(600, |d| u32::try_from(d).unwrap_or(600));
    let start = Date::parse("2002-12-07")?;
    let mut below = [0u64; Model::ALL.len()];
    let mut family = 0u64;
    for seed in 0..histories {
        let h = History::simulated(GameSpec::kr645(), draws, start, 10_000 + seed)?;
        let r = backtest(
            h.view(),
            &BacktestOptions {
                seed,
                ..BacktestOptions::default()
            },
        )?;
        for (i, m) in r.models.iter().enumerate() {
            below[i] += u64::from(m.p_value < 0.05);
        }
        family += u64::from(r.models.iter().any(|m| m.significant));
    }
    println!("{histories} fair histories of {draws} draws, 5 tickets per round, warm-up 100");
    for (model, n) in Model::ALL.iter().zip(below) {
        println!(
            "  {:<12} p < 0.05 in {:>5.1} %",
            model.as_str(),
            100.0 * n as f64 / histories as f64
        );
    }
    println!(
        "  family-wise (Holm, α = 0.05): {:.1} %",
        100.0 * family as f64 / histories as f64
    );
    Ok(())
}
