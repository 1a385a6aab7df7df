//! Shared fixtures of the lottopro-http tests.

use std::path::PathBuf;

/// A file of the real history in `../shared/data` beside the repository
/// (or `LOTTOPRO_DATA_DIR`), as a path string.
pub(crate) fn shared(name: &str) -> String {
    let dir = std::env::var_os("LOTTOPRO_DATA_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        PathBuf::from,
    );
    let p = dir.join(name);
    assert!(
        p.exists(),
        "{} is missing (the real history lives in ../shared/data)",
        p.display()
    );
    p.to_string_lossy().into_owned()
}
