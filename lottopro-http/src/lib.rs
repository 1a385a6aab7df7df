//! The `lottopro` command line (and, from the service issue on, the HTTP
//! service). Everything it shows is computed by `lottopro-core`; this crate
//! parses arguments, loads files and renders results as text or JSON.
//!
//! The client of the official results site (`sync`) lives here too, never
//! in the core.

pub mod api;
pub mod backup;
pub mod cli;
pub mod config;
pub mod logs;
pub mod monitoring;
pub mod store;
pub mod sync;
mod web;
