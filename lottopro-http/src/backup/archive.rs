//! The backup archive: a gzipped tar of the database, the Redis snapshot,
//! the log folder and the effective configuration, led by a manifest that
//! lists every other member with its size and SHA-256.
//!
//! The database member is always a SQLite file. A SQLite store is copied
//! with SQLite's online backup API (one read snapshot, writers never wait);
//! a PostgreSQL store is dumped logically into a new SQLite file by
//! `Store::copy_to`, from one `REPEATABLE READ` snapshot. One format for
//! both means a backup restores into either backend, and can be opened
//! with any `sqlite3` without LottoPro.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use lottopro_core::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::store::{Location, Store};

/// The format name in every manifest.
pub const FORMAT: &str = "lottopro-backup/1";
/// The archive member holding the database.
pub const DATABASE: &str = "database.db";
/// The archive member holding the manifest (the first one).
pub const MANIFEST: &str = "manifest.json";
/// The largest manifest read (a manifest lists a few dozen members).
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// The tables a manifest counts.
const TABLES: [&str; 5] = [
    "draws",
    "draw_orders",
    "saved_numbers",
    "predictions",
    "link_codes",
];

/// One member of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Its path inside the archive.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// SHA-256 of its content, hex.
    pub sha256: String,
}

/// What an archive holds: `manifest.json`, its first member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When it was taken, seconds since 1970 (UTC).
    pub created_at: u64,
    /// The LottoPro version that took it.
    pub version: String,
    /// The store it was taken from (a path, or a URL without its password).
    pub source: String,
    /// Rows per table of the database member.
    pub rows: Vec<(String, u64)>,
    /// Every other member.
    pub members: Vec<Member>,
    /// Parts left out, each with the reason (e.g. Redis unreachable).
    pub skipped: Vec<(String, String)>,
    /// The fingerprint of the service's secret key at the backup (see
    /// `crate::secret::fingerprint`); absent in archives from before it.
    #[serde(default)]
    pub key_fingerprint: Option<String>,
}

impl Manifest {
    /// The rows of `table`, 0 when absent.
    pub fn rows_of(&self, table: &str) -> u64 {
        self.rows
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n)
    }
}

fn db_error(e: rusqlite::Error) -> Error {
    Error::unavailable("database", e)
}

fn json_error(e: serde_json::Error) -> Error {
    Error::Io(std::io::Error::other(e))
}

/// SHA-256 (hex) and size of a file.
pub fn sha256(path: &Path) -> Result<(String, u64)> {
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
    Ok((crate::secret::hex(&hasher.finalize()), bytes))
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
            "from",
            format!("the database fails SQLite's integrity check: {verdict}"),
        ))
    }
}

/// Every page of `source` into `dest`, in one step of the online backup
/// API (one read snapshot).
fn copy_pages(source: &Connection, dest: &Path) -> Result<()> {
    let mut dest = Connection::open(dest).map_err(db_error)?;
    let copy = rusqlite::backup::Backup::new(source, &mut dest).map_err(db_error)?;
    copy.step(-1).map_err(db_error)?;
    Ok(())
}

/// The rows per table of the SQLite file `db`, opened read-only.
pub fn count_rows(db: &Path) -> Result<Vec<(String, u64)>> {
    let conn =
        Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(db_error)?;
    rows(&conn)
}

/// Writes a consistent copy of the store at `location` to `dest` (a new
/// SQLite file); the rows per table.
pub fn snapshot(location: &Location, dest: &Path) -> Result<Vec<(String, u64)>> {
    match location {
        Location::Sqlite(db) => {
            if !db.exists() {
                return Err(Error::invalid(
                    "db",
                    format!("{} does not exist", db.display()),
                ));
            }
            let source = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(db_error)?;
            source
                .busy_timeout(std::time::Duration::from_secs(5))
                .map_err(db_error)?;
            copy_pages(&source, dest)?;
        }
        Location::Postgres(_) => {
            let source = Store::connect(location)?;
            let target = Store::open(dest)?;
            source.copy_to(&target)?;
        }
    }
    // One self-contained file: out of WAL mode, so no -wal or -shm beside it.
    Connection::open(dest)
        .and_then(|c| c.pragma_update(None, "journal_mode", "DELETE"))
        .map_err(db_error)?;
    let copy =
        Connection::open_with_flags(dest, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(db_error)?;
    integrity(&copy)?;
    rows(&copy)
}

/// Writes the database member `file` (already verified) into the store
/// at `location`: page by page into a SQLite file, or row by row into an
/// empty PostgreSQL database.
pub fn restore_database(file: &Path, location: &Location) -> Result<()> {
    let source =
        Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(db_error)?;
    integrity(&source)?;
    match location {
        Location::Sqlite(db) => {
            if let Some(dir) = db.parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir)?;
            }
            copy_pages(&source, db)?;
            let back = Connection::open(db).map_err(db_error)?;
            integrity(&back)
        }
        Location::Postgres(_) => {
            drop(source);
            let from = Store::open(file)?;
            from.copy_to(&Store::connect(location)?).map(|_| ())
        }
    }
}

/// Packs the files under `staging` (every regular file, recursively) into
/// `dest` with a manifest made from `head` (whose `members` it fills).
pub fn pack(staging: &Path, mut head: Manifest, dest: &Path) -> Result<Manifest> {
    let mut files = Vec::new();
    collect(staging, staging, &mut files)?;
    files.sort();
    head.members = files
        .iter()
        .map(|rel| {
            let (sha256, bytes) = sha256(&staging.join(rel))?;
            Ok(Member {
                path: rel.clone(),
                bytes,
                sha256,
            })
        })
        .collect::<Result<_>>()?;
    let manifest = serde_json::to_vec_pretty(&head).map_err(json_error)?;
    let partial = dest.with_extension("partial");
    {
        // Only its owner reads it: it holds every player's tickets and the
        // (encrypted) secret key.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let out = options.open(&partial)?;
        let gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        let mut header = tar::Header::new_gnu();
        header.set_size(manifest.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(head.created_at);
        header.set_cksum();
        tar.append_data(&mut header, MANIFEST, manifest.as_slice())?;
        for rel in &files {
            tar.append_path_with_name(staging.join(rel), rel)?;
        }
        tar.into_inner()?.finish()?.sync_all()?;
    }
    // Complete or absent: a crash never leaves half an archive under the
    // final name.
    std::fs::rename(&partial, dest)?;
    Ok(head)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(root, &entry.path(), out)?;
        } else if kind.is_file() {
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap_or(&path);
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

fn damaged(why: impl std::fmt::Display) -> Error {
    Error::invalid("from", format!("the archive is damaged: {why}"))
}

/// Unpacks the archive `file` into the empty folder `into` and checks
/// every member against the manifest: present, same size, same SHA-256,
/// nothing extra. The verified manifest.
///
/// The manifest comes first (as [`pack`] writes it), so every member is
/// judged before a byte of it is written: a regular file (no link, device
/// or folder entry), named in the manifest, of the size the manifest gives.
/// The members go to a staging folder beside `into`, moved into `into` only
/// once all are verified; on any failure the staging folder is removed and
/// `into` is left as it was.
pub fn unpack(file: &Path, into: &Path) -> Result<Manifest> {
    std::fs::create_dir_all(into)?;
    let name = into
        .file_name()
        .map_or_else(|| "unpack".into(), |n| n.to_string_lossy().into_owned());
    let parent = into.parent().unwrap_or(Path::new("."));
    let staging = Scratch::new(
        parent,
        &format!(".{name}.partial-{}", crate::secret::random_hex(6)),
    )?;
    let manifest = unpack_verified(file, &staging.0)?;
    for entry in std::fs::read_dir(&staging.0)? {
        let entry = entry?;
        std::fs::rename(entry.path(), into.join(entry.file_name()))?;
    }
    Ok(manifest)
}

/// [`unpack`]'s reading and checking, into the empty folder `into`.
fn unpack_verified(file: &Path, into: &Path) -> Result<Manifest> {
    let input = std::fs::File::open(file)
        .map_err(|e| Error::invalid("from", format!("cannot open {}: {e}", file.display())))?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(input));
    let mut manifest: Option<Manifest> = None;
    let mut seen = Vec::new();
    for entry in tar.entries().map_err(damaged)? {
        let mut entry = entry.map_err(damaged)?;
        let path = entry
            .path()
            .map_err(damaged)?
            .to_string_lossy()
            .into_owned();
        let Some(manifest) = &manifest else {
            if path != MANIFEST {
                return Err(damaged(format!(
                    "its first member is {path}, not {MANIFEST}"
                )));
            }
            if entry.header().size().map_err(damaged)? > MAX_MANIFEST_BYTES {
                return Err(damaged("its manifest is too large"));
            }
            let mut text = String::new();
            entry.read_to_string(&mut text).map_err(damaged)?;
            let m: Manifest = serde_json::from_str(&text)
                .map_err(|e| damaged(format!("its manifest is unreadable: {e}")))?;
            if m.format != FORMAT {
                return Err(Error::invalid(
                    "from",
                    format!("is a '{}' archive; this LottoPro reads {FORMAT}", m.format),
                ));
            }
            manifest = Some(m);
            continue;
        };
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            return Err(damaged(format!(
                "member {path} is not a regular file (a link or a device); an archive holds files only"
            )));
        }
        let Some(member) = manifest.members.iter().find(|m| m.path == path) else {
            return Err(damaged(format!("member {path} is not in the manifest")));
        };
        let size = entry.header().size().map_err(damaged)?;
        if size != member.bytes {
            return Err(damaged(format!(
                "member {path} holds {size} bytes; the manifest says {}",
                member.bytes
            )));
        }
        if seen.contains(&path) {
            return Err(damaged(format!("member {path} appears twice")));
        }
        // `unpack_in` refuses paths that leave `into`.
        if !entry.unpack_in(into).map_err(damaged)? {
            return Err(damaged(format!("member {path} points outside the archive")));
        }
        seen.push(path);
    }
    let manifest = manifest.ok_or_else(|| damaged("it has no manifest.json"))?;
    for member in &manifest.members {
        let path = into.join(&member.path);
        let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
        if !regular {
            return Err(damaged(format!("member {} is missing", member.path)));
        }
        let (sha, bytes) = sha256(&path)?;
        if sha != member.sha256 || bytes != member.bytes {
            return Err(damaged(format!(
                "member {} does not match the manifest (sha256 {sha}, {bytes} bytes; expected {}, {} bytes)",
                member.path, member.sha256, member.bytes
            )));
        }
    }
    if !manifest.members.iter().any(|m| m.path == DATABASE) {
        return Err(damaged("it holds no database.db"));
    }
    Ok(manifest)
}

/// Copies the regular files under `from` into `to`, recursively (the log
/// folder into the archive).
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect(from, from, &mut files)?;
    for rel in files {
        let target = to.join(&rel);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // A file rotated away between listing and copying is skipped.
        match std::fs::copy(from.join(&rel), &target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    Ok(())
}

/// Writes `value` as pretty JSON to `path`.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let text = serde_json::to_vec_pretty(value).map_err(json_error)?;
    std::fs::File::create(path)?.write_all(&text)?;
    Ok(())
}

/// A folder that is removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new empty folder `name` under `parent`.
    pub fn new(parent: &Path, name: &str) -> Result<Scratch> {
        let dir = parent.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
