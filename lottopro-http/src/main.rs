//! The `lottopro` binary: see `lottopro --help`.
//!
//! The binary allocates with mimalloc, which gives freed memory back to the
//! system at once (`src/allocator.c`, set before `main`); the libraries and the
//! Python extension keep the system allocator, their user's choice.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    lottopro_http::cli::main()
}
