//! Web Push: telling a player's browsers that a draw has been checked, even
//! when no LottoPro page is open.
//!
//! A browser subscribes with the push service its vendor runs
//! (`pushManager.subscribe` with our public key) and gives us the
//! subscription: an endpoint URL and two keys. To notify, we encrypt the
//! [`Notice`] as JSON for that browser (RFC 8291, `aes128gcm`), sign a
//! VAPID token naming us (RFC 8292) and POST it to the endpoint (RFC 8030);
//! the service worker shows it (`static/sw.js`). The encryption is
//! `web-push-native`'s and the ES256 token is signed with the `jwt-simple`
//! it brings (both pure Rust); the request goes out through our own reqwest
//! client, so its deadlines are ours.
//!
//! **The VAPID key lives in the store** (`vapid_keys`, one row), unless
//! `VAPID_PRIVATE_KEY` configures it. A browser's subscription is bound to
//! the public key it subscribed with: a key kept in memory would orphan
//! every subscription at a restart, and a key per replica would make each
//! replica's pushes fail for the others' subscribers. The store is the one
//! thing every replica shares, and the first replica to need a key stores
//! the one it generated while the others read it back (`Store::vapid_key`).
//! A deployment that keeps secrets out of its database sets the variable
//! instead; deriving the key from `SECRET_KEY` would tie rotating the
//! client-token key to every browser subscribing again.
//!
//! **A push service that hangs costs only its own messages.** Each message
//! is one task under a semaphore of `PUSH_CONCURRENCY` permits shared by
//! every call to [`notify`], and the client gives up on a message after
//! `PUSH_TIMEOUT` seconds whether it is still connecting or waiting for the
//! answer. So a call for `n` messages returns within about
//! `ceil(n / PUSH_CONCURRENCY) × PUSH_TIMEOUT`, however the services behave;
//! requests to the service never wait for it (the store is read and written
//! on the blocking pool, the sending is async I/O). An answer of 404 or 410
//! means the subscription is gone and it is dropped; any other failure
//! keeps it for the next draw. Counts go to
//! `lottopro_push_messages_total{result="sent|gone|failed"}`.
//!
//! Endpoints must be `https` URLs of public hosts, so a subscription cannot
//! make the service post to itself or its network; `PUSH_LOCAL_ENDPOINTS`
//! lifts that for a local push-service stand-in in tests.

mod deliver;
mod subscription;

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use lottopro_core::{Error, Result};
use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, Semaphore};
use utoipa::ToSchema;

pub use deliver::{MESSAGE_TTL, Outcome, VapidKey};
pub use subscription::{
    AUTH_PATTERN, ENDPOINT_PATTERN, MAX_ENDPOINT_BYTES, Subscription, check_length,
};

use crate::app::AppState;
use crate::store::{PushTarget, Store};

/// The largest notice accepted, as JSON bytes: RFC 8291 leaves 3,993 bytes
/// of plaintext in one 4,096-byte record. Every notice [`Notice::check`]
/// passes fits (at most 400 + 1,000 + 2,000 + 256 bytes of title, url, body
/// and tag as JSON, plus the keys), so the schema's bounds are the whole rule.
pub const MAX_NOTICE_BYTES: usize = 3993;

/// The contact used when `PUSH_SUBJECT` is unset or empty.
pub const DEFAULT_SUBJECT: &str = "mailto:lottopro@localhost";

/// Web Push settings of `lottopro serve`. An empty variable counts as unset.
#[derive(Debug, Clone, Args, Serialize)]
pub struct PushConfig {
    /// The VAPID private key (32 bytes, base64url) push messages are signed
    /// with. Unset: one is generated on first use and kept in the store.
    #[serde(serialize_with = "crate::secret::ser_set")]
    #[arg(long, env = "VAPID_PRIVATE_KEY", hide_env_values = true)]
    pub vapid_private_key: Option<String>,
    /// The contact push services see in the VAPID token (`mailto:` or
    /// `https:`); set it to a real address in production.
    #[arg(long, env = "PUSH_SUBJECT", default_value = DEFAULT_SUBJECT)]
    pub push_subject: String,
    /// Seconds a push service may take to accept a message (connecting
    /// included) before it counts as failed.
    #[arg(long, env = "PUSH_TIMEOUT", default_value_t = 10)]
    pub push_timeout: u64,
    /// Push messages in flight at once.
    #[arg(long, env = "PUSH_CONCURRENCY", default_value_t = 8)]
    pub push_concurrency: usize,
    /// Accept subscriptions whose endpoint is plain http or a loopback or
    /// private host: only for a local push-service stand-in in tests.
    #[arg(long, env = "PUSH_LOCAL_ENDPOINTS", default_value_t = false, action = clap::ArgAction::Set, value_parser = crate::config::parse_flag)]
    pub push_local_endpoints: bool,
}

impl Default for PushConfig {
    fn default() -> Self {
        PushConfig {
            vapid_private_key: None,
            push_subject: DEFAULT_SUBJECT.into(),
            push_timeout: 10,
            push_concurrency: 8,
            push_local_endpoints: false,
        }
    }
}

impl PushConfig {
    /// The configured VAPID private key, if set and not empty.
    pub fn vapid_private_key(&self) -> Option<&str> {
        self.vapid_private_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
    }

    /// The VAPID contact: `PUSH_SUBJECT`, or [`DEFAULT_SUBJECT`] when empty.
    pub fn subject(&self) -> &str {
        match self.push_subject.trim() {
            "" => DEFAULT_SUBJECT,
            s => s,
        }
    }

    /// Refuses settings that cannot work, naming the variable.
    pub fn check(&self) -> Result<()> {
        if let Some(key) = self.vapid_private_key() {
            VapidKey::from_private("VAPID_PRIVATE_KEY", key)?;
        }
        let subject = self.subject();
        if !(subject.starts_with("mailto:") || subject.starts_with("https://"))
            || subject.len() < 10
        {
            return Err(Error::invalid(
                "PUSH_SUBJECT",
                "must be a mailto: or https: contact (RFC 8292)",
            ));
        }
        if self.push_timeout == 0 || self.push_concurrency == 0 {
            return Err(Error::invalid(
                if self.push_timeout == 0 {
                    "PUSH_TIMEOUT"
                } else {
                    "PUSH_CONCURRENCY"
                },
                "must be 1 or more",
            ));
        }
        Ok(())
    }
}

/// What a push message says: the notification's title and body, the page
/// a tap opens, and a tag (a newer notice with the same tag replaces an
/// older one on the device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// The notification's title, 1 to 100 characters, no control characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: String,
    /// Its text, at most 500 characters; new lines are its only control
    /// characters.
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^[^\u0000-\u0009\u000b-\u001f\u007f-\u009f]*$"
    )]
    pub body: String,
    /// The page a tap opens: a path on this service (`/tickets#t-12`),
    /// printable ASCII without `\`.
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^/(?:[!-.0-\[\]-~][!-\[\]-~]*)?$"
    )]
    pub url: String,
    /// Replaces an earlier notification with the same tag; at most 64
    /// characters, no control characters.
    #[serde(default)]
    #[schema(max_length = 64, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub tag: String,
}

impl Notice {
    /// Checks the limits above; the error names the field.
    pub fn check(&self) -> Result<()> {
        let chars = |field: &str, text: &str, min: usize, max: usize| {
            let n = text.chars().count();
            if n < min || n > max {
                Err(Error::invalid(
                    field,
                    format!("must hold {min} to {max} characters, not {n}"),
                ))
            } else {
                Ok(())
            }
        };
        chars("title", &self.title, 1, 100)?;
        chars("body", &self.body, 0, 500)?;
        chars("tag", &self.tag, 0, 64)?;
        chars("url", &self.url, 1, 500)?;
        for (field, text) in [
            ("title", &self.title),
            ("tag", &self.tag),
            ("body", &self.body),
        ] {
            if text
                .chars()
                .any(|c| c.is_control() && !(field == "body" && c == '\n'))
            {
                return Err(Error::invalid(
                    field,
                    if field == "body" {
                        "must not hold control characters other than new lines"
                    } else {
                        "must not hold control characters"
                    },
                ));
            }
        }
        let url = self.url.as_bytes();
        if url.first() != Some(&b'/')
            || url.get(1) == Some(&b'/')
            || !url.iter().all(|&b| b.is_ascii_graphic() && b != b'\\')
        {
            return Err(Error::invalid(
                "url",
                "must be a path on this service, starting with one / (printable ASCII, no \\)",
            ));
        }
        Ok(())
    }

    /// The push payload: the notice as JSON, after [`Notice::check`].
    pub fn payload(&self) -> Result<Vec<u8>> {
        self.check()?;
        let json = serde_json::to_vec(self).map_err(|e| Error::invalid("notice", e.to_string()))?;
        if json.len() > MAX_NOTICE_BYTES {
            return Err(Error::Limit {
                field: "notice".into(),
                value: json.len() as u64,
                limit: MAX_NOTICE_BYTES as u64,
            });
        }
        Ok(json)
    }
}

/// What a call to [`notify`] did, per subscription.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct NotifyReport {
    /// Messages the push services accepted.
    pub sent: u64,
    /// Subscriptions the push services reported gone (404/410), now dropped.
    pub gone: u64,
    /// Messages not delivered (refused, no answer within the deadline, a
    /// bad notice); their subscriptions are kept.
    pub failed: u64,
}

/// The sending side: the HTTP client with its deadlines, the semaphore of
/// messages in flight, and the VAPID key once loaded.
pub struct Pusher {
    config: PushConfig,
    client: Option<reqwest::Client>,
    gate: Arc<Semaphore>,
    key: OnceCell<Arc<VapidKey>>,
}

impl Pusher {
    /// A pusher with `config`'s deadlines and concurrency.
    pub fn new(config: PushConfig) -> Pusher {
        // rustls needs one process-wide crypto provider; a second install
        // fails harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let timeout = Duration::from_secs(config.push_timeout.max(1));
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "LottoPro/",
                env!("CARGO_PKG_VERSION"),
                " (web push)"
            ))
            .connect_timeout(timeout)
            .timeout(timeout)
            // A push service answers; it does not send us elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| tracing::error!(target: "push", "no push client: {e}"))
            .ok();
        Pusher {
            gate: Arc::new(Semaphore::new(config.push_concurrency.max(1))),
            config,
            client,
            key: OnceCell::new(),
        }
    }

    /// The settings.
    pub fn config(&self) -> &PushConfig {
        &self.config
    }

    /// The VAPID key: configured, else the store's (created on first use).
    pub async fn key(&self, store: Option<&Arc<Store>>) -> Result<Arc<VapidKey>> {
        self.key
            .get_or_try_init(|| async {
                if let Some(text) = self.config.vapid_private_key() {
                    return VapidKey::from_private("VAPID_PRIVATE_KEY", text).map(Arc::new);
                }
                let store = store.cloned().ok_or_else(|| {
                    Error::unavailable("database", "Web Push needs a store for its VAPID key")
                })?;
                let candidate = VapidKey::generate().private();
                let stored = tokio::task::spawn_blocking(move || store.vapid_key(&candidate))
                    .await
                    .map_err(|e| Error::unavailable("database", e))??;
                VapidKey::from_private("vapid_keys.private_key", &stored).map(Arc::new)
            })
            .await
            .cloned()
    }

    /// Sends each notice to every subscription of its owner; see [`notify`].
    pub async fn notify(
        &self,
        store: &Arc<Store>,
        messages: Vec<(String, Notice)>,
    ) -> NotifyReport {
        let mut report = NotifyReport::default();
        if messages.is_empty() {
            return report;
        }
        let owners: Vec<String> = messages.iter().map(|(o, _)| o.clone()).collect();
        let reader = store.clone();
        let targets = tokio::task::spawn_blocking(move || {
            owners
                .iter()
                .map(|o| reader.push_targets(o))
                .collect::<Result<Vec<_>>>()
        })
        .await
        .map_err(|e| Error::unavailable("database", e))
        .and_then(|r| r);
        let targets = match targets {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(target: "push", "cannot read the subscriptions: {e}");
                report.failed = messages.len() as u64;
                return report;
            }
        };
        let mut jobs: Vec<(Arc<Vec<u8>>, PushTarget)> = Vec::new();
        for ((_, notice), subs) in messages.iter().zip(targets) {
            match notice.payload() {
                Ok(p) => {
                    let p = Arc::new(p);
                    jobs.extend(subs.into_iter().map(|t| (p.clone(), t)));
                }
                Err(e) => {
                    tracing::warn!(target: "push", "a notice was not sent: {e}");
                    report.failed += subs.len() as u64;
                    count("failed", subs.len() as u64);
                }
            }
        }
        if jobs.is_empty() {
            return report;
        }
        let (key, client) = match (self.key(Some(store)).await, &self.client) {
            (Ok(k), Some(c)) => (k, c.clone()),
            (Err(e), _) => {
                tracing::warn!(target: "push", "no VAPID key: {e}");
                report.failed += jobs.len() as u64;
                count("failed", jobs.len() as u64);
                return report;
            }
            (_, None) => {
                report.failed += jobs.len() as u64;
                count("failed", jobs.len() as u64);
                return report;
            }
        };
        let mut tasks = tokio::task::JoinSet::new();
        for (payload, target) in jobs {
            let Ok(permit) = self.gate.clone().acquire_owned().await else {
                report.failed += 1;
                count("failed", 1);
                continue;
            };
            let (client, key) = (client.clone(), key.clone());
            let subject = self.config.subject().to_owned();
            tasks.spawn(async move {
                let outcome = deliver::send(&client, &target, &payload, &key, &subject).await;
                drop(permit);
                (target.endpoint, outcome)
            });
        }
        let mut gone = Vec::new();
        while let Some(done) = tasks.join_next().await {
            let Ok((endpoint, outcome)) = done else {
                report.failed += 1;
                count("failed", 1);
                continue;
            };
            count(outcome.label(), 1);
            match outcome {
                Outcome::Sent => report.sent += 1,
                Outcome::Gone => {
                    report.gone += 1;
                    gone.push(endpoint);
                }
                Outcome::Failed(why) => {
                    report.failed += 1;
                    tracing::warn!(target: "push", host = %host(&endpoint), "push message not delivered: {why}");
                }
            }
        }
        if !gone.is_empty() {
            let store = store.clone();
            let dropped = tokio::task::spawn_blocking(move || {
                gone.iter().try_for_each(|e| store.drop_push(e).map(drop))
            })
            .await;
            if !matches!(dropped, Ok(Ok(()))) {
                tracing::warn!(target: "push", "cannot drop the subscriptions reported gone");
            }
        }
        report
    }
}

/// Counts `n` messages with `result` (`sent`, `gone` or `failed`).
fn count(result: &'static str, n: u64) {
    metrics::counter!("lottopro_push_messages_total", "result" => result).increment(n);
}

/// The host of an endpoint, for logs (its path identifies a browser).
fn host(endpoint: &str) -> String {
    endpoint
        .parse::<axum::http::Uri>()
        .ok()
        .and_then(|u| u.host().map(str::to_owned))
        .unwrap_or_default()
}

/// Sends each `(owner, notice)` as one push message to every subscription
/// of that owner, at most `PUSH_CONCURRENCY` at once and each within
/// `PUSH_TIMEOUT`; drops the subscriptions the push service reports gone
/// and counts the outcomes. Without a store there is no one to notify.
pub async fn notify(state: &AppState, messages: Vec<(String, Notice)>) -> NotifyReport {
    match &state.store {
        Some(store) => state.push().notify(store, messages).await,
        None => NotifyReport::default(),
    }
}

/// Checks the push settings of `lottopro serve` before it starts.
pub fn check(config: &crate::config::ServeConfig) -> Result<()> {
    config.push.check()
}

#[cfg(test)]
mod tests;
