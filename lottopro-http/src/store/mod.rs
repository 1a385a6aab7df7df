//! The service's SQLite store (rusqlite, bundled SQLite, WAL).
//!
//! Draws are kept one row per round as their [`DrawRecord`] JSON, so the
//! store holds exactly what the core validates and nothing can be stored
//! that would not load again. Appending draws is one transaction after the
//! core has checked that they continue the stored history: on any error
//! nothing changes. `synchronous = FULL`, so an acknowledged write survives
//! a crash of the process or of the machine.
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
//! history and its scoring) and [`backup`] (consistent copies).

pub mod backup;
mod draws;
mod links;
mod numbers;
mod predictions;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::SyncSender;
use std::thread::JoinHandle;

use lottopro_core::{Error, Result};
use rusqlite::Connection;

pub use links::LINK_TTL_SECS;
pub use lottopro_core::predict::{PredictionScore, TicketScore};
pub use numbers::{
    LABEL_FORBIDDEN, MAX_LABEL_CHARS, MAX_SAVED_PER_OWNER, SavedNumbers, label_char,
};
use predictions::{LOG_QUEUE, LogMessage, write_log};
pub use predictions::{MAX_PREDICTIONS_PER_OWNER, NewPrediction, StoredPrediction};

/// A store in one SQLite file.
///
/// Draws and saved numbers are written through `conn` with `synchronous =
/// FULL`: acknowledged means on disk. Predictions are written behind the
/// request by a writer thread that owns a second connection (`synchronous
/// = NORMAL`) and commits whatever has queued up in one transaction: a
/// prediction then never waits for a disk write or a checkpoint, and under
/// load hundreds of rows share one commit. Reads of the prediction history
/// flush the queue first, so a client always sees its own predictions; a
/// crash may lose the predictions of its last moments, never saved numbers.
pub struct Store {
    conn: Mutex<Connection>,
    log: Option<SyncSender<LogMessage>>,
    writer: Option<JoinHandle<()>>,
    path: PathBuf,
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

impl Store {
    /// Opens (creating if needed, with its folder) the store at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        let conn = Connection::open(path).map_err(db_error)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS draws (
                 game   TEXT    NOT NULL,
                 round  INTEGER NOT NULL,
                 record TEXT    NOT NULL,
                 PRIMARY KEY (game, round)
             );
             CREATE TABLE IF NOT EXISTS draw_orders (
                 game    TEXT    NOT NULL,
                 round   INTEGER NOT NULL,
                 numbers TEXT    NOT NULL,
                 PRIMARY KEY (game, round)
             );
             CREATE TABLE IF NOT EXISTS saved_numbers (
                 id         INTEGER PRIMARY KEY AUTOINCREMENT,
                 owner      TEXT    NOT NULL,
                 game       TEXT    NOT NULL,
                 numbers    TEXT    NOT NULL,
                 label      TEXT    NOT NULL,
                 created_at INTEGER NOT NULL,
                 round      INTEGER
             );
             CREATE INDEX IF NOT EXISTS saved_numbers_owner ON saved_numbers (owner, id);
             CREATE TABLE IF NOT EXISTS predictions (
                 id           INTEGER PRIMARY KEY AUTOINCREMENT,
                 owner        TEXT    NOT NULL,
                 game         TEXT    NOT NULL,
                 model        TEXT    NOT NULL,
                 seed         TEXT    NOT NULL,
                 target_round INTEGER NOT NULL,
                 tickets      TEXT    NOT NULL,
                 created_at   INTEGER NOT NULL,
                 score        TEXT
             );
             CREATE INDEX IF NOT EXISTS predictions_owner ON predictions (owner, id);
             CREATE INDEX IF NOT EXISTS predictions_unscored ON predictions (game, target_round) WHERE score IS NULL;
             CREATE TABLE IF NOT EXISTS link_codes (
                 code       TEXT    PRIMARY KEY,
                 owner      TEXT    NOT NULL,
                 expires_at INTEGER NOT NULL
             );",
        )
        .map_err(db_error)?;
        // Saved tickets gained the round they are for; older files get the
        // column (empty for the tickets they hold).
        if conn
            .prepare("SELECT round FROM saved_numbers LIMIT 0")
            .is_err()
        {
            conn.execute("ALTER TABLE saved_numbers ADD COLUMN round INTEGER", [])
                .map_err(db_error)?;
        }
        private_files(path);
        let log = Connection::open(path).map_err(db_error)?;
        log.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;")
            .map_err(db_error)?;
        let (tx, rx) = std::sync::mpsc::sync_channel(LOG_QUEUE);
        let writer = std::thread::Builder::new()
            .name("lottopro-prediction-log".into())
            .spawn(move || write_log(log, &rx))?;
        Ok(Store {
            conn: Mutex::new(conn),
            log: Some(tx),
            writer: Some(writer),
            path: path.to_owned(),
        })
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether `owner` has saved a ticket or made a prediction: an
    /// untagged client token from before tags is honoured only then.
    pub fn owner_known(&self, owner: &str) -> Result<bool> {
        self.flush_predictions()?;
        self.conn()?
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM saved_numbers WHERE owner = ?1)
                     OR EXISTS (SELECT 1 FROM predictions WHERE owner = ?1)",
                rusqlite::params![owner],
                |r| r.get(0),
            )
            .map_err(db_error)
    }

    /// Whether the database answers a query (readiness).
    pub fn probe(&self) -> Result<()> {
        self.conn()?
            .query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
            .map(|_| ())
            .map_err(db_error)
    }

    fn conn(&self) -> Result<std::sync::MutexGuard<'_, Connection>> {
        lock(&self.conn)
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

/// The database and its WAL files are readable by their owner and group
/// only (0640): they hold everyone's saved tickets. Best effort: a file
/// system without permissions keeps its own.
fn private_files(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;
    use lottopro_core::{Date, Draw};
    use lottopro_core::{GameSpec, History, Ticket};

    fn history(len: u32, seed: u64) -> History {
        History::simulated(
            GameSpec::kr645(),
            len,
            Date::parse("2002-12-07").unwrap(),
            seed,
        )
        .unwrap()
    }

    fn temp_db(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("lottopro-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("sub").join("lottopro.db")
    }

    #[test]
    fn draws_persist_and_only_continuations_are_added() {
        let path = temp_db("persist");
        let full = history(300, 1);
        let first = History::new(GameSpec::kr645(), full.draws()[..100].to_vec()).unwrap();
        {
            let store = Store::open(&path).unwrap();
            assert_eq!(store.add(&first).unwrap().len(), 100);
            assert!(
                store.add(&first).unwrap().is_empty(),
                "adding again adds nothing"
            );
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.history(&GameSpec::kr645()).unwrap(), first);
        assert_eq!(store.add(&full).unwrap(), (101..=300).collect::<Vec<u32>>());
        assert_eq!(store.history(&GameSpec::kr645()).unwrap(), full);
        // A file that disagrees with a stored round changes nothing.
        let other = history(301, 2);
        assert!(
            store
                .add(&other)
                .unwrap_err()
                .to_string()
                .contains("differs")
        );
        assert_eq!(store.history(&GameSpec::kr645()).unwrap().len(), 300);
        let mode: String = store
            .conn()
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn saved_numbers_belong_to_their_owner() {
        let store = Store::open(&temp_db("saved")).unwrap();
        let g = GameSpec::kr645();
        let t = Ticket::parse(&g, "3 11 17 25 33 41").unwrap();
        let sql = "x'); DROP TABLE saved_numbers; --";
        let a = store.save_numbers("alice", &g, &t, sql, None).unwrap();
        store.save_numbers("bob", &g, &t, "", Some(1200)).unwrap();
        let mine = store.saved_numbers("alice").unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(
            (mine[0].numbers.as_str(), mine[0].label.as_str()),
            ("3 11 17 25 33 41", sql)
        );
        assert!(
            !store.delete_numbers("bob", a.id).unwrap(),
            "bob cannot delete alice's ticket"
        );
        assert!(store.owner_known("alice").unwrap());
        assert!(!store.owner_known("carol").unwrap());
        assert!(store.delete_numbers("alice", a.id).unwrap());
        assert!(store.saved_numbers("alice").unwrap().is_empty());
        assert!(!store.owner_known("alice").unwrap(), "nothing left to own");
        assert_eq!(store.saved_numbers("bob").unwrap().len(), 1);
        let long = "x".repeat(MAX_LABEL_CHARS + 1);
        assert_eq!(
            store
                .save_numbers("alice", &g, &t, &long, None)
                .unwrap_err()
                .field(),
            Some("label")
        );
        for hidden in [
            "a\u{0}b",
            "gift \u{202E}txt.exe",
            "zero\u{200B}width",
            "\u{FEFF}bom",
        ] {
            let e = store
                .save_numbers("alice", &g, &t, hidden, None)
                .unwrap_err();
            assert_eq!(e.field(), Some("label"), "{hidden:?}");
            assert!(e.to_string().contains("U+"), "{e}");
        }
        assert!(
            store
                .save_numbers("alice", &g, &t, "생일 🎂 — Ünïcode", None)
                .is_ok()
        );
    }

    #[test]
    fn a_gap_is_rejected_and_nothing_is_stored() {
        let path = temp_db("gap");
        let store = Store::open(&path).unwrap();
        let full = history(10, 3);
        let late = History::new(GameSpec::kr645(), full.draws()[5..].to_vec()).unwrap();
        store
            .add(&History::new(GameSpec::kr645(), full.draws()[..2].to_vec()).unwrap())
            .unwrap();
        assert!(
            store
                .add(&late)
                .unwrap_err()
                .to_string()
                .contains("missing")
        );
        let kept: Vec<u32> = store
            .history(&GameSpec::kr645())
            .unwrap()
            .draws()
            .iter()
            .map(Draw::round)
            .collect();
        assert_eq!(kept, vec![1, 2]);
    }

    #[test]
    fn predictions_are_written_behind_kept_in_bounds_and_survive_a_restart() {
        let path = temp_db("log");
        let prediction = |owner: &str, seed: u64| NewPrediction {
            owner: owner.into(),
            game: "kr645".into(),
            model: "frequency".into(),
            seed,
            target_round: 11,
            tickets: vec!["1 2 3 4 5 6".into()],
        };
        {
            let store = Store::open(&path).unwrap();
            for seed in 0..(MAX_PREDICTIONS_PER_OWNER as u64 + 50) {
                store.save_prediction(prediction("alice", seed)).unwrap();
            }
            store.save_prediction(prediction("bob", u64::MAX)).unwrap();
            assert!(store.owner_known("bob").unwrap(), "a prediction owns");
            // Reading flushes the queue: every prediction made is visible.
            let mine = store.predictions("alice").unwrap();
            assert_eq!(
                mine.len(),
                MAX_PREDICTIONS_PER_OWNER,
                "the oldest 50 are dropped"
            );
            assert_eq!(
                mine[0].seed,
                MAX_PREDICTIONS_PER_OWNER as u64 + 49,
                "newest first"
            );
            assert_eq!(store.predictions("bob").unwrap()[0].seed, u64::MAX);
            store.save_prediction(prediction("carol", 1)).unwrap();
            // Dropped without a read: the writer commits before it stops.
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.predictions("carol").unwrap().len(), 1);
        // Round 11 arrives: every stored prediction for it is scored.
        store.add(&history(11, 5)).unwrap();
        let carol = store.predictions("carol").unwrap();
        let score = carol[0].score.as_ref().unwrap();
        assert_eq!(score.round, 11);
        assert_eq!(score.tickets.len(), 1);
    }
}
