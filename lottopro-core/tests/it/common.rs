//! Shared fixtures: paths to the real draw history and to test data.

use std::path::PathBuf;

use lottopro_core::{GameSpec, History};

/// A file of the real Korean history in `../shared/data` (beside the
/// repository); `LOTTOPRO_DATA_DIR` overrides the folder.
pub(crate) fn shared_data(name: &str) -> PathBuf {
    let dir = std::env::var_os("LOTTOPRO_DATA_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        PathBuf::from,
    );
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: the real history lives in ../shared/data beside the repository \
         (set LOTTOPRO_DATA_DIR to another folder)",
        path.display()
    );
    path
}

/// A data file of this test suite.
pub(crate) fn test_data(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Rows of a comma-separated test data file, skipping `#` comments.
pub(crate) fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split(',').collect())
}

/// The full real history, with per-rank prizes attached.
pub(crate) fn real_history() -> History {
    let h =
        lottopro_core::io::load_history(&shared_data("kr_lotto_645.csv"), None, GameSpec::kr645())
            .unwrap();
    lottopro_core::io::load_prizes(&h, &shared_data("kr_lotto_645_prizes.csv")).unwrap()
}
