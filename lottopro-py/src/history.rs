//! `History` and `Draw`: frozen Python classes around the core types.

use std::path::PathBuf;
use std::sync::Arc;

use lottopro_core::io::Format;
use lottopro_core::{Draw, GameSpec, History};
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PySlice, PyTuple};

use crate::conversion::{draw_record, frame_draws, history_columns, import_optional};
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
    /// `rankR_winners` / `rankR_prize_each` for the ranks the history knows;
    /// the columns that may be missing a value are nullable integers
    /// (`Int64`). `History.from_pandas` reads it back to an equal history.
    /// Needs pandas (`pip install pandas`).
    fn to_pandas(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let pandas = import_optional(py, "pandas")?;
        let (columns, nullable) = history_columns(py, &self.inner)?;
        let frame = pandas.call_method1("DataFrame", (columns,))?;
        let dates = pandas.call_method1("to_datetime", (frame.get_item("date")?,))?;
        frame.set_item("date", dates)?;
        for name in nullable {
            let column = frame.get_item(&name)?.call_method1("astype", ("Int64",))?;
            frame.set_item(name, column)?;
        }
        Ok(frame.unbind())
    }

    /// The draws as a polars DataFrame, with the columns of `to_pandas`
    /// (`date` as a polars Date). `History.from_polars` reads it back.
    /// Needs polars (`pip install polars`).
    fn to_polars(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let polars = import_optional(py, "polars")?;
        let (columns, _) = history_columns(py, &self.inner)?;
        let frame = polars.call_method1("DataFrame", (columns,))?;
        let date = polars
            .call_method1("col", ("date",))?
            .getattr("str")?
            .call_method1("to_date", ())?;
        Ok(frame.call_method1("with_columns", (date,))?.unbind())
    }

    /// A history from a DataFrame with the columns of `to_pandas`: `round`,
    /// `date`, `n1`..`nK`, `bonus` (or `bonus1`..), and when present
    /// `total_sales` and `rankR_winners` / `rankR_prize_each`. Missing values
    /// (None, NaN, `pd.NA`) are unknown. A frame without the prize columns is
    /// read with a warning: what each rank paid is then unknown. A polars
    /// frame is read too.
    #[staticmethod]
    #[pyo3(signature = (frame, game="kr645"))]
    fn from_pandas(frame: &Bound<'_, PyAny>, game: &str) -> PyResult<Self> {
        PyHistory::from_frame(frame, game)
    }

    /// A history from a polars DataFrame with the columns of `to_polars`
    /// (the same as `from_pandas`, which it shares).
    #[staticmethod]
    #[pyo3(signature = (frame, game="kr645"))]
    fn from_polars(frame: &Bound<'_, PyAny>, game: &str) -> PyResult<Self> {
        PyHistory::from_frame(frame, game)
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

    /// Whether a draw is in the history (rounds: `round in history.rounds`).
    fn __contains__(&self, item: &Bound<'_, PyAny>) -> bool {
        item.cast::<PyDraw>().is_ok_and(|draw| {
            let d = draw.get();
            self.inner
                .get(d.round)
                .is_some_and(|held| PyDraw::from(held) == *d)
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// `history[i]`: the draw at position `i` (0 is the first held, negative
    /// counts back from the latest), as in a list; `history[a:b:step]`: a
    /// slice by position, a `History` when its draws follow each other
    /// (step 1) and a list of draws otherwise. Rounds are read through
    /// `history.round(r)` and `history.rounds[a:b]`.
    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let draws = self.inner.draws();
        if let Ok(slice) = key.cast::<PySlice>() {
            let len = isize::try_from(draws.len()).unwrap_or(isize::MAX);
            let ix = slice.indices(len)?;
            if ix.step == 1 {
                let (start, stop) = (
                    ix.start.max(0).unsigned_abs(),
                    ix.stop.max(0).unsigned_abs(),
                );
                let part = draws.get(start..stop.max(start)).unwrap_or_default();
                return sub_history(py, self.inner.game(), part.to_vec());
            }
            let picked: Vec<PyDraw> = (0..ix.slicelength)
                .filter_map(|k| {
                    let at = ix
                        .start
                        .checked_add(ix.step.checked_mul(isize::try_from(k).ok()?)?)?;
                    draws.get(usize::try_from(at).ok()?).map(PyDraw::from)
                })
                .collect();
            return Ok(PyList::new(py, picked)?.into_any().unbind());
        }
        let i: i128 = crate::conversion::saturating_int(key).map_err(|_| {
                PyTypeError::new_err(format!(
                    "a history is indexed by position (an int) or a slice, not {}; rounds are read with history.round(r)",
                    type_name(key)
                ))
            })?;
        let at = if i < 0 { i + draws.len() as i128 } else { i };
        let draw = usize::try_from(at)
            .ok()
            .and_then(|at| draws.get(at))
            .ok_or_else(|| {
                PyIndexError::new_err(format!(
                    "history index {i} is out of range: it holds {} draws (for a round number use history.round({i}))",
                    draws.len()
                ))
            })?;
        Ok(PyDraw::from(draw).into_pyobject(py)?.into_any().unbind())
    }

    /// Draws from the latest back to the first.
    fn __reversed__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = PyList::new(py, self.inner.draws().iter().rev().map(PyDraw::from))?;
        Ok(list.call_method0("__iter__")?.unbind())
    }

    /// The position of a draw (`ValueError` when it is not held between
    /// `start` and `stop`), as `list.index`.
    #[pyo3(signature = (draw, start=0, stop=None))]
    fn index(&self, draw: &Bound<'_, PyAny>, start: isize, stop: Option<isize>) -> PyResult<usize> {
        let len = isize::try_from(self.inner.len()).unwrap_or(isize::MAX);
        let clamp = |i: isize| if i < 0 { (i + len).max(0) } else { i.min(len) };
        let (start, stop) = (clamp(start), clamp(stop.unwrap_or(len)));
        let found = draw.cast::<PyDraw>().ok().and_then(|d| {
            let d = d.get();
            let held = self.inner.get(d.round)?;
            let at = isize::try_from(d.round - self.inner.first_round()?).ok()?;
            (PyDraw::from(held) == *d && (start..stop).contains(&at)).then_some(at.unsigned_abs())
        });
        found.ok_or_else(|| PyValueError::new_err("the draw is not in the history"))
    }

    /// How many times a draw is held (0 or 1), as `list.count`.
    fn count(&self, draw: &Bound<'_, PyAny>) -> usize {
        usize::from(self.__contains__(draw))
    }

    /// The draw of round `round`, or `NotFoundError` (field `round`) naming
    /// the rounds held.
    fn round(&self, round: &Bound<'_, PyAny>) -> PyResult<PyDraw> {
        draw_of_round(&self.inner, round)
    }

    /// The rounds as labels: `history.rounds[1245]` is the draw of round
    /// 1245, `history.rounds[1240:1246]` rounds 1240 to 1245 as a history
    /// (the stop excluded, as in `range`), `1245 in history.rounds`.
    #[getter]
    fn rounds(&self) -> PyRounds {
        PyRounds {
            inner: self.inner.clone(),
        }
    }

    /// Equal when they hold the same game and the same draws (round, date,
    /// numbers, sales and every rank's winners and prize).
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyHistory>()
            .is_ok_and(|o| *o.get().inner == *self.inner)
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

impl PyHistory {
    /// `from_pandas` and `from_polars`: the frame's rows as draws.
    fn from_frame(frame: &Bound<'_, PyAny>, game: &str) -> PyResult<Self> {
        let spec = GameSpec::preset(game).py_err()?;
        let draws = frame_draws(frame, &spec)?;
        PyHistory::from_draws(draws.as_any(), game)
    }
}

/// Draws that follow each other as a `History` of `game`.
fn sub_history(py: Python<'_>, game: &GameSpec, draws: Vec<Draw>) -> PyResult<Py<PyAny>> {
    let h = History::new(game.clone(), draws).py_err()?;
    Ok(PyHistory { inner: Arc::new(h) }
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

/// The name of a value's type, for error messages.
fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "this".to_owned(), |n| n.to_string())
}

/// The draw of the round `round` (any Python integer), or an error naming
/// `round`: `InvalidInputError` for what cannot be a round, `NotFoundError`
/// for a round the history does not hold.
fn draw_of_round(h: &History, round: &Bound<'_, PyAny>) -> PyResult<PyDraw> {
    let r: i128 = crate::conversion::saturating_int(round).map_err(|_| {
        crate::error::to_py(lottopro_core::Error::invalid(
            "round",
            format!("a round is a whole number, not {}", type_name(round)),
        ))
    })?;
    let Ok(r) = u32::try_from(r) else {
        return Err(crate::error::to_py(lottopro_core::Error::invalid(
            "round",
            format!("{r} is not a round number (rounds are 1 or more)"),
        )));
    };
    h.require(r)
        .map(PyDraw::from)
        .map_err(|e| crate::error::to_py_field(e, "round"))
}

/// `History.rounds`: the draws of a history by round number, as labels.
#[pyclass(name = "Rounds", module = "lottopro._lottopro", frozen)]
pub(crate) struct PyRounds {
    inner: Arc<History>,
}

#[pymethods]
impl PyRounds {
    /// `rounds[r]`: the draw of round `r`; `rounds[a:b]`: the rounds `a`
    /// to `b - 1` as a history (either bound may be left out; no step).
    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Ok(slice) = key.cast::<PySlice>() else {
            return Ok(draw_of_round(&self.inner, key)?
                .into_pyobject(py)?
                .into_any()
                .unbind());
        };
        let bound = |name: &str| -> PyResult<Option<i128>> {
            let v = slice.getattr(name)?;
            if v.is_none() {
                return Ok(None);
            }
            crate::conversion::saturating_int(&v)
                .map(Some)
                .map_err(|_| {
                    crate::error::to_py(lottopro_core::Error::invalid(
                        "round",
                        format!(
                            "a slice of rounds has whole-number bounds, not {}",
                            type_name(&v)
                        ),
                    ))
                })
        };
        if bound("step")?.is_some_and(|s| s != 1) {
            return Err(crate::error::to_py(lottopro_core::Error::invalid(
                "round",
                "rounds are sliced with a step of 1 (a stepped slice by position: history[a:b:step])",
            )));
        }
        let (start, stop) = (bound("start")?, bound("stop")?);
        let draws: Vec<Draw> = self
            .inner
            .draws()
            .iter()
            .filter(|d| {
                let r = i128::from(d.round());
                start.is_none_or(|s| r >= s) && stop.is_none_or(|s| r < s)
            })
            .cloned()
            .collect();
        sub_history(py, self.inner.game(), draws)
    }

    /// Whether a round number is held.
    fn __contains__(&self, round: &Bound<'_, PyAny>) -> bool {
        round
            .extract::<i128>()
            .ok()
            .and_then(|r| u32::try_from(r).ok())
            .is_some_and(|r| self.inner.get(r).is_some())
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// The round numbers held, ascending.
    fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = PyList::new(py, self.inner.draws().iter().map(Draw::round))?;
        Ok(list.call_method0("__iter__")?.unbind())
    }

    fn __repr__(&self) -> String {
        match (self.inner.first_round(), self.inner.latest_round()) {
            (Some(a), Some(b)) => format!("Rounds({a}..={b})"),
            _ => "Rounds(empty)".to_owned(),
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
