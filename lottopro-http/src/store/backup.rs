//! `lottopro backup` and `lottopro restore`: consistent online copies of
//! the SQLite database with a manifest.
//!
//! A backup opens its own connection and copies every page in one step of
//! SQLite's online backup API. In WAL mode that step reads one snapshot
//! while the service keeps writing, so the copy holds exactly the writes
//! committed before it started, and never blocks a writer. The manifest
//! beside it records when, how many rows of each table, the size and the
//! SHA-256 of the file; `restore` refuses a file whose checksum or SQLite
//! integrity check fails, and writes the database through the same backup
//! API, so a restored database is complete or untouched.

use std::io::Read;
use std::path::{Path, PathBuf};

use lottopro_core::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The tables a manifest counts.
const TABLES: [&str; 4] = ["draws", "draw_orders", "saved_numbers", "predictions"];

/// What a backup holds; written beside it as `<file>.manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The backup file's name (in the manifest's folder).
    pub file: String,
    /// When it was taken, seconds since 1970 (UTC).
    pub created_at: u64,
    /// The database it was taken from.
    pub source: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Rows per table.
    pub rows: Vec<(String, u64)>,
}

fn db_error(e: rusqlite::Error) -> Error {
    Error::unavailable("database", e)
}

fn sha256(path: &Path) -> Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, bytes))
}

fn rows(conn: &Connection) -> Result<Vec<(String, u64)>> {
    let mut out = Vec::new();
    for table in TABLES {
        let exists: bool = conn
            .query_row(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(db_error)?;
        if exists {
            let n: i64 = conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                .map_err(db_error)?;
            out.push((table.to_owned(), u64::try_from(n).unwrap_or(0)));
        }
    }
    Ok(out)
}

fn integrity(conn: &Connection) -> Result<()> {
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(db_error)?;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(Error::invalid(
            "backup",
            format!("fails SQLite's integrity check: {verdict}"),
        ))
    }
}

fn manifest_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".manifest.json");
    file.with_file_name(name)
}

/// Backs `db` up into `dir` as `lottopro-<unix seconds>.db` with its manifest.
pub fn backup(db: &Path, dir: &Path) -> Result<(PathBuf, Manifest)> {
    if !db.exists() {
        return Err(Error::invalid(
            "db",
            format!("{} does not exist", db.display()),
        ));
    }
    std::fs::create_dir_all(dir)?;
    let created_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut target = dir.join(format!("lottopro-{created_at}.db"));
    let mut n = 1;
    while target.exists() {
        target = dir.join(format!("lottopro-{created_at}-{n}.db"));
        n += 1;
    }
    let source =
        Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(db_error)?;
    source
        .busy_timeout(std::time::Duration::from_secs(5))
        .map_err(db_error)?;
    {
        let mut dest = Connection::open(&target).map_err(db_error)?;
        let copy = rusqlite::backup::Backup::new(&source, &mut dest).map_err(db_error)?;
        // -1: every page in one step, from one read snapshot.
        copy.step(-1).map_err(db_error)?;
    }
    let copy =
        Connection::open_with_flags(&target, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(db_error)?;
    integrity(&copy)?;
    let rows = rows(&copy)?;
    drop(copy);
    let (sha256, bytes) = sha256(&target)?;
    let manifest = Manifest {
        file: target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        created_at,
        source: db.display().to_string(),
        bytes,
        sha256,
        rows,
    };
    let text =
        serde_json::to_string_pretty(&manifest).map_err(|e| Error::Io(std::io::Error::other(e)))?;
    std::fs::write(manifest_path(&target), text)?;
    Ok((target, manifest))
}

/// Restores `db` from the backup `from` (the `.db` file or its manifest)
/// after checking its checksum and integrity. Stop the service first.
pub fn restore(from: &Path, db: &Path) -> Result<Manifest> {
    let (file, manifest_file) = if from.to_string_lossy().ends_with(".manifest.json") {
        let name = from.file_name().unwrap_or_default().to_string_lossy();
        let db_name = name.trim_end_matches(".manifest.json").to_owned();
        (from.with_file_name(db_name), from.to_path_buf())
    } else {
        (from.to_path_buf(), manifest_path(from))
    };
    let text = std::fs::read_to_string(&manifest_file).map_err(|e| {
        Error::invalid(
            "from",
            format!("cannot read the manifest {}: {e}", manifest_file.display()),
        )
    })?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| Error::invalid("from", format!("the manifest is unreadable: {e}")))?;
    let (sha, bytes) = sha256(&file)?;
    if sha != manifest.sha256 || bytes != manifest.bytes {
        return Err(Error::invalid(
            "from",
            format!(
                "{} does not match its manifest (sha256 {sha}, {bytes} bytes; expected {}, {} bytes)",
                file.display(),
                manifest.sha256,
                manifest.bytes
            ),
        ));
    }
    let source =
        Connection::open_with_flags(&file, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(db_error)?;
    integrity(&source)?;
    if let Some(dir) = db.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut dest = Connection::open(db).map_err(db_error)?;
    {
        let copy = rusqlite::backup::Backup::new(&source, &mut dest).map_err(db_error)?;
        copy.step(-1).map_err(db_error)?;
    }
    integrity(&dest)?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use lottopro_core::{GameSpec, Ticket};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    #[test]
    fn a_backup_during_writes_restores_everything_acknowledged_before_it() {
        let dir = std::env::temp_dir().join(format!("lottopro-backup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = dir.join("live").join("lp.db");
        let store = Arc::new(Store::open(&db).unwrap());
        let game = GameSpec::kr645();
        let ticket = Ticket::parse(&game, "1 2 3 4 5 6").unwrap();
        let acknowledged = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (store, game, acknowledged, stop) = (
                store.clone(),
                game.clone(),
                acknowledged.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) && i < 5_000 {
                    store
                        .save_numbers(
                            &format!("owner{}", i % 4),
                            &game,
                            &ticket,
                            &format!("w{i}"),
                            None,
                        )
                        .unwrap();
                    i += 1;
                    acknowledged.store(i, Ordering::SeqCst);
                }
            })
        };
        while acknowledged.load(Ordering::SeqCst) < 200 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let before = acknowledged.load(Ordering::SeqCst);
        let (file, manifest) = backup(&db, &dir.join("backups")).unwrap();
        stop.store(true, Ordering::SeqCst);
        writer.join().unwrap();
        let saved = manifest
            .rows
            .iter()
            .find(|(t, _)| t == "saved_numbers")
            .unwrap()
            .1;
        assert!(
            saved >= before as u64,
            "the backup holds the {before} saves acknowledged before it began, and has {saved}"
        );
        // Restore into a new place: same rows, integrity checked.
        let restored = dir.join("restored").join("lp.db");
        assert_eq!(restore(&file, &restored).unwrap(), manifest);
        let back = Store::open(&restored).unwrap();
        let total: usize = (0..4)
            .map(|o| back.saved_numbers(&format!("owner{o}")).unwrap().len())
            .sum();
        assert_eq!(total as u64, saved);
        // A changed byte is refused, and the target is left alone.
        let mut bytes = std::fs::read(&file).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&file, bytes).unwrap();
        let other = dir.join("other.db");
        let e = restore(&file, &other).unwrap_err();
        assert!(e.to_string().contains("does not match its manifest"), "{e}");
        assert!(!other.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
