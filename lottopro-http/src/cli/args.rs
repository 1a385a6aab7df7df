//! Argument groups several commands share: the game, the output format, and
//! where a history comes from.

use std::path::{Path, PathBuf};

use clap::Args;
use lottopro_core::io::Format;
use lottopro_core::pension::{self, PensionHistory};
use lottopro_core::{Game, GameSpec, History};

#[derive(Debug, Args)]
pub(super) struct GameArg {
    /// Game id; see `lottopro games`.
    #[arg(long = "game", default_value = "kr645")]
    pub(super) id: String,
}

impl GameArg {
    /// The game chosen: every command reads `--game` through the core's
    /// [`Game::parse`].
    pub(super) fn choice(&self) -> lottopro_core::Result<Game> {
        Game::parse(&self.id)
    }

    /// The game chosen, for a command that takes games of numbers only.
    pub(super) fn spec(&self) -> lottopro_core::Result<GameSpec> {
        self.choice()?.numbers("this command")
    }
}

#[derive(Debug, Args)]
pub(super) struct Output {
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Debug, Args)]
pub(super) struct HistoryArgs {
    /// The draw history: CSV, legacy JSON or JSON lines (see `lottopro import`);
    /// the Korean history that ships with LottoPro when omitted.
    #[arg(long)]
    history: Option<PathBuf>,
    /// The history's format; taken from the extension when omitted.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// A per-rank prizes CSV (draw,rank,winners,prize_each) to attach;
    /// `<history>_prizes.csv` beside the history is used when present.
    #[arg(long)]
    prizes: Option<PathBuf>,
    #[command(flatten)]
    game: GameArg,
}

/// Where the popularity model learns from: a history file with per-rank
/// winners, or the service's database.
#[derive(Debug, Args)]
pub(super) struct PopularitySource {
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
    /// The game asked for.
    pub(super) fn spec(&self) -> lottopro_core::Result<GameSpec> {
        self.game.spec()
    }

    pub(super) fn load(&self) -> lottopro_core::Result<History> {
        let spec = self.game.spec()?;
        let Some(file) = &self.history else {
            let location = crate::store::Location::parse(&self.db.to_string_lossy());
            if location.path().is_none_or(Path::exists) {
                let stored = crate::store::Store::connect(&location)?.history(&spec)?;
                if !stored.is_empty() {
                    return Ok(stored);
                }
            }
            return lottopro_core::data::history(&spec);
        };
        lottopro_core::io::load_history_with_prizes(file, None, self.prizes.as_deref(), spec)
    }
}

impl HistoryArgs {
    /// The 720+ history when `--game kr720` is given (the file's, else the
    /// bundled one), `None` for a numbers game. A 720+ file is the CSV of
    /// `PensionHistory::read_csv`; `--format` and `--prizes` are for
    /// numbers games and refused with it.
    pub(super) fn pension(&self) -> lottopro_core::Result<Option<PensionHistory>> {
        if self.game.choice()? != Game::Pension {
            return Ok(None);
        }
        let refuse =
            |field: &str| lottopro_core::Error::invalid(field, "is for games of numbers, not 720+");
        if self.prizes.is_some() {
            return Err(refuse("prizes"));
        }
        if self.format.is_some_and(|f| f != Format::Csv) {
            return Err(refuse("format"));
        }
        match &self.history {
            Some(file) => lottopro_core::io::load_pension_history(file).map(Some),
            None => Ok(Some(pension::bundled())),
        }
    }

    /// The game these arguments name.
    pub(super) fn game(&self) -> lottopro_core::Result<GameSpec> {
        self.game.spec()
    }

    /// The history of the file given, else the bundled one, else (for a game
    /// LottoPro ships no history of) an empty one.
    pub(super) fn load_or_empty(&self) -> lottopro_core::Result<History> {
        match &self.history {
            Some(_) => self.load(),
            None => Ok(lottopro_core::data::default_history(&self.game()?)),
        }
    }

    pub(super) fn load(&self) -> lottopro_core::Result<History> {
        let spec = self.game.spec()?;
        match &self.history {
            Some(file) => lottopro_core::io::load_history_with_prizes(
                file,
                self.format,
                self.prizes.as_deref(),
                spec,
            ),
            None => lottopro_core::data::history(&spec),
        }
    }
}

pub(super) fn parse_format(s: &str) -> Result<Format, String> {
    s.parse().map_err(|e: lottopro_core::Error| e.to_string())
}
