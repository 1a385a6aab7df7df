//! The prediction history: predictions written behind the request by a
//! writer thread, read back per owner, and scored once their round is drawn.

use std::sync::mpsc::{Receiver, SyncSender};

use lottopro_core::predict::PredictionScore;
use lottopro_core::{Error, History, Result, Ticket};
use serde::Serialize;

use super::sql::{Row, Sql};
use super::{LogDb, Store, now_secs};

/// Predictions kept per client; older ones are dropped as new ones arrive.
pub const MAX_PREDICTIONS_PER_OWNER: usize = 200;

/// A prediction a client was given, with its score once the draw is known.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredPrediction {
    /// Its id, unique and opaque. (In the store it is the row number; the
    /// service shows clients a keyed permutation of it, which says nothing
    /// about how many rows there are.)
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

/// What the writer thread is asked to do.
pub(super) enum LogMessage {
    Record(NewPrediction, i64),
    Flush(SyncSender<std::result::Result<(), String>>),
}

/// Predictions that may wait for the writer; beyond this, predicting waits.
pub(super) const LOG_QUEUE: usize = 1_024;
/// Most rows in one commit of the writer.
const LOG_BATCH: usize = 512;

/// The error of a store whose prediction writer has stopped.
fn writer_stopped() -> Error {
    Error::unavailable("database", "the prediction writer stopped")
}

/// The writer thread: commits queued predictions in batches until the
/// store is dropped.
pub(super) fn write_log(mut db: LogDb, rx: &Receiver<LogMessage>) {
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
        let result = if batch.is_empty() {
            Ok(())
        } else {
            db.transaction(|tx| commit_predictions(tx, &batch))
                .map_err(|e| e.to_string())
        };
        if let Err(e) = &result {
            tracing::error!(count = batch.len(), error = %e, "predictions not stored");
        }
        batch.clear();
        for ack in waiting.drain(..) {
            let _ = ack.send(result.clone());
        }
    }
}

/// Drops what falls off the end of an owner's history ($1 the owner, $2
/// the limit): the rows up to the newest one beyond the limit (an index
/// range, not a scan). Run once per prediction.
pub(super) const TRIM: &str = "DELETE FROM predictions WHERE owner = $1 AND id <=
     (SELECT id FROM predictions WHERE owner = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)";

fn commit_predictions(tx: &mut dyn Sql, batch: &[(NewPrediction, i64)]) -> Result<()> {
    for (p, at) in batch {
        let tickets = serde_json::to_string(&p.tickets).unwrap_or_else(|_| "[]".into());
        tx.execute(
            "INSERT INTO predictions (owner, game, model, seed, target_round, tickets, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                p.owner.as_str().into(),
                p.game.as_str().into(),
                p.model.as_str().into(),
                p.seed.to_string().into(),
                p.target_round.into(),
                tickets.into(),
                (*at).into(),
            ],
        )?;
        tx.execute(
            TRIM,
            &[
                p.owner.as_str().into(),
                (MAX_PREDICTIONS_PER_OWNER as i64).into(),
            ],
        )?;
    }
    Ok(())
}

impl Store {
    /// Waits until every prediction recorded so far is committed.
    pub fn flush_predictions(&self) -> Result<()> {
        let (ack, done) = std::sync::mpsc::sync_channel(1);
        self.to_writer(LogMessage::Flush(ack))?;
        done.recv()
            .map_err(|_| writer_stopped())?
            .map_err(|e| Error::unavailable("database", e))
    }

    /// Hands `message` to the writer thread.
    fn to_writer(&self, message: LogMessage) -> Result<()> {
        self.log
            .as_ref()
            .ok_or_else(writer_stopped)?
            .send(message)
            .map_err(|_| writer_stopped())
    }

    /// Records a prediction (committed behind the caller; see the type's
    /// docs); keeps the owner's newest [`MAX_PREDICTIONS_PER_OWNER`].
    pub fn save_prediction(&self, p: NewPrediction) -> Result<()> {
        self.to_writer(LogMessage::Record(p, now_secs()))
    }

    /// The owner's predictions, newest first.
    pub fn predictions(&self, owner: &str) -> Result<Vec<StoredPrediction>> {
        self.flush_predictions()?;
        let rows = self.with(|db| {
            db.query(
                "SELECT id, game, model, seed, target_round, tickets, created_at, score
                 FROM predictions WHERE owner = $1 ORDER BY id DESC",
                &[owner.into()],
            )
        })?;
        let out = rows.iter().map(stored).collect::<Result<Vec<_>>>()?;
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
        let pending = self.with(|db| {
            db.query(
                "SELECT id, target_round, tickets FROM predictions
                 WHERE game = $1 AND score IS NULL AND target_round <= $2",
                &[game.id().into(), latest.into()],
            )
        })?;
        if pending.is_empty() {
            return Ok(0);
        }
        let scored = self.transaction(|tx| {
            let mut scored = 0;
            for row in &pending {
                let (id, round, tickets) = (row.int(0)?, row.round(1)?, row.text(2)?);
                let Some(draw) = history.get(round) else {
                    continue;
                };
                let texts: Vec<String> = serde_json::from_str(&tickets).unwrap_or_default();
                let tickets: Vec<Ticket> = texts
                    .iter()
                    .filter_map(|t| Ticket::parse(game, t).ok())
                    .collect();
                let score = PredictionScore::of(game, &tickets, draw);
                let text = serde_json::to_string(&score)
                    .map_err(|e| Error::Io(std::io::Error::other(e)))?;
                tx.execute(
                    "UPDATE predictions SET score = $1 WHERE id = $2",
                    &[text.into(), id.into()],
                )?;
                scored += 1;
            }
            Ok(scored)
        })?;
        Ok(scored)
    }
}

/// A `predictions` row.
fn stored(r: &Row) -> Result<StoredPrediction> {
    let id = r.int(0)?;
    let unreadable = |what: &str| {
        Error::Io(std::io::Error::other(format!(
            "database: prediction {id} has an unreadable {what}"
        )))
    };
    Ok(StoredPrediction {
        id,
        game: r.text(1)?,
        model: r.text(2)?,
        seed: r.text(3)?.parse().map_err(|_| unreadable("seed"))?,
        target_round: r.round(4)?,
        tickets: serde_json::from_str(&r.text(5)?).map_err(|_| unreadable("ticket list"))?,
        created_at: r.int(6)?,
        score: r
            .opt_text(7)?
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|_| unreadable("score"))?,
    })
}
