//! The engine: cached operations, epochs, atomic history replacement, and a
//! cache that fails without failing anything.

use std::sync::Arc;
use std::time::Duration;

use lottopro_core::cache::{Cache, CacheStats, Hit};
use lottopro_core::{
    BacktestOptions, Engine, Error, Model, Money, PredictRequest, PrizeOptions, SimulationRequest,
    StatsOptions, Ticket,
};

use crate::common::{real_history, synthetic_history};

fn request(model: Model) -> PredictRequest {
    PredictRequest {
        model,
        count: 3,
        include: vec![7],
        exclude: vec![],
        seed: 4,
    }
}

fn hits_and_misses(e: &Engine) -> (u64, u64) {
    let m = e.metrics().unwrap();
    (
        m.cache.iter().map(|t| t.hits).sum(),
        m.cache.iter().map(|t| t.misses).sum(),
    )
}

#[test]
fn results_are_cached_and_equal_to_fresh_ones() {
    let h = real_history();
    let engine = Engine::builder(h.clone()).record_metrics().build();
    let plain = Engine::builder(h.clone()).cache(None).build();
    let stats = engine.stats(&StatsOptions::default()).unwrap();
    assert_eq!(engine.stats(&StatsOptions::default()).unwrap(), stats);
    assert_eq!(plain.stats(&StatsOptions::default()).unwrap(), stats);
    let p = engine.predict(&request(Model::Ml)).unwrap();
    assert_eq!(
        engine.predict(&request(Model::Ml)).unwrap(),
        p,
        "a cached prediction is the same prediction"
    );
    assert_eq!(plain.predict(&request(Model::Ml)).unwrap(), p);
    let bt = BacktestOptions {
        models: vec![Model::Frequency],
        warmup: 1100,
        ..BacktestOptions::default()
    };
    assert_eq!(engine.backtest(&bt).unwrap(), engine.backtest(&bt).unwrap());
    assert_eq!(hits_and_misses(&engine), (3, 3));
    let m = engine.metrics().unwrap();
    let stats_op = m.operations.iter().find(|o| o.name == "stats").unwrap();
    assert_eq!((stats_op.count, stats_op.errors), (2, 0));
}

#[test]
fn new_draws_change_the_epoch_and_so_the_results() {
    let h = synthetic_history(200, 9, None);
    let engine = Engine::builder(h.clone()).record_metrics().build();
    let before = engine.stats(&StatsOptions::default()).unwrap();
    let more = synthetic_history(201, 9, None);
    let next = more.draws()[200].clone();
    assert_eq!(engine.add_draws(vec![next.clone()]).unwrap(), vec![201]);
    let after = engine.stats(&StatsOptions::default()).unwrap();
    assert_eq!((before.draws, after.draws), (200, 201));
    // A draw that does not continue the history changes nothing.
    let e = engine.add_draws(vec![next]).unwrap_err();
    assert!(matches!(e, Error::History { .. }), "{e}");
    assert_eq!(engine.history().len(), 201);
}

#[test]
fn replacing_the_history_is_atomic_for_readers() {
    let small = synthetic_history(100, 1, None);
    let large = synthetic_history(300, 2, None);
    let engine = Arc::new(Engine::new(small.clone()));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                for _ in 0..200 {
                    let h = engine.history();
                    let s = engine
                        .stats(&StatsOptions {
                            window: 10,
                            top: 2,
                            last: None,
                        })
                        .unwrap();
                    assert!(matches!(h.len(), 100 | 300));
                    assert!(matches!(s.draws, 100 | 300), "a mixed history: {}", s.draws);
                }
            })
        })
        .collect();
    for i in 0..100 {
        engine.replace_history(if i % 2 == 0 {
            large.clone()
        } else {
            small.clone()
        });
    }
    for r in readers {
        r.join().unwrap();
    }
}

/// A cache whose every operation fails, like Redis refusing connections.
struct Broken;

impl Cache for Broken {
    fn get(&self, _: &str) -> lottopro_core::Result<Option<Hit>> {
        Err(Error::Cache("connection refused".into()))
    }
    fn put(&self, _: &str, _: &[u8], _: Duration, _: &[&str]) -> lottopro_core::Result<()> {
        Err(Error::Cache("connection refused".into()))
    }
    fn invalidate_tag(&self, _: &str) -> lottopro_core::Result<()> {
        Err(Error::Cache("connection refused".into()))
    }
    fn clear(&self) -> lottopro_core::Result<()> {
        Err(Error::Cache("connection refused".into()))
    }
    fn stats(&self) -> CacheStats {
        CacheStats::default()
    }
}

#[test]
fn a_failing_cache_never_fails_an_engine_call() {
    let h = real_history();
    let engine = Engine::builder(h)
        .cache(Some(Arc::new(Broken)))
        .record_metrics()
        .build();
    engine.stats(&StatsOptions::default()).unwrap();
    engine.predict(&request(Model::Trend)).unwrap();
    engine.invalidate("history");
    let plan = lottopro_core::Plan {
        tickets_per_draw: 5,
        draws: 52,
        trials: 10,
    };
    let req = SimulationRequest {
        plan,
        strategy: lottopro_core::Strategy::Random,
        method: lottopro_core::Method::Auto,
        threads: Some(1),
        seed: 1,
    };
    engine.simulate(&req, &PrizeOptions::default()).unwrap();
    // stats, simulate, and the trend model's fit; none of them failed.
    assert_eq!(hits_and_misses(&engine), (0, 3));
}

#[test]
fn check_odds_tax_and_warming() {
    let h = real_history();
    let engine = Engine::builder(h.clone()).record_metrics().build();
    let game = h.game();
    let t = Ticket::parse(game, "4 5 25 28 32 12").unwrap();
    let c = engine.check(&t, 1245).unwrap();
    assert_eq!(
        (c.matches, c.bonus, c.rank, c.prize),
        (5, true, Some(2), Some(Money::new(55_064_392, "x").unwrap()))
    );
    assert!(engine.check(&t, 9999).is_err());
    // Has it ever won? Over all 1,245 draws: round 1245's 2nd prize is its
    // best, and every win is a draw where it matched three or more.
    let ever = engine.check_all(&t).unwrap();
    assert_eq!(ever.draws_checked, 1245);
    assert_eq!((ever.first_round, ever.latest_round), (Some(1), Some(1245)));
    assert_eq!(ever.best_rank, Some(2));
    let last = ever.wins.last().unwrap();
    assert_eq!((last.round, last.rank), (1245, Some(2)));
    assert!(ever.wins.iter().all(|w| w.matches >= 3 && w.rank.is_some()));
    let brute = h
        .draws()
        .iter()
        .filter(|d| d.check(game, &t).rank.is_some())
        .count();
    assert_eq!(ever.wins.len(), brute);
    let paid: u64 = ever
        .wins
        .iter()
        .filter_map(|w| w.prize)
        .map(|p| p.get())
        .sum();
    assert_eq!(ever.won.get(), paid);
    assert!(paid >= 55_064_392);
    assert_eq!(engine.odds(None).unwrap().total_combinations, 8_145_060);
    assert_eq!(engine.odds(Some("powerball")).unwrap().tiers.len(), 9);
    assert!(engine.odds(Some("nope")).is_err());
    assert_eq!(
        engine
            .tax(Money::new(1_000_000_000, "x").unwrap(), None)
            .unwrap()
            .tax
            .get(),
        296_999_670
    );
    let w = engine.warm().unwrap();
    assert_eq!(w.computed.len(), 8);
    let before = hits_and_misses(&engine);
    engine
        .predict(&PredictRequest {
            model: Model::Pattern,
            count: 5,
            include: vec![],
            exclude: vec![],
            seed: 0,
        })
        .unwrap();
    assert_eq!(
        hits_and_misses(&engine).0,
        before.0 + 1,
        "warmed models are not fitted again"
    );
    let stats = engine.cache_stats().unwrap();
    assert_eq!(
        stats.tiers[0].entries, 1,
        "the statistics; tickets are not cached"
    );
    // A 1,000-won ticket returns about half its price on average (Korea
    // pays out half of sales), a little less after tax; asked again, it
    // comes from the cache.
    let (gross, net) = engine.expected_prize().unwrap();
    assert!((400.0..600.0).contains(&gross), "{gross}");
    assert!(net < gross && net > 0.8 * gross, "{net} of {gross}");
    let misses = hits_and_misses(&engine).1;
    assert_eq!(engine.expected_prize().unwrap(), (gross, net));
    assert_eq!(hits_and_misses(&engine).1, misses, "the second is a hit");
    engine.clear_cache().unwrap();
    assert_eq!(engine.cache_stats().unwrap().tiers[0].entries, 0);
}

/// The line beside a prediction is the model's row of the backtest table
/// (Holm-corrected over every model the table shows), with its one-sided
/// verdict; a model's row does not depend on where it is in a list; the
/// tickets are for the round after the latest.
#[test]
fn a_prediction_carries_its_models_row_of_the_table() {
    let e = Engine::new(synthetic_history(300, 11, None));
    let table = e.backtest(&BacktestOptions::default()).unwrap();
    for model in [Model::Frequency, Model::Random] {
        let report = e.predict_with_backtest(&request(model)).unwrap();
        assert_eq!(report.target_round, 301);
        let line = report.backtest.expect("300 draws are enough to backtest");
        let row = table.models.iter().find(|m| m.model == model).unwrap();
        assert_eq!(line, row.line(Model::ALL.len()));
        assert_eq!(line.models_tested, Model::ALL.len());
        assert!(line.p_holm >= line.p_value);
        assert!(
            line.verdict == "beats chance" || line.verdict == "no evidence that it beats chance"
        );
        // Alone, or listed after another model, it scores the same tickets.
        for models in [vec![model], vec![Model::Trend, Model::Pattern, model]] {
            let other = e
                .backtest(&BacktestOptions {
                    models,
                    ..BacktestOptions::default()
                })
                .unwrap();
            let same = other.models.iter().find(|m| m.model == model).unwrap();
            assert_eq!(
                (same.mean_matches, same.p_value, same.won),
                (row.mean_matches, row.p_value, row.won)
            );
        }
    }
    // Too short to backtest: no line, and the target is still the next round.
    let short = Engine::new(synthetic_history(50, 11, None));
    let report = short.predict_with_backtest(&request(Model::Trend)).unwrap();
    assert_eq!((report.backtest, report.target_round), (None, 51));
}

#[test]
fn model_selections_are_sets_named_once() {
    use lottopro_core::ModelSelection;
    assert_eq!(
        ModelSelection::parse(" ALL ").unwrap().models(),
        &Model::ALL
    );
    let s = ModelSelection::parse("frequency, FREQUENCY,ml,,frequency").unwrap();
    assert_eq!(s.models(), &[Model::Frequency, Model::Ml]);
    assert_eq!(s.to_string(), "frequency,ml");
    assert_eq!(
        ModelSelection::from_names(["random"; 9_350])
            .unwrap()
            .models()
            .len(),
        1
    );
    for bad in ["", " , ", "mlx", "frequency,mlx"] {
        let e = ModelSelection::parse(bad).unwrap_err();
        assert_eq!(e.field(), Some("model"), "{bad:?}: {e}");
    }
}

#[test]
fn simulation_requests_default_in_one_place() {
    use lottopro_core::Strategy;
    let d = SimulationRequest::default();
    assert_eq!(
        (d.plan.tickets_per_draw, d.plan.draws, d.plan.trials, d.seed),
        (5, 520, 1_000, 42)
    );
    let game = lottopro_core::GameSpec::kr645();
    let tickets = vec![
        Ticket::parse(&game, "1 2 3 4 5 6").unwrap(),
        Ticket::parse(&game, "7 8 9 10 11 12").unwrap(),
    ];
    let fixed = SimulationRequest::new(Strategy::Fixed(tickets));
    assert_eq!(fixed.plan.tickets_per_draw, 2);
    assert_eq!(
        lottopro_core::PrizeOptions::default().recent,
        lottopro_core::PrizeOptions::DEFAULT_RECENT
    );
}

/// Every engine operation reports to the metrics, QR checks included.
#[test]
fn qr_checks_are_measured_like_every_operation() {
    let e = Engine::builder(real_history()).record_metrics().build();
    let url = "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q071524404245q151718273144q111215232740q031114212226q2328304042441785483554";
    assert_eq!(e.check_qr(url).unwrap().games.len(), 5);
    assert!(e.check_qr("https://example.com/").is_err());
    let m = e.metrics().unwrap();
    let qr = m
        .operations
        .iter()
        .find(|o| o.name == "check_qr")
        .expect("check_qr is measured");
    assert_eq!((qr.count, qr.errors), (2, 1));
}

/// Eight callers asking at once for the same uncached result cost one
/// computation: the others wait for it and find it cached.
#[test]
fn a_burst_of_identical_requests_is_computed_once() {
    // Long enough (every model over the real history) for the callers to
    // overlap: without the single flight each of them computes it.
    let e = Arc::new(Engine::builder(real_history()).record_metrics().build());
    let opts = BacktestOptions::default();
    let start = Arc::new(std::sync::Barrier::new(8));
    let reports: Vec<_> = (0..8)
        .map(|_| {
            let (e, opts, start) = (e.clone(), opts.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                e.backtest(&opts).unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert!(reports.windows(2).all(|w| w[0] == w[1]));
    let m = e.metrics().unwrap();
    let misses: u64 = m
        .cache
        .iter()
        .filter(|t| t.tier == "cache")
        .map(|t| t.misses)
        .sum();
    let hits: u64 = m
        .cache
        .iter()
        .filter(|t| t.tier == "memory")
        .map(|t| t.hits)
        .sum();
    assert_eq!((misses, hits), (1, 7), "{:?}", m.cache);
}

#[test]
fn a_model_strategy_simulates_with_the_fitted_model() {
    use lottopro_core::simulate::{PrizeModel, Strategy, simulate};
    let h = synthetic_history(300, 5, None);
    let engine = Engine::builder(h.clone())
        .cache(None)
        .record_metrics()
        .build();
    let fits = |e: &Engine| {
        let m = e.metrics().unwrap();
        m.cache
            .iter()
            .find(|t| t.tier == "fitted")
            .map(|t| t.misses)
    };
    let mut request = SimulationRequest::new(Strategy::Model(Model::Ml));
    request.plan.draws = 20;
    request.plan.trials = 5;
    let prizes = PrizeOptions::default();
    let first = engine.simulate(&request, &prizes).unwrap();
    request.seed = 7;
    let second = engine.simulate(&request, &prizes).unwrap();
    // Two simulations, one fit: the engine's model picked both plans' tickets.
    assert_eq!(fits(&engine), Some(1));
    // The same tickets and report as the free function, which fits afresh.
    let model =
        PrizeModel::new(h.game(), Some(h.view()), prizes.recent, &prizes.overrides).unwrap();
    assert_eq!(
        simulate(h.game(), &model, &request, Some(h.view())).unwrap(),
        second
    );
    assert_ne!(first.tickets_played, second.tickets_played);
}

/// A weighted wheel from the engine is the request's wheel relabelled under
/// the epoch's popularity model, with the last ten draws' mean sales and
/// the request's seed: what the core call gives.
#[test]
fn a_weighted_wheel_uses_the_epochs_model_and_recent_sales() {
    use lottopro_core::{Popularity, WheelRequest};
    let h = real_history();
    let e = Engine::new(h.clone());
    let request = WheelRequest {
        numbers: Some((1..=10).collect()),
        guarantee: "3if3".into(),
        full_pool: false,
        seed: Some(2),
    };
    let w = e.weighted_wheel(&request, None).unwrap();
    let model = Popularity::fit_best(h.view()).unwrap();
    let sales = crate::common::recent_sales(&h);
    let plain = e.wheel(&request).unwrap();
    assert_eq!(w, plain.weighted(h.game(), &model, sales, 2).unwrap());
    assert_eq!(w.popularity.as_ref().map(|p| p.sales), Some(sales));
    let zero = Money::new(0, "sales").unwrap();
    let err = e.weighted_wheel(&request, Some(zero)).unwrap_err();
    assert_eq!(err.field(), Some("sales"));
}
