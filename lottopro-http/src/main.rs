//! The `lottopro` binary: see `lottopro --help`.

fn main() -> std::process::ExitCode {
    lottopro_http::cli::main()
}
