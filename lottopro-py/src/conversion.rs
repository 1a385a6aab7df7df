//! Every conversion between Python and the core.
//!
//! Results go to Python as plain dicts and lists through their serde form
//! (the same JSON shape the CLI and the HTTP service show), except where a
//! user wants arrays: number frequencies and the pair matrix are numpy arrays.

use ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;
use serde_json::Value;

use lottopro_core::{GameSpec, Stats, Ticket};

use crate::error::IntoPy;

/// Any serialisable core value as Python objects.
pub(crate) fn to_python<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    let v = serde_json::to_value(value)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    value_to_python(py, &v)
}

fn value_to_python(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any().unbind(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.into_pyobject(py)?.into_any().unbind(),
            (_, Some(u), _) => u.into_pyobject(py)?.into_any().unbind(),
            // Integers beyond 64 bits (totals of huge simulations) keep every digit.
            _ if n.is_u64()
                || n.to_string()
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'-') =>
            {
                py.import("builtins")?
                    .getattr("int")?
                    .call1((n.to_string(),))?
                    .unbind()
            }
            (_, _, Some(f)) => f.into_pyobject(py)?.into_any().unbind(),
            _ => py.None(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any().unbind(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_python(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, value_to_python(py, item)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

/// Statistics as a dict, with `frequencies` (counts of numbers 1..=pool) and
/// `pair_matrix` (`[a, b]` for numbers a and b; row and column 0 unused) as
/// numpy arrays.
pub(crate) fn stats_to_python(py: Python<'_>, stats: &Stats) -> PyResult<Py<PyAny>> {
    let obj = to_python(py, stats)?;
    let dict = obj.bind(py).cast::<PyDict>()?;
    let counts: Vec<u64> = stats.numbers.iter().map(|n| n.count).collect();
    let frequencies: Bound<'_, PyArray1<u64>> = counts.into_pyarray(py);
    dict.set_item("frequencies", frequencies)?;
    let m = &stats.pair_matrix;
    let matrix = Array2::from_shape_vec((m.width(), m.width()), m.as_slice().to_vec())
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    let pairs: Bound<'_, PyArray2<u32>> = matrix.into_pyarray(py);
    dict.set_item("pair_matrix", pairs)?;
    Ok(obj)
}

/// A ticket given as text (`"3 11 17 25 33 41"`) or a sequence of numbers.
pub(crate) fn ticket_from_python(game: &GameSpec, value: &Bound<'_, PyAny>) -> PyResult<Ticket> {
    if let Ok(text) = value.extract::<String>() {
        return Ticket::parse(game, &text).py_err();
    }
    let numbers: Vec<i128> = value.extract().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(
            "a ticket is a string like \"3 11 17 25 33 41\" or a sequence of numbers",
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
