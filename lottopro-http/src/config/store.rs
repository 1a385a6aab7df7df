//! Where the store is, the same for every command that opens it.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{DEFAULT_DB, var};

/// Where the store is: `--db` (or `LOTTOPRO_DB`), or `DATABASE_URL`.
/// Shared by `serve`, `backup`, `restore`, `sync` and `export`, so every
/// command finds the same store in the same environment.
#[derive(Debug, Clone, Args, serde::Serialize)]
pub struct StoreArgs {
    /// The store: draws, saved numbers, prediction history. A SQLite file,
    /// or a PostgreSQL URL (`postgres://user:password@host:port/database`)
    /// for replicas on more than one machine.
    #[serde(serialize_with = "crate::secret::ser_location")]
    #[arg(long, env = "LOTTOPRO_DB", default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// A PostgreSQL URL (the variable platforms set for an attached
    /// database). It wins over `LOTTOPRO_DB` (which the container image
    /// sets) but not over a `--db` given on the command line.
    #[serde(serialize_with = "crate::secret::ser_set")]
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

impl StoreArgs {
    /// The SQLite file or PostgreSQL database at `db`.
    pub fn at(db: impl Into<PathBuf>) -> StoreArgs {
        StoreArgs {
            db: db.into(),
            database_url: None,
        }
    }

    /// Whether `--db` names the store itself: given on the command line
    /// (not left at its default, nor read from `LOTTOPRO_DB`).
    fn db_from_flag(&self) -> bool {
        self.db != Path::new(DEFAULT_DB)
            && var("LOTTOPRO_DB").map(PathBuf::from).as_ref() != Some(&self.db)
    }

    /// Where the store lives: `--db` from the command line, else
    /// `DATABASE_URL`, else `LOTTOPRO_DB`, else the default SQLite file.
    pub fn location(&self) -> crate::store::Location {
        match &self.database_url {
            Some(url) if !self.db_from_flag() => crate::store::Location::parse(url),
            _ => crate::store::Location::parse(&self.db.to_string_lossy()),
        }
    }

    /// A line for the log when two settings name different stores and one
    /// of them is ignored.
    pub fn conflict(&self) -> Option<String> {
        let url = self.database_url.as_ref()?;
        let env = var("LOTTOPRO_DB")?;
        (!self.db_from_flag() && Path::new(&env) != Path::new(url)).then(|| {
            format!(
                "LOTTOPRO_DB={env} is ignored: DATABASE_URL is set and names the store ({}); \
                 pass --db to choose another",
                crate::store::Location::parse(url)
            )
        })
    }
}
