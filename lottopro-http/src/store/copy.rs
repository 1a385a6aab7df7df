//! Moving a store to another database (`lottopro migrate-store`, and the
//! database part of a backup of PostgreSQL): every row of every table, ids
//! included, read from one snapshot and written in one transaction.
//!
//! Ids are kept because clients see them (as keyed permutations) and would
//! otherwise lose the handle on their saved tickets; PostgreSQL's sequences
//! are then moved past the highest id, so new rows never collide.

use lottopro_core::{Error, Result};

use super::sql::Value;
use super::{Backend, Store};

/// The tables, with their columns and which are text (`t`) or integers.
const TABLES: [(&str, &[(&str, char)]); 5] = [
    ("draws", &[("game", 't'), ("round", 'i'), ("record", 't')]),
    (
        "draw_orders",
        &[("game", 't'), ("round", 'i'), ("numbers", 't')],
    ),
    (
        "saved_numbers",
        &[
            ("id", 'i'),
            ("owner", 't'),
            ("game", 't'),
            ("numbers", 't'),
            ("label", 't'),
            ("created_at", 'i'),
            ("round", 'i'),
            ("letter", 't'),
            ("choice", 't'),
            ("slip", 't'),
            ("deleted_at", 'i'),
            ("notified_at", 'i'),
            ("claimed_at", 'i'),
        ],
    ),
    (
        "predictions",
        &[
            ("id", 'i'),
            ("owner", 't'),
            ("game", 't'),
            ("model", 't'),
            ("seed", 't'),
            ("target_round", 'i'),
            ("tickets", 't'),
            ("created_at", 'i'),
            ("score", 't'),
        ],
    ),
    (
        "link_codes",
        &[("code", 't'), ("owner", 't'), ("expires_at", 'i')],
    ),
];

/// A value read from one database, typed for the column it goes into (a
/// `NULL` read back from SQLite carries no type).
fn typed(v: Value, kind: char) -> Value {
    match (v, kind) {
        (Value::Int(None) | Value::Text(None), 't') => Value::Text(None),
        (Value::Int(None) | Value::Text(None), _) => Value::Int(None),
        (v, _) => v,
    }
}

impl Store {
    /// Copies every row into `target`, which must hold none yet; the rows
    /// copied per table. On any error the target is left as it was.
    pub fn copy_to(&self, target: &Store) -> Result<Vec<(String, u64)>> {
        self.flush_predictions()?;
        target.flush_predictions()?;
        let held: i64 = TABLES
            .iter()
            .map(|(t, _)| {
                target
                    .with(|db| db.query_one(&format!("SELECT COUNT(*) FROM {t}"), &[]))
                    .and_then(|r| r.int(0))
            })
            .sum::<Result<i64>>()?;
        if held > 0 {
            return Err(Error::invalid(
                "to",
                format!(
                    "{} already holds {held} rows: copy into an empty database",
                    target.location()
                ),
            ));
        }
        let mut copied = Vec::new();
        let mut batches = Vec::new();
        // Every table is read from one snapshot, so a copy taken while the
        // service writes (a backup of PostgreSQL) is consistent.
        let postgres = matches!(self.backend, Backend::Postgres(_));
        self.transaction(|db| {
            if postgres {
                db.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                    &[],
                )?;
            }
            for (table, columns) in TABLES {
                let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
                let rows = db.query(&format!("SELECT {} FROM {table}", names.join(", ")), &[])?;
                copied.push((table.to_owned(), rows.len() as u64));
                batches.push((table, columns, names, rows));
            }
            Ok(())
        })?;
        target.transaction(|tx| {
            for (table, columns, names, rows) in &batches {
                let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
                let insert = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    marks.join(", ")
                );
                for row in rows {
                    let values: Vec<Value> = row
                        .0
                        .iter()
                        .zip(columns.iter())
                        .map(|(v, (_, kind))| typed(v.clone(), *kind))
                        .collect();
                    tx.execute(&insert, &values)?;
                }
            }
            if let Backend::Postgres(_) = target.backend {
                for table in ["saved_numbers", "predictions"] {
                    tx.query_one(
                        &format!(
                            "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                    (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                        ),
                        &[],
                    )?;
                }
            }
            Ok(())
        })?;
        Ok(copied)
    }
}
