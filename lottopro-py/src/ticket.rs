//! `Ticket`: one game on a slip, a frozen Python class around the core's
//! `Ticket`, ordered by its numbers and picklable.

use lottopro_core::{GameSpec, Ticket};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::conversion::{int_list, int_list_opt, small_numbers};
use crate::error::IntoPy;

/// One game on a slip, validated for its game. Tickets order by game, then
/// by their numbers as tuples (`1 2 3 4 5 6` < `1 2 3 4 5 7` < `2 3 4 5 6 7`).
#[pyclass(name = "Ticket", module = "lottopro._lottopro", frozen, eq, ord, hash)]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyTicket {
    pub(crate) inner: Ticket,
    pub(crate) game: String,
}

impl PyTicket {
    fn sort_key(&self) -> (&str, Vec<u8>, Vec<u8>) {
        (
            &self.game,
            self.inner.main().to_vec(),
            self.inner.extra().to_vec(),
        )
    }
}

impl PartialOrd for PyTicket {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.sort_key().cmp(&other.sort_key()))
    }
}

#[pymethods]
impl PyTicket {
    #[new]
    #[pyo3(signature = (numbers, extra=None, game="kr645"))]
    fn new(
        #[pyo3(from_py_with = int_list)] numbers: Vec<i128>,
        #[pyo3(from_py_with = int_list_opt)] extra: Option<Vec<i128>>,
        game: &str,
    ) -> PyResult<Self> {
        let spec = GameSpec::preset(game).py_err()?;
        let main = small_numbers(&numbers, "numbers", spec.pool())?;
        let extra = small_numbers(&extra.unwrap_or_default(), "extra", u8::MAX)?;
        Ok(PyTicket {
            inner: Ticket::new(&spec, &main, &extra).py_err()?,
            game: game.to_owned(),
        })
    }

    /// Parses `"3 11 17 25 33 41"` or `"3,11,17,25,33,41"` (two-pool games: `"1 2 3 4 5 + 6"`).
    #[staticmethod]
    #[pyo3(signature = (text, game="kr645"))]
    fn parse(text: &str, game: &str) -> PyResult<Self> {
        let spec = GameSpec::preset(game).py_err()?;
        Ok(PyTicket {
            inner: Ticket::parse(&spec, text).py_err()?,
            game: game.to_owned(),
        })
    }

    /// The main numbers, ascending.
    #[getter]
    fn numbers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.main().to_vec())
    }

    /// The second-pool numbers (empty for single-pool games).
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.extra().to_vec())
    }

    /// The game id.
    #[getter]
    fn game(&self) -> String {
        self.game.clone()
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!("Ticket('{}', game='{}')", self.inner, self.game)
    }

    /// Pickles as `Ticket(numbers, extra, game)`.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Vec<i128>, Vec<i128>, String))> {
        let t = slf.get();
        Ok((
            slf.get_type().into_any(),
            (
                t.inner.main().iter().map(i128::from).collect(),
                t.inner.extra().iter().map(i128::from).collect(),
                t.game.clone(),
            ),
        ))
    }
}
