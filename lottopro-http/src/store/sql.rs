//! The one seam between the store's operations and its two databases.
//!
//! Every operation of the store is written once, against [`Sql`]: a
//! statement with `$1`, `$2`, … placeholders and a few typed [`Value`]s in,
//! rows out. SQLite and PostgreSQL each implement it (SQLite reads the
//! placeholders as `?1`, `?2`, …), so the two backends differ only in their
//! schema migrations and in how they hand out connections. The statements
//! keep to what both dialects share: `INSERT … ON CONFLICT … DO UPDATE`,
//! `RETURNING`, `EXISTS`, integer and text columns (`BIGINT` in
//! PostgreSQL, so that every integer reads back as `i64` from both).

use lottopro_core::{Error, Result};

/// A parameter of a statement. The type travels with a missing value
/// because PostgreSQL checks every parameter's type, `NULL` included.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// An integer, or a `NULL` integer.
    Int(Option<i64>),
    /// Text, or `NULL` text.
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Some(v))
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Value {
        Value::Int(Some(i64::from(v)))
    }
}

impl From<Option<u32>> for Value {
    fn from(v: Option<u32>) -> Value {
        Value::Int(v.map(i64::from))
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        Value::Int(v)
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Value {
        Value::Text(v.map(str::to_owned))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_owned()))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Some(v))
    }
}

/// One row of a result: its columns as values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row(pub(crate) Vec<Value>);

impl Row {
    fn column(&self, i: usize) -> Result<&Value> {
        self.0
            .get(i)
            .ok_or_else(|| unreadable(format!("a row has no column {i}")))
    }

    /// Column `i` as an integer (`NULL` is an error).
    pub(crate) fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| unreadable(format!("column {i} is NULL")))
    }

    /// Column `i` as an integer or `NULL`.
    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.column(i)? {
            Value::Int(v) => Ok(*v),
            Value::Text(None) => Ok(None),
            Value::Text(Some(_)) => Err(unreadable(format!("column {i} is text, not a number"))),
        }
    }

    /// Column `i` as a round number.
    pub(crate) fn round(&self, i: usize) -> Result<u32> {
        u32::try_from(self.int(i)?).map_err(|_| unreadable(format!("column {i} is not a round")))
    }

    /// Column `i` as text (`NULL` is an error).
    pub(crate) fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| unreadable(format!("column {i} is NULL")))
    }

    /// Column `i` as text or `NULL`.
    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.column(i)? {
            Value::Text(v) => Ok(v.clone()),
            Value::Int(None) => Ok(None),
            Value::Int(Some(_)) => Err(unreadable(format!("column {i} is a number, not text"))),
        }
    }
}

fn unreadable(message: String) -> Error {
    Error::Io(std::io::Error::other(format!("database: {message}")))
}

/// A connection, or a transaction on one.
pub(crate) trait Sql {
    /// Runs a statement; the rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;
    /// Runs a query; its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;

    /// The first row of a query, if any.
    fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row of a query, which must exist.
    fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row> {
        self.query_opt(sql, params)?
            .ok_or_else(|| unreadable("a query that always answers returned no row".into()))
    }
}

/// `$1`, `$2`, … as SQLite's numbered `?1`, `?2`, … (the statements hold no
/// other `$`).
pub(crate) fn sqlite_placeholders(sql: &str) -> String {
    sql.replace('$', "?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_their_types_and_say_what_is_wrong() {
        let r = Row(vec![
            Value::Int(Some(7)),
            Value::Text(Some("x".into())),
            Value::Int(None),
        ]);
        assert_eq!(r.int(0).unwrap(), 7);
        assert_eq!(r.round(0).unwrap(), 7);
        assert_eq!(r.text(1).unwrap(), "x");
        assert_eq!(r.opt_int(2).unwrap(), None);
        assert_eq!(r.opt_text(2).unwrap(), None);
        assert!(r.int(1).unwrap_err().to_string().contains("text"));
        assert!(r.int(2).unwrap_err().to_string().contains("NULL"));
        assert!(r.text(3).is_err());
        assert_eq!(
            sqlite_placeholders("SELECT $1 WHERE a = $2"),
            "SELECT ?1 WHERE a = ?2"
        );
    }
}
