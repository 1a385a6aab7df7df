//! LottoPro core: games, tickets, draws and histories; exact odds, prize
//! ranks, the pari-mutuel pool model and tax; statistics, the
//! number-generation models and an honest walk-forward backtest; how many
//! players share a combination, and wheels with verified guarantees.
//!
//! No model can predict a fair draw, and nothing here pretends to: odds are
//! counted, prizes follow the operator's published rules, and every amount of
//! money is an integer.
//!
//! ```
//! use lottopro_core::{GameSpec, Odds, Ticket};
//!
//! let game = GameSpec::kr645();
//! let ticket = Ticket::parse(&game, "3 11 17 25 33 41")?;
//! assert_eq!(ticket.to_string(), "3 11 17 25 33 41");
//!
//! let odds = Odds::of(&game);
//! assert_eq!(odds.tiers[0].combinations, 1);
//! assert_eq!(odds.total_combinations, 8_145_060);
//! # Ok::<(), lottopro_core::Error>(())
//! ```
//!
//! Modules, upstream first: [`game`] (rules), [`ticket`] and [`draw`],
//! [`history`] and [`io`] (files); [`odds`], [`prize`] and [`tax`];
//! [`stats`], [`predict`] and [`backtest`]; [`popularity`] (how many
//! players share a combination) and [`wheel`] (covering designs); [`rng`]
//! holds the one seeded generator everything random uses.
#![warn(missing_docs)]

pub mod backtest;
pub mod cache;
pub mod data;
pub mod date;
pub mod draw;
pub mod engine;
pub mod error;
pub mod game;
pub mod history;
pub mod io;
pub mod metrics;
pub mod money;
pub mod odds;
pub mod popularity;
pub mod predict;
pub mod prize;
pub mod qr;
pub mod rng;
pub mod simulate;
pub mod stats;
pub mod tax;
pub mod ticket;
pub mod wheel;

pub use backtest::{BacktestLine, BacktestOptions, BacktestReport, ModelResult, backtest};
pub use cache::{Cache, CacheConfig, MemoryCache, RedisCache, TieredCache};
pub use date::Date;
pub use draw::{CheckResult, Draw, TierResult};
pub use engine::{Engine, EngineBuilder, PredictionReport, PrizeOptions, QrCheck, QrGame};
pub use error::{Error, ErrorKind, Result};
pub use game::{BonusMatch, BonusRule, GameDef, GameSpec, Payout, Tier};
pub use history::{History, HistoryView};
pub use money::{Currency, Money};
pub use odds::{MatchProbability, Odds, TierOdds, enumerate_wins, match_distribution};
pub use popularity::{Popularity, PopularityEvaluation, TicketPopularity};
pub use predict::{
    FittedModel, Model, ModelSelection, PredictRequest, Prediction, Predictor, predict,
};
pub use prize::{PoolOutcome, TierPool, pool_prizes};
pub use qr::TicketQr;
pub use simulate::{
    Method, Plan, PrizeModel, SimulationReport, SimulationRequest, Strategy, simulate,
};
pub use stats::{Stats, StatsOptions};
pub use tax::{Bracket, BracketTax, TaxAssessment, TaxRule};
pub use ticket::{Matches, NumberSet, Ticket};
pub use wheel::{Guarantee, Wheel, WheelRequest};
