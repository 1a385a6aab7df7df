//! `PensionHistory`: the draws of Pension Lottery 720+, around the core's
//! [`PensionHistory`], with a ticket's check and the digit statistics.

use std::path::PathBuf;
use std::sync::Arc;

use lottopro_core::pension::{self, PensionHistory, PensionTicket};
use pyo3::prelude::*;

use crate::conversion::{saturating_int, saturating_int_opt, to_python, whole};
use crate::error::IntoPy;

/// The draws of Pension Lottery 720+ (연금복권720+), in round order.
#[pyclass(name = "PensionHistory", module = "lottopro._lottopro", frozen)]
pub(crate) struct PyPensionHistory {
    inner: Arc<PensionHistory>,
}

#[pymethods]
impl PyPensionHistory {
    /// The history that ships with LottoPro (draws 1–327, 2020-05-07 to
    /// 2026-08-06).
    #[staticmethod]
    fn bundled() -> Self {
        PyPensionHistory {
            inner: Arc::new(pension::bundled()),
        }
    }

    /// Reads a 720+ CSV (`draw,date,group,number,bonus_number`).
    #[staticmethod]
    fn from_csv(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let h = py
            .detach(|| lottopro_core::io::load_pension_history(&path))
            .py_err()?;
        Ok(PyPensionHistory { inner: Arc::new(h) })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// The latest round held, or None.
    #[getter]
    fn latest_round(&self) -> Option<u32> {
        self.inner.latest().map(lottopro_core::PensionDraw::round)
    }

    /// Checks a ticket (`"4조 419399"`, `"4 419399"`, `"all 419399"`)
    /// against the draw of `round`: every game's rank and bonus, and what
    /// they won before tax.
    fn check(
        &self,
        py: Python<'_>,
        ticket: &str,
        #[pyo3(from_py_with = saturating_int)] round: i128,
    ) -> PyResult<Py<PyAny>> {
        let ticket = PensionTicket::parse(ticket).py_err()?;
        let round: u32 = whole(round, "round")?;
        let c = self
            .inner
            .check_ticket(&ticket, round)
            .map_err(|e| crate::error::to_py_field(e, "round"))?;
        to_python(py, &c)
    }

    /// How often each group and each digit at each position was drawn,
    /// beside chance, over the latest `last` draws (all by default).
    #[pyo3(signature = (last=None))]
    fn stats(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = saturating_int_opt)] last: Option<i128>,
    ) -> PyResult<Py<PyAny>> {
        let last: Option<usize> = last.map(|n| whole(n, "last")).transpose()?;
        let inner = self.inner.clone();
        let s = py.detach(move || inner.stats(last)).py_err()?;
        to_python(py, &s)
    }

    fn __repr__(&self) -> String {
        format!(
            "PensionHistory({} draws, latest round {:?})",
            self.inner.len(),
            self.inner.latest().map(lottopro_core::PensionDraw::round)
        )
    }
}
