//! `History` and `Draw`: frozen Python classes around the core types.

use std::path::PathBuf;
use std::sync::Arc;

use lottopro_core::io::Format;
use lottopro_core::{Draw, GameSpec, History};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::conversion::{draw_record, history_columns, import_optional};
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
        for file in std::iter::once(&path).chain(prizes.as_ref()) {
            if !file.exists() {
                return Err(pyo3::exceptions::PyFileNotFoundError::new_err((
                    2,
                    "No such file or directory",
                    file.to_string_lossy().into_owned(),
                )));
            }
        }
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

    /// A history from draws given as mappings: `{"round": 1, "date":
    /// "2002-12-07", "numbers": [...], "bonus": [...]}` (optionally
    /// `total_sales` and `prizes`, a list of `{"rank", "winners",
    /// "prize_each"}`). Numbers may be any integers (numpy's too) and dates
    /// `datetime.date`s or ISO text; an error names `draws[i].field`.
    #[staticmethod]
    #[pyo3(signature = (draws, game="kr645"))]
    fn from_draws(draws: &Bound<'_, PyAny>, game: &str) -> PyResult<Self> {
        let game = GameSpec::preset(game).py_err()?;
        let mut parsed = Vec::new();
        for (i, item) in draws.try_iter()?.enumerate() {
            let record = draw_record(&item?, i)?;
            let draw = record.into_draw(&game).map_err(|e| {
                crate::error::to_py(lottopro_core::Error::InvalidInput {
                    field: format!("draws[{i}]"),
                    message: e.to_string(),
                })
            })?;
            parsed.push(draw);
        }
        Ok(PyHistory {
            inner: Arc::new(History::new(game, parsed).py_err()?),
        })
    }

    /// Rebuilds a pickled history (see `__reduce__`).
    #[staticmethod]
    fn _from_jsonl(text: &str, game: &str) -> PyResult<Self> {
        let game = GameSpec::preset(game).py_err()?;
        let h = lottopro_core::io::read_history(text.as_bytes(), Format::Jsonl, game).py_err()?;
        Ok(PyHistory { inner: Arc::new(h) })
    }

    /// The draws as a pandas DataFrame, one row a draw: `round`, `date`
    /// (datetime64), `n1`..`nK`, `bonus` (or `bonus1`..), `total_sales`, and
    /// `rankR_winners` / `rankR_prize_each` for the ranks the history knows.
    /// Needs pandas (`pip install pandas`).
    fn to_pandas(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let pandas = import_optional(py, "pandas")?;
        let columns = history_columns(py, &self.inner)?;
        let frame = pandas.call_method1("DataFrame", (columns,))?;
        let dates = pandas.call_method1("to_datetime", (frame.get_item("date")?,))?;
        frame.set_item("date", dates)?;
        Ok(frame.unbind())
    }

    /// The draws as a polars DataFrame, with the columns of `to_pandas`
    /// (`date` as a polars Date). Needs polars (`pip install polars`).
    fn to_polars(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let polars = import_optional(py, "polars")?;
        let frame = polars.call_method1("DataFrame", (history_columns(py, &self.inner)?,))?;
        let date = polars
            .call_method1("col", ("date",))?
            .getattr("str")?
            .call_method1("to_date", ())?;
        Ok(frame.call_method1("with_columns", (date,))?.unbind())
    }

    /// A history from a DataFrame (pandas, or anything with
    /// `to_dict("records")`) with the columns of `to_pandas`: `round`, `date`,
    /// `n1`..`nK`, `bonus` (or `bonus1`..); `total_sales` when present.
    #[staticmethod]
    #[pyo3(signature = (frame, game="kr645"))]
    fn from_pandas(frame: &Bound<'_, PyAny>, game: &str) -> PyResult<Self> {
        let py = frame.py();
        let spec = GameSpec::preset(game).py_err()?;
        let records = frame.call_method1("to_dict", ("records",))?;
        let draws = pyo3::types::PyList::empty(py);
        for row in records.try_iter()? {
            let row = row?;
            let draw = pyo3::types::PyDict::new(py);
            for key in ["round", "date", "total_sales"] {
                if let Ok(v) = row.get_item(key) {
                    draw.set_item(key, v)?;
                }
            }
            let take = |names: Vec<String>| -> PyResult<Vec<Bound<'_, PyAny>>> {
                names.iter().map(|n| row.get_item(n)).collect()
            };
            let numbers = take((1..=spec.picks()).map(|i| format!("n{i}")).collect())?;
            draw.set_item("numbers", numbers)?;
            let drawn = spec.bonus().drawn();
            let bonus = if drawn == 1 {
                take(vec!["bonus".to_owned()])?
            } else {
                take((1..=drawn).map(|i| format!("bonus{i}")).collect())?
            };
            draw.set_item("bonus", bonus)?;
            draws.append(draw)?;
        }
        PyHistory::from_draws(draws.as_any(), game)
    }

    /// Pickles as its draws in LottoPro's JSON lines and its game.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String, String))> {
        let h = &slf.get().inner;
        let mut text = Vec::new();
        lottopro_core::io::write_draws(&mut text, Format::Jsonl, h.game(), h.draws()).py_err()?;
        let restore = slf.get_type().getattr("_from_jsonl")?;
        Ok((
            restore,
            (
                String::from_utf8_lossy(&text).into_owned(),
                h.game().id().to_owned(),
            ),
        ))
    }

    /// Draws in round order.
    fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = pyo3::types::PyList::new(py, self.draws())?;
        Ok(list.call_method0("__iter__")?.unbind())
    }

    /// Whether a round (an int) or a draw is in the history.
    fn __contains__(&self, item: &Bound<'_, PyAny>) -> bool {
        if let Ok(draw) = item.cast::<PyDraw>() {
            let d = draw.get();
            return self
                .inner
                .get(d.round)
                .is_some_and(|held| PyDraw::from(held) == *d);
        }
        match item.extract::<i64>() {
            Ok(round) => u32::try_from(round).is_ok_and(|r| self.inner.get(r).is_some()),
            Err(_) => false,
        }
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// `history[round]`: the draw of a round number; negative numbers count
    /// back from the latest (`history[-1]` is the latest draw).
    /// `history[1240:1246]`: the rounds 1240 to 1245 as a history (the stop
    /// is excluded, as in `range`; negative bounds count back as well).
    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let latest = i64::from(self.inner.latest_round().unwrap_or(0));
        let first = i64::from(self.inner.first_round().unwrap_or(1));
        let resolve = |i: i64| if i < 0 { latest + 1 + i } else { i };
        if let Ok(slice) = key.cast::<pyo3::types::PySlice>() {
            let bound = |name: &str, default: i64| -> PyResult<i64> {
                let v = slice.getattr(name)?;
                if v.is_none() {
                    Ok(default)
                } else {
                    Ok(resolve(v.extract::<i64>()?))
                }
            };
            if !slice.getattr("step")?.is_none() && slice.getattr("step")?.extract::<i64>()? != 1 {
                return Err(pyo3::exceptions::PyValueError::new_err(
                    "a history is sliced by rounds with a step of 1",
                ));
            }
            let (start, stop) = (bound("start", first)?, bound("stop", latest + 1)?);
            let draws: Vec<Draw> = self
                .inner
                .draws()
                .iter()
                .filter(|d| (start..stop).contains(&i64::from(d.round())))
                .cloned()
                .collect();
            let h = History::new(self.inner.game().clone(), draws).py_err()?;
            return Ok(PyHistory { inner: Arc::new(h) }
                .into_pyobject(py)?
                .into_any()
                .unbind());
        }
        let i: i64 = key.extract().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "a history is indexed by a round number or a slice of rounds, not {}",
                key.get_type()
                    .name()
                    .map_or_else(|_| "this".to_owned(), |n| n.to_string())
            ))
        })?;
        let round = resolve(i);
        let draw = u32::try_from(round)
            .ok()
            .and_then(|r| self.inner.get(r))
            .ok_or_else(|| {
                pyo3::exceptions::PyIndexError::new_err(format!(
                    "round {i} is not in the history (rounds {first}..={latest})"
                ))
            })?;
        Ok(PyDraw::from(draw).into_pyobject(py)?.into_any().unbind())
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

    /// Rebuilds a pickled draw (see `__reduce__`).
    #[staticmethod]
    fn _restore(
        round: u32,
        date: String,
        numbers: Vec<u8>,
        bonus: Vec<u8>,
        total_sales: Option<u64>,
        prizes: Vec<(u8, u64, u64)>,
    ) -> PyDraw {
        PyDraw {
            round,
            date,
            numbers,
            bonus,
            total_sales,
            prizes,
        }
    }

    /// Pickles as its fields.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(
        Bound<'py, PyAny>,
        (
            u32,
            String,
            Vec<u8>,
            Vec<u8>,
            Option<u64>,
            Vec<(u8, u64, u64)>,
        ),
    )> {
        let d = slf.get();
        Ok((
            slf.get_type().getattr("_restore")?,
            (
                d.round,
                d.date.clone(),
                d.numbers.clone(),
                d.bonus.clone(),
                d.total_sales,
                d.prizes.clone(),
            ),
        ))
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
