//! The `lottopro` command line and the HTTP service with its dashboard.
//! Everything shown is computed by `lottopro-core`; this crate parses
//! arguments and requests, keeps state in a store, and renders results as
//! text, JSON, HTML and SVG.
//!
//! - [`cli`]: the subcommands, one clap `Args` each; `serve` reads
//!   [`config::ServeConfig`] and runs [`server::serve`].
//! - [`app`]: the state, the options and `app(state) -> Router`, with the
//!   plumbing the API and the dashboard share; [`api`] (JSON routes) and the
//!   private `web` module (the dashboard) are its leaves and never import
//!   each other.
//! - [`server`]: start-up, background tasks and shutdown.
//! - [`store`]: draws, saved numbers and prediction history, on SQLite or
//!   PostgreSQL.
//! - [`backup`]: one archive of the database, Redis, logs and settings,
//!   kept locally and in S3-compatible storage.
//! - [`sync`]: the client of the official results site and its mirror
//!   (network code stays out of the core).
//! - [`telemetry`]: monitoring, alerts and logs.
//! - [`push`]: Web Push notifications (VAPID, aes128gcm) to players'
//!   browsers.
//! - [`secret`]: random secrets and their constant-time comparison.

pub mod api;
pub mod app;
pub mod backup;
pub mod cli;
pub mod config;
pub mod listen;
pub mod push;
pub mod secret;
pub mod server;
pub mod store;
pub mod sync;
pub mod telemetry;
mod web;
