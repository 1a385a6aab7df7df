//! Runnable examples of the LottoPro Rust API: see the files beside this one.
//! They use the real Korean history that ships inside `lottopro-core`
//! ([`lottopro_core::History::bundled`]); this library holds nothing else.

/// The README's Rust examples, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
