//! The JSON schemas of the results the module returns, derived once in the
//! core (`lottopro-core`'s `schema` feature), for `gen_types.py`, which turns
//! them into the `TypedDict`s of `lottopro/_types.py` (a test checks the
//! committed file is what the schemas give).

use std::collections::BTreeMap;

use lottopro_core::cache::CacheStats;
use lottopro_core::engine::WarmReport;
use lottopro_core::metrics::MetricsSnapshot;
use lottopro_core::pension::{PensionStats, PensionTicketCheck};
use lottopro_core::popularity::{PopularityEvaluation, SalesDistribution, TicketPopularity};
use lottopro_core::{
    BacktestReport, CheckResult, EverWon, GameDef, Odds, PensionExpectedValue, PensionOdds,
    PredictionReport, QrCheck, SimulationReport, Stats, TaxAssessment, Wheel,
};
use pyo3::prelude::*;
use utoipa::ToSchema;
use utoipa::openapi::{RefOr, Schema};

type Schemas = Vec<(String, RefOr<Schema>)>;

fn with<T: ToSchema>(out: &mut Schemas) {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
}

/// Every schema a result of the module refers to, by name, as JSON.
#[pyfunction]
pub(crate) fn _schemas() -> PyResult<String> {
    let mut out = Schemas::new();
    with::<Stats>(&mut out);
    with::<PredictionReport>(&mut out);
    with::<BacktestReport>(&mut out);
    with::<SimulationReport>(&mut out);
    with::<CheckResult>(&mut out);
    with::<QrCheck>(&mut out);
    with::<EverWon>(&mut out);
    with::<TicketPopularity>(&mut out);
    with::<PopularityEvaluation>(&mut out);
    with::<SalesDistribution>(&mut out);
    with::<Wheel>(&mut out);
    with::<Odds>(&mut out);
    with::<TaxAssessment>(&mut out);
    with::<GameDef>(&mut out);
    with::<WarmReport>(&mut out);
    with::<MetricsSnapshot>(&mut out);
    with::<CacheStats>(&mut out);
    with::<PensionOdds>(&mut out);
    with::<PensionExpectedValue>(&mut out);
    with::<PensionTicketCheck>(&mut out);
    with::<PensionStats>(&mut out);
    let by_name: BTreeMap<String, RefOr<Schema>> = out.into_iter().collect();
    serde_json::to_string(&by_name)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
}
