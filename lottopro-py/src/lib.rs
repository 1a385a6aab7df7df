//! Python bindings of LottoPro: the native module `lottopro._lottopro`.
//!
//! Conversions only; every computation lives in `lottopro-core`. The module
//! is built and installed with maturin (see the README).

use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _lottopro(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
