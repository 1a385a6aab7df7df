//! The `lottopro` command line and the HTTP service with its dashboard.
//! Everything shown is computed by `lottopro-core`; this crate parses
//! arguments and requests, keeps state in SQLite, and renders results as
//! text, JSON, HTML and SVG.
//!
//! - [`cli`]: the subcommands; `serve` reads [`config::ServeConfig`].
//! - [`api`]: the router (`app`), every route with its OpenAPI description;
//!   the dashboard lives in the private `web` module.
//! - [`store`]: SQLite (draws, saved numbers, prediction history);
//!   [`backup`]: consistent copies of it.
//! - [`sync`]: the client of the official results site and its mirror
//!   (network code stays out of the core).
//! - [`monitoring`] and [`logs`]: the service watching itself.

pub mod api;
pub mod backup;
pub mod cli;
pub mod config;
pub mod logs;
pub mod monitoring;
pub mod store;
pub mod sync;
mod web;
