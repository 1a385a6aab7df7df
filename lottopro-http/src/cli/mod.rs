//! Argument parsing and dispatch of the `lottopro` command line.
//!
//! Every subcommand accepts `--json` and then prints exactly one JSON document
//! on stdout. Errors go to stderr with exit code 1 (bad input or data) or 2
//! (bad usage, reported by clap). A command computes a `Report` once and
//! renders it either way, so the text and JSON outputs cannot disagree.

mod analysis;
mod args;
mod data;
mod games;
mod tickets;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::Value;

use analysis::{BacktestArgs, PredictArgs, SimulateArgs, StatsArgs};
use args::Output;
use data::{BackupArgs, ExportArgs, ImportArgs, MigrateStoreArgs, RestoreArgs, SyncArgs};
use games::{GamesArgs, OddsArgs, TaxArgs};
use tickets::{CheckArgs, PopularityArgs, WheelArgs};

/// LottoPro: exact odds, prizes, tax and honest statistics for lotteries.
///
/// No program can predict a fair draw; LottoPro computes what can be known
/// (odds, expected values, what a draw paid) and measures the rest against chance.
#[derive(Debug, Parser)]
#[command(name = "lottopro", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Exact odds of every prize tier of a game.
    Odds(OddsArgs),
    /// Tax and net amount of one prize.
    Tax(TaxArgs),
    /// Check a ticket against the draw of one round.
    Check(CheckArgs),
    /// How many other players share a ticket's prizes (the popularity model),
    /// and the expected value that follows. Never changes the chance of winning.
    Popularity(PopularityArgs),
    /// A small set of tickets with a guarantee, verified over every draw (a wheel).
    Wheel(WheelArgs),
    /// Validate a history file and report what it holds (and the first error).
    Import(ImportArgs),
    /// Statistics of a history, each next to its chance expectation.
    Stats(StatsArgs),
    /// Generate tickets with a model (no model can predict a fair draw; see `backtest`).
    Predict(PredictArgs),
    /// Walk-forward backtest of models against the exact chance baseline.
    Backtest(BacktestArgs),
    /// Monte Carlo of a playing plan next to its exact expected value.
    Simulate(SimulateArgs),
    /// Run the HTTP service and dashboard (every flag can also be set by the
    /// environment variable shown).
    Serve {
        #[command(flatten)]
        config: Box<crate::config::ServeConfig>,
    },
    /// Fetch the draws the database lacks from the official site (or its
    /// legacy endpoint, or the public mirror) and store them; `--game kr720`
    /// for Pension Lottery 720+, from the official site.
    Sync(SyncArgs),
    /// Back up the database, Redis, the logs and the settings into one
    /// archive with checksums, while the service runs; reads serve's
    /// settings (BACKUP_*, S3_BACKUP_BUCKET, ...) to know what and where.
    Backup(BackupArgs),
    /// Restore the database from a backup archive (a file or
    /// s3://bucket/key) after checking every member (stop the service first).
    Restore(RestoreArgs),
    /// Write the stored draws to stdout.
    Export(ExportArgs),
    /// Copy every row of a store into another, empty one: a SQLite file
    /// into PostgreSQL when the service outgrows one machine.
    MigrateStore(MigrateStoreArgs),
    /// List the preset games.
    Games(GamesArgs),
}

/// A subcommand that computes a [`Report`]: its `run` converts the parsed
/// arguments into core calls and renders what comes back; the dispatch in
/// [`run`] prints it as text or JSON.
trait Run {
    /// Where `--json` was given.
    fn output(&self) -> &Output;
    /// Computes the report.
    fn run(&self) -> lottopro_core::Result<Report>;
}

/// What a command produced: a JSON value and its text rendering, and whether
/// the command succeeded (a report can describe a failure, as `import` does).
struct Report {
    json: Value,
    text: String,
    ok: bool,
}

/// Runs the command line with the process arguments.
pub fn main() -> ExitCode {
    run(std::env::args_os())
}

/// Runs the command line with `args` (the first is the program name).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    // An empty variable is an unset one (compose passes `${VAR:-}`).
    let parsed = crate::config::empty_is_unset(Cli::command())
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            // Help and version are not errors.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let command: &dyn Run = match &cli.command {
        Command::Serve { config } => return crate::server::serve(config),
        Command::Export(a) => return a.run(),
        Command::Odds(a) => a,
        Command::Tax(a) => a,
        Command::Check(a) => a,
        Command::Popularity(a) => a,
        Command::Wheel(a) => a,
        Command::Import(a) => a,
        Command::Stats(a) => a,
        Command::Predict(a) => a,
        Command::Backtest(a) => a,
        Command::Simulate(a) => a,
        Command::Sync(a) => a,
        Command::Backup(a) => a,
        Command::Restore(a) => a,
        Command::MigrateStore(a) => a,
        Command::Games(a) => a,
    };
    let json = command.output().json;
    let result = command.run();
    // Output goes through io::Write, not print!: a closed pipe (`lottopro
    // stats | head`) ends the command quietly instead of panicking.
    use std::io::Write;
    match result {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            let written = if json {
                writeln!(out, "{}", report.json)
            } else {
                write!(out, "{}", report.text)
            };
            match written.and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "lottopro: error: cannot write the output: {e}"
                    );
                    ExitCode::FAILURE
                }
                _ if report.ok => ExitCode::SUCCESS,
                _ => ExitCode::FAILURE,
            }
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "lottopro: error: {e}");
            ExitCode::FAILURE
        }
    }
}
