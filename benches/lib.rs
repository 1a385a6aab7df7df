//! Criterion benchmarks of LottoPro (`cargo bench -p lottopro-benches`).
//!
//! The benchmark files beside this one use the real Korean history that
//! ships inside `lottopro-core` ([`lottopro_core::History::bundled`]).
