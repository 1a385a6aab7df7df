//! Prints the exact odds and the Korean tax on a few prizes.
//!
//! `cargo run -p lottopro-examples --example odds_table [GAME]`

use lottopro_core::{GameSpec, Money, Odds, TaxRule};

fn main() -> Result<(), lottopro_core::Error> {
    let id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "kr645".to_owned());
    let game = GameSpec::preset(&id)?;
    let odds = Odds::of(&game);
    println!(
        "{}: {} possible tickets",
        game.name(),
        odds.total_combinations
    );
    for tier in &odds.tiers {
        println!(
            "  rank {} ({}): 1 in {:.2}",
            tier.rank, tier.label, tier.one_in
        );
    }
    for gross in [5_000, 2_000_001, 1_000_000_000] {
        let a = game
            .tax()
            .assess(Money::new(gross, "gross")?, game.ticket_price())?;
        let cur = game.currency();
        println!(
            "  prize {} → tax {}, net {}",
            cur.format(a.gross),
            cur.format(a.tax),
            cur.format(a.net)
        );
    }
    Ok(())
}
