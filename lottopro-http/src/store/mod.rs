//! The service's store: one set of operations on two databases. SQLite
//! (rusqlite, bundled, WAL) is the embedded default; PostgreSQL (`--db
//! postgres://...`, or `DATABASE_URL`) is for replicas on more than one
//! machine. Every operation is written once against the [`sql::Sql`] seam;
//! the backends differ in their schema set-up and in how they hand out
//! connections (one SQLite connection behind a mutex, a PostgreSQL pool).
//!
//! Draws are kept one row per round as their [`DrawRecord`] JSON, so the
//! store holds exactly what the core validates and nothing can be stored
//! that would not load again. Appending draws is one transaction after the
//! core has checked that they continue the stored history: on any error
//! nothing changes. Acknowledged writes are durable: SQLite commits with
//! `synchronous = FULL`, PostgreSQL with `synchronous_commit = on`.
//!
//! Saved numbers and predictions belong to an owner key (a keyed hash of the
//! client's token, see `crate::app::client`); the store never sees a raw token.
//! A prediction is stored with the round it was made for and scored by
//! [`Store::score_predictions`] once that round's draw is stored, so the
//! history shows what each prediction actually matched.
//!
//! The operations are grouped by what they keep: [`draws`](self::draws)
//! (the history and the order balls were drawn in), [`numbers`](self::numbers)
//! (saved tickets), [`predictions`](self::predictions) (the prediction
//! history and its scoring), and `links` (device-link codes and
//! the leases on scheduled work). Backups are `crate::backup`'s.
//!
//! [`DrawRecord`]: lottopro_core::io::DrawRecord

mod copy;
mod draws;
mod links;
mod numbers;
mod pg;
mod pg_tls;
mod predictions;
mod sql;
mod sqlite;

use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use lottopro_core::{Error, Result};
use rusqlite::Connection;

pub use links::{LINK_TTL_SECS, leads};
pub use lottopro_core::predict::{PredictionScore, TicketScore};
pub use numbers::{
    Imported, LABEL_FORBIDDEN, MAX_LABEL_CHARS, MAX_SAVED_PER_OWNER, SavedNumbers, SlipSaved,
    UNDO_SECS, label_char,
};
use predictions::{LOG_QUEUE, LogMessage, write_log};
pub use predictions::{MAX_PREDICTIONS_PER_OWNER, NewPrediction, StoredPrediction};
use sql::Sql;

/// Where a store lives: a SQLite file, or a PostgreSQL database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file (created with its folder if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL URL, `postgres://user:password@host:port/database`.
    Postgres(String),
}

impl Location {
    /// `postgres://…` and `postgresql://…` are PostgreSQL; anything else is
    /// the path of a SQLite file.
    pub fn parse(text: &str) -> Location {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.to_owned())
        } else {
            Location::Sqlite(PathBuf::from(text))
        }
    }

    /// The SQLite file, if it is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Location::Sqlite(p) => Some(p),
            Location::Postgres(_) => None,
        }
    }
}

impl std::fmt::Display for Location {
    /// The file, or the URL without its password (for logs and errors).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "{}", p.display()),
            Location::Postgres(url) => f.write_str(&pg::shown(url)),
        }
    }
}

/// The database behind a store.
enum Backend {
    Sqlite(Mutex<Connection>),
    Postgres(Arc<pg::Pool>),
}

/// A store.
///
/// Draws and saved numbers are written in the request, durably. Predictions
/// are written behind the request by a writer thread (with its own SQLite
/// connection, `synchronous = NORMAL`, or the PostgreSQL pool) that commits
/// whatever has queued up in one transaction: a prediction then never waits
/// for a disk write, and under load hundreds of rows share one commit.
/// Reads of the prediction history flush the queue first, so a client always
/// sees its own predictions; a crash may lose the predictions of its last
/// moments, never saved numbers.
pub struct Store {
    backend: Backend,
    log: Option<SyncSender<LogMessage>>,
    writer: Option<JoinHandle<()>>,
    location: Location,
}

fn db_error(e: rusqlite::Error) -> Error {
    Error::unavailable("database", e)
}

fn lock(m: &Mutex<Connection>) -> Result<std::sync::MutexGuard<'_, Connection>> {
    m.lock().map_err(|_| {
        Error::Io(std::io::Error::other(
            "database: the connection lock is poisoned",
        ))
    })
}

/// What the prediction writer writes through.
pub(super) enum LogDb {
    Sqlite(Connection),
    Postgres(Arc<pg::Pool>),
}

impl LogDb {
    /// Runs `f` in one transaction.
    fn transaction<T>(&mut self, f: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        match self {
            LogDb::Sqlite(conn) => sqlite::transaction(conn, f),
            LogDb::Postgres(pool) => pool.get()?.transaction(|tx| {
                // The log is written behind the request: like SQLite's
                // `synchronous = NORMAL`, it need not wait for the disk.
                tx.execute("SET LOCAL synchronous_commit = off", &[])?;
                f(tx)
            }),
        }
    }
}

impl Store {
    /// Opens (creating if needed, with its folder) the SQLite store at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        Store::connect(&Location::Sqlite(path.to_owned()))
    }

    /// Opens the store at `location`, creating a SQLite file or applying
    /// PostgreSQL's migrations as needed.
    pub fn connect(location: &Location) -> Result<Store> {
        let (backend, log) = match location {
            Location::Sqlite(path) => {
                let conn = sqlite::open(path)?;
                let log = sqlite::open_log(path)?;
                (Backend::Sqlite(Mutex::new(conn)), LogDb::Sqlite(log))
            }
            Location::Postgres(url) => {
                let pool = Arc::new(pg::Pool::connect(url)?);
                (Backend::Postgres(pool.clone()), LogDb::Postgres(pool))
            }
        };
        let (tx, rx) = std::sync::mpsc::sync_channel(LOG_QUEUE);
        let writer = std::thread::Builder::new()
            .name("lottopro-prediction-log".into())
            .spawn(move || write_log(log, &rx))?;
        Ok(Store {
            backend,
            log: Some(tx),
            writer: Some(writer),
            location: location.clone(),
        })
    }

    /// Where the store lives.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The SQLite file, for a SQLite store.
    pub fn path(&self) -> Option<&Path> {
        self.location.path()
    }

    /// Runs `f` on a connection.
    fn with<T>(&self, f: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        match &self.backend {
            Backend::Sqlite(m) => f(&mut *lock(m)?),
            Backend::Postgres(pool) => f(&mut *pool.get()?),
        }
    }

    /// Runs `f` in a transaction: all of it is committed, or none.
    fn transaction<T>(&self, f: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        match &self.backend {
            Backend::Sqlite(m) => sqlite::transaction(&mut *lock(m)?, f),
            Backend::Postgres(pool) => pool.get()?.transaction(f),
        }
    }

    /// Whether `owner` has saved a ticket or made a prediction: an
    /// untagged client token from before tags is honoured only then.
    pub fn owner_known(&self, owner: &str) -> Result<bool> {
        self.flush_predictions()?;
        let row = self.with(|db| {
            db.query_one(
                "SELECT EXISTS (SELECT 1 FROM saved_numbers WHERE owner = $1 AND deleted_at IS NULL)
                     OR EXISTS (SELECT 1 FROM predictions WHERE owner = $1)",
                &[owner.into()],
            )
        })?;
        Ok(row.int(0)? != 0)
    }

    /// Whether the database answers a query (readiness).
    pub fn probe(&self) -> Result<()> {
        self.with(|db| db.query_one("SELECT 1", &[])).map(drop)
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Drop for Store {
    /// Stops the writer after it has committed what is queued.
    fn drop(&mut self) {
        self.log = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

#[cfg(test)]
mod contract;
#[cfg(test)]
pub(crate) mod testing;
