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
                    let s = engine.stats(&StatsOptions { window: 10, top: 2 }).unwrap();
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
    engine.clear_cache().unwrap();
    assert_eq!(engine.cache_stats().unwrap().tiers[0].entries, 0);
}
