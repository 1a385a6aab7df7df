//! Wheels: a few small designs with known minimum sizes, a wheel of 12
//! numbers, the shipped table (its load-and-verify time, and a request it
//! answers), and the two full-pool designs of Korean Lotto 6/45, each
//! verified exhaustively, with the time each took.
//!
//! `cargo run --release -p lottopro-examples --example wheels`

use std::time::Instant;

use lottopro_core::{GameSpec, Guarantee, Wheel};

fn main() -> Result<(), lottopro_core::Error> {
    let game = GameSpec::kr645();
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("C(7,6,5)", (1..=7).collect(), "5if5"),
        ("C(9,6,2)", (1..=9).collect(), "2if2"),
        ("12 numbers, 3 if 4", (1..=12).collect(), "3if4"),
        ("12 numbers, 4 if 6", (1..=12).collect(), "4if6"),
        ("23 numbers, 3 if 4", (23..=45).collect(), "3if4"),
    ];
    for (name, numbers, g) in cases {
        let started = Instant::now();
        let w = Wheel::build(&game, &numbers, Guarantee::parse(g, 6)?, 1)?;
        println!(
            "{name:<20} {:>4} tickets, {:>9} draws checked, {:.2} s",
            w.tickets.len(),
            w.draws_checked,
            started.elapsed().as_secs_f64()
        );
    }
    // The shipped table: parsing and verifying every design, once per
    // process, then a request it answers.
    let started = Instant::now();
    let table = lottopro_core::wheel::Table::load_shipped();
    println!(
        "shipped table: {} designs loaded and verified in {:.1} ms",
        table.designs().len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    let numbers: Vec<u8> = (11..=30).collect();
    Wheel::build(&game, &numbers, Guarantee::parse("3if3", 6)?, 1)?;
    let started = Instant::now();
    let w = Wheel::build(&game, &numbers, Guarantee::parse("3if3", 6)?, 1)?;
    println!(
        "20 numbers, 3 if 3 from the table: {} tickets (best known {:?}, {}), {:.3} ms",
        w.tickets.len(),
        w.record.best_known.size,
        w.record.best_known.source,
        started.elapsed().as_secs_f64() * 1e3
    );
    for t in [2, 3] {
        let started = Instant::now();
        let w = Wheel::full_pool(&game, t)?;
        println!(
            "full pool, {t} matches {:>4} tickets, {:>9} draws checked, {:.2} s",
            w.tickets.len(),
            w.draws_checked,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
