//! Criterion benchmarks of LottoPro (`cargo bench -p lottopro-benches`).
//!
//! The benchmark files beside this one use the real Korean history in
//! `../shared/data`; [`shared_data`] finds it.

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
