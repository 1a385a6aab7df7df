//! What a new dependent writes on day one, as a crate of its own that only
//! sees `lottopro-core`'s public API: every request type filled in with
//! `..Default::default()`, `{:?}` on the engine and on tickets, and a
//! wheel's tickets played back through `Engine::simulate`.

use lottopro_core::simulate::Strategy;
use lottopro_core::stats::StatsOptions;
use lottopro_core::{
    BacktestOptions, Engine, History, Model, PredictRequest, PrizeOptions, SimulationRequest,
    Ticket, WheelRequest,
};

#[test]
fn requests_take_their_defaults_and_everything_prints() -> lottopro_core::Result<()> {
    let engine = Engine::builder(History::bundled()).cache(None).build();
    let shown = format!("{engine:?}");
    assert!(
        shown.starts_with(r#"Engine { game: "kr645", draws: 1245, rounds: Some((1, 1245))"#),
        "{shown}"
    );
    let game = engine.game();

    let stats = engine.stats(&StatsOptions {
        window: 10,
        ..Default::default()
    })?;
    assert_eq!((stats.window, stats.draws), (10, 1245));

    let predicted = engine.predict(&PredictRequest {
        model: Model::Ml,
        count: 2,
        include: vec![7],
        ..Default::default()
    })?;
    assert_eq!(predicted.tickets.len(), 2);
    let first = predicted.tickets[0].ticket;
    assert!(
        format!("{first:?}").starts_with("Ticket { main: {"),
        "{first:?}"
    );

    let table = engine.backtest(&BacktestOptions {
        models: vec![Model::Random],
        warmup: 1200,
        ..Default::default()
    })?;
    assert_eq!(table.models[0].verdict, table.models[0].verdict());

    // A wheel's tickets, played every draw for a year.
    let wheel = engine.wheel(&WheelRequest {
        numbers: Some(vec![1, 5, 9, 13, 17, 21, 26, 30]),
        guarantee: "3if4".to_owned(),
        ..Default::default()
    })?;
    let tickets = wheel
        .tickets
        .iter()
        .map(|t| Ticket::new(&game, t, &[]))
        .collect::<lottopro_core::Result<Vec<_>>>()?;
    let mut request = SimulationRequest {
        seed: 9,
        ..SimulationRequest::new(Strategy::Fixed(tickets.clone()))
    };
    request.plan.draws = 52;
    request.plan.trials = 20;
    let played = engine.simulate(
        &request,
        &PrizeOptions {
            recent: 26,
            ..Default::default()
        },
    )?;
    assert_eq!(played.plan.tickets_per_draw, tickets.len() as u64);
    assert_eq!(played.tickets_played.len(), tickets.len());
    let random = engine.simulate(&SimulationRequest::default(), &PrizeOptions::default())?;
    assert_eq!(random.plan.draws, SimulationRequest::DEFAULT_DRAWS);
    Ok(())
}
