//! Backups as the original app made them: the database, the Redis data,
//! the log files and the configuration in one archive (see [`archive`]),
//! kept in a local folder and, with `S3_BACKUP_BUCKET`, in S3-compatible
//! storage (see [`s3`]), the newest `BACKUP_KEEP` of each, with a report
//! to `BACKUP_EMAIL` through the alert mail channel.
//!
//! `lottopro backup` takes one; `serve` takes one daily at
//! `BACKUP_SCHEDULE` (Korea time, off by default) on the replica holding
//! the `backup` lease, so replicas sharing a store back it up once.
//! `lottopro restore --from FILE|s3://bucket/key` checks every member of
//! the archive before it writes anything.

pub mod archive;
pub mod key;
mod redis;
pub mod s3;

use std::path::{Path, PathBuf};

use clap::Args;
use lottopro_core::{Error, Result};
use serde::Serialize;

use crate::config::ServeConfig;
use crate::store::Location;
pub use archive::Manifest;

/// Where backups go and when (part of [`ServeConfig`]).
#[derive(Debug, Clone, Args, Serialize)]
pub struct BackupConfig {
    /// Folder archives are written to. Default: `backups` beside a SQLite
    /// database, `./backups` for PostgreSQL.
    #[arg(long = "backup-dir", visible_alias = "to", env = "BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
    /// Also upload each archive to this S3 bucket (credentials from the AWS
    /// variables; AWS_ENDPOINT_URL for another S3-compatible service).
    #[arg(long, env = "S3_BACKUP_BUCKET")]
    pub s3_backup_bucket: Option<String>,
    /// Key prefix of the archives in the bucket.
    #[arg(long, env = "S3_BACKUP_PREFIX", default_value = "lottopro")]
    pub s3_backup_prefix: String,
    /// Archives kept, in the folder and in the bucket; older ones are deleted.
    #[arg(long, env = "BACKUP_KEEP", default_value_t = 14, value_parser = clap::value_parser!(u16).range(1..))]
    pub backup_keep: u16,
    /// Send a report of every backup to this address (through SMTP_URL).
    #[arg(long, env = "BACKUP_EMAIL")]
    pub backup_email: Option<String>,
    /// Passphrase the secret key is sealed under in each archive (at least
    /// 12 characters; keep it apart from the backups). Unset: the archive
    /// holds only the key's fingerprint, and a restore needs SECRET_KEY
    /// from elsewhere.
    #[serde(serialize_with = "crate::secret::ser_set")]
    #[arg(long, env = "BACKUP_PASSPHRASE", hide_env_values = true)]
    pub backup_passphrase: Option<String>,
    /// `serve` backs up daily at this Korea time (HH:MM); `off` never.
    #[arg(long, env = "BACKUP_SCHEDULE", default_value = "off", value_parser = parse_schedule)]
    pub backup_schedule: Schedule,
}

/// A daily time, minutes after midnight Korea time; `None` is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Schedule(pub Option<u16>);

fn parse_schedule(text: &str) -> std::result::Result<Schedule, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("off") {
        return Ok(Schedule(None));
    }
    let parsed = text
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse::<u16>().ok()?, m.parse::<u16>().ok()?)))
        .filter(|&(h, m)| h < 24 && m < 60 && text.len() == 5);
    match parsed {
        Some((h, m)) => Ok(Schedule(Some(h * 60 + m))),
        None => Err(format!(
            "'{text}' is not a time of day as HH:MM (Korea time), or off"
        )),
    }
}

impl BackupConfig {
    /// The folder archives go to for the store at `location`.
    pub fn dir(&self, location: &Location) -> PathBuf {
        self.backup_dir.clone().unwrap_or_else(|| {
            location
                .path()
                .and_then(Path::parent)
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("backups"), |p| p.join("backups"))
        })
    }
}

/// Refuses a backup set-up that cannot work, before anything runs.
pub fn check(config: &ServeConfig) -> Result<()> {
    if config.backup.backup_email.is_some() && config.smtp_url.is_none() {
        return Err(Error::invalid(
            "BACKUP_EMAIL",
            "needs SMTP_URL, the mail server reports are sent through",
        ));
    }
    if let Some(p) = &config.backup.backup_passphrase {
        key::check_passphrase(p)?;
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SSZ` for `secs` since 1970.
pub fn utc_time(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let date = lottopro_core::Date::new(1970, 1, 1)
        .and_then(|d| d.add_days(days))
        .map_or_else(|_| "0000-00-00".into(), |d| d.to_string());
    let s = secs % 86_400;
    format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// `lottopro-YYYYMMDDTHHMMSS.mmmZ.tar.gz` for `millis` since 1970 (UTC):
/// names sort by time, and two backups in one second do not collide.
pub fn archive_name(millis: u64) -> String {
    let time = utc_time(millis / 1000).replace(['-', ':', 'Z'], "");
    format!("lottopro-{time}.{:03}Z.tar.gz", millis % 1000)
}

/// Whether `name` is an archive this module wrote.
pub fn is_archive_name(name: &str) -> bool {
    name.starts_with("lottopro-") && name.ends_with(".tar.gz")
}

/// What one backup did.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The archive in the local folder.
    pub file: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Its size in bytes.
    pub bytes: u64,
    /// Where it was uploaded.
    pub uploaded: Option<String>,
    /// Older archives deleted (paths and `s3://` URLs).
    pub removed: Vec<String>,
}

impl Outcome {
    /// A few lines for the terminal and the report.
    pub fn text(&self) -> String {
        let mut out = format!(
            "archive: {} ({} bytes)\nsource: {}\n",
            self.file.display(),
            self.bytes,
            self.manifest.source
        );
        for m in &self.manifest.members {
            out.push_str(&format!(
                "  {:<40} {:>12} bytes  sha256 {}\n",
                m.path, m.bytes, m.sha256
            ));
        }
        let rows: Vec<String> = self
            .manifest
            .rows
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        out.push_str(&format!("rows: {}\n", rows.join(", ")));
        for (part, why) in &self.manifest.skipped {
            out.push_str(&format!("skipped {part}: {why}\n"));
        }
        if let Some(url) = &self.uploaded {
            out.push_str(&format!("uploaded: {url}\n"));
        }
        for old in &self.removed {
            out.push_str(&format!("removed (over BACKUP_KEEP): {old}\n"));
        }
        out
    }
}

fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn now_secs() -> u64 {
    now_millis() / 1000
}

/// Takes one backup of the service `config` describes, uploads it and
/// applies `BACKUP_KEEP`; with `BACKUP_EMAIL`, reports how it went (also
/// when it failed).
pub async fn run(config: &ServeConfig) -> Result<Outcome> {
    let result = take(config).await;
    record(config, &result);
    if result.is_ok() {
        // In the store, so every replica reports it to Prometheus (the
        // LottoProBackupStale alert); best effort: the archive is there.
        let location = config.store_location();
        let recorded = tokio::task::spawn_blocking(move || {
            crate::store::Store::connect(&location)?.set_last_backup(now_secs())
        })
        .await;
        if let Ok(Err(e)) = recorded {
            tracing::warn!(error = %e, "backup: cannot record its success in the store");
        }
    }
    if let (Some(to), Some(smtp)) = (&config.backup.backup_email, &config.smtp_url) {
        let (subject, body) = match &result {
            Ok(o) => (
                format!(
                    "LottoPro backup OK: {} ({} bytes)",
                    o.file
                        .file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default(),
                    o.bytes
                ),
                o.text(),
            ),
            Err(e) => ("LottoPro backup FAILED".to_owned(), format!("{e}\n")),
        };
        if let Err(e) =
            crate::telemetry::alerts::send_mail(smtp, &config.alert_email_from, to, &subject, &body)
                .await
        {
            tracing::warn!(channel = "email", error = %e, "backup report not delivered");
        }
    }
    result
}

/// The file in the backup folder that says the last backup failed, and
/// why; gone after a backup that worked. The backup container's health
/// check reads it, so a failing night turns it unhealthy.
pub const LAST_FAILURE: &str = "last-failure";

/// Leaves (or clears) [`LAST_FAILURE`] for `result`; best effort.
fn record(config: &ServeConfig, result: &Result<Outcome>) {
    let marker = config
        .backup
        .dir(&config.store_location())
        .join(LAST_FAILURE);
    match result {
        Ok(_) => {
            let _ = std::fs::remove_file(&marker);
        }
        Err(e) => {
            let text = format!("{} {e}\n", utc_time(now_secs()));
            if let Err(io) = std::fs::write(&marker, text) {
                tracing::warn!(error = %io, "backup: cannot record the failure");
            }
        }
    }
}

async fn take(config: &ServeConfig) -> Result<Outcome> {
    check(config)?;
    let location = config.store_location();
    if let Location::Sqlite(db) = &location
        && !db.is_file()
    {
        return Err(Error::invalid(
            "db",
            format!("{} does not exist", db.display()),
        ));
    }
    let dir = config.backup.dir(&location);
    std::fs::create_dir_all(&dir).map_err(|e| {
        Error::invalid(
            "BACKUP_DIR",
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    let millis = now_millis();
    let created_at = millis / 1000;
    let name = archive_name(millis);
    let file = dir.join(&name);
    let manifest = {
        let (config, file, dir) = (config.clone(), file.clone(), dir.clone());
        tokio::task::spawn_blocking(move || build(&config, created_at, &dir, &file))
            .await
            .map_err(|e| Error::Io(std::io::Error::other(e)))??
    };
    let bytes = std::fs::metadata(&file)?.len();
    let keep = usize::from(config.backup.backup_keep);
    // The folder keeps BACKUP_KEEP archives whatever happens upstream: a
    // failed upload must not leave the disk to fill up.
    let mut removed = prune_local(&dir, keep)?;
    let mut uploaded = None;
    if let Some(bucket) = &config.backup.s3_backup_bucket {
        let remote = s3::Remote::new(bucket, &config.backup.s3_backup_prefix).await?;
        let key = remote.key(&name);
        remote.put(&file, &key).await?;
        uploaded = Some(remote.url(&key));
        let keys = remote.list().await?;
        for old in &keys[..keys.len().saturating_sub(keep)] {
            remote.delete(old).await?;
            removed.push(remote.url(old));
        }
    }
    Ok(Outcome {
        file,
        manifest,
        bytes,
        uploaded,
        removed,
    })
}

/// Deletes the oldest archives in `dir` beyond the newest `keep`; what it
/// deleted.
fn prune_local(dir: &Path, keep: usize) -> Result<Vec<String>> {
    let mut local: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(std::result::Result::ok)
        .map(|e| e.path())
        .filter(|p| is_archive_name(&p.file_name().unwrap_or_default().to_string_lossy()))
        .collect();
    local.sort();
    let mut removed = Vec::new();
    for old in &local[..local.len().saturating_sub(keep)] {
        std::fs::remove_file(old)?;
        removed.push(old.display().to_string());
    }
    Ok(removed)
}

/// Gathers the parts in a scratch folder beside the archive and packs them.
fn build(config: &ServeConfig, created_at: u64, dir: &Path, file: &Path) -> Result<Manifest> {
    let stem = file.file_name().unwrap_or_default().to_string_lossy();
    let staging = archive::Scratch::new(dir, &format!(".staging-{stem}"))?;
    let location = config.store_location();
    let rows = archive::snapshot(&location, &staging.0.join(archive::DATABASE))?;
    let mut skipped = Vec::new();
    if matches!(config.cache_type.as_str(), "redis" | "tiered") {
        let dest = staging.0.join("redis");
        std::fs::create_dir_all(&dest)?;
        if let Err(e) = redis::snapshot(&config.redis_url, &dest.join("dump.rdb")) {
            tracing::warn!(error = %e, "backup: no Redis snapshot");
            let _ = std::fs::remove_dir_all(&dest);
            skipped.push(("redis".to_owned(), e));
        }
    } else {
        skipped.push((
            "redis".to_owned(),
            format!("CACHE_TYPE={} uses no Redis", config.cache_type),
        ));
    }
    match &config.log_dir {
        Some(logs) if logs.is_dir() => {
            archive::copy_tree(logs, &staging.0.join("logs"))?;
        }
        Some(logs) => skipped.push((
            "logs".to_owned(),
            format!("LOG_DIR {} does not exist", logs.display()),
        )),
        None => skipped.push((
            "logs".to_owned(),
            "LOG_DIR is not set: the service logs to stdout only".to_owned(),
        )),
    }
    let secret = config.existing_secret()?;
    match (&secret, &config.backup.backup_passphrase) {
        (Some(k), Some(passphrase)) => {
            archive::write_json(&staging.0.join(key::MEMBER), &key::seal(k, passphrase)?)?;
        }
        (Some(_), None) => skipped.push((
            "secret_key".to_owned(),
            "BACKUP_PASSPHRASE is not set: the archive holds the key's fingerprint only; \
             keep SECRET_KEY where a restore can find it"
                .to_owned(),
        )),
        (None, _) => skipped.push((
            "secret_key".to_owned(),
            "no SECRET_KEY is set and none was generated yet".to_owned(),
        )),
    }
    archive::write_json(&staging.0.join("config.json"), config)?;
    let head = Manifest {
        key_fingerprint: secret.as_deref().map(crate::secret::fingerprint),
        format: archive::FORMAT.to_owned(),
        created_at,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        source: location.to_string(),
        rows,
        members: Vec::new(),
        skipped,
    };
    archive::pack(&staging.0, head, file)
}

/// How a restore treats what is already there, and the key.
#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// Also leave the verified members (logs, Redis snapshot,
    /// configuration) in this empty folder.
    pub unpack: Option<PathBuf>,
    /// Replace a SQLite database that holds rows, and a key file that
    /// holds another key.
    pub force: bool,
    /// Opens the archive's sealed secret key.
    pub passphrase: Option<String>,
    /// Where the opened key is written (default: `secret_key` beside a
    /// SQLite database, where `serve` reads it when SECRET_KEY is unset).
    pub key_out: Option<PathBuf>,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    /// The archive's manifest.
    pub manifest: Manifest,
    /// Where the archive's secret key was written, if it was.
    pub key_file: Option<PathBuf>,
}

/// Restores the store at `location` from the archive `from` (a file or
/// `s3://bucket/key`) after verifying every member, and with a passphrase
/// writes out the archive's secret key. Refuses, with nothing written, a
/// SQLite database that holds rows (without `force`) and a wrong
/// passphrase. Stop the service first.
pub async fn restore(
    from: &str,
    location: &Location,
    options: &RestoreOptions,
) -> Result<Restored> {
    let work = archive::Scratch::new(
        &std::env::temp_dir(),
        &format!("lottopro-restore-{}", crate::secret::random_hex(6)),
    )?;
    let file = match s3::parse_url(from) {
        Some((bucket, key)) => {
            let local = work.0.join("archive.tar.gz");
            s3::Remote::new(bucket, "").await?.get(key, &local).await?;
            local
        }
        None if from.starts_with("s3://") => {
            return Err(Error::invalid(
                "from",
                format!("'{from}' is not s3://bucket/key"),
            ));
        }
        None => PathBuf::from(from),
    };
    let into = match &options.unpack {
        Some(dir) => {
            if dir.read_dir().is_ok_and(|mut d| d.next().is_some()) {
                return Err(Error::invalid(
                    "unpack",
                    format!("{} is not empty", dir.display()),
                ));
            }
            dir.clone()
        }
        None => work.0.join("members"),
    };
    let (location, options) = (location.clone(), options.clone());
    tokio::task::spawn_blocking(move || {
        let manifest = archive::unpack(&file, &into)?;
        if !options.force {
            refuse_populated(&location)?;
        }
        let key = match (&options.passphrase, into.join(key::MEMBER)) {
            (Some(passphrase), sealed) if sealed.is_file() => {
                let sealed: key::Sealed = serde_json::from_slice(&std::fs::read(&sealed)?)
                    .map_err(|e| Error::invalid("secret_key.json", e.to_string()))?;
                let key = key::open(&sealed, passphrase)?;
                let out = options.key_out.clone().or_else(|| {
                    location
                        .path()
                        .map(|db| db.parent().unwrap_or(Path::new("")).join("secret_key"))
                });
                out.map(|out| (out, key))
            }
            (Some(_), _) => {
                return Err(Error::invalid(
                    "BACKUP_PASSPHRASE",
                    "is set, but this archive holds no sealed key (it was taken without BACKUP_PASSPHRASE)",
                ));
            }
            (None, _) => None,
        };
        if let Some((out, k)) = &key
            && !options.force
            && std::fs::read(out).is_ok_and(|held| held.trim_ascii() != k.as_slice())
        {
            return Err(Error::invalid(
                "key_out",
                format!(
                    "{} holds another key: pass --force to replace it",
                    out.display()
                ),
            ));
        }
        archive::restore_database(&into.join(archive::DATABASE), &location)?;
        if let Some((out, k)) = &key {
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let _ = std::fs::remove_file(out);
            crate::config::write_private(out, &String::from_utf8_lossy(k))?;
        }
        Ok(Restored {
            manifest,
            key_file: key.map(|(out, _)| out),
        })
    })
    .await
    .map_err(|e| Error::Io(std::io::Error::other(e)))?
}

/// Refuses to restore over a SQLite database that holds rows (a
/// PostgreSQL database must be empty anyway: see `Store::copy_to`).
fn refuse_populated(location: &Location) -> Result<()> {
    let Some(db) = location.path().filter(|p| p.exists()) else {
        return Ok(());
    };
    let rows: u64 = archive::count_rows(db)?.iter().map(|(_, n)| n).sum();
    if rows > 0 {
        return Err(Error::invalid(
            "db",
            format!(
                "{} holds {rows} rows already: a restore would replace them. \
                 Pass --force to replace them",
                db.display()
            ),
        ));
    }
    Ok(())
}

/// Minutes until the next `at` (minutes after midnight, Korea time).
fn minutes_until(now: u64, at: u16) -> u64 {
    let offset = crate::sync::KST_OFFSET_SECS.unsigned_abs() / 60;
    let kst_minute = (now / 60 + offset) % (24 * 60);
    let at = u64::from(at);
    (at + 24 * 60 - kst_minute - 1) % (24 * 60) + 1
}

/// The daily backup of `serve` (see the module docs); runs until the
/// process ends.
pub async fn scheduled(config: ServeConfig, store: Option<std::sync::Arc<crate::store::Store>>) {
    let Schedule(Some(at)) = config.backup.backup_schedule else {
        return;
    };
    let holder = format!("backup-{}", crate::secret::random_hex(8));
    loop {
        let wait = minutes_until(now_secs(), at);
        // Wakes at least hourly, so a changed clock is seen.
        if wait > 1 {
            tokio::time::sleep(std::time::Duration::from_secs((wait - 1).min(60) * 60)).await;
            continue;
        }
        tokio::time::sleep(std::time::Duration::from_secs(60 - now_secs() % 60)).await;
        if crate::store::leads(store.clone(), "backup", &holder, 30 * 60).await {
            // In a task of its own: whatever goes wrong in one night's
            // backup is logged, and the next night's still runs.
            let night = config.clone();
            let result = tokio::spawn(async move { run(&night).await })
                .await
                .unwrap_or_else(|e| Err(Error::Io(std::io::Error::other(e))));
            match result {
                Ok(o) => tracing::info!(
                    archive = %o.file.display(),
                    bytes = o.bytes,
                    uploaded = o.uploaded.as_deref().unwrap_or("-"),
                    "scheduled backup done"
                ),
                Err(e) => tracing::error!(error = %e, "scheduled backup failed"),
            }
        }
        // Past this minute: the next run is tomorrow's.
        tokio::time::sleep(std::time::Duration::from_secs(61)).await;
    }
}

#[cfg(test)]
mod tests;
