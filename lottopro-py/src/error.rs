//! Core errors become Python exceptions, by kind, in this one place.
//!
//! The exception classes live in `lottopro/errors.py`, so that the bad-input
//! ones can subclass both `LottoError` and `ValueError`; this mapping raises
//! them by name, with the core's message and the field at fault.

use lottopro_core::{Error, ErrorKind};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// The Python class name for each error kind.
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        // Too few draws for a request is, to a Python caller, a bad argument
        // for this history: a ValueError naming the parameter.
        ErrorKind::InvalidInput | ErrorKind::TooFewDraws => "InvalidInputError",
        ErrorKind::Parse => "ParseError",
        ErrorKind::History => "HistoryError",
        ErrorKind::Limit => "LimitError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::Cache => "CacheError",
        ErrorKind::Io | ErrorKind::Unavailable => "LottoIOError",
        _ => "LottoError",
    }
}

/// Converts a core error into the matching `lottopro` exception.
pub(crate) fn to_py(e: Error) -> PyErr {
    Python::attach(|py| {
        let message = e.to_string();
        let built = py
            .import("lottopro.errors")
            .and_then(|m| m.getattr(class_name(e.kind())))
            .and_then(|cls| cls.call1((message.clone(), e.kind().as_str(), e.field())));
        match built {
            Ok(instance) => PyErr::from_value(instance),
            // Without the Python package around the native module, a plain
            // ValueError still says what was wrong.
            Err(_) => PyValueError::new_err(message),
        }
    })
}

/// Like [`to_py`], naming `field` when the core error names none (a round
/// that is not held is, to a Python caller, a bad `round` argument).
pub(crate) fn to_py_field(e: Error, field: &str) -> PyErr {
    let err = to_py(e);
    Python::attach(|py| {
        let value = err.value(py);
        if value.getattr("field").is_ok_and(|f| f.is_none()) {
            let _ = value.setattr("field", field);
        }
    });
    err
}

/// `?` on core results inside `#[pyfunction]`s.
pub(crate) trait IntoPy<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for lottopro_core::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
