//! The PostgreSQL backend: a small pool of connections, each with its
//! prepared statements, and versioned migrations applied at start.
//!
//! The synchronous `postgres` client fits the store, whose operations run on
//! the blocking pool like SQLite's. A connection is checked out for one
//! operation (or one transaction) and handed back; one that broke is
//! dropped, and the next checkout opens a new one, so the pool heals after
//! a database restart without a restart of the service. Every connection
//! commits with `synchronous_commit = on` (an acknowledged save is on disk)
//! and gives up on a statement after `statement_timeout`; the prediction
//! log's batches turn it off for their own transaction, as SQLite's log
//! writes with `synchronous = NORMAL`.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use lottopro_core::{Error, Result};
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Statement};

use super::sql::{Row, Sql, Value};

/// Connections the pool opens at most.
const MAX_CONNECTIONS: usize = 8;
/// How long a checkout waits for a free connection.
const CHECKOUT_WAIT: Duration = Duration::from_secs(5);
/// How long connecting may take: the TCP connect (the driver's own
/// timeout) and, separately, the handshake after it (see [`Pool::open`]).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest a statement may run, milliseconds.
const STATEMENT_TIMEOUT_MS: u32 = 10_000;
/// How long a replica waits for another to finish its migrations and
/// first load before it gives up (and its supervisor restarts it).
const STARTUP_LOCK_WAIT: Duration = Duration::from_secs(120);
/// The advisory lock of start-up (migrations and the first load), so that
/// replicas starting together do each once.
const MIGRATION_LOCK: i64 = 0x4c6f_7474_6f50_726f; // "LottoPro"

/// The schema, one migration per version, applied in order and recorded in
/// `lottopro_migrations`. Applied migrations never change: a new column is
/// a new migration.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the tables SQLite holds, with BIGINT integers.
    "CREATE TABLE draws (
         game   TEXT   NOT NULL,
         round  BIGINT NOT NULL,
         record TEXT   NOT NULL,
         PRIMARY KEY (game, round)
     );
     CREATE TABLE draw_orders (
         game    TEXT   NOT NULL,
         round   BIGINT NOT NULL,
         numbers TEXT   NOT NULL,
         PRIMARY KEY (game, round)
     );
     CREATE TABLE saved_numbers (
         id         BIGSERIAL PRIMARY KEY,
         owner      TEXT   NOT NULL,
         game       TEXT   NOT NULL,
         numbers    TEXT   NOT NULL,
         label      TEXT   NOT NULL,
         created_at BIGINT NOT NULL,
         round      BIGINT
     );
     CREATE INDEX saved_numbers_owner ON saved_numbers (owner, id);
     CREATE TABLE predictions (
         id           BIGSERIAL PRIMARY KEY,
         owner        TEXT   NOT NULL,
         game         TEXT   NOT NULL,
         model        TEXT   NOT NULL,
         seed         TEXT   NOT NULL,
         target_round BIGINT NOT NULL,
         tickets      TEXT   NOT NULL,
         created_at   BIGINT NOT NULL,
         score        TEXT
     );
     CREATE INDEX predictions_owner ON predictions (owner, id);
     CREATE INDEX predictions_unscored ON predictions (game, target_round) WHERE score IS NULL;
     CREATE TABLE link_codes (
         code       TEXT   PRIMARY KEY,
         owner      TEXT   NOT NULL,
         expires_at BIGINT NOT NULL
     );
     CREATE TABLE leases (
         name       TEXT   PRIMARY KEY,
         holder     TEXT   NOT NULL,
         expires_at BIGINT NOT NULL
     );",
    // 2: a saved ticket's line on its slip, the slip's serial, and its life
    // after the draw; one live row per ticket and owner (see
    // `super::numbers`).
    "ALTER TABLE saved_numbers ADD COLUMN letter TEXT;
     ALTER TABLE saved_numbers ADD COLUMN choice TEXT;
     ALTER TABLE saved_numbers ADD COLUMN slip TEXT;
     ALTER TABLE saved_numbers ADD COLUMN deleted_at BIGINT;
     ALTER TABLE saved_numbers ADD COLUMN notified_at BIGINT;
     ALTER TABLE saved_numbers ADD COLUMN claimed_at BIGINT;
     UPDATE saved_numbers SET deleted_at = created_at
      WHERE round IS NOT NULL
        AND id NOT IN (SELECT MIN(id) FROM saved_numbers WHERE round IS NOT NULL
                        GROUP BY owner, game, round, numbers);
     CREATE UNIQUE INDEX saved_numbers_once
         ON saved_numbers (owner, game, round, numbers)
        WHERE deleted_at IS NULL AND round IS NOT NULL;
     CREATE INDEX saved_numbers_waiting ON saved_numbers (game, round) WHERE notified_at IS NULL;",
    // 3: Web Push subscriptions and the VAPID key (see `store::push`).
    "CREATE TABLE push_subscriptions (
         endpoint   TEXT   PRIMARY KEY,
         owner      TEXT   NOT NULL,
         p256dh     TEXT   NOT NULL,
         auth       TEXT   NOT NULL,
         created_at BIGINT NOT NULL
     );
     CREATE INDEX push_subscriptions_owner ON push_subscriptions (owner);
     CREATE TABLE vapid_keys (
         id          BIGINT PRIMARY KEY CHECK (id = 1),
         private_key TEXT   NOT NULL,
         created_at  BIGINT NOT NULL
     );",
    // 4: what the store records about itself (the key's fingerprint).
    "CREATE TABLE settings (
         name  TEXT PRIMARY KEY,
         value TEXT NOT NULL
     );",
];

fn pg_error(e: &postgres::Error) -> Error {
    // The database's own message (a constraint, a timeout) when it sent one.
    let detail = e
        .as_db_error()
        .map_or_else(|| e.to_string(), |d| d.message().to_owned());
    Error::unavailable("database", detail)
}

/// A connection and the statements prepared on it.
pub(crate) struct PgConn {
    client: Client,
    statements: HashMap<String, Statement>,
}

/// A connection's statement cache, borrowed by a transaction.
fn prepared<C: postgres::GenericClient>(
    client: &mut C,
    cache: &mut HashMap<String, Statement>,
    sql: &str,
) -> Result<Statement> {
    if let Some(s) = cache.get(sql) {
        return Ok(s.clone());
    }
    let s = client.prepare(sql).map_err(|e| pg_error(&e))?;
    cache.insert(sql.to_owned(), s.clone());
    Ok(s)
}

fn bind(params: &[Value]) -> Vec<Box<dyn ToSql + Sync>> {
    params
        .iter()
        .map(|v| -> Box<dyn ToSql + Sync> {
            match v {
                Value::Int(i) => Box::new(*i),
                Value::Text(t) => Box::new(t.clone()),
            }
        })
        .collect()
}

fn row(r: &postgres::Row) -> Result<Row> {
    let mut out = Vec::with_capacity(r.len());
    for (i, c) in r.columns().iter().enumerate() {
        let get = |e: postgres::Error| pg_error(&e);
        out.push(match *c.type_() {
            Type::INT8 => Value::Int(r.try_get::<_, Option<i64>>(i).map_err(get)?),
            Type::INT4 => Value::Int(r.try_get::<_, Option<i32>>(i).map_err(get)?.map(i64::from)),
            Type::INT2 => Value::Int(r.try_get::<_, Option<i16>>(i).map_err(get)?.map(i64::from)),
            Type::BOOL => Value::Int(r.try_get::<_, Option<bool>>(i).map_err(get)?.map(i64::from)),
            // pg_advisory_xact_lock() and the like return nothing.
            Type::VOID => Value::Text(None),
            _ => Value::Text(r.try_get::<_, Option<String>>(i).map_err(get)?),
        });
    }
    Ok(Row(out))
}

fn run_execute<C: postgres::GenericClient>(
    client: &mut C,
    cache: &mut HashMap<String, Statement>,
    sql: &str,
    params: &[Value],
) -> Result<u64> {
    let s = prepared(client, cache, sql)?;
    let boxed = bind(params);
    let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(AsRef::as_ref).collect();
    client.execute(&s, &refs).map_err(|e| pg_error(&e))
}

fn run_query<C: postgres::GenericClient>(
    client: &mut C,
    cache: &mut HashMap<String, Statement>,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>> {
    let s = prepared(client, cache, sql)?;
    let boxed = bind(params);
    let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(AsRef::as_ref).collect();
    client
        .query(&s, &refs)
        .map_err(|e| pg_error(&e))?
        .iter()
        .map(row)
        .collect()
}

impl Sql for PgConn {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        run_execute(&mut self.client, &mut self.statements, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        run_query(&mut self.client, &mut self.statements, sql, params)
    }
}

/// A transaction on a pooled connection, with that connection's statements.
struct PgTx<'a> {
    tx: postgres::Transaction<'a>,
    statements: &'a mut HashMap<String, Statement>,
}

impl Sql for PgTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        run_execute(&mut self.tx, self.statements, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        run_query(&mut self.tx, self.statements, sql, params)
    }
}

impl PgConn {
    /// Runs `f` in a transaction: committed if it returns `Ok`, rolled back
    /// otherwise.
    pub(crate) fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T>,
    ) -> Result<T> {
        let tx = self.client.transaction().map_err(|e| pg_error(&e))?;
        let mut t = PgTx {
            tx,
            statements: &mut self.statements,
        };
        let out = f(&mut t)?;
        t.tx.commit().map_err(|e| pg_error(&e))?;
        Ok(out)
    }
}

/// The pool (see the module docs).
pub(crate) struct Pool {
    config: postgres::Config,
    /// The TLS connector `sslmode` asks for (see `pg_tls`).
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    idle: Mutex<(Vec<PgConn>, usize)>,
    freed: Condvar,
    /// Where it connects, without the password, for logs and errors.
    shown: String,
    /// Connections being opened, answered or not (see [`Pool::open`]).
    connecting: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

/// A connection checked out of the pool; handed back when dropped (unless
/// it broke).
pub(crate) struct Pooled<'a> {
    pool: &'a Pool,
    conn: Option<PgConn>,
}

impl std::ops::Deref for Pooled<'_> {
    type Target = PgConn;
    fn deref(&self) -> &PgConn {
        self.conn
            .as_ref()
            .unwrap_or_else(|| unreachable!("a pooled connection is held until drop"))
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut PgConn {
        self.conn
            .as_mut()
            .unwrap_or_else(|| unreachable!("a pooled connection is held until drop"))
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if let Ok(mut idle) = self.pool.idle.lock() {
            if conn.client.is_closed() {
                // The server went away (or restarted): the idle connections
                // are as dead as this one, so they go too, and the next
                // checkouts connect afresh.
                let (ref mut free, ref mut open) = *idle;
                *open -= 1 + free.len();
                free.clear();
            } else {
                idle.0.push(conn);
            }
        }
        self.pool.freed.notify_one();
    }
}

impl Pool {
    /// A pool for `url` (`postgres://user:password@host:port/db`); connects
    /// once, and applies the migrations the database lacks.
    pub(crate) fn connect(url: &str) -> Result<Pool> {
        let (parsed, tls) = super::pg_tls::prepare(url)?;
        let mut config: postgres::Config = parsed.parse().map_err(|e: postgres::Error| {
            Error::invalid("db", format!("is not a PostgreSQL URL: {e}"))
        })?;
        config
            .connect_timeout(CONNECT_TIMEOUT)
            .application_name("lottopro")
            .options(&format!(
                "-c synchronous_commit=on -c statement_timeout={STATEMENT_TIMEOUT_MS}"
            ));
        let shown = shown(url);
        let pool = Pool {
            config,
            tls,
            idle: Mutex::new((Vec::new(), 0)),
            freed: Condvar::new(),
            shown,
            connecting: std::sync::Arc::default(),
        };
        pool.migrate()?;
        Ok(pool)
    }

    /// A new connection. The driver's connect timeout covers the TCP
    /// connect only: a server that accepts and never answers (stopped, or
    /// not PostgreSQL) would hold the handshake, and `serve`'s start, for
    /// ever. So the handshake runs on a thread of its own and is waited for
    /// [`CONNECT_TIMEOUT`]; a thread left behind ends with its socket, and
    /// no more than [`MAX_CONNECTIONS`] are ever left waiting.
    fn open(&self) -> Result<PgConn> {
        use std::sync::atomic::Ordering;
        let unavailable = |m: String| Error::unavailable("database", m);
        if self.connecting.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            self.connecting.fetch_sub(1, Ordering::AcqRel);
            return Err(unavailable(format!(
                "{} has not answered {MAX_CONNECTIONS} connections yet",
                self.shown
            )));
        }
        let (config, tls, connecting) = (
            self.config.clone(),
            self.tls.clone(),
            self.connecting.clone(),
        );
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("pg-connect".into())
            .spawn(move || {
                let client = match tls {
                    Some(tls) => config.connect(tls),
                    None => config.connect(NoTls),
                };
                connecting.fetch_sub(1, Ordering::AcqRel);
                let _ = tx.send(client);
            });
        if let Err(e) = spawned {
            self.connecting.fetch_sub(1, Ordering::AcqRel);
            return Err(unavailable(format!("cannot start connecting: {e}")));
        }
        let Ok(connected) = rx.recv_timeout(CONNECT_TIMEOUT) else {
            return Err(unavailable(format!(
                "{} accepted the connection but did not answer within {} s",
                self.shown,
                CONNECT_TIMEOUT.as_secs()
            )));
        };
        let client = connected.map_err(|e| {
            // The cause ("Connection refused", "password authentication
            // failed") is in the error's source.
            let cause =
                std::error::Error::source(&e).map_or_else(String::new, |c| format!(" ({c})"));
            Error::unavailable(
                "database",
                format!("cannot connect to {}: {e}{cause}", self.shown),
            )
        })?;
        Ok(PgConn {
            client,
            statements: HashMap::new(),
        })
    }

    /// A connection: an idle one, a new one while fewer than
    /// [`MAX_CONNECTIONS`] are open, else the first one handed back within
    /// [`CHECKOUT_WAIT`].
    pub(crate) fn get(&self) -> Result<Pooled<'_>> {
        let busy = || Error::unavailable("database", "every connection stayed busy for 5 s");
        let mut idle = self.idle.lock().map_err(|_| busy())?;
        let deadline = std::time::Instant::now() + CHECKOUT_WAIT;
        loop {
            if let Some(conn) = idle.0.pop() {
                return Ok(Pooled {
                    pool: self,
                    conn: Some(conn),
                });
            }
            if idle.1 < MAX_CONNECTIONS {
                idle.1 += 1;
                drop(idle);
                return match self.open() {
                    Ok(conn) => Ok(Pooled {
                        pool: self,
                        conn: Some(conn),
                    }),
                    Err(e) => {
                        if let Ok(mut idle) = self.idle.lock() {
                            idle.1 -= 1;
                        }
                        Err(e)
                    }
                };
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Err(busy());
            }
            idle = self.freed.wait_timeout(idle, left).map_err(|_| busy())?.0;
        }
    }

    /// Runs `f` holding the start-up lock: a session advisory lock on a
    /// connection of its own (outside the pool, so that closing it always
    /// releases the lock), which `f` is handed. Replicas started together
    /// take turns: the migrations and the first load of the history run in
    /// one replica at a time. The wait is bounded by [`STARTUP_LOCK_WAIT`].
    pub(crate) fn exclusive<T>(&self, f: impl FnOnce(&mut PgConn) -> Result<T>) -> Result<T> {
        let mut conn = self.open()?;
        conn.execute(
            &format!("SET statement_timeout = {}", STARTUP_LOCK_WAIT.as_millis()),
            &[],
        )?;
        conn.query_one("SELECT pg_advisory_lock($1)", &[MIGRATION_LOCK.into()])?;
        conn.execute(
            &format!("SET statement_timeout = {STATEMENT_TIMEOUT_MS}"),
            &[],
        )?;
        let out = f(&mut conn);
        // Dropping the connection ends the session, and the lock with it;
        // unlocking first lets the next replica in without waiting for the
        // server to notice.
        let _ = conn.query_one("SELECT pg_advisory_unlock($1)", &[MIGRATION_LOCK.into()]);
        out
    }

    /// Applies the migrations above the recorded version, all of them under
    /// the start-up lock (the table of versions included: two replicas
    /// creating it at once collide in PostgreSQL's catalog), each in its own
    /// transaction; refuses a database whose schema is newer than this
    /// binary's.
    fn migrate(&self) -> Result<()> {
        self.exclusive(|conn| {
            conn.execute(
                "CREATE TABLE IF NOT EXISTS lottopro_migrations (
                     version    BIGINT PRIMARY KEY,
                     applied_at BIGINT NOT NULL
                 )",
                &[],
            )?;
            let found = conn
                .query_one(
                    "SELECT COALESCE(MAX(version), 0) FROM lottopro_migrations",
                    &[],
                )?
                .int(0)?;
            let known = MIGRATIONS.len() as i64;
            if found > known {
                return Err(super::newer_schema(&self.shown, found, known));
            }
            for (i, migration) in MIGRATIONS
                .iter()
                .enumerate()
                .skip(usize::try_from(found).unwrap_or(0))
            {
                let version = i as i64 + 1;
                conn.transaction(|tx| {
                    tracing::info!(version, "database: applying migration");
                    for statement in migration.split(';').filter(|s| !s.trim().is_empty()) {
                        tx.execute(statement, &[])?;
                    }
                    tx.execute(
                        "INSERT INTO lottopro_migrations (version, applied_at) VALUES ($1, $2)",
                        &[version.into(), super::now_secs().into()],
                    )?;
                    Ok(())
                })?;
            }
            Ok(())
        })
    }
}

/// `url` without its password, wherever libpq's syntax lets it stand: in
/// the user part of a URL, as a `password` (or `sslpassword`) query
/// parameter, or as a `password=` word of a key-value connection string.
pub(crate) fn shown(url: &str) -> String {
    let secret =
        |key: &str| key.eq_ignore_ascii_case("password") || key.eq_ignore_ascii_case("sslpassword");
    let redact = |pair: &str| match pair.split_once('=') {
        Some((key, _)) if secret(key.trim()) => format!("{key}=…"),
        _ => pair.to_owned(),
    };
    let Some(scheme) = url.find("://") else {
        return url.split(' ').map(redact).collect::<Vec<_>>().join(" ");
    };
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(base, query)| (base, Some(query)));
    let base = match base.rfind('@') {
        Some(at) if at > scheme => {
            let userinfo = &base[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}@{}", &base[..scheme + 3], &base[at + 1..])
        }
        _ => base.to_owned(),
    };
    match query {
        Some(query) => {
            let query: Vec<String> = query.split('&').map(redact).collect();
            format!("{base}?{}", query.join("&"))
        }
        None => base,
    }
}

#[cfg(test)]
mod tests;
