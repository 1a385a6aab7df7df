//! Runnable examples of the LottoPro Rust API: see the files beside this one.
//! They use the real Korean history that ships inside `lottopro-core`
//! ([`lottopro_core::History::bundled`]); this library holds nothing else.
