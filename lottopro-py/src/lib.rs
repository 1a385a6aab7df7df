//! Python bindings of LottoPro: the native module `lottopro._lottopro`.
//!
//! Conversions only; every computation lives in `lottopro-core` and runs
//! with the GIL released. The Python package `lottopro` (in `python/`)
//! re-exports these names, defines the exception classes, and ships the type
//! stub. Build and install with `pip install ./lottopro-py` (or
//! `maturin develop` in a virtual environment).

mod conversion;
mod engine;
mod error;
mod history;
mod schema;
mod ticket;

use lottopro_core::{GameSpec, Odds, TaxRule};
use pyo3::prelude::*;

use conversion::to_python;
use error::IntoPy;

/// Exact odds of every prize tier of a game.
#[pyfunction]
#[pyo3(signature = (game="kr645"))]
fn odds(py: Python<'_>, game: &str) -> PyResult<Py<PyAny>> {
    to_python(py, &Odds::of(&GameSpec::preset(game).py_err()?))
}

/// Tax on one prize (an int in minor units: won, cents) under a game's rule.
#[pyfunction]
#[pyo3(signature = (amount, game="kr645"))]
fn tax(py: Python<'_>, amount: &Bound<'_, PyAny>, game: &str) -> PyResult<Py<PyAny>> {
    let g = GameSpec::preset(game).py_err()?;
    let gross = engine::money(amount, "amount")?;
    to_python(py, &g.tax().assess(gross, g.ticket_price()).py_err()?)
}

/// The preset games.
#[pyfunction]
fn games(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let all = GameSpec::preset_ids()
        .iter()
        .map(|id| GameSpec::preset(id))
        .collect::<lottopro_core::Result<Vec<_>>>()
        .py_err()?;
    to_python(py, &all)
}

/// The native module.
#[pymodule]
fn _lottopro(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<history::PyHistory>()?;
    m.add_class::<history::PyDraw>()?;
    m.add_class::<history::PyRounds>()?;
    m.add_class::<ticket::PyTicket>()?;
    m.add_class::<engine::PyEngine>()?;
    m.add_function(wrap_pyfunction!(odds, m)?)?;
    m.add_function(wrap_pyfunction!(tax, m)?)?;
    m.add_function(wrap_pyfunction!(games, m)?)?;
    m.add_function(wrap_pyfunction!(schema::_schemas, m)?)?;
    Ok(())
}
