//! Structured logs with `tracing`: to stdout by default (text, or JSON lines
//! with `LOG_FORMAT=json`, at `LOG_LEVEL`), and with
//! `LOG_DIR` to files in the original app's layout:
//!
//! ```text
//! LOG_DIR/lottopro.log                    everything
//! LOG_DIR/performance/performance.log     target "performance": slow requests, periodic figures
//! LOG_DIR/cache/cache.log                 target "cache": clears, invalidations, degraded tiers
//! LOG_DIR/error/error.log                 warnings and errors
//! ```
//!
//! Files are JSON lines, rotated daily (or when they reach a size, for
//! tests and small disks) into `NAME.YYYY-MM-DD[.N]`, keeping the newest
//! `LOG_MAX_FILES`. [`RotatingFile`] is our own because tracing-appender
//! rotates by time only and cannot be tested without waiting a minute.
//! Writes go through tracing-appender's non-blocking worker, so a slow disk
//! never holds up a request. Tokens and secrets are never logged: client
//! tokens are hashed before they reach the store, and no handler logs a
//! header.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// A log file that rotates daily or at a size, keeping the newest files.
pub struct RotatingFile {
    path: PathBuf,
    max_bytes: Option<u64>,
    max_files: usize,
    file: File,
    written: u64,
    day: i64,
}

fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs() / 86_400).unwrap_or(0))
}

/// New log files are readable by their owner and group only (0640): they
/// hold client addresses and the service's errors.
fn private(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o640);
    }
    options
}

impl RotatingFile {
    /// Opens (appending) `path`; rotates at midnight UTC and, with
    /// `max_bytes`, whenever a write would pass that size.
    pub fn open(path: &Path, max_bytes: Option<u64>, max_files: usize) -> std::io::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = private(OpenOptions::new().create(true).append(true)).open(path)?;
        let written = file.metadata()?.len();
        Ok(RotatingFile {
            path: path.to_owned(),
            max_bytes,
            max_files: max_files.max(1),
            file,
            written,
            day: today(),
        })
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        self.file.flush()?;
        let date = lottopro_core::Date::parse("1970-01-01")
            .and_then(|d| d.add_days(self.day))
            .map_or_else(|_| "unknown".to_owned(), |d| d.to_string());
        let name = self.file_name();
        let mut target = self.path.with_file_name(format!("{name}.{date}"));
        let mut n = 1;
        while target.exists() {
            target = self.path.with_file_name(format!("{name}.{date}.{n}"));
            n += 1;
        }
        std::fs::rename(&self.path, &target)?;
        self.file = private(OpenOptions::new().create(true).append(true)).open(&self.path)?;
        self.written = 0;
        self.day = today();
        self.prune()
    }

    /// The live file's name, which rotated files extend.
    fn file_name(&self) -> String {
        self.path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    }

    /// Deletes the oldest rotated files beyond `max_files` (the live file counts).
    fn prune(&self) -> std::io::Result<()> {
        let Some(dir) = self.path.parent() else {
            return Ok(());
        };
        let name = self.file_name();
        let prefix = format!("{name}.");
        let mut rotated: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)?
            .filter_map(std::result::Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        rotated.sort();
        let keep = self.max_files - 1;
        if rotated.len() > keep {
            for (_, path) in &rotated[..rotated.len() - keep] {
                std::fs::remove_file(path)?;
            }
        }
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let full = self
            .max_bytes
            .is_some_and(|max| self.written > 0 && self.written + buf.len() as u64 > max);
        if full || today() != self.day {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Where logs go.
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// `None`: stdout only.
    pub dir: Option<PathBuf>,
    /// Files kept per log, the live one included.
    pub max_files: usize,
    /// Rotate also at this size.
    pub max_bytes: Option<u64>,
    /// The least severe level logged (`LOG_LEVEL`).
    pub level: LevelFilter,
    /// JSON lines on stdout too (`LOG_FORMAT=json`), for a log shipper.
    pub json: bool,
}

/// Lines on stdout: JSON objects (`LOG_FORMAT=json`), or human-readable
/// text, coloured only on a terminal.
///
/// Lines are gathered and written in batches by a thread of their own
/// ([`super::batched`]): at info every request logs one, and writing it on
/// the request's path cost a fifth of the throughput.
fn stdout_layer<S>(json: bool, guards: &mut LogGuards) -> Box<dyn Layer<S> + Send + Sync>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    use std::io::IsTerminal;
    let ansi = std::io::stdout().is_terminal();
    let (writer, guard) = super::batched::Batched::new(std::io::stdout(), "log-stdout");
    guards.stdout = Some(guard);
    if json {
        Box::new(json_lines(writer))
    } else {
        Box::new(
            tracing_subscriber::fmt::layer()
                .with_ansi(ansi)
                .with_writer(writer),
        )
    }
}

/// Keep until exit: dropping them writes what is still buffered.
#[derive(Default)]
pub struct LogGuards {
    files: Vec<WorkerGuard>,
    stdout: Option<super::batched::BatchedGuard>,
}

/// JSON lines to a file writer.
fn json_lines<S, W>(
    writer: W,
) -> tracing_subscriber::fmt::Layer<
    S,
    tracing_subscriber::fmt::format::JsonFields,
    tracing_subscriber::fmt::format::Format<tracing_subscriber::fmt::format::Json>,
    W,
>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + 'static,
{
    tracing_subscriber::fmt::layer()
        .json()
        .with_ansi(false)
        .with_writer(writer)
}

/// Installs the process's subscriber. Keep the guards until exit: they
/// flush stdout and the files.
pub fn init(config: &LogConfig) -> std::io::Result<LogGuards> {
    let level = config.level;
    let mut guards = LogGuards::default();
    let Some(dir) = &config.dir else {
        let stdout = stdout_layer(config.json, &mut guards);
        let _ = tracing_subscriber::registry()
            .with(stdout.with_filter(level))
            .try_init();
        return Ok(guards);
    };
    let mut file = |path: PathBuf| -> std::io::Result<tracing_appender::non_blocking::NonBlocking> {
        let f = RotatingFile::open(&path, config.max_bytes, config.max_files)?;
        let (writer, guard) = tracing_appender::non_blocking(f);
        guards.files.push(guard);
        Ok(writer)
    };
    let all = file(dir.join("lottopro.log"))?;
    let performance = file(dir.join("performance").join("performance.log"))?;
    let cache = file(dir.join("cache").join("cache.log"))?;
    let error = file(dir.join("error").join("error.log"))?;
    let stdout = stdout_layer(config.json, &mut guards);
    let _ = tracing_subscriber::registry()
        .with(stdout.with_filter(level))
        .with(json_lines(all).with_filter(level))
        .with(json_lines(performance).with_filter(Targets::new().with_target("performance", level)))
        .with(json_lines(cache).with_filter(Targets::new().with_target("cache", level)))
        .with(json_lines(error).with_filter(LevelFilter::WARN))
        .try_init();
    Ok(guards)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_rotate_at_their_size_and_only_the_newest_are_kept() {
        let dir = std::env::temp_dir().join(format!("lottopro-logs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("error").join("error.log");
        let mut f = RotatingFile::open(&path, Some(100), 3).unwrap();
        for i in 0..20 {
            // One write per event, as the non-blocking worker does.
            let line = format!("{{\"line\": {i}, \"padding\": \"..............\"}}\n");
            f.write_all(line.as_bytes()).unwrap();
            // Distinct modification times order the rotated files.
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        f.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names.len(),
            3,
            "the live file and two rotated ones: {names:?}"
        );
        assert!(names.contains(&"error.log".to_owned()));
        assert!(names.iter().all(|n| n.starts_with("error.log")));
        // Every file stays under the size (each holds whole lines).
        for n in &names {
            let text = std::fs::read_to_string(path.with_file_name(n)).unwrap();
            assert!(text.len() <= 100, "{n}: {} bytes", text.len());
            assert!(text.ends_with('\n'));
        }
        // The newest lines survive.
        let live = std::fs::read_to_string(&path).unwrap();
        assert!(live.contains("\"line\": 19"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
