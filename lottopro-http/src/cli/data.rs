//! `import`, `export`, `sync`, `backup`, `restore` and `migrate-store`:
//! moving draws and databases. Every `--db` is a SQLite file or a
//! PostgreSQL URL (see `store::Location`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use lottopro_core::io::Format;
use serde_json::json;

use super::args::parse_format;
use super::args::{GameArg, Output};
use super::{Report, Run};

type Result<T> = lottopro_core::Result<T>;

/// The store a `--db` value names.
fn open_store(db: &Path) -> Result<crate::store::Store> {
    crate::store::Store::connect(&location(db))
}

fn location(db: &Path) -> crate::store::Location {
    crate::store::Location::parse(&db.to_string_lossy())
}

/// Validate a history file and report what it holds (and the first error).
#[derive(Debug, Args)]
pub(super) struct ImportArgs {
    /// The file to read.
    file: PathBuf,
    /// Its format; taken from the extension when omitted.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// A per-rank prizes CSV (draw,rank,winners,prize_each) to validate with it.
    #[arg(long)]
    prizes: Option<PathBuf>,
    /// Also store the draws the database does not hold yet in this store (a
    /// SQLite file or a PostgreSQL URL).
    #[arg(long)]
    db: Option<PathBuf>,
    #[command(flatten)]
    game: GameArg,
    #[command(flatten)]
    out: Output,
}

impl Run for ImportArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        let (file, format, prizes, db, game) = (
            self.file.as_path(),
            self.format,
            self.prizes.as_deref(),
            self.db.as_deref(),
            &self.game,
        );
        let spec = game.spec()?;
        let format = match format {
            Some(f) => f,
            None => Format::from_path(file)?,
        };
        let loaded =
            lottopro_core::io::load_history(file, Some(format), spec).and_then(|h| match prizes {
                Some(p) => lottopro_core::io::load_prizes(&h, p),
                None => Ok(h),
            });
        let mut json = json!({
            "file": file.display().to_string(),
            "format": format,
            "game": game.id,
        });
        let (text, ok) = match loaded {
            Ok(h) if h.is_empty() => {
                json["valid"] = json!(false);
                json["draws"] = json!(0);
                json["error"] = json!({ "kind": "history", "message": "the file holds no draws" });
                (
                    format!("{}: the file holds no draws\n", file.display()),
                    false,
                )
            }
            Ok(h) => {
                let with_prizes = h.draws().iter().filter(|d| !d.results().is_empty()).count();
                let with_sales = h
                    .draws()
                    .iter()
                    .filter(|d| d.total_sales().is_some())
                    .count();
                json["valid"] = json!(true);
                json["draws"] = json!(h.len());
                json["first_round"] = json!(h.first_round());
                json["latest_round"] = json!(h.latest_round());
                json["first_date"] = json!(h.draws().first().map(|d| d.date()));
                json["latest_date"] = json!(h.latest().map(|d| d.date()));
                json["draws_with_prizes"] = json!(with_prizes);
                json["draws_with_sales"] = json!(with_sales);
                json["epoch"] = json!(format!("{:016x}", h.epoch()));
                json["error"] = json!(null);
                if let Some(path) = db {
                    // A file that does not fit the stored draws is an error, and
                    // the store is left as it was.
                    let store = open_store(path)?;
                    let added = store.add(&h)?;
                    json["db"] = json!(store.location().to_string());
                    json["added"] = json!(added.len());
                    json["stored_latest_round"] = json!(store.history(h.game())?.latest_round());
                }
                let text = format!(
                    "{}: {} valid draws, rounds {}..={} ({} to {}); {} with prize results, {} with sales\n",
                    file.display(),
                    h.len(),
                    h.first_round().unwrap_or(0),
                    h.latest_round().unwrap_or(0),
                    h.draws()
                        .first()
                        .map(|d| d.date().to_string())
                        .unwrap_or_default(),
                    h.latest().map(|d| d.date().to_string()).unwrap_or_default(),
                    with_prizes,
                    with_sales
                );
                (text, true)
            }
            // An unreadable file is reported, not raised: the report is the result.
            Err(e) => {
                json["valid"] = json!(false);
                json["draws"] = json!(null);
                json["error"] = json!({ "kind": e.kind().as_str(), "message": e.to_string() });
                (format!("{}: invalid: {e}\n", file.display()), false)
            }
        };
        Ok(Report { json, text, ok })
    }
}

/// Fetch the draws the database lacks from the official site (or its
/// legacy endpoint, or the public mirror) and store them.
#[derive(Debug, Args)]
pub(super) struct SyncArgs {
    #[command(flatten)]
    store: crate::config::StoreArgs,
    /// Stop after this round.
    #[arg(long)]
    to: Option<u32>,
    /// Sources in the order they are tried.
    #[arg(long, default_value = "api,legacy,mirror")]
    sources: String,
    #[command(flatten)]
    urls: crate::config::SourceUrls,
    /// Seconds before a request is given up.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// Seconds between two requests to one source (be polite).
    #[arg(long, default_value_t = 1.0)]
    delay: f64,
    #[command(flatten)]
    game: GameArg,
    #[command(flatten)]
    out: Output,
}

impl Run for SyncArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        let (db, to, sources, urls, timeout, delay, game) = (
            self.store.location(),
            &self.to,
            &self.sources,
            &self.urls,
            &self.timeout,
            &self.delay,
            &self.game,
        );
        let config = crate::sync::DrawSource::parse_list(sources).and_then(|sources| {
            let secs = |v: f64, name: &str| {
                std::time::Duration::try_from_secs_f64(v).map_err(|_| {
                    lottopro_core::Error::invalid(name, format!("{v} is not a duration in seconds"))
                })
            };
            Ok(urls.apply(crate::sync::SyncConfig {
                sources,
                to: *to,
                timeout: secs(*timeout, "timeout")?,
                delay: secs(*delay, "delay")?,
                ..crate::sync::SyncConfig::default()
            }))
        });
        config.and_then(|c| sync(&db, c, game))
    }
}

/// `lottopro sync`: fetches and stores the rounds the database lacks.
fn sync(
    db: &crate::store::Location,
    config: crate::sync::SyncConfig,
    game: &GameArg,
) -> Result<Report> {
    let game = game.choice()?;
    let store = std::sync::Arc::new(crate::store::Store::connect(db)?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let syncer = crate::sync::Syncer::new(config)?;
    let report = runtime.block_on(async {
        match &game {
            lottopro_core::Game::Pension => syncer.sync_pension(&store).await,
            lottopro_core::Game::Numbers(spec) => syncer.sync(&store, spec).await,
        }
    })?;
    let mut text = match (report.added.first(), report.added.last()) {
        (Some(a), Some(b)) => format!(
            "added rounds {a}..={b} from {}; latest stored round {}\n",
            report.source.unwrap_or("?"),
            report.latest_round.map_or("none".into(), |r| r.to_string())
        ),
        _ => format!(
            "nothing new; latest stored round {}\n",
            report.latest_round.map_or("none".into(), |r| r.to_string())
        ),
    };
    for f in &report.failures {
        text.push_str(&format!("source {} failed: {}\n", f.source, f.reason));
    }
    Ok(Report {
        ok: !report.failed(),
        json: serde_json::to_value(&report).unwrap_or_default(),
        text,
    })
}

/// Back up the database, the Redis data, the logs and the settings into
/// one archive with a manifest and checksums; upload it with
/// S3_BACKUP_BUCKET, keep the newest BACKUP_KEEP, report to BACKUP_EMAIL.
/// Reads the same settings as `serve`, so it backs up what the service uses.
#[derive(Debug, Args)]
pub(super) struct BackupArgs {
    #[command(flatten)]
    config: Box<crate::config::ServeConfig>,
    /// Keep running, and back up daily at BACKUP_SCHEDULE (the backup
    /// service of docker-compose.yml).
    #[arg(long)]
    daemon: bool,
    #[command(flatten)]
    out: Output,
}

impl Run for BackupArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    /// `lottopro backup`.
    fn run(&self) -> Result<Report> {
        let mut config = (*self.config).clone();
        crate::config::original::apply(&mut config, crate::config::var)?;
        if self.daemon {
            return daemon(config);
        }
        let outcome = runtime()?.block_on(crate::backup::run(&config))?;
        Ok(Report {
            text: outcome.text(),
            json: json!(outcome),
            ok: true,
        })
    }
}

/// `lottopro backup --daemon`: logs like `serve`, runs until stopped.
fn daemon(config: crate::config::ServeConfig) -> Result<Report> {
    crate::backup::check(&config)?;
    let Some(at) = config.backup.backup_schedule.0 else {
        return Err(lottopro_core::Error::invalid(
            "BACKUP_SCHEDULE",
            "is off: --daemon backs up daily at a time of day (HH:MM, Korea time)",
        ));
    };
    let _guards = crate::telemetry::logs::init(&config.log_config())?;
    if let Some(note) = config.store.conflict() {
        tracing::warn!(target: "config", "{note}");
    }
    tracing::info!(
        at = format!("{:02}:{:02} KST", at / 60, at % 60),
        db = %config.store_location(),
        "backing up daily"
    );
    // As a container's PID 1 nothing ends the process on SIGTERM unless it
    // listens: it stops between backups at once (one in flight is lost;
    // its partial archive never takes a final name).
    runtime()?.block_on(async {
        tokio::select! {
            () = crate::backup::scheduled(config, None) => {}
            () = terminated() => tracing::info!("stopping on a signal"),
        }
    });
    Ok(Report {
        text: String::new(),
        json: json!(null),
        ok: true,
    })
}

/// Resolves on Ctrl-C or SIGTERM.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Restore the database from a backup archive (a file or
/// s3://bucket/key) after checking every member against its manifest; stop
/// the service first.
#[derive(Debug, Args)]
pub(super) struct RestoreArgs {
    /// The archive: a file, or s3://bucket/key (credentials from the AWS
    /// variables, as for `backup`).
    #[arg(long)]
    from: String,
    /// The store to write: a SQLite file, or an empty PostgreSQL database.
    #[command(flatten)]
    store: crate::config::StoreArgs,
    /// Also leave the archive's verified members (logs, Redis snapshot,
    /// config.json) in this empty folder.
    #[arg(long)]
    unpack: Option<PathBuf>,
    /// Replace a SQLite database that holds rows (and a key file that
    /// holds another key).
    #[arg(long)]
    force: bool,
    /// Opens the secret key sealed in the archive (the BACKUP_PASSPHRASE
    /// the backup was taken with).
    #[arg(long, env = "BACKUP_PASSPHRASE", hide_env_values = true)]
    passphrase: Option<String>,
    /// Where the archive's key is written. Default: `secret_key` beside a
    /// SQLite database, where `serve` reads it when SECRET_KEY is unset.
    #[arg(long)]
    key_out: Option<PathBuf>,
    #[command(flatten)]
    out: Output,
}

impl Run for RestoreArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    /// `lottopro restore`.
    fn run(&self) -> Result<Report> {
        let location = self.store.location();
        let options = crate::backup::RestoreOptions {
            unpack: self.unpack.clone(),
            force: self.force,
            passphrase: self.passphrase.clone(),
            key_out: self.key_out.clone(),
        };
        let restored =
            runtime()?.block_on(crate::backup::restore(&self.from, &location, &options))?;
        let manifest = &restored.manifest;
        let rows: Vec<String> = manifest
            .rows
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        let mut text = format!(
            "restored {location} from {} (taken at {} from {}; {} members verified; rows: {})\n",
            self.from,
            crate::backup::utc_time(manifest.created_at),
            manifest.source,
            manifest.members.len(),
            rows.join(", ")
        );
        let fingerprint = manifest.key_fingerprint.as_deref().unwrap_or("unknown");
        text.push_str(&match &restored.key_file {
            Some(file) => format!(
                "secret key (fingerprint {fingerprint}) written to {}: leave SECRET_KEY unset \
                 to use it beside a SQLite database, or set SECRET_KEY to its content\n",
                file.display()
            ),
            None => format!(
                "the players' tickets need the secret key with fingerprint {fingerprint}: \
                 set SECRET_KEY to it before `serve` (BACKUP_PASSPHRASE opens the copy \
                 sealed in the archive)\n"
            ),
        });
        Ok(Report {
            text,
            json: json!({ "db": location.to_string(), "manifest": manifest, "key_file": restored.key_file }),
            ok: true,
        })
    }
}

/// Write the stored draws to stdout.
#[derive(Debug, Args)]
pub(super) struct ExportArgs {
    #[command(flatten)]
    store: crate::config::StoreArgs,
    /// csv (the layout of lottopro-core/data), json (the official legacy JSON) or jsonl.
    #[arg(long, value_parser = parse_format, default_value = "csv")]
    format: Format,
    #[command(flatten)]
    game: GameArg,
}

impl ExportArgs {
    /// `lottopro export`: the stored draws in `format` on stdout.
    pub(super) fn run(&self) -> ExitCode {
        let (db, format, game) = (self.store.location(), self.format, &self.game);
        use std::io::Write;
        let result = (|| -> lottopro_core::Result<()> {
            let spec = game.spec()?;
            if db.path().is_some_and(|p| !p.exists()) {
                return Err(lottopro_core::Error::invalid(
                    "db",
                    format!("{db} does not exist"),
                ));
            }
            let history = crate::store::Store::connect(&db)?.history(&spec)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            lottopro_core::io::write_draws(&mut out, format, &spec, history.draws())?;
            out.flush()?;
            Ok(())
        })();
        match result {
            Ok(()) => ExitCode::SUCCESS,
            // A closed pipe (`lottopro export | head`) is not an error.
            Err(lottopro_core::Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                ExitCode::SUCCESS
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "lottopro: error: {e}");
                ExitCode::FAILURE
            }
        }
    }
}

/// Copy every row of a store into another, empty one: a SQLite file into
/// PostgreSQL when the service outgrows one machine (stop the service
/// first, then start it on the new `--db`).
#[derive(Debug, Args)]
pub(super) struct MigrateStoreArgs {
    /// The store to copy: a SQLite file (or a PostgreSQL URL).
    #[arg(long)]
    from: PathBuf,
    /// The empty store to copy into: a PostgreSQL URL (or a SQLite file).
    #[arg(long)]
    to: PathBuf,
    #[command(flatten)]
    out: Output,
}

impl Run for MigrateStoreArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    /// `lottopro migrate-store`.
    fn run(&self) -> Result<Report> {
        if location(&self.from).path().is_some_and(|p| !p.exists()) {
            return Err(lottopro_core::Error::invalid(
                "from",
                format!("{} does not exist", self.from.display()),
            ));
        }
        let (from, to) = (open_store(&self.from)?, open_store(&self.to)?);
        let copied = from.copy_to(&to)?;
        let rows: Vec<String> = copied.iter().map(|(t, n)| format!("{t} {n}")).collect();
        Ok(Report {
            text: format!(
                "copied {} into {} (rows: {})\n",
                from.location(),
                to.location(),
                rows.join(", ")
            ),
            json: json!({
                "from": from.location().to_string(),
                "to": to.location().to_string(),
                "rows": copied.iter().map(|(t, n)| json!({"table": t, "rows": n})).collect::<Vec<_>>(),
            }),
            ok: true,
        })
    }
}
