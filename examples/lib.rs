//! Runnable examples of the LottoPro Rust API: see the files beside this one.
//! This library only finds the real history for them.

use std::path::PathBuf;

/// A file of `../shared/data` beside the repository (or of `LOTTOPRO_DATA_DIR`).
pub fn shared_data(name: &str) -> PathBuf {
    std::env::var_os("LOTTOPRO_DATA_DIR")
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
            PathBuf::from,
        )
        .join(name)
}
