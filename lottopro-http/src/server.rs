//! `lottopro serve`: start-up (configuration, logs, store, engine), the
//! background tasks (cache warming, the sync and backup schedules, following draws that
//! another replica stored, the self-monitoring loop) and a graceful
//! shutdown on Ctrl-C or SIGTERM that finishes the requests in flight.

use std::process::ExitCode;

use lottopro_core::Error;

use crate::app::AppState;
use crate::config::ServeConfig;
use crate::sync::{Next, Schedule, SyncReport, Syncer};

/// `lottopro serve`: checks the configuration, opens the store, adds
/// `--history` to it, builds the engine on the stored draws and serves until
/// Ctrl-C or SIGTERM, finishing the requests in flight.
pub fn serve(config: &ServeConfig) -> ExitCode {
    use std::io::Write;
    use std::sync::Arc;
    let fail = |e: &dyn std::fmt::Display| {
        let _ = writeln!(std::io::stderr(), "lottopro: error: {e}");
        ExitCode::FAILURE
    };
    let _log_guards = match crate::telemetry::logs::init(&config.log_config()) {
        Ok(guards) => guards,
        Err(e) => return fail(&format!("cannot open the log files: {e}")),
    };
    // The original app's settings: read under their new names, or named in
    // the log as ignored, with why.
    let env = crate::config::var;
    let mut config = config.clone();
    if let Err(e) = crate::config::original::apply(&mut config, env) {
        return fail(&e);
    }
    for note in crate::config::original::notes(env)
        .into_iter()
        .chain(config.store.conflict())
    {
        tracing::warn!(target: "config", "{note}");
    }
    let config = &config;
    let built = (|| -> lottopro_core::Result<AppState> {
        config.check_secrets()?;
        crate::backup::check(config)?;
        crate::push::check(config)?;
        let spec = lottopro_core::GameSpec::preset(&config.game)?;
        let store = crate::store::Store::connect(&config.store_location())?;
        let secret = config.secret()?;
        store.check_key(
            &crate::secret::fingerprint(&secret),
            config.replace_secret_key,
        )?;
        if let Some(path) = &config.history {
            let h = lottopro_core::io::load_history(path, None, spec.clone())?;
            let h = match &config.prizes {
                Some(p) => lottopro_core::io::load_prizes(&h, p)?,
                None => h,
            };
            store.add(&h)?;
        }
        let loaded = store.load_if_empty(&lottopro_core::data::default_history(&spec))?;
        let history = store.history(&spec)?;
        if !loaded.is_empty() {
            tracing::info!(
                draws = history.len(),
                latest_round = history.latest_round(),
                db = %config.store_location(),
                "the database held no draws: loaded the {} history bundled with LottoPro; sync continues from round {}",
                spec.id(),
                history.latest_round().unwrap_or(0) + 1
            );
        }
        let cache = config.cache()?;
        let engine =
            crate::telemetry::monitor::instrumented(lottopro_core::Engine::builder(history))
                .cache(config.build_cache()?)
                .ttl(cache.default_ttl)
                .build();
        // The 720+ draws `sync --game kr720` stored, when they go past the
        // bundled ones.
        let pension = store.pension_history()?;
        let options = crate::app::Options::from_config(config, secret);
        let state = AppState::with_options(Arc::new(engine), Some(Arc::new(store)), options);
        if pension.len() > state.pension().len() {
            state.set_pension(pension);
        }
        Ok(state)
    })();
    let state = match built {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    // Engine calls run on the blocking pool. Tokio allows 512 threads there
    // by default; under load that many runnable threads on a few cores spend
    // their time switching. A few per core keep the cores busy while one
    // waits on the disk.
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads((2 * cores).max(4))
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let bind = config.bind;
    let connections = crate::listen::Limits {
        header_timeout: std::time::Duration::from_secs(config.header_timeout.max(1)),
        max_connections: config.max_connections.max(1),
        per_address: if config.trust_proxy > 0 {
            0
        } else {
            config.max_connections_per_address
        },
        body_timeout: std::time::Duration::from_secs(config.body_timeout.max(1)),
        min_body_rate: crate::listen::MIN_BODY_RATE,
    };
    let draws = state.engine.history().len();
    let db = config.store_location().to_string();
    let warm = config.cache_warming && draws > 0;
    let sync_schedule = config.sync_schedule;
    let backups = config.clone();
    let watch = config.monitoring_enabled.then(|| {
        (
            std::time::Duration::from_secs(config.monitor_interval.max(1)),
            std::time::Duration::from_secs(config.alert_cooldown),
            crate::telemetry::alerts::Channels {
                webhook: config.slack_webhook_url.clone(),
                smtp: config.smtp_url.clone(),
                email_to: config.alert_email_to.clone(),
                email_from: config.alert_email_from.clone(),
                instance: crate::config::var("HOSTNAME").unwrap_or_else(|| "lottopro".into()),
            },
            config
                .store_location()
                .path()
                .and_then(std::path::Path::parent)
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(
                    || std::path::PathBuf::from("."),
                    std::path::Path::to_path_buf,
                ),
        )
    });
    let code = runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(bind).await {
            Ok(l) => l,
            Err(e) => return fail(&format!("cannot listen on {bind}: {e}")),
        };
        tracing::info!(draws, db = %db, %bind, "lottopro: serving on http://{bind}/ (Ctrl-C stops)");
        if warm {
            let engine = state.engine.clone();
            tokio::task::spawn_blocking(move || {
                let started = std::time::Instant::now();
                let result = engine
                    .warm()
                    .and_then(|_| engine.backtest(&lottopro_core::BacktestOptions::default()));
                match result {
                    Ok(_) => tracing::info!(
                        target: "cache",
                        seconds = started.elapsed().as_secs_f64(),
                        "cache warmed"
                    ),
                    Err(e) => tracing::warn!(target: "cache", error = %e, "cache warming failed"),
                }
            });
        }
        if sync_schedule {
            tokio::spawn(scheduled_sync(state.clone()));
        }
        if backups.backup.backup_schedule.0.is_some() {
            tokio::spawn(crate::backup::scheduled(backups, state.store.clone()));
        }
        tokio::spawn(follow_store(
            state.clone(),
            std::time::Duration::from_secs(30),
        ));
        tokio::spawn(crate::app::ready::watch_cache(state.clone()));
        if let Some((interval, cooldown, channels, data_dir)) = watch {
            state.sample_system(&data_dir);
            tokio::spawn(crate::telemetry::monitor::watch(
                state.monitor_handle(),
                interval,
                cooldown,
                channels,
            ));
        }
        let app = crate::app::app(state);
        match crate::listen::serve(listener, app, connections, shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        }
    });
    // The requests in flight have finished; a blocking call still waiting
    // on a dependency that stopped answering must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    code
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Syncs the store, then moves the engine onto the new history (new
/// draws change the history epoch, so no cached result is stale; the
/// `history` tag is dropped to free the old ones). Predictions for the new
/// rounds are scored by the store as the draws are added.
pub async fn sync_now(state: &AppState) -> lottopro_core::Result<SyncReport> {
    let Some(store) = state.store.clone() else {
        return Err(Error::invalid("db", "the service runs without a database"));
    };
    let game = state.engine.game();
    let syncer = Syncer::new(state.options().sync.clone())?;
    let report = syncer.sync(&store, &game).await?;
    let now = crate::app::unix_now();
    state.synced_at(now);
    let s = store.clone();
    let _ = tokio::task::spawn_blocking(move || s.record_sync(now)).await;
    let before = state.engine.history().latest_round();
    if report.latest_round != before {
        let engine = state.engine.clone();
        tokio::task::spawn_blocking(move || {
            let history = store.history(&game)?;
            engine.replace_history(history);
            engine.invalidate("history");
            tracing::info!(target: "cache", tag = "history", "invalidated after new draws");
            Ok::<_, Error>(())
        })
        .await
        .map_err(|e| Error::Io(std::io::Error::other(e)))??;
        crate::app::week::announce(state, before).await;
    }
    Ok(report)
}

/// How long the lease on scheduled work lasts; the leader renews it at
/// every attempt, and another replica takes over once it has lapsed.
const LEAD_SECS: i64 = 15 * 60;

/// The games the service keeps in step with the official results, each on
/// its own day.
#[derive(Clone, Copy)]
enum Synced {
    Lotto,
    Pension,
}

impl Synced {
    fn schedule(self) -> Schedule {
        match self {
            Synced::Lotto => Schedule::LOTTO,
            Synced::Pension => Schedule::PENSION,
        }
    }

    /// The lease of its scheduled work (see `Store::lead`).
    fn lease(self) -> &'static str {
        match self {
            Synced::Lotto => "sync",
            Synced::Pension => "sync-kr720",
        }
    }

    fn latest(self, state: &AppState) -> Option<lottopro_core::Date> {
        match self {
            Synced::Lotto => state
                .engine
                .history()
                .latest()
                .map(lottopro_core::Draw::date),
            Synced::Pension => state.pension().latest().map(|d| d.date()),
        }
    }

    async fn sync(self, state: &AppState) -> lottopro_core::Result<SyncReport> {
        match self {
            Synced::Lotto => sync_now(state).await,
            Synced::Pension => sync_pension_now(state).await,
        }
    }
}

/// Fetches the Pension Lottery 720+ rounds the store lacks and serves the
/// longer history at once.
pub async fn sync_pension_now(state: &AppState) -> lottopro_core::Result<SyncReport> {
    let Some(store) = state.store.clone() else {
        return Err(Error::invalid("db", "the service runs without a database"));
    };
    let syncer = Syncer::new(state.options().sync.clone())?;
    let report = syncer.sync_pension(&store).await?;
    let stored = tokio::task::spawn_blocking(move || store.pension_history())
        .await
        .map_err(|e| Error::Io(std::io::Error::other(e)))??;
    if stored.len() > state.pension().len() {
        state.set_pension(stored);
    }
    Ok(report)
}

/// The service's sync schedules (see `sync::Schedule`), Lotto 6/45 after
/// Saturday's draw and Pension Lottery 720+ after Thursday's: runs until the
/// process ends. With replicas sharing a store, only the one holding a
/// game's lease (see `Store::lead`) fetches it; the others pick the new
/// draws up from the store (`follow_store`), and the predictions they made
/// are scored by the leader as it stores the draws.
pub async fn scheduled_sync(state: AppState) {
    tokio::join!(
        scheduled(state.clone(), Synced::Lotto),
        scheduled(state, Synced::Pension)
    );
}

async fn scheduled(state: AppState, game: Synced) {
    let holder = format!(
        "{}-{}",
        crate::config::var("HOSTNAME").unwrap_or_else(|| "lottopro".into()),
        crate::secret::random_hex(8)
    );
    let mut leading = None;
    let mut last_attempt = None;
    loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        match game.schedule().plan(now, game.latest(&state), last_attempt) {
            Next::SyncNow => {
                last_attempt = Some(now);
                let lease = game.lease();
                let lead =
                    crate::store::leads(state.store.clone(), lease, &holder, LEAD_SECS).await;
                if leading != Some(lead) {
                    if lead {
                        tracing::info!(%holder, lease, "this replica leads scheduled work");
                    } else {
                        tracing::info!(%holder, lease, "another replica leads scheduled work: following the store");
                    }
                    leading = Some(lead);
                }
                if !lead {
                    continue;
                }
                match game.sync(&state).await {
                    Ok(r) if !r.added.is_empty() => tracing::info!(
                        lease,
                        added = ?r.added,
                        source = r.source.unwrap_or("?"),
                        "sync added rounds"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(lease, error = %e, "sync failed"),
                }
            }
            // Wake at least hourly, so a changed clock or history is seen.
            Next::Wait(secs) => {
                let secs = u64::try_from(secs.clamp(1, 3_600)).unwrap_or(3_600);
                tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
            }
        }
    }
}

/// Keeps the engine on the stored draws when another replica sharing the
/// database adds some: every `every`, compares the latest stored round with
/// the engine's and reloads when they differ. Runs until the process ends.
pub async fn follow_store(state: AppState, every: std::time::Duration) {
    let Some(store) = state.store.clone() else {
        return;
    };
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let (store, engine) = (store.clone(), state.engine.clone());
        let before = engine.history().latest_round();
        let pension_len = state.pension().len();
        let seen = tokio::task::spawn_blocking(move || {
            let game = engine.game();
            if store.latest_round(&game)? != engine.history().latest_round() {
                engine.replace_history(store.history(&game)?);
                engine.invalidate("history");
                tracing::info!(target: "cache", "draws added by another replica: history reloaded");
            }
            let pension = store.pension_history()?;
            let pension = (pension.len() > pension_len).then_some(pension);
            Ok::<_, Error>((store.last_sync()?, pension))
        })
        .await;
        if let Ok(Ok((at, pension))) = seen {
            if let Some(at) = at {
                state.synced_at(at);
            }
            if let Some(p) = pension {
                tracing::info!(rounds = p.len(), "720+ draws added by another replica");
                state.set_pension(p);
            }
        }
        // Draws another replica or an import added: their waiting tickets
        // are checked and their owners told, once (the store decides who).
        if state.engine.history().latest_round() != before {
            crate::app::week::announce(&state, before).await;
        }
    }
}
