//! Argument parsing and dispatch of the `lottopro` command line.
//!
//! Every subcommand accepts `--json` and then prints exactly one JSON document
//! on stdout. Errors go to stderr with exit code 1 (bad input or data) or 2
//! (bad usage, reported by clap). A command computes a `Report` once and
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
        #[arg(long, required_unless_present = "qr")]
        round: Option<u32>,
        /// The ticket: "3 11 17 25 33 41" or "3,11,17,25,33,41" (two-pool games: "1 2 3 4 5 + 6").
        #[arg(
            long,
            allow_hyphen_values = true,
            required_unless_present = "qr",
            conflicts_with = "qr"
        )]
        ticket: Option<String>,
        /// The URL in a ticket's QR code: every game is checked against its round.
        #[arg(long, conflicts_with = "round")]
        qr: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// How many other players share a ticket's prizes (the popularity model),
    /// and the expected value that follows. Never changes the chance of winning.
    Popularity {
        #[command(flatten)]
        source: PopularitySource,
        /// The ticket: "3 11 17 25 33 41".
        #[arg(long, allow_hyphen_values = true, required_unless_present = "evaluate")]
        ticket: Option<String>,
        /// Expected sales of the draw, in won; the mean of the last ten draws when omitted.
        #[arg(long, allow_hyphen_values = true)]
        sales: Option<String>,
        /// Report the model's out-of-sample evaluation (trained on draws ≤ 1000, scored on the rest).
        #[arg(long)]
        evaluate: bool,
        #[command(flatten)]
        out: Output,
    },
    /// A small set of tickets with a guarantee, verified over every draw (a wheel).
    Wheel {
        /// The numbers to wheel: "1 5 9 13 17 21 26 30" (at most 24).
        #[arg(
            long,
            allow_hyphen_values = true,
            required_unless_present = "full_pool"
        )]
        numbers: Option<String>,
        /// "3if4": at least one ticket matches 3 whenever 4 drawn numbers are yours;
        /// "3" alone: whenever all six are (the only form with --full-pool).
        #[arg(long)]
        guarantee: String,
        /// The designs over the whole 6/45 pool: --guarantee 2 (15 tickets) or 3.
        #[arg(long, conflicts_with = "numbers")]
        full_pool: bool,
        /// Seed of the search; the same seed gives the same wheel.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        game: GameArg,
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
        /// Also store the draws the database does not hold yet in this SQLite file.
        #[arg(long)]
        db: Option<PathBuf>,
        #[command(flatten)]
        game: GameArg,
        #[command(flatten)]
        out: Output,
    },
    /// Statistics of a history, each next to its chance expectation.
    Stats {
        #[command(flatten)]
        history: HistoryArgs,
        /// Recent draws that define hot and cold numbers.
        #[arg(long, default_value_t = 50)]
        window: usize,
        /// How many hot, cold and overdue numbers and top pairs to list.
        #[arg(long, default_value_t = 6)]
        top: usize,
        #[command(flatten)]
        out: Output,
    },
    /// Generate tickets with a model (no model can predict a fair draw; see `backtest`).
    Predict {
        #[command(flatten)]
        history: HistoryArgs,
        /// frequency, trend, pattern, statistical, ml, anti-popular or random.
        #[arg(long, default_value = "frequency")]
        model: String,
        /// How many distinct tickets (at most 100).
        #[arg(long, default_value_t = 5)]
        count: usize,
        /// Numbers every ticket must contain, e.g. "7 13".
        #[arg(long, default_value = "")]
        include: String,
        /// Numbers no ticket may contain.
        #[arg(long, default_value = "")]
        exclude: String,
        /// Seed; the same seed, model and history give the same tickets. Random when omitted (and reported).
        #[arg(long)]
        seed: Option<u64>,
        #[command(flatten)]
        out: Output,
    },
    /// Walk-forward backtest of models against the exact chance baseline.
    Backtest {
        #[command(flatten)]
        history: HistoryArgs,
        /// A model name, or "all" for every model and the random control.
        #[arg(long, default_value = "all")]
        model: String,
        /// Tickets per model per round (at most 100).
        #[arg(long, default_value_t = 5)]
        tickets: usize,
        /// Initial draws used only for learning.
        #[arg(long, default_value_t = 100)]
        warmup: usize,
        /// Seed of all ticket generation.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Family-wise significance level (Holm).
        #[arg(long, default_value_t = 0.05)]
        alpha: f64,
        #[command(flatten)]
        out: Output,
    },
    /// Monte Carlo of a playing plan next to its exact expected value.
    Simulate {
        #[command(flatten)]
        game: GameArg,
        /// Tickets per draw (default: the number of --tickets, or 5).
        #[arg(long)]
        tickets_per_draw: Option<u64>,
        /// Draws played (520 = ten years of weekly draws).
        #[arg(long, default_value_t = 520)]
        draws: u64,
        /// Repetitions of the whole plan, for the spread of outcomes.
        #[arg(long, default_value_t = 1000)]
        trials: u64,
        /// random (quick picks), fixed (--tickets) or a model name (its picks from --history, played every draw).
        #[arg(long, default_value = "random")]
        strategy: String,
        /// The fixed tickets, separated by ';': "1 2 3 4 5 6; 7 8 9 10 11 12".
        #[arg(long)]
        tickets: Option<String>,
        /// auto, per-ticket or outcome-counts.
        #[arg(long, default_value = "auto")]
        method: String,
        /// Worker threads (default: one per core); the result does not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Seed of everything random.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// A history: with per-rank prizes (--prizes), Korean ranks 1–3 are valued by the pool model on recent draws.
        #[arg(long)]
        history: Option<PathBuf>,
        /// The history's format; taken from the extension when omitted.
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// A per-rank prizes CSV to attach to the history.
        #[arg(long)]
        prizes: Option<PathBuf>,
        /// How many recent draws the pool model samples from.
        #[arg(long, default_value_t = 52)]
        recent: usize,
        /// The amount of a prize rank, e.g. --prize 1=50000000000 (repeatable; minor units).
        #[arg(long = "prize", value_name = "RANK=AMOUNT")]
        prize: Vec<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Run the HTTP service and dashboard (every flag can also be set by the
    /// environment variable shown).
    Serve {
        #[command(flatten)]
        config: Box<crate::config::ServeConfig>,
    },
    /// Fetch the draws the database lacks from the official site (or its
    /// legacy endpoint, or the public mirror) and store them.
    Sync {
        /// The SQLite database.
        #[arg(long, env = "LOTTOPRO_DB", default_value = "data/lottopro.db")]
        db: PathBuf,
        /// Stop after this round.
        #[arg(long)]
        to: Option<u32>,
        /// Sources in the order they are tried.
        #[arg(long, default_value = "api,legacy,mirror")]
        sources: String,
        #[command(flatten)]
        urls: crate::config::SourceUrls,
        /// Seconds before a request is given up.
        #[arg(long, default_value_t = 10.0)]
        timeout: f64,
        /// Seconds between two requests to one source (be polite).
        #[arg(long, default_value_t = 1.0)]
        delay: f64,
        #[command(flatten)]
        game: GameArg,
        #[command(flatten)]
        out: Output,
    },
    /// Copy the database, consistently, while the service runs; writes a
    /// manifest (time, rows per table, SHA-256) beside the copy.
    Backup {
        /// The SQLite database.
        #[arg(long, env = "LOTTOPRO_DB", default_value = "data/lottopro.db")]
        db: PathBuf,
        /// The folder to write the backup into.
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        out: Output,
    },
    /// Restore the database from a backup after checking its checksum and
    /// integrity (stop the service first).
    Restore {
        /// The backup file (or its .manifest.json).
        #[arg(long)]
        from: PathBuf,
        /// The database to write.
        #[arg(long, env = "LOTTOPRO_DB", default_value = "data/lottopro.db")]
        db: PathBuf,
        #[command(flatten)]
        out: Output,
    },
    /// Write the stored draws to stdout.
    Export {
        /// The SQLite database.
        #[arg(long, env = "LOTTOPRO_DB", default_value = "data/lottopro.db")]
        db: PathBuf,
        /// csv (the layout of lottopro-core/data), json (the official legacy JSON) or jsonl.
        #[arg(long, value_parser = parse_format, default_value = "csv")]
        format: Format,
        #[command(flatten)]
        game: GameArg,
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
    /// The draw history: CSV, legacy JSON or JSON lines (see `lottopro import`);
    /// the Korean history that ships with LottoPro when omitted.
    #[arg(long)]
    history: Option<PathBuf>,
    /// The history's format; taken from the extension when omitted.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// A per-rank prizes CSV (draw,rank,winners,prize_each) to attach.
    #[arg(long)]
    prizes: Option<PathBuf>,
    #[command(flatten)]
    game: GameArg,
}

/// Where the popularity model learns from: a history file with per-rank
/// winners, or the service's database.
#[derive(Debug, Args)]
struct PopularitySource {
    /// A draw history (CSV, legacy JSON or JSON lines); without it the
    /// database is read when it exists, else the bundled history.
    #[arg(long)]
    history: Option<PathBuf>,
    /// Its per-rank prizes CSV; `<history>_prizes.csv` beside it is used when present.
    #[arg(long)]
    prizes: Option<PathBuf>,
    /// The SQLite database `serve` and `sync` keep.
    #[arg(long, env = "LOTTOPRO_DB", default_value = "data/lottopro.db")]
    db: PathBuf,
    #[command(flatten)]
    game: GameArg,
}

impl PopularitySource {
    fn load(&self) -> lottopro_core::Result<History> {
        let spec = self.game.spec()?;
        let Some(file) = &self.history else {
            if self.db.exists() {
                let stored = crate::store::Store::open(&self.db)?.history(&spec)?;
                if !stored.is_empty() {
                    return Ok(stored);
                }
            }
            return lottopro_core::data::history(&spec);
        };
        let h = lottopro_core::io::load_history(file, None, spec)?;
        let beside = file.with_file_name(format!(
            "{}_prizes.csv",
            file.file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default()
        ));
        match (&self.prizes, beside.exists()) {
            (Some(p), _) => lottopro_core::io::load_prizes(&h, p),
            (None, true) => lottopro_core::io::load_prizes(&h, &beside),
            (None, false) => Ok(h),
        }
    }
}

impl HistoryArgs {
    fn load(&self) -> lottopro_core::Result<History> {
        let spec = self.game.spec()?;
        let h = match &self.history {
            Some(file) => lottopro_core::io::load_history(file, self.format, spec)?,
            None => lottopro_core::data::history(&spec)?,
        };
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
    match &cli.command {
        Command::Serve { config } => return crate::server::serve(config),
        Command::Export { db, format, game } => return export(db, *format, game),
        _ => {}
    }
    let (json, result) = match &cli.command {
        Command::Odds { game, out } => (out.json, commands::odds(game)),
        Command::Tax { amount, game, out } => (out.json, commands::tax(amount, game)),
        Command::Check {
            history,
            round,
            ticket,
            qr,
            out,
        } => (
            out.json,
            match (qr, round, ticket) {
                (Some(url), _, _) => commands::check_qr(history, url),
                (None, Some(round), Some(ticket)) => commands::check(history, *round, ticket),
                _ => Err(lottopro_core::Error::invalid(
                    "ticket",
                    "give --round and --ticket, or --qr",
                )),
            },
        ),
        Command::Popularity {
            source,
            ticket,
            sales,
            evaluate,
            out,
        } => (
            out.json,
            if *evaluate {
                commands::popularity_evaluation(source)
            } else {
                commands::popularity(
                    source,
                    ticket.as_deref().unwrap_or_default(),
                    sales.as_deref(),
                )
            },
        ),
        Command::Wheel {
            numbers,
            guarantee,
            full_pool,
            seed,
            game,
            out,
        } => (
            out.json,
            commands::wheel(game, numbers.as_deref(), guarantee, *full_pool, *seed),
        ),
        Command::Import {
            file,
            format,
            prizes,
            db,
            game,
            out,
        } => (
            out.json,
            commands::import(file, *format, prizes.as_deref(), db.as_deref(), game),
        ),
        Command::Stats {
            history,
            window,
            top,
            out,
        } => (out.json, commands::stats(history, *window, *top)),
        Command::Predict {
            history,
            model,
            count,
            include,
            exclude,
            seed,
            out,
        } => (
            out.json,
            commands::predict(history, model, *count, include, exclude, *seed),
        ),
        Command::Backtest {
            history,
            model,
            tickets,
            warmup,
            seed,
            alpha,
            out,
        } => (
            out.json,
            commands::backtest(history, model, *tickets, *warmup, *seed, *alpha),
        ),
        Command::Simulate {
            game,
            tickets_per_draw,
            draws,
            trials,
            strategy,
            tickets,
            method,
            threads,
            seed,
            history,
            format,
            prizes,
            recent,
            prize,
            out,
        } => {
            let args = commands::SimulateArgs {
                tickets_per_draw: *tickets_per_draw,
                draws: *draws,
                trials: *trials,
                strategy,
                tickets: tickets.as_deref(),
                method,
                threads: *threads,
                seed: *seed,
                history: history.as_deref(),
                format: *format,
                prizes: prizes.as_deref(),
                recent: *recent,
                prize,
            };
            (out.json, commands::simulate(game, &args))
        }
        Command::Games { out } => (out.json, commands::games()),
        Command::Sync {
            db,
            to,
            sources,
            urls,
            timeout,
            delay,
            game,
            out,
        } => {
            let config = crate::sync::DrawSource::parse_list(sources).and_then(|sources| {
                let secs = |v: f64, name: &str| {
                    std::time::Duration::try_from_secs_f64(v).map_err(|_| {
                        lottopro_core::Error::invalid(
                            name,
                            format!("{v} is not a duration in seconds"),
                        )
                    })
                };
                Ok(urls.apply(crate::sync::SyncConfig {
                    sources,
                    to: *to,
                    timeout: secs(*timeout, "timeout")?,
                    delay: secs(*delay, "delay")?,
                    ..crate::sync::SyncConfig::default()
                }))
            });
            (out.json, config.and_then(|c| commands::sync(db, c, game)))
        }
        Command::Backup { db, to, out } => (out.json, commands::backup(db, to)),
        Command::Restore { from, db, out } => (out.json, commands::restore(from, db)),
        Command::Serve { .. } | Command::Export { .. } => return ExitCode::SUCCESS,
    };
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

/// `lottopro export`: the stored draws in `format` on stdout.
fn export(db: &std::path::Path, format: Format, game: &GameArg) -> ExitCode {
    use std::io::Write;
    let result = (|| -> lottopro_core::Result<()> {
        let spec = game.spec()?;
        if !db.exists() {
            return Err(lottopro_core::Error::invalid(
                "db",
                format!("{} does not exist", db.display()),
            ));
        }
        let history = crate::store::Store::open(db)?.history(&spec)?;
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        lottopro_core::io::write_draws(&mut out, format, &spec, history.draws())?;
        out.flush()?;
        Ok(())
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`lottopro export | head`) is not an error.
        Err(lottopro_core::Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "lottopro: error: {e}");
            ExitCode::FAILURE
        }
    }
}
