//! LottoPro core: games, tickets, draws and histories; exact odds, prize
//! ranks, the pari-mutuel pool model and tax; statistics, the
//! number-generation models and an honest walk-forward backtest; how many
//! players share a combination, and wheels with verified guarantees.
//!
//! No model can predict a fair draw, and nothing here pretends to: odds are
//! counted, prizes follow the operator's published rules, and every amount of
//! money is an integer.
//!
//! # Start here
//!
//! **The history ships with the crate.** [`History::bundled`] is the real
//! Korean Lotto 6/45 history (every draw since 2002 with what each rank paid;
//! see [`data`]). Other histories are read by [`io`] from CSV, the official
//! JSON or JSON lines, and validated line by line.
//!
//! **[`Engine`] or the free functions?** Use an [`Engine`] when a program
//! asks many questions of one history, as the HTTP service and the Python
//! module do: it keeps results in a cache keyed by the history's content, fits
//! each model once per history, reports timings to a [`metrics::Metrics`]
//! sink, and swaps in a new history atomically when draws arrive. Use the free
//! functions ([`predict()`], [`backtest()`], [`simulate()`], [`Odds::of`],
//! [`Stats::compute`], [`Wheel::build`]) for one-off work or when you manage
//! state yourself: they take the history (or a prefix of it) and a request,
//! and return the same types the engine does.
//!
//! ```
//! use lottopro_core::{Engine, History, Model, PredictRequest, Ticket};
//!
//! let engine = Engine::new(History::bundled());
//! let game = engine.game();
//!
//! // What did 4 5 25 28 32 12 win in round 1245? Rank 2: 55,064,392 won.
//! let ticket = Ticket::parse(&game, "4 5 25 28 32 12")?;
//! let checked = engine.check(&ticket, 1245)?;
//! assert_eq!((checked.rank, checked.prize.map(|p| p.get())), (Some(2), Some(55_064_392)));
//!
//! // Tickets from a model, with that model's walk-forward backtest beside
//! // them: the honest answer to "how accurate is it?".
//! let report = engine.predict_with_backtest(&PredictRequest {
//!     model: Model::Frequency,
//!     count: 2,
//!     include: vec![],
//!     exclude: vec![],
//!     seed: 7,
//! })?;
//! assert_eq!(report.target_round, 1246);
//! let line = report.backtest.expect("1,245 draws are enough to backtest");
//! assert!(!line.significant, "{}", line.verdict); // frequency does not beat chance
//! # Ok::<(), lottopro_core::Error>(())
//! ```
//!
//! **Errors.** Every fallible function returns [`Result`] with one [`Error`]
//! type. Its [`Error::kind`] is a stable, flat category ([`ErrorKind`]) for
//! mapping onto your own types; [`Error::field`] names the input at fault;
//! its message says what was wrong and what is allowed. Failures of a
//! dependency (a database, the network) are [`Error::Unavailable`] with the
//! original error as their typed [`source`](std::error::Error::source).
//!
//! **Features.** `default = []`.
//!
//! | feature | adds |
//! |---|---|
//! | `redis` | the Redis cache backend ([`RedisCache`], and [`TieredCache`] in front of it); without it, asking for a Redis cache is a clear error, never a silent fallback |
//! | `schema` | `utoipa::ToSchema` on every request and result type, so a host can describe them (the HTTP service's OpenAPI document, the Python module's `TypedDict`s) |
//! | `photo` | reading a ticket's QR code from a photo (`qr::read_image`): PNG and JPEG decoding and a QR detector |
//!
//! **Debug builds of a dependent.** The backtests and simulations run
//! millions of iterations; unoptimised, they are about 30 times slower (a
//! default backtest: 24.5 s instead of 0.82 s). A crate that depends on
//! this one keeps its own debug build fast by optimising just this crate:
//!
//! ```toml
//! [profile.dev.package.lottopro-core]
//! opt-level = 2
//! ```
//!
//! **Request types** all have a `Default` (LottoPro's defaults) and a
//! constructor, so a caller names only what it changes:
//!
//! ```
//! use lottopro_core::{BacktestOptions, Engine, History, Model, PredictRequest, StatsOptions};
//!
//! let engine = Engine::new(History::bundled());
//! let stats = engine.stats(&StatsOptions { window: 20, ..StatsOptions::default() })?;
//! assert_eq!(stats.window, 20);
//! let tickets = engine.predict(&PredictRequest { seed: 7, ..PredictRequest::new(Model::Ml, 2) })?;
//! assert_eq!(tickets.tickets.len(), 2);
//! let table = engine.backtest(&BacktestOptions {
//!     models: vec![Model::Frequency],
//!     warmup: 1200,
//!     ..BacktestOptions::default()
//! })?;
//! assert_eq!(table.models[0].verdict, "no evidence that it beats chance");
//! println!("{engine:?}"); // Engine { game: "kr645", draws: 1245, rounds: Some((1, 1245)), .. }
//! # Ok::<(), lottopro_core::Error>(())
//! ```
//!
//! **Randomness** is passed in and seeded ([`rng`]): the same seed gives the
//! same tickets, backtests and simulations on every platform and binding.
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
//! [`history`], [`io`] and [`data`] (files and the bundled history);
//! [`odds`], [`prize`] and [`tax`]; [`pension`] (Pension Lottery 720+, the
//! second Korean game, with its own digit tickets and annuity prizes); [`stats`], [`predict`](mod@predict) and [`backtest`](mod@backtest);
//! [`popularity`] (how many players share a combination) and [`wheel`]
//! (covering designs); [`engine`], [`cache`] and [`metrics`]; [`rng`]
//! holds the one seeded generator everything random uses.
#![warn(missing_docs)]

pub mod backtest;
pub mod cache;
pub mod cancel;
pub mod claim;
pub mod data;
pub mod date;
pub mod draw;
pub mod engine;
pub mod error;
pub mod game;
pub mod grammar;
pub mod history;
pub mod io;
pub mod metrics;
pub mod money;
pub mod odds;
pub mod pension;
pub mod popularity;
pub mod predict;
pub mod prize;
pub mod qr;
pub mod rng;
#[cfg(feature = "schema")]
mod schema;
pub mod simulate;
pub mod slip;
pub mod stats;
pub mod tax;
pub mod ticket;
pub mod wheel;

pub use backtest::{BacktestLine, BacktestOptions, BacktestReport, ModelResult, backtest};
pub use cache::{Cache, CacheConfig, MemoryCache, RedisCache, TieredCache};
pub use cancel::Cancel;
pub use claim::{Claim, ClaimPlace};
pub use date::Date;
pub use draw::{CheckResult, Draw, TierResult};
pub use engine::{Engine, EngineBuilder, PredictionReport, PrizeOptions, QrCheck, QrGame};
pub use error::{Error, ErrorKind, Reason, Result};
pub use game::{
    BonusMatch, BonusRule, EarlierPrice, Game, GameDef, GameOdds, GameSpec, GameSummary, GameTax,
    Payout, Tier,
};
pub use history::{EverWon, History, HistoryView, NextDraw};
pub use money::{Currency, Money};
pub use odds::{MatchProbability, Odds, TierOdds, enumerate_wins, match_distribution};
pub use pension::{
    PensionCheck, PensionDraw, PensionExpectedValue, PensionHistory, PensionOdds, PensionRank,
    PensionStats, PensionTicket, PensionTicketCheck, PrizeValue,
};
pub use popularity::{Popularity, PopularityEvaluation, TicketPopularity};
pub use predict::{
    FittedModel, Model, ModelSelection, PredictRequest, Prediction, Predictor, predict,
};
pub use prize::{PoolOutcome, TierPool, pool_prizes};
pub use qr::TicketQr;
pub use simulate::{
    Method, Plan, PrizeModel, SimulationReport, SimulationRequest, Strategy, simulate,
};
pub use slip::{Choice, RoundStatus, Slip, SlipGame, Staleness, TicketOutcome};
pub use stats::{PairMatrix, Stats, StatsOptions};
pub use tax::{Bracket, BracketTax, TaxAssessment, TaxRule};
pub use ticket::{Matches, NumberSet, Ticket};
pub use wheel::{Guarantee, Wheel, WheelRequest};
