//! Saved tickets, each owned by a client's owner key.

use lottopro_core::{Error, GameSpec, Result, Ticket};
use serde::Serialize;

use super::sql::Row;
use super::{Store, now_secs};

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

impl Store {
    /// Saves a ticket for `owner` (a client token). The label is at most
    /// [`MAX_LABEL_CHARS`] characters, none of them [`LABEL_FORBIDDEN`]; a client
    /// keeps at most [`MAX_SAVED_PER_OWNER`] tickets. The write is durable
    /// when this returns.
    pub fn save_numbers(
        &self,
        owner: &str,
        game: &GameSpec,
        ticket: &Ticket,
        label: &str,
        round: Option<u32>,
    ) -> Result<SavedNumbers> {
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
        let created_at = now_secs();
        let numbers = ticket.to_string();
        let id = self.with(|db| {
            let held = db
                .query_one(
                    "SELECT COUNT(*) FROM saved_numbers WHERE owner = $1",
                    &[owner.into()],
                )?
                .int(0)?;
            if usize::try_from(held).unwrap_or(usize::MAX) >= MAX_SAVED_PER_OWNER {
                return Err(Error::Limit {
                    field: "numbers".into(),
                    value: u64::try_from(held).unwrap_or(u64::MAX) + 1,
                    limit: MAX_SAVED_PER_OWNER as u64,
                });
            }
            db.query_one(
                "INSERT INTO saved_numbers (owner, game, numbers, label, created_at, round)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    owner.into(),
                    game.id().into(),
                    numbers.as_str().into(),
                    label.into(),
                    created_at.into(),
                    round.into(),
                ],
            )?
            .int(0)
        })?;
        Ok(SavedNumbers {
            id,
            game: game.id().to_owned(),
            numbers,
            label: label.to_owned(),
            created_at,
            round,
        })
    }

    /// The tickets `owner` saved, oldest first.
    pub fn saved_numbers(&self, owner: &str) -> Result<Vec<SavedNumbers>> {
        let rows = self.with(|db| {
            db.query(
                "SELECT id, game, numbers, label, created_at, round FROM saved_numbers
                 WHERE owner = $1 ORDER BY id",
                &[owner.into()],
            )
        })?;
        rows.iter().map(saved).collect()
    }

    /// Deletes one of `owner`'s tickets; whether it existed.
    pub fn delete_numbers(&self, owner: &str, id: i64) -> Result<bool> {
        let n = self.with(|db| {
            db.execute(
                "DELETE FROM saved_numbers WHERE owner = $1 AND id = $2",
                &[owner.into(), id.into()],
            )
        })?;
        Ok(n > 0)
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
    })
}
