//! Every conversion between Python and the core.
//!
//! Results go to Python as plain dicts and lists through their serde form
//! (the shape the CLI and the HTTP service show, with ints for int keys), except where a
//! user wants arrays or objects: number frequencies and the pair matrix are
//! numpy arrays, and every ticket in a result is a `Ticket` (see
//! [`Tickets`]).

use ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;

use lottopro_core::io::DrawRecord;
use lottopro_core::{Draw, GameSpec, Stats, Ticket};

use crate::error::IntoPy;
use crate::ticket::PyTicket;

/// Puts `Ticket` objects into a converted result. A ticket is a `Ticket`
/// wherever it appears, so that what comes out can go back in (to `check`,
/// `popularity`, `simulate(tickets=...)`) and compares, sorts and pickles;
/// where the serde form spells a ticket's numbers inline beside other
/// fields (a predicted ticket, a QR game, a popularity answer), the
/// `Ticket` is added under `ticket` and the numbers stay.
pub(crate) struct Tickets<'py> {
    py: Python<'py>,
    game: GameSpec,
}

impl<'py> Tickets<'py> {
    pub(crate) fn new(py: Python<'py>, game: GameSpec) -> Tickets<'py> {
        Tickets { py, game }
    }

    /// `numbers` and `extra` (already validated by the core) as a `Ticket`.
    fn object(&self, numbers: &[u8], extra: &[u8]) -> PyResult<Py<PyTicket>> {
        let inner = Ticket::new(&self.game, numbers, extra).py_err()?;
        Py::new(
            self.py,
            PyTicket {
                inner,
                game: self.game.id().to_owned(),
            },
        )
    }

    /// `result[key]` becomes the ticket.
    pub(crate) fn set(
        &self,
        result: &Py<PyAny>,
        key: &str,
        numbers: &[u8],
        extra: &[u8],
    ) -> PyResult<()> {
        let dict = result.bind(self.py).cast::<PyDict>()?;
        dict.set_item(key, self.object(numbers, extra)?)
    }

    /// Each item of the list `result[list]` gets its ticket: the item itself
    /// becomes the ticket (`key` None) or gains it under `key`.
    pub(crate) fn each(
        &self,
        result: &Py<PyAny>,
        list: &str,
        key: Option<&str>,
        tickets: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>,
    ) -> PyResult<()> {
        let dict = result.bind(self.py).cast::<PyDict>()?;
        let Some(items) = dict.get_item(list)? else {
            return Ok(());
        };
        let items = items.cast::<PyList>()?;
        for (i, (numbers, extra)) in tickets.into_iter().enumerate() {
            let ticket = self.object(&numbers, &extra)?;
            match key {
                None => items.set_item(i, ticket)?,
                Some(k) => items.get_item(i)?.cast::<PyDict>()?.set_item(k, ticket)?,
            }
        }
        Ok(())
    }
}

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

/// An integer argument (a Python int, a numpy integer, anything with
/// `__index__`) for `#[pyo3(from_py_with = ...)]`, saturated to the range of
/// `i128` so that [`whole`] refuses a huge value as too large, naming the
/// parameter, instead of Python raising a bare `OverflowError`.
pub(crate) fn saturating_int(value: &Bound<'_, PyAny>) -> PyResult<i128> {
    let index = value.call_method0("__index__").map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "'{}' object cannot be interpreted as an integer",
            value
                .get_type()
                .name()
                .map_or_else(|_| "this".to_owned(), |n| n.to_string())
        ))
    })?;
    match index.extract::<i128>() {
        Ok(v) => Ok(v),
        Err(_) if index.lt(0)? => Ok(i128::MIN),
        Err(_) => Ok(i128::MAX),
    }
}

/// [`saturating_int`] for an optional argument (None stays None).
pub(crate) fn saturating_int_opt(value: &Bound<'_, PyAny>) -> PyResult<Option<i128>> {
    if value.is_none() {
        Ok(None)
    } else {
        saturating_int(value).map(Some)
    }
}

/// Numbers from any iterable of integers (a list, tuple, set, numpy array,
/// pandas Series), each as [`saturating_int`] reads it.
pub(crate) fn int_list(value: &Bound<'_, PyAny>) -> PyResult<Vec<i128>> {
    if value.is_instance_of::<pyo3::types::PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "numbers are given as an iterable of integers, not a string",
        ));
    }
    value.try_iter()?.map(|n| saturating_int(&n?)).collect()
}

/// [`int_list`] for an optional argument (None stays None).
pub(crate) fn int_list_opt(value: &Bound<'_, PyAny>) -> PyResult<Option<Vec<i128>>> {
    if value.is_none() {
        Ok(None)
    } else {
        int_list(value).map(Some)
    }
}

/// A ticket given as a `Ticket`, text (`"3 11 17 25 33 41"`) or a sequence
/// of numbers.
pub(crate) fn ticket_from_python(game: &GameSpec, value: &Bound<'_, PyAny>) -> PyResult<Ticket> {
    if let Ok(t) = value.cast::<crate::ticket::PyTicket>() {
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
    let numbers: Vec<i128> = int_list(value).map_err(|_| {
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

/// `module`, or an ImportError that says how to install it.
pub(crate) fn import_optional<'py>(
    py: Python<'py>,
    module: &str,
) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|_| {
        pyo3::exceptions::PyImportError::new_err(format!(
            "this needs {module}: pip install {module}"
        ))
    })
}

/// The draws of `h` as columns (name → list of values), for the DataFrame
/// constructors of pandas and polars, and the names of the columns that
/// may lack a value (sales, prizes: nullable integers in pandas).
pub(crate) fn history_columns<'py>(
    py: Python<'py>,
    h: &lottopro_core::History,
) -> PyResult<(Bound<'py, PyDict>, Vec<String>)> {
    let mut nullable = vec!["total_sales".to_owned()];
    let game = h.game();
    let draws = h.draws();
    let columns = pyo3::types::PyDict::new(py);
    columns.set_item("round", draws.iter().map(Draw::round).collect::<Vec<_>>())?;
    columns.set_item(
        "date",
        draws
            .iter()
            .map(|d| d.date().to_string())
            .collect::<Vec<_>>(),
    )?;
    for i in 0..usize::from(game.picks()) {
        let column: Vec<i64> = draws
            .iter()
            .map(|d| i64::from(d.numbers().to_vec()[i]))
            .collect();
        columns.set_item(format!("n{}", i + 1), column)?;
    }
    let drawn = usize::from(game.bonus().drawn());
    for i in 0..drawn {
        let column: Vec<Option<i64>> = draws
            .iter()
            .map(|d| d.bonus().to_vec().get(i).copied().map(i64::from))
            .collect();
        let name = if drawn == 1 {
            "bonus".to_owned()
        } else {
            format!("bonus{}", i + 1)
        };
        columns.set_item(name, column)?;
    }
    columns.set_item(
        "total_sales",
        draws
            .iter()
            .map(|d| d.total_sales().map(|m| m.get()))
            .collect::<Vec<_>>(),
    )?;
    let ranks = draws
        .iter()
        .flat_map(|d| d.results().iter().map(|r| r.rank))
        .max()
        .unwrap_or(0);
    for rank in 1..=ranks {
        let result = |d: &Draw| d.result(rank).copied();
        nullable.push(format!("rank{rank}_winners"));
        nullable.push(format!("rank{rank}_prize_each"));
        columns.set_item(
            format!("rank{rank}_winners"),
            draws
                .iter()
                .map(|d| result(d).map(|r| r.winners))
                .collect::<Vec<_>>(),
        )?;
        columns.set_item(
            format!("rank{rank}_prize_each"),
            draws
                .iter()
                .map(|d| result(d).map(|r| r.prize_each.get()))
                .collect::<Vec<_>>(),
        )?;
    }
    Ok((columns, nullable))
}

/// Whether a value read from a frame or a mapping stands for "unknown":
/// None, a float NaN, or pandas' `NA` / `NaT`.
fn is_missing(v: &Bound<'_, PyAny>) -> bool {
    v.is_none()
        || v.extract::<f64>().is_ok_and(f64::is_nan)
        || v.get_type()
            .name()
            .is_ok_and(|n| matches!(n.to_string().as_str(), "NAType" | "NaTType"))
}

/// The rows of a DataFrame with the columns of `History.to_pandas` as draw
/// mappings for `History.from_draws`: a polars frame through `to_dicts()`,
/// a pandas one (or anything with `to_dict("records")`) through that.
/// Without the prize columns it warns (`IncompleteDataWarning`) once that
/// what each rank paid is unknown.
pub(crate) fn frame_draws<'py>(
    frame: &Bound<'py, PyAny>,
    game: &GameSpec,
) -> PyResult<Bound<'py, PyList>> {
    let py = frame.py();
    let records = if frame.hasattr("to_dicts")? {
        frame.call_method0("to_dicts")?
    } else if frame.hasattr("to_dict")? && frame.hasattr("columns")? {
        frame.call_method1("to_dict", ("records",))?
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "a history is read from a pandas or polars DataFrame, not {}",
            frame
                .get_type()
                .name()
                .map_or_else(|_| "this".to_owned(), |n| n.to_string())
        )));
    };
    let columns: Vec<String> = frame
        .getattr("columns")?
        .try_iter()?
        .map(|c| c?.str()?.extract())
        .collect::<PyResult<_>>()?;
    let drawn = game.bonus().drawn();
    let numbers: Vec<String> = (1..=game.picks()).map(|i| format!("n{i}")).collect();
    let bonus: Vec<String> = if drawn == 1 {
        vec!["bonus".to_owned()]
    } else {
        (1..=drawn).map(|i| format!("bonus{i}")).collect()
    };
    let missing = |name: &str| !columns.iter().any(|c| c == name);
    for name in ["round", "date"]
        .into_iter()
        .chain(numbers.iter().map(String::as_str))
        .chain(bonus.iter().map(String::as_str))
    {
        if missing(name) {
            return Err(crate::error::to_py(lottopro_core::Error::invalid(
                name,
                format!(
                    "the frame has no column '{name}' (columns: {})",
                    columns.join(", ")
                ),
            )));
        }
    }
    // The ranks whose winners and prize both have a column.
    let mut ranks = Vec::new();
    for c in &columns {
        let Some(rank) = c
            .strip_prefix("rank")
            .and_then(|r| r.strip_suffix("_winners"))
            .and_then(|r| r.parse::<u8>().ok())
        else {
            continue;
        };
        let prize = format!("rank{rank}_prize_each");
        if missing(&prize) {
            return Err(crate::error::to_py(lottopro_core::Error::invalid(
                prize.clone(),
                format!("the frame has {c} but no {prize}"),
            )));
        }
        ranks.push((rank, c.clone(), prize));
    }
    if ranks.is_empty() {
        let sales = if missing("total_sales") {
            " Without total_sales, the sales of every draw are unknown as well."
        } else {
            ""
        };
        let message = format!(
            "the frame has no rankR_winners / rankR_prize_each columns: what each rank paid is \
             unknown, so check() gives no prize, simulate() leaves the pool ranks unvalued and \
             popularity() cannot be fitted.{sales}"
        );
        let category = py
            .import("lottopro.errors")?
            .getattr("IncompleteDataWarning")?;
        PyErr::warn(py, &category, &std::ffi::CString::new(message)?, 2)?;
    }
    let draws = PyList::empty(py);
    for row in records.try_iter()? {
        let row = row?;
        let draw = PyDict::new(py);
        for key in ["round", "date", "total_sales"] {
            if let Ok(v) = row.get_item(key) {
                draw.set_item(key, v)?;
            }
        }
        let take = |names: &[String]| -> PyResult<Vec<Bound<'_, PyAny>>> {
            names.iter().map(|n| row.get_item(n)).collect()
        };
        draw.set_item("numbers", take(&numbers)?)?;
        let bonus: Vec<_> = take(&bonus)?
            .into_iter()
            .filter(|v| !is_missing(v))
            .collect();
        draw.set_item("bonus", bonus)?;
        let prizes = PyList::empty(py);
        for (rank, winners, prize) in &ranks {
            let (w, p) = (row.get_item(winners)?, row.get_item(prize)?);
            if is_missing(&w) || is_missing(&p) {
                continue;
            }
            let entry = PyDict::new(py);
            entry.set_item("rank", rank)?;
            entry.set_item("winners", w)?;
            entry.set_item("prize_each", p)?;
            prizes.append(entry)?;
        }
        draw.set_item("prizes", prizes)?;
        draws.append(draw)?;
    }
    Ok(draws)
}

/// One draw given to `from_draws` as a mapping, read field by field.
pub(crate) fn draw_record(item: &Bound<'_, PyAny>, i: usize) -> PyResult<DrawRecord> {
    let bad = |field: &str, message: String| {
        crate::error::to_py(lottopro_core::Error::InvalidInput {
            field: format!("draws[{i}].{field}"),
            message,
        })
    };
    let get = |field: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        match item.get_item(field) {
            // None, or a DataFrame's NaN / NA for a missing value.
            Ok(v) if is_missing(&v) => Ok(None),
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(item.py()) => Ok(None),
            Err(_) => Err(bad(field, "each draw is a mapping such as a dict".into())),
        }
    };
    // Whole numbers, and floats that hold one (a pandas column with a
    // missing value is float).
    let int = |field: &str, v: &Bound<'_, PyAny>| -> PyResult<i128> {
        v.call_method0("__index__")
            .and_then(|n| n.extract::<i128>())
            .or_else(|e| match v.extract::<f64>() {
                Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i128),
                _ => Err(e),
            })
            .map_err(|_| {
                bad(
                    field,
                    format!(
                        "{} is not a whole number",
                        v.repr().map_or_else(|_| "it".into(), |r| r.to_string())
                    ),
                )
            })
    };
    let numbers = |field: &str| -> PyResult<Vec<u8>> {
        let Some(v) = get(field)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (j, n) in v
            .try_iter()
            .map_err(|_| bad(field, "is not a list of numbers".into()))?
            .enumerate()
        {
            let n = int(&format!("{field}[{j}]"), &n?)?;
            out.push(u8::try_from(n).map_err(|_| {
                bad(
                    &format!("{field}[{j}]"),
                    format!("{n} is not a ball number"),
                )
            })?);
        }
        Ok(out)
    };
    let round = get("round")?.ok_or_else(|| bad("round", "is missing".into()))?;
    let round = int("round", &round)?;
    let round =
        u32::try_from(round).map_err(|_| bad("round", format!("{round} is not a round number")))?;
    let date = get("date")?.ok_or_else(|| bad("date", "is missing".into()))?;
    let date: String = if date.hasattr("isoformat")? {
        // datetime.date, datetime.datetime and pandas' Timestamp: the date part.
        let text: String = date.call_method0("isoformat")?.extract()?;
        text.chars().take(10).collect()
    } else {
        date.str()?.to_string().chars().take(10).collect()
    };
    let total_sales = match get("total_sales")? {
        None => None,
        Some(v) => {
            let n = int("total_sales", &v)?;
            Some(
                lottopro_core::Money::from_i64(i64::try_from(n).unwrap_or(i64::MAX), "total_sales")
                    .map_err(|e| bad("total_sales", e.to_string()))?,
            )
        }
    };
    let mut prizes = Vec::new();
    if let Some(list) = get("prizes")? {
        for (j, p) in list
            .try_iter()
            .map_err(|_| bad("prizes", "is not a list".into()))?
            .enumerate()
        {
            let p = p?;
            let field = |name: &str| -> PyResult<i128> {
                let v = p
                    .get_item(name)
                    .map_err(|_| bad(&format!("prizes[{j}].{name}"), "is missing".into()))?;
                int(&format!("prizes[{j}].{name}"), &v)
            };
            let (rank, winners, each) = (field("rank")?, field("winners")?, field("prize_each")?);
            prizes.push(lottopro_core::TierResult {
                rank: u8::try_from(rank).map_err(|_| {
                    bad(
                        &format!("prizes[{j}].rank"),
                        format!("{rank} is not a rank"),
                    )
                })?,
                winners: u64::try_from(winners).map_err(|_| {
                    bad(
                        &format!("prizes[{j}].winners"),
                        format!("{winners} is not a count"),
                    )
                })?,
                prize_each: lottopro_core::Money::from_i64(
                    i64::try_from(each).unwrap_or(i64::MAX),
                    "prize_each",
                )
                .map_err(|e| bad(&format!("prizes[{j}].prize_each"), e.to_string()))?,
            });
        }
    }
    Ok(DrawRecord {
        round,
        date,
        numbers: numbers("numbers")?,
        bonus: numbers("bonus")?,
        total_sales,
        prizes,
    })
}
