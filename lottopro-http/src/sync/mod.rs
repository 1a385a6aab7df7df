//! Draw results from the official site, its legacy endpoint or the public
//! mirror: fetched, validated, and added to the store.
//!
//! [`Syncer::sync`] asks the configured sources in order for the rounds the
//! store lacks. A source's answer is taken whole or not at all: if anything
//! fails (network, timeout, an HTML page instead of JSON, malformed JSON, a
//! row the core rejects, a missing round, a date that is not the Saturday a
//! week after the previous draw), the source is reported with its reason,
//! nothing of its answer is stored, and the next source is asked. What is
//! stored must also continue the stored history (`Store::add`), so a bad
//! source can delay new draws but never change or corrupt stored ones.
//!
//! Network code lives here, not in the core. The client is polite: one
//! request per round window, a delay between requests (1 s by default), and
//! a `User-Agent` that names LottoPro.

mod schedule;
mod sources;

use std::sync::Arc;
use std::time::Duration;

use lottopro_core::date::{Date, Weekday};
use lottopro_core::pension::{self, PensionDraw, PensionHistory};
use lottopro_core::{Draw, Error, GameSpec, History};
use serde::Serialize;

pub use lottopro_core::io::OfficialDraw;
pub use schedule::{DRAW_UTC_SECS, KST_OFFSET_SECS, Next, RETRY_SECS, Schedule};
pub use sources::DrawSource;

use crate::store::Store;

/// The official site (the 2026 endpoint and the legacy one).
pub const OFFICIAL_BASE: &str = "https://www.dhlottery.co.kr";
/// The public mirror of static results.
pub const MIRROR_BASE: &str = "https://smok95.github.io/lotto";
/// The page of Lotto results that calls the 2026 endpoint.
const LOTTO_RESULT_PAGE: &str = "https://www.dhlottery.co.kr/lt645/result";
/// The page of 720+ results that calls the 720+ endpoint.
const PENSION_RESULT_PAGE: &str = "https://www.dhlottery.co.kr/pt720/result";

/// What the client calls itself.
pub const USER_AGENT: &str = concat!(
    "Mozilla/5.0 (compatible; LottoPro/",
    env!("CARGO_PKG_VERSION"),
    "; draw results sync)"
);

/// Where and how to fetch.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Sources in the order they are tried.
    pub sources: Vec<DrawSource>,
    /// Base URL of the 2026 endpoint.
    pub api_base: String,
    /// Base URL of the legacy endpoint.
    pub legacy_base: String,
    /// Base URL of the mirror.
    pub mirror_base: String,
    /// Stop after this round (default: the latest published).
    pub to: Option<u32>,
    /// Per request.
    pub timeout: Duration,
    /// Retries of a request that failed on the network or with a 5xx.
    pub retries: u32,
    /// First wait before a retry; doubled each time.
    pub backoff: Duration,
    /// Pause between two requests to the same source.
    pub delay: Duration,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            sources: vec![DrawSource::Api, DrawSource::Legacy, DrawSource::Mirror],
            api_base: OFFICIAL_BASE.into(),
            legacy_base: OFFICIAL_BASE.into(),
            mirror_base: MIRROR_BASE.into(),
            to: None,
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_millis(500),
            delay: Duration::from_secs(1),
        }
    }
}

/// A source that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SourceFailure {
    /// `api`, `legacy` or `mirror`.
    #[schema(value_type = String)]
    pub source: &'static str,
    /// What went wrong, for a person.
    pub reason: String,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SyncReport {
    /// Rounds added to the store.
    pub added: Vec<u32>,
    /// The source the added rounds came from (the last one, if several).
    #[schema(value_type = Option<String>)]
    pub source: Option<&'static str>,
    /// The latest stored round afterwards.
    pub latest_round: Option<u32>,
    /// Sources that failed on the way.
    pub failures: Vec<SourceFailure>,
}

impl SyncReport {
    /// Records how `kind` ended: its failure, or that it answered (and
    /// the sources after it need not be asked: `true`).
    fn settle(&mut self, kind: DrawSource, failure: Option<String>) -> bool {
        match failure {
            Some(reason) => {
                tracing::warn!(source = kind.as_str(), %reason, "sync source failed");
                self.failures.push(SourceFailure {
                    source: kind.as_str(),
                    reason,
                });
                false
            }
            None => {
                self.source = Some(kind.as_str());
                true
            }
        }
    }

    /// Whether every source failed and nothing was learnt (not even that
    /// the store is up to date).
    pub fn failed(&self) -> bool {
        self.source.is_none() && !self.failures.is_empty()
    }
}

/// Fetches draws; see the module docs.
pub struct Syncer {
    config: SyncConfig,
    client: reqwest::Client,
}

/// A source's answer for the next rounds: rows, or nothing new.
enum Answer {
    Rows(Vec<OfficialDraw>),
    UpToDate,
}

impl Syncer {
    /// A syncer with `config`.
    pub fn new(config: SyncConfig) -> lottopro_core::Result<Syncer> {
        // rustls needs one process-wide crypto provider; a second install
        // fails harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        for (field, base) in [
            ("LOTTOPRO_API_BASE", &config.api_base),
            ("LOTTOPRO_LEGACY_BASE", &config.legacy_base),
            ("LOTTOPRO_MIRROR_BASE", &config.mirror_base),
        ] {
            if !secure_or_local(base) {
                return Err(Error::invalid(
                    field,
                    format!(
                        "{} is not https (plain http is accepted only on loopback, for a local stand-in)",
                        crate::secret::redact_url(base)
                    ),
                ));
            }
        }
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // A redirect is an answer we did not ask for: reported, not followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::invalid("sync", format!("cannot build the HTTP client: {e}")))?;
        Ok(Syncer { config, client })
    }

    /// Adds the rounds `store` lacks for `game`; see the module docs.
    pub async fn sync(
        &self,
        store: &Arc<Store>,
        game: &GameSpec,
    ) -> lottopro_core::Result<SyncReport> {
        let mut report = SyncReport {
            added: vec![],
            source: None,
            latest_round: None,
            failures: vec![],
        };
        for &kind in &self.config.sources {
            let stored = blocking_history(store, game).await?;
            let next = stored.latest_round().map_or(1, |r| r + 1);
            if self.config.to.is_some_and(|to| next > to) {
                report.source = report.source.or(Some(kind.as_str()));
                break;
            }
            let answer = self.fetch(kind, game, next).await;
            let (rows, failure) = match answer {
                Ok(Answer::UpToDate) => (vec![], None),
                Ok(Answer::Rows(rows)) => (rows, None),
                Err(reason) => (vec![], Some(reason)),
            };
            // A source's answer is taken whole or not at all.
            let (accepted, rejected) = continuing(
                stored.latest().map(|d| (d.round(), d.date())),
                rows,
                |f| (f.draw.round(), f.draw.date()),
                Weekday::Saturday,
                self.config.to,
            );
            let failure = failure.or(rejected);
            if failure.is_none() && !accepted.is_empty() {
                let draws: Vec<Draw> = accepted.iter().map(|f| f.draw.clone()).collect();
                let orders: Vec<(u32, Vec<u8>)> = accepted
                    .iter()
                    .filter_map(|f| f.order.clone().map(|o| (f.draw.round(), o)))
                    .collect();
                let mut all = stored.draws().to_vec();
                all.extend(draws);
                let extended = History::new(game.clone(), all)?;
                let s = store.clone();
                let added = tokio::task::spawn_blocking(move || {
                    let added = s.add(&extended)?;
                    for (round, order) in &orders {
                        s.set_draw_order(extended.game(), *round, order)?;
                    }
                    Ok::<_, Error>(added)
                })
                .await
                .map_err(|e| Error::Io(std::io::Error::other(e)))??;
                report.added.extend(added);
                report.source = Some(kind.as_str());
            }
            if report.settle(kind, failure) {
                break;
            }
        }
        report.latest_round = blocking_history(store, game).await?.latest_round();
        Ok(report)
    }

    /// Adds the 720+ rounds `store` lacks, in the discipline of
    /// [`Syncer::sync`]: sources in order, an answer taken whole or not at
    /// all. Only the official site publishes 720+ results
    /// (`/pt720/selectPstPt720WnList.do` under `api_base`, every round in
    /// one answer; read by [`lottopro_core::io::read_official_pension`]);
    /// the legacy endpoint and the mirror have none and are reported as
    /// failed sources. Rows of rounds already stored must agree with them,
    /// and new ones must follow on Thursdays a week apart. A store without
    /// 720+ draws first takes the bundled history.
    pub async fn sync_pension(&self, store: &Arc<Store>) -> lottopro_core::Result<SyncReport> {
        let mut report = SyncReport {
            added: vec![],
            source: None,
            latest_round: None,
            failures: vec![],
        };
        let mut stored = blocking_pension(store).await?;
        if stored.is_empty() {
            let s = store.clone();
            let bundled = pension::bundled();
            tokio::task::spawn_blocking(move || s.add_pension(&bundled))
                .await
                .map_err(|e| Error::Io(std::io::Error::other(e)))??;
            stored = blocking_pension(store).await?;
        }
        for &kind in &self.config.sources {
            let next = stored.latest().map_or(1, |d| d.round() + 1);
            if self.config.to.is_some_and(|to| next > to) {
                report.source = report.source.or(Some(kind.as_str()));
                break;
            }
            let (accepted, failure) = match self.fetch_pension(kind).await {
                Ok(rows) => agreeing(&stored, rows).map_or_else(
                    |reason| (vec![], Some(reason)),
                    |rows| {
                        continuing(
                            stored.latest().map(|d| (d.round(), d.date())),
                            rows,
                            |d| (d.round(), d.date()),
                            Weekday::Thursday,
                            self.config.to,
                        )
                    },
                ),
                Err(reason) => (vec![], Some(reason)),
            };
            if failure.is_none() && !accepted.is_empty() {
                let extended = stored.extended(accepted)?;
                let s = store.clone();
                let added = tokio::task::spawn_blocking(move || s.add_pension(&extended))
                    .await
                    .map_err(|e| Error::Io(std::io::Error::other(e)))??;
                report.added.extend(added);
                stored = blocking_pension(store).await?;
            }
            if report.settle(kind, failure) {
                break;
            }
        }
        report.latest_round = stored.latest().map(PensionDraw::round);
        Ok(report)
    }

    /// Every 720+ round `kind` gives.
    async fn fetch_pension(&self, kind: DrawSource) -> Result<Vec<PensionDraw>, String> {
        match kind {
            DrawSource::Api => {
                let url = format!(
                    "{}/pt720/selectPstPt720WnList.do",
                    self.config.api_base.trim_end_matches('/')
                );
                let body = self
                    .get(&url, Some(PENSION_RESULT_PAGE))
                    .await?
                    .ok_or("the endpoint is missing (404)")?;
                lottopro_core::io::read_official_pension(&body).map_err(sources::reason)
            }
            DrawSource::Legacy | DrawSource::Mirror => Err(format!(
                "the {} source publishes no 720+ results",
                kind.as_str()
            )),
        }
    }

    /// The rounds from `next` on, as `kind` gives them.
    async fn fetch(&self, kind: DrawSource, game: &GameSpec, next: u32) -> Result<Answer, String> {
        let mut rows: Vec<OfficialDraw> = Vec::new();
        let mut cursor = next;
        loop {
            if self.config.to.is_some_and(|to| cursor > to) {
                break;
            }
            if cursor > next {
                tokio::time::sleep(self.config.delay).await;
            }
            let fetched = match kind {
                DrawSource::Api => {
                    let url = format!(
                        "{}/lt645/selectPstLt645InfoNew.do?srchDir=center&srchLtEpsd={cursor}",
                        self.config.api_base.trim_end_matches('/')
                    );
                    let body = self
                        .get(&url, Some(LOTTO_RESULT_PAGE))
                        .await?
                        .ok_or("the endpoint is missing (404)")?;
                    lottopro_core::io::read_official_api(game, &body, cursor)
                        .map_err(sources::reason)?
                }
                DrawSource::Legacy => {
                    let url = format!(
                        "{}/common.do?method=getLottoNumber&drwNo={cursor}",
                        self.config.legacy_base.trim_end_matches('/')
                    );
                    let body = self
                        .get(&url, None)
                        .await?
                        .ok_or("the endpoint is missing (404)")?;
                    lottopro_core::io::read_official_legacy(game, &body)
                        .map_err(sources::reason)?
                        .into_iter()
                        .collect()
                }
                DrawSource::Mirror => {
                    let url = format!(
                        "{}/results/{cursor}.json",
                        self.config.mirror_base.trim_end_matches('/')
                    );
                    match self.get(&url, None).await? {
                        // A round the mirror does not have yet.
                        None => vec![],
                        Some(body) => vec![
                            lottopro_core::io::read_mirror(game, &body).map_err(sources::reason)?,
                        ],
                    }
                }
            };
            let Some(last) = fetched.last().map(|f| f.draw.round()) else {
                break;
            };
            if last < cursor {
                break;
            }
            cursor = last + 1;
            rows.extend(fetched);
        }
        Ok(if rows.is_empty() {
            Answer::UpToDate
        } else {
            Answer::Rows(rows)
        })
    }

    /// A GET with retries: `Ok(None)` for 404, the body for 2xx. An
    /// endpoint called by a page of the site is asked as that page asks it
    /// (`referer`).
    async fn get(&self, url: &str, referer: Option<&str>) -> Result<Option<String>, String> {
        let mut wait = self.config.backoff;
        let mut attempt = 0;
        // Sources may carry credentials: errors name the host only.
        let shown = crate::secret::redact_url(url);
        loop {
            let mut request = self.client.get(url);
            if let Some(page) = referer {
                // What the site's own page sends; some clients report that
                // the endpoint refuses requests without them.
                request = request
                    .header("Referer", page)
                    .header("X-Requested-With", "XMLHttpRequest");
            }
            let outcome = match request.send().await {
                Ok(r) if r.status() == reqwest::StatusCode::NOT_FOUND => return Ok(None),
                Ok(r) if r.status().is_success() => return read_capped(r, &shown).await.map(Some),
                Ok(r) if r.status().is_redirection() => {
                    return Err(format!(
                        "{shown}: HTTP {} (a redirect; not followed)",
                        r.status()
                    ));
                }
                Ok(r) if r.status().is_server_error() => format!("{shown}: HTTP {}", r.status()),
                Ok(r) => return Err(format!("{shown}: HTTP {}", r.status())),
                Err(e) if e.is_timeout() => {
                    format!("{shown}: timed out after {:?}", self.config.timeout)
                }
                Err(e) => format!("{shown}: {}", e.without_url()),
            };
            if attempt >= self.config.retries {
                return Err(outcome);
            }
            attempt += 1;
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
    }
}

/// The largest answer a source may send, in bytes.
pub const MAX_SOURCE_BYTES: usize = 2 * 1024 * 1024;

/// `r`'s body as text, refused once it passes [`MAX_SOURCE_BYTES`].
async fn read_capped(mut r: reqwest::Response, shown: &str) -> Result<String, String> {
    let too_large = || format!("{shown}: the answer is larger than {MAX_SOURCE_BYTES} bytes");
    if r.content_length()
        .is_some_and(|n| n > MAX_SOURCE_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = r
        .chunk()
        .await
        .map_err(|e| format!("{shown}: reading the body: {}", e.without_url()))?
    {
        if body.len() + chunk.len() > MAX_SOURCE_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| format!("{shown}: the answer is not UTF-8 text"))
}

/// `https://…`, or `http://` to a loopback address.
fn secure_or_local(base: &str) -> bool {
    if base.starts_with("https://") {
        return true;
    }
    let Some(rest) = base.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The store's history, read off the async threads.
async fn blocking_history(store: &Arc<Store>, game: &GameSpec) -> lottopro_core::Result<History> {
    let s = store.clone();
    let game = game.clone();
    tokio::task::spawn_blocking(move || s.history(&game))
        .await
        .map_err(|e| Error::Io(std::io::Error::other(e)))?
}

/// The stored 720+ history, read off the async threads.
async fn blocking_pension(store: &Arc<Store>) -> lottopro_core::Result<PensionHistory> {
    let s = store.clone();
    tokio::task::spawn_blocking(move || s.pension_history())
        .await
        .map_err(|e| Error::Io(std::io::Error::other(e)))?
}

/// `rows` when each one of a round `stored` holds is that round's stored
/// draw; else why not (a source that rewrites the past is not trusted with
/// the future).
fn agreeing(stored: &PensionHistory, rows: Vec<PensionDraw>) -> Result<Vec<PensionDraw>, String> {
    match stored.disagreement(&rows) {
        Some(d) => Err(format!(
            "round {}: the answer differs from the stored draw",
            d.round()
        )),
        None => Ok(rows),
    }
}

/// The rows that continue `previous` (the latest stored round and its date)
/// one round at a time, each a week after the one before and on `weekday`,
/// up to `to`; and why the first row that does not was refused, if one was.
/// `at` reads a row's round and date.
fn continuing<T>(
    mut previous: Option<(u32, Date)>,
    rows: Vec<T>,
    at: impl Fn(&T) -> (u32, Date),
    weekday: Weekday,
    to: Option<u32>,
) -> (Vec<T>, Option<String>) {
    let mut accepted = Vec::new();
    for f in rows {
        let (round, date) = at(&f);
        if to.is_some_and(|to| round > to) {
            break;
        }
        if let Some((r, _)) = previous
            && round <= r
        {
            continue;
        }
        let expected = previous.map_or(1, |(r, _)| r + 1);
        if round != expected {
            return (
                accepted,
                Some(format!(
                    "round {expected} is missing (the next row is round {round})"
                )),
            );
        }
        if date.weekday() != weekday {
            return (
                accepted,
                Some(format!("round {round}: {date} is not a {weekday:?}")),
            );
        }
        if let Some((_, before)) = previous
            && date.days_since_epoch() - before.days_since_epoch() != 7
        {
            return (
                accepted,
                Some(format!(
                    "round {round}: {date} is not one week after {before}"
                )),
            );
        }
        previous = Some((round, date));
        accepted.push(f);
    }
    (accepted, None)
}
