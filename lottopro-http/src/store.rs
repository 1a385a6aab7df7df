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
//! client's token, see `api::client`); the store never sees a raw token.
//! A prediction is stored with the round it was made for and scored by
//! [`Store::score_predictions`] once that round's draw is stored, so the
//! history shows what each prediction actually matched.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender};
use std::thread::JoinHandle;

use lottopro_core::draw::DrawNumbers;
use lottopro_core::io::DrawRecord;
use lottopro_core::{Draw, Error, GameSpec, History, Money, Result, Ticket};
use serde::{Deserialize, Serialize};

/// The longest label of a saved ticket, in characters.
pub const MAX_LABEL_CHARS: usize = 100;
/// The most tickets one client may keep.
pub const MAX_SAVED_PER_OWNER: usize = 1_000;
/// Predictions kept per client; older ones are dropped as new ones arrive.
pub const MAX_PREDICTIONS_PER_OWNER: usize = 200;

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

/// A prediction a client was given, with its score once the draw is known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredPrediction {
    /// Its id.
    pub id: i64,
    /// The game id.
    pub game: String,
    /// The model's name.
    pub model: String,
    /// The seed the tickets came from.
    pub seed: u64,
    /// The round the tickets were made for (the one after the latest known).
    pub target_round: u32,
    /// The tickets as text.
    pub tickets: Vec<String>,
    /// When it was made, seconds since 1970.
    pub created_at: i64,
    /// How the tickets did; `None` until the target round is drawn.
    pub score: Option<PredictionScore>,
}

/// How a prediction's tickets did in its target round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PredictionScore {
    /// The round.
    pub round: u32,
    /// What was drawn.
    pub draw: DrawNumbers,
    /// Per ticket, in order.
    pub tickets: Vec<TicketScore>,
    /// The most main numbers any ticket matched.
    pub best_matches: u8,
    /// The best prize rank any ticket reached.
    pub best_rank: Option<u8>,
}

/// One ticket's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketScore {
    /// Main numbers matched.
    pub matches: u8,
    /// Whether a bonus number matched.
    pub bonus: bool,
    /// The prize rank, if any.
    pub rank: Option<u8>,
    /// What the draw paid at that rank, when known.
    pub prize: Option<Money>,
}

use rusqlite::{Connection, params};

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

/// What the writer thread is asked to do.
enum LogMessage {
    Record(NewPrediction, i64),
    Flush(SyncSender<std::result::Result<(), String>>),
}

/// Predictions that may wait for the writer; beyond this, predicting waits.
const LOG_QUEUE: usize = 1_024;
/// Most rows in one commit of the writer.
const LOG_BATCH: usize = 512;

fn db_error(e: &rusqlite::Error) -> Error {
    Error::Io(std::io::Error::other(format!("database: {e}")))
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
                 created_at INTEGER NOT NULL
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
             CREATE INDEX IF NOT EXISTS predictions_unscored ON predictions (game, target_round) WHERE score IS NULL;",
        )
        .map_err(|e| db_error(&e))?;
        let log = Connection::open(path).map_err(|e| db_error(&e))?;
        log.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;")
            .map_err(|e| db_error(&e))?;
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

    /// Waits until every prediction recorded so far is committed.
    pub fn flush_predictions(&self) -> Result<()> {
        let (ack, done) = std::sync::mpsc::sync_channel(1);
        let gone = || {
            Error::Io(std::io::Error::other(
                "database: the prediction writer stopped",
            ))
        };
        self.log
            .as_ref()
            .ok_or_else(gone)?
            .send(LogMessage::Flush(ack))
            .map_err(|_| gone())?;
        done.recv()
            .map_err(|_| gone())?
            .map_err(|e| Error::Io(std::io::Error::other(format!("database: {e}"))))
    }

    /// Records the order in which a stored draw's main numbers were drawn
    /// (the draw itself keeps them sorted).
    pub fn set_draw_order(&self, game: &GameSpec, round: u32, order: &[u8]) -> Result<()> {
        let stored = self.history(game)?;
        let draw = stored.require(round)?;
        let mut sorted = order.to_vec();
        sorted.sort_unstable();
        if sorted != draw.numbers().to_vec() {
            return Err(Error::invalid(
                "order",
                format!("{order:?} are not the numbers of round {round}"),
            ));
        }
        let text = order
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        self.conn()?
            .execute(
                "INSERT OR REPLACE INTO draw_orders (game, round, numbers) VALUES (?1, ?2, ?3)",
                params![game.id(), round, text],
            )
            .map_err(|e| db_error(&e))?;
        Ok(())
    }

    /// The order a round's numbers were drawn in, when a source gave it.
    pub fn draw_order(&self, game: &GameSpec, round: u32) -> Result<Option<Vec<u8>>> {
        let conn = self.conn()?;
        let text: Option<String> = conn
            .query_row(
                "SELECT numbers FROM draw_orders WHERE game = ?1 AND round = ?2",
                params![game.id(), round],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(|e| db_error(&e))?;
        Ok(text.map(|t| t.split(' ').filter_map(|n| n.parse().ok()).collect()))
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> Result<std::sync::MutexGuard<'_, Connection>> {
        lock(&self.conn)
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

    /// The latest stored round of `game` (a cheap query, for replicas that
    /// share the database and must notice draws another one added).
    pub fn latest_round(&self, game: &GameSpec) -> Result<Option<u32>> {
        self.conn()?
            .query_row(
                "SELECT MAX(round) FROM draws WHERE game = ?1",
                params![game.id()],
                |r| r.get(0),
            )
            .map_err(|e| db_error(&e))
    }

    /// Appends the draws of `from` that the store does not hold yet; they
    /// must continue the stored history and agree with it where both hold a
    /// round (see `History::continuation`), and scores the stored
    /// predictions made for them. Returns the rounds added.
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
        drop(conn);
        if !new.is_empty() {
            // Predictions made for these rounds can be scored now.
            self.score_predictions(&self.history(from.game())?)?;
        }
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
        let created_at = now_secs();
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

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// What one `predictions` row holds besides its score.
#[derive(Debug, Clone)]
pub struct NewPrediction {
    /// The owner key.
    pub owner: String,
    /// The game id.
    pub game: String,
    /// The model's name.
    pub model: String,
    /// The seed.
    pub seed: u64,
    /// The round the tickets are for.
    pub target_round: u32,
    /// The tickets as text.
    pub tickets: Vec<String>,
}

/// The writer thread: commits queued predictions in batches until the
/// store is dropped.
fn write_log(mut conn: Connection, rx: &Receiver<LogMessage>) {
    let mut batch = Vec::new();
    let mut waiting = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                LogMessage::Record(p, at) => batch.push((p, at)),
                LogMessage::Flush(ack) => waiting.push(ack),
            }
            next = if batch.len() < LOG_BATCH {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        let result = commit_predictions(&mut conn, &batch).map_err(|e| e.to_string());
        if let Err(e) = &result {
            tracing::error!(count = batch.len(), error = %e, "predictions not stored");
        }
        batch.clear();
        for ack in waiting.drain(..) {
            let _ = ack.send(result.clone());
        }
    }
}

fn commit_predictions(
    conn: &mut Connection,
    batch: &[(NewPrediction, i64)],
) -> rusqlite::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO predictions (owner, game, model, seed, target_round, tickets, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        // Drop what falls off the end of an owner's history: the rows up to
        // the newest one beyond the limit (an index range, not a scan).
        let mut trim = tx.prepare_cached(
            "DELETE FROM predictions WHERE owner = ?1 AND id <=
             (SELECT id FROM predictions WHERE owner = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
        )?;
        for (p, at) in batch {
            let tickets = serde_json::to_string(&p.tickets).unwrap_or_else(|_| "[]".into());
            insert.execute(params![
                p.owner,
                p.game,
                p.model,
                p.seed.to_string(),
                p.target_round,
                tickets,
                at
            ])?;
            trim.execute(params![p.owner, MAX_PREDICTIONS_PER_OWNER as i64])?;
        }
    }
    tx.commit()
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

impl Store {
    /// Records a prediction (committed behind the caller; see the type's
    /// docs); keeps the owner's newest [`MAX_PREDICTIONS_PER_OWNER`].
    pub fn save_prediction(&self, p: NewPrediction) -> Result<()> {
        let gone = || {
            Error::Io(std::io::Error::other(
                "database: the prediction writer stopped",
            ))
        };
        self.log
            .as_ref()
            .ok_or_else(gone)?
            .send(LogMessage::Record(p, now_secs()))
            .map_err(|_| gone())
    }

    /// The owner's predictions, newest first.
    pub fn predictions(&self, owner: &str) -> Result<Vec<StoredPrediction>> {
        self.flush_predictions()?;
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare(
                "SELECT id, game, model, seed, target_round, tickets, created_at, score
                 FROM predictions WHERE owner = ?1 ORDER BY id DESC",
            )
            .map_err(|e| db_error(&e))?;
        let rows = stmt
            .query_map(params![owner], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, u32>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })
            .map_err(|e| db_error(&e))?;
        let unreadable = |id: i64, what: &str| {
            Error::Io(std::io::Error::other(format!(
                "database: prediction {id} has an unreadable {what}"
            )))
        };
        let mut out = Vec::new();
        for row in rows {
            let (id, game, model, seed, target_round, tickets, created_at, score) =
                row.map_err(|e| db_error(&e))?;
            out.push(StoredPrediction {
                id,
                game,
                model,
                seed: seed.parse().map_err(|_| unreadable(id, "seed"))?,
                target_round,
                tickets: serde_json::from_str(&tickets)
                    .map_err(|_| unreadable(id, "ticket list"))?,
                created_at,
                score: score
                    .map(|s| serde_json::from_str(&s))
                    .transpose()
                    .map_err(|_| unreadable(id, "score"))?,
            });
        }
        Ok(out)
    }

    /// Scores every unscored prediction whose target round `history` holds.
    /// Returns how many were scored.
    pub fn score_predictions(&self, history: &History) -> Result<usize> {
        let game = history.game();
        let Some(latest) = history.latest_round() else {
            return Ok(0);
        };
        self.flush_predictions()?;
        let mut conn = self.conn()?;
        let pending: Vec<(i64, u32, String)> = {
            let mut stmt = conn
                .prepare(
                    "SELECT id, target_round, tickets FROM predictions
                     WHERE game = ?1 AND score IS NULL AND target_round <= ?2",
                )
                .map_err(|e| db_error(&e))?;
            stmt.query_map(params![game.id(), latest], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(|e| db_error(&e))?
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| db_error(&e))?
        };
        if pending.is_empty() {
            return Ok(0);
        }
        let tx = conn.transaction().map_err(|e| db_error(&e))?;
        let mut scored = 0;
        for (id, round, tickets) in pending {
            let Some(draw) = history.get(round) else {
                continue;
            };
            let texts: Vec<String> = serde_json::from_str(&tickets).unwrap_or_default();
            let checks: Vec<_> = texts
                .iter()
                .filter_map(|t| Ticket::parse(game, t).ok())
                .map(|t| draw.check(game, &t))
                .collect();
            let score = PredictionScore {
                round,
                draw: DrawNumbers {
                    numbers: draw.numbers().to_vec(),
                    bonus: draw.bonus().to_vec(),
                },
                best_matches: checks.iter().map(|c| c.matches).max().unwrap_or(0),
                best_rank: checks.iter().filter_map(|c| c.rank).min(),
                tickets: checks
                    .into_iter()
                    .map(|c| TicketScore {
                        matches: c.matches,
                        bonus: c.bonus,
                        rank: c.rank,
                        prize: c.prize,
                    })
                    .collect(),
            };
            let text =
                serde_json::to_string(&score).map_err(|e| Error::Io(std::io::Error::other(e)))?;
            tx.execute(
                "UPDATE predictions SET score = ?1 WHERE id = ?2",
                params![text, id],
            )
            .map_err(|e| db_error(&e))?;
            scored += 1;
        }
        tx.commit().map_err(|e| db_error(&e))?;
        Ok(scored)
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
