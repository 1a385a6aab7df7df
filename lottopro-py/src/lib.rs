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
mod pension;
mod schema;
mod ticket;

use lottopro_core::{Game, GameSpec};
use pyo3::prelude::*;

use conversion::to_python;
use error::IntoPy;

/// Exact odds of every prize of a game (`"kr720"`: Pension Lottery 720+).
#[pyfunction]
#[pyo3(signature = (game="kr645"))]
fn odds(py: Python<'_>, game: &str) -> PyResult<Py<PyAny>> {
    to_python(py, &Game::parse(game).py_err()?.odds())
}

/// Tax on one prize (an int in minor units: won, cents) under a game's
/// rule; for `"kr720"`, whose prizes are fixed, every prize taxed payment by
/// payment and valued at the annual discount `rate` (default 0.03), with no
/// amount.
#[pyfunction]
#[pyo3(signature = (amount=None, game="kr645", rate=None))]
fn tax(
    py: Python<'_>,
    amount: Option<&Bound<'_, PyAny>>,
    game: &str,
    rate: Option<f64>,
) -> PyResult<Py<PyAny>> {
    let game = Game::parse(game).py_err()?;
    let gross = amount.map(|a| engine::money(a, "amount")).transpose()?;
    to_python(py, &game.tax(gross, rate).py_err()?)
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
    m.add_class::<pension::PyPensionHistory>()?;
    m.add_function(wrap_pyfunction!(odds, m)?)?;
    m.add_function(wrap_pyfunction!(tax, m)?)?;
    m.add_function(wrap_pyfunction!(games, m)?)?;
    m.add_function(wrap_pyfunction!(schema::_schemas, m)?)?;
    Ok(())
}
