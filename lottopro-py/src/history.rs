//! `History`, `Draw` and `Ticket`: frozen Python classes around the core types.

use std::path::PathBuf;
use std::sync::Arc;

use lottopro_core::io::{DrawRecord, Format};
use lottopro_core::{Draw, GameSpec, History, Ticket};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::conversion::small_numbers;
use crate::error::IntoPy;

/// The draws of one game, in round order, without gaps.
#[pyclass(name = "History", module = "lottopro._lottopro", frozen)]
pub(crate) struct PyHistory {
    pub(crate) inner: Arc<History>,
}

#[pymethods]
impl PyHistory {
    /// The real history that ships with LottoPro (Korean Lotto 6/45, draws
    /// 1–1245 with per-rank prizes); other games have none bundled.
    #[staticmethod]
    #[pyo3(signature = (game="kr645"))]
    fn bundled(game: &str) -> PyResult<Self> {
        let game = GameSpec::preset(game).py_err()?;
        let h = lottopro_core::data::history(&game).py_err()?;
        Ok(PyHistory { inner: Arc::new(h) })
    }

    /// Reads a history file (CSV, legacy JSON or JSON lines; the format comes
    /// from the extension unless given) and optionally a per-rank prizes CSV.
    #[staticmethod]
    #[pyo3(signature = (path, prizes=None, game="kr645", format=None))]
    fn from_csv(
        py: Python<'_>,
        path: PathBuf,
        prizes: Option<PathBuf>,
        game: &str,
        format: Option<&str>,
    ) -> PyResult<Self> {
        let game = GameSpec::preset(game).py_err()?;
        let format: Option<Format> = format.map(str::parse).transpose().py_err()?;
        let h = py
            .detach(|| {
                let h = lottopro_core::io::load_history(&path, format, game)?;
                match prizes {
                    Some(p) => lottopro_core::io::load_prizes(&h, &p),
                    None => Ok(h),
                }
            })
            .py_err()?;
        Ok(PyHistory { inner: Arc::new(h) })
    }

    /// A history from draws given as dicts: `{"round": 1, "date":
    /// "2002-12-07", "numbers": [...], "bonus": [...]}` (optionally
    /// `total_sales` and `prizes`).
    #[staticmethod]
    #[pyo3(signature = (draws, game="kr645"))]
    fn from_draws(py: Python<'_>, draws: Vec<Bound<'_, PyDict>>, game: &str) -> PyResult<Self> {
        let game = GameSpec::preset(game).py_err()?;
        let json = py.import("json")?;
        let mut records = Vec::with_capacity(draws.len());
        for (i, d) in draws.iter().enumerate() {
            let text: String = json.call_method1("dumps", (d,))?.extract()?;
            let record: DrawRecord = serde_json::from_str(&text).map_err(|e| {
                crate::error::to_py(lottopro_core::Error::InvalidInput {
                    field: format!("draws[{i}]"),
                    message: e.to_string(),
                })
            })?;
            records.push(record);
        }
        let draws = records
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                r.into_draw(&game)
                    .map_err(|e| lottopro_core::Error::InvalidInput {
                        field: format!("draws[{i}]"),
                        message: e.to_string(),
                    })
            })
            .collect::<lottopro_core::Result<Vec<_>>>()
            .py_err()?;
        Ok(PyHistory {
            inner: Arc::new(History::new(game, draws).py_err()?),
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// The draw of a round.
    fn __getitem__(&self, round: u32) -> PyResult<PyDraw> {
        self.inner.require(round).map(PyDraw::from).py_err()
    }

    /// All draws, round order.
    fn draws(&self) -> Vec<PyDraw> {
        self.inner.draws().iter().map(PyDraw::from).collect()
    }

    /// The game id.
    #[getter]
    fn game(&self) -> String {
        self.inner.game().id().to_owned()
    }

    /// The first round held, or None.
    #[getter]
    fn first_round(&self) -> Option<u32> {
        self.inner.first_round()
    }

    /// The latest round held, or None.
    #[getter]
    fn latest_round(&self) -> Option<u32> {
        self.inner.latest_round()
    }

    /// A digest of the content (changes with any draw).
    #[getter]
    fn epoch(&self) -> String {
        format!("{:016x}", self.inner.epoch())
    }

    fn __repr__(&self) -> String {
        match (self.inner.first_round(), self.inner.latest_round()) {
            (Some(a), Some(b)) => format!(
                "History(game='{}', draws={}, rounds={a}..{b})",
                self.game(),
                self.inner.len()
            ),
            _ => format!("History(game='{}', draws=0)", self.game()),
        }
    }
}

/// One round's result.
#[pyclass(name = "Draw", module = "lottopro._lottopro", frozen, eq)]
#[derive(PartialEq)]
pub(crate) struct PyDraw {
    /// The round number.
    #[pyo3(get)]
    round: u32,
    /// The draw date, `YYYY-MM-DD`.
    #[pyo3(get)]
    date: String,
    numbers: Vec<u8>,
    bonus: Vec<u8>,
    /// Total ticket sales, when known.
    #[pyo3(get)]
    total_sales: Option<u64>,
    prizes: Vec<(u8, u64, u64)>,
}

impl From<&Draw> for PyDraw {
    fn from(d: &Draw) -> PyDraw {
        PyDraw {
            round: d.round(),
            date: d.date().to_string(),
            numbers: d.numbers().to_vec(),
            bonus: d.bonus().to_vec(),
            total_sales: d.total_sales().map(|m| m.get()),
            prizes: d
                .results()
                .iter()
                .map(|r| (r.rank, r.winners, r.prize_each.get()))
                .collect(),
        }
    }
}

#[pymethods]
impl PyDraw {
    /// The main numbers, ascending.
    #[getter]
    fn numbers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.numbers)
    }

    /// The bonus numbers.
    #[getter]
    fn bonus<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.bonus)
    }

    /// What each rank paid: `(rank, winners, prize_each)` tuples.
    #[getter]
    fn prizes(&self) -> Vec<(u8, u64, u64)> {
        self.prizes.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "Draw(round={}, date='{}', numbers={}, bonus={})",
            self.round,
            self.date,
            py_tuple(&self.numbers),
            py_tuple(&self.bonus)
        )
    }
}

/// One game on a slip, validated for its game.
#[pyclass(name = "Ticket", module = "lottopro._lottopro", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyTicket {
    pub(crate) inner: Ticket,
    game: String,
}

#[pymethods]
impl PyTicket {
    #[new]
    #[pyo3(signature = (numbers, extra=None, game="kr645"))]
    fn new(numbers: Vec<i128>, extra: Option<Vec<i128>>, game: &str) -> PyResult<Self> {
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
}

/// Numbers written as a Python tuple: `(4, 5, 25)`, `(12,)`.
fn py_tuple(numbers: &[u8]) -> String {
    match numbers {
        [one] => format!("({one},)"),
        _ => format!(
            "({})",
            numbers
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
