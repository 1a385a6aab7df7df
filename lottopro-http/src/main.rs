//! The `lottopro` binary: see `lottopro --help`.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    lottopro_http::cli::main()
}
