//! The integration suite of lottopro-core: one test binary, one module per concern.
// Test helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backtest;
mod cache;
mod cancel;
mod common;
mod engine;
mod history_io;
mod odds;
mod popularity;
mod predict;
mod prize_pool;
mod simulate;
mod stats;
mod tax;
mod tickets;
mod wheel;
