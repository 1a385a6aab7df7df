//! Runnable examples of the LottoPro Rust API: see the files beside this one.
