//! The service watching itself.
//!
//! - [`monitor`]: per-route request figures, the last hour's time series,
//!   the engine's hooks and the Prometheus recorder, and the self-check loop
//!   that feeds the alerts;
//! - [`alerts`]: system readings, thresholds, and notices by webhook and
//!   e-mail;
//! - [`logs`]: the JSON-lines log files in the original app's layout.

pub mod alerts;
pub mod batched;
pub mod logs;
pub mod monitor;
