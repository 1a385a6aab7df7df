//! Every conversion between Python and the core.
//!
//! Results go to Python as plain dicts and lists through their serde form
//! (the shape the CLI and the HTTP service show, with ints for int keys), except where a
//! user wants arrays: number frequencies and the pair matrix are numpy arrays.

use ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;

use lottopro_core::{GameSpec, Stats, Ticket};

use crate::error::IntoPy;

/// Any serialisable core value as Python objects: dicts, lists, ints and
/// floats as serde describes them (ranks stay ints, integers wider than 64
/// bits keep every digit), without a detour through JSON.
pub(crate) fn to_python<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    pythonize::pythonize(py, value)
        .map(Bound::unbind)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
}

/// Statistics as a dict, with `frequencies` and `pair_matrix` as numpy
/// arrays that share one indexing: by the number itself (`frequencies[7]`
/// is how often 7 was drawn, `pair_matrix[7, 13]` how often 7 and 13 came
/// together; index 0 holds zeros), in signed 64-bit integers so that
/// arithmetic on them (`f - f.mean()`, `f - 200`) never wraps around.
pub(crate) fn stats_to_python(py: Python<'_>, stats: &Stats) -> PyResult<Py<PyAny>> {
    let obj = to_python(py, stats)?;
    let dict = obj.bind(py).cast::<PyDict>()?;
    let mut counts = vec![0i64; stats.numbers.len() + 1];
    for n in &stats.numbers {
        if let Some(slot) = counts.get_mut(usize::from(n.number)) {
            *slot = i64::try_from(n.count).unwrap_or(i64::MAX);
        }
    }
    let frequencies: Bound<'_, PyArray1<i64>> = counts.into_pyarray(py);
    dict.set_item("frequencies", frequencies)?;
    let m = &stats.pair_matrix;
    let cells: Vec<i64> = m.as_slice().iter().map(|&c| i64::from(c)).collect();
    let matrix = Array2::from_shape_vec((m.width(), m.width()), cells)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    let pairs: Bound<'_, PyArray2<i64>> = matrix.into_pyarray(py);
    dict.set_item("pair_matrix", pairs)?;
    Ok(obj)
}

/// A whole-number argument in the range of `T`, or the library's
/// `InvalidInputError` naming the parameter (never an `OverflowError`).
pub(crate) fn whole<T: TryFrom<i128>>(value: i128, field: &str) -> PyResult<T> {
    T::try_from(value).map_err(|_| {
        let message = if value < 0 {
            format!("{value} is negative; it must be 0 or more")
        } else {
            format!("{value} is too large")
        };
        crate::error::to_py(lottopro_core::Error::invalid(field, message))
    })
}

/// A ticket given as a `Ticket`, text (`"3 11 17 25 33 41"`) or a sequence
/// of numbers.
pub(crate) fn ticket_from_python(game: &GameSpec, value: &Bound<'_, PyAny>) -> PyResult<Ticket> {
    if let Ok(t) = value.cast::<crate::history::PyTicket>() {
        let t = t.get();
        if t.game != game.id() {
            return Err(crate::error::to_py(lottopro_core::Error::invalid(
                "ticket",
                format!("a {} ticket cannot be played in {}", t.game, game.id()),
            )));
        }
        return Ok(t.inner);
    }
    if let Ok(text) = value.extract::<String>() {
        return Ticket::parse(game, &text).py_err();
    }
    let numbers: Vec<i128> = value.extract().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(
            "a ticket is a Ticket, a string like \"3 11 17 25 33 41\" or a sequence of numbers",
        )
    })?;
    Ticket::new(game, &small_numbers(&numbers, "numbers", game.pool())?, &[]).py_err()
}

/// Numbers from Python ints, rejecting values that cannot be lottery numbers
/// with the same message the core gives for out-of-range numbers.
pub(crate) fn small_numbers(values: &[i128], field: &str, max: u8) -> PyResult<Vec<u8>> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            u8::try_from(v).map_err(|_| {
                crate::error::to_py(lottopro_core::Error::InvalidInput {
                    field: format!("{field}[{i}]"),
                    message: format!("{v} is out of range 1..={max}"),
                })
            })
        })
        .collect()
}
