//! Saved tickets, each owned by a client's owner key, and their life:
//! saved for a round (usually one not drawn yet), checked when its draw
//! arrives, the owner notified once, the prize claimed.
//!
//! A ticket is kept once per owner: a second save of the same numbers for
//! the same round and game (the same slip scanned twice, or its LottoPro
//! code) adds nothing, which one unique index over the live rows decides on
//! both databases, so two replicas racing with the same slip store it once.
//! Deleting marks a row (`deleted_at`) so that it can be restored by the
//! undo that follows; marked rows are purged after [`UNDO_SECS`].

use lottopro_core::{Error, GameSpec, Result, Slip, Ticket};
use serde::Serialize;

use super::sql::{Row, Sql};
use super::{Store, now_secs};

/// How long a deleted ticket can be restored, in seconds.
pub const UNDO_SECS: i64 = 24 * 3_600;

/// Columns `saved_numbers` gained after its first version, with their SQLite
/// types (PostgreSQL adds them in its migration 2).
pub(super) const ADDED_COLUMNS: [(&str, &str); 7] = [
    ("round", "INTEGER"),
    ("letter", "TEXT"),
    ("choice", "TEXT"),
    ("slip", "TEXT"),
    ("deleted_at", "INTEGER"),
    ("notified_at", "INTEGER"),
    ("claimed_at", "INTEGER"),
];

/// One live row per owner, game, round and numbers (older duplicates are
/// marked deleted first), for SQLite; PostgreSQL's migration 2 does the same.
pub(super) const ONCE_PER_OWNER: &str = "
    UPDATE saved_numbers SET deleted_at = created_at
     WHERE deleted_at IS NULL AND round IS NOT NULL AND id NOT IN (
         SELECT MIN(id) FROM saved_numbers WHERE deleted_at IS NULL AND round IS NOT NULL
          GROUP BY owner, game, round, numbers);
    CREATE UNIQUE INDEX IF NOT EXISTS saved_numbers_once
        ON saved_numbers (owner, game, round, numbers)
        WHERE deleted_at IS NULL AND round IS NOT NULL;
    CREATE INDEX IF NOT EXISTS saved_numbers_waiting
        ON saved_numbers (game, round) WHERE notified_at IS NULL;";

/// The columns every query of a saved ticket reads, in [`saved`]'s order.
const COLUMNS: &str =
    "id, game, numbers, label, created_at, round, letter, choice, slip, notified_at, claimed_at";

/// The longest label of a saved ticket, in characters.
pub const MAX_LABEL_CHARS: usize = 100;
/// The most tickets one client may keep.
pub const MAX_SAVED_PER_OWNER: usize = 1_000;
/// A ticket a client saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SavedNumbers {
    /// Its id, unique and opaque. (In the store it is the row number; the
    /// service shows clients a keyed permutation of it, which says nothing
    /// about how many rows there are.)
    pub id: i64,
    /// The game id.
    pub game: String,
    /// The ticket as text, e.g. `3 11 17 25 33 41`.
    pub numbers: String,
    /// The client's label.
    pub label: String,
    /// When it was saved, seconds since 1970.
    pub created_at: i64,
    /// The round it is for: it is checked when that draw arrives (`null`
    /// for tickets saved before rounds were kept).
    pub round: Option<u32>,
    /// Its line on the slip, `A` to `E` (`null` when saved alone).
    pub letter: Option<String>,
    /// How it was chosen, where the slip's code says so: `q` quick pick,
    /// `s` semi-automatic, `m` manual.
    pub choice: Option<String>,
    /// The slip's serial, from its QR code.
    pub slip: Option<String>,
    /// When its owner was told the outcome, seconds since 1970.
    pub notified_at: Option<i64>,
    /// When its owner marked the prize claimed, seconds since 1970.
    pub claimed_at: Option<i64>,
}

/// A ticket read from an export of My tickets.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The ticket, validated.
    pub ticket: Ticket,
    /// Its round.
    pub round: Option<u32>,
    /// Its line on the slip.
    pub letter: Option<String>,
    /// How it was chosen (`q`, `s`, `m`).
    pub choice: Option<String>,
    /// Its label.
    pub label: String,
    /// Its slip's serial.
    pub slip: Option<String>,
}

/// What saving a slip did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SlipSaved {
    /// The games stored now.
    pub saved: Vec<SavedNumbers>,
    /// The letters of the games that were already saved, and so were not
    /// stored again.
    pub duplicates: Vec<String>,
}

/// Characters a label may not hold: control characters, and the invisible
/// formatting ones that reorder or hide text where the label is shown
/// (bidirectional overrides such as U+202E, zero-width characters, the soft
/// hyphen). The OpenAPI document states the same ranges.
pub const LABEL_FORBIDDEN: &[(char, char)] = &[
    ('\u{0000}', '\u{001F}'),
    ('\u{007F}', '\u{009F}'),
    ('\u{00AD}', '\u{00AD}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
];

/// Whether a label may hold `c`.
pub fn label_char(c: char) -> bool {
    !LABEL_FORBIDDEN.iter().any(|(a, b)| (*a..=*b).contains(&c))
}

/// Checks a label: at most [`MAX_LABEL_CHARS`] characters, none of them
/// [`LABEL_FORBIDDEN`].
fn check_label(label: &str) -> Result<()> {
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(Error::InvalidInput {
            field: "label".into(),
            message: format!("is longer than {MAX_LABEL_CHARS} characters"),
        });
    }
    if let Some(c) = label.chars().find(|c| !label_char(*c)) {
        return Err(Error::InvalidInput {
            field: "label".into(),
            message: format!(
                "contains U+{:04X}, a control or invisible formatting character",
                u32::from(c)
            ),
        });
    }
    Ok(())
}

/// Refuses a save that would take `owner` past [`MAX_SAVED_PER_OWNER`].
fn check_room(db: &mut dyn Sql, owner: &str, adding: usize) -> Result<()> {
    let held = db
        .query_one(
            "SELECT COUNT(*) FROM saved_numbers WHERE owner = $1 AND deleted_at IS NULL",
            &[owner.into()],
        )?
        .int(0)?;
    let after = u64::try_from(held).unwrap_or(u64::MAX) + adding as u64;
    if after > MAX_SAVED_PER_OWNER as u64 {
        return Err(Error::Limit {
            field: "numbers".into(),
            value: after,
            limit: MAX_SAVED_PER_OWNER as u64,
        });
    }
    Ok(())
}

/// One game to store.
struct NewRow<'a> {
    numbers: String,
    label: &'a str,
    round: Option<u32>,
    letter: Option<char>,
    choice: Option<char>,
    slip: Option<&'a str>,
}

/// Inserts a row unless the owner holds the same ticket already: the row
/// stored, or `None` for a duplicate.
fn insert(
    db: &mut dyn Sql,
    owner: &str,
    game: &GameSpec,
    row: &NewRow<'_>,
    created_at: i64,
) -> Result<Option<SavedNumbers>> {
    let letter = row.letter.map(String::from);
    let choice = row.choice.map(String::from);
    let id = db
        .query_opt(
            "INSERT INTO saved_numbers
                 (owner, game, numbers, label, created_at, round, letter, choice, slip)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT DO NOTHING RETURNING id",
            &[
                owner.into(),
                game.id().into(),
                row.numbers.as_str().into(),
                row.label.into(),
                created_at.into(),
                row.round.into(),
                letter.as_deref().into(),
                choice.as_deref().into(),
                row.slip.into(),
            ],
        )?
        .map(|r| r.int(0))
        .transpose()?;
    Ok(id.map(|id| SavedNumbers {
        id,
        game: game.id().to_owned(),
        numbers: row.numbers.clone(),
        label: row.label.to_owned(),
        created_at,
        round: row.round,
        letter,
        choice,
        slip: row.slip.map(str::to_owned),
        notified_at: None,
        claimed_at: None,
    }))
}

impl Store {
    /// Saves a ticket for `owner` (a client token); `None` when the owner
    /// holds the same ticket for the same round already (nothing is
    /// stored). The label is at most [`MAX_LABEL_CHARS`] characters, none of
    /// them [`LABEL_FORBIDDEN`]; a client keeps at most
    /// [`MAX_SAVED_PER_OWNER`] tickets. The write is durable when this
    /// returns.
    pub fn save_numbers(
        &self,
        owner: &str,
        game: &GameSpec,
        ticket: &Ticket,
        label: &str,
        round: Option<u32>,
    ) -> Result<Option<SavedNumbers>> {
        check_label(label)?;
        let row = NewRow {
            numbers: ticket.to_string(),
            label,
            round,
            letter: None,
            choice: None,
            slip: None,
        };
        self.transaction(|db| {
            check_room(db, owner, 1)?;
            insert(db, owner, game, &row, now_secs())
        })
    }

    /// Saves every game of `slip` for `owner`, in one transaction: the games
    /// stored, and the letters of those the owner held already.
    pub fn save_slip(
        &self,
        owner: &str,
        game: &GameSpec,
        slip: &Slip,
        label: &str,
    ) -> Result<SlipSaved> {
        check_label(label)?;
        let rows: Vec<NewRow<'_>> = slip
            .games
            .iter()
            .map(|g| NewRow {
                numbers: g.ticket.to_string(),
                label,
                round: Some(slip.round),
                letter: (slip.games.len() > 1 || slip.serial.is_some()).then_some(g.letter),
                choice: Some(g.choice.code()).filter(|c| *c != '-'),
                slip: slip.serial.as_deref(),
            })
            .collect();
        let created_at = now_secs();
        self.transaction(|db| {
            check_room(db, owner, rows.len())?;
            let mut out = SlipSaved {
                saved: Vec::new(),
                duplicates: Vec::new(),
            };
            for (row, g) in rows.iter().zip(&slip.games) {
                match insert(db, owner, game, row, created_at)? {
                    Some(s) => out.saved.push(s),
                    None => out.duplicates.push(g.letter.to_string()),
                }
            }
            Ok(out)
        })
    }

    /// The tickets `owner` saved (not deleted), oldest first.
    pub fn saved_numbers(&self, owner: &str) -> Result<Vec<SavedNumbers>> {
        let rows = self.with(|db| {
            db.query(
                &format!(
                    "SELECT {COLUMNS} FROM saved_numbers
                     WHERE owner = $1 AND deleted_at IS NULL ORDER BY id"
                ),
                &[owner.into()],
            )
        })?;
        rows.iter().map(saved).collect()
    }

    /// Deletes one of `owner`'s tickets, restorable for [`UNDO_SECS`] by
    /// [`Store::restore_numbers`]; whether it existed. Tickets deleted
    /// longer ago are purged on the way.
    pub fn delete_numbers(&self, owner: &str, id: i64) -> Result<bool> {
        let now = now_secs();
        let n = self.transaction(|db| {
            db.execute(
                "DELETE FROM saved_numbers WHERE owner = $1 AND deleted_at < $2",
                &[owner.into(), (now - UNDO_SECS).into()],
            )?;
            db.execute(
                "UPDATE saved_numbers SET deleted_at = $3
                 WHERE owner = $1 AND id = $2 AND deleted_at IS NULL",
                &[owner.into(), id.into(), now.into()],
            )
        })?;
        Ok(n > 0)
    }

    /// Restores a ticket `owner` deleted (the undo): the ticket, or `None`
    /// when there is none to restore or the same ticket was saved again
    /// since.
    pub fn restore_numbers(&self, owner: &str, id: i64) -> Result<Option<SavedNumbers>> {
        self.transaction(|db| {
            let Some(row) = db.query_opt(
                &format!(
                    "SELECT {COLUMNS} FROM saved_numbers
                     WHERE owner = $1 AND id = $2 AND deleted_at IS NOT NULL"
                ),
                &[owner.into(), id.into()],
            )?
            else {
                return Ok(None);
            };
            let s = saved(&row)?;
            let again = db
                .query_one(
                    "SELECT COUNT(*) FROM saved_numbers
                     WHERE owner = $1 AND game = $2 AND COALESCE(round, 0) = $3
                       AND numbers = $4 AND deleted_at IS NULL",
                    &[
                        owner.into(),
                        s.game.as_str().into(),
                        i64::from(s.round.unwrap_or(0)).into(),
                        s.numbers.as_str().into(),
                    ],
                )?
                .int(0)?;
            if again > 0 {
                return Ok(None);
            }
            check_room(db, owner, 1)?;
            db.execute(
                "UPDATE saved_numbers SET deleted_at = NULL WHERE owner = $1 AND id = $2",
                &[owner.into(), id.into()],
            )?;
            Ok(Some(s))
        })
    }

    /// Changes the label and the round of one of `owner`'s tickets; the
    /// ticket as it is now, or `None` when there is no such ticket. Moving
    /// it onto a round where the owner holds the same numbers is refused.
    pub fn edit_numbers(
        &self,
        owner: &str,
        id: i64,
        label: &str,
        round: Option<u32>,
    ) -> Result<Option<SavedNumbers>> {
        check_label(label)?;
        let changed = self.with(|db| {
            db.execute(
                "UPDATE saved_numbers SET label = $3, round = $4, notified_at = NULL
                 WHERE owner = $1 AND id = $2 AND deleted_at IS NULL",
                &[owner.into(), id.into(), label.into(), round.into()],
            )
        });
        let changed = match changed {
            Err(Error::Unavailable { source, .. })
                if source.to_string().contains("UNIQUE")
                    || source.to_string().contains("duplicate key") =>
            {
                return Err(Error::invalid(
                    "round",
                    "holds the same ticket already: delete one of the two instead",
                ));
            }
            other => other?,
        };
        if changed == 0 {
            return Ok(None);
        }
        self.ticket(owner, id)
    }

    /// One of `owner`'s tickets (not deleted).
    pub fn ticket(&self, owner: &str, id: i64) -> Result<Option<SavedNumbers>> {
        let row = self.with(|db| {
            db.query_opt(
                &format!(
                    "SELECT {COLUMNS} FROM saved_numbers
                     WHERE owner = $1 AND id = $2 AND deleted_at IS NULL"
                ),
                &[owner.into(), id.into()],
            )
        })?;
        row.as_ref().map(saved).transpose()
    }

    /// Marks one of `owner`'s tickets claimed (or not): whether it exists.
    pub fn mark_claimed(&self, owner: &str, id: i64, claimed: bool) -> Result<bool> {
        let at = claimed.then(now_secs);
        let n = self.with(|db| {
            db.execute(
                "UPDATE saved_numbers SET claimed_at = $3
                 WHERE owner = $1 AND id = $2 AND deleted_at IS NULL",
                &[owner.into(), id.into(), at.into()],
            )
        })?;
        Ok(n > 0)
    }

    /// The tickets of every owner for `round` of `game` whose owners have not
    /// been told their outcome, with their owners: what a draw's arrival
    /// checks and notifies, once.
    pub fn waiting_tickets(&self, game: &str, round: u32) -> Result<Vec<(String, SavedNumbers)>> {
        let rows = self.with(|db| {
            db.query(
                &format!(
                    "SELECT {COLUMNS}, owner FROM saved_numbers
                     WHERE game = $1 AND round = $2 AND notified_at IS NULL
                       AND deleted_at IS NULL ORDER BY owner, id"
                ),
                &[game.into(), round.into()],
            )
        })?;
        rows.iter().map(|r| Ok((r.text(11)?, saved(r)?))).collect()
    }

    /// Records that the owners of `ids` were told their outcome: the ids
    /// that were still unmarked, and so are this caller's to announce (two
    /// replicas never both notify).
    pub fn mark_notified(&self, ids: &[i64]) -> Result<Vec<i64>> {
        let now = now_secs();
        self.transaction(|db| {
            let mut mine = Vec::new();
            for id in ids {
                let n = db.execute(
                    "UPDATE saved_numbers SET notified_at = $2
                     WHERE id = $1 AND notified_at IS NULL",
                    &[(*id).into(), now.into()],
                )?;
                if n > 0 {
                    mine.push(*id);
                }
            }
            Ok(mine)
        })
    }

    /// Moves everything of `from` (saved tickets, predictions) to `into`, as
    /// a device link does: tickets `into` holds already stay once. The
    /// tickets moved.
    pub fn merge_owner(&self, from: &str, into: &str) -> Result<u64> {
        if from == into {
            return Ok(0);
        }
        self.flush_predictions()?;
        let now = now_secs();
        self.transaction(|db| {
            db.execute(
                "UPDATE saved_numbers SET deleted_at = $3
                 WHERE owner = $1 AND deleted_at IS NULL AND EXISTS (
                     SELECT 1 FROM saved_numbers o
                      WHERE o.owner = $2 AND o.deleted_at IS NULL AND o.game = saved_numbers.game
                        AND COALESCE(o.round, 0) = COALESCE(saved_numbers.round, 0)
                        AND o.numbers = saved_numbers.numbers)",
                &[from.into(), into.into(), now.into()],
            )?;
            let moved = db.execute(
                "UPDATE saved_numbers SET owner = $2 WHERE owner = $1 AND deleted_at IS NULL",
                &[from.into(), into.into()],
            )?;
            db.execute("DELETE FROM saved_numbers WHERE owner = $1", &[from.into()])?;
            db.execute(
                "UPDATE predictions SET owner = $2 WHERE owner = $1",
                &[from.into(), into.into()],
            )?;
            Ok(moved)
        })
    }

    /// Adds tickets read from an export, in one transaction: how many were
    /// stored and how many the owner held already.
    pub fn import_numbers(
        &self,
        owner: &str,
        game: &GameSpec,
        entries: &[Imported],
    ) -> Result<(u64, u64)> {
        for e in entries {
            check_label(&e.label)?;
        }
        let created_at = now_secs();
        self.transaction(|db| {
            check_room(db, owner, entries.len())?;
            let (mut added, mut skipped) = (0, 0);
            for e in entries {
                let row = NewRow {
                    numbers: e.ticket.to_string(),
                    label: &e.label,
                    round: e.round,
                    letter: e
                        .letter
                        .as_deref()
                        .and_then(|l| l.chars().next())
                        .filter(char::is_ascii_uppercase),
                    choice: e
                        .choice
                        .as_deref()
                        .and_then(|c| c.chars().next())
                        .filter(|c| "qsm".contains(*c)),
                    slip: e.slip.as_deref(),
                };
                match insert(db, owner, game, &row, created_at)? {
                    Some(_) => added += 1,
                    None => skipped += 1,
                }
            }
            Ok((added, skipped))
        })
    }

    /// How many tickets `owner` holds (not deleted).
    pub fn count_numbers(&self, owner: &str) -> Result<u64> {
        let n = self.with(|db| {
            db.query_one(
                "SELECT COUNT(*) FROM saved_numbers WHERE owner = $1 AND deleted_at IS NULL",
                &[owner.into()],
            )
        })?;
        Ok(u64::try_from(n.int(0)?).unwrap_or(0))
    }
}

/// A `saved_numbers` row.
fn saved(r: &Row) -> Result<SavedNumbers> {
    Ok(SavedNumbers {
        id: r.int(0)?,
        game: r.text(1)?,
        numbers: r.text(2)?,
        label: r.text(3)?,
        created_at: r.int(4)?,
        round: r.opt_int(5)?.and_then(|v| u32::try_from(v).ok()),
        letter: r.opt_text(6)?,
        choice: r.opt_text(7)?,
        slip: r.opt_text(8)?,
        notified_at: r.opt_int(9)?,
        claimed_at: r.opt_int(10)?,
    })
}
