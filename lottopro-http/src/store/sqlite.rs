//! The SQLite backend: one file in WAL mode, its schema created on open,
//! and the [`Sql`] seam over rusqlite (statements prepared once and cached
//! per connection).

use std::path::Path;

use lottopro_core::Result;
use rusqlite::Connection;
use rusqlite::types::{ToSqlOutput, ValueRef};

use super::db_error;
use super::sql::{Row, Sql, Value, sqlite_placeholders};

/// The schema this binary writes, kept in the file's `user_version`: a
/// file a newer LottoPro wrote (a higher version) is refused, not misread.
/// Raise it with every change to the tables below.
const SCHEMA_VERSION: i64 = 3;

/// Opens (creating if needed, with its folder) the file at `path`, for
/// requests: `synchronous = FULL`.
pub(super) fn open(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let conn = Connection::open(path).map_err(db_error)?;
    stable_plans(&conn)?;
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db_error)?;
    if found > SCHEMA_VERSION {
        return Err(super::newer_schema(
            &path.display().to_string(),
            found,
            SCHEMA_VERSION,
        ));
    }
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
         );
         CREATE TABLE IF NOT EXISTS leases (
             name       TEXT    PRIMARY KEY,
             holder     TEXT    NOT NULL,
             expires_at INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS settings (
             name  TEXT PRIMARY KEY,
             value TEXT NOT NULL
         );",
    )
    .map_err(db_error)?;
    // Saved tickets gained the round they are for, then their line on the
    // slip and its serial, and their life after the draw (see
    // `super::numbers`); older files get the columns, empty for the tickets
    // they hold.
    for (column, kind) in super::numbers::ADDED_COLUMNS {
        if conn
            .prepare(&format!("SELECT {column} FROM saved_numbers LIMIT 0"))
            .is_err()
        {
            conn.execute(
                &format!("ALTER TABLE saved_numbers ADD COLUMN {column} {kind}"),
                [],
            )
            .map_err(db_error)?;
        }
    }
    conn.execute_batch(super::numbers::ONCE_PER_OWNER)
        .map_err(db_error)?;
    // Web Push subscriptions and the VAPID key (see `store::push`).
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS push_subscriptions (
             endpoint   TEXT    PRIMARY KEY,
             owner      TEXT    NOT NULL,
             p256dh     TEXT    NOT NULL,
             auth       TEXT    NOT NULL,
             created_at INTEGER NOT NULL
         );
         CREATE INDEX IF NOT EXISTS push_subscriptions_owner ON push_subscriptions (owner);
         CREATE TABLE IF NOT EXISTS vapid_keys (
             id          INTEGER PRIMARY KEY CHECK (id = 1),
             private_key TEXT    NOT NULL,
             created_at  INTEGER NOT NULL
         );",
    )
    .map_err(db_error)?;
    if found < SCHEMA_VERSION {
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(db_error)?;
    }
    private_files(path);
    Ok(conn)
}

/// Plans that do not depend on the values bound. Without this, SQLite
/// (built with STAT4) recompiles a statement whose plan a bound value might
/// change each time it is bound again: the prediction log's trim, run once
/// per prediction, spent a quarter of the writer's time being recompiled.
fn stable_plans(conn: &Connection) -> Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )
    .map_err(db_error)?;
    Ok(())
}

/// A second connection to the file, for the prediction log: `synchronous =
/// NORMAL` (see `Store`).
pub(super) fn open_log(path: &Path) -> Result<Connection> {
    let log = Connection::open(path).map_err(db_error)?;
    log.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;")
        .map_err(db_error)?;
    stable_plans(&log)?;
    Ok(log)
}

/// Runs `f` in a transaction on `conn`: committed if it returns `Ok`.
pub(super) fn transaction<T>(
    conn: &mut Connection,
    f: impl FnOnce(&mut dyn Sql) -> Result<T>,
) -> Result<T> {
    // IMMEDIATE: a transaction that reads and then writes (a save checks the
    // owner's count first) takes the write lock at its start, where
    // `busy_timeout` waits for another writer (a backup, the prediction
    // log); a deferred one would fail at once when upgrading its lock.
    let mut tx = Tx(conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(db_error)?);
    let out = f(&mut tx)?;
    tx.0.commit().map_err(db_error)?;
    Ok(out)
}

struct Tx<'a>(rusqlite::Transaction<'a>);

fn bind(v: &Value) -> ToSqlOutput<'_> {
    match v {
        Value::Int(Some(i)) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
        Value::Text(Some(t)) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        Value::Int(None) | Value::Text(None) => ToSqlOutput::Borrowed(ValueRef::Null),
    }
}

fn execute(conn: &Connection, sql: &str, params: &[Value]) -> Result<u64> {
    let mut stmt = conn
        .prepare_cached(&sqlite_placeholders(sql))
        .map_err(db_error)?;
    let n = stmt
        .execute(rusqlite::params_from_iter(params.iter().map(bind)))
        .map_err(db_error)?;
    Ok(n as u64)
}

fn query(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    let mut stmt = conn
        .prepare_cached(&sqlite_placeholders(sql))
        .map_err(db_error)?;
    let columns = stmt.column_count();
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params.iter().map(bind)), |r| {
            (0..columns)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        ValueRef::Integer(v) => Value::Int(Some(v)),
                        ValueRef::Null => Value::Int(None),
                        ValueRef::Text(t) => {
                            Value::Text(Some(String::from_utf8_lossy(t).into_owned()))
                        }
                        ValueRef::Real(v) => Value::Text(Some(v.to_string())),
                        ValueRef::Blob(b) => {
                            Value::Text(Some(String::from_utf8_lossy(b).into_owned()))
                        }
                    })
                })
                .collect::<rusqlite::Result<Vec<Value>>>()
                .map(Row)
        })
        .map_err(db_error)?;
    rows.collect::<rusqlite::Result<Vec<Row>>>()
        .map_err(db_error)
}

impl Sql for Connection {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        execute(self, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        query(self, sql, params)
    }
}

impl Sql for Tx<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        execute(&self.0, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        query(&self.0, sql, params)
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

    /// The prediction log's trim runs once per prediction: bound again, it
    /// is not compiled again.
    #[test]
    fn a_statement_is_compiled_once_whatever_is_bound() {
        let dir = std::env::temp_dir().join(format!("lottopro-qpsg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("lp.db");
        drop(open(&path).unwrap());
        let log = open_log(&path).unwrap();
        let trim = sqlite_placeholders(super::super::predictions::TRIM);
        for owner in ["a", "b", "c", "d"] {
            log.prepare_cached(&trim)
                .unwrap()
                .execute(rusqlite::params![owner, 200])
                .unwrap();
        }
        let stmt = log.prepare_cached(&trim).unwrap();
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
        drop(stmt);
        drop(log);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file a newer release wrote is refused, untouched; an older one
    /// (no version) is taken and marked.
    #[test]
    fn a_newer_schema_is_refused_and_an_older_one_marked() {
        let dir = std::env::temp_dir().join(format!("lottopro-schema-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("lp.db");
        drop(open(&path).unwrap());
        let version = |p: &Path| -> i64 {
            Connection::open(p)
                .unwrap()
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(version(&path), SCHEMA_VERSION);
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let e = open(&path).err().unwrap().to_string();
        assert!(e.contains("newer than this LottoPro"), "{e}");
        assert_eq!(version(&path), SCHEMA_VERSION + 1);
        let old = dir.join("old.db");
        Connection::open(&old)
            .unwrap()
            .execute_batch("CREATE TABLE draws (game TEXT, round INTEGER, record TEXT)")
            .unwrap();
        drop(open(&old).unwrap());
        assert_eq!(version(&old), SCHEMA_VERSION);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
