//! `Engine`: the core engine for Python. Every computation runs with the GIL
//! released, so several Python threads can use one engine at once.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lottopro_core::cache::{CacheConfig, CacheKind};
use lottopro_core::rng::entropy_seed;
use lottopro_core::stats::StatsOptions;
use lottopro_core::ticket::parse_tickets;
use lottopro_core::{
    BacktestOptions, Engine, GameSpec, Method, Model, ModelSelection, Money, PredictRequest,
    PrizeOptions, SimulationRequest, Strategy,
};
use pyo3::prelude::*;

use crate::conversion::{
    Tickets, int_list_opt, saturating_int, saturating_int_opt, small_numbers, stats_to_python,
    ticket_from_python, to_python, whole,
};
use crate::error::IntoPy;
use crate::history::PyHistory;

// Python shows a signature's defaults only when they are literals; these
// pin the literals of `Engine.simulate` to the core's defaults.
const _: () = assert!(SimulationRequest::DEFAULT_DRAWS == 520);
const _: () = assert!(SimulationRequest::DEFAULT_TRIALS == 1000);
const _: () = assert!(SimulationRequest::DEFAULT_SEED == 42);
const _: () = assert!(PrizeOptions::DEFAULT_RECENT == 52);

/// What identifies an engine rebuilt from a pickle: its history's epoch and
/// game, and its cache settings.
type RebuiltKey = (u64, String, (Option<String>, Option<String>, u64));

/// The engines this process rebuilt from pickles (see `Engine._restore`),
/// oldest first.
static REBUILT: Mutex<Vec<(RebuiltKey, Arc<Engine>)>> = Mutex::new(Vec::new());

/// How many rebuilt engines a process keeps.
const REBUILT_KEPT: usize = 4;

/// Statistics, predictions, backtests, simulations and checks over one history.
#[pyclass(name = "Engine", module = "lottopro._lottopro", frozen)]
pub(crate) struct PyEngine {
    inner: Arc<Engine>,
    /// How it was built, for pickling: cache kind, Redis URL, TTL seconds.
    config: (Option<String>, Option<String>, u64),
}

/// An amount of money from a Python int (or digit string), as the core parses it.
pub(crate) fn money(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Money> {
    let text: String = value.str()?.extract()?;
    Money::parse(&text, field).py_err()
}

impl PyEngine {
    /// An engine on `history` with these cache settings.
    fn build(
        history: lottopro_core::History,
        cache: Option<String>,
        redis_url: Option<String>,
        ttl: u64,
    ) -> PyResult<Self> {
        let pickled = (cache.clone(), redis_url.clone(), ttl);
        let defaults = CacheConfig::default();
        let config = CacheConfig {
            kind: match cache.as_deref() {
                Some(kind) => kind.parse::<CacheKind>().py_err()?,
                None => defaults.kind,
            },
            redis_url: redis_url.unwrap_or(defaults.redis_url),
            default_ttl: Duration::from_secs(ttl),
            ..defaults
        };
        let built = match config.kind {
            CacheKind::None => None,
            _ => config.build().py_err()?,
        };
        let engine = Engine::builder(history)
            .cache(built)
            .ttl(config.default_ttl)
            .record_metrics()
            .build();
        Ok(PyEngine {
            inner: Arc::new(engine),
            config: pickled,
        })
    }

    /// Puts `Ticket` objects of this engine's game into results.
    fn tickets<'py>(&self, py: Python<'py>) -> Tickets<'py> {
        Tickets::new(py, self.inner.game())
    }
}

#[pymethods]
impl PyEngine {
    /// An engine on `history`; without one, on the history bundled for
    /// `game` (Korean Lotto 6/45: every draw; other games: none yet). A
    /// `game` that is not the history's is an error. `cache`: None or
    /// "memory" (default, 1,000 entries), "none", "redis" or "tiered" (with
    /// `redis_url`); `ttl`: seconds results stay cached. An engine pickles as
    /// its current history and these settings; see `_restore` for how it
    /// comes back warm in a worker.
    #[new]
    #[pyo3(signature = (history=None, game=None, cache=None, redis_url=None, ttl=300))]
    fn new(
        history: Option<&PyHistory>,
        game: Option<&str>,
        cache: Option<&str>,
        redis_url: Option<String>,
        #[pyo3(from_py_with = saturating_int)] ttl: i128,
    ) -> PyResult<Self> {
        let ttl: u64 = whole(ttl, "ttl")?;
        let history = match (history, game) {
            (Some(h), Some(g)) if g != h.inner.game().id() => {
                return Err(crate::error::to_py(lottopro_core::Error::invalid(
                    "game",
                    format!(
                        "the history is of {}, not {g}; leave game out or give a history of {g}",
                        h.inner.game().id()
                    ),
                )));
            }
            (Some(h), _) => (*h.inner).clone(),
            (None, g) => lottopro_core::data::default_history(
                &GameSpec::preset(g.unwrap_or("kr645")).py_err()?,
            ),
        };
        PyEngine::build(history, cache.map(str::to_owned), redis_url, ttl)
    }

    /// Rebuilds a pickled engine (see `__reduce__`). A process keeps the
    /// last few engines it rebuilt, by history epoch and settings, and hands
    /// the same core engine to every later copy of one: a worker that
    /// receives the engine with each task fits its models once, not once a
    /// task. Such copies share their cache, fitted models and metrics.
    #[staticmethod]
    fn _restore(
        history: &PyHistory,
        cache: Option<String>,
        redis_url: Option<String>,
        ttl: u64,
    ) -> PyResult<Self> {
        let key = (
            history.inner.epoch(),
            history.inner.game().id().to_owned(),
            (cache.clone(), redis_url.clone(), ttl),
        );
        let mut kept = REBUILT.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, engine)) = kept.iter().find(|(k, _)| *k == key) {
            return Ok(PyEngine {
                inner: engine.clone(),
                config: key.2,
            });
        }
        let built = PyEngine::build((*history.inner).clone(), cache, redis_url, ttl)?;
        if kept.len() >= REBUILT_KEPT {
            kept.remove(0);
        }
        kept.push((key, built.inner.clone()));
        Ok(built)
    }

    /// The current history.
    #[getter]
    fn history(&self) -> PyHistory {
        PyHistory {
            inner: self.inner.history(),
        }
    }

    /// Statistics, each next to its chance expectation; `frequencies` and
    /// `pair_matrix` are numpy arrays. `last` keeps only the latest draws.
    #[pyo3(signature = (window=50, top=6, last=None))]
    fn stats(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = saturating_int)] window: i128,
        #[pyo3(from_py_with = saturating_int)] top: i128,
        #[pyo3(from_py_with = saturating_int_opt)] last: Option<i128>,
    ) -> PyResult<Py<PyAny>> {
        let (window, top) = (whole(window, "window")?, whole(top, "top")?);
        let last = last.map(|n| whole(n, "last")).transpose()?;
        let engine = self.inner.clone();
        let s = py
            .detach(move || engine.stats(&StatsOptions { window, top, last }))
            .py_err()?;
        stats_to_python(py, &s)
    }

    /// Tickets from a model, with that model's own walk-forward backtest
    /// (`backtest`, `None` for a short history) and the round they are for
    /// (`target_round`); `seed` None picks one (reported in the result).
    #[pyo3(signature = (model="frequency", count=5, include=None, exclude=None, seed=None))]
    fn predict(
        &self,
        py: Python<'_>,
        model: &str,
        #[pyo3(from_py_with = saturating_int)] count: i128,
        #[pyo3(from_py_with = int_list_opt)] include: Option<Vec<i128>>,
        #[pyo3(from_py_with = int_list_opt)] exclude: Option<Vec<i128>>,
        #[pyo3(from_py_with = saturating_int_opt)] seed: Option<i128>,
    ) -> PyResult<Py<PyAny>> {
        let pool = self.inner.history().game().pool();
        let seed = seed.map(|s| whole::<u64>(s, "seed")).transpose()?;
        let request = PredictRequest {
            model: model.parse::<Model>().py_err()?,
            count: whole(count, "count")?,
            include: small_numbers(&include.unwrap_or_default(), "include", pool)?,
            exclude: small_numbers(&exclude.unwrap_or_default(), "exclude", pool)?,
            seed: seed.unwrap_or_else(entropy_seed),
        };
        let engine = self.inner.clone();
        let p = py
            .detach(move || engine.predict_with_backtest(&request))
            .py_err()?;
        let out = to_python(py, &p)?;
        let tickets = p
            .prediction
            .tickets
            .iter()
            .map(|t| (t.ticket.numbers(), t.ticket.extra().to_vec()));
        self.tickets(py)
            .each(&out, "tickets", Some("ticket"), tickets)?;
        Ok(out)
    }

    /// Walk-forward backtest of `models` (None or "all": every model; a
    /// name, "a,b", or a list of names).
    #[pyo3(signature = (models=None, tickets=5, warmup=100, seed=42, alpha=0.05))]
    fn backtest(
        &self,
        py: Python<'_>,
        models: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = saturating_int)] tickets: i128,
        #[pyo3(from_py_with = saturating_int)] warmup: i128,
        #[pyo3(from_py_with = saturating_int)] seed: i128,
        alpha: f64,
    ) -> PyResult<Py<PyAny>> {
        let (tickets, warmup, seed) = (
            whole(tickets, "tickets")?,
            whole(warmup, "warmup")?,
            whole(seed, "seed")?,
        );
        let selection = match models {
            None => ModelSelection::all(),
            Some(m) => match m.extract::<String>() {
                Ok(text) => ModelSelection::parse(&text),
                Err(_) => ModelSelection::from_names(m.extract::<Vec<String>>()?),
            }
            .py_err()?,
        };
        let opts = BacktestOptions {
            models: selection.into(),
            tickets_per_round: tickets,
            warmup,
            seed,
            alpha,
        };
        let engine = self.inner.clone();
        // The core counts tickets per round as a prediction's `count`.
        let r = py
            .detach(move || engine.backtest(&opts))
            .map_err(|e| match e {
                lottopro_core::Error::InvalidInput { field, message } if field == "count" => {
                    lottopro_core::Error::invalid("tickets", message.replace("count", "tickets"))
                }
                other => other,
            })
            .py_err()?;
        to_python(py, &r)
    }

    /// Monte Carlo of a playing plan next to its exact expected value.
    /// `prizes`: {rank: amount} (or (rank, amount) pairs) for ranks without
    /// a pool model. The defaults are the core's (`SimulationRequest::new`,
    /// `PrizeOptions::default`).
    #[pyo3(signature = (tickets_per_draw=None, draws=520, trials=1000, strategy="random", tickets=None, method="auto", threads=None, seed=42, recent=52, prizes=None))]
    #[allow(clippy::too_many_arguments)]
    fn simulate(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = saturating_int_opt)] tickets_per_draw: Option<i128>,
        #[pyo3(from_py_with = saturating_int)] draws: i128,
        #[pyo3(from_py_with = saturating_int)] trials: i128,
        strategy: &str,
        tickets: Option<&Bound<'_, PyAny>>,
        method: &str,
        #[pyo3(from_py_with = saturating_int_opt)] threads: Option<i128>,
        #[pyo3(from_py_with = saturating_int)] seed: i128,
        #[pyo3(from_py_with = saturating_int)] recent: i128,
        prizes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let tickets_per_draw = tickets_per_draw
            .map(|t| whole::<u64>(t, "tickets_per_draw"))
            .transpose()?;
        let (draws, trials, seed): (u64, u64, u64) = (
            whole(draws, "draws")?,
            whole(trials, "trials")?,
            whole(seed, "seed")?,
        );
        let threads = threads.map(|t| whole::<usize>(t, "threads")).transpose()?;
        let recent: usize = whole(recent, "recent")?;
        let game = self.inner.game();
        // Tickets as text ("1 2 3 4 5 6; 7 8 9 10 11 12") or a sequence of
        // tickets (Ticket objects, texts or number lists).
        let played = match tickets {
            None => None,
            Some(t) => Some(match t.extract::<String>() {
                Ok(text) => parse_tickets(&game, &text).py_err()?,
                Err(_) => t
                    .try_iter()?
                    .map(|item| ticket_from_python(&game, &item?))
                    .collect::<PyResult<Vec<_>>>()?,
            }),
        };
        let strategy = Strategy::from_name(strategy, played).py_err()?;
        let pairs: Vec<(Bound<'_, PyAny>, Bound<'_, PyAny>)> = match prizes {
            None => Vec::new(),
            Some(p) => match p.cast::<pyo3::types::PyDict>() {
                Ok(d) => d.iter().collect(),
                Err(_) => p.extract()?,
            },
        };
        let overrides = pairs
            .iter()
            .map(|(rank, amount)| {
                let rank: u8 = whole(saturating_int(rank)?, "prizes")?;
                Ok((rank, money(amount, "prizes")?))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let mut request = SimulationRequest::new(strategy);
        request.plan.tickets_per_draw = tickets_per_draw.unwrap_or(request.plan.tickets_per_draw);
        request.plan.draws = draws;
        request.plan.trials = trials;
        request.method = method.parse::<Method>().py_err()?;
        request.threads = threads;
        request.seed = seed;
        let prize_options = PrizeOptions { recent, overrides };
        let engine = self.inner.clone();
        let r = py
            .detach(move || engine.simulate(&request, &prize_options))
            .py_err()?;
        let out = to_python(py, &r)?;
        let played = r
            .tickets_played
            .iter()
            .map(|t| (t.numbers.clone(), t.extra.clone()));
        self.tickets(py)
            .each(&out, "tickets_played", None, played)?;
        Ok(out)
    }

    /// Checks a ticket (text or numbers) against the draw of `round`.
    fn check(
        &self,
        py: Python<'_>,
        ticket: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = saturating_int)] round: i128,
    ) -> PyResult<Py<PyAny>> {
        let t = ticket_from_python(&self.inner.game(), ticket)?;
        let round: u32 = whole(round, "round")?;
        let engine = self.inner.clone();
        let c = py
            .detach(move || engine.check(&t, round))
            .map_err(|e| crate::error::to_py_field(e, "round"))?;
        let out = to_python(py, &c)?;
        self.tickets(py)
            .set(&out, "ticket", &c.ticket.numbers, &c.ticket.extra)?;
        Ok(out)
    }

    /// Has this ticket (text or numbers) ever won? Checked against every
    /// draw: the draws where it won, its best rank and what they paid.
    fn check_all(&self, py: Python<'_>, ticket: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let t = ticket_from_python(&self.inner.game(), ticket)?;
        let engine = self.inner.clone();
        let ever = py.detach(move || engine.check_all(&t)).py_err()?;
        let out = to_python(py, &ever)?;
        self.tickets(py).each(
            &out,
            "wins",
            Some("ticket"),
            ever.wins
                .iter()
                .map(|w| (w.ticket.numbers.clone(), w.ticket.extra.clone())),
        )?;
        Ok(out)
    }

    /// Every game of a ticket's QR code (the URL printed on it) checked
    /// against the draw of its round; the URL is never fetched.
    fn check_qr(&self, py: Python<'_>, url: &str) -> PyResult<Py<PyAny>> {
        let engine = self.inner.clone();
        let url = url.to_owned();
        let c = py.detach(move || engine.check_qr(&url)).py_err()?;
        let out = to_python(py, &c)?;
        let games = c.games.iter().map(|g| (g.numbers.clone(), Vec::new()));
        self.tickets(py)
            .each(&out, "games", Some("ticket"), games)?;
        Ok(out)
    }

    /// How many other players are expected to share each prize of a ticket,
    /// and its expected value, under the popularity model fitted to the
    /// history (which needs per-rank winners and sales). `sales` is the
    /// draw's expected sales in won; the mean of the last ten draws when
    /// omitted. The chance of winning is the same for every ticket.
    #[pyo3(signature = (ticket, sales=None))]
    fn popularity(
        &self,
        py: Python<'_>,
        ticket: &Bound<'_, PyAny>,
        sales: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let t = ticket_from_python(&self.inner.game(), ticket)?;
        let sales = sales.map(|s| money(s, "sales")).transpose()?;
        let engine = self.inner.clone();
        let p = py.detach(move || engine.popularity(&t, sales)).py_err()?;
        let out = to_python(py, &p)?;
        self.tickets(py).set(&out, "ticket", &p.numbers, &[])?;
        Ok(out)
    }

    /// The popularity model's out-of-sample evaluation: trained on draws up
    /// to 1000, scored on the rest against uniform choice.
    fn popularity_evaluation(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let engine = self.inner.clone();
        let e = py.detach(move || engine.popularity_evaluation()).py_err()?;
        to_python(py, &e)
    }

    /// What a draw with `sales` (in won; the mean of the last ten draws when
    /// omitted) looks like under the popularity model: combinations nobody
    /// bought, bought once, 50 times or more, and the largest crowd, each
    /// `{"estimate", "low", "high"}`.
    #[pyo3(signature = (sales=None))]
    fn sales_distribution(
        &self,
        py: Python<'_>,
        sales: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let sales = sales.map(|s| money(s, "sales")).transpose()?;
        let engine = self.inner.clone();
        let d = py
            .detach(move || engine.sales_distribution(sales))
            .py_err()?;
        to_python(py, &d)
    }

    /// A wheel: a small set of tickets of `numbers` guaranteeing `t` matches
    /// whenever `m` drawn numbers are among them (`guarantee="3if4"`),
    /// verified over every draw before it is returned. With `full_pool=True`
    /// and no numbers, the designs over the whole pool (`guarantee="2"` or
    /// `"3"`). Its expected value is that of as many random tickets. With
    /// `weighted=True` it is relabelled onto the combinations other players
    /// avoid (the popularity model, in a draw with `sales` won, by default
    /// the mean of the last ten draws): the same guarantee and chances, and
    /// `popularity` says what a ticket gains, with its 95 % interval.
    #[pyo3(signature = (numbers=None, guarantee="3if4", full_pool=false, seed=1, weighted=false, sales=None))]
    #[allow(clippy::too_many_arguments)]
    fn wheel(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = int_list_opt)] numbers: Option<Vec<i128>>,
        guarantee: &str,
        full_pool: bool,
        #[pyo3(from_py_with = saturating_int)] seed: i128,
        weighted: bool,
        sales: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let sales = sales.map(|s| money(s, "sales")).transpose()?;
        let pool = self.inner.game().pool();
        let numbers = numbers
            .map(|n| small_numbers(&n, "numbers", pool))
            .transpose()?;
        let seed: u64 = whole(seed, "seed")?;
        let request = lottopro_core::WheelRequest {
            numbers,
            guarantee: guarantee.to_owned(),
            full_pool,
            seed: Some(seed),
        };
        let engine = self.inner.clone();
        let w = py
            .detach(move || engine.wheel_with(&request, weighted, sales))
            .py_err()?;
        let out = to_python(py, &w)?;
        let tickets = w.tickets.iter().map(|t| (t.clone(), Vec::new()));
        self.tickets(py).each(&out, "tickets", None, tickets)?;
        Ok(out)
    }

    /// Exact odds (of the history's game, or of `game`).
    #[pyo3(signature = (game=None))]
    fn odds(&self, py: Python<'_>, game: Option<&str>) -> PyResult<Py<PyAny>> {
        to_python(py, &self.inner.odds(game).py_err()?)
    }

    /// Tax on one prize under a game's rule.
    #[pyo3(signature = (amount, game=None))]
    fn tax(
        &self,
        py: Python<'_>,
        amount: &Bound<'_, PyAny>,
        game: Option<&str>,
    ) -> PyResult<Py<PyAny>> {
        let gross = money(amount, "amount")?;
        to_python(py, &self.inner.tax(gross, game).py_err()?)
    }

    /// Precomputes the most used results (statistics, default predictions).
    fn warm(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let engine = self.inner.clone();
        let w = py.detach(move || engine.warm()).py_err()?;
        to_python(py, &w)
    }

    /// Operation counts and latency percentiles, and cache hits per tier.
    fn metrics(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_python(py, &self.inner.metrics())
    }

    /// Cache counters per tier (None without a cache).
    fn cache_stats(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_python(py, &self.inner.cache_stats())
    }

    /// Empties the cache.
    fn clear_cache(&self) -> PyResult<()> {
        self.inner.clear_cache().py_err()
    }

    fn __repr__(&self) -> String {
        let h = self.inner.history();
        format!("Engine(game='{}', draws={})", h.game().id(), h.len())
    }

    /// Pickles as `Engine._restore(history, cache, redis_url, ttl)`.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(
        Bound<'py, PyAny>,
        (PyHistory, Option<String>, Option<String>, u64),
    )> {
        let e = slf.get();
        let (cache, redis_url, ttl) = e.config.clone();
        Ok((
            slf.get_type().getattr("_restore")?,
            (
                PyHistory {
                    inner: e.inner.history(),
                },
                cache,
                redis_url,
                ttl,
            ),
        ))
    }
}
