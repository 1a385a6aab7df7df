//! The service's SQLite store (rusqlite, bundled SQLite, WAL).
//!
//! Draws are kept one row per round as their [`DrawRecord`] JSON, so the
//! store holds exactly what the core validates and nothing can be stored
//! that would not load again. Appending draws is one transaction after the
//! core has checked that they continue the stored history: on any error
//! nothing changes. `synchronous = FULL`, so an acknowledged write survives
//! a crash of the process or of the machine.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use lottopro_core::io::DrawRecord;
use lottopro_core::{Draw, Error, GameSpec, History, Result, Ticket};
use serde::Serialize;

/// The longest label of a saved ticket, in characters.
pub const MAX_LABEL_CHARS: usize = 100;
/// The most tickets one client may keep.
pub const MAX_SAVED_PER_OWNER: usize = 1_000;

/// A ticket a client saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedNumbers {
    /// Its id.
    pub id: i64,
    /// The game id.
    pub game: String,
    /// The ticket as text, e.g. `3 11 17 25 33 41`.
    pub numbers: String,
    /// The client's label.
    pub label: String,
    /// When it was saved, seconds since 1970.
    pub created_at: i64,
}
use rusqlite::{Connection, params};

/// A store in one SQLite file.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

fn db_error(e: &rusqlite::Error) -> Error {
    Error::Io(std::io::Error::other(format!("database: {e}")))
}

impl Store {
    /// Opens (creating if needed, with its folder) the store at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        let conn = Connection::open(path).map_err(|e| db_error(&e))?;
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
             CREATE TABLE IF NOT EXISTS saved_numbers (
                 id         INTEGER PRIMARY KEY AUTOINCREMENT,
                 owner      TEXT    NOT NULL,
                 game       TEXT    NOT NULL,
                 numbers    TEXT    NOT NULL,
                 label      TEXT    NOT NULL,
                 created_at INTEGER NOT NULL
             );
             CREATE INDEX IF NOT EXISTS saved_numbers_owner ON saved_numbers (owner, id);",
        )
        .map_err(|e| db_error(&e))?;
        Ok(Store {
            conn: Mutex::new(conn),
            path: path.to_owned(),
        })
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> Result<std::sync::MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| {
            Error::Io(std::io::Error::other(
                "database: the connection lock is poisoned",
            ))
        })
    }

    /// The stored history of `game`.
    pub fn history(&self, game: &GameSpec) -> Result<History> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare("SELECT record FROM draws WHERE game = ?1 ORDER BY round")
            .map_err(|e| db_error(&e))?;
        let rows = stmt
            .query_map(params![game.id()], |row| row.get::<_, String>(0))
            .map_err(|e| db_error(&e))?;
        let mut draws = Vec::new();
        for (i, row) in rows.enumerate() {
            let text = row.map_err(|e| db_error(&e))?;
            let record: DrawRecord = serde_json::from_str(&text).map_err(|e| Error::History {
                round: None,
                message: format!("stored draw {} is unreadable: {e}", i + 1),
            })?;
            draws.push(record.into_draw(game)?);
        }
        History::new(game.clone(), draws)
    }

    /// Appends the draws of `from` that the store does not hold yet; they
    /// must continue the stored history and agree with it where both hold a
    /// round (see `History::continuation`). Returns the rounds added.
    pub fn add(&self, from: &History) -> Result<Vec<u32>> {
        let stored = self.history(from.game())?;
        let new = stored.continuation(from)?;
        let mut conn = self.conn()?;
        let tx = conn.transaction().map_err(|e| db_error(&e))?;
        for d in &new {
            let record = serde_json::to_string(&DrawRecord::from(d))
                .map_err(|e| Error::Io(std::io::Error::other(e)))?;
            tx.execute(
                "INSERT INTO draws (game, round, record) VALUES (?1, ?2, ?3)",
                params![from.game().id(), d.round(), record],
            )
            .map_err(|e| db_error(&e))?;
        }
        tx.commit().map_err(|e| db_error(&e))?;
        Ok(new.iter().map(Draw::round).collect())
    }
}

impl Store {
    /// Saves a ticket for `owner` (a client token). The label is at most
    /// [`MAX_LABEL_CHARS`] characters without control characters; a client
    /// keeps at most [`MAX_SAVED_PER_OWNER`] tickets. The write is durable
    /// when this returns.
    pub fn save_numbers(
        &self,
        owner: &str,
        game: &GameSpec,
        ticket: &Ticket,
        label: &str,
    ) -> Result<SavedNumbers> {
        if label.chars().count() > MAX_LABEL_CHARS {
            return Err(Error::InvalidInput {
                field: "label".into(),
                message: format!("is longer than {MAX_LABEL_CHARS} characters"),
            });
        }
        if label.chars().any(char::is_control) {
            return Err(Error::InvalidInput {
                field: "label".into(),
                message: "contains control characters".into(),
            });
        }
        let conn = self.conn()?;
        let held: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM saved_numbers WHERE owner = ?1",
                params![owner],
                |r| r.get(0),
            )
            .map_err(|e| db_error(&e))?;
        if usize::try_from(held).unwrap_or(usize::MAX) >= MAX_SAVED_PER_OWNER {
            return Err(Error::Limit {
                field: "numbers".into(),
                value: u64::try_from(held).unwrap_or(u64::MAX) + 1,
                limit: MAX_SAVED_PER_OWNER as u64,
            });
        }
        let created_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let numbers = ticket.to_string();
        conn.execute(
            "INSERT INTO saved_numbers (owner, game, numbers, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![owner, game.id(), numbers, label, created_at],
        )
        .map_err(|e| db_error(&e))?;
        Ok(SavedNumbers {
            id: conn.last_insert_rowid(),
            game: game.id().to_owned(),
            numbers,
            label: label.to_owned(),
            created_at,
        })
    }

    /// The tickets `owner` saved, oldest first.
    pub fn saved_numbers(&self, owner: &str) -> Result<Vec<SavedNumbers>> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare("SELECT id, game, numbers, label, created_at FROM saved_numbers WHERE owner = ?1 ORDER BY id")
            .map_err(|e| db_error(&e))?;
        let rows = stmt
            .query_map(params![owner], |r| {
                Ok(SavedNumbers {
                    id: r.get(0)?,
                    game: r.get(1)?,
                    numbers: r.get(2)?,
                    label: r.get(3)?,
                    created_at: r.get(4)?,
                })
            })
            .map_err(|e| db_error(&e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| db_error(&e))
    }

    /// Deletes one of `owner`'s tickets; whether it existed.
    pub fn delete_numbers(&self, owner: &str, id: i64) -> Result<bool> {
        let conn = self.conn()?;
        let n = conn
            .execute(
                "DELETE FROM saved_numbers WHERE owner = ?1 AND id = ?2",
                params![owner, id],
            )
            .map_err(|e| db_error(&e))?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lottopro_core::{Date, Draw};

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
        let a = store.save_numbers("alice", &g, &t, sql).unwrap();
        store.save_numbers("bob", &g, &t, "").unwrap();
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
        assert!(store.delete_numbers("alice", a.id).unwrap());
        assert!(store.saved_numbers("alice").unwrap().is_empty());
        assert_eq!(store.saved_numbers("bob").unwrap().len(), 1);
        let long = "x".repeat(MAX_LABEL_CHARS + 1);
        assert_eq!(
            store
                .save_numbers("alice", &g, &t, &long)
                .unwrap_err()
                .field(),
            Some("label")
        );
        assert_eq!(
            store
                .save_numbers("alice", &g, &t, "a\u{0}b")
                .unwrap_err()
                .field(),
            Some("label")
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
}
