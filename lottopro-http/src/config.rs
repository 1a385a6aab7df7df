//! The service's configuration: command-line flags, each also read from the
//! environment under the original app's name where it had one (`SECRET_KEY`,
//! `CACHE_TYPE`, `RATE_LIMIT_PREDICT`, ...), so a deployment configured for
//! the original keeps working.
//!
//! Secrets are secure by default without getting in the way: with no
//! `SECRET_KEY` the service generates a random one on first start and keeps
//! it beside the database (so client tokens stay valid across restarts), and
//! with no `ADMIN_TOKEN` the admin routes are switched off. A known weak value
//! (the original's development default, or anything shorter than 16
//! characters) is refused unless `DEBUG` is on.

mod env;
pub mod original;
mod rate;
mod store;

pub use env::{empty_is_unset, var};
pub use rate::Rate;
pub use store::StoreArgs;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use lottopro_core::cache::{CacheConfig, CacheKind};
use lottopro_core::{Error, Result};

/// The secret the original app shipped as its development default.
pub const DEV_SECRET_KEY: &str = "dev-secret-key-change-in-production";
/// Shortest secret accepted outside debug mode.
pub const MIN_SECRET_CHARS: usize = 16;
/// Fewest characters of `ADMIN_TOKEN` outside `DEBUG`: 128 bits written in
/// hex. A password an operator made up (`password12345678`,
/// `admin-admin-admin`) passes the randomness estimate of [`MIN_SECRET_CHARS`]
/// characters but not this.
pub const MIN_ADMIN_TOKEN_CHARS: usize = 32;

/// The default store: a SQLite file beside the working directory.
pub const DEFAULT_DB: &str = "data/lottopro.db";

/// `lottopro serve` flags and their environment variables. Serialized (into
/// a backup's `config.json`) without its secrets: they show as `"(set)"`,
/// and URLs lose their credentials.
#[derive(Debug, Clone, Args, serde::Serialize)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "LOTTOPRO_BIND", default_value = "127.0.0.1:5000")]
    pub bind: SocketAddr,
    #[command(flatten)]
    #[serde(flatten)]
    pub store: StoreArgs,
    /// Draws to add to the database before serving (CSV, legacy JSON or JSON lines).
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// A per-rank prizes CSV to attach to `--history`.
    #[arg(long)]
    pub prizes: Option<PathBuf>,
    /// Game id; see `lottopro games`.
    #[arg(long = "game", default_value = "kr645")]
    pub game: String,
    /// Key that client tokens are hashed with before they are stored.
    /// Default: a random key generated on first start and kept in
    /// `<db folder>/secret_key`. Changing it logs every client out.
    #[serde(serialize_with = "crate::secret::ser_set")]
    #[arg(long, env = "SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Start with a SECRET_KEY other than the one the database recorded,
    /// and record it: every player is logged out and loses the handle on
    /// their saved tickets. Only on purpose (a leaked key).
    #[arg(long, env = "REPLACE_SECRET_KEY", default_value_t = false, action = clap::ArgAction::Set, value_parser = parse_flag)]
    pub replace_secret_key: bool,
    /// Debug mode: accepts weak secrets, logs more, serves the API explorer.
    #[arg(long, env = "DEBUG", default_value_t = false, action = clap::ArgAction::Set, value_parser = parse_flag)]
    pub debug: bool,
    /// The API explorer at /docs (default: on with DEBUG, else off).
    #[arg(long, env = "API_DOCS", value_parser = parse_flag)]
    pub api_docs: Option<bool>,
    /// Bearer token of the /admin routes (at least 16 characters); unset
    /// switches them off.
    #[serde(serialize_with = "crate::secret::ser_set")]
    #[arg(long, env = "ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Cache: memory, redis, tiered (memory in front of Redis) or none.
    #[arg(long, env = "CACHE_TYPE", default_value = "memory")]
    pub cache_type: String,
    /// Redis for CACHE_TYPE=redis|tiered.
    #[serde(serialize_with = "crate::secret::ser_url")]
    #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379/0")]
    pub redis_url: String,
    /// Seconds a cached result lives.
    #[arg(long, env = "CACHE_DEFAULT_TIMEOUT", default_value_t = 300)]
    pub cache_default_timeout: u64,
    /// Most entries of the memory cache.
    #[arg(long, env = "MEMORY_CACHE_SIZE", default_value_t = 1000)]
    pub memory_cache_size: u64,
    /// Compress cached values larger than 1 KiB (LZ4).
    #[arg(long, env = "CACHE_COMPRESSION", default_value_t = false, action = clap::ArgAction::Set, value_parser = parse_flag)]
    pub cache_compression: bool,
    /// Precompute statistics and every model's predictions and backtest at start.
    #[arg(long, env = "CACHE_WARMING", default_value_t = true, action = clap::ArgAction::Set, value_parser = parse_flag)]
    pub cache_warming: bool,
    /// Per-client rate limits on predictions and saves.
    #[arg(long, env = "RATE_LIMIT_ENABLED", default_value_t = true, action = clap::ArgAction::Set, value_parser = parse_flag)]
    pub rate_limit_enabled: bool,
    /// Predictions per client: N/second|minute|hour|day.
    #[arg(long, env = "RATE_LIMIT_PREDICT", default_value = "30/hour")]
    pub rate_limit_predict: Rate,
    /// Saved-number writes per client.
    #[arg(long, env = "RATE_LIMIT_SAVE_NUMBERS", default_value = "50/hour")]
    pub rate_limit_save_numbers: Rate,
    /// Origins allowed to call the API from a browser (comma-separated,
    /// e.g. `https://example.org`). Unset: no cross-origin access.
    #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Seconds a client may take to send a request's headers; also how long
    /// a kept-alive connection may wait for its next request.
    #[arg(long, env = "HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a client may take to send a request's body, on top of one
    /// second per 4 KiB of it (a body trickled slower is cut off).
    #[arg(long, env = "BODY_TIMEOUT", default_value_t = 30)]
    pub body_timeout: u64,
    /// Connections open at once; at the cap the longest-idle one is closed
    /// to make room (else the one receiving its body the slowest).
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,
    /// Connections open at once from one address, with the same eviction;
    /// 0: no cap. Not applied behind trusted proxies (`TRUST_PROXY`), where
    /// every connection comes from the balancer.
    #[arg(long, env = "MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 64)]
    pub max_connections_per_address: usize,
    /// Heavy requests (backtests, simulations, wheels, popularity) running
    /// at once; 0: one fewer than the cores (at least one).
    #[arg(long, env = "HEAVY_CONCURRENCY", default_value_t = 0)]
    pub heavy_concurrency: usize,
    /// Seconds a heavy request waits for its turn before a 503 with Retry-After.
    #[arg(long, env = "HEAVY_QUEUE_WAIT", default_value_t = 2)]
    pub heavy_queue_wait: u64,
    /// Seconds a heavy request may compute before it is stopped (503).
    #[arg(long, env = "WORK_TIMEOUT", default_value_t = 10)]
    pub work_timeout: u64,
    /// Proxies in front of the service that append to X-Forwarded-For: the
    /// client is the address that many hops from the right (`true` is 1,
    /// `false` or 0 ignores the header). Only proxies you run.
    #[arg(long, env = "TRUST_PROXY", default_value = "0", value_parser = parse_hops)]
    pub trust_proxy: u8,
    /// Fetch new draws after each Saturday draw (Korea time), retrying
    /// through Sunday.
    #[arg(long, env = "SYNC_SCHEDULE", default_value_t = true, action = clap::ArgAction::Set, value_parser = parse_flag)]
    pub sync_schedule: bool,
    #[command(flatten)]
    pub sources: SourceUrls,
    /// Write logs as JSON lines under this folder too (lottopro.log,
    /// performance/, cache/, error/), rotated daily.
    #[arg(long, env = "LOG_DIR")]
    pub log_dir: Option<PathBuf>,
    /// Log lines on stdout: `text`, or `json` (one JSON object a line, with
    /// the request ids nginx logs; what Promtail reads).
    #[arg(long, env = "LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
    /// The least severe level logged: error, warn, info (one line per
    /// request), debug or trace. Default: info, or debug with DEBUG=true.
    #[arg(long, env = "LOG_LEVEL", value_parser = ["error", "warn", "info", "debug", "trace"])]
    pub log_level: Option<String>,
    /// Log files kept per log, the live one included.
    #[arg(long, env = "LOG_MAX_FILES", default_value_t = 30)]
    pub log_max_files: usize,
    /// Also rotate a log file when it reaches this many bytes.
    #[arg(long, env = "LOG_MAX_BYTES")]
    pub log_max_bytes: Option<u64>,
    /// Record per-route request counts and latencies (/admin/performance).
    #[arg(long, env = "MONITORING_ENABLED", default_value_t = true, action = clap::ArgAction::Set, value_parser = parse_flag)]
    pub monitoring_enabled: bool,
    /// Seconds between self-checks (system readings and alert thresholds).
    #[arg(long, env = "MONITOR_INTERVAL", default_value_t = 10)]
    pub monitor_interval: u64,
    /// Seconds before a threshold that alerted may alert again.
    #[arg(long, env = "ALERT_COOLDOWN", default_value_t = 300)]
    pub alert_cooldown: u64,
    /// Slack-compatible webhook for alerts.
    #[serde(serialize_with = "crate::secret::ser_set")]
    #[arg(long, env = "SLACK_WEBHOOK_URL", hide_env_values = true)]
    pub slack_webhook_url: Option<String>,
    /// Mail server for alerts, smtp://host:port (plain SMTP, no login).
    #[serde(serialize_with = "crate::secret::ser_opt_url")]
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Recipient of alert e-mails.
    #[arg(long, env = "ALERT_EMAIL_TO")]
    pub alert_email_to: Option<String>,
    /// Sender of alert e-mails.
    #[arg(long, env = "ALERT_EMAIL_FROM", default_value = "lottopro@localhost")]
    pub alert_email_from: String,
    /// Alert threshold: p95 response time, seconds.
    #[arg(long, env = "THRESHOLD_RESPONSE_TIME", default_value_t = 10.0)]
    pub threshold_response_time: f64,
    /// Alert threshold: CPU use of the machine, percent.
    #[arg(long, env = "THRESHOLD_CPU_USAGE", default_value_t = 80.0)]
    pub threshold_cpu_usage: f64,
    /// Alert threshold: memory use of the machine, percent.
    #[arg(long, env = "THRESHOLD_MEMORY_USAGE", default_value_t = 85.0)]
    pub threshold_memory_usage: f64,
    /// Alert threshold: requests answered 5xx over the last minute, percent.
    #[arg(long, env = "THRESHOLD_ERROR_RATE", default_value_t = 5.0)]
    pub threshold_error_rate: f64,
    #[command(flatten)]
    pub backup: crate::backup::BackupConfig,
    #[command(flatten)]
    pub push: crate::push::PushConfig,
}

/// Where the draw sources live (`lottopro sync` and `serve`).
#[derive(Debug, Clone, Args, serde::Serialize)]
pub struct SourceUrls {
    /// Base URL of the official 2026 results endpoint.
    #[serde(serialize_with = "crate::secret::ser_url")]
    #[arg(long, env = "LOTTOPRO_API_BASE", default_value = crate::sync::OFFICIAL_BASE)]
    pub api_base: String,
    /// Base URL of the official legacy endpoint.
    #[serde(serialize_with = "crate::secret::ser_url")]
    #[arg(long, env = "LOTTOPRO_LEGACY_BASE", default_value = crate::sync::OFFICIAL_BASE)]
    pub legacy_base: String,
    /// Base URL of the public results mirror.
    #[serde(serialize_with = "crate::secret::ser_url")]
    #[arg(long, env = "LOTTOPRO_MIRROR_BASE", default_value = crate::sync::MIRROR_BASE)]
    pub mirror_base: String,
}

impl SourceUrls {
    /// `config` with these base URLs.
    pub fn apply(&self, config: crate::sync::SyncConfig) -> crate::sync::SyncConfig {
        crate::sync::SyncConfig {
            api_base: self.api_base.clone(),
            legacy_base: self.legacy_base.clone(),
            mirror_base: self.mirror_base.clone(),
            ..config
        }
    }
}

/// Booleans as the original read them: 1/true/yes/on and 0/false/no/off.
pub(crate) fn parse_flag(s: &str) -> std::result::Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => Err(format!("'{other}' is not true or false")),
    }
}

/// Trusted proxy hops: a count, or `true` (one) / `false` (none).
fn parse_hops(s: &str) -> std::result::Result<u8, String> {
    match s.trim().parse::<u8>() {
        Ok(n) => Ok(n),
        Err(_) => parse_flag(s)
            .map(u8::from)
            .map_err(|_| format!("'{s}' is not a number of proxy hops (or true/false)")),
    }
}

impl ServeConfig {
    /// The defaults, as `lottopro serve` with no flags and no environment:
    /// read from the flags' own declarations above (with every environment
    /// variable unset for the occasion), so there is one place for each.
    pub fn defaults() -> ServeConfig {
        use clap::{CommandFactory, FromArgMatches};
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            config: ServeConfig,
        }
        let command = Defaults::command().mut_args(|a| a.env(None));
        let parsed = command
            .try_get_matches_from(["serve"])
            .map_err(|e| e.to_string())
            .and_then(|m| Defaults::from_arg_matches(&m).map_err(|e| e.to_string()));
        match parsed {
            Ok(d) => d.config,
            // Every flag has a valid default; `defaults_come_from_the_flags`
            // parses them, so this cannot happen in a tested build.
            #[allow(clippy::panic)]
            Err(e) => panic!("the serve flags' defaults do not parse: {e}"),
        }
    }

    /// Where and how the process logs (`serve` and `backup --daemon`).
    pub fn log_config(&self) -> crate::telemetry::logs::LogConfig {
        use tracing_subscriber::filter::LevelFilter;
        let level = match self.log_level.as_deref() {
            Some("error") => LevelFilter::ERROR,
            Some("warn") => LevelFilter::WARN,
            Some("debug") => LevelFilter::DEBUG,
            Some("trace") => LevelFilter::TRACE,
            Some(_) => LevelFilter::INFO,
            None if self.debug => LevelFilter::DEBUG,
            None => LevelFilter::INFO,
        };
        crate::telemetry::logs::LogConfig {
            dir: self.log_dir.clone(),
            max_files: self.log_max_files,
            max_bytes: self.log_max_bytes,
            level,
            json: self.log_format == "json",
        }
    }

    /// The cache settings, through the core's parser of the same variables.
    pub fn cache(&self) -> Result<CacheConfig> {
        let kind: CacheKind = self
            .cache_type
            .parse()
            .map_err(|e| as_variable(e, "CACHE_TYPE"))?;
        Ok(CacheConfig {
            kind,
            redis_url: self.redis_url.clone(),
            default_ttl: Duration::from_secs(self.cache_default_timeout),
            memory_size: self.memory_cache_size.max(1),
            compression: self.cache_compression,
        })
    }

    /// Builds the configured cache, errors naming the variable at fault.
    pub fn build_cache(&self) -> Result<Option<std::sync::Arc<dyn lottopro_core::Cache>>> {
        self.cache()?
            .build()
            .map_err(|e| as_variable(e, "REDIS_URL"))
    }

    /// Checks the secrets: refuses weak ones unless in debug mode.
    pub fn check_secrets(&self) -> Result<()> {
        if self.secret_key.is_none()
            && let crate::store::Location::Postgres(_) = self.store_location()
        {
            return Err(Error::invalid(
                "SECRET_KEY",
                "must be set with a PostgreSQL store: every replica must use the same key",
            ));
        }
        if self.debug {
            return Ok(());
        }
        if let Some(key) = &self.secret_key {
            weak("SECRET_KEY", key)?;
        }
        if let Some(token) = &self.admin_token {
            weak("ADMIN_TOKEN", token)?;
            if token.chars().count() < MIN_ADMIN_TOKEN_CHARS {
                return Err(Error::invalid(
                    "ADMIN_TOKEN",
                    format!(
                        "is shorter than {MIN_ADMIN_TOKEN_CHARS} characters: it opens every admin \
                         route and /metrics, so give it 128 random bits, e.g. \
                         `openssl rand -hex 16` (or DEBUG=true for local development)"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Where the store lives (see [`StoreArgs::location`]).
    pub fn store_location(&self) -> crate::store::Location {
        self.store.location()
    }

    /// The secret key as [`ServeConfig::secret`] finds it, without
    /// generating one: `None` when none is set or kept yet (for a backup).
    pub fn existing_secret(&self) -> Result<Option<Vec<u8>>> {
        let kept = self
            .store_location()
            .path()
            .map(|db| db.parent().unwrap_or(Path::new("")).join("secret_key"));
        if self.secret_key.is_some() || kept.is_some_and(|k| k.exists()) {
            self.secret().map(Some)
        } else {
            Ok(None)
        }
    }

    /// The secret key: `SECRET_KEY`, or the one kept beside a SQLite
    /// database (generated on first start). With PostgreSQL the replicas
    /// run on several machines and must share one key, so it must be given.
    pub fn secret(&self) -> Result<Vec<u8>> {
        if let Some(key) = &self.secret_key {
            return Ok(key.as_bytes().to_vec());
        }
        if let crate::store::Location::Postgres(_) = self.store_location() {
            return Err(Error::invalid(
                "SECRET_KEY",
                "must be set with a PostgreSQL store: every replica must use the same key",
            ));
        }
        let location = self.store_location();
        let dir = location
            .path()
            .and_then(Path::parent)
            .unwrap_or(Path::new(""));
        let path = dir.join("secret_key");
        match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().len() >= 32 => Ok(text.trim().as_bytes().to_vec()),
            Ok(_) => Err(Error::invalid(
                "SECRET_KEY",
                format!("{} is shorter than 32 characters", path.display()),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
                let key = crate::secret::random_hex(32);
                match write_private(&path, &key) {
                    Ok(()) => Ok(key.into_bytes()),
                    // Another replica on the same data directory wrote it first.
                    Err(lottopro_core::Error::Io(e))
                        if e.kind() == std::io::ErrorKind::AlreadyExists =>
                    {
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        Ok(std::fs::read_to_string(&path)?.trim().as_bytes().to_vec())
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// A core error about a setting, renamed to the variable that holds it.
fn as_variable(e: Error, variable: &str) -> Error {
    match e {
        Error::InvalidInput { message, .. } => Error::invalid(variable, message),
        other => other,
    }
}

fn weak(name: &str, value: &str) -> Result<()> {
    if value == DEV_SECRET_KEY || value.chars().count() < MIN_SECRET_CHARS {
        return Err(Error::invalid(
            name,
            format!(
                "is a development default or shorter than {MIN_SECRET_CHARS} characters; \
                 set a long random value (or DEBUG=true for local development)"
            ),
        ));
    }
    let bits = estimated_bits(value);
    let distinct = value
        .chars()
        .collect::<std::collections::HashSet<_>>()
        .len();
    if bits < MIN_SECRET_BITS || distinct < MIN_SECRET_DISTINCT {
        return Err(Error::invalid(
            name,
            format!(
                "repeats itself too much ({distinct} different characters, about {bits:.0} bits \
                 of randomness by their frequencies): set a random value, e.g. \
                 `openssl rand -hex 32`"
            ),
        ));
    }
    Ok(())
}

/// Fewest bits of randomness a secret must show by [`estimated_bits`], and
/// fewest different characters: a random 16-digit hex string passes both
/// (the lowest of 200,000 draws showed 28 bits and 5 different characters).
const MIN_SECRET_BITS: f64 = 24.0;
const MIN_SECRET_DISTINCT: usize = 5;

/// The randomness of `value` as its length times the Shannon entropy of its
/// character frequencies: an upper bound for a guessable value (a word, a
/// date) but the right order for a random one, and near zero for
/// `aaaaaaaaaaaaaaaa` or `abababababababab`.
fn estimated_bits(value: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in value.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    let per_char: f64 = counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum();
    per_char * n as f64
}

/// Writes a new file only its owner can read.
pub(crate) fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_that_repeat_themselves_are_refused() {
        for weak_one in [
            "aaaaaaaaaaaaaaaa",
            "abababababababab",
            "aaaaaaaabbbbbbbbccccdddd",
        ] {
            let e = weak("ADMIN_TOKEN", weak_one).unwrap_err();
            assert!(e.to_string().contains("repeats itself"), "{weak_one}: {e}");
        }
        for _ in 0..2000 {
            let random = crate::secret::random_hex(16);
            assert!(weak("ADMIN_TOKEN", &random).is_ok(), "{random}");
        }
        assert!(weak("SECRET_KEY", "admin-token-for-tests-0123").is_ok());
    }

    #[test]
    fn defaults_come_from_the_flags() {
        // Even with a variable set in this process, the defaults are the
        // flags' own.
        let d = ServeConfig::defaults();
        assert_eq!(d.bind, SocketAddr::from(([127, 0, 0, 1], 5000)));
        assert_eq!(d.store.db, PathBuf::from("data/lottopro.db"));
        assert_eq!(d.cache_type, "memory");
        assert_eq!(d.rate_limit_predict.to_string(), "30/hour");
        assert_eq!(d.rate_limit_save_numbers.to_string(), "50/hour");
        assert_eq!((d.monitor_interval, d.log_max_files), (10, 30));
        assert!(d.cache_warming && d.sync_schedule && d.monitoring_enabled && !d.debug);
        assert_eq!(d.sources.mirror_base, crate::sync::MIRROR_BASE);
    }

    #[test]
    fn rates_parse_and_print() {
        let r: Rate = "30/hour".parse().unwrap();
        assert_eq!((r.count, r.period.as_secs()), (30, 3600));
        assert_eq!(r.to_string(), "30/hour");
        assert_eq!("5/ second".parse::<Rate>().unwrap().period.as_secs(), 1);
        for bad in ["", "30", "0/hour", "-1/hour", "30/fortnight", "x/day"] {
            let e = bad.parse::<Rate>().unwrap_err();
            assert_eq!(e.field(), Some("rate"), "{bad}");
        }
    }

    #[test]
    fn weak_secrets_are_refused_outside_debug() {
        let mut c = ServeConfig::defaults();
        c.secret_key = Some(DEV_SECRET_KEY.into());
        assert_eq!(c.check_secrets().unwrap_err().field(), Some("SECRET_KEY"));
        c.secret_key = Some("0123456789abcdef0123".into());
        c.admin_token = Some("short".into());
        assert_eq!(c.check_secrets().unwrap_err().field(), Some("ADMIN_TOKEN"));
        for made_up in ["password12345678", "admin-admin-admin"] {
            c.admin_token = Some(made_up.into());
            let e = c.check_secrets().unwrap_err();
            assert_eq!(e.field(), Some("ADMIN_TOKEN"), "{made_up}");
        }
        c.admin_token = Some(crate::secret::random_hex(32));
        assert!(c.check_secrets().is_ok(), "128 random bits in hex");
        c.debug = true;
        assert!(c.check_secrets().is_ok());
    }

    #[test]
    fn a_generated_secret_is_kept_beside_the_database() {
        let dir = std::env::temp_dir().join(format!("lottopro-secret-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut c = ServeConfig::defaults();
        c.store.db = dir.join("db.sqlite");
        let first = c.secret().unwrap();
        assert_eq!(first.len(), 32);
        assert_eq!(c.secret().unwrap(), first);
        c.secret_key = Some("from the environment, long enough".into());
        assert_ne!(c.secret().unwrap(), first);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn cache_settings_go_through_the_core_parser() {
        let mut c = ServeConfig::defaults();
        c.cache_type = "tiered".into();
        c.cache_default_timeout = 60;
        let cache = c.cache().unwrap();
        assert_eq!(cache.default_ttl.as_secs(), 60);
        c.cache_type = "disk".into();
        assert_eq!(c.cache().unwrap_err().field(), Some("CACHE_TYPE"));
    }
}
