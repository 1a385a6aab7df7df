//! Long work stops soon after its handle is cancelled or its deadline
//! passes, with `Error::Cancelled`, and work outside any scope is untouched.

use std::time::{Duration, Instant};

use lottopro_core::{
    BacktestOptions, Cancel, Engine, ErrorKind, Model, PrizeOptions, SimulationRequest, Strategy,
    WheelRequest,
};

use crate::common::real_history;

/// Runs `f` under a handle cancelled from another thread after `after`;
/// returns the error kind and how long after the cancellation it stopped.
fn cancelled_after<T: std::fmt::Debug>(
    after: Duration,
    f: impl FnOnce() -> lottopro_core::Result<T>,
) -> (ErrorKind, Duration) {
    let cancel = Cancel::new();
    let remote = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(after);
        remote.cancel();
        Instant::now()
    });
    let result = cancel.scope(f);
    let stopped = Instant::now();
    let at = canceller.join().unwrap();
    let kind = result.expect_err("the work was cancelled").kind();
    (kind, stopped.saturating_duration_since(at))
}

#[test]
fn a_cancelled_simulation_stops_within_a_second() {
    let engine = Engine::builder(real_history()).build();
    // Ten billion tickets ticket by ticket: minutes of work.
    let mut request = SimulationRequest::new(Strategy::Model(Model::Frequency));
    request.method = lottopro_core::Method::PerTicket;
    request.plan.trials = 1_000_000;
    request.plan.draws = 5_000;
    request.plan.tickets_per_draw = 1;
    request.threads = Some(2);
    let (kind, late) = cancelled_after(Duration::from_millis(200), || {
        engine.simulate(&request, &PrizeOptions::default())
    });
    assert_eq!(kind, ErrorKind::Cancelled);
    assert!(
        late < Duration::from_secs(1),
        "stopped {late:?} after the cancel"
    );
}

#[test]
fn a_backtest_stops_at_its_deadline_and_nothing_is_cached() {
    let engine = Engine::builder(real_history()).build();
    let opts = BacktestOptions {
        models: vec![Model::AntiPopular],
        tickets_per_round: 20,
        warmup: 0,
        ..BacktestOptions::default()
    };
    let started = Instant::now();
    let e = Cancel::with_deadline(Duration::from_millis(50))
        .scope(|| engine.backtest(&opts))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert!(e.to_string().contains("time allowed"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // Outside any scope the same call runs to the end: the stopped run left
    // no result behind.
    let report = engine.backtest(&BacktestOptions {
        tickets_per_round: 1,
        ..opts
    });
    assert!(report.is_ok());
}

#[test]
fn a_cancelled_wheel_search_reports_the_stop() {
    let engine = Engine::builder(real_history()).build();
    let request = WheelRequest {
        numbers: Some((1..=20).collect()),
        guarantee: "5if6".into(),
        full_pool: false,
        seed: Some(3),
    };
    let cancel = Cancel::new();
    cancel.cancel();
    let e = cancel.scope(|| engine.wheel(&request)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert!(engine.wheel(&request).unwrap().verified);
}
