//! The integration suite of lottopro-http: one test binary, one module per concern.
// Test helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod alerts;
mod api;
mod cli;
mod common;
mod deploy;
mod hostile;
mod layout;
mod pension;
mod pension_sync;
mod service;
mod sync;
