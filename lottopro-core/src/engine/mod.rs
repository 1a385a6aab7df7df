//! The engine: the one entry point of the Python module and the HTTP service.
//!
//! An [`Engine`] holds a [`History`] snapshot, an optional [`Cache`] and a
//! [`Metrics`] sink, and offers every operation the wrappers expose. Results
//! that cost real work (statistics, backtests, simulations) are
//! cached under keys made of the operation, the game, the history's epoch and
//! a digest of the parameters, so adding or correcting draws changes every
//! key that depends on them and stale results are simply never asked for
//! again; each result also carries tags (`history`, `stats`, `backtest`,
//! `simulate`) for explicit invalidation. Predictions are the exception:
//! tickets depend on the seed and cost microseconds once the model is
//! fitted, so the engine keeps the fitted models of the current epoch in
//! process (one per model) instead of caching tickets.
//!
//! The history sits behind an `RwLock<Arc<History>>`: an operation clones the
//! `Arc` and works on that snapshot, so replacing or extending the history is
//! atomic for concurrent readers and never blocks them for longer than a
//! pointer swap. A cache failure never fails an operation: it counts as a
//! miss and the result is computed.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::backtest::{BacktestLine, BacktestOptions, BacktestReport, backtest};
use crate::cache::{Cache, CacheStats, MemoryCache, get_cached, get_or_compute};
use crate::draw::{CheckResult, Draw};
use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::history::{EverWon, History};
use crate::metrics::{CacheEvent, Metrics, MetricsRecorder, MetricsSnapshot, NoopMetrics, Outcome};
use crate::money::Money;
use crate::odds::Odds;
use crate::popularity::{Popularity, PopularityEvaluation};
use crate::predict::{FittedModel, Model, PredictRequest, Prediction, Sampler};
use crate::simulate::{PrizeModel, SimulationReport, SimulationRequest, simulate_picking};
use crate::stats::{Stats, StatsOptions};
use crate::tax::{TaxAssessment, TaxRule};
use crate::ticket::{Ticket, TicketRecord};
use crate::wheel::{Wheel, WheelRequest};
use std::sync::Mutex;

mod flight;
mod popularity;
mod tickets;

pub use tickets::{QrCheck, QrGame};

/// Version of the cache key layout; bump it when a cached type changes shape.
const KEY_VERSION: &str = "v1";

/// How prizes are valued in [`Engine::simulate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PrizeOptions {
    /// Recent draws the pool model samples from (default 52: a year).
    pub recent: usize,
    /// Fixed amounts for ranks, `(rank, amount)`.
    pub overrides: Vec<(u8, Money)>,
}

impl PrizeOptions {
    /// Recent draws the pool model samples from by default: a year.
    pub const DEFAULT_RECENT: usize = 52;
}

impl Default for PrizeOptions {
    fn default() -> Self {
        PrizeOptions {
            recent: Self::DEFAULT_RECENT,
            overrides: Vec::new(),
        }
    }
}

/// A prediction with its honest context; see [`Engine::predict_with_backtest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PredictionReport {
    /// The tickets and how they were made.
    #[serde(flatten)]
    pub prediction: Prediction,
    /// The model's own backtest (`None` for a history too short to
    /// backtest).
    pub backtest: Option<BacktestLine>,
    /// The round the tickets are for: the one after the latest known.
    pub target_round: u32,
}

/// What [`Engine::warm`] precomputed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct WarmReport {
    /// The history epoch the results belong to.
    pub epoch: String,
    /// Results computed and stored.
    pub computed: Vec<String>,
    /// How long it took, seconds.
    pub seconds: f64,
}

/// See the module docs.
pub struct Engine {
    history: RwLock<Arc<History>>,
    cache: Option<Arc<dyn Cache>>,
    metrics: Arc<dyn Metrics>,
    recorder: Option<Arc<MetricsRecorder>>,
    ttl: Duration,
    /// Fitted models of the current epoch, one per model.
    fitted: Mutex<Vec<(u64, Arc<FittedModel>)>>,
    /// The popularity model of the current epoch.
    popularity: popularity::PerEpoch<Popularity>,
    /// Each model's backtest line of the current epoch (see
    /// [`Engine::predict_with_backtest`]).
    lines: popularity::PerEpoch<Vec<(Model, BacktestLine)>>,
    /// Its out-of-sample evaluation, of the current epoch.
    evaluation: popularity::PerEpoch<PopularityEvaluation>,
    /// The keys being computed (see `Engine::cached`).
    inflight: flight::Flights,
}

/// Builds an [`Engine`].
pub struct EngineBuilder {
    history: History,
    cache: Option<Arc<dyn Cache>>,
    metrics: Option<Arc<dyn Metrics>>,
    recorder: bool,
    ttl: Duration,
}

impl std::fmt::Debug for Engine {
    /// The game, how many draws and which rounds, the epoch, and how it
    /// caches: `Engine { game: "kr645", draws: 1245, rounds: Some((1, 1245)), .. }`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let h = self.history();
        f.debug_struct("Engine")
            .field("game", &h.game().id())
            .field("draws", &h.len())
            .field("rounds", &h.first_round().zip(h.latest_round()))
            .field("epoch", &format_args!("{:016x}", h.epoch()))
            .field("cached", &self.cache.is_some())
            .field("ttl", &self.ttl)
            .field("records_metrics", &self.recorder.is_some())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for EngineBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineBuilder")
            .field("game", &self.history.game().id())
            .field("draws", &self.history.len())
            .field("cached", &self.cache.is_some())
            .field("metrics", &self.metrics.is_some())
            .field("record_metrics", &self.recorder)
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl EngineBuilder {
    /// The cache to use (`None`: no caching). Default: a memory cache of
    /// 1,000 entries.
    pub fn cache(mut self, cache: Option<Arc<dyn Cache>>) -> Self {
        self.cache = cache;
        self
    }
    /// The metrics sink. Default: [`NoopMetrics`]. With
    /// [`record_metrics`](Self::record_metrics) as well, both are fed.
    pub fn metrics(mut self, metrics: Arc<dyn Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }
    /// Keep metrics in memory, readable with [`Engine::metrics`].
    pub fn record_metrics(mut self) -> Self {
        self.recorder = true;
        self
    }
    /// How long results stay cached (default 300 s).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }
    /// The engine.
    pub fn build(self) -> Engine {
        let recorder = self.recorder.then(|| Arc::new(MetricsRecorder::new()));
        let metrics: Arc<dyn Metrics> = match (self.metrics, &recorder) {
            (Some(m), Some(r)) => Arc::new(Both(m, r.clone())),
            (Some(m), None) => m,
            (None, Some(r)) => r.clone(),
            (None, None) => Arc::new(NoopMetrics),
        };
        Engine {
            history: RwLock::new(Arc::new(self.history)),
            cache: self.cache,
            metrics,
            recorder,
            ttl: self.ttl,
            fitted: Mutex::new(Vec::new()),
            popularity: Mutex::new(None),
            lines: Mutex::new(None),
            evaluation: Mutex::new(None),
            inflight: flight::Flights::default(),
        }
    }
}

/// A sink and the in-memory recorder, both fed (a host's exporter plus
/// [`Engine::metrics`]).
struct Both(Arc<dyn Metrics>, Arc<MetricsRecorder>);

impl Metrics for Both {
    fn operation(&self, name: &'static str, elapsed: Duration, outcome: Outcome) {
        self.0.operation(name, elapsed, outcome);
        self.1.operation(name, elapsed, outcome);
    }
    fn cache(&self, tier: &'static str, event: CacheEvent) {
        self.0.cache(tier, event);
        self.1.cache(tier, event);
    }
}

impl Engine {
    /// An engine on `history` with the defaults (memory cache, no metrics sink).
    pub fn new(history: History) -> Engine {
        Engine::builder(history).build()
    }

    /// A builder for an engine on `history`.
    pub fn builder(history: History) -> EngineBuilder {
        EngineBuilder {
            history,
            cache: Some(Arc::new(MemoryCache::new(1000, None))),
            metrics: None,
            recorder: false,
            ttl: Duration::from_secs(300),
        }
    }

    /// The current history snapshot.
    pub fn history(&self) -> Arc<History> {
        match self.history.read() {
            Ok(h) => h.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The game of the history.
    pub fn game(&self) -> GameSpec {
        self.history().game().clone()
    }

    /// Replaces the history at once; readers see the old or the new one, never a mix.
    pub fn replace_history(&self, history: History) {
        match self.history.write() {
            Ok(mut h) => *h = Arc::new(history),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(history),
        }
        self.invalidate("history");
    }

    /// Appends draws that continue the history; on error nothing changes.
    /// Returns the rounds added.
    pub fn add_draws(&self, draws: Vec<Draw>) -> Result<Vec<u32>> {
        self.timed("add_draws", || {
            let rounds: Vec<u32> = draws.iter().map(Draw::round).collect();
            let mut guard = self
                .history
                .write()
                .map_err(|_| Error::history(None, "the history lock is poisoned"))?;
            let next = guard.extended(draws)?;
            *guard = Arc::new(next);
            drop(guard);
            self.invalidate("history");
            Ok(rounds)
        })
    }

    /// Statistics of the current history.
    pub fn stats(&self, opts: &StatsOptions) -> Result<Stats> {
        self.timed("stats", || {
            let (h, opts) = (self.history(), opts.check()?);
            let key = self.key("stats", &h, &(opts.window, opts.top, opts.last));
            self.cached(&key, &["history", "stats"], || {
                Ok(Stats::compute(h.view(), opts))
            })
        })
    }

    /// Tickets from a model; validated before any work.
    ///
    /// Tickets are not cached (they depend on the seed, and a fresh seed is
    /// never asked for twice); the fitted model is, in process, per model
    /// and history epoch (see [`FittedModel`]), and reported to the metrics
    /// as the `fitted` tier.
    pub fn predict(&self, request: &PredictRequest) -> Result<Prediction> {
        self.timed("predict", || {
            let h = self.history();
            let game = h.game();
            Sampler::new(game, &request.include, &request.exclude, request.count)?;
            self.fitted(request.model, &h)?.predict(game, request)
        })
    }

    /// Tickets as LottoPro shows them: the prediction, that model's row of
    /// the walk-forward backtest table against chance (the default options,
    /// every model, Holm-corrected over them; cached per history epoch),
    /// and the round the tickets are for. The line is left out when the
    /// history is too short to backtest (no more draws than the default
    /// warm-up).
    pub fn predict_with_backtest(&self, request: &PredictRequest) -> Result<PredictionReport> {
        let prediction = self.predict(request)?;
        let h = self.history();
        // The line is the model's row of the default table (the one the
        // dashboard and `lottopro backtest` show), Holm-corrected over all of
        // its models: the same figure wherever the model is shown. The table
        // is cached per history epoch: a lookup after the first prediction.
        // The lines are kept per epoch beside the fitted models: a lookup,
        // not a cache key, a copy of the table and the wording, per request.
        // (Not counted as a fitted model: the table itself is cached.)
        let options = BacktestOptions::default();
        let backtest = if h.len() > options.warmup {
            let (lines, _) = Self::kept_per_epoch(&self.lines, &h, |_| {
                let report = self.backtest(&options)?;
                let tested = report.models.len();
                Ok(report
                    .models
                    .iter()
                    .map(|m| (m.model, m.line(tested)))
                    .collect())
            })?;
            lines
                .iter()
                .find(|(model, _)| *model == request.model)
                .map(|(_, line)| line.clone())
        } else {
            None
        };
        let target_round = prediction.based_on_round.map_or(1, |r| r + 1);
        Ok(PredictionReport {
            prediction,
            backtest,
            target_round,
        })
    }

    /// The fitted `model` for history `h`, from the memo or fitted now.
    fn fitted(&self, model: Model, h: &History) -> Result<Arc<FittedModel>> {
        let epoch = h.epoch();
        let hit = self.fitted.lock().ok().and_then(|memo| {
            memo.iter()
                .find(|(e, f)| *e == epoch && f.model() == model)
                .map(|(_, f)| f.clone())
        });
        if let Some(f) = hit {
            self.metrics.cache("fitted", CacheEvent::Hit);
            return Ok(f);
        }
        crate::cancel::computing()?;
        self.metrics.cache("fitted", CacheEvent::Miss);
        let fitted = Arc::new(FittedModel::fit(model, h.view()));
        if let Ok(mut memo) = self.fitted.lock() {
            // Models of older epochs are never asked for again.
            memo.retain(|(e, f)| *e == epoch && f.model() != model);
            memo.push((epoch, fitted.clone()));
        }
        Ok(fitted)
    }

    /// The verified wheel `request` asks for, for the history's game; see
    /// [`Wheel`].
    pub fn wheel(&self, request: &WheelRequest) -> Result<Wheel> {
        self.timed("wheel", || request.build(&self.game()))
    }

    /// A walk-forward backtest over the current history.
    pub fn backtest(&self, opts: &BacktestOptions) -> Result<BacktestReport> {
        self.timed("backtest", || {
            let h = self.history();
            let key = self.key("backtest", &h, opts);
            self.cached(&key, &["history", "backtest"], || backtest(h.view(), opts))
        })
    }

    /// A Monte Carlo simulation; prizes valued from the current history.
    pub fn simulate(
        &self,
        request: &SimulationRequest,
        prizes: &PrizeOptions,
    ) -> Result<SimulationReport> {
        self.timed("simulate", || {
            let h = self.history();
            let params = (
                request.plan,
                strategy_key(&request.strategy),
                request.method,
                request.seed,
                prizes,
            );
            let key = self.key("simulate", &h, &params);
            self.cached(&key, &["history", "simulate"], || {
                let model =
                    PrizeModel::new(h.game(), Some(h.view()), prizes.recent, &prizes.overrides)?;
                // A model strategy's tickets come from the model fitted for
                // this epoch: the same tickets as a fresh fit, without one.
                simulate_picking(h.game(), &model, request, |req| {
                    self.fitted(req.model, &h)?.predict(h.game(), req)
                })
            })
        })
    }

    /// What one ticket wins on average under a fair draw, before and after
    /// tax, in won: exact over every tier, with the pools of the last year's
    /// draws (what "chance expected" means beside a player's results);
    /// cached until the history changes.
    pub fn expected_prize(&self) -> Result<(f64, f64)> {
        self.timed("expected_prize", || {
            let h = self.history();
            let prizes = PrizeOptions::default();
            let key = self.key("expected_prize", &h, &prizes);
            self.cached(&key, &["history"], || {
                let model =
                    PrizeModel::new(h.game(), Some(h.view()), prizes.recent, &prizes.overrides)?;
                let (gross, net, _, _) = model.moments(&Odds::of(h.game()));
                Ok((gross, net))
            })
        })
    }

    /// Checks a ticket against the draw of `round`.
    pub fn check(&self, ticket: &Ticket, round: u32) -> Result<CheckResult> {
        self.timed("check", || {
            let h = self.history();
            Ok(h.require(round)?.check(h.game(), ticket))
        })
    }

    /// "Has this ticket ever won?": checked against every draw of the
    /// history.
    pub fn check_all(&self, ticket: &Ticket) -> Result<EverWon> {
        self.timed("check_all", || Ok(self.history().check_all(ticket)))
    }

    /// Exact odds of a game (the history's game when `game` is `None`).
    pub fn odds(&self, game: Option<&str>) -> Result<Odds> {
        self.timed("odds", || Ok(Odds::of(&self.game_or(game)?)))
    }

    /// Tax on one prize under a game's rule (the history's game when `None`).
    pub fn tax(&self, gross: Money, game: Option<&str>) -> Result<TaxAssessment> {
        self.timed("tax", || {
            let g = self.game_or(game)?;
            g.tax().assess(gross, g.ticket_price())
        })
    }

    /// Precomputes the most used results for the current history: the
    /// default statistics, and every model fitted (by asking each for five
    /// tickets with seed 0).
    pub fn warm(&self) -> Result<WarmReport> {
        let started = Instant::now();
        let mut computed = vec!["stats".to_owned()];
        self.stats(&StatsOptions::default())?;
        for model in Model::ALL {
            self.predict(&PredictRequest {
                model,
                count: 5,
                include: vec![],
                exclude: vec![],
                seed: 0,
            })?;
            computed.push(format!("predict:{model}"));
        }
        Ok(WarmReport {
            epoch: format!("{:016x}", self.history().epoch()),
            computed,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Counters of the cache, if there is one.
    pub fn cache_stats(&self) -> Option<CacheStats> {
        self.cache.as_ref().map(|c| c.stats())
    }

    /// Whether the cache runs with a failed tier (cheap; for health checks).
    pub fn cache_degraded(&self) -> bool {
        self.cache.as_ref().is_some_and(|c| c.is_degraded())
    }

    /// Probes the cache's remote tier now (see [`Cache::probe`]); `Ok`
    /// without a cache.
    pub fn probe_cache(&self) -> Result<()> {
        self.cache.as_ref().map_or(Ok(()), |c| c.probe())
    }

    /// Whether the cache has a tier in another process (Redis).
    pub fn cache_is_remote(&self) -> bool {
        self.cache.as_ref().is_some_and(|c| c.is_remote())
    }

    /// Empties the cache (and forgets the fitted models).
    pub fn clear_cache(&self) -> Result<()> {
        if let Ok(mut memo) = self.popularity.lock() {
            *memo = None;
        }
        if let Ok(mut memo) = self.fitted.lock() {
            memo.clear();
        }
        self.cache.as_ref().map_or(Ok(()), |c| c.clear())
    }

    /// Removes every cached result under `tag`; failures are counted by the cache.
    pub fn invalidate(&self, tag: &str) {
        if let Some(c) = &self.cache {
            let _ = c.invalidate_tag(tag);
        }
    }

    /// What the in-memory recorder has seen (`None` unless built with
    /// [`EngineBuilder::record_metrics`]).
    pub fn metrics(&self) -> Option<MetricsSnapshot> {
        self.recorder.as_ref().map(|r| r.snapshot())
    }

    fn game_or(&self, game: Option<&str>) -> Result<GameSpec> {
        match game {
            Some(id) => GameSpec::preset(id),
            None => Ok(self.game()),
        }
    }

    fn timed<T>(&self, name: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let started = Instant::now();
        let result = f();
        let outcome = match &result {
            Ok(_) => Outcome::Ok,
            Err(e) => Outcome::Error(e.kind()),
        };
        self.metrics.operation(name, started.elapsed(), outcome);
        result
    }

    fn key(&self, op: &str, h: &History, params: &impl Serialize) -> String {
        let bytes = serde_json::to_vec(params).unwrap_or_default();
        let digest = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!(
            "{KEY_VERSION}:{op}:{}:{:016x}:{digest:016x}",
            h.game().id(),
            h.epoch()
        )
    }

    fn cached<T>(&self, key: &str, tags: &[&str], compute: impl FnOnce() -> Result<T>) -> Result<T>
    where
        T: Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    {
        let Some(cache) = &self.cache else {
            return crate::cancel::computing().and_then(|()| compute());
        };
        if let Some((value, tier)) = get_cached(cache.as_ref(), key) {
            self.metrics.cache(tier, CacheEvent::Hit);
            return Ok(value);
        }
        crate::cancel::computing()?;
        // A miss: one caller computes while the others asking for the same key
        // wait and then find it cached, so a burst of identical requests (fifty
        // clients on a new history) costs one computation instead of fifty.
        let (value, tier) = self.inflight.one_at_a_time(key, || {
            get_or_compute(cache.as_ref(), key, self.ttl, tags, compute)
        })?;
        match tier {
            Some(t) => self.metrics.cache(t, CacheEvent::Hit),
            None => self.metrics.cache("cache", CacheEvent::Miss),
        }
        Ok(value)
    }
}

/// The strategy as key material: its name and, for fixed tickets, the tickets.
fn strategy_key(s: &crate::simulate::Strategy) -> (String, Vec<TicketRecord>) {
    match s {
        crate::simulate::Strategy::Fixed(t) => {
            ("fixed".into(), t.iter().map(TicketRecord::from).collect())
        }
        other => (other.name().to_owned(), Vec::new()),
    }
}
