//! Argument parsing and dispatch of the `lottopro` command line.
//!
//! Every subcommand accepts `--json` and then prints exactly one JSON document
//! on stdout. Errors go to stderr with exit code 1 (bad input or data) or 2
//! (bad usage, reported by clap). A command computes a [`Report`] once and
//! renders it either way, so the text and JSON outputs cannot disagree.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use lottopro_core::io::Format;
use lottopro_core::{GameSpec, History};
use serde_json::Value;

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
    Odds {
        #[command(flatten)]
        game: GameArg,
        #[command(flatten)]
        out: Output,
    },
    /// Tax and net amount of one prize.
    Tax {
        /// The prize before tax, in minor units (won for kr645, cents for USD games).
        #[arg(allow_hyphen_values = true)]
        amount: String,
        #[command(flatten)]
        game: GameArg,
        #[command(flatten)]
        out: Output,
    },
    /// Check a ticket against the draw of one round.
    Check {
        #[command(flatten)]
        history: HistoryArgs,
        /// The round (회차) to check against.
        #[arg(long)]
        round: u32,
        /// The ticket: "3 11 17 25 33 41" or "3,11,17,25,33,41" (two-pool games: "1 2 3 4 5 + 6").
        #[arg(long, allow_hyphen_values = true)]
        ticket: String,
        #[command(flatten)]
        out: Output,
    },
    /// Validate a history file and report what it holds (and the first error).
    Import {
        /// The file to read.
        file: PathBuf,
        /// Its format; taken from the extension when omitted.
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// A per-rank prizes CSV (draw,rank,winners,prize_each) to validate with it.
        #[arg(long)]
        prizes: Option<PathBuf>,
        #[command(flatten)]
        game: GameArg,
        #[command(flatten)]
        out: Output,
    },
    /// List the preset games.
    Games {
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Debug, Args)]
struct GameArg {
    /// Game id; see `lottopro games`.
    #[arg(long = "game", default_value = "kr645")]
    id: String,
}

impl GameArg {
    fn spec(&self) -> lottopro_core::Result<GameSpec> {
        GameSpec::preset(&self.id)
    }
}

#[derive(Debug, Args)]
struct Output {
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct HistoryArgs {
    /// The draw history: CSV, legacy JSON or JSON lines (see `lottopro import`).
    #[arg(long)]
    history: PathBuf,
    /// The history's format; taken from the extension when omitted.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// A per-rank prizes CSV (draw,rank,winners,prize_each) to attach.
    #[arg(long)]
    prizes: Option<PathBuf>,
    #[command(flatten)]
    game: GameArg,
}

impl HistoryArgs {
    fn load(&self) -> lottopro_core::Result<History> {
        let h = lottopro_core::io::load_history(&self.history, self.format, self.game.spec()?)?;
        match &self.prizes {
            Some(p) => lottopro_core::io::load_prizes(&h, p),
            None => Ok(h),
        }
    }
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse().map_err(|e: lottopro_core::Error| e.to_string())
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
    let cli = match Cli::try_parse_from(args) {
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
    let (json, result) = match &cli.command {
        Command::Odds { game, out } => (out.json, commands::odds(game)),
        Command::Tax { amount, game, out } => (out.json, commands::tax(amount, game)),
        Command::Check {
            history,
            round,
            ticket,
            out,
        } => (out.json, commands::check(history, *round, ticket)),
        Command::Import {
            file,
            format,
            prizes,
            game,
            out,
        } => (
            out.json,
            commands::import(file, *format, prizes.as_deref(), game),
        ),
        Command::Games { out } => (out.json, commands::games()),
    };
    match result {
        Ok(report) => {
            if json {
                println!("{}", report.json);
            } else {
                print!("{}", report.text);
            }
            if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("lottopro: error: {e}");
            ExitCode::FAILURE
        }
    }
}
