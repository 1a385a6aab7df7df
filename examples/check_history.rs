//! Loads the real Korean history and checks one ticket against every draw.
//!
//! `cargo run -p lottopro-examples --example check_history [TICKET]`

use lottopro_core::{History, Ticket};

fn main() -> Result<(), lottopro_core::Error> {
    let history = History::bundled();
    let game = history.game();
    let text = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "3 11 17 25 33 41".to_owned());
    let ticket = Ticket::parse(game, &text)?;

    let mut won = 0u64;
    let mut by_rank = [0u32; 5];
    for draw in history.draws() {
        if let Some(rank) = game.rank(&ticket, draw) {
            by_rank[usize::from(rank) - 1] += 1;
            won += draw.result(rank).map_or(0, |r| r.prize_each.get());
        }
    }
    let spent = game.ticket_price().get() * history.len() as u64;
    println!("ticket {ticket}, played in all {} draws", history.len());
    println!("wins by rank 1..5: {by_rank:?}");
    println!("spent {} won, won {} won before tax", spent, won);
    Ok(())
}
