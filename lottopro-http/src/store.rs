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
use lottopro_core::{Draw, Error, GameSpec, History, Result};
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
             );",
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
